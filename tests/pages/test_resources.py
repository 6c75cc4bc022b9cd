"""Dereferencing over HTTP on the real server: every resource of data/ in every format,
negotiation, suffix URLs, Link headers, conditional GET, errors and hostile paths."""

from __future__ import annotations

import http.client
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from urllib.parse import quote, urlsplit

import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic, to_isomorphic
from SPARQLWrapper import TURTLE as SW_TURTLE
from SPARQLWrapper import SPARQLWrapper

from service.config import DEFAULT_BASE
from service.pages.describe import own_subgraph

BASE = DEFAULT_BASE

#: Format: (suffix, media type sent, rdflib parser).
FORMATS = {
    "turtle": ("ttl", "text/turtle", "turtle"),
    "jsonld": ("jsonld", "application/ld+json", "json-ld"),
    "nt": ("nt", "application/n-triples", "nt"),
    "rdfxml": ("rdf", "application/rdf+xml", "xml"),
}
LIEVIN = "id/event/2019-12-04-journee-regionale-lievin"


def store_triples(server, iri: URIRef) -> Graph:
    """What the store holds for ``iri``: its triples and the blank nodes they reach, by SPARQL."""
    return _store_triples(server.url, str(iri))


@cache
def _store_triples(url: str, iri: str) -> Graph:
    client = SPARQLWrapper(url + "sparql")
    client.setQuery(
        f"""CONSTRUCT {{ <{iri}> ?p ?o . ?o ?p2 ?o2 . ?o2 ?p3 ?o3 . ?o3 ?p4 ?o4 }} WHERE {{
              <{iri}> ?p ?o
              OPTIONAL {{ FILTER(isBlank(?o)) ?o ?p2 ?o2
                OPTIONAL {{ FILTER(isBlank(?o2)) ?o2 ?p3 ?o3
                  OPTIONAL {{ FILTER(isBlank(?o3)) ?o3 ?p4 ?o4 }} }} }} }}"""
    )
    client.setReturnFormat(SW_TURTLE)
    graph = Graph()
    graph.parse(data=client.query().convert(), format="turtle")
    return graph


def fetch_graph(server, path: str, fmt: str, by_suffix: bool) -> tuple[requests.Response, Graph]:
    suffix, media_type, parser = FORMATS[fmt]
    if by_suffix:
        response = server.get(f"{path}.{suffix}")
    else:
        response = server.get(path, headers={"Accept": media_type})
    assert response.status_code == 200, (path, fmt, response.status_code, response.text[:300])
    assert response.headers["Content-Type"].split(";")[0] == media_type
    graph = Graph()
    graph.parse(data=response.content, format=parser, publicID=BASE)
    return response, graph


# ---------------------------------------------------------------------------------------------
# Every resource, every format, the same triples as the store
# ---------------------------------------------------------------------------------------------


def test_data_has_resources_to_dereference(documents):
    assert len(documents) > 50
    assert URIRef(BASE + LIEVIN) in documents


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_resource_parses_back_to_the_store_triples(server, fmt, documents, path_of, subjects):
    """Each document and each of its hash parts: the response holds exactly the store's
    triples for it (with its blank nodes), compared as RDF."""

    def check(document: URIRef) -> list[str]:
        problems = []
        _, graph = fetch_graph(server, path_of(document), fmt, by_suffix=True)
        for subject in [s for s in subjects if str(s).split("#", 1)[0] == str(document)]:
            served = own_subgraph(graph, subject)
            stored = store_triples(server, subject)
            if not isomorphic(served, stored):
                missing = len(stored) - len(served)
                problems.append(
                    f"{subject} ({fmt}): {len(served)} served, {len(stored)} stored ({missing:+d})"
                )
        return problems

    with ThreadPoolExecutor(max_workers=4) as pool:
        problems = [p for found in pool.map(check, documents) for p in found]
    assert not problems, "\n".join(problems[:20])


def test_every_resource_has_a_page(server, documents, path_of):
    def status(document: URIRef) -> tuple[str, int, str]:
        response = server.get(path_of(document), headers={"Accept": "text/html"})
        return str(document), response.status_code, response.headers.get("Content-Type", "")

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(status, documents))
    bad = [r for r in results if r[1] != 200 or not r[2].startswith("text/html")]
    assert not bad, bad[:10]


def test_negotiated_and_suffix_representations_are_the_same(server):
    for fmt in FORMATS:
        _, by_accept = fetch_graph(server, LIEVIN, fmt, by_suffix=False)
        _, by_suffix = fetch_graph(server, LIEVIN, fmt, by_suffix=True)
        assert to_isomorphic(by_accept) == to_isomorphic(by_suffix), fmt


def test_description_carries_labels_and_types_of_linked_resources(server):
    _, graph = fetch_graph(server, LIEVIN, "turtle", by_suffix=True)
    schema = "https://schema.org/"
    organizer = URIRef(BASE + "id/actor/france-mediation")
    assert (organizer, URIRef(schema + "name"), None) in graph
    assert (
        organizer,
        URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        URIRef(schema + "Organization"),
    ) in graph
    theme = URIRef(BASE + "id/theme/illectronisme")
    labels = {
        o.language
        for o in graph.objects(theme, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"))
    }
    assert {"fr", "en"} <= labels


def test_hash_parts_are_described_in_their_document(server):
    _, graph = fetch_graph(
        server,
        "id/article/irev-2019-12-13-250-professionnels-reunis-mediation",
        "turtle",
        by_suffix=True,
    )
    note = URIRef(BASE + "id/article/irev-2019-12-13-250-professionnels-reunis-mediation#note-lieu")
    assert isomorphic(own_subgraph(graph, note), store_triples(server, note))
    assert len(own_subgraph(graph, note)) > 5


def test_incoming_links_are_in_the_rdf_with_a_hydra_collection(server):
    _, graph = fetch_graph(server, "id/actor/france-mediation", "turtle", by_suffix=True)
    actor = URIRef(BASE + "id/actor/france-mediation")
    organizer = URIRef("https://schema.org/organizer")
    events = set(graph.subjects(organizer, actor))
    assert URIRef(BASE + LIEVIN) in events and len(events) >= 8
    hydra = "http://www.w3.org/ns/hydra/core#"
    collection = URIRef(f"{actor}?incoming={quote(str(organizer), safe='')}")
    assert (collection, URIRef(hydra + "totalItems"), None) in graph
    assert int(graph.value(collection, URIRef(hydra + "totalItems"))) == len(events)
    manages = graph.value(collection, URIRef(hydra + "manages"))
    assert graph.value(manages, URIRef(hydra + "property")) == organizer
    assert graph.value(manages, URIRef(hydra + "object")) == actor


def test_vocabulary_and_shapes_at_their_namespaces(server):
    _, vocabulary = fetch_graph(server, "def", "turtle", by_suffix=True)
    workshop = URIRef(BASE + "def#Workshop")
    assert (
        workshop,
        URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf"),
        URIRef("https://schema.org/Event"),
    ) in vocabulary
    assert isomorphic(own_subgraph(vocabulary, workshop), store_triples(server, workshop))
    _, shapes = fetch_graph(server, "shapes", "turtle", by_suffix=True)
    shape = URIRef(BASE + "shapes#EventShape")
    assert (
        shape,
        URIRef("http://www.w3.org/ns/shacl#targetClass"),
        URIRef("https://schema.org/Event"),
    ) in shapes
    page = server.get("def", headers={"Accept": "text/html"})
    assert 'id="Workshop"' in page.text and 'lang="en"' in page.text and 'lang="fr"' in page.text
    assert "Atelier" in page.text and "Workshop" in page.text
    assert server.get("shapes").status_code == 200


def test_named_graph_describes_its_provenance(server):
    response, graph = fetch_graph(server, "graph/irev-2019-12-13-lievin", "turtle", by_suffix=True)
    iri = URIRef(BASE + "graph/irev-2019-12-13-lievin")
    assert isomorphic(own_subgraph(graph, iri), store_triples(server, iri))
    page = server.get("graph/irev-2019-12-13-lievin")
    assert page.status_code == 200 and "triplets" in page.text


# ---------------------------------------------------------------------------------------------
# Negotiation
# ---------------------------------------------------------------------------------------------

NEGOTIATION = [
    (None, "text/html"),
    ("*/*", "text/html"),
    ("text/html", "text/html"),
    ("text/*", "text/html"),
    ("text/turtle", "text/turtle"),
    ("application/x-turtle", "text/turtle"),
    ("application/ld+json", "application/ld+json"),
    ("application/json", "application/ld+json"),
    ("application/n-triples", "application/n-triples"),
    ("text/plain", "application/n-triples"),
    ("application/rdf+xml", "application/rdf+xml"),
    ("text/turtle;q=0.5, application/ld+json;q=0.9", "application/ld+json"),
    ("text/html;q=0, */*;q=0.1", "text/turtle"),
    ("application/rdf+xml, text/html;q=0.8", "application/rdf+xml"),
    ("text/html;q=abc,,;;", "text/html"),
    ("@@@ garbage", "text/html"),
]


@pytest.mark.parametrize("accept, expected", NEGOTIATION)
def test_negotiation(server, accept, expected):
    headers = {"Accept": accept} if accept is not None else {}
    response = requests.get(server.url + LIEVIN, headers=headers, timeout=60)
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == expected
    assert {"Accept", "Accept-Language"} <= {v.strip() for v in response.headers["Vary"].split(",")}


@pytest.mark.parametrize("accept", ["image/png", "application/pdf, text/csv", "text/html;q=0"])
def test_406_lists_what_can_be_served(server, accept):
    response = server.get(LIEVIN, headers={"Accept": accept})
    assert response.status_code == 406
    for media_type in (
        "text/html",
        "text/turtle",
        "application/ld+json",
        "application/n-triples",
        "application/rdf+xml",
    ):
        assert media_type in response.text


@pytest.mark.parametrize(
    "suffix, media_type",
    [
        ("ttl", "text/turtle"),
        ("jsonld", "application/ld+json"),
        ("nt", "application/n-triples"),
        ("rdf", "application/rdf+xml"),
        ("html", "text/html"),
    ],
)
def test_suffix_wins_over_accept(server, suffix, media_type):
    response = server.get(f"{LIEVIN}.{suffix}", headers={"Accept": "image/png"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == media_type
    assert "Accept" not in {v.strip() for v in response.headers.get("Vary", "").split(",")}


# ---------------------------------------------------------------------------------------------
# Links, validators, HEAD
# ---------------------------------------------------------------------------------------------


def test_link_headers(server):
    response = server.get(LIEVIN)
    links = requests.utils.parse_header_links(response.headers["Link"])
    alternates = {link["type"]: link["url"] for link in links if link.get("rel") == "alternate"}
    assert alternates == {
        "text/html": f"/{LIEVIN}.html",
        "text/turtle": f"/{LIEVIN}.ttl",
        "application/ld+json": f"/{LIEVIN}.jsonld",
        "application/n-triples": f"/{LIEVIN}.nt",
        "application/rdf+xml": f"/{LIEVIN}.rdf",
    }
    for url in alternates.values():  # every alternate answers, in its own type
        assert server.get(url.lstrip("/")).status_code == 200
    rels = {}
    for link in links:
        rels.setdefault(link["rel"], []).append(link["url"])
    assert "https://www.etalab.gouv.fr/licence-ouverte-open-licence" in rels["license"]
    assert rels["cite-as"] == [BASE + LIEVIN]
    assert {"https://schema.org/Event", BASE + "def#RegionalDay"} <= set(rels["type"])
    assert f"/{LIEVIN}.ttl" in rels["describedby"]


def test_conditional_get_and_head(server):
    first = server.get(LIEVIN)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = server.get(LIEVIN, headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.content
    assert again.headers["ETag"] == etag
    since = server.get(LIEVIN, headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    other_format = server.get(f"{LIEVIN}.ttl", headers={"If-None-Match": etag})
    assert other_format.status_code == 200 and other_format.headers["ETag"] != etag
    english = server.get(LIEVIN, headers={"If-None-Match": etag, "Accept-Language": "en"})
    assert english.status_code == 200 and english.headers["ETag"] != etag
    head = server.request("HEAD", LIEVIN)
    assert head.status_code == 200 and not head.content
    assert head.headers["ETag"] == etag and head.headers["Link"] == first.headers["Link"]


# ---------------------------------------------------------------------------------------------
# Language
# ---------------------------------------------------------------------------------------------


def test_language_rule_on_pages(server):
    french = server.get(LIEVIN)
    assert '<html lang="fr">' in french.text
    assert 'lang="fr">Journée régionale sur la médiation sociale à Liévin<' in french.text
    english = server.get(LIEVIN, headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in english.text and english.headers["Content-Language"] == "en"
    assert 'lang="en">Regional day on social mediation in Liévin<' in english.text
    switched = server.get(LIEVIN + "?lang=en", headers={"Accept-Language": "fr"})
    assert '<html lang="en">' in switched.text
    # The visible switch links to the page in each interface language.
    assert f'href="/{LIEVIN}?lang=en"' in french.text
    assert f'href="/{LIEVIN}?lang=fr"' in french.text


def test_every_literal_on_a_page_carries_its_language(server):
    from html.parser import HTMLParser

    class Spans(HTMLParser):
        def __init__(self):
            super().__init__()
            self.missing: list[str] = []

        def handle_starttag(self, tag, attrs):
            if tag == "span" and "lang" not in dict(attrs) and not dict(attrs).get("class"):
                self.missing.append(self.getpos())

    for path in (LIEVIN, "id/actor/france-mediation", "def", "id/place/commune/62510"):
        parser = Spans()
        parser.feed(server.get(path).text)
        assert not parser.missing, (path, parser.missing[:5])


# ---------------------------------------------------------------------------------------------
# Errors and hostile input
# ---------------------------------------------------------------------------------------------


def test_unknown_iri_is_404_as_html_or_text(server):
    html = server.get("id/event/nothing-here", headers={"Accept": "text/html"})
    assert html.status_code == 404 and html.headers["Content-Type"].startswith("text/html")
    assert "Aucune ressource" in html.text and "No resource" in html.text
    text = server.get("id/event/nothing-here", headers={"Accept": "text/turtle"})
    assert text.status_code == 404 and text.headers["Content-Type"].startswith("text/plain")
    assert server.get("id/event/nothing-here.ttl").status_code == 404
    assert server.get("graph/nothing-here").status_code == 404
    assert server.get("id/").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "lang=%3Cscript%3E",
        "lang=fr%20en",
        "incoming=not-an-iri",
        "incoming=https%3A%2F%2Fschema.org%2Forganizer&after=%3Cbad%3E",
        "after=https%3A%2F%2Fx.org%2F",
    ],
)
def test_malformed_parameters_are_400(server, query):
    response = server.get(f"id/actor/france-mediation?{query}", headers={"Accept": "text/plain"})
    assert response.status_code == 400, response.text
    assert response.text.strip()


def raw_get(server, raw_path: str) -> tuple[int, bytes]:
    """A request with the path exactly as written (no client-side normalisation)."""
    parts = urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.putrequest("GET", raw_path, skip_accept_encoding=True)
        connection.putheader("Accept", "text/plain")
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize(
    "raw_path",
    [
        "/id/../service/config.py",
        "/id/event/../../pyproject.toml",
        "/id/%2e%2e/%2e%2e/pyproject.toml",
        "/id/event/%2E%2E%2F%2E%2E%2Fpyproject.toml",
        "/id/event/x%00.ttl",
        "/id/event/%00",
        "/id/event/..%5c..%5cpyproject.toml",
        "/static/../pyproject.toml",
        "/static/site.css/../../config.py",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/graph/..%2f..%2fpyproject.toml",
        "/def/../../etc/passwd",
        "/id/event//x",
    ],
)
def test_no_path_reaches_a_file(server, raw_path):
    status, body = raw_get(server, raw_path)
    assert status in (400, 404), (raw_path, status)
    assert b"[project]" not in body and b"SETTINGS" not in body and b"root:" not in body


def test_encoded_slash_names_the_same_resource(server):
    status, body = raw_get(server, "/id/place/region%2F32.ttl")
    assert status == 200 and b"Hauts-de-France" in body


def test_stylesheet_is_served(server):
    response = server.get("static/site.css")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/css")


# ---------------------------------------------------------------------------------------------
# Sitemap and robots.txt
# ---------------------------------------------------------------------------------------------


SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
#: The rule a territory's page is for search engines by: an event located in it, or in a
#: place it contains (an organisation located in a commune is no event there).
EVENTFUL_TERRITORIES = """PREFIX schema: <https://schema.org/>
SELECT DISTINCT ?t WHERE {
  ?t a schema:AdministrativeArea . FILTER(CONTAINS(STR(?t), "/id/place/"))
  FILTER EXISTS { ?e a schema:Event ; schema:location ?p . ?p schema:containedInPlace* ?t }
}"""
TERRITORIES = """PREFIX schema: <https://schema.org/>
SELECT DISTINCT ?t WHERE {
  ?t a schema:AdministrativeArea . FILTER(CONTAINS(STR(?t), "/id/place/"))
}"""


def sitemap_urls(server, build_of, wait_for_build) -> dict[str, str | None]:
    """Every URL the sitemap lists (its index, then each of its files), with its date."""
    import xml.etree.ElementTree as ET

    # The inventory is made by the open-data build: the sitemap is that build's.
    index = wait_for_build(server, path="sitemap.xml")
    assert "xml" in index.headers["Content-Type"]
    root = ET.fromstring(index.content)
    listed: dict[str, str | None] = {}
    for location in root.findall("s:sitemap/s:loc", SITEMAP_NS):
        section = requests.get(location.text, timeout=60)
        assert section.status_code == 200, location.text
        assert build_of(section) == build_of(index)
        for url in ET.fromstring(section.content).findall("s:url", SITEMAP_NS):
            lastmod = url.find("s:lastmod", SITEMAP_NS)
            listed[url.find("s:loc", SITEMAP_NS).text] = (
                lastmod.text if lastmod is not None else None
            )
    return listed


def test_sitemap_lists_every_resource_page(
    server, build_of, documents, path_of, wait_for_build, select
):
    listed = sitemap_urls(server, build_of, wait_for_build)
    quiet = {r["t"] for r in select(server, TERRITORIES)} - {
        r["t"] for r in select(server, EVENTFUL_TERRITORIES)
    }
    expected = {
        server.url + path_of(d) for d in documents if "/id/" in str(d) and str(d) not in quiet
    }
    assert expected <= set(listed), sorted(expected - set(listed))[:10]
    assert server.url + "def" in listed and server.url + "shapes" in listed
    # The seed's resources take their date from their graph; the article from its own.
    assert listed[server.url + LIEVIN] == "2026-11-28"
    article = server.url + "id/article/irev-2019-12-13-250-professionnels-reunis-mediation"
    assert listed[article] == "2019-12-13T15:52:00+01:00"
    for url in listed:  # every listed page exists
        assert url.startswith(server.url)
    sample = [u for u in listed if "/id/" in u][:5]
    for url in sample:
        assert requests.get(url, timeout=60).status_code == 200


def test_a_territory_where_nothing_happened_is_noindex_and_out_of_the_sitemap(
    server, build_of, path_of, wait_for_build, select
):
    territories = {r["t"] for r in select(server, TERRITORIES)}
    eventful = {r["t"] for r in select(server, EVENTFUL_TERRITORIES)}
    # The seed has both kinds: Liévin's commune, département and région hold the day; other
    # communes of the article hold nothing.
    assert eventful and territories - eventful
    listed = sitemap_urls(server, build_of, wait_for_build)
    for territory in sorted(territories):
        url = server.url + path_of(URIRef(territory))
        page = requests.get(url, timeout=60, headers={"Accept": "text/html"})
        assert page.status_code == 200, url
        noindex = '<meta name="robots" content="noindex">' in page.text
        if territory in eventful:
            assert not noindex and url in listed, territory
        else:
            assert noindex and url not in listed, territory


def test_sitemap_files_beyond_those_of_the_build_are_404_and_bad_pages_400(server, wait_for_build):
    wait_for_build(server, path="sitemap.xml")
    assert server.get("sitemaps/event.xml").status_code == 200
    assert server.get("sitemaps/event.xml", params={"page": "2"}).status_code == 404
    assert server.get("sitemaps/nothing-of-the-kind.xml").status_code == 404
    for bad in ("0", "-1", "deux"):
        assert server.get("sitemaps/event.xml", params={"page": bad}).status_code == 400


def test_robots_points_at_the_sitemap(server):
    response = server.get("robots.txt")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/plain")
    assert f"Sitemap: {server.url}sitemap.xml" in response.text.splitlines()
    assert "User-agent: *" in response.text


def test_pages_have_canonical_and_open_graph(server):
    page = server.get(LIEVIN).text
    assert f'<link rel="canonical" href="{BASE}{LIEVIN}">' in page
    assert f'<meta property="og:url" content="{BASE}{LIEVIN}">' in page
    assert (
        '<meta property="og:title" content="Journée régionale sur la médiation sociale à Liévin">'
        in page
    )
    assert 'property="og:description"' in page and 'property="og:locale" content="fr_FR"' in page


# ---------------------------------------------------------------------------------------------
# What each kind of page shows
# ---------------------------------------------------------------------------------------------

PAGES = [
    # path, what the page must hold (French interface)
    (
        LIEVIN,
        [
            'id="programme-title"',
            "Séance plénière du matin",
            'id="role-organisateur-france-mediation"',
            "Arena Liévin",
            '<br><small lang="">',
            "Précédent :",
            "250",
            "4 décembre 2019",
            'href="/id/actor/france-mediation"',
        ],
    ),
    (
        "id/event/2019-12-04-lievin-atelier-integration-territoriale",
        [
            'id="apport-role-pivot"',
            'id="debat-connaitre-le-quartier"',
            'id="compte-rendu"',
            "Co-animation",
        ],
    ),
    (
        "id/actor/france-mediation",
        ['id="actor-roles-title"', "organise", "(10)", "Le chapô écrit « France médiation »"],
    ),
    ("id/actor/franck-boulanjon", ["secrétaire général adjoint", "Préfecture du Pas-de-Calais"]),
    ("id/theme/illectronisme", ["traité dans", "L&#39;accès aux droits et l&#39;illectronisme"]),
    (
        "id/place/commune/62510",
        [
            'id="containment-title"',
            "Pas-de-Calais",
            "Hauts-de-France",
            'id="events-here-title"',
            "62510",
            "http://id.insee.fr/geo/commune/62510",
        ],
    ),
    ("id/place/region/32", ["Hauts-de-France", "contient"]),
    (
        "id/article/irev-2019-12-13-250-professionnels-reunis-mediation",
        [
            'id="note-lieu"',
            "valeur dans la source",
            "valeur retenue",
            "preuve",
            "13 décembre 2019 à 11\u00a0h\u00a000",  # written 11:00+01:00, shown in Paris
        ],
    ),
    (
        "id/document/irev-conseils-de-lecture-politique-de-la-ville-mediation-sociale",
        ['id="parts-chapter-title"', "Sites ressources", 'id="partie-4"'],
    ),
    (
        "id/post/twitter-1202253569807855620",
        [
            "Franck BOULANJON",
            "La date affichée sous le message du Préfet est fausse",
            "4 décembre 2019 à 16\u00a0h\u00a049",  # stamped 15:49:22Z, shown in Paris
            'href="/id/article/irev-2019-12-13-250-professionnels-reunis-mediation#note-date-message-prefet"',
        ],
    ),
    ("id/scheme/roles", ["concepts", "Organisateur", "Co-animation"]),
    ("id/query/co-organisateurs", ['href="/sparql?query=', "SELECT", "Qui co-organise avec qui ?"]),
    ("graph/irev-2019-12-13-lievin", ["triplets", 'href="/sparql?query=']),
    ("def", ['id="RegionalDay"', 'id="hasRole"', "sous-classe de", "0.1.0"]),
    ("shapes", ['id="EventShape"', "Formes SHACL"]),
]


@pytest.mark.parametrize("path, expected", PAGES, ids=[p for p, _ in PAGES])
def test_each_kind_of_page(server, path, expected):
    response = server.get(path + ("&" if "?" in path else "?") + "lang=fr")
    assert response.status_code == 200
    missing = [text for text in expected if text not in response.text]
    assert not missing, missing


def test_untagged_literals_say_their_language_is_unknown(server):
    page = server.get("id/actor/france-mediation?lang=fr").text
    assert '<span lang="">France Médiation</span>' in page
    assert '<p class="summary" lang="fr">' in page


def test_pages_have_landmarks_and_headings(server):
    page = server.get(LIEVIN).text
    for landmark in (
        '<header role="banner"',
        '<main id="main"',
        '<footer role="contentinfo"',
        '<nav aria-label="Navigation principale"',
        '<nav aria-label="Langue"',
    ):
        assert landmark in page
    assert page.count("<h1") == 1
    assert "<script" not in page.replace('<script type="application/ld+json">', "")


@pytest.mark.parametrize("path", ["", "sparql", "def", "id/actor/irev"])
def test_every_page_has_a_canonical_link_and_open_graph(server, path):
    response = server.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200
    page = response.text
    assert page.count('rel="canonical"') == 1
    assert f'<link rel="canonical" href="{BASE}{path}">' in page
    for prop in ("og:title", "og:type", "og:url", "og:locale", "og:site_name"):
        assert f'property="{prop}"' in page, prop
