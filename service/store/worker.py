"""A query worker process: evaluates researchers' queries on a store snapshot.

Started by :class:`~service.store.pool.QueryPool` in a ``spawn`` context. It
receives ``(snapshot_dir, query, options)`` on its pipe, answers an
:class:`~service.store.evaluate.QueryOutcome`, and keeps the snapshot open until it
is told to read a newer one. A snapshot is a static copy (nothing writes it),
so it is opened read-only: several workers share one, and on this machine a
read-only snapshot answered as fast as a read-write one (``bench/store.py snapshot``).

The pool kills the process when a query passes its time-out: Oxigraph cannot
cancel a running query, and ending the process is what really stops the work.
"""

from __future__ import annotations

import os
import signal
from multiprocessing.connection import Connection

import pyoxigraph as ox

from .evaluate import QueryOutcome, evaluate


def serve_queries(conn: Connection, nice: int = 0) -> None:
    """The worker's loop; returns when the pipe closes. ``nice``: added to the process's
    niceness, so that its work yields the processors to everything else."""
    # The service handles SIGINT/SIGTERM in the parent; the pool ends workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if nice:
        os.nice(nice)
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
                conn.send(("done", None, QueryOutcome(error="evaluation", message=str(error))))
                continue
        outcome = evaluate(opened[1], query, **options)
        conn.send(("done", opened[0], outcome))
