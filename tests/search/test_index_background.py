"""The search index is built in the background: the server answers at once, lists wait for
the index (503 with Retry-After) or are served from the previous one, and no write made
during a build is lost from the index it builds.

Over HTTP on the real server. The build process is caught as it starts
(``.index-building.json`` names it) and paused with SIGSTOP, so that "during a build" lasts
as long as the test needs.
"""

from __future__ import annotations

import os
import signal
import time

from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from service.config import DEFAULT_BASE
from service.namespaces import SDO
from service.store.embedded import EmbeddedStore
from service.store.interface import Changeset

BASE = DEFAULT_BASE
LIEVIN = "id/event/2019-12-04-journee-regionale-lievin"
ARENA = "id/place/arena-lievin"
ARGS = ["--page-size", "200"]


def resume(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGCONT)
    except ProcessLookupError:
        pass


def index_state(server) -> str:
    return server.get("healthz").json()["index"]["state"]


def wait_ready(server, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while index_state(server) != "ready":
        assert time.monotonic() < deadline, "the index did not get ready"
        time.sleep(0.2)


def listed_events(server) -> set[str]:
    response = server.get("events.json")
    assert response.status_code == 200, response.text[:300]
    return {item["iri"] for item in response.json()["items"]}


def incoming(server, path: str, prop: str) -> set[str]:
    """The IRIs a resource's page lists as linking to it through ``prop`` (first page)."""
    from rdflib import Graph

    response = server.get(path + ".ttl")
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format="turtle")
    return {str(s) for s in graph.subjects(URIRef(prop), URIRef(BASE + path))}


def test_without_an_index_the_server_answers_at_once_and_lists_wait_for_it(
    tmp_path, insert_event, start_server, tokens, paused_build
):
    store_dir = tmp_path / "store"
    server = start_server(store_dir, {"MEDIATION_WRITE_TOKEN": tokens}, ARGS, index_ready=False)
    pid = paused_build(store_dir)
    created = BASE + "id/event/2031-04-04-journee-pendant-l-index"
    try:
        assert index_state(server) == "building"
        for path in ("events.json", "search.json?q=mediation", "actors.json"):
            response = server.get(path, headers={"Accept": "application/json"})
            assert response.status_code == 503, path
            assert int(response.headers["Retry-After"]) >= 1, path
            message = response.json()["message"]
            assert "réessayez" in message["fr"] and "try again" in message["en"], path
        home = server.get("", headers={"Accept": "text/html"})
        assert home.status_code == 503 and "Retry-After" in home.headers
        assert "index de recherche" in home.text and "search index" in home.text
        # Everything else answers: pages (incoming links read from the store), SPARQL, writes.
        assert server.get(LIEVIN).status_code == 200
        assert BASE + LIEVIN in incoming(server, ARENA, str(SDO.location))
        assert server.get(
            "sparql",
            params={"query": "ASK { ?s ?p ?o }"},
            headers={"Accept": "application/sparql-results+json"},
        ).json()["boolean"]
        assert insert_event(
            server, created, "Journée pendant l'index", start="2031-04-04"
        ).status_code in (200, 204)
        assert created in incoming(server, ARENA, str(SDO.location))
    finally:
        resume(pid)
    try:
        wait_ready(server)
        # The write made during the build is in the index it built.
        events = listed_events(server)
        assert created in events and BASE + LIEVIN in events
        assert created in incoming(server, ARENA, str(SDO.location))
        search = server.get("search.json", params={"q": "pendant index"}).json()
        assert created in {item["iri"] for item in search["items"]}
    finally:
        server.stop()


def test_a_stale_index_is_served_while_a_fresh_one_is_built(
    tmp_path, insert_event, start_server, tokens, paused_build
):
    store_dir = tmp_path / "store"
    env = {"MEDIATION_WRITE_TOKEN": tokens}
    server = start_server(store_dir, env, ARGS)
    assert index_state(server) == "ready"
    server.stop()
    # A change the index never saw (made while the service was stopped).
    offline = URIRef(BASE + "id/event/2031-05-05-journee-hors-service")
    store = EmbeddedStore(store_dir, workers=False)
    try:
        graph = URIRef(BASE + "graph/essais")
        store.apply(
            Changeset(
                add=[
                    (offline, RDF.type, SDO.Event, graph),
                    (offline, SDO.name, Literal("Journée hors service", lang="fr"), graph),
                ]
            )
        )
    finally:
        store.close()
    server = start_server(store_dir, env, ARGS, index_ready=False)
    pid = paused_build(store_dir)
    during = BASE + "id/event/2031-05-06-journee-pendant-la-reconstruction"
    try:
        assert index_state(server) == "stale"
        before = listed_events(server)  # served at once, from the index as it was
        assert BASE + LIEVIN in before and str(offline) not in before
        assert insert_event(
            server, during, "Journée pendant la reconstruction", start="2031-05-06"
        ).status_code in (200, 204)
        assert during in listed_events(server), "a write reaches the served index at once"
    finally:
        resume(pid)
    try:
        wait_ready(server)
        after = listed_events(server)
        assert {str(offline), during, BASE + LIEVIN} <= after
    finally:
        server.stop()
