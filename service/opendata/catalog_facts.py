"""The catalog's facts: what it says of each source graph that depends on the whole store.

Each named graph of ours is a dataset of the catalog (:mod:`.catalog`), described from what
the graph says of itself (titles, descriptions, sources, dates, else those of the
vocabulary or concept scheme it holds), from the write history (its last write), from its
events (first and last days, the régions they took place in) and from the concepts its
resources are about; the catalog also names what these point at (the publisher, the
régions with their INSEE identifiers, the themes, our concept schemes).

That is whole-store work: the open-data build (:mod:`.build`) gathers it on its copy of
the store, with one aggregate query per kind of fact (:meth:`CatalogFacts.gather`), and
keeps it with the build as JSON; a request never gathers it. No Flask here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDFS, SKOS, XSD
from rdflib.term import Node
from rdflib.util import from_n3

from ..labels import LABEL_PROPERTIES, label_values
from ..namespaces import IGEO, PREFIXES, SDO
from ..store import Store
from ..writes import history_graph
from .dumps import Manifest

#: What a graph may say of itself, by fact.
GRAPH_TITLES = (DCTERMS.title, SDO.name, RDFS.label, SKOS.prefLabel)
GRAPH_DESCRIPTIONS = (DCTERMS.description, SDO.description, SKOS.definition, RDFS.comment)
ISSUED = (DCTERMS.issued, DCTERMS.created, SDO.dateCreated, SDO.datePublished, PROV.generatedAtTime)
MODIFIED = (DCTERMS.modified, SDO.dateModified)
SOURCES = (DCTERMS.source, PROV.wasDerivedFrom)
#: Documents a graph may hold whose names name the graph (a vocabulary, a concept scheme).
DOCUMENT_TYPES = (OWL.Ontology, SKOS.ConceptScheme)
#: How far the themes of one graph's dataset go.
MAX_GRAPH_THEMES = 20


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Moment:
    """A date or date-time from the data, comparable whatever its form."""

    instant: datetime
    literal: Literal = field(compare=False)

    @classmethod
    def of(cls, value: Any) -> Moment | None:
        if isinstance(value, datetime):
            value = value.astimezone(UTC).replace(microsecond=0)
            text = value.isoformat().replace("+00:00", "Z")
            return cls(value, Literal(text, datatype=XSD.dateTime, normalize=False))
        if not isinstance(value, Literal):
            return None
        text = str(value).strip()
        try:
            if len(text) == 10:
                day = date.fromisoformat(text)
                return cls(
                    datetime(day.year, day.month, day.day, tzinfo=UTC),
                    Literal(text, datatype=XSD.date),
                )
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return cls(moment.astimezone(UTC), Literal(text, datatype=XSD.dateTime, normalize=False))

    @staticmethod
    def earliest(moments: Iterable[Moment | None]) -> Moment | None:
        found = [m for m in moments if m is not None]
        return min(found) if found else None

    @staticmethod
    def latest(moments: Iterable[Moment | None]) -> Moment | None:
        found = [m for m in moments if m is not None]
        return max(found) if found else None


# ---------------------------------------------------------------------------------------------
# What the catalog knows of each graph, gathered by the build
# ---------------------------------------------------------------------------------------------


@dataclass
class GraphFacts:
    """What the catalog knows of one source graph."""

    titles: list[Literal] = field(default_factory=list)
    descriptions: list[Literal] = field(default_factory=list)
    issued: Moment | None = None
    modified: Moment | None = None
    written: Moment | None = None  # last write the history records on it
    start: str | None = None  # first and last day of its events
    end: str | None = None
    regions: set[URIRef] = field(default_factory=set)
    themes: set[URIRef] = field(default_factory=set)
    sources: set[URIRef] = field(default_factory=set)


def _values(terms: Iterable[URIRef]) -> str:
    return " ".join(t.n3() for t in terms)


class CatalogFacts:
    """What the catalog says that depends on the whole store — each source graph's titles,
    dates, coverage and themes, the names of what they point at — gathered by the open-data
    build (:mod:`.build`) with one aggregate query per kind of fact, and kept with
    the build as JSON (terms in N-Triples form)."""

    def __init__(self, graphs: list[URIRef]):
        self.graphs = graphs
        self.facts: dict[URIRef, GraphFacts] = {g: GraphFacts() for g in graphs}
        self.regions: list[URIRef] = []
        self.schemes: list[URIRef] = []
        self.names: dict[URIRef, list[Literal]] = {}
        self.insee: dict[URIRef, Node] = {}
        self.codes: dict[URIRef, Node] = {}
        #: dataset key ("all", "events"…) → when its data last moved (:meth:`date_datasets`).
        self.modified: dict[str, Moment] = {}

    @classmethod
    def gather(
        cls, store: Store, base_url: str, manifest: Manifest, publisher: URIRef
    ) -> CatalogFacts:
        """The facts of the graphs the build dumped (a build's copy of the store)."""
        graphs = sorted(
            (URIRef(f"{base_url}{key}") for key in manifest.triples if key.startswith("graph/")),
            key=str,
        )
        found = cls(graphs)
        found._gather(store, base_url, publisher)
        return found

    def _gather(self, store: Store, base: str, publisher: URIRef) -> None:
        history = history_graph(base)
        known = set(self.facts)
        for row in store.select(
            f"""SELECT ?g ?p ?o WHERE {{
                  VALUES ?p {{ {
                _values(GRAPH_TITLES + GRAPH_DESCRIPTIONS + ISSUED + MODIFIED + SOURCES)
            } }}
                  GRAPH ?g {{ ?g ?p ?o }} }}"""
        ):
            if row["g"] in known:
                _add_fact(self.facts[row["g"]], row["p"], row["o"])
        # A graph that does not name itself is named by the vocabulary or scheme it holds.
        documents: dict[URIRef, GraphFacts] = {}
        for row in store.select(
            f"""SELECT ?g ?p ?o WHERE {{
                  VALUES ?t {{ {_values(DOCUMENT_TYPES)} }}
                  GRAPH ?g {{ ?d a ?t ; ?p ?o }}
                  FILTER(?p IN ({
                ", ".join(p.n3() for p in GRAPH_TITLES + GRAPH_DESCRIPTIONS + ISSUED + MODIFIED)
            })) }}"""
        ):
            if row["g"] in known:
                _add_fact(documents.setdefault(row["g"], GraphFacts()), row["p"], row["o"])
        for name, found in documents.items():
            facts = self.facts[name]
            facts.titles = facts.titles or found.titles
            facts.descriptions = facts.descriptions or found.descriptions
            facts.issued = Moment.earliest([facts.issued, found.issued])
            facts.modified = Moment.latest([facts.modified, found.modified])
        for facts in self.facts.values():
            facts.titles = _unique(facts.titles)
            facts.descriptions = _unique(facts.descriptions)
        # Writes: the last one that changed each graph; the history graph's own span.
        for row in store.select(
            f"""PREFIX prov: <{PREFIXES["prov"]}>
                SELECT ?g (MAX(?t) AS ?last) WHERE {{
                  GRAPH {history.n3()} {{ ?c <https://www.w3.org/ns/activitystreams#target> ?g ;
                                             prov:endedAtTime ?t }} }} GROUP BY ?g"""
        ):
            if row.get("g") in known and "last" in row:
                self.facts[row["g"]].written = Moment.of(row["last"])
        if history in known:
            rows = store.select(
                f"""PREFIX prov: <{PREFIXES["prov"]}>
                    SELECT (MIN(?t) AS ?first) (MAX(?t) AS ?last) WHERE {{
                      GRAPH {history.n3()} {{ ?c a prov:Activity ; prov:endedAtTime ?t }} }}"""
            )
            if rows and "first" in rows[0]:
                facts = self.facts[history]
                facts.issued = Moment.earliest([facts.issued, Moment.of(rows[0]["first"])])
                facts.written = Moment.latest([facts.written, Moment.of(rows[0]["last"])])
        # Events: first and last days, and the régions they took place in.
        for row in store.select(
            f"""SELECT ?g (MIN(?day) AS ?start) (MAX(?day) AS ?end) WHERE {{
                  VALUES ?p {{ {SDO.startDate.n3()} {SDO.endDate.n3()} }}
                  GRAPH ?g {{ ?e ?p ?d }}
                  FILTER(DATATYPE(?d) IN ({XSD.date.n3()}, {XSD.dateTime.n3()}))
                  BIND(SUBSTR(STR(?d), 1, 10) AS ?day) }} GROUP BY ?g"""
        ):
            facts = self.facts.get(row["g"])
            if facts is not None and "start" in row:
                facts.start, facts.end = str(row["start"]), str(row["end"])
        for row in store.select(
            f"""SELECT DISTINCT ?g ?r WHERE {{
                  VALUES ?p {{ {SDO.location.n3()} {SDO.spatialCoverage.n3()} }}
                  GRAPH ?g {{ ?x ?p ?l }}
                  ?l {SDO.containedInPlace.n3()}* ?r . ?r a {IGEO.Region.n3()} }}"""
        ):
            facts = self.facts.get(row["g"])
            if facts is not None:
                facts.regions.add(row["r"])
        for row in store.select(
            f"""SELECT DISTINCT ?g ?t WHERE {{
                  GRAPH ?g {{ ?x {SDO.about.n3()} ?t }} ?t a {SKOS.Concept.n3()} }}"""
        ):
            facts = self.facts.get(row["g"])
            if facts is not None and len(facts.themes) < MAX_GRAPH_THEMES:
                facts.themes.add(row["t"])
        # Names of what the datasets point at: publisher, régions, themes, schemes.
        self.regions = sorted({r for f in self.facts.values() for r in f.regions}, key=str)
        self.schemes = [
            row["s"]
            for row in store.select(
                f"""SELECT DISTINCT ?s WHERE {{ ?s a {SKOS.ConceptScheme.n3()}
                  FILTER(STRSTARTS(STR(?s), {Literal(base + "id/scheme/").n3()})) }}
                ORDER BY ?s LIMIT 200"""
            )
        ]
        named = {
            publisher,
            *self.regions,
            *self.schemes,
            *(t for f in self.facts.values() for t in f.themes),
        }
        self.names = _names(store, named)
        self.insee = _value_of(store, self.regions, RDFS.seeAlso)
        self.codes = _value_of(store, self.regions, IGEO.codeINSEE)

    def date_datasets(
        self, manifest: Manifest, before: tuple[Manifest, CatalogFacts] | None, now: datetime
    ) -> None:
        """Each dataset's ``dct:modified``, moving when, and only when, its data moves.

        With no build before, the newest date its graphs give (their own modification
        dates, the writes the history records on them), else their issue date. After a
        build, a dataset whose content digest is unchanged keeps the date that build gave
        it; one whose data changed takes the newest date its graphs give when that is later,
        else ``now`` (a write the history did not record, or a graph removed)."""
        for key, digest in manifest.content.items():
            graphs = [URIRef(g) for g in manifest.graphs.get(key, []) if URIRef(g) in self.facts]
            found = Moment.latest(
                [m for g in graphs for m in (self.facts[g].modified, self.facts[g].written)]
            ) or Moment.earliest(self.facts[g].issued for g in graphs)
            if before is not None:
                kept = before[1].modified.get(key)
                if kept is not None and before[0].content.get(key) == digest:
                    self.modified[key] = kept
                    continue
                if kept is not None and (found is None or found <= kept):
                    found = Moment.of(now)
            if found is not None:
                self.modified[key] = found

    # -- kept with the build --------------------------------------------------------------------

    def to_json(self) -> str:
        def terms(values: Iterable[Node]) -> list[str]:
            return [v.n3() for v in values]

        def moment(value: Moment | None) -> str | None:
            return value.literal.n3() if value is not None else None

        return json.dumps(
            {
                "graphs": terms(self.graphs),
                "facts": {
                    g.n3(): {
                        "titles": terms(f.titles),
                        "descriptions": terms(f.descriptions),
                        "issued": moment(f.issued),
                        "modified": moment(f.modified),
                        "written": moment(f.written),
                        "start": f.start,
                        "end": f.end,
                        "regions": terms(sorted(f.regions, key=str)),
                        "themes": terms(sorted(f.themes, key=str)),
                        "sources": terms(sorted(f.sources, key=str)),
                    }
                    for g, f in self.facts.items()
                },
                "regions": terms(self.regions),
                "schemes": terms(self.schemes),
                "names": {node.n3(): terms(values) for node, values in self.names.items()},
                "insee": {node.n3(): value.n3() for node, value in self.insee.items()},
                "codes": {node.n3(): value.n3() for node, value in self.codes.items()},
                "modified": {key: m.literal.n3() for key, m in self.modified.items()},
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> CatalogFacts:
        data = json.loads(text)

        def term(value: str) -> Any:
            return from_n3(value)

        def terms(values: list[str]) -> list[Any]:
            return [from_n3(v) for v in values]

        def moment(value: str | None) -> Moment | None:
            return Moment.of(from_n3(value)) if value is not None else None

        found = cls(terms(data["graphs"]))
        for key, item in data["facts"].items():
            found.facts[term(key)] = GraphFacts(
                titles=terms(item["titles"]),
                descriptions=terms(item["descriptions"]),
                issued=moment(item["issued"]),
                modified=moment(item["modified"]),
                written=moment(item["written"]),
                start=item["start"],
                end=item["end"],
                regions=set(terms(item["regions"])),
                themes=set(terms(item["themes"])),
                sources=set(terms(item["sources"])),
            )
        found.regions = terms(data["regions"])
        found.schemes = terms(data["schemes"])
        found.names = {term(k): terms(v) for k, v in data["names"].items()}
        found.insee = {term(k): term(v) for k, v in data["insee"].items()}
        found.codes = {term(k): term(v) for k, v in data["codes"].items()}
        found.modified = {
            key: m for key, value in data.get("modified", {}).items() if (m := moment(value))
        }
        return found


def _add_fact(facts: GraphFacts, prop: URIRef, value: Any) -> None:
    if prop in GRAPH_TITLES and isinstance(value, Literal):
        facts.titles.append(value)
    elif prop in GRAPH_DESCRIPTIONS and isinstance(value, Literal):
        facts.descriptions.append(value)
    elif prop in ISSUED:
        facts.issued = Moment.earliest([facts.issued, Moment.of(value)])
    elif prop in MODIFIED:
        facts.modified = Moment.latest([facts.modified, Moment.of(value)])
    elif prop in SOURCES and isinstance(value, URIRef):
        facts.sources.add(value)


def _value_of(store: Store, nodes: list[URIRef], prop: URIRef) -> dict[URIRef, Node]:
    """A value of ``prop`` for each of ``nodes`` that has one."""
    if not nodes:
        return {}
    rows = store.select(
        f"""SELECT ?r ?o WHERE {{ VALUES ?r {{ {_values(nodes)} }} ?r {prop.n3()} ?o }}"""
    )
    return {row["r"]: row["o"] for row in rows}


def _unique(values: list[Literal]) -> list[Literal]:
    return list(dict.fromkeys(values))


def _names(store: Store, nodes: set[URIRef]) -> dict[URIRef, list[Literal]]:
    """Every label of each node in every language, by its first label property that has
    any (``skos:prefLabel`` first)."""
    found: dict[URIRef, list[Literal]] = {}
    for node, pairs in label_values(store, nodes).items():
        for prop in LABEL_PROPERTIES:
            values = sorted(
                (v for p, v in pairs if p == prop), key=lambda v: (v.language or "", str(v))
            )
            if values:
                found[node] = _unique(values)
                break
    return found


__all__ = ["CatalogFacts", "GraphFacts", "Moment"]
