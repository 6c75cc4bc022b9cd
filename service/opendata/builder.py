"""The open-data builder: it keeps one build current, made in the background after writes
settle, one build at a time, and served as it was last finished.

A request never does whole-store work: the catalog, VoID, the dumps and the dates of the
feeds are read from the last finished build (:mod:`.build`), and their ``ETag`` and
``Last-Modified`` follow that build.

**How it runs** (:class:`Builder`, one per application, started with it):

1. A thread watches the store's generation (a number in memory on the embedded store, one
   small query on a remote one) every :data:`POLL_SECONDS`.
2. When the generation has moved past the served build's, it waits until writes settle
   (``build_settle`` seconds without a new generation) — or, under a steady stream of
   writes, no more than ``build_max_delay`` seconds after it first saw the change. With no
   build at all it starts at once.
3. It takes a snapshot of the store (``Store.snapshot``: hard links, milliseconds, on the
   embedded store; a remote server is read live) and starts one process that builds into
   ``.build-{generation}`` from that snapshot, opened read-only. The build's CPU time and
   memory are that process's, never the server's request threads'; stopping it really
   stops the work.
4. The process writes every file, syncs them, then renames the folder to
   ``g{generation}`` (one atomic rename): no reader ever sees half a build, and a crash or
   a kill leaves the previous build in place. The thread opens the new build and switches
   to it (one reference assignment), then removes every build but this one and the one
   before (a download may still be reading it).

A failed build is logged and tried again ``build_max_delay`` seconds later; the previous
build stays served. A finished build found damaged — a file missing or of another size than
its manifest says, unreadable JSON, an inventory that is not SQLite when it is opened, or,
checked in the background at start, a dump whose SHA-256 differs from the manifest's or an
inventory whose pages SQLite finds damaged — is set aside as
``g{generation}.damaged-{time}``, kept for the operator and logged; the build before it is
served, if there is one, while a fresh one is made. At start, the folders a crash left (``.build-*``, ``.snapshot-*``) are
removed and the newest finished build made from this store — same settings, a generation
not past the store's — is served at once: a restart serves the previous build without
waiting for a new one. ``.building.json`` names the build under way (generation, process,
start) for operators.

No Flask here: the web layer reads :attr:`Builder.current`.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from ..background import Worker, child_started
from ..config import Config
from ..files import set_aside, sync_directory, sync_tree
from ..store import Store, open_snapshot, open_store
from .build import Build, DamagedBuild, make_build
from .catalog import publisher_of

log = logging.getLogger(__name__)

BUILDING = ".building.json"
SCRATCH = ".build-"
SNAPSHOT = ".snapshot-"
#: How often the builder looks at the store's generation.
POLL_SECONDS = 0.5
#: How long a build whose duration is not known yet is expected to take (Retry-After).
EXPECTED_SECONDS = 10


def builds_directory(config: Any) -> Path:
    """``dumps_path`` when set, else ``<store dir>/dumps``."""
    configured = getattr(config, "dumps_path", "") or ""
    return Path(configured) if configured else Path(config.store) / "dumps"


def _folder(directory: Path, generation: int) -> Path:
    return directory / f"g{generation}"


def build_process(
    values: dict[str, Any],
    snapshot: str | None,
    scratch: str,
    final: str,
    generation: int,
    after: str | None,
    previous: str | None,
    parent: int,
) -> None:
    """The build process's work: build into ``scratch`` from the snapshot (or the remote
    store), then rename it to ``final``."""
    child_started(parent)
    config = Config(values)
    store = open_snapshot(Path(snapshot)) if snapshot else open_store(config)
    try:
        make_build(
            store,
            config,
            Path(scratch),
            generation,
            datetime.fromisoformat(after) if after else None,
            Path(previous) if previous else None,
        )
    finally:
        store.close()
    sync_tree(Path(scratch))  # every file of the build on disk before the rename
    os.replace(scratch, final)
    sync_directory(Path(final).parent)


# ---------------------------------------------------------------------------------------------
# The builder: one per application
# ---------------------------------------------------------------------------------------------


class Builder:
    """Watches the store and keeps one build current; see the module docstring."""

    def __init__(self, store: Store, config: Config):
        self.store = store
        self.config = config
        self.directory = builds_directory(config)
        self.base = config.base_url
        self.publisher = publisher_of(self.base, config.publisher)
        self.settle = float(config.build_settle)
        self.max_delay = float(config.build_max_delay)
        self._current: Build | None = None
        self._building: tuple[int, float] | None = None  # generation, monotonic start
        self._worker = Worker("open-data-build", self.directory / BUILDING)
        self._clean()
        self._current = self._latest()

    # -- what requests read -----------------------------------------------------------------------

    @property
    def current(self) -> Build | None:
        """The last finished build, or None before the first one exists."""
        return self._current

    def retry_after(self) -> int:
        """Seconds a client should wait for a build that is not there yet."""
        expected = self._current.seconds if self._current else EXPECTED_SECONDS
        building = self._building
        if building is None:
            return int(max(1, self.settle + expected))
        return int(max(1, expected - (time.monotonic() - building[1])))

    # -- start and stop ---------------------------------------------------------------------------

    def start(self) -> None:
        self._worker.start(self._run)

    def close(self) -> None:
        self._worker.close()

    # -- the loop ---------------------------------------------------------------------------------

    def _run(self) -> None:
        self._check_served()
        seen: int | None = None
        quiet_since = pending_since = retry_at = 0.0
        while not self._worker.stopping.wait(POLL_SECONDS if seen is not None else 0):
            try:
                generation = self.store.generation
            except Exception as error:  # noqa: BLE001 — a store away for a while: try later
                log.warning("open-data builder cannot read the store's generation: %s", error)
                seen = -1
                continue
            now = time.monotonic()
            served = self._current.generation if self._current else None
            if generation == served:
                seen, pending_since = generation, 0.0
                continue
            if generation != seen:
                seen, quiet_since = generation, now
                pending_since = pending_since or now
            due = (
                self._current is None
                or now - quiet_since >= self.settle
                or now - pending_since >= self.max_delay
            )
            if not due or now < retry_at:
                continue
            if self._build_once():
                pending_since = 0.0
            elif not self._worker.stopping.is_set():
                retry_at = time.monotonic() + self.max_delay

    def _build_once(self) -> bool:
        """One build of the store as it is now; True when it is served."""
        self.directory.mkdir(parents=True, exist_ok=True)
        token = f"{os.getpid()}-{time.monotonic_ns()}"
        snapshot = self.directory / f"{SNAPSHOT}{token}"
        scratch = self.directory / f"{SCRATCH}{token}"
        try:
            generation = self.store.snapshot(snapshot)
            if generation is None:
                shutil.rmtree(snapshot, ignore_errors=True)
                generation = self.store.generation
                source = None
            else:
                source = str(snapshot)
            if self._current is not None and self._current.generation == generation:
                return True
            final = _folder(self.directory, generation)
            if final.exists():  # built before a restart, or by a build that outlived its server
                found = self._open(final)
                if found is not None:
                    self._switch(found)
                    return True
                if final.exists():
                    shutil.rmtree(final)
            scratch.mkdir()
            started = time.monotonic()
            self._building = (generation, started)
            log.info("open-data build of generation %s started", generation)
            exitcode = self._worker.run_child(
                build_process,
                (
                    dict(self.config.values),
                    source,
                    str(scratch),
                    str(final),
                    generation,
                    self._current.finished.isoformat() if self._current else None,
                    str(self._current.folder) if self._current else None,
                    os.getpid(),
                ),
                generation,
                POLL_SECONDS,
            )
            if exitcode is None:
                return False
            if exitcode != 0:
                log.error(
                    "open-data build of generation %s failed (exit code %s); the "
                    "previous build stays served",
                    generation,
                    exitcode,
                )
                return False
            found = self._open(final)
            if found is None:
                log.error("open-data build of generation %s cannot be read", generation)
                return False
            log.info(
                "open-data build of generation %s finished in %.1f s",
                generation,
                time.monotonic() - started,
            )
            self._switch(found)
            return True
        except Exception:  # noqa: BLE001 — the builder must outlive a bad build
            log.exception("open-data build failed; the previous build stays served")
            return False
        finally:
            self._building = None
            shutil.rmtree(snapshot, ignore_errors=True)
            shutil.rmtree(scratch, ignore_errors=True)

    def _switch(self, build: Build) -> None:
        previous = self._current
        self._current = build
        keep = {build.folder} | ({previous.folder} if previous is not None else set())
        for entry in self._finished():
            if entry not in keep:
                shutil.rmtree(entry, ignore_errors=True)

    # -- the folder -------------------------------------------------------------------------------

    def _finished(self) -> list[Path]:
        if not self.directory.is_dir():
            return []
        return [
            e
            for e in self.directory.iterdir()
            if e.is_dir() and e.name[:1] == "g" and e.name[1:].isdigit()
        ]

    def _clean(self) -> None:
        """Remove what a crash or a kill left: scratch builds and their snapshots."""
        if not self.directory.is_dir():
            return
        for entry in self.directory.iterdir():
            if entry.name.startswith((SCRATCH, SNAPSHOT)):
                shutil.rmtree(entry, ignore_errors=True)
        (self.directory / BUILDING).unlink(missing_ok=True)

    def _latest(self) -> Build | None:
        """The newest usable build of this store; builds past its generation are another
        store's and are removed."""
        generation = self.store.generation
        for folder in sorted(self._finished(), key=lambda f: int(f.name[1:]), reverse=True):
            if int(folder.name[1:]) > generation:
                shutil.rmtree(folder, ignore_errors=True)
                continue
            found = self._open(folder)
            if found is not None:
                return found
        return None

    def _open(self, folder: Path) -> Build | None:
        """The build in ``folder``, None when it is another settings' or damaged: a damaged
        one is set aside (:meth:`_set_aside`)."""
        try:
            return Build.open(folder, self.base, self.publisher)
        except DamagedBuild as error:
            self._set_aside(folder, str(error))
            return None

    def _set_aside(self, folder: Path, reason: str) -> None:
        """Move a damaged build out of the way, kept for the operator under
        ``g{generation}.damaged-{time}``; the builder then makes a fresh one, serving the
        build before it, if it has one, meanwhile."""
        kept = set_aside(folder, companions=())
        log.error(
            "open-data build %s is damaged (%s): set aside as %s and built again",
            folder.name,
            reason,
            kept.name,
        )

    def _check_served(self) -> None:
        """Every dump of the build served at start against its SHA-256 (the sizes were checked
        when it was opened): in the background, so that the server answers at once."""
        while (served := self._current) is not None:
            damage = served.damage()
            if damage is None:
                return
            self._set_aside(served.folder, damage)
            self._current = self._latest()


__all__ = ["Builder", "build_process", "builds_directory"]
