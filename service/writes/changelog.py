"""The change log: the history of writes as a table beside the store, read by bounded queries.

The history graph (:mod:`.history`) records every write and stays the one source of
truth. What the change feed, the Atom feed and a page's history section ask of it — the
newest changes first, the page after or before a key, how many there are, a resource's own
changes, the last change of each resource — is, in SPARQL, an ``ORDER BY`` over every
record and a ``COUNT`` of all of them: Oxigraph has no ordered index on literals, so each
request would sort the whole history, which grows with every write. The change log keeps
the same facts in SQLite, one row per resource a write touched (its activity
``{change}#r{n}``), with the indexes those reads need:

* ``entry`` — the primary key (time, item): a page, newest first, after or before a key,
  is one range of it; (resource, time, item): a resource's history; a partial index on the
  deletions: a tombstone's last deletion;
* ``latest`` — each resource's last change; (folder, time): the resources of one kind
  (``{base}id/event/``) changed last, what the Atom feed lists;
* ``target`` — (graph, time, change): the writes to each graph, the last one first;
* ``meta`` — the layout, the base, the store generation the log is in step with, and the
  number of entries (kept, never counted).

**In step with the store.** A write's history record and the write itself are applied
together (``Store.apply``); then, still under the store's write lock, :meth:`ChangeLog.written`
appends the record's rows and the generation the write made, in one SQLite transaction.
A write without a record moves the generation on alone (:meth:`ChangeLog.advance`); one
that brings history records of its own (``mediation load`` of an export) rebuilds the log.
Every record carries the generation its write made (``med:generation``), so a log behind
its store — a crash between the apply and the append, an append that failed, commits a
power cut took back, writes made while no log was open — catches up by looking those
generations up in the history graph: one indexed lookup per generation it missed, when it
is opened (:func:`open_changelog`) and before the next append. A log that is missing, of
another layout or base, ahead of its store (a store put back from an older copy) or more
than :data:`CATCH_UP_LIMIT` generations behind is rebuilt from the history graph, every
record by batches (``bench/README.md`` gives the time it takes).

Where: ``<store>/changes.sqlite``, or the ``changes_path`` setting (for a remote store, a
file on the machine the service runs on).

No Flask here.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import PROV
from rdflib.term import Node

from ..errors import StoreError
from ..files import set_aside, sqlite_transaction
from ..namespaces import AS, MED, PREFIXES
from ..store import Store
from .damage import examine, report_loss
from .history import ACTION_OF, Entry, Record, history_graph, parse_key, record_labels

log = logging.getLogger(__name__)

#: Changed when the tables or the way rows are made change: a log of another layout is rebuilt.
LOG_LAYOUT = "1"
FILE_NAME = "changes.sqlite"
#: Generations a log may be behind its store and catch up by lookups (a few milliseconds a
#: record); further behind, it is rebuilt (one pass over the history graph).
CATCH_UP_LIMIT = 1000
#: Resources looked up per query by :meth:`ChangeLog.latest`.
INSERT_BATCH = 500

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE entry (
  time TEXT NOT NULL,        -- when the write ended, UTC: YYYY-MM-DDTHH:MM:SS.ffffffZ
  item TEXT NOT NULL,        -- the activity, {change}#r{n}
  change TEXT NOT NULL,
  resource TEXT NOT NULL,
  action TEXT NOT NULL,      -- create, update, delete
  agent TEXT NOT NULL,       -- the agent's name
  labels TEXT NOT NULL,      -- the change's labels, JSON: language -> text
  added INTEGER NOT NULL,
  removed INTEGER NOT NULL,
  generation INTEGER,        -- the store generation the write made, NULL when not recorded
  PRIMARY KEY (time, item)
) WITHOUT ROWID;
CREATE INDEX entry_resource ON entry (resource, time, item);
CREATE INDEX entry_deletion ON entry (resource, time, item) WHERE action = 'delete';
CREATE TABLE latest (
  resource TEXT PRIMARY KEY,
  folder TEXT NOT NULL,      -- the resource's IRI up to its last slash
  time TEXT NOT NULL,
  item TEXT NOT NULL,
  action TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX latest_folder ON latest (folder, time);
CREATE TABLE target (
  graph TEXT NOT NULL,
  time TEXT NOT NULL,
  change TEXT NOT NULL,
  PRIMARY KEY (graph, time, change)
) WITHOUT ROWID;
"""
_TABLES = ("meta", "entry", "latest", "target")
_COLUMNS = "time, item, change, resource, action, agent, labels, added, removed"

_PREFIXES = "".join(
    f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("prov", "rdfs", "dct", "foaf", "void")
)
_PREFIXES += f"PREFIX as: <{AS}>\nPREFIX med: <{MED}>\n"

#: One row of ``entry``, in the order of its columns, and one of ``target``.
LogRow = tuple[str, str, str, str, str, str, str, int, int, int | None]
TargetRow = tuple[str, str, str]


def stamp(moment: datetime) -> str:
    """A time as the log keeps it: UTC, to the microsecond, of fixed width, so that the order
    of the texts is the order of the times."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _moment(text: str) -> datetime:
    """A time the log keeps, or an ``xsd:dateTime``'s text, as an instant (UTC when it gives
    no offset). ValueError when it is none."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def folder_of(iri: str) -> str:
    """The IRI up to its last slash: ``{base}id/event/`` for an event."""
    return iri[: iri.rfind("/") + 1]


def _bound(key: str | None) -> tuple[str, str] | None:
    parsed = parse_key(key)
    return (stamp(parsed[0]), parsed[1]) if parsed is not None else None


def _labels(labels: dict[str, str]) -> str:
    return json.dumps(labels, ensure_ascii=False, sort_keys=True)


def rows_of_record(record: Record, generation: int | None) -> tuple[list[LogRow], list[TargetRow]]:
    """What a write's record adds to the log (the rows :func:`records_in` reads back from the
    history graph)."""
    time = stamp(record.ended)
    labels = _labels(record_labels(record))
    change = str(record.iri)
    rows = [
        (
            time,
            f"{change}#r{number}",
            change,
            str(touched.iri),
            touched.action,
            record.agent,
            labels,
            record.added,
            record.removed,
            generation,
        )
        for number, touched in enumerate(record.touched, start=1)
    ]
    targets = [(str(graph), time, change) for graph in record.graphs if graph is not None]
    return rows, targets


def records_in(
    store: Store, base_url: str, change: URIRef | None = None
) -> tuple[list[LogRow], list[TargetRow]]:
    """The log's rows for one record of the history graph (``change``), or for every record
    (None): a few queries, each a pattern from the record (bounded lookups) or, for all of
    them, one pass over the history graph (never a sort). Literals are read as text
    (``STR``): parsing them into Python values would cost more than the queries."""
    graph = history_graph(base_url).n3()
    subject = change.n3() if change is not None else "?change"
    projected = "" if change is not None else "?change"

    def select(projection: str, pattern: str) -> Iterator[tuple[str, dict]]:
        """(the record's IRI, the row) for each row of ``pattern`` in the history graph."""
        for row in store.select(
            f"{_PREFIXES}SELECT {projected} {projection} WHERE {{ GRAPH {graph} {{ {pattern} }} }}"
        ):
            yield (str(change) if change is not None else str(row.get("change"))), row

    facts: dict[str, dict] = {}

    def fact(key: str) -> dict:
        return facts.setdefault(key, {"labels": {}, "targets": set(), "counts": {}})

    for key, row in select(
        "?name", f"{subject} prov:wasAssociatedWith ?agent . ?agent foaf:name ?name"
    ):
        fact(key).setdefault("name", str(row["name"]))
    for key, row in select("(STR(?n) AS ?generation)", f"{subject} med:generation ?n"):
        fact(key).setdefault("generation", _integer(row["generation"]))
    for key, row in select(
        "?side (STR(?n) AS ?count)", f"{subject} ?side ?node . ?node void:triples ?n"
    ):
        fact(key)["counts"].setdefault(row["side"], _integer(row["count"]))
    for key, row in select(
        "?label ?target",
        f"{{ {subject} rdfs:label ?label }} UNION {{ {subject} as:target ?target }}",
    ):
        label, target = row.get("label"), row.get("target")
        if isinstance(label, Literal):
            fact(key)["labels"].setdefault(label.language or "", str(label))
        if isinstance(target, URIRef):
            fact(key)["targets"].add(str(target))
    rows: list[LogRow] = []
    ended: dict[str, str] = {}
    for key, row in select(
        "?item ?resource ?type (STR(?ended) AS ?time)",
        f"?item dct:isPartOf {subject} ; as:object ?resource ; a ?type ; as:published ?ended",
    ):
        action = ACTION_OF.get(row["type"])
        if action is None or not isinstance(row["resource"], URIRef):
            continue
        try:
            time = stamp(_moment(str(row["time"])))
        except ValueError:
            log.warning("history record %s has a time that is none: %r", key, str(row["time"]))
            continue
        found = fact(key)
        ended[key] = max(time, ended.get(key, time))
        rows.append(
            (
                time,
                str(row["item"]),
                key,
                str(row["resource"]),
                action,
                found.get("name", ""),
                _labels(found["labels"]),
                found["counts"].get(PROV.generated, 0),
                found["counts"].get(PROV.invalidated, 0),
                found.get("generation"),
            )
        )
    targets = [
        (target, ended[key], key)
        for key, found in facts.items()
        if key in ended
        for target in sorted(found["targets"])
    ]
    return rows, targets


def _integer(value: Node | None) -> int:
    try:
        return int(str(value).strip()) if value is not None else 0
    except ValueError:
        return 0


def _batches(values: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class ChangeLog:
    """The SQLite file beside a store (see the module). Request threads read it, each with its
    own connection; writes go through one connection, under the store's write lock."""

    def __init__(self, path: Path | str, base_url: str):
        self.path = Path(path)
        self.base_url = base_url
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._lock = threading.RLock()
        #: Where a damaged or foreign file was set aside, and how many entries it said it held.
        self.set_aside_as: Path | None = None
        self.former_count: int | None = None
        damage, self.former_count = examine(self.path)
        if damage is not None:
            self._set_aside(damage)
        try:
            self._writer = self._open()
        except sqlite3.DatabaseError as error:
            self._set_aside(str(error))
            try:
                self._writer = self._open()
            except sqlite3.Error as again:
                raise StoreError(
                    f"Journal des changements impossible à créer ({self.path}) : {again}.",
                    f"Cannot create the change log ({self.path}): {again}.",
                ) from None

    # -- the file ---------------------------------------------------------------------------

    def _set_aside(self, reason: str) -> None:
        """Move a damaged or foreign file out of the way, kept for the operator; the log is
        then rebuilt from the history graph (:func:`open_changelog`)."""
        self.set_aside_as = set_aside(self.path)
        log.error(
            "change log %s is damaged or not a change log (%s): set aside as %s and rebuilt "
            "from the history graph",
            self.path,
            reason,
            self.set_aside_as.name,
        )

    def _open(self) -> sqlite3.Connection:
        db = self._connect()
        try:
            self._writer = db
            self._prepare()
        except sqlite3.Error:
            db.close()
            raise
        return db

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode = WAL")
        # A commit survives the process being killed; one a power cut takes back is caught
        # up from the history graph like any other the log missed.
        db.execute("PRAGMA synchronous = NORMAL")
        return db

    def _reader(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = self._connect()
        return db

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock, sqlite_transaction(self._writer) as db:
            yield db

    def _prepare(self) -> None:
        """Tables of this layout and base; a file of another layout or base starts empty
        (then :meth:`reconcile` rebuilds it)."""
        with self._transaction() as db:
            names = {
                row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            meta = dict(db.execute("SELECT key, value FROM meta")) if "meta" in names else {}
            if meta.get("layout") == LOG_LAYOUT and meta.get("base_url") == self.base_url:
                return
            if names:
                log.warning("change log %s is of another layout or base: rebuilt", self.path)
            for name in names & set(_TABLES):
                db.execute(f"DROP TABLE {name}")
            # One by one: executescript would commit the transaction.
            for statement in filter(str.strip, _SCHEMA.split(";")):
                db.execute(statement)
            db.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [("layout", LOG_LAYOUT), ("base_url", self.base_url), ("count", "0")],
            )

    def close(self) -> None:
        with self._lock:
            self._writer.close()
        reader = getattr(self._local, "db", None)
        if reader is not None:
            reader.close()
            self._local.db = None

    def _meta(self, key: str) -> str | None:
        row = self._reader().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @property
    def generation(self) -> int | None:
        """The store generation the log is in step with; None: never built."""
        with self._lock:
            row = self._writer.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return int(row[0]) if row else None

    def count(self) -> int:
        """How many entries (resources touched by a write) the log holds."""
        return int(self._meta("count") or 0)

    # -- keeping in step ------------------------------------------------------------------------

    def written(self, store: Store, record: Record, generation: int) -> None:
        """A write and its record were applied, making ``generation``: append its rows. A log
        that missed a write before it catches up first. Called under the store's write lock."""
        with self._lock:
            if self.generation != generation - 1:
                self.reconcile(store)  # finds this record too, by its generation
                return
            rows, targets = rows_of_record(record, generation)
            with self._transaction() as db:
                self._append(db, rows, targets)
                self._set_generation(db, generation)

    def advance(self, store: Store, generation: int) -> None:
        """A write without a record made ``generation``."""
        with self._lock:
            if self.generation != generation - 1:
                self.reconcile(store)
                return
            with self._transaction() as db:
                self._set_generation(db, generation)

    def reconcile(self, store: Store) -> str:
        """Bring the log in step with the store (see the module); under the store's write
        lock. Returns what it did: ``current``, ``caught up`` or ``rebuilt``."""
        with self._lock:
            current = store.generation
            known = self.generation
            if known == current:
                return "current"
            if known is None or known > current or current - known > CATCH_UP_LIMIT:
                self.rebuild(store, current)
                return "rebuilt"
            self._catch_up(store, known, current)
            return "caught up"

    def _catch_up(self, store: Store, known: int, current: int) -> None:
        """Append the records of the generations after ``known`` up to ``current``: the
        records that carry them (``med:generation``), each found by an indexed lookup."""
        history = history_graph(self.base_url)
        changes = sorted(
            {
                quad[0]
                for n in range(known + 1, current + 1)
                for quad in store.quads(None, MED.generation, Literal(n), history)
                if isinstance(quad[0], URIRef)
            },
            key=str,
        )
        with self._transaction() as db:
            added = 0
            for change in changes:
                added += self._append(db, *records_in(store, self.base_url, change))
            self._set_generation(db, current)
        log.info(
            "change log caught up from generation %d to %d: %d record(s), %d entr(ies)",
            known,
            current,
            len(changes),
            added,
        )

    def rebuild(self, store: Store, generation: int | None = None) -> int:
        """Fill the log again from every record of the history graph (under the store's write
        lock, or with nothing writing); return the number of entries. Readers see the log as
        it was until the rebuild is committed."""
        generation = store.generation if generation is None else generation
        rows, targets = records_in(store, self.base_url)
        with self._transaction() as db:
            for table in ("entry", "latest", "target"):
                db.execute(f"DELETE FROM {table}")
            db.execute("UPDATE meta SET value = '0' WHERE key = 'count'")
            self._append(db, rows, targets)
            self._set_generation(db, generation)
            count = int(db.execute("SELECT value FROM meta WHERE key = 'count'").fetchone()[0])
        log.info("change log %s rebuilt from the history graph: %d entries", self.path, count)
        return count

    def _append(self, db: sqlite3.Connection, rows: list[LogRow], targets: list[TargetRow]) -> int:
        """Add rows (those it holds already are left as they are); return how many were new."""
        added = db.executemany(
            f"INSERT OR IGNORE INTO entry ({_COLUMNS}, generation) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        ).rowcount
        db.executemany("INSERT OR IGNORE INTO target VALUES (?, ?, ?)", targets)
        db.executemany(
            """INSERT INTO latest VALUES (?, ?, ?, ?, ?) ON CONFLICT (resource) DO UPDATE SET
                 time = excluded.time, item = excluded.item, action = excluded.action
               WHERE (excluded.time, excluded.item) > (latest.time, latest.item)""",
            [(row[3], folder_of(row[3]), row[0], row[1], row[4]) for row in rows],
        )
        db.execute(
            "UPDATE meta SET value = CAST(value AS INTEGER) + ? WHERE key = 'count'",
            (max(added, 0),),
        )
        return max(added, 0)

    @staticmethod
    def _set_generation(db: sqlite3.Connection, generation: int) -> None:
        db.execute(
            "INSERT INTO meta VALUES ('generation', ?) ON CONFLICT (key) DO UPDATE SET "
            "value = excluded.value",
            (str(generation),),
        )

    # -- reading: one index range each ------------------------------------------------------

    def _entries(self, sql: str, parameters: tuple) -> list[Entry]:
        rows = self._reader().execute(f"SELECT {_COLUMNS} FROM entry {sql}", parameters).fetchall()
        return [
            Entry(
                change=URIRef(change),
                item=URIRef(item),
                resource=URIRef(resource),
                action=action,
                ended=_moment(time),
                agent=agent,
                labels=json.loads(labels),
                added=added,
                removed=removed,
            )
            for time, item, change, resource, action, agent, labels, added, removed in rows
        ]

    @staticmethod
    def _page(entries: list[Entry], limit: int) -> tuple[list[Entry], str | None]:
        if len(entries) > limit:
            return entries[:limit], entries[limit - 1].key
        return entries, None

    def older(self, after: str | None, limit: int) -> tuple[list[Entry], str | None]:
        """Entries newest first, older than the key ``after`` (from the newest without it), at
        most ``limit``, and the key of the next page (None on the last)."""
        return self._newest_first([], (), after, limit)

    def newer(self, before: str, limit: int) -> tuple[list[Entry], bool]:
        """The ``limit`` entries just newer than the key ``before``, newest first, and whether
        there are newer ones still."""
        bound = _bound(before)
        if bound is None:
            return [], False
        entries = self._entries(
            "WHERE (time, item) > (?, ?) ORDER BY time, item LIMIT ?", (*bound, limit + 1)
        )
        return list(reversed(entries[:limit])), len(entries) > limit

    def for_resource(
        self, resource: URIRef, limit: int, after: str | None = None
    ) -> tuple[list[Entry], str | None]:
        """The entries of one resource, newest first, after the key ``after``: one page of
        ``limit`` and the key of the next (None on the last)."""
        return self._newest_first(["resource = ?"], (str(resource),), after, limit)

    def _newest_first(
        self, conditions: list[str], values: tuple, after: str | None, limit: int
    ) -> tuple[list[Entry], str | None]:
        """One page of the entries meeting ``conditions``, newest first, older than the key
        ``after``: an indexed range of ``(time, item)``. A key that is not one: an empty page."""
        if after is not None:
            bound = _bound(after)
            if bound is None:
                return [], None
            conditions, values = [*conditions, "(time, item) < (?, ?)"], (*values, *bound)
        where = f"WHERE {' AND '.join(conditions)} " if conditions else ""
        return self._page(
            self._entries(f"{where}ORDER BY time DESC, item DESC LIMIT ?", (*values, limit + 1)),
            limit,
        )

    def last_deletion(self, resource: URIRef) -> Entry | None:
        """The last write that deleted ``resource`` (its tombstone's), None if none did."""
        found = self._entries(
            "WHERE resource = ? AND action = 'delete' ORDER BY time DESC, item DESC LIMIT 1",
            (str(resource),),
        )
        return found[0] if found else None

    def latest(self, resources: Iterable[URIRef]) -> dict[URIRef, datetime]:
        """When each of these resources was last changed by a write (absent: never)."""
        wanted = sorted({str(r) for r in resources})
        found: dict[URIRef, datetime] = {}
        for batch in _batches(wanted, INSERT_BATCH):
            marks = ", ".join("?" * len(batch))
            for resource, time in self._reader().execute(
                f"SELECT resource, time FROM latest WHERE resource IN ({marks})", batch
            ):
                found[URIRef(resource)] = _moment(time)
        return found

    def latest_change(self) -> datetime | None:
        """When the last write recorded ended."""
        row = (
            self._reader()
            .execute("SELECT time FROM entry ORDER BY time DESC, item DESC LIMIT 1")
            .fetchone()
        )
        return _moment(row[0]) if row else None

    def recent(self, folder: str, limit: int) -> list[tuple[URIRef, datetime]]:
        """The resources named ``folder`` + a name without ``/``, changed last first, deleted
        ones left out; at most ``limit``."""
        rows = (
            self._reader()
            .execute(
                "SELECT resource, time FROM latest WHERE folder = ? AND action != 'delete' "
                "ORDER BY time DESC LIMIT ?",
                (folder, limit),
            )
            .fetchall()
        )
        return [(URIRef(resource), _moment(time)) for resource, time in rows]

    def graphs_changed(self) -> dict[URIRef, datetime]:
        """When each graph was last written to (a few rows per graph read: one per graph)."""
        rows = (
            self._reader().execute("SELECT graph, MAX(time) FROM target GROUP BY graph").fetchall()
        )
        return {URIRef(graph): _moment(time) for graph, time in rows}


def changelog_path(config) -> Path:
    """``changes_path`` when set, else ``<store dir>/changes.sqlite``."""
    configured = getattr(config, "changes_path", "") or ""
    return Path(configured) if configured else Path(config.store) / FILE_NAME


def open_changelog(store: Store, config) -> ChangeLog:
    """The change log of ``store`` as the settings place it, in step with the store (caught up
    or rebuilt under the store's write lock). Whoever opens it hands it to what reads it: the
    publisher, which appends to it, and the pages and feeds."""
    found = ChangeLog(changelog_path(config), config.base_url)
    with store.write_lock():
        state = found.reconcile(store)
    if state != "current":
        log.info("change log %s %s at generation %s", found.path, state, found.generation)
    if found.set_aside_as is not None:
        report_loss(found.former_count, found.count(), found.set_aside_as)
    return found


__all__ = [
    "INSERT_BATCH",
    "CATCH_UP_LIMIT",
    "ChangeLog",
    "FILE_NAME",
    "LOG_LAYOUT",
    "changelog_path",
    "folder_of",
    "open_changelog",
    "records_in",
    "rows_of_record",
    "stamp",
]
