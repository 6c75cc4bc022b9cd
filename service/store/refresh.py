"""The example queries computed again after every write, in the background.

A write makes every kept answer unreachable (``cache.py``), so the first reader of an
example after it would wait for the engine: seconds for some at a million quads. The
refresher waits for a new generation, then asks the store for each request of its list
(the gallery's examples, as the editor sends them), one at a time, as work nobody waits
for (``Store.run_query(background=True)``: the embedded store's worker of the lowest CPU
priority, outside the researchers' pool), so that their answers are kept for that
generation. A round that a newer write overtakes starts again on the newer generation; an
answer already kept (a researcher asked first) is not computed again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from ..errors import MediationError, StoreClosed
from .interface import QueryRequest, Store

log = logging.getLogger(__name__)

#: Seconds between two looks at the generation when no write of this process woke the
#: refresher (a remote server another process writes to).
GENERATION_POLL_SECONDS = 5.0


class Refresher:
    """A thread that keeps the answers to ``requests()`` computed for the current generation."""

    def __init__(self, store: Store, requests: Callable[[], list[QueryRequest]]):
        self._store = store
        self._requests = requests
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        #: The last generation whose every request was answered (or failed), -1 before any.
        self.refreshed = -1
        #: Answers computed by the refresher since start.
        self.computed = 0

    def start(self) -> None:
        if self._store.query_cache is None or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="refresh-examples", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def state(self) -> dict[str, int]:
        """What ``/healthz`` reports."""
        return {"refreshed_generation": self.refreshed, "computed": self.computed}

    def _run(self) -> None:
        cache = self._store.query_cache
        while not self._stop.is_set():
            try:
                generation = self._store.generation
                if generation == self.refreshed:
                    cache.wait_for_change(generation, GENERATION_POLL_SECONDS)
                elif self._round(generation):
                    self.refreshed = generation
            except StoreClosed:  # the service is stopping: nothing more to compute
                log.info("examples no longer computed: the store is closed")
                return
            except MediationError as error:  # a server is away
                log.info("examples not computed again: %s", error)
                self._stop.wait(GENERATION_POLL_SECONDS)

    def _round(self, generation: int) -> bool:
        """Answer every request at ``generation``; False when a write overtook the round."""
        for request in self._requests():
            if self._stop.is_set() or self._store.generation != generation:
                return False
            if self._store.is_cached(request):
                continue
            try:
                self._store.run_query(request, background=True)
                self.computed += 1
            except StoreClosed:
                raise
            except MediationError as error:  # a time-out, an example the engine refuses
                log.warning("example not computed again (%s): %s", error, request.query[:80])
        return True
