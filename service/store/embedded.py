"""The embedded store: Oxigraph on disk (``pyoxigraph``), in process.

Layout of the store directory::

    <store>/oxigraph/     the Oxigraph (RocksDB) database
    <store>/generation    the write counter as of the last checkpoint, replaced atomically
    <store>/.journal/     the changesets written since the last checkpoint (replayed on open)
    <store>/.bulk-load    what a bulk load is adding, if any (removed again on open)
    <store>/.snapshots/   read-only copies the query workers read (removed on open)

See ``docs/architecture.md`` ("The store") for why each kind of work runs where it does.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import URIRef

from ..errors import BadRequest, RdfSyntaxError, StoreClosed, StoreError, UnwritableText
from ..files import write_atomically
from ..formats import DATASET_FORMATS, RESULTS_JSON, TURTLE, Format
from ..namespaces import not_in_xml
from .bulk import BULK_AFTER, bulk_append, bulk_load, undo_bulk_load
from .evaluate import error_position, evaluate, request_options
from .gate import OpenGate, ReadWriteGate
from .interface import Changeset, GraphName, Quad, QueryRequest, QueryResponse, Store, Term
from .journal import Journal
from .plain import PatternReader
from .terms import (
    RdflibTerms,
    graph_to_oxigraph,
    quad_to_oxigraph,
    to_oxigraph,
    to_rdflib,
)

if TYPE_CHECKING:  # names of the signatures only
    from .interface import GraphPattern, RdfSource, TriplePattern

log = logging.getLogger(__name__)

DATABASE = "oxigraph"
GENERATION = "generation"
JOURNAL = ".journal"
SNAPSHOTS = ".snapshots"

#: Loads at least this big are followed by ``optimize()`` (selective joins were 8× faster after it).
OPTIMIZE_AFTER = 100_000
#: A write is acknowledged once its journal is synced; Oxigraph's data is flushed to disk in
#: the background (a checkpoint), which then removes the journals it covers: this many
#: seconds after the first write not yet covered, or as soon as this many wait (so that a
#: replay on open stays short). ``bench/store.py apply``: a flush costs about 80 ms, the
#: synced journal about 8 ms.
CHECKPOINT_DELAY = 1.0
CHECKPOINT_AFTER_WRITES = 100


def _check_characters(quad: ox.Quad) -> None:
    """What a load brings is held to what every write is (``writes.check_characters``): no
    character XML 1.0 cannot carry (an UnwritableText). Oxigraph's parser has refused such a
    character in an IRI, a blank node label and a language tag already: literals remain."""
    value = quad.object
    if type(value) is ox.Literal:
        offset = not_in_xml(value.value)
        if offset is not None:
            subject = quad.subject.value if type(quad.subject) is ox.NamedNode else ""
            raise UnwritableText.at("object", value.value, offset, subject, quad.predicate.value)


def _substitutions(bindings: Mapping[str, Term] | None) -> dict | None:
    if not bindings:
        return None
    return {ox.Variable(name): to_oxigraph(term) for name, term in bindings.items()}


#: What ``warm`` runs on every query worker: a real evaluation and serialisation, one row.
WARM_QUERY = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"
#: The niceness of the worker that computes answers nobody waits for (19: the lowest priority).
BACKGROUND_NICE = 19


class EmbeddedStore(Store):
    """Oxigraph on disk; see the module docstring for the layout."""

    checked_loads = True

    def __init__(
        self,
        directory: Path | str,
        *,
        max_workers: int = 4,
        query_memory: int = 0,
        query_timeout: float = 30.0,
        max_write_quads: int = 1_000_000,
        workers: bool = True,
        read_only: bool = False,
    ):
        super().__init__(query_timeout=query_timeout, max_write_quads=max_write_quads)
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.max_workers = max_workers
        self.query_memory = query_memory  # bytes of data each query worker may hold
        # Read-only: a snapshot (``snapshot``), which nothing writes, read by another process.
        self.read_only = read_only
        opener = ox.Store.read_only if read_only else ox.Store
        try:
            self._store: ox.Store | None = opener(str(self.directory / DATABASE))
        except OSError as error:
            if "lock" in str(error).lower():  # RocksDB's: another process holds the store
                raise StoreError(
                    f"Le magasin {self.directory} est ouvert par un autre processus (un serveur "
                    "« mediation serve » ?). Arrêtez-le d'abord, ou écrivez par HTTP sur le "
                    "serveur (PUT /graphs, /sparql/update).",
                    f"The store {self.directory} is open in another process (a running "
                    "`mediation serve`?). Stop it first, or write over HTTP to the server "
                    "(PUT /graphs, /sparql/update).",
                ) from None
            raise StoreError(
                f"Impossible d'ouvrir le magasin {self.directory} : {error}",
                f"Cannot open the store {self.directory}: {error}",
            ) from None
        self._gate = OpenGate() if read_only else ReadWriteGate()
        self._terms = RdflibTerms()  # the reads' terms, made once (see the class)
        # Guards the generation and the list of journaled writes not yet checkpointed, and
        # wakes the checkpointer; ``_checkpoint_lock`` makes checkpoints one at a time.
        self._published = threading.Condition()
        self._journaled: list[int] = []
        self._checkpoint_lock = threading.Lock()
        self._checkpointer: threading.Thread | None = None
        self._closing = False
        self._generation = self._read_generation()
        self._durable = self._generation
        self._journal: Journal | None = None
        #: The generation of a write whose journal was synced but which Oxigraph failed to
        #: apply (a full disk): replayed at the next open, and no write is taken before then.
        self._unapplied: int | None = None
        if not read_only:
            self._journal = Journal(self.directory / JOURNAL)
            self._replay_journal()
        undo_bulk_load(self.oxigraph, self.directory, read_only)
        # Snapshots of a previous run are stale; the pool starts with the first public query.
        # A read-only open leaves them: it may be a command reading a store that a server
        # runs on, whose query workers read them (``mediation users organisations``).
        if not read_only:
            shutil.rmtree(self.directory / SNAPSHOTS, ignore_errors=True)
            shutil.rmtree(self.directory / f"{SNAPSHOTS}-background", ignore_errors=True)
        self._workers = workers
        self._pool: Any = None
        self._background: Any = None
        self._pool_lock = threading.Lock()

    @classmethod
    def from_config(
        cls, config: Any, workers: bool = True, must_exist: bool = False
    ) -> EmbeddedStore:
        if must_exist and not (Path(config.store) / DATABASE).exists():
            raise StoreError(
                f"Pas de magasin dans {config.store} : donnez --store ou --remote-query-url.",
                f"No store in {config.store}: give --store or --remote-query-url.",
            )
        return cls(
            config.store,
            max_workers=config.max_concurrent_queries,
            query_memory=getattr(config, "query_memory_bytes", 0),
            query_timeout=config.query_timeout,
            max_write_quads=getattr(config, "max_write_quads", 1_000_000),
            workers=workers,
        )

    # -- plumbing --------------------------------------------------------------------------------

    @property
    def oxigraph(self) -> ox.Store:
        if self._store is None:
            raise StoreClosed()
        return self._store

    def _read_generation(self) -> int:
        path = self.directory / GENERATION
        try:
            return int(path.read_text(encoding="ascii").strip())
        except FileNotFoundError:
            return 0
        except ValueError:
            raise StoreError(
                f"Fichier de génération illisible : {path}", f"Unreadable generation file: {path}"
            ) from None

    def _publish(self, generation: int, journaled: bool) -> None:
        """Make ``generation`` the store's, once Oxigraph holds its write."""
        with self._published:
            self._generation = generation
            if journaled:
                self._journaled.append(generation)
                self._published.notify_all()
        if self.query_cache is not None:
            self.query_cache.advance(generation)

    def _replay_journal(self) -> None:
        """Apply again, in order, the writes whose journals no checkpoint removed."""
        pending = self._journal.pending()
        if not pending:
            return
        log.info("replaying %d journaled write(s) not yet checkpointed", len(pending))
        for path in pending:
            generation, remove, add = self._journal.read(path)
            self._apply_oxigraph(remove, add)
            self._publish(max(generation, self._generation), journaled=False)
        self._checkpoint()

    def _checkpoint(self) -> None:
        """Flush Oxigraph to disk, then record the generation it holds and remove the journals
        that flush covers. Writes go on meanwhile: they are not covered."""
        with self._checkpoint_lock:
            with self._published:
                upto = self._generation
            if upto == self._durable and not self._journal.pending():
                return
            self.oxigraph.flush()
            write_atomically(self.directory / GENERATION, f"{upto}\n".encode("ascii"))
            self._journal.clear(upto)
            self._durable = upto
            with self._published:
                self._journaled = [g for g in self._journaled if g > upto]

    def _start_checkpointer(self) -> None:
        if self._checkpointer is None:
            self._checkpointer = threading.Thread(
                target=self._checkpoints, daemon=True, name="store-checkpoint"
            )
            self._checkpointer.start()

    def _checkpoints(self) -> None:
        """The background checkpointer: see ``CHECKPOINT_DELAY``."""
        while True:
            with self._published:
                while not self._closing and not self._journaled:
                    self._published.wait()
                deadline = time.monotonic() + CHECKPOINT_DELAY
                while (
                    not self._closing
                    and len(self._journaled) < CHECKPOINT_AFTER_WRITES
                    and time.monotonic() < deadline
                ):
                    self._published.wait(deadline - time.monotonic())
                if self._closing:
                    return
            try:
                self._checkpoint()
            except (OSError, StoreError) as error:  # the journals stay; tried again later
                log.error("store checkpoint failed, journals kept: %s", error)
                time.sleep(CHECKPOINT_DELAY)

    def _apply_oxigraph(self, remove: list[ox.Quad], add: list[ox.Quad]) -> None:
        store = self.oxigraph
        with self._gate.writing():
            for quad in remove:
                store.remove(quad)
            if add:
                store.extend(add)
            # A graph exists while it holds quads (a changeset has no empty graphs), but
            # Oxigraph keeps the name of a graph emptied quad by quad: drop those names, or
            # GRAPH ?g {} would still find the graph and a DROP would leave it listed.
            emptied = {q.graph_name for q in remove} - {q.graph_name for q in add}
            for name in emptied:
                if (
                    isinstance(name, ox.NamedNode)
                    and next(store.quads_for_pattern(None, None, None, name), None) is None
                ):
                    store.remove_graph(name)

    def pool(self) -> Any:
        """The worker pool of the public endpoint, started on first use."""
        with self._pool_lock:
            if self._pool is None:
                if self._store is None:
                    raise StoreClosed()
                from .pool import QueryPool

                self._pool = QueryPool(
                    self, self.directory / SNAPSHOTS, self.max_workers, memory=self.query_memory
                )
            return self._pool

    def background_pool(self) -> Any:
        """One worker of the lowest CPU priority for work nobody waits for (the examples
        computed again after a write): it takes no place of the researchers' pool."""
        with self._pool_lock:
            if self._background is None:
                if self._store is None:
                    raise StoreClosed()
                from .pool import QueryPool

                directory = self.directory / f"{SNAPSHOTS}-background"
                self._background = QueryPool(
                    self, directory, 1, nice=BACKGROUND_NICE, memory=self.query_memory
                )
            return self._background

    def warm(self) -> int:
        """Start the query pool and have every worker open the current snapshot and answer a
        small query (``QueryPool.warm``): the pool otherwise starts with the first query."""
        if not self._workers:
            return 0
        request = QueryRequest(WARM_QUERY, result_format=RESULTS_JSON, graph_format=TURTLE)
        return self.pool().warm(request)

    def snapshot(self, directory: Path) -> int | None:
        """A hard-linked copy of the database (``Store.backup``, milliseconds) and its
        generation file, taken while no changeset is half applied."""
        directory = Path(directory)
        directory.mkdir(parents=True)
        with self._gate.reading():
            generation = self._generation
            self.oxigraph.backup(str(directory / DATABASE))
        (directory / GENERATION).write_text(f"{generation}\n", encoding="ascii")
        return generation

    def snapshot_state(self) -> tuple[ox.Store, int, ReadWriteGate]:
        """For the query pool: the store, its generation and the gate that guards half-applied writes."""
        return self.oxigraph, self._generation, self._gate

    # -- reading: our own queries ------------------------------------------------------------------

    def _query(self, query: str, bindings: Mapping[str, Term] | None) -> Any:
        try:
            with self._gate.reading():
                return self.oxigraph.query(
                    query, use_default_graph_as_union=True, substitutions=_substitutions(bindings)
                )
        except SyntaxError as error:
            raise self._syntax_error(str(error), *error_position(str(error))) from None
        except OSError as error:
            raise StoreError(f"Erreur du magasin : {error}", f"Store error: {error}") from None
        except RuntimeError as error:
            # Oxigraph substitutes bindings as SEP-0007 says: a bound variable of a SELECT
            # must be in its projection. That is a mistake in our own query, not bad input.
            raise ValueError(f"{error} (bindings: {sorted(bindings or {})})") from None

    def select(
        self, query: str, bindings: Mapping[str, Term] | None = None
    ) -> list[dict[str, Term]]:
        result = self._query(query, bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise BadRequest("Une requête SELECT est attendue.", "A SELECT query is expected.")
        names = [variable.value for variable in result.variables]
        rows = []
        for solution in result:
            row = {}
            for name, value in zip(names, solution, strict=True):
                if value is not None:
                    row[name] = to_rdflib(value)
            rows.append(row)
        return rows

    def ask(self, query: str, bindings: Mapping[str, Term] | None = None) -> bool:
        result = self._query(query, bindings)
        if not isinstance(result, ox.QueryBoolean):
            raise BadRequest("Une requête ASK est attendue.", "An ASK query is expected.")
        return bool(result)

    def construct(self, query: str, bindings: Mapping[str, Term] | None = None) -> Graph:
        result = self._query(query, bindings)
        if not isinstance(result, ox.QueryTriples):
            raise BadRequest(
                "Une requête CONSTRUCT ou DESCRIBE est attendue.",
                "A CONSTRUCT or DESCRIBE query is expected.",
            )
        graph = Graph()
        for triple in result:
            graph.add(
                (to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object))
            )
        return graph

    def _match(self, pattern: TriplePattern, graph: GraphPattern) -> Iterator[Quad]:
        terms = [None if term is None else to_oxigraph(term) for term in pattern]
        terms.append(None if graph is ... else graph_to_oxigraph(graph))
        with self._gate.reading():
            found = self.oxigraph.quads_for_pattern(*terms)
        return map(self._terms.quad, found)

    def link_quads(self, graph: GraphName) -> Iterator[Quad]:
        with self._gate.reading():
            found = self.oxigraph.quads_for_pattern(None, None, None, graph_to_oxigraph(graph))
        term, literal = self._terms.term, ox.Literal
        for quad in found:
            obj = quad.object
            yield (
                term(quad.subject),
                term(quad.predicate),
                None if type(obj) is literal else term(obj),
                term(quad.graph_name),
            )

    def plain_reader(self) -> Any:
        return PatternReader(self.oxigraph, self._gate)

    def iri_triples(self) -> Iterator[tuple[str, str, str]]:
        # Straight from Oxigraph's terms: an rdflib term per quad cost most of the pass.
        with self._gate.reading():
            found = self.oxigraph.quads_for_pattern(None, None, None, None)
        iri = ox.NamedNode
        for quad in found:
            subject, obj = quad.subject, quad.object
            if type(subject) is iri and type(obj) is iri:
                yield subject.value, quad.predicate.value, obj.value

    def graph_names(self) -> list[URIRef]:
        with self._gate.reading():
            names = list(self.oxigraph.named_graphs())
        return sorted(URIRef(name.value) for name in names if isinstance(name, ox.NamedNode))

    def count(self) -> int:
        with self._gate.reading():
            return len(self.oxigraph)

    def contains_quads(self, quads: list[Quad]) -> set[Quad]:
        store = self.oxigraph
        with self._gate.reading():
            return {quad for quad in quads if quad_to_oxigraph(quad) in store}

    def is_empty(self) -> bool:
        with self._gate.reading():
            for _ in self.oxigraph.quads_for_pattern(None, None, None, None):
                return False
        return True

    # -- reading: the public endpoint --------------------------------------------------------------

    def _evaluate(
        self, request: QueryRequest, background: bool, seen: int | None
    ) -> tuple[QueryResponse, int | None]:
        if self._workers:
            pool = self.background_pool() if background else self.pool()
            outcome, generation = pool.run(request)
            return self._response(outcome, request), generation
        with self._gate.reading():
            # Read inside the gate: the state read is this generation's or a newer one's.
            generation = self._generation
            outcome = evaluate(self.oxigraph, request.query, **request_options(request))
        return self._response(outcome, request), generation

    # -- writing -------------------------------------------------------------------------------------

    def apply(self, changes: Changeset) -> int:
        remove, add = self._oxigraph_changes(changes)
        with self._write_lock:
            if not remove and not add:
                return self._generation
            if self._journal is None:
                raise StoreError(
                    "Ce magasin est ouvert en lecture seule.", "This store is open read-only."
                )
            if self._unapplied is not None:
                raise _journaled_but_unapplied(self._unapplied)
            target = self._generation + 1
            # Durable once the journal is synced; Oxigraph is flushed later (``_checkpoint``).
            self._journal.write(target, remove, add)
            try:
                self._apply_oxigraph(remove, add)
            except Exception:
                # The journal holds the whole write and the next start replays it; Oxigraph
                # may hold part of it now. Another write would take the same generation and
                # overwrite that journal: none is taken until the store is opened again.
                self._unapplied = target
                log.error(
                    "write %d journaled but not applied: writes refused until restart", target
                )
                raise
            self._remember(target, changes)
            self._publish(target, journaled=True)
            self._start_checkpointer()
            return target

    def load(
        self,
        source: RdfSource,
        fmt: Format,
        graph: GraphName,
        base_iri: str | None = None,
        check: Callable[[], Any] | None = None,
        scanned: tuple[int, set[GraphName], bool] | None = None,
        landed: Any = None,
    ) -> int:
        """Add RDF to a graph (or, from TriG or N-Quads with ``graph`` None, to its graphs).

        The source is read once whole before anything is written, so a syntax error
        changes nothing. Then, when every graph it goes to is empty and it holds at least
        ``BULK_AFTER`` quads, the fast path: Oxigraph's bulk loader (no transaction, about
        4× faster), made all-or-nothing by a marker naming those graphs, written before
        the first quad and removed after the last; a store opened with the marker left
        by a crash empties those graphs again (``bulk.py``). Otherwise one
        Oxigraph transaction. In-process readers wait during a bulk load (they would see
        the graph fill); loads happen at start-up or with the service stopped.

        ``check()``, when given, runs once the quads are in, before the load is made final:
        it reads the store with the load in it (``mediation load`` validates there), and
        whatever it raises undoes the load. It needs the bulk path: graphs that are empty
        (a StoreError otherwise), whatever the size. ``scanned``: what ``scan`` found in the
        same source, which spares the first read. ``landed`` (a ``LandedQuads``, with
        ``check``): where each quad the bulk loader writes is kept too, for ``check`` to read
        the new resources from their own text (``landed.py``).
        """
        rdf_format = self._load_format(fmt)
        target = None if graph is None and fmt in DATASET_FORMATS else graph_to_oxigraph(graph)
        if not isinstance(source, (Path, bytes)):
            source = source.read()

        reading: dict[str, Any] = {"format": rdf_format, "base_iri": base_iri}
        reading["path" if isinstance(source, Path) else "input"] = (
            str(source) if isinstance(source, Path) else source
        )

        def parsed() -> Iterator[ox.Quad]:
            quads = ox.parse(rename_blank_nodes=True, **reading)
            if target is None:
                return quads
            return (ox.Quad(q.subject, q.predicate, q.object, target) for q in quads)

        if scanned is None:
            count, graphs, blank = self._scan(parsed, fmt, source, target)
        else:
            count, named_graphs, blank = scanned
            graphs = {graph_to_oxigraph(g) for g in named_graphs}
        store = self.oxigraph
        with self._write_lock:
            named = all(isinstance(g, (ox.NamedNode, ox.DefaultGraph)) for g in graphs)
            fresh = named and not any(self._holds(g) for g in graphs)
            if check is not None and not fresh:
                raise StoreError(
                    "Un chargement vérifié va dans des graphes vides.",
                    "A checked load goes into empty graphs.",
                )
            if fresh and (count >= BULK_AFTER or check is not None):
                into = {} if target is None else {"to_graph": target}
                # With blank nodes, their labels renamed so that no node merges with one of the
                # store; without, or into an empty store (a restore), which has none to merge
                # with, Oxigraph reads the source itself, 2x faster again. Kept for a check
                # (``landed``), the quads go through this process, renamed, on their way.
                streamed = (blank and not self.is_empty()) or landed is not None
                write = (
                    (
                        lambda: store.bulk_extend(
                            parsed() if landed is None else landed.tee(parsed())
                        )
                    )
                    if streamed
                    else (lambda: store.bulk_load(**reading, **into))
                )
                bulk_load(store, self.directory, self._gated(write), graphs, check)
            else:
                # One Oxigraph transaction: a crash leaves all of the load or none of it.
                store.extend(list(parsed()))
            if count >= OPTIMIZE_AFTER:
                store.optimize()
            self._publish(self._generation + 1, journaled=False)
            self._checkpoint()  # no journal holds a load: it is durable once flushed
        return count

    def append(
        self, quads: Iterable[Quad], graph: URIRef, subject: URIRef, head: list[Quad]
    ) -> int:
        """See ``Store.append``: streamed to the bulk loader, into a graph that holds data,
        all-or-nothing by a marker naming ``subject`` (``bulk.bulk_append``). A transaction
        of half a million quads took 18 s and 1.4 GB; the bulk loader, 4.7 s."""
        extra = [quad_to_oxigraph(quad) for quad in head]
        count = len(extra)

        def streamed() -> Iterator[ox.Quad]:
            nonlocal count
            yield from extra
            for quad in quads:
                count += 1
                yield quad_to_oxigraph(quad)

        store = self.oxigraph
        with self._write_lock:
            write = self._gated(lambda: store.bulk_extend(streamed()))
            bulk_append(
                store, self.directory, write, to_oxigraph(graph), to_oxigraph(subject), extra
            )
            self._publish(self._generation + 1, journaled=False)
            self._checkpoint()
        return count

    def scan(
        self, source: Path | bytes, fmt: Format, graph: GraphName, base_iri: str | None = None
    ) -> tuple[int, set[GraphName], bool]:
        """Read ``source`` once as ``load`` does before it writes (a syntax error is an
        RdfSyntaxError): its quads, the graphs they go to, whether it has blank nodes. Handed
        back to ``load`` (``scanned=``), it spares that first read."""
        target = None if graph is None and fmt in DATASET_FORMATS else graph_to_oxigraph(graph)
        reading: dict[str, Any] = {"format": self._load_format(fmt), "base_iri": base_iri}
        reading["path" if isinstance(source, Path) else "input"] = (
            str(source) if isinstance(source, Path) else source
        )
        count, graphs, blank = self._scan(lambda: ox.parse(**reading), fmt, source, target)
        names = {None if isinstance(g, ox.DefaultGraph) else to_rdflib(g) for g in graphs}
        return count, names, blank

    def _scan(
        self, parsed: Callable[[], Iterator[ox.Quad]], fmt: Format, source: Any, target: Any
    ) -> tuple[int, set[Any], bool]:
        name = source if isinstance(source, Path) else "input"
        try:
            count, graphs, blank = 0, {target} if target is not None else set(), False
            for quad in parsed():
                count += 1
                _check_characters(quad)
                if target is None:
                    graphs.add(quad.graph_name)
                if not blank and (
                    type(quad.subject) is not ox.NamedNode
                    or type(quad.object) in (ox.BlankNode, ox.Triple)
                ):
                    blank = True
        except SyntaxError as error:
            raise RdfSyntaxError(
                f"Erreur de syntaxe {fmt.label} dans {name} : {error}",
                f"{fmt.label} syntax error in {name}: {error}",
                source=str(name),
            ) from None
        except OSError as error:
            raise StoreError(f"Lecture impossible : {error}", f"Cannot read: {error}") from None
        return count, graphs, blank

    def _gated(self, write: Callable[[], Any]) -> Callable[[], Any]:
        def gated() -> Any:
            with self._gate.writing():
                return write()

        return gated

    def _holds(self, graph: Any) -> bool:
        return next(self.oxigraph.quads_for_pattern(None, None, None, graph), None) is not None

    def dump(self, out: IO[bytes], fmt: Format, graph: GraphName | type[...] = ...) -> None:
        rdf_format = self._dump_format(fmt, graph)
        with self._gate.reading():
            if graph is ...:
                self.oxigraph.dump(out, rdf_format)
            else:
                self.oxigraph.dump(out, rdf_format, from_graph=graph_to_oxigraph(graph))

    @property
    def generation(self) -> int:
        return self._generation

    def close(self) -> None:
        with self._pool_lock:
            for pool in (self._pool, self._background):
                if pool is not None:
                    pool.close()
            self._pool = self._background = None
        if self._checkpointer is not None:
            with self._published:
                self._closing = True
                self._published.notify_all()
            self._checkpointer.join()
        if self._store is not None:
            with self._write_lock:
                if not self.read_only:
                    self._checkpoint()
                self._store = None


def _journaled_but_unapplied(generation: int) -> StoreError:
    """The refusal of writes after one was journaled but not applied (see ``apply``)."""
    error = StoreError(
        f"Le magasin refuse les écritures jusqu'à son redémarrage : l'écriture {generation} est "
        "dans le journal mais n'a pas pu être appliquée (disque plein ?) ; elle le sera en "
        "entier au redémarrage. L'exploitant libère de la place puis redémarre le service.",
        f"The store refuses writes until it is restarted: write {generation} is in the journal "
        "but could not be applied (a full disk?); it is applied whole at the restart. The "
        "operator frees space, then restarts the service.",
    )
    error.status = 503
    error.code = "restart-needed"
    return error
