"""The one language rule, the labels it picks, and values written in a language.

Everywhere text is chosen among several languages (page titles, link labels,
JSON-LD names, listings, search results), one rule applies: the languages of
the ``languages`` setting in order (French, then English by default), then
untagged text, then any other language. A request may put its own language
first, with ``?lang=`` or ``Accept-Language``; a response that depends on it
sends ``Vary: Accept-Language``.

A literal matches a preferred language when its tag is that language or a
sub-tag of it (``fr-FR`` matches ``fr``), case-insensitively (BCP 47 tags are
case-insensitive, https://www.rfc-editor.org/rfc/rfc5646#section-2.1.1).

The interface itself (headings, buttons) exists in :data:`UI_LANGUAGES`; its
language is the first preferred language it has.

Labels come from the properties of :data:`LABEL_PROPERTIES`, in that order of
preference *after* the language: a French ``rdfs:label`` beats an English
``schema:name`` when French comes first. A resource without any label gets one
made from its IRI (:func:`fallback_label`), never an empty string.

The words the interface names things with — kinds of resources, facets, territory levels,
the parts of a report, download formats — are a table of their own, ``words.tsv`` beside
this module (:func:`words`), French first: they are translated, and kept consistent, in one
place rather than in each module that shows one.

Dates, durations and numbers are written in the interface language
(:func:`format_literal`: « 1er décembre 2019 », "1 December 2019") by every part of
the service that shows one to people. Times are local times of the ``time_zone`` setting
(:func:`local_moment`): a date-time written without an offset is one, a date-time with an
offset is shown in it (« 4 décembre 2019 à 16 h 49 », never « 15:49 UTC »), and what machines
read gets the offset of that date in that zone (:func:`iso_moment`).

No Flask here: the web layer reads the request and calls :func:`preferences`.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from functools import cache
from pathlib import Path
from urllib.parse import unquote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS, XSD
from rdflib.term import BNode, Node
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from .errors import BadRequest
from .namespaces import SDO

#: Languages the interface (headings, buttons, messages) is written in.
UI_LANGUAGES: tuple[str, ...] = ("fr", "en")

#: Properties that name a resource, most specific first. The language decides first.
LABEL_PROPERTIES: tuple[URIRef, ...] = (
    SKOS.prefLabel,
    SDO.name,
    RDFS.label,
    DCTERMS.title,
    SDO.headline,
    SDO.roleName,
    FOAF.name,
    SKOS.notation,
    SDO.alternateName,
    SKOS.altLabel,
    SDO.text,
)

#: Properties that describe a resource in a sentence or more, most specific first.
DESCRIPTION_PROPERTIES: tuple[URIRef, ...] = (
    SKOS.definition,
    SDO.description,
    DCTERMS.description,
    RDFS.comment,
    SDO.abstract,
    SDO.text,
)

#: A language tag, loosely after BCP 47 (letters and digits in sub-tags of 1 to 8).
_TAG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")

_STRING_TYPES = (None, XSD.string, RDF.langString)


def valid_tag(tag: str) -> bool:
    return bool(_TAG.match(tag))


@dataclass(frozen=True)
class Languages:
    """An order of preference among languages: the rule, for one request."""

    order: tuple[str, ...]

    @property
    def first(self) -> str:
        return self.order[0] if self.order else UI_LANGUAGES[0]

    @property
    def ui(self) -> str:
        """The language of the interface: the first preferred one it is written in."""
        for tag in self.order:
            primary = tag.split("-", 1)[0].lower()
            if primary in UI_LANGUAGES:
                return primary
        return UI_LANGUAGES[0]

    def rank(self, value: Node) -> int:
        """Lower is better: preferred languages in order, then untagged text, then the rest.

        A value that is not a literal, or a literal that is not text (a number, a
        date), ranks with untagged text: it reads the same in every language.
        """
        if not isinstance(value, Literal):
            return len(self.order)
        lang = (value.language or "").lower()
        if not lang:
            return len(self.order)
        for index, tag in enumerate(self.order):
            tag = tag.lower()
            if lang == tag or lang.startswith(tag + "-"):
                return index
        return len(self.order) + 1

    def sort(self, values: Iterable[Node]) -> list[Node]:
        """``values`` in order of preference (stable among equals, then by text)."""
        return sorted(values, key=lambda v: (self.rank(v), str(v)))

    def best(self, values: Iterable[Node]) -> Node | None:
        """The preferred value, or None when there is none."""
        chosen: Node | None = None
        chosen_key: tuple[int, str] | None = None
        for value in values:
            key = (self.rank(value), str(value))
            if chosen_key is None or key < chosen_key:
                chosen, chosen_key = value, key
        return chosen

    def pick(self, texts: Mapping[str, str]) -> str:
        """One of several translations of an interface text, keyed by language."""
        for tag in self.order:
            primary = tag.split("-", 1)[0].lower()
            if primary in texts:
                return texts[primary]
        for tag in UI_LANGUAGES:
            if tag in texts:
                return texts[tag]
        return next(iter(texts.values()), "")

    def text(self, fr: str, en: str) -> str:
        """The interface text in the interface language (French or English)."""
        return en if self.ui == "en" else fr

    def in_best_language(self, values: Iterable[Node]) -> list[Node]:
        """The values of one property a page shows: its texts in the best language it has
        them in, and every value that is not text in a language (untagged text, numbers,
        links). A translation is never shown beside the text it translates."""
        values = list(values)
        ranks = [self.rank(v) for v in values if isinstance(v, Literal) and v.language]
        if not ranks:
            return values
        best = min(ranks)
        return [
            v for v in values if not (isinstance(v, Literal) and v.language) or self.rank(v) == best
        ]

    def foreign_hint(self, tag: str | None) -> str | None:
        """The words that mark text in another language than the interface's, shown beside
        it: « (en anglais) », "(in French)"; None for text in the interface language or in
        none (an untagged name)."""
        primary = (tag or "").split("-", 1)[0].lower()
        if not primary or primary == self.ui:
            return None
        names = words("language").get(primary)
        if names is None:
            return self.text(f"(langue : {tag})", f"(language: {tag})")
        fr, en = names[:2]
        return self.text(f"(en {fr})", f"(in {en})")

    def with_first(self, tag: str) -> Languages:
        """This order with ``tag`` moved (or added) in front."""
        rest = tuple(t for t in self.order if t.lower() != tag.lower())
        return Languages((tag,) + rest)


def preferences(
    configured: Sequence[str],
    accept_language: str | None = None,
    lang: str | None = None,
) -> Languages:
    """The order for one request: ``configured`` (the ``languages`` setting), with the
    request's language first.

    ``lang`` (the ``?lang=`` parameter) wins over ``Accept-Language``; it must be a
    well-formed language tag (else :class:`~service.errors.BadRequest`). From
    ``Accept-Language`` (q-values, ranges, parsed by Werkzeug) the best of the
    configured languages goes first; a malformed header is ignored.
    """
    base = Languages(tuple(configured) or UI_LANGUAGES)
    if lang is not None and lang.strip():
        tag = lang.strip()
        if not valid_tag(tag):
            raise BadRequest(
                f"Paramètre lang invalide : {tag[:40]!r} (une étiquette de langue comme fr ou en "
                "est attendue).",
                f"Invalid lang parameter: {tag[:40]!r} (a language tag such as fr or en is "
                "expected).",
            )
        return base.with_first(tag)
    if accept_language and accept_language.strip():
        try:
            accept = parse_accept_header(accept_language, LanguageAccept)
            best = accept.best_match(list(base.order), default=None)
        except (ValueError, TypeError):
            best = None
        if best:
            return base.with_first(best)
    return base


# ---------------------------------------------------------------------------------------------
# Labels
# ---------------------------------------------------------------------------------------------


def _property_rank(predicate: Node, properties: Sequence[URIRef]) -> int:
    try:
        return properties.index(predicate)  # type: ignore[arg-type]
    except ValueError:
        return len(properties)


def choose(
    pairs: Iterable[tuple[Node, Node]],
    languages: Languages,
    properties: Sequence[URIRef] = LABEL_PROPERTIES,
) -> Literal | None:
    """The best text among ``(property, value)`` pairs: language first, then property order.

    Only literals count (a label is text). None when there is no literal.
    """
    best: Literal | None = None
    best_key: tuple | None = None
    for predicate, value in pairs:
        if not isinstance(value, Literal) or predicate not in properties:
            continue
        key = (languages.rank(value), _property_rank(predicate, properties), str(value))
        if best_key is None or key < best_key:
            best, best_key = value, key
    return best


def label_in(
    graph: Graph, node: Node, languages: Languages, properties: Sequence[URIRef] = LABEL_PROPERTIES
) -> Literal | None:
    """The best label of ``node`` in an rdflib graph (None when it has none)."""
    return choose(graph.predicate_objects(node), languages, properties)


def description_in(graph: Graph, node: Node, languages: Languages) -> Literal | None:
    """The best description of ``node`` in an rdflib graph."""
    return choose(graph.predicate_objects(node), languages, DESCRIPTION_PROPERTIES)


def fallback_label(node: Node) -> Literal:
    """A label made from the IRI when the data has none: its last segment, decoded.

    ``…/id/post/twitter-120…`` gives ``twitter-120…``; ``…/def#Workshop`` gives
    ``Workshop``. An untagged literal: it is not text in any language.
    """
    if isinstance(node, Literal):
        return node
    if isinstance(node, BNode):
        return Literal("…")
    text = str(node).rstrip("/")
    for separator in ("#", "/"):
        if separator in text:
            tail = text.rsplit(separator, 1)[1]
            if tail:
                return Literal(unquote(tail))
    return Literal(text)


def label_or_fallback(graph: Graph, node: Node, languages: Languages) -> Literal:
    return label_in(graph, node, languages) or fallback_label(node)


#: Most resources whose labels one query asks for (keeps each query bounded).
LABEL_BATCH = 200


def _batches(nodes: Sequence[URIRef], size: int) -> Iterator[Sequence[URIRef]]:
    for start in range(0, len(nodes), size):
        yield nodes[start : start + size]


def _values(nodes: Iterable[Node]) -> str:
    return " ".join(n.n3() for n in nodes)


def label_values(
    store, nodes: Iterable[Node], properties: Sequence[URIRef] = LABEL_PROPERTIES
) -> dict[Node, list[tuple[URIRef, Literal]]]:
    """Every label of each IRI in ``nodes``, as ``(property, literal)`` pairs, from the store.

    One bounded query per :data:`LABEL_BATCH` IRIs (``VALUES``; blank nodes are
    skipped: they cannot be named across queries). Useful to index labels in all
    languages; :func:`labels` picks one per IRI.
    """
    wanted = sorted({n for n in nodes if isinstance(n, URIRef)}, key=str)
    found: dict[Node, list[tuple[URIRef, Literal]]] = {}
    if not wanted:
        return found
    # FILTER(?p IN …), not a second VALUES block: with two, Oxigraph scans every triple.
    predicates = ", ".join(p.n3() for p in properties)
    for batch in _batches(wanted, LABEL_BATCH):
        query = (
            f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?s {{ {_values(batch)} }} "
            f"?s ?p ?o . FILTER(?p IN ({predicates}) && isLiteral(?o)) }}"
        )
        for row in store.select(query):
            found.setdefault(row["s"], []).append((row["p"], row["o"]))
    return found


def labels(
    store,
    nodes: Iterable[Node],
    languages: Languages,
    properties: Sequence[URIRef] = LABEL_PROPERTIES,
) -> dict[Node, Literal]:
    """The best label of each IRI in ``nodes`` (only those that have one), from the store."""
    chosen: dict[Node, Literal] = {}
    for node, pairs in label_values(store, nodes, properties).items():
        best = choose(pairs, languages, properties)
        if best is not None:
            chosen[node] = best
    return chosen


def label(store, node: Node, languages: Languages) -> Literal:
    """The best label of one resource from the store, or one made from its IRI."""
    return labels(store, [node], languages).get(node) or fallback_label(node)


# ---------------------------------------------------------------------------------------------
# Values in words: dates, durations and numbers as the interface language writes them
# ---------------------------------------------------------------------------------------------

MONTHS: dict[str, tuple[str, ...]] = {
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


def month_in_words(year: int | str, month: int, lang: str) -> str:
    """« décembre 2019 », "December 2019" (``lang`` an interface language; French otherwise)."""
    return f"{MONTHS['en' if lang == 'en' else 'fr'][month - 1]} {year}"


def day_in_words(year: int | str, month: int, day: int, lang: str) -> str:
    """« 4 décembre 2019 », « 1er décembre 2019 », "4 December 2019"."""
    if lang == "en":
        return f"{day} {month_in_words(year, month, lang)}"
    return f"{'1er' if day == 1 else day} {month_in_words(year, month, lang)}"


_DATE = re.compile(r"^(-?\d{4})-(\d{2})-(\d{2})")
_YEAR_MONTH = re.compile(r"^(-?\d{4})-(\d{2})")
_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")

DATE_TIME_TYPES = frozenset({XSD.dateTime, XSD.dateTimeStamp})
DATE_TYPES = DATE_TIME_TYPES | {XSD.date, XSD.gYear, XSD.gYearMonth}
NUMBER_TYPES = frozenset(
    {XSD.integer, XSD.int, XSD.long, XSD.nonNegativeInteger, XSD.positiveInteger, XSD.short}
)


def local_moment(text: str, zone: tzinfo) -> datetime | None:
    """The instant a date-time's text names, in ``zone``; None when it is not a date and time.

    A time written without an offset is a local time of ``zone`` (the data's rule,
    ``docs/resources.md``, "Dates and times"): 09:00 on 4 December is 09:00+01:00 in Paris,
    09:00 on 4 July 09:00+02:00. In the hour the change to winter time repeats, the first
    (summer) one; in the hour the change to summer time skips, the same time an hour on."""
    if "T" not in text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:  # 24:00:00, a year of five digits: XSD allows what Python does not
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    # Through UTC: astimezone() leaves a time already in ``zone`` as it is, even one the change
    # to summer time skips.
    return moment.astimezone(UTC).astimezone(zone)


def iso_moment(value: Literal, zone: tzinfo) -> str:
    """A date-time of the data in ISO 8601 with its offset in ``zone`` for that date
    (2019-12-04T09:00:00+01:00: what search engines require of a time); a day, or what is
    not a date-time, as written."""
    moment = local_moment(str(value), zone) if value.datatype in DATE_TIME_TYPES else None
    return moment.isoformat() if moment is not None else str(value)


def moment_in_words(moment: datetime, zone: tzinfo, lang: str) -> str:
    """An instant as the local time of ``zone``: « 4 décembre 2019 à 9 h 00 », "4 December
    2019 at 9:00" (``lang`` an interface language; French otherwise)."""
    local = moment.astimezone(zone)
    day = day_in_words(local.year, local.month, local.day, lang)
    if lang == "en":
        return f"{day} at {local.hour}:{local.minute:02d}"
    return f"{day} à {local.hour}\u00a0h\u00a0{local.minute:02d}"


def format_date(value: Literal, languages: Languages, zone: tzinfo) -> str:
    """A date for people, in the interface language (« 4 décembre 2019 », "4 December 2019"),
    a time in ``zone``'s local time; what is not a well-formed date is shown as written."""
    text = str(value)
    ui = languages.ui
    if value.datatype == XSD.gYear:
        return text
    if value.datatype == XSD.gYearMonth:
        match = _YEAR_MONTH.match(text)
        if match and 1 <= int(match[2]) <= 12:
            return month_in_words(match[1], int(match[2]), ui)
        return text
    if value.datatype in DATE_TIME_TYPES:
        moment = local_moment(text, zone)
        return moment_in_words(moment, zone, ui) if moment is not None else text
    match = _DATE.match(text)
    if not match or not 1 <= int(match[2]) <= 12:
        return text
    return day_in_words(match[1], int(match[2]), int(match[3]), ui)


#: The units of an ``xsd:duration`` a page writes out: French singular and plural, English.
_DURATION_UNITS = (
    ("an", "ans", "year", "years"),
    ("mois", "mois", "month", "months"),
    ("semaine", "semaines", "week", "weeks"),
    ("jour", "jours", "day", "days"),
)


def format_duration(value: Literal, languages: Languages) -> str:
    """A period as a frequency ("tous les 2 mois", "every 2 months"); as written when it has
    other units than years, months, weeks and days."""
    match = _DURATION.match(str(value))
    if not match:
        return str(value)
    parts = []
    for amount, (fr1, frn, en1, enn) in zip(match.groups(), _DURATION_UNITS, strict=True):
        if amount:
            n = int(amount)
            word = languages.text(fr1 if n == 1 else frn, en1 if n == 1 else enn)
            parts.append(f"{n} {word}")
    if not parts:
        return str(value)
    return languages.text("tous les ", "every ") + ", ".join(parts)


def format_number(value: Literal, languages: Languages) -> str:
    """An integer with its thousands apart (a narrow no-break space in French, a comma in
    English)."""
    try:
        number = int(str(value))
    except ValueError:
        return str(value)
    text = f"{number:,}"
    return text.replace(",", "\u202f") if languages.ui == "fr" else text


#: Units of a file size, decimal as disks and browsers count: French, English.
_SIZE_UNITS = (("o", "B"), ("ko", "kB"), ("Mo", "MB"), ("Go", "GB"), ("To", "TB"))


def format_size(size: int, languages: Languages) -> str:
    """A file size for people: « 12,3 Mo », "12.3 MB" (three significant digits at most)."""
    value, unit = float(size), 0
    while value >= 1000 and unit < len(_SIZE_UNITS) - 1:
        value, unit = value / 1000, unit + 1
    fr, en = _SIZE_UNITS[unit]
    if unit == 0:
        text = str(size)
    else:
        text = f"{value:.1f}" if value < 100 else f"{value:.0f}"
        text = text.removesuffix(".0")
    if languages.ui == "fr":
        return f"{text.replace('.', ',')}\u00a0{fr}"
    return f"{text}\u00a0{en}"


def format_literal(value: Literal, languages: Languages, zone: tzinfo) -> str:
    """The text a page shows for a literal: dates (times in ``zone``), durations and numbers
    made readable."""
    if value.datatype in DATE_TYPES:
        return format_date(value, languages, zone)
    if value.datatype == XSD.duration:
        return format_duration(value, languages)
    if value.datatype in NUMBER_TYPES:
        return format_number(value, languages)
    return str(value)


def is_formatted(value: Literal) -> bool:
    """True when a page writes the value in the interface language (dates, numbers)."""
    return value.datatype in DATE_TYPES | NUMBER_TYPES | {XSD.duration}


__all__ = [
    "WORDS_FILE",
    "words",
    "DATE_TIME_TYPES",
    "DATE_TYPES",
    "DESCRIPTION_PROPERTIES",
    "LABEL_BATCH",
    "LABEL_PROPERTIES",
    "Languages",
    "MONTHS",
    "NUMBER_TYPES",
    "UI_LANGUAGES",
    "choose",
    "day_in_words",
    "description_in",
    "fallback_label",
    "iso_moment",
    "format_date",
    "format_size",
    "format_duration",
    "format_literal",
    "format_number",
    "is_formatted",
    "label",
    "label_in",
    "label_or_fallback",
    "label_values",
    "labels",
    "local_moment",
    "moment_in_words",
    "month_in_words",
    "preferences",
    "valid_tag",
]


#: The interface's words: one row a word, ``table``, ``key``, then French, English and, for a
#: kind of resource, the French and English plurals.
WORDS_FILE = Path(__file__).with_name("words.tsv")


@cache
def _word_tables() -> dict[str, dict[str, tuple[str, ...]]]:
    tables: dict[str, dict[str, tuple[str, ...]]] = defaultdict(dict)
    rows = csv.reader(
        WORDS_FILE.read_text(encoding="utf-8").splitlines(), delimiter="\t", strict=True
    )
    next(rows)  # the header names the columns
    for table, key, *forms in rows:
        tables[table][key] = tuple(form for form in forms if form)
    return tables


def words(table: str) -> dict[str, tuple[str, ...]]:
    """One table of :data:`WORDS_FILE`, in its order: key → (French, English, …)."""
    return dict(_word_tables()[table])
