"""A damaged open-data build is set aside, kept for the operator, and made again: what is
served after a restart is whole, checked against the manifest's sizes and SHA-256.

Over HTTP on the real server, each time on a copy of one store whose build folder is damaged
while the server is stopped.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from rdflib import Graph, URIRef


def truncate_a_dump(folder: Path) -> Path:
    path = folder / "all.nt.gz"
    with path.open("r+b") as stream:
        stream.truncate(path.stat().st_size // 2)
    return path


def garbage_in_a_dump(folder: Path) -> Path:
    """64 random bytes in the middle of the Turtle dump: same size, so only its digest tells."""
    path = folder / "all.ttl"
    with path.open("r+b") as stream:
        stream.seek(path.stat().st_size // 2)
        stream.write(random.Random(16).randbytes(64))
    return path


def bad_inventory_header(folder: Path) -> Path:
    path = folder / "inventory.sqlite"
    with path.open("r+b") as stream:
        stream.write(b"not an inventory")
    return path


def garbage_in_the_inventory(folder: Path) -> Path:
    """A page of random bytes where the inventory's resources begin: the header, the schema
    and the sitemap read as before, so only reading every page tells."""
    path = folder / "inventory.sqlite"
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    (root,) = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'resource'").fetchone()
    (size,) = db.execute("PRAGMA page_size").fetchone()
    db.close()
    with path.open("r+b") as stream:
        stream.seek((root - 1) * size)
        stream.write(random.Random(5).randbytes(size))
    return path


def unreadable_manifest(folder: Path) -> Path:
    path = folder / "manifest.json"
    path.write_text('{"generation": 3, "files": {', encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def built_store(start_server, wait_for_build, build_of, tmp_path_factory) -> tuple[Path, int]:
    """A stopped store with a finished build, and the build's generation."""
    store_dir = tmp_path_factory.mktemp("template") / "store"
    server = start_server(store_dir)
    try:
        generation = build_of(wait_for_build(server))
    finally:
        server.stop()
    return store_dir, generation


def wait_for_log(server, text: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while text not in server.log():
        assert time.monotonic() < deadline, server.log()[-2000:]
        time.sleep(0.2)


@pytest.mark.parametrize(
    "damage",
    [
        truncate_a_dump,
        garbage_in_a_dump,
        bad_inventory_header,
        garbage_in_the_inventory,
        unreadable_manifest,
    ],
)
def test_a_damaged_build_is_set_aside_and_made_again(
    damage, built_store, start_server, wait_for_build, build_of, tmp_path
):
    template, generation = built_store
    store_dir = tmp_path / "store"
    shutil.copytree(template, store_dir, symlinks=True)
    folder = store_dir / "dumps" / f"g{generation}"
    damaged = damage(folder)
    damaged_bytes = damaged.read_bytes()

    server = start_server(store_dir)
    try:
        wait_for_log(server, f"open-data build g{generation} is damaged")
        assert build_of(wait_for_build(server, generation)) == generation
        wait_for_log(server, f"open-data build of generation {generation} finished")
        # What is served now is whole: the Turtle dump parses and matches the new manifest.
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        dump = server.get("dumps/all.ttl")
        assert dump.status_code == 200
        expected = manifest["files"]["all.ttl"]["sha256"]
        assert hashlib.sha256(dump.content).hexdigest() == expected
        assert len(Graph().parse(data=dump.text, format="turtle")) > 1000
        catalog = server.get("catalog", headers={"Accept": "text/turtle"})
        assert catalog.status_code == 200
    finally:
        server.stop()
    kept = list((store_dir / "dumps").glob(f"g{generation}.damaged-*"))
    assert len(kept) == 1
    assert (kept[0] / damaged.name).read_bytes() == damaged_bytes
    assert f"set aside as {kept[0].name}" in server.log()


def test_opening_a_build_reads_its_inventory_schema_not_every_page(built_store, tmp_path):
    """A start never waits on the inventory's size: its pages are read with the dumps'
    digests, in the background."""
    from service.config import DEFAULT_BASE
    from service.opendata.build import Build

    template, generation = built_store
    folder = tmp_path / f"g{generation}"
    shutil.copytree(template / "dumps" / f"g{generation}", folder)
    garbage_in_the_inventory(folder)
    info = json.loads((folder / "build.json").read_text(encoding="utf-8"))
    build = Build.open(folder, DEFAULT_BASE, URIRef(info["publisher"]))
    assert build is not None and build.generation == generation
    assert build.damage().startswith("inventory.sqlite: ")
