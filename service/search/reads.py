"""What reads of the index answer: rows by IRI, lists, search, facet counts, timelines, and
incoming links.

Every read is bounded: lists page by key (``(sort key, iri) > (last seen)``, never
``OFFSET``), results and facets have a ``LIMIT``, and a statement running past the
time-out is interrupted (:meth:`.database.IndexFile._bounded`). What a kind (and sub-kind)
counts without other filters is read from the tallies, a few rows whatever the size of
the store; anything else is counted over the rows the filters select.

:class:`IndexReads` is the middle layer of :class:`~.index.Index`, on the file
(:class:`~.database.IndexFile`): layers of one class rather than collaborators, so that
the methods callers know stay on :class:`~.index.Index` without a forwarding method each,
and each layer reads only the one below it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any

from . import past
from .database import IndexFile, in_batches
from .kinds import kind_labels, subkind_labels
from .queries import COUNT_BOUND, ORDERS, FacetValue, Filters, Item, Page
from .records import TIER_SHIFT
from .rows import Pairs
from .text import fts_expression, query_stems

#: Weights of the text columns in the ranking (bm25): names, text (descriptions, parts),
#: context (names of what a row links to). FTS5 multiplies a column's term frequency by its
#: weight, then normalises by the length of the whole row: with a name's words weighing
#: 100, a word of the name counts almost fully (saturated) however long the row's
#: descriptions and context are, so a rich event is not outranked by a short row that
#: mentions the word in passing; text and context keep bm25's length normalisation, the
#: names of linked things half as much as the row's own words.
WEIGHTS = (100.0, 1.0, 0.5)

#: How far apart the tiers of :data:`~.kinds.SEARCH_TIERS` are in a search's rank (tier ×
#: span + bm25), so that one number orders by tier, then relevance, and keys stay (rank,
#: IRI). FTS5's bm25 is minus a sum over the query's phrases of idf × (k1 + 1) × tf / (tf +
#: …), each below idf × 2.2; a query has at most 32 phrases (16 words, two stems each) and
#: idf ≤ ln(2N + 1) < 22 up to a billion rows: bm25 stays above −1,550.
TIER_SPAN = 10_000.0

#: Most matches a search ranks: the first ones in the index's order (tier, then shortest
#: first, :func:`~.records.row_order`), every one when there are fewer. bm25 over 61,000
#: matches took 48 ms; over this many, about 4 (``bench/README.md``).
SEARCH_WINDOW = 5000

#: Most matches a search's facets count by default (the ``facet_window`` setting): the first
#: ones in the index's order, as the search ranks them. Counted over every match, a common
#: word's four facets took seconds at a million triples; past this many matches their counts
#: are at least what they say (:attr:`~.queries.FacetValue.exact` false).
FACET_WINDOW = SEARCH_WINDOW

#: Most rows a search's filters may select for its matches to be checked against them as a
#: set, built once and probed per match, rather than joined to their rows one by one. A
#: match is cheap to probe and dear to join (0.15 against 0.6 µs), a set dear to build (about
#: 0.5 µs a row): « atelier » among the events of a département at a million triples, 673
#: rows, took 8 ms where the join of its 44,000 matches took 28 (``bench/README.md``).
FILTER_SET_BOUND = 10_000

#: Most upcoming rows a list without facets reads from the index on their end and sorts,
#: rather than walking the kind's rows in its order from the oldest (past ones included).
FEW_UPCOMING = 2_000

#: Most properties a resource's incoming links are grouped by (a resource linked by more is rare).
MAX_INCOMING_PROPERTIES = 200

#: Facets whose values are a row's own columns, and how their values are named.
COLUMN_FACETS: dict[str, Callable[[str], Pairs]] = {
    "kind": kind_labels,
    "subkind": subkind_labels,
}

_COLUMNS = (
    "r.id, r.iri, r.kind, r.subkind, r.labels, r.descriptions, r.place, r.date_value, "
    "r.date_precision, r.end_value, r.start_day, r.end_day, r.sort_label, r.sort_date"
)


def _item(record: Sequence[Any], key: tuple, score: float | None = None) -> Item:
    return Item(
        iri=record[1],
        kind=record[2],
        subkind=record[3],
        labels=[tuple(p) for p in json.loads(record[4])],
        descriptions=[tuple(p) for p in json.loads(record[5])],
        place=[[tuple(p) for p in pairs] for pairs in json.loads(record[6])],
        date_value=record[7],
        date_precision=record[8],
        end_value=record[9],
        start_day=record[10],
        end_day=record[11],
        key=key,
        score=score,
    )


def _prefix_range(prefix: str | None) -> list[str]:
    """The bounds of the values starting with ``prefix`` (a range, which an index reads);
    none without a prefix."""
    return [prefix, prefix + "\U0010ffff"] if prefix else []


def _tally(db: sqlite3.Connection, level: tuple[str, str], facet: str, value: str) -> int:
    """One count of the tallies (0 when the table has no row for it)."""
    found = db.execute(
        "SELECT n FROM tally WHERE kind = ? AND subkind = ? AND facet = ? AND value = ?",
        (*level, facet, value),
    ).fetchone()
    return found[0] if found else 0


def _tally_total(db: sqlite3.Connection, level: tuple[str, str]) -> int:
    return _tally(db, level, "*", "*")


def _bounding_level(filters: Filters) -> tuple[str, str]:
    """The tallies' level whose counts bound the rows ``filters`` select: its kind (and
    sub-kind), or every row (a sub-kind is tallied under its kind only)."""
    return (filters.kind or "*", (filters.subkind or "") if filters.kind else "")


def _facet_sizes(db: sqlite3.Connection, filters: Filters) -> list[tuple[int, str, str]]:
    """Each facet of ``filters`` with its rows at the bounding level, smallest first."""
    level = _bounding_level(filters)
    return sorted(
        (_tally(db, level, facet, value), facet, value) for facet, value in filters.facets
    )


def _facets_checked(db: sqlite3.Connection, filters: Filters, limit: int) -> bool:
    """Whether a list had better read its rows in its order and look each up in its facets
    than read every row of its smallest facet and sort them: when that facet holds more rows
    (by the tallies) than are read in order until a page is full (``limit`` ÷ the share of
    the kind's rows that pass every facet, taken as independent). A broad theme's past
    events, first page: 26 ms sorted from the facet, 0.6 ms read in order at a million
    triples, 186 and 1.3 ms at ten million (``bench/README.md``). Only a list of one kind
    has an index in its order; dates that select few rows (upcoming, a period) leave the
    facets where SQLite starts."""
    if not (filters.facets and filters.kind) or filters.when == "upcoming":
        return False
    if filters.date_from is not None or filters.date_to is not None:
        return False
    sizes = [size for size, _, _ in _facet_sizes(db, filters)]
    total = _tally_total(db, _bounding_level(filters))
    if not sizes[0] or not total:
        return False
    passing = 1.0
    for size in sizes:
        passing *= size / total
    return limit / passing < sizes[0]


def _few_upcoming(db: sqlite3.Connection, filters: Filters) -> bool:
    """Whether a list of upcoming rows of one kind had better start from the kind's rows
    that end today or later (the index on their end) than from its smallest facet, or
    without facets from the walk of the kind's rows in the list's order: when they are
    fewer than that facet's rows, or than :data:`FEW_UPCOMING`. An archive holds few
    upcoming events: a broad theme's, when none is, took 28–31 ms at a million triples and
    335–350 ms at ten million read from the theme, nothing from the upcoming rows; the home
    page's upcoming days walked every past one first (170 ms at ten million triples, 2.4 s
    from disk: ``bench/README.md``)."""
    if filters.when != "upcoming" or not filters.kind:
        return False
    if filters.date_from is not None or filters.date_to is not None:
        return False
    bound = _facet_sizes(db, filters)[0][0] if filters.facets else FEW_UPCOMING
    upcoming = db.execute(
        "SELECT count(*) FROM (SELECT 1 FROM resource INDEXED BY resource_end "
        "WHERE kind = ? AND end_day >= ? LIMIT ?)",
        (filters.kind, filters.day(), bound + 1),
    ).fetchone()[0]
    return upcoming <= bound


def _list_rows(
    db: sqlite3.Connection, filters: Filters, limit: int, few_upcoming: bool
) -> tuple[str, list[Any]]:
    """``resource r … WHERE …`` of the rows a list reads, and its parameters: from the few
    upcoming ones (``few_upcoming``: :func:`_few_upcoming`), in the list's order
    (:func:`_facets_checked`), or from the smallest facet (SQLite's choice)."""
    if few_upcoming:
        where, params = filters.sql(facets_checked=True)
        return f"resource r INDEXED BY resource_end WHERE {where}", params
    where, params = filters.sql(facets_checked=_facets_checked(db, filters, limit))
    return f"resource r WHERE {where}", params


def _counted(db: sqlite3.Connection, filters: Filters) -> tuple[str, list[Any]]:
    """``FROM … WHERE …`` of the rows a filtered list counts. With facets, read from the
    smallest one's rows joined to theirs, which SQLite reads one by one and stops at the
    count's bound; ``id IN (…)`` first gathered every row of the facet (130,000 for a broad
    theme at ten million triples: 22 ms, against 1.4)."""
    if not filters.facets:
        where, params = filters.sql()
        return f"resource r WHERE {where}", params
    _, facet, value = _facet_sizes(db, filters)[0]
    others = replace(filters, facets=[f for f in filters.facets if f != (facet, value)])
    where, params = others.sql(facets_checked=True)
    return (
        "facet d JOIN resource r ON r.id = d.id WHERE d.facet = ? AND d.value = "
        f"(SELECT id FROM term WHERE iri = ?) AND {where}",
        [facet, value, *params],
    )


def _matches(db: sqlite3.Connection, filters: Filters) -> tuple[str, list[Any]]:
    """``FROM … WHERE …`` of the full-text matches that pass ``filters``, in the index's
    order (the first parameter is the FTS5 expression, the others the filters').

    Without filters, the matches alone. With filters that select few rows by the tallies
    (each facet's count at the kind's level bounds them; dates only narrow them), those rows
    as a set each match is probed against (``+`` keeps FTS5 from looking each one up);
    else each match joined to its row, which stops as soon as the window is full."""
    where, params = filters.sql()
    if where == "1":
        return "FROM text WHERE text MATCH ?", []
    sizes = _facet_sizes(db, filters)
    selected = sizes[0][0] if sizes else _tally_total(db, _bounding_level(filters))
    if selected <= FILTER_SET_BOUND:
        return (
            "FROM text WHERE text MATCH ? AND "
            f"+text.rowid IN (SELECT r.id FROM resource r WHERE {where})",
            params,
        )
    return f"FROM text JOIN resource r ON r.id = text.rowid WHERE text MATCH ? AND {where}", params


def _bounded_count(
    db: sqlite3.Connection, source: str, params: list, bound: int
) -> tuple[int, bool]:
    """How many rows ``SELECT 1 FROM {source}`` gives, counted up to ``bound``: (the count,
    whether it is exact). Past the bound, the cost stops growing."""
    n = db.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {source} LIMIT ?)", params + [bound + 1]
    ).fetchone()[0]
    return min(n, bound), n <= bound


def _labels_of(db: sqlite3.Connection, iris: list[str]) -> dict[str, tuple[str, Pairs]]:
    found: dict[str, tuple[str, Pairs]] = {}
    for chunk, marks in in_batches(iris):
        for iri, kind, labels in db.execute(
            f"SELECT iri, kind, labels FROM resource WHERE iri IN ({marks})", chunk
        ):
            found[iri] = (kind, [tuple(p) for p in json.loads(labels)])
    return found


def _facet_values(
    db: sqlite3.Connection, facet: str, records: list[tuple[str, int]], exact: bool = True
) -> list[FacetValue]:
    """Facet counts (value, count) with the names of their values: those of the kinds and
    sub-kinds, else of the rows the values are (years have none)."""
    if facet in COLUMN_FACETS:
        return [
            FacetValue(value, n, COLUMN_FACETS[facet](value), exact=exact) for value, n in records
        ]
    labels = _labels_of(db, [v for v, _ in records]) if facet != "year" else {}
    return [
        FacetValue(
            value,
            n,
            labels.get(value, (None, []))[1] or [("", value)],
            labels.get(value, (None, []))[0],
            exact,
        )
        for value, n in records
    ]


def _parts_linking(db: sqlite3.Connection, object_id: int, property_id: int, iri: str) -> int:
    # A document's parts start with "{iri}#"; "$" is the character after "#".
    return db.execute(
        "SELECT count(*) FROM link WHERE object = ? AND property = ? "
        "AND subject >= ? AND subject < ?",
        (object_id, property_id, iri + "#", iri + "$"),
    ).fetchone()[0]


class IndexReads(IndexFile):
    """The questions lists, search, pages and the home page ask the index."""

    #: Most rows a search or a filtered list counts (the ``count_limit`` setting).
    count_bound: int = COUNT_BOUND
    facet_window: int = FACET_WINDOW

    def get(self, iris: Iterable[str]) -> dict[str, Item]:
        """The rows of these IRIs (those the index holds)."""
        wanted = sorted({str(i) for i in iris})
        found: dict[str, Item] = {}
        with self._bounded() as db:
            for chunk, marks in in_batches(wanted):
                for record in db.execute(
                    f"SELECT {_COLUMNS} FROM resource r WHERE r.iri IN ({marks})", chunk
                ):
                    found[record[1]] = _item(record, (record[12], record[1]))
        return found

    def exists(self, iri: str) -> bool:
        with self._bounded() as db:
            return db.execute("SELECT 1 FROM resource WHERE iri = ?", (iri,)).fetchone() is not None

    def list(
        self,
        filters: Filters,
        order: str = "label",
        limit: int = 50,
        after: tuple | None = None,
        before: tuple | None = None,
        count: bool = True,
    ) -> Page:
        """One page of a list, by key: ``after`` the last item seen, or ``before`` the first.

        Its total is counted when ``count`` (else None): from the tallies for a kind and
        sub-kind alone, else over the rows the filters select, up to :attr:`count_bound`."""
        column, descending = ORDERS[order]
        # Items that come later in the list's order than a key, and earlier.
        later, earlier = ("<", ">") if descending else (">", "<")
        forward = before is None
        position = after if forward else before
        # Walking back from ``before`` reads the list in reverse, then puts the page back.
        reverse = descending if forward else not descending
        direction = "DESC" if reverse else "ASC"
        keyset, key_params = "", []
        if position is not None:
            keyset = f" AND (r.{column}, r.iri) {later if forward else earlier} (?, ?)"
            key_params = list(position)
        key_index = 12 if column == "sort_label" else 13
        with self._bounded() as db:
            few_upcoming = _few_upcoming(db, filters)
            rows, row_params = _list_rows(db, filters, limit, few_upcoming)
            records = db.execute(
                f"SELECT {_COLUMNS} FROM {rows}{keyset} "
                f"ORDER BY r.{column} {direction}, r.iri {direction} LIMIT ?",
                row_params + key_params + [limit + 1],
            ).fetchall()
            more = len(records) > limit
            records = records[:limit]
            if not forward:
                records.reverse()
            items = [_item(r, (r[key_index], r[1])) for r in records]

            def beyond(key: tuple, comparison: str) -> bool:
                return (
                    db.execute(
                        f"SELECT 1 FROM {rows} AND (r.{column}, r.iri) {comparison} (?, ?) LIMIT 1",
                        row_params + list(key),
                    ).fetchone()
                    is not None
                )

            if forward:
                next_key = items[-1].key if more and items else None
                prev_key = (
                    items[0].key
                    if items and position is not None and beyond(items[0].key, earlier)
                    else None
                )
            else:
                prev_key = items[0].key if more and items else None
                next_key = items[-1].key if items and beyond(items[-1].key, later) else None
            total, exact = None, True
            if count and filters.tallied():
                total = _tally_total(db, filters.level())
            elif count:
                counted = (rows, row_params) if few_upcoming else _counted(db, filters)
                total, exact = _bounded_count(db, *counted, self.count_bound)
        return Page(items, total, next_key, prev_key, exact)

    def search(
        self,
        text: str,
        filters: Filters,
        limit: int = 20,
        after: tuple | None = None,
        prefix: bool = False,
        names_only: bool = False,
    ) -> tuple[Page, list[frozenset[str]], bool]:
        """Resources matching every word of ``text`` (French-aware), by key: by the tier of
        their kind (:data:`~.kinds.SEARCH_TIERS`), then best first. ``prefix``: the last word
        may be the start of a word (search as you type). ``names_only``: every word in the
        names (its own and alternate names, acronyms, the domains of its addresses), not in
        its descriptions or the names of what it links to.

        Ranks the first :data:`SEARCH_WINDOW` matches in the index's order (tier, then
        shortest first, :func:`~.records.row_order`): every match when there are fewer, so
        the cost stops growing with the matches. The total is counted up to
        :attr:`count_bound`. Returns the page, the query's stems (for
        highlighting) and whether words were dropped.
        """
        terms, truncated = query_stems(text)
        if not terms:
            return Page([], 0, None, None), [], truncated
        expression = fts_expression(terms, prefix, "label" if names_only else None)
        # The page starts after the key's rank (with the rows of that rank whose IRI comes
        # after the key's), or anywhere: every rank is above -1,550 (``TIER_SPAN``).
        key_rank, key_iri = after if after is not None else (float("-inf"), "")
        weights = ", ".join(str(w) for w in WEIGHTS)
        with self._bounded() as db:
            # FTS5 reads matches in id order: the window is a prefix of them, scored as it
            # is read. A row's tier is the top bits of its id (``row_order``).
            matches, params = _matches(db, filters)
            window = (
                f"SELECT text.rowid AS id, (text.rowid >> {TIER_SHIFT}) * {TIER_SPAN} "
                f"+ bm25(text, {weights}) AS rank {matches} "
                f"ORDER BY text.rowid LIMIT {max(SEARCH_WINDOW, self.count_bound + 1)}"
            )
            # Only the rows ranked no later than the one ``limit`` places past the key (ties
            # at the key counted in) can be on the page: those alone are joined to their rows.
            records = db.execute(
                f"WITH s AS MATERIALIZED ({window}), "
                "cut AS (SELECT rank FROM s WHERE rank >= ? ORDER BY rank LIMIT 1 "
                "OFFSET ? + (SELECT count(*) FROM s WHERE rank = ?)) "
                f"SELECT {_COLUMNS}, s.rank, (SELECT count(*) FROM s) "
                "FROM s JOIN resource r ON r.id = s.id "
                "WHERE s.rank >= ? AND s.rank <= coalesce((SELECT rank FROM cut), s.rank) "
                "AND (s.rank, r.iri) > (?, ?) ORDER BY s.rank, r.iri LIMIT ?",
                [expression, *params, key_rank, limit, key_rank]
                + [key_rank, key_rank, key_iri, limit + 1],
            ).fetchall()
            if records:
                matched = records[0][15]
            else:
                matched = db.execute(
                    f"SELECT count(*) FROM ({window})", [expression] + params
                ).fetchone()[0]
        more = len(records) > limit
        records = records[:limit]
        items = [_item(r, (r[14], r[1]), r[14]) for r in records]
        next_key = items[-1].key if more and items else None
        total = min(matched, self.count_bound)
        return Page(items, total, next_key, None, matched <= self.count_bound), terms, truncated

    # -- facets and figures ----------------------------------------------------------------------

    def facet_counts(
        self,
        facet: str,
        filters: Filters,
        text: str = "",
        limit: int = 12,
        prefix: str | None = None,
        order: str = "",
    ) -> list[FacetValue]:
        """The most frequent values of a facet among the resources a search or list selects.

        ``facet`` is a facet name, or ``kind``. ``prefix`` keeps values starting with it
        (``{base}id/place/departement/`` for départements). A search counts among its first
        :data:`FACET_WINDOW` matches (those it ranks), a filtered list among its first rows
        (in ``order``, one of :data:`ORDERS`, those it shows first; none: as read): beyond,
        the counts say « at least » (``exact`` false). Kept until the index changes: the
        pages of one search, or of one list, count their facets once.
        """
        return self._kept(
            (facet, repr(filters), text, limit, prefix, self.facet_window, order),
            lambda: self._facet_counts(facet, filters, text, limit, prefix, order),
        )

    def _facet_counts(
        self,
        facet: str,
        filters: Filters,
        text: str,
        limit: int,
        prefix: str | None,
        order: str = "",
    ) -> list[FacetValue]:
        if not text and (filters.tallied() or past.countable(filters)):
            counted = self._tallied_counts(facet, filters, limit, prefix)
            if counted is not None:
                return counted
        terms, _ = query_stems(text) if text else ([], False)
        if text and not terms:
            return []
        size = int(self.facet_window)
        listed = None if terms else self._list_window(filters, size, order)
        with self._bounded() as db:
            if listed is not None:
                # A filtered list's first rows: over every row, a broad theme's 134,000
                # events at ten million triples took 0.5 s a facet, its list's page 2.9 s.
                window = "WITH m AS MATERIALIZED (SELECT value AS id FROM json_each(?)) "
                ids, exact = listed
                params: list[Any] = [ids]
            else:
                # The first matches in the index's order, as the search reads them.
                passing, passing_params = _matches(db, filters)
                first = f"SELECT text.rowid AS id {passing} ORDER BY text.rowid LIMIT "
                params = [fts_expression(terms), *passing_params]
                window = f"WITH m AS MATERIALIZED ({first}{size}) "
                # One match past the window says there are more.
                counted = db.execute(f"SELECT count(*) FROM ({first}{size + 1})", params)
                exact = counted.fetchone()[0] <= size
            if facet in COLUMN_FACETS:  # the rows' own columns
                records = db.execute(
                    f"{window}SELECT r.{facet} AS v, count(*) AS n FROM m "
                    "JOIN resource r ON r.id = m.id GROUP BY v ORDER BY n DESC, v LIMIT ?",
                    params + [limit],
                ).fetchall()
            else:  # the window's ids alone (joined to their rows: 5,000 lookups for nothing)
                value_params = _prefix_range(prefix)
                value_filter = (
                    " AND f.value IN (SELECT id FROM term WHERE iri >= ? AND iri < ?)"
                    if value_params
                    else ""
                )
                records = db.execute(
                    f"{window}SELECT t.iri, c.n FROM (SELECT f.value, count(*) AS n FROM m "
                    f"JOIN facet f ON f.id = m.id WHERE f.facet = ?{value_filter} "
                    "GROUP BY f.value) c JOIN term t ON t.id = c.value ORDER BY c.n DESC, t.iri LIMIT ?",
                    params + [facet] + value_params + [limit],
                ).fetchall()
            return _facet_values(db, facet, records, exact)

    def _list_window(self, filters: Filters, size: int, order: str) -> tuple[str, bool]:
        """The ids of a filtered list's first ``size`` rows (a JSON array, 40 KB at most
        kept), in ``order`` (none: as SQLite reads them), read as the list reads them (from
        the few upcoming ones, from the smallest facet or checking each row's), and whether
        they are all its rows: kept, so that its facets read them once. In the list's order,
        its facets count what it shows first: read as they came, the first 5,000 events of a
        theme at ten million triples were all of one year, the oldest, where the list began
        with the newest."""

        def read() -> tuple[str, bool]:
            with self._bounded() as db:
                rows, params = _list_rows(db, filters, size, _few_upcoming(db, filters))
                ordered = ""
                if order:
                    column, descending = ORDERS[order]
                    direction = "DESC" if descending else "ASC"
                    ordered = f" ORDER BY r.{column} {direction}, r.iri {direction}"
                found = db.execute(f"SELECT r.id FROM {rows}{ordered} LIMIT ?", params + [size + 1])
                ids = [row_id for (row_id,) in found]
                return json.dumps(ids[:size]), len(ids) <= size

        return self._kept(("window", repr(filters), size, order), read)

    def _tallied_counts(
        self, facet: str, filters: Filters, limit: int, prefix: str | None
    ) -> list[FacetValue] | None:
        """:meth:`facet_counts` from the tallies: of a kind (and sub-kind) alone, the top
        ``limit`` rows of one index range; of its past rows (:mod:`.past`), the tallies
        less its rows that are not past, None when too many are to count them so."""
        kind, subkind = filters.level()
        only_past = filters.when == "past"
        with self._bounded() as db:
            not_past = past.not_past_total(db, filters) if only_past else 0
            if not_past is None:
                return None
            chosen = {"kind": filters.kind, "subkind": filters.subkind}.get(facet)
            if chosen:
                # The list is of one kind (sub-kind): it is the only value, with every row.
                total = _tally_total(db, (kind, subkind)) - not_past
                if only_past and not total:
                    return []  # as counted over the rows: no row, no value
                return [FacetValue(chosen, total, COLUMN_FACETS[facet](chosen))]
            level = {"kind": ("*", ""), "subkind": (kind, "")}.get(facet, (kind, subkind))
            value_params = _prefix_range(prefix)
            if only_past:
                in_row = facet in COLUMN_FACETS
                records = past.past_counts(db, facet, filters, level, limit, value_params, in_row)
                return _facet_values(db, facet, records)
            value_filter = " AND value >= ? AND value < ?" if value_params else ""
            records = db.execute(
                "SELECT value, n FROM tally WHERE kind = ? AND subkind = ? AND facet = ?"
                f"{value_filter} ORDER BY n DESC, value LIMIT ?",
                [*level, facet, *value_params, limit],
            ).fetchall()
            return _facet_values(db, facet, records)

    def timeline(self, filters: Filters, by: str = "year") -> tuple[list[tuple[str, int]], int]:
        """Counts per year or per month (``YYYY`` or ``YYYY-MM``) of dated resources, oldest
        first, and how many are dated too coarsely for that (a year only, when by month)."""
        if filters.tallied():
            with self._bounded() as db:
                level = filters.level()
                records = db.execute(
                    "SELECT value, n FROM tally WHERE kind = ? AND subkind = ? AND facet = ? "
                    "ORDER BY value",
                    [*level, by],
                ).fetchall()
                coarse = _tally(db, level, "coarse", "*") if by != "year" else 0
            return [(bucket, n) for bucket, n in records], coarse
        where, params = filters.sql()
        width = 4 if by == "year" else 7
        precision = "" if by == "year" else " AND r.date_precision != 'year'"
        with self._bounded() as db:
            records = db.execute(
                f"SELECT substr(r.start_day, 1, {width}) AS bucket, count(*) FROM resource r "
                f"WHERE {where} AND r.start_day IS NOT NULL{precision} "
                "GROUP BY bucket ORDER BY bucket",
                params,
            ).fetchall()
            coarse = 0
            if by != "year":
                coarse = db.execute(
                    f"SELECT count(*) FROM resource r WHERE {where} AND r.date_precision = 'year'",
                    params,
                ).fetchone()[0]
        return [(bucket, n) for bucket, n in records], coarse

    def date_span(self, filters: Filters, by: str = "year") -> tuple[str | None, str | None]:
        """First and last start days; by month, only of resources dated to the month or day.
        From the tallies for a kind alone: the first day of the first and last year (month)."""
        if filters.tallied():
            with self._bounded() as db:
                low, high = db.execute(
                    "SELECT min(value), max(value) FROM tally WHERE kind = ? AND subkind = ? "
                    "AND facet = ?",
                    [*filters.level(), by],
                ).fetchone()
            if low is None:
                return None, None
            day = "-01-01" if by == "year" else "-01"
            return low + day, high + day
        where, params = filters.sql()
        precision = "" if by == "year" else " AND r.date_precision != 'year'"
        with self._bounded() as db:
            low, high = db.execute(
                f"SELECT min(r.start_day), max(r.start_day) FROM resource r "
                f"WHERE {where} AND r.start_day IS NOT NULL{precision}",
                params,
            ).fetchone()
        return low, high

    def counts(self, facet: str, values: Iterable[str], kind: str | None = None) -> dict[str, int]:
        """How many rows (of ``kind``) each facet value has: events per theme, per organiser…
        (one tally row each)."""
        with self._bounded() as db:
            return {
                value: _tally(db, (kind or "*", ""), facet, value) for value in sorted(set(values))
            }

    # -- incoming links ----------------------------------------------------------------------------

    def incoming_properties(self, iri: str) -> list[tuple[str, int]]:
        """The properties linking IRIs to the document ``iri`` (its own parts left out), with
        how many links each, most first (:data:`MAX_INCOMING_PROPERTIES` at most)."""
        with self._bounded() as db:
            found = db.execute("SELECT id FROM term WHERE iri = ?", (iri,)).fetchone()
            if found is None:
                return []
            records = db.execute(
                "SELECT c.property, t.iri, c.n FROM link_count c JOIN term t ON t.id = c.property "
                "WHERE c.object = ? ORDER BY c.n DESC, t.iri LIMIT ?",
                (found[0], MAX_INCOMING_PROPERTIES),
            ).fetchall()
            result = []
            for property_id, prop, n in records:
                n -= _parts_linking(db, found[0], property_id, iri)
                if n > 0:
                    result.append((prop, n))
        result.sort(key=lambda c: (-c[1], c[0]))
        return result

    def incoming_subjects(
        self, iri: str, prop: str, limit: int, after: str | None = None
    ) -> tuple[list[str], int, bool]:
        """One page of the IRIs linking to ``iri`` through ``prop`` (its own parts left out),
        in IRI order after ``after``: the page, the group's size and whether more follow."""
        with self._bounded() as db:
            ids = dict(db.execute("SELECT iri, id FROM term WHERE iri IN (?, ?)", (iri, prop)))
            if iri not in ids or prop not in ids:
                return [], 0, False
            object_id, property_id = ids[iri], ids[prop]
            found = db.execute(
                "SELECT n FROM link_count WHERE object = ? AND property = ?",
                (object_id, property_id),
            ).fetchone()
            if found is None:
                return [], 0, False
            total = found[0] - _parts_linking(db, object_id, property_id, iri)
            subjects = [
                row[0]
                for row in db.execute(
                    "SELECT subject FROM link WHERE object = ? AND property = ? AND subject > ? "
                    "AND NOT (subject >= ? AND subject < ?) ORDER BY subject LIMIT ?",
                    (object_id, property_id, after or "", iri + "#", iri + "$", limit + 1),
                )
            ]
        return subjects[:limit], total, len(subjects) > limit
