"""A full build's rows made in forked processes while the build's own process writes them.

SQLite has one writer, and a build's time is mostly elsewhere: reading the store and
making rows in Python (text analysis, facets, context) is about half of it, the incoming
links' pass over every quad a sixth (``bench/README.md``). So a build of a large embedded
store forks row makers: each opens a snapshot of the store read-only (hard links,
milliseconds; its own Oxigraph, never the parent's), makes the rows of every ``n``-th batch
of resources and sends them, ready for the tables (:func:`.records.prepare_row`), through
a pipe; the last one then reads the incoming links. The parent writes the batches in the
order one process would have (batch 0 from the first maker, batch 1 from the second…), so
the rows' ids, the terms' ids and every table are what a one-process build writes.

A maker that fails sends its error, a maker that dies closes its pipe: either way the
build raises :class:`~service.errors.StoreError` and its transaction is rolled back (the
server's builds write a new file, which is then not put in place). Makers are killed when
the build fails for any reason, and end on their own when the parent is gone (their next
write fails).
"""

from __future__ import annotations

import logging
import os
import pickle
import queue
import shutil
import signal
import struct
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..errors import StoreError
from ..labels import Languages
from ..store import open_snapshot
from .gather import Gatherer
from .records import Prepared, count_row, link_batches, prepare_row

log = logging.getLogger(__name__)

#: Fewest resources for which a build forks row makers: below, forking and snapshotting
#: cost more than they save.
PARALLEL_LEAST = 20_000
#: Where the makers' snapshot of the store goes, beside the index (a crash's leftover is
#: removed by the builder at start, as its own snapshots are: same prefix).
SNAPSHOT_PREFIX = ".index-snapshot-makers-"
#: Messages read ahead from each maker (a message: a batch of rows or of links).
READ_AHEAD = 16
#: Bytes of a pipe's buffer, and of the reads and writes on it.
PIPE_BUFFER = 1 << 20
FRAME_SIZE = struct.Struct("<Q")


def makers_for(setting: int, subjects: int) -> int:
    """How many row makers a build of ``subjects`` resources forks: ``setting``
    (``index_build_makers``) at most one per core; none on one core, for a small store
    (:data:`PARALLEL_LEAST`), or where the system cannot fork."""
    cores = os.cpu_count() or 1
    if setting <= 0 or cores < 2 or subjects < PARALLEL_LEAST or not hasattr(os, "fork"):
        return 0
    return min(setting, cores)


def failed(detail: str) -> StoreError:
    return StoreError(
        f"La construction de l'index de recherche a échoué dans un processus auxiliaire : {detail}",
        f"The search index build failed in a helper process: {detail}",
    )


def fork_makers(
    store,
    scratch: Path,
    subjects: Sequence[str],
    base: str,
    languages: Sequence[str],
    batch: int,
    count: int,
) -> Makers | None:
    """``count`` row makers for a build of ``subjects`` into the index file ``scratch``;
    None when the store has no snapshot to give them (a remote store: one process reads it)."""
    snapshot = scratch.parent / f"{SNAPSHOT_PREFIX}{scratch.name}-{time.time_ns()}"
    try:
        if store.snapshot(snapshot) is None:
            return None
    except BaseException:
        shutil.rmtree(snapshot, ignore_errors=True)
        raise
    return Makers(snapshot, subjects, base, languages, batch, count)


class Makers:
    """The row makers of one build: forked at creation, read in batch order
    (:meth:`batches`), then the links (:meth:`links`), then the tally (:meth:`tally`).
    :meth:`close` kills any left."""

    def __init__(
        self,
        snapshot: Path,
        subjects: Sequence[str],
        base: str,
        languages: Sequence[str],
        batch: int,
        count: int,
    ) -> None:
        self.count = count
        self.batch = batch
        self.total = (len(subjects) + batch - 1) // batch
        self.snapshot = snapshot
        self.pids: list[int] = []
        self.queues: list[queue.Queue] = []
        self._tally: Counter = Counter()
        self._stop = threading.Event()  # the build is over: the readers stop waiting
        try:
            for number in range(count):
                self._fork(number, subjects, base, languages)
            # Read once every maker is forked: none is forked while a thread holds a lock.
            for number, found in enumerate(self.queues):
                threading.Thread(
                    target=_receive,
                    args=(found.fd, found, self._stop),  # type: ignore[attr-defined]
                    name=f"index-maker-{number}",
                    daemon=True,
                ).start()
        except BaseException:
            self.close()
            raise

    def _fork(self, number: int, subjects: Sequence[str], base: str, languages) -> None:
        read, write = os.pipe()
        try:
            import fcntl

            fcntl.fcntl(write, getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_BUFFER)
        except (ImportError, OSError):
            pass  # a smaller pipe only makes the maker wait more
        pid = os.fork()
        if pid == 0:  # the maker: never returns
            os.close(read)
            for q in self.queues:  # the earlier makers' pipes, read by the parent only
                os.close(q.fd)  # type: ignore[attr-defined]
            _maker(self, number, subjects, base, languages, write)
        os.close(write)
        self.pids.append(pid)
        found: queue.Queue = queue.Queue(READ_AHEAD)
        found.fd = read  # type: ignore[attr-defined]
        self.queues.append(found)

    def _next(self, number: int) -> tuple[str, Any]:
        kind, value = self.queues[number].get()
        if kind == "error":
            raise failed(value)
        if kind == "tally":
            self._tally.update(value)
            return self._next(number)
        return kind, value

    def batches(self) -> Iterator[list[Prepared]]:
        """The prepared rows of each batch of subjects, in their order."""
        for index in range(self.total):
            kind, value = self._next(index % self.count)
            if kind != "rows":
                raise failed(f"{kind} reçu. {kind} received.")
            yield value

    def links(self) -> Iterator[list[tuple[str, str, str]]]:
        """The incoming links, as :func:`.records.link_batches` gives them."""
        while True:
            kind, value = self._next(self.count - 1)
            if kind == "done":
                return
            if kind != "links":
                raise failed(f"{kind} reçu. {kind} received.")
            yield value

    def tally(self) -> Counter:
        """What every row counts in, once every maker is done."""
        for number in range(self.count - 1):
            kind, _ = self._next(number)
            if kind != "done":
                raise failed(f"{kind} reçu. {kind} received.")
        self._wait()
        return self._tally

    def _wait(self) -> None:
        for pid in list(self.pids):
            _, status = os.waitpid(pid, 0)
            self.pids.remove(pid)
            code = os.waitstatus_to_exitcode(status)
            if code != 0:
                raise failed(f"code de sortie {code}. Exit code {code}.")

    def close(self) -> None:
        """Kill the makers still running and remove their snapshot."""
        self._stop.set()
        for pid in self.pids:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        self.pids.clear()
        shutil.rmtree(self.snapshot, ignore_errors=True)


def _receive(fd: int, found: queue.Queue, stop: threading.Event) -> None:
    """A maker's messages into ``found`` (a thread of the parent: the reads release the GIL);
    an error when the pipe ends before ``done``. Ends when the build is over (``stop``)."""
    with os.fdopen(fd, "rb", buffering=PIPE_BUFFER) as pipe:
        message: tuple[str, Any] = ("", None)
        while message[0] not in ("done", "error") and not stop.is_set():
            header = pipe.read(FRAME_SIZE.size)
            if len(header) < FRAME_SIZE.size:
                message = ("error", "le processus s'est arrêté. The process ended.")
            else:
                (size,) = FRAME_SIZE.unpack(header)
                message = pickle.loads(pipe.read(size))
            while not stop.is_set():
                try:
                    found.put(message, timeout=0.5)
                    break
                except queue.Full:
                    continue


def _maker(
    makers: Makers,
    number: int,
    subjects: Sequence[str],
    base: str,
    languages: Sequence[str],
    fd: int,
) -> None:
    """A forked maker's whole life: every ``count``-th batch of rows from ``number`` on,
    then (the last one) the links, then its tally; it exits without returning."""
    code = 0
    pipe = os.fdopen(fd, "wb", buffering=PIPE_BUFFER)

    def send(kind: str, value: Any) -> None:
        data = pickle.dumps((kind, value), protocol=pickle.HIGHEST_PROTOCOL)
        pipe.write(FRAME_SIZE.pack(len(data)))
        pipe.write(data)
        pipe.flush()

    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops it
        store = open_snapshot(makers.snapshot)
        gatherer = Gatherer(store, base, makers.batch)
        order, tally = Languages(tuple(languages)), Counter()
        size = makers.batch
        for index in range(number, makers.total, makers.count):
            rows = gatherer.rows(subjects[index * size : (index + 1) * size])
            prepared = []
            for row in rows.values():
                if row is not None:
                    count_row(row, tally)
                    prepared.append(prepare_row(row, order))
            send("rows", prepared)
        if number == makers.count - 1:
            for batch in link_batches(store, base):
                send("links", batch)
        send("tally", tally)
        send("done", None)
    except BaseException as error:  # noqa: BLE001 — told to the parent, whatever it is
        code = 1
        # The traceback is for the operator's log; the message, which people read in
        # /healthz and the command's output, names the error only.
        log.error("search index maker %d failed", number, exc_info=True)
        try:
            send("error", f"{type(error).__name__}: {error}")
        except BaseException:  # noqa: BLE001 — the parent is gone
            pass
    finally:
        try:
            pipe.close()
        except BaseException:  # noqa: BLE001
            code = code or 1
        os._exit(code)
