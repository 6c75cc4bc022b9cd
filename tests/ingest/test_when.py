"""Dates in running text, read against the publication date: one rule per case, each with
a sentence from a real page of the field (its address in the comment)."""

from __future__ import annotations

from datetime import date, time

import pytest

from service.ingest.reading.when import read_dates, tense_of


def only(sentence: str, published: date | None):
    found = read_dates(sentence, published)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    "sentence, published, value, end, confidence, doubts",
    [
        # irev.fr, the seed: a full date is taken as written, sure.
        (
            "Le 4 décembre 2019 à Liévin, s'est tenue la deuxième journée régionale",
            date(2019, 12, 13),
            "2019-12-04",
            None,
            0.95,
            [],
        ),
        # the seed's lead: no year, the nearest 4 December before or after publication.
        (
            "Le 4 décembre, France médiation invitait les professionnels de la médiation",
            date(2019, 12, 13),
            "2019-12-04",
            None,
            0.6,
            ["year-guessed"],
        ),
        # francemediation.fr, MEDIATIONS2020 (published 15 June 2020): « dernier » is before.
        (
            "Du 5 au 7 février dernier à Angers, France Médiation a représenté le secteur",
            date(2020, 6, 15),
            "2020-02-05",
            "2020-02-07",
            0.75,
            ["year-guessed"],
        ),
        # cybertraveler.org, symposium 2021: « les 14 et 15 octobre derniers ».
        (
            "Les 14 et 15 octobre derniers s'est tenue la 6e édition du Symposium",
            date(2021, 11, 2),
            "2021-10-14",
            "2021-10-15",
            0.75,
            ["year-guessed"],
        ),
        # francemediation.fr, se-rencontrer-pour-agir: a span of months is partial.
        (
            "Entre juin et décembre 2019, France Médiation et ses adhérents ont rassemblé plus de 600 acteurs",
            date(2020, 7, 22),
            "2019-06",
            "2019-12",
            0.95,
            [],
        ),
        # nord.gouv.fr: « courant 2020 » is a year, nothing more.
        (
            "une restitution nationale aura lieu courant 2020 lors d'un temps fort à Paris",
            date(2019, 12, 20),
            "2020",
            None,
            0.95,
            [],
        ),
        # alpes-maritimes.gouv.fr: the weekday agrees with the date.
        (
            "une rencontre professionnelle a été organisée par l'association P@JE et France Médiation, jeudi 30 octobre 2014",
            date(2014, 11, 3),
            "2014-10-30",
            None,
            0.95,
            [],
        ),
    ],
)
def test_date_rules(sentence, published, value, end, confidence, doubts):
    when = only(sentence, published)
    assert (when.value, when.end_value, when.confidence) == (value, end, confidence)
    assert [doubt.key for doubt in when.doubts] == doubts
    assert sentence[when.offset :].startswith(when.written)


@pytest.mark.parametrize(
    "published, year",
    [(date(2019, 10, 14), 2019), (date(2020, 1, 5), 2019), (date(2024, 9, 30), 2024)],
)
def test_weekday_chooses_the_year(published, year):
    """« ce vendredi 11 octobre »: 11 October was a Friday in 2019 and 2024, not in 2020."""
    when = only("Ce vendredi 11 octobre, les médiateurs se sont réunis à la préfecture", published)
    assert when.start == date(year, 10, 11)
    assert when.start.weekday() == 4
    assert when.confidence == 0.85
    assert "devinée" in when.doubts[0].fr and "guessed" in when.doubts[0].en


def test_weekday_that_contradicts_the_date_lowers_confidence_and_says_so():
    when = only("vendredi 30 octobre 2014, au Centre Universitaire Méditerranéen à Nice", None)
    assert when.value == "2014-10-30"  # the written date is kept
    assert when.confidence < 0.5
    assert [d.key for d in when.doubts] == ["weekday"]
    assert "jeudi" in when.doubts[0].fr and "Thursday" in when.doubts[0].en


def test_a_year_the_sentence_writes_dates_the_others():
    """The seed: « après celle du 19 novembre » is 19 November of the sentence's 2019."""
    found = read_dates(
        "Le 4 décembre 2019 à Liévin, s'est tenue la deuxième journée régionale sur la "
        "médiation sociale après celle du 19 novembre à Saint-Quentin",
        date(2019, 12, 13),
    )
    assert [w.value for w in found] == ["2019-12-04", "2019-11-19"]
    assert found[1].confidence == 0.85 and found[1].doubts[0].key == "year-guessed"


def test_months_without_their_day_are_partial_dates():
    """francemediation.fr: « en 2019 … (à Marseille, en juin) … (à Saint-Quentin en novembre »."""
    found = read_dates(
        "Ainsi en 2019, un cycle de Journées régionales a été organisé : en région Sud PACA "
        "(à Marseille, en juin), dans les Hauts-de-France (à Saint-Quentin en novembre",
        date(2020, 7, 22),
    )
    assert [(w.value, w.datatype) for w in found] == [
        ("2019", "gYear"),
        ("2019-06", "gYearMonth"),
        ("2019-11", "gYearMonth"),
    ]


def test_month_alone_is_guessed_in_the_direction_of_the_tense():
    past = only("Les médiateurs se sont réunis en juin.", date(2021, 3, 1))
    future = only("Le séminaire se tiendra en juin.", date(2021, 3, 1))
    assert (past.value, future.value) == ("2020-06", "2021-06")


def test_times_of_the_day():
    """ess-et-societe.net, webinaire 2022: « Jeudi 19 mai, de 14h à 15h30 »."""
    when = only("Jeudi 19 mai, de 14h à 15h30", date(2022, 5, 2))
    assert (when.value, when.start_time, when.end_time) == ("2022-05-19", time(14), time(15, 30))
    one = only("le 3 avril 2025 de 18h30 à 20h00", date(2025, 3, 1))
    assert (one.start_time, one.end_time) == (time(18, 30), time(20))


def test_day_without_its_month_is_the_nearest_month_s():
    when = only("lors de la journée du 12, les ateliers ont permis d'échanger", date(2019, 12, 20))
    assert when.value == "2019-12-12"
    assert when.confidence == 0.5 and when.doubts[0].key == "month-guessed"


def test_without_a_publication_date_no_year_is_guessed():
    assert read_dates("Le 4 décembre, France médiation invitait les professionnels", None) == []
    assert only("Le 4 décembre 2019 à Liévin", None).value == "2019-12-04"


def test_a_range_across_the_new_year():
    when = only("Du 30 décembre au 2 janvier prochain", date(2019, 12, 1))
    assert (when.value, when.end_value) == ("2019-12-30", "2020-01-02")


@pytest.mark.parametrize(
    "sentence, tense",
    [
        ("Le 4 décembre 2019 à Liévin, s'est tenue la deuxième journée régionale", "past"),
        ("une restitution nationale aura lieu courant 2020", "future"),
        ("Le colloque sur la médiation", None),
    ],
)
def test_tense(sentence, tense):
    assert tense_of(sentence) == tense
