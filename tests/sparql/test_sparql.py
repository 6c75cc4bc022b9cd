"""``/sparql`` over HTTP: the SPARQL 1.1 Protocol, formats, errors, CORS, limits, federation.

Every test talks to a running ``mediation serve`` with a real SPARQL client
(SPARQLWrapper) or plain HTTP where the protocol's details matter.
"""

from __future__ import annotations

import csv
import io
import json
import socket
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, VOID
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    N3,
    POST,
    RDFXML,
    TSV,
    TURTLE,
    XML,
    SPARQLWrapper,
)
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from service.namespaces import SD, SH
from service.seed import graph_for, project_files

BASE = "https://w3id.org/mediation-sociale/"
THEMES = BASE + "graph/themes"
ROLES = BASE + "graph/roles"
COUNT_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
LABELS = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?concept ?label WHERE { ?concept skos:prefLabel ?label } ORDER BY ?concept ?label LIMIT 7"""
CONSTRUCT = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
CONSTRUCT { ?c skos:prefLabel ?l } WHERE { ?c skos:prefLabel ?l } LIMIT 9"""
# Four scans of every triple: never finishes on the seed, however fast the machine.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


STORE_KINDS = ["embedded", "oxigraph", "virtuoso"]


@pytest.fixture(scope="session")
def backing_servers(tmp_path_factory, start_oxigraph, start_virtuoso):
    """SPARQL servers behind the remote-store runs, one per kind, started when first needed."""
    starters = {"oxigraph": start_oxigraph, "virtuoso": start_virtuoso}
    started = {}

    def get(kind: str):
        if kind not in started:
            started[kind] = starters[kind](tmp_path_factory.mktemp(f"backing-{kind}"))
        return started[kind]

    yield get
    for running in started.values():
        running.stop()


@pytest.fixture(scope="session")
def serve_on(backing_servers, start_server):
    """``mediation serve`` on a store of this kind (seeded on first start)."""

    def serve_on(kind: str, directory: Path, extra_env: dict[str, str] | None = None):
        args = []
        if kind != "embedded":
            backing = backing_servers(kind)
            args = [
                "--remote-query-url",
                backing.query_url,
                "--remote-update-url",
                backing.update_url,
            ]
        return start_server(directory / "store", extra_env=extra_env, args=args)

    return serve_on


@pytest.fixture(scope="session", params=STORE_KINDS)
def served(request, server, serve_on, tmp_path_factory):
    """The service with the seed, on each store kind in turn: the same tests run on every one."""
    if request.param == "embedded":
        yield server
        return
    running = serve_on(request.param, tmp_path_factory.mktemp(f"served-{request.param}"))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def endpoint(served) -> str:
    return served.url + "sparql"


def client(endpoint: str, query: str, fmt: str = JSON, method: str | None = None) -> SPARQLWrapper:
    wrapper = SPARQLWrapper(endpoint)
    wrapper.setQuery(query)
    wrapper.setReturnFormat(fmt)
    if method:
        wrapper.setMethod(method)
    return wrapper


def count(endpoint: str, query: str = COUNT_TRIPLES, **params) -> int:
    response = requests.get(
        endpoint,
        params={"query": query, **params},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


# ---------------------------------------------------------------------------------------------
# Result formats, with a real client
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", POST])
def test_select_in_json(endpoint, method):
    result = client(endpoint, LABELS, JSON, method).query()
    assert result.info()["content-type"].startswith("application/sparql-results+json")
    document = result.convert()
    assert document["head"]["vars"] == ["concept", "label"]
    assert len(document["results"]["bindings"]) == 7


def test_select_in_xml(endpoint):
    result = client(endpoint, LABELS, XML).query()
    assert result.info()["content-type"].startswith("application/sparql-results+xml")
    document = result.convert()  # an xml.dom Document
    assert len(document.getElementsByTagName("result")) == 7


@pytest.mark.parametrize(
    "fmt, media_type, delimiter",
    [
        (CSV, "text/csv", ","),
        (TSV, "text/tab-separated-values", "\t"),
    ],
)
def test_select_in_csv_and_tsv(endpoint, fmt, media_type, delimiter):
    result = client(endpoint, LABELS, fmt).query()
    assert result.info()["content-type"].startswith(media_type)
    rows = list(csv.reader(io.StringIO(result.convert().decode("utf-8")), delimiter=delimiter))
    assert rows[0] in (["concept", "label"], ["?concept", "?label"])
    assert len(rows) == 8


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_ask_in_json_and_xml(endpoint, fmt):
    yes = client(endpoint, "ASK { ?s ?p ?o }", fmt).query().convert()
    no = client(endpoint, "ASK { <urn:x:nothing> ?p ?o }", fmt).query().convert()
    if fmt == JSON:
        assert (yes["boolean"], no["boolean"]) == (True, False)
    else:
        assert yes.getElementsByTagName("boolean")[0].firstChild.data == "true"
        assert no.getElementsByTagName("boolean")[0].firstChild.data == "false"


@pytest.mark.parametrize(
    "fmt, media_type, rdflib_format",
    [
        (TURTLE, "text/turtle", "turtle"),
        (N3, "text/turtle", "turtle"),
        (JSONLD, "application/ld+json", "json-ld"),
        (RDFXML, "application/rdf+xml", "xml"),
    ],
)
def test_construct_in_every_graph_format(endpoint, fmt, media_type, rdflib_format):
    wrapper = client(endpoint, CONSTRUCT, fmt)
    raw = wrapper.query()
    assert raw.info()["content-type"].startswith(media_type)
    graph = Graph().parse(data=raw.response.read(), format=rdflib_format)
    assert len(graph) == 9


def test_construct_in_ntriples_and_describe(endpoint):
    response = requests.post(
        endpoint, data={"query": CONSTRUCT}, headers={"Accept": "application/n-triples"}, timeout=60
    )
    assert response.headers["Content-Type"].startswith("application/n-triples")
    assert len(Graph().parse(data=response.text, format="nt")) == 9
    describe = requests.get(
        endpoint, params={"query": f"DESCRIBE <{BASE}id/theme/illectronisme>"}, timeout=60
    )
    assert describe.headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=describe.text, format="turtle")
    assert (URIRef(BASE + "id/theme/illectronisme"), None, None) in graph


# The shapes declare their prefixes with blank nodes (sh:declare [ sh:prefix …; sh:namespace … ]).
DECLARATIONS = """PREFIX sh: <http://www.w3.org/ns/shacl#>
SELECT ?declaration ?prefix WHERE { ?shapes sh:declare ?declaration . ?declaration sh:prefix ?prefix }"""
DECLARATIONS_GRAPH = """PREFIX sh: <http://www.w3.org/ns/shacl#>
CONSTRUCT { ?declaration sh:prefix ?prefix ; sh:namespace ?namespace }
WHERE { ?shapes sh:declare ?declaration . ?declaration sh:prefix ?prefix ; sh:namespace ?namespace }"""


@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_blank_nodes_in_select_results(endpoint, fmt):
    """Blank nodes answer in every results format, on every store (Virtuoso names its own
    ``nodeID://…``, which is no blank node label)."""
    result = client(endpoint, DECLARATIONS, fmt).query()
    assert result.response.status == 200
    if fmt == JSON:
        bindings = result.convert()["results"]["bindings"]
        kinds = {row["declaration"]["type"] for row in bindings}
        labels = {row["declaration"]["value"] for row in bindings}
    elif fmt == XML:
        document = result.convert()
        bindings = [
            node
            for b in document.getElementsByTagName("binding")
            if b.getAttribute("name") == "declaration"
            for node in b.childNodes
            if node.nodeType == node.ELEMENT_NODE
        ]
        kinds = {node.tagName for node in bindings}
        labels = {node.firstChild.data for node in bindings}
    else:
        rows = list(
            csv.reader(
                io.StringIO(result.convert().decode("utf-8")), delimiter="," if fmt == CSV else "\t"
            )
        )[1:]
        kinds = {"bnode" if row[0].startswith("_:") else row[0] for row in rows}
        labels = {row[0] for row in rows}
        bindings = rows
    assert len(bindings) >= 4
    assert kinds == {"bnode"}
    assert len(labels) == len(bindings)  # one node per declaration


@pytest.mark.parametrize(
    "fmt, rdflib_format",
    [
        (TURTLE, "turtle"),
        (JSONLD, "json-ld"),
        (RDFXML, "xml"),
    ],
)
def test_blank_nodes_in_construct_results(endpoint, fmt, rdflib_format):
    raw = client(endpoint, DECLARATIONS_GRAPH, fmt).query()
    graph = Graph().parse(data=raw.response.read(), format=rdflib_format)
    declarations = set(graph.subjects(URIRef("http://www.w3.org/ns/shacl#prefix"), None))
    assert len(declarations) >= 4
    assert all(isinstance(node, BNode) for node in declarations)
    assert all(
        graph.value(node, URIRef("http://www.w3.org/ns/shacl#namespace")) for node in declarations
    )


@pytest.mark.parametrize("accept", ["*/*", "", "*/*;q=0.5"])
def test_any_accept_gives_json_results_and_turtle_graphs(endpoint, accept):
    select = requests.get(
        endpoint, params={"query": LABELS}, headers={"Accept": accept}, timeout=60
    )
    assert select.headers["Content-Type"].startswith("application/sparql-results+json")
    graph = requests.get(
        endpoint, params={"query": CONSTRUCT}, headers={"Accept": accept}, timeout=60
    )
    assert graph.headers["Content-Type"].startswith("text/turtle")


def test_the_format_parameter_overrides_accept(endpoint):
    for value, media_type in [
        ("csv", "text/csv"),
        ("xml", "application/sparql-results+xml"),
        ("application/sparql-results+json", "application/sparql-results+json"),
    ]:
        response = requests.get(
            endpoint,
            params={"query": LABELS, "format": value},
            headers={"Accept": "text/turtle"},
            timeout=60,
        )
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith(media_type)
    for value, media_type in [
        ("json", "application/ld+json"),
        ("xml", "application/rdf+xml"),
        ("nt", "application/n-triples"),
    ]:
        response = requests.get(endpoint, params={"query": CONSTRUCT, "format": value}, timeout=60)
        assert response.headers["Content-Type"].startswith(media_type)


@pytest.mark.parametrize(
    "query, accept",
    [
        (LABELS, "text/turtle"),
        ("ASK {}", "text/csv"),
        (CONSTRUCT, "application/sparql-results+json"),
        (LABELS, "image/png"),
    ],
)
def test_an_unsupported_format_is_406_listing_what_is_supported(endpoint, query, accept):
    response = requests.get(
        endpoint, params={"query": query}, headers={"Accept": accept}, timeout=60
    )
    assert response.status_code == 406
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    text = response.text
    supported = (
        ["text/turtle", "application/ld+json"]
        if query == CONSTRUCT
        else ["application/sparql-results+json", "application/sparql-results+xml"]
    )
    for media_type in supported:
        assert media_type in text


def test_an_unknown_format_parameter_is_406(endpoint):
    response = requests.get(
        endpoint,
        params={"query": LABELS, "format": "yaml"},
        headers={"Accept": "application/json"},
        timeout=60,
    )
    assert response.status_code == 406
    assert "text/csv" in response.json()["supported"]


# ---------------------------------------------------------------------------------------------
# The protocol's ways of sending a query, and its dataset
# ---------------------------------------------------------------------------------------------


def test_get_form_post_and_direct_post_give_the_same_answer(endpoint):
    accept = {"Accept": "application/sparql-results+json"}
    by_get = requests.get(endpoint, params={"query": LABELS}, headers=accept, timeout=60)
    by_form = requests.post(endpoint, data={"query": LABELS}, headers=accept, timeout=60)
    direct = requests.post(
        endpoint,
        data=LABELS.encode("utf-8"),
        timeout=60,
        headers={**accept, "Content-Type": "application/sparql-query"},
    )
    assert by_get.json() == by_form.json() == direct.json()


def test_default_graph_uri_replaces_the_union(endpoint):
    everything = count(endpoint)
    themes = count(endpoint, **{"default-graph-uri": THEMES})
    roles = count(endpoint, **{"default-graph-uri": ROLES})
    both = requests.get(
        endpoint,
        params=[
            ("query", COUNT_TRIPLES),
            ("default-graph-uri", THEMES),
            ("default-graph-uri", ROLES),
        ],
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    assert 0 < themes < everything and 0 < roles < everything
    assert int(both.json()["results"]["bindings"][0]["n"]["value"]) == themes + roles


def test_named_graph_uri_in_the_url_of_a_direct_post(endpoint):
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
    response = requests.post(
        endpoint + "?" + "&".join(f"named-graph-uri={quote(g, safe='')}" for g in (THEMES, ROLES)),
        data=query.encode("utf-8"),
        headers={"Content-Type": "application/sparql-query", "Accept": "application/json"},
        timeout=60,
    )
    graphs = [row["g"]["value"] for row in response.json()["results"]["bindings"]]
    assert graphs == sorted([ROLES, THEMES])


def test_sparqlwrapper_dataset_parameters(endpoint):
    wrapper = client(endpoint, COUNT_TRIPLES)
    wrapper.addDefaultGraph(THEMES)
    assert int(wrapper.queryAndConvert()["results"]["bindings"][0]["n"]["value"]) == count(
        endpoint, **{"default-graph-uri": THEMES}
    )


def test_named_graphs_stay_addressable_and_the_default_graph_is_their_union(endpoint):
    named = count(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert named == count(endpoint)
    from_themes = count(endpoint, f"SELECT (COUNT(*) AS ?n) FROM <{THEMES}> WHERE {{ ?s ?p ?o }}")
    assert from_themes == count(endpoint, **{"default-graph-uri": THEMES})


GRAPHS_SEEN = "SELECT (COUNT(DISTINCT ?g) AS ?n) {from} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
TRIPLES_SEEN = "SELECT (COUNT(*) AS ?n) {from} WHERE {{ ?s ?p ?o }}"


def test_a_query_with_a_dataset_sees_exactly_that_dataset(endpoint):
    """SPARQL 1.1 Query §13.2: FROM alone names no named graph, FROM NAMED alone an empty
    default graph; the protocol's parameters replace the query's clauses (Protocol §2.1.4)."""
    themes = count(endpoint, **{"default-graph-uri": THEMES})
    assert count(endpoint, GRAPHS_SEEN.format(**{"from": f"FROM <{THEMES}>"})) == 0
    assert count(endpoint, TRIPLES_SEEN.format(**{"from": f"FROM <{THEMES}>"})) == themes
    assert count(endpoint, TRIPLES_SEEN.format(**{"from": f"FROM NAMED <{THEMES}>"})) == 0
    assert count(endpoint, GRAPHS_SEEN.format(**{"from": f"FROM NAMED <{THEMES}>"})) == 1
    assert (
        count(endpoint, GRAPHS_SEEN.format(**{"from": f"FROM <{ROLES}> FROM NAMED <{THEMES}>"}))
        == 1
    )
    # The protocol wins: the default graph is the roles, and there is no named graph.
    roles = count(
        endpoint,
        TRIPLES_SEEN.format(**{"from": f"FROM <{THEMES}>"}),
        **{"default-graph-uri": ROLES},
    )
    assert roles == count(endpoint, **{"default-graph-uri": ROLES}) != themes
    assert (
        count(
            endpoint,
            GRAPHS_SEEN.format(**{"from": f"FROM NAMED <{THEMES}>"}),
            **{"default-graph-uri": ROLES},
        )
        == 0
    )


def test_the_default_graph_holds_the_services_graphs_only(endpoint):
    """No triple of a graph a server keeps for itself (Virtuoso's ``virtrdf#``) shows in the data."""
    query = "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    response = requests.get(
        endpoint,
        params={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    graphs = {row["g"]["value"] for row in response.json()["results"]["bindings"]}
    assert graphs and {g for g in graphs if not g.startswith(BASE)} == set()
    ours = f"SELECT (COUNT(*) AS ?n) {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), '{BASE}')) }}"
    assert count(endpoint) == count(endpoint, ours)


def test_a_relative_iri_resolves_against_the_canonical_base(endpoint):
    response = requests.get(
        endpoint,
        params={"query": "ASK { <id/theme/illectronisme> ?p ?o }"},
        headers={"Accept": "application/json"},
        timeout=60,
    )
    assert response.json()["boolean"] is True


def test_head_and_conditional_get(endpoint):
    head = requests.head(endpoint, params={"query": LABELS}, timeout=60)
    assert head.status_code == 200 and head.content == b""
    first = requests.get(endpoint, params={"query": LABELS}, timeout=60)
    assert first.headers["ETag"] == head.headers["ETag"]
    assert "no-cache" in first.headers["Cache-Control"]
    again = requests.get(
        endpoint,
        params={"query": LABELS},
        headers={"If-None-Match": first.headers["ETag"]},
        timeout=60,
    )
    assert again.status_code == 304
    assert again.headers["Access-Control-Allow-Origin"] == "*"
    other = requests.get(
        endpoint,
        params={"query": LABELS, "format": "csv"},
        headers={"If-None-Match": first.headers["ETag"]},
        timeout=60,
    )
    assert other.status_code == 200


# ---------------------------------------------------------------------------------------------
# Errors: the right status, a message in French and English, CORS always
# ---------------------------------------------------------------------------------------------


def test_a_syntax_error_is_400_with_the_parsers_message_and_position(endpoint):
    query = "SELECT ?s WHERE {\n  ?s ?p ?o .\n  FILTER(?o = ) }"
    response = requests.get(
        endpoint, params={"query": query}, headers={"Accept": "application/json"}, timeout=60
    )
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "query-syntax"
    assert body["line"] == 3 and body["column"] >= 1
    column = body["column"]
    assert f"ligne 3, colonne {column} :" in body["message"]["fr"]
    assert f"line 3, column {column}:" in body["message"]["en"]
    # The parser's own words stay in "reason", for programs; the messages say them for people
    # (Oxigraph's character classes, lines of Unicode ranges, in a word: test_errors.py).
    assert body["reason"]
    assert "\\u{" not in body["message"]["fr"] + body["message"]["en"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    # SPARQLWrapper prints the body in its exception, in JSON mode too: text, not JSON.
    with pytest.raises(QueryBadFormed) as raised:
        client(endpoint, query).query()
    assert f"line 3, column {column}:" in str(raised.value)
    assert '"error"' not in str(raised.value)
    # curl (no Accept: */*) and YASGUI (results in JSON, else anything) read text.
    for accept in ("*/*", "application/sparql-results+json,*/*;q=0.9"):
        text = requests.post(
            endpoint, data={"query": query}, headers={"Accept": accept}, timeout=60
        )
        assert text.status_code == 400
        assert text.headers["Content-Type"].startswith("text/plain")
        assert text.text == f"{body['message']['fr']}\n{body['message']['en']}\n"


def test_a_syntax_error_is_placed_in_the_query_as_written(endpoint):
    """A query with relative IRIs is sent with a BASE in front: the position, in the message
    too, is the one in the client's text."""
    absolute, relative = (
        f"SELECT * WHERE {{ {iri} ?p ?o . FILTER(?o = ) }}" for iri in ("<a:b>", "<ab>")
    )
    positions = []
    for query in (absolute, relative):
        response = requests.get(
            endpoint, params={"query": query}, headers={"Accept": "application/json"}, timeout=60
        )
        body = response.json()
        assert f"line 1, column {body['column']}:" in body["message"]["en"]
        positions.append((body["line"], body["column"] - query.index("?p")))
    assert positions[0] == positions[1]


def test_a_query_the_engine_cannot_evaluate_is_400_with_the_engines_message(endpoint):
    """A valid query calling a function the engine does not know is the client's to fix."""
    query = "PREFIX : <http://example/>\nSELECT (:function(?x +?y) AS ?F) ?z {}"
    response = requests.post(
        endpoint,
        data={"query": query},
        timeout=60,
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error"] == "query-evaluation"
    assert "function" in body["message"]["en"] and body["message"]["fr"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    "method, kwargs, status",
    [
        ("GET", {"params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400),
        ("POST", {"data": {"query": ["ASK {}", "SELECT * {}"]}}, 400),
        ("POST", {"data": b"ASK {}", "headers": {"Content-Type": "text/plain"}}, 415),
        ("POST", {"data": b"query=ASK%20%7B%7D", "headers": {"Content-Type": ""}}, 415),
        (
            "POST",
            {
                "data": "ASK {}".encode("utf-16"),
                "headers": {"Content-Type": "application/sparql-query; charset=UTF-16"},
            },
            415,
        ),
        (
            "POST",
            {"data": b"ASK { \xff }", "headers": {"Content-Type": "application/sparql-query"}},
            400,
        ),
        ("POST", {"data": {"format": "json"}}, 400),
        ("GET", {"params": {"query": "   "}}, 400),
        ("GET", {"params": {"query": "ASK {}", "default-graph-uri": "not an iri"}}, 400),
        ("PUT", {"params": {"query": "ASK {}"}}, 405),
        ("DELETE", {}, 405),
    ],
)
def test_malformed_requests_are_client_errors_open_to_every_origin(
    endpoint, method, kwargs, status
):
    kwargs = dict(kwargs)  # the parameters are shared by every store kind
    response = requests.request(
        method,
        endpoint,
        timeout=60,
        headers={"Accept": "application/json", **kwargs.pop("headers", {})},
        **kwargs,
    )
    assert response.status_code == status, response.text
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    if method in ("GET", "POST"):
        assert set(response.json()["message"]) == {"fr", "en"}


def test_a_body_that_is_not_utf8_is_told_where_it_breaks(endpoint):
    broken = requests.post(
        endpoint,
        data=b"ASK { \xff }",
        timeout=60,
        headers={"Content-Type": "application/sparql-query", "Accept": "application/json"},
    )
    assert broken.status_code == 400
    assert broken.json()["message"] == {
        "fr": "La requête n'est pas de l'UTF-8 valide (octet 6).",
        "en": "The query is not valid UTF-8 (byte 6).",
    }
    other = requests.post(
        endpoint,
        data="ASK {}".encode("latin-1"),
        timeout=60,
        headers={
            "Content-Type": "application/sparql-query; charset=ISO-8859-1",
            "Accept": "application/json",
        },
    )
    assert other.status_code == 415
    assert other.json()["message"]["en"] == (
        "Encoding iso-8859-1 is not supported: the query must be UTF-8."
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"data": {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
        {
            "data": b"INSERT DATA { <urn:a> <urn:b> <urn:c> }",
            "headers": {"Content-Type": "application/sparql-update"},
        },
        {"data": {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
        {"data": b"DROP ALL", "headers": {"Content-Type": "application/sparql-query"}},
    ],
)
def test_an_update_is_refused_and_changes_nothing(endpoint, kwargs):
    before = count(endpoint)
    response = requests.post(endpoint, timeout=60, **kwargs)
    assert response.status_code == 400
    assert "/sparql/update" in response.text
    assert count(endpoint) == before


def test_cors_preflight(endpoint):
    response = requests.options(
        endpoint,
        timeout=60,
        headers={
            "Origin": "https://research.example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, accept",
        },
    )
    assert response.status_code in (200, 204)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    allowed = response.headers["Access-Control-Allow-Headers"].lower()
    for header in ("content-type", "accept", "authorization"):
        assert header in allowed
    ok = requests.post(
        endpoint,
        data={"query": "ASK {}"},
        timeout=60,
        headers={"Origin": "https://research.example.org"},
    )
    assert ok.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Mediation-Truncated" in ok.headers["Access-Control-Expose-Headers"]


# ---------------------------------------------------------------------------------------------
# The service description and the editor
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "accept, rdflib_format",
    [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("*/*", "turtle"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_the_service_description_parses_as_rdf(endpoint, accept, rdflib_format):
    response = requests.get(endpoint, headers={"Accept": accept}, timeout=60)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    graph = Graph().parse(data=response.text, format=rdflib_format)
    service = URIRef(BASE + "sparql")
    assert (service, RDF.type, SD.Service) in graph
    assert (service, SD.endpoint, URIRef(endpoint)) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    assert (service, SD.feature, SD.BasicFederatedQuery) not in graph  # federation is off
    formats = set(graph.objects(service, SD.resultFormat))
    assert URIRef("http://www.w3.org/ns/formats/SPARQL_Results_CSV") in formats
    assert URIRef("http://www.w3.org/ns/formats/Turtle") in formats
    described = {str(name) for name in graph.objects(None, SD.name)}
    # GRAPH ?g { ?s ?p ?o }: Virtuoso answers GRAPH ?g {} with one solution, ?g unbound.
    stored = requests.get(
        endpoint,
        params={"query": "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }"},
        headers={"Accept": "application/json"},
        timeout=60,
    ).json()
    assert described <= {row["g"]["value"] for row in stored["results"]["bindings"]}
    assert {str(graph_for(path, BASE)) for path in project_files()} <= described


def test_the_service_description_sizes_the_union_from_the_last_build(
    served, endpoint, wait_for_build
):
    """The union's size is the last open-data build's figure (VoID's), never a count made
    on the request: at 10M quads that count would scan the store on every GET."""
    void = Graph().parse(data=wait_for_build(served).text, format="turtle")
    graph = Graph().parse(data=requests.get(endpoint, timeout=60).text, format="turtle")
    described = {int(value) for value in graph.objects(None, VOID.triples)}
    whole = {int(value) for value in void.objects(URIRef(BASE + "catalog#all"), VOID.triples)}
    assert whole and described == whole


def test_the_service_description_lists_the_example_queries(endpoint):
    graph = Graph().parse(data=requests.get(endpoint, timeout=60).text, format="turtle")
    examples = set(graph.subjects(RDF.type, SH.SPARQLExecutable))
    in_store = requests.get(
        endpoint,
        timeout=60,
        headers={"Accept": "application/json"},
        params={
            "query": "PREFIX sh: <http://www.w3.org/ns/shacl#> "
            "SELECT DISTINCT ?q { ?q a sh:SPARQLExecutable }"
        },
    ).json()
    assert {str(e) for e in examples} == {
        row["q"]["value"] for row in in_store["results"]["bindings"]
    }
    for example in examples:
        assert graph.value(example, URIRef("https://schema.org/target")) == URIRef(BASE + "sparql")
        assert {
            label.language
            for label in graph.objects(
                example, URIRef("http://www.w3.org/2000/01/rdf-schema#label")
            )
        } >= {"fr", "en"}


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


def test_a_browser_gets_the_editor_served_by_the_service_itself(endpoint, served):
    page = requests.get(endpoint, headers={"Accept": BROWSER}, timeout=60)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    html = page.text
    assert "/static/vendor/yasgui/yasgui.min.js" in html
    assert "https://" not in html.split("<script", 1)[1].split(">", 1)[0]  # no CDN
    script = requests.get(served.url + "static/vendor/yasgui/yasgui.min.js", timeout=60)
    assert script.status_code == 200 and len(script.content) > 100_000
    style = requests.get(served.url + "static/vendor/yasgui/yasgui.min.css", timeout=60)
    assert style.headers["Content-Type"].startswith("text/css")
    assert requests.get(served.url + "static/sparql/editor.js", timeout=60).status_code == 200
    assert (
        requests.get(
            served.url + "static/vendor/yasgui/../sparql/editor.js", timeout=60
        ).status_code
        == 404
    )
    config = json.loads(
        html.split('id="sparql-editor-config" type="application/json">', 1)[1].split(
            "</script>", 1
        )[0]
    )
    assert config["endpoint"] == endpoint
    assert config["prefixes"]["schema"] == "https://schema.org/"
    assert config["query"].strip() and not config["fromLink"]
    # The examples are the gallery's links, not tabs the editor opens at start.
    assert "examples" not in config
    assert html.count('class="gallery-question" href="/sparql?query=') >= 12


def test_open_in_the_editor_preloads_the_query(endpoint):
    query = "SELECT * WHERE { ?s ?p '</script><b>' } LIMIT 1"
    page = requests.get(endpoint, params={"query": query}, headers={"Accept": BROWSER}, timeout=60)
    html = page.text
    assert "</script><b>" not in html
    config = json.loads(
        html.split('id="sparql-editor-config" type="application/json">', 1)[1].split(
            "</script>", 1
        )[0]
    )
    assert config["query"] == query and config["fromLink"] is True


def test_the_plain_form_shows_results_as_a_table_without_javascript(endpoint):
    page = requests.get(
        endpoint,
        params={"query": LABELS, "format": "html"},
        headers={"Accept": BROWSER},
        timeout=60,
    )
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert page.text.count("<tr>") == 8  # the header and seven rows
    assert (
        "Illectronisme"
        in requests.get(
            endpoint,
            timeout=60,
            headers={"Accept": BROWSER},
            params={"query": LABELS.replace("LIMIT 7", "LIMIT 1000"), "format": "html"},
        ).text
    )
    ask = requests.get(endpoint, params={"query": "ASK {}", "format": "html"}, timeout=60)
    assert "vrai" in ask.text


def test_the_jsonld_context_is_served_open_to_every_origin_with_a_validator(server):
    """``{base}context.jsonld`` answers with the very file uploads that name it are read with."""
    from service.rdfio import CONTEXT_FILE

    response = server.get("context.jsonld", headers={"Origin": "https://research.example.org"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/ld+json")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.content == CONTEXT_FILE.read_bytes()
    assert "@context" in response.json()
    again = server.get("context.jsonld", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.headers["Access-Control-Allow-Origin"] == "*"
    assert (
        requests.head(server.url + "context.jsonld", timeout=60).headers["ETag"]
        == response.headers["ETag"]
    )


# ---------------------------------------------------------------------------------------------
# Federation: SERVICE never makes the server connect anywhere not allowed
# ---------------------------------------------------------------------------------------------


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection made to it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self.running = False
        self.thread.join(timeout=5)
        self.sock.close()


@pytest.fixture
def listener():
    running = Listener()
    yield running
    running.close()


def test_service_to_a_loopback_listener_makes_no_connection(endpoint, listener):
    target = f"http://127.0.0.1:{listener.port}/sparql"
    queries = [
        f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}",
        f"PREFIX loop: <http://127.0.0.1:{listener.port}/> ASK {{ SERVICE loop:sparql {{ ?s ?p ?o }} }}",
        f"BASE <http://127.0.0.1:{listener.port}/> SELECT * {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ VALUES ?e {{ <{target}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * {{ {{ SELECT * {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }} }}",
    ]
    for query in queries:
        for send in (
            lambda query=query: requests.get(endpoint, params={"query": query}, timeout=60),
            lambda query=query: requests.post(
                endpoint,
                data=query.encode("utf-8"),
                timeout=60,
                headers={"Content-Type": "application/sparql-query"},
            ),
        ):
            response = send()
            assert response.status_code == 403, (query, response.text)
            assert "SERVICE" in response.text
            assert response.headers["Access-Control-Allow-Origin"] == "*"
    time.sleep(0.5)  # a connection attempt would be accepted by now
    assert listener.connections == 0


# ---------------------------------------------------------------------------------------------
# Limits: the row cap, the size cap, the time-out
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=STORE_KINDS)
def limited(request, tmp_path_factory, serve_on):
    """A server with tight limits: 5 rows, 2 s, 2 000 bytes, 2 queries at once; every store kind."""
    running = serve_on(
        request.param,
        tmp_path_factory.mktemp(f"limited-{request.param}"),
        extra_env={
            "MEDIATION_MAX_ROWS": "5",
            "MEDIATION_QUERY_TIMEOUT": "2",
            "MEDIATION_MAX_QUERY_BYTES": "2000",
            "MEDIATION_MAX_CONCURRENT_QUERIES": "2",
        },
    )
    yield running
    running.stop()


def test_the_row_cap_is_said_in_a_header_and_in_json(limited):
    endpoint = limited.url + "sparql"
    result = client(endpoint, "SELECT * WHERE { ?s ?p ?o } LIMIT 50").query()
    assert result.info()["x-mediation-truncated"] == "true"
    assert result.info()["x-mediation-row-cap"] == "5"
    document = result.convert()
    assert len(document["results"]["bindings"]) == 5
    assert document["truncated"] is True
    as_csv = requests.get(
        endpoint, params={"query": "SELECT * { ?s ?p ?o }", "format": "csv"}, timeout=60
    )
    assert as_csv.headers["X-Mediation-Truncated"] == "true"
    assert len(as_csv.text.strip().splitlines()) == 6
    graph = requests.get(endpoint, params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, timeout=60)
    assert graph.headers["X-Mediation-Truncated"] == "true"
    assert len(Graph().parse(data=graph.text, format="turtle")) == 5
    small = requests.get(endpoint, params={"query": "SELECT * { ?s ?p ?o } LIMIT 5"}, timeout=60)
    assert "X-Mediation-Truncated" not in small.headers
    assert "truncated" not in small.json()


def test_a_query_over_the_size_cap_is_413(limited):
    endpoint = limited.url + "sparql"
    big = "SELECT * WHERE { ?s ?p ?o } # " + "x" * 2100
    for response in (
        requests.get(endpoint, params={"query": big}, timeout=60),
        requests.post(
            endpoint,
            data=big.encode(),
            timeout=60,
            headers={"Content-Type": "application/sparql-query"},
        ),
        requests.post(endpoint, data={"query": big}, timeout=60),
    ):
        assert response.status_code == 413
        assert "2000" in response.text
        assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_a_slow_query_is_stopped_with_503_while_another_client_is_answered(limited):
    endpoint = limited.url + "sparql"
    outcome: dict[str, requests.Response] = {}

    def slow():
        outcome["slow"] = requests.get(
            endpoint, params={"query": SLOW}, headers={"Accept": "application/json"}, timeout=120
        )

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.3)
    quick = client(endpoint, "ASK { ?s ?p ?o }").queryAndConvert()
    answered_while_slow_runs = thread.is_alive()
    thread.join(timeout=120)
    assert quick["boolean"] is True
    assert answered_while_slow_runs
    response = outcome["slow"]
    assert response.status_code == 503
    assert response.json()["error"] == "query-timeout"
    assert response.json()["timeout"] == 2
    assert "délai de 2 s" in response.json()["message"]["fr"]
    assert "2 s time-out" in response.json()["message"]["en"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers.get("Retry-After")
    # The worker was ended and replaced: the server still answers.
    assert client(endpoint, "ASK { ?s ?p ?o }").queryAndConvert()["boolean"] is True


def test_result_literals_keep_their_language_and_datatype(endpoint):
    document = client(
        endpoint,
        """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?label (COUNT(*) AS ?n) WHERE {
          <https://w3id.org/mediation-sociale/id/theme/illectronisme> skos:prefLabel ?label
        } GROUP BY ?label""",
    ).queryAndConvert()
    bindings = document["results"]["bindings"]
    assert {b["label"]["xml:lang"] for b in bindings} == {"fr", "en"}
    assert all(b["n"]["datatype"].endswith("#integer") for b in bindings)
    assert Literal("Illectronisme", lang="fr").value in {b["label"]["value"] for b in bindings}


def test_without_the_editor_files_the_page_says_so_and_the_plain_form_works(tmp_path, monkeypatch):
    """``npm ci`` not run: the page says how to install the editor, and the form still works."""
    from service.app import create_app
    from service.config import load_config
    from service.web import sparql as web_sparql

    monkeypatch.setattr(web_sparql, "VENDOR_DIR", tmp_path / "not-installed")
    app = create_app(load_config(overrides={"store": str(tmp_path / "store")}, environ={}))
    try:
        browser = app.test_client()
        page = browser.get("/sparql", headers={"Accept": BROWSER})
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "npm ci --prefix service/web/assets" in html
        assert "L'éditeur de requêtes n'est pas installé" in html
        assert "The query editor is not installed" in html
        assert "yasgui.min.js" not in html and "<noscript>" not in html
        assert 'action="/sparql"' in html and 'name="query"' in html
        answer = browser.get(
            "/sparql",
            query_string={"query": "ASK {}", "format": "html"},
            headers={"Accept": BROWSER},
        )
        assert answer.status_code == 200 and "vrai" in answer.get_data(as_text=True)
        missing = browser.get("/static/vendor/yasgui/yasgui.min.js")
        assert missing.status_code == 404
        assert "npm ci" in missing.get_data(as_text=True)
    finally:
        app.extensions["mediation"]["store"].close()


def test_an_allow_listed_host_is_reached_and_no_other(server, tmp_path, listener, start_server):
    """Federation on: SERVICE reaches the allow-listed endpoint (here the shared server)."""
    host = server.url.split("//", 1)[1].rstrip("/")  # 127.0.0.1:port
    federating = start_server(
        tmp_path / "store", extra_env={"MEDIATION_FEDERATION_ALLOWLIST": host}
    )
    try:
        endpoint = federating.url + "sparql"
        remote = f"{server.url}sparql"
        document = client(
            endpoint,
            f"""PREFIX med: <https://w3id.org/mediation-sociale/def#>
            SELECT ?workshop WHERE {{ SERVICE <{remote}> {{ ?workshop a med:Workshop }} }}""",
        ).queryAndConvert()
        assert len(document["results"]["bindings"]) >= 5
        refused = requests.get(
            endpoint,
            timeout=60,
            params={
                "query": f"ASK {{ SERVICE <http://127.0.0.1:{listener.port}/> {{ ?s ?p ?o }} }}"
            },
        )
        assert refused.status_code == 403 and host in refused.text
        description = Graph().parse(data=requests.get(endpoint, timeout=60).text, format="turtle")
        assert (URIRef(BASE + "sparql"), SD.feature, SD.BasicFederatedQuery) in description
        time.sleep(0.5)
        assert listener.connections == 0
    finally:
        federating.stop()
