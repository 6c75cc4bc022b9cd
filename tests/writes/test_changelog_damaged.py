"""A damaged change log is set aside, kept for the operator, and rebuilt from the history
graph; when the history graph cannot give everything back, the log says how much is lost and
what the operator does.

Over HTTP on the real server, each time on a copy of one store with a few writes, whose
``changes.sqlite`` is damaged while the server is stopped.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
from pathlib import Path

import pytest
from rdflib import URIRef

from service.namespaces import GRAPH, ID
from service.store.embedded import EmbeddedStore
from service.store.interface import Changeset

LOG = "changes.sqlite"
PAGE = 4096


def checkpoint(path: Path) -> None:
    """Everything of the log in its main file (its write-ahead log folded in), so that damage
    to that file is damage to the log."""
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()


def root_page(path: Path, table: str) -> int:
    db = sqlite3.connect(path)
    try:
        query = "SELECT rootpage FROM sqlite_master WHERE name = ?"
        (page,) = db.execute(query, (table,)).fetchone()
    finally:
        db.close()
    return page


def truncate(path: Path) -> None:
    with path.open("r+b") as stream:
        stream.truncate(path.stat().st_size // 2 + 100)


def bad_header(path: Path) -> None:
    with path.open("r+b") as stream:
        stream.write(b"not a change log")


def garbage_in_the_entries(path: Path) -> None:
    """Random bytes over the page of the entries' table, the rest intact."""
    page = root_page(path, "entry")
    with path.open("r+b") as stream:
        stream.seek((page - 1) * PAGE)
        stream.write(random.Random(16).randbytes(PAGE))


@pytest.fixture(scope="module")
def written_store(start_server, tokens, insert_event, tmp_path_factory) -> tuple[Path, int]:
    """A stopped store after three writes, and the number of changes its feed served."""
    store_dir = tmp_path_factory.mktemp("template") / "store"
    server = start_server(store_dir, {"MEDIATION_WRITE_TOKEN": tokens})
    try:
        for n in range(3):
            answer = insert_event(server, str(ID[f"event/journal-abime-{n}"]), f"Journée {n}")
            assert answer.status_code == 200, answer.text
        total = server.get("changes").json()["totalItems"]
    finally:
        server.stop()
    assert total >= 3
    checkpoint(store_dir / LOG)
    return store_dir, total


def kept_copies(store_dir: Path) -> list[Path]:
    found = sorted(store_dir.glob(LOG + ".damaged-*"))
    return [k for k in found if not k.name.endswith(("-wal", "-shm"))]


@pytest.mark.parametrize("damage", [truncate, bad_header, garbage_in_the_entries])
def test_a_damaged_change_log_is_set_aside_and_rebuilt_whole(
    damage, written_store, start_server, tokens, tmp_path
):
    template, total = written_store
    store_dir = tmp_path / "store"
    shutil.copytree(template, store_dir, symlinks=True)
    damage(store_dir / LOG)
    damaged = (store_dir / LOG).read_bytes()
    server = start_server(store_dir, {"MEDIATION_WRITE_TOKEN": tokens})
    try:
        assert server.get("changes").json()["totalItems"] == total
        assert server.get("healthz").status_code == 200
    finally:
        server.stop()
    kept = kept_copies(store_dir)
    assert len(kept) == 1 and kept[0].read_bytes() == damaged
    log = server.log()
    assert f"set aside as {kept[0].name}" in log
    assert "nothing lost" in log


def test_what_the_history_graph_cannot_give_back_is_said(
    written_store, start_server, tokens, tmp_path
):
    template, total = written_store
    store_dir = tmp_path / "store"
    shutil.copytree(template, store_dir, symlinks=True)
    # One write's history record removed from the store, and the log damaged: its entry can
    # come back from nowhere.
    history = GRAPH["history"]
    store = EmbeddedStore(store_dir, workers=False)
    try:
        first = str(ID["event/journal-abime-0"])
        changes = {
            str(quad[0]).split("#", 1)[0]
            for quad in store.quads(None, None, URIRef(first), history)
        }
        gone = [
            quad
            for quad in store.quads(None, None, None, history)
            if str(quad[0]).split("#", 1)[0] in changes
        ]
        assert gone
        store.apply(Changeset(remove=gone))
    finally:
        store.close()
    garbage_in_the_entries(store_dir / LOG)
    server = start_server(store_dir, {"MEDIATION_WRITE_TOKEN": tokens})
    try:
        now = server.get("changes").json()["totalItems"]
    finally:
        server.stop()
    assert now < total
    log = server.log()
    assert f"change log rebuilt with {now} entries where the damaged one said {total}" in log
    assert "restore the store directory from a backup" in log
    assert kept_copies(store_dir)
