"""A damaged or foreign search index never stops the server: the file is set aside, kept for
the operator, and a fresh index is built in the background while the server answers (lists
503 with Retry-After meanwhile).

Over HTTP on the real server, each time on a copy of one store whose index file is damaged
as a disk, a copy or an operator would damage it. The build process is caught as it starts
and paused, so that "meanwhile" lasts as long as the test needs.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from service.config import DEFAULT_BASE

LIEVIN = DEFAULT_BASE + "id/event/2019-12-04-journee-regionale-lievin"
PAGE = 4096


def truncate(path: Path) -> None:
    with path.open("r+b") as stream:
        stream.truncate(path.stat().st_size // 2 + 100)


def bad_header(path: Path) -> None:
    with path.open("r+b") as stream:
        stream.write(b"not an index....")


def garbage_in_the_middle(path: Path) -> None:
    """A page of random bytes halfway through the file: the header and the size are intact,
    so only reading the pages tells."""
    middle = path.stat().st_size // 2 // PAGE * PAGE
    noise = random.Random(16).randbytes(PAGE)
    with path.open("r+b") as stream:
        stream.seek(middle)
        stream.write(noise)


def foreign(path: Path) -> None:
    """Another program's database where the index should be."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE invoice (number INTEGER PRIMARY KEY, total REAL)")
    db.execute("INSERT INTO invoice VALUES (1, 12.5)")
    db.commit()
    db.close()


@pytest.fixture(scope="module")
def stopped_store(start_server, tmp_path_factory) -> Path:
    """A store whose index was built, its server stopped."""
    store_dir = tmp_path_factory.mktemp("template") / "store"
    start_server(store_dir).stop()
    return store_dir


def wait_ready(server, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while server.get("healthz").json()["index"]["state"] != "ready":
        assert time.monotonic() < deadline, "the index did not get ready"
        time.sleep(0.2)


@pytest.mark.parametrize("damage", [truncate, bad_header, garbage_in_the_middle, foreign])
def test_a_damaged_index_is_set_aside_and_built_again_while_the_server_answers(
    damage, stopped_store, start_server, tmp_path, paused_build
):
    store_dir = tmp_path / "store"
    shutil.copytree(stopped_store, store_dir, symlinks=True)
    index = store_dir / "index.sqlite"
    damage(index)
    damaged = index.read_bytes()

    server = start_server(store_dir, index_ready=False)
    try:
        pid = paused_build(store_dir)
        try:
            assert server.get("healthz").json()["index"]["state"] == "building"
            response = server.get("events.json", headers={"Accept": "application/json"})
            assert response.status_code == 503
            assert int(response.headers["Retry-After"]) >= 1
            message = response.json()["message"]
            assert "réessayez" in message["fr"] and "try again" in message["en"]
            # What does not read the index answers meanwhile.
            assert server.get(LIEVIN.removeprefix(DEFAULT_BASE)).status_code == 200
        finally:
            os.kill(pid, signal.SIGCONT)
        wait_ready(server)
        listed = server.get("events.json", params={"page_size": "200"}).json()["items"]
        assert LIEVIN in {item["iri"] for item in listed}
    finally:
        server.stop()
    # The damaged file is kept, byte for byte, under a name that says so, and the log says
    # where.
    kept = sorted(store_dir.glob("index.sqlite.damaged-*"))
    kept = [k for k in kept if not k.name.endswith(("-wal", "-shm"))]
    assert len(kept) == 1, kept
    assert kept[0].read_bytes() == damaged
    assert f"set aside as {kept[0].name}" in server.log()


def test_an_index_damaged_while_served_is_set_aside_and_built_again(
    stopped_store, start_server, tmp_path
):
    store_dir = tmp_path / "store"
    shutil.copytree(stopped_store, store_dir, symlinks=True)
    server = start_server(store_dir)
    try:
        # Every page but the first (the header and the schema) overwritten while the server
        # runs: no list was asked yet, so no reader holds those pages in its cache.
        index = store_dir / "index.sqlite"
        size = index.stat().st_size
        with index.open("r+b") as stream:
            stream.seek(PAGE)
            stream.write(random.Random(8).randbytes(size - PAGE))
        first = server.get("events.json", headers={"Accept": "application/json"})
        assert first.status_code == 503, first.text[:300]
        assert int(first.headers["Retry-After"]) >= 1
        wait_ready(server)
        listed = server.get("events.json", params={"page_size": "200"}).json()["items"]
        assert LIEVIN in {item["iri"] for item in listed}
    finally:
        server.stop()
    assert "found damaged while reading" in server.log()
    assert [
        k for k in store_dir.glob("index.sqlite.damaged-*") if k.name[-4:] not in ("-wal", "-shm")
    ]


def test_opening_an_index_reads_its_header_not_every_page(stopped_store, tmp_path):
    """A start never waits on the file's size: pages of garbage past the schema are found by
    the check of every page its builder runs in the background, not by opening it."""
    from service.search import Index

    path = tmp_path / "index.sqlite"
    shutil.copyfile(stopped_store / "index.sqlite", path)
    garbage_in_the_middle(path)
    index = Index(path, DEFAULT_BASE)
    try:
        assert index.servable and index.set_aside_as is None
        assert index.check_pages() is False
        assert not index.servable and "malformed" in index.damage
        index.heal()
        assert index.set_aside_as is not None and index.set_aside_as.exists()
    finally:
        index.close()


def test_an_index_whose_state_cannot_be_read_is_set_aside_when_opened(stopped_store, tmp_path):
    path = tmp_path / "index.sqlite"
    shutil.copyfile(stopped_store / "index.sqlite", path)
    db = sqlite3.connect(path)
    (root,) = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'meta'").fetchone()
    db.close()
    with path.open("r+b") as stream:
        stream.seek((root - 1) * PAGE)
        stream.write(random.Random(3).randbytes(PAGE))
    from service.search import Index

    index = Index(path, DEFAULT_BASE)
    try:
        assert index.set_aside_as is not None and index.set_aside_as.exists()
        assert not index.servable and index.check_pages() is True
    finally:
        index.close()
