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
  (:data:`PART_TYPES`: vocabulary terms and shapes anywhere, data-quality notes
  in the document's graphs); each lookup uses an index, with a ``LIMIT``;
* **the resources it links to**, with their types, labels and the few facts a
  page shows about a link (:data:`LINKED_PROPERTIES`), so a client needs no
  second request to show it;
* **its incoming links**, grouped by property with counts, one page per
  property, links from the document's own parts left out, in the IRI order of
  the linking resources; a page starts after its key (``after=`` the last IRI of
  the previous page), never at an ``OFFSET``. They are read from the search
  index's link table (:class:`IndexLinks`: counts kept by every write, a page
  one keyed index range), or, while that index is being built, from the store
  (:class:`StoreLinks`: a group read once per store generation, up to a cap,
  sorted here — Oxigraph's own ``ORDER BY`` and ``DISTINCT`` cost 2 s and 0.6 s
  for 10,000 IRIs, each comparison decoding both strings).

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

import threading
from abc import ABC, abstractmethod
from bisect import bisect_right
from collections import OrderedDict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS, XSD
from rdflib.term import BNode, Node

from ..labels import LABEL_BATCH
from ..namespaces import DQV, HYDRA, MED, PREFIXES, SDO, document_of
from ..search import MAX_INCOMING_PROPERTIES
from ..store import Store

#: Types of hash parts that nothing needs to link to: found by type under the document.
NOTE_TYPES: tuple[URIRef, ...] = (MED.DataQualityNote, DQV.QualityAnnotation)
PART_TYPES: tuple[URIRef, ...] = NOTE_TYPES + (
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

#: Properties by which a hash part points at its document (found without scanning the
#: document's other incoming links).
PART_LINKS: tuple[URIRef, ...] = (RDFS.isDefinedBy, MED.inEvent, SDO.isPartOf)

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
    MED.orderInProgramme,
    MED.impliedProperty,
)

#: Most parts (hash IRIs and blank nodes) one description gathers.
MAX_PARTS = 2000
#: Incoming links read from the store, per property, at most (beyond, "at least"); all
#: properties together, ten times as many.
COUNT_CAP = 100_000
#: Most properties whose incoming links are grouped (a resource linked by more is rare).

PREFIX_LINES = "\n".join(f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items())


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
        document.add(
            (collection, HYDRA.totalItems, Literal(group.count, datatype=XSD.nonNegativeInteger))
        )
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
    queue: deque[Node] = deque()
    for obj in _add_quads(store, iri, graph, graphs):
        if obj not in seen and (isinstance(obj, BNode) or is_part(obj, iri)):
            seen.add(obj)
            queue.append(obj)
    for part in _parts_by_lookup(store, iri, graphs):
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


def _parts_by_lookup(store: Store, iri: URIRef, graphs: set[URIRef]) -> list[URIRef]:
    """Hash parts that point at their document (:data:`PART_LINKS`) or that have a type of
    :data:`PART_TYPES`: vocabulary terms and shapes in any graph (a namespace document spans
    several files), notes in the document's own graphs (there may be many notes elsewhere).
    Index lookups only: the document's other incoming links are not scanned."""
    prefix = _literal(str(iri) + "#")
    links = " ".join(p.n3() for p in PART_LINKS)
    terms = " ".join(t.n3() for t in PART_TYPES if t not in NOTE_TYPES)
    # One GRAPH pattern per graph, its IRI written out: with ``VALUES ?g`` Oxigraph read
    # every graph's notes before joining (120 ms for a venue at 1M quads, against 0.3 ms).
    note_types = " ".join(t.n3() for t in NOTE_TYPES)
    notes = "".join(
        f"UNION {{ VALUES ?n {{ {note_types} }} GRAPH {g.n3()} {{ ?s a ?n }} }} "
        for g in sorted(graphs)
    )
    rows = store.select(
        f"""SELECT DISTINCT ?s WHERE {{
              {{ VALUES ?p {{ {links} }} ?s ?p {iri.n3()} }}
              UNION {{ VALUES ?t {{ {terms} }} ?s a ?t }}
              {notes}
              FILTER(isIRI(?s) && STRSTARTS(STR(?s), {prefix}))
            }} LIMIT {MAX_PARTS}"""
    )
    return sorted((row["s"] for row in rows), key=str)


def linked_triples(
    store: Store, nodes: Iterable[Node], properties: Sequence[URIRef] = LINKED_PROPERTIES
) -> Graph:
    """Types, labels and the facts of :data:`LINKED_PROPERTIES` for each IRI in ``nodes``."""
    wanted = sorted({n for n in nodes if isinstance(n, URIRef)}, key=str)
    graph = Graph()
    # FILTER(?p IN …) rather than a second VALUES: with two VALUES blocks Oxigraph scanned
    # every triple (785 ms against 11 ms for 50 resources in a store of 150,000 quads).
    predicates = ", ".join(p.n3() for p in properties)
    for start in range(0, len(wanted), LABEL_BATCH):
        batch = " ".join(n.n3() for n in wanted[start : start + LABEL_BATCH])
        rows = store.select(
            f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?s {{ {batch} }} ?s ?p ?o . "
            f"FILTER(?p IN ({predicates}) && !isBlank(?o)) }}"
        )
        for row in rows:
            graph.add((row["s"], row["p"], row["o"]))
    return graph


#: Values that are part of what they describe, even when they are resources of their own:
#: a venue's address may be the postal address of its commune (``…/commune/62510#postal-address``).
EMBEDDED_PROPERTIES: frozenset[URIRef] = frozenset({SDO.address, SDO.geo})


def details(store: Store, nodes: Iterable[Node], limit: int = 200) -> Graph:
    """The full triples (with blank nodes and :data:`EMBEDDED_PROPERTIES` values) of a few
    linked resources, for pages that show more of them than a label: a venue's address,
    a role's event, a note's text."""
    graph = Graph()
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


class IncomingCache:
    """What incoming links cost to read from the store (:class:`StoreLinks`), kept for a
    store generation (least recently used out): each resource's linking properties, and
    each group's linking IRIs, sorted.

    Oxigraph sorts slowly (``ORDER BY`` over 10,000 IRIs took 2 s: every comparison
    decodes both strings), so a group's IRIs are read once, in index order, sorted here,
    and each page is a slice after its key. The web layer keeps one cache per application.
    """

    def __init__(self, max_entries: int = 1_000_000):
        self.max_entries = max_entries
        self._items: OrderedDict[tuple, tuple[object, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> object | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            self._items.move_to_end(key)
            return found[0]

    def put(self, key: tuple, value: object, size: int) -> None:
        with self._lock:
            if key in self._items:
                return
            self._items[key] = (value, size)
            self._size += size
            while self._size > self.max_entries and len(self._items) > 1:
                _, (_, dropped) = self._items.popitem(last=False)
                self._size -= dropped


class IncomingLinks(ABC):
    """Where a description reads its incoming links from: :class:`IndexLinks` (the search
    index's link table, kept by every write) or :class:`StoreLinks` (the store itself, while
    the index cannot answer for it)."""

    #: Part of the validators of a page made with it (what it answers may change apart from
    #: the store's generation).
    token: str = ""

    @abstractmethod
    def properties(self, iri: URIRef) -> list[tuple[URIRef, int]]:
        """The properties linking IRIs to ``iri`` (its own parts left out), with how many
        links each, most first."""

    @abstractmethod
    def group(
        self, iri: URIRef, prop: URIRef, size: int, after: URIRef | None = None
    ) -> IncomingGroup:
        """One page of the IRIs linking to ``iri`` through ``prop``, in IRI order after
        ``after``."""


class IndexLinks(IncomingLinks):
    """Incoming links from the search index (``service.search``): counts kept by every
    update, pages read by key from an index. What a request costs follows the page, never
    the number of links; a write changes only the links of what it touched."""

    def __init__(self, index):
        self.index = index
        self.token = f"index-{index.stamp}"

    def properties(self, iri: URIRef) -> list[tuple[URIRef, int]]:
        return [(URIRef(p), n) for p, n in self.index.incoming_properties(str(iri))]

    def group(
        self, iri: URIRef, prop: URIRef, size: int, after: URIRef | None = None
    ) -> IncomingGroup:
        subjects, total, more = self.index.incoming_subjects(
            str(iri), str(prop), size, str(after) if after is not None else None
        )
        page = [URIRef(s) for s in subjects]
        return IncomingGroup(prop, total, False, page, after, page[-1] if more and page else None)


class StoreLinks(IncomingLinks):
    """Incoming links read from the store: each group once per store generation (at most
    ``cap`` links; more are flagged ``capped`` and the pages cover the first ``cap``),
    sorted here and kept in an :class:`IncomingCache`. What a request costs then grows with
    the group, and a write makes every group be read again: the index's link table is the
    way, this is the fallback while the index is being built."""

    token = "store"

    def __init__(self, store: Store, cache: IncomingCache | None = None, cap: int = COUNT_CAP):
        self.store = store
        self.cache = cache
        self.cap = cap

    def properties(self, iri: URIRef) -> list[tuple[URIRef, int]]:
        """Counts of triples in every graph that holds them: an upper bound, made exact by
        the listing."""
        store, cache = self.store, self.cache
        key = (store.generation, str(iri), None, self.cap)
        if cache is not None and (cached := cache.get(key)) is not None:
            return cached  # type: ignore[return-value]
        rows = store.select(
            f"""SELECT ?p (COUNT(?s) AS ?n) WHERE {{
                  {{ SELECT ?s ?p WHERE {{ ?s ?p {iri.n3()} FILTER(isIRI(?s)) }}
                     LIMIT {10 * self.cap} }}
                }} GROUP BY ?p"""
        )
        found = sorted(
            ((row["p"], int(row["n"])) for row in rows), key=lambda c: (-c[1], str(c[0]))
        )[:MAX_INCOMING_PROPERTIES]
        if cache is not None:
            cache.put(key, found, len(found) + 1)
        return found

    def _sorted_subjects(self, iri: URIRef, prop: URIRef) -> tuple[list[str], bool]:
        """The IRIs linking to ``iri`` through ``prop`` (not the document's own parts), sorted,
        and whether the list stopped at the cap. No DISTINCT and no ORDER BY in the query:
        both cost Oxigraph far more (580 ms and 2 s for 10,000 IRIs) than a set and a sort here."""
        store, cache = self.store, self.cache
        key = (store.generation, str(iri), str(prop), self.cap)
        if cache is not None and (found := cache.get(key)) is not None:
            return found  # type: ignore[return-value]
        prefix = str(iri) + "#"
        rows = store.select(
            f"SELECT ?s WHERE {{ ?s {prop.n3()} {iri.n3()} FILTER(isIRI(?s)) }} "
            f"LIMIT {self.cap + 1}"
        )
        capped = len(rows) > self.cap
        subjects = sorted({s for row in rows if not (s := str(row["s"])).startswith(prefix)})
        if cache is not None:
            cache.put(key, (subjects, capped), len(subjects) + 1)
        return subjects, capped

    def group(
        self, iri: URIRef, prop: URIRef, size: int, after: URIRef | None = None
    ) -> IncomingGroup:
        subjects, capped = self._sorted_subjects(iri, prop)
        start = bisect_right(subjects, str(after)) if after is not None else 0
        page = [URIRef(s) for s in subjects[start : start + size]]
        more = start + size < len(subjects)
        return IncomingGroup(
            prop, len(subjects), capped, page, after, page[-1] if more and page else None
        )


def incoming_groups(links: IncomingLinks, iri: URIRef, size: int) -> list[IncomingGroup]:
    """The first page of every group of incoming links (groups of only own parts left out)."""
    groups = []
    for prop, _ in links.properties(iri):
        group = links.group(iri, prop, size)
        if group.count:
            groups.append(group)
    groups.sort(key=lambda g: (-g.count, str(g.property)))
    return groups


def graph_exists(store: Store, iri: URIRef) -> bool:
    return store.ask(f"ASK {{ GRAPH {iri.n3()} {{ ?s ?p ?o }} }}")


def describe(
    store: Store, iri: URIRef, page_size: int = 50, links: IncomingLinks | None = None
) -> Description | None:
    """The description of a document, or None when the store knows nothing of it. Incoming
    links come from ``links`` (by default, the store)."""
    iri = document_of(iri)
    own, graphs = own_triples(store, iri)
    groups = incoming_groups(links or StoreLinks(store), iri, page_size)
    is_graph = graph_exists(store, iri)
    if not len(own) and not groups and not is_graph:
        return None
    neighbours: set[Node] = set(own.objects())
    for group in groups:
        neighbours.update(group.subjects)
    neighbours = {
        n for n in neighbours if isinstance(n, URIRef) and n != iri and not is_part(n, iri)
    }
    linked = linked_triples(store, neighbours)
    return Description(iri, own, linked, groups, graphs, is_graph)


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


def notes_about(store: Store, iri: URIRef, limit: int = 100) -> Graph:
    """Data-quality notes about the resource or one of its parts, with their triples."""
    rows = _notes_rows(store, iri, limit)
    return details(store, [row["n"] for row in rows], limit)


def _notes_rows(store: Store, iri: URIRef, limit: int) -> list[dict]:
    # Notes about the resource itself, then about its parts (a note on a post's image).
    # From the notes to the resource (FILTER EXISTS): the other way round, Oxigraph walked
    # every resource "about" it — 1.2 s on a theme a hundred thousand events are about
    # (bench/resources.py) — where there are only a few notes.
    rows = store.select(
        f"""SELECT DISTINCT ?n WHERE {{ ?n a {MED.DataQualityNote.n3()}
              FILTER EXISTS {{ ?n {SDO.about.n3()} {iri.n3()} }} }}
            ORDER BY STR(?n) LIMIT {limit}"""
    )
    rows += store.select(
        f"""SELECT DISTINCT ?n WHERE {{
              {iri.n3()} ?p ?x . FILTER(isIRI(?x) && STRSTARTS(STR(?x), {_literal(str(iri) + "#")}))
              ?n {SDO.about.n3()} ?x ; a {MED.DataQualityNote.n3()} }}
            ORDER BY STR(?n) LIMIT {limit}"""
    )
    return rows


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
    "IncomingCache",
    "IncomingGroup",
    "IncomingLinks",
    "IndexLinks",
    "StoreLinks",
    "LINKED_PROPERTIES",
    "PART_TYPES",
    "add_incoming",
    "describe",
    "details",
    "incoming_address",
    "incoming_page",
    "is_part",
    "linked_triples",
    "own_subgraph",
    "own_triples",
]
