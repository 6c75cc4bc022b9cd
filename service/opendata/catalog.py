"""The DCAT-AP 3 catalog of the service: what open-data portals harvest.

One ``dcat:Catalog`` (``{base}catalog``) lists:

* the whole dataset (``{base}catalog#all``) and its meaningful subsets — events,
  actors, places and territories, vocabulary and concept schemes — each with the dumps
  of :mod:`service.dumps` as distributions (Turtle, N-Triples gzip, JSON-LD; N-Quads
  gzip for the whole), with their size and SHA-256;
* one dataset per named graph of ours (a source: an article, the territories, a concept
  scheme…), named by the graph's own IRI, described from what the graph says of itself
  (title, description, source, dates) and from the history (its last write);
* the SPARQL endpoint as a ``dcat:DataService`` serving the whole dataset.

Every dataset has a licence (Licence Ouverte 2.0), a publisher (the ``publisher``
setting, named by the data), a contact point, themes (the EU data themes and ours),
keywords in French and English, its spatial coverage (the régions its events took
place in, with their INSEE identifiers, and France in the EU country list) and its
temporal coverage (the first and last dates of its events), ``dct:issued`` and
``dct:modified`` from the graphs' own dates and the write history.

Every node the DCAT-AP 3.0.1 shapes check is typed explicitly (the publisher as
``foaf:Agent``, the licence as ``dct:LicenseDocument``, media types, formats,
locations, concepts…): the shapes check classes as stated, without inference.

Large catalogs are paged as harvesters read them (Hydra ``PartialCollectionView`` with
``first``, ``previous``, ``next``, ``last`` and the collection's ``totalItems``),
keyed by the last dataset's identifier, never by offset. The datasets' facts are
whole-store work: the open-data build (:mod:`service.builds`) gathers them, with one
aggregate query per kind of fact, on its copy of the store, and keeps them with the dumps
(:class:`CatalogFacts`); a request serves the last finished build's
(:class:`CatalogModel`), whose page only assembles its slice. Sizes, checksums and triple
counts are those of the build's files (its manifest).

No Flask here: the web layer passes the address the service was reached at (``root``),
from which download and endpoint URLs are made; identifiers stay canonical.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote, urlencode

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD
from rdflib.term import Node
from rdflib.util import from_n3

from ..errors import BadRequest
from ..labels import LABEL_PROPERTIES, Languages, label_values
from ..namespaces import HYDRA, IGEO, LICENCE, PREFIXES, SDO, SPDX, VCARD
from ..store import Store
from ..writes import history_graph
from .dumps import DATASET_KEYS, NQUADS_GZ, TRIPLE_FORMATS, DumpFormat, Manifest, graph_key

LICENCE_LABELS = (
    Literal("Licence Ouverte / Open Licence version 2.0", lang="fr"),
    Literal("Open Licence version 2.0 (Etalab)", lang="en"),
)
#: The EU's authority tables, as DCAT-AP asks: themes, file types, languages, countries,
#: frequencies (https://op.europa.eu/en/web/eu-vocabularies/authority-tables).
EU = "http://publications.europa.eu/resource/authority/"
DATA_THEME = Namespace(EU + "data-theme/")
DATA_THEMES = URIRef(EU + "data-theme")
FILE_TYPE = Namespace(EU + "file-type/")
LANGUAGE = Namespace(EU + "language/")
COUNTRY = Namespace(EU + "country/")
FREQUENCY = Namespace(EU + "frequency/")
IANA = "https://www.iana.org/assignments/media-types/"

#: The EU data themes we use, with their labels in the EU vocabulary.
EU_THEMES: dict[str, tuple[str, str]] = {
    "SOCI": ("Population et société", "Population and society"),
    "REGI": ("Régions et villes", "Regions and cities"),
    "GOVE": ("Gouvernement et secteur public", "Government and public sector"),
}
#: dct:format of each dump format, from the EU file-type table.
FILE_TYPES: dict[str, str] = {
    "ttl": "RDF_TURTLE",
    "nt.gz": "RDF_N_TRIPLES",
    "jsonld": "JSON_LD",
    "nq.gz": "RDF_N_QUADS",
}
FORMAT_TITLES: dict[str, tuple[str, str]] = {
    "ttl": ("Turtle", "Turtle"),
    "nt.gz": ("N-Triples (compressé gzip)", "N-Triples (gzip-compressed)"),
    "jsonld": ("JSON-LD", "JSON-LD"),
    "nq.gz": (
        "N-Quads avec les graphes nommés (compressé gzip)",
        "N-Quads with the named graphs (gzip-compressed)",
    ),
}

BASE_KEYWORDS = (("médiation sociale", "social mediation"), ("données liées", "linked data"))


@dataclass(frozen=True)
class MainDataset:
    """The whole dataset or a subset: its words, themes and the list page it matches."""

    key: str
    title: tuple[str, str]
    description: tuple[str, str]
    themes: tuple[str, ...]
    keywords: tuple[tuple[str, str], ...]
    landing: str  # path of the page people read it on
    dated: bool = False  # its temporal coverage is its events'


MAIN_DATASETS: dict[str, MainDataset] = {
    d.key: d
    for d in (
        MainDataset(
            "all",
            (
                "Médiation sociale : toutes les données liées",
                "Social mediation: all the linked data",
            ),
            (
                "Toutes les données du service : événements de la médiation sociale (journées, "
                "ateliers, séances), acteurs et leurs rôles, thèmes, lieux et territoires, "
                "vocabulaire et référentiels, sources et historique des modifications.",
                "All the service's data: events of social mediation (days, workshops, sessions), "
                "actors and their roles, themes, places and territories, vocabulary and concept "
                "schemes, sources and the history of changes.",
            ),
            ("SOCI", "REGI", "GOVE"),
            (("événements", "events"), ("politique de la ville", "urban policy")),
            "/",
            dated=True,
        ),
        MainDataset(
            "events",
            ("Événements de la médiation sociale", "Events of social mediation"),
            (
                "Journées régionales, séances plénières, ateliers et cycles d'événements de la "
                "médiation sociale, avec leurs dates, lieux, organisateurs, participants et "
                "apports.",
                "Regional days, plenary sessions, workshops and series of events of social "
                "mediation, with their dates, places, organisers, participants and findings.",
            ),
            ("SOCI",),
            (("événements", "events"), ("ateliers", "workshops")),
            "/events",
            dated=True,
        ),
        MainDataset(
            "actors",
            ("Acteurs de la médiation sociale", "Actors of social mediation"),
            (
                "Personnes et organisations de la médiation sociale : associations, collectifs de "
                "médiateurs, services de l'État, collectivités.",
                "People and organisations of social mediation: associations, collectives of "
                "mediators, State services, local authorities.",
            ),
            ("SOCI", "GOVE"),
            (("acteurs", "actors"), ("associations", "associations")),
            "/actors",
        ),
        MainDataset(
            "places",
            ("Lieux et territoires", "Places and territories"),
            (
                "Lieux d'accueil et territoires administratifs (régions, départements, "
                "intercommunalités, communes) avec leurs codes officiels géographiques (INSEE).",
                "Venues and administrative territories (regions, départements, "
                "inter-municipalities, municipalities) with their official geographic codes "
                "(INSEE).",
            ),
            ("REGI",),
            (("territoires", "territories"), ("code officiel géographique", "INSEE codes")),
            "/places",
        ),
        MainDataset(
            "vocabulary",
            (
                "Vocabulaire et référentiels de la médiation sociale",
                "Social mediation vocabulary and concept schemes",
            ),
            (
                "Le vocabulaire RDF de la médiation sociale (classes et propriétés alignées sur "
                "schema.org) et ses référentiels SKOS : thèmes, rôles, publics, missions.",
                "The RDF vocabulary of social mediation (classes and properties aligned to "
                "schema.org) and its SKOS concept schemes: themes, roles, audiences, missions.",
            ),
            ("SOCI",),
            (("vocabulaire", "vocabulary"), ("référentiels", "concept schemes")),
            "/def",
        ),
    )
}

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


def _earliest(moments: Iterable[Moment | None]) -> Moment | None:
    found = [m for m in moments if m is not None]
    return min(found) if found else None


def _latest(moments: Iterable[Moment | None]) -> Moment | None:
    found = [m for m in moments if m is not None]
    return max(found) if found else None


# ---------------------------------------------------------------------------------------------
# What the catalog knows, gathered by the build
# ---------------------------------------------------------------------------------------------


@dataclass
class GraphFacts:
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


@dataclass
class CatalogEntry:
    """One dataset of the catalog, in catalog order."""

    iri: URIRef
    key: str  # "all", "events"…, or "graph/{name}"
    graph: URIRef | None = None

    @property
    def identifier(self) -> str:
        return str(self.iri)


def publisher_of(base_url: str, setting: str = "") -> URIRef:
    """The catalog's publisher: the ``publisher`` setting, else the team the vocabulary names."""
    return URIRef(setting or f"{base_url}id/actor/equipe-donnees-liees")


def _values(terms: Iterable[URIRef]) -> str:
    return " ".join(t.n3() for t in terms)


class CatalogFacts:
    """What the catalog says that depends on the whole store — each source graph's titles,
    dates, coverage and themes, the names of what they point at — gathered by the open-data
    build (:mod:`service.builds`) with one aggregate query per kind of fact, and kept with
    the build as JSON (terms in N-Triples form)."""

    def __init__(self, graphs: list[URIRef]):
        self.graphs = graphs
        self.facts: dict[URIRef, GraphFacts] = {g: GraphFacts() for g in graphs}
        self.regions: list[URIRef] = []
        self.schemes: list[URIRef] = []
        self.names: dict[URIRef, list[Literal]] = {}
        self.insee: dict[URIRef, Node] = {}
        self.codes: dict[URIRef, Node] = {}

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
            facts.issued = _earliest([facts.issued, found.issued])
            facts.modified = _latest([facts.modified, found.modified])
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
                facts.issued = _earliest([facts.issued, Moment.of(rows[0]["first"])])
                facts.written = _latest([facts.written, Moment.of(rows[0]["last"])])
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
        self.insee = {
            row["r"]: row["o"]
            for row in store.select(
                f"""SELECT ?r ?o WHERE {{ VALUES ?r {{ {_values(self.regions)} }}
                  ?r {RDFS.seeAlso.n3()} ?o }}"""
            )
            if self.regions
        }
        self.codes = {
            row["r"]: row["o"]
            for row in store.select(
                f"""SELECT ?r ?o WHERE {{ VALUES ?r {{ {_values(self.regions)} }}
                  ?r {IGEO.codeINSEE.n3()} ?o }}"""
            )
            if self.regions
        }

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
        return found


class CatalogModel:
    """Every dataset of the catalog and the facts about them, for one build: made once per
    build from its kept facts and manifest, without the store; a page only slices it."""

    def __init__(self, facts: CatalogFacts, base_url: str, manifest: Manifest, publisher: URIRef):
        self.base = base_url
        self.generation = manifest.generation
        self.manifest = manifest
        self.publisher = publisher
        self.iri = URIRef(base_url + "catalog")
        self.service = URIRef(base_url + "sparql")
        graphs = facts.graphs
        self.entries: list[CatalogEntry] = [
            CatalogEntry(self.dataset_iri(k), k) for k in DATASET_KEYS
        ]
        self.entries += [CatalogEntry(g, "graph/" + str(graph_key(g, base_url)), g) for g in graphs]
        self._positions = {e.identifier: i for i, e in enumerate(self.entries)}
        self._graph_ids = [e.identifier for e in self.entries[len(DATASET_KEYS) :]]
        self.facts = facts.facts
        self.regions = facts.regions
        self.schemes = facts.schemes
        self.names = facts.names
        self.insee = facts.insee
        self.codes = facts.codes
        self.publisher_names = self.names.get(publisher) or [
            Literal("Équipe des données liées de la médiation sociale", lang="fr")
        ]

    def dataset_iri(self, key: str) -> URIRef:
        return URIRef(f"{self.base}catalog#{key}")

    # -- per dataset ----------------------------------------------------------------------------

    def graphs_of(self, entry: CatalogEntry) -> list[URIRef]:
        if entry.graph is not None:
            return [entry.graph]
        return [
            URIRef(g) for g in self.manifest.graphs.get(entry.key, []) if URIRef(g) in self.facts
        ]

    def issued(self, entry: CatalogEntry) -> Moment | None:
        return _earliest(self.facts[g].issued for g in self.graphs_of(entry))

    def modified(self, entry: CatalogEntry) -> Moment | None:
        graphs = self.graphs_of(entry)
        latest = _latest(
            [m for g in graphs for m in (self.facts[g].modified, self.facts[g].written)]
        )
        return latest or self.issued(entry)

    def period(self, entry: CatalogEntry) -> tuple[str, str] | None:
        if entry.graph is None and not MAIN_DATASETS[entry.key].dated:
            return None
        spans = [
            (f.start, f.end) for g in self.graphs_of(entry) if (f := self.facts[g]).start and f.end
        ]
        if not spans:
            return None
        return min(s for s, _ in spans), max(e for _, e in spans)

    def regions_of(self, entry: CatalogEntry) -> list[URIRef]:
        if entry.graph is None and entry.key not in ("all", "events", "places"):
            return []
        return sorted({r for g in self.graphs_of(entry) for r in self.facts[g].regions}, key=str)

    def catalog_issued(self) -> Moment | None:
        return _earliest(self.facts[g].issued for g in self.facts)

    def catalog_modified(self) -> Moment | None:
        return _latest([m for f in self.facts.values() for m in (f.modified, f.written, f.issued)])

    # -- paging -----------------------------------------------------------------------------------

    def start_after(self, after: str | None) -> int:
        """Index of the first dataset after the one identified by ``after`` (keyset paging:
        a dataset removed since still has its place in the order)."""
        if after is None:
            return 0
        position = self._positions.get(after)
        if position is not None:
            return position + 1
        prefix = f"{self.base}graph/"
        if not after.startswith(prefix):
            raise BadRequest(
                "Le paramètre after doit être l'identifiant d'un jeu de données du catalogue.",
                "The after parameter must be the identifier of a dataset of the catalog.",
            )
        return len(DATASET_KEYS) + bisect.bisect_right(self._graph_ids, after)

    def total(self) -> int:
        return len(self.entries)


def _add_fact(facts: GraphFacts, prop: URIRef, value: Any) -> None:
    if prop in GRAPH_TITLES and isinstance(value, Literal):
        facts.titles.append(value)
    elif prop in GRAPH_DESCRIPTIONS and isinstance(value, Literal):
        facts.descriptions.append(value)
    elif prop in ISSUED:
        facts.issued = _earliest([facts.issued, Moment.of(value)])
    elif prop in MODIFIED:
        facts.modified = _latest([facts.modified, Moment.of(value)])
    elif prop in SOURCES and isinstance(value, URIRef):
        facts.sources.add(value)


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


# ---------------------------------------------------------------------------------------------
# One page of the catalog
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Links:
    """Where things are on the host the request reached: ``root`` ends with a slash."""

    root: str
    suffix: str = ""  # the format suffix of the catalog's own URL (".ttl"), kept by paging

    def url(self, path: str) -> str:
        return self.root + path.lstrip("/")

    def page(self, after: str | None) -> str:
        address = self.url("catalog" + self.suffix)
        return f"{address}?{urlencode({'after': after})}" if after else address


@dataclass
class Distribution:
    iri: URIRef
    fmt: DumpFormat
    path: str  # on this host: "/dumps/all.ttl"
    bytes: int | None = None
    sha256: str | None = None
    triples: int | None = None


@dataclass
class DatasetView:
    entry: CatalogEntry
    titles: list[Literal]
    descriptions: list[Literal]
    issued: Moment | None
    modified: Moment | None
    period: tuple[str, str] | None
    regions: list[URIRef]
    themes: list[URIRef]  # ours
    eu_themes: tuple[str, ...]
    keywords: list[Literal]
    landing: str  # path
    distributions: list[Distribution]
    sources: list[URIRef]


@dataclass
class CatalogPage:
    model: CatalogModel
    links: Links
    datasets: list[DatasetView]
    start: int
    size: int
    after: str | None

    @property
    def url(self) -> str:
        return self.links.page(self.after)

    def _key_before(self, index: int) -> str | None:
        return self.model.entries[index - 1].identifier if index > 0 else None

    @property
    def next_url(self) -> str | None:
        end = self.start + len(self.datasets)
        if end >= self.model.total():
            return None
        return self.links.page(self.model.entries[end - 1].identifier)

    @property
    def previous_url(self) -> str | None:
        if self.start == 0:
            return None
        return self.links.page(self._key_before(max(0, self.start - self.size)))

    @property
    def first_url(self) -> str:
        return self.links.page(None)

    @property
    def last_url(self) -> str:
        total = self.model.total()
        last_start = ((total - 1) // self.size) * self.size if total else 0
        return self.links.page(self._key_before(last_start))

    @property
    def has_service(self) -> bool:
        """The SPARQL service is described with the whole dataset it serves (first page)."""
        return any(d.entry.key == "all" for d in self.datasets)


def catalog_page(model: CatalogModel, links: Links, after: str | None, size: int) -> CatalogPage:
    start = model.start_after(after)
    entries = model.entries[start : start + size]
    return CatalogPage(model, links, [dataset_view(model, e) for e in entries], start, size, after)


def dataset_view(model: CatalogModel, entry: CatalogEntry) -> DatasetView:
    if entry.graph is None:
        spec = MAIN_DATASETS[entry.key]
        titles = [Literal(spec.title[0], lang="fr"), Literal(spec.title[1], lang="en")]
        descriptions = [
            Literal(spec.description[0], lang="fr"),
            Literal(spec.description[1], lang="en"),
        ]
        formats = TRIPLE_FORMATS + ((NQUADS_GZ,) if entry.key == "all" else ())
        distributions = [_distribution_of(model, entry.key, entry.key, fmt) for fmt in formats]
        keywords = [
            Literal(pair[i], lang=lang)
            for pair in BASE_KEYWORDS + spec.keywords
            for i, lang in ((0, "fr"), (1, "en"))
        ]
        return DatasetView(
            entry,
            titles,
            descriptions,
            model.issued(entry),
            model.modified(entry),
            model.period(entry),
            model.regions_of(entry),
            [],
            spec.themes,
            keywords,
            spec.landing,
            distributions,
            [],
        )
    facts = model.facts[entry.graph]
    name = entry.key.removeprefix("graph/")
    titles = facts.titles or [
        Literal(f"Graphe nommé « {name} »", lang="fr"),
        Literal(f"Named graph “{name}”", lang="en"),
    ]
    descriptions = facts.descriptions or [
        Literal(
            f"Les données du graphe nommé {entry.graph}, telles que le service les tient.",
            lang="fr",
        ),
        Literal(f"The data of the named graph {entry.graph}, as the service holds it.", lang="en"),
    ]
    fragment = quote(name, safe="")
    distributions = [
        _distribution_of(model, entry.key, f"graph-{fragment}", fmt) for fmt in TRIPLE_FORMATS
    ]
    keywords = [
        Literal(pair[i], lang=lang) for pair in BASE_KEYWORDS for i, lang in ((0, "fr"), (1, "en"))
    ]
    return DatasetView(
        entry,
        titles,
        descriptions,
        model.issued(entry),
        model.modified(entry),
        model.period(entry),
        model.regions_of(entry),
        sorted(facts.themes, key=str),
        ("SOCI",),
        keywords,
        f"/graph/{name}",
        distributions,
        sorted(facts.sources, key=str),
    )


def _distribution_of(
    model: CatalogModel, dataset: str, fragment: str, fmt: DumpFormat
) -> Distribution:
    """A dataset's dump in ``fmt``, with the size, checksum and triples of the build's file."""
    record = model.manifest.file(dataset, fmt.suffix)
    return Distribution(
        URIRef(f"{model.base}catalog#{fragment}-{fmt.suffix.replace('.', '-')}"),
        fmt,
        f"/dumps/{dataset}.{fmt.suffix}",
        record.bytes if record else None,
        record.sha256 if record else None,
        record.triples if record else None,
    )


# ---------------------------------------------------------------------------------------------
# As RDF (DCAT-AP 3, Hydra)
# ---------------------------------------------------------------------------------------------


def bind(graph: Graph) -> Graph:
    for prefix in ("dct", "dcat", "foaf", "skos", "xsd", "rdfs", "prov", "owl", "schema", "igeo"):
        graph.bind(prefix, PREFIXES[prefix])
    graph.bind("vcard", str(VCARD))
    graph.bind("hydra", str(HYDRA))
    graph.bind("spdx", str(SPDX))
    return graph


def _labels(graph: Graph, node: URIRef, prop: URIRef, values: Iterable[Literal]) -> None:
    for value in values:
        graph.add((node, prop, value))


def page_graph(page: CatalogPage, contact_email: str = "") -> Graph:
    """The page as DCAT-AP 3 RDF, with its Hydra view."""
    model = page.model
    links = page.links
    graph = bind(Graph())
    catalog = model.iri
    add = graph.add
    add((catalog, RDF.type, DCAT.Catalog))
    add((catalog, RDF.type, HYDRA.Collection))
    add(
        (
            catalog,
            DCTERMS.title,
            Literal("Catalogue des données liées de la médiation sociale", lang="fr"),
        )
    )
    add(
        (
            catalog,
            DCTERMS.title,
            Literal("Catalog of the linked data of social mediation", lang="en"),
        )
    )
    add(
        (
            catalog,
            DCTERMS.description,
            Literal(
                "Les jeux de données du service de données liées de la médiation sociale : le tout, ses "
                "parties (événements, acteurs, territoires, vocabulaire) et chaque source, avec leurs "
                "fichiers à télécharger et le point d'accès SPARQL.",
                lang="fr",
            ),
        )
    )
    add(
        (
            catalog,
            DCTERMS.description,
            Literal(
                "The datasets of the social mediation linked-data service: the whole, its parts "
                "(events, actors, territories, vocabulary) and each source, with their files to "
                "download and the SPARQL endpoint.",
                lang="en",
            ),
        )
    )
    add((catalog, DCTERMS.identifier, Literal(str(catalog))))
    _agent(graph, model)
    add((catalog, DCTERMS.publisher, model.publisher))
    _licence(graph)
    add((catalog, DCTERMS.license, LICENCE))
    for lang in ("FRA", "ENG"):
        add((catalog, DCTERMS.language, LANGUAGE[lang]))
        add((LANGUAGE[lang], RDF.type, DCTERMS.LinguisticSystem))
    homepage = URIRef(links.url("/"))
    add((catalog, FOAF.homepage, homepage))
    add((homepage, RDF.type, FOAF.Document))
    issued, modified = model.catalog_issued(), model.catalog_modified()
    if issued:
        add((catalog, DCTERMS.issued, issued.literal))
    if modified:
        add((catalog, DCTERMS.modified, modified.literal))
    _spatial(graph, catalog, model, model.regions)
    add((catalog, DCAT.themeTaxonomy, DATA_THEMES))
    add((DATA_THEMES, RDF.type, SKOS.ConceptScheme))
    add((DATA_THEMES, DCTERMS.title, Literal("Data Theme", lang="en")))
    add((DATA_THEMES, DCTERMS.title, Literal("Thème des données", lang="fr")))
    for scheme in model.schemes:
        add((catalog, DCAT.themeTaxonomy, scheme))
        add((scheme, RDF.type, SKOS.ConceptScheme))
        _labels(graph, scheme, DCTERMS.title, model.names.get(scheme) or [Literal(str(scheme))])
    add((catalog, HYDRA.totalItems, Literal(model.total(), datatype=XSD.nonNegativeInteger)))
    contact = _contact(graph, model, links, contact_email)
    for view in page.datasets:
        add((catalog, DCAT.dataset, view.entry.iri))
        _dataset(graph, model, links, view, contact)
    if page.has_service:
        _service(graph, model, links, contact)
        add((catalog, DCAT.service, model.service))
    # Hydra: where this page sits in the whole (https://www.hydra-cg.com/spec/latest/core/#collections).
    view_node = URIRef(page.url)
    add((catalog, HYDRA.view, view_node))
    add((view_node, RDF.type, HYDRA.PartialCollectionView))
    add((view_node, HYDRA.first, URIRef(page.first_url)))
    add((view_node, HYDRA.last, URIRef(page.last_url)))
    if page.next_url:
        add((view_node, HYDRA.next, URIRef(page.next_url)))
    if page.previous_url:
        add((view_node, HYDRA.previous, URIRef(page.previous_url)))
    return graph


def _agent(graph: Graph, model: CatalogModel) -> None:
    graph.add((model.publisher, RDF.type, FOAF.Agent))
    graph.add((model.publisher, RDF.type, FOAF.Organization))
    _labels(graph, model.publisher, FOAF.name, model.publisher_names)


def _licence(graph: Graph) -> None:
    graph.add((LICENCE, RDF.type, DCTERMS.LicenseDocument))
    _labels(graph, LICENCE, RDFS.label, LICENCE_LABELS)


def _contact(graph: Graph, model: CatalogModel, links: Links, email: str) -> URIRef:
    contact = URIRef(f"{model.base}catalog#contact")
    graph.add((contact, RDF.type, VCARD.Kind))
    graph.add((contact, RDF.type, VCARD.Organization))
    _labels(graph, contact, VCARD.fn, model.publisher_names)
    graph.add((contact, VCARD.hasURL, URIRef(links.url("/"))))
    if email:
        graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{email}")))
    return contact


def _spatial(graph: Graph, node: URIRef, model: CatalogModel, regions: list[URIRef]) -> None:
    france = COUNTRY.FRA
    graph.add((node, DCTERMS.spatial, france))
    graph.add((france, RDF.type, DCTERMS.Location))
    graph.add((france, SKOS.prefLabel, Literal("France", lang="fr")))
    graph.add((france, SKOS.prefLabel, Literal("France", lang="en")))
    for region in regions:
        graph.add((node, DCTERMS.spatial, region))
        graph.add((region, RDF.type, DCTERMS.Location))
        _labels(graph, region, SKOS.prefLabel, model.names.get(region, []))
        if region in model.insee:
            graph.add((region, RDFS.seeAlso, model.insee[region]))
        if region in model.codes:
            graph.add((region, IGEO.codeINSEE, model.codes[region]))


def _theme(graph: Graph, node: URIRef, theme: URIRef, labels: Iterable[Literal]) -> None:
    graph.add((node, DCAT.theme, theme))
    graph.add((theme, RDF.type, SKOS.Concept))
    _labels(graph, theme, SKOS.prefLabel, labels)


def _dataset(
    graph: Graph, model: CatalogModel, links: Links, view: DatasetView, contact: URIRef
) -> None:
    node = view.entry.iri
    add = graph.add
    add((node, RDF.type, DCAT.Dataset))
    add((node, DCTERMS.identifier, Literal(view.entry.identifier)))
    _labels(graph, node, DCTERMS.title, view.titles)
    _labels(graph, node, DCTERMS.description, view.descriptions)
    add((node, DCTERMS.publisher, model.publisher))
    add((node, DCAT.contactPoint, contact))
    add((node, DCTERMS.license, LICENCE))
    add((node, DCTERMS.accrualPeriodicity, FREQUENCY.IRREG))
    add((FREQUENCY.IRREG, RDF.type, DCTERMS.Frequency))
    add((node, DCTERMS.language, LANGUAGE.FRA))
    landing = URIRef(links.url(view.landing))
    add((node, DCAT.landingPage, landing))
    add((landing, RDF.type, FOAF.Document))
    if view.issued:
        add((node, DCTERMS.issued, view.issued.literal))
    if view.modified:
        add((node, DCTERMS.modified, view.modified.literal))
    if view.period:
        period = URIRef(f"{node}-period" if "#" in node else f"{node}#period")
        add((node, DCTERMS.temporal, period))
        add((period, RDF.type, DCTERMS.PeriodOfTime))
        add((period, DCAT.startDate, Literal(view.period[0], datatype=XSD.date)))
        add((period, DCAT.endDate, Literal(view.period[1], datatype=XSD.date)))
    if view.regions or view.entry.key in ("all", "events", "places"):
        _spatial(graph, node, model, view.regions)
    for code in view.eu_themes:
        fr, en = EU_THEMES[code]
        _theme(graph, node, DATA_THEME[code], (Literal(fr, lang="fr"), Literal(en, lang="en")))
    for theme in view.themes:
        _theme(graph, node, theme, model.names.get(theme) or [Literal(str(theme))])
    _labels(graph, node, DCAT.keyword, view.keywords)
    for source in view.sources:
        add((node, PROV.wasDerivedFrom, source))
    for distribution in view.distributions:
        add((node, DCAT.distribution, distribution.iri))
        _distribution(graph, links, view, distribution)


def _distribution(graph: Graph, links: Links, view: DatasetView, dist: Distribution) -> None:
    node = dist.iri
    add = graph.add
    add((node, RDF.type, DCAT.Distribution))
    fr, en = FORMAT_TITLES[dist.fmt.suffix]
    add((node, DCTERMS.title, Literal(fr, lang="fr")))
    add((node, DCTERMS.title, Literal(en, lang="en")))
    url = URIRef(links.url(dist.path))
    add((node, DCAT.downloadURL, url))
    add((node, DCAT.accessURL, url))
    media = URIRef(IANA + dist.fmt.rdf.media_type)
    add((node, DCAT.mediaType, media))
    add((media, RDF.type, DCTERMS.MediaType))
    if dist.fmt.gzip:
        gzip_type = URIRef(IANA + "application/gzip")
        add((node, DCAT.compressFormat, gzip_type))
        add((gzip_type, RDF.type, DCTERMS.MediaType))
    file_type = FILE_TYPE[FILE_TYPES[dist.fmt.suffix]]
    add((node, DCTERMS["format"], file_type))
    add((file_type, RDF.type, DCTERMS.MediaTypeOrExtent))
    add((node, DCTERMS.license, LICENCE))
    if view.modified:
        add((node, DCTERMS.modified, view.modified.literal))
    if dist.bytes is not None:
        add((node, DCAT.byteSize, Literal(dist.bytes, datatype=XSD.nonNegativeInteger)))
    if dist.sha256:
        checksum = URIRef(f"{node}-sha256")
        add((node, SPDX.checksum, checksum))
        add((checksum, RDF.type, SPDX.Checksum))
        add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        add((SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm))
        add((checksum, SPDX.checksumValue, Literal(dist.sha256, datatype=XSD.hexBinary)))


def _service(graph: Graph, model: CatalogModel, links: Links, contact: URIRef) -> None:
    service = model.service
    add = graph.add
    add((service, RDF.type, DCAT.DataService))
    add(
        (service, DCTERMS.title, Literal("Point d'accès SPARQL de la médiation sociale", lang="fr"))
    )
    add((service, DCTERMS.title, Literal("Social mediation SPARQL endpoint", lang="en")))
    add(
        (
            service,
            DCTERMS.description,
            Literal(
                "Interroger toutes les données en SPARQL 1.1 (protocole SPARQL 1.1, CORS ouvert).",
                lang="fr",
            ),
        )
    )
    add(
        (
            service,
            DCTERMS.description,
            Literal(
                "Query all the data in SPARQL 1.1 (SPARQL 1.1 Protocol, open CORS).", lang="en"
            ),
        )
    )
    endpoint = URIRef(links.url("/sparql"))
    description = URIRef(links.url("/sparql") + "?format=turtle")
    add((service, DCAT.endpointURL, endpoint))
    add((endpoint, RDF.type, RDFS.Resource))
    add((service, DCAT.endpointDescription, description))
    add((description, RDF.type, RDFS.Resource))
    add((service, DCAT.servesDataset, model.dataset_iri("all")))
    add((service, DCTERMS.publisher, model.publisher))
    add((service, DCTERMS.license, LICENCE))
    add((service, DCAT.contactPoint, contact))
    standard = URIRef("https://www.w3.org/TR/sparql11-protocol/")
    add((service, DCTERMS.conformsTo, standard))
    add((standard, RDF.type, DCTERMS.Standard))
    landing = URIRef(links.url("/sparql"))
    add((service, DCAT.landingPage, landing))
    add((landing, RDF.type, FOAF.Document))


# ---------------------------------------------------------------------------------------------
# As schema.org (for dataset search engines: one DataCatalog, its Datasets)
# ---------------------------------------------------------------------------------------------

SCHEMA_ENCODINGS = {
    "ttl": "text/turtle",
    "nt.gz": "application/n-triples",
    "jsonld": "application/ld+json",
    "nq.gz": "application/n-quads",
}


def schema_org(page: CatalogPage, langs: Languages) -> dict[str, Any]:
    """The page as schema.org ``DataCatalog`` markup (JSON-LD), in the request's language."""
    model = page.model
    links = page.links

    def text(values: list[Literal]) -> str:
        best = langs.best(values)
        return str(best) if best is not None else ""

    publisher = {
        "@type": "Organization",
        "@id": str(model.publisher),
        "name": text(model.publisher_names),
    }
    datasets = []
    for view in page.datasets:
        item: dict[str, Any] = {
            "@type": "Dataset",
            "@id": str(view.entry.iri),
            "identifier": view.entry.identifier,
            "name": text(view.titles),
            "description": text(view.descriptions),
            "url": links.url(view.landing),
            "license": str(LICENCE),
            "isAccessibleForFree": True,
            "inLanguage": "fr",
            "publisher": publisher,
            "creator": publisher,
            "keywords": [str(k) for k in view.keywords if k.language == langs.ui],
            "distribution": [
                {
                    "@type": "DataDownload",
                    "contentUrl": links.url(d.path),
                    "encodingFormat": SCHEMA_ENCODINGS[d.fmt.suffix],
                    **({"contentSize": f"{d.bytes} B"} if d.bytes is not None else {}),
                }
                for d in view.distributions
            ],
        }
        if view.period:
            item["temporalCoverage"] = f"{view.period[0]}/{view.period[1]}"
        if view.regions:
            item["spatialCoverage"] = [
                {"@type": "Place", "@id": str(r), "name": text(model.names.get(r, []))}
                for r in view.regions
            ]
        if view.modified:
            item["dateModified"] = str(view.modified.literal)
        if view.issued:
            item["datePublished"] = str(view.issued.literal)
        datasets.append(item)
    return {
        "@context": "https://schema.org",
        "@type": "DataCatalog",
        "@id": str(model.iri),
        "name": langs.text(
            "Catalogue des données liées de la médiation sociale",
            "Catalog of the linked data of social mediation",
        ),
        "url": links.url("/catalog"),
        "license": str(LICENCE),
        "publisher": publisher,
        "dataset": datasets,
    }


def label_of(values: list[Literal], langs: Languages) -> Literal | None:
    best = langs.best(values)
    return best if isinstance(best, Literal) else None


__all__ = [
    "CatalogFacts",
    "CatalogModel",
    "CatalogPage",
    "DatasetView",
    "Distribution",
    "EU_THEMES",
    "LICENCE",
    "Links",
    "MAIN_DATASETS",
    "Moment",
    "catalog_page",
    "dataset_view",
    "label_of",
    "page_graph",
    "publisher_of",
    "schema_org",
]
