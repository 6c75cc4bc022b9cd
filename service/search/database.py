"""The index file: opening it, the gate its readers pass, its writer and transactions, its
``meta`` and what is kept of its answers until it changes.

SQLite in WAL mode: each thread reads through its own connection and never waits for the
writer; writes go through one connection at a time under a lock. Every read is bounded:
a statement running past :attr:`IndexFile.timeout` seconds is interrupted
(:class:`~service.errors.QueryTimeout`), and reading a file that does not hold a finished
index of this layout, base and language order raises :class:`~service.errors.NotReady`.
The file can be replaced whole (a fresh index built beside it) while the service runs: the
:class:`ReadGate` lets it happen only while no reader is using it.

:class:`IndexFile` is the lowest layer of :class:`~.index.Index`: :mod:`.reads` adds what
reads answer, :mod:`.index` what keeps it in step with the store.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from ..errors import NotReady, QueryTimeout
from ..files import set_aside, sqlite_damage, sync_directory
from .schema import SCHEMA_SQL, SCHEMA_VERSION

T = TypeVar("T")

log = logging.getLogger(__name__)

#: Answers kept (least recently used go first); they are dropped when the index changes.
KEPT_ANSWERS = 256
#: What SQLite says of a damaged file ("database disk image is malformed", "file is not a
#: database"): a read that meets them stops serving the file (a programming error does not).
DAMAGE_CODES = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
#: Most values one ``IN (…)`` names (SQLite limits the variables of a statement).
IN_BATCH = 500


def in_batches(values: Sequence[T]) -> Iterator[tuple[Sequence[T], str]]:
    """``values`` in slices of at most :data:`IN_BATCH`, each with its ``?`` marks."""
    for start in range(0, len(values), IN_BATCH):
        chunk = values[start : start + IN_BATCH]
        yield chunk, ",".join("?" * len(chunk))


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: committed when the block ends, rolled back when it raises."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


class ReadGate:
    """Any number of readers, or one swap: the index file is replaced (:meth:`Index.adopt
    <service.search.index.Index.adopt>`) only while no reader is using it. A thread may read
    within its own read."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._readers = 0
        self._closed = False
        self._depth = threading.local()

    @contextmanager
    def reading(self) -> Iterator[None]:
        depth = getattr(self._depth, "n", 0)
        if not depth:
            with self._condition:
                while self._closed:
                    self._condition.wait()
                self._readers += 1
        self._depth.n = depth + 1
        try:
            yield
        finally:
            self._depth.n = depth
            if not depth:
                with self._condition:
                    self._readers -= 1
                    self._condition.notify_all()

    @contextmanager
    def closed(self) -> Iterator[None]:
        with self._condition:
            while self._closed:
                self._condition.wait()
            self._closed = True
            while self._readers:
                self._condition.wait()
        try:
            yield
        finally:
            with self._condition:
                self._closed = False
                self._condition.notify_all()


class IndexFile:
    """One index file, its connections and its state as its ``meta`` table records it.

    It is *servable* when the file holds a finished index of this layout, base and language
    order; reading one that is not raises :class:`~service.errors.NotReady` (503,
    ``Retry-After``).
    """

    def __init__(
        self, path: Path | str, base_url: str, languages: Sequence[str], timeout: float
    ) -> None:
        self.path = Path(path)
        self.base = base_url
        self.languages = tuple(languages)
        self.timeout = timeout
        self._write = threading.RLock()
        self._local = threading.local()
        self._version = 0  # bumped by every write: caches of derived figures key on it
        self._kept_answers: OrderedDict[tuple, Any] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._gate = ReadGate()
        self._epoch = 0  # bumped when the file is replaced: each thread then reconnects
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        self._servable = False
        self._generation: int | None = None
        self._built = ""
        #: Seconds a client should wait when the index is not servable (set by its builder).
        self.retry_after: Callable[[], int] = lambda: 10
        #: Where a damaged or foreign file found here was set aside, if one was.
        self.set_aside_as: Path | None = None
        #: What a read found wrong with the file while serving it, until it is set aside.
        self.damage: str | None = None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self._layout() not in (None, SCHEMA_VERSION):
            # An index of another layout: start from an empty file (it is rebuilt from the store).
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        with self._writer() as db:
            db.executescript(SCHEMA_SQL)
        self._refresh()

    def check_pages(self) -> bool:
        """Read every page of the file once (``PRAGMA quick_check``): the damage that opening
        it does not show (a truncated file, pages of garbage). About a second for a few
        hundred MB, 52 s for the 3 GB of ten million triples read from disk, so its
        builder runs it in the background once the server answers, never before; the file
        is served meanwhile, as a read that meets damage stops it (:meth:`_found_damaged`).
        Found damaged, it stops being served and its builder sets it aside (:meth:`heal`).
        True when the file is sound or absent."""
        if not self.path.exists():
            return True
        started = time.monotonic()
        damage = sqlite_damage(self.path)
        if damage is None:
            log.info(
                "search index %s: every page read, sound, in %.1f s",
                self.path,
                time.monotonic() - started,
            )
            return True
        log.error("search index %s found damaged by the check of its pages: %s", self.path, damage)
        self.damage = damage
        self._servable = False
        return False

    # -- connections ---------------------------------------------------------------------------

    def _layout(self) -> str | None:
        """The layout version of the index file, None when there is no index yet, or when the
        file was damaged or foreign and has been set aside (:meth:`_set_aside`)."""
        if not self.path.exists():
            return None
        # The header and the schema only: every page is read later, in the background
        # (:meth:`check_pages`), so that a start does not wait on the file's size.
        db = sqlite3.connect(self.path)
        try:
            tables = {
                n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            if not tables:
                return None
            if "meta" in tables and "resource" in tables:
                found = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
                return found[0] if found else ""
            reason = "not a search index (tables: " + ", ".join(sorted(tables)[:5]) + ")"
        except sqlite3.DatabaseError as error:
            reason = str(error)
        finally:
            db.close()
        self._set_aside(reason)
        return None

    def _set_aside(self, reason: str) -> None:
        """Move a damaged or foreign file out of the way, kept for the operator (never
        removed: the setting may point at another program's file); a fresh index is then
        built from the store in the background while the server answers."""
        kept = set_aside(self.path)
        self.set_aside_as = kept
        log.error(
            "search index %s is damaged or not an index of this service (%s): set aside as %s "
            "and built again from the store; lists and search answer 503 until it is ready",
            self.path,
            reason,
            kept.name,
        )

    def _connect(self) -> sqlite3.Connection:
        # Not tied to its thread: :meth:`adopt` closes every reader before it replaces the file.
        db = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = OFF")
        return db

    def _reader(self) -> sqlite3.Connection:
        local = self._local
        db = getattr(local, "db", None)
        if db is not None and getattr(local, "epoch", None) != self._epoch:
            db = None  # closed when the file was replaced
        if db is None:
            db = local.db = self._connect()
            local.epoch = self._epoch
            db.execute("PRAGMA query_only = ON")
            with self._connections_lock:
                self._connections.append(db)
        return db

    @contextmanager
    def _writer(self) -> Iterator[sqlite3.Connection]:
        with self._write:
            db = self._connect()
            try:
                yield db
            finally:
                db.close()

    @contextmanager
    def _bounded(self) -> Iterator[sqlite3.Connection]:
        """A reader whose statements are interrupted past the time-out; :class:`NotReady` while
        the index is not servable."""
        with self._gate.reading():
            if not self._servable:
                raise self.not_ready()
            db = self._reader()
            deadline = time.monotonic() + self.timeout
            db.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 20_000)
            try:
                yield db
            except sqlite3.OperationalError as error:
                if "interrupted" in str(error):
                    raise QueryTimeout(
                        f"La recherche a dépassé {self.timeout:g} s ; précisez-la.",
                        f"The search took longer than {self.timeout:g} s; narrow it down.",
                    ) from None
                raise
            except sqlite3.DatabaseError as error:
                if getattr(error, "sqlite_errorcode", None) not in DAMAGE_CODES:
                    raise
                raise self._found_damaged(str(error)) from None  # set aside, built again
            finally:
                db.set_progress_handler(None, 0)

    def _found_damaged(self, reason: str) -> NotReady:
        """A read met damage SQLite reports (``database disk image is malformed``): stop
        serving the file; its builder sets it aside and builds a fresh one (:meth:`heal`)."""
        if self.damage is None:
            log.error("search index %s found damaged while reading: %s", self.path, reason)
        self.damage = reason
        self._servable = False
        return self.not_ready()

    def heal(self) -> None:
        """Set a file found damaged while serving aside and start an empty one in its place,
        which the builder then builds from the store."""
        with self._write:
            with self._gate.closed():
                self._close_readers()
                self._set_aside(self.damage or "damaged")
                self.damage = None
                with self._writer() as db:
                    db.executescript(SCHEMA_SQL)
            self._changed()
            self._refresh()

    def not_ready(self) -> NotReady:
        seconds = max(1, int(self.retry_after()))
        return NotReady(
            "Les listes, la recherche et la page d'accueil sont en préparation : l'index de "
            f"recherche se construit depuis le magasin ; réessayez dans {seconds} s. Les pages "
            "des ressources et le point SPARQL répondent déjà.",
            "Lists, search and the home page are being prepared: the search index is being "
            f"built from the store; try again in {seconds} s. Resource pages and the SPARQL "
            "endpoint already answer.",
            retry_after=seconds,
        )

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            with self._connections_lock:
                if db in self._connections:
                    self._connections.remove(db)
            db.close()
            self._local.db = None

    def _close_readers(self) -> None:
        """Close every thread's reader (the caller holds the gate closed)."""
        with self._connections_lock:
            for db in self._connections:
                try:
                    db.close()
                except sqlite3.Error:
                    pass
            self._connections.clear()
            self._epoch += 1

    def release(self) -> None:
        """Close every connection and fold the write-ahead log into the file, which can then
        be moved whole."""
        with self._write, self._gate.closed():
            self._close_readers()
            db = sqlite3.connect(self.path, isolation_level=None)
            try:
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                db.execute("PRAGMA journal_mode = DELETE")
            finally:
                db.close()

    def _replace(self, fresh: Path) -> None:
        """Move the released file ``fresh`` over this one's while no reader uses it (a few
        milliseconds); every thread reconnects on its next read. The caller then marks the
        index changed and refreshes its state."""
        with self._gate.closed():
            self._close_readers()
            for suffix in ("-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            os.replace(fresh, self.path)
            sync_directory(self.path.parent)

    # -- state -----------------------------------------------------------------------------------

    def meta(self) -> dict[str, str]:
        with self._gate.reading():
            return dict(self._reader().execute("SELECT key, value FROM meta").fetchall())

    def _refresh(self) -> None:
        """Servable, generation and build time, from the file's ``meta``."""
        meta = self.meta()
        self._servable = self._matches(meta) and "generation" in meta
        self._generation = int(meta["generation"]) if "generation" in meta else None
        self._built = meta.get("built", "")
        try:
            self.build_seconds: float | None = float(meta["seconds"])
        except (KeyError, ValueError):
            self.build_seconds = None

    @property
    def generation(self) -> int | None:
        value = self.meta().get("generation")
        return int(value) if value is not None else None

    @property
    def version(self) -> int:
        return self._version

    @property
    def last_generation(self) -> int | None:
        """The store generation of its last build or update, as known in memory."""
        return self._generation

    @property
    def servable(self) -> bool:
        """Its file holds a finished index of this layout, base and languages."""
        return self._servable

    @property
    def stamp(self) -> str:
        """What tells this index's answers from any earlier ones (for validators): the
        generation of its last update and when its file was built."""
        return f"{self._generation}@{self._built}"

    def _expected_meta(self) -> dict[str, str]:
        return {
            "schema": SCHEMA_VERSION,
            "base_url": self.base,
            "languages": ",".join(self.languages),
        }

    def _matches(self, meta: dict[str, str]) -> bool:
        """Whether ``meta`` is that of an index of this layout, base and language order."""
        return all(meta.get(k) == v for k, v in self._expected_meta().items())

    def _set_meta(self, db: sqlite3.Connection, generation: int, built: bool = False) -> None:
        values = {**self._expected_meta(), "generation": str(generation)}
        if built:
            values["built"] = datetime.now(UTC).isoformat(timespec="seconds")
        db.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", values.items())

    # -- answers kept until it changes -----------------------------------------------------------

    def _changed(self) -> None:
        """Its rows changed: answers derived from them are stale."""
        self._version += 1
        with self._cache_lock:
            self._kept_answers.clear()

    def _kept(self, key: tuple, compute: Callable[[], T]) -> T:
        """What ``compute`` answers for ``key``, kept until the index changes (the
        :data:`KEPT_ANSWERS` most recently used)."""
        key = (self._version, *key)
        with self._cache_lock:
            if key in self._kept_answers:
                self._kept_answers.move_to_end(key)
                return self._kept_answers[key]
        value = compute()
        with self._cache_lock:
            self._kept_answers[key] = value
            while len(self._kept_answers) > KEPT_ANSWERS:
                self._kept_answers.popitem(last=False)
        return value
