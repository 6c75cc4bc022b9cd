"""A catalog of thousands of datasets, paged the way harvesters read it: a scratch store with
2,000 small source graphs (as many publishers would leave), walked page by page through
``hydra:next`` in JSON-LD and in Turtle: every dataset exactly once, in as many pages as the
page size says, ``hydra:last`` where the walk ends, ``hydra:previous`` back where it came from."""

from __future__ import annotations

import math

import pytest
from rdflib import RDF, Graph, URIRef

from service.config import load_config
from service.formats import NQUADS
from service.namespaces import HYDRA
from service.store.interface import open_store
from service.writes.loading import ensure_seeded

BASE = "https://w3id.org/mediation-sociale/"
GRAPHS = 2000
PAGE_SIZE = 400


def publisher_graphs(count: int) -> bytes:
    """``count`` source graphs, each naming itself and holding one dated event."""
    lines = []
    for number in range(count):
        graph = f"<{BASE}graph/publisher-{number:05d}>"
        event = f"<{BASE}id/event/publisher-{number:05d}-day>"
        lines += [
            f'{graph} <https://schema.org/name> "Journée du réseau n° {number}"@fr {graph} .',
            f"{event} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://schema.org/Event> {graph} .",
            f'{event} <https://schema.org/name> "Journée n° {number}"@fr {graph} .',
            f'{event} <https://schema.org/startDate> "2024-05-{1 + number % 28:02d}"'
            f"^^<http://www.w3.org/2001/XMLSchema#date> {graph} .",
        ]
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture(scope="module")
def crowded(tmp_path_factory, start_server, wait_for_build):
    """The seed and 2,000 publishers' graphs, loaded through the store API, then served."""
    directory = tmp_path_factory.mktemp("crowded") / "store"
    settings = load_config(overrides={"store": str(directory)}, environ={})
    store = open_store(settings)
    try:
        ensure_seeded(store, settings)
        store.load(publisher_graphs(GRAPHS), NQUADS, None)
        graphs = [g for g in store.graph_names() if str(g).startswith(BASE + "graph/")]
    finally:
        store.close()
    server = start_server(directory, {"MEDIATION_CATALOG_PAGE_SIZE": str(PAGE_SIZE)})
    wait_for_build(server)
    yield server, len(graphs) + 5
    server.stop()


@pytest.mark.parametrize("path", ["catalog", "catalog.ttl"])
def test_walking_hydra_next_meets_every_dataset_once(crowded, path, harvest):
    server, expected = crowded
    walked = harvest(server.url + path, keep_graphs=True)
    assert len(walked.seen) == len(set(walked.seen)) == expected
    assert walked.total_items == expected
    assert len(walked.pages) == math.ceil(expected / PAGE_SIZE)
    assert {f"{BASE}graph/publisher-{n:05d}" for n in range(GRAPHS)} <= set(walked.seen)
    assert walked.skipped == []
    # The first page says where the last one is, and every page links back to the one before.
    first = walked.graphs[0]
    view = next(first.subjects(RDF.type, HYDRA.PartialCollectionView))
    assert str(first.value(view, HYDRA.last)) == walked.pages[-1]
    assert first.value(view, HYDRA.previous) is None
    for before, page, graph in zip(walked.pages, walked.pages[1:], walked.graphs[1:], strict=False):
        view = URIRef(page)
        assert str(graph.value(view, HYDRA.previous)) == before
        assert str(graph.value(view, HYDRA.first)) == walked.pages[0]
    assert path.endswith(".ttl") == all(".ttl" in page for page in walked.pages[1:])


def test_a_page_deep_in_the_walk_passes_the_dcat_ap_shapes(
    crowded, shared, dcat_ap_shapes, violations
):
    server, _ = crowded
    first = Graph().parse(data=server.get("catalog.ttl").content, format="turtle")
    view = next(first.subjects(RDF.type, HYDRA.PartialCollectionView))
    address = str(first.value(view, HYDRA.last))
    last = Graph().parse(data=server.get(address[len(server.url) :]).content, format="turtle")
    assert (None, URIRef("http://www.w3.org/ns/dcat#dataset"), None) in last
    assert violations(last, dcat_ap_shapes(shared)) == []


def test_a_key_that_is_gone_still_has_its_place(crowded):
    """Keyset paging: a page after a dataset removed since starts with the one that followed."""
    server, _ = crowded
    response = server.get("catalog.ttl", params={"after": f"{BASE}graph/publisher-00041-gone"})
    assert response.status_code == 200
    page = Graph().parse(data=response.content, format="turtle")
    identifiers = sorted(
        str(d)
        for d in page.objects(URIRef(BASE + "catalog"), URIRef("http://www.w3.org/ns/dcat#dataset"))
    )
    assert identifiers[0] == f"{BASE}graph/publisher-00042"
    assert len(identifiers) == PAGE_SIZE
