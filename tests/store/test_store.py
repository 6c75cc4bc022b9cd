"""One suite of store behaviour, run unchanged on the embedded store, Oxigraph server and Virtuoso.

Each test gets an empty store: a new directory for the embedded store, the
shared server with every graph of ours dropped for the remote ones. The data
is the small sample of ``conftest.py``, never the project's seed.
"""

from __future__ import annotations

import csv
import io
import json
import socket
import threading
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD
from rdflib.term import BNode

from service.errors import (
    BadRequest,
    NotAcceptable,
    QueryEvaluationError,
    QuerySyntaxError,
    QueryTimeout,
    StoreError,
)
from service.formats import (
    GRAPH_FORMATS,
    NQUADS,
    NTRIPLES,
    RDFXML,
    RESULTS_CSV,
    RESULTS_FORMATS,
    RESULTS_JSON,
    RESULTS_TSV,
    RESULTS_XML,
    TRIG,
    TURTLE,
)
from service.store.embedded import EmbeddedStore
from service.store.interface import Changeset, QueryRequest
from service.store.remote import RemoteStore
from service.store.terms import to_rdflib

BASE = "https://store-tests.example/"
EX = "http://example.org/"
G1 = URIRef(f"{EX}graph/one")
G2 = URIRef(f"{EX}graph/two")
P_LABEL = URIRef(f"{EX}label")
P_THEME = URIRef(f"{EX}theme")
P_PLACE = URIRef(f"{EX}place")
P_COUNT = URIRef(f"{EX}count")
EVENT1 = URIRef(f"{EX}event/1")
EVENT2 = URIRef(f"{EX}event/2")


@pytest.fixture(params=["embedded", "oxigraph", "virtuoso"])
def any_store(request, tmp_path):
    if request.param == "embedded":
        store = EmbeddedStore(tmp_path / "store", max_workers=2)
        yield store
        store.close()
        return
    server = request.getfixturevalue(f"{request.param}_server")
    store = RemoteStore(server.query_url, server.update_url, base_url=BASE, timeout=30)
    _reset(store)
    yield store
    _reset(store)


def _reset(store: RemoteStore) -> None:
    graphs = [*store.graph_names(), store.default_graph, store.system_graph]
    store._update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs))


@pytest.fixture
def loaded(any_store, sample):
    any_store.load(sample.trig.encode(), TRIG, None)
    return any_store


def request_for(query: str, **options) -> QueryRequest:
    options.setdefault("result_format", RESULTS_JSON)
    options.setdefault("graph_format", TURTLE)
    return QueryRequest(query, **options)


# -- reading ------------------------------------------------------------------------------------------


def test_load_counts_quads_and_names_graphs(loaded, sample):
    assert loaded.count() == sample.quads
    assert loaded.graph_names() == [G1, G2]
    assert not loaded.is_empty()


def test_select_binds_variables_and_keeps_language_tags(loaded):
    rows = loaded.select(
        f"SELECT ?e ?label WHERE {{ ?e <{P_LABEL}> ?label FILTER(LANG(?label) = 'fr') }}",
        {"e": EVENT1},
    )
    assert rows == [{"e": EVENT1, "label": Literal("Journée régionale", lang="fr")}]


def test_default_graph_is_the_union_of_all_graphs(loaded):
    rows = loaded.select(f"SELECT ?theme WHERE {{ <{EVENT1}> <{P_THEME}> ?theme }}")
    assert {row["theme"] for row in rows} == {
        URIRef(f"{EX}theme/illectronisme"),
        URIRef(f"{EX}theme/acces-aux-droits"),
    }


def test_unbound_variables_are_absent_from_rows(loaded):
    rows = loaded.select(
        f"SELECT ?e ?en WHERE {{ ?e <{P_COUNT}> ?n OPTIONAL {{ ?e <{P_LABEL}> ?en FILTER(LANG(?en) = 'en') }} }}"
    )
    assert {frozenset(row) for row in rows} == {frozenset({"e", "en"}), frozenset({"e"})}


def test_typed_literals_come_back_typed(loaded):
    rows = loaded.select(f"SELECT ?n WHERE {{ <{EVENT2}> <{P_COUNT}> ?n }}")
    assert rows == [{"n": Literal("3", datatype=XSD.integer)}]


def test_ask_and_construct(loaded):
    assert loaded.ask(f"ASK {{ ?e <{P_THEME}> ?t }}", {"e": EVENT2})
    assert not loaded.ask(f"ASK {{ ?e <{P_THEME}> ?t }}", {"e": URIRef(f"{EX}nothing")})
    graph = loaded.construct(
        f"CONSTRUCT {{ ?e <{P_LABEL}> ?l }} WHERE {{ GRAPH <{G2}> {{ ?e <{P_LABEL}> ?l }} }}"
    )
    expected = Graph()
    expected.add((EVENT2, P_LABEL, Literal("Atelier", lang="fr")))
    assert isomorphic(graph, expected)


def test_quads_by_pattern_and_graph(loaded):
    in_g2 = set(loaded.quads(graph=G2))
    assert len(in_g2) == 4 and all(q[3] == G2 for q in in_g2)
    default = list(loaded.quads(graph=None))
    assert default == [(URIRef(f"{EX}event/3"), P_LABEL, Literal("Sans graphe"), None)]
    themes = set(loaded.quads(EVENT1, P_THEME))
    assert {(q[2], q[3]) for q in themes} == {
        (URIRef(f"{EX}theme/illectronisme"), G1),
        (URIRef(f"{EX}theme/acces-aux-droits"), G2),
    }
    assert set(loaded.quads(obj=Literal("Atelier", lang="fr"))) == {
        (EVENT2, P_LABEL, Literal("Atelier", lang="fr"), G2)
    }


def test_link_quads_are_the_graphs_quads_with_literal_objects_left_out(loaded):
    for graph in (G1, G2, None):
        quads = set(loaded.quads(graph=graph))
        links = list(loaded.link_quads(graph))
        assert len(links) == len(quads)
        assert set(links) == {
            (s, p, None if isinstance(o, Literal) else o, g) for s, p, o, g in quads
        }
    # Read again, each term the same as the first time (terms are made once, then kept).
    assert set(loaded.link_quads(G1)) == set(loaded.link_quads(G1))


def test_blank_nodes_read_back_can_be_looked_up(loaded):
    [(_, _, place, graph)] = loaded.quads(EVENT1, P_PLACE)
    assert isinstance(place, BNode) and graph == G1
    assert {q[2] for q in loaded.quads(place, P_LABEL)} == {Literal("Salle des fêtes")}


def test_graph_is_an_rdflib_graph_of_one_graph(loaded):
    graph = loaded.graph(G2)
    assert len(graph) == 4 and (EVENT2, P_LABEL, Literal("Atelier", lang="fr")) in graph


LITERALS = f"""
@prefix ex: <{EX}> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:literals ex:value
    "P3M"^^xsd:duration, "PT5H"^^xsd:duration, "PT2S"^^xsd:duration, "-P1Y2M"^^xsd:duration,
    "P1Y2M3DT4H"^^xsd:duration, "P1Y1D"^^xsd:duration, "PT0.5S"^^xsd:duration,
    "P14M"^^xsd:yearMonthDuration, "PT90M"^^xsd:dayTimeDuration,
    "11:00:00"^^xsd:time, "2019-12-13"^^xsd:date, "2019-12-13T11:00:00+01:00"^^xsd:dateTime,
    "2020"^^xsd:gYear, "2019-12"^^xsd:gYearMonth, true, 250, 1.5, 1.0E3,
    "02691"^^xsd:token, "https://example.org/x"^^xsd:anyURI, "5dab"^^xsd:hexBinary,
    "abc"^^ex:type, "texte"@fr, "plain" .
"""
LITERALS_SUBJECT = URIRef(f"{EX}literals")
LITERALS_GRAPH = URIRef(f"{EX}graph/literals")


def _value(term) -> tuple:
    """What a literal says, whatever its lexical form ("1" and "true" are one boolean)."""
    from service.store import durations

    datatype = str(term.datatype or "")
    if datatype in durations.DURATION_TYPES:
        return datatype, durations.value(str(term))
    value = term.toPython()
    return datatype, term.language, str(term) if isinstance(value, Literal) else value


def test_literals_of_every_datatype_are_stored_as_they_are(any_store):
    """Values survive the store, however it spells them: durations on Virtuoso are numbers inside."""
    expected = {_value(o) for o in Graph().parse(data=LITERALS, format="turtle").objects()}
    assert any_store.load(LITERALS.encode(), TURTLE, LITERALS_GRAPH) == len(expected)
    stored = [q[2] for q in any_store.quads(LITERALS_SUBJECT)]
    assert {_value(o) for o in stored} == expected
    rows = any_store.select(f"SELECT ?v WHERE {{ <{LITERALS_SUBJECT}> ?p ?v }}")
    assert {_value(row["v"]) for row in rows} == expected
    graph = any_store.construct(f"CONSTRUCT WHERE {{ <{LITERALS_SUBJECT}> ?p ?v }}")
    assert {_value(o) for o in graph.objects()} == expected
    for fmt in (RESULTS_JSON, RESULTS_XML):
        answer = any_store.run_query(
            request_for(f"SELECT ?v WHERE {{ <{LITERALS_SUBJECT}> ?p ?v }}", result_format=fmt)
        )
        solutions = ox.parse_query_results(
            answer.body, getattr(ox.QueryResultsFormat, fmt.oxigraph)
        )
        assert {_value(to_rdflib(row["v"])) for row in solutions} == expected
    ntriples = any_store.run_query(
        request_for(f"CONSTRUCT WHERE {{ <{LITERALS_SUBJECT}> ?p ?v }}", graph_format=NTRIPLES)
    )
    assert {_value(o) for o in Graph().parse(data=ntriples.body, format="nt").objects()} == expected
    # Each is found by its value, as it was read back and as it was written.
    for literal in stored + list(Graph().parse(data=LITERALS, format="turtle").objects()):
        assert len(list(any_store.quads(obj=literal, graph=LITERALS_GRAPH))) == 1, literal
    # And removed by it.
    generation = any_store.generation
    any_store.apply(
        Changeset(
            remove=[(LITERALS_SUBJECT, URIRef(f"{EX}value"), o, LITERALS_GRAPH) for o in stored]
        )
    )
    assert not list(any_store.quads(LITERALS_SUBJECT)) and any_store.generation > generation


# -- writing ------------------------------------------------------------------------------------------


def test_apply_removes_then_adds_and_moves_the_generation(loaded):
    before = loaded.generation
    label = (EVENT2, P_LABEL, Literal("Atelier", lang="fr"), G2)
    new_label = (EVENT2, P_LABEL, Literal("Atelier numérique", lang="fr"), G2)
    generation = loaded.apply(
        Changeset(remove=[label], add=[new_label, (EVENT2, P_COUNT, Literal(4), None)])
    )
    assert generation == loaded.generation > before
    assert set(loaded.quads(EVENT2, P_LABEL)) == {new_label}
    assert (EVENT2, P_COUNT, Literal(4), None) in set(loaded.quads(EVENT2, P_COUNT))


def test_apply_with_an_invalid_term_changes_nothing(loaded):
    before = set(loaded.quads())
    generation = loaded.generation
    bad = Changeset(
        remove=[(EVENT2, P_LABEL, Literal("Atelier", lang="fr"), G2)],
        add=[
            (EVENT2, P_LABEL, Literal("ok"), G2),
            (URIRef("not an iri"), P_LABEL, Literal("x"), G2),
        ],
    )
    with pytest.raises(BadRequest):
        loaded.apply(bad)
    assert set(loaded.quads()) == before
    assert loaded.generation == generation


def test_update_delta_of_data_blocks_is_exact(loaded, sample):
    delta = loaded.update_delta(
        f"PREFIX ex: <{EX}>\n"
        f'INSERT DATA {{ GRAPH <{G2}> {{ ex:event\\/2 ex:label "Atelier"@fr, "Workshop"@en }} }} ;\n'
        f'DELETE DATA {{ GRAPH <{G2}> {{ ex:event\\/2 ex:count 3 }} ex:event\\/3 ex:label "absent" }}'
    )
    assert delta.add == [(EVENT2, P_LABEL, Literal("Workshop", lang="en"), G2)]
    assert delta.remove == [(EVENT2, P_COUNT, Literal("3", datatype=XSD.integer), G2)]
    assert loaded.count() == sample.quads  # nothing applied


def test_update_delta_without_graph_writes_the_default_graph(loaded):
    delta = loaded.update_delta(f'INSERT DATA {{ <{EVENT2}> <{P_LABEL}> "Atelier"@fr }}')
    assert delta.add == [(EVENT2, P_LABEL, Literal("Atelier", lang="fr"), None)]
    delta = loaded.update_delta(f'DELETE DATA {{ <{EVENT2}> <{P_LABEL}> "Atelier"@fr }}')
    assert not delta  # the triple is in a named graph, not in the default graph


def test_update_delta_of_delete_insert_where(loaded):
    delta = loaded.update_delta(
        f"DELETE {{ GRAPH ?g {{ ?e <{P_COUNT}> ?n }} }} INSERT {{ GRAPH ?g {{ ?e <{P_COUNT}> ?m }} }} "
        f"WHERE {{ GRAPH ?g {{ ?e <{P_COUNT}> ?n }} BIND(?n * 10 AS ?m) }}"
    )
    assert sorted(delta.remove) == sorted(
        [
            (EVENT1, P_COUNT, Literal("12", datatype=XSD.integer), G1),
            (EVENT2, P_COUNT, Literal("3", datatype=XSD.integer), G2),
        ]
    )
    assert {(q[0], int(q[2]), q[3]) for q in delta.add} == {(EVENT1, 120, G1), (EVENT2, 30, G2)}
    loaded.apply(delta)
    assert {int(q[2]) for q in loaded.quads(predicate=P_COUNT)} == {120, 30}


def test_update_delta_sees_earlier_operations(loaded):
    delta = loaded.update_delta(
        f"INSERT DATA {{ <{EX}event/9> <{P_COUNT}> 1 }} ;\n"
        f"DELETE {{ ?e <{P_COUNT}> 1 }} INSERT {{ ?e <{P_COUNT}> 2 }} WHERE {{ ?e <{P_COUNT}> 1 }}"
    )
    assert delta.remove == []
    assert delta.add == [
        (URIRef(f"{EX}event/9"), P_COUNT, Literal("2", datatype=XSD.integer), None)
    ]


def test_update_delta_with_blank_nodes(loaded, sample):
    # A template's blank node is new for each solution.
    delta = loaded.update_delta(
        f'INSERT {{ GRAPH ?g {{ ?e <{EX}note> [ <{P_LABEL}> "note" ] }} }} '
        f"WHERE {{ GRAPH ?g {{ ?e <{P_COUNT}> ?n }} }}"
    )
    notes = {q[2] for q in delta.add if q[1] == URIRef(f"{EX}note")}
    assert len(notes) == 2 and all(isinstance(n, BNode) for n in notes)
    # A stored blank node is addressed as itself: removing the place removes its statements.
    delta = loaded.update_delta(
        f"DELETE {{ GRAPH ?g {{ ?e <{P_PLACE}> ?p . ?p ?q ?v }} }} "
        f"WHERE {{ GRAPH ?g {{ ?e <{P_PLACE}> ?p . ?p ?q ?v }} }}"
    )
    assert len(delta.remove) == 3 and not delta.add
    loaded.apply(delta)
    assert not loaded.ask(f'ASK {{ ?p <{P_LABEL}> "Salle des fêtes" }}')
    assert loaded.count() == sample.quads - 3


THEME_ACCES = URIRef(f"{EX}theme/acces-aux-droits")
THEME_ILLECTRONISME = URIRef(f"{EX}theme/illectronisme")
COUNT_12 = Literal("12", datatype=XSD.integer)
COUNT_3 = Literal("3", datatype=XSD.integer)

#: The forms of SPARQL 1.1 Update with a GRAPH variable (§3.1.3), their removals and additions.
GRAPH_VARIABLE_UPDATES = {
    "delete-where": (
        f"DELETE WHERE {{ GRAPH ?g {{ <{EVENT1}> <{P_THEME}> ?t }} }}",
        {(EVENT1, P_THEME, THEME_ILLECTRONISME, G1), (EVENT1, P_THEME, THEME_ACCES, G2)},
        set(),
    ),
    "delete-where-two-blocks-one-graph": (
        f"DELETE WHERE {{ GRAPH ?g {{ ?e <{P_THEME}> <{THEME_ACCES}> }} GRAPH ?g {{ ?e <{P_COUNT}> ?n }} }}",
        {(EVENT2, P_THEME, THEME_ACCES, G2), (EVENT2, P_COUNT, COUNT_3, G2)},
        set(),
    ),
    "delete-where-default-and-graph": (
        # The default-graph pattern matches in the union; its template removes from the
        # store's own default graph, which does not hold that triple.
        f"DELETE WHERE {{ ?e <{P_COUNT}> ?n . GRAPH ?g {{ ?e <{P_THEME}> ?t }} }}",
        {
            (EVENT1, P_THEME, THEME_ILLECTRONISME, G1),
            (EVENT1, P_THEME, THEME_ACCES, G2),
            (EVENT2, P_THEME, THEME_ACCES, G2),
        },
        set(),
    ),
    "delete-where-nothing-matches": (
        f"DELETE WHERE {{ GRAPH ?g {{ <{EX}event/absent> ?p ?o }} }}",
        set(),
        set(),
    ),
    "delete-insert-moves-between-graphs": (
        f"DELETE {{ GRAPH ?g {{ ?e <{P_THEME}> ?t }} }} INSERT {{ GRAPH <{G2}> {{ ?e <{P_THEME}> ?t }} }} "
        f"WHERE {{ GRAPH ?g {{ ?e <{P_THEME}> ?t }} FILTER(?g != <{G2}>) }}",
        {(EVENT1, P_THEME, THEME_ILLECTRONISME, G1)},
        {(EVENT1, P_THEME, THEME_ILLECTRONISME, G2)},
    ),
    "with-and-graph-variable": (
        # WITH names the default graph of the WHERE clause and of the templates; GRAPH ?g
        # still ranges over every named graph.
        f'WITH <{G1}> DELETE {{ GRAPH ?g {{ ?e <{P_THEME}> ?t }} }} INSERT {{ ?e <{P_LABEL}> "thème" }} '
        f"WHERE {{ ?e <{P_COUNT}> ?n . GRAPH ?g {{ ?e <{P_THEME}> ?t }} }}",
        {(EVENT1, P_THEME, THEME_ILLECTRONISME, G1), (EVENT1, P_THEME, THEME_ACCES, G2)},
        {(EVENT1, P_LABEL, Literal("thème"), G1)},
    ),
    "delete-data-then-delete-where": (
        # A later operation sees the earlier one's removal.
        f"DELETE DATA {{ GRAPH <{G2}> {{ <{EVENT1}> <{P_THEME}> <{THEME_ACCES}> }} }} ;\n"
        f"DELETE WHERE {{ GRAPH ?g {{ <{EVENT1}> <{P_THEME}> ?t }} }}",
        {(EVENT1, P_THEME, THEME_ILLECTRONISME, G1), (EVENT1, P_THEME, THEME_ACCES, G2)},
        set(),
    ),
}


@pytest.mark.parametrize("form", sorted(GRAPH_VARIABLE_UPDATES))
def test_update_delta_with_a_graph_variable(loaded, form):
    update, removed, added = GRAPH_VARIABLE_UPDATES[form]
    delta = loaded.update_delta(update)
    assert (set(delta.remove), set(delta.add)) == (removed, added)
    before = set(loaded.quads())
    loaded.apply(delta)
    assert set(loaded.quads()) == (before - removed) | added


def test_update_delta_refuses_load_and_bad_syntax(loaded):
    with pytest.raises(BadRequest):
        loaded.update_delta("LOAD <http://127.0.0.1:9/data.ttl>")
    with pytest.raises(QuerySyntaxError):
        loaded.update_delta("INSERT DATA { <http://example.org/a> <http://example.org/b> }")


@pytest.mark.parametrize(
    ("update", "line", "column"),
    [
        ("INSERT DATA { <http://example.org/a> <http://example.org/b> }", 1, 61),
        ("INSERT DATA { <http://example.org/a> <http://example.org/b> ", 1, 61),
        (
            "PREFIX s: <https://schema.org/>\n"
            "DELETE { ?e s:name ?n }\n"
            'INSERT { ?e s:name "Atelier"@fr ; s:about }\n'
            "WHERE { ?e s:name ?n }",
            3,
            43,
        ),
    ],
)
def test_an_update_syntax_error_says_where_the_text_goes_wrong(loaded, update, line, column):
    # rdflib's parser backs up to the start of the operation ("found 'INSERT' (at char 0)");
    # the position is the one Oxigraph's parser stops at, as for a query.
    with pytest.raises(QuerySyntaxError) as raised:
        loaded.update_delta(update)
    error = raised.value
    assert (error.details["line"], error.details["column"]) == (line, column)
    assert f"ligne {line}, colonne {column}" in error.message_fr
    assert f"line {line}, column {column}" in error.message_en
    assert "mise à jour SPARQL" in error.message_fr
    assert "Update" in error.message_en
    assert "at char" not in error.message_en


def test_an_update_naming_load_is_never_run_to_find_its_error(loaded):
    # A triple term (SPARQL 1.2) is beyond rdflib's grammar and within Oxigraph's: Oxigraph
    # would read this update, and run its LOAD, were it asked where the error is.
    visits: list[bytes] = []
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    done = threading.Event()

    def answer() -> None:
        while not done.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                visits.append(connection.recv(4096))
                connection.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")

    update = (
        f"LOAD <http://127.0.0.1:{port}/data.ttl> INTO GRAPH <http://example.org/g> ;\n"
        "INSERT DATA { <urn:s> <urn:p> <<( <urn:a> <urn:b> <urn:c> )>> }"
    )
    server = threading.Thread(target=answer)
    server.start()
    try:
        with pytest.raises(QuerySyntaxError):
            loaded.update_delta(update)
    finally:
        done.set()
        server.join()
        listener.close()
    assert visits == []
    # The premise: Oxigraph reads the operation rdflib cannot.
    ox.Store().update("INSERT DATA { <urn:s> <urn:p> <<( <urn:a> <urn:b> <urn:c> )>> }")


def test_dump_and_load_round_trip(loaded, tmp_path, sample):
    out = io.BytesIO()
    loaded.dump(out, NQUADS)
    dumped = Dataset()
    dumped.parse(data=out.getvalue(), format="nquads")
    expected = Dataset()
    expected.parse(data=sample.trig, format="trig")
    assert len(dumped) == len(expected)
    for name in (G1, G2):
        assert isomorphic(dumped.graph(name), expected.graph(name))
    one = io.BytesIO()
    loaded.dump(one, TURTLE, G2)
    assert isomorphic(Graph().parse(data=one.getvalue(), format="turtle"), expected.graph(G2))


# -- the public endpoint --------------------------------------------------------------------------------


SELECT_ALL = f"SELECT ?e ?l WHERE {{ ?e <{P_LABEL}> ?l FILTER(STRSTARTS(STR(?e), '{EX}event/')) }}"


@pytest.mark.parametrize("fmt", RESULTS_FORMATS, ids=lambda f: f.key)
def test_run_query_answers_select_in_every_results_format(loaded, fmt):
    response = loaded.run_query(request_for(SELECT_ALL, result_format=fmt))
    assert response.form == "select" and response.rows == 4 and not response.truncated
    assert response.media_type == fmt.media_type
    if fmt in (RESULTS_JSON, RESULTS_XML, RESULTS_TSV):
        parsed = ox.parse_query_results(response.body, getattr(ox.QueryResultsFormat, fmt.oxigraph))
        labels = {row["l"] for row in parsed}
        assert ox.Literal("Journée régionale", language="fr") in labels
    else:
        rows = list(csv.reader(io.StringIO(response.body.decode("utf-8"))))
        assert rows[0] == ["e", "l"] and ["http://example.org/event/2", "Atelier"] in rows


@pytest.mark.parametrize("fmt", GRAPH_FORMATS, ids=lambda f: f.key)
def test_run_query_answers_construct_in_every_graph_format(loaded, fmt):
    query = f"CONSTRUCT {{ ?e <{P_LABEL}> ?l }} WHERE {{ GRAPH <{G2}> {{ ?e <{P_LABEL}> ?l }} }}"
    response = loaded.run_query(request_for(query, graph_format=fmt))
    assert response.form == "construct" and response.rows == 1
    graph = Graph().parse(data=response.body, format=fmt.rdflib)
    assert set(graph) == {(EVENT2, P_LABEL, Literal("Atelier", lang="fr"))}


PLACE_QUERY = f"SELECT ?e ?place ?l WHERE {{ ?e <{P_PLACE}> ?place . ?place <{P_LABEL}> ?l }}"


@pytest.mark.parametrize("fmt", RESULTS_FORMATS, ids=lambda f: f.key)
def test_run_query_answers_blank_nodes_in_every_results_format(loaded, fmt):
    """A blank node in a result is a blank node of the format, whatever the server calls it
    (Virtuoso answers ``nodeID://…``)."""
    response = loaded.run_query(request_for(PLACE_QUERY, result_format=fmt))
    assert response.rows == 1
    if fmt in (RESULTS_JSON, RESULTS_XML, RESULTS_TSV):
        (row,) = ox.parse_query_results(response.body, getattr(ox.QueryResultsFormat, fmt.oxigraph))
        assert (row["e"], row["l"]) == (ox.NamedNode(str(EVENT1)), ox.Literal("Salle des fêtes"))
        assert isinstance(row["place"], ox.BlankNode)
    else:  # CSV writes a blank node as _:label
        (header, row) = list(csv.reader(io.StringIO(response.body.decode("utf-8"))))
        assert (
            header == ["e", "place", "l"] and row[0] == str(EVENT1) and row[2] == "Salle des fêtes"
        )
        assert row[1].startswith("_:") and len(row[1]) > 2


@pytest.mark.parametrize("fmt", GRAPH_FORMATS, ids=lambda f: f.key)
def test_run_query_answers_blank_nodes_in_every_graph_format(loaded, fmt):
    query = f"CONSTRUCT {{ ?e <{P_PLACE}> ?place . ?place ?p ?v }} WHERE {{ ?e <{P_PLACE}> ?place . ?place ?p ?v }}"
    response = loaded.run_query(request_for(query, graph_format=fmt))
    assert response.form == "construct"
    expected = Graph().parse(
        data=f"""<{EVENT1}> <{P_PLACE}> [ <{P_LABEL}> "Salle des fêtes" ;
        <{EX}city> "Liévin" ] .""",
        format="turtle",
    )
    assert isomorphic(Graph().parse(data=response.body, format=fmt.rdflib), expected)
    # With a FROM: Virtuoso describes a resource without rdf:type only in a named dataset.
    described = loaded.run_query(request_for(f"DESCRIBE <{EVENT1}> FROM <{G1}>", graph_format=fmt))
    graph = Graph().parse(data=described.body, format=fmt.rdflib)
    assert any(isinstance(o, BNode) for o in graph.objects(EVENT1, P_PLACE))


@pytest.mark.parametrize("predicate", [f"{EX}p/123", f"{EX}p/"])
def test_rdf_xml_never_carries_a_property_without_an_xml_local_name(loaded, predicate):
    """RDF/XML cannot write such a property (RDF 1.1 XML Syntax §8.1): 406 naming it and the
    formats that can, never a document no XML parser reads."""
    loaded.apply(Changeset(add=[(EVENT2, URIRef(predicate), Literal("valeur"), G2)]))
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{G2}> {{ ?s ?p ?o }} }}"
    with pytest.raises(NotAcceptable) as refused:
        loaded.run_query(request_for(query, graph_format=RDFXML))
    assert f"<{predicate}>" in refused.value.message_en
    assert refused.value.details["supported"] == [
        "text/turtle",
        "application/ld+json",
        "application/n-triples",
    ]
    turtle = loaded.run_query(request_for(query, graph_format=TURTLE))
    assert (EVENT2, URIRef(predicate), Literal("valeur")) in Graph().parse(
        data=turtle.body, format="turtle"
    )
    fine = loaded.run_query(
        request_for(
            f"CONSTRUCT {{ ?s <{P_LABEL}> ?o }} WHERE {{ ?s <{P_LABEL}> ?o }}", graph_format=RDFXML
        )
    )
    assert len(Graph().parse(data=fine.body, format="xml")) == 5


def test_run_query_answers_ask(loaded):
    response = loaded.run_query(request_for(f"ASK {{ <{EVENT2}> ?p ?o }}"))
    assert response.form == "ask" and json.loads(response.body)["boolean"] is True
    response = loaded.run_query(
        request_for(f"ASK {{ <{EX}none> ?p ?o }}", result_format=RESULTS_XML)
    )
    assert (
        ET.fromstring(response.body).find("{http://www.w3.org/2005/sparql-results#}boolean").text
        == "false"
    )


def test_run_query_cuts_at_max_rows_and_says_so(loaded):
    response = loaded.run_query(request_for(SELECT_ALL, max_rows=2))
    body = json.loads(response.body)
    assert response.truncated and response.rows == 2
    assert body["truncated"] is True and len(body["results"]["bindings"]) == 2
    tsv = loaded.run_query(request_for(SELECT_ALL, max_rows=3, result_format=RESULTS_TSV))
    assert tsv.truncated and len(tsv.body.decode().splitlines()) == 4
    exact = loaded.run_query(request_for(SELECT_ALL, max_rows=4))
    assert not exact.truncated and "truncated" not in json.loads(exact.body)
    graph = loaded.run_query(
        request_for(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{G2}> {{ ?s ?p ?o }} }}", max_rows=2)
    )
    assert graph.truncated and len(Graph().parse(data=graph.body, format="turtle")) == 2


def test_run_query_reports_syntax_errors_with_their_line(loaded):
    with pytest.raises(QuerySyntaxError) as caught:
        loaded.run_query(request_for("SELECT * WHERE {\n  ?s ?p\n}"))
    assert caught.value.details.get("line") in (2, 3)
    assert caught.value.status == 400


@pytest.mark.parametrize(
    "query",
    [
        # W3C syntax-query test_4: valid SPARQL, calling a function no engine here knows.
        "PREFIX : <http://example/>\nSELECT (:function(?x +?y) AS ?F) ?z {}",
        f"SELECT ?e WHERE {{ ?e <{P_COUNT}> ?n FILTER(<http://example.org/no-such-function>(?n)) }}",
    ],
)
def test_a_query_the_engine_cannot_evaluate_is_the_clients_error(loaded, query):
    with pytest.raises(QueryEvaluationError) as caught:
        loaded.run_query(request_for(query))
    assert caught.value.status == 400 and "function" in caught.value.message_en


def test_an_unreachable_server_is_a_store_error(free_port):
    store = RemoteStore(f"http://127.0.0.1:{free_port()}/sparql", base_url=BASE, timeout=5)
    with pytest.raises(StoreError) as caught:
        store.run_query(request_for("ASK {}"))
    assert caught.value.status == 502


def test_run_query_honours_the_dataset_parameters(loaded):
    query = f"SELECT ?e WHERE {{ ?e <{P_COUNT}> ?n }}"
    only_g2 = loaded.run_query(
        request_for(query, default_graph_uris=(str(G2),), result_format=RESULTS_CSV)
    )
    assert only_g2.body.decode().split() == ["e", str(EVENT2)]
    named = loaded.run_query(
        request_for(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
            named_graph_uris=(str(G1),),
            result_format=RESULTS_CSV,
        )
    )
    assert named.body.decode().split() == ["g", str(G1)]


def _csv_column(response) -> set[str]:
    """The values of a one-column CSV result that are ours (not a remote store's own graphs)."""
    return {value for value in response.body.decode().split()[1:] if value.startswith(EX)}


@pytest.mark.parametrize(
    "query, protocol, default, named",
    [
        # The query's dataset (SPARQL 1.1 Query §13.2): exactly what it names.
        (f"SELECT ?x FROM <{G1}> {{ ?x <{P_COUNT}> ?n }}", {}, {EVENT1}, set()),
        (f"SELECT ?x FROM <{G1}> FROM <{G2}> {{ ?x <{P_COUNT}> ?n }}", {}, {EVENT1, EVENT2}, set()),
        (f"SELECT ?x FROM NAMED <{G2}> {{ ?x <{P_COUNT}> ?n }}", {}, set(), {G2}),
        (f"SELECT ?x FROM <{G1}> FROM NAMED <{G2}> {{ ?x <{P_COUNT}> ?n }}", {}, {EVENT1}, {G2}),
        (f"SELECT ?x from <{G1}> fRoM named <{G2}> {{ ?x <{P_COUNT}> ?n }}", {}, {EVENT1}, {G2}),
        # The protocol's dataset wins over the query's (SPARQL 1.1 Protocol §2.1.4).
        (
            f"SELECT ?x FROM <{G1}> {{ ?x <{P_COUNT}> ?n }}",
            {"default_graph_uris": (str(G2),)},
            {EVENT2},
            set(),
        ),
        (
            f"SELECT ?x FROM <{G1}> {{ ?x <{P_COUNT}> ?n }}",
            {"named_graph_uris": (str(G1),)},
            set(),
            {G1},
        ),
        (
            f"SELECT ?x FROM NAMED <{G1}> {{ ?x <{P_COUNT}> ?n }}",
            {"default_graph_uris": (str(G1),), "named_graph_uris": (str(G2),)},
            {EVENT1},
            {G2},
        ),
        # No dataset anywhere: the union of all graphs, and every named graph.
        (f"SELECT ?x {{ ?x <{P_COUNT}> ?n }}", {}, {EVENT1, EVENT2}, {G1, G2}),
    ],
    ids=[
        "from",
        "from-from",
        "from-named",
        "from-and-named",
        "from-any-case",
        "protocol-default",
        "protocol-named",
        "protocol-both",
        "none",
    ],
)
def test_run_query_uses_exactly_the_dataset_it_is_given(loaded, query, protocol, default, named):
    """The default graph and the named graphs a query sees, in every combination."""
    options = {"result_format": RESULTS_CSV, **protocol}
    assert _csv_column(loaded.run_query(request_for(query, **options))) == {str(e) for e in default}
    graphs = query.replace(f"{{ ?x <{P_COUNT}> ?n }}", "{ GRAPH ?x { ?s ?p ?o } }").replace(
        "SELECT ?x", "SELECT DISTINCT ?x"
    )
    assert _csv_column(loaded.run_query(request_for(graphs, **options))) == {str(g) for g in named}


def test_the_default_graph_is_the_stores_own_when_the_union_is_off(loaded):
    """``union_default_graph`` off: a plain SPARQL dataset. The default graph is the store's
    own; the named graphs, FROM and GRAPH are those of the union mode."""
    union, plain = (
        {"result_format": RESULTS_CSV},
        {"result_format": RESULTS_CSV, "union_default_graph": False},
    )
    labelled = f"SELECT ?x {{ ?x <{P_LABEL}> ?l FILTER(isIRI(?x)) }}"
    assert _csv_column(loaded.run_query(request_for(labelled, **plain))) == {f"{EX}event/3"}
    assert _csv_column(loaded.run_query(request_for(labelled, **union))) == {
        str(EVENT1),
        str(EVENT2),
        f"{EX}event/3",
    }
    graphs = "SELECT DISTINCT ?x { GRAPH ?x { ?s ?p ?o } }"
    assert _csv_column(loaded.run_query(request_for(graphs, **plain))) == {str(G1), str(G2)}
    counted = f"SELECT ?x FROM <{G1}> {{ ?x <{P_COUNT}> ?n }}"
    assert _csv_column(loaded.run_query(request_for(counted, **plain))) == {str(EVENT1)}
    # The WHERE clauses of an update read the same default graph.
    seen = URIRef(f"{EX}seen")
    insert = f"INSERT {{ ?e <{seen}> true }} WHERE {{ ?e <{P_COUNT}> ?n }}"
    assert loaded.update_delta(insert, union_default_graph=False).add == []
    assert {q[0] for q in loaded.update_delta(insert).add} == {EVENT1, EVENT2}
    moved = f"DELETE {{ GRAPH <{G1}> {{ ?e <{P_THEME}> ?t }} }} WHERE {{ ?e <{P_THEME}> ?t }}"
    assert not loaded.update_delta(moved, union_default_graph=False)
    assert loaded.update_delta(moved).remove == [(EVENT1, P_THEME, THEME_ILLECTRONISME, G1)]


def test_a_slow_query_is_stopped_and_others_are_answered(any_store, slow_query):
    slow_graph = URIRef(f"{EX}graph/slow")
    any_store.apply(
        Changeset(add=[(URIRef(f"{EX}n/{i}"), P_COUNT, Literal(i), slow_graph) for i in range(150)])
    )
    pool_before = any_store.pool().pids() if isinstance(any_store, EmbeddedStore) else []
    outcome: dict = {}

    def slow() -> None:
        try:
            any_store.run_query(request_for(slow_query(slow_graph), timeout=1.5))
            outcome["answered"] = True
        except QueryTimeout as error:
            outcome["error"] = error

    thread = threading.Thread(target=slow)
    thread.start()
    # Meanwhile another client is answered.
    quick = any_store.run_query(request_for(f"ASK {{ <{EX}n/7> ?p ?o }}", timeout=20))
    assert json.loads(quick.body)["boolean"] is True
    thread.join(timeout=60)
    assert isinstance(outcome.get("error"), QueryTimeout) and outcome["error"].status == 503
    if isinstance(any_store, EmbeddedStore):
        # The worker that ran it was killed (the work really stopped) and replaced.
        pool_after = any_store.pool().pids()
        gone = set(pool_before) - set(pool_after)
        assert len(gone) == 1 and len(pool_after) == len(pool_before)
        assert not _process_exists(gone.pop())
        assert json.loads(any_store.run_query(request_for("ASK {}")).body)["boolean"] is True


def _process_exists(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as status:
            return "zombie" not in status.read()
    except FileNotFoundError:
        return False
