"""Getting data into the store: the first load of the project's files.

Every later write goes through validation first (see ``docs/architecture.md``).
"""

from __future__ import annotations

from .config import PROJECT_ROOT, Config
from .formats import BY_FILE_EXTENSION
from .seed import graph_for, project_files
from .store import Store


def ensure_seeded(store: Store, config: Config) -> int:
    """Load ``ontology/``, ``shapes/`` and ``data/`` into an empty store; return quads loaded."""
    if not store.is_empty():
        return 0
    total = 0
    for path in project_files(PROJECT_ROOT):
        fmt = BY_FILE_EXTENSION[path.suffix]
        total += store.load(path, fmt, graph_for(path, config.base_url))
    return total
