"""A query worker process: evaluates researchers' queries on a store snapshot.

Started by :class:`~service.store.pool.QueryPool` in a ``forkserver`` context. It
receives ``(snapshot_dir, query, options)`` on its pipe, answers an
:class:`~service.store.evaluate.QueryOutcome` with the data it maps afterwards
(:func:`data_bytes`), and keeps the snapshot open until it is told to read a newer
one. A snapshot is a static copy (nothing writes it), so it is opened read-only:
several workers share one, and on this machine a read-only snapshot answered as fast
as a read-write one (``bench/store.py snapshot``).

The pool kills the process when a query passes its time-out: Oxigraph cannot
cancel a running query, and ending the process is what really stops the work.
Memory is bounded by the kernel: ``RLIMIT_DATA`` (the heap and private writable
mappings, what Oxigraph's joins and sorts grow) set at start. Past it an
allocation fails: Rust aborts the process (SIGABRT), Python raises MemoryError
and the worker exits with :data:`OUT_OF_MEMORY`; the pool reads either exit, under a
limit, as the limit reached, any other as a crash. ``RLIMIT_AS`` was measured too, and refused: it counts reserved
address space (thread stacks, allocator arenas), about 430 MB before any query
against 80 MB of data, so a bound tight enough to matter stops threads from
starting (``docs/security.md``, "Query memory and fairness").
"""

from __future__ import annotations

import os
import resource
import signal
from multiprocessing.connection import Connection

import pyoxigraph as ox

from .evaluate import QueryOutcome, evaluate

#: The exit code of a worker whose Python code ran out of memory (MemoryError).
OUT_OF_MEMORY = 75


def data_bytes() -> int:
    """The data this process maps now (``VmData``: what ``RLIMIT_DATA`` bounds), 0 where
    ``/proc`` does not say. Memory a query freed stays mapped (the allocator keeps it, cut
    up), so this is what the next query starts from."""
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmData:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def serve_queries(conn: Connection, nice: int = 0, memory: int = 0) -> None:
    """The worker's loop; returns when the pipe closes. ``nice``: added to the process's
    niceness, so that its work yields the processors to everything else; ``memory``: the
    bytes of data the process may hold (0: no limit)."""
    # The service handles SIGINT/SIGTERM in the parent; the pool ends workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if nice:
        os.nice(nice)
    if memory:
        resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
    opened: tuple[str, ox.Store] | None = None
    conn.send(("ready", os.getpid()))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        snapshot, query, options = message
        if opened is None or opened[0] != snapshot:
            opened = None  # release the old snapshot before opening the new one
            try:
                opened = (snapshot, ox.Store.read_only(snapshot))
            except OSError as error:
                failed = QueryOutcome(error="evaluation", message=str(error))
                conn.send(("done", None, failed, data_bytes()))
                continue
        try:
            outcome = evaluate(opened[1], query, **options)
        except MemoryError:
            os._exit(OUT_OF_MEMORY)  # nothing more can be trusted to allocate
        conn.send(("done", opened[0], outcome, data_bytes()))
