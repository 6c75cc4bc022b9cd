"""Who an article names, as the draft writes them: its publisher (a known site, a site's
name, never an actor named after a domain), the organiser a role's sentence gives (a
person when the reader of names says so), the organisations and places its sentences
name. Each rule with a sentence of its own; the benchmark's articles fact by fact."""

from __future__ import annotations

from datetime import date

import pytest
from rdflib import URIRef

from service.ingest import Reference, ingest_text, project_reference
from service.ingest.reading import read_any
from service.namespaces import RDF, SDO

ID = "https://w3id.org/mediation-sociale/id/"
FRANCE_MEDIATION = URIRef(ID + "actor/france-mediation")

BODY = (
    "Le 12 mars 2024 à Lille s'est tenue une journée d'échanges sur la médiation sociale, "
    "organisée par France Médiation. Elle a réuni 80 personnes."
)


@pytest.fixture(scope="module")
def reference() -> Reference:
    return Reference([project_reference()])


def draft_of(text: str, reference: Reference):
    return ingest_text(text, "a.txt", reference=reference, kind="text", today=date(2026, 12, 6))


def names(graph, node) -> set[str]:
    return {str(n) for n in graph.objects(node, SDO.name)}


def test_an_unknown_site_without_a_name_is_a_publisher_to_complete(reference):
    text = f"Une journée à Lille\n\nSource : https://www.mediateurs-du-nord.example/une-journee\n\n{BODY}"
    result = draft_of(text, reference)
    g, article = result.draft.graph, result.draft.article
    assert g.value(article, SDO.publisher) is None  # never an actor named after a domain
    actors = set(g.subjects(RDF.type, SDO.Organization)) | set(g.subjects(RDF.type, SDO.Person))
    assert not [a for a in actors if "mediateurs-du-nord" in str(a) + " ".join(names(g, a))]
    assert any(
        "mediateurs-du-nord.example" in fr and "compléter" in fr for fr, _ in result.draft.todo
    )


def test_a_site_s_name_names_its_unknown_publisher(reference):
    text = (
        "Une journée à Lille\n\nSource : https://www.mediateurs-du-nord.example/une-journee\n\n"
        f"Site : Les Médiateurs du Nord\n\n{BODY}"
    )
    result = draft_of(text, reference)
    g, article = result.draft.graph, result.draft.article
    publisher = g.value(article, SDO.publisher)
    assert names(g, publisher) == {"Les Médiateurs du Nord"}
    assert (publisher, RDF.type, SDO.Organization) in g
    assert g.value(publisher, SDO.url) == URIRef("https://mediateurs-du-nord.example")
    assert "Site" not in result.draft.extracted.text.plain  # a page's field, not its text


def test_a_site_s_name_of_a_known_actor_is_that_actor(reference):
    text = (
        "Une journée à Lille\n\nSource : https://www.mediation-nationale.example/une-journee\n\n"
        f"Site : France Médiation\n\n{BODY}"
    )
    result = draft_of(text, reference)
    assert result.draft.graph.value(result.draft.article, SDO.publisher) == FRANCE_MEDIATION
    assert not [iri for kind, _, iri in result.draft.minted if kind == "publisher"]


def test_a_saved_page_s_title_gives_its_site_s_name():
    page = (
        "<html lang='fr'><head><title>Une journée à Lille | Les Médiateurs du Nord</title></head>"
        f"<body><article><h1>Une journée à Lille</h1><p>{BODY}</p><p>{BODY}</p></article></body></html>"
    )
    found = read_any(page, "page.html")
    assert found.site_name == "Les Médiateurs du Nord"
    assert found.title == "Une journée à Lille"


def test_an_organiser_the_reader_of_names_calls_a_person_is_a_person(reference):
    text = (
        "Un congrès à Nantes\n\nSource : https://www.francemediation.fr/congres\n\n"
        "Le 14 mai 2024 à Nantes s'est tenu le congrès des médiateurs, à l'initiative de "
        "Marianne Lefèvre, présidente de l'association. Il a réuni 300 personnes."
    )
    g = draft_of(text, reference).draft.graph
    organisers = list(g.subject_objects(SDO.organizer))
    assert len(organisers) == 1
    organiser = organisers[0][1]
    assert names(g, organiser) == {"Marianne Lefèvre"}
    assert (organiser, RDF.type, SDO.Person) in g
    assert (organiser, RDF.type, SDO.Organization) not in g
