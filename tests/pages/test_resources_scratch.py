"""Pages on a scratch store: hostile literals never break out of the markup, roles become
direct schema.org links, and a resource with a thousand and more incoming links pages by key.

The store is filled through the store API (the seed, then a generated graph), then served by
``mediation serve`` like any other; data/ is left alone.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from math import ceil

import extruct
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from service.config import DEFAULT_BASE, load_config
from service.formats import TURTLE
from service.namespaces import HYDRA, SDO
from service.pages import INCOMING_SHOWN
from service.store.embedded import EmbeddedStore
from service.writes.loading import ensure_seeded

BASE = DEFAULT_BASE
PAGE_SIZE = 40
LINKS = 1500
HOSTILE_NAME = "</script><script>alert(1)</script>"
HOSTILE_EN = '<b>bold</b> & "quotes" <img src=x onerror=alert(2)>'
HOSTILE_DESCRIPTION = "Texte <i>avec</i> balises & esperluette </script><!-- -->"
EVENT = "id/event/scratch-hostile"
THEME = "id/theme/scratch-theme"
ODD = "id/document/scratch-odd-property"


def scratch_data() -> bytes:
    lines = [
        "@prefix schema: <https://schema.org/> .",
        "@prefix med: <https://w3id.org/mediation-sociale/def#> .",
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
        f"<{BASE}{EVENT}> a schema:Event ;",
        f"  schema:name {Literal(HOSTILE_NAME, lang='fr').n3()} , {Literal(HOSTILE_EN, lang='en').n3()} ;",
        f"  schema:description {Literal(HOSTILE_DESCRIPTION, lang='fr').n3()} ;",
        '  schema:startDate "2030-01-01"^^xsd:date ;',
        f"  schema:location <{BASE}id/place/arena-lievin> ;",
        f"  schema:about <{BASE}{THEME}> ;",
        f"  med:hasRole <{BASE}{EVENT}#role-organisateur> .",
        f"<{BASE}{EVENT}#role-organisateur> a med:Participation , schema:Role ;",
        f"  med:inEvent <{BASE}{EVENT}> ; med:agent <{BASE}id/actor/france-mediation> ;",
        f"  med:roleType <{BASE}id/role/organisateur> .",
        f'<{BASE}{THEME}> a skos:Concept ; skos:prefLabel "Thème d\'essai"@fr , "Test theme"@en .',
        f'<{BASE}{ODD}> a schema:Thing ; schema:name "Propriété sans nom XML"@fr ; '
        '<https://example.org/terms/42> "quarante-deux" .',
    ]
    for n in range(1, LINKS):  # with the hostile event: LINKS events about the theme
        lines.append(
            f"<{BASE}id/event/scratch-{n:05d}> a schema:Event ; "
            f'schema:name "Événement d\'essai {n}"@fr ; schema:about <{BASE}{THEME}> .'
        )
    return "\n".join(lines).encode("utf-8")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory, start_server):
    store_dir = tmp_path_factory.mktemp("scratch") / "store"
    settings = load_config(overrides={"store": str(store_dir), "territories": "seed"}, environ={})
    store = EmbeddedStore(store_dir, workers=False)
    try:
        ensure_seeded(store, settings)
        store.load(scratch_data(), TURTLE, URIRef(BASE + "graph/scratch"))
    finally:
        store.close()
    running = start_server(store_dir, args=["--page-size", str(PAGE_SIZE)])
    yield running
    running.stop()


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(text: str) -> list[tuple[str, dict]]:
    parser = Tags()
    parser.feed(text)
    return parser.tags


@pytest.mark.parametrize("lang, name", [("fr", HOSTILE_NAME), ("en", HOSTILE_EN)])
def test_hostile_literals_stay_text(scratch, lang, name):
    response = scratch.get(f"{EVENT}?lang={lang}")
    assert response.status_code == 200
    page = response.text
    found = tags(page)
    scripts = [attrs for tag, attrs in found if tag == "script"]
    assert scripts == [{"type": "application/ld+json"}]  # the only script is ours
    assert not [t for t, _ in found if t in ("b", "i", "img")]
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "\\u003c/script\\u003e" in page or lang == "en"
    # What a crawler extracts is the exact text of the data.
    [document] = extruct.extract(page, syntaxes=["json-ld"], uniform=False)["json-ld"]
    assert document["name"] == name
    # The visible page shows it as text, escaped.
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page or lang == "en"
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &#34;quotes&#34;" in page or lang == "fr"


def test_hostile_literals_survive_every_format(scratch):
    for suffix, parser in (("ttl", "turtle"), ("jsonld", "json-ld"), ("nt", "nt"), ("rdf", "xml")):
        response = scratch.get(f"{EVENT}.{suffix}")
        graph = Graph()
        graph.parse(data=response.content, format=parser)
        names = set(graph.objects(URIRef(BASE + EVENT), SDO.name))
        assert names == {Literal(HOSTILE_NAME, lang="fr"), Literal(HOSTILE_EN, lang="en")}, suffix
        assert Literal(HOSTILE_DESCRIPTION, lang="fr") in set(
            graph.objects(URIRef(BASE + EVENT), SDO.description)
        )


def test_roles_become_direct_links_in_json_ld(scratch):
    page = scratch.get(EVENT).text
    [document] = extruct.extract(page, syntaxes=["json-ld"], uniform=False)["json-ld"]
    assert document["organizer"]["@id"] == BASE + "id/actor/france-mediation"
    assert document["organizer"]["name"] == "France Médiation"
    assert "hasRole" not in json.dumps(document)


def test_a_page_shows_the_first_incoming_links_the_count_and_a_link_to_all(scratch):
    page = scratch.get(THEME).text
    assert f"({LINKS})" in page
    shown = [
        a["href"] for t, a in tags(page) if t == "a" and "/id/event/scratch-" in a.get("href", "")
    ]
    assert 0 < len(shown) == INCOMING_SHOWN < LINKS
    everything = [
        a["href"] for t, a in tags(page) if t == "a" and "incoming-all" in a.get("class", "")
    ]
    assert len(everything) == 1 and "incoming=" in everything[0] and "after=" not in everything[0]
    # The whole list pages by key, PAGE_SIZE links a page.
    first = scratch.get(everything[0].replace("&amp;", "&").lstrip("/"))
    assert first.status_code == 200
    listed = [
        a["href"]
        for t, a in tags(first.text)
        if t == "a" and "/id/event/scratch-" in a.get("href", "")
    ]
    assert len(listed) == PAGE_SIZE
    assert listed[:INCOMING_SHOWN] == shown
    next_links = [a["href"] for t, a in tags(first.text) if t == "a" and a.get("rel") == "next"]
    assert len(next_links) == 1 and "incoming=" in next_links[0] and "after=" in next_links[0]
    second = scratch.get(next_links[0].replace("&amp;", "&").lstrip("/"))
    assert second.status_code == 200
    listed = [
        a["href"]
        for t, a in tags(second.text)
        if t == "a" and "/id/event/scratch-" in a.get("href", "")
    ]
    assert len(listed) == PAGE_SIZE
    assert listed[0].endswith("/id/event/scratch-00041")  # keyed: the page after the first 40


def test_incoming_links_page_by_key_in_rdf(scratch):
    """Following hydra:next from the resource's document visits every link exactly once."""
    theme = URIRef(BASE + THEME)
    response = scratch.get(f"{THEME}.ttl")
    graph = Graph().parse(data=response.content, format="turtle")
    collection = next(
        c
        for c in graph.subjects(RDF.type, HYDRA.Collection)
        if graph.value(graph.value(c, HYDRA.manages), HYDRA.property) == SDO.about
    )
    assert int(graph.value(collection, HYDRA.totalItems)) == LINKS
    seen = list(graph.subjects(SDO.about, theme))
    assert len(seen) == PAGE_SIZE
    view = graph.value(collection, HYDRA.view)
    following = graph.value(view, HYDRA.next)
    pages = 1
    while following is not None:
        assert str(following).startswith(BASE)
        path = str(following)[len(BASE) :]
        response = scratch.get(path, headers={"Accept": "text/turtle"})
        assert response.status_code == 200, path
        page = Graph().parse(data=response.content, format="turtle")
        members = list(page.subjects(SDO.about, theme))
        assert 0 < len(members) <= PAGE_SIZE
        seen += members
        views = list(page.subjects(RDF.type, HYDRA.PartialCollectionView))
        assert len(views) == 1
        following = page.value(views[0], HYDRA.next)
        pages += 1
    assert pages == ceil(LINKS / PAGE_SIZE)
    assert len(seen) == len(set(seen)) == LINKS


def test_an_incoming_page_for_a_property_without_links_is_404(scratch):
    response = scratch.get(
        f"{THEME}?incoming=https%3A%2F%2Fschema.org%2Forganizer", headers={"Accept": "text/plain"}
    )
    assert response.status_code == 404


def test_a_resource_rdf_xml_cannot_write_is_406_not_500(scratch):
    response = scratch.get(f"{ODD}.rdf", headers={"Accept": "text/plain"})
    assert response.status_code == 406
    assert "RDF/XML" in response.text and "Turtle" in response.text
    for suffix in ("ttl", "jsonld", "nt", "html"):
        assert scratch.get(f"{ODD}.{suffix}").status_code == 200, suffix
