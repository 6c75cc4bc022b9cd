"""The same writes on remote stores: the service in front of an Oxigraph server and of
Virtuoso, both started here on 127.0.0.1. A write is validated, recorded and applied in one
update request, which each server runs as one transaction."""

from __future__ import annotations

import threading

import pytest
from rdflib import Graph

from service.namespaces import GRAPH, ID

#: The remote stores, each started by its ``start_<name>`` fixture.
STARTERS = ("oxigraph", "virtuoso")


@pytest.fixture(scope="module", params=sorted(STARTERS))
def site(request, tmp_path_factory, writable_server):
    root = tmp_path_factory.mktemp(f"writes-{request.param}")
    backing = request.getfixturevalue(f"start_{request.param}")(root / request.param)
    try:
        running = writable_server(
            root,
            args=[
                "--remote-query-url",
                backing.query_url,
                "--remote-update-url",
                backing.update_url,
            ],
        )
    except Exception:
        backing.stop()
        raise
    yield running
    running.stop()
    backing.stop()


def test_a_valid_write_is_visible_and_recorded(site, ask, insert_event, select):
    iri = ID["event/atelier-distant"]
    answer = insert_event(site, iri, "Atelier distant")
    assert answer.status_code == 200, answer.text
    assert ask(site, f'ASK {{ <{iri}> schema:name "Atelier distant"@fr }}')
    assert (
        "Atelier distant"
        in site.get("id/event/atelier-distant", headers={"Accept": "text/html"}).text
    )
    rows = select(
        site,
        f"""SELECT ?name WHERE {{ GRAPH <{GRAPH["history"]}> {{
        ?item as:object <{iri}> ; a as:Create ; dct:isPartOf/prov:wasAssociatedWith/foaf:name ?name }} }}""",
    )
    assert [row["name"] for row in rows] == ["alice"]


def test_an_invalid_write_changes_nothing(
    site, event_turtle, health, named_quads, prefixes, update
):
    before, quads = health(site), named_quads(site)
    turtle = event_turtle(ID["event/distant-invalide"], "Invalide").replace(
        '"2024-05-02"^^xsd:date', '"hier"'
    )
    answer = update(site, f"{prefixes}INSERT DATA {{ GRAPH <{GRAPH['essais']}> {{ {turtle} }} }}")
    assert answer.status_code == 422
    assert health(site) == before
    assert named_quads(site) == quads


def test_graph_store_cycle_with_blank_nodes(site, auth, graph_of, same_graph):
    graph = "http://example.org/remote/person"
    body = (
        "@prefix foaf: <http://xmlns.com/foaf/0.1/> . <http://example.org/remote/p> a foaf:Person ; "
        'foaf:businessCard [ foaf:name "Jean" ] .'
    )
    put = site.request(
        "PUT",
        "graphs",
        params={"graph": graph},
        data=body.encode(),
        headers={**auth, "Content-Type": "text/turtle"},
    )
    assert put.status_code == 201, put.text
    assert same_graph(graph_of(site, graph), Graph().parse(data=body, format="turtle"))
    replaced = body.replace("Jean", "Jeanne")
    assert (
        site.request(
            "PUT",
            "graphs",
            params={"graph": graph},
            data=replaced.encode(),
            headers={**auth, "Content-Type": "text/turtle"},
        ).status_code
        == 204
    )
    assert same_graph(graph_of(site, graph), Graph().parse(data=replaced, format="turtle"))
    assert (
        site.request("DELETE", "graphs", params={"graph": graph}, headers=auth).status_code == 204
    )
    assert site.get("graphs", params={"graph": graph}).status_code == 404


def test_two_writers_at_once_never_interleave(site, select, update):
    counter = "http://example.org/remote/counter"
    graph = "http://example.org/remote/c"
    assert (
        update(
            site,
            f"INSERT DATA {{ GRAPH <{graph}> {{ <{counter}> <http://example.org/value> 0 }} }}",
        ).status_code
        == 200
    )
    increment = (
        f"DELETE {{ GRAPH <{graph}> {{ <{counter}> <http://example.org/value> ?n }} }} "
        f"INSERT {{ GRAPH <{graph}> {{ <{counter}> <http://example.org/value> ?m }} }} "
        f"WHERE {{ GRAPH <{graph}> {{ <{counter}> <http://example.org/value> ?n }} BIND(?n + 1 AS ?m) }}"
    )
    statuses: list[int] = []

    def writer() -> None:
        for _ in range(6):
            statuses.append(update(site, increment).status_code)

    threads = [threading.Thread(target=writer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 12
    rows = select(
        site,
        f"SELECT ?n WHERE {{ GRAPH <{graph}> {{ <{counter}> <http://example.org/value> ?n }} }}",
    )
    assert [row["n"] for row in rows] == ["12"]


def test_a_deleted_resource_is_gone(site, insert_event, update):
    iri = ID["event/distant-supprime"]
    assert insert_event(site, iri, "Distant supprimé").status_code == 200
    deleted = update(
        site, f"DELETE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }} WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }}"
    )
    assert deleted.status_code == 200, deleted.text
    page = site.get("id/event/distant-supprime", headers={"Accept": "text/html"})
    assert page.status_code == 410 and "Distant supprimé" in page.text
