"""The DCAT-AP 3 catalog over HTTP: each format passes the official shapes, says what portals
read (licence, publisher, contact, coverage, themes, distributions, the SPARQL service), and the
page for people carries schema.org Dataset markup."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD
from SPARQLWrapper import JSON, SPARQLWrapper

from service.namespaces import HYDRA

BASE = "https://w3id.org/mediation-sociale/"
ETALAB = "https://www.etalab.gouv.fr/licence-ouverte-open-licence"
CATALOG = URIRef(BASE + "catalog")
EU_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
IANA = "https://www.iana.org/assignments/media-types/"
SPDX = "http://spdx.org/rdf/terms#"
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")

#: How each served form of the catalog is asked for, and how it parses.
FORMS = [
    ("catalog", {}, "application/ld+json", "json-ld"),  # a harvester: no Accept at all
    ("catalog", {"Accept": "text/turtle"}, "text/turtle", "turtle"),
    ("catalog", {"Accept": "application/rdf+xml"}, "application/rdf+xml", "xml"),
    ("catalog.ttl", {}, "text/turtle", "turtle"),
    ("catalog.rdf", {}, "application/rdf+xml", "xml"),
    ("catalog.jsonld", {}, "application/ld+json", "json-ld"),
]


@pytest.fixture(scope="module", autouse=True)
def built(server, wait_for_build):
    """The first build from the shared server's store has finished (before, 503)."""
    wait_for_build(server)


def get_catalog(server, path: str = "catalog.ttl", fmt: str = "turtle", **headers) -> Graph:
    response = server.get(path, headers=headers or {"Accept": None})
    assert response.status_code == 200, response.text[:500]
    return Graph().parse(data=response.content, format=fmt)


@pytest.fixture(scope="module")
def catalog(server) -> Graph:
    return get_catalog(server)


def test_the_shapes_are_read_with_their_undefined_links_dropped(shared, dcat_ap_shapes):
    shapes = dcat_ap_shapes(shared)
    # Two links of dcat:DataServiceShape in the constraints file, three in the ranges file.
    assert shapes.dropped == 5


@pytest.mark.parametrize("path, headers, media, fmt", FORMS)
def test_every_form_of_the_catalog_passes_the_dcat_ap_shapes(
    server, shared, path, headers, media, fmt, dcat_ap_shapes, violations
):
    response = server.get(path, headers=headers or {"Accept": None})
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == media
    graph = Graph().parse(data=response.content, format=fmt)
    assert (CATALOG, RDF.type, DCAT.Catalog) in graph
    assert set(graph.subjects(RDF.type, DCAT.Dataset)), "no dataset"
    assert violations(graph, dcat_ap_shapes(shared)) == []


def test_the_shapes_do_find_what_the_catalog_would_get_wrong(
    catalog, shared, dcat_ap_shapes, violations
):
    """The validation is live: untyping the publisher or dropping a title is a violation."""
    shapes = dcat_ap_shapes(shared)
    publisher = catalog.value(CATALOG, DCTERMS.publisher)
    broken = Graph() + catalog
    broken.remove((publisher, RDF.type, FOAF.Agent))
    assert any("publisher" in line for line in violations(broken, shapes))
    dataset = URIRef(BASE + "catalog#events")
    broken = Graph() + catalog
    broken.remove((dataset, DCTERMS.title, None))
    assert any(str(dataset) in line and "title" in line for line in violations(broken, shapes))


def test_a_harvester_without_accept_header_gets_json_ld_and_head_says_so(server):
    head = server.request("HEAD", "catalog", headers={"Accept": None})
    assert head.status_code == 200
    assert head.headers["Content-Type"].startswith("application/ld+json")
    browser = server.get("catalog", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert browser.headers["Content-Type"].startswith("text/html")
    assert server.get("catalog", headers={"Accept": "application/pdf"}).status_code == 406
    assert server.get("catalog.pdf").status_code == 404


def test_the_catalog_names_its_licence_publisher_and_contact(catalog):
    licence = URIRef(ETALAB)
    assert catalog.value(CATALOG, DCTERMS.license) == licence
    assert (licence, RDF.type, DCTERMS.LicenseDocument) in catalog
    # Named by its titles, not labels: a harvester then matches it by its address.
    assert {str(t) for t in catalog.objects(licence, DCTERMS.title)} == {
        "Licence Ouverte / Open Licence version 2.0",
        "Open Licence version 2.0",
    }
    assert catalog.value(licence, RDFS.label) is None
    publisher = catalog.value(CATALOG, DCTERMS.publisher)
    assert publisher == URIRef(BASE + "id/actor/equipe-donnees-liees")
    assert (publisher, RDF.type, FOAF.Agent) in catalog
    names = {str(n) for n in catalog.objects(publisher, FOAF.name)}
    assert "Équipe des données liées de la médiation sociale" in names  # as the data names it
    for dataset in catalog.subjects(RDF.type, DCAT.Dataset):
        assert catalog.value(dataset, DCTERMS.license) == licence
        assert catalog.value(dataset, DCTERMS.publisher) == publisher
        contact = catalog.value(dataset, DCAT.contactPoint)
        assert (contact, RDF.type, VCARD.Kind) in catalog
        assert catalog.value(contact, VCARD.fn) is not None


KEYS = ("all", "events", "actors", "places", "vocabulary", "articles", "history", "technical")


def test_the_datasets_are_those_people_look_for_not_the_named_graphs(server, catalog):
    datasets = set(catalog.subjects(RDF.type, DCAT.Dataset))
    assert datasets == {URIRef(f"{BASE}catalog#{key}") for key in KEYS}
    assert int(catalog.value(CATALOG, HYDRA.totalItems)) == len(KEYS)
    sparql = SPARQLWrapper(server.url + "sparql")
    sparql.setQuery("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    sparql.setReturnFormat(JSON)
    graphs = {b["g"]["value"] for b in sparql.queryAndConvert()["results"]["bindings"]}
    assert graphs and not graphs & {str(d) for d in datasets}
    for dataset in datasets:
        assert catalog.value(dataset, DCTERMS.identifier) == Literal(str(dataset))
        for prop in (DCTERMS.title, DCTERMS.description):
            languages = sorted(t.language for t in catalog.objects(dataset, prop))
            assert languages == ["en", "fr"], (dataset, prop)
        assert not any("graph/" in str(t) for t in catalog.objects(dataset, DCTERMS.title))
        assert {k.language for k in catalog.objects(dataset, DCAT.keyword)} == {"fr", "en"}
        assert catalog.value(dataset, DCTERMS.accrualPeriodicity) is not None, dataset
        assert catalog.value(dataset, DCAT.contactPoint) is not None, dataset
        landing = str(catalog.value(dataset, DCAT.landingPage))
        assert server.get(landing[len(server.url) :].split("#")[0]).status_code == 200, landing


def test_the_technical_graphs_are_one_dataset_and_nowhere_else(server):
    shape = "<http://www.w3.org/ns/shacl#NodeShape>"

    def holds(key: str, term: str) -> bool:
        return term in gzip.decompress(server.get(f"dumps/{key}.nt.gz").content).decode()

    assert holds("technical", shape) and holds("all", shape)
    for key in ("events", "actors", "places", "vocabulary", "articles", "history"):
        assert not holds(key, shape), key
    assert not holds("events", "id/query/") and holds("technical", "id/query/")


def test_the_articles_are_derived_from_the_pages_they_were_read_on(catalog):
    articles = URIRef(BASE + "catalog#articles")
    sources = {str(s) for s in catalog.objects(articles, PROV.wasDerivedFrom)}
    assert any(s.startswith("http") and "irev" in s for s in sources), sources
    events = URIRef(BASE + "catalog#events")
    themes = set(catalog.objects(events, DCAT.theme))
    illectronisme = URIRef(BASE + "id/theme/illectronisme")
    assert illectronisme in themes
    assert (illectronisme, RDF.type, SKOS.Concept) in catalog
    assert catalog.value(illectronisme, SKOS.prefLabel) is not None


def test_coverage_in_space_and_time_comes_from_the_events(catalog):
    events = URIRef(BASE + "catalog#events")
    period = catalog.value(events, DCTERMS.temporal)
    assert isinstance(period, BNode)  # a harvester fetches a period named by an IRI
    assert (period, RDF.type, DCTERMS.PeriodOfTime) in catalog
    assert catalog.value(period, DCAT.startDate) == Literal("2019-11-19", datatype=XSD.date)
    assert catalog.value(period, DCAT.endDate) == Literal("2019-12-04", datatype=XSD.date)
    places = set(catalog.objects(events, DCTERMS.spatial))
    region = URIRef(BASE + "id/place/region/32")
    france = URIRef("http://publications.europa.eu/resource/authority/country/FRA")
    assert {region, france} <= places
    assert (region, RDF.type, DCTERMS.Location) in catalog
    assert catalog.value(region, RDFS.seeAlso) == URIRef("http://id.insee.fr/geo/region/32")
    assert str(catalog.value(region, SKOS.prefLabel)) == "Hauts-de-France"
    box = catalog.value(france, DCAT.bbox)
    assert box.datatype == URIRef("http://www.opengis.net/ont/geosparql#wktLiteral")
    assert str(box) == "POLYGON((-61.8 -21.37, 55.84 -21.37, 55.84 51.1, -61.8 51.1, -61.8 -21.37))"


def test_themes_are_eu_data_themes_and_ours(catalog):
    assert URIRef(EU_THEME + "SOCI") in set(
        catalog.objects(URIRef(BASE + "catalog#all"), DCAT.theme)
    )
    assert URIRef(EU_THEME + "REGI") in set(
        catalog.objects(URIRef(BASE + "catalog#places"), DCAT.theme)
    )
    taxonomies = set(catalog.objects(CATALOG, DCAT.themeTaxonomy))
    assert URIRef("http://publications.europa.eu/resource/authority/data-theme") in taxonomies
    assert URIRef(BASE + "id/scheme/thematiques-mediation") in taxonomies
    assert {str(label) for label in catalog.objects(URIRef(EU_THEME + "SOCI"), SKOS.prefLabel)} == {
        "Population et société",
        "Population and society",
    }


def test_dump_distributions_say_format_media_type_and_size(server, catalog):
    whole = URIRef(BASE + "catalog#all")
    dumps = [
        d
        for d in catalog.objects(whole, DCAT.distribution)
        if catalog.value(d, DCAT.downloadURL) is not None
    ]
    formats = {str(catalog.value(d, DCTERMS["format"])) for d in dumps}
    assert formats == {
        FILE_TYPE + t for t in ("RDF_TURTLE", "RDF_N_TRIPLES", "JSON_LD", "RDF_N_QUADS")
    }
    for distribution in dumps:
        url = catalog.value(distribution, DCAT.downloadURL)
        assert str(url).startswith(server.url + "dumps/")
        assert catalog.value(distribution, DCAT.accessURL) == url
        media = catalog.value(distribution, DCAT.mediaType)
        assert str(media).startswith(IANA) and (media, RDF.type, DCTERMS.MediaType) in catalog
        if str(url).endswith(".gz"):
            assert catalog.value(distribution, DCAT.compressFormat) == URIRef(
                IANA + "application/gzip"
            )
        response = server.get(str(url)[len(server.url) :])
        assert int(catalog.value(distribution, DCAT.byteSize)) == len(response.content)
        # The SHA-256 travels with the file (RFC 9530), not in the catalog (docs/opendata.md).
        digest = base64.b64encode(hashlib.sha256(response.content).digest()).decode()
        assert response.headers["Repr-Digest"] == f"sha-256=:{digest}:"
        assert catalog.value(distribution, URIRef(SPDX + "checksum")) is None


@pytest.mark.parametrize("key", KEYS)
def test_every_dataset_is_also_served_through_the_sparql_endpoint(server, catalog, key):
    dataset = URIRef(f"{BASE}catalog#{key}")
    through = [
        d
        for d in catalog.objects(dataset, DCAT.distribution)
        if catalog.value(d, DCAT.accessService) is not None
    ]
    assert len(through) == 1
    distribution = through[0]
    assert catalog.value(distribution, DCAT.accessURL) == URIRef(server.url + "sparql")
    service = catalog.value(distribution, DCAT.accessService)
    assert (service, RDF.type, DCAT.DataService) in catalog
    assert catalog.value(service, DCAT.endpointURL) == URIRef(server.url + "sparql")
    assert catalog.value(service, DCAT.servesDataset) == dataset
    # Not the catalog's own data service, which a harvester would then take for a part of
    # this distribution and not harvest (docs/opendata.md).
    assert service != URIRef(BASE + "sparql")


def test_the_history_is_also_the_change_feed(server, catalog):
    history = URIRef(BASE + "catalog#history")
    feeds = [
        d
        for d in catalog.objects(history, DCAT.distribution)
        if catalog.value(d, DCAT.accessURL) == URIRef(server.url + "changes")
    ]
    assert len(feeds) == 1
    assert catalog.value(feeds[0], DCAT.mediaType) == URIRef(IANA + "application/activity+json")
    assert server.get("changes").status_code == 200


def test_the_sparql_endpoint_is_a_data_service(server, catalog):
    service = URIRef(BASE + "sparql")
    assert (service, RDF.type, DCAT.DataService) in catalog
    assert catalog.value(CATALOG, DCAT.service) == service
    assert catalog.value(service, DCTERMS.identifier) == Literal(str(service))
    assert catalog.value(service, DCAT.endpointURL) == URIRef(server.url + "sparql")
    served = set(catalog.objects(service, DCAT.servesDataset))
    assert served == set(catalog.subjects(RDF.type, DCAT.Dataset))
    description = catalog.value(service, DCAT.endpointDescription)
    answer = server.get(str(description)[len(server.url) :])
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/turtle")
    assert (
        None,
        RDF.type,
        URIRef("http://www.w3.org/ns/sparql-service-description#Service"),
    ) in Graph().parse(data=answer.content, format="turtle")


def test_issued_and_modified_come_from_the_data(catalog):
    assert catalog.value(CATALOG, DCTERMS.issued) == Literal("2026-11-28", datatype=XSD.date)
    modified = catalog.value(CATALOG, DCTERMS.modified)
    assert modified is not None and str(modified) >= "2026-11-28"


def test_the_page_for_people_carries_schema_org_dataset_markup(server):
    response = server.get("catalog.html", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', response.text, re.S)
    catalogs = [b for b in map(json.loads, blocks) if b.get("@type") == "DataCatalog"]
    assert len(catalogs) == 1
    markup = catalogs[0]
    datasets = {d["@id"]: d for d in markup["dataset"]}
    events = datasets[BASE + "catalog#events"]
    assert events["@type"] == "Dataset" and events["name"] == "Events of social mediation"
    assert len(events["description"]) >= 50
    assert events["license"] == ETALAB
    assert events["temporalCoverage"] == "2019-11-19/2019-12-04"
    assert {d["encodingFormat"] for d in events["distribution"]} == {
        "text/turtle",
        "application/n-triples",
        "application/ld+json",
    }
    assert 'href="/dumps/events.ttl"' in response.text
    assert '<link rel="alternate" type="text/turtle" href="/catalog.ttl"' in response.text


def test_a_bad_page_key_is_a_400(server):
    response = server.get("catalog.ttl", params={"after": "not a dataset"})
    assert response.status_code == 400
    assert "after" in response.text


@pytest.mark.parametrize(
    "path",
    [
        "",
        "events",
        "id/event/2019-12-04-journee-regionale-lievin",
        "sitemap.xml",
        "sparql",
        "sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D",
        "catalog",
        ".well-known/void",
        "dumps/all.ttl",
        "changes",
        "feeds/events.atom",
        "calendar/events.ics",
        "healthz",
    ],
)
def test_every_get_route_answers_conditional_requests(server, path):
    headers = {"Accept": "application/sparql-results+json"} if "query=" in path else {}
    first = server.get(path, headers=headers)
    assert first.status_code == 200, path
    etag, modified = first.headers.get("ETag"), first.headers.get("Last-Modified")
    assert etag and modified, path
    assert server.get(path, headers={**headers, "If-None-Match": etag}).status_code == 304, path
    assert (
        server.get(path, headers={**headers, "If-Modified-Since": modified}).status_code == 304
    ), path


def test_each_address_of_the_catalog_keeps_its_own_links(server):
    """The same page asked for at /catalog and /catalog.html (or .ttl) is written for each
    address: its canonical and its paging links name the address it was asked at."""
    browser = {"Accept": "text/html"}
    assert (
        '<link rel="canonical" href="' + BASE + 'catalog">'
        in server.get("catalog", headers=browser).text
    )
    html = server.get("catalog.html", headers=browser).text
    assert '<link rel="canonical" href="' + BASE + 'catalog.html">' in html
    turtle = server.get("catalog", headers={"Accept": "text/turtle"})
    suffixed = server.get("catalog.ttl")
    assert "catalog.ttl" not in turtle.headers["Link"].split('rel="alternate"')[0]
    first = Graph().parse(data=turtle.content, format="turtle")
    view = next(first.subjects(RDF.type, HYDRA.PartialCollectionView))
    assert str(view) == server.url + "catalog"
    again = Graph().parse(data=suffixed.content, format="turtle")
    assert (
        str(next(again.subjects(RDF.type, HYDRA.PartialCollectionView)))
        == server.url + "catalog.ttl"
    )
