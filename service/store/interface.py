"""The store interface: what the service needs from a store, and what every store does alike.

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

What they share lives in :class:`Store`: the write lock, the change an update would make
(``delta.py``), the checks of a load's or a dump's format and of a changeset's terms, and
how a researcher's query's outcome becomes a response or an error.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import BNode, Literal, Node, URIRef

from ..config import Config
from ..errors import BadRequest, NotAcceptable, QueryEvaluationError, QuerySyntaxError, StoreError
from ..formats import DATASET_FORMATS, GRAPH_FORMATS, Format
from .cache import QueryCache, cache_key, keepable
from .dataset import Dataset, query_dataset
from .evaluate import error_reason
from .plain import SparqlReader
from .terms import quad_to_oxigraph

if TYPE_CHECKING:
    from .evaluate import QueryOutcome

Term = URIRef | BNode | Literal
GraphName = URIRef | None
Quad = tuple[Node, Node, Node, GraphName]
#: A triple pattern: None matches anything.
TriplePattern = tuple[Node | None, Node | None, Node | None]
#: A graph to match, or ``...`` for any graph.
GraphPattern = GraphName | type[...]
#: RDF to load: a file, a stream or bytes.
RdfSource = Path | IO[bytes] | bytes
#: How many of the last writes a store remembers the quads of (:meth:`Store.changes_since`).
RECENT_WRITES = 256


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
    dataset, else the union default graph, applies (:attr:`dataset`).
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

    @property
    def dataset(self) -> Dataset | None:
        """The graphs the query runs on (``dataset.query_dataset``); None when neither the
        protocol nor the query names any (then ``union_default_graph`` says what applies)."""
        return query_dataset(
            self.query, self.default_graph_uris, self.named_graph_uris, self.base_iri
        )


@dataclass(frozen=True)
class QueryResponse:
    body: bytes
    media_type: str
    form: str  # "select", "ask", "construct" (CONSTRUCT and DESCRIBE)
    rows: int
    truncated: bool
    #: Answered from the result cache (``cache.py``), not evaluated for this request.
    cached: bool = False


class Store(ABC):
    """What the service needs from a store."""

    def __init__(self, *, query_timeout: float, max_write_quads: int) -> None:
        #: The deadline of our own work on the store (an update's evaluation, a server's answer).
        self.query_timeout = query_timeout
        #: The most quads one write may change.
        self.max_write_quads = max_write_quads
        self._write_lock = threading.RLock()
        #: The last writes applied through :meth:`apply`: (generation, quads changed).
        self._recent: deque[tuple[int, list[Quad]]] = deque(maxlen=RECENT_WRITES)
        #: Researchers' answers by generation (``cache.py``); None: every query is evaluated.
        self.query_cache: QueryCache | None = None

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

    def quads(
        self,
        subject: Node | None = None,
        predicate: Node | None = None,
        obj: Node | None = None,
        graph: GraphName | type[...] = ...,
    ) -> Iterator[Quad]:
        """Quads matching a pattern; ``graph=...`` (the default) means any graph."""
        return self._match((subject, predicate, obj), graph)

    def plain_reader(self) -> Any:
        """What a build of the search index reads triples through, as plain values
        (:mod:`.plain`): SPARQL here; the embedded store scans its indexes instead."""
        return SparqlReader(self)

    @abstractmethod
    def _match(self, pattern: TriplePattern, graph: GraphPattern) -> Iterator[Quad]:
        """The quads of :meth:`quads`, as each store finds them."""

    def link_quads(self, graph: GraphName) -> Iterator[Quad]:
        """The quads of ``graph``, each literal object given as None: a pass over many quads
        that needs their links, not their values (a literal made an rdflib term parses its
        value: most of the cost of such a pass)."""
        for s, p, o, g in self.quads(graph=graph):
            yield s, p, None if isinstance(o, Literal) else o, g

    def iri_triples(self) -> Iterator[tuple[str, str, str]]:
        """(subject, predicate, object) of every quad whose subject and object are IRIs, as
        strings, once per graph holding it: one pass over the store for the search index's
        links, without making rdflib terms of the rest."""
        for subject, predicate, obj, _ in self.quads():
            if isinstance(subject, URIRef) and isinstance(obj, URIRef):
                yield str(subject), str(predicate), str(obj)

    @abstractmethod
    def graph_names(self) -> list[URIRef]: ...

    @abstractmethod
    def count(self) -> int:
        """Number of quads in the store."""

    # -- reading: the public endpoint -----------------------------------------------------

    def run_query(self, request: QueryRequest, background: bool = False) -> QueryResponse:
        """Answer a researcher's query with the limits it carries: from the result cache
        while the store's generation has not moved (``cache.py``), else evaluated.
        ``background``: work nobody waits for (the examples computed again after a write),
        run where it holds up no researcher's query.

        Raises QuerySyntaxError (400), QueryTimeout (503, the work stopped),
        Overloaded (503) or StoreError.
        """
        cache = self.query_cache
        if cache is None or not keepable(request):
            return self._evaluate(request, background, None)[0]
        key = cache_key(request)
        seen = self.generation
        kept = cache.get(seen, key)
        if kept is not None:
            return replace(kept, cached=True)
        answer, generation = self._evaluate(request, background, seen)
        if generation is not None:
            cache.put(generation, key, answer)
        return answer

    @abstractmethod
    def _evaluate(
        self, request: QueryRequest, background: bool, seen: int | None
    ) -> tuple[QueryResponse, int | None]:
        """Evaluate a researcher's query; return the answer and the generation it was read
        at, no newer than the state it reflects (None when the store cannot tell). ``seen``:
        the generation read just before, None when no answer is kept."""

    def is_cached(self, request: QueryRequest) -> bool:
        """Whether an answer to ``request`` at the current generation is kept."""
        cache = self.query_cache
        return cache is not None and cache.holds(self.generation, cache_key(request))

    def warm(self) -> int:
        """Prepare now what the first researcher's query would otherwise wait for, so that it
        answers as fast as the tenth; return how many query processes are ready (0 when this
        kind of store has none). May take seconds: the server calls it in the background."""
        return 0

    # -- writing ----------------------------------------------------------------------------

    def write_lock(self) -> AbstractContextManager[None]:
        """Held by a writer to apply its change, and to check before that nothing it read
        changed since it computed and validated the change (``writes/publisher.py``)."""
        return self._write_lock

    def update_delta(
        self, update: str, base_iri: str | None = None, union_default_graph: bool = True
    ) -> Changeset:
        """The change a SPARQL Update would make to the current state, without making it.

        The ``WHERE`` clauses read the union of all graphs as their default graph, or, with
        ``union_default_graph`` False, the store's own default graph. Not under the write
        lock: a write applied meanwhile may be seen in part, so a caller either holds the
        lock or checks afterwards that nothing it read changed (``reads.py``)."""
        # Imported here: rdflib's SPARQL engine serves the process that writes, not the query
        # workers, which import this package too.
        from .delta import compute_delta

        return compute_delta(
            self,
            update,
            base_iri,
            timeout=self.query_timeout,
            max_quads=self.max_write_quads,
            union_default_graph=union_default_graph,
        )

    def _remember(self, generation: int, changes: Changeset) -> None:
        """Keep what the write that made ``generation`` changed (under the write lock)."""
        self._recent.append((generation, [*changes.remove, *changes.add]))

    def changes_since(self, generation: int) -> list[Quad] | None:
        """The quads added or removed by the writes after ``generation``, or None when the
        store does not know them all (a load, another process writing, too long ago)."""
        current = self.generation
        if current == generation:
            return []
        kept = {g: quads for g, quads in self._recent if g > generation}
        if set(kept) != set(range(generation + 1, current + 1)):
            return None
        return [quad for g in sorted(kept) for quad in kept[g]]

    @abstractmethod
    def apply(self, changes: Changeset) -> int:
        """Apply a changeset atomically and durably; return the new generation."""

    #: True when ``load`` takes a ``check`` run before the load is made final (whatever it
    #: raises undoes the load), and the ``scanned`` a ``scan`` of the source found: the
    #: embedded store's bulk path.
    checked_loads: bool = False

    @abstractmethod
    def load(
        self, source: RdfSource, fmt: Format, graph: GraphName, base_iri: str | None = None
    ) -> int:
        """Bulk-add already validated RDF to a graph, fast; return the number of quads added."""

    def append(
        self, quads: Iterable[Quad], graph: URIRef, subject: URIRef, head: list[Quad]
    ) -> int:
        """Add ``head`` (a few quads, about ``subject`` or about others), then ``quads`` (all in
        ``graph``, each about ``subject`` or one of its fragments ``<subject#…>``, which
        ``graph`` holds nothing about yet), all or nothing: the history record of a big load,
        which names every resource it touched. Part of the checked loads (``checked_loads``)."""
        raise NotImplementedError("append goes with checked_loads")

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

    # -- what every store checks and answers alike ------------------------------------------------

    @staticmethod
    def _load_format(fmt: Format) -> Any:
        """Oxigraph's reader for a format to load; a format it cannot read is the caller's error."""
        rdf_format = getattr(ox.RdfFormat, fmt.oxigraph or "", None)
        if rdf_format is None:
            raise BadRequest(
                f"Format non chargeable : {fmt.label}", f"Format cannot be loaded: {fmt.label}"
            )
        return rdf_format

    @staticmethod
    def _dump_format(fmt: Format, graph: GraphName | type[...]) -> Any:
        """Oxigraph's writer for a dump of the store (``graph`` ``...``) or of one graph."""
        rdf_format = getattr(ox.RdfFormat, fmt.oxigraph or "", None)
        if rdf_format is None:
            raise BadRequest(
                f"Format d'export inconnu : {fmt.label}", f"Unknown export format: {fmt.label}"
            )
        if graph is ... and fmt not in DATASET_FORMATS:
            raise BadRequest(
                f"{fmt.label} ne porte pas de graphes nommés : choisissez un graphe, ou TriG/N-Quads.",
                f"{fmt.label} carries no named graphs: choose a graph, or TriG/N-Quads.",
            )
        return rdf_format

    @staticmethod
    def _oxigraph_changes(
        changes: Changeset, *, server_blank_nodes: bool = False
    ) -> tuple[list[ox.Quad], list[ox.Quad]]:
        """A changeset's removed and added quads in Oxigraph's terms, checked before anything
        is written: a term no RDF store can hold is the caller's error. With
        ``server_blank_nodes``, blank node labels are a server's own (Virtuoso's
        ``nodeID://…``) and not checked."""

        def converted(quad: Quad) -> ox.Quad:
            if server_blank_nodes:
                quad = tuple(BNode("b") if isinstance(t, BNode) else t for t in quad)
            return quad_to_oxigraph(quad)

        try:
            return [converted(q) for q in changes.remove], [converted(q) for q in changes.add]
        except (TypeError, ValueError) as error:
            raise BadRequest(
                f"Modification impossible, terme invalide : {error}",
                f"Cannot apply the change, invalid term: {error}",
            ) from None

    @staticmethod
    def _syntax_error(message: str, line: int | None, column: int | None) -> QuerySyntaxError:
        """A query that does not parse, where the engine says the error is (Oxigraph's
        message starts with it, "error at 3:18: …", said again in words)."""
        return QuerySyntaxError.at(error_reason(message), line, column)

    def _response(self, outcome: QueryOutcome, request: QueryRequest) -> QueryResponse:
        """The response to a researcher's query for its outcome (``evaluate.QueryOutcome``),
        or the error the outcome describes."""
        if outcome.error == "syntax":
            raise self._syntax_error(outcome.message, outcome.line, outcome.column)
        if outcome.error == "unwritable":
            fmt = request.graph_format
            others = [f for f in GRAPH_FORMATS if f is not fmt]
            listed = ", ".join(f"{f.media_type} (format={f.key})" for f in others)
            raise NotAcceptable(
                f"Ce résultat ne peut pas s'écrire en {fmt.label} ({outcome.message}). "
                f"Formats possibles : {listed}.",
                f"This result cannot be written in {fmt.label} ({outcome.message}). "
                f"Possible formats: {listed}.",
                supported=[f.media_type for f in others],
            )
        if outcome.error == "query":
            raise QueryEvaluationError(
                f"La requête ne peut pas être évaluée : {outcome.message}",
                f"The query cannot be evaluated: {outcome.message}",
            )
        if outcome.error:
            raise StoreError(
                f"La requête a échoué : {outcome.message}", f"The query failed: {outcome.message}"
            )
        fmt = request.graph_format if outcome.form == "construct" else request.result_format
        return QueryResponse(
            body=outcome.body,
            media_type=fmt.media_type,
            form=outcome.form,
            rows=outcome.rows,
            truncated=outcome.truncated,
        )


def open_store(config: Config, workers: bool = True, must_exist: bool = False) -> Store:
    """The store the settings ask for. ``workers=False``: no pool of query processes (a
    command, not a server); ``must_exist``: a missing embedded store is an error rather than
    a new empty one."""
    # Imported here: the stores import this module, and only the chosen store's code loads.
    if config.remote_query_url:
        from .remote import RemoteStore

        store: Store = RemoteStore.from_config(config)
    else:
        from .embedded import EmbeddedStore

        store = EmbeddedStore.from_config(config, workers=workers, must_exist=must_exist)
    if config.query_cache_bytes:
        store.query_cache = QueryCache(config.query_cache_bytes)
    return store


def open_snapshot(directory: Path) -> Store:
    """A copy made by :meth:`Store.snapshot`, opened read-only, without query workers."""
    from .embedded import EmbeddedStore

    return EmbeddedStore(directory, workers=False, read_only=True)
