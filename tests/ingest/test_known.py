"""Known things stay themselves: names, alternate names, acronyms and domains of the actors
the data holds, towns and their homonyms, and the day a second article tells of; a close
name is proposed with its score, never decided."""

from __future__ import annotations

from datetime import date

import pytest
from rdflib import Graph, Literal, URIRef

from service.ingest import Reference, ingest, project_reference
from service.ingest.known import Known, acronym_of, domain_key
from service.namespaces import MED, RDF, SDO, XSD

ID = "https://w3id.org/mediation-sociale/id/"
EVENT = URIRef(ID + "event/2019-12-04-journee-regionale-lievin")
FRANCE_MEDIATION = URIRef(ID + "actor/france-mediation")
PREFECTURE = URIRef(ID + "actor/prefecture-pas-de-calais")


@pytest.fixture(scope="module")
def known() -> Known:
    return Known(Reference([project_reference()]))


@pytest.mark.parametrize(
    "written, iri, why",
    [
        ("France Médiation", FRANCE_MEDIATION, "name"),
        ("FRANCE MEDIATION", FRANCE_MEDIATION, "name"),
        ("francemediation.fr", FRANCE_MEDIATION, "domain"),  # never an actor named after it
        ("www.francemediation.fr", FRANCE_MEDIATION, "domain"),
        ("Préfet Pas-de-Calais", PREFECTURE, "name"),  # a prefect for his prefecture
        ("pas-de-calais.gouv.fr", PREFECTURE, "domain"),  # a département's State site
        ("la préfecture du Pas-de-Calais", PREFECTURE, "name"),
        ("Préfet Pas-de-Calais [62]", PREFECTURE, "alternate-name"),
        ("Lille Sud Insertion", URIRef(ID + "actor/lille-sud-insertion"), "name"),
    ],
)
def test_known_actor_by_name_alternate_name_or_domain(known, written, iri, why):
    found = known.actor(written)
    assert (found.iri, found.why) == (iri, why)


def test_acronym_of_a_known_name():
    graph = Graph()
    amct = URIRef(ID + "actor/amct")
    graph.add((amct, RDF.type, SDO.Organization))
    graph.add(
        (amct, SDO.name, Literal("Association des médiateurs des collectivités territoriales"))
    )
    found = Known(Reference([graph])).actor("AMCT")
    assert (found.iri, found.why) == (amct, "acronym")
    assert acronym_of("Agence nationale de la cohésion des territoires") == "anct"
    assert domain_key("https://www.france-mediation.fr/") == "francemediation"
    assert domain_key("France Médiation") is None


def test_a_close_name_is_proposed_not_decided(known):
    found = known.actor("France Mediations")
    assert found.iri is None
    assert found.candidates[0].iri == FRANCE_MEDIATION
    assert 0.8 <= found.candidates[0].score < 1
    loose = known.actor("Collectif des médiateurs d'Arras")
    assert loose.iri is None and loose.candidates[0].iri == URIRef(
        ID + "actor/collectif-mediateurs-arras"
    )
    assert known.actor("Médiation").candidates == []  # one shared word is no resemblance


def test_homonym_towns_told_apart_by_the_departement_named(homonym_towns):
    known = Known(Reference([homonym_towns]))
    assert known.place("Saint-Denis", ["Seine-Saint-Denis"]).iri == URIRef(
        f"{ID}place/commune/93066"
    )
    assert known.place("Saint-Denis", ["La Réunion"]).why == "homonym-resolved"
    unsure = known.place("Saint-Denis", [])
    assert unsure.iri is None and len(unsure.candidates) == 2


def test_the_known_day_in_its_town_and_its_venue(known):
    lievin = known.place("Liévin", []).iri
    assert known.event(date(2019, 12, 4), lievin).iri == EVENT
    assert known.location_of(EVENT) == URIRef(ID + "place/arena-lievin")


# A second article about the Liévin day, on France Médiation's site, in the export's layout:
# the day is written without its year, the organiser's name is France Médiation's.
SECOND = """Ce mercredi 4 décembre, la journée régionale de la médiation sociale s'est tenue à Liévin, organisée par France Médiation avec le soutien de l'ANCT. Elle a réuni plus de 200 personnes.

Publié le 10 décembre 2019

**URL de la source (modifié le 10/12/2019 - 10:00):** <https://www.francemediation.fr/retour-sur-la-journee-de-lievin>
"""


def test_a_second_article_links_to_the_known_day(tmp_path):
    path = tmp_path / "second.txt"
    path.write_text(SECOND, encoding="utf-8")
    result = ingest(path, reference=Reference([project_reference()]), today=date(2026, 11, 28))
    g = result.draft.graph
    article = result.draft.article
    assert g.value(article, SDO.about) == EVENT  # the existing day, by its date and town
    assert g.value(EVENT, SDO.location) == URIRef(ID + "place/arena-lievin")
    assert g.value(EVENT, SDO.startDate) == Literal("2019-12-04", datatype=XSD.date)
    assert g.value(article, SDO.publisher) == FRANCE_MEDIATION  # by its site's domain
    assert g.value(EVENT, SDO.organizer) == FRANCE_MEDIATION
    minted = {iri for _, _, iri in result.draft.minted}
    assert not any("francemediation" in iri or "/place/" in iri for iri in minted)
    # The year was guessed (a Wednesday 4 December, before publication): said in a note.
    notes = [n for n in g.subjects(RDF.type, MED.DataQualityNote) if (n, SDO.about, EVENT) in g]
    assert any("2019" in str(g.value(n, MED.retainedValue)) for n in notes)
    # « avec le soutien de » read as a partnership, loosely: a lower confidence and a note.
    support = next(s for s in g.subjects(RDF.predicate, SDO.sponsor))
    assert float(g.value(support, MED.confidence)) < 0.6
    assert result.conforms, result.report.to_text("en")


def test_an_event_dated_to_a_month_is_drafted_with_its_month_never_a_day(tmp_path):
    """A month is not a day: the event is drafted with its partial date, never a day made up."""
    path = tmp_path / "marseille.txt"
    path.write_text(
        SECOND.replace(
            "Ce mercredi 4 décembre, la journée régionale de la médiation sociale s'est tenue à Liévin",
            "En juin 2019, une journée régionale de la médiation sociale s'est tenue à Marseille",
        ),
        encoding="utf-8",
    )
    result = ingest(path, reference=Reference([project_reference()]), today=date(2026, 11, 28))
    g = result.draft.graph
    [event] = g.subjects(RDF.type, SDO.Event)
    assert list(g.objects(event, SDO.startDate)) == [Literal("2019-06", datatype=XSD.gYearMonth)]
    assert (event, SDO.endDate, None) not in g
    assert not [v for v in result.report.violations if v.focus == event]
