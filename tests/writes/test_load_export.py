"""``mediation load`` and ``mediation export`` on real stores on disk, as an operator runs them."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF

from service.config import DEFAULT_BASE
from service.namespaces import GRAPH, ID
from service.store.terms import quad_to_rdflib

BASE = DEFAULT_BASE
SCHEMA = Namespace("https://schema.org/")
FOAF_NAME = URIRef("http://xmlns.com/foaf/0.1/name")


@pytest.fixture(scope="module")
def turtle_prefixes(prefixes) -> str:
    """The write tests' prefixes, as Turtle declares them."""
    return prefixes.replace("PREFIX ", "@prefix ").replace(">\n", "> .\n")


@pytest.fixture(scope="module")
def run(mediation) -> Callable[..., subprocess.CompletedProcess]:
    """The ``mediation`` command, in an environment without settings of its own; ``check``
    asserts that it succeeded."""

    def run(*args: str, check: bool = False) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIATION_")}
        done = subprocess.run(
            [mediation, *args], capture_output=True, text=True, env=env, timeout=600
        )
        if check:
            assert done.returncode == 0, done.stderr
        return done

    return run


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, start_server) -> Path:
    """A store loaded with the seed, as the first `mediation serve` leaves it."""
    root = tmp_path_factory.mktemp("seeded")
    server = start_server(root / "store")
    server.stop()
    return root / "store"


@pytest.fixture
def store(seeded, tmp_path) -> Path:
    copy = tmp_path / "store"
    shutil.copytree(seeded, copy)
    return copy


@pytest.fixture(scope="module")
def export(mediation) -> Callable[..., Dataset]:
    """The store's dump, parsed by Oxigraph with the store's own blank node labels (so that
    two dumps of one store compare as sets)."""

    def export(store: Path, *extra: str) -> Dataset:
        done = subprocess.run(
            [mediation, "export", "--store", str(store), *extra], capture_output=True, timeout=600
        )
        assert done.returncode == 0, done.stderr.decode()
        return parsed(done.stdout)

    return export


def parsed(nquads: bytes) -> Dataset:
    dataset = Dataset()
    for quad in ox.parse(nquads, ox.RdfFormat.N_QUADS, rename_blank_nodes=False):
        s, p, o, g = quad_to_rdflib(quad)
        dataset.add((s, p, o, g) if g is not None else (s, p, o))
    return dataset


def quads(dataset: Dataset) -> set:
    found = set()
    for s, p, o, g in dataset.quads((None, None, None, None)):
        name = getattr(g, "identifier", g)
        found.add((s, p, o, None if name == DATASET_DEFAULT_GRAPH_ID else name))
    return found


def same_dataset(a: Dataset, b: Dataset) -> bool:
    """Dataset isomorphism: the quads without blank nodes are equal as sets, and those with
    blank nodes are isomorphic as one graph whose predicates carry the graph name (so that
    a blank node shared by two graphs stays one node)."""
    ground_a, ground_b = ({q for q in quads(d) if not _blank(q)} for d in (a, b))
    return ground_a == ground_b and isomorphic(_blank_graph(a), _blank_graph(b))


def _blank(quad: tuple) -> bool:
    return isinstance(quad[0], BNode) or isinstance(quad[2], BNode)


def _blank_graph(dataset: Dataset) -> Graph:
    graph = Graph()
    for s, p, o, g in quads(dataset):
        if isinstance(s, BNode) or isinstance(o, BNode):
            graph.add((s, URIRef(f"{p}#in={g or 'default'}"), o))
    return graph


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def event_file(turtle_prefixes, event_turtle) -> Callable[..., Path]:
    """A Turtle file holding a small valid event."""

    def event_file(path: Path, iri: URIRef, name: str, start: str = "2024-05-02") -> Path:
        return write(path, turtle_prefixes + event_turtle(iri, name, start=start) + "\n")

    return event_file


def test_a_file_lands_in_its_own_graph_and_is_recorded(store, tmp_path, event_file, export, run):
    iri = ID["event/atelier-charge"]
    source = event_file(tmp_path / "atelier-charge.ttl", iri, "Atelier chargé")
    done = run("load", "--store", str(store), "--agent", "operatrice", str(source), check=True)
    assert "+5" in done.stderr
    dataset = export(store)
    assert (
        iri,
        SCHEMA.name,
        Literal("Atelier chargé", lang="fr"),
        GRAPH["atelier-charge"],
    ) in quads(dataset)
    history = dataset.graph(GRAPH["history"])
    change = history.value(predicate=URIRef("http://www.w3.org/ns/prov#influenced"), object=iri)
    agent = history.value(change, URIRef("http://www.w3.org/ns/prov#wasAssociatedWith"))
    assert history.value(agent, FOAF_NAME) == Literal("operatrice")


def test_the_format_comes_from_the_content_when_the_extension_lies(store, tmp_path, export, run):
    iri = ID["event/atelier-json-ld-deguise"]
    document = {
        "@context": BASE + "context.jsonld",
        "@id": str(iri),
        "@type": "schema:Event",
        "schema:name": {"@value": "Atelier déguisé", "@language": "fr"},
        "schema:startDate": {"@value": "2024-06-01", "@type": "xsd:date"},
    }
    disguised = write(tmp_path / "deguise.ttl", json.dumps(document))
    xml = write(
        tmp_path / "xml-deguise.nt",
        """<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
      <rdf:Description rdf:about="http://example.org/xml"><rdf:value>déguisé</rdf:value></rdf:Description></rdf:RDF>""",
    )
    run("load", "--store", str(store), str(disguised), str(xml), check=True)
    found = quads(export(store))
    assert (iri, SCHEMA.name, Literal("Atelier déguisé", lang="fr"), GRAPH["deguise"]) in found
    assert (
        URIRef("http://example.org/xml"),
        RDF.value,
        Literal("déguisé"),
        GRAPH["xml-deguise"],
    ) in found


def test_an_invalid_file_lands_not_at_all_and_its_report_is_printed(
    store, tmp_path, event_file, export, run
):
    folder = tmp_path / "lot"
    good = event_file(folder / "bon.ttl", ID["event/bon"], "Bon atelier")
    event_file(folder / "mauvais.ttl", ID["event/mauvais"], "Mauvais atelier", start="bientôt")
    before = quads(export(store))
    done = run("load", "--store", str(store), "--lang", "en", str(folder))
    assert done.returncode == 1
    assert "mauvais.ttl" in done.stderr and "Violation" in done.stderr
    assert "schema:startDate" in done.stderr
    assert "Traceback" not in done.stderr
    after = quads(export(store))
    landed = after - before
    assert {q[3] for q in landed} == {GRAPH["bon"], GRAPH["history"]}
    assert not any(ID["event/mauvais"] in q for q in after)
    assert good.exists()


def test_a_file_that_does_not_parse_is_reported_with_its_line(store, tmp_path, export, run):
    broken = write(
        tmp_path / "casse.nt",
        '<http://example.org/a> <http://example.org/b> "c" .\n<http://example.org/a> <b> .\n',
    )
    before = quads(export(store))
    done = run("load", "--store", str(store), "--lang", "en", str(broken))
    assert done.returncode == 1
    assert "casse.nt" in done.stderr and "line 2" in done.stderr
    assert quads(export(store)) == before


def test_replace_swaps_a_graph_whole(store, tmp_path, export, run):
    graph = "http://example.org/remplace"
    first = write(tmp_path / "v1.ttl", "<http://example.org/a> <http://example.org/v> 1, 2 .")
    second = write(tmp_path / "v2.ttl", "<http://example.org/a> <http://example.org/v> 3 .")
    run("load", "--store", str(store), "--graph", graph, str(first), check=True)
    run("load", "--store", str(store), "--graph", graph, "--replace", str(second), check=True)
    held = {q[2].toPython() for q in quads(export(store)) if q[3] == URIRef(graph)}
    assert held == {3}


def test_a_store_in_use_by_a_server_is_a_clear_error(
    store, tmp_path, event_file, run, start_server
):
    server = start_server(store)
    try:
        source = event_file(tmp_path / "pendant.ttl", ID["event/pendant"], "Pendant")
        for command in (["load", str(source)], ["export"]):
            done = run(*command, "--store", str(store))
            assert done.returncode == 1
            assert "serve" in done.stderr and "Traceback" not in done.stderr
            assert "LOCK" not in done.stderr
    finally:
        server.stop()


def test_export_then_load_reproduces_the_store_exactly(
    store, tmp_path, auth, event_turtle, export, prefixes, run, start_server, update
):
    # Some writes first: blank nodes in several graphs, history, a tombstone.
    server = start_server(store, {"MEDIATION_WRITE_TOKEN": auth["Authorization"].split()[1]})
    try:
        blank = '<http://example.org/b> <http://example.org/p> [ <http://example.org/q> "un" ] .'
        assert (
            server.request(
                "PUT",
                "graphs",
                params={"graph": "http://example.org/blank"},
                data=blank.encode(),
                headers={**auth, "Content-Type": "text/turtle"},
            ).status_code
            == 201
        )
        iri = ID["event/aller-retour"]
        assert (
            update(
                server,
                f"{prefixes}INSERT DATA {{ GRAPH <{GRAPH['essais']}> {{ {event_turtle(iri, 'Aller-retour')} }} }}",
            ).status_code
            == 200
        )
        assert (
            update(
                server,
                f"DELETE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }} WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }}",
            ).status_code
            == 200
        )
        assert (
            update(
                server, "INSERT DATA { <http://example.org/default> <http://example.org/p> 1 }"
            ).status_code
            == 200
        )
    finally:
        server.stop()
    dump = tmp_path / "magasin.nq.gz"
    run("export", "--store", str(store), "--output", str(dump), check=True)
    with gzip.open(dump, "rb") as handle:
        original = parsed(handle.read())
    assert any(isinstance(q[0], BNode) for q in quads(original))
    assert any(q[3] is None for q in quads(original))
    empty = tmp_path / "vide"
    done = run("load", "--store", str(empty), str(dump), check=True)
    assert "Traceback" not in done.stderr
    restored = export(empty)
    assert len(quads(restored)) == len(quads(original))
    assert same_dataset(restored, original)
    trig = tmp_path / "magasin.trig"
    run("export", "--store", str(store), "--format", "trig", "--output", str(trig), check=True)
    again = tmp_path / "encore"
    run("load", "--store", str(again), str(trig), check=True)
    assert same_dataset(export(again), original)


def test_usage_errors(tmp_path, run):
    assert run("load").returncode == 2
    assert run("load", "--store", str(tmp_path / "s"), str(tmp_path / "absent.ttl")).returncode == 2
    empty = tmp_path / "rien"
    empty.mkdir()
    assert run("load", "--store", str(tmp_path / "s"), str(empty)).returncode == 2
    assert run("export", "--store", str(tmp_path / "nulle-part")).returncode == 1


def test_an_export_that_cannot_be_written_says_so_and_leaves_nothing(store, tmp_path, run):
    missing = run("export", "--store", str(store), "--output", str(tmp_path / "absent" / "x.nq"))
    assert missing.returncode == 1
    assert "Écriture impossible" in missing.stderr and "Cannot write" in missing.stderr
    assert "Traceback" not in missing.stderr
    taken = tmp_path / "pris.nq"  # a folder where the file should be: a usage error
    taken.mkdir()
    done = run("export", "--store", str(store), "--output", str(taken))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert list(taken.iterdir()) == []
    assert not any(p.name.startswith(".") for p in tmp_path.iterdir())  # no temporary file left


def test_load_and_export_work_on_a_remote_store(
    tmp_path, start_oxigraph, event_file, mediation, run, turtle_prefixes
):
    backing = start_oxigraph(tmp_path / "oxigraph")
    remote = [
        "--remote-query-url",
        backing.query_url,
        "--remote-update-url",
        backing.update_url,
        # The change log of a remote store lives beside the command, in the store directory.
        "--store",
        str(tmp_path / "local"),
    ]
    try:
        iri = ID["event/atelier-a-distance"]
        source = event_file(tmp_path / "a-distance.ttl", iri, "Atelier à distance")
        # Against an empty server the venue is unknown: the event's location must be a place.
        refused = run("load", *remote, "--lang", "en", str(source))
        assert refused.returncode == 1 and "schema:location" in refused.stderr
        venue = write(
            tmp_path / "lieu.ttl",
            turtle_prefixes + f"<{BASE}id/place/arena-lievin> a schema:Place ; "
            f'schema:name "Arena" .\n',
        )
        run("load", *remote, str(venue), check=True)
        run("load", *remote, str(source), check=True)
        done = subprocess.run(
            [mediation, "export", *remote],
            capture_output=True,
            timeout=600,
            env={k: v for k, v in os.environ.items() if not k.startswith("MEDIATION_")},
        )
        assert done.returncode == 0, done.stderr.decode()
        found = quads(parsed(done.stdout))
        assert (
            iri,
            SCHEMA.name,
            Literal("Atelier à distance", lang="fr"),
            GRAPH["a-distance"],
        ) in found
        assert any(q[3] == GRAPH["history"] for q in found)
    finally:
        backing.stop()


# ---------------------------------------------------------------------------------------------
# The bulk path: a file into new graphs, landed by the bulk loader and validated in place
# (``--bulk-load-after 1`` sends these small files where a million quads would go)
# ---------------------------------------------------------------------------------------------

BULK = ("--bulk-load-after", "1", "--load-workers", "2")
PROV = Namespace("http://www.w3.org/ns/prov#")


@pytest.fixture(scope="module")
def events_file(turtle_prefixes, event_turtle) -> Callable[..., Path]:
    """A Turtle file of ``count`` small events; ``extra`` maps an event's number to more of
    its Turtle (or, with ``start``, its start date)."""

    def events_file(path: Path, count: int, odd: dict[int, dict] | None = None) -> Path:
        events = [
            event_turtle(ID[f"event/lot-{n}"], f"Atelier {n}", **(odd or {}).get(n, {}))
            for n in range(count)
        ]
        return write(path, turtle_prefixes + "\n".join(events) + "\n")

    return events_file


def test_a_big_file_lands_whole_by_the_bulk_path_and_is_recorded(
    store, tmp_path, events_file, export, run
):
    source = events_file(tmp_path / "lot.ttl", 40)
    done = run("load", "--store", str(store), *BULK, str(source), check=True)
    assert "bulk load" in done.stderr and "+200 " in done.stderr
    dataset = export(store)
    landed = {q for q in quads(dataset) if q[3] == GRAPH["lot"]}
    assert len(landed) == 200
    assert {q[0] for q in landed} == {ID[f"event/lot-{n}"] for n in range(40)}
    history = dataset.graph(GRAPH["history"])
    changes = {
        history.value(predicate=PROV.influenced, object=ID[f"event/lot-{n}"]) for n in range(40)
    }
    assert len(changes) == 1 and None not in changes  # one record names every resource
    change = changes.pop()
    added = history.value(change, PROV.generated)
    assert history.value(added, URIRef("http://rdfs.org/ns/void#triples")).toPython() == 200


@pytest.mark.parametrize("validator", ["compiled", "pyshacl"])
def test_one_invalid_resource_among_many_lands_nothing_and_is_named(
    store, tmp_path, events_file, export, run, validator
):
    before = quads(export(store))
    source = events_file(tmp_path / "lot.ttl", 40, {17: {"start": "bientôt"}})
    checked = ("--load-validator", validator)
    done = run("load", "--store", str(store), *BULK, *checked, "--lang", "en", str(source))
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "1 violation(s)" in done.stderr and "Nothing was changed" in done.stderr
    assert f"<{ID['event/lot-17']}>" in done.stderr and "schema:startDate" in done.stderr
    assert "medsh:Event-startDate" in done.stderr  # the shape, and its message:
    assert "An event has one start date" in done.stderr
    assert f"<{ID['event/lot-16']}>" not in done.stderr
    assert quads(export(store)) == before
    # Refused, then loaded again once corrected: the graph was left new.
    fixed = events_file(tmp_path / "lot.ttl", 40)
    run("load", "--store", str(store), *BULK, str(fixed), check=True)


def test_workers_reading_a_snapshot_find_a_violation_and_leave_no_snapshot(
    store, tmp_path, events_file, export, run
):
    # More resources than one batch: the validating processes read their batches from a
    # snapshot of the store rather than being handed them.
    before = quads(export(store))
    source = events_file(tmp_path / "lot.ttl", 450, {333: {"start": "bientôt"}})
    done = run("load", "--store", str(store), *BULK, "--lang", "en", str(source))
    assert done.returncode == 1, done.stderr
    assert "1 violation(s)" in done.stderr and f"<{ID['event/lot-333']}>" in done.stderr
    assert quads(export(store)) == before
    assert not list(store.glob(".snapshots/load-*"))
    fixed = events_file(tmp_path / "lot.ttl", 450)
    done = run("load", "--store", str(store), *BULK, str(fixed), check=True)
    assert "+2250 " in done.stderr


@pytest.mark.parametrize(
    "odd, shape",
    [
        # A location the file does not describe, which the store holds as a theme.
        ({"extra": f"; schema:location <{ID['theme/illectronisme']}> "}, "Event-location"),
        # A second start date for an event whose first one is in another graph.
        ({}, "Event-startDate"),
    ],
    ids=["a link to an existing resource of the wrong class", "a count across old and new"],
)
def test_a_violation_seen_only_against_the_store_is_caught(
    store, tmp_path, events_file, export, run, turtle_prefixes, odd, shape
):
    before = quads(export(store))
    source = events_file(tmp_path / "lot.ttl", 20, {3: odd})
    if not odd:
        existing = ID["event/2019-12-04-journee-regionale-lievin"]
        with source.open("a", encoding="utf-8") as handle:
            handle.write(f'<{existing}> schema:startDate "2019-12-05"^^xsd:date .\n')
    done = run("load", "--store", str(store), *BULK, "--lang", "en", str(source))
    assert done.returncode == 1, done.stderr
    assert shape in done.stderr
    assert quads(export(store)) == before


def test_a_load_killed_while_it_is_validated_leaves_nothing(
    store, tmp_path, events_file, export, mediation
):
    import signal
    import time

    before = quads(export(store))
    source = events_file(tmp_path / "lot.ttl", 300)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIATION_")}
    process = subprocess.Popen(
        [mediation, "load", "--store", str(store), *BULK, str(source)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    marker = store / ".bulk-load"
    deadline = time.monotonic() + 300
    while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert marker.exists(), "the load ended before its validation could be interrupted"
    os.killpg(process.pid, signal.SIGKILL)  # the command and its validating processes
    process.wait(timeout=60)
    assert marker.exists()
    assert quads(export(store)) == before  # opening the store undid the half-made load
    assert not marker.exists()


def test_an_export_is_restored_by_the_bulk_path(store, tmp_path, event_file, export, run):
    event = event_file(tmp_path / "un.ttl", ID["event/avant-export"], "Avant l'export")
    run("load", "--store", str(store), str(event), check=True)  # a history to carry
    dump = tmp_path / "magasin.nq"
    run("export", "--store", str(store), "--output", str(dump), check=True)
    original = parsed(dump.read_bytes())
    empty = tmp_path / "vide"
    done = run("load", "--store", str(empty), *BULK, str(dump), check=True)
    assert "bulk load" in done.stderr and "restoring an export" in done.stderr
    restored = export(empty)
    assert GRAPH["history"] in {q[3] for q in quads(restored)}
    assert same_dataset(restored, original)
