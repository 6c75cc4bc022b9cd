"""What the search tests share: a seeded store of their own, and catching the background index
build as it starts."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from service.config import load_config
from service.store.embedded import EmbeddedStore
from service.writes.loading import ensure_seeded


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    """A store directory holding the project's files, built once, copied by each test."""
    directory = tmp_path_factory.mktemp("seeded") / "store"
    store = EmbeddedStore(directory, workers=False)
    ensure_seeded(
        store, load_config(overrides={"store": str(directory), "territories": "seed"}, environ={})
    )
    store.close()
    return directory


@pytest.fixture
def store(seeded, tmp_path) -> EmbeddedStore:
    """A copy of the seeded store, open, closed after the test."""
    directory = tmp_path / "store"
    shutil.copytree(seeded, directory)
    opened = EmbeddedStore(directory, workers=False)
    yield opened
    opened.close()


@pytest.fixture
def paused_build() -> Callable[..., int]:
    """A function that catches a store's index build process as it starts and stops it
    (SIGSTOP), returning its process id: the test then sees the server while it builds."""

    def pause(store_dir: Path, timeout: float = 60) -> int:
        marker = store_dir / ".index-building.json"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                pid = json.loads(marker.read_text(encoding="utf-8"))["pid"]
            except (FileNotFoundError, ValueError):
                time.sleep(0.005)
                continue
            os.kill(pid, signal.SIGSTOP)
            return pid
        raise AssertionError("no index build started")

    return pause


#: Every table a build writes, read so that two indexes compare: terms by their IRI, the
#: text's words sorted (the context's names come from sets: their order is the hash's).
TABLES = {
    "resource": "SELECT * FROM resource ORDER BY id",
    "text": "SELECT rowid, label, body, context FROM text ORDER BY rowid",
    "facet": "SELECT f.facet, t.iri, f.id FROM facet f JOIN term t ON t.id = f.value "
    "ORDER BY 1, 2, 3",
    "dep": "SELECT t.iri, d.id FROM dep d JOIN term t ON t.id = d.term ORDER BY 1, 2",
    "tally": "SELECT * FROM tally ORDER BY 1, 2, 3, 4",
    "link": "SELECT o.iri, p.iri, l.subject FROM link l JOIN term o ON o.id = l.object "
    "JOIN term p ON p.id = l.property ORDER BY 1, 2, 3",
}


def _tables(path) -> dict[str, list]:
    db = sqlite3.connect(path)
    try:
        found = {name: db.execute(query).fetchall() for name, query in TABLES.items()}
    finally:
        db.close()
    found["text"] = [(rid, *(sorted(c.split()) for c in cols)) for rid, *cols in found["text"]]
    return found


@pytest.fixture
def index_tables() -> Callable[[Path], dict[str, list]]:
    """A function reading every table of an index file so that two builds compare."""
    return _tables
