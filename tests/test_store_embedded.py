"""What only the embedded store promises: durability on disk, crash recovery, the worker pool."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from service.errors import Overloaded, QueryTimeout, StoreError
from service.formats import RESULTS_JSON, TRIG, TURTLE
from service.store import Changeset, QueryRequest
from service.store.embedded import JOURNAL, SNAPSHOTS, EmbeddedStore
from service.store.journal import Journal

from test_store import EX, FIXTURE, FIXTURE_QUADS, G2, P_COUNT, P_LABEL, _slow_query

ROOT = Path(__file__).resolve().parent.parent


def ask(store: EmbeddedStore, query: str, timeout: float = 20) -> bool:
    response = store.run_query(QueryRequest(query, RESULTS_JSON, TURTLE, timeout=timeout))
    return json.loads(response.body)["boolean"]


def test_data_and_generation_survive_a_restart(tmp_path):
    store = EmbeddedStore(tmp_path / "store")
    store.load(FIXTURE.encode(), TRIG, None)
    store.apply(Changeset(add=[(URIRef(f"{EX}a"), P_LABEL, Literal("a"), None)]))
    generation = store.generation
    assert generation == 2
    store.close()
    reopened = EmbeddedStore(tmp_path / "store")
    assert reopened.generation == generation
    assert reopened.count() == FIXTURE_QUADS + 1
    reopened.close()


def test_a_journal_left_by_a_crash_is_replayed_on_open(tmp_path):
    store = EmbeddedStore(tmp_path / "store")
    store.load(FIXTURE.encode(), TRIG, None)
    generation = store.generation
    store.close()
    # The crash came after the journal was synced, before Oxigraph had all of the change.
    removed = ox.Quad(ox.NamedNode(f"{EX}event/2"), ox.NamedNode(str(P_COUNT)),
                      ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
                      ox.NamedNode(str(G2)))
    added = [ox.Quad(ox.BlankNode("kept"), ox.NamedNode(str(P_LABEL)), ox.Literal(f"n{i}"), ox.DefaultGraph())
             for i in range(3)]
    Journal(tmp_path / "store" / JOURNAL).write(generation + 1, [removed], added)
    reopened = EmbeddedStore(tmp_path / "store")
    assert reopened.generation == generation + 1
    assert not list(reopened.quads(URIRef(f"{EX}event/2"), P_COUNT))
    # Blank node identifiers of the journal survive: the three statements share one node.
    subjects = {q[0] for q in reopened.quads(predicate=P_LABEL, graph=None) if str(q[2]).startswith("n")}
    assert len(subjects) == 1
    assert not (tmp_path / "store" / JOURNAL / "pending.nq").exists()
    reopened.close()
    # Replaying twice changes nothing more.
    Journal(tmp_path / "store" / JOURNAL).write(generation + 1, [removed], added)
    again = EmbeddedStore(tmp_path / "store")
    assert again.count() == FIXTURE_QUADS - 1 + 3
    again.close()


CRASHING_WRITER = textwrap.dedent("""
    import sys
    from rdflib import Literal, URIRef
    from service.store import Changeset
    from service.store.embedded import EmbeddedStore

    store = EmbeddedStore(sys.argv[1], workers=False)
    quads = [(URIRef(f"http://example.org/big/{i}"), URIRef("http://example.org/n"), Literal(i), None)
             for i in range(int(sys.argv[2]))]
    remove = list(store.quads(predicate=URIRef("http://example.org/label")))
    print("applying", flush=True)
    store.apply(Changeset(remove=remove, add=quads))
    print("applied", flush=True)
""")


def test_a_writer_killed_while_applying_leaves_all_or_nothing(tmp_path):
    directory = tmp_path / "store"
    store = EmbeddedStore(directory, workers=False)
    store.load(FIXTURE.encode(), TRIG, None)
    before = store.count()
    labels = len(list(store.quads(predicate=P_LABEL)))
    store.close()
    size = 200_000
    writer = subprocess.Popen(
        [sys.executable, "-c", CRASHING_WRITER, str(directory), str(size)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )
    assert writer.stdout.readline().strip() == "applying"
    journal = directory / JOURNAL / "pending.nq"
    deadline = time.monotonic() + 60
    while not journal.exists() and writer.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    writer.stdout.close()
    reopened = EmbeddedStore(directory, workers=False)
    count = reopened.count()
    assert count in (before, before - labels + size)
    if journal.exists() or count != before:
        assert count == before - labels + size
    assert not journal.exists()
    reopened.close()


def test_a_write_is_visible_to_the_next_public_query(tmp_path):
    store = EmbeddedStore(tmp_path / "store", max_workers=2)
    store.load(FIXTURE.encode(), TRIG, None)
    query = f"ASK {{ <{EX}new> ?p ?o }}"
    assert ask(store, query) is False
    store.apply(Changeset(add=[(URIRef(f"{EX}new"), P_LABEL, Literal("new"), G2)]))
    assert ask(store, query) is True
    snapshots = tmp_path / "store" / SNAPSHOTS
    assert snapshots.is_dir()
    store.close()
    assert not snapshots.exists()


def test_a_dead_worker_is_replaced_and_its_query_fails_cleanly(tmp_path):
    store = EmbeddedStore(tmp_path / "store", max_workers=1)
    store.load(FIXTURE.encode(), TRIG, None)
    assert ask(store, "ASK { ?s ?p ?o }") is True
    [pid] = store.pool().pids()
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(StoreError):
        ask(store, "ASK { ?s ?p ?o }")
    assert ask(store, "ASK { ?s ?p ?o }") is True
    assert store.pool().pids() != [pid]
    store.close()


def test_a_query_waiting_too_long_for_a_worker_is_refused(tmp_path):
    store = EmbeddedStore(tmp_path / "store", max_workers=1)
    slow_graph = URIRef(f"{EX}graph/slow")
    store.apply(Changeset(add=[(URIRef(f"{EX}n/{i}"), P_COUNT, Literal(i), slow_graph) for i in range(150)]))
    ask(store, "ASK {}")  # the worker is up
    outcome: dict = {}

    def slow() -> None:
        try:
            store.run_query(QueryRequest(_slow_query(slow_graph), RESULTS_JSON, TURTLE, timeout=4))
        except QueryTimeout as error:
            outcome["error"] = error

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.5)
    with pytest.raises(Overloaded) as caught:
        ask(store, "ASK {}", timeout=0.5)
    assert caught.value.status == 503
    thread.join(timeout=60)
    assert isinstance(outcome.get("error"), QueryTimeout)
    store.close()


def test_serve_starts_on_an_empty_directory(tmp_path):
    from conftest import start_server

    server = start_server(tmp_path / "empty-store")
    try:
        assert server.get("healthz").status_code == 200
    finally:
        server.stop()
    assert (tmp_path / "empty-store" / "generation").exists()
