"""A damaged change log: what is wrong with the file, and, once it is rebuilt from the
history graph, what could not be given back and what the operator does about it.

The history graph in the store is the record; the change log (:mod:`.changelog`) is made
from it, so a damaged file is set aside and rebuilt. What the history graph does not hold
(records removed from the store) cannot come back from it: the log says so, with the
number of entries lost and the way back (the store from a backup).
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from ..files import sqlite_damage

log = logging.getLogger(__name__)


def examine(path: Path) -> tuple[str | None, int | None]:
    """What is wrong with the change log file ``path`` (None: nothing, or no file yet): damage
    SQLite finds, or a database of another program (tables, none of them ``meta``); and the
    number of entries the file says it holds, when it can tell."""
    if not path.exists() or path.stat().st_size == 0:
        return None, None
    damage = sqlite_damage(path)
    db = sqlite3.connect(path)
    try:
        names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if names and "meta" not in names:
            return "not a change log (tables: " + ", ".join(sorted(names)[:5]) + ")", None
        if "meta" not in names:
            return damage, None
        # Read even from a damaged file when its page of meta is intact: what it held.
        found = db.execute("SELECT value FROM meta WHERE key = 'count'").fetchone()
        return damage, int(found[0]) if found and str(found[0]).isdigit() else None
    except sqlite3.DatabaseError as error:
        return damage or str(error), None
    finally:
        db.close()


def report_loss(former: int | None, now: int, kept: Path | None) -> None:
    """After a damaged log was rebuilt with ``now`` entries (``former``: what the damaged file
    said it held, when it could tell): say what is lost, if anything, and what to do."""
    if former is not None and former > now:
        log.error(
            "change log rebuilt with %d entries where the damaged one said %d: the %d missing "
            "are writes whose history records are no longer in the history graph; the change "
            "feed, the Atom feed and the pages' histories lack them. To get them back, stop the "
            "service and restore the store directory from a backup. The damaged file is kept "
            "as %s",
            now,
            former,
            former - now,
            kept,
        )
    else:
        log.warning(
            "change log rebuilt from the history graph: %d entries, nothing lost; the damaged "
            "file is kept as %s and may be removed",
            now,
            kept,
        )


__all__ = ["examine", "report_loss"]
