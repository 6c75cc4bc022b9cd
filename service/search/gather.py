"""Reading from the store what rows are made of, in bounded batches.

A row needs more than its resource's own triples: the triples of its parts (hash IRIs),
the ancestors of the places and themes it links to, the names of everything it links to,
and whether the event it is within is a series. :class:`Gatherer` reads each of these for
a batch of resources at once, keeping ancestors and names for the whole build or update,
since the same places and themes recur in thousands of rows; :mod:`.rows` then makes each
row from what it read. It reads plain values (``service/store/plain.py``): on the embedded
store, Oxigraph's index scans, a few microseconds a resource, where a batch of SPARQL
``VALUES`` cost a query to plan and an rdflib term per value.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

from rdflib import BNode, URIRef

from ..labels import LABEL_PROPERTIES
from ..namespaces import SDO, SKOS
from ..store import PlainLiteral
from .kinds import list_kind_of
from .rows import (
    HIERARCHY_OF_KIND,
    LABEL_RANK,
    LINK_SET,
    PART_OF_LINKS,
    RDF_TYPE,
    SDO_EVENT_SERIES,
    SDO_SUPER_EVENT,
    TERRITORY_SET,
    THEME_SET,
    Pairs,
    Row,
    RowMaker,
    add_parts,
    contained,
    lang_of,
    ranked,
)

#: One step up a hierarchy: containment of places, broader themes, stated from below
#: (``UPWARD``: the node is the subject) or from above (``DOWNWARD``: it is the object).
UPWARD: tuple[str, ...] = (str(SDO.containedInPlace), str(SKOS.broader))
DOWNWARD: tuple[str, ...] = (str(SDO.containsPlace), str(SKOS.narrower))
#: The properties whose values name a linked resource (``schema:text`` is no name).
NAMING: tuple[str, ...] = tuple(str(p) for p in LABEL_PROPERTIES if p != SDO.text)
PART_OF: tuple[str, ...] = tuple(str(p) for p in PART_OF_LINKS)


def values_of(iris: Iterable[str], batch: int) -> Iterator[str]:
    """``iris`` in batches of ``batch``, each written as the body of a SPARQL ``VALUES``."""
    iris = list(iris)
    for start in range(0, len(iris), batch):
        yield " ".join(URIRef(i).n3() for i in iris[start : start + batch])


class Gatherer:
    """Reads from the store what rows are made of, in bounded batches, with caches that live
    for one build or one update. It reads through the store's plain reader
    (``store.plain_reader()``): index scans on the embedded store, SPARQL on the others, the
    same plain values either way."""

    def __init__(self, store, base: str, batch: int = 400, reader=None) -> None:
        self.store = store
        self.base = base
        self.batch = batch
        self.reader = reader if reader is not None else store.plain_reader()
        self._parents: dict[str, set[str]] = {}
        self._ancestors: dict[str, set[str]] = {}
        self._labels: dict[str, Pairs] = {}
        self._analysed: dict[str, list[str]] = {}

    # -- store reads ---------------------------------------------------------------------------

    def _parts(self, iris: Sequence[str], triples: Mapping[str, list]) -> dict[str, set[str]]:
        """The hash-IRI parts of each resource: linked from it, or linking to it as part of it."""
        parts: dict[str, set[str]] = {i: set() for i in iris}
        for iri in iris:
            for _, obj, _ in triples.get(iri, ()):
                if type(obj) is URIRef and obj.startswith(iri + "#"):
                    parts[iri].add(str(obj))
        for part, _, owner in self.reader.linking(iris, PART_OF):
            if type(part) is URIRef and part.startswith(owner + "#"):
                parts[owner].add(str(part))
        return parts

    def _up(self, nodes: set[str]) -> None:
        """The nodes one step up from each of ``nodes`` (containing places, broader themes,
        either direction stated), read once for the build."""
        wanted = sorted(n for n in nodes if n not in self._parents)
        if not wanted:
            return
        for n in wanted:
            self._parents[n] = set()
        # IRIs as plain strings, blank nodes as BNode: the walk goes through both.
        for s, _, o in self.reader.values(wanted, UPWARD):
            if type(o) is not PlainLiteral:
                self._parents[s].add(o if type(o) is BNode else str(o))
        for s, _, o in self.reader.linking(wanted, DOWNWARD):
            self._parents[o].add(s if type(s) is BNode else str(s))

    def ancestors(self, iris: Iterable[str]) -> dict[str, set[str]]:
        """Containing places and broader themes of each IRI, all the way up (cached): the
        IRIs reached going up any number of steps (through blank nodes too), a level at a
        time for every IRI at once."""
        iris = list(iris)
        wanted = sorted({i for i in iris if i not in self._ancestors})
        reached: dict[str, set[str]] = {i: set() for i in wanted}
        frontier: dict[str, set[str]] = {i: {i} for i in wanted}
        while frontier:
            self._up(set().union(*frontier.values()))
            following: dict[str, set[str]] = {}
            for i, nodes in frontier.items():
                new = set().union(*(self._parents[n] for n in nodes)) - reached[i]
                if new:
                    reached[i] |= new
                    following[i] = new
            frontier = following
        for i in wanted:
            self._ancestors[i] = {a for a in reached[i] if type(a) is not BNode and a != i}
        return {i: self._ancestors[i] for i in iris}

    def events_not_series(self, iris: Iterable[str]) -> set[str]:
        """Those of ``iris`` the store describes (they have a type) that are not event series."""
        typed: dict[str, set[str]] = {}
        for s, _, t in self.reader.values(sorted(set(iris)), (RDF_TYPE,)):
            typed.setdefault(s, set()).add(str(t))
        return {i for i, types in typed.items() if SDO_EVENT_SERIES not in types}

    def labels(self, iris: Iterable[str]) -> dict[str, Pairs]:
        """Every label of each IRI, as (language, text), in the order of LABEL_PROPERTIES (cached)."""
        iris = list(iris)
        wanted = sorted({i for i in iris if i not in self._labels})
        for i in wanted:
            self._labels[i] = []
        found: dict[str, list[tuple[int, str, str]]] = {}
        for s, p, o in self.reader.values(wanted, NAMING):
            if type(o) is PlainLiteral:
                found.setdefault(s, []).append((LABEL_RANK[p], lang_of(o), str(o)))
        for iri, values in found.items():
            self._labels[iri] = ranked(values)
        return {i: self._labels[i] for i in iris}

    # -- rows ----------------------------------------------------------------------------------

    def rows(self, iris: Sequence[str]) -> dict[str, Row | None]:
        """The row of each IRI (None when the store no longer describes it)."""
        result: dict[str, Row | None] = {}
        for start in range(0, len(iris), self.batch):
            chunk = list(iris[start : start + self.batch])
            result.update(self._rows(chunk))
        return result

    def _rows(self, iris: list[str]) -> dict[str, Row | None]:
        own = self.reader.described(iris)
        parts = self._parts(iris, own)
        all_parts = sorted(set().union(*parts.values())) if parts else []
        part_triples = self.reader.described(all_parts) if all_parts else {}

        # Link targets of each resource, and the IRIs whose ancestors we need.
        targets: dict[str, dict[str, list]] = {}
        up: set[str] = set()
        for iri in iris:
            links: dict[str, list] = {}
            for predicate, obj, nested in own[iri]:
                if predicate in LINK_SET:
                    links.setdefault(predicate, []).append((obj, nested))
                    if type(obj) is URIRef and (
                        predicate in TERRITORY_SET or predicate in THEME_SET
                    ):
                        up.add(str(obj))
                    up.update(contained(nested))  # a blank-node place inside a territory
            targets[iri] = links
            if list_kind_of(iri, self.base) in HIERARCHY_OF_KIND:
                up.add(iri)
        ancestors = self.ancestors(up)
        # Names of their types, of what they link to (and of the places inline places are
        # in), and of the ancestors of those.
        named: set[str] = set().union(*ancestors.values())
        named.update(str(o) for iri in iris for p, o, _ in own[iri] if p == RDF_TYPE)
        for links in targets.values():
            for values in links.values():
                for obj, nested in values:
                    if type(obj) is URIRef:
                        named.add(str(obj))
                    named.update(contained(nested))
        names = self.labels(named)
        # A session is an event held within another event that is not a series.
        within = {
            str(o)
            for links in targets.values()
            for o, _ in links.get(SDO_SUPER_EVENT, ())
            if type(o) is URIRef
        }
        events = self.events_not_series(within)

        maker = RowMaker(self.base, ancestors, names, self._analysed)
        rows: dict[str, Row | None] = {}
        for iri in iris:
            kind = list_kind_of(iri, self.base)
            if not own[iri] or kind is None:
                rows[iri] = None
                continue
            row = Row(iri, kind)
            maker.fill(row, own[iri], targets[iri])
            row.top = not row.facets.get("superevent", set()) & events
            add_parts(row, parts.get(iri, ()), part_triples)
            rows[iri] = row
        return rows
