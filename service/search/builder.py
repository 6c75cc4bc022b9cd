"""The search index kept in the background: the server answers at once, whatever the size of
the store, and the index catches up without losing a write.

Building the index reads every resource of the store (``bench/README.md`` gives the time
at one and ten million triples), so the server never does it before answering, nor in a
request. At start, :class:`IndexBuilder` looks at the index file (``service.search``):

* **current** (built from the store's generation, of this layout, base and language order):
  nothing to do;
* **stale** (a finished index of an earlier generation: the store changed while the service
  was stopped, or after a crash between a write and its update): it catches up from the
  history records of the writes it missed (``missed``, handed over by ``create_app``: the
  IRIs they touched), under the store's write lock, and is ready at once; when the history
  cannot tell them all, it is served as it is — lists, search and the home page answer at
  once, from the index as it was — while a fresh one is built, then put in its place;
* **missing** (no file, or one of another layout, base or language order, which cannot be
  read): lists, search and the home page answer ``503`` with ``Retry-After`` and a French
  and English message until the first build is done;
* **damaged or foreign** (not a SQLite file, a truncated one, pages of garbage that
  ``PRAGMA quick_check`` finds, or that a read meets; a database of another program): the
  file is set aside, renamed ``index.sqlite.damaged-{time}`` and kept for the operator, the
  error is logged, and the index is then missing, as above. The server never refuses to
  start for it, nor waits on the file's size: opening reads the header and the schema, and
  the check of every page (``Index.check_pages``: 52 s for the 3 GB index of ten million
  triples read from disk) is this builder's first task, in the background, before
  any catch-up or build, so that a damaged file is set aside rather than replaced.

Resource pages, the SPARQL endpoint and writes work meanwhile (resource pages read incoming
links from the store until the index is trusted again, ``service.pages.describe``). An index
that stops being trusted while the service runs (an update failed) is built again the same
way.

**How a build runs.** The builder starts recording the IRIs of every write
(:meth:`Index.record <service.search.Index.record>`), takes a snapshot of the store
(``Store.snapshot``: hard links, milliseconds, on the embedded store; a remote server is
read live) and starts one process that builds the index into a new file beside the index
from that snapshot, opened read-only: the build's CPU and memory are that process's (and
its row makers', ``index_build_makers``: :mod:`.parallel`), not the request threads'. When it is done, the writes recorded since the snapshot are replayed
into the new file (:meth:`Index.update`, which reads the store as it is now), the last ones
under the store's write lock, and the file is moved over the index's while no request reads
it (:meth:`Index.adopt`). A write during a build is therefore in the new index, and, when
an index was being served, in that one at once too. A failed build is logged and tried again
later; a crash leaves the old file untouched (the scratch files are removed at start).
``.index-building.json`` beside the index names the build under way (generation, process,
start) for operators.

``mediation reindex`` builds the index in place, before a start, for operators.

No Flask here: the web layer reads :attr:`IndexBuilder.state` and the index raises
:class:`~service.errors.NotReady` itself.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..background import Worker, child_started
from ..config import Config
from ..store import Store, open_snapshot, open_store
from .index import Index

log = logging.getLogger(__name__)

INDEX_SNAPSHOT = ".index-snapshot-"
INDEX_SCRATCH = ".index-build-"
#: Names the build under way (generation, process, start), for operators.
INDEX_BUILDING = ".index-building.json"
#: How often the builder checks that the index is still trusted.
INDEX_POLL_SECONDS = 1.0
#: Wait before trying a failed build again.
RETRY_SECONDS = 60.0
#: What a client is told to wait when nothing better is known (seconds).
INDEX_EXPECTED_SECONDS = 30
#: Least ``Retry-After`` given while a build runs.
LEAST_RETRY = 5


def index_process(values: dict[str, Any], snapshot: str | None, target: str, parent: int) -> None:
    """The build process's work: a whole index of the snapshot (or the remote store) in
    ``target``, closed and without its write-ahead log."""
    child_started(parent)
    config = Config(values)
    store = open_snapshot(Path(snapshot)) if snapshot else open_store(config)
    try:
        index = Index(
            target,
            config.base_url,
            config.languages,
            timeout=min(float(config.query_timeout), 30.0),
        )
        index.build(store, makers=config.index_build_makers)
        index.release()
    finally:
        store.close()


class IndexBuilder:
    """Keeps one application's index servable and in step with its store; see the module
    docstring. One per application, started with it."""

    def __init__(
        self,
        index: Index,
        store: Store,
        config: Config,
        missed: Callable[[int, int], set[str] | None] | None = None,
    ):
        self.index = index
        self.store = store
        self.config = config
        #: The IRIs the writes after one generation up to another touched, None when they
        #: cannot be told (``service.writes.missed_iris``, handed over by ``create_app``).
        self.missed = missed
        self.directory = index.path.parent
        self._worker = Worker("search-index-build", self.directory / INDEX_BUILDING)
        self._building_since: float | None = None
        self._clean()
        if index.servable and not index.is_current(store):
            index.distrust()
        index.retry_after = self.retry_after

    # -- what requests read -----------------------------------------------------------------------

    @property
    def state(self) -> str:
        """``ready`` (trusted), ``stale`` (served as it is while a fresh one is built) or
        ``building`` (nothing to serve until the build is done)."""
        if self.index.trusted:
            return "ready"
        return "stale" if self.index.servable else "building"

    def retry_after(self) -> int:
        """Seconds a client should wait for the index: what the last build took, less what
        this one has taken so far."""
        expected = self.index.build_seconds or INDEX_EXPECTED_SECONDS
        since = self._building_since
        elapsed = time.monotonic() - since if since is not None else 0.0
        return int(max(LEAST_RETRY, expected - elapsed))

    # -- start and stop ---------------------------------------------------------------------------

    def start(self) -> None:
        self._worker.start(self._run)

    def close(self) -> None:
        self._worker.close()

    # -- the loop ---------------------------------------------------------------------------------

    def _run(self) -> None:
        retry_at = 0.0
        first = True
        while not self._worker.stopping.wait(0 if first else INDEX_POLL_SECONDS):
            if first:
                # Before any catch-up or build: a damaged file is set aside, not replaced.
                self.index.check_pages()
            first = False
            if self.index.damage is not None:
                self.index.heal()  # found damaged while serving: set aside, built again
                retry_at = 0.0
            if self.index.trusted or time.monotonic() < retry_at:
                continue
            if self._catch_up():
                continue
            if not self._build_once() and not self._worker.stopping.is_set():
                retry_at = time.monotonic() + RETRY_SECONDS

    def _catch_up(self) -> bool:
        """Bring a served index that missed a few writes in step from their history records,
        under the store's write lock (milliseconds a write); True when it is trusted again."""
        if self.missed is None or not self.index.servable:
            return False
        started = time.monotonic()
        try:
            with self.store.write_lock():
                known, current = self.index.generation, self.store.generation
                iris = self.missed(known, current) if known is not None else None
                if iris is None:
                    return False
                rows = self.index.catch_up(self.store, iris)
        except Exception:  # noqa: BLE001 — a fresh index is built instead
            log.exception("search index: catching up failed; it is built again")
            return False
        log.info(
            "search index: caught up from generation %d to %d (%d rows) in %.2f s",
            known,
            current,
            rows,
            time.monotonic() - started,
        )
        return True

    def _build_once(self) -> bool:
        """One fresh index, caught up and put in place; True when it is served."""
        token = f"{os.getpid()}-{time.monotonic_ns()}"
        snapshot = self.directory / f"{INDEX_SNAPSHOT}{token}"
        target = self.directory / f"{INDEX_SCRATCH}{token}.sqlite"
        started = time.monotonic()
        self._building_since = started
        # Recording starts before the snapshot: no write falls between the two.
        self.index.record()
        try:
            generation = self.store.snapshot(snapshot)
            if generation is None:
                shutil.rmtree(snapshot, ignore_errors=True)
            log.info("search index: build starting (the index was %s)", self.state)
            exitcode = self._worker.run_child(
                index_process,
                (
                    dict(self.config.values),
                    str(snapshot) if generation is not None else None,
                    str(target),
                    os.getpid(),
                ),
                generation if generation is not None else self.store.generation,
                0.5,
            )
            if exitcode is None:
                return False
            if exitcode != 0:
                log.error(
                    "search index: build failed (exit code %s); tried again in %.0f s",
                    exitcode,
                    RETRY_SECONDS,
                )
                return False
            fresh = Index(target, self.index.base, self.index.languages, self.index.timeout)
            if not fresh.servable:
                log.error("search index: the built file cannot be read; tried again later")
                return False
            # Catch up with the writes made since the snapshot, outside the store's write
            # lock; the last few under it, in ``adopt``.
            while batch := self.index.recorded():
                fresh.update(self.store, batch)
            self.index.adopt(fresh, self.store)
            log.info(
                "search index: built and in place %.1f s after the build started",
                time.monotonic() - started,
            )
            return True
        except Exception:  # noqa: BLE001 — the builder must outlive a bad build
            log.exception("search index: build failed; tried again in %.0f s", RETRY_SECONDS)
            return False
        finally:
            self.index.stop_recording()
            self._building_since = None
            shutil.rmtree(snapshot, ignore_errors=True)
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)

    def _clean(self) -> None:
        """Remove what a crash or a kill left: scratch files and their snapshots."""
        if not self.directory.is_dir():
            return
        for entry in self.directory.iterdir():
            if entry.name.startswith(INDEX_SNAPSHOT):
                shutil.rmtree(entry, ignore_errors=True)
            elif entry.name.startswith(INDEX_SCRATCH):
                entry.unlink(missing_ok=True)
        (self.directory / INDEX_BUILDING).unlink(missing_ok=True)


__all__ = ["IndexBuilder", "index_process"]
