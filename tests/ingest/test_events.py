"""Events in running text beyond « s'est tenue » and a full date: the title read with the text,
a day dated by its weekday among the years the text writes, more kinds of events, a heading
that names an event and the date line under it, what « cette rencontre » refers to; and in
the draft, the other events an article names: the known one of a town and a month, an
undated one drafted without a date made up. Sentences of their own, then three of the
benchmark's articles (bench/articles/) fact by fact."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from service.ingest.reading import read_any
from service.ingest.reading.facts import read_facts
from service.ingest.reading.when import read_dates
from service.ingest.reconcile import Reference, project_reference
from service.ingest.stages import ingest_text
from service.namespaces import MED, RDF, SDO, XSD

ID = "https://w3id.org/mediation-sociale/id/"
ARTICLES = Path(__file__).resolve().parents[2] / "bench" / "articles"


@pytest.fixture(scope="module")
def reference() -> Reference:
    return Reference([project_reference()])


def kinds(facts) -> list[tuple[str, str | None, bool]]:
    return [(e.kind.slug, e.when.value if e.when else None, e.series) for e in facts.events]


def notes_about(graph, node) -> list[str]:
    return [
        str(text)
        for note in graph.subjects(SDO.about, node)
        if (note, RDF.type, MED.DataQualityNote) in graph
        for text in graph.objects(note, SDO.text)
    ]


# -- dates ---------------------------------------------------------------------------------------


def test_a_weekday_picks_the_one_year_the_text_writes_that_fits():
    # 14 March is a Tuesday in 2023, a Monday in 2016: the text's years, no publication date
    [when] = read_dates(
        "La réunion a eu lieu ce mardi 14 mars à Arras.", None, text_years=(2016, 2023)
    )
    assert when.value == "2023-03-14"
    assert when.confidence < 0.85 and [d.key for d in when.doubts] == ["year-guessed"]
    assert "2023" in when.doubts[0].fr and "semaine" in when.doubts[0].fr


def test_no_year_when_two_of_the_text_s_years_fit_or_none_is_written():
    # 14 March 2017 and 14 March 2023 are both Tuesdays: which one is not said
    assert read_dates("ce mardi 14 mars à Arras", None, text_years=(2017, 2023)) == []
    assert read_dates("ce mardi 14 mars à Arras", None) == []
    assert read_dates("le 14 mars à Arras", None, text_years=(2023,)) == []  # no weekday


def test_a_year_in_a_name_is_no_time_the_text_gives():
    text = (
        "Près de 90 médiateurs se sont retrouvés ce mardi 14 mars à Arras pour un séminaire.\n\n"
        "Le programme Territoires 2017 a été présenté, et les actions menées en 2023 aussi."
    )
    [event] = read_facts(text, None).events
    assert event.when.value == "2023-03-14"  # « Territoires 2017 » is a name: 2023 alone fits


# -- kinds, headings, references -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "slug"),
    [
        (
            "Le 3 juin 2022, le rassemblement des médiateurs scolaires a eu lieu à Lens.",
            "rassemblement",
        ),
        ("Une réunion publique s'est tenue le 5 avril 2023 à Douai.", "reunion-publique"),
        ("La réunion d'information aura lieu le 12 mai 2023 à Béthune.", "reunion-publique"),
        (
            "Les Journées européennes de la médiation se sont tenues le 9 mai 2022 à Lyon.",
            "journee",
        ),
        ("Une journée départementale s'est tenue le 2 février 2021 à Laon.", "journee"),
        (
            "L'université d'été des médiateurs aura lieu le 4 juillet 2023 à Rennes.",
            "universite-d-ete",
        ),
        ("Une visioconférence a été organisée le 8 mars 2021 avec les adhérents.", "webinaire"),
    ],
)
def test_kinds_of_events(sentence, slug):
    [event] = read_facts(sentence, None).events
    assert event.kind.slug == slug and event.when is not None


def test_a_team_s_meeting_is_no_event():
    assert read_facts("Une réunion d'équipe a eu lieu le 5 avril 2023.", None).events == []


def test_a_heading_names_an_event_and_the_line_under_it_dates_it():
    text = (
        "Atelier - Les écrans et les familles\n\n"
        "Mardi 14 mars, de 9h à 12h\n\n"
        "Au premier semestre 2023, la maison de quartier accueille les parents."
    )
    [event] = read_facts(text, None).events
    assert event.kind.slug == "atelier" and event.title == "Atelier - Les écrans et les familles"
    assert event.when.value == "2023-03-14" and event.doubts  # the year is the text's, guessed
    assert "Mardi 14 mars" in event.also[0].text


def test_a_plural_heading_is_a_series_by_its_title():
    text = (
        "Les webinaires du réseau des médiateurs\n\n"
        "Le réseau a organisé une série de webinaires avec ses adhérents en 2021."
    )
    [series] = read_facts(text, None).events
    assert series.series and series.title == "Les webinaires du réseau des médiateurs"


def test_cette_rencontre_is_the_event_described_not_one_named_in_passing():
    text = (
        "Retour sur le forum des médiateurs du 3 mars 2023 à Lens.\n\n"
        "Cette rencontre, ouverte aux habitants, annonçait un colloque qui aura lieu courant 2024.\n\n"
        "Intitulée « Habiter ensemble », cette rencontre a réuni 120 personnes."
    )
    facts = read_facts(text, None)
    assert kinds(facts) == [("forum", "2023-03-03", False), ("colloque", "2024", False)]
    forum = facts.events[0]
    assert forum.title == "Habiter ensemble" and forum.count.value == 120


def test_an_article_before_another_kind_names_a_new_event():
    text = "Retour sur la journée du 3 mars 2023.\n\nLe séminaire des directions aura lieu en 2024."
    assert kinds(read_facts(text, None)) == [
        ("journee", "2023-03-03", False),
        ("seminaire", "2024", False),
    ]


def test_an_undated_mention_and_the_dated_one_are_one_event():
    text = (
        "Le rassemblement des jeunes médiateurs s'est tenu le 3 juin 2022 à Lens.\n\n"
        "C'est dans la salle des fêtes que s'est tenu le rassemblement, grâce à la ville."
    )
    facts = read_facts(text, None)
    assert kinds(facts) == [("rassemblement", "2022-06-03", False)]
    assert len(facts.events[0].also) == 1


def test_the_title_is_read_with_the_text():
    found = read_any(
        "Retour sur le forum des médiateurs du 3 mars 2023 à Lens\n\n"
        "Les médiateurs y ont présenté leurs actions.\n",
        "forum.txt",
        kind="text",
    )
    assert found.title == "Retour sur le forum des médiateurs du 3 mars 2023 à Lens"
    [event] = found.facts.events
    assert event.when.value == "2023-03-03" and event.place == "Lens"
    assert found.text.plain.startswith(found.title)  # the evidence is in the text reviewed


# -- the draft -----------------------------------------------------------------------------------


def draft(reference: Reference, body: str, published: str | None = "10/01/2020"):
    said = f"Publié le {published}\n\n" if published else ""
    text = f"# Des nouvelles du réseau\n\n{said}{body}\n"
    return ingest_text(text, "article.md", reference=reference, kind="markdown")


def test_a_month_s_event_at_a_town_is_the_known_one_there(reference):
    run = draft(
        reference,
        "Le 4 décembre 2019 à Liévin s'est tenue la journée régionale sur la médiation sociale. "
        "Les médiateurs de l'Aisne avaient eu leur journée régionale à Saint-Quentin en novembre.",
    )
    g = run.draft.graph
    known = URIRef(ID + "event/2019-11-19-journee-regionale-saint-quentin")
    assert (run.draft.article, SDO.mentions, known) in g
    # described as the data holds it: its day stays the data's, no month added beside it
    assert list(g.objects(known, SDO.startDate)) == [Literal("2019-11-19", datatype=XSD.date)]
    assert not [s for s in g.subjects(RDF.type, SDO.Event) if "2019-11-journee" in str(s)]
    assert any("Saint-Quentin" in en and "to confirm" in en for _, en in run.draft.todo)


def test_a_month_s_event_where_the_data_holds_none_is_drafted_with_its_month(reference):
    run = draft(
        reference,
        "Le 4 décembre 2019 à Liévin s'est tenue la journée régionale sur la médiation sociale. "
        "Une autre journée régionale s'est tenue à Marseille en juin.",
    )
    g = run.draft.graph
    [other] = [s for s in g.subjects(RDF.type, SDO.Event) if "marseille" in str(s)]
    assert g.value(other, SDO.startDate) == Literal("2019-06", datatype=XSD.gYearMonth)
    assert (run.draft.article, SDO.mentions, other) in g


def test_an_event_named_and_dated_nowhere_is_drafted_without_a_date(reference):
    run = draft(
        reference,
        "Dans la suite du forum départemental « Vivre la nuit » qui s'est tenu à la salle des "
        "fêtes, la ville invite les habitants à une réunion publique sur la médiation de nuit.",
        published=None,
    )
    g = run.draft.graph
    events = {str(g.value(s, SDO.name)): s for s in g.subjects(RDF.type, SDO.Event)}
    assert set(events) == {
        "Forum départemental « Vivre la nuit »",
        "Réunion publique sur la médiation de nuit",
    }
    for node in events.values():
        assert g.value(node, SDO.startDate) is None  # none made up
        assert (run.draft.article, SDO.mentions, node) in g
    assert sum("no date for it" in en for _, en in run.draft.todo) == 2


def test_a_kind_alone_is_not_drafted(reference):
    run = draft(reference, "La journée a permis de nombreux échanges entre les médiateurs.")
    assert list(run.draft.graph.subjects(RDF.type, SDO.Event)) == []


# -- articles of the benchmark, fact by fact -----------------------------------------------------


def bench_article(reference: Reference, stem: str, published: str | None = None):
    """The benchmark's article as a curator pastes it: its title line, its address, its text."""
    path = next(ARTICLES.glob(f"{stem}*.txt"))
    title, _, body = path.read_text(encoding="utf-8").partition("\n")
    source = re.search(r'^url = "(.+)"$', path.with_suffix(".toml").read_text(), re.M)[1]
    said = [f"Source : {source}"] + ([f"Publié le {published}"] if published else [])
    text = "\n\n".join([title, *said, body.lstrip("\n")])
    return ingest_text(text, path.name, reference=reference, kind="text")


def test_a_seminar_dated_by_its_weekday_among_the_text_s_years(reference):
    # « ce vendredi 11 octobre », no publication date; « le premier semestre 2024 » and « en
    # 2016 » are the years written: 11 October is a Friday in 2024 only
    run = bench_article(reference, "03-")
    g = run.draft.graph
    [seminar] = g.subjects(RDF.type, SDO.Event)
    assert g.value(seminar, SDO.startDate) == Literal("2024-10-11", datatype=XSD.date)
    assert any("2024" in n and "devinée" in n for n in notes_about(g, seminar))


def test_a_webinar_dated_by_the_line_under_its_heading(reference):
    # « Webinaire - Présentation du rapport … » then « Jeudi 19 mai, de 14h à 15h30 »; the
    # page's « date 2022-05 » is the only year: 19 May 2022 is a Thursday
    run = bench_article(reference, "06-")
    g = run.draft.graph
    [webinar] = g.subjects(RDF.type, SDO.Event)
    assert g.value(webinar, SDO.startDate) == Literal("2022-05-19", datatype=XSD.date)
    assert str(g.value(webinar, SDO.name)).startswith("Webinaire - Présentation du rapport")
    assert notes_about(g, webinar)  # the year is guessed, and said


def test_a_forum_and_a_public_meeting_with_no_year_anywhere(reference):
    # « vendredi 13 décembre » and no year in the page: the meeting is drafted undated
    run = bench_article(reference, "10-")
    g = run.draft.graph
    names = sorted(str(g.value(s, SDO.name)) for s in g.subjects(RDF.type, SDO.Event))
    assert names == [
        "Forum départemental « La nuit nous appartient »",
        "Réunion publique sur la médiation sociale de nuit",
    ]
    assert list(g.subjects(SDO.startDate, None)) == []


def test_the_cycle_s_day_of_november_is_the_known_saint_quentin_day(reference):
    run = bench_article(reference, "01-", published="22/07/2020")
    g = run.draft.graph
    series = URIRef(ID + "event/journees-regionales-france-mediation")
    saint_quentin = URIRef(ID + "event/2019-11-19-journee-regionale-saint-quentin")
    assert (saint_quentin, SDO.superEvent, series) in g
    assert g.value(series, SDO.startDate) == Literal("2019-06", datatype=XSD.gYearMonth)
    assert g.value(series, SDO.endDate) == Literal("2019-12", datatype=XSD.gYearMonth)
    assert (series, RDF.type, SDO.EventSeries) in g
    minted = [iri for _, _, iri in run.draft.minted if "saint-quentin" in str(iri)]
    assert minted == []


# -- series, parts, headings of paragraphs -------------------------------------------------------


def test_a_restitution_given_at_a_highlight():
    text = "La réflexion du réseau sera restituée lors d'un temps fort de l'association en 2024."
    [event] = read_facts(text, None).events
    assert (event.kind.slug, event.when.value) == ("restitution", "2024")


def test_a_day_s_parts_named_without_a_date_are_on_that_day():
    text = (
        "Le 3 mars 2023 à Lens s'est tenue la journée des médiateurs.\n\n"
        "L'après-midi était consacrée à des tables rondes sur l'emploi."
    )
    day, rounds = read_facts(text, None).events
    assert rounds.kind.slug == "table-ronde" and rounds.parent == 0
    assert rounds.when == day.when and rounds.name_words == "tables rondes sur l'emploi"


def test_a_part_of_several_days_is_not_given_one_of_them():
    text = (
        "Du 5 au 7 mars 2023 à Lyon, le congrès des médiations a réuni 500 personnes.\n\n"
        "Le réseau a participé à la conférence « Habiter la ville », très suivie."
    )
    congress, conference = read_facts(text, None).events
    assert conference.parent == 0 and conference.title == "Habiter la ville"
    assert conference.when is None  # which of the three days is not said


def test_a_dated_line_heads_its_paragraph_and_a_caption_heads_nothing():
    text = (
        "Les forums de la médiation\n\n"
        "3 mars 2022 - Photo : le forum de Lens\n\n"
        "Les forums de la médiation se tiennent chaque printemps.\n\n"
        "14 ET 15 MAI 2023 - Habiter ensemble\n\n"
        "Le forum de Douai en a montré toute la richesse."
    )
    facts = read_facts(text, None)
    assert kinds(facts) == [("forum", None, True), ("forum", "2023-05-14", False)]
    member = facts.events[1]
    assert member.parent == 0 and member.when.end_value == "2023-05-15"
    assert member.title == "Habiter ensemble" and member.name_words == "forum de Douai"


def test_a_series_named_by_its_title_is_drafted_for_the_curator(reference):
    run = draft(
        reference,
        "Les rencontres du réseau des médiateurs\n\n"
        "Le réseau organise une série de rencontres avec ses adhérents.\n\n"
        "12 mai 2023 - La médiation à l'école\n\n"
        "Cette rencontre, animée par le réseau, a réuni 40 personnes.",
        published=None,
    )
    g = run.draft.graph
    [series] = g.subjects(RDF.type, SDO.EventSeries)
    assert str(g.value(series, SDO.name)) == "Les rencontres du réseau des médiateurs"
    [event] = g.subjects(SDO.superEvent, series)
    assert (series, SDO.subEvent, event) in g
    assert g.value(event, SDO.startDate) == Literal("2023-05-12", datatype=XSD.date)
    assert any(
        "Les rencontres du réseau" in en and "another name" in en for _, en in run.draft.todo
    )


def test_an_unnamed_series_is_not_drafted(reference):
    run = draft(
        reference,
        "Le réseau organise une série de rencontres avec ses adhérents.\n\n"
        "12 mai 2023 - La médiation à l'école\n\n"
        "Cette rencontre, animée par le réseau, a réuni 40 personnes.",
        published=None,
    )
    assert list(run.draft.graph.subjects(RDF.type, SDO.EventSeries)) == []


def test_the_european_days_under_their_series_title(reference):
    # « 9 ET 10 OCTOBRE 2019 - … » heads the paragraph naming « Les Journées européennes de
    # la médiation sociale de Paris »; « Conférence d'ouverture » is a part of those two days
    run = bench_article(reference, "09-")
    g = run.draft.graph
    [series] = g.subjects(RDF.type, SDO.EventSeries)
    [days] = g.subjects(SDO.superEvent, series)
    assert g.value(days, SDO.startDate) == Literal("2019-10-09", datatype=XSD.date)
    assert g.value(days, SDO.endDate) == Literal("2019-10-10", datatype=XSD.date)
    [opening] = g.subjects(SDO.superEvent, days)
    assert "ouverture" in str(g.value(opening, SDO.name))
    assert g.value(opening, SDO.startDate) is None and opening in run.draft.undated
    assert run.incomplete  # what the page does not say is to complete, the draft is written


def test_the_morning_a_sentence_describes_is_a_part_of_the_day():
    text = (
        "Le 3 mars 2023 à Lens s'est tenue la journée des médiateurs.\n\n"
        "La matinée a été consacrée aux témoignages des habitants."
    )
    day, morning = read_facts(text, None).events
    assert (morning.kind.slug, morning.parent, morning.when) == ("pleniere", 0, day.when)


def test_a_numbered_event_is_one_of_a_series_of_its_name(reference):
    text = "Le 5e forum des médiateurs de l'Artois s'est tenu le 3 juin 2022 à Lens."
    series, forum = read_facts(text, None).events
    assert series.series and series.title == "Forum des médiateurs de l'Artois"
    assert forum.parent == 0 and forum.when.value == "2022-06-03"
    g = draft(reference, text).draft.graph
    [node] = g.subjects(RDF.type, SDO.EventSeries)
    assert (next(g.subjects(RDF.type, SDO.Event)), SDO.superEvent, node) in g


def test_the_article_s_own_event_of_a_month_at_a_town_is_the_known_one(reference):
    run = draft(
        reference,
        "En novembre 2019, une journée régionale s'est tenue à Saint-Quentin, à l'initiative "
        "de France Médiation.",
    )
    g = run.draft.graph
    known = URIRef(ID + "event/2019-11-19-journee-regionale-saint-quentin")
    assert (run.draft.article, SDO.about, known) in g
    assert list(g.objects(known, SDO.startDate)) == [Literal("2019-11-19", datatype=XSD.date)]
    assert [iri for kind, _, iri in run.draft.minted if kind == "event"] == []


def test_a_known_day_said_one_of_a_series_is_in_the_series_the_data_holds(reference):
    run = draft(
        reference,
        "Le 4 décembre 2019 à Liévin s'est tenue la journée régionale sur la médiation sociale. "
        "Cette journée s'inscrit dans un cycle de rencontres menées dans toute la France.",
    )
    g = run.draft.graph
    day = URIRef(ID + "event/2019-12-04-journee-regionale-lievin")
    series = URIRef(ID + "event/journees-regionales-france-mediation")
    assert (day, SDO.superEvent, series) in g and (series, SDO.subEvent, day) in g
    assert (series, RDF.type, SDO.EventSeries) in g  # described as the data holds it
    assert (day, SDO.superEvent, series) in run.draft.evidence


def test_people_gathered_in_the_plural_are_a_count():
    text = "90 personnes étaient réunies ce mardi 14 mars 2023 à Arras pour un séminaire."
    [event] = read_facts(text, None).events
    assert event.count is not None and event.count.value == 90
