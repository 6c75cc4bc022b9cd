"""What the service says about one resource: its description.

A resource's **document** is its IRI without a fragment; dereferencing
``{base}id/event/x`` answers with the description of that document, which
also describes the hash IRIs under it (``…/x#role-…``, ``…/article/y#note-…``).
The description holds:

* **its own triples**, from every graph (the default graph is the union);
* **its parts**: the blank nodes it reaches (recursively: addresses, RDF
  lists), and its hash IRIs with their own triples and blank nodes. A part is
  found when the resource (or another part) links to it, when it points at its
  document through :data:`PART_LINKS` (``rdfs:isDefinedBy``, ``med:inEvent``,
  ``schema:isPartOf``), or, for parts nothing links to, by its type
  (:data:`~.generation.PART_TYPES`: vocabulary terms and shapes anywhere, data-quality
  notes in the document's graphs, read once per store generation: :mod:`.generation`);
  each lookup uses an index, with a bound;
* **the resources it links to**, with their types, labels and the few facts a
  page shows about a link (:data:`LINKED_PROPERTIES`), so a client needs no
  second request to show it;
* **its incoming links**, grouped by property with counts, the first page of each
  group (:mod:`.incoming`).

Every read here is ours, bounded and index-driven (most are lookups of a triple pattern,
not SPARQL: a page's few reads cost more to parse and plan than to answer); nothing
imports Flask.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.namespace import FOAF, RDF, RDFS, SKOS
from rdflib.term import BNode, Node

from ..labels import LABEL_PROPERTIES
from ..namespaces import HYDRA, MED, PREFIXES, SDO, document_of
from ..store import Store
from .generation import PART_TYPES, GenerationReads, LinkedCache, TypedNodes
from .incoming import IncomingGroup, IncomingLinks, StoreLinks, add_incoming, incoming_groups

#: Properties by which a hash part points at its document (found without scanning the
#: document's other incoming links).
PART_LINKS: tuple[URIRef, ...] = (RDFS.isDefinedBy, MED.inEvent, SDO.isPartOf)

#: Label properties a linked resource is not named by: second names, running text, and
#: ``foaf:name``, which no data of ours uses.
UNLINKED_LABELS = frozenset({FOAF.name, SDO.alternateName, SKOS.altLabel, SDO.text})

#: What the description says of each resource it links to: its types, its names, and the
#: few facts a page shows of a link.
LINKED_PROPERTIES: tuple[URIRef, ...] = (
    RDF.type,
    *(p for p in LABEL_PROPERTIES if p not in UNLINKED_LABELS),
    SDO.url,
    SDO.startDate,
    SDO.endDate,
    SDO.datePublished,
    SDO.position,
    MED.orderInProgramme,
    MED.impliedProperty,
)

#: Most parts (hash IRIs and blank nodes) one description gathers.
MAX_PARTS = 2000

#: The rdflib store of the graphs a description is made of: made for one response and
#: dropped, they need no per-graph contexts, which rdflib's default store keeps for every
#: triple (adding a theme page's 800 triples cost a quarter of its rendering).
GRAPH_STORE = "SimpleMemory"


def new_graph() -> Graph:
    """An empty graph of a description (:data:`GRAPH_STORE`), with the core prefixes only:
    binding rdflib's thirty default ones cost more than filling a small graph, and a
    document binds ours before it is written (:func:`bind_prefixes`)."""
    return Graph(store=GRAPH_STORE, bind_namespaces="core")


def is_part(node: Node, document: URIRef) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(str(document) + "#")


@dataclass
class Description:
    """Everything the service says about one document and its parts, made for one response."""

    iri: URIRef
    own: Graph  # the resource's triples, its blank nodes and its hash parts
    linked: Graph  # types, labels and a few facts of the resources linked to or from
    incoming: list[IncomingGroup] = field(default_factory=list)
    graphs: set[URIRef] = field(default_factory=set)  # named graphs the own triples come from
    is_graph: bool = False  # the IRI names a graph of the store
    #: The graphs holding the resource's own triples (not its parts'; None: the default graph).
    holders: set[URIRef | None] = field(default_factory=set)

    def held_outside(self, graph: URIRef) -> bool:
        """True when the resource has a triple of its own in another graph than ``graph``
        (the history's, where a deleted resource leaves its record)."""
        return any(holder != graph for holder in self.holders)

    @property
    def types(self) -> set[URIRef]:
        return {t for t in self.own.objects(self.iri, RDF.type) if isinstance(t, URIRef)}

    @property
    def parts(self) -> list[URIRef]:
        """The hash IRIs described here, in IRI order."""
        return sorted({s for s in self.own.subjects() if is_part(s, self.iri)}, key=str)

    def graph(self) -> Graph:
        """Own and linked triples together (for pages and the JSON-LD projection): the linked
        graph, the own triples added to it, not a copy (a description serves one response,
        whose page or document may add to it)."""
        for triple in self.own:
            self.linked.add(triple)
        return self.linked

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


# ---------------------------------------------------------------------------------------------
# Gathering
# ---------------------------------------------------------------------------------------------


def _add_quads(
    store: Store,
    subject: Node,
    graph: Graph,
    graphs: set[URIRef],
    holders: set[URIRef | None] | None = None,
) -> list[Node]:
    """Add a subject's triples (their named graphs to ``graphs``, every graph to ``holders``);
    return its objects that are blank nodes or IRIs."""
    objects: list[Node] = []
    for s, p, o, g in store.quads(subject=subject):
        graph.add((s, p, o))
        if holders is not None:
            holders.add(g)
        if g is not None:
            graphs.add(g)
        if isinstance(o, (BNode, URIRef)):
            objects.append(o)
    return objects


def own_triples(
    store: Store,
    iri: URIRef,
    typed: TypedNodes | None = None,
    holders: set[URIRef | None] | None = None,
) -> tuple[Graph, set[URIRef]]:
    """The document's triples, its blank nodes and its hash parts, and the graphs they come
    from (``typed``: the store's typed nodes, read here when not given; ``holders``: filled
    with the graphs of the resource's own triples)."""
    graph = new_graph()
    graphs: set[URIRef] = set()
    seen: set[Node] = {iri}
    queue: deque[Node] = deque()
    for obj in _add_quads(store, iri, graph, graphs, holders):
        if obj not in seen and (isinstance(obj, BNode) or is_part(obj, iri)):
            seen.add(obj)
            queue.append(obj)
    for part in _parts_by_lookup(store, iri, graphs, typed or TypedNodes.read(store)):
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


def _parts_by_lookup(
    store: Store, iri: URIRef, graphs: set[URIRef], typed: TypedNodes
) -> list[URIRef]:
    """Hash parts that point at their document (:data:`PART_LINKS`) or that have a type of
    :data:`~.generation.PART_TYPES`: vocabulary terms and shapes in any graph (a namespace document
    spans several files), notes in the document's own graphs (there may be many notes
    elsewhere). Index lookups only: the document's other incoming links are not scanned."""
    found = typed.parts(iri, graphs)
    for prop in PART_LINKS:
        found.update(s for s, _, _, _ in store.quads(predicate=prop, obj=iri) if is_part(s, iri))
    return sorted(found, key=str)[:MAX_PARTS]


def linked_triples(
    store: Store,
    nodes: Iterable[Node],
    properties: Sequence[URIRef] = LINKED_PROPERTIES,
    cache: LinkedCache | None = None,
) -> Graph:
    """Types, labels and the facts of :data:`LINKED_PROPERTIES` for each IRI in ``nodes``:
    each one's triples by an index lookup on its subject, the properties kept here (a linked
    resource has a few dozen triples; a SPARQL query with the IRIs in ``VALUES`` cost more to
    parse, plan and turn into rdflib terms than the lookups). ``cache``: the triples of
    :data:`LINKED_PROPERTIES` already read in this store generation (:mod:`.generation`)."""
    wanted = frozenset(properties)
    if properties is not LINKED_PROPERTIES:
        cache = None  # it keeps the triples of these properties only
    graph = new_graph()
    for node in {n for n in nodes if isinstance(n, URIRef)}:
        found = cache.get(node) if cache is not None else None
        if found is None:
            found = tuple(
                (s, p, o)
                for s, p, o, _ in store.quads(subject=node)
                if p in wanted and not isinstance(o, BNode)
            )
            if cache is not None:
                cache.put(node, found)
        for triple in found:
            graph.add(triple)
    return graph


#: Values that are part of what they describe, even when they are resources of their own:
#: a venue's address may be the postal address of its commune (``…/commune/62510#postal-address``).
EMBEDDED_PROPERTIES: frozenset[URIRef] = frozenset({SDO.address, SDO.geo})


def details(store: Store, nodes: Iterable[Node], limit: int = 200) -> Graph:
    """The full triples (with blank nodes and :data:`EMBEDDED_PROPERTIES` values) of a few
    linked resources, for pages that show more of them than a label: a venue's address,
    a role's event, a note's text."""
    graph = new_graph()
    for node in list(dict.fromkeys(n for n in nodes if isinstance(n, URIRef)))[:limit]:
        queue: deque[Node] = deque([node])
        seen: set[Node] = {node}
        while queue:
            current = queue.popleft()
            for s, p, o, _ in store.quads(subject=current):
                graph.add((s, p, o))
                embedded = isinstance(o, BNode) or (
                    isinstance(o, URIRef) and p in EMBEDDED_PROPERTIES
                )
                if embedded and o not in seen and len(seen) < MAX_PARTS:
                    seen.add(o)
                    queue.append(o)
    return graph


def graph_exists(store: Store, iri: URIRef) -> bool:
    return store.ask(f"ASK {{ GRAPH {iri.n3()} {{ ?s ?p ?o }} }}")


def describe(
    store: Store,
    iri: URIRef,
    page_size: int = 50,
    links: IncomingLinks | None = None,
    sizes: dict[URIRef, int] | None = None,
    reads: GenerationReads | None = None,
) -> Description | None:
    """The description of a document, or None when the store knows nothing of it. Incoming
    links come from ``links`` (by default, the store): ``page_size`` of each group, or
    ``sizes[p]`` of the group of the property ``p``; ``reads``: what this store generation's
    pages have read (:mod:`.generation`; None: read here)."""
    iri = document_of(iri)
    holders: set[URIRef | None] = set()
    own, graphs = own_triples(store, iri, reads.typed if reads is not None else None, holders)
    groups = incoming_groups(links or StoreLinks(store), iri, page_size, sizes)
    is_graph = graph_exists(store, iri)
    if not len(own) and not groups and not is_graph:
        return None
    neighbours: set[Node] = set(own.objects())
    for group in groups:
        neighbours.update(group.subjects)
    neighbours = {
        n for n in neighbours if isinstance(n, URIRef) and n != iri and not is_part(n, iri)
    }
    linked = linked_triples(store, neighbours, cache=reads.linked if reads is not None else None)
    return Description(iri, own, linked, groups, graphs, is_graph, holders)


def incoming_page(
    store: Store,
    iri: URIRef,
    prop: URIRef,
    size: int,
    after: URIRef | None = None,
    links: IncomingLinks | None = None,
) -> tuple[IncomingGroup, Graph] | None:
    """One page of one group of incoming links, as a group and as an RDF document
    (None when nothing outside the document links to it through ``prop``)."""
    iri = document_of(iri)
    group = (links or StoreLinks(store)).group(iri, prop, size, after)
    if not group.count:
        return None
    document = linked_triples(store, group.subjects)
    for triple in linked_triples(store, [iri], (RDF.type,) + LINKED_PROPERTIES[1:4]):
        document.add(triple)
    add_incoming(document, iri, group)
    bind_prefixes(document)
    return group, document


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


def notes_about(
    store: Store,
    iri: URIRef,
    limit: int = 100,
    typed: TypedNodes | None = None,
    own: Graph | None = None,
) -> Graph:
    """Data-quality notes about the resource or one of its parts, with their triples:
    ``limit`` of those about the resource itself and as many about its parts (a note on a
    post's image), each by IRI. ``typed``: the store's notes, by what they are about (read
    here when not given: notes are few, and the other way round, from what a note is about,
    is every event of a theme); ``own``: a graph with the resource's triples (else read)."""
    typed = typed or TypedNodes.read(store)
    objects = (
        own.objects(iri) if own is not None else (o for _, _, o, _ in store.quads(subject=iri))
    )
    parts = {o for o in objects if is_part(o, iri)}
    notes = sorted(typed.notes_about([iri]), key=str)[:limit]
    notes += sorted(typed.notes_about(parts), key=str)[:limit]
    return details(store, notes, limit)


def roles_played(
    store: Store, iri: URIRef, limit: int = 200, links: IncomingLinks | None = None
) -> Graph:
    """The roles an actor played (``med:agent``: the first ``limit`` by IRI, its incoming
    links through that property), with their events and role types."""
    group = (links or StoreLinks(store)).group(iri, MED.agent, limit)
    roles = details(store, group.subjects, limit)
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
              ?p {SDO.containedInPlace.n3()}* {iri.n3()} . ?e {SDO.location.n3()} ?p .
              ?e a {SDO.Event.n3()}
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
    "LINKED_PROPERTIES",
    "PART_TYPES",
    "Description",
    "containment",
    "describe",
    "details",
    "events_in",
    "graph_size",
    "incoming_page",
    "is_part",
    "linked_triples",
    "notes_about",
    "own_subgraph",
    "own_triples",
    "roles_played",
]
