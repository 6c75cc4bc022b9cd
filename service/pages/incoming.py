"""A resource's incoming links: grouped by property, counted, read a page at a time.

A group lists the IRIs that link to a resource through one property, links from the
resource's own parts left out, in the IRI order of the linking resources; a page starts
after its key (``after=`` the last IRI of the previous page), never at an ``OFFSET``. They
are read from the search index's link table (:class:`IndexLinks`: counts kept by every
write, a page one keyed index range), or, while that index is being built, from the store
(:class:`StoreLinks`: a group read once per store generation, up to a cap, sorted here —
Oxigraph's own ``ORDER BY`` and ``DISTINCT`` cost 2 s and 0.6 s for 10,000 IRIs, each
comparison decoding both strings). :func:`incoming_links` picks one.

In RDF each group is a Hydra collection
(https://www.hydra-cg.com/spec/latest/core/#collections):
``<{resource}?incoming={p}> a hydra:Collection`` with ``hydra:manages``
(``hydra:property`` ``p``, ``hydra:object`` the resource), ``hydra:totalItems``
and a ``hydra:PartialCollectionView`` whose ``hydra:next`` is the next page,
``<{resource}?incoming={p}&after={last IRI listed}>`` (:func:`add_incoming`).
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from bisect import bisect_right
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import BNode

from ..namespaces import HYDRA
from ..search import MAX_INCOMING_PROPERTIES, Index
from ..store import Store

#: Incoming links read from the store, per property, at most (beyond, "at least"); all
#: properties together, ten times as many.
COUNT_CAP = 100_000
#: Incoming links a group reads from the store at most while the index is being built (about
#: 0.3 s); beyond, the group says "at least" and its pages stop there until the index is back.
FALLBACK_CAP = 10_000


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


def incoming_groups(
    links: IncomingLinks, iri: URIRef, size: int, sizes: dict[URIRef, int] | None = None
) -> list[IncomingGroup]:
    """The first page of every group of incoming links (groups of only own parts left out):
    ``size`` links, or ``sizes[p]`` for the property ``p``."""
    groups = []
    for prop, _ in links.properties(iri):
        group = links.group(iri, prop, (sizes or {}).get(prop, size))
        if group.count:
            groups.append(group)
    groups.sort(key=lambda g: (-g.count, str(g.property)))
    return groups


def incoming_links(index: Index, store: Store, cache: IncomingCache) -> IncomingLinks:
    """Where descriptions read incoming links: the search index when it is in step with the
    store, else the store itself, capped at :data:`FALLBACK_CAP` and kept in ``cache``."""
    if index.trusted:
        return IndexLinks(index)
    return StoreLinks(store, cache, FALLBACK_CAP)


__all__ = [
    "COUNT_CAP",
    "FALLBACK_CAP",
    "IncomingCache",
    "IncomingGroup",
    "IncomingLinks",
    "IndexLinks",
    "StoreLinks",
    "add_incoming",
    "incoming_address",
    "incoming_groups",
    "incoming_links",
]
