"""The one language rule: preferred languages in order, then untagged, then the rest."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS, XSD

from service.errors import BadRequest
from service.formats import TURTLE
from service.labels import (
    Languages,
    fallback_label,
    format_date,
    iso_moment,
    label,
    label_in,
    label_values,
    labels,
    preferences,
)
from service.namespaces import SDO
from service.store.embedded import EmbeddedStore

FR_EN = Languages(("fr", "en"))
X = URIRef("https://w3id.org/mediation-sociale/id/actor/x")


@pytest.mark.parametrize(
    "values, expected",
    [
        (
            [Literal("Hello", lang="en"), Literal("Bonjour", lang="fr")],
            Literal("Bonjour", lang="fr"),
        ),
        ([Literal("Hello", lang="en"), Literal("Bonjour")], Literal("Hello", lang="en")),
        ([Literal("Hallo", lang="de"), Literal("Bonjour")], Literal("Bonjour")),
        (
            [Literal("Bonjour", lang="fr-FR"), Literal("Hello", lang="en")],
            Literal("Bonjour", lang="fr-FR"),
        ),
        (
            [Literal("Bonjour", lang="FR"), Literal("Hello", lang="en")],
            Literal("Bonjour", lang="fr"),
        ),
        ([Literal("Hallo", lang="de")], Literal("Hallo", lang="de")),
        ([], None),
    ],
)
def test_best_follows_language_order_then_untagged_then_others(values, expected):
    assert FR_EN.best(values) == expected


def test_language_beats_property_order():
    graph = Graph()
    graph.add((X, SDO.name, Literal("Name", lang="en")))
    graph.add((X, RDFS.label, Literal("Nom", lang="fr")))
    graph.add((X, SKOS.prefLabel, Literal("Pref")))  # untagged: after both languages
    assert label_in(graph, X, FR_EN) == Literal("Nom", lang="fr")
    assert label_in(graph, X, Languages(("en", "fr"))) == Literal("Name", lang="en")


def test_property_order_decides_within_a_language():
    graph = Graph()
    graph.add((X, RDFS.label, Literal("Étiquette", lang="fr")))
    graph.add((X, SKOS.prefLabel, Literal("Libellé préféré", lang="fr")))
    assert label_in(graph, X, FR_EN) == Literal("Libellé préféré", lang="fr")


def test_numbers_are_not_labels_but_notations_are():
    graph = Graph()
    graph.add((X, SDO.position, Literal(3)))
    assert label_in(graph, X, FR_EN) is None
    graph.add((X, SKOS.notation, Literal("62", datatype=XSD.token)))
    assert label_in(graph, X, FR_EN) == Literal("62", datatype=XSD.token)


@pytest.mark.parametrize(
    "accept, lang, expected",
    [
        (None, None, ("fr", "en")),
        ("en-GB,en;q=0.9", None, ("en", "fr")),
        ("de-CH, en;q=0.8, fr;q=0.5", None, ("en", "fr")),
        ("de", None, ("fr", "en")),
        (";;;q=garbage,,", None, ("fr", "en")),
        ("fr", "en", ("en", "fr")),
        (None, "de", ("de", "fr", "en")),
        (None, "", ("fr", "en")),
    ],
)
def test_request_puts_its_language_first(accept, lang, expected):
    assert preferences(("fr", "en"), accept, lang).order == expected


@pytest.mark.parametrize("bad", ["<script>", "fr en", "x" * 20, "fr_FR", "é"])
def test_malformed_lang_parameter_is_a_bad_request(bad):
    with pytest.raises(BadRequest) as caught:
        preferences(("fr", "en"), None, bad)
    assert "lang" in caught.value.message_fr and "lang" in caught.value.message_en


def test_interface_language_is_the_first_preferred_one_it_has():
    assert Languages(("de", "en", "fr")).ui == "en"
    assert Languages(("de",)).ui == "fr"
    assert Languages(("en-GB", "fr")).text("Rechercher", "Search") == "Search"
    assert Languages(("fr", "en")).pick({"fr": "Oui", "en": "Yes"}) == "Oui"


@pytest.mark.parametrize(
    "values, expected",
    [
        # A translation is never shown beside its original.
        (["Lieu d'accueil@fr", "Host venue@en"], ["Lieu d'accueil@fr"]),
        # Every value in the best language, and every value that is not text in a language.
        (["a@fr", "b@fr-FR", "c@en", "IREV", "62510"], ["a@fr", "b@fr-FR", "IREV", "62510"]),
        # Nothing in French: the English texts, whatever else.
        (["Host venue@en", "IREV"], ["Host venue@en", "IREV"]),
        (["Hallo@de", "Hi@en"], ["Hi@en"]),
        (["Hallo@de", "Hola@es"], ["Hallo@de", "Hola@es"]),
        ([], []),
    ],
)
def test_a_property_shows_its_texts_in_the_best_language_it_has(values, expected):
    def literal(text: str) -> Literal:
        value, _, lang = text.partition("@")
        return Literal(value, lang=lang or None)

    shown = FR_EN.in_best_language([literal(v) for v in values])
    assert shown == [literal(v) for v in expected]
    link = URIRef("https://w3id.org/mediation-sociale/id/role/lieu-d-accueil")
    assert FR_EN.in_best_language([link, Literal("x", lang="en")]) == [
        link,
        Literal("x", lang="en"),
    ]


@pytest.mark.parametrize(
    "order, tag, expected",
    [
        (("fr", "en"), "en", "(en anglais)"),
        (("fr", "en"), "en-GB", "(en anglais)"),
        (("en", "fr"), "fr", "(in French)"),
        (("en", "fr"), "de", "(language: de)"),
        (("fr", "en"), "de", "(langue : de)"),
        (("fr", "en"), "fr", None),
        (("fr", "en"), "FR-fr", None),
        (("en", "fr"), "", None),
        (("en", "fr"), None, None),
    ],
)
def test_text_in_another_language_than_the_pages_is_marked(order, tag, expected):
    assert Languages(order).foreign_hint(tag) == expected


@pytest.mark.parametrize(
    "iri, expected",
    [
        ("https://w3id.org/mediation-sociale/def#Workshop", "Workshop"),
        ("https://w3id.org/mediation-sociale/id/post/twitter-12", "twitter-12"),
        ("https://w3id.org/mediation-sociale/id/place/commune/62510", "62510"),
        ("https://example.org/a%20b/", "a b"),
    ],
)
def test_fallback_label_is_the_last_segment(iri, expected):
    assert str(fallback_label(URIRef(iri))) == expected


def test_labels_from_a_real_store(tmp_path):
    store = EmbeddedStore(tmp_path / "store", workers=False)
    try:
        data = b"""
        @prefix schema: <https://schema.org/> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <https://e.org/a> schema:name "A en"@en , "A fr"@fr .
        <https://e.org/b> skos:prefLabel "B" .
        <https://e.org/c> schema:position 1 .
        """
        store.load(data, TURTLE, URIRef("https://e.org/g"))
        a, b, c = (URIRef(f"https://e.org/{n}") for n in "abc")
        found = labels(store, [a, b, c], FR_EN)
        assert found == {a: Literal("A fr", lang="fr"), b: Literal("B")}
        assert labels(store, [a], Languages(("en", "fr")))[a] == Literal("A en", lang="en")
        assert label(store, c, FR_EN) == Literal("c")
        assert sorted(str(v) for _, v in label_values(store, [a])[a]) == ["A en", "A fr"]
    finally:
        store.close()


PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    "written, iso, fr, en",
    [
        # A local time takes the offset of its date: winter, then summer.
        (
            "2019-12-04T09:00:00",
            "2019-12-04T09:00:00+01:00",
            "4 décembre 2019 à 9 h 00",
            "4 December 2019 at 9:00",
        ),
        (
            "2024-07-04T09:00:00",
            "2024-07-04T09:00:00+02:00",
            "4 juillet 2024 à 9 h 00",
            "4 July 2024 at 9:00",
        ),
        # An instant written in UTC is shown in Paris, on its Paris day.
        (
            "2019-12-04T15:49:22Z",
            "2019-12-04T16:49:22+01:00",
            "4 décembre 2019 à 16 h 49",
            "4 December 2019 at 16:49",
        ),
        (
            "2019-12-04T23:30:00Z",
            "2019-12-05T00:30:00+01:00",
            "5 décembre 2019 à 0 h 30",
            "5 December 2019 at 0:30",
        ),
        # The hour the end of summer time repeats: the first one.
        (
            "2024-10-27T02:30:00",
            "2024-10-27T02:30:00+02:00",
            "27 octobre 2024 à 2 h 30",
            "27 October 2024 at 2:30",
        ),
        # The hour the start of summer time skips: the same time an hour on.
        (
            "2024-03-31T02:30:00",
            "2024-03-31T03:30:00+02:00",
            "31 mars 2024 à 3 h 30",
            "31 March 2024 at 3:30",
        ),
        # What Python cannot read stays as written.
        (
            "2019-12-04T24:00:00",
            "2019-12-04T24:00:00",
            "2019-12-04T24:00:00",
            "2019-12-04T24:00:00",
        ),
    ],
)
def test_times_are_local_times_of_the_zone(written, iso, fr, en):
    value = Literal(written, datatype=XSD.dateTime, normalize=False)
    assert iso_moment(value, PARIS) == iso
    assert format_date(value, FR_EN, PARIS).replace("\u00a0", " ") == fr
    assert format_date(value, Languages(("en", "fr")), PARIS) == en


def test_days_are_days_in_every_zone():
    day = Literal("2019-12-01", datatype=XSD.date)
    assert iso_moment(day, PARIS) == "2019-12-01"
    assert format_date(day, FR_EN, ZoneInfo("Pacific/Kiritimati")) == "1er décembre 2019"
