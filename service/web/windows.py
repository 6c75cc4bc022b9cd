"""Counts in fixed windows, in this process's memory: the storage of the ``limits`` library's
fixed-window limiter for the request rate (``fairness.py``) and the sign-in limit
(``people.py``).

``limits`` asks a storage for three things here (``incr``, ``get``, ``get_expiry``: its
``Storage`` base class is the extension point); its own ``MemoryStorage`` is not used for
two reasons:

* it starts a timer thread to sweep expired counts 10 ms after any count while none is
  running: under steady requests, a thread started every 10 ms, whose start the request
  waits for (a tenth of a small query's time in the web process, py-spy's wall clock);
* two threads counting at once may both replace that timer and then start the same one:
  ``RuntimeError: threads can only be started once`` (limits 5.8.0, the latest release; eight
  threads counting together raise it within seconds), which would answer a request 500.

Here a lock guards every count, an expired count reads as none, and expired keys are swept
while counting, at most once every :data:`SWEEP_SECONDS`: no thread of its own.
"""

from __future__ import annotations

import threading
import time

from limits.storage import Storage

#: How often expired counts are removed (their memory only: an expired count reads as 0).
SWEEP_SECONDS = 60.0


class WindowCounts(Storage):
    """Counts by key, each with the end of its window."""

    STORAGE_SCHEME = None  # not reachable by a URI: made by the service itself

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, float]] = {}  # key: (count, window's end)
        self._sweep_at = time.time() + SWEEP_SECONDS

    @property
    def base_exceptions(self) -> type[Exception]:
        return ValueError

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        with self._lock:
            if now >= self._sweep_at:
                self._sweep(now)
            count, end = self._counts.get(key, (0, 0.0))
            if end <= now:  # a new window starts with this count
                count, end = 0, now + expiry
            count += amount
            self._counts[key] = (count, end)
            return count

    def get(self, key: str) -> int:
        with self._lock:
            count, end = self._counts.get(key, (0, 0.0))
        return count if end > time.time() else 0

    def get_expiry(self, key: str) -> float:
        with self._lock:
            count, end = self._counts.get(key, (0, 0.0))
        return end if end > time.time() else time.time()

    def check(self) -> bool:
        return True

    def reset(self) -> int:
        with self._lock:
            removed = len(self._counts)
            self._counts.clear()
        return removed

    def clear(self, key: str) -> None:
        with self._lock:
            self._counts.pop(key, None)

    def held(self) -> int:
        """The keys held, expired or not (until the next sweep)."""
        return len(self._counts)

    def _sweep(self, now: float) -> None:
        self._counts = {key: held for key, held in self._counts.items() if held[1] > now}
        self._sweep_at = now + SWEEP_SECONDS
