"""The open-data build: everything that costs a pass over the whole store, made in the
background, one build at a time, kept on disk, and served as it was last finished.

A request never does whole-store work: the catalog, VoID, the dumps and the dates of the
feeds are read from the last finished build, and their ``ETag`` and ``Last-Modified``
follow that build.

**What a build holds** — one folder, ``{dumps_path}/g{generation}``:

* the dumps and their manifest (sizes, SHA-256, triples; :mod:`service.dumps`);
* ``void.json`` — VoID's figures (:mod:`service.void`);
* ``catalog.json`` — the catalog's facts on each source graph (:mod:`service.catalog`);
* ``inventory.sqlite`` — every page-worthy resource by kind with the date it last changed
  (:mod:`service.sitemap`): what the Atom feed orders events by, the calendars date them
  with and the sitemap lists, cut into its files of 50,000 URLs; read by bounded lookups;
* ``build.json`` — the generation it was made from, when it started and finished, and the
  settings its content depends on (``base_url``, ``publisher``).

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
build stays served. At start, the folders a crash left (``.build-*``, ``.snapshot-*``) are
removed and the newest finished build made from this store — same settings, a generation
not past the store's — is served at once: a restart serves the previous build without
waiting for a new one. ``.building.json`` names the build under way (generation, process,
start) for operators.

No Flask here: the web layer reads :attr:`Builder.current`.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rdflib import URIRef

from ..background import Worker, child_started
from ..config import Config
from ..files import sync_directory, sync_tree
from ..store import Store, open_snapshot, open_store
from .calendars import moment_of
from .catalog import CatalogFacts, CatalogModel, publisher_of
from .dumps import DUMPS_LAYOUT, Manifest, write_dumps
from .sitemap import SITEMAP_LIMIT, Inventory, inventory
from .void import UnionCounter, VoidFigures, void_figures

log = logging.getLogger(__name__)

BUILD = "build.json"
CATALOG = "catalog.json"
VOID = "void.json"
INVENTORY = "inventory.sqlite"
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


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


# ---------------------------------------------------------------------------------------------
# A finished build
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SitemapFile:
    """One file of the sitemap: a kind's resources from ``first`` on, ``urls`` of them."""

    kind: str
    page: int  # from 1
    first: str
    urls: int
    lastmod: str | None


@dataclass(frozen=True)
class Build:
    """A finished build, opened from its folder; read by request threads, never changed."""

    folder: Path
    generation: int
    started: datetime
    finished: datetime
    manifest: Manifest
    void: VoidFigures
    catalog: CatalogModel

    @property
    def identity(self) -> str:
        """What tells this build from any other, for validators: its generation and when it
        finished (a store rebuilt from scratch may reach the same generation again)."""
        return f"{self.generation}@{self.finished.isoformat()}"

    @property
    def seconds(self) -> float:
        return (self.finished - self.started).total_seconds()

    @classmethod
    def open(cls, folder: Path, base_url: str, publisher: URIRef) -> Build | None:
        """The build in ``folder``; None when it is incomplete, of another layout, or made
        with other settings."""
        try:
            info = json.loads((folder / BUILD).read_text(encoding="utf-8"))
            if (
                info.get("layout") != DUMPS_LAYOUT
                or info.get("base_url") != base_url
                or info.get("publisher") != str(publisher)
            ):
                return None
            manifest = Manifest.read(folder)
            figures = VoidFigures.from_json((folder / VOID).read_text(encoding="utf-8"))
            facts = CatalogFacts.from_json((folder / CATALOG).read_text(encoding="utf-8"))
            _check_inventory(folder / INVENTORY)
        except (OSError, ValueError, KeyError, TypeError, sqlite3.Error) as error:
            log.warning("build %s is not usable: %s", folder.name, error)
            return None
        return cls(
            folder,
            int(info["generation"]),
            datetime.fromisoformat(info["started"]),
            datetime.fromisoformat(info["finished"]),
            manifest,
            figures,
            CatalogModel(facts, base_url, manifest, publisher),
        )

    def file(self, name: str) -> Path | None:
        """A dump file of this build by its name (``all.ttl``, ``graph/x.nt.gz``)."""
        return self.folder / name if name in self.manifest.files else None

    # -- the inventory: bounded lookups ----------------------------------------------------------

    @contextmanager
    def _inventory(self) -> Iterator[sqlite3.Connection]:
        # Immutable: nothing writes a finished build, so SQLite need not lock or check.
        db = sqlite3.connect(f"file:{self.folder / INVENTORY}?mode=ro&immutable=1", uri=True)
        try:
            yield db
        finally:
            db.close()

    def dates(self, kind: str, iris: Iterable[URIRef]) -> dict[URIRef, str]:
        """The last-change date of each of ``iris`` of that kind that has one."""
        wanted = [str(i) for i in iris]
        found: dict[URIRef, str] = {}
        with self._inventory() as db:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for iri, lastmod in db.execute(
                    f"SELECT iri, lastmod FROM resource WHERE kind = ? AND iri IN ({marks})"
                    " AND lastmod IS NOT NULL",
                    [kind, *chunk],
                ):
                    found[URIRef(iri)] = lastmod
        return found

    def latest(self, kind: str, limit: int) -> list[tuple[URIRef, datetime]]:
        """The ``limit`` resources of that kind changed last, newest first (undated ones are
        left out: we invent no date)."""
        with self._inventory() as db:
            rows = db.execute(
                "SELECT iri, stamp FROM resource WHERE kind = ? AND stamp IS NOT NULL"
                " ORDER BY stamp DESC, iri DESC LIMIT ?",
                (kind, limit),
            ).fetchall()
        return [(URIRef(iri), datetime.fromisoformat(stamp)) for iri, stamp in rows]

    def listed(
        self, kind: str, limit: int, start: str | None = None
    ) -> list[tuple[URIRef, str | None]]:
        """Resources of that kind by IRI, from ``start`` on, at most ``limit`` (a sitemap
        file's worth)."""
        with self._inventory() as db:
            rows = db.execute(
                "SELECT iri, lastmod FROM resource WHERE kind = ? AND iri >= ?"
                " ORDER BY iri LIMIT ?",
                (kind, start or "", limit),
            ).fetchall()
        return [(URIRef(iri), lastmod) for iri, lastmod in rows]

    def sitemap_files(self) -> list[SitemapFile]:
        """The sitemap files of this build, by kind then page (a few rows per kind)."""
        with self._inventory() as db:
            rows = db.execute(
                "SELECT kind, page, first, urls, lastmod FROM sitemap ORDER BY kind, page"
            ).fetchall()
        return [SitemapFile(*row) for row in rows]

    def kinds(self) -> list[str]:
        """The kinds that have resources."""
        with self._inventory() as db:
            rows = db.execute("SELECT DISTINCT kind FROM resource ORDER BY kind").fetchall()
        return [row[0] for row in rows]


# ---------------------------------------------------------------------------------------------
# Making one build (in the build process)
# ---------------------------------------------------------------------------------------------


def make_build(
    store: Store, config: Config, folder: Path, generation: int, after: datetime | None = None
) -> None:
    """Write every part of a build of ``store`` (which does not change meanwhile) into
    ``folder``; ``build.json`` last. ``after``: when the build before finished (this one's
    dates come later, for HTTP's one-second ``Last-Modified``)."""
    started = _now()
    base = config.base_url
    publisher = publisher_of(base, config.publisher)
    clock = time.monotonic()

    def step(what: str) -> None:
        nonlocal clock
        log.info("build of generation %s: %s in %.1f s", generation, what, time.monotonic() - clock)
        clock = time.monotonic()

    counter = UnionCounter(base)
    manifest = write_dumps(store, base, folder, generation, counter)
    step(f"{len(manifest.files)} dump files of {manifest.quads} quads")
    (folder / VOID).write_text(void_figures(store, counter).to_json(), encoding="utf-8")
    del counter
    step("VoID figures")
    facts = CatalogFacts.gather(store, base, manifest, publisher)
    (folder / CATALOG).write_text(facts.to_json(), encoding="utf-8")
    del facts
    step("catalog facts")
    write_inventory(folder / INVENTORY, inventory(store, base))
    step("inventory")
    info = {
        "generation": generation,
        "layout": DUMPS_LAYOUT,
        "base_url": base,
        "publisher": str(publisher),
        "started": started.isoformat(),
        "finished": monotonic_after(after).isoformat(),
        "peak_memory_mb": peak_memory(),
    }
    log.info("build of generation %s: peak memory %s MB", generation, info["peak_memory_mb"])
    (folder / BUILD).write_text(json.dumps(info, indent=1), encoding="utf-8")


def _check_inventory(path: Path) -> None:
    """Raise when the inventory lacks a table this code reads (a build of older code)."""
    if not path.is_file():
        raise OSError(f"{path.name} is missing")
    db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        db.execute("SELECT kind, page, first, urls, lastmod FROM sitemap LIMIT 1").fetchall()
    finally:
        db.close()


def peak_memory() -> int | None:
    """This process's peak resident memory in MB (Linux), what a build costs in memory."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        return None
    # VmHWM, not getrusage: the latter also counts the server's memory before the exec that
    # started this process.
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return None


def write_inventory(path: Path, found: Inventory, limit: int = SITEMAP_LIMIT) -> None:
    """The inventory as a table: by kind then IRI (the primary key), and by kind then date;
    and the sitemap files it makes: each kind cut into files of at most
    ``limit`` (:data:`~service.sitemap.SITEMAP_LIMIT`) URLs, each file with its first IRI, its
    number of URLs and its latest date (what the sitemap index says of it)."""
    db = sqlite3.connect(path)
    try:
        with db:
            db.execute(
                "CREATE TABLE resource (kind TEXT NOT NULL, iri TEXT NOT NULL,"
                " lastmod TEXT, stamp TEXT, PRIMARY KEY (kind, iri)) WITHOUT ROWID"
            )
            for kind, items in found.kinds.items():
                db.executemany(
                    "INSERT OR REPLACE INTO resource VALUES (?, ?, ?, ?)",
                    ((kind, str(iri), lastmod, _stamp(lastmod)) for iri, lastmod in items),
                )
            db.execute("CREATE INDEX resource_stamp ON resource (kind, stamp)")
            db.execute(
                "CREATE TABLE sitemap (kind TEXT NOT NULL, page INTEGER NOT NULL,"
                " first TEXT NOT NULL, urls INTEGER NOT NULL, lastmod TEXT,"
                " PRIMARY KEY (kind, page)) WITHOUT ROWID"
            )
            files: list[list] = []
            for kind, iri, lastmod in db.execute(
                "SELECT kind, iri, lastmod FROM resource ORDER BY kind, iri"
            ).fetchall():
                last = files[-1] if files else None
                if last is None or last[0] != kind or last[3] >= limit:
                    page = last[1] + 1 if last is not None and last[0] == kind else 1
                    last = [kind, page, iri, 0, None]
                    files.append(last)
                last[3] += 1
                if lastmod and (last[4] is None or lastmod > last[4]):
                    last[4] = lastmod
            db.executemany("INSERT INTO sitemap VALUES (?, ?, ?, ?, ?)", files)
    finally:
        db.close()


def _stamp(lastmod: str | None) -> str | None:
    """A date text as a UTC instant of fixed width: text order is time order."""
    moment = moment_of(lastmod)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00") if moment is not None else None


def build_process(
    values: dict[str, Any],
    snapshot: str | None,
    scratch: str,
    final: str,
    generation: int,
    after: str | None,
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
                found = Build.open(final, self.base, self.publisher)
                if found is not None:
                    self._switch(found)
                    return True
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
            found = Build.open(final, self.base, self.publisher)
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
            found = Build.open(folder, self.base, self.publisher)
            if found is not None:
                return found
        return None


def monotonic_after(previous: datetime | None) -> datetime:
    """Now, or a second after ``previous`` when the clock has not moved past it (HTTP dates
    have a second's precision: two builds must not share a ``Last-Modified``)."""
    now = _now()
    if previous is not None and now <= previous:
        return previous + timedelta(seconds=1)
    return now


__all__ = ["Build", "Builder", "SitemapFile", "builds_directory", "make_build", "write_inventory"]
