"""Venues: the place an event's sentence (or the title) names after « à », « au », « dans »,
headed by a place word and with a name of its own, is the event's place: the known venue when
the data holds it (never minted again), else a new place in the commune the text names.
Sentences of their own, then one of the benchmark's articles (bench/articles/)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import URIRef

from service.ingest.reading.venues import venue_in
from service.ingest.reconcile import Reference, project_reference
from service.ingest.stages import ingest_text
from service.namespaces import RDF, SDO

ID = "https://w3id.org/mediation-sociale/id/"
ARTICLES = Path(__file__).resolve().parents[2] / "bench" / "articles"
ARRAS = URIRef(ID + "place/commune/62041")
LILLE = URIRef(ID + "place/commune/59350")


@pytest.fixture(scope="module")
def reference() -> Reference:
    return Reference([project_reference()])


@pytest.mark.parametrize(
    ("sentence", "name", "town"),
    [
        ("Le forum s'est tenu à la médiathèque Jacques Prévert à Douai.", "Médiathèque Jacques Prévert", "Douai"),
        ("Les équipes se sont retrouvées au Théâtre Municipal de Béthune.", "Théâtre Municipal de Béthune", "Béthune"),
        ("C'est dans la grande salle de l'Espace Jean Ferrat que la rencontre a eu lieu.", "Espace Jean Ferrat", None),
        ("Le colloque se tiendra à l'université Paul-Valéry (UPV), à Montpellier.", "Université Paul-Valéry", "Montpellier"),
        ("La journée a eu lieu au centre social et culturel Nelson Mandela.", "Centre social et culturel Nelson Mandela", None),
    ],
)  # fmt: skip
def test_a_venue_word_with_a_name_after_a_preposition(sentence, name, town):
    venue = venue_in(sentence)
    assert venue is not None
    assert (venue.short or venue.name) == name or venue.name == name
    assert venue.town == town


@pytest.mark.parametrize(
    "sentence",
    [
        "Rendez-vous à la mairie à 18 h.",  # no name of its own
        "La réunion s'est tenue dans la salle polyvalente.",
        "Le centre social a organisé une journée à Arras.",  # no preposition before it
        "Une salle. Paul Martin a ouvert la séance.",  # a sentence's end is no name
    ],
)
def test_no_venue_without_a_name_or_a_preposition(sentence):
    assert venue_in(sentence) is None


def test_a_town_alone_after_a_venue_word_is_no_venue():
    venue = venue_in("La journée a eu lieu au centre de Lille.")
    assert venue is not None and venue.town == "Lille" and not venue.short_named


def draft(reference: Reference, body: str):
    text = f"# Des nouvelles du réseau\n\nPublié le 10/04/2021\n\n{body}\n"
    return ingest_text(text, "article.md", reference=reference, kind="markdown")


def event_of(graph) -> URIRef:
    [event] = graph.subjects(RDF.type, SDO.Event)
    return event


def test_a_new_venue_in_the_commune_the_text_names(reference):
    sentence = (
        "La journée régionale sur la médiation sociale s'est tenue le 12 mars 2021 à la maison "
        "des associations Léo Lagrange (MALL) à Arras."
    )
    run = draft(reference, sentence)
    g = run.draft.graph
    venue = g.value(event_of(g), SDO.location)
    assert str(g.value(venue, SDO.name)) == "Maison des associations Léo Lagrange"
    assert (venue, RDF.type, SDO.Place) in g
    assert str(g.value(venue, SDO.alternateName)) == "MALL"
    assert g.value(venue, SDO.containedInPlace) == ARRAS
    assert sentence in run.draft.evidence[(event_of(g), SDO.location, venue)].sentence


def test_the_known_venue_is_linked_never_minted_again(reference):
    run = draft(
        reference,
        "La journée régionale sur la médiation sociale s'est tenue le 12 mars 2021 à l'Arena "
        "Liévin.",
    )
    g = run.draft.graph
    known = URIRef(ID + "place/arena-lievin")
    assert g.value(event_of(g), SDO.location) == known
    assert [p for p in g.subjects(RDF.type, SDO.Place) if p != known] == []


def test_the_centre_of_a_town_is_the_town(reference):
    run = draft(
        reference,
        "La journée régionale sur la médiation sociale s'est tenue le 12 mars 2021 au centre "
        "de Liévin.",
    )
    g = run.draft.graph
    place = g.value(event_of(g), SDO.location)
    assert not any("centre" in str(n).lower() for n in g.objects(place, SDO.name))


def test_a_venue_in_no_commune_the_text_names_is_to_complete(reference):
    run = draft(
        reference,
        "La journée régionale sur la médiation sociale s'est tenue le 12 mars 2021 à l'espace "
        "Louise Michel.",
    )
    g = run.draft.graph
    venue = g.value(event_of(g), SDO.location)
    assert str(g.value(venue, SDO.name)) == "Espace Louise Michel"
    assert g.value(venue, SDO.containedInPlace) is None
    assert any("Espace Louise Michel" in en and "commune" in en for _, en in run.draft.todo)


def test_the_seminar_at_the_ensam_in_lille(reference):
    # bench 03: « à l'école nationale supérieure d'Arts et Métiers (ENSAM) à Lille »
    path = next(ARTICLES.glob("03-*.txt"))
    title, _, body = path.read_text(encoding="utf-8").partition("\n")
    source = re.search(r'^url = "(.+)"$', path.with_suffix(".toml").read_text(), re.M)[1]
    run = ingest_text(
        f"{title}\n\nSource : {source}\n\n{body}", path.name, reference=reference, kind="text"
    )
    g = run.draft.graph
    venue = g.value(event_of(g), SDO.location)
    assert str(g.value(venue, SDO.name)) == "École nationale supérieure d'Arts et Métiers"
    assert str(g.value(venue, SDO.alternateName)) == "ENSAM"
    assert g.value(venue, SDO.containedInPlace) == LILLE


def test_an_event_named_in_passing_is_held_where_its_clause_says(reference):
    run = draft(
        reference,
        "Dans la suite du forum départemental « Vivre la nuit » qui s'est tenu à l'espace Louise "
        "Michel, la ville invite les habitants à une réunion publique sur la médiation de nuit.",
    )
    g = run.draft.graph
    events = {str(g.value(s, SDO.name)): s for s in g.subjects(RDF.type, SDO.Event)}
    forum = events["Forum départemental « Vivre la nuit »"]
    assert str(g.value(g.value(forum, SDO.location), SDO.name)) == "Espace Louise Michel"
    assert g.value(events["Réunion publique sur la médiation de nuit"], SDO.location) is None
