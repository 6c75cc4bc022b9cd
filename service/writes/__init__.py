"""Publishing: the publisher (every write checked on its neighbourhood, then applied), the
first load and ``mediation load``, the history of writes and the change log beside the
store. See ``docs/writes.md``.
"""

from __future__ import annotations

from .bulkload import BulkOutcome, bulk_file, load_in_bulk
from .changelog import ChangeLog, open_changelog
from .history import (
    HISTORY_LINKS,
    Entry,
    Tombstone,
    agent_iri,
    history_graph,
    last_changes,
    parse_key,
    tombstone,
)
from .loading import (
    dataset_quads,
    ensure_seeded,
    group_for_replace,
    load_changes,
    read_source,
    source_files,
)
from .missed import missed_iris
from .neighbourhood import check_write, write_rules
from .publisher import Outcome, Publisher, check_graph

__all__ = [
    "BulkOutcome",
    "ChangeLog",
    "Entry",
    "HISTORY_LINKS",
    "Outcome",
    "Publisher",
    "Tombstone",
    "agent_iri",
    "bulk_file",
    "changes_for",
    "check_graph",
    "check_write",
    "dataset_quads",
    "ensure_seeded",
    "feed",
    "feed_newer",
    "feed_size",
    "group_for_replace",
    "history_graph",
    "last_changes",
    "load_changes",
    "load_in_bulk",
    "missed_iris",
    "open_changelog",
    "parse_key",
    "read_source",
    "recently_changed",
    "source_files",
    "tombstone",
    "write_rules",
]
