"""What writes do to the index's tables: rows in and out, the tallies they count in, the
terms they name, and incoming links.

Statements on a connection the caller holds in a transaction (:func:`.database.transaction`),
so that a build, an update or a removal changes rows, tallies and links together or not at
all. A row is never updated in place: it is deleted and inserted again, and each side moves
the tallies of :func:`tally_keys` by one. Functions, not methods: they keep no state
between calls, and :class:`~.index.Index` decides when each runs.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence

from rdflib import Literal

from ..labels import Languages
from .database import in_batches
from .gather import values_of
from .kinds import SEARCH_TIERS
from .rows import Row, best_pair
from .text import fold

#: Linking IRIs whose outgoing links one query reads, when an update follows a write.
LINK_BATCH = 400
#: Incoming links a build writes at a time.
LINK_WRITE_BATCH = 50_000


# ---------------------------------------------------------------------------------------------
# Rows and their tallies
# ---------------------------------------------------------------------------------------------

#: Where the parts of a row's id start: its search tier, then its length in words, then a
#: sequence number. FTS5 reads matches in id order, so a search that reads only the first
#: matches (:data:`~.reads.SEARCH_WINDOW`) reads those of the first tier, shortest first:
#: the rows bm25 scores highest when the words are in their names (see ``docs/search.md``).
TIER_SHIFT = 56
LENGTH_SHIFT = 40
MAX_LENGTH = (1 << (TIER_SHIFT - LENGTH_SHIFT)) - 1


def row_order(row: Row) -> int:
    """The id bits of ``row``'s place in the search order (tier, then words, fewest first)."""
    tier = SEARCH_TIERS.get(row.kind, max(SEARCH_TIERS.values()) + 1)
    words = sum(len(t.split()) for t in (*row.text_label, *row.text_body, *row.text_context))
    return (tier << TIER_SHIFT) | (min(words, MAX_LENGTH) << LENGTH_SHIFT)


def _sequence(db: sqlite3.Connection, n: int) -> int:
    """The first of ``n`` sequence numbers, never given before by this index file."""
    found = db.execute("SELECT value FROM meta WHERE key = 'sequence'").fetchone()
    first = int(found[0]) if found else 0
    db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('sequence', ?)", (str(first + n),))
    return first


def tally_keys(
    kind: str,
    subkind: str,
    facets: Mapping[str, Iterable[str]],
    precision: str | None,
    start: str | None,
) -> list[tuple[str, str, str, str]]:
    """The :data:`tally` rows one index row counts in (see the table's comment)."""
    levels = [(kind, ""), ("*", "")] + ([(kind, subkind)] if subkind else [])
    keys = [("*", "", "kind", kind), (kind, "", "subkind", subkind)]
    for level, sub in levels:
        keys.append((level, sub, "*", "*"))
        for facet, values in facets.items():
            keys += [(level, sub, facet, value) for value in values]
        if precision in ("day", "month") and start:
            keys.append((level, sub, "month", start[:7]))
        elif precision == "year":
            keys.append((level, sub, "coarse", "*"))
    return keys


def delete_row(db: sqlite3.Connection, iri: str, tally: Counter) -> int:
    """Delete the row of ``iri`` (1) if there is one (else 0), counting it out of ``tally``."""
    found = db.execute(
        "SELECT id, kind, subkind, date_precision, start_day FROM resource WHERE iri = ?",
        (iri,),
    ).fetchone()
    if found is None:
        return 0
    rid, kind, subkind, precision, start = found
    facets: dict[str, set[str]] = {}
    for facet, value in db.execute(
        "SELECT f.facet, t.iri FROM facet f JOIN term t ON t.id = f.value WHERE f.id = ?",
        (rid,),
    ):
        facets.setdefault(facet, set()).add(value)
    for key in tally_keys(kind, subkind, facets, precision, start):
        tally[key] -= 1
    db.execute("DELETE FROM resource WHERE id = ?", (rid,))
    db.execute("DELETE FROM facet WHERE id = ?", (rid,))
    db.execute("DELETE FROM dep WHERE id = ?", (rid,))
    db.execute("DELETE FROM text WHERE rowid = ?", (rid,))
    return 1


#: Where a build puts the rows' text, facets and dependencies until every row is in, then
#: each into its table in the table's own order: FTS5 writes a segment whenever a row's id is
#: below the last one's, and the facets' and dependencies' keys, in the build's order, land
#: all over their b-trees (at a million triples, the inserts were a third of the build).
STAGED = {
    "text": ("(id INTEGER PRIMARY KEY, label, body, context)", "rowid, label, body, context"),
    "facet": ("(facet, value, id)", "facet, value, id"),
    "dep": ("(term, id)", "term, id"),
}


def start_staging(db: sqlite3.Connection) -> list[str]:
    """Temporary tables for a build's rows (:data:`STAGED`); the secondary indexes of the
    tables are dropped, to be made again in one pass each. Returns their definitions."""
    indexes = [
        sql
        for (sql,) in db.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        )
    ]
    for (name,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    ).fetchall():
        db.execute(f'DROP INDEX "{name}"')
    for table, (columns, _) in STAGED.items():
        db.execute(f"DROP TABLE IF EXISTS temp.staged_{table}")
        db.execute(f"CREATE TEMP TABLE staged_{table} {columns}")
    return indexes


def finish_staging(db: sqlite3.Connection, indexes: list[str]) -> None:
    """The staged rows into their tables in key order, and the indexes made again."""
    for table, (_, columns) in STAGED.items():
        order = "id" if table == "text" else columns
        db.execute(
            f"INSERT OR IGNORE INTO {table} ({columns}) "
            f"SELECT * FROM temp.staged_{table} ORDER BY {order}"
        )
        db.execute(f"DROP TABLE temp.staged_{table}")
    for sql in indexes:
        db.execute(sql)


#: What a row becomes in the tables, short of its id: its place in the search order
#: (:func:`row_order`), its ``resource`` columns after the id, its facets (name, value), its
#: dependencies and its text columns. Plain tuples: a build's row makers send them to the
#: process that writes (:mod:`.parallel`).
Prepared = tuple[int, tuple, list[tuple[str, str]], list[str], tuple[str, str, str]]


def prepare_row(row: Row, languages: Languages) -> Prepared:
    """What ``row`` becomes in the tables (:data:`Prepared`); it sorts by the name the
    first of ``languages`` prefers."""
    best = best_pair(row.labels, languages)
    sort_label = fold(best[0]) if best else row.iri
    period, end = row.period, row.end
    last = end.last if end is not None else (period.last if period is not None else None)
    columns = (
        row.iri,
        row.kind,
        row.subkind,
        sort_label,
        json.dumps(row.labels, ensure_ascii=False),
        json.dumps(row.descriptions, ensure_ascii=False),
        json.dumps(row.where, ensure_ascii=False),
        period.value if period else None,
        period.precision if period else None,
        period.first if period else None,
        last,
        end.value if end is not None and period is not None and end.value != period.value else None,
        period.first if period else "",
        int(row.top),
    )
    facets = [(facet, value) for facet, values in row.facets.items() for value in values]
    text = (" ".join(row.text_label), " ".join(row.text_body), " ".join(row.text_context))
    return row_order(row), columns, facets, list(row.deps), text


def count_row(row: Row, tally: Counter) -> None:
    """Count ``row`` in ``tally`` (:func:`tally_keys`)."""
    period = row.period
    for key in tally_keys(
        row.kind,
        row.subkind,
        row.facets,
        period.precision if period else None,
        period.first if period else None,
    ):
        tally[key] += 1


def insert_rows(
    db: sqlite3.Connection,
    rows: Iterable[Row],
    languages: Languages,
    tally: Counter,
    staged: bool = False,
    known: dict[str, int] | None = None,
) -> int:
    """Insert rows (none of them already there), counting them in ``tally``; see
    :func:`insert_prepared`."""
    prepared = []
    for row in rows:
        count_row(row, tally)
        prepared.append(prepare_row(row, languages))
    return insert_prepared(db, prepared, staged, known)


def insert_prepared(
    db: sqlite3.Connection,
    prepared: Sequence[Prepared],
    staged: bool = False,
    known: dict[str, int] | None = None,
) -> int:
    """Insert prepared rows (none of them already there); their facets, deps and text in
    bulk. A build stages the text, facets and dependencies (``staged``, :data:`STAGED`),
    and keeps the term ids it met in ``known`` (:func:`term_ids`)."""
    resources, facets, deps, texts = [], [], [], []
    sequence = _sequence(db, len(prepared))
    for count, (order, columns, row_facets, row_deps, text) in enumerate(prepared):
        rid = order | (sequence + count)
        resources.append((rid, *columns))
        facets += [(facet, value, rid) for facet, value in row_facets]
        deps += [(dep, rid) for dep in row_deps]
        texts.append((rid, *text))
    db.executemany(
        "INSERT INTO resource (id, iri, kind, subkind, sort_label, labels, descriptions, "
        "place, date_value, date_precision, start_day, end_day, end_value, sort_date, top) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        resources,
    )
    terms = term_ids(db, {value for _, value, _ in facets} | {dep for dep, _ in deps}, known)
    into = "temp.staged_" if staged else ""
    db.executemany(
        f"INSERT {'' if staged else 'OR IGNORE '}INTO {into}facet VALUES (?, ?, ?)",
        [(facet, terms[value], rid) for facet, value, rid in facets],
    )
    db.executemany(
        f"INSERT {'' if staged else 'OR IGNORE '}INTO {into}dep VALUES (?, ?)",
        [(terms[dep], rid) for dep, rid in deps],
    )
    if staged:
        db.executemany("INSERT INTO temp.staged_text VALUES (?, ?, ?, ?)", texts)
    else:
        db.executemany("INSERT INTO text (rowid, label, body, context) VALUES (?, ?, ?, ?)", texts)
    return len(prepared)


def flush_tally(db: sqlite3.Connection, tally: Counter) -> None:
    """Add the changes ``tally`` holds to the :data:`tally` table, and empty it."""
    _add_counts(db, "tally", ("kind", "subkind", "facet", "value"), tally)
    tally.clear()


def _add_counts(
    db: sqlite3.Connection, table: str, columns: tuple[str, ...], changes: Counter
) -> None:
    """Add ``changes`` (key → how many more or fewer) to the counts ``n`` of ``table``, keyed
    by ``columns``; a count that falls to nothing goes."""
    changed = [(key, n) for key, n in changes.items() if n]
    names = ", ".join(columns)
    db.executemany(
        f"INSERT INTO {table} ({names}, n) VALUES ({', '.join('?' * (len(columns) + 1))}) "
        f"ON CONFLICT ({names}) DO UPDATE SET n = n + excluded.n",
        [(*key, n) for key, n in changed],
    )
    db.executemany(
        f"DELETE FROM {table} WHERE {' AND '.join(f'{c} = ?' for c in columns)} AND n <= 0",
        [key for key, n in changed if n < 0],
    )


def term_ids(
    db: sqlite3.Connection, iris: set[str], known: dict[str, int] | None = None
) -> dict[str, int]:
    """The term id of each IRI (or year), added when new. ``known``: ids already read in
    this transaction (a build's: the same places and themes recur in every batch), kept
    up to date."""
    if known is not None:
        missing = term_ids(db, {i for i in iris if i not in known})
        known.update(missing)
        return known
    wanted = sorted(iris)
    db.executemany("INSERT OR IGNORE INTO term (iri) VALUES (?)", [(i,) for i in wanted])
    found: dict[str, int] = {}
    for chunk, marks in in_batches(wanted):
        found.update(
            (iri, tid)
            for tid, iri in db.execute(f"SELECT id, iri FROM term WHERE iri IN ({marks})", chunk)
        )
    return found


# ---------------------------------------------------------------------------------------------
# Incoming links
# ---------------------------------------------------------------------------------------------


def linkable(iri: str, base: str) -> bool:
    """An IRI whose incoming links are kept: a document of ours (no fragment)."""
    return iri.startswith(base) and "#" not in iri


def outgoing_links(store, base: str, subjects: list[str]) -> dict[str, set[tuple[str, str]]]:
    """What each of ``subjects`` links to (object, property), among documents of ours."""
    found: dict[str, set[tuple[str, str]]] = {s: set() for s in subjects}
    prefix = Literal(base).n3()
    for values in values_of(subjects, LINK_BATCH):
        for row in store.select(
            f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o "
            f"FILTER(isIRI(?o) && STRSTARTS(STR(?o), {prefix})) }}"
        ):
            target = str(row["o"])
            if linkable(target, base):
                found[str(row["s"])].add((target, str(row["p"])))
    return found


def write_links(db: sqlite3.Connection, links: Mapping[str, set[tuple[str, str]]]) -> None:
    """Replace the incoming links ``links`` gives for its subjects; keep the counts."""
    terms = term_ids(
        db,
        {o for pairs in links.values() for o, _ in pairs}
        | {p for pairs in links.values() for _, p in pairs},
    )
    counts: Counter = Counter()
    removed, added = [], []
    for subject, pairs in links.items():
        old = set(db.execute("SELECT object, property FROM link WHERE subject = ?", (subject,)))
        new = {(terms[o], terms[p]) for o, p in pairs}
        for pair in old - new:
            removed.append((*pair, subject))
            counts[pair] -= 1
        for pair in new - old:
            added.append((*pair, subject))
            counts[pair] += 1
    db.executemany("DELETE FROM link WHERE object = ? AND property = ? AND subject = ?", removed)
    db.executemany("INSERT INTO link (object, property, subject) VALUES (?, ?, ?)", added)
    _add_counts(db, "link_count", ("object", "property"), counts)


def link_batches(store, base: str) -> Iterator[list[tuple[str, str, str]]]:
    """Every incoming link of the store as (object, property, subject), in one streaming
    pass over its quads, :data:`LINK_WRITE_BATCH` at a time."""
    batch: list[tuple[str, str, str]] = []
    for subject, predicate, target in store.iri_triples():
        if linkable(target, base):
            batch.append((target, predicate, subject))
            if len(batch) >= LINK_WRITE_BATCH:
                yield batch
                batch = []
    yield batch


def build_links(
    db: sqlite3.Connection,
    store,
    base: str,
    known: dict[str, int] | None = None,
    batches: Iterable[list[tuple[str, str, str]]] | None = None,
) -> int:
    """Every incoming link of the store (a triple held in several graphs is one link);
    returns how many. ``known``: as :func:`term_ids`; ``batches``: what
    :func:`link_batches` gives, read by another process."""
    for batch in link_batches(store, base) if batches is None else batches:
        terms = term_ids(db, {o for o, _, _ in batch} | {p for _, p, _ in batch}, known)
        db.executemany(
            "INSERT OR IGNORE INTO link (object, property, subject) VALUES (?, ?, ?)",
            [(terms[o], terms[p], s) for o, p, s in batch],
        )
    db.execute(
        "INSERT INTO link_count (object, property, n) SELECT object, property, count(*) "
        "FROM link GROUP BY object, property"
    )
    return db.execute("SELECT count(*) FROM link").fetchone()[0]
