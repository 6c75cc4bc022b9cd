"""The dumps over HTTP: every download URL of the catalog answers and parses to the number of
triples VoID gives its dataset; the files are what the store holds; conditional requests and
ranges; unknown names are 404."""

from __future__ import annotations

import gzip

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import DCAT, RDF, VOID
from SPARQLWrapper import JSON, SPARQLWrapper

BASE = "https://w3id.org/mediation-sociale/"


@pytest.fixture(scope="module", autouse=True)
def built(server, wait_for_build):
    """The first build from the shared server's store has finished (before, 503)."""
    wait_for_build(server)


@pytest.fixture(scope="module")
def void(server) -> Graph:
    return Graph().parse(data=server.get(".well-known/void").content, format="turtle")


@pytest.fixture(scope="module")
def catalog(server) -> Graph:
    return Graph().parse(data=server.get("catalog.ttl").content, format="turtle")


def test_every_download_url_parses_to_the_triples_void_counts(
    server, void, catalog, distinct_triples, read_rdf
):
    checked = 0
    for dataset in catalog.subjects(RDF.type, DCAT.Dataset):
        triples = void.value(dataset, VOID.triples)
        assert triples is not None, f"VoID does not count {dataset}"
        dumps = {str(d) for d in void.objects(dataset, VOID.dataDump)}
        for distribution in catalog.objects(dataset, DCAT.distribution):
            url = catalog.value(distribution, DCAT.downloadURL)
            if url is None:  # the SPARQL endpoint, the change feed
                assert catalog.value(distribution, DCAT.accessURL) is not None
                continue
            url = str(url)
            assert url in dumps, url
            response = server.get(url[len(server.url) :])
            assert response.status_code == 200, url
            assert distinct_triples(read_rdf(response.content, url)) == int(triples), url
            checked += 1
    assert checked == 3 * 8 + 1  # three formats a dataset, and the whole in N-Quads


def test_the_whole_dump_is_the_store(server, void, distinct_triples):
    """N-Quads hold every quad with its graph; the union's triple count is VoID's."""
    response = server.get("dumps/all.nq.gz")
    assert response.headers["Content-Type"] == "application/gzip"
    dataset = Dataset()
    dataset.parse(data=gzip.decompress(response.content), format="nquads")
    sparql = SPARQLWrapper(server.url + "sparql")
    sparql.setReturnFormat(JSON)
    sparql.setQuery("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    quads = int(sparql.queryAndConvert()["results"]["bindings"][0]["n"]["value"])
    assert len(list(dataset.quads((None, None, None, None)))) == quads
    whole = URIRef(BASE + "catalog#all")
    assert distinct_triples(dataset) == int(void.value(whole, VOID.triples))
    sparql.setQuery("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")
    assert int(sparql.queryAndConvert()["results"]["bindings"][0]["n"]["value"]) == int(
        void.value(whole, VOID.triples)
    )


def test_a_subset_holds_its_resources_and_the_blank_nodes_they_reach(server):
    places = Graph().parse(data=server.get("dumps/places.ttl").content, format="turtle")
    venue = URIRef(BASE + "id/place/arena-lievin")
    address = places.value(venue, URIRef("https://schema.org/address"))
    assert address is not None
    assert str(places.value(address, URIRef("https://schema.org/addressLocality"))) == "Liévin"
    subjects = {s for s in places.subjects() if isinstance(s, URIRef)}
    assert subjects and all(str(s).startswith(BASE + "id/place/") for s in subjects)
    events = Graph().parse(data=server.get("dumps/events.jsonld").content, format="json-ld")
    assert (URIRef(BASE + "id/event/2019-12-04-journee-regionale-lievin"), None, None) in events
    assert (venue, None, None) not in events


def test_a_graph_dump_is_that_graph(server):
    graph = Graph().parse(data=server.get("dumps/graph/territories.ttl").content, format="turtle")
    sparql = SPARQLWrapper(server.url + "sparql")
    sparql.setReturnFormat(JSON)
    sparql.setQuery(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{BASE}graph/territories> {{ ?s ?p ?o }} }}"
    )
    assert len(graph) == int(sparql.queryAndConvert()["results"]["bindings"][0]["n"]["value"])


def test_dumps_answer_conditional_and_range_requests(server):
    first = server.get("dumps/all.ttl")
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    again = server.get("dumps/all.ttl", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""
    since = server.get(
        "dumps/all.ttl", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert since.status_code == 304
    part = server.get("dumps/all.ttl", headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and part.content == first.content[:100]


@pytest.mark.parametrize(
    "name",
    [
        "dumps/nothing.ttl",
        "dumps/events.nq.gz",
        "dumps/all.txt",
        "dumps/graph/nothing.ttl",
        "dumps/graph/%2E%2E/all.ttl",
        "dumps/graph/territories.rdf",
        "dumps/manifest.json",
    ],
)
def test_unknown_dumps_are_404(server, name):
    response = server.get(name, headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json()["message"]["fr"] and response.json()["message"]["en"]
