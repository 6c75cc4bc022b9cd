"""Writes over HTTP on the embedded store: tokens, SPARQL 1.1 Update, validation (422 and
nothing changed), what a write makes visible at once, concurrent writers, and no input that
makes the server connect anywhere.

The Graph Store Protocol has its own file (``test_gsp.py``); the same core runs on remote
stores in ``test_remote.py``.
"""

from __future__ import annotations

import json
import threading

import pytest
from rdflib import RDF, Graph, Namespace, URIRef
from SPARQLWrapper import POST, POSTDIRECTLY, URLENCODED, SPARQLWrapper

from service.config import DEFAULT_BASE
from service.namespaces import GRAPH, ID

BASE = DEFAULT_BASE
#: The tokens of alice and bob, whose writes a writable server takes (``tokens`` in
#: tests/conftest.py): the wrong tokens below are made from them when the tests are collected.
TOKEN = "jeton-alice-3f9c1e"
OTHER_TOKEN = "jeton-bob-77aa01"


@pytest.fixture(scope="module")
def site(tmp_path_factory, writable_server):
    """A writable service on its own embedded store, with the seed."""
    running = writable_server(
        tmp_path_factory.mktemp("writes"),
        # The wrong tokens below count as guesses: enough of them for every case.
        {"MEDIATION_MAX_QUERY_BYTES": "20000", "MEDIATION_SIGN_IN_LIMIT": "1000 per minute"},
    )
    yield running
    running.stop()


# -- who may write -----------------------------------------------------------------------------


WRITES = [
    (
        "POST",
        "sparql/update",
        {"Content-Type": "application/sparql-update"},
        b"INSERT DATA { <http://example.org/s> <http://example.org/p> 1 }",
    ),
    (
        "PUT",
        "graphs?graph=http%3A%2F%2Fexample.org%2Fg",
        {"Content-Type": "text/turtle"},
        b"<http://example.org/s> <http://example.org/p> 1 .",
    ),
    (
        "POST",
        "graphs?graph=http%3A%2F%2Fexample.org%2Fg",
        {"Content-Type": "text/turtle"},
        b"<http://example.org/s> <http://example.org/p> 1 .",
    ),
    ("DELETE", "graphs?graph=http%3A%2F%2Fexample.org%2Fg", {}, None),
    (
        "PUT",
        "graphs/essai",
        {"Content-Type": "text/turtle"},
        b"<http://example.org/s> <http://example.org/p> 1 .",
    ),
]


@pytest.mark.parametrize("method,path,headers,body", WRITES)
def test_a_write_without_a_token_is_401_with_a_bearer_challenge(
    site, method, path, headers, body, health
):
    before = health(site)
    answer = site.request(method, path, headers=headers, data=body)
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in answer.text and "jeton" in answer.text
    assert health(site) == before


@pytest.mark.parametrize("method,path,headers,body", WRITES)
@pytest.mark.parametrize(
    "authorization", [f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", "Bearer alice", f"Basic {TOKEN}"]
)
def test_a_wrong_token_is_403(site, method, path, headers, body, authorization, health):
    before = health(site)
    answer = site.request(
        method, path, headers={**headers, "Authorization": authorization}, data=body
    )
    assert answer.status_code == (401 if authorization.startswith("Basic") else 403)
    assert health(site) == before


def test_a_server_without_tokens_refuses_every_write_and_says_so(start_server, tmp_path, auth):
    # A server of its own: no token set, and no account (so no account's token either).
    server = start_server(tmp_path / "store", index_ready=False)
    try:
        for method, path, headers, body in WRITES:
            answer = server.request(method, path, headers={**headers, **auth}, data=body)
            assert answer.status_code == 403, (method, path)
            assert "écritures sont désactivées" in answer.text
            assert "Writes are disabled" in answer.text
    finally:
        server.stop()


def test_reads_stay_public(site, ask):
    assert (
        site.get("graphs", params={"graph": str(GRAPH["irev-2019-12-13-lievin"])}).status_code
        == 200
    )
    assert site.get("graphs", params={"default": ""}).status_code == 200
    assert ask(site, "ASK { ?s ?p ?o }")


def test_each_named_token_writes_under_its_name_and_no_secret_is_stored(
    site, ask, event_turtle, prefixes, select, update
):
    for token, name in ((TOKEN, "alice"), (OTHER_TOKEN, "bob")):
        iri = ID[f"event/essai-jeton-{name}"]
        answer = update(
            site,
            f"{prefixes}INSERT DATA {{ GRAPH <{GRAPH['essais']}> {{ "
            f"{event_turtle(iri, 'Essai ' + name)} }} }}",
            {"Authorization": f"Bearer {token}"},
        )
        assert answer.status_code == 200, answer.text
        rows = select(
            site,
            f"""SELECT ?name WHERE {{ GRAPH <{GRAPH["history"]}> {{
            ?c prov:influenced <{iri}> ; prov:wasAssociatedWith/foaf:name ?name }} }}""",
        )
        assert [row["name"] for row in rows] == [name]
    for secret in (TOKEN, OTHER_TOKEN):
        assert not ask(
            site,
            f'ASK {{ GRAPH ?g {{ ?s ?p ?o FILTER(isLiteral(?o) && CONTAINS(STR(?o), "{secret}")) }} }}',
        )


# -- SPARQL 1.1 Update -------------------------------------------------------------------------


def test_a_valid_write_is_visible_at_once_in_sparql_on_its_page_and_in_search(
    site, ask, event_turtle, prefixes
):
    iri = ID["event/atelier-ecrit-par-sparqlwrapper"]
    client = SPARQLWrapper(site.url + "sparql/update")
    client.setMethod(POST)
    client.setRequestMethod(URLENCODED)
    client.addCustomHttpHeader("Authorization", f"Bearer {TOKEN}")
    client.setQuery(
        f"{prefixes}INSERT DATA {{ GRAPH <{GRAPH['essais']}> {{ "
        f"{event_turtle(iri, 'Atelier sur la médiation numérique zéphyrine')} }} }}"
    )
    result = client.query()
    assert result.response.status == 200
    assert ask(
        site, f'ASK {{ <{iri}> schema:name "Atelier sur la médiation numérique zéphyrine"@fr }}'
    )
    page = site.get("id/event/atelier-ecrit-par-sparqlwrapper", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "Atelier sur la médiation numérique zéphyrine" in page.text
    found = site.get("search.json", params={"q": "zéphyrine"}).json()
    assert str(iri) in [item["iri"] for item in found["items"]]


def test_an_update_by_direct_post_with_sparqlwrapper_is_applied(site, ask):
    client = SPARQLWrapper(site.url + "sparql/update")
    client.setMethod(POST)
    client.setRequestMethod(POSTDIRECTLY)
    client.addCustomHttpHeader("Authorization", f"Bearer {TOKEN}")
    client.setQuery(
        "INSERT DATA { GRAPH <http://example.org/direct> { <http://example.org/a> <http://example.org/b> 'c' } }"
    )
    assert client.query().response.status == 200
    assert ask(
        site,
        "ASK { GRAPH <http://example.org/direct> { <http://example.org/a> <http://example.org/b> 'c' } }",
    )


def test_an_invalid_write_is_422_with_its_report_and_changes_nothing(
    site, ask, event_turtle, health, named_quads, prefixes, update
):
    before, quads = health(site), named_quads(site)
    iri = ID["event/date-en-texte"]
    turtle = event_turtle(iri, "Date en texte").replace('"2024-05-02"^^xsd:date', '"demain"')
    text = f"{prefixes}INSERT DATA {{ GRAPH <{GRAPH['essais']}> {{ {turtle} }} }}"
    answer = update(site, text)
    assert answer.status_code == 422
    body = answer.json()
    assert (
        "Rien n'a été modifié" in body["message"]["fr"]
        and "Nothing was changed" in body["message"]["en"]
    )
    assert (
        "schema:startDate" in body["summary"]["fr"] and "schema:startDate" in body["summary"]["en"]
    )
    assert [r["sourceShape"] for r in body["results"] if r["severity"] == "violation"] == [
        BASE + "shapes#Event-startDate"
    ]
    report = Graph().parse(data=json.dumps(body["report"]), format="json-ld")
    sh = Namespace("http://www.w3.org/ns/shacl#")
    assert (None, RDF.type, sh.ValidationReport) in report
    results = list(report.subjects(sh.resultPath, URIRef("https://schema.org/startDate")))
    assert [report.value(r, sh.focusNode) for r in results] == [iri]
    assert health(site) == before
    assert named_quads(site) == quads
    assert not ask(site, f"ASK {{ <{iri}> ?p ?o }}")
    page = update(site, text, {"Accept": "text/html"})
    assert page.status_code == 422 and page.headers["Content-Type"].startswith("text/html")
    assert "Rapport de validation" in page.text and "Validation report" in page.text


def test_a_change_that_breaks_another_resource_is_refused(site, health, prefixes, update):
    """The regional day's parts must lie within its dates: moving its end before its start
    breaks it and its workshops, which the write did not name."""
    before = health(site)
    day = ID["event/2019-12-04-journee-regionale-lievin"]
    answer = update(
        site,
        f"""{prefixes}
        DELETE {{ GRAPH ?g {{ <{day}> schema:startDate ?d ; schema:endDate ?e }} }}
        INSERT {{ GRAPH ?g {{ <{day}> schema:startDate "2019-12-05"^^xsd:date ;
                                       schema:endDate "2019-12-05"^^xsd:date }} }}
        WHERE {{ GRAPH ?g {{ <{day}> schema:startDate ?d ; schema:endDate ?e }} }}""",
    )
    assert answer.status_code == 422
    focused = {r["focusNode"] for r in answer.json()["results"] if r["severity"] == "violation"}
    assert str(ID["event/2019-12-04-lievin-pleniere"]) in focused
    assert health(site) == before


def test_deleting_a_venue_an_event_still_uses_is_refused(site, update):
    venue = ID["place/arena-lievin"]
    answer = update(
        site,
        f"DELETE {{ GRAPH ?g {{ <{venue}> ?p ?o }} }} WHERE {{ GRAPH ?g {{ <{venue}> ?p ?o }} }}",
    )
    assert answer.status_code == 422
    assert any(r["sourceShape"] == BASE + "shapes#Event-location" for r in answer.json()["results"])


def test_arbitrary_rdf_outside_the_shapes_is_accepted(site, ask, update):
    answer = update(
        site,
        """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        INSERT DATA { [] rdfs:label "Pizza" ; <http://example.org/amount> 2 .
                      GRAPH <http://example.org/tests> { <http://example.org/x> a <http://xmlns.com/foaf/0.1/Person> } }""",
    )
    assert answer.status_code == 200, answer.text
    assert ask(site, 'ASK { ?x <http://www.w3.org/2000/01/rdf-schema#label> "Pizza" }')


def test_a_foreign_iri_claiming_a_described_kind_is_validated(site, prefixes, update):
    answer = update(
        site,
        f"""{prefixes}INSERT DATA {{ <http://example.org/event/1> a schema:Event ;
        schema:startDate "bientôt" }}""",
    )
    assert answer.status_code == 422


@pytest.mark.parametrize("graph", ["vocabulary", "themes", "events", "history"])
def test_the_graphs_the_service_owns_are_not_writable(site, graph, auth, health, update):
    before = health(site)
    answer = update(
        site,
        f"INSERT DATA {{ GRAPH <{GRAPH[graph]}> {{ <http://example.org/a> <http://example.org/b> 1 }} }}",
    )
    assert answer.status_code == 403
    assert str(GRAPH[graph]) in answer.text
    put = site.request(
        "PUT",
        "graphs",
        params={"graph": str(GRAPH[graph])},
        data=b"",
        headers={**auth, "Content-Type": "text/turtle"},
    )
    assert put.status_code == 403
    assert health(site) == before


def test_a_write_aimed_at_the_history_is_refused_even_when_it_would_change_nothing(
    site, auth, health, update
):
    """The history's own quads posted back (or nothing put into a history still empty) would
    change nothing: still a write to a graph the service owns, so 403, not 204."""
    update(site, "INSERT DATA { <http://example.org/a> <http://example.org/b> 2 }")
    history = site.request(
        "GET", "graphs", params={"graph": str(GRAPH["history"])}, headers={"Accept": "text/turtle"}
    )
    assert history.status_code == 200 and history.content
    before = health(site)
    posted = site.request(
        "POST",
        "graphs",
        params={"graph": str(GRAPH["history"])},
        data=history.content,
        headers={**auth, "Content-Type": "text/turtle"},
    )
    assert posted.status_code == 403
    assert str(GRAPH["history"]) in posted.text
    assert health(site) == before


def test_clearing_everything_is_refused_while_the_store_holds_the_vocabulary(site, health, update):
    before = health(site)
    assert update(site, "DROP ALL").status_code == 403
    assert update(site, "CLEAR ALL").status_code == 403
    assert health(site) == before


def test_syntax_errors_are_400_with_the_position(site, update):
    answer = update(
        site,
        "INSERT DATA { <http://example.org/a> <http://example.org/b> }",
        {"Accept": "application/json"},
    )
    assert answer.status_code == 400
    body = answer.json()
    assert body["error"] == "query-syntax"
    # Where the object is missing, not where the operation starts.
    assert (body["line"], body["column"]) == (1, 61)
    assert "ligne 1, colonne 61" in body["message"]["fr"]
    assert "line 1, column 61" in body["message"]["en"]


@pytest.mark.parametrize(
    "text",
    [
        "LOAD <http://127.0.0.1:9/data.ttl>",
        "LOAD <http://127.0.0.1:9/data.ttl> INTO GRAPH <http://example.org/g>",
        "INSERT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    ],
)
def test_no_update_makes_the_server_connect_anywhere(site, text, listener, update):
    for port_text in (text.replace("127.0.0.1:9", f"127.0.0.1:{listener.port}"),):
        answer = update(site, port_text)
        assert answer.status_code in (400, 403)
    assert listener.connections == 0


def test_update_protocol_errors(site, auth, update):
    text = "INSERT DATA { <http://example.org/a> <http://example.org/b> 1 }"
    assert site.get("sparql/update", params={"update": text}, headers=auth).status_code == 405
    plain = site.post("sparql/update", data=text, headers={**auth, "Content-Type": "text/plain"})
    assert plain.status_code == 415
    untyped = site.post(
        "sparql/update", data=f"update={text}".encode(), headers={**auth, "Content-Type": ""}
    )
    assert untyped.status_code == 415
    twice = site.post("sparql/update", data={"update": [text, text]}, headers=auth)
    assert twice.status_code == 400
    utf16 = site.post(
        "sparql/update",
        data=text.encode("utf-16"),
        headers={**auth, "Content-Type": "application/sparql-update; charset=UTF-16"},
    )
    assert 400 <= utf16.status_code < 500
    huge = (
        "INSERT DATA { "
        + " ".join(f"<http://example.org/s{i}> <http://example.org/p> {i} ." for i in range(1000))
        + " }"
    )
    assert len(huge) > 20000
    too_large = update(site, huge, {"Accept": "application/json"})
    assert too_large.status_code == 413
    assert "max_query_bytes" in too_large.json()["message"]["en"]
    broken = site.post(
        "sparql/update",
        data=b'INSERT DATA { <a> <b> "\xe9" }',
        headers={**auth, "Content-Type": "application/sparql-update", "Accept": "application/json"},
    )
    assert broken.status_code == 400
    assert broken.json()["message"]["en"] == "The update is not valid UTF-8 (byte 23)."
    query = site.post("sparql/update", data={"query": "ASK {}"}, headers=auth)
    assert query.status_code == 400


def test_using_graph_uri_gives_the_where_clause_its_dataset(site, ask, auth, update):
    source, target = "http://example.org/using/source", "http://example.org/using/target"
    assert (
        update(
            site,
            f"INSERT DATA {{ GRAPH <{source}> {{ <http://example.org/u> a <http://example.org/T> }} }}",
        ).status_code
        == 200
    )
    answer = site.post(
        "sparql/update",
        params={"using-graph-uri": source},
        data=f"INSERT {{ GRAPH <{target}> {{ ?s a <http://example.org/Found> }} }} WHERE {{ ?s a <http://example.org/T> }}".encode(),
        headers={**auth, "Content-Type": "application/sparql-update"},
    )
    assert answer.status_code == 200, answer.text
    assert ask(
        site,
        f"ASK {{ GRAPH <{target}> {{ <http://example.org/u> a <http://example.org/Found> }} }}",
    )
    both = site.post(
        "sparql/update",
        params={"using-named-graph-uri": source},
        data=f"WITH <{target}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}".encode(),
        headers={**auth, "Content-Type": "application/sparql-update"},
    )
    assert both.status_code == 400


def test_two_writers_at_once_never_interleave(site, select, update):
    """Two clients increment one counter 12 times each with DELETE/INSERT … WHERE: a write
    computed on a state another write then changed would lose an increment."""
    counter = "http://example.org/counter"
    assert (
        update(
            site,
            f"INSERT DATA {{ GRAPH <http://example.org/c> {{ <{counter}> <http://example.org/value> 0 }} }}",
        ).status_code
        == 200
    )
    increment = (
        f"DELETE {{ GRAPH <http://example.org/c> {{ <{counter}> <http://example.org/value> ?n }} }} "
        f"INSERT {{ GRAPH <http://example.org/c> {{ <{counter}> <http://example.org/value> ?m }} }} "
        f"WHERE {{ GRAPH <http://example.org/c> {{ <{counter}> <http://example.org/value> ?n }} BIND(?n + 1 AS ?m) }}"
    )
    statuses: list[int] = []

    def writer() -> None:
        for _ in range(12):
            statuses.append(update(site, increment).status_code)

    threads = [threading.Thread(target=writer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 24
    rows = select(site, f"SELECT ?n WHERE {{ <{counter}> <http://example.org/value> ?n }}")
    assert [row["n"] for row in rows] == ["24"]


def test_a_json_ld_upload_never_fetches_a_remote_context(site, auth, listener):
    for document in (
        {
            "@context": listener.url + "context.jsonld",
            "@id": "http://example.org/j",
            "name": "x",
        },
        {
            "@context": [{"@import": listener.url + "context.jsonld"}],
            "@id": "http://example.org/j",
        },
        {
            "@context": {"knows": {"@id": "http://example.org/knows", "@context": listener.url}},
            "@id": "http://example.org/j",
        },
    ):
        answer = site.request(
            "PUT",
            "graphs",
            params={"graph": "http://example.org/jsonld"},
            data=json.dumps(document).encode(),
            headers={**auth, "Content-Type": "application/ld+json"},
        )
        assert answer.status_code == 400
        assert "contexte JSON-LD distant refusé" in answer.text
    assert listener.connections == 0


def test_a_json_ld_upload_with_the_projects_context_is_accepted(site, ask, auth):
    document = {
        "@context": BASE + "context.jsonld",
        "@id": str(ID["event/atelier-en-json-ld"]),
        "@type": "schema:Event",
        "schema:name": {"@value": "Atelier en JSON-LD", "@language": "fr"},
        "schema:startDate": {"@value": "2024-06-01", "@type": "xsd:date"},
    }
    answer = site.request(
        "PUT",
        "graphs",
        params={"graph": str(GRAPH["essais-json-ld"])},
        data=json.dumps(document).encode(),
        headers={**auth, "Content-Type": "application/ld+json"},
    )
    assert answer.status_code == 201, answer.text
    assert ask(
        site, f'ASK {{ <{ID["event/atelier-en-json-ld"]}> schema:name "Atelier en JSON-LD"@fr }}'
    )


def test_an_accepted_write_says_what_it_did(site, insert_event, prefixes, update):
    iri = ID["event/atelier-compte-rendu"]
    answer = insert_event(site, iri, "Atelier compte rendu", graph=str(GRAPH["essais"]))
    assert answer.status_code == 200
    assert "Write accepted: 5 quads added, 0 removed." in answer.text
    change = answer.headers["X-Mediation-Change"]
    assert change.startswith(BASE + "id/change/")
    name = '"Atelier compte rendu (en)"@en'
    again = update(
        site,
        f"{prefixes}DELETE DATA {{ GRAPH <{GRAPH['essais']}> {{ <{iri}> schema:name {name} }} }}",
        {"Accept": "application/json"},
    )
    summary = again.json()
    assert (summary["added"], summary["removed"]) == (0, 1)
    assert summary["resources"] == [{"iri": str(iri), "action": "update"}]


def test_delete_where_with_a_graph_variable_removes_a_resource_from_every_graph(
    site, ask, insert_event, update
):
    iri = ID["event/atelier-en-deux-graphes"]
    for graph in (GRAPH["essais"], GRAPH["essais-bis"]):
        assert (
            insert_event(site, iri, "Atelier en deux graphes", graph=str(graph)).status_code == 200
        )
    answer = update(
        site, f"DELETE WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }}", {"Accept": "application/json"}
    )
    assert answer.status_code == 200, answer.text
    assert (answer.json()["added"], answer.json()["removed"]) == (0, 10)
    assert answer.json()["resources"] == [{"iri": str(iri), "action": "delete"}]
    assert not ask(site, f"ASK {{ GRAPH ?g {{ <{iri}> ?p ?o }} }}")


def test_sparql_never_answers_rdf_xml_that_no_xml_parser_reads(site, update):
    """A property with no XML local name cannot be written in RDF/XML: /sparql answers 406
    with the formats that can carry it (as the resource pages do)."""
    graph = "http://example.org/sans-nom-local"
    text = f'INSERT DATA {{ GRAPH <{graph}> {{ <http://example.org/s> <http://example.org/p/123> "v" }} }}'
    assert update(site, text).status_code == 200
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    refused = site.get(
        "sparql",
        params={"query": query},
        headers={"Accept": "application/rdf+xml", "Accept-Language": "en"},
    )
    assert refused.status_code == 406
    assert refused.headers["Access-Control-Allow-Origin"] == "*"
    assert "http://example.org/p/123" in refused.text and "text/turtle" in refused.text
    described = site.get(
        "sparql", params={"query": "DESCRIBE <http://example.org/s>", "format": "rdfxml"}
    )
    assert described.status_code == 406
    turtle = site.get("sparql", params={"query": query}, headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200
    assert len(Graph().parse(data=turtle.text, format="turtle")) == 1


def test_a_refused_write_is_one_line_of_the_log_without_a_traceback(
    site, event_turtle, prefixes, update
):
    """An ill-typed literal ("demain"^^xsd:date) makes rdflib log a traceback as it reads it;
    the server logs the refused write as one line, and no traceback."""
    before = site.log()
    iri = ID["event/date-illisible"]
    turtle = event_turtle(iri, "Date illisible").replace(
        '"2024-05-02"^^xsd:date', '"demain"^^xsd:date'
    )
    answer = update(
        site,
        f"{prefixes}INSERT DATA {{ GRAPH <{GRAPH['essais']}> {{ {turtle} }} "
        f'<http://example.org/n> <http://example.org/v> "abc"^^xsd:integer }}',
    )
    assert answer.status_code == 422
    written = site.log()[len(before) :]
    assert "Traceback" not in written
    refused = [line for line in written.splitlines() if "refused" in line]
    assert len(refused) == 1 and "alice" in refused[0] and "SPARQL Update" in refused[0]
