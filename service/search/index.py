"""The search index of a store: :class:`Index`, and what keeps it in step with the store.

Oxigraph has no text index, and OPTIONAL-heavy listings or ``OFFSET`` paging get slow at
millions of triples (see ``bench/README.md``). So every list, facet count and search of
the site reads a SQLite database instead (Python's standard library, FTS5), one row per
resource of ours (:mod:`.rows`). The store stays the single source of truth: the index is
built from it, records the store's ``generation`` it was built at, is rebuilt when missing
or stale (in the background, :mod:`.builder`), and is updated by :meth:`Index.update` on
every write.

:class:`Index` is three layers of one class, each in its own module: the file, its gate
and transactions (:class:`~.database.IndexFile`); what reads answer
(:class:`~.reads.IndexReads`); and here, its writes: builds, updates, removals, and a
fresh index put in its place. Layers rather than collaborators: callers (the web layer,
the pages, the CLI, the builder, tests and benchmarks) know about thirty methods and
properties of :class:`Index`, which stay on it without a forwarding method each, and each
layer reads only the one below. What a write does to the tables is :mod:`.records`.

No Flask here.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from rdflib import BNode, Literal, URIRef

from ..config import DEFAULT_BASE
from ..labels import Languages
from .database import in_batches, transaction
from .gather import Gatherer
from .kinds import list_kind_of
from .parallel import Makers, fork_makers, makers_for
from .queries import COUNT_BOUND
from .reads import FACET_WINDOW, IndexReads
from .records import (
    build_links,
    delete_row,
    finish_staging,
    flush_tally,
    insert_prepared,
    insert_rows,
    outgoing_links,
    start_staging,
    write_links,
)
from .rows import INVERSE_HIERARCHY, Row
from .schema import INDEX_FILE, TABLES

log = logging.getLogger(__name__)

#: SQLite's page cache while a build writes (KiB).
BUILD_CACHE_KIB = 256 * 1024


class Index(IndexReads):
    """The SQLite index of one store. Thread-safe: readers use one connection per thread
    (WAL: they never wait for the writer), writes are serialised.

    Two states matter to its readers. It is *servable* when its file holds a finished index
    of this layout, base and language order; reading one that is not raises
    :class:`~service.errors.NotReady` (503, ``Retry-After``). It is *trusted* when it is in
    step with the store: built from it, and told of every write since (:meth:`update`). An
    index that is servable but not trusted (the store changed while the service was
    stopped, or an update failed) is read as it is while :mod:`service.search.builder`
    builds a fresh one, which :meth:`adopt` then puts in its place.
    """

    def __init__(
        self,
        path: Path | str,
        base_url: str = DEFAULT_BASE,
        languages: Sequence[str] = ("fr", "en"),
        timeout: float = 10.0,
    ) -> None:
        super().__init__(path, base_url, languages, timeout)
        self._pending: set[str] | None = None  # IRIs written while a fresh index is built
        self._trusted = True

    # -- in step with the store ------------------------------------------------------------------

    @property
    def trusted(self) -> bool:
        """Servable and in step with the store: every write has reached it."""
        return self._servable and self._trusted

    def distrust(self) -> None:
        """Mark it out of step with the store (its builder then builds a fresh one)."""
        self._trusted = False

    def is_current(self, store) -> bool:
        meta = self.meta()
        return self._matches(meta) and meta.get("generation") == str(store.generation)

    def catch_up(self, store, iris: Iterable[str]) -> int:
        """Bring a servable index that missed some writes in step with the store, given the
        IRIs those writes touched (:func:`changed_iris` of each); under the store's write
        lock, so that no write falls between. From then on it is trusted."""
        given = {str(i) for i in iris}
        with self._write:
            self._trusted = True
            try:
                return self._update(store, given)
            except BaseException:
                self._trusted = False
                raise

    def ensure(self, store) -> bool:
        """Build the index from the store when it is missing or stale; True when it was built."""
        if self.is_current(store):
            self._trusted = True
            return False
        self.build(store)
        return True

    # -- writing ---------------------------------------------------------------------------------

    def build(self, store, batch: int = 400, makers: int = 0) -> int:
        """Rebuild every row from the store, in one transaction; return the number of rows.

        Readers see the previous index until the new one is committed. The server builds a
        fresh file in another process instead (:mod:`service.search.builder`); this is also
        what ``mediation reindex`` runs. ``makers``: at most that many forked processes read
        the store and make the rows while this one writes them (:mod:`.parallel`; the
        ``index_build_makers`` setting), the same index in less time on several cores.
        """
        started = time.monotonic()
        generation = store.generation
        prefix = self.base + "id/"
        subjects = sorted(
            {
                str(row["s"])
                for row in store.select(
                    "SELECT DISTINCT ?s WHERE { ?s a ?t . FILTER(isIRI(?s) && STRSTARTS(STR(?s), "
                    + Literal(prefix).n3()
                    + ")) }"
                )
            }
        )
        subjects = [s for s in subjects if list_kind_of(s, self.base) is not None]
        count = makers_for(makers, len(subjects))
        forked = (
            fork_makers(store, self.path, subjects, self.base, self.languages, batch, count)
            if count
            else None
        )
        try:
            count, links = self._build(store, subjects, batch, forked, started, generation)
        finally:
            if forked is not None:
                forked.close()
        self._trusted = True
        self._changed()
        self._refresh()
        log.info(
            "search index built: %d resources, %d incoming links in %.1f s%s",
            count,
            links,
            time.monotonic() - started,
            f" ({forked.count} processes making rows)" if forked is not None else "",
        )
        return count

    def _build(
        self,
        store,
        subjects: list[str],
        batch: int,
        makers: Makers | None,
        started: float,
        generation: int,
    ) -> tuple[int, int]:
        """The tables written from ``subjects``' rows, made here or by ``makers``; the
        number of rows and of incoming links."""
        count = 0
        tally: Counter = Counter()
        known: dict[str, int] = {}  # term ids, for the whole build
        with self._writer() as db:
            # The build's inserts land all over the tables' b-trees (links, facets, terms):
            # a cache that holds them saves reading the same pages again and again.
            db.execute(f"PRAGMA cache_size = -{BUILD_CACHE_KIB}")
            with transaction(db):
                for table in TABLES:
                    db.execute(f"DELETE FROM {table}")
                indexes = start_staging(db)
                if makers is None:
                    gatherer = Gatherer(store, self.base, batch)
                    for start in range(0, len(subjects), batch):
                        rows = gatherer.rows(subjects[start : start + batch])
                        count += self._insert(db, rows.values(), tally, True, known)
                else:
                    for prepared in makers.batches():
                        count += insert_prepared(db, prepared, True, known)
                finish_staging(db, indexes)
                if makers is None:
                    flush_tally(db, tally)
                    links = build_links(db, store, self.base, known)
                else:
                    links = build_links(db, store, self.base, known, makers.links())
                    flush_tally(db, makers.tally())
                self._set_meta(db, generation, built=True)
            db.execute("ANALYZE")
            # What the build took: how long a client is told to wait for the next one.
            db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('seconds', ?)",
                (f"{time.monotonic() - started:.1f}",),
            )
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return count, links

    def update(self, store, iris: Iterable[str]) -> int:
        """Reindex the resources ``iris`` name (a hash IRI names its resource), and every row
        built from them; rows of resources the store no longer describes are removed; the
        incoming links of every IRI of ``iris`` are read again.

        Atomic: one transaction. Call it after each write with the IRIs it touched
        (:func:`changed_iris` gives them for a changeset). Returns the number of rows rewritten.
        While a fresh index is being built, the IRIs are also kept for it (:meth:`adopt`);
        an index that is not servable only keeps them.
        """
        given = {str(i) for i in iris if isinstance(i, (str, URIRef)) and not isinstance(i, BNode)}
        if not given:
            return 0
        with store.write_lock(), self._write:
            if self._pending is not None:
                self._pending |= given
            if not self._servable:
                return 0
            try:
                return self._update(store, given)
            except BaseException:
                self._trusted = False  # its builder makes a fresh one
                raise

    def _update(self, store, given: set[str]) -> int:
        owners = {i.split("#", 1)[0] for i in given}
        db = self._reader()
        targets = {o for o in owners if list_kind_of(o, self.base) is not None}
        for chunk, marks in in_batches(sorted(given | owners)):
            targets.update(
                row[0]
                for row in db.execute(
                    f"SELECT DISTINCT r.iri FROM term t JOIN dep d ON d.term = t.id "
                    f"JOIN resource r ON r.id = d.id WHERE t.iri IN ({marks})",
                    chunk,
                )
            )
        ordered = sorted(targets)
        rows = Gatherer(store, self.base).rows(ordered)
        links = outgoing_links(store, self.base, sorted(given))
        generation = store.generation
        tally: Counter = Counter()
        with self._writer() as writer, transaction(writer):
            for iri in ordered:
                delete_row(writer, iri, tally)
            self._insert(writer, (rows.get(i) for i in ordered), tally)
            flush_tally(writer, tally)
            write_links(writer, links)
            if self._trusted:
                self._set_meta(writer, generation)
        if self._trusted:
            self._generation = generation
        self._changed()
        return len(ordered)

    def _insert(
        self,
        db: sqlite3.Connection,
        rows: Iterable[Row | None],
        tally: Counter,
        staged: bool = False,
        known: dict[str, int] | None = None,
    ) -> int:
        """Insert the rows of ``rows`` (None for a resource the store no longer describes)."""
        present = (row for row in rows if row is not None)
        return insert_rows(db, present, Languages(self.languages), tally, staged, known)

    def remove(self, iris: Iterable[str]) -> int:
        """Remove the rows of ``iris`` (hash IRIs name their resource), in one transaction.

        Rows built from them stay as they are, and so do incoming links: when the store
        still holds those, :meth:`update` is the call that reindexes them.
        """
        owners = sorted({str(i).split("#", 1)[0] for i in iris})
        removed = 0
        tally: Counter = Counter()
        with self._writer() as db, transaction(db):
            for iri in owners:
                removed += delete_row(db, iri, tally)
            flush_tally(db, tally)
        self._changed()
        return removed

    # -- a fresh index in this one's place ---------------------------------------------------------

    def record(self) -> None:
        """From now on, keep the IRIs of every :meth:`update` for a fresh index being built."""
        with self._write:
            self._pending = set()

    def recorded(self) -> set[str]:
        """The IRIs kept since the last call (and keep recording)."""
        with self._write:
            found = self._pending or set()
            if self._pending is not None:
                self._pending = set()
            return found

    def stop_recording(self) -> None:
        with self._write:
            self._pending = None

    def adopt(self, fresh: Index, store) -> None:
        """Put ``fresh`` (an index file built from a copy of the store, then brought up to
        date with :meth:`recorded`) in this one's place, atomically for readers.

        Under the store's write lock: the last IRIs recorded are replayed into ``fresh``,
        whose file is then closed and moved over this one's while no reader uses it (a few
        milliseconds); every thread reconnects on its next read. From then on the index is
        servable and trusted.
        """
        with store.write_lock(), self._write:
            last = self._pending or set()
            if last:
                fresh.update(store, last)
            fresh.release()
            self._replace(fresh.path)
            self._pending = None
            self._trusted = True
            self._changed()
            self._refresh()


# ---------------------------------------------------------------------------------------------
# Where the index lives, and what a write must reindex
# ---------------------------------------------------------------------------------------------


def index_path(config) -> Path:
    """``index_path`` when set, else ``<store dir>/index.sqlite``."""
    configured = getattr(config, "index_path", "") or ""
    return Path(configured) if configured else Path(config.store) / INDEX_FILE


def open_index(config, store=None) -> Index:
    """The index of the settings' store, built or rebuilt from ``store`` when stale."""
    index = Index(
        index_path(config),
        config.base_url,
        config.languages,
        timeout=min(float(config.query_timeout), 30.0),
    )
    index.count_bound = int(getattr(config, "count_limit", COUNT_BOUND))
    index.facet_window = int(getattr(config, "facet_window", FACET_WINDOW))
    if store is not None:
        index.ensure(store)
    return index


def changed_iris(changes) -> set[str]:
    """The IRIs :meth:`Index.update` needs for a :class:`~service.store.Changeset`: the
    subjects of every removed or added quad, and the objects of the triples that state a
    hierarchy from the top (``skos:narrower``, ``schema:containsPlace``)."""
    found: set[str] = set()
    for subject, predicate, obj, _ in list(changes.remove) + list(changes.add):
        if isinstance(subject, URIRef):
            found.add(str(subject))
        if predicate in INVERSE_HIERARCHY and isinstance(obj, URIRef):
            found.add(str(obj))
    return found
