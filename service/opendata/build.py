"""One open-data build: what its folder holds, how the build process writes it, and how
requests read it.

A build is everything that costs a pass over the whole store, made at once from a copy of
the store that does not change meanwhile (:func:`make_build`, in the build process that
:mod:`.builder` starts) and never changed after. One folder, ``{dumps_path}/g{generation}``:

* the dumps and their manifest (sizes, SHA-256, triples; :mod:`.dumps`);
* ``void.json`` — VoID's figures (:mod:`.void`);
* ``catalog.json`` — the catalog's facts on each source graph (:mod:`.catalog_facts`);
* ``inventory.sqlite`` — every page-worthy resource by kind with the date it last changed
  (:mod:`.sitemap`): what the Atom feed orders events by, the calendars date them
  with and the sitemap lists, cut into its files of 50,000 URLs (each page in each
  interface language); read by bounded lookups;
* ``build.json`` — the generation it was made from, when it started and finished, and the
  settings its content depends on (``base_url``, ``publisher``); written last.

A request reads a finished build (:class:`Build`) and never does whole-store work. No Flask
here.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from rdflib import URIRef

from ..config import Config
from ..files import sqlite_damage
from ..store import Store
from .catalog import CatalogModel, publisher_of
from .catalog_facts import CatalogFacts
from .dumps import DUMPS_LAYOUT, Manifest, write_dumps
from .events import moment_of
from .sitemap import SITEMAP_LIMIT, URLS_PER_PAGE, Inventory, inventory
from .void import UnionCounter, VoidFigures, void_figures

log = logging.getLogger(__name__)

BUILD = "build.json"
CATALOG = "catalog.json"
VOID = "void.json"
INVENTORY = "inventory.sqlite"


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


# ---------------------------------------------------------------------------------------------
# A finished build
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SitemapFile:
    """One file of the sitemap: a kind's resources from ``first`` on, as ``urls`` URLs (each
    resource's page once per interface language: ``urls // URLS_PER_PAGE`` resources)."""

    kind: str
    page: int  # from 1
    first: str
    urls: int
    lastmod: str | None


class DamagedBuild(Exception):
    """A finished build folder that cannot be read whole: the builder sets it aside."""


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
        """The build in ``folder``; None when it is of another layout or made with other
        settings. A finished folder that cannot be read whole (a file missing, of the wrong
        size, unreadable JSON, an inventory SQLite finds damaged) raises
        :class:`DamagedBuild`."""
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
            for dump in manifest.files.values():
                size = (folder / dump.name).stat().st_size
                if size != dump.bytes:
                    raise OSError(f"{dump.name} holds {size} bytes, its manifest {dump.bytes}")
        except (OSError, ValueError, KeyError, TypeError, AttributeError, sqlite3.Error) as error:
            raise DamagedBuild(f"{type(error).__name__}: {error}") from None
        return cls(
            folder,
            int(info["generation"]),
            datetime.fromisoformat(info["started"]),
            datetime.fromisoformat(info["finished"]),
            manifest,
            figures,
            CatalogModel(facts, base_url, manifest, publisher),
        )

    def damage(self) -> str | None:
        """What differs from the manifest's SHA-256 among the dump files, or what SQLite finds
        in the inventory's pages (None: nothing): the whole check, reading every file once
        (about a second per 500 MB), made by the builder in the background, where the sizes
        and the schema :meth:`open` checks cannot see garbage."""
        found = sqlite_damage(self.folder / INVENTORY)
        if found is not None:
            return f"{INVENTORY}: {found}"
        for dump in self.manifest.files.values():
            digest = hashlib.sha256()
            try:
                with (self.folder / dump.name).open("rb") as stream:
                    while chunk := stream.read(1 << 20):
                        digest.update(chunk)
            except OSError as error:
                return f"{dump.name}: {error}"
            if digest.hexdigest() != dump.sha256:
                return f"{dump.name} differs from its SHA-256 in the manifest"
        return None

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
    store: Store,
    config: Config,
    folder: Path,
    generation: int,
    after: datetime | None = None,
    previous: Path | None = None,
) -> None:
    """Write every part of a build of ``store`` (which does not change meanwhile) into
    ``folder``; ``build.json`` last. ``after``: when the build before finished (this one's
    dates come later, for HTTP's one-second ``Last-Modified``); ``previous``: its folder,
    whose datasets' dates carry over where their data did not move."""
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
    facts.date_datasets(manifest, _facts_of(previous), started)
    (folder / CATALOG).write_text(facts.to_json(), encoding="utf-8")
    del facts
    step("catalog facts")
    write_inventory(folder / INVENTORY, inventory(store, base, ZoneInfo(config.time_zone)))
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


def _facts_of(folder: Path | None) -> tuple[Manifest, CatalogFacts] | None:
    """The manifest and catalog facts of the build in ``folder``, when it has usable ones."""
    if folder is None:
        return None
    try:
        manifest = Manifest.read(folder)
        if manifest.layout != DUMPS_LAYOUT:
            return None
        return manifest, CatalogFacts.from_json((folder / CATALOG).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError) as error:
        log.warning("build %s: no dates to carry over (%s)", folder.name, error)
        return None


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


def monotonic_after(previous: datetime | None) -> datetime:
    """Now, or a second after ``previous`` when the clock has not moved past it (HTTP dates
    have a second's precision: two builds must not share a ``Last-Modified``)."""
    now = _now()
    if previous is not None and now <= previous:
        return previous + timedelta(seconds=1)
    return now


# ---------------------------------------------------------------------------------------------
# The inventory's tables (written by the build process, read by Build)
# ---------------------------------------------------------------------------------------------


def write_inventory(path: Path, found: Inventory, limit: int = SITEMAP_LIMIT) -> None:
    """The inventory as a table: by kind then IRI (the primary key), and by kind then date;
    and the sitemap files it makes: each kind cut into files of at most
    ``limit`` (:data:`~.sitemap.SITEMAP_LIMIT`) URLs, a page taking one a language
    (:data:`~.sitemap.URLS_PER_PAGE`), each file with its first IRI, its number of URLs
    and its latest date (what the sitemap index says of it)."""
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
                if last is None or last[0] != kind or last[3] + URLS_PER_PAGE > limit:
                    page = last[1] + 1 if last is not None and last[0] == kind else 1
                    last = [kind, page, iri, 0, None]
                    files.append(last)
                last[3] += URLS_PER_PAGE
                if lastmod and (last[4] is None or lastmod > last[4]):
                    last[4] = lastmod
            db.executemany("INSERT INTO sitemap VALUES (?, ?, ?, ?, ?)", files)
    finally:
        db.close()


def _stamp(lastmod: str | None) -> str | None:
    """A date text as a UTC instant of fixed width: text order is time order. The inventory
    gives every time with its offset (:func:`~.sitemap.inventory`): a day is read in UTC."""
    moment = moment_of(lastmod, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00") if moment is not None else None


def _check_inventory(path: Path) -> None:
    """Raise when the inventory is missing, not SQLite or lacks a table this code reads (a
    build of older code). Its pages are read by :meth:`Build.damage`, in the background: at
    ten million triples the file is 136 MB, 7 s to read from disk."""
    if not path.is_file():
        raise OSError(f"{path.name} is missing")
    db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        db.execute("SELECT kind, page, first, urls, lastmod FROM sitemap LIMIT 1").fetchall()
    finally:
        db.close()


__all__ = ["INVENTORY", "Build", "DamagedBuild", "SitemapFile", "make_build", "write_inventory"]
