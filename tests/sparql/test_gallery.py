"""The editor's gallery: every example filed under a theme, in the page's language, each one a
link that opens it in the editor; and the default query, one row per event.

The page is read as HTML (what a browser gets); the queries run through the real endpoint.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from bs4 import BeautifulSoup
from rdflib import Graph
from SPARQLWrapper import JSON, SPARQLWrapper

from service.config import PROJECT_ROOT
from service.sparql import DEFAULT_QUERY, THEMES, with_label_language
from service.sparql.description import examples_from_graph

EXAMPLES = examples_from_graph(Graph().parse(PROJECT_ROOT / "data" / "examples.ttl"))
BY_SLUG = {example.slug: example for example in EXAMPLES}
LANGUAGES = ("fr", "en")


def editor_page(server, lang: str) -> BeautifulSoup:
    response = requests.get(
        server.url + "sparql", params={"lang": lang}, headers={"Accept": "text/html"}, timeout=60
    )
    assert response.status_code == 200
    return BeautifulSoup(response.text, "html.parser")


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.slug)
def test_each_example_names_a_theme_of_the_gallery(example):
    assert example.themes.get("en") in {theme.key for theme in THEMES}
    assert example.themes.get("fr")


def test_every_theme_has_questions():
    assert {e.themes["en"] for e in EXAMPLES} == {theme.key for theme in THEMES}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_gallery_is_on_the_page_by_theme_each_entry_a_link_into_the_editor(server, lang):
    page = editor_page(server, lang)
    sections = page.select("#gallery section.gallery-theme")
    assert [s["data-theme"] for s in sections] == [theme.key for theme in THEMES]
    for section, theme in zip(sections, THEMES, strict=True):
        assert section.h3.get_text(strip=True) == theme.label(lang)
    listed = {}
    for section in sections:
        for item in section.select("li[data-example]"):
            example = BY_SLUG[item["data-example"]]
            assert example.themes["en"] == section["data-theme"]
            link = item.select_one("a.gallery-question")
            assert link.get_text(strip=True) == example.label(lang)
            address = urlsplit(link["href"])
            assert address.path == "/sparql"
            assert parse_qs(address.query)["query"] == [with_label_language(example.query, lang)]
            listed[example.slug] = link["href"]
    assert set(listed) == set(BY_SLUG)
    # The link opens the editor with that query, in the page's language.
    opened = requests.get(
        server.url + listed["acteurs-par-role"].lstrip("/"),
        headers={"Accept": "text/html"},
        timeout=60,
    )
    assert opened.status_code == 200
    assert f'lang="{lang}"' in opened.text.split(">", 2)[1]
    text = BeautifulSoup(opened.text, "html.parser").select_one("#plain-query").get_text()
    assert text == with_label_language(BY_SLUG["acteurs-par-role"].query, lang)


def rows_of(server, query: str) -> list[dict]:
    wrapper = SPARQLWrapper(server.url + "sparql")
    wrapper.setQuery(query)
    wrapper.setReturnFormat(JSON)
    return wrapper.queryAndConvert()["results"]["bindings"]


@pytest.mark.parametrize(
    "example", [e for e in EXAMPLES if e.form == "select"], ids=lambda e: e.slug
)
def test_each_question_answers_as_many_rows_in_each_language_with_its_labels(server, example):
    counts = set()
    for lang in LANGUAGES:
        query = with_label_language(example.query, lang)
        rows = rows_of(server, query)
        assert rows
        counts.add(len(rows))
        # The labels the query picks by language are in the page's (proper names that have
        # only a French form, such as a commune's, are not picked by language).
        picked = set(re.findall(r'LANG\(\?(\w+)\)\s*(?:=|IN\s*\()\s*"' + lang + '"', query))
        for row in rows:
            for name in picked & set(row):
                assert row[name].get("xml:lang", "") in (lang, ""), (name, row[name])
    assert len(counts) == 1, "the same rows in French and in English"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_default_query_lists_each_event_once_with_its_name_and_a_plain_date(server, lang):
    page = editor_page(server, lang)
    query = page.select_one("#plain-query").get_text()
    assert query == with_label_language(DEFAULT_QUERY, lang)
    wrapper = SPARQLWrapper(server.url + "sparql")
    wrapper.setQuery(query)
    wrapper.setReturnFormat(JSON)
    rows = wrapper.queryAndConvert()["results"]["bindings"]
    assert len(rows) >= 5
    events = [row["event"]["value"] for row in rows]
    assert len(events) == len(set(events)), "one row per event"
    for row in rows:
        assert row["name"]["xml:lang"] == lang
        if "date" in row:
            assert row["date"]["type"] == "literal" and "datatype" not in row["date"]
            # A day, or a month or a year when the source gives no day (a partial date).
            assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", row["date"]["value"])
    assert any("date" in row for row in rows)


def test_the_page_offers_downloads_and_a_link_of_its_query(server):
    page = editor_page(server, "fr")
    query = page.select_one("#plain-query").get_text()
    share = page.select_one("#editor-links a[data-share]")["href"]
    assert parse_qs(urlsplit(share).query)["query"] == [query]
    media_types = {"csv": "text/csv", "tsv": "text/tab-separated-values", "json": "application/"}
    for link in page.select("#editor-links a[data-download]"):
        response = requests.get(server.url + link["href"].lstrip("/"), timeout=60)
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith(media_types[link["data-download"]])
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert "Liévin" in response.text or "Li\\u00e9vin" in response.text
    assert {a["data-download"] for a in page.select("#editor-links a[data-download]")} == set(
        media_types
    )
