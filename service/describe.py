"""What the service says about one resource: its description.

A resource's **document** is its IRI without a fragment; dereferencing
``{base}id/event/x`` answers with the description of that document, which
also describes the hash IRIs under it (``…/x#role-…``, ``…/article/y#note-…``).
The description holds:

* **its own triples**, from every graph (the default graph is the union);
* **its parts**: the blank nodes it reaches (recursively: addresses, RDF
  lists), and its hash IRIs with their own triples and blank nodes. A part is
  found when the resource (or another part) links to it, when it links to the
  resource (``rdfs:isDefinedBy``, ``med:inEvent``), or, for parts nothing links
  to, by its type (:data:`PART_TYPES`: data-quality notes, vocabulary terms,
  shapes); each of these lookups is one index lookup with a ``LIMIT``;
* **the resources it links to**, with their types, labels and the few facts a
  page shows about a link (:data:`LINKED_PROPERTIES`), so a client needs no
  second request to show it;
* **its incoming links**, grouped by property with counts (counted up to
  :data:`COUNT_CAP`), one page per property. Pages are keyed by the linking
  resource's IRI (``FILTER(STR(?s) > after) ORDER BY STR(?s) LIMIT n``), never
  by ``OFFSET``. Links from the resource's own parts are not repeated there.

In RDF, the incoming links are triples ``?s ?p <resource>``, and each group is
a Hydra collection (https://www.hydra-cg.com/spec/latest/core/#collections):
``<{resource}?incoming={p}> a hydra:Collection`` with ``hydra:manages``
(``hydra:property`` ``p``, ``hydra:object`` the resource), ``hydra:totalItems``
and a ``hydra:PartialCollectionView`` whose ``hydra:next`` is the next page,
``<{resource}?incoming={p}&after={last IRI listed}>``; dereferencing that
address answers the page (:func:`incoming_page`).

Every query here is ours, bounded and index-driven; nothing imports Flask.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Iterable, Sequence
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS, XSD
from rdflib.term import BNode, Node

from .labels import LABEL_BATCH
from .namespaces import DQV, HYDRA, MED, PREFIXES, SDO
from .store import Store

#: Types of hash parts that nothing needs to link to: found by type under the document.
PART_TYPES: tuple[URIRef, ...] = (
    MED.DataQualityNote,
    DQV.QualityAnnotation,
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    RDF.Property,
    RDFS.Class,
    RDFS.Datatype,
    SH.NodeShape,
    SH.PropertyShape,
)

#: What the description says of each resource it links to (besides nothing else).
LINKED_PROPERTIES: tuple[URIRef, ...] = (
    RDF.type,
    SKOS.prefLabel,
    SDO.name,
    RDFS.label,
    DCTERMS.title,
    SDO.headline,
    SDO.roleName,
    SKOS.notation,
    SDO.url,
    SDO.startDate,
    SDO.endDate,
    SDO.datePublished,
    SDO.position,
    MED.impliedProperty,
)

#: Most parts (hash IRIs and blank nodes) one description gathers.
MAX_PARTS = 2000
#: Incoming links are counted up to this many per property (beyond, "at least").
COUNT_CAP = 100_000
#: Incoming links scanned at most, all properties together, to count them.
TOTAL_CAP = 4 * COUNT_CAP
#: Most properties whose incoming links are grouped (a resource linked by more is rare).
MAX_INCOMING_PROPERTIES = 200

PREFIX_LINES = "\n".join(f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items())


def document_of(iri: str | URIRef) -> URIRef:
    """The document a (hash) IRI belongs to."""
    return URIRef(str(iri).split("#", 1)[0])


def is_part(node: Node, document: URIRef) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(str(document) + "#")


def _literal(text: str) -> str:
    return Literal(text).n3()


@dataclass
class IncomingGroup:
    """The resources that link to the described one through one property."""

    property: URIRef
    count: int
    capped: bool  # more than ``count`` links exist
    subjects: list[URIRef]
    after: URIRef | None = None  # this page starts after this IRI (None: first page)
    next_after: URIRef | None = None  # the key of the next page (None: last page)

    @property
    def more(self) -> bool:
        return self.next_after is not None


@dataclass
class Description:
    """Everything the service says about one document and its parts."""

    iri: URIRef
    own: Graph  # the resource's triples, its blank nodes and its hash parts
    linked: Graph  # types, labels and a few facts of the resources linked to or from
    incoming: list[IncomingGroup] = field(default_factory=list)
    graphs: set[URIRef] = field(default_factory=set)  # named graphs the own triples come from
    is_graph: bool = False  # the IRI names a graph of the store

    @property
    def types(self) -> set[URIRef]:
        return {t for t in self.own.objects(self.iri, RDF.type) if isinstance(t, URIRef)}

    @property
    def parts(self) -> list[URIRef]:
        """The hash IRIs described here, in IRI order."""
        return sorted({s for s in self.own.subjects() if is_part(s, self.iri)}, key=str)

    def graph(self) -> Graph:
        """Own and linked triples together (for pages and the JSON-LD projection)."""
        combined = Graph()
        for triple in self.own:
            combined.add(triple)
        for triple in self.linked:
            combined.add(triple)
        return combined

    def rdf(self) -> Graph:
        """The RDF document: own triples, linked resources, first pages of incoming links."""
        document = self.graph()
        for group in self.incoming:
            add_incoming(document, self.iri, group)
        bind_prefixes(document)
        return document


def bind_prefixes(graph: Graph) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    graph.bind("hydra", str(HYDRA), override=True, replace=True)


def incoming_address(iri: URIRef, prop: URIRef, after: URIRef | None = None) -> URIRef:
    """The IRI of a page of incoming links (under the resource's canonical IRI)."""
    address = f"{iri}?incoming={quote(str(prop), safe='')}"
    if after is not None:
        address += f"&after={quote(str(after), safe='')}"
    return URIRef(address)


def add_incoming(document: Graph, iri: URIRef, group: IncomingGroup) -> None:
    """A group's page of incoming triples and its Hydra collection and view."""
    for subject in group.subjects:
        document.add((subject, group.property, iri))
    collection = incoming_address(iri, group.property)
    view = incoming_address(iri, group.property, group.after)
    manages = BNode()
    document.add((collection, RDF.type, HYDRA.Collection))
    document.add((collection, HYDRA.manages, manages))
    document.add((manages, HYDRA.property, group.property))
    document.add((manages, HYDRA.object, iri))
    if not group.capped:
        document.add((collection, HYDRA.totalItems, Literal(group.count, datatype=XSD.nonNegativeInteger)))
    document.add((collection, HYDRA.view, view))
    document.add((view, RDF.type, HYDRA.PartialCollectionView))
    document.add((view, HYDRA.first, collection))
    if group.next_after is not None:
        document.add((view, HYDRA.next, incoming_address(iri, group.property, group.next_after)))


# ---------------------------------------------------------------------------------------------
# Gathering
# ---------------------------------------------------------------------------------------------


def _add_quads(store: Store, subject: Node, graph: Graph, graphs: set[URIRef]) -> list[Node]:
    """Add a subject's triples; return its objects that are blank nodes or IRIs."""
    objects: list[Node] = []
    for s, p, o, g in store.quads(subject=subject):
        graph.add((s, p, o))
        if g is not None:
            graphs.add(g)
        if isinstance(o, (BNode, URIRef)):
            objects.append(o)
    return objects


def own_triples(store: Store, iri: URIRef) -> tuple[Graph, set[URIRef]]:
    """The document's triples, its blank nodes and its hash parts, and the graphs they come from."""
    graph = Graph()
    graphs: set[URIRef] = set()
    seen: set[Node] = {iri}
    queue: deque[Node] = deque([iri])
    for part in _parts_by_lookup(store, iri):
        if part not in seen:
            seen.add(part)
            queue.append(part)
    while queue:
        node = queue.popleft()
        for obj in _add_quads(store, node, graph, graphs):
            if obj in seen or len(seen) > MAX_PARTS:
                continue
            if isinstance(obj, BNode) or is_part(obj, iri):
                seen.add(obj)
                queue.append(obj)
    return graph, graphs


def _parts_by_lookup(store: Store, iri: URIRef) -> list[URIRef]:
    """Hash parts that link to the document, or that are of a type in :data:`PART_TYPES`."""
    prefix = _literal(str(iri) + "#")
    types = " ".join(t.n3() for t in PART_TYPES)
    rows = store.select(
        f"""SELECT DISTINCT ?s WHERE {{
              {{ ?s ?p {iri.n3()} }} UNION {{ VALUES ?t {{ {types} }} ?s a ?t }}
              FILTER(isIRI(?s) && STRSTARTS(STR(?s), {prefix}))
            }} LIMIT {MAX_PARTS}"""
    )
    return sorted((row["s"] for row in rows), key=str)


def linked_triples(store: Store, nodes: Iterable[Node],
                   properties: Sequence[URIRef] = LINKED_PROPERTIES) -> Graph:
    """Types, labels and the facts of :data:`LINKED_PROPERTIES` for each IRI in ``nodes``."""
    wanted = sorted({n for n in nodes if isinstance(n, URIRef)}, key=str)
    graph = Graph()
    predicates = " ".join(p.n3() for p in properties)
    for start in range(0, len(wanted), LABEL_BATCH):
        batch = " ".join(n.n3() for n in wanted[start:start + LABEL_BATCH])
        rows = store.select(
            f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?s {{ {batch} }} VALUES ?p {{ {predicates} }} "
            "?s ?p ?o . FILTER(!isBlank(?o)) }"
        )
        for row in rows:
            graph.add((row["s"], row["p"], row["o"]))
    return graph


def details(store: Store, nodes: Iterable[Node], limit: int = 200) -> Graph:
    """The full triples (with blank nodes) of a few linked resources, for pages that show
    more of them than a label: a venue's address, a role's event, a note's text."""
    graph = Graph()
    graphs: set[URIRef] = set()
    for node in list(dict.fromkeys(n for n in nodes if isinstance(n, URIRef)))[:limit]:
        queue: deque[Node] = deque([node])
        seen: set[Node] = {node}
        while queue:
            current = queue.popleft()
            for obj in _add_quads(store, current, graph, graphs):
                if isinstance(obj, BNode) and obj not in seen and len(seen) < MAX_PARTS:
                    seen.add(obj)
                    queue.append(obj)
    return graph


def _excluded(iri: URIRef) -> str:
    """The filter that keeps incoming links from IRIs other than the document's own parts."""
    return f"isIRI(?s) && !STRSTARTS(STR(?s), {_literal(str(iri) + '#')})"


def incoming_counts(store: Store, iri: URIRef) -> list[tuple[URIRef, int, bool]]:
    """``(property, count, capped)`` for each property that links to ``iri``, by count then IRI."""
    rows = store.select(
        f"""SELECT ?p (COUNT(?s) AS ?n) WHERE {{
              {{ SELECT DISTINCT ?s ?p WHERE {{ ?s ?p {iri.n3()} FILTER({_excluded(iri)}) }}
                 LIMIT {TOTAL_CAP} }}
            }} GROUP BY ?p ORDER BY DESC(?n) ?p LIMIT {MAX_INCOMING_PROPERTIES}"""
    )
    # When the whole scan hit its cap, every count is a lower bound.
    all_capped = sum(int(row["n"]) for row in rows) >= TOTAL_CAP
    return [
        (row["p"], min(int(row["n"]), COUNT_CAP), all_capped or int(row["n"]) > COUNT_CAP)
        for row in rows
    ]


def incoming_subjects(store: Store, iri: URIRef, prop: URIRef, size: int,
                      after: URIRef | None = None) -> tuple[list[URIRef], URIRef | None]:
    """One page of the IRIs linking to ``iri`` through ``prop``, and the next page's key."""
    key = f" && STR(?s) > {_literal(str(after))}" if after is not None else ""
    rows = store.select(
        f"""SELECT DISTINCT ?s WHERE {{ ?s {prop.n3()} {iri.n3()} FILTER({_excluded(iri)}{key}) }}
            ORDER BY STR(?s) LIMIT {size + 1}"""
    )
    subjects = [row["s"] for row in rows]
    if len(subjects) > size:
        return subjects[:size], subjects[size - 1]
    return subjects, None


def incoming_groups(store: Store, iri: URIRef, size: int) -> list[IncomingGroup]:
    groups = []
    for prop, count, capped in incoming_counts(store, iri):
        subjects, next_after = incoming_subjects(store, iri, prop, size)
        groups.append(IncomingGroup(prop, count, capped, subjects, None, next_after))
    return groups


def graph_exists(store: Store, iri: URIRef) -> bool:
    return store.ask(f"ASK {{ GRAPH {iri.n3()} {{ ?s ?p ?o }} }}")


def describe(store: Store, iri: URIRef, page_size: int = 50) -> Description | None:
    """The description of a document, or None when the store knows nothing of it."""
    iri = document_of(iri)
    own, graphs = own_triples(store, iri)
    groups = incoming_groups(store, iri, page_size)
    is_graph = graph_exists(store, iri)
    if not len(own) and not groups and not is_graph:
        return None
    neighbours: set[Node] = set(own.objects())
    for group in groups:
        neighbours.update(group.subjects)
    neighbours = {n for n in neighbours if isinstance(n, URIRef) and n != iri and not is_part(n, iri)}
    linked = linked_triples(store, neighbours)
    return Description(iri, own, linked, groups, graphs, is_graph)


def incoming_page(store: Store, iri: URIRef, prop: URIRef, size: int,
                  after: URIRef | None = None) -> tuple[IncomingGroup, Graph] | None:
    """One page of one group of incoming links, as a group and as an RDF document."""
    iri = document_of(iri)
    counts = {p: (n, capped) for p, n, capped in incoming_counts_for(store, iri, prop)}
    if prop not in counts:
        return None
    subjects, next_after = incoming_subjects(store, iri, prop, size, after)
    count, capped = counts[prop]
    group = IncomingGroup(prop, count, capped, subjects, after, next_after)
    document = linked_triples(store, subjects)
    for triple in linked_triples(store, [iri], (RDF.type,) + LINKED_PROPERTIES[1:4]):
        document.add(triple)
    add_incoming(document, iri, group)
    bind_prefixes(document)
    return group, document


def incoming_counts_for(store: Store, iri: URIRef, prop: URIRef) -> list[tuple[URIRef, int, bool]]:
    rows = store.select(
        f"""SELECT (COUNT(?s) AS ?n) WHERE {{
              {{ SELECT DISTINCT ?s WHERE {{ ?s {prop.n3()} {iri.n3()} FILTER({_excluded(iri)}) }}
                 LIMIT {COUNT_CAP + 1} }} }}"""
    )
    n = int(rows[0]["n"]) if rows else 0
    if not n:
        return []
    return [(prop, min(n, COUNT_CAP), n > COUNT_CAP)]


def own_subgraph(graph: Graph, iri: URIRef) -> Graph:
    """The triples of ``iri`` and of the blank nodes it reaches, out of a bigger graph.

    What a client (and the tests) compare with the store's triples for the resource.
    """
    found = Graph()
    seen: set[Node] = {iri}
    queue: deque[Node] = deque([iri])
    while queue:
        node = queue.popleft()
        for p, o in graph.predicate_objects(node):
            found.add((node, p, o))
            if isinstance(o, BNode) and o not in seen:
                seen.add(o)
                queue.append(o)
    return found




# ---------------------------------------------------------------------------------------------
# What some pages show besides the description (each one bounded query)
# ---------------------------------------------------------------------------------------------


def notes_about(store: Store, iri: URIRef, limit: int = 100) -> Graph:
    """Data-quality notes about the resource or one of its parts, with their triples."""
    rows = _notes_rows(store, iri, limit)
    return details(store, [row["n"] for row in rows], limit)


def _notes_rows(store: Store, iri: URIRef, limit: int) -> list[dict]:
    # Notes about the resource itself, then about its parts (a note on a post's image);
    # two index lookups rather than a scan of every note.
    rows = store.select(
        f"""SELECT DISTINCT ?n WHERE {{ ?n {SDO.about.n3()} {iri.n3()} ; a {MED.DataQualityNote.n3()} }}
            ORDER BY STR(?n) LIMIT {limit}"""
    )
    rows += store.select(
        f"""SELECT DISTINCT ?n WHERE {{
              {iri.n3()} ?p ?x . FILTER(isIRI(?x) && STRSTARTS(STR(?x), {_literal(str(iri) + '#')}))
              ?n {SDO.about.n3()} ?x ; a {MED.DataQualityNote.n3()} }}
            ORDER BY STR(?n) LIMIT {limit}"""
    )
    return rows


def roles_played(store: Store, iri: URIRef, limit: int = 200) -> Graph:
    """The roles an actor played (``med:agent``), with their events and role types."""
    rows = store.select(
        f"""SELECT DISTINCT ?r WHERE {{ ?r {MED.agent.n3()} {iri.n3()} }}
            ORDER BY STR(?r) LIMIT {limit}"""
    )
    roles = details(store, [row["r"] for row in rows], limit)
    linked = linked_triples(store, set(roles.objects()))
    for triple in linked:
        roles.add(triple)
    return roles


def containment(store: Store, iri: URIRef, limit: int = 50) -> list[URIRef]:
    """The places that contain this one, nearest first (``schema:containedInPlace``, followed)."""
    rows = store.select(
        f"""SELECT DISTINCT ?a ?b WHERE {{
              {iri.n3()} {SDO.containedInPlace.n3()}* ?a . ?a {SDO.containedInPlace.n3()} ?b
            }} LIMIT {limit}"""
    )
    parent: dict[Node, list[Node]] = {}
    for row in rows:
        parent.setdefault(row["a"], []).append(row["b"])
    chain: list[URIRef] = []
    current: Node = iri
    while current in parent and len(chain) < limit:
        following = sorted(parent[current], key=str)[0]
        if following in chain or following == iri:
            break
        chain.append(following)  # type: ignore[arg-type]
        current = following
    return chain


def events_in(store: Store, iri: URIRef, limit: int = 50) -> tuple[list[URIRef], bool]:
    """Events located in this place or in a place it contains (first ``limit`` by IRI, which
    for our events is by date), and whether there are more."""
    rows = store.select(
        f"""SELECT DISTINCT ?e WHERE {{
              ?p {SDO.containedInPlace.n3()}* {iri.n3()} . ?e {SDO.location.n3()} ?p
            }} ORDER BY STR(?e) LIMIT {limit + 1}"""
    )
    events = [row["e"] for row in rows]
    return events[:limit], len(events) > limit


def graph_size(store: Store, iri: URIRef, cap: int = 10_000_000) -> tuple[int, bool]:
    """Number of triples in a named graph (counted up to ``cap``)."""
    rows = store.select(
        f"""SELECT (COUNT(*) AS ?n) WHERE {{
              {{ SELECT ?s ?p ?o WHERE {{ GRAPH {iri.n3()} {{ ?s ?p ?o }} }} LIMIT {cap + 1} }} }}"""
    )
    n = int(rows[0]["n"]) if rows else 0
    return min(n, cap), n > cap


__all__ = [
    "COUNT_CAP",
    "containment",
    "events_in",
    "graph_size",
    "notes_about",
    "roles_played",
    "Description",
    "IncomingGroup",
    "LINKED_PROPERTIES",
    "PART_TYPES",
    "add_incoming",
    "describe",
    "details",
    "document_of",
    "incoming_address",
    "incoming_page",
    "is_part",
    "linked_triples",
    "own_subgraph",
    "own_triples",
]
