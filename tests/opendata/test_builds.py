"""The open-data build runs in the background and no request waits for it, over HTTP with
the real build process — paused (SIGSTOP) as a build on a large store would be, killed
(SIGKILL) as a crash would kill it: before the first build the catalog, VoID and the dumps
answer 503 with Retry-After; during a build they answer at once from the previous one; a
write is followed by a new build; a build killed half-way leaves the previous one served
after a restart; a burst of writes makes one build."""

from __future__ import annotations

import gzip
import json
import os
import signal
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, VOID

from service.config import DEFAULT_BASE

BASE = DEFAULT_BASE
WHOLE = URIRef(BASE + "catalog#all")
FAST = {"MEDIATION_BUILD_SETTLE": "0.3"}
#: What comes from a build, and what is read from the store at each request.
FROM_BUILDS = [
    "catalog",
    "catalog.ttl",
    "catalog.html",
    ".well-known/void",
    "dumps/all.ttl",
    "dumps/all.nq.gz",
    "dumps/graph/territories.ttl",
    "feeds/events.atom",
]
FROM_STORE = [
    "calendar/events.ics",
    "changes",
    "events",
    "healthz",
    "id/event/2019-12-04-journee-regionale-lievin",
]


def void_triples(response) -> int:
    graph = Graph().parse(data=response.content, format="turtle")
    return int(graph.value(WHOLE, VOID.triples))


def dump_lines(server) -> list[bytes]:
    response = server.get("dumps/all.nt.gz")
    assert response.status_code == 200
    return gzip.decompress(response.content).splitlines()


def dumps_dir(server) -> Path:
    return server.store_dir / "dumps"


def build_under_way(directory: Path, generation: int = 0, timeout: float = 60) -> dict | None:
    """What ``.building.json`` in a builds ``directory`` says of the build of at least
    ``generation`` under way (its generation, its process), as soon as it appears; None when
    none started within ``timeout``."""
    marker = directory / ".building.json"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = json.loads(marker.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            found = None
        if found is not None and found["generation"] >= generation:
            return found
        time.sleep(0.005)
    return None


def signal_process(pid: int, number: int) -> None:
    """Send a signal to a process that may have ended already."""
    try:
        os.kill(pid, number)
    except ProcessLookupError:
        pass


@pytest.fixture(scope="module")
def write_event(insert_event, health) -> Callable[..., int]:
    """A new event written through the write routes; the store's generation after it."""

    def write_event(server, slug: str) -> int:
        response = insert_event(
            server, f"{BASE}id/event/{slug}", f"Journée {slug}", start="2031-03-03"
        )
        assert response.status_code in (200, 204), response.text
        return health(server)["generation"]

    return write_event


def paused(server, generation: int) -> dict:
    """The build of ``generation`` (or later), caught as it starts and paused."""
    building = build_under_way(dumps_dir(server), generation, timeout=120)
    assert building is not None, f"no build of generation {generation} started"
    signal_process(building["pid"], signal.SIGSTOP)
    return building


@pytest.fixture
def fresh(tmp_path, writable_server):
    running = writable_server(tmp_path, FAST)
    yield running
    running.stop()


def test_before_the_first_build_the_built_answers_are_503_and_the_others_are_not(
    tmp_path, build_of, wait_for_build, writable_server
):
    """A fresh store: its first build is caught as the server starts, and paused."""
    with ThreadPoolExecutor(1) as pool:
        starting = pool.submit(writable_server, tmp_path, FAST)
        building = build_under_way(tmp_path / "store" / "dumps", timeout=180)
        assert building is not None, "the first build did not start with the server"
        signal_process(building["pid"], signal.SIGSTOP)
        server = starting.result()
    try:
        for path in FROM_BUILDS:
            response = server.get(path, headers={"Accept": "application/json"})
            assert response.status_code == 503, path
            assert int(response.headers["Retry-After"]) >= 1, path
            message = response.json()["message"]
            assert "réessayez" in message["fr"] and "try again" in message["en"], path
        for path in FROM_STORE:
            assert server.get(path).status_code == 200, path
        signal_process(building["pid"], signal.SIGCONT)
        response = wait_for_build(server, building["generation"])
        assert build_of(response) == building["generation"]
        assert all(server.get(path).status_code == 200 for path in FROM_BUILDS)
    finally:
        signal_process(building["pid"], signal.SIGKILL)
        server.stop()


def test_during_a_build_requests_get_the_previous_build_then_the_new_one(
    fresh, build_of, health, wait_for_build, write_event
):
    server = fresh
    before = wait_for_build(server)
    first = build_of(before)
    triples = void_triples(before)
    catalog = server.get("catalog.ttl")
    lines = dump_lines(server)

    generation = write_event(server, "2031-03-03-pendant-la-construction")
    building = paused(server, generation)
    try:
        # The build is stopped half-way: every answer comes at once, from the previous build.
        assert health(server)["generation"] == generation > first
        during = server.get(".well-known/void")
        assert during.status_code == 200
        assert during.headers["ETag"] == before.headers["ETag"]
        assert void_triples(during) == triples
        again = server.get(".well-known/void", headers={"If-None-Match": before.headers["ETag"]})
        assert again.status_code == 304
        assert build_of(server.get("catalog.ttl")) == first
        assert server.get("catalog.ttl").content == catalog.content
        assert dump_lines(server) == lines
    finally:
        signal_process(building["pid"], signal.SIGCONT)

    after = wait_for_build(server, generation, timeout=120)
    assert after.headers["ETag"] != before.headers["ETag"]
    assert void_triples(after) >= triples + 5
    assert (
        server.get(
            ".well-known/void", headers={"If-None-Match": before.headers["ETag"]}
        ).status_code
        == 200
    )
    new_lines = dump_lines(server)
    assert len(new_lines) == void_triples(after)
    assert any(b"2031-03-03-pendant-la-construction" in line for line in new_lines)
    modified = (
        Graph()
        .parse(data=server.get("catalog.ttl").content, format="turtle")
        .value(URIRef(BASE + "catalog"), DCTERMS.modified)
    )
    assert str(modified) > str(
        Graph()
        .parse(data=catalog.content, format="turtle")
        .value(URIRef(BASE + "catalog"), DCTERMS.modified)
    )


def test_a_build_killed_half_way_leaves_the_previous_one_served_after_a_restart(
    tmp_path, build_of, start_server, tokens, wait_for_build, writable_server, write_event
):
    server = writable_server(tmp_path, FAST)
    building = None
    try:
        before = wait_for_build(server)
        first, triples = build_of(before), void_triples(before)
        generation = write_event(server, "2031-03-03-construction-interrompue")
        building = paused(server, generation)
    finally:
        server.stop(kill=True)
        if building is not None:
            signal_process(building["pid"], signal.SIGKILL)
    builds = dumps_dir(server)
    assert any(p.name.startswith(".build-") for p in builds.iterdir()), "no half-made build left"

    # Restarted, the service serves the previous build at once (the next waits 8 s of quiet).
    env = {"MEDIATION_WRITE_TOKEN": tokens, "MEDIATION_BUILD_SETTLE": "8"}
    restarted = start_server(server.store_dir, env)
    try:
        response = restarted.get(".well-known/void")
        assert response.status_code == 200
        assert build_of(response) == first and void_triples(response) == triples
        assert len(dump_lines(restarted)) == triples
        assert not any(p.name.startswith((".build-", ".snapshot-")) for p in builds.iterdir())
        # Then the store's changes are built after all.
        after = wait_for_build(restarted, generation, timeout=120)
        assert void_triples(after) >= triples + 5
    finally:
        restarted.stop()


def test_a_burst_of_writes_makes_one_build(
    tmp_path, build_of, wait_for_build, writable_server, write_event
):
    server = writable_server(tmp_path, {"MEDIATION_BUILD_SETTLE": "3"})
    try:
        first = build_of(wait_for_build(server))
        generations = [write_event(server, f"2031-03-0{n}-rafale-{n}") for n in range(1, 5)]
        wait_for_build(server, generations[-1], timeout=120)
        started = [
            int(line.split("generation ")[1].split()[0])
            for line in server.log().splitlines()
            if "open-data build of generation" in line and "started" in line
        ]
        assert started == [first, generations[-1]]
        assert sorted(p.name for p in dumps_dir(server).iterdir() if p.name.startswith("g")) == [
            f"g{first}",
            f"g{generations[-1]}",
        ]
    finally:
        server.stop()
