"""The store interface: the only door to the triples.

Nothing outside this package talks to Oxigraph or to a remote SPARQL server.
Terms crossing this boundary are rdflib terms; a quad's graph is a ``URIRef``
or ``None`` for the store's default graph. The default graph of a query is the
union of all graphs, unless a researcher's query names its dataset (``FROM``,
``FROM NAMED``, or the protocol's parameters: ``dataset.py``) or the public
endpoint is set to a plain dataset (``QueryRequest.union_default_graph``).

Two implementations:

* :class:`~service.store.embedded.EmbeddedStore` — Oxigraph on disk, in
  process, for pages, writes and our own bounded queries; the public
  endpoint's queries run in worker processes on snapshots so that a time-out
  can kill them (see ``docs/architecture.md``).
* :class:`~service.store.remote.RemoteStore` — any SPARQL 1.1 server with query
  and update endpoints, through SPARQLWrapper.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from rdflib import Graph
from rdflib.term import BNode, Literal, Node, URIRef

from ..formats import Format

Term = URIRef | BNode | Literal
GraphName = URIRef | None
Quad = tuple[Node, Node, Node, GraphName]


@dataclass
class Changeset:
    """What a write removes and adds, as quads. Removal happens first."""

    remove: list[Quad] = field(default_factory=list)
    add: list[Quad] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.remove or self.add)

    def graphs(self) -> set[GraphName]:
        return {q[3] for q in self.remove} | {q[3] for q in self.add}

    def subjects(self) -> set[Node]:
        return {q[0] for q in self.remove} | {q[0] for q in self.add}


@dataclass(frozen=True)
class QueryRequest:
    """A query from the public endpoint, with the SPARQL Protocol's dataset parameters.

    ``default_graph_uris`` and ``named_graph_uris`` are the protocol's, as given: they
    replace the query's own ``FROM`` and ``FROM NAMED``; without them the query's own
    dataset, else the union default graph, applies (``dataset.query_dataset``).
    """

    query: str
    result_format: Format  # for SELECT/ASK; the graph format is ``graph_format``
    graph_format: Format
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()
    timeout: float = 30.0
    max_rows: int = 10000
    base_iri: str | None = None
    #: Without a dataset in the query or the protocol, the default graph is the union of all
    #: graphs; False: the store's own default graph (a plain SPARQL dataset).
    union_default_graph: bool = True


@dataclass(frozen=True)
class QueryResponse:
    body: bytes
    media_type: str
    form: str  # "select", "ask", "construct" (CONSTRUCT and DESCRIBE)
    rows: int
    truncated: bool


class Store(ABC):
    """What the service needs from a store."""

    # -- reading: our own bounded queries -------------------------------------------------

    @abstractmethod
    def select(
        self, query: str, bindings: Mapping[str, Term] | None = None
    ) -> list[dict[str, Term]]:
        """Rows of a SELECT query; unbound variables are absent from a row."""

    @abstractmethod
    def ask(self, query: str, bindings: Mapping[str, Term] | None = None) -> bool: ...

    @abstractmethod
    def construct(self, query: str, bindings: Mapping[str, Term] | None = None) -> Graph: ...

    @abstractmethod
    def quads(
        self,
        subject: Node | None = None,
        predicate: Node | None = None,
        obj: Node | None = None,
        graph: GraphName | type[...] = ...,
    ) -> Iterator[Quad]:
        """Quads matching a pattern; ``graph=...`` (the default) means any graph."""

    @abstractmethod
    def graph_names(self) -> list[URIRef]: ...

    @abstractmethod
    def count(self) -> int:
        """Number of quads in the store."""

    # -- reading: the public endpoint -----------------------------------------------------

    @abstractmethod
    def run_query(self, request: QueryRequest) -> QueryResponse:
        """Evaluate a researcher's query with the limits it carries.

        Raises QuerySyntaxError (400), QueryTimeout (503, the work stopped),
        Overloaded (503) or StoreError.
        """

    # -- writing ----------------------------------------------------------------------------

    @abstractmethod
    def write_lock(self) -> AbstractContextManager[None]:
        """Held by a writer from computing its change to applying it: writers never interleave."""

    @abstractmethod
    def update_delta(
        self, update: str, base_iri: str | None = None, union_default_graph: bool = True
    ) -> Changeset:
        """The change a SPARQL Update would make to the current state, without making it.

        The ``WHERE`` clauses read the union of all graphs as their default graph, or, with
        ``union_default_graph`` False, the store's own default graph."""

    @abstractmethod
    def apply(self, changes: Changeset) -> int:
        """Apply a changeset atomically and durably; return the new generation."""

    @abstractmethod
    def load(
        self,
        source: Path | IO[bytes] | bytes,
        fmt: Format,
        graph: GraphName,
        base_iri: str | None = None,
    ) -> int:
        """Bulk-add already validated RDF to a graph, fast; return the number of quads added."""

    @abstractmethod
    def dump(self, out: IO[bytes], fmt: Format, graph: GraphName | type[...] = ...) -> None:
        """Write the store (``...``) or one graph to ``out`` in a dataset or graph format."""

    @property
    @abstractmethod
    def generation(self) -> int:
        """A counter that changes with every write; survives restarts."""

    @abstractmethod
    def close(self) -> None: ...

    def snapshot(self, directory: Path) -> int | None:
        """Copy the store as it is now into ``directory`` (which must not exist), cheaply, for
        a reader in another process (:func:`open_snapshot`); return the generation the copy
        holds. None when this kind of store has no such copy (a remote server: those readers
        query it live)."""
        return None

    # -- conveniences built on the above -------------------------------------------------------

    def graph(self, name: GraphName) -> Graph:
        """One graph's triples as an rdflib Graph."""
        result = Graph(identifier=name) if name is not None else Graph()
        for s, p, o, _ in self.quads(graph=name):
            result.add((s, p, o))
        return result

    def is_empty(self) -> bool:
        return self.count() == 0

    def contains_quads(self, quads: list[Quad]) -> set[Quad]:
        """Those of ``quads`` the store holds (a quad's graph None: the default graph)."""
        return {q for q in quads if next(iter(self.quads(*q)), None) is not None}


def open_snapshot(directory: Path) -> Store:
    """A copy made by :meth:`Store.snapshot`, opened read-only, without query workers."""
    from .embedded import EmbeddedStore

    return EmbeddedStore(directory, workers=False, read_only=True)


def open_store(config) -> Store:
    """The store the settings ask for."""
    if config.remote_query_url:
        from .remote import RemoteStore

        return RemoteStore.from_config(config)
    from .embedded import EmbeddedStore

    return EmbeddedStore.from_config(config)


__all__ = [
    "Changeset",
    "GraphName",
    "Quad",
    "QueryRequest",
    "QueryResponse",
    "Store",
    "Term",
    "open_snapshot",
    "open_store",
]
