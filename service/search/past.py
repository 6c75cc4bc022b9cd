"""Facet counts of a kind's past rows, as its tallies less the few rows that are not past.

An archive's rows are nearly all past: counted over the rows the filter selects, the facets
of ``/events?when=past`` read every event, 4–5 s a facet at ten million triples, and the
page passed its 30 s time-out (``bench/README.md``). The rows of the kind that are not
past (upcoming, undated) are few, found by the indexes on their end and their date: the
counts are the kind's tallies less theirs, exact, read in a few rows of the tallies and
the facets of those few rows.
"""

from __future__ import annotations

import heapq
import sqlite3
from dataclasses import replace

from .queries import Filters

#: Most rows of a kind that are not past for its past rows' facets to be counted as the
#: tallies less theirs; past it, they are counted over the past rows.
NOT_PAST_BOUND = 10_000


def countable(filters: Filters) -> bool:
    """Whether ``filters`` select a kind's (and sub-kind's) past rows and nothing else,
    which the tallies less the rows not past count."""
    return (
        filters.when == "past"
        and filters.kind is not None
        and replace(filters, when="all", today=None).tallied()
    )


def _not_past(filters: Filters) -> tuple[str, list]:
    """The ids of the kind's rows that are not past (undated, ending today or later, or
    starting today or later), each range read from an index."""
    kind, today = filters.kind, filters.day()
    rows = (
        "SELECT id FROM resource INDEXED BY resource_end WHERE kind = ? AND end_day IS NULL "
        "UNION SELECT id FROM resource INDEXED BY resource_end WHERE kind = ? AND end_day >= ? "
        "UNION SELECT id FROM resource INDEXED BY resource_date WHERE kind = ? AND sort_date >= ?"
    )
    params = [kind, kind, today, kind, today]
    if filters.subkind:
        rows = f"SELECT r.id FROM ({rows}) n JOIN resource r ON r.id = n.id WHERE r.subkind = ?"
        params.append(filters.subkind)
    return rows, params


def not_past_total(db: sqlite3.Connection, filters: Filters) -> int | None:
    """How many of the kind's rows are not past, None when more than :data:`NOT_PAST_BOUND`."""
    rows, params = _not_past(filters)
    found = db.execute(
        f"SELECT count(*) FROM ({rows} LIMIT ?)", [*params, NOT_PAST_BOUND + 1]
    ).fetchone()[0]
    return found if found <= NOT_PAST_BOUND else None


def past_counts(
    db: sqlite3.Connection,
    facet: str,
    filters: Filters,
    level: tuple[str, str],
    limit: int,
    value_range: list[str],
    in_row: bool,
) -> list[tuple[str, int]]:
    """The ``limit`` most frequent values of ``facet`` among the past rows, most frequent
    first, then by value (the order of a count over the rows): the tallies of ``level``,
    read most frequent first, less the rows not past, until no later value can rank.
    ``in_row``: the facet is a column of the row (else its values are in ``facet``)."""
    rows, params = _not_past(filters)
    ranged = " AND {column} >= ? AND {column} < ?" if value_range else ""
    if in_row:
        less = db.execute(
            f"SELECT r.{facet}, count(*) FROM ({rows}) n JOIN resource r ON r.id = n.id "
            f"WHERE 1{ranged.format(column='r.' + facet)} GROUP BY r.{facet}",
            [*params, *value_range],
        )
    else:
        less = db.execute(
            f"SELECT t.iri, count(*) FROM ({rows}) n JOIN facet f ON f.id = n.id "
            f"JOIN term t ON t.id = f.value WHERE f.facet = ?{ranged.format(column='t.iri')} "
            "GROUP BY t.iri",
            [*params, facet, *value_range],
        )
    not_past = dict(less.fetchall())
    tallies = db.execute(
        "SELECT value, n FROM tally WHERE kind = ? AND subkind = ? AND facet = ?"
        f"{ranged.format(column='value')} ORDER BY n DESC, value",
        [*level, facet, *value_range],
    )
    candidates: list[tuple[str, int]] = []
    ranking: list[int] = []  # the ``limit`` largest past counts so far, the smallest first
    for value, n in tallies:
        if len(ranking) == limit and n < ranking[0]:
            break  # a tally is at least its past count: no later value can rank
        past = n - not_past.get(value, 0)
        if past > 0:
            candidates.append((value, past))
            heapq.heappush(ranking, past)
            if len(ranking) > limit:
                heapq.heappop(ranking)
    return sorted(candidates, key=lambda record: (-record[1], record[0]))[:limit]
