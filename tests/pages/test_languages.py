"""One language a page: every resource page of the sitemap, in French and in English, shows
text of the other language only where the resource has nothing in the page's language, marked
with its ``lang`` and a visible hint; each language has its own address, canonical to itself,
named with absolute ``hreflang`` alternates in the page and in the sitemap.

What the store holds is asked through the SPARQL endpoint; the pages are read as a crawler
reads them (the HTML, parsed)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import requests
from SPARQLWrapper import JSON, SPARQLWrapper

from service.config import DEFAULT_BASE

BASE = DEFAULT_BASE
LANGS = ("fr", "en")
#: The address of a page in each language: French is the page's own address (the first of the
#: ``languages`` setting), English adds ``?lang=en``.
SUFFIX = {"fr": "", "en": "?lang=en"}
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}
LIEVIN = "id/event/2019-12-04-journee-regionale-lievin"
VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


def primary(tag: str | None) -> str:
    return (tag or "").split("-", 1)[0].lower()


@dataclass
class Element:
    tag: str
    lang: str | None
    classes: set[str]
    text: list[str] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)  # the languages of its hints


class Page(HTMLParser):
    """A page as a crawler reads it: its language, its head's links, and, in its main content,
    every element whose ``lang`` is not the page's, with its own text and its hints."""

    def __init__(self, html: str):
        super().__init__()
        self.lang: str | None = None
        self.links: list[dict[str, str]] = []
        self.foreign: list[Element] = []
        self.marked_in_page_language: list[Element] = []
        self._stack: list[Element] = []
        self._in_main = 0
        self.feed(html)
        self.close()

    def _owner(self) -> Element | None:
        return next((e for e in reversed(self._stack) if e.lang is not None), None)

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = attributes.get("lang")
        if tag == "link":
            self.links.append(attributes)
        if tag in VOID_ELEMENTS:
            return
        element = Element(tag, attributes.get("lang"), set(attributes.get("class", "").split()))
        owner = self._owner()
        if "lang-hint" in element.classes and owner is not None:
            owner.hints.append(primary(element.lang))
        self._stack.append(element)
        if tag == "main":
            self._in_main += 1
        if self._in_main and element.lang is not None:
            if element.lang and primary(element.lang) != primary(self.lang):
                self.foreign.append(element)
            elif "fallback" in element.classes:
                self.marked_in_page_language.append(element)

    def handle_endtag(self, tag):
        while self._stack:
            element = self._stack.pop()
            if element.tag == "main":
                self._in_main -= 1
            if element.tag == tag:
                break

    def handle_data(self, data):
        owner = self._owner()
        if owner is not None:
            owner.text.append(data)

    def canonical(self) -> list[str]:
        return [link["href"] for link in self.links if link.get("rel") == "canonical"]

    def alternates(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = defaultdict(list)
        for link in self.links:
            if link.get("rel") == "alternate" and "hreflang" in link:
                found[link["hreflang"]].append(link["href"])
        return dict(found)


def sparql(server, query: str) -> list[dict]:
    client = SPARQLWrapper(server.url + "sparql")
    client.setQuery(query)
    client.setReturnFormat(JSON)
    return client.query().convert()["results"]["bindings"]


@dataclass
class Texts:
    """Every text in a language the store holds: where each is (subject, property), and in
    which languages each subject has each property."""

    where: dict[tuple[str, str], set[tuple[str, str]]]
    languages: dict[tuple[str, str], set[str]]


@pytest.fixture(scope="module")
def texts(server) -> Texts:
    rows = sparql(
        server,
        'SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o) && lang(?o) != "") }',
    )
    assert 0 < len(rows) < 10_000, "a result cut at the endpoint's row limit misses texts"
    where: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    languages: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in rows:
        subject, prop, text = row["s"]["value"], row["p"]["value"], row["o"]
        where[(text["value"].strip(), primary(text["xml:lang"]))].add((subject, prop))
        languages[(subject, prop)].add(primary(text["xml:lang"]))
    return Texts(where, languages)


@pytest.fixture(scope="module")
def sitemap(server, wait_for_build) -> list[tuple[bytes, ET.Element]]:
    """Every file of the sitemap: its body and its parsed ``urlset``."""
    index = ET.fromstring(wait_for_build(server, path="sitemap.xml").content)
    files = []
    for location in index.findall("s:sitemap/s:loc", NS):
        response = requests.get(location.text, timeout=60)
        assert response.status_code == 200, location.text
        files.append((response.content, ET.fromstring(response.content)))
    return files


@pytest.fixture(scope="module")
def pages(sitemap, server) -> list[str]:
    """The path of every page the sitemap lists, once whatever its languages."""
    paths = set()
    for _, root in sitemap:
        for loc in root.findall("s:url/s:loc", NS):
            assert loc.text.startswith(server.url), loc.text
            paths.add(urlsplit(loc.text).path.lstrip("/"))
    assert LIEVIN in paths and "def" in paths
    return sorted(paths)


@pytest.fixture(scope="module")
def read(server, pages) -> dict[tuple[str, str], Page]:
    """Every page of the sitemap in each language, asked for by ``?lang=``."""

    def fetch(key: tuple[str, str]) -> Page:
        path, lang = key
        response = server.get(path, params={"lang": lang}, headers={"Accept": "text/html"})
        assert response.status_code == 200, (path, lang, response.status_code)
        return Page(response.text)

    keys = [(path, lang) for path in pages for lang in LANGS]
    with ThreadPoolExecutor(4) as pool:
        return dict(zip(keys, pool.map(fetch, keys), strict=True))


# ---------------------------------------------------------------------------------------------
# The language rule on every page
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_other_language_only_where_the_page_language_has_nothing(read, pages, texts, lang):
    """Every text in the other language is marked (class ``fallback``, a hint in the page's
    language inside it) and is the value of a property that has no value in the page's
    language."""
    assert len(pages) > 100
    shown_elsewhere, unmarked, unknown = [], [], []
    for path in pages:
        page = read[(path, lang)]
        assert primary(page.lang) == lang, path
        assert not page.marked_in_page_language, (path, page.marked_in_page_language[:3])
        for element in page.foreign:
            text = "".join(element.text).strip()
            if "fallback" not in element.classes or lang not in element.hints:
                unmarked.append((path, element.lang, text[:60]))
            if not text:
                continue
            found = texts.where.get((text, primary(element.lang)))
            if not found:
                unknown.append((path, element.lang, text[:60]))
                continue
            # The same text may be held in several places (a theme's name, a workshop's
            # alternate name): it is a fallback when one of them has nothing in the page's
            # language.
            if all(lang in texts.languages[where] for where in found):
                shown_elsewhere.append((path, text[:60], sorted(found)[:2]))
    assert not shown_elsewhere, (
        f"{len(shown_elsewhere)} texts in the other language where the page's exists",
        shown_elsewhere[:10],
    )
    assert not unmarked, (f"{len(unmarked)} texts of another language unmarked", unmarked[:10])
    assert not unknown, ("texts of another language the store does not hold", unknown[:10])


def test_a_missing_translation_is_shown_and_marked(server):
    """A French-only text on the English page: shown in French, marked as such."""
    page = server.get(LIEVIN, params={"lang": "en"}).text
    assert 'lang="fr"' in page and 'class="lang-hint" lang="en">(in French)<' in page
    french = server.get(LIEVIN, params={"lang": "fr"}).text
    assert "Host venue" not in french and "Lieu d&#39;accueil" in french
    english = server.get(LIEVIN, params={"lang": "en"}).text
    assert "Lieu d&#39;accueil" not in english and "Host venue" in english


# ---------------------------------------------------------------------------------------------
# One address a language, canonical to itself, alternates absolute
# ---------------------------------------------------------------------------------------------


def expected_alternates(address: str) -> dict[str, list[str]]:
    return {"fr": [address], "en": [address + SUFFIX["en"]], "x-default": [address]}


@pytest.mark.parametrize("lang", LANGS)
def test_each_language_url_is_canonical_to_itself(read, pages, lang):
    wrong = []
    for path in pages:
        page = read[(path, lang)]
        address = BASE + path
        if page.canonical() != [address + SUFFIX[lang]]:
            wrong.append((path, "canonical", page.canonical()))
        if page.alternates() != expected_alternates(address):
            wrong.append((path, "alternates", page.alternates()))
    assert not wrong, (len(wrong), wrong[:5])


@pytest.mark.parametrize("path", ["", "events", "sparql", "catalog.html", LIEVIN, "def"])
def test_every_page_names_its_language_urls(server, path):
    address = BASE + path
    for lang in LANGS:
        page = Page(server.get(path, params={"lang": lang}, headers={"Accept": "text/html"}).text)
        assert page.canonical() == [address + SUFFIX[lang]], (path, lang)
        assert page.alternates() == expected_alternates(address), (path, lang)


def test_a_negotiated_page_names_the_url_of_the_language_it_shows(server):
    """Without ``?lang=``, the page's language follows ``Accept-Language``: its canonical is
    the address of the language it shows."""
    english = Page(server.get(LIEVIN, headers={"Accept-Language": "en"}).text)
    assert english.lang == "en" and english.canonical() == [BASE + LIEVIN + "?lang=en"]
    french = Page(server.get(LIEVIN).text)
    assert french.lang == "fr" and french.canonical() == [BASE + LIEVIN]
    other_parameters = Page(server.get(LIEVIN, params={"lang": "en", "history": "x"}).text)
    assert other_parameters.canonical() == [BASE + LIEVIN + "?lang=en"]


# ---------------------------------------------------------------------------------------------
# The sitemap
# ---------------------------------------------------------------------------------------------


def test_the_sitemap_lists_each_page_in_each_language_with_its_alternates(server, sitemap, pages):
    locations, wrong = set(), []
    for body, root in sitemap:
        assert b'xmlns:xhtml="http://www.w3.org/1999/xhtml"' in body
        for url in root.findall("s:url", NS):
            loc = url.find("s:loc", NS).text
            locations.add(loc)
            links: dict[str, list[str]] = defaultdict(list)
            for link in url.findall("xhtml:link", NS):
                assert link.get("rel") == "alternate", loc
                links[link.get("hreflang")].append(link.get("href"))
            address = server.url + urlsplit(loc).path.lstrip("/")
            if dict(links) != expected_alternates(address) or loc not in (
                address,
                address + SUFFIX["en"],
            ):
                wrong.append((loc, dict(links)))
    assert not wrong, (len(wrong), wrong[:5])
    expected = {server.url + path + SUFFIX[lang] for path in pages for lang in LANGS}
    assert locations == expected, sorted(expected ^ locations)[:10]
