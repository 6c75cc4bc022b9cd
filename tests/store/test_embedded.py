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
from service.formats import NQUADS, RESULTS_JSON, TRIG, TURTLE
from service.store.bulk import BULK_AFTER, BULK_MARKER
from service.store.embedded import (
    CHECKPOINT_DELAY,
    GENERATION,
    JOURNAL,
    SNAPSHOTS,
    EmbeddedStore,
)
from service.store.interface import Changeset, QueryRequest
from service.store.journal import Journal

ROOT = Path(__file__).resolve().parents[2]
#: Terms of the sample (``conftest.py``).
EX = "http://example.org/"
G2 = URIRef(f"{EX}graph/two")
P_LABEL = URIRef(f"{EX}label")
P_COUNT = URIRef(f"{EX}count")


def journals(directory: Path) -> list[Path]:
    """The journal files of a store: the writes no checkpoint has covered yet."""
    return sorted((directory / JOURNAL).glob("*.nq"))


def ask(store: EmbeddedStore, query: str, timeout: float = 20) -> bool:
    response = store.run_query(QueryRequest(query, RESULTS_JSON, TURTLE, timeout=timeout))
    return json.loads(response.body)["boolean"]


def test_data_and_generation_survive_a_restart(tmp_path, sample):
    store = EmbeddedStore(tmp_path / "store")
    store.load(sample.trig.encode(), TRIG, None)
    store.apply(Changeset(add=[(URIRef(f"{EX}a"), P_LABEL, Literal("a"), None)]))
    generation = store.generation
    assert generation == 2
    store.close()
    reopened = EmbeddedStore(tmp_path / "store")
    assert reopened.generation == generation
    assert reopened.count() == sample.quads + 1
    reopened.close()


def test_a_journal_left_by_a_crash_is_replayed_on_open(tmp_path, sample):
    store = EmbeddedStore(tmp_path / "store")
    store.load(sample.trig.encode(), TRIG, None)
    generation = store.generation
    store.close()
    # The crash came after the journal was synced, before Oxigraph had all of the change.
    removed = ox.Quad(
        ox.NamedNode(f"{EX}event/2"),
        ox.NamedNode(str(P_COUNT)),
        ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        ox.NamedNode(str(G2)),
    )
    added = [
        ox.Quad(
            ox.BlankNode("kept"), ox.NamedNode(str(P_LABEL)), ox.Literal(f"n{i}"), ox.DefaultGraph()
        )
        for i in range(3)
    ]
    Journal(tmp_path / "store" / JOURNAL).write(generation + 1, [removed], added)
    reopened = EmbeddedStore(tmp_path / "store")
    assert reopened.generation == generation + 1
    assert not list(reopened.quads(URIRef(f"{EX}event/2"), P_COUNT))
    # Blank node identifiers of the journal survive: the three statements share one node.
    subjects = {
        q[0] for q in reopened.quads(predicate=P_LABEL, graph=None) if str(q[2]).startswith("n")
    }
    assert len(subjects) == 1
    assert journals(tmp_path / "store") == []  # replayed, then covered by a checkpoint
    reopened.close()
    # Replaying twice changes nothing more.
    Journal(tmp_path / "store" / JOURNAL).write(generation + 1, [removed], added)
    again = EmbeddedStore(tmp_path / "store")
    assert again.count() == sample.quads - 1 + 3
    again.close()


def test_a_write_journaled_but_not_applied_stops_writes_until_the_replay(tmp_path, sample):
    """Oxigraph failing after the journal was synced (a full disk): the write is applied whole
    at the next open, and no write in between takes its generation and its journal's name."""
    store = EmbeddedStore(tmp_path / "store", workers=False)
    store.load(sample.trig.encode(), TRIG, None)
    generation = store.generation
    first = Changeset(add=[(URIRef(f"{EX}a"), P_LABEL, Literal("first"), None)])
    second = Changeset(add=[(URIRef(f"{EX}b"), P_LABEL, Literal("second"), None)])

    def disk_full(remove, add):  # what Oxigraph raises when its disk is full
        raise OSError(28, "No space left on device")

    store._apply_oxigraph = disk_full
    with pytest.raises(OSError):
        store.apply(first)
    [journal] = journals(tmp_path / "store")
    kept = journal.read_bytes()
    del store._apply_oxigraph  # Oxigraph works again: the store still refuses
    with pytest.raises(StoreError) as refused:
        store.apply(second)
    assert refused.value.status == 503
    assert "redémarrage" in refused.value.message_fr and "restart" in refused.value.message_en
    assert journals(tmp_path / "store") == [journal] and journal.read_bytes() == kept
    assert store.generation == generation
    store.close()
    reopened = EmbeddedStore(tmp_path / "store", workers=False)
    assert reopened.generation == generation + 1
    assert [str(q[2]) for q in reopened.quads(URIRef(f"{EX}a"), P_LABEL)] == ["first"]
    reopened.apply(second)  # writes are taken again after the replay
    assert reopened.generation == generation + 2
    reopened.close()


CRASHING_WRITER = textwrap.dedent("""
    import sys
    from rdflib import Literal, URIRef
    from service.store.interface import Changeset
    from service.store.embedded import EmbeddedStore

    store = EmbeddedStore(sys.argv[1], workers=False)
    quads = [(URIRef(f"http://example.org/big/{i}"), URIRef("http://example.org/n"), Literal(i), None)
             for i in range(int(sys.argv[2]))]
    remove = list(store.quads(predicate=URIRef("http://example.org/label")))
    print("applying", flush=True)
    store.apply(Changeset(remove=remove, add=quads))
    print("applied", flush=True)
""")


def test_a_writer_killed_while_applying_leaves_all_or_nothing(tmp_path, sample):
    directory = tmp_path / "store"
    store = EmbeddedStore(directory, workers=False)
    store.load(sample.trig.encode(), TRIG, None)
    before = store.count()
    labels = len(list(store.quads(predicate=P_LABEL)))
    store.close()
    size = 200_000
    writer = subprocess.Popen(
        [sys.executable, "-c", CRASHING_WRITER, str(directory), str(size)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout.readline().strip() == "applying"
    deadline = time.monotonic() + 60
    while not journals(directory) and writer.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    writer.stdout.close()
    journaled = bool(journals(directory))
    reopened = EmbeddedStore(directory, workers=False)
    count = reopened.count()
    assert count in (before, before - labels + size)
    if journaled or count != before:
        assert count == before - labels + size
    assert journals(directory) == []
    reopened.close()


ACKNOWLEDGING_WRITER = textwrap.dedent("""
    import os, sys
    from rdflib import Literal, URIRef
    from service.store.interface import Changeset
    from service.store.embedded import EmbeddedStore

    store = EmbeddedStore(sys.argv[1], workers=False)
    for i in range(int(sys.argv[2])):
        store.apply(Changeset(add=[(URIRef(f"http://example.org/ack/{i}"), URIRef("http://example.org/n"),
                                    Literal(i), None)]))
        print("acknowledged", i, flush=True)
    os._exit(0)  # dies at once, as kill -9 would: no checkpoint, no close
""")


def test_a_write_is_durable_by_its_journal_until_a_checkpoint_covers_it(tmp_path, sample):
    """A write is acknowledged once its journal is synced, before Oxigraph is flushed; the
    journal stays until a checkpoint has flushed Oxigraph. Oxigraph's files here are put
    back as they were before the writes (what a machine that lost Oxigraph's unsynced log
    would find): every acknowledged write comes back from the journals."""
    directory = tmp_path / "store"
    store = EmbeddedStore(directory, workers=False)
    store.load(sample.trig.encode(), TRIG, None)
    generation = store.generation
    store.close()
    import shutil

    shutil.copytree(directory / "oxigraph", tmp_path / "before-writes")
    done = subprocess.run(
        [sys.executable, "-c", ACKNOWLEDGING_WRITER, str(directory), "5"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.splitlines() == [f"acknowledged {i}" for i in range(5)], done.stderr
    assert len(journals(directory)) == 5
    shutil.rmtree(directory / "oxigraph")
    shutil.copytree(tmp_path / "before-writes", directory / "oxigraph")
    reopened = EmbeddedStore(directory, workers=False)
    assert reopened.generation == generation + 5
    assert len(list(reopened.quads(predicate=URIRef("http://example.org/n")))) == 5
    assert journals(directory) == []
    assert (directory / GENERATION).read_text().strip() == str(generation + 5)
    reopened.close()


def test_journals_are_removed_by_the_background_checkpoint(tmp_path):
    directory = tmp_path / "store"
    store = EmbeddedStore(directory, workers=False)
    store.apply(Changeset(add=[(URIRef(f"{EX}a"), P_LABEL, Literal("a"), None)]))
    store.apply(Changeset(add=[(URIRef(f"{EX}b"), P_LABEL, Literal("b"), None)]))
    assert len(journals(directory)) == 2  # acknowledged, not yet checkpointed
    deadline = time.monotonic() + 20 * CHECKPOINT_DELAY
    while journals(directory) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert journals(directory) == []
    assert (directory / GENERATION).read_text().strip() == "2"
    store.close()


CRASHING_LOADER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from rdflib import URIRef
    from service.formats import NTRIPLES
    from service.store.embedded import EmbeddedStore

    store = EmbeddedStore(sys.argv[1], workers=False)
    print("loading", flush=True)
    store.load(Path(sys.argv[2]), NTRIPLES, URIRef(sys.argv[3]))
    print("loaded", flush=True)
""")


@pytest.mark.parametrize("into", ["a new graph", "a graph holding data"])
def test_a_loader_killed_while_loading_leaves_all_or_nothing(tmp_path, into, sample):
    """A new graph takes the bulk loader (marker, emptied again on open); one holding data
    takes one transaction. Either way a kill leaves the whole load or none of it."""
    directory = tmp_path / "store"
    store = EmbeddedStore(directory, workers=False)
    store.load(sample.trig.encode(), TRIG, None)
    graph = URIRef(f"{EX}graph/big") if into == "a new graph" else G2
    before, in_graph = store.count(), len(list(store.quads(graph=graph)))
    store.close()
    size = 300_000
    data = tmp_path / "big.nt"
    with data.open("wb") as out:
        ox.serialize(
            (
                ox.Triple(
                    ox.NamedNode(f"{EX}big/{i}"), ox.NamedNode(str(P_COUNT)), ox.Literal(str(i))
                )
                for i in range(size)
            ),
            out,
            ox.RdfFormat.N_TRIPLES,
        )
    loader = subprocess.Popen(
        [sys.executable, "-c", CRASHING_LOADER, str(directory), str(data), str(graph)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert loader.stdout.readline().strip() == "loading"
    marker = directory / BULK_MARKER
    if into == "a new graph":
        deadline = time.monotonic() + 60
        while not marker.exists() and loader.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        assert marker.exists()
    time.sleep(0.3)  # into the writing itself
    loader.send_signal(signal.SIGKILL)
    loader.wait(timeout=30)
    loader.stdout.close()
    interrupted = marker.exists()
    reopened = EmbeddedStore(directory, workers=False)
    count, now_in_graph = reopened.count(), len(list(reopened.quads(graph=graph)))
    assert (count, now_in_graph) in ((before, in_graph), (before + size, in_graph + size))
    if into == "a new graph":
        assert interrupted and count == before  # the bulk load was cut, and undone
    assert not marker.exists()
    reopened.close()


DYING_LOADER = textwrap.dedent("""
    import os
    import sys
    from pathlib import Path
    from rdflib import URIRef
    from service.formats import NTRIPLES
    from service.store import bulk
    from service.store.embedded import EmbeddedStore

    marked = bulk._marked

    def then_killed(*args):  # every quad written and flushed, the marker still there
        marked(*args)
        os._exit(9)

    bulk._marked = then_killed
    store = EmbeddedStore(sys.argv[1], workers=False)
    store.load(Path(sys.argv[2]), NTRIPLES, URIRef(sys.argv[3]))
""")


def test_a_loader_dead_once_its_quads_are_written_leaves_nothing_at_the_next_open(tmp_path, sample):
    """The bulk path's whole load written and flushed, the process dies before it removes
    the marker: the next open empties the new graph, and the rest of the store stays."""
    directory = tmp_path / "store"
    store = EmbeddedStore(directory, workers=False)
    store.load(sample.trig.encode(), TRIG, None)
    before = sorted(store.quads())
    store.close()
    graph = URIRef(f"{EX}graph/big")
    data = tmp_path / "big.nt"
    data.write_text(
        "".join(f'<{EX}big/{i}> <{P_COUNT}> "{i}" .\n' for i in range(2 * BULK_AFTER)),
        encoding="utf-8",
    )
    loader = subprocess.run(
        [sys.executable, "-c", DYING_LOADER, str(directory), str(data), str(graph)],
        cwd=ROOT,
        timeout=120,
    )
    assert loader.returncode == 9
    assert (directory / BULK_MARKER).exists()
    written = ox.Store.read_only(str(directory / "oxigraph"))
    assert len(list(written.quads_for_pattern(None, None, None, ox.NamedNode(graph)))) == (
        2 * BULK_AFTER
    )
    del written
    reopened = EmbeddedStore(directory, workers=False)
    assert sorted(reopened.quads()) == before
    assert not (directory / BULK_MARKER).exists()
    reopened.close()


def test_a_big_load_into_a_new_graph_is_whole_and_counted(tmp_path, sample):
    """The bulk path keeps blank nodes apart from the store's and moves the generation."""
    store = EmbeddedStore(tmp_path / "store", workers=False)
    store.load(sample.trig.encode(), TRIG, None)
    generation = store.generation
    turtle = "".join(f"<{EX}n/{i}> <{P_LABEL}> [ <{P_COUNT}> {i} ] .\n" for i in range(BULK_AFTER))
    assert store.load(turtle.encode(), TURTLE, URIRef(f"{EX}graph/bulk")) == 2 * BULK_AFTER
    assert store.generation == generation + 1
    assert len(list(store.quads(graph=URIRef(f"{EX}graph/bulk")))) == 2 * BULK_AFTER
    # The same text again into the same graph (now holding data: one transaction) makes
    # new blank nodes, as a second load of a document must.
    store.load(turtle.encode(), TURTLE, URIRef(f"{EX}graph/bulk"))
    blanks = {q[2] for q in store.quads(predicate=P_LABEL, graph=URIRef(f"{EX}graph/bulk"))}
    assert len(blanks) == 2 * BULK_AFTER
    store.close()
    assert not (tmp_path / "store" / BULK_MARKER).exists()


#: A record of a change (``Store.append``): about ``change`` and its fragments, in G2, which
#: holds data; its others, a new agent's label and a quad G2 already held.
CHANGE = URIRef(f"{EX}change/1")
AGENT_LABEL = (URIRef(f"{EX}agent/loader"), P_LABEL, Literal("loader"), G2)
HELD = (URIRef(f"{EX}event/2"), P_COUNT, Literal(3), G2)


def record_of(size: int):
    """``size`` quads about ``CHANGE``: its own link to each item, and each item's count."""
    for i in range(size // 2):
        yield (CHANGE, P_LABEL, URIRef(f"{CHANGE}#r{i}"), G2)
        yield (URIRef(f"{CHANGE}#r{i}"), P_COUNT, Literal(i), G2)


APPENDING = textwrap.dedent("""
    import os
    import sys
    from service.store import bulk
    from service.store.embedded import EmbeddedStore
    sys.path.insert(0, sys.argv[2])
    from test_embedded import AGENT_LABEL, CHANGE, G2, HELD, record_of

    marked = bulk._marked

    def then_killed(*args):  # the whole record written and flushed, the marker still there
        marked(*args)
        os._exit(9)

    bulk._marked = then_killed
    store = EmbeddedStore(sys.argv[1], workers=False)
    store.append(record_of(int(sys.argv[3])), G2, CHANGE, [AGENT_LABEL, HELD])
""")


def test_a_record_appended_to_a_graph_holding_data_lands_whole(tmp_path, sample):
    """The quads about the change and the others all land, by the bulk loader, into a graph
    that held data, and the generation moves once."""
    store = EmbeddedStore(tmp_path / "store", workers=False)
    store.load(sample.trig.encode(), TRIG, None)
    before, generation = len(list(store.quads(graph=G2))), store.generation
    assert store.append(record_of(2 * BULK_AFTER), G2, CHANGE, [AGENT_LABEL, HELD]) == (
        2 * BULK_AFTER + 2
    )
    assert len(list(store.quads(graph=G2))) == before + 2 * BULK_AFTER + 1  # HELD was there
    assert store.generation == generation + 1
    assert store.contains_quads([AGENT_LABEL, HELD]) == {AGENT_LABEL, HELD}
    assert not (tmp_path / "store" / BULK_MARKER).exists()
    store.close()


def test_a_record_that_fails_midway_is_removed_and_nothing_else(tmp_path, sample):
    """A stream that fails halfway takes back what it wrote about the change, and the new
    agent's label, but not the quad the graph already held."""
    store = EmbeddedStore(tmp_path / "store", workers=False)
    store.load(sample.trig.encode(), TRIG, None)
    before, generation = sorted(store.quads(graph=G2)), store.generation

    def failing():
        yield from record_of(BULK_AFTER)
        raise RuntimeError("the record's source failed")

    with pytest.raises(RuntimeError):
        store.append(failing(), G2, CHANGE, [AGENT_LABEL, HELD])
    assert sorted(store.quads(graph=G2)) == before
    assert store.generation == generation
    assert not (tmp_path / "store" / BULK_MARKER).exists()
    store.close()


def test_an_appender_killed_before_its_end_leaves_nothing_at_the_next_open(tmp_path, sample):
    """A process that dies once the record is written, before the marker is removed: the
    next open removes the record's quads and the agent's label it added, and keeps what the
    graph held before, the quad the record named again included."""
    directory = tmp_path / "store"
    store = EmbeddedStore(directory, workers=False)
    store.load(sample.trig.encode(), TRIG, None)
    before = sorted(store.quads(graph=G2))
    store.close()
    appender = subprocess.run(
        [sys.executable, "-c", APPENDING, str(directory), str(Path(__file__).parent), "40000"],
        cwd=ROOT,
        timeout=120,
    )
    assert appender.returncode == 9
    marker = directory / BULK_MARKER
    assert marker.exists()
    written = ox.Store.read_only(str(directory / "oxigraph"))
    assert (
        len(list(written.quads_for_pattern(None, None, None, ox.NamedNode(G2))))
        == len(before) + 40_001
    )  # the record and the agent's label were in
    del written
    reopened = EmbeddedStore(directory, workers=False)
    assert sorted(reopened.quads(graph=G2)) == before
    assert not marker.exists()
    reopened.close()


def test_a_read_only_open_leaves_the_snapshots_the_workers_read(tmp_path, sample):
    """A command that reads a store a server runs on (``mediation users organisations``)
    opens it read-only: the server's query snapshots stay, and its next query answers."""
    store = EmbeddedStore(tmp_path / "store", max_workers=2)
    store.load(sample.trig.encode(), TRIG, None)
    query = f"ASK {{ <{EX}new> ?p ?o }}"
    assert ask(store, query) is False
    snapshots = tmp_path / "store" / SNAPSHOTS
    assert snapshots.is_dir()
    reader = EmbeddedStore(tmp_path / "store", workers=False, read_only=True)
    reader.close()
    assert snapshots.is_dir()
    store.apply(Changeset(add=[(URIRef(f"{EX}new"), P_LABEL, Literal("new"), G2)]))
    assert ask(store, query) is True
    store.close()


def test_a_write_is_visible_to_the_next_public_query(tmp_path, sample):
    store = EmbeddedStore(tmp_path / "store", max_workers=2)
    store.load(sample.trig.encode(), TRIG, None)
    query = f"ASK {{ <{EX}new> ?p ?o }}"
    assert ask(store, query) is False
    store.apply(Changeset(add=[(URIRef(f"{EX}new"), P_LABEL, Literal("new"), G2)]))
    assert ask(store, query) is True
    snapshots = tmp_path / "store" / SNAPSHOTS
    assert snapshots.is_dir()
    store.close()
    assert not snapshots.exists()


def test_warming_opens_the_current_snapshot_in_every_worker(tmp_path, sample):
    """What the server does at start, so that its first query costs what later ones do."""
    store = EmbeddedStore(tmp_path / "store", max_workers=2)
    store.load(sample.trig.encode(), TRIG, None)
    assert store.warm() == 2
    held = store.pool().held()
    assert len(held) == 2 and len(set(held)) == 1 and None not in held
    store.apply(Changeset(add=[(URIRef(f"{EX}new"), P_LABEL, Literal("new"), G2)]))
    assert store.warm() == 2
    after = store.pool().held()
    assert len(set(after)) == 1 and after[0] != held[0]
    assert ask(store, f"ASK {{ <{EX}new> ?p ?o }}") is True
    store.close()


def test_a_dead_worker_is_replaced_and_its_query_fails_cleanly(tmp_path, sample):
    store = EmbeddedStore(tmp_path / "store", max_workers=1)
    store.load(sample.trig.encode(), TRIG, None)
    assert ask(store, "ASK { ?s ?p ?o }") is True
    [pid] = store.pool().pids()
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(StoreError):
        ask(store, "ASK { ?s ?p ?o }")
    assert ask(store, "ASK { ?s ?p ?o }") is True
    assert store.pool().pids() != [pid]
    store.close()


def test_a_worker_left_holding_much_memory_by_its_query_is_replaced(tmp_path):
    """What a heavy query freed stays mapped in its worker and would count against the next
    query's memory limit: past half the limit once it has answered, the worker is replaced;
    a light query keeps its worker."""
    store = EmbeddedStore(tmp_path / "store", max_workers=1, query_memory=450_000_000)
    lines = "".join(
        f'<{EX}n/{i}> <{EX}p> "value {i} {"x" * 60}" <{EX}graph/big> .\n' for i in range(400_000)
    )
    store.load(lines.encode(), NQUADS, None)
    assert ask(store, "ASK { ?s ?p ?o }") is True
    [light] = store.pool().pids()
    assert ask(store, "ASK { ?s ?p ?o }") is True
    assert store.pool().pids() == [light]
    # Every value made longer and kept once: about 190 MB more in the worker.
    distinct = (
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?x WHERE "
        "{ ?s ?p ?o BIND (CONCAT(STR(?o), STR(?s), STR(?o)) AS ?x) } }"
    )
    answer = store.run_query(QueryRequest(distinct, RESULTS_JSON, TURTLE, timeout=120))
    assert json.loads(answer.body)["results"]["bindings"][0]["n"]["value"] == "400000"
    assert store.pool().pids() != [light]
    assert ask(store, "ASK { ?s ?p ?o }") is True
    store.close()


def test_a_query_waiting_too_long_for_a_worker_is_refused(tmp_path, slow_query):
    store = EmbeddedStore(tmp_path / "store", max_workers=1)
    slow_graph = URIRef(f"{EX}graph/slow")
    store.apply(
        Changeset(add=[(URIRef(f"{EX}n/{i}"), P_COUNT, Literal(i), slow_graph) for i in range(150)])
    )
    ask(store, "ASK {}")  # the worker is up
    outcome: dict = {}

    def slow() -> None:
        try:
            store.run_query(QueryRequest(slow_query(slow_graph), RESULTS_JSON, TURTLE, timeout=4))
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


def test_serve_starts_on_an_empty_directory(tmp_path, start_server):
    server = start_server(tmp_path / "empty-store")
    try:
        assert server.get("healthz").status_code == 200
    finally:
        server.stop()
    assert (tmp_path / "empty-store" / "generation").exists()
