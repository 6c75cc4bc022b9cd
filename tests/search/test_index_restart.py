"""A restart that finds its index serves lists at once, and an index a write behind its store
catches up from the write's history record instead of being rebuilt.

Over HTTP on the real server, started twice (three times) on the same store.
"""

from __future__ import annotations

import shutil

from service.config import DEFAULT_BASE

BASE = DEFAULT_BASE
LIEVIN = BASE + "id/event/2019-12-04-journee-regionale-lievin"
INDEX_FILES = ("index.sqlite", "index.sqlite-wal")


def listed_events(server) -> set[str]:
    response = server.get("events.json", params={"page_size": "200"})
    assert response.status_code == 200, response.text[:300]
    return {item["iri"] for item in response.json()["items"]}


def test_a_restart_that_finds_its_index_serves_lists_at_once(tmp_path, start_server):
    store_dir = tmp_path / "store"
    start_server(store_dir).stop()
    server = start_server(store_dir, index_ready=False)
    try:
        # The first requests, as soon as the server answers: no 503, no build.
        for path in ("events.json", "search.json?q=mediation", "actors.json", ""):
            response = server.get(path, headers={"Accept": "application/json, text/html"})
            assert response.status_code == 200, (path, response.text[:300])
        assert LIEVIN in listed_events(server)
        assert server.get("healthz").json()["index"]["state"] == "ready"
    finally:
        server.stop()
    assert "build starting" not in server.log()


def test_an_index_a_write_behind_catches_up_and_shows_the_write(
    tmp_path, start_server, insert_event, tokens
):
    store_dir = tmp_path / "store"
    env = {"MEDIATION_WRITE_TOKEN": tokens}
    start_server(store_dir, env).stop()
    # The index as it was before the write, put back after it: as if the service had stopped
    # between the write and its index update.
    kept = tmp_path / "kept"
    kept.mkdir()
    for name in INDEX_FILES:
        if (store_dir / name).exists():
            shutil.copy2(store_dir / name, kept / name)
    server = start_server(store_dir, env)
    written = BASE + "id/event/2031-06-07-journee-apres-l-arret"
    try:
        answer = insert_event(server, written, "Journée après l'arrêt", start="2031-06-07")
        assert answer.status_code in (200, 204), answer.text
    finally:
        server.stop()
    for name in (*INDEX_FILES, "index.sqlite-shm"):
        (store_dir / name).unlink(missing_ok=True)
        if (kept / name).exists():
            shutil.copy2(kept / name, store_dir / name)

    server = start_server(store_dir, env)
    try:
        assert written in listed_events(server)
        found = server.get("search.json", params={"q": "arrêt"}).json()
        assert written in {item["iri"] for item in found["items"]}
        assert LIEVIN in listed_events(server)
    finally:
        server.stop()
    log = server.log()
    assert "caught up" in log and "build starting" not in log, log[-2000:]
