"""Incremental harvesting: a dataset's ``dct:modified`` moves when, and only when, its data
moves, and every page of the catalog answers conditional requests, so that a portal that
comes back fetches only what changed and re-harvests only the datasets that did."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from service.namespaces import HYDRA, ID

BASE = "https://w3id.org/mediation-sociale/"
CATALOG = URIRef(BASE + "catalog")


def dates(server) -> dict[str, str | None]:
    """Each dataset's ``dct:modified``, and the catalog's, by key."""
    graph = Graph().parse(data=server.get("catalog.ttl").content, format="turtle")
    found = {
        str(d).split("#")[1]: graph.value(d, DCTERMS.modified)
        for d in graph.subjects(RDF.type, DCAT.Dataset)
    }
    found["catalog"] = graph.value(CATALOG, DCTERMS.modified)
    return {key: str(value) if value is not None else None for key, value in found.items()}


@pytest.fixture(scope="module")
def served(tmp_path_factory, writable_server, wait_for_build):
    server = writable_server(tmp_path_factory.mktemp("dates"))
    wait_for_build(server, path="catalog")
    yield server
    server.stop()


def test_writing_an_event_moves_the_events_the_whole_and_the_history_only(
    served, insert_event, health, wait_for_build
):
    before = dates(served)
    assert before["history"] is None  # nothing written yet
    response = insert_event(served, str(ID["event/essai-dates"]), "Journée d'essai")
    assert response.status_code in (200, 204), response.text
    wait_for_build(served, health(served)["generation"], path="catalog")
    after = dates(served)
    for key in ("events", "all", "history", "catalog"):
        assert after[key] is not None and after[key] > (before[key] or ""), (key, before, after)
    for key in ("places", "vocabulary", "actors", "technical"):
        assert after[key] == before[key], key
    # A write that changes nothing the datasets hold (the same triples again) moves nothing
    # but the history, which records it.
    again = insert_event(served, str(ID["event/essai-dates"]), "Journée d'essai")
    assert again.status_code in (200, 204), again.text
    wait_for_build(served, health(served)["generation"], path="catalog")
    last = dates(served)
    for key in ("events", "places", "vocabulary", "actors", "technical"):
        assert last[key] == after[key], key


def pages(server, first: str) -> list[str]:
    """The addresses of every page of the catalog from ``first``, as ``hydra:next`` leads."""
    found, address = [], first
    while address:
        found.append(address)
        graph = Graph().parse(data=server.get(address).content, format="turtle")
        view = next(graph.subjects(RDF.type, HYDRA.PartialCollectionView))
        following = graph.value(view, HYDRA.next)
        address = str(following)[len(server.url) :] if following is not None else None
    return found


@pytest.fixture(scope="module")
def paged(tmp_path_factory, start_server, wait_for_build):
    server = start_server(
        tmp_path_factory.mktemp("paged-dates") / "store", {"MEDIATION_CATALOG_PAGE_SIZE": "3"}
    )
    wait_for_build(server, path="catalog")
    yield server
    server.stop()


@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json", "text/html"])
def test_every_page_of_the_catalog_answers_conditional_requests(paged, accept):
    addresses = pages(paged, "catalog.ttl")
    assert len(addresses) == 3
    for address in addresses:
        address = address.replace("catalog.ttl", "catalog")
        first = paged.get(address, headers={"Accept": accept})
        assert first.status_code == 200, address
        etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
        for headers in ({"If-None-Match": etag}, {"If-Modified-Since": modified}):
            again = paged.get(address, headers={"Accept": accept, **headers})
            assert again.status_code == 304, (address, headers)
            assert again.content == b""
    # Pages differ, and so do their validators.
    etags = {paged.get(a).headers["ETag"] for a in addresses}
    assert len(etags) == len(addresses)
