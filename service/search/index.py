"""The search index: lists, filters, facets and full text, kept beside the store.

Oxigraph has no text index, and OPTIONAL-heavy listings or ``OFFSET`` paging
get slow at millions of triples (see ``bench/README.md``). So every list, facet
count and search of the site reads a SQLite database instead (Python's
standard library, FTS5), one row per resource of ours. The store stays the
single source of truth: the index is built from it, records the store's
``generation`` it was built at, is rebuilt at start-up when missing or stale,
and is updated by :meth:`Index.update` on every write.

One row per resource (its IRI without fragment), holding:

* its kind (from the IRI: ``id/event/…`` is an event, see :data:`SEGMENT_KINDS`),
  its labels and descriptions in every language (the language rule of
  :mod:`service.labels` picks one per request), its dates;
* facets: the territories it is in (the containment chain: a venue, its
  commune, département, région, EPCI), its themes (and their broader themes),
  organisers, audiences, year, scheme;
* full text in three weighted columns: its own names; its descriptions and
  those of its parts (hash IRIs: roles, findings, notes); the names of what it
  links to (organisers, places, themes).
* the IRIs its row was built from (``dep``), so that a change to a place's name
  reindexes the events held there: the cost of an update follows the change.

French-aware text: words are case- and accent-folded, then stemmed with the
Snowball stemmer of their literal's language (French, or English for ``@en``),
in documents and queries alike; FTS5's ``unicode61 remove_diacritics 2``
tokenizer reads the result. A query word matches either of its French or
English stems. User input never reaches FTS5 syntax: only words (``\\w+``) are
kept, each quoted.

Every query is bounded: lists page by key (``(sort key, iri) > (last seen)``,
never ``OFFSET``), results and facets have a ``LIMIT``, and a query running
past :attr:`Index.timeout` seconds is interrupted (:class:`QueryTimeout`).

No Flask here.
"""

from __future__ import annotations

import base64
import binascii
import calendar
import json
import logging
import os
import re
import sqlite3
import threading
import time
import unicodedata
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import snowballstemmer
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

from ..config import DEFAULT_BASE
from ..errors import BadRequest, ConfigError, NotReady, QueryTimeout
from ..files import sync_directory
from ..labels import DESCRIPTION_PROPERTIES, LABEL_PROPERTIES, Languages
from ..namespaces import MED, SDO

log = logging.getLogger(__name__)

#: Bumped when the layout or the way rows are built changes: an older index is rebuilt.
SCHEMA_VERSION = "8"

INDEX_FILE = "index.sqlite"

# ---------------------------------------------------------------------------------------------
# Kinds of resources, from the first segment of the IRI path after ``{base}id/``
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListKind:
    name: str
    fr: str
    fr_plural: str
    en: str
    en_plural: str

    def label(self, lang: str, plural: bool = False) -> str:
        if lang == "en":
            return self.en_plural if plural else self.en
        return self.fr_plural if plural else self.fr


LIST_KINDS: dict[str, ListKind] = {
    k.name: k
    for k in (
        ListKind("event", "Événement", "Événements", "Event", "Events"),
        ListKind("actor", "Acteur", "Acteurs", "Actor", "Actors"),
        ListKind("theme", "Thème", "Thèmes", "Theme", "Themes"),
        ListKind(
            "place",
            "Lieu ou territoire",
            "Lieux et territoires",
            "Place or territory",
            "Places and territories",
        ),
        ListKind("article", "Article", "Articles", "Article", "Articles"),
        ListKind("document", "Document", "Documents", "Document", "Documents"),
        ListKind("post", "Message", "Messages", "Post", "Posts"),
        ListKind(
            "query", "Requête d'exemple", "Requêtes d'exemple", "Example query", "Example queries"
        ),
        ListKind("occupation", "Métier", "Métiers", "Occupation", "Occupations"),
        ListKind(
            "programme",
            "Dispositif public",
            "Dispositifs publics",
            "Public scheme",
            "Public schemes",
        ),
        ListKind("scheme", "Vocabulaire", "Vocabulaires", "Concept scheme", "Concept schemes"),
        ListKind("concept", "Concept", "Concepts", "Concept", "Concepts"),
    )
}

#: ``{base}id/{segment}/…`` → kind. Segments not listed (``change/`` tombstones…) are not indexed.
SEGMENT_KINDS: dict[str, str] = {
    "event": "event",
    "actor": "actor",
    "theme": "theme",
    "place": "place",
    "article": "article",
    "document": "document",
    "post": "post",
    "query": "query",
    "occupation": "occupation",
    "programme": "programme",
    "scheme": "scheme",
    "role": "concept",
    "audience": "concept",
    "mission": "concept",
    "curation": "concept",
}

#: Territory levels, from ``{base}id/place/{level}/{code}``; any other place is a venue.
PLACE_LEVELS: dict[str, tuple[str, str]] = {
    "region": ("région", "region"),
    "departement": ("département", "département"),
    "epci": ("intercommunalité", "inter-municipality"),
    "commune": ("commune", "municipality"),
    "venue": ("lieu", "venue"),
}

# ---------------------------------------------------------------------------------------------
# What the rows are made of: lookup tables of properties
# ---------------------------------------------------------------------------------------------

#: Text of a resource besides its labels and descriptions.
BODY_PROPERTIES: tuple[URIRef, ...] = (
    SDO.articleBody,
    SDO.keywords,
    SDO.jobTitle,
    MED.purpose,
    SDO.addressLocality,
    SDO.roleName,
    SDO.audienceType,
    SKOS.scopeNote,
    SKOS.note,
    SDO.disambiguatingDescription,
)

#: Links whose targets are territories or places (then their containment chain).
TERRITORY_LINKS: tuple[URIRef, ...] = (
    SDO.location,
    SDO.spatialCoverage,
    SDO.areaServed,
    SDO.contentLocation,
    SDO.containedInPlace,
)
#: Links whose targets (under ``id/theme/``) are themes (then their broader themes).
THEME_LINKS: tuple[URIRef, ...] = (SDO.about, DCTERMS.subject, SDO.keywords, SKOS.broader)

#: Facets made from links: facet name → the properties whose IRI targets it holds.
LINK_FACETS: dict[str, tuple[URIRef, ...]] = {
    "organizer": (SDO.organizer,),
    "audience": (SDO.audience,),
    "scheme": (SKOS.inScheme, SDO.inDefinedTermSet),
    "superevent": (SDO.superEvent,),
}

#: Links whose targets' names are searchable with the resource (low weight).
CONTEXT_LINKS: tuple[URIRef, ...] = tuple(
    dict.fromkeys(
        (
            *TERRITORY_LINKS,
            *THEME_LINKS,
            SDO.organizer,
            SDO.performer,
            SDO.contributor,
            SDO.audience,
            SDO.superEvent,
            SDO.publisher,
            SDO.author,
            SDO.worksFor,
            SDO.affiliation,
            SDO.sponsor,
            SDO.funder,
            SKOS.inScheme,
            SDO.inDefinedTermSet,
            SDO.memberOf,
            SDO.parentOrganization,
        )
    )
)

#: Paths up a hierarchy: containment of places, broader themes (either direction stated).
ANCESTOR_PATH = (
    f"(<{SDO.containedInPlace}>|^<{SDO.containsPlace}>|<{SKOS.broader}>|^<{SKOS.narrower}>)+"
)

#: Links from a part (hash IRI) to the resource it belongs to.
PART_OF_LINKS: tuple[URIRef, ...] = (MED.inEvent, SDO.isPartOf)

#: Predicates whose *objects* must be reindexed too when such a triple changes: they state
#: a hierarchy from the top (``narrower``, ``containsPlace``), which the lower row reads.
INVERSE_HIERARCHY: tuple[URIRef, ...] = (SKOS.narrower, SDO.containsPlace)

EVENT_START = frozenset({SDO.startDate})
EVENT_END = frozenset({SDO.endDate})
PERIOD = frozenset({MED.expectedPeriod})
PUBLISHED = frozenset({SDO.datePublished, SDO.dateCreated, DCTERMS.issued, DCTERMS.created})
# Terms read in the hot loops, looked up once (rdflib's Namespace attribute access is slow).
RDF_TYPE, SDO_TEXT, SDO_BODY = RDF.type, SDO.text, SDO.articleBody
SDO_LOCATION, SDO_CONTAINED = SDO.location, SDO.containedInPlace

LINK_SET = frozenset(CONTEXT_LINKS) | frozenset(p for v in LINK_FACETS.values() for p in v)
TERRITORY_SET = frozenset(TERRITORY_LINKS)
THEME_SET = frozenset(THEME_LINKS)
BODY_SET = frozenset(BODY_PROPERTIES)
LABEL_RANK = {p: i for i, p in reversed(list(enumerate(LABEL_PROPERTIES)))}
DESCRIPTION_RANK = {p: i for i, p in reversed(list(enumerate(DESCRIPTION_PROPERTIES)))}
LABEL_SET = frozenset(LABEL_PROPERTIES)
DESCRIPTION_SET = frozenset(DESCRIPTION_PROPERTIES)
TEXT_DATATYPES = (None, XSD.string, RDF.langString)

# ---------------------------------------------------------------------------------------------
# French-aware text: fold, split, stem
# ---------------------------------------------------------------------------------------------

_WORD = re.compile(r"\w+", re.UNICODE)
#: Letters NFKD does not decompose.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l"})
#: Most words a query is made of; more are dropped (and the page says so).
MAX_QUERY_WORDS = 16
#: Longest word kept (longer ones are noise, and would bloat the FTS vocabulary).
MAX_WORD = 60

_STEMMERS = threading.local()


def _stemmer(language: str):
    cache = getattr(_STEMMERS, "cache", None)
    if cache is None:
        cache = _STEMMERS.cache = {}
    if language not in cache:
        cache[language] = snowballstemmer.stemmer(language)
    return cache[language]


#: Combining marks, removed after decomposition (str.translate runs at C speed).
_MARKS = (
    dict.fromkeys(c for c in range(0x300, 0x2000) if unicodedata.combining(chr(c)))
    | dict.fromkeys(c for c in range(0x20D0, 0x2100) if unicodedata.combining(chr(c)))
    | dict.fromkeys(c for c in range(0xFE20, 0xFE30))
)


def fold(text: str) -> str:
    """Lower case, without accents: ``MÉDIATION`` → ``mediation``."""
    return unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES)).translate(_MARKS)


@lru_cache(maxsize=65536)
def stem(word: str, language: str = "french") -> str:
    """The stem of one folded word, by the Snowball stemmer of ``language``."""
    return _stemmer(language).stemWord(word)


def stem_language(lang: str | None) -> str:
    return "english" if (lang or "").lower().startswith("en") else "french"


@lru_cache(maxsize=65536)  # names of places, themes and organisers recur in thousands of rows
def analyse_text(text: str, lang: str | None = None) -> str:
    """The indexed form of a text: its folded words, each stemmed, separated by spaces."""
    language = stem_language(lang)
    return " ".join(stem(w, language) for w in _WORD.findall(fold(text)) if len(w) <= MAX_WORD)


def query_stems(text: str) -> tuple[list[frozenset[str]], bool]:
    """The words of a query, each as the set of its French and English stems.

    Returns the stems and whether words beyond :data:`MAX_QUERY_WORDS` were dropped.
    """
    words = [w for w in _WORD.findall(fold(text)) if len(w) <= MAX_WORD]
    terms: list[frozenset[str]] = []
    for word in words:
        stems = frozenset({stem(word, "french"), stem(word, "english")})
        if stems not in terms:
            terms.append(stems)
    return terms[:MAX_QUERY_WORDS], len(terms) > MAX_QUERY_WORDS


def fts_expression(terms: Sequence[frozenset[str]]) -> str:
    """An FTS5 query: every word (any of its stems) must occur. Each stem is a quoted string,
    so no user input is ever read as FTS5 syntax (``"``, ``*``, ``NEAR``, ``(``…)."""

    def quoted(s: str) -> str:
        return '"' + s.replace('"', '""') + '"'

    return " AND ".join("(" + " OR ".join(quoted(s) for s in sorted(t)) + ")" for t in terms)


def highlight(text: str, terms: Sequence[frozenset[str]]) -> list[tuple[str, bool]]:
    """``text`` cut into segments, each marked True when it is a word the query matched."""
    wanted = set().union(*terms) if terms else set()
    if not wanted:
        return [(text, False)]
    segments: list[tuple[str, bool]] = []
    position = 0
    for match in _WORD.finditer(text):
        folded = fold(match.group())
        if stem(folded, "french") in wanted or stem(folded, "english") in wanted:
            if match.start() > position:
                segments.append((text[position : match.start()], False))
            segments.append((match.group(), True))
            position = match.end()
    if position < len(text):
        segments.append((text[position:], False))
    return segments


def snippet(text: str, terms: Sequence[frozenset[str]], words: int = 32) -> list[tuple[str, bool]]:
    """A window of about ``words`` words of ``text`` around its first matched word, highlighted."""
    segments = highlight(text, terms)
    matches = [i for i, (_, hit) in enumerate(segments) if hit]
    spans = list(_WORD.finditer(text))
    if len(spans) <= words:
        return segments
    first = 0
    if matches:
        offset = sum(len(s) for s, _ in segments[: matches[0]])
        first = next((i for i, m in enumerate(spans) if m.start() >= offset), 0)
        first = max(0, first - words // 3)
    last = min(len(spans), first + words)
    start = spans[first].start() if first else 0
    end = spans[last - 1].end()
    window = highlight(text[start:end], terms)
    if start:
        window.insert(0, ("… ", False))
    if end < len(text):
        window.append((" …", False))
    return window


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@dataclass(frozen=True)
class Period:
    """A date as the data gives it (a day, a month or a year) and the days it spans."""

    value: str  # what the data says, to show: "2019-12-04", "2020-03", "2020"
    precision: str  # "day", "month", "year"
    first: str  # first day, ISO
    last: str  # last day, ISO

    @classmethod
    def parse(cls, text: str) -> Period | None:
        match = _DATE.match(text.strip())
        if not match:
            return None
        year, month, day = (int(g) if g else None for g in match.groups())
        try:
            if day is not None:
                first = date(year, month, day).isoformat()
                return cls(first, "day", first, first)
            if month is not None:
                last_day = calendar.monthrange(year, month)[1]
                return cls(
                    f"{year:04d}-{month:02d}",
                    "month",
                    date(year, month, 1).isoformat(),
                    date(year, month, last_day).isoformat(),
                )
            return cls(f"{year:04d}", "year", f"{year:04d}-01-01", f"{year:04d}-12-31")
        except ValueError:
            return None

    @property
    def year(self) -> str:
        return self.first[:4]


#: Dates a filter accepts: a year, a month or a day.
_FILTER_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def parse_filter_date(value: str, name: str) -> Period:
    period = Period.parse(value) if _FILTER_DATE.match(value or "") else None
    if period is None:
        raise BadRequest(
            f"Date invalide pour {name} : « {value[:40]} » (attendu : AAAA, AAAA-MM ou AAAA-MM-JJ).",
            f"Invalid date for {name}: “{value[:40]}” (expected YYYY, YYYY-MM or YYYY-MM-DD).",
        )
    return period


# ---------------------------------------------------------------------------------------------
# Rows: what one resource becomes in the index
# ---------------------------------------------------------------------------------------------

Pairs = list[tuple[str, str]]  # (language, text)


@dataclass
class Row:
    iri: str
    kind: str
    subkind: str = ""
    labels: Pairs = field(default_factory=list)  # in order of LABEL_PROPERTIES
    descriptions: Pairs = field(default_factory=list)
    where: list[Pairs] = field(default_factory=list)  # labels of the places it is at
    period: Period | None = None
    end: Period | None = None
    facets: dict[str, set[str]] = field(default_factory=dict)
    deps: set[str] = field(default_factory=set)
    text_label: list[str] = field(default_factory=list)
    text_body: list[str] = field(default_factory=list)
    text_context: list[str] = field(default_factory=list)
    top: bool = True  # not a session of another event (the sessions of a series stay)

    def add_facet(self, name: str, value: str) -> None:
        self.facets.setdefault(name, set()).add(value)


def _lang(value: Literal) -> str:
    return (value.language or "").lower()


def _is_text(value: Any) -> bool:
    return isinstance(value, Literal) and (
        value.language is not None or value.datatype in TEXT_DATATYPES
    )


def list_kind_of(iri: str, base: str) -> str | None:
    """The kind of one of our resources, from its IRI; None when it is not one we index."""
    prefix = base + "id/"
    if not iri.startswith(prefix) or "#" in iri:
        return None
    segment = iri[len(prefix) :].split("/", 1)
    if len(segment) < 2 or not segment[1]:
        return None
    return SEGMENT_KINDS.get(segment[0])


def place_level(iri: str, base: str) -> str:
    rest = iri[len(base + "id/place/") :] if iri.startswith(base + "id/place/") else ""
    head = rest.split("/", 1)[0]
    return head if head in PLACE_LEVELS and "/" in rest else "venue"


def short_value(iri: str, facet: str, base: str) -> str:
    """The short form of a facet value in URLs: ``illectronisme`` for a theme IRI."""
    prefix = FACET_PREFIXES.get(facet)
    if prefix is not None and iri.startswith(base + prefix):
        return iri[len(base + prefix) :]
    return iri


#: Facet → the IRI prefix (after the base) its short values are under.
FACET_PREFIXES: dict[str, str] = {
    "theme": "id/theme/",
    "territory": "id/place/",
    "organizer": "id/actor/",
    "audience": "id/audience/",
    "scheme": "id/scheme/",
    "superevent": "id/event/",
}


PropertyValues = dict[str, list]  # predicate IRI → list of values (nested bnodes as dicts)


class _Gatherer:
    """Reads from the store what rows are made of, in bounded batches, with caches that live
    for one build or one update."""

    def __init__(self, store, base: str, languages: Sequence[str], batch: int = 400):
        self.store = store
        self.base = base
        self.languages = Languages(tuple(languages))
        self.batch = batch
        self._ancestors: dict[str, set[str]] = {}
        self._labels: dict[str, Pairs] = {}

    # -- store reads ---------------------------------------------------------------------------

    @staticmethod
    def _values(iris: Iterable[str]) -> str:
        return " ".join(URIRef(i).n3() for i in iris)

    def _triples(self, iris: Sequence[str]) -> dict[str, list[tuple[URIRef, Any, list]]]:
        """Every triple of each IRI, with the triples of blank-node objects one level down."""
        found: dict[str, list[tuple[URIRef, Any, list]]] = {i: [] for i in iris}
        blanks: dict[Any, list] = {}
        for start in range(0, len(iris), self.batch):
            chunk = iris[start : start + self.batch]
            for row in self.store.select(
                "SELECT ?s ?p ?o WHERE { VALUES ?s { " + self._values(chunk) + " } ?s ?p ?o }"
            ):
                obj = row["o"]
                nested: list = []
                if isinstance(obj, BNode):
                    nested = blanks.setdefault(obj, [])
                found[str(row["s"])].append((row["p"], obj, nested))
        if blanks:
            # A blank node cannot be named in a query: reach it again from its subject.
            holders = sorted({s for s, rows in found.items() for _, o, _ in rows if o in blanks})
            for start in range(0, len(holders), self.batch):
                chunk = holders[start : start + self.batch]
                for row in self.store.select(
                    "SELECT ?b ?p ?o WHERE { VALUES ?s { " + self._values(chunk) + " } "
                    "?s ?q ?b . FILTER(isBlank(?b)) ?b ?p ?o }"
                ):
                    if row["b"] in blanks:
                        blanks[row["b"]].append((row["p"], row["o"]))
        return found

    def _parts(self, iris: Sequence[str], triples: Mapping[str, list]) -> dict[str, set[str]]:
        """The hash-IRI parts of each resource: linked from it, or linking to it as part of it."""
        parts: dict[str, set[str]] = {i: set() for i in iris}
        for iri in iris:
            for _, obj, _ in triples.get(iri, ()):
                if isinstance(obj, URIRef) and str(obj).startswith(iri + "#"):
                    parts[iri].add(str(obj))
        links = " ".join(p.n3() for p in PART_OF_LINKS)
        for start in range(0, len(iris), self.batch):
            chunk = iris[start : start + self.batch]
            for row in self.store.select(
                "SELECT DISTINCT ?r ?s WHERE { VALUES ?r { " + self._values(chunk) + " } "
                "VALUES ?p { " + links + " } ?s ?p ?r }"
            ):
                part, owner = str(row["s"]), str(row["r"])
                if part.startswith(owner + "#"):
                    parts[owner].add(part)
        return parts

    def ancestors(self, iris: Iterable[str]) -> dict[str, set[str]]:
        """Containing places and broader themes of each IRI, all the way up (cached)."""
        wanted = sorted({i for i in iris if i not in self._ancestors})
        for i in wanted:
            self._ancestors[i] = set()
        for start in range(0, len(wanted), self.batch):
            chunk = wanted[start : start + self.batch]
            for row in self.store.select(
                "SELECT DISTINCT ?x ?a WHERE { VALUES ?x { " + self._values(chunk) + " } "
                f"?x {ANCESTOR_PATH} ?a . FILTER(isIRI(?a)) }}"
            ):
                if str(row["a"]) != str(row["x"]):
                    self._ancestors[str(row["x"])].add(str(row["a"]))
        return {i: self._ancestors[i] for i in iris}

    def events_not_series(self, iris: Iterable[str]) -> set[str]:
        """Those of ``iris`` the store describes (they have a type) that are not event series."""
        wanted = sorted(set(iris))
        typed: dict[str, set[str]] = {}
        for start in range(0, len(wanted), self.batch):
            chunk = wanted[start : start + self.batch]
            for row in self.store.select(
                "SELECT ?s ?t WHERE { VALUES ?s { " + self._values(chunk) + " } ?s a ?t }"
            ):
                typed.setdefault(str(row["s"]), set()).add(str(row["t"]))
        return {i for i, types in typed.items() if str(SDO.EventSeries) not in types}

    def labels(self, iris: Iterable[str]) -> dict[str, Pairs]:
        """Every label of each IRI, as (language, text), in the order of LABEL_PROPERTIES (cached)."""
        wanted = sorted({i for i in iris if i not in self._labels})
        for i in wanted:
            self._labels[i] = []
        # One VALUES and a FILTER: two VALUES blocks made Oxigraph 25 times slower here.
        predicates = ", ".join(p.n3() for p in LABEL_PROPERTIES if p != SDO.text)
        found: dict[str, list[tuple[int, str, str]]] = {}
        for start in range(0, len(wanted), self.batch):
            chunk = wanted[start : start + self.batch]
            for row in self.store.select(
                "SELECT ?s ?p ?o WHERE { VALUES ?s { " + self._values(chunk) + " } "
                "?s ?p ?o . FILTER(?p IN (" + predicates + ") && isLiteral(?o)) }"
            ):
                rank = LABEL_RANK[row["p"]]
                found.setdefault(str(row["s"]), []).append((rank, _lang(row["o"]), str(row["o"])))
        for iri, values in found.items():
            self._labels[iri] = _unique([(lang, text) for _, lang, text in sorted(values)])
        return {i: self._labels[i] for i in iris}

    # -- rows ----------------------------------------------------------------------------------

    def rows(self, iris: Sequence[str]) -> dict[str, Row | None]:
        """The row of each IRI (None when the store no longer describes it)."""
        result: dict[str, Row | None] = {}
        for start in range(0, len(iris), self.batch):
            chunk = list(iris[start : start + self.batch])
            result.update(self._rows(chunk))
        return result

    def _rows(self, iris: list[str]) -> dict[str, Row | None]:
        own = self._triples(iris)
        parts = self._parts(iris, own)
        all_parts = sorted(set().union(*parts.values())) if parts else []
        part_triples = self._triples(all_parts) if all_parts else {}

        # Link targets of each resource, and the IRIs whose ancestors we need.
        targets: dict[str, dict[URIRef, list]] = {}
        up: set[str] = set()
        for iri in iris:
            links: dict[URIRef, list] = {}
            for predicate, obj, nested in own[iri]:
                if predicate in LINK_SET:
                    links.setdefault(predicate, []).append((obj, nested))
                    if isinstance(obj, URIRef) and (
                        predicate in TERRITORY_SET or predicate in THEME_SET
                    ):
                        up.add(str(obj))
                    for p2, o2 in nested:  # a blank-node place inside a territory
                        if p2 == SDO_CONTAINED and isinstance(o2, URIRef):
                            up.add(str(o2))
            targets[iri] = links
            if list_kind_of(iri, self.base) in ("place", "theme"):
                up.add(iri)
        ancestors = self.ancestors(up)
        named = {
            str(o)
            for links in targets.values()
            for values in links.values()
            for o, _ in values
            if isinstance(o, URIRef)
        }
        for values in ancestors.values():
            named |= values
        for links in targets.values():
            for values in links.values():
                for _, nested in values:
                    named |= {
                        str(o2)
                        for p2, o2 in nested
                        if p2 == SDO_CONTAINED and isinstance(o2, URIRef)
                    }
        names = self.labels(named)
        # A session is an event held within another event that is not a series.
        within = {
            str(o)
            for links in targets.values()
            for o, _ in links.get(SDO.superEvent, ())
            if isinstance(o, URIRef)
        }
        events = self.events_not_series(within)

        rows: dict[str, Row | None] = {}
        for iri in iris:
            if not own[iri]:
                rows[iri] = None
                continue
            kind = list_kind_of(iri, self.base)
            if kind is None:
                rows[iri] = None
                continue
            row = Row(iri, kind)
            self._fill(row, own[iri], targets[iri], ancestors, names)
            row.top = not row.facets.get("superevent", set()) & events
            for part in sorted(parts.get(iri, ())):
                row.deps.add(part)
                for predicate, obj, _nested in part_triples.get(part, ()):
                    if _is_text(obj) and (
                        predicate in LABEL_SET
                        or predicate in DESCRIPTION_SET
                        or predicate in BODY_SET
                    ):
                        row.text_body.append(analyse_text(str(obj), obj.language))
            rows[iri] = row
        return rows

    def _fill(
        self,
        row: Row,
        triples: list,
        links: dict[URIRef, list],
        ancestors: Mapping[str, set[str]],
        names: Mapping[str, Pairs],
    ) -> None:
        base = self.base
        labels: list[tuple[int, str, str]] = []
        descriptions: list[tuple[int, str, str]] = []
        starts: list[Period] = []
        ends: list[Period] = []
        periods: list[Period] = []
        published: list[Period] = []
        types: set[str] = set()
        for predicate, obj, nested in triples:
            if predicate == RDF_TYPE:
                types.add(str(obj))
            if _is_text(obj):
                text = str(obj)
                if predicate in LABEL_SET and predicate != SDO_TEXT:
                    labels.append((LABEL_RANK[predicate], _lang(obj), text))
                    row.text_label.append(analyse_text(text, obj.language))
                elif predicate in DESCRIPTION_SET:
                    descriptions.append((DESCRIPTION_RANK[predicate], _lang(obj), text))
                    row.text_body.append(analyse_text(text, obj.language))
                elif predicate in BODY_SET:
                    row.text_body.append(analyse_text(text, obj.language))
            elif isinstance(obj, Literal):
                parsed = Period.parse(str(obj))
                if parsed is not None:
                    if predicate in EVENT_START:
                        starts.append(parsed)
                    elif predicate in EVENT_END:
                        ends.append(parsed)
                    elif predicate in PERIOD:
                        periods.append(parsed)
                    elif predicate in PUBLISHED:
                        published.append(parsed)
            for p2, o2 in nested:  # text of blank-node values: addresses, inline places
                if _is_text(o2) and (p2 in LABEL_SET or p2 in BODY_SET):
                    row.text_body.append(analyse_text(str(o2), o2.language))

        row.labels = _unique([(lang, text) for _, lang, text in sorted(labels)])
        row.descriptions = _unique([(lang, text) for _, lang, text in sorted(descriptions)])
        if not row.labels:
            # A post has no name: its first words stand for one, else the IRI's last segment.
            body = next((str(o) for p, o, _ in triples if p == SDO_BODY and _is_text(o)), "")
            if body:
                row.labels = [("", _shorten(body, 90))]
            else:
                row.labels = [("", row.iri.rstrip("/").rsplit("/", 1)[-1])]
        row.period = (
            min(starts, key=lambda p: p.first)
            if starts
            else (
                min(periods, key=lambda p: p.first)
                if periods
                else (min(published, key=lambda p: p.first) if published else None)
            )
        )
        if ends:
            row.end = max(ends, key=lambda p: p.last)
        if row.period is not None:
            row.add_facet("year", row.period.year)

        if row.kind == "place":
            row.subkind = place_level(row.iri, base)
        elif row.kind == "event":
            row.subkind = "series" if str(SDO.EventSeries) in types else "event"
        elif row.kind == "actor":
            row.subkind = "person" if str(SDO.Person) in types else "organization"

        # Facets and context from links.
        territory_roots: set[str] = set()
        theme_roots: set[str] = set()
        for predicate, values in links.items():
            for obj, nested in values:
                if isinstance(obj, URIRef):
                    target = str(obj)
                    row.deps.add(target)
                    if predicate in TERRITORY_SET and target.startswith(base + "id/place/"):
                        territory_roots.add(target)
                    if predicate in THEME_SET and target.startswith(base + "id/theme/"):
                        theme_roots.add(target)
                    for facet, predicates in LINK_FACETS.items():
                        if predicate in predicates:
                            row.add_facet(facet, target)
                    for lang, text in names.get(target, ()):
                        row.text_context.append(analyse_text(text, lang))
                    if predicate == SDO_LOCATION:
                        row.where.append(names.get(target, []))
                        communes = sorted(
                            a
                            for a in ancestors.get(target, ())
                            if a.startswith(base + "id/place/commune/")
                        )
                        if communes and communes[0] != target:
                            row.where.append(names.get(communes[0], []))
                elif isinstance(obj, BNode):
                    inline = [
                        (lang_of(o2), str(o2))
                        for p2, o2 in nested
                        if _is_text(o2) and p2 in LABEL_SET
                    ]
                    for lang, text in inline:
                        row.text_context.append(analyse_text(text, lang))
                    if predicate == SDO_LOCATION and inline:
                        row.where.append(inline)
                    for p2, o2 in nested:
                        if p2 == SDO_CONTAINED and isinstance(o2, URIRef):
                            territory_roots.add(str(o2))
                            row.deps.add(str(o2))
        if row.kind in ("place", "theme"):
            # A territory is filed under those containing it, a theme under its broader ones.
            for ancestor in ancestors.get(row.iri, ()):
                row.deps.add(ancestor)
                facet = "territory" if row.kind == "place" else "theme"
                row.add_facet(facet, ancestor)
                for lang, text in names.get(ancestor, ()):
                    row.text_context.append(analyse_text(text, lang))
        for root in territory_roots:
            row.add_facet("territory", root)
            for ancestor in ancestors.get(root, ()):
                row.deps.add(ancestor)
                if ancestor.startswith(base + "id/place/"):
                    row.add_facet("territory", ancestor)
                    for lang, text in names.get(ancestor, ()):
                        row.text_context.append(analyse_text(text, lang))
        for root in theme_roots:
            row.add_facet("theme", root)
            for ancestor in ancestors.get(root, ()):
                row.deps.add(ancestor)
                if ancestor.startswith(base + "id/theme/"):
                    row.add_facet("theme", ancestor)
        row.deps.discard(row.iri)


def _unique(pairs: Pairs) -> Pairs:
    """The same (language, text) given by several properties counts once."""
    return list(dict.fromkeys(pairs))


def lang_of(value: Any) -> str:
    return _lang(value) if isinstance(value, Literal) else ""


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " …"


# ---------------------------------------------------------------------------------------------
# The index
# ---------------------------------------------------------------------------------------------

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS resource (
    id INTEGER PRIMARY KEY,
    iri TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    subkind TEXT NOT NULL DEFAULT '',
    sort_label TEXT NOT NULL,
    labels TEXT NOT NULL,
    descriptions TEXT NOT NULL,
    place TEXT NOT NULL DEFAULT '[]',
    date_value TEXT,
    date_precision TEXT,
    start_day TEXT,
    end_day TEXT,
    end_value TEXT,
    sort_date TEXT NOT NULL DEFAULT '',
    top INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS resource_label ON resource (kind, sort_label, iri);
CREATE INDEX IF NOT EXISTS resource_date ON resource (kind, sort_date, iri);
CREATE INDEX IF NOT EXISTS resource_end ON resource (kind, end_day);
-- Days and series, newest first, without their sessions (the home page's lists).
CREATE INDEX IF NOT EXISTS resource_top ON resource (kind, top, sort_date, iri);
-- IRIs (and years) that facets and dependencies name, stored once: the tables below hold
-- integers, which keeps the index about the size of the store instead of twice it.
CREATE TABLE IF NOT EXISTS term (id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS facet (
    facet TEXT NOT NULL, value INTEGER NOT NULL, id INTEGER NOT NULL,
    PRIMARY KEY (facet, value, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS facet_id ON facet (id, facet);
CREATE TABLE IF NOT EXISTS dep (
    term INTEGER NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (term, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS dep_id ON dep (id);
CREATE VIRTUAL TABLE IF NOT EXISTS text USING fts5(
    label, body, context, tokenize = 'unicode61 remove_diacritics 2'
);
-- How many rows each facet value has, per kind (and sub-kind), kept by every insert and
-- delete: what an unfiltered list, its facets and the home page's figures count, read in
-- a few rows whatever the size of the store. Levels: (kind, ''), (kind, subkind) and
-- ('*', '') for all kinds; facet '*' value '*' is the level's total, 'month' the start
-- months (rows dated to the month or the day), 'coarse' the rows dated by a year only.
CREATE TABLE IF NOT EXISTS tally (
    kind TEXT NOT NULL, subkind TEXT NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL,
    n INTEGER NOT NULL, PRIMARY KEY (kind, subkind, facet, value)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS tally_top ON tally (kind, subkind, facet, n);
-- Incoming links: every triple whose subject is an IRI and whose object is a document of
-- ours ({base}…, no fragment), in the union of the graphs, by object, property and linking
-- IRI (the order pages are read in, by key), and their number per object and property.
CREATE TABLE IF NOT EXISTS link (
    object INTEGER NOT NULL, property INTEGER NOT NULL, subject TEXT NOT NULL,
    PRIMARY KEY (object, property, subject)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS link_subject ON link (subject);
CREATE TABLE IF NOT EXISTS link_count (
    object INTEGER NOT NULL, property INTEGER NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (object, property)
) WITHOUT ROWID;
"""

#: Every table of the index (emptied before a build).
TABLES = ("resource", "facet", "dep", "term", "text", "meta", "tally", "link", "link_count")

#: Weights of the text columns in the ranking (bm25): names first, then descriptions, then context.
WEIGHTS = (10.0, 3.0, 1.0)

#: Facet counts kept (least recently used go first); they are dropped when the index changes.
FACET_CACHE = 256

#: Facets a search or list may filter on, and the kinds of rows they apply to.
FILTER_FACETS = ("theme", "territory", "organizer", "audience", "year", "scheme", "superevent")


@dataclass(frozen=True)
class Item:
    """One row of a list or a search, as pages and JSON show it."""

    iri: str
    kind: str
    subkind: str
    labels: Pairs
    descriptions: Pairs
    place: list[Pairs]
    date_value: str | None
    date_precision: str | None
    end_value: str | None
    start_day: str | None
    end_day: str | None
    key: tuple  # the keyset position of this item in its list
    score: float | None = None

    def label(self, languages: Languages) -> tuple[str, str]:
        """(text, language) of the best label by the language rule."""
        return _best(self.labels, languages) or (self.iri, "")

    def description(self, languages: Languages) -> tuple[str, str] | None:
        return _best(self.descriptions, languages)

    def where(self, languages: Languages) -> list[tuple[str, str]]:
        """Names of where it is: a venue, then its commune (once when they share a name)."""
        names: list[tuple[str, str]] = []
        for pairs in self.place:
            best = _best(pairs, languages)
            if best and best[0] not in (text for text, _ in names):
                names.append(best)
        return names


@lru_cache(maxsize=4096)
def _rank(languages: Languages, lang: str) -> int:
    """The language rule's rank of a tag (it depends on the tag only)."""
    return languages.rank(Literal("", lang=lang or None))


def _best(pairs: Sequence[Sequence[str]], languages: Languages) -> tuple[str, str] | None:
    best = None
    best_key = None
    for position, (lang, text) in enumerate(pairs):
        key = (_rank(languages, lang), position)
        if best_key is None or key < best_key:
            best, best_key = (text, lang), key
    return best


@dataclass(frozen=True)
class Page:
    items: list[Item]
    total: int | None  # None when not counted (``Index.list(count=False)``)
    next_key: tuple | None
    prev_key: tuple | None


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    labels: Pairs
    kind: str | None = None

    def label(self, languages: Languages) -> tuple[str, str]:
        return _best(self.labels, languages) or (self.value, "")


@dataclass
class Filters:
    """What a list or a search is narrowed to. Facet values are full IRIs (or years)."""

    kind: str | None = None
    subkind: str | None = None
    facets: list[tuple[str, str]] = field(default_factory=list)
    when: str = "all"  # "all", "upcoming", "past"
    today: str | None = None  # ISO day "upcoming" and "past" are relative to
    date_from: Period | None = None
    date_to: Period | None = None
    top_level: bool = False  # leave out the sessions of an event (a series' days stay)

    def sql(self, alias: str = "r") -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if self.kind:
            clauses.append(f"{alias}.kind = ?")
            params.append(self.kind)
        if self.subkind:
            clauses.append(f"{alias}.subkind = ?")
            params.append(self.subkind)
        for facet, value in self.facets:
            clauses.append(
                f"{alias}.id IN (SELECT id FROM facet WHERE facet = ? AND value = "
                "(SELECT id FROM term WHERE iri = ?))"
            )
            params += [facet, value]
        if self.when in ("upcoming", "past"):
            today = self.today or date.today().isoformat()
            if self.when == "upcoming":
                clauses.append(f"{alias}.end_day >= ?")
                params.append(today)
            else:
                # A past event also started before today: the second clause says so to the
                # index on (kind, sort_date), so that the newest past events are read first
                # without walking the upcoming ones.
                clauses.append(f"{alias}.end_day < ? AND {alias}.sort_date < ?")
                params += [today, today]
        if self.date_from is not None:
            clauses.append(f"{alias}.end_day >= ?")
            params.append(self.date_from.first)
        if self.date_to is not None:
            clauses.append(f"{alias}.start_day <= ?")
            params.append(self.date_to.last)
        if self.top_level:
            # A column of the row, in the index on (kind, top, sort_date): the newest days
            # are read first, however many sessions come after them.
            clauses.append(f"{alias}.top = 1")
        return (" AND ".join(clauses) or "1"), params

    def tallied(self) -> bool:
        """Whether the :data:`tally` table answers for this selection (a kind and maybe a
        sub-kind, nothing else): counts then cost a few rows, whatever the store's size."""
        return (
            not self.facets
            and self.when == "all"
            and self.date_from is None
            and self.date_to is None
            and not self.top_level
            and (self.subkind is None or self.kind is not None)
        )

    def level(self) -> tuple[str, str]:
        """The tally level of a :meth:`tallied` selection."""
        return (self.kind or "*", self.subkind or "")


#: Orders a list can be sorted in: name → (sort column, descending).
ORDERS: dict[str, tuple[str, bool]] = {
    "label": ("sort_label", False),
    "date": ("sort_date", False),
    "date-desc": ("sort_date", True),
}

_COLUMNS = (
    "r.id, r.iri, r.kind, r.subkind, r.labels, r.descriptions, r.place, r.date_value, "
    "r.date_precision, r.end_value, r.start_day, r.end_day, r.sort_label, r.sort_date"
)


#: Linking IRIs whose outgoing links one query reads, when an update follows a write.
LINK_BATCH = 400
#: Incoming links a build writes at a time.
LINK_WRITE_BATCH = 50_000
#: Most properties a resource's incoming links are grouped by (a resource linked by more is rare).
MAX_INCOMING_PROPERTIES = 200


def tally_keys(
    kind: str,
    subkind: str,
    facets: Mapping[str, Iterable[str]],
    precision: str | None,
    start: str | None,
) -> list[tuple[str, str, str, str]]:
    """The :data:`tally` rows one index row counts in (see the table's comment)."""
    levels = [(kind, ""), ("*", "")] + ([(kind, subkind)] if subkind else [])
    keys = [("*", "", "kind", kind), (kind, "", "subkind", subkind)]
    for level, sub in levels:
        keys.append((level, sub, "*", "*"))
        for facet, values in facets.items():
            keys += [(level, sub, facet, value) for value in values]
        if precision in ("day", "month") and start:
            keys.append((level, sub, "month", start[:7]))
        elif precision == "year":
            keys.append((level, sub, "coarse", "*"))
    return keys


class _Gate:
    """Any number of readers, or one swap: the index file is replaced (:meth:`Index.adopt`)
    only while no reader is using it. A thread may read within its own read."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._readers = 0
        self._closed = False
        self._depth = threading.local()

    @contextmanager
    def reading(self) -> Iterator[None]:
        depth = getattr(self._depth, "n", 0)
        if not depth:
            with self._condition:
                while self._closed:
                    self._condition.wait()
                self._readers += 1
        self._depth.n = depth + 1
        try:
            yield
        finally:
            self._depth.n = depth
            if not depth:
                with self._condition:
                    self._readers -= 1
                    self._condition.notify_all()

    @contextmanager
    def closed(self) -> Iterator[None]:
        with self._condition:
            while self._closed:
                self._condition.wait()
            self._closed = True
            while self._readers:
                self._condition.wait()
        try:
            yield
        finally:
            with self._condition:
                self._closed = False
                self._condition.notify_all()


class Index:
    """The SQLite index of one store. Thread-safe: readers use one connection per thread
    (WAL: they never wait for the writer), writes are serialised.

    Two states matter to its readers. It is *servable* when its file holds a finished index
    of this layout, base and language order; reading one that is not raises
    :class:`~service.errors.NotReady` (503, ``Retry-After``). It is *trusted* when it is in
    step with the store: built from it, and told of every write since (:meth:`update`). An
    index that is servable but not trusted (the store changed while the service was
    stopped, or an update failed) is read as it is while :mod:`service.indexing` builds a
    fresh one, which :meth:`adopt` then puts in its place.
    """

    def __init__(
        self,
        path: Path | str,
        base_url: str = DEFAULT_BASE,
        languages: Sequence[str] = ("fr", "en"),
        timeout: float = 10.0,
    ):
        self.path = Path(path)
        self.base = base_url
        self.languages = tuple(languages)
        self.timeout = timeout
        self._write = threading.RLock()
        self._local = threading.local()
        self._version = 0  # bumped by every write: caches of derived figures key on it
        self._facet_cache: OrderedDict[tuple, list[FacetValue]] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._gate = _Gate()
        self._epoch = 0  # bumped when the file is replaced: each thread then reconnects
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        self._pending: set[str] | None = None  # IRIs written while a fresh index is built
        self._trusted = True
        self._servable = False
        self._generation: int | None = None
        self._built = ""
        #: Seconds a client should wait when the index is not servable (set by its builder).
        self.retry_after: Callable[[], int] = lambda: 10
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self._layout() not in (None, SCHEMA_VERSION):
            # An index of another layout: start from an empty file (it is rebuilt from the store).
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        with self._writer() as db:
            db.executescript(_SCHEMA)
        self._refresh()

    # -- connections ---------------------------------------------------------------------------

    def _layout(self) -> str | None:
        """The layout version of the index file, None when there is no index yet."""
        if not self.path.exists():
            return None
        db = sqlite3.connect(self.path)
        try:
            tables = {
                n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            if not tables:
                return None
            if "meta" in tables and "resource" in tables:
                found = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
                return found[0] if found else ""
        except sqlite3.DatabaseError:
            pass
        finally:
            db.close()
        # Never remove a file that is not an index of ours: the setting may point at the wrong one.
        raise ConfigError(
            f"{self.path} n'est pas un index de recherche de ce service ; réglez index_path.",
            f"{self.path} is not a search index of this service; set index_path.",
        )

    def _connect(self) -> sqlite3.Connection:
        # Not tied to its thread: :meth:`adopt` closes every reader before it replaces the file.
        db = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = OFF")
        return db

    def _reader(self) -> sqlite3.Connection:
        local = self._local
        db = getattr(local, "db", None)
        if db is not None and getattr(local, "epoch", None) != self._epoch:
            db = None  # closed when the file was replaced
        if db is None:
            db = local.db = self._connect()
            local.epoch = self._epoch
            db.execute("PRAGMA query_only = ON")
            with self._connections_lock:
                self._connections.append(db)
        return db

    @contextmanager
    def _writer(self) -> Iterator[sqlite3.Connection]:
        with self._write:
            db = self._connect()
            try:
                yield db
            finally:
                db.close()

    @contextmanager
    def _bounded(self) -> Iterator[sqlite3.Connection]:
        """A reader whose statements are interrupted past the time-out; :class:`NotReady` while
        the index is not servable."""
        with self._gate.reading():
            if not self._servable:
                raise self.not_ready()
            db = self._reader()
            deadline = time.monotonic() + self.timeout
            db.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 20_000)
            try:
                yield db
            except sqlite3.OperationalError as error:
                if "interrupted" in str(error):
                    raise QueryTimeout(
                        f"La recherche a dépassé {self.timeout:g} s ; précisez-la.",
                        f"The search took longer than {self.timeout:g} s; narrow it down.",
                    ) from None
                raise
            finally:
                db.set_progress_handler(None, 0)

    def not_ready(self) -> NotReady:
        seconds = max(1, int(self.retry_after()))
        return NotReady(
            "Les listes, la recherche et la page d'accueil sont en préparation : l'index de "
            f"recherche se construit depuis le magasin ; réessayez dans {seconds} s. Les pages "
            "des ressources et le point SPARQL répondent déjà.",
            "Lists, search and the home page are being prepared: the search index is being "
            f"built from the store; try again in {seconds} s. Resource pages and the SPARQL "
            "endpoint already answer.",
            retry_after=seconds,
        )

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            with self._connections_lock:
                if db in self._connections:
                    self._connections.remove(db)
            db.close()
            self._local.db = None

    def _close_readers(self) -> None:
        """Close every thread's reader (the caller holds the gate closed)."""
        with self._connections_lock:
            for db in self._connections:
                try:
                    db.close()
                except sqlite3.Error:
                    pass
            self._connections.clear()
            self._epoch += 1

    # -- state -----------------------------------------------------------------------------------

    def meta(self) -> dict[str, str]:
        with self._gate.reading():
            return dict(self._reader().execute("SELECT key, value FROM meta").fetchall())

    def _refresh(self) -> None:
        """Servable, generation and build time, from the file's ``meta``."""
        meta = self.meta()
        expected = self._expected_meta()
        self._servable = all(meta.get(k) == v for k, v in expected.items()) and "generation" in meta
        self._generation = int(meta["generation"]) if "generation" in meta else None
        self._built = meta.get("built", "")
        try:
            self.build_seconds: float | None = float(meta["seconds"])
        except (KeyError, ValueError):
            self.build_seconds = None

    @property
    def generation(self) -> int | None:
        value = self.meta().get("generation")
        return int(value) if value is not None else None

    @property
    def version(self) -> int:
        return self._version

    @property
    def last_generation(self) -> int | None:
        """The store generation of its last build or update, as known in memory."""
        return self._generation

    @property
    def servable(self) -> bool:
        """Its file holds a finished index of this layout, base and languages."""
        return self._servable

    @property
    def trusted(self) -> bool:
        """Servable and in step with the store: every write has reached it."""
        return self._servable and self._trusted

    @property
    def stamp(self) -> str:
        """What tells this index's answers from any earlier ones (for validators): the
        generation of its last update and when its file was built."""
        return f"{self._generation}@{self._built}"

    def distrust(self) -> None:
        """Mark it out of step with the store (its builder then builds a fresh one)."""
        self._trusted = False

    def _expected_meta(self) -> dict[str, str]:
        return {
            "schema": SCHEMA_VERSION,
            "base_url": self.base,
            "languages": ",".join(self.languages),
        }

    def is_current(self, store) -> bool:
        meta = self.meta()
        expected = self._expected_meta()
        return all(meta.get(k) == v for k, v in expected.items()) and meta.get("generation") == str(
            store.generation
        )

    def ensure(self, store) -> bool:
        """Build the index from the store when it is missing or stale; True when it was built."""
        if self.is_current(store):
            self._trusted = True
            return False
        self.build(store)
        return True

    # -- writing ---------------------------------------------------------------------------------

    def build(self, store, batch: int = 400) -> int:
        """Rebuild every row from the store, in one transaction; return the number of rows.

        Readers see the previous index until the new one is committed. The server builds a
        fresh file in another process instead (:mod:`service.indexing`); this is also what
        ``mediation reindex`` runs.
        """
        started = time.monotonic()
        generation = store.generation
        gatherer = _Gatherer(store, self.base, self.languages, batch)
        prefix = self.base + "id/"
        subjects = sorted(
            {
                str(row["s"])
                for row in store.select(
                    "SELECT DISTINCT ?s WHERE { ?s a ?t . FILTER(isIRI(?s) && STRSTARTS(STR(?s), "
                    + Literal(prefix).n3()
                    + ")) }"
                )
            }
        )
        subjects = [s for s in subjects if list_kind_of(s, self.base) is not None]
        count = 0
        tally: Counter = Counter()
        with self._writer() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                for table in TABLES:
                    db.execute(f"DELETE FROM {table}")
                for start in range(0, len(subjects), batch):
                    rows = gatherer.rows(subjects[start : start + batch])
                    count += self._insert(
                        db, (row for row in rows.values() if row is not None), tally
                    )
                self._flush_tally(db, tally)
                links = self._build_links(db, store)
                self._set_meta(db, generation, built=True)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("ANALYZE")
            # What the build took: how long a client is told to wait for the next one.
            db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('seconds', ?)",
                (f"{time.monotonic() - started:.1f}",),
            )
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._version += 1
        self._trusted = True
        self._clear_caches()
        self._refresh()
        log.info(
            "search index built: %d resources, %d incoming links in %.1f s",
            count,
            links,
            time.monotonic() - started,
        )
        return count

    def update(self, store, iris: Iterable[str]) -> int:
        """Reindex the resources ``iris`` name (a hash IRI names its resource), and every row
        built from them; rows of resources the store no longer describes are removed; the
        incoming links of every IRI of ``iris`` are read again.

        Atomic: one transaction. Call it after each write with the IRIs it touched
        (:func:`changed_iris` gives them for a changeset). Returns the number of rows rewritten.
        While a fresh index is being built, the IRIs are also kept for it (:meth:`adopt`);
        an index that is not servable only keeps them.
        """
        given = {str(i) for i in iris if isinstance(i, (str, URIRef)) and not isinstance(i, BNode)}
        if not given:
            return 0
        with store.write_lock(), self._write:
            if self._pending is not None:
                self._pending |= given
            if not self._servable:
                return 0
            try:
                return self._update(store, given)
            except BaseException:
                self._trusted = False  # its builder makes a fresh one
                raise

    def _update(self, store, given: set[str]) -> int:
        owners = {i.split("#", 1)[0] for i in given}
        db = self._reader()
        targets = {o for o in owners if list_kind_of(o, self.base) is not None}
        lookup = sorted(given | owners)
        for start in range(0, len(lookup), 500):
            chunk = lookup[start : start + 500]
            marks = ",".join("?" * len(chunk))
            targets.update(
                row[0]
                for row in db.execute(
                    f"SELECT DISTINCT r.iri FROM term t JOIN dep d ON d.term = t.id "
                    f"JOIN resource r ON r.id = d.id WHERE t.iri IN ({marks})",
                    chunk,
                )
            )
        ordered = sorted(targets)
        rows = _Gatherer(store, self.base, self.languages).rows(ordered)
        links = self._outgoing(store, sorted(given))
        generation = store.generation
        tally: Counter = Counter()
        with self._writer() as writer:
            writer.execute("BEGIN IMMEDIATE")
            try:
                for iri in ordered:
                    self._delete(writer, iri, tally)
                self._insert(writer, (rows[i] for i in ordered if rows.get(i) is not None), tally)
                self._flush_tally(writer, tally)
                self._write_links(writer, links)
                if self._trusted:
                    self._set_meta(writer, generation)
                writer.execute("COMMIT")
            except BaseException:
                writer.execute("ROLLBACK")
                raise
        if self._trusted:
            self._generation = generation
        self._version += 1
        self._clear_caches()
        return len(ordered)

    def remove(self, iris: Iterable[str]) -> int:
        """Remove the rows of ``iris`` (hash IRIs name their resource), in one transaction.

        Rows built from them stay as they are, and so do incoming links: when the store
        still holds those, :meth:`update` is the call that reindexes them.
        """
        owners = sorted({str(i).split("#", 1)[0] for i in iris})
        removed = 0
        tally: Counter = Counter()
        with self._writer() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                for iri in owners:
                    removed += self._delete(db, iri, tally)
                self._flush_tally(db, tally)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        self._version += 1
        self._clear_caches()
        return removed

    # -- a fresh index in this one's place ---------------------------------------------------------

    def record(self) -> None:
        """From now on, keep the IRIs of every :meth:`update` for a fresh index being built."""
        with self._write:
            self._pending = set()

    def recorded(self) -> set[str]:
        """The IRIs kept since the last call (and keep recording)."""
        with self._write:
            found = self._pending or set()
            if self._pending is not None:
                self._pending = set()
            return found

    def stop_recording(self) -> None:
        with self._write:
            self._pending = None

    def adopt(self, fresh: Index, store) -> None:
        """Put ``fresh`` (an index file built from a copy of the store, then brought up to
        date with :meth:`recorded`) in this one's place, atomically for readers.

        Under the store's write lock: the last IRIs recorded are replayed into ``fresh``,
        whose file is then closed and moved over this one's while no reader uses it (a few
        milliseconds); every thread reconnects on its next read. From then on the index is
        servable and trusted.
        """
        with store.write_lock(), self._write:
            last = self._pending or set()
            if last:
                fresh.update(store, last)
            fresh.release()
            with self._gate.closed():
                self._close_readers()
                for suffix in ("-wal", "-shm"):
                    Path(f"{self.path}{suffix}").unlink(missing_ok=True)
                os.replace(fresh.path, self.path)
                sync_directory(self.path.parent)
            self._pending = None
            self._trusted = True
            self._version += 1
            self._clear_caches()
            self._refresh()

    def release(self) -> None:
        """Close every connection and fold the write-ahead log into the file, which can then
        be moved whole."""
        with self._write, self._gate.closed():
            self._close_readers()
            db = sqlite3.connect(self.path, isolation_level=None)
            try:
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                db.execute("PRAGMA journal_mode = DELETE")
            finally:
                db.close()

    # -- rows, tallies and links -------------------------------------------------------------------

    def _clear_caches(self) -> None:
        with self._cache_lock:
            self._facet_cache.clear()

    def _set_meta(self, db: sqlite3.Connection, generation: int, built: bool = False) -> None:
        values = {**self._expected_meta(), "generation": str(generation)}
        if built:
            values["built"] = datetime.now(UTC).isoformat(timespec="seconds")
        db.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", values.items())

    @staticmethod
    def _delete(db: sqlite3.Connection, iri: str, tally: Counter) -> int:
        found = db.execute(
            "SELECT id, kind, subkind, date_precision, start_day FROM resource WHERE iri = ?",
            (iri,),
        ).fetchone()
        if found is None:
            return 0
        rid, kind, subkind, precision, start = found
        facets: dict[str, set[str]] = {}
        for facet, value in db.execute(
            "SELECT f.facet, t.iri FROM facet f JOIN term t ON t.id = f.value WHERE f.id = ?",
            (rid,),
        ):
            facets.setdefault(facet, set()).add(value)
        for key in tally_keys(kind, subkind, facets, precision, start):
            tally[key] -= 1
        db.execute("DELETE FROM resource WHERE id = ?", (rid,))
        db.execute("DELETE FROM facet WHERE id = ?", (rid,))
        db.execute("DELETE FROM dep WHERE id = ?", (rid,))
        db.execute("DELETE FROM text WHERE rowid = ?", (rid,))
        return 1

    def _insert(self, db: sqlite3.Connection, rows: Iterable[Row], tally: Counter) -> int:
        """Insert rows (none of them already there); their facets, deps and text in bulk."""
        languages = Languages(self.languages)
        facets, deps, texts = [], [], []
        count = 0
        for row in rows:
            best = _best(row.labels, languages)
            sort_label = fold(best[0]) if best else row.iri
            period, end = row.period, row.end
            last = end.last if end is not None else (period.last if period is not None else None)
            cursor = db.execute(
                "INSERT INTO resource (iri, kind, subkind, sort_label, labels, descriptions, place, "
                "date_value, date_precision, start_day, end_day, end_value, sort_date, top) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    row.iri,
                    row.kind,
                    row.subkind,
                    sort_label,
                    json.dumps(row.labels, ensure_ascii=False),
                    json.dumps(row.descriptions, ensure_ascii=False),
                    json.dumps(row.where, ensure_ascii=False),
                    period.value if period else None,
                    period.precision if period else None,
                    period.first if period else None,
                    last,
                    end.value
                    if end is not None and period is not None and end.value != period.value
                    else None,
                    period.first if period else "",
                    int(row.top),
                ),
            )
            rid = cursor.lastrowid
            facets += [
                (facet, value, rid) for facet, values in row.facets.items() for value in values
            ]
            deps += [(dep, rid) for dep in row.deps]
            texts.append(
                (rid, " ".join(row.text_label), " ".join(row.text_body), " ".join(row.text_context))
            )
            for key in tally_keys(
                row.kind,
                row.subkind,
                row.facets,
                period.precision if period else None,
                period.first if period else None,
            ):
                tally[key] += 1
            count += 1
        terms = self._terms(db, {value for _, value, _ in facets} | {dep for dep, _ in deps})
        db.executemany(
            "INSERT OR IGNORE INTO facet (facet, value, id) VALUES (?, ?, ?)",
            [(facet, terms[value], rid) for facet, value, rid in facets],
        )
        db.executemany(
            "INSERT OR IGNORE INTO dep (term, id) VALUES (?, ?)",
            [(terms[dep], rid) for dep, rid in deps],
        )
        db.executemany("INSERT INTO text (rowid, label, body, context) VALUES (?, ?, ?, ?)", texts)
        return count

    @staticmethod
    def _flush_tally(db: sqlite3.Connection, tally: Counter) -> None:
        changed = [(key, n) for key, n in tally.items() if n]
        db.executemany(
            "INSERT INTO tally (kind, subkind, facet, value, n) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (kind, subkind, facet, value) DO UPDATE SET n = n + excluded.n",
            [(*key, n) for key, n in changed],
        )
        db.executemany(
            "DELETE FROM tally WHERE kind = ? AND subkind = ? AND facet = ? "
            "AND value = ? AND n <= 0",
            [key for key, n in changed if n < 0],
        )
        tally.clear()

    def _linkable(self, iri: str) -> bool:
        """An IRI whose incoming links are kept: a document of ours (no fragment)."""
        return iri.startswith(self.base) and "#" not in iri

    def _outgoing(self, store, subjects: list[str]) -> dict[str, set[tuple[str, str]]]:
        """What each of ``subjects`` links to (object, property), among documents of ours."""
        found: dict[str, set[tuple[str, str]]] = {s: set() for s in subjects}
        prefix = Literal(self.base).n3()
        for start in range(0, len(subjects), LINK_BATCH):
            chunk = subjects[start : start + LINK_BATCH]
            values = " ".join(URIRef(s).n3() for s in chunk)
            for row in store.select(
                f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o "
                f"FILTER(isIRI(?o) && STRSTARTS(STR(?o), {prefix})) }}"
            ):
                target = str(row["o"])
                if self._linkable(target):
                    found[str(row["s"])].add((target, str(row["p"])))
        return found

    def _write_links(
        self, db: sqlite3.Connection, links: Mapping[str, set[tuple[str, str]]]
    ) -> None:
        """Replace the incoming links ``links`` gives for its subjects; keep the counts."""
        terms = self._terms(
            db,
            {o for pairs in links.values() for o, _ in pairs}
            | {p for pairs in links.values() for _, p in pairs},
        )
        counts: Counter = Counter()
        removed, added = [], []
        for subject, pairs in links.items():
            old = set(db.execute("SELECT object, property FROM link WHERE subject = ?", (subject,)))
            new = {(terms[o], terms[p]) for o, p in pairs}
            for pair in old - new:
                removed.append((*pair, subject))
                counts[pair] -= 1
            for pair in new - old:
                added.append((*pair, subject))
                counts[pair] += 1
        db.executemany(
            "DELETE FROM link WHERE object = ? AND property = ? AND subject = ?", removed
        )
        db.executemany("INSERT INTO link (object, property, subject) VALUES (?, ?, ?)", added)
        changed = [(pair, n) for pair, n in counts.items() if n]
        db.executemany(
            "INSERT INTO link_count (object, property, n) VALUES (?, ?, ?) "
            "ON CONFLICT (object, property) DO UPDATE SET n = n + excluded.n",
            [(*pair, n) for pair, n in changed],
        )
        db.executemany(
            "DELETE FROM link_count WHERE object = ? AND property = ? AND n <= 0",
            [pair for pair, n in changed if n < 0],
        )

    def _build_links(self, db: sqlite3.Connection, store) -> int:
        """Every incoming link of the store, in one streaming pass over its quads (a triple
        held in several graphs is one link)."""
        batch: list[tuple[str, str, str]] = []

        def flush() -> None:
            terms = self._terms(db, {o for o, _, _ in batch} | {p for _, p, _ in batch})
            db.executemany(
                "INSERT OR IGNORE INTO link (object, property, subject) VALUES (?, ?, ?)",
                [(terms[o], terms[p], s) for o, p, s in batch],
            )
            batch.clear()

        for subject, predicate, obj, _ in store.quads():
            if isinstance(obj, URIRef) and isinstance(subject, URIRef):
                target = str(obj)
                if self._linkable(target):
                    batch.append((target, str(predicate), str(subject)))
                    if len(batch) >= LINK_WRITE_BATCH:
                        flush()
        flush()
        db.execute(
            "INSERT INTO link_count (object, property, n) SELECT object, property, count(*) "
            "FROM link GROUP BY object, property"
        )
        return db.execute("SELECT count(*) FROM link").fetchone()[0]

    @staticmethod
    def _terms(db: sqlite3.Connection, iris: set[str]) -> dict[str, int]:
        """The term id of each IRI (or year), added when new."""
        wanted = sorted(iris)
        db.executemany("INSERT OR IGNORE INTO term (iri) VALUES (?)", [(i,) for i in wanted])
        found: dict[str, int] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                (iri, tid)
                for tid, iri in db.execute(
                    f"SELECT id, iri FROM term WHERE iri IN ({marks})", chunk
                )
            )
        return found

    # -- reading ---------------------------------------------------------------------------------

    @staticmethod
    def _item(record: Sequence[Any], key: tuple, score: float | None = None) -> Item:
        return Item(
            iri=record[1],
            kind=record[2],
            subkind=record[3],
            labels=[tuple(p) for p in json.loads(record[4])],
            descriptions=[tuple(p) for p in json.loads(record[5])],
            place=[[tuple(p) for p in pairs] for pairs in json.loads(record[6])],
            date_value=record[7],
            date_precision=record[8],
            end_value=record[9],
            start_day=record[10],
            end_day=record[11],
            key=key,
            score=score,
        )

    def get(self, iris: Iterable[str]) -> dict[str, Item]:
        """The rows of these IRIs (those the index holds)."""
        wanted = sorted({str(i) for i in iris})
        found: dict[str, Item] = {}
        with self._bounded() as db:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for record in db.execute(
                    f"SELECT {_COLUMNS} FROM resource r WHERE r.iri IN ({marks})", chunk
                ):
                    found[record[1]] = self._item(record, (record[12], record[1]))
        return found

    def exists(self, iri: str) -> bool:
        with self._bounded() as db:
            return db.execute("SELECT 1 FROM resource WHERE iri = ?", (iri,)).fetchone() is not None

    def list(
        self,
        filters: Filters,
        order: str = "label",
        limit: int = 50,
        after: tuple | None = None,
        before: tuple | None = None,
        count: bool = True,
    ) -> Page:
        """One page of a list, by key: ``after`` the last item seen, or ``before`` the first.

        Its total is counted when ``count`` (else None): from the tallies for a kind and
        sub-kind alone, else over the rows the filters select."""
        column, descending = ORDERS[order]
        where, params = filters.sql()
        # Items that come later in the list's order than a key, and earlier.
        later, earlier = ("<", ">") if descending else (">", "<")
        forward = before is None
        position = after if forward else before
        # Walking back from ``before`` reads the list in reverse, then puts the page back.
        reverse = descending if forward else not descending
        direction = "DESC" if reverse else "ASC"
        keyset, key_params = "", []
        if position is not None:
            keyset = f" AND (r.{column}, r.iri) {later if forward else earlier} (?, ?)"
            key_params = list(position)
        key_index = 12 if column == "sort_label" else 13
        with self._bounded() as db:
            records = db.execute(
                f"SELECT {_COLUMNS} FROM resource r WHERE {where}{keyset} "
                f"ORDER BY r.{column} {direction}, r.iri {direction} LIMIT ?",
                params + key_params + [limit + 1],
            ).fetchall()
            more = len(records) > limit
            records = records[:limit]
            if not forward:
                records.reverse()
            items = [self._item(r, (r[key_index], r[1])) for r in records]

            def beyond(key: tuple, comparison: str) -> bool:
                return (
                    db.execute(
                        f"SELECT 1 FROM resource r WHERE {where} AND (r.{column}, r.iri) {comparison} "
                        "(?, ?) LIMIT 1",
                        params + list(key),
                    ).fetchone()
                    is not None
                )

            if forward:
                next_key = items[-1].key if more and items else None
                prev_key = (
                    items[0].key
                    if items and position is not None and beyond(items[0].key, earlier)
                    else None
                )
            else:
                prev_key = items[0].key if more and items else None
                next_key = items[-1].key if items and beyond(items[-1].key, later) else None
            total = None
            if count and filters.tallied():
                total = self._tally_total(db, filters.level())
            elif count:
                total = db.execute(
                    f"SELECT count(*) FROM resource r WHERE {where}", params
                ).fetchone()[0]
        return Page(items, total, next_key, prev_key)

    def search(
        self, text: str, filters: Filters, limit: int = 20, after: tuple | None = None
    ) -> tuple[Page, list[frozenset[str]], bool]:
        """Resources matching every word of ``text`` (French-aware), best first, by key.

        Returns the page, the query's stems (for highlighting) and whether words were dropped.
        """
        terms, truncated = query_stems(text)
        if not terms:
            return Page([], 0, None, None), [], truncated
        where, params = filters.sql()
        expression = fts_expression(terms)
        keyset = ""
        key_params: list[Any] = []
        if after is not None:
            keyset = " AND (s.score, r.iri) > (?, ?)"
            key_params = list(after)
        weights = ", ".join(str(w) for w in WEIGHTS)
        with self._bounded() as db:
            records = db.execute(
                f"SELECT {_COLUMNS}, s.score FROM (SELECT rowid AS id, bm25(text, {weights}) AS score "
                f"FROM text WHERE text MATCH ?) s JOIN resource r ON r.id = s.id "
                f"WHERE {where}{keyset} ORDER BY s.score, r.iri LIMIT ?",
                [expression] + params + key_params + [limit + 1],
            ).fetchall()
            total = db.execute(
                f"SELECT count(*) FROM text JOIN resource r ON r.id = text.rowid "
                f"WHERE text MATCH ? AND {where}",
                [expression] + params,
            ).fetchone()[0]
        more = len(records) > limit
        records = records[:limit]
        items = [self._item(r, (r[14], r[1]), r[14]) for r in records]
        next_key = items[-1].key if more and items else None
        return Page(items, total, next_key, None), terms, truncated

    def facet_counts(
        self,
        facet: str,
        filters: Filters,
        text: str = "",
        limit: int = 12,
        prefix: str | None = None,
    ) -> list[FacetValue]:
        """The most frequent values of a facet among the resources a search or list selects.

        ``facet`` is a facet name, or ``kind``. ``prefix`` keeps values starting with it
        (``{base}id/place/departement/`` for départements). Kept until the index changes:
        the pages of one search, or of one list, count their facets once.
        """
        key = (self._version, facet, repr(filters), text, limit, prefix)
        with self._cache_lock:
            if key in self._facet_cache:
                self._facet_cache.move_to_end(key)
                return self._facet_cache[key]
        values = self._facet_counts(facet, filters, text, limit, prefix)
        with self._cache_lock:
            self._facet_cache[key] = values
            while len(self._facet_cache) > FACET_CACHE:
                self._facet_cache.popitem(last=False)
        return values

    def _facet_counts(
        self, facet: str, filters: Filters, text: str, limit: int, prefix: str | None
    ) -> list[FacetValue]:
        if not text and filters.tallied():
            return self._tallied_counts(facet, filters, limit, prefix)
        where, params = filters.sql()
        source, match, match_params = "resource r", "", []
        if text:
            terms, _ = query_stems(text)
            if not terms:
                return []
            source = "text JOIN resource r ON r.id = text.rowid"
            match, match_params = "text MATCH ? AND ", [fts_expression(terms)]
        with self._bounded() as db:
            if facet in ("kind", "subkind"):
                records = db.execute(
                    f"SELECT r.{facet} AS v, count(*) AS n FROM {source} WHERE {match}{where} "
                    "GROUP BY v ORDER BY n DESC, v LIMIT ?",
                    match_params + params + [limit],
                ).fetchall()
                named = _kind_labels if facet == "kind" else _subkind_labels
                return [FacetValue(value, n, named(value)) for value, n in records]
            value_filter, value_params = "", []
            if prefix:
                value_filter = " AND f.value IN (SELECT id FROM term WHERE iri >= ? AND iri < ?)"
                value_params = [prefix, prefix + "\U0010ffff"]
            records = db.execute(
                f"SELECT t.iri, c.n FROM (SELECT f.value, count(*) AS n FROM {source} "
                f"JOIN facet f ON f.id = r.id WHERE {match}f.facet = ?{value_filter} AND {where} "
                "GROUP BY f.value) c JOIN term t ON t.id = c.value ORDER BY c.n DESC, t.iri LIMIT ?",
                match_params + [facet] + value_params + params + [limit],
            ).fetchall()
            labels = self._labels_of(db, [v for v, _ in records]) if facet != "year" else {}
        return [
            FacetValue(
                value,
                n,
                labels.get(value, (None, []))[1] or [("", value)],
                labels.get(value, (None, []))[0],
            )
            for value, n in records
        ]

    def _tallied_counts(
        self, facet: str, filters: Filters, limit: int, prefix: str | None
    ) -> list[FacetValue]:
        """:meth:`facet_counts` of a kind (and sub-kind) alone, from the tallies: the top
        ``limit`` rows of one index range."""
        kind, subkind = filters.level()
        with self._bounded() as db:
            if facet == "kind" and filters.kind:
                return [
                    FacetValue(
                        filters.kind,
                        self._tally_total(db, (kind, subkind)),
                        _kind_labels(filters.kind),
                    )
                ]
            if facet == "subkind" and filters.subkind:
                return [
                    FacetValue(
                        filters.subkind,
                        self._tally_total(db, (kind, subkind)),
                        _subkind_labels(filters.subkind),
                    )
                ]
            level = {"kind": ("*", ""), "subkind": (kind, "")}.get(facet, (kind, subkind))
            value_filter, value_params = "", []
            if prefix:
                value_filter = " AND value >= ? AND value < ?"
                value_params = [prefix, prefix + "\U0010ffff"]
            records = db.execute(
                "SELECT value, n FROM tally WHERE kind = ? AND subkind = ? AND facet = ?"
                f"{value_filter} ORDER BY n DESC, value LIMIT ?",
                [*level, facet, *value_params, limit],
            ).fetchall()
            if facet in ("kind", "subkind"):
                named = _kind_labels if facet == "kind" else _subkind_labels
                return [FacetValue(value, n, named(value)) for value, n in records]
            labels = self._labels_of(db, [v for v, _ in records]) if facet != "year" else {}
        return [
            FacetValue(
                value,
                n,
                labels.get(value, (None, []))[1] or [("", value)],
                labels.get(value, (None, []))[0],
            )
            for value, n in records
        ]

    @staticmethod
    def _tally_total(db: sqlite3.Connection, level: tuple[str, str]) -> int:
        found = db.execute(
            "SELECT n FROM tally WHERE kind = ? AND subkind = ? AND facet = '*' AND value = '*'",
            level,
        ).fetchone()
        return found[0] if found else 0

    def timeline(self, filters: Filters, by: str = "year") -> tuple[list[tuple[str, int]], int]:
        """Counts per year or per month (``YYYY`` or ``YYYY-MM``) of dated resources, oldest
        first, and how many are dated too coarsely for that (a year only, when by month)."""
        if filters.tallied():
            with self._bounded() as db:
                level = filters.level()
                records = db.execute(
                    "SELECT value, n FROM tally WHERE kind = ? AND subkind = ? AND facet = ? "
                    "ORDER BY value",
                    [*level, by],
                ).fetchall()
                coarse = 0
                if by != "year":
                    found = db.execute(
                        "SELECT n FROM tally WHERE kind = ? AND subkind = ? AND "
                        "facet = 'coarse' AND value = '*'",
                        level,
                    ).fetchone()
                    coarse = found[0] if found else 0
            return [(bucket, n) for bucket, n in records], coarse
        where, params = filters.sql()
        width = 4 if by == "year" else 7
        precision = "" if by == "year" else " AND r.date_precision != 'year'"
        with self._bounded() as db:
            records = db.execute(
                f"SELECT substr(r.start_day, 1, {width}) AS bucket, count(*) FROM resource r "
                f"WHERE {where} AND r.start_day IS NOT NULL{precision} "
                "GROUP BY bucket ORDER BY bucket",
                params,
            ).fetchall()
            coarse = 0
            if by != "year":
                coarse = db.execute(
                    f"SELECT count(*) FROM resource r WHERE {where} AND r.date_precision = 'year'",
                    params,
                ).fetchone()[0]
        return [(bucket, n) for bucket, n in records], coarse

    def date_span(self, filters: Filters, by: str = "year") -> tuple[str | None, str | None]:
        """First and last start days; by month, only of resources dated to the month or day.
        From the tallies for a kind alone: the first day of the first and last year (month)."""
        if filters.tallied():
            with self._bounded() as db:
                low, high = db.execute(
                    "SELECT min(value), max(value) FROM tally WHERE kind = ? AND subkind = ? "
                    "AND facet = ?",
                    [*filters.level(), by],
                ).fetchone()
            if low is None:
                return None, None
            day = "-01-01" if by == "year" else "-01"
            return low + day, high + day
        where, params = filters.sql()
        precision = "" if by == "year" else " AND r.date_precision != 'year'"
        with self._bounded() as db:
            low, high = db.execute(
                f"SELECT min(r.start_day), max(r.start_day) FROM resource r "
                f"WHERE {where} AND r.start_day IS NOT NULL{precision}",
                params,
            ).fetchone()
        return low, high

    def counts(self, facet: str, values: Iterable[str], kind: str | None = None) -> dict[str, int]:
        """How many rows (of ``kind``) each facet value has: events per theme, per organiser…
        (one tally row each)."""
        wanted = sorted(set(values))
        found: dict[str, int] = {}
        with self._bounded() as db:
            for value in wanted:
                row = db.execute(
                    "SELECT n FROM tally WHERE kind = ? AND subkind = '' AND facet = ? "
                    "AND value = ?",
                    (kind or "*", facet, value),
                ).fetchone()
                found[value] = row[0] if row else 0
        return found

    # -- incoming links ----------------------------------------------------------------------------

    def incoming_properties(self, iri: str) -> list[tuple[str, int]]:
        """The properties linking IRIs to the document ``iri`` (its own parts left out), with
        how many links each, most first (:data:`MAX_INCOMING_PROPERTIES` at most)."""
        with self._bounded() as db:
            found = db.execute("SELECT id FROM term WHERE iri = ?", (iri,)).fetchone()
            if found is None:
                return []
            records = db.execute(
                "SELECT c.property, t.iri, c.n FROM link_count c JOIN term t ON t.id = c.property "
                "WHERE c.object = ? ORDER BY c.n DESC, t.iri LIMIT ?",
                (found[0], MAX_INCOMING_PROPERTIES),
            ).fetchall()
            result = []
            for property_id, prop, n in records:
                n -= self._parts_linking(db, found[0], property_id, iri)
                if n > 0:
                    result.append((prop, n))
        result.sort(key=lambda c: (-c[1], c[0]))
        return result

    def incoming_subjects(
        self, iri: str, prop: str, limit: int, after: str | None = None
    ) -> tuple[list[str], int, bool]:
        """One page of the IRIs linking to ``iri`` through ``prop`` (its own parts left out),
        in IRI order after ``after``: the page, the group's size and whether more follow."""
        with self._bounded() as db:
            ids = dict(db.execute("SELECT iri, id FROM term WHERE iri IN (?, ?)", (iri, prop)))
            if iri not in ids or prop not in ids:
                return [], 0, False
            object_id, property_id = ids[iri], ids[prop]
            found = db.execute(
                "SELECT n FROM link_count WHERE object = ? AND property = ?",
                (object_id, property_id),
            ).fetchone()
            if found is None:
                return [], 0, False
            total = found[0] - self._parts_linking(db, object_id, property_id, iri)
            subjects = [
                row[0]
                for row in db.execute(
                    "SELECT subject FROM link WHERE object = ? AND property = ? AND subject > ? "
                    "AND NOT (subject >= ? AND subject < ?) ORDER BY subject LIMIT ?",
                    (object_id, property_id, after or "", iri + "#", iri + "$", limit + 1),
                )
            ]
        return subjects[:limit], total, len(subjects) > limit

    @staticmethod
    def _parts_linking(db: sqlite3.Connection, object_id: int, property_id: int, iri: str) -> int:
        # A document's parts start with "{iri}#"; "$" is the character after "#".
        return db.execute(
            "SELECT count(*) FROM link WHERE object = ? AND property = ? "
            "AND subject >= ? AND subject < ?",
            (object_id, property_id, iri + "#", iri + "$"),
        ).fetchone()[0]

    @staticmethod
    def _labels_of(db: sqlite3.Connection, iris: list[str]) -> dict[str, tuple[str, Pairs]]:
        found: dict[str, tuple[str, Pairs]] = {}
        for start in range(0, len(iris), 500):
            chunk = iris[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for iri, kind, labels in db.execute(
                f"SELECT iri, kind, labels FROM resource WHERE iri IN ({marks})", chunk
            ):
                found[iri] = (kind, [tuple(p) for p in json.loads(labels)])
        return found


#: Sub-kinds: territory levels, persons and organisations, series of events.
SUBKINDS: dict[str, tuple[str, str]] = {
    **PLACE_LEVELS,
    "person": ("personne", "person"),
    "organization": ("organisation", "organisation"),
    "series": ("série d'événements", "event series"),
    "event": ("événement", "event"),
}


def _subkind_labels(subkind: str) -> Pairs:
    known = SUBKINDS.get(subkind)
    return [("fr", known[0]), ("en", known[1])] if known else [("", subkind)]


def _kind_labels(kind: str) -> Pairs:
    known = LIST_KINDS.get(kind)
    return [("fr", known.fr), ("en", known.en)] if known else [("", kind)]


# ---------------------------------------------------------------------------------------------
# Keys in URLs
# ---------------------------------------------------------------------------------------------


def encode_key(key: tuple) -> str:
    """A keyset position as an opaque, URL-safe token."""
    raw = json.dumps(list(key), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_key(token: str, name: str = "after") -> tuple:
    """The position a token encodes; :class:`BadRequest` for anything else."""
    try:
        if len(token) > 4000:
            raise ValueError("too long")
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        value = json.loads(raw.decode("utf-8"))
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not isinstance(value[0], (str, int, float))
            or isinstance(value[0], bool)
            or not isinstance(value[1], str)
        ):
            raise ValueError("not a key")
        return tuple(value)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise BadRequest(
            f"Paramètre {name} invalide : ce n'est pas une position de page que ce service a donnée.",
            f"Invalid {name} parameter: it is not a page position this service gave.",
        ) from None


# ---------------------------------------------------------------------------------------------
# Where the index lives, and what a write must reindex
# ---------------------------------------------------------------------------------------------


def index_path(config) -> Path:
    """``index_path`` when set, else ``<store dir>/index.sqlite``."""
    configured = getattr(config, "index_path", "") or ""
    return Path(configured) if configured else Path(config.store) / INDEX_FILE


def open_index(config, store=None) -> Index:
    """The index of the settings' store, built or rebuilt from ``store`` when stale."""
    index = Index(
        index_path(config),
        config.base_url,
        config.languages,
        timeout=min(float(config.query_timeout), 30.0),
    )
    if store is not None:
        index.ensure(store)
    return index


def changed_iris(changes) -> set[str]:
    """The IRIs :meth:`Index.update` needs for a :class:`~service.store.Changeset`: the
    subjects of every removed or added quad, and the objects of the triples that state a
    hierarchy from the top (``skos:narrower``, ``schema:containsPlace``)."""
    found: set[str] = set()
    for subject, predicate, obj, _ in list(changes.remove) + list(changes.add):
        if isinstance(subject, URIRef):
            found.add(str(subject))
        if predicate in INVERSE_HIERARCHY and isinstance(obj, URIRef):
            found.add(str(obj))
    return found


__all__ = [
    "FILTER_FACETS",
    "FacetValue",
    "SUBKINDS",
    "Filters",
    "Index",
    "Item",
    "LIST_KINDS",
    "ListKind",
    "Page",
    "Period",
    "analyse_text",
    "changed_iris",
    "decode_key",
    "encode_key",
    "fold",
    "fts_expression",
    "highlight",
    "index_path",
    "list_kind_of",
    "open_index",
    "parse_filter_date",
    "place_level",
    "query_stems",
    "short_value",
    "snippet",
]
