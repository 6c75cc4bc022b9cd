"""The running text's facts in the draft: an event known by a month or a year keeps that
partial date (with a note when its year is guessed), the parts of a day are drafted as its
sub-events, and a role goes on the part its sentence is about."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from service.ingest.reconcile import Reference, project_reference
from service.ingest.stages import ingest_text
from service.namespaces import MED, RDF, SDO, XSD

ID = "https://w3id.org/mediation-sociale/id/"


@pytest.fixture(scope="module")
def reference() -> Reference:
    return Reference([project_reference()])


def draft(reference: Reference, body: str, published: str = "22/07/2020"):
    text = f"# Retour sur la journée\n\nPublié le {published}\n\n{body}\n"
    return ingest_text(text, "article.md", reference=reference, kind="markdown")


def starts(graph) -> dict[URIRef, Literal]:
    return {s: o for s, o in graph.subject_objects(SDO.startDate)}


def test_a_month_without_its_year_is_drafted_as_a_month_with_a_note(reference):
    # francemediation.fr/se-rencontrer-pour-agir writes « à Marseille, en juin »
    run = draft(
        reference,
        "En juin, la journée régionale de la médiation sociale s'est tenue à Marseille, à "
        "l'initiative de France Médiation.",
    )
    g = run.draft.graph
    [(event, start)] = starts(g).items()
    assert start == Literal("2020-06", datatype=XSD.gYearMonth)
    assert (event, SDO.endDate, None) not in g  # a « journée » of an unknown day: no end made up
    notes = [n for n in g.subjects(SDO.about, event) if (n, None, MED.DataQualityNote) in g]
    assert any(
        "2020" in str(t) and "devin" in str(t) for n in notes for t in g.objects(n, SDO.text)
    )
    assert not [v for v in run.report.violations if v.path in (SDO.startDate, SDO.endDate)]


def test_a_span_of_months_keeps_both_months(reference):
    run = draft(
        reference,
        "Entre juin et décembre 2019, la formation des médiateurs a eu lieu à Liévin, à "
        "l'initiative de France Médiation.",
    )
    g = run.draft.graph
    [(event, start)] = starts(g).items()
    assert start == Literal("2019-06", datatype=XSD.gYearMonth)
    assert g.value(event, SDO.endDate) == Literal("2019-12", datatype=XSD.gYearMonth)
    notes = [n for n in g.subjects(SDO.about, event) if (n, None, MED.DataQualityNote) in g]
    assert notes == []  # the year is written: nothing guessed
    assert not [v for v in run.report.violations if v.path in (SDO.startDate, SDO.endDate)]


def test_a_year_alone_is_a_year(reference):
    # nord.gouv.fr: « une restitution nationale aura lieu courant 2020 lors d'un temps fort à Paris »
    run = draft(reference, "Le séminaire national des médiateurs aura lieu courant 2021 à Lille.")
    [start] = starts(run.draft.graph).values()
    assert start == Literal("2021", datatype=XSD.gYear)


def test_an_event_known_by_its_year_is_the_known_one_not_minted_again(reference):
    # nord.gouv.fr, retour sur la journée régionale du 4 décembre 2019 à Liévin
    run = draft(
        reference,
        "Cette rencontre s’inscrit dans une série d’évènements prévus sur tout le territoire, "
        "dont une restitution nationale aura lieu courant 2020 lors d’un temps fort à Paris.",
        published="10/12/2019",
    )
    known = URIRef(ID + "event/2020-restitution-journees-regionales")
    assert starts(run.draft.graph) == {known: Literal("2020", datatype=XSD.gYear)}
    assert not [iri for kind, _, iri in run.draft.minted if kind == "event"]


def test_a_person_the_text_names_is_drafted_as_a_person(reference):
    # francemediation.fr/les-webinaires-france-mediation-et-anct
    run = draft(
        reference,
        "France Médiation a organisé une série de webinaires en partenariat avec l'ANCT.\n\n"
        "29 février 2024 - Médiation sociale en milieu scolaire\n\n"
        "Ce webinaire, animé par France Médiation et l’ANCT, a abordé le rôle essentiel des "
        "médiateurs sociaux dans la prévention des violences en milieu scolaire.\n\n"
        "La session a débuté par une introduction avant de proposer un apport théorique, présenté "
        "par Yoan Mieyaa (enseignant-chercheur) et Guillaume De Chazournes (Fédération Léo "
        "Lagrange).",
        published="01/03/2024",
    )
    g = run.draft.graph
    for name in ("yoan-mieyaa", "guillaume-de-chazournes"):
        actor = URIRef(ID + "actor/" + name)
        assert (actor, RDF.type, SDO.Person) in g
        assert (actor, RDF.type, SDO.Organization) not in g
