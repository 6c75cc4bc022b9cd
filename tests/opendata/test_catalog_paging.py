"""The catalog paged the way harvesters read it: with three datasets a page, walked through
``hydra:next`` in JSON-LD and in Turtle, every dataset exactly once, in as many pages as the
page size says, ``hydra:last`` where the walk ends, ``hydra:previous`` back where it came
from; a page deep in the walk is valid DCAT-AP on its own."""

from __future__ import annotations

import math

import pytest
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import DCAT

from service.namespaces import HYDRA

BASE = "https://w3id.org/mediation-sociale/"
PAGE_SIZE = 3
DATASETS = 8


@pytest.fixture(scope="module")
def paged(tmp_path_factory, start_server, wait_for_build):
    """The seed served with three datasets a catalog page."""
    directory = tmp_path_factory.mktemp("paged") / "store"
    server = start_server(directory, {"MEDIATION_CATALOG_PAGE_SIZE": str(PAGE_SIZE)})
    wait_for_build(server)
    yield server
    server.stop()


@pytest.mark.parametrize("path", ["catalog", "catalog.ttl"])
def test_walking_hydra_next_meets_every_dataset_once(paged, path, harvest):
    walked = harvest(paged.url + path, keep_graphs=True)
    assert len(walked.seen) == len(set(walked.seen)) == walked.total_items == DATASETS
    assert len(walked.pages) == math.ceil(DATASETS / PAGE_SIZE)
    assert BASE + "catalog#all" in walked.seen[:PAGE_SIZE]  # the whole comes first
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


def test_the_data_service_is_described_once_on_the_first_page(paged, harvest):
    walked = harvest(paged.url + "catalog.ttl", keep_graphs=True)
    services = [page.value(URIRef(BASE + "catalog"), DCAT.service) for page in walked.graphs]
    assert services[0] == URIRef(BASE + "sparql")
    assert services[1:] == [None] * (len(services) - 1)


def test_a_page_deep_in_the_walk_passes_the_dcat_ap_shapes(
    paged, shared, dcat_ap_shapes, violations
):
    first = Graph().parse(data=paged.get("catalog.ttl").content, format="turtle")
    view = next(first.subjects(RDF.type, HYDRA.PartialCollectionView))
    address = str(first.value(view, HYDRA.last))
    last = Graph().parse(data=paged.get(address[len(paged.url) :]).content, format="turtle")
    assert (None, DCAT.dataset, None) in last
    assert violations(last, dcat_ap_shapes(shared)) == []


def test_a_page_key_that_names_no_dataset_is_a_400(paged):
    for after in (f"{BASE}graph/irev-2019-12-13-lievin", f"{BASE}catalog#nothing", "%ff"):
        response = paged.get("catalog.ttl", params={"after": after})
        assert response.status_code == 400, after
        assert "after" in response.text
