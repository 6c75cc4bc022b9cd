"""A build whose rows are made by forked processes (``index_build_makers``) writes the index
one process writes, table by table and row by row; a maker that fails fails the build,
which leaves the index as it was."""

from __future__ import annotations

import logging
import os
import signal
import sqlite3

import pytest

from service.config import DEFAULT_BASE
from service.errors import StoreError
from service.search import index as index_module
from service.search import parallel
from service.search.index import Index
from service.search.queries import Filters

BASE = DEFAULT_BASE


@pytest.fixture
def forking(monkeypatch):
    """Makers forked whatever the size of the store (the seed is small)."""
    monkeypatch.setattr(parallel, "PARALLEL_LEAST", 0)
    monkeypatch.setattr(os, "cpu_count", lambda: 4)


def raw(path, query: str) -> list:
    db = sqlite3.connect(path)
    try:
        return db.execute(query).fetchall()
    finally:
        db.close()


def test_makers_build_the_index_one_process_builds(store, tmp_path, forking, index_tables, caplog):
    caplog.set_level(logging.INFO, logger="service.search.index")
    one = Index(tmp_path / "one.sqlite", BASE, ("fr", "en"))
    one.build(store)
    expected = index_tables(one.path)
    assert len(expected["resource"]) > 50 and len(expected["link"]) > 50
    for makers in (1, 3):
        several = Index(tmp_path / f"makers-{makers}.sqlite", BASE, ("fr", "en"))
        # Small batches: each maker makes several, read in turn.
        assert several.build(store, batch=7, makers=makers) == one.build(store, batch=7)
        assert index_tables(several.path) == index_tables(one.path), makers
        # Written in the same order: the same ids for terms, and the same link counts.
        for query in ("SELECT * FROM term ORDER BY id", "SELECT * FROM link_count ORDER BY 1, 2"):
            assert raw(several.path, query) == raw(one.path, query), query
        assert f"({makers} processes making rows)" in caplog.text
        found, _, _ = several.search("atelier", Filters(), limit=20)
        alike, _, _ = one.search("atelier", Filters(), limit=20)
        assert found.items and [i.iri for i in found.items] == [i.iri for i in alike.items]
    # Their snapshots of the store are gone.
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(parallel.SNAPSHOT_PREFIX)]


def test_a_failing_maker_fails_the_build_and_leaves_the_index(
    store, tmp_path, forking, index_tables
):
    index = Index(tmp_path / "index.sqlite", BASE, ("fr", "en"))
    index.build(store)
    before = index_tables(index.path)

    def broken(row, languages):
        raise RuntimeError("a maker broke")

    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(parallel, "prepare_row", broken)
        with pytest.raises(StoreError) as raised:
            index.build(store, makers=2)
    message = raised.value.bilingual()
    assert "RuntimeError: a maker broke" in message
    assert "helper process" in message and "processus auxiliaire" in message
    # People read the message; the traceback goes to the operator's log only.
    assert "Traceback" not in message and "File " not in message
    assert index_tables(index.path) == before
    assert index.search("atelier", Filters(), limit=5)[0].items


def test_a_maker_killed_fails_the_build(store, tmp_path, forking, index_tables):
    index = Index(tmp_path / "index.sqlite", BASE, ("fr", "en"))
    index.build(store)
    before = index_tables(index.path)

    def killed(row, languages):
        os.kill(os.getpid(), signal.SIGKILL)

    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(parallel, "prepare_row", killed)
        with pytest.raises(StoreError, match="ended"):
            index.build(store, makers=2)
    assert index_tables(index.path) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(parallel.SNAPSHOT_PREFIX)]


def test_a_build_failing_while_writing_stops_its_makers(store, tmp_path, forking, index_tables):
    index = Index(tmp_path / "index.sqlite", BASE, ("fr", "en"))
    index.build(store)
    before = index_tables(index.path)
    forked = []

    def keep(*args, **kwargs):
        forked.append(parallel.fork_makers(*args, **kwargs))
        return forked[-1]

    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(index_module, "fork_makers", keep)
        patched.setattr(index_module, "insert_prepared", broken)
        with pytest.raises(sqlite3.OperationalError):
            index.build(store, batch=5, makers=2)
    (makers,) = forked
    assert makers.pids == [] and not makers.snapshot.exists()
    assert index_tables(index.path) == before
