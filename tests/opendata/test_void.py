"""VoID at /.well-known/void: its figures are what SPARQL counts on the same store, its partitions
and vocabularies are the data's, its linksets count the links to official identifiers."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, VOID
from SPARQLWrapper import JSON, SPARQLWrapper

BASE = "https://w3id.org/mediation-sociale/"
WHOLE = URIRef(BASE + "catalog#all")
SDO = "https://schema.org/"


@pytest.fixture(scope="module", autouse=True)
def built(server, wait_for_build):
    """The first build from the shared server's store has finished (before, 503)."""
    wait_for_build(server)


@pytest.fixture(scope="module")
def void(server) -> Graph:
    response = server.get(".well-known/void")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/turtle")
    return Graph().parse(data=response.content, format="turtle")


def count(server, query: str) -> int:
    sparql = SPARQLWrapper(server.url + "sparql")
    sparql.setReturnFormat(JSON)
    sparql.setQuery(query)
    return int(sparql.queryAndConvert()["results"]["bindings"][0]["n"]["value"])


def test_other_formats_by_accept(server, void):
    for media, fmt in (
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/n-triples", "nt"),
    ):
        response = server.get(".well-known/void", headers={"Accept": media})
        assert response.headers["Content-Type"].startswith(media)
        assert len(Graph().parse(data=response.content, format=fmt)) == len(void)
    assert server.get(".well-known/void", headers={"Accept": "image/png"}).status_code == 406


def test_the_figures_are_what_sparql_counts(server, void):
    figures = {
        VOID.triples: "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }",
        VOID.distinctSubjects: "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }",
        VOID.distinctObjects: "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }",
        VOID.properties: "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }",
        VOID.classes: "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }",
        VOID.entities: f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o "
        f'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{BASE}id/")) }}',
    }
    for prop, query in figures.items():
        assert int(void.value(WHOLE, prop)) == count(server, query), prop
    assert str(void.value(WHOLE, VOID.uriSpace)) == BASE + "id/"
    assert void.value(WHOLE, VOID.sparqlEndpoint) == URIRef(server.url + "sparql")
    assert URIRef(server.url + "dumps/all.nq.gz") in set(void.objects(WHOLE, VOID.dataDump))


def test_partitions_count_classes_and_properties(server, void):
    classes = {
        void.value(p, VOID["class"]): int(void.value(p, VOID.entities))
        for p in void.objects(WHOLE, VOID.classPartition)
    }
    assert classes[URIRef(SDO + "Event")] == count(
        server, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{SDO}Event> }}"
    )
    properties = {
        void.value(p, VOID.property): int(void.value(p, VOID.triples))
        for p in void.objects(WHOLE, VOID.propertyPartition)
    }
    assert properties[URIRef(SDO + "startDate")] == count(
        server,
        f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?o WHERE {{ ?s <{SDO}startDate> ?o }} }}",
    )
    vocabularies = set(void.objects(WHOLE, VOID.vocabulary))
    assert {
        URIRef(SDO),
        URIRef(BASE + "def#"),
        URIRef("http://www.w3.org/2004/02/skos/core#"),
        URIRef("http://rdf.insee.fr/def/geo#"),
    } <= vocabularies


def test_linksets_count_the_links_to_insee_and_to_accounts(server, void):
    linksets = {}
    for linkset in void.subjects(RDF.type, VOID.Linkset):
        target = void.value(linkset, VOID.objectsTarget)
        space = str(void.value(target, VOID.uriSpace))
        linksets[(void.value(linkset, VOID.linkPredicate), space)] = int(
            void.value(linkset, VOID.triples)
        )
        assert void.value(linkset, VOID.subjectsTarget) == WHOLE
    insee = linksets[(RDFS.seeAlso, "http://id.insee.fr/")]
    assert insee == count(
        server,
        """SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?o WHERE {
        ?s <http://www.w3.org/2000/01/rdf-schema#seeAlso> ?o
        FILTER(STRSTARTS(STR(?o), "http://id.insee.fr/")) } }""",
    )
    assert insee >= 7  # the seed's régions, départements, communes and EPCI
    assert linksets[(URIRef(SDO + "sameAs"), "https://twitter.com/")] >= 3


def test_subsets_are_the_catalogs_datasets(server, void):
    subsets = set(void.objects(WHOLE, VOID.subset))
    for key in ("events", "actors", "places", "vocabulary"):
        assert URIRef(f"{BASE}catalog#{key}") in subsets
    territories = URIRef(BASE + "graph/territories")
    assert territories in subsets
    assert int(void.value(territories, VOID.triples)) == count(
        server, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{territories}> {{ ?s ?p ?o }} }}"
    )


def test_void_answers_conditional_requests(server):
    first = server.get(".well-known/void")
    assert (
        server.get(".well-known/void", headers={"If-None-Match": first.headers["ETag"]}).status_code
        == 304
    )
    assert (
        server.get(
            ".well-known/void", headers={"If-Modified-Since": first.headers["Last-Modified"]}
        ).status_code
        == 304
    )
