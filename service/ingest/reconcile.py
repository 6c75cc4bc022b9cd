"""Reconciling with what the project knows: the IRIs a draft reuses.

:class:`Reference` asks the project's files (``ontology/``, ``data/``, parsed once
per change by :func:`project_reference`) and, on request, the service's stores the
same fixed SPARQL, so that the draft uses the IRIs the project already has where
the facts match. Matching is by identity only (an account's address, a site's
address, a taxonomy link, an exact name); nothing is matched by resemblance. It is
its own module so that the draft can be built against any reference (the tests give
theirs) and every question asked of the project's data is in one place.

Resources move from one base to another here too (:func:`moved`): the project's
files are written under the default base and read under the configured one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ..config import DEFAULT_BASE, PROJECT_ROOT
from ..namespaces import PREFIXES, SDO
from ..rdfio import prepare_sparql_query
from ..seed import files_stamp
from .reading.fields import TERRITORY_WORDS
from .reading.names import fold_name
from .reading.platforms import platform_of

#: Folders of the project whose resources drafts are reconciled with.
REFERENCE_DIRS = ("ontology", "data")

#: Classes of the people and organisations an article names.
AGENT_CLASSES = (SDO.Person, SDO.Organization)

_QUERY_PREFIXES = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


class Reference:
    """What the project already knows, to reuse its IRIs: rdflib graphs (the project's files)
    and stores (the service's), asked the same SPARQL. Queries are fixed texts, parsed once,
    with the values bound (never pasted into the text)."""

    def __init__(self, graphs: Sequence[Graph] = (), stores: Sequence[Any] = ()):
        self.graphs = list(graphs)
        self.stores = list(stores)

    def select(self, query: str, **bindings: Node) -> list[dict[str, Node]]:
        """Rows of a SELECT whose projection names every bound variable (Oxigraph binds only
        projected variables)."""
        text = _QUERY_PREFIXES + query
        rows: list[dict[str, Node]] = []
        for graph in self.graphs:
            result = graph.query(_prepared(text), initBindings=bindings)
            rows.extend({str(k): v for k, v in row.asdict().items()} for row in result)  # type: ignore[union-attr]
        for store in self.stores:
            rows.extend(store.select(text, bindings))
        return rows

    def select_each(
        self, query: str, variable: str, values: Iterable[Node], **bindings: Node
    ) -> list[dict[str, Node]]:
        """The rows of :meth:`select` for each value of ``variable`` in turn, together."""
        return [
            row for value in values for row in self.select(query, **bindings, **{variable: value})
        ]

    def exists(self, iri: URIRef) -> bool:
        return bool(self.select("SELECT ?s ?p WHERE { ?s ?p ?o } LIMIT 1", s=iri))

    def description(self, subject: URIRef) -> Iterator[tuple[Node, Node, Node]]:
        """The subject's triples, and those of the blank nodes it points at."""
        seen: set[Node] = set()
        pending: list[Node] = [subject]
        while pending:
            node = pending.pop()
            if node in seen:
                continue
            seen.add(node)
            triples: list[tuple[Node, Node, Node]] = []
            for graph in self.graphs:
                triples.extend(graph.triples((node, None, None)))
            for store in self.stores:
                triples.extend((s, p, o) for s, p, o, _ in store.quads(subject=node))
            for triple in triples:
                yield triple
                if isinstance(triple[2], BNode):
                    pending.append(triple[2])

    # -- lookups by identity --

    def by_account(self, profile: str) -> URIRef | None:
        """The actor (or venue) whose ``schema:sameAs`` is this social-media account."""
        key = _account_key(profile)
        if key is None:
            return None
        rows = self.select(
            "SELECT DISTINCT ?actor ?account ?handle WHERE { ?actor schema:sameAs ?account . "
            "FILTER(CONTAINS(LCASE(STR(?account)), ?handle)) }",
            handle=Literal("/" + key.rsplit("/", 1)[-1]),
        )
        return _unique([r for r in rows if _account_key(str(r["account"])) == key], "actor")

    def by_site(self, url: str) -> URIRef | None:
        """The person or organisation whose ``schema:url`` is the home page of ``url``'s site."""
        host = urlsplit(url).netloc.lower().removeprefix("www.")
        rows = self.select_each(
            "SELECT DISTINCT ?actor ?url ?host ?class WHERE { ?actor a ?class ; schema:url ?url . "
            "FILTER(CONTAINS(LCASE(STR(?url)), ?host)) }",
            "class",
            AGENT_CLASSES,
            host=Literal(host),
        )
        home = [
            r
            for r in rows
            if urlsplit(str(r["url"])).netloc.lower().removeprefix("www.") == host
            and urlsplit(str(r["url"])).path in ("", "/")
        ]
        return _unique(home, "actor")

    def by_name(self, name: str, classes: Iterable[URIRef] = AGENT_CLASSES) -> URIRef | None:
        """The one resource of these classes whose name or other name is ``name`` (case and
        accents aside)."""
        rows = self.select_each(
            "SELECT DISTINCT ?thing ?name ?word ?class WHERE { ?thing a ?class ; schema:name|schema:alternateName ?name . "
            "FILTER(CONTAINS(LCASE(STR(?name)), ?word)) }",
            "class",
            classes,
            word=Literal(_first_word(name)),
        )
        return _named(rows, name, "thing")

    def by_address(self, url: str, cls: URIRef) -> URIRef | None:
        """The resource of class ``cls`` whose ``schema:url`` or ``schema:contentUrl`` is ``url``."""
        rows = self.select_each(
            "SELECT DISTINCT ?thing ?url ?class WHERE { ?thing schema:url|schema:contentUrl ?url ; a ?class }",
            "url",
            _variants(url),
            **{"class": cls},
        )
        return _unique(rows, "thing")

    def concept_by_match(self, url: str) -> URIRef | None:
        rows = self.select_each(
            "SELECT DISTINCT ?concept ?url WHERE { ?concept skos:exactMatch ?url }",
            "url",
            _variants(url),
        )
        return _unique(rows, "concept")

    def concept_by_label(self, label: str, under: str) -> URIRef | None:
        """The concept whose IRI starts with ``under`` (or whose ``skos:exactMatch`` does), and
        whose preferred or alternative label is ``label`` (case, accents, plural aside)."""
        rows = self.select(
            "SELECT DISTINCT ?concept ?label ?under WHERE { ?concept a skos:Concept ; skos:prefLabel|skos:altLabel ?label . "
            "OPTIONAL { ?concept skos:exactMatch ?match } "
            "FILTER(STRSTARTS(STR(?concept), ?under) || STRSTARTS(STR(?match), ?under)) }",
            under=Literal(under),
        )
        return _unique([r for r in rows if _same_term(str(r["label"]), label)], "concept")

    def territory(self, name: str, cls: URIRef | None) -> URIRef | None:
        """The one territory (of class ``cls`` when given) named ``name``."""
        rows = self.select_each(
            "SELECT DISTINCT ?place ?name ?word ?class WHERE { ?place a ?class ; schema:name ?name . "
            "FILTER(CONTAINS(LCASE(STR(?name)), ?word)) }",
            "class",
            [cls] if cls is not None else sorted(set(TERRITORY_WORDS.values())),
            word=Literal(_first_word(name)),
        )
        return _named(rows, name, "place")

    def region_of(self, place: URIRef) -> str | None:
        rows = self.select(
            "SELECT DISTINCT ?name ?place WHERE { ?place schema:containedInPlace+ ?region . "
            "?region a igeo:Region ; schema:name ?name }",
            place=place,
        )
        names = {str(r["name"]) for r in rows if "name" in r}
        return names.pop() if len(names) == 1 else None

    def venue_in(self, name: str, commune: URIRef) -> URIRef | None:
        """A place (not a territory) named ``name`` in the commune: the town as a venue."""
        rows = self.select(
            "SELECT DISTINCT ?place ?name ?commune WHERE { ?place schema:containedInPlace ?commune ; a schema:Place ; "
            "schema:name ?name . FILTER NOT EXISTS { ?place a schema:AdministrativeArea } }",
            commune=commune,
        )
        return _named(rows, name, "place")

    def event_on(
        self, day: date, commune: URIRef | None, organiser: URIRef | None
    ) -> URIRef | None:
        """The one event of that day, in that commune, by that organiser, that is not a part
        of another such event."""
        rows = self.select(
            "SELECT DISTINCT ?event ?organizer ?location ?parent ?day WHERE { ?event a schema:Event ; schema:startDate ?start . "
            "FILTER(SUBSTR(STR(?start), 1, 10) = ?day) "
            "OPTIONAL { ?event schema:organizer ?organizer } OPTIONAL { ?event schema:location ?location } "
            "OPTIONAL { ?event schema:superEvent ?parent } }",
            day=Literal(day.isoformat()),
        )
        candidates: dict[Node, dict[str, set]] = {}
        for row in rows:
            facts = candidates.setdefault(
                row["event"], {"organizer": set(), "location": set(), "parent": set()}
            )
            for key in facts:
                if key in row:
                    facts[key].add(row[key])
        places = {
            place: self.within(place)
            for facts in candidates.values()
            for place in facts["location"]
        }
        kept = {
            event
            for event, facts in candidates.items()
            if (organiser is None or organiser in facts["organizer"])
            and (commune is None or any(commune in places[place] for place in facts["location"]))
        }
        top = [e for e in kept if not candidates[e]["parent"] & kept]
        return top[0] if len(top) == 1 and isinstance(top[0], URIRef) else None

    def event_in(self, period: Literal, cls: URIRef, organiser: URIRef | None) -> URIRef | None:
        """The one event of that kind the data dates to the same month or year (« courant
        2020 »: the restitution announced for 2020), by that organiser when one is named."""
        rows = self.select(
            "SELECT DISTINCT ?event ?cls ?period ?organizer WHERE { ?event a ?cls ; "
            "schema:startDate ?period . OPTIONAL { ?event schema:organizer ?organizer } }",
            cls=cls,
            period=period,
        )
        kept = {
            r["event"] for r in rows if organiser is None or r.get("organizer") in (None, organiser)
        }
        return next(iter(kept)) if len(kept) == 1 and isinstance(next(iter(kept)), URIRef) else None

    def within(self, place: Node) -> set[Node]:
        """The place and every place that contains it."""
        rows = self.select(
            "SELECT DISTINCT ?outer ?place WHERE { ?place schema:containedInPlace+ ?outer }",
            place=place,
        )
        return {place} | {r["outer"] for r in rows}

    def labels(self, concept: URIRef) -> dict[str, str]:
        rows = self.select(
            "SELECT ?label ?concept WHERE { ?concept skos:prefLabel ?label }", concept=concept
        )
        return {
            r["label"].language or "": str(r["label"])
            for r in rows
            if isinstance(r.get("label"), Literal)
        }


@lru_cache(maxsize=64)
def _prepared(text: str) -> Any:

    return prepare_sparql_query(text)


def _unique(rows: list[dict[str, Node]], key: str) -> URIRef | None:
    """The one IRI the rows name under ``key``; None when there is none, or several (an
    ambiguous name is no match)."""
    found = {row[key] for row in rows if isinstance(row.get(key), URIRef)}
    return found.pop() if len(found) == 1 else None


def _named(rows: list[dict[str, Node]], name: str, key: str) -> URIRef | None:
    """The one IRI under ``key`` of the rows whose ``name`` is ``name``, case and accents aside."""
    return _unique([row for row in rows if fold_name(str(row["name"])) == fold_name(name)], key)


def _first_word(name: str) -> str:
    """The first word of a name, in lower case with its accents: a cheap filter for the store,
    before names are compared exactly (see :func:`fold_name`)."""
    words = [w for w in re.split(r"[\s\-'’]+", name.lower()) if w]
    return words[0] if words else ""


def _variants(url: str) -> list[URIRef]:
    """The same address over http and https, with and without a final slash."""
    parts = urlsplit(url)
    out = []
    for scheme in ("https", "http"):
        for path in {parts.path, parts.path.rstrip("/"), parts.path.rstrip("/") + "/"}:
            out.append(urlunsplit((scheme, parts.netloc, path, parts.query, parts.fragment)))
    return [URIRef(variant) for variant in sorted(set(out))]


def _account_key(url: str) -> str | None:
    platform = platform_of(url)
    if platform is None:
        return None
    profile = platform.profile.match(urlsplit(url).path)
    return f"{platform.name}/{profile.group('handle').lower()}" if profile else None


def _same_term(a: str, b: str) -> bool:
    """Two labels of a list match when they are the same words, case, accents and a plural
    "s" aside ("élus" and "Élus", "acteurs locaux" and "Acteurs locaux")."""
    return [w.rstrip("sx") for w in fold_name(a).split()] == [
        w.rstrip("sx") for w in fold_name(b).split()
    ]


@lru_cache(maxsize=4)
def _project_graph(stamp: tuple, base_url: str) -> Graph:
    from ..rdfio import parse_files

    graph = parse_files([Path(p) for p, _, _ in stamp])
    if base_url == DEFAULT_BASE:
        return graph
    # Resources move under the configured base; the vocabulary's terms stay where the code
    # (MED, the shapes) names them.
    return moved(graph, DEFAULT_BASE + "id/", base_url + "id/")


def project_reference(base_url: str = DEFAULT_BASE, root: Path = PROJECT_ROOT) -> Graph:
    """The project's vocabulary, concept schemes and data, parsed once per change of the files."""
    return _project_graph(files_stamp([root / name for name in REFERENCE_DIRS]), base_url)


def moved_node(node: Node, old: str, new: str) -> Node:
    """The IRI moved from under ``old`` to under ``new``; any other node as it is."""
    if isinstance(node, URIRef) and str(node).startswith(old):
        return URIRef(new + str(node)[len(old) :])
    return node


def moved(graph: Graph, old: str, new: str) -> Graph:
    """The graph with every IRI under ``old`` moved under ``new``."""
    out = Graph()
    for s, p, o in graph:
        out.add((moved_node(s, old, new), moved_node(p, old, new), moved_node(o, old, new)))
    return out
