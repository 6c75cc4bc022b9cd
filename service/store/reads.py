"""What a piece of work read from a store, to tell later whether a write changed it.

A write is computed and validated outside the store's write lock, so that writers do not
wait for one another's SHACL validation; under the lock, it is applied only if no write
applied meanwhile changed anything it read. :class:`ReadRecorder` stands in for the store
while the change is computed and validated and keeps every pattern asked for;
:func:`changed` says whether quads changed since match one of them. Reading through a
SPARQL query (``select``, ``ask``, ``construct``) or listing graphs reads everything:
any change counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from typing import IO, TYPE_CHECKING

from rdflib import Graph
from rdflib.term import Node, URIRef

from .interface import Changeset, GraphName, Quad, QueryRequest, QueryResponse, Store, Term

if TYPE_CHECKING:
    from pathlib import Path

    from ..formats import Format
    from .interface import GraphPattern, RdfSource, TriplePattern

#: A pattern read: subject, predicate, object (None: any) and graph (``...``: any).
ReadPattern = tuple[Node | None, Node | None, Node | None, "GraphName | type[...]"]
EVERYTHING: ReadPattern = (None, None, None, ...)
#: Past this many patterns a recorder keeps one that matches everything (a big load's change
#: and validation read too much to keep): then any write applied meanwhile counts.
MAX_PATTERNS = 20_000


class ReadRecorder(Store):
    """A store that reads from another and remembers every pattern it was asked for.

    It only reads: writing through it is a mistake in our code."""

    def __init__(self, store: Store) -> None:
        super().__init__(query_timeout=store.query_timeout, max_write_quads=store.max_write_quads)
        self.store = store
        self.patterns: set[ReadPattern] = set()

    def _everything(self) -> None:
        self.patterns = {EVERYTHING}

    def _read(self, patterns: Iterable[ReadPattern]) -> None:
        if EVERYTHING in self.patterns:
            return
        self.patterns.update(patterns)
        if len(self.patterns) > MAX_PATTERNS:
            self._everything()

    # -- reads, recorded ---------------------------------------------------------------------

    def _match(self, pattern: TriplePattern, graph: GraphPattern) -> Iterator[Quad]:
        self._read([(*pattern, graph)])
        return self.store.quads(*pattern, graph=graph)

    def contains_quads(self, quads: list[Quad]) -> set[Quad]:
        self._read(quads)
        return self.store.contains_quads(quads)

    def select(
        self, query: str, bindings: Mapping[str, Term] | None = None
    ) -> list[dict[str, Term]]:
        self._everything()
        return self.store.select(query, bindings)

    def ask(self, query: str, bindings: Mapping[str, Term] | None = None) -> bool:
        self._everything()
        return self.store.ask(query, bindings)

    def construct(self, query: str, bindings: Mapping[str, Term] | None = None) -> Graph:
        self._everything()
        return self.store.construct(query, bindings)

    def graph_names(self) -> list[URIRef]:
        self._everything()
        return self.store.graph_names()

    def count(self) -> int:
        self._everything()
        return self.store.count()

    def dump(self, out: IO[bytes], fmt: Format, graph: GraphName | type[...] = ...) -> None:
        self._everything()
        self.store.dump(out, fmt, graph)

    def run_query(self, request: QueryRequest) -> QueryResponse:
        self._everything()
        return self.store.run_query(request)

    def _evaluate(
        self, request: QueryRequest, background: bool, seen: int | None
    ) -> tuple[QueryResponse, int | None]:
        self._everything()
        return self.store._evaluate(request, background, seen)

    @property
    def generation(self) -> int:
        return self.store.generation

    # -- not for writing -------------------------------------------------------------------

    def write_lock(self) -> AbstractContextManager[None]:
        return self.store.write_lock()

    def apply(self, changes: Changeset) -> int:
        raise TypeError("a ReadRecorder only reads")

    def load(
        self, source: RdfSource, fmt: Format, graph: GraphName, base_iri: str | None = None
    ) -> int:
        raise TypeError("a ReadRecorder only reads")

    def snapshot(self, directory: Path) -> int | None:
        return None

    def close(self) -> None:
        pass


def _matches(pattern: ReadPattern, quad: Quad) -> bool:
    s, p, o, g = pattern
    return (
        (s is None or s == quad[0])
        and (p is None or p == quad[1])
        and (o is None or o == quad[2])
        and (g is ... or g == quad[3])
    )


def changed(patterns: Iterable[ReadPattern], quads: Iterable[Quad]) -> bool:
    """Whether one of ``quads`` (added or removed since) matches one of ``patterns``."""
    by_subject: dict[Node, list[Quad]] = defaultdict(list)
    by_object: dict[Node, list[Quad]] = defaultdict(list)
    every: list[Quad] = []
    for quad in quads:
        by_subject[quad[0]].append(quad)
        by_object[quad[2]].append(quad)
        every.append(quad)
    if not every:
        return False
    for pattern in patterns:
        if pattern[0] is not None:
            candidates = by_subject.get(pattern[0], ())
        elif pattern[2] is not None:
            candidates = by_object.get(pattern[2], ())
        else:
            candidates = every
        if any(_matches(pattern, quad) for quad in candidates):
            return True
    return False


__all__ = ["EVERYTHING", "MAX_PATTERNS", "ReadPattern", "ReadRecorder", "changed"]
