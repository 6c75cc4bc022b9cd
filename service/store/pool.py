"""The pool of query worker processes of the embedded store.

Oxigraph's Python API cannot cancel a running query, so a researcher's query
runs in a worker process that the pool kills (SIGKILL) when the query passes
its time-out; a fresh worker takes its place and the other workers never
notice. Workers read a snapshot of the store (``Store.backup``: hard links,
about 2 ms at 1M triples here), made lazily when the store's generation has
moved since the last one, shared by all workers, and removed once no query and
no worker uses it any more. Each worker may hold ``memory`` bytes of data
(``query_memory_bytes``, ``worker.py``): a query past it ends its worker, which is
replaced as after a time-out, and is answered :class:`QueryMemoryExceeded`; a worker
still mapping over half of it once it has answered is replaced too (:data:`RETIRE_AT`),
so that every query starts with at least half of the limit unmapped.
"""

from __future__ import annotations

import itertools
import logging
import os
import shutil
import signal
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from ..errors import (
    MediationError,
    Overloaded,
    QueryMemoryExceeded,
    QueryTimeout,
    StoreClosed,
    StoreError,
)
from .evaluate import QueryOutcome, request_options
from .interface import QueryRequest
from .worker import OUT_OF_MEMORY, serve_queries

log = logging.getLogger(__name__)

#: How long a new worker may take to start (import pyoxigraph) before it counts as broken.
STARTUP_SECONDS = 60.0
#: A worker that maps more than this share of its memory limit once it has answered is
#: replaced: what a query freed stays mapped in the worker, cut up, and counts against the
#: next query's limit. At ten million triples, after three heavy examples, the example
#: ``evenements-dans-un-departement`` was refused (507) on a worker they had run on, and
#: answered on a fresh one, which maps about 320 MB with it (an idle one 90-120 MB).
RETIRE_AT = 0.5


@dataclass(eq=False)
class _Worker:
    process: Any
    conn: Connection
    ready: bool = False
    pid: int | None = None
    holding: str | None = None  # the snapshot it keeps open
    busy: bool = field(default=False)
    ended: bool = False


class QueryPool:
    def __init__(self, owner: Any, directory: Path, size: int, nice: int = 0, memory: int = 0):
        import multiprocessing

        self._owner = owner
        self._directory = directory
        shutil.rmtree(directory, ignore_errors=True)  # snapshots of a previous run
        directory.mkdir(parents=True)
        # Forked from a fork server, a clean process (no thread, no open store: what makes
        # forking the web process unsafe) that has imported the worker's module once: a worker
        # replacing one stopped at its time-out or memory limit is ready in about 0.2 s, where a
        # spawned one imports the service again, 0.3 to 1.4 s on this machine under load.
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload([serve_queries.__module__])
        self._condition = threading.Condition()
        self._idle: list[_Worker] = []
        self._queue: deque[object] = deque()  # the queries waiting for a worker, in order
        self._workers: set[_Worker] = set()
        self._snapshot_lock = threading.Lock()
        self._snapshot: tuple[int, str] | None = None
        self._in_use: dict[str, int] = {}
        self._names = itertools.count()
        self._closed = False
        self._nice = nice  # added to each worker's niceness: a pool for work nobody waits for
        self._memory = memory  # bytes of data each worker may hold, 0: no limit
        for _ in range(size):
            self._idle.append(self._spawn())

    # -- workers -----------------------------------------------------------------------------------

    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=serve_queries,
            args=(child, self._nice, self._memory),
            daemon=True,
            name="sparql-worker",
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        with self._condition:
            self._workers.add(worker)
        return worker

    def _end(self, worker: _Worker, kill: bool) -> None:
        # Once only: the pool closing and the thread that ran a query on the worker may both
        # end it, and a descriptor closed twice may close another file that took its number.
        with self._condition:
            if worker.ended:
                return
            worker.ended = True
        if kill and worker.process.pid is not None:
            try:
                os.kill(worker.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        worker.process.join(timeout=10)
        worker.conn.close()
        with self._condition:
            self._workers.discard(worker)

    def _replace(self, worker: _Worker, kill: bool) -> _Worker:
        self._end(worker, kill)
        if self._closed:
            return worker
        return self._spawn()

    def pids(self) -> list[int]:
        """Process ids of the live workers (for tests and diagnostics)."""
        with self._condition:
            return [w.process.pid for w in self._workers if w.process.pid is not None]

    def held(self) -> list[str | None]:
        """The snapshot each idle worker keeps open, None for one that has opened none yet
        (for tests and diagnostics)."""
        with self._condition:
            return [w.holding for w in self._idle]

    def _wait_ready(self, worker: _Worker) -> None:
        if worker.ready:
            return
        if not worker.conn.poll(STARTUP_SECONDS):
            raise StoreError(
                "Un processus de requête n'a pas démarré.", "A query process did not start."
            )
        _, worker.pid = worker.conn.recv()
        worker.ready = True

    # -- snapshots ---------------------------------------------------------------------------------

    def _acquire_snapshot(self) -> tuple[str, int]:
        with self._snapshot_lock:
            store, generation, gate = self._owner.snapshot_state()
            if self._snapshot is None or self._snapshot[0] != generation:
                path = self._directory / f"g{generation}-{next(self._names)}"
                # Not while a changeset is half applied.
                with gate.reading():
                    generation = self._owner.generation
                    store.backup(str(path))
                self._snapshot = (generation, str(path))
            generation, path = self._snapshot
            self._in_use[path] = self._in_use.get(path, 0) + 1
            return path, generation

    def _release_snapshot(self, path: str) -> None:
        with self._snapshot_lock:
            self._in_use[path] -= 1
            current = self._snapshot[1] if self._snapshot else None
            with self._condition:
                held = {w.holding for w in self._workers}
            for name, users in list(self._in_use.items()):
                if name != current and users == 0 and name not in held:
                    del self._in_use[name]
                    shutil.rmtree(name, ignore_errors=True)

    # -- queries -----------------------------------------------------------------------------------

    def run(self, request: QueryRequest) -> tuple[QueryOutcome, int]:
        """The outcome of ``request`` and the generation of the snapshot it read."""
        worker = self._take(request.timeout)
        outcome, error, generation = self._run_on(worker, request)
        if error is not None:
            raise error
        return outcome, generation

    def warm(self, request: QueryRequest) -> int:
        """Run ``request`` once on every worker: each has then started (imported pyoxigraph)
        and opened the current snapshot, which the first queries after start would otherwise
        wait for (hundreds of milliseconds, seconds on a busy machine). The workers are warmed
        side by side and each goes back to the pool when done, so a query arriving meanwhile
        waits no longer than without warming. Returns how many workers answered."""
        with self._condition:
            count = len(self._workers)
        workers = [self._take(STARTUP_SECONDS) for _ in range(count)]
        errors: list[Exception | None] = [None] * count

        def warm_one(number: int) -> None:
            try:
                errors[number] = self._run_on(workers[number], request)[1]
            except MediationError as error:  # the store closed meanwhile
                errors[number] = error

        threads = [threading.Thread(target=warm_one, args=(n,)) for n in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return sum(error is None for error in errors)

    def _run_on(
        self, worker: _Worker, request: QueryRequest
    ) -> tuple[QueryOutcome | None, Exception | None, int]:
        """Run ``request`` on ``worker``, taken from the idle ones, and give it back; return
        the outcome or the error, and the generation of the snapshot read."""
        snapshot, generation = None, -1
        try:
            snapshot, generation = self._acquire_snapshot()
            worker, outcome, error = self._dispatch(worker, snapshot, request)
        except OSError as failure:
            outcome, error = (
                None,
                StoreError(
                    f"Instantané du magasin impossible : {failure}",
                    f"Cannot snapshot the store: {failure}",
                ),
            )
        finally:
            with self._condition:
                if self._closed:
                    self._end(worker, kill=True)
                else:
                    self._idle.append(worker)
                    self._condition.notify_all()  # the first of the queue, whichever wakes
            if snapshot is not None:
                self._release_snapshot(snapshot)
        return outcome, error, generation

    def _take(self, timeout: float) -> _Worker:
        """An idle worker, queries served in the order they came: a query that has waited is
        not passed by one that arrives as a worker comes free (a client sending bombs again
        the moment each is answered would otherwise take every freed worker)."""
        deadline = time.monotonic() + timeout
        turn = object()
        with self._condition:
            self._queue.append(turn)
            try:
                while not self._idle or self._queue[0] is not turn:
                    remaining = deadline - time.monotonic()
                    if self._closed:
                        raise StoreClosed()
                    if remaining <= 0:
                        raise Overloaded(
                            f"Trop de requêtes en cours : aucune place ne s'est libérée en "
                            f"{timeout:g} s. Réessayez plus tard.",
                            f"Too many queries running: no slot freed within {timeout:g} s. "
                            "Try again later.",
                        )
                    self._condition.wait(remaining)
                return self._pick()
            finally:
                self._queue.remove(turn)
                self._condition.notify_all()  # the next in the queue may take a worker

    def _pick(self) -> _Worker:
        """An idle worker, a started one first (the last used, whose snapshot is likely the
        current one): a worker just forked in place of one stopped at its time-out or its
        memory limit takes a moment to start (0.2 s, more under load), which a query waits
        for only when no other worker is idle. Called with the condition held."""
        for position in range(len(self._idle) - 1, -1, -1):
            worker = self._idle[position]
            if worker.ready or worker.conn.poll(0):
                return self._idle.pop(position)
        return self._idle.pop()

    def _dispatch(
        self, worker: _Worker, snapshot: str, request: QueryRequest
    ) -> tuple[_Worker, QueryOutcome | None, Exception | None]:
        """Run the query on ``worker``; return the worker to keep (a replacement if it
        was killed or died), the outcome, or the error to raise."""
        try:
            self._wait_ready(worker)
            worker.conn.send((snapshot, request.query, request_options(request)))
        except (EOFError, OSError, StoreError):
            return self._died(worker)
        if not worker.conn.poll(request.timeout):
            log.warning("query stopped after %ss: worker %s killed", request.timeout, worker.pid)
            return (
                self._replace(worker, kill=True),
                None,
                QueryTimeout(
                    f"La requête a dépassé le délai de {request.timeout:g} s : elle a été arrêtée.",
                    f"The query exceeded the {request.timeout:g} s time-out and was stopped.",
                    timeout=request.timeout,
                ),
            )
        try:
            _, holding, outcome, mapped = worker.conn.recv()
        except (EOFError, OSError):
            return self._died(worker)
        worker.holding = holding
        if self._memory and mapped > self._memory * RETIRE_AT:
            log.info(
                "query worker %s replaced: it maps %d MB after its query", worker.pid, mapped >> 20
            )
            return self._replace(worker, kill=True), outcome, None
        return worker, outcome, None

    def _died(self, worker: _Worker) -> tuple[_Worker, None, Exception]:
        worker.process.join(timeout=5)  # its exit code says why it ended
        code = worker.process.exitcode
        if self._memory and code in (-signal.SIGABRT, OUT_OF_MEMORY):
            log.warning("query stopped at its memory limit: worker %s ended (%s)", worker.pid, code)
            return self._replace(worker, kill=True), None, memory_exceeded(self._memory)
        if not self._closed:  # else the pool ended it (a stop while the workers were warming)
            log.error("query worker %s died (exit code %s)", worker.pid, code)
        return (
            self._replace(worker, kill=True),
            None,
            StoreError(
                "Le processus de requête s'est arrêté de façon inattendue.",
                "The query process stopped unexpectedly.",
            ),
        )

    def close(self) -> None:
        with self._condition:
            self._closed = True
            idle, self._idle = self._idle, []
            self._condition.notify_all()
        for worker in idle:
            try:
                worker.conn.send(None)
            except OSError:
                pass
        for worker in idle:
            worker.process.join(timeout=5)
            self._end(worker, kill=worker.process.is_alive())
        with self._condition:
            busy = list(self._workers)
        for worker in busy:
            self._end(worker, kill=True)
        shutil.rmtree(self._directory, ignore_errors=True)


def memory_exceeded(limit: int) -> QueryMemoryExceeded:
    """The error of a query stopped at ``limit`` bytes, naming the limit and its setting."""
    megabytes = f"{limit / 1_000_000:g}"
    return QueryMemoryExceeded(
        f"La requête a dépassé la mémoire permise à un processus de requête ({megabytes} Mo, "
        "réglage query_memory_bytes) : elle a été arrêtée. Restreignez-la (motifs plus "
        "précis, LIMIT sans ORDER BY sur tout le résultat).",
        f"The query exceeded the memory a query process may take ({megabytes} MB, setting "
        "query_memory_bytes) and was stopped. Narrow it down (more specific patterns, LIMIT "
        "without ORDER BY over the whole result).",
        limit=limit,
    )
