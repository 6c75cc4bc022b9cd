"""Whole-store work in a child process the server watches: the open-data build
(``service/opendata/builder.py``) and the search index's build (``service/search/builder.py``).

Each runs in its own process so that its CPU and memory are not the server's and it can
be stopped at once. A :class:`Worker` owns the thread that decides when to build and the
one child process it may have at a time; the child calls :func:`child_started` first, so
that it ignores Ctrl-C (the server stops it itself), ends when its server is gone (a
killed server would leave it behind otherwise) and logs like the server.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def _watch_parent(parent: int) -> None:
    while True:
        if os.getppid() != parent:
            os._exit(3)
        time.sleep(1)


def child_started(parent: int) -> None:
    """What a child process does first (``parent``: the server's process id)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")


class Worker:
    """A background thread and its child process, with a status file naming the process
    under way (generation, process id, start) for operators and tests."""

    def __init__(self, name: str, status_file: Path):
        self.name = name
        self.status_file = status_file
        self.stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._process: Any = None
        self._context = multiprocessing.get_context("spawn")

    def start(self, loop: Callable[[], None]) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=loop, name=self.name, daemon=True)
            self._thread.start()

    def close(self) -> None:
        """Stop the loop and kill the child under way."""
        self.stopping.set()
        process = self._process
        if process is not None and process.is_alive():
            process.kill()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)

    def run_child(
        self, target: Callable[..., None], args: tuple, generation: int | None, poll: float
    ) -> int | None:
        """Run ``target(*args)`` in a child process and wait for it; its exit code, or None
        when the worker was stopped meanwhile (the child is killed)."""
        process = self._context.Process(target=target, name=self.name, daemon=True, args=args)
        process.start()
        self._process = process
        try:
            self.status_file.write_text(
                json.dumps(
                    {
                        "generation": generation,
                        "pid": process.pid,
                        "started": datetime.now(UTC).isoformat(),
                    }
                ),
                encoding="utf-8",
            )
            log.info("%s: process %s started (generation %s)", self.name, process.pid, generation)
            while process.is_alive():
                process.join(timeout=poll)
                if self.stopping.is_set():
                    process.kill()
                    process.join(timeout=10)
                    return None
            return process.exitcode
        finally:
            self._process = None
            self.status_file.unlink(missing_ok=True)


__all__ = ["Worker", "child_started"]
