"""Articles into data: a news page exported as text becomes a draft graph.

The export (see the seed article) is Markdown-like text: a lead, a body with
links written ``[text](#) [n]`` whose address is the ``n``-th entry of the
closing ``## Liens`` section, a document block (``## title``, ``### Sommaire``,
``Poids : …``, ``[Téléchargement](#) [n]``), embedded social-media posts
(their text, then ``— Author (@handle) [date](#) [n]``), and the page's fields:
``Dates:``, ``Thématiques:``, ``Territoires :``, ``Publié le …`` and
``**URL de la source (modifié le …):** <…>``.

Three steps, each its own part of this module:

1. **Reading** (:func:`read_article`, :func:`extract`): the file is checked
   (size, text, encoding), parsed as CommonMark by markdown-it-py, and the
   facts are read from it as an :class:`Extracted` record. What cannot be read
   becomes a :class:`Problem` with its line and what was expected.
2. **Reconciling** (:class:`Reference`): names and addresses are matched with
   what the project's data (``ontology/``, ``data/``) and, on request, the
   store already hold, so the draft uses the same IRIs where the facts match.
   Matching is by identity only (an account's address, a site's address, a
   taxonomy link, an exact name); nothing is matched by resemblance.
3. **Building** (:func:`build`): the draft graph, in the model of the curated
   data: the article, its themes, territories, documents, posts, links, the
   event it reports as far as a sentence states it (each such fact keeps its
   sentence, as a reified statement with ``prov:value``), the data-quality
   notes where the source contradicts itself, and the graph's provenance with
   its curation status, *brouillon*.

No Flask here, no network: the article's addresses are read, never fetched.
"""

from __future__ import annotations

import mimetypes
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from markdown_it import MarkdownIt
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .config import DEFAULT_BASE, PROJECT_ROOT
from .errors import ArticleError
from .namespaces import DCTERMS, DQV, IGEO, MED, PREFIXES, PROV, RDF, SDO, XSD

#: Where the dates of the page are: IREV is in France.
PAGE_TIME_ZONE = ZoneInfo("Europe/Paris")
#: The language of the export (its field names are French) and of the text it holds.
ARTICLE_LANGUAGE = "fr"
#: The licence of the project's data (and so of its drafts): Licence Ouverte 2.0.
DATA_LICENSE = "https://www.etalab.gouv.fr/licence-ouverte-open-licence"
#: Folders of the project whose resources drafts are reconciled with.
REFERENCE_DIRS = ("ontology", "data")

# -- tables ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Platform:
    """A social network whose embedded posts the export may hold."""

    name: str  # used in post IRIs: {base}id/post/{name}-{id}
    hosts: frozenset[str]
    canonical: str  # scheme and host of the addresses we keep
    status: re.Pattern  # path of a post: handle and id
    hashtag: re.Pattern
    profile: re.Pattern
    media_hosts: frozenset[str]  # hosts of the images a post shares
    epoch_ms: int | None  # snowflake epoch: (id >> 22) + epoch_ms is the post's instant


# Twitter's ids are "snowflakes" since November 2010: the top 41 bits count milliseconds
# since 1288834974657 (https://github.com/twitter-archive/snowflake/tree/snowflake-2010).
TWITTER = Platform(
    name="twitter",
    hosts=frozenset({"twitter.com", "www.twitter.com", "mobile.twitter.com", "x.com", "www.x.com"}),
    canonical="https://twitter.com",
    status=re.compile(r"^/(?P<handle>\w{1,15})/status(?:es)?/(?P<id>\d{1,20})/?$"),
    hashtag=re.compile(r"^/hashtag/(?P<tag>[^/]+)/?$"),
    profile=re.compile(r"^/(?P<handle>\w{1,15})/?$"),
    media_hosts=frozenset({"pic.twitter.com", "t.co", "pic.x.com"}),
    epoch_ms=1288834974657,
)
PLATFORMS: tuple[Platform, ...] = (TWITTER,)

#: Kinds of events a sentence may name: words, class, IRI slug, and whether it lasts one day.
@dataclass(frozen=True)
class EventKind:
    words: str
    cls: URIRef | None
    slug: str
    one_day: bool


EVENT_KINDS: tuple[EventKind, ...] = (
    EventKind("journée régionale", MED.RegionalDay, "journee-regionale", True),
    EventKind("journée nationale", None, "journee-nationale", True),
    EventKind("journée", None, "journee", True),
    EventKind("séance plénière", MED.Plenary, "pleniere", False),
    EventKind("atelier", MED.Workshop, "atelier", False),
    EventKind("restitution", MED.Restitution, "restitution", False),
    EventKind("rencontre", None, "rencontre", False),
    EventKind("conférence", None, "conference", False),
    EventKind("colloque", None, "colloque", False),
    EventKind("séminaire", None, "seminaire", False),
    EventKind("forum", None, "forum", False),
)

#: Verbs that state, in the past, that an event took place.
EVENT_VERBS = r"(?:s['’]est\s+tenue?|s['’]est\s+déroulée?|a\s+eu\s+lieu|se\s+tenait|avait\s+lieu)"

#: The word before a territory's name on the "Territoires" line, and the class it names.
TERRITORY_KINDS: dict[str, URIRef] = {
    "region": IGEO.Region,
    "departement": IGEO.Departement,
    "commune": IGEO.Commune,
    "ville": IGEO.Commune,
    "intercommunalite": IGEO.Intercommunalite,
    "epci": IGEO.Intercommunalite,
}

#: Units of the "Poids" of a document, as the export writes them.
SIZE_UNITS = ("octets", "octet", "o", "ko", "mo", "go", "kio", "mio", "gio", "b", "kb", "mb", "gb")

#: Query parameters that only track where a click came from.
TRACKING_PARAMETERS = re.compile(r"^(?:utm_\w+|ref_src|ref_url|src|s|t|fbclid|gclid)$")

#: Classes of the people and organisations an article names.
AGENT_CLASSES = (SDO.Person, SDO.Organization)

_QUERY_PREFIXES = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


# -- problems and the record of what was read -------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Something the reader could not take from the source, with its line (1-based) when known."""

    line: int | None
    fr: str
    en: str

    def message(self, lang: str = "fr") -> str:
        if lang == "en":
            return self.en if self.line is None else f"line {self.line}: {self.en}"
        return self.fr if self.line is None else f"ligne {self.line} : {self.fr}"


@dataclass
class Link:
    """A link of the text: what it shows, its inline address and its number in "Liens"."""

    text: str
    href: str | None
    ref: int | None
    line: int


@dataclass
class Line:
    """One line of the source, as CommonMark reads it: plain text and links."""

    number: int
    block: int  # index of the paragraph, heading or list item it belongs to
    kind: str  # "p", "h1"…"h6", "li", "code"
    parts: list[str | Link]
    raw: str = ""  # the line as written

    @property
    def text(self) -> str:
        """The line as a reader sees it: links give their text, their numbers are dropped."""
        return "".join(p.text if isinstance(p, Link) else p for p in self.parts).strip()

    @property
    def links(self) -> list[Link]:
        return [p for p in self.parts if isinstance(p, Link)]

    @property
    def heading(self) -> int:
        return int(self.kind[1]) if self.kind.startswith("h") else 0


@dataclass
class Theme:
    label: str
    url: str | None
    line: int


@dataclass
class Chapter:
    name: str
    position: int
    page: int | None


@dataclass
class Document:
    name: str | None
    url: str | None
    size: str | None
    chapters: list[Chapter]
    line: int


@dataclass
class Hashtag:
    shown: str  # as displayed, without "#"
    linked: str | None  # as the link's address says
    line: int


@dataclass
class Post:
    platform: Platform
    author_name: str
    handle: str
    url: str | None
    post_id: str | None
    shown_date: str | None
    body: str
    hashtags: list[Hashtag]
    mentions: list[str]  # profile addresses
    images: list[tuple[str | None, str | None]]  # (address shown in the text, address of the link)
    line: int


@dataclass
class Sentence:
    text: str
    line: int


@dataclass
class EventFacts:
    """The event a sentence reports, as far as it says it."""

    kind: EventKind
    name_words: str  # "journée régionale sur la médiation sociale"
    start: date
    place: str | None
    organiser: str | None
    count: int | None
    audiences: list[str]
    sentence: Sentence
    count_sentence: Sentence | None


@dataclass
class DatesField:
    raw: str
    value: datetime | date | None
    line: int


@dataclass
class Extracted:
    """Everything read from the source, before any reconciliation."""

    name: str
    title: str | None = None
    lead: str | None = None
    lead_line: int | None = None
    source_url: str | None = None
    source_line: int | None = None
    published: datetime | date | None = None
    published_raw: str | None = None
    modified: datetime | date | None = None
    dates_field: DatesField | None = None
    themes: list[Theme] = field(default_factory=list)
    territories: list[Theme] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    has_links_section: bool = False
    links: dict[int, tuple[str, int]] = field(default_factory=dict)  # number → (address, line)
    link_texts: dict[int, str] = field(default_factory=dict)  # number → text of a link using it
    used_links: set[int] = field(default_factory=set)
    fields_seen: set[str] = field(default_factory=set)
    event: EventFacts | None = None
    problems: list[Problem] = field(default_factory=list)

    def problem(self, line: int | None, fr: str, en: str) -> None:
        self.problems.append(Problem(line, fr, en))

    def address(self, link: Link) -> str | None:
        """The address a link leads to: its number's entry in "Liens", else its inline address."""
        if link.ref is not None and link.ref in self.links:
            self.used_links.add(link.ref)
            return self.links[link.ref][0]
        return inline_address(link)


def inline_address(link: Link) -> str | None:
    if link.href and link.href != "#" and re.match(r"^https?://", link.href):
        return safe_iri(link.href)
    return None


_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f]')


def safe_iri(url: str) -> str:
    """The address with the characters an IRI cannot hold percent-encoded (RFC 3987 §2.2),
    so that a stray space or backslash in the source never breaks the draft's syntax."""
    return _NOT_IN_IRI.sub(lambda m: "%{:02X}".format(ord(m.group())), url)


# -- reading the file ---------------------------------------------------------------------------


def read_article(path: Path, max_bytes: int, encoding: str | None = None) -> str:
    """The text of the file, or an :class:`ArticleError` that says why it is not an article."""
    label = path.name
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ArticleError(
                f"{label} : fichier trop grand ({size} octets, au plus {max_bytes}) : un article "
                "exporté en texte fait quelques dizaines de kilo-octets. Réglage max_article_bytes.",
                f"{label}: file too large ({size} bytes, at most {max_bytes}): an article exported "
                "as text is a few tens of kilobytes. Setting max_article_bytes.",
                source=label, reason="too-large",
            )
        with path.open("rb") as stream:
            data = stream.read(max_bytes + 1)
    except OSError as error:
        raise ArticleError(
            f"{label} : lecture impossible ({error.strerror}).",
            f"{label}: cannot be read ({error.strerror}).",
            source=label, reason="unreadable",
        ) from None
    if len(data) > max_bytes:  # the file grew while we read it
        raise ArticleError(
            f"{label} : fichier trop grand (plus de {max_bytes} octets).",
            f"{label}: file too large (more than {max_bytes} bytes).",
            source=label, reason="too-large",
        )
    return decode_article(data, label, encoding)


def decode_article(data: bytes, label: str, encoding: str | None = None) -> str:
    expected_fr = "le texte d'une page d'actualité exportée (chapô, corps, « Publié le … », « URL de la source … »)"
    expected_en = "the text of an exported news page (lead, body, “Publié le …”, “URL de la source …”)"
    if not data.strip():
        raise ArticleError(
            f"{label} : fichier vide ; attendu : {expected_fr}.",
            f"{label}: empty file; expected {expected_en}.",
            source=label, reason="empty",
        )
    zero = data.find(b"\x00")
    if zero >= 0:
        line = data.count(b"\n", 0, zero) + 1
        raise ArticleError(
            f"{label} : fichier binaire (octet nul à la ligne {line}, position {zero}) ; "
            f"attendu : {expected_fr}.",
            f"{label}: binary file (NUL byte on line {line}, offset {zero}); expected {expected_en}.",
            source=label, line=line, reason="binary",
        )
    if encoding:
        try:
            text = data.decode(encoding)
        except LookupError:
            raise ArticleError(
                f"{label} : encodage inconnu « {encoding} ».",
                f"{label}: unknown encoding “{encoding}”.",
                source=label, reason="unknown-encoding",
            ) from None
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            raise ArticleError(
                f"{label}, ligne {line} : octet 0x{data[error.start]:02x} illisible en {encoding}.",
                f"{label}, line {line}: byte 0x{data[error.start]:02x} is not valid {encoding}.",
                source=label, line=line, reason="encoding",
            ) from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
            raise ArticleError(
                f"{label}, ligne {line}, colonne {column} : octet 0x{data[error.start]:02x} "
                "qui n'est pas de l'UTF-8 ; attendu : du texte UTF-8. Si le fichier est dans "
                "un autre encodage, donnez-le avec --encoding (par exemple --encoding cp1252).",
                f"{label}, line {line}, column {column}: byte 0x{data[error.start]:02x} is not "
                "UTF-8; expected UTF-8 text. If the file uses another encoding, give it with "
                "--encoding (for instance --encoding cp1252).",
                source=label, line=line, column=column, reason="encoding",
            ) from None
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\t\n\r\f")
    if controls > max(8, len(text) // 100):
        raise ArticleError(
            f"{label} : {controls} caractères de contrôle : ce n'est pas du texte ; attendu : {expected_fr}.",
            f"{label}: {controls} control characters: this is not text; expected {expected_en}.",
            source=label, reason="binary",
        )
    return text


# -- the structure: CommonMark lines --------------------------------------------------------------

_MARKDOWN = MarkdownIt("commonmark")
_REF_AFTER_LINK = re.compile(r"^\s*\[(\d{1,4})\]")


def source_lines(text: str) -> list[Line]:
    """Every line that carries text, with its links, as CommonMark reads the document."""
    tokens = _MARKDOWN.parse(text)
    raw_lines = text.splitlines()
    lines: list[Line] = []
    block = 0
    list_depth = 0
    for index, token in enumerate(tokens):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif token.type in ("code_block", "fence", "html_block") and token.map:
            block += 1
            for number in range(token.map[0], token.map[1]):
                if number < len(raw_lines) and raw_lines[number].strip():
                    lines.append(Line(number + 1, block, "code", [raw_lines[number].strip()], raw_lines[number]))
        elif token.type == "inline" and token.map:
            block += 1
            opener = tokens[index - 1]
            kind = opener.tag if opener.type == "heading_open" else ("li" if list_depth else "p")
            lines.extend(_inline_lines(token, block, kind))
    for line in lines:
        if not line.raw and line.number <= len(raw_lines):
            line.raw = raw_lines[line.number - 1]
    return lines


def _inline_lines(token: Any, block: int, kind: str) -> list[Line]:
    lines: list[Line] = []
    number = token.map[0] + 1
    parts: list[str | Link] = []
    link: Link | None = None

    def flush() -> None:
        nonlocal parts
        lines.append(Line(number, block, kind, _attach_numbers(parts)))
        parts = []

    for child in token.children or []:
        if child.type in ("softbreak", "hardbreak"):
            if link is not None:  # a link's text spanning lines: keep it on its first line
                link.text += " "
                continue
            flush()
            number += 1
        elif child.type == "link_open":
            link = Link("", child.attrs.get("href"), None, number)
        elif child.type == "link_close":
            if link is not None:
                parts.append(link)
            link = None
        elif child.type in ("text", "code_inline", "html_inline"):
            if link is not None:
                link.text += child.content
            else:
                parts.append(child.content)
        elif child.type == "image":
            parts.append(Link(child.content, child.attrs.get("src"), None, number))
    if link is not None:
        parts.append(link)
    flush()
    return lines


def _attach_numbers(parts: list[str | Link]) -> list[str | Link]:
    """``[text](#) [4]``: the number after a link is the link's, not text."""
    merged: list[str | Link] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    for position, part in enumerate(merged):
        if isinstance(part, Link) and position + 1 < len(merged) and isinstance(merged[position + 1], str):
            following = merged[position + 1]
            found = _REF_AFTER_LINK.match(following)  # type: ignore[arg-type]
            if found:
                part.ref = int(found.group(1))
                merged[position + 1] = following[found.end():]  # type: ignore[index]
    return merged


# -- reading the facts --------------------------------------------------------------------------

_FIELD_DATES = re.compile(r"^Dates?\s*:\s*(?P<value>.*)$", re.I)
_FIELD_THEMES = re.compile(r"^Th[ée]matiques?\s*:\s*(?P<value>.*)$", re.I)
_FIELD_TERRITORIES = re.compile(r"^Territoires?\s*:\s*(?P<value>.*)$", re.I)
_FIELD_PUBLISHED = re.compile(r"^Publi[ée]e?\s+le\s*:?\s*(?P<value>.*)$", re.I)
_FIELD_SOURCE = re.compile(
    r"^URL de la source\s*(?:\(\s*modifi[ée]e?\s+le\s*(?P<modified>[^)]*)\))?\s*:\s*(?P<value>.*)$", re.I
)
_FIELDS = (_FIELD_DATES, _FIELD_THEMES, _FIELD_TERRITORIES, _FIELD_PUBLISHED, _FIELD_SOURCE)
_LINKS_HEADING = re.compile(r"^liens$", re.I)
_LINK_ENTRY = re.compile(r"^\[(?P<number>\d{1,4})\]\s*(?P<rest>.*)$")
_BARE_URL = re.compile(r"^<?(?P<url>https?://[^\s<>]+)>?$")
_ATTRIBUTION = re.compile(r"^[—–]\s*(?P<name>.+?)\s*\(@(?P<handle>\w{1,15})\)\s*(?P<rest>.*)$")
_SIZE = re.compile(r"^Poids\s*:\s*(?P<value>.*)$", re.I)
_SIZE_VALUE = re.compile(r"^(?P<number>\d+(?:[.,]\d+)?)\s*(?P<unit>[A-Za-zé]+)?$")
_SUMMARY = re.compile(r"^sommaire$", re.I)
_TOC_ENTRY = re.compile(
    r"^[➤•▸►*\-]?\s*(?:(?P<numeral>[IVXLC]+|\d+)\s*[.)-]\s+)?(?P<name>.+?)\s*(?:\.{2,}|…+)\s*(?P<page>\d+)\s*$"
)
_DOWNLOAD = re.compile(r"t[ée]l[ée]charg", re.I)
_DATE_IN_SENTENCE = re.compile(
    r"\b(?:le\s+)?(?P<date>\d{1,2}(?:er)?\s+[a-zéûA-ZÉÛ]+\.?\s+\d{4}|\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2})\b", re.I
)
_DAY_WITHOUT_YEAR = re.compile(r"\b(?:le\s+)?(?P<date>\d{1,2}(?:er)?\s+[a-zéûA-ZÉÛ]+\b\.?)(?!\s*\d)", re.I)
_PLACE = re.compile(r"\bà\s+(?P<place>[A-ZÉÈÊÎÔÛÀÇ][\w'’]*(?:[- ](?:sur|sous|en|le|la|les|lès|de|du|des|d['’]\w+|[A-ZÉÈÊÎÔÛÀÇ][\w'’]*))*)")
_INITIATIVE = re.compile(
    r"(?:à\s+l['’]initiative\s+(?:de\s+l['’]|de\s+la\s+|du\s+|des\s+|de\s+|d['’])|organisée?s?\s+par\s+(?:l['’]|la\s+|le\s+|les\s+)?)"
    r"(?P<name>[A-ZÉÈÊÎÔÛÀÇ][^,.;:()]*?)\s*(?:[,.;:()]|$)"
)
_COUNT = re.compile(
    r"^(?:Cette|Cet|La|Le|L['’])\s*(?:journée|événement|évènement|rencontre|manifestation|séance|atelier|conférence|colloque|forum|séminaire)\s+"
    r"(?:a|avait)\s+(?:réuni|rassemblé|accueilli)\s+(?P<count>\d{1,3}(?:[ \u00a0\u202f]?\d{3})*)\s+"
    r"(?:personnes|participants?|participantes?)\b(?:\s*\((?P<who>[^)]*)\))?"
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÉÈÊÎÔÛÀÇ«\"])")
_ORDINAL = r"(?:(?:première|premier|deuxième|seconde?|troisième|quatrième|cinquième|\w+ième|\d+(?:e|ème|re|er))\s+)?"
_NAME_STOP = re.compile(r"\s+(?:après|avant|pour|avec|organisée?|qui|dont|le|les|à|au|aux|en\s+\d{4}|cette)\b|[,;:.(]")


def fold(text: str) -> str:
    """Lower case, no accents, hyphens and apostrophes as spaces: how names are compared."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\s\-'’]+", " ", bare).strip()


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def parse_date(text: str) -> datetime | date | None:
    """A date, or a date and time when the text gives one, read as the page writes it
    (French or English, day before month); None when the text is not a full date."""
    import dateparser  # imported here: it loads its language data on first use

    cleaned = re.sub(r"\s+[-–]\s+(?=\d{1,2}[:h]\d{2})", " ", text.strip())
    if not re.search(r"\d{4}", cleaned):
        return None  # a date without its year is not a full date: never guess the year
    parsed = dateparser.parse(
        cleaned,
        languages=["fr", "en"],
        settings={
            "DATE_ORDER": "DMY",
            "REQUIRE_PARTS": ["day", "month", "year"],
            "STRICT_PARSING": True,
            "RETURN_AS_TIMEZONE_AWARE": False,
            "PREFER_DATES_FROM": "past",
        },
    )
    if parsed is None:
        return None
    if re.search(r"\d{1,2}\s*[:h]\s*\d{2}", cleaned):
        return parsed.replace(tzinfo=PAGE_TIME_ZONE)
    return parsed.date()


def day_of(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value


def clean_url(url: str) -> str:
    """The address without what only tracks clicks; a post's or profile's without any query."""
    parts = urlsplit(url)
    host = parts.netloc.lower()
    if any(host in platform.hosts for platform in PLATFORMS):
        return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMETERS.match(k)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept), parts.fragment))


def is_pseudo_link(url: str) -> bool:
    """``javascript:;`` written as an address of the site (``https://irev.fr/javascript%3A%3B``)."""
    path = unquote(urlsplit(url).path).lstrip("/")
    return url.lower().startswith("javascript:") or path.lower().startswith("javascript:")


def platform_of(url: str) -> Platform | None:
    host = urlsplit(url).netloc.lower()
    return next((p for p in PLATFORMS if host in p.hosts), None)


def snowflake_instant(platform: Platform, post_id: str) -> datetime | None:
    """The instant a post's identifier encodes, when the platform's ids encode one."""
    if platform.epoch_ms is None:
        return None
    number = int(post_id)
    milliseconds = (number >> 22) + platform.epoch_ms
    if number >> 22 == 0 or number >= 1 << 63:
        return None  # ids from before snowflakes (2010), or not an id at all
    return datetime.fromtimestamp(milliseconds / 1000, tz=timezone.utc).replace(microsecond=0)


def extract(text: str, name: str = "article") -> Extracted:
    """Read the facts of an exported article. Never raises for a malformed part: each one
    becomes a :class:`Problem`; raises :class:`ArticleError` only when there is no article."""
    lines = source_lines(text)
    found = Extracted(name=name)
    if not lines:
        raise ArticleError(
            f"{name} : aucun texte lisible.", f"{name}: no readable text.", source=name, reason="empty"
        )
    links_at = next((i for i, l in enumerate(lines) if l.heading and _LINKS_HEADING.match(l.text)), None)
    article = lines if links_at is None else lines[:links_at]
    if links_at is None:
        found.problem(
            None,
            "pas de section « ## Liens » : les liens numérotés [n] du texte n'ont pas d'adresse.",
            "no “## Liens” section: the text's numbered links [n] have no address.",
        )
    else:
        found.has_links_section = True
        _read_links(lines[links_at + 1:], found)
    _read_fields(article, found)
    _read_head(article, found)
    fields_at = next((i for i, l in enumerate(article) if _field_of(l)), len(article))
    body = article[:fields_at]
    lead_block = _block_at(body, found.lead_line) if found.lead_line else 0
    taken = _read_documents(body, found, lead_block)
    taken |= _read_posts(body, found)
    _read_event(body, taken, found)
    _check_numbers(article, found)
    if found.source_url is None:
        raise ArticleError(
            f"{name} : pas d'adresse de la source ; attendu une ligne "
            "« **URL de la source (modifié le JJ/MM/AAAA - HH:MM):** <https://…> ». Sans elle, le "
            "brouillon n'aurait ni identité ni provenance.",
            f"{name}: no source address; expected a line "
            "“**URL de la source (modifié le DD/MM/YYYY - HH:MM):** <https://…>”. Without it the "
            "draft would have neither identity nor provenance.",
            source=name, reason="no-source-url",
        )
    return found


def _field_of(line: Line) -> re.Pattern | None:
    return next((f for f in _FIELDS if f.match(line.text)), None)


def _read_links(lines: list[Line], found: Extracted) -> None:
    for line in lines:
        written = line.raw.strip()
        entry = _LINK_ENTRY.match(written)
        if not entry:
            found.problem(
                line.number,
                f"ligne inattendue dans « Liens » : « {_short(written)} » ; attendu « [n] <https://…> » "
                "ou « [n] [texte](https://…) ».",
                f"unexpected line in “Liens”: “{_short(written)}”; expected “[n] <https://…>” or "
                "“[n] [text](https://…)”.",
            )
            continue
        number = int(entry.group("number"))
        url = next((l.href for l in line.links if l.href and re.match(r"^https?://", l.href)), None)
        if url is None:
            bare = _BARE_URL.match(entry.group("rest").strip())
            url = bare.group("url") if bare else None
        if url is None:
            rest = entry.group("rest").strip()
            why_fr, why_en = _malformation(rest)
            found.problem(
                line.number,
                f"le lien [{number}] est mal formé{why_fr} : « {_short(rest, 140)} » ; attendu "
                f"« [{number}] <https://…> » ou « [{number}] [texte](https://…) ».",
                f"link [{number}] is malformed{why_en}: “{_short(rest, 140)}”; expected "
                f"“[{number}] <https://…>” or “[{number}] [text](https://…)”.",
            )
            continue
        if number in found.links:
            found.problem(
                line.number,
                f"le lien [{number}] est déjà donné ligne {found.links[number][1]} ; le premier est gardé.",
                f"link [{number}] was already given on line {found.links[number][1]}; the first is kept.",
            )
            continue
        found.links[number] = (safe_iri(url), line.number)


def _malformation(written: str) -> tuple[str, str]:
    """What is wrong with a link written in Markdown, when it is a usual slip."""
    if not written:
        return " (pas d'adresse)", " (no address)"
    if re.search(r"\]\([^)]*$", written):
        return " (« ) » manque après l'adresse)", " (“)” missing after the address)"
    if written.startswith("<") and not written.endswith(">"):
        return " (« > » manque après l'adresse)", " (“>” missing after the address)"
    if written.startswith("[") and "](" not in written:
        return " (pas d'adresse entre parenthèses après le texte)", " (no address in parentheses after the text)"
    return "", ""


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _read_fields(lines: list[Line], found: Extracted) -> None:
    index = 0
    while index < len(lines):
        line = lines[index]
        text = line.text
        if match := _FIELD_DATES.match(text):
            value = match.group("value").strip()
            parsed = parse_date(value) if value else None
            if parsed is None:
                found.problem(
                    line.number,
                    f"date illisible dans « Dates » : « {value} » ; attendu par exemple "
                    "« Vendredi 13 décembre 2019 - 11:00 », « 13/12/2019 » ou « 2019-12-13 ».",
                    f"unreadable date in “Dates”: “{value}”; expected for instance "
                    "“Vendredi 13 décembre 2019 - 11:00”, “13/12/2019” or “2019-12-13”.",
                )
            found.dates_field = DatesField(text, parsed, line.number)
            found.fields_seen.add("Dates")
        elif _FIELD_THEMES.match(text):
            found.themes, index = _field_links(lines, index, found, "Thématiques")
            continue
        elif _FIELD_TERRITORIES.match(text):
            found.territories, index = _field_links(lines, index, found, "Territoires")
            continue
        elif match := _FIELD_PUBLISHED.match(text):
            value = match.group("value").strip()
            found.published_raw = value
            found.published = parse_date(value)
            if found.published is None:
                found.problem(
                    line.number,
                    f"date de publication illisible : « {value} » ; attendu par exemple "
                    "« 13 décembre 2019 », « 13/12/2019 », « 2019-12-13 » ou « 13 déc. 2019 ».",
                    f"unreadable publication date: “{value}”; expected for instance "
                    "“13 décembre 2019”, “13/12/2019”, “2019-12-13” or “13 déc. 2019”.",
                )
        elif match := _FIELD_SOURCE.match(text):
            url = next((inline_address(l) for l in line.links if inline_address(l)), None)
            if url is None:
                bare = _BARE_URL.match(match.group("value").strip())
                url = bare.group("url") if bare else None
            if url is None:
                found.problem(
                    line.number,
                    f"adresse de la source illisible : « {_short(match.group('value'))} » ; attendu « <https://…> ».",
                    f"unreadable source address: “{_short(match.group('value'))}”; expected “<https://…>”.",
                )
            else:
                found.source_url, found.source_line = clean_url(url), line.number
            modified = (match.group("modified") or "").strip()
            if modified:
                found.modified = parse_date(modified)
                if found.modified is None:
                    found.problem(
                        line.number,
                        f"date de modification illisible : « {modified} » ; attendu par exemple « 13/12/2019 - 15:52 ».",
                        f"unreadable modification date: “{modified}”; expected for instance “13/12/2019 - 15:52”.",
                    )
        index += 1
    for label, en in (("Thématiques", "themes"), ("Territoires", "territories")):
        if label not in found.fields_seen:
            found.problem(
                None,
                f"pas de ligne « {label}: » : l'article n'aura pas de {label.lower()}.",
                f"no “{label}:” line: the article will have no {en}.",
            )
    if "Dates" not in found.fields_seen:
        found.problem(
            None,
            "pas de ligne « Dates: » : l'heure de publication n'est pas connue, seul le jour l'est.",
            "no “Dates:” line: the publication time is not known, only the day.",
        )
    if found.published is None and found.published_raw is None:
        found.problem(
            None,
            "pas de ligne « Publié le … » : la date de publication manque.",
            "no “Publié le …” line: the publication date is missing.",
        )


def _field_links(lines: list[Line], index: int, found: Extracted, label: str) -> tuple[list[Theme], int]:
    """The links of a field line and of the lines after it that hold only links."""
    found.fields_seen.add(label)
    items: list[Theme] = []
    first = True
    while index < len(lines):
        line = lines[index]
        if not first and (_field_of(line) or not line.links or _residue(line)):
            break
        for link in line.links:
            address = found.address(link)
            if link.ref is not None and link.ref not in found.links:
                address = None  # reported by _check_numbers
            items.append(Theme(link.text.strip(), address, line.number))
        if first and not line.links:
            found.problem(
                line.number,
                f"« {label} » sans lien : « {_short(line.text)} » ; attendu « {label}: [libellé](#) [n] ».",
                f"“{label}” without a link: “{_short(line.text)}”; expected “{label}: [label](#) [n]”.",
            )
        first = False
        index += 1
    return items, index


def _residue(line: Line) -> str:
    """What a line says besides its links."""
    return re.sub(r"[\s,;|]+", "", "".join(p for p in line.parts if isinstance(p, str)))


def _read_head(lines: list[Line], found: Extracted) -> None:
    """The title (a level-1 heading before the lead, when the export has one) and the lead:
    the first paragraph."""
    for line in lines:
        if line.kind == "h1" and found.lead is None and found.title is None:
            found.title = line.text
            continue
        if line.kind == "p" and not _field_of(line) and line.text:
            block = [l for l in lines if l.block == line.block]
            found.lead = " ".join(l.text for l in block)
            found.lead_line = line.number
            return
    found.problem(None, "pas de chapô : aucun paragraphe avant les champs de la page.",
                  "no lead: no paragraph before the page's fields.")


def _read_documents(body: list[Line], found: Extracted, lead_block: int) -> set[int]:
    """Document blocks: a heading, maybe a "Sommaire", a "Poids" and a download link after it.
    Returns the blocks they occupy."""
    taken: set[int] = set()
    for index, line in enumerate(body):
        size_match = _SIZE.match(line.text)
        if not size_match:
            continue
        # The document's title: the nearest heading above "Poids" that is not "Sommaire",
        # after the lead and after any earlier document.
        start = index
        while start > 0 and body[start - 1].block > lead_block and body[start - 1].block not in taken:
            start -= 1
            if body[start].heading and not _SUMMARY.match(body[start].text):
                break
        heading = body[start] if body[start].heading and not _SUMMARY.match(body[start].text) else None
        if heading is None:
            start = index  # no title above: the block is the "Poids" line alone
        chapters = _chapters(body[start:index])
        size = _size(size_match.group("value").strip(), line, found)
        url: str | None = None
        for candidate in (l for l in body[index + 1:] if l.block <= line.block + 2):
            for link in candidate.links:
                address = found.address(link)
                if address and is_pseudo_link(address):
                    taken.add(candidate.block)  # noted with the links of "Liens"
                elif url is None and (_DOWNLOAD.search(link.text) or (address and _file_name(address))):
                    taken.add(candidate.block)
                    if address is None:
                        found.problem(
                            candidate.number,
                            f"le lien de téléchargement « {link.text} » n'a pas d'adresse.",
                            f"the download link “{link.text}” has no address.",
                        )
                    else:
                        url = clean_url(address)
        if url is None:
            found.problem(
                line.number,
                "document sans adresse : attendu « [Téléchargement](#) [n] » après « Poids », avec son lien [n] dans « Liens ».",
                "document without an address: expected “[Téléchargement](#) [n]” after “Poids”, with its link [n] in “Liens”.",
            )
        if heading is None:
            found.problem(
                line.number,
                "document sans titre : attendu un titre « ## … » avant « Poids ».",
                "document without a title: expected a heading “## …” before “Poids”.",
            )
        taken.update(l.block for l in body[start:index + 1])
        found.documents.append(
            Document(heading.text if heading else None, url, size, chapters, heading.number if heading else line.number)
        )
    return taken


def _block_at(lines: list[Line], number: int) -> int:
    return next((l.block for l in lines if l.number == number), 0)


def _chapters(lines: list[Line]) -> list[Chapter]:
    chapters: list[Chapter] = []
    in_summary = False
    for line in lines:
        if line.heading:
            in_summary = bool(_SUMMARY.match(line.text))
            continue
        if not in_summary:
            continue
        entry = _TOC_ENTRY.match(line.text)
        if entry:
            chapters.append(Chapter(entry.group("name").strip(), len(chapters) + 1, int(entry.group("page"))))
    return chapters


def _size(value: str, line: Line, found: Extracted) -> str | None:
    match = _SIZE_VALUE.match(value)
    if not match or not match.group("unit") or match.group("unit").lower() not in SIZE_UNITS:
        found.problem(
            line.number,
            f"poids illisible : « {value} » ; attendu un nombre et son unité, par exemple « 691.51 Ko ».",
            f"unreadable size: “{value}”; expected a number and its unit, for instance “691.51 Ko”.",
        )
        return None
    return f"{match.group('number')} {match.group('unit')}"


def _file_name(url: str) -> str | None:
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    return name if "." in name else None


def _read_posts(body: list[Line], found: Extracted) -> set[int]:
    """Embedded posts: the attribution line "— Author (@handle) [date](#) [n]" and the text
    before it (the lines above it in its paragraph, else the paragraph before)."""
    taken: set[int] = set()
    for index, line in enumerate(body):
        match = _ATTRIBUTION.match(line.text)
        if not match:
            continue
        same = [l for l in body[:index] if l.block == line.block]
        text_lines = same or [l for l in body[:index] if index and l.block == body[index - 1].block]
        taken.add(line.block)
        taken.update(l.block for l in text_lines)
        url = post_id = None
        platform: Platform | None = None
        shown_date: str | None = None
        for link in line.links:
            address = found.address(link)
            if address is None:
                continue
            candidate = platform_of(address)
            status = candidate.status.match(urlsplit(address).path) if candidate else None
            if status:
                platform, url, post_id = candidate, clean_url(address), status.group("id")
                shown_date = link.text.strip() or None
        if shown_date is None:
            rest = match.group("rest").strip()
            shown_date = rest or None
        if platform is None:
            platform = TWITTER  # the attribution's "(@handle)" is the form of embedded tweets
            found.problem(
                line.number,
                f"message de {match.group('name')} sans lien vers le message : son adresse, son "
                "identifiant et sa date manquent ; attendu « [date](#) [n] » avec [n] un lien "
                "https://twitter.com/…/status/….",
                f"post by {match.group('name')} without a link to the post: its address, identifier "
                "and date are missing; expected “[date](#) [n]” with [n] a link "
                "https://twitter.com/…/status/….",
            )
        if shown_date is None and url is not None:
            found.problem(
                line.number,
                f"message de {match.group('name')} sans date affichée : la date vient de l'identifiant du message.",
                f"post by {match.group('name')} without a shown date: the date comes from the post's identifier.",
            )
        body_text, hashtags, mentions, images = _post_body(text_lines, platform, found)
        found.posts.append(
            Post(platform, match.group("name").strip(), match.group("handle"), url, post_id, shown_date,
                 body_text, hashtags, mentions, images, line.number)
        )
    return taken


def _post_body(lines: list[Line], platform: Platform, found: Extracted):
    hashtags: list[Hashtag] = []
    mentions: list[str] = []
    images: list[tuple[str | None, str | None]] = []
    for line in lines:
        for link in line.links:
            numbered = found.address(link) if link.ref is not None else None
            inline = inline_address(link)
            address = numbered or inline
            if address is None:
                continue
            path = urlsplit(address).path
            host = urlsplit(address).netloc.lower()
            if host in platform.hosts and (tag := platform.hashtag.match(path)):
                hashtags.append(Hashtag(link.text.strip().lstrip("#"), unquote(tag.group("tag")), line.number))
            elif host in platform.hosts and platform.profile.match(path):
                mentions.append(clean_url(address))
            elif host in platform.media_hosts or (inline and urlsplit(inline).netloc.lower() in platform.media_hosts):
                images.append((inline, numbered if numbered != inline else None))
    text = " ".join(l.text for l in lines).strip()
    return text, hashtags, mentions, images


def _sentences(lines: list[Line], taken: set[int]) -> Iterator[Sentence]:
    blocks: dict[int, list[Line]] = {}
    for line in lines:
        if line.block in taken or line.kind not in ("p", "li"):
            continue
        blocks.setdefault(line.block, []).append(line)
    for block in blocks.values():
        text = " ".join(l.text for l in block)
        for piece in _SENTENCE_END.split(text):
            if piece.strip():
                yield Sentence(piece.strip(), block[0].number)


def _read_event(body: list[Line], taken: set[int], found: Extracted) -> None:
    """The event a sentence reports plainly: "Le 4 décembre 2019 à Liévin, s'est tenue la
    deuxième journée régionale … à l'initiative de France Médiation." Only what the
    sentence (and, for the count, the next one about "cette journée") says."""
    sentences = list(_sentences(body, taken))
    kinds = "|".join(re.escape(k.words) for k in EVENT_KINDS)
    for position, sentence in enumerate(sentences):
        verb = re.search(EVENT_VERBS, sentence.text, re.I)
        if not verb:
            continue
        when = _DATE_IN_SENTENCE.search(sentence.text)
        if not when:
            partial = next((m.group("date") for m in _DAY_WITHOUT_YEAR.finditer(sentence.text)
                            if parse_date(f"{m.group('date')} 2000") is not None), None)
            if partial:
                found.problem(
                    sentence.line,
                    f"l'événement rapporté est daté « {partial} », sans année : la date n'est pas devinée.",
                    f"the event reported is dated “{partial}”, without a year: the date is not guessed.",
                )
            continue
        start = parse_date(when.group("date"))
        if start is None:
            found.problem(
                sentence.line,
                f"date de l'événement illisible : « {when.group('date')} ».",
                f"unreadable event date: “{when.group('date')}”.",
            )
            continue
        what = re.search(
            rf"\b(?:(?:la|le|une|un)\s+|l['’]){_ORDINAL}(?P<kind>{kinds})(?P<rest>[^.;]*)",
            sentence.text[verb.end():],
            re.I,
        )
        if not what:
            continue
        kind = next(k for k in EVENT_KINDS if k.words == what.group("kind").lower())
        rest = _NAME_STOP.split(what.group("rest"), maxsplit=1)[0].strip()
        name_words = f"{what.group('kind').lower()} {rest}".strip()
        place = _PLACE.search(sentence.text[: verb.start()]) or _PLACE.search(sentence.text[verb.end():])
        organiser = _INITIATIVE.search(sentence.text)
        count = audiences = count_sentence = None
        for follower in sentences[position:position + 3]:
            counted = _COUNT.search(follower.text)
            if counted:
                count = int(re.sub(r"\D", "", counted.group("count")))
                audiences = [a.strip() for a in re.split(r",|\bet\b", counted.group("who") or "") if a.strip()]
                count_sentence = follower
                break
        found.event = EventFacts(
            kind=kind,
            name_words=name_words,
            start=day_of(start),
            place=place.group("place").strip() if place else None,
            organiser=organiser.group("name").strip() if organiser else None,
            count=count,
            audiences=audiences or [],
            sentence=sentence,
            count_sentence=count_sentence,
        )
        return


def _check_numbers(lines: list[Line], found: Extracted) -> None:
    """Every numbered link must have its entry in "Liens"; a link must have an address."""
    for line in lines:
        for link in line.links:
            if link.ref is not None:
                found.link_texts.setdefault(link.ref, link.text.strip())
            if link.ref is not None and link.ref not in found.links:
                if found.has_links_section:  # without the section at all, said once
                    found.problem(
                        line.number,
                        f"le lien « {_short(link.text, 40)} » renvoie à [{link.ref}], absent de la section « Liens ».",
                        f"the link “{_short(link.text, 40)}” points to [{link.ref}], which the “Liens” section lacks.",
                    )
            elif link.ref is None and inline_address(link) is None:
                found.problem(
                    line.number,
                    f"le lien « {_short(link.text, 40)} » n'a ni adresse ni numéro ; attendu « [{_short(link.text, 40)}](#) [n] ».",
                    f"the link “{_short(link.text, 40)}” has neither address nor number; expected “[{_short(link.text, 40)}](#) [n]”.",
                )


# -- reconciliation ----------------------------------------------------------------------------


class Reference:
    """What the project already knows, to reuse its IRIs: rdflib graphs (the project's files)
    and stores (the service's), asked the same SPARQL. Queries are fixed texts, parsed once,
    with the values bound (never pasted into the text)."""

    def __init__(self, graphs: Sequence[Graph] = (), stores: Sequence[Any] = ()):
        self.graphs = list(graphs)
        self.stores = list(stores)

    def select(self, query: str, **bindings: Node) -> list[dict[str, Node]]:
        """Rows of a SELECT whose projection names every bound variable (Oxigraph binds only
        projected variables)."""
        text = _QUERY_PREFIXES + query
        rows: list[dict[str, Node]] = []
        for graph in self.graphs:
            result = graph.query(_prepared(text), initBindings=bindings)
            rows.extend({str(k): v for k, v in row.asdict().items()} for row in result)  # type: ignore[union-attr]
        for store in self.stores:
            rows.extend(store.select(text, bindings))
        return rows

    def exists(self, iri: URIRef) -> bool:
        return bool(self.select("SELECT ?s ?p WHERE { ?s ?p ?o } LIMIT 1", s=iri))

    def description(self, subject: URIRef) -> Iterator[tuple[Node, Node, Node]]:
        """The subject's triples, and those of the blank nodes it points at."""
        seen: set[Node] = set()
        pending: list[Node] = [subject]
        while pending:
            node = pending.pop()
            if node in seen:
                continue
            seen.add(node)
            triples: list[tuple[Node, Node, Node]] = []
            for graph in self.graphs:
                triples.extend(graph.triples((node, None, None)))
            for store in self.stores:
                triples.extend((s, p, o) for s, p, o, _ in store.quads(subject=node))
            for triple in triples:
                yield triple
                if isinstance(triple[2], BNode):
                    pending.append(triple[2])

    # -- lookups by identity --

    def by_account(self, profile: str) -> URIRef | None:
        """The actor (or venue) whose ``schema:sameAs`` is this social-media account."""
        key = _account_key(profile)
        if key is None:
            return None
        rows = self.select(
            "SELECT DISTINCT ?actor ?account ?handle WHERE { ?actor schema:sameAs ?account . "
            "FILTER(CONTAINS(LCASE(STR(?account)), ?handle)) }",
            handle=Literal("/" + key.rsplit("/", 1)[-1]),
        )
        return _unique([r for r in rows if _account_key(str(r["account"])) == key], "actor")

    def by_site(self, url: str) -> URIRef | None:
        """The person or organisation whose ``schema:url`` is the home page of ``url``'s site."""
        host = urlsplit(url).netloc.lower().removeprefix("www.")
        rows = []
        for cls in AGENT_CLASSES:
            rows += self.select(
                "SELECT DISTINCT ?actor ?url ?host ?class WHERE { ?actor a ?class ; schema:url ?url . "
                "FILTER(CONTAINS(LCASE(STR(?url)), ?host)) }",
                host=Literal(host), **{"class": cls},
            )
        home = [
            r for r in rows
            if urlsplit(str(r["url"])).netloc.lower().removeprefix("www.") == host
            and urlsplit(str(r["url"])).path in ("", "/")
        ]
        return _unique(home, "actor")

    def by_name(self, name: str, classes: Iterable[URIRef] = AGENT_CLASSES) -> URIRef | None:
        """The one resource of these classes whose name or other name is ``name`` (case and
        accents aside)."""
        rows = []
        for cls in classes:
            rows += self.select(
                "SELECT DISTINCT ?thing ?name ?word ?class WHERE { ?thing a ?class ; schema:name|schema:alternateName ?name . "
                "FILTER(CONTAINS(LCASE(STR(?name)), ?word)) }",
                word=Literal(_first_word(name)), **{"class": cls},
            )
        return _unique([r for r in rows if fold(str(r["name"])) == fold(name)], "thing")

    def by_address(self, url: str, cls: URIRef) -> URIRef | None:
        """The resource of class ``cls`` whose ``schema:url`` or ``schema:contentUrl`` is ``url``."""
        rows = []
        for variant in _variants(url):
            rows += self.select(
                "SELECT DISTINCT ?thing ?url ?class WHERE { ?thing schema:url|schema:contentUrl ?url ; a ?class }",
                url=URIRef(variant), **{"class": cls},
            )
        return _unique(rows, "thing")

    def concept_by_match(self, url: str) -> URIRef | None:
        rows = []
        for variant in _variants(url):
            rows += self.select("SELECT DISTINCT ?concept ?url WHERE { ?concept skos:exactMatch ?url }", url=URIRef(variant))
        return _unique(rows, "concept")

    def concept_by_label(self, label: str, under: str) -> URIRef | None:
        """The concept whose IRI starts with ``under`` (or whose ``skos:exactMatch`` does), and
        whose preferred or alternative label is ``label`` (case, accents, plural aside)."""
        rows = self.select(
            "SELECT DISTINCT ?concept ?label ?under WHERE { ?concept a skos:Concept ; skos:prefLabel|skos:altLabel ?label . "
            "OPTIONAL { ?concept skos:exactMatch ?match } "
            "FILTER(STRSTARTS(STR(?concept), ?under) || STRSTARTS(STR(?match), ?under)) }",
            under=Literal(under),
        )
        return _unique([r for r in rows if _same_term(str(r["label"]), label)], "concept")

    def territory(self, name: str, cls: URIRef | None) -> URIRef | None:
        """The one territory (of class ``cls`` when given) named ``name``."""
        rows = []
        for kind in [cls] if cls is not None else sorted(set(TERRITORY_KINDS.values())):
            rows += self.select(
                "SELECT DISTINCT ?place ?name ?word ?class WHERE { ?place a ?class ; schema:name ?name . "
                "FILTER(CONTAINS(LCASE(STR(?name)), ?word)) }",
                word=Literal(_first_word(name)), **{"class": kind},
            )
        return _unique([r for r in rows if fold(str(r["name"])) == fold(name)], "place")

    def region_of(self, place: URIRef) -> str | None:
        rows = self.select(
            "SELECT DISTINCT ?name ?place WHERE { ?place schema:containedInPlace+ ?region . "
            "?region a igeo:Region ; schema:name ?name }",
            place=place,
        )
        names = {str(r["name"]) for r in rows if "name" in r}
        return names.pop() if len(names) == 1 else None

    def venue_in(self, name: str, commune: URIRef) -> URIRef | None:
        """A place (not a territory) named ``name`` in the commune: the town as a venue."""
        rows = self.select(
            "SELECT DISTINCT ?place ?name ?commune WHERE { ?place schema:containedInPlace ?commune ; a schema:Place ; "
            "schema:name ?name . FILTER NOT EXISTS { ?place a schema:AdministrativeArea } }",
            commune=commune,
        )
        return _unique([r for r in rows if fold(str(r["name"])) == fold(name)], "place")

    def event_on(self, day: date, commune: URIRef | None, organiser: URIRef | None) -> URIRef | None:
        """The one event of that day, in that commune, by that organiser, that is not a part
        of another such event."""
        rows = self.select(
            "SELECT DISTINCT ?event ?organizer ?location ?parent ?day WHERE { ?event a schema:Event ; schema:startDate ?start . "
            "FILTER(SUBSTR(STR(?start), 1, 10) = ?day) "
            "OPTIONAL { ?event schema:organizer ?organizer } OPTIONAL { ?event schema:location ?location } "
            "OPTIONAL { ?event schema:superEvent ?parent } }",
            day=Literal(day.isoformat()),
        )
        candidates: dict[Node, dict[str, set]] = {}
        for row in rows:
            facts = candidates.setdefault(row["event"], {"organizer": set(), "location": set(), "parent": set()})
            for key in facts:
                if key in row:
                    facts[key].add(row[key])
        places = {place: self.within(place) for facts in candidates.values() for place in facts["location"]}
        kept = {
            event for event, facts in candidates.items()
            if (organiser is None or organiser in facts["organizer"])
            and (commune is None or any(commune in places[place] for place in facts["location"]))
        }
        top = [e for e in kept if not candidates[e]["parent"] & kept]
        return top[0] if len(top) == 1 and isinstance(top[0], URIRef) else None

    def within(self, place: Node) -> set[Node]:
        """The place and every place that contains it."""
        rows = self.select("SELECT DISTINCT ?outer ?place WHERE { ?place schema:containedInPlace+ ?outer }", place=place)
        return {place} | {r["outer"] for r in rows}

    def labels(self, concept: URIRef) -> dict[str, str]:
        rows = self.select("SELECT ?label ?concept WHERE { ?concept skos:prefLabel ?label }", concept=concept)
        return {r["label"].language or "": str(r["label"]) for r in rows if isinstance(r.get("label"), Literal)}


@lru_cache(maxsize=64)
def _prepared(text: str) -> Any:
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text)


def _unique(rows: list[dict[str, Node]], key: str) -> URIRef | None:
    """The one IRI the rows name under ``key``; None when there is none, or several (an
    ambiguous name is no match)."""
    found = {row[key] for row in rows if isinstance(row.get(key), URIRef)}
    return found.pop() if len(found) == 1 else None


def _first_word(name: str) -> str:
    """The first word of a name, in lower case with its accents: a cheap filter for the store,
    before names are compared exactly (see :func:`fold`)."""
    words = [w for w in re.split(r"[\s\-'’]+", name.lower()) if w]
    return words[0] if words else ""


def _variants(url: str) -> list[str]:
    """The same address over http and https, with and without a final slash."""
    parts = urlsplit(url)
    out = []
    for scheme in ("https", "http"):
        for path in {parts.path, parts.path.rstrip("/"), parts.path.rstrip("/") + "/"}:
            out.append(urlunsplit((scheme, parts.netloc, path, parts.query, parts.fragment)))
    return sorted(set(out))


def _account_key(url: str) -> str | None:
    platform = platform_of(url)
    if platform is None:
        return None
    profile = platform.profile.match(urlsplit(url).path)
    return f"{platform.name}/{profile.group('handle').lower()}" if profile else None


def _same_term(a: str, b: str) -> bool:
    """Two labels of a list match when they are the same words, case, accents and a plural
    "s" aside ("élus" and "Élus", "acteurs locaux" and "Acteurs locaux")."""
    return [w.rstrip("sx") for w in fold(a).split()] == [w.rstrip("sx") for w in fold(b).split()]


def _stamp(root: Path) -> tuple[tuple[str, int, int], ...]:
    from .seed import rdf_files

    stamps = []
    for path in rdf_files([root / name for name in REFERENCE_DIRS]):
        stat = path.stat()
        stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(stamps)


@lru_cache(maxsize=4)
def _project_graph(stamp: tuple, base_url: str) -> Graph:
    from .rdfio import parse_files

    graph = parse_files([Path(p) for p, _, _ in stamp])
    if base_url == DEFAULT_BASE:
        return graph
    # Resources move under the configured base; the vocabulary's terms stay where the code
    # (MED, the shapes) names them.
    return _moved(graph, DEFAULT_BASE + "id/", base_url + "id/")


def project_reference(base_url: str = DEFAULT_BASE, root: Path = PROJECT_ROOT) -> Graph:
    """The project's vocabulary, concept schemes and data, parsed once per change of the files."""
    return _project_graph(_stamp(root), base_url)


# -- building the draft ------------------------------------------------------------------------


@dataclass
class Draft:
    """The draft graph and what a curator must know about it."""

    graph: Graph
    article: URIRef
    extracted: Extracted
    #: (kind, label, IRI) of the resources the reference already knows, and of the new ones
    matched: list[tuple[str, str, URIRef]] = field(default_factory=list)
    minted: list[tuple[str, str, URIRef]] = field(default_factory=list)
    todo: list[tuple[str, str]] = field(default_factory=list)  # (fr, en)

    def found(self, kind: str) -> list[URIRef]:
        """The IRIs of that kind, known or new."""
        return [iri for k, _, iri in self.matched + self.minted if k == kind]

    def to_complete(self, fr: str, en: str) -> None:
        self.todo.append((fr, en))


class _Builder:
    def __init__(self, found: Extracted, reference: Reference, base_url: str, today: date):
        self.found = found
        self.ref = reference
        self.base = base_url
        self.today = Literal(today.isoformat(), datatype=XSD.date)
        self.lang = ARTICLE_LANGUAGE
        self.graph = Graph()
        self.draft: Draft | None = None

    def iri(self, path: str) -> URIRef:
        return URIRef(self.base + path)

    def add(self, s: Node, p: Node, o: Node | None) -> None:
        if o is not None:
            self.graph.add((s, p, o))

    def text(self, value: str) -> Literal:
        return Literal(value, lang=self.lang)

    def record(self, kind: str, label: str, node: URIRef) -> URIRef:
        """Say whether ``node`` is a resource the reference knows or a new one."""
        assert self.draft is not None
        entry = (kind, label, node)
        known = self.draft.matched if self.ref.exists(node) else self.draft.minted
        if entry not in known:
            known.append(entry)
        return node

    # -- the whole draft --

    def build(self, graph_name: str | None) -> Draft:
        found = self.found
        assert found.source_url is not None
        source = URIRef(found.source_url)
        host = urlsplit(found.source_url).netloc.lower().removeprefix("www.")
        publisher = self.ref.by_site(found.source_url)
        owner = publisher if publisher is not None else self.iri(f"id/actor/{slugify(host)}")
        article = (
            self.ref.by_address(str(source), SDO.NewsArticle)
            or self.ref.by_address(str(source), SDO.Article)
            or self.iri(f"id/article/{self.article_slug(owner)}")
        )
        name = graph_name or f"brouillon-{article.rsplit('/', 1)[-1]}"
        self.graph = Graph(identifier=URIRef(f"{self.base}graph/{name}"))
        for prefix, namespace in PREFIXES.items():
            self.graph.bind(prefix, namespace)
        for prefix, path in (("actor", "id/actor/"), ("article", "id/article/"), ("doc", "id/document/"),
                             ("post", "id/post/"), ("ev", "id/event/"), ("place", "id/place/"),
                             ("theme", "id/theme/"), ("status", "id/curation/")):
            self.graph.bind(prefix, self.base + path)
        draft = self.draft = Draft(self.graph, article, found)
        self.record("article", str(source), article)
        if publisher is None:
            publisher = owner
            self.add(publisher, RDF.type, SDO.Organization)
            self.add(publisher, SDO.name, Literal(host))
            self.add(publisher, SDO.url, URIRef(f"https://{host}"))
            draft.to_complete(
                f"L'éditeur {host} n'est pas un acteur connu : nom et type à vérifier ({publisher}).",
                f"The publisher {host} is not a known actor: check its name and type ({publisher}).",
            )
        self.record("publisher", host, publisher)
        self.article_facts(article, source, publisher)
        self.themes(article)
        self.territories(article)
        for document in found.documents:
            self.document(article, document, publisher)
        for post in found.posts:
            self.post(article, post)
        if found.event is not None:
            self.event(article, found.event)
        else:
            draft.to_complete(
                "Aucune phrase ne dit plainement quel événement l'article rapporte (« le 4 décembre 2019 "
                "à Liévin s'est tenue … ») : à ajouter s'il y en a un.",
                "No sentence plainly says which event the article reports (“le 4 décembre 2019 à "
                "Liévin s'est tenue …”): add it if there is one.",
            )
        self.links(article)
        self.dates_note(article)
        self.provenance(article, source)
        return draft

    def note(self, article: URIRef, key: str, about: Sequence[Node], text: tuple[str, str],
             source_value: str, retained_value: str, evidence: tuple[str, str]) -> URIRef:
        """A data-quality note, in the form of the curated data's."""
        node = URIRef(f"{article}#note-{key}")
        for cls in (MED.DataQualityNote, SDO.Comment, DQV.QualityAnnotation):
            self.add(node, RDF.type, cls)
        for thing in about:
            self.add(node, SDO.about, thing)
        self.add(node, SDO.text, Literal(text[0], lang="fr"))
        self.add(node, SDO.text, Literal(text[1], lang="en"))
        self.add(node, MED.sourceValue, Literal(source_value))
        self.add(node, MED.retainedValue, Literal(retained_value))
        self.add(node, MED.evidence, Literal(evidence[0], lang="fr"))
        self.add(node, MED.evidence, Literal(evidence[1], lang="en"))
        self.add(node, SDO.dateCreated, self.today)
        return node

    def evidence(self, subject: URIRef, predicate: URIRef, obj: Node, sentence: Sentence, key: str) -> None:
        """Keep the sentence a fact was read from: a reified statement whose ``prov:value`` is
        the sentence, quoted from the article."""
        assert self.draft is not None
        node = URIRef(f"{subject}#source-{key}")
        self.add(node, RDF.type, RDF.Statement)
        self.add(node, RDF.type, PROV.Entity)
        self.add(node, RDF.subject, subject)
        self.add(node, RDF.predicate, predicate)
        self.add(node, RDF.object, obj)
        self.add(node, PROV.value, self.text(sentence.text))
        self.add(node, PROV.wasQuotedFrom, self.draft.article)

    # -- the article --

    def article_slug(self, publisher: URIRef) -> str:
        found = self.found
        owner = str(publisher).rstrip("/").rsplit("/", 1)[-1]
        day = day_of(found.published).isoformat() if found.published else None
        page = slugify(unquote(urlsplit(found.source_url or "").path.rstrip("/").rsplit("/", 1)[-1]))
        return "-".join(part for part in (owner, day, page) if part)[:160].rstrip("-")

    def article_facts(self, article: URIRef, source: URIRef, publisher: URIRef) -> None:
        found, draft = self.found, self.draft
        assert draft is not None
        self.add(article, RDF.type, SDO.NewsArticle)
        self.add(article, SDO.url, source)
        self.add(article, SDO.inLanguage, Literal(self.lang))
        self.add(article, SDO.publisher, publisher)
        if found.title:
            self.add(article, SDO.headline, self.text(found.title))
        else:
            slug = unquote(urlsplit(str(source)).path.rstrip("/").rsplit("/", 1)[-1])
            words = " ".join(w for w in re.split(r"[-_]+", slug) if w)
            if words:
                self.add(article, SDO.headline, self.text(words))
                self.note(
                    article, "titre", [article],
                    ("Le titre de l'article n'apparaît pas dans le texte exporté ; il est pris des mots de "
                     "l'adresse de la page, sans accents ni petits mots : un curateur doit le rétablir.",
                     "The article's title is missing from the exported text; it is taken from the words of "
                     "the page's address, without accents or small words: a curator must restore it."),
                    slug, words,
                    ("L'adresse de la page est la seule trace du titre dans l'export.",
                     "The page's address is the only trace of the title in the export."),
                )
                draft.to_complete(
                    f"Titre provisoire, tiré de l'adresse : « {words} » ; rétablir le vrai titre.",
                    f"Provisional title, from the address: “{words}”; restore the real title.",
                )
        if found.lead:
            self.add(article, SDO.abstract, self.text(found.lead))
        published = self.published()
        if published is not None:
            self.add(article, SDO.datePublished, _date_literal(published))
        if found.modified is not None:
            self.add(article, SDO.dateModified, _date_literal(found.modified))

    def published(self) -> datetime | date | None:
        """The publication date ("Publié le"), with the time of the "Dates" field when that
        field gives the same day: on these pages it dates the publication."""
        found = self.found
        dates = found.dates_field
        if found.published is None:
            return None
        if dates and dates.value is not None and day_of(dates.value) == day_of(found.published):
            return dates.value
        return found.published

    def dates_note(self, article: URIRef) -> None:
        found, draft = self.found, self.draft
        assert draft is not None
        dates = found.dates_field
        if dates is None or dates.value is None:
            return
        published = self.published()
        if published is not None and day_of(dates.value) == day_of(published):
            retained = f"datePublished {_date_literal(published)}"
            about: list[Node] = [article]
            if found.event is not None and found.event.start != day_of(published):
                retained += f" ; startDate {found.event.start.isoformat()}"
                about.extend(draft.found("event"))
            self.note(
                article, "champ-dates", about,
                ("Le champ « Dates » de la page porte la date de publication de l'article, pas celle d'un événement.",
                 "The page's “Dates” field holds the article's publication date, not the date of an event."),
                dates.raw, retained,
                (f"La page dit « Publié le {found.published_raw} », le même jour que le champ « Dates ».",
                 f"The page says “Publié le {found.published_raw}”, the same day as the “Dates” field."),
            )
        elif published is not None:
            draft.to_complete(
                f"Le champ « {dates.raw} » (ligne {dates.line}) n'est pas la date de publication : dire ce qu'il date.",
                f"The field “{dates.raw}” (line {dates.line}) is not the publication date: say what it dates.",
            )

    def themes(self, article: URIRef) -> None:
        assert self.found.source_url
        parts = urlsplit(self.found.source_url)
        site = f"{parts.scheme}://{parts.netloc}/"
        for theme in self.found.themes:
            concept = self.ref.concept_by_match(theme.url) if theme.url else None
            if concept is None:  # no link, or an unknown one: the publisher's theme of that label
                concept = self.ref.concept_by_label(theme.label, site)
            if concept is None:
                self.add(article, SDO.keywords, self.text(theme.label))
                self.found.problem(
                    theme.line,
                    f"thématique inconnue « {theme.label} » ({theme.url or 'sans lien'}) : gardée comme mot-clé.",
                    f"unknown theme “{theme.label}” ({theme.url or 'no link'}): kept as a keyword.",
                )
                continue
            self.add(article, SDO.about, concept)
            self.record("theme", theme.label, concept)

    def territories(self, article: URIRef) -> None:
        for item in self.found.territories:
            words = item.label.split(maxsplit=1)
            cls = TERRITORY_KINDS.get(fold(words[0])) if words else None
            name = words[1] if cls is not None and len(words) > 1 else item.label
            place = self.ref.territory(name, cls)
            if place is None:
                self.found.problem(
                    item.line,
                    f"territoire introuvable dans les données des territoires : « {item.label} ».",
                    f"territory not found in the territories data: “{item.label}”.",
                )
                continue
            self.add(article, SDO.spatialCoverage, place)
            self.record("territory", item.label, place)

    # -- documents, posts, links --

    def document(self, article: URIRef, document: Document, publisher: URIRef) -> None:
        draft = self.draft
        assert draft is not None
        if document.url is None:
            # A document is the file at its address: without it there is nothing to point at.
            draft.to_complete(
                f"Le document « {document.name or '?'} » ({document.size or 'poids inconnu'}, ligne "
                f"{document.line}) n'a pas d'adresse : il n'est pas dans le brouillon ; la retrouver, puis l'ajouter.",
                f"The document “{document.name or '?'}” ({document.size or 'size unknown'}, line "
                f"{document.line}) has no address: it is not in the draft; find it, then add it.",
            )
            return
        node = self.ref.by_address(document.url, SDO.DigitalDocument)
        owner = str(publisher).rstrip("/").rsplit("/", 1)[-1]
        if node is None:
            slug = slugify(document.name) if document.name else slugify(_file_name(document.url) or "document")
            node = self.iri(f"id/document/{owner}-{slug}")
        self.record("document", document.name or document.url, node)
        self.add(node, RDF.type, SDO.DigitalDocument)
        self.add(node, RDF.type, SDO.MediaObject)
        if document.name:
            self.add(node, SDO.name, self.text(document.name))
        url = URIRef(document.url)
        self.add(node, SDO.url, url)
        self.add(node, SDO.contentUrl, url)
        media_type, _ = mimetypes.guess_type(urlsplit(document.url).path, strict=False)
        if media_type:
            self.add(node, SDO.encodingFormat, Literal(media_type))
        else:
            draft.to_complete(
                f"Format du document « {document.name} » inconnu (adresse sans extension connue).",
                f"Format of the document “{document.name}” unknown (address without a known extension).",
            )
        # a file of the article's own site is published by the article's publisher
        if urlsplit(document.url).netloc.lower() == urlsplit(self.found.source_url or "").netloc.lower():
            self.add(node, SDO.publisher, publisher)
        if document.size:
            self.add(node, SDO.contentSize, Literal(document.size))
        for chapter in document.chapters:
            part = URIRef(f"{node}#partie-{chapter.position}")
            self.add(node, SDO.hasPart, part)
            self.add(part, RDF.type, SDO.Chapter)
            self.add(part, SDO.name, self.text(chapter.name))
            self.add(part, SDO.position, Literal(chapter.position))
            if chapter.page is not None:
                self.add(part, SDO.pageStart, Literal(chapter.page))
            self.add(part, SDO.isPartOf, node)
        self.add(article, SDO.associatedMedia, node)

    def agent(self, profile: str | None, name: str | None, role: str) -> URIRef | None:
        """The actor behind an account (or named ``name``): a known one, else a new one."""
        draft = self.draft
        assert draft is not None
        known = (self.ref.by_account(profile) if profile else None) or (
            self.ref.by_name(name) if name else None
        )
        if known is not None:
            return self.record(role, name or profile or "", known)
        label = name or (profile.rstrip("/").rsplit("/", 1)[-1] if profile else None)
        if not label:
            return None
        node = self.iri(f"id/actor/{slugify(label)}")
        if (node, RDF.type, None) not in self.graph:
            # A person or an organisation? The text does not say: the curator will.
            self.add(node, RDF.type, SDO.Organization)
            self.add(node, SDO.name, Literal(label))
            if profile:
                self.add(node, SDO.sameAs, URIRef(profile))
            self.record(role, label, node)
            draft.to_complete(
                f"« {label} » n'est pas un acteur connu : personne ou organisation, nom exact, à vérifier ({node}).",
                f"“{label}” is not a known actor: person or organisation, exact name, to check ({node}).",
            )
        return node

    def post(self, article: URIRef, post: Post) -> None:
        draft = self.draft
        assert draft is not None
        platform = post.platform
        if not (post.post_id and post.url):
            # A post is known by its identifier: without it there is no IRI to give it, nor a
            # date to trust. Its text stays in the source for the curator.
            draft.to_complete(
                f"Le message de {post.author_name} (@{post.handle}, ligne {post.line}) n'a pas d'adresse : "
                f"il n'est pas dans le brouillon ; retrouver son adresse, puis l'ajouter. Texte : « {_short(post.body, 120)} »",
                f"The post by {post.author_name} (@{post.handle}, line {post.line}) has no address: it is "
                f"not in the draft; find its address, then add it. Text: “{_short(post.body, 120)}”",
            )
            return
        node = self.iri(f"id/post/{platform.name}-{post.post_id}")
        self.record("post", post.url or f"{post.author_name} ({post.line})", node)
        self.add(node, RDF.type, SDO.SocialMediaPosting)
        self.add(node, SDO.identifier, Literal(post.post_id))
        self.add(node, SDO.url, URIRef(post.url))
        self.add(node, SDO.author, self.agent(f"{platform.canonical}/{post.handle}", post.author_name, "author"))
        if post.body:
            self.add(node, SDO.articleBody, self.text(post.body))
        self.add(node, SDO.inLanguage, Literal(self.lang))
        self.post_date(article, node, post)
        for hashtag in post.hashtags:
            self.add(node, SDO.keywords, self.text(hashtag.linked or hashtag.shown))
            if hashtag.linked and _nfc(hashtag.linked).casefold() != _nfc(hashtag.shown).casefold():
                where = f"{urlsplit(platform.canonical).netloc}/hashtag/{hashtag.linked}"
                self.note(
                    article, f"mot-diese-{slugify(hashtag.linked)}", [node],
                    (f"Le mot-dièse affiché « #{hashtag.shown} » ne correspond pas à son lien, « #{hashtag.linked} » : le lien est retenu.",
                     f"The hashtag shown as “#{hashtag.shown}” does not match its link, “#{hashtag.linked}”: the link is kept."),
                    f"#{hashtag.shown}", f"#{hashtag.linked}",
                    (f"Le lien du mot-dièse pointe vers {where} (ligne {hashtag.line}).",
                     f"The hashtag's link points to {where} (line {hashtag.line})."),
                )
        for mention in post.mentions:
            self.add(node, SDO.mentions, self.agent(mention, None, "mention"))
        for index, (shown, linked) in enumerate(post.images, start=1):
            image = URIRef(f"{node}#image" if len(post.images) == 1 else f"{node}#image-{index}")
            self.add(node, SDO.sharedContent, image)
            self.add(image, RDF.type, SDO.ImageObject)
            self.add(image, SDO.url, URIRef(shown or linked or ""))
            if shown and linked:
                self.add(image, SDO.sameAs, URIRef(linked))
                code_shown, code_linked = urlsplit(shown).path.strip("/"), urlsplit(linked).path.strip("/")
                if code_shown != code_linked:
                    self.note(
                        article, f"lien-image-{node.rsplit('/', 1)[-1]}", [image],
                        (f"L'adresse de l'image du message de {post.author_name} est écrite de deux façons : "
                         f"« {code_shown} » dans le texte, « {code_linked} » dans le lien. Les deux sont gardées.",
                         f"The address of the image in {post.author_name}'s post is written two ways: "
                         f"“{code_shown}” in the text, “{code_linked}” in the link. Both are kept."),
                        f"{urlsplit(shown).netloc}/{code_shown} ; {urlsplit(linked).netloc}/{code_linked}",
                        f"{shown} ; {linked}",
                        ("Les deux graphies viennent de la même source ; rien dans l'export ne permet de trancher.",
                         "Both spellings come from the same source; nothing in the export settles it."),
                    )
        self.add(article, MED.embeds, node)
        self.add(article, SDO.citation, node)

    def post_date(self, article: URIRef, node: URIRef, post: Post) -> None:
        """The post's date: what its identifier encodes; the shown date when it encodes none.
        When the two disagree, the identifier wins and a note says so."""
        encoded = snowflake_instant(post.platform, post.post_id) if post.post_id else None
        shown = parse_date(post.shown_date) if post.shown_date else None
        if post.shown_date and shown is None:
            self.found.problem(
                post.line,
                f"date du message illisible : « {post.shown_date} » ; attendu par exemple « December 4, 2019 » ou « 4 décembre 2019 ».",
                f"unreadable post date: “{post.shown_date}”; expected for instance “December 4, 2019” or “4 décembre 2019”.",
            )
        if encoded is None:
            if shown is not None:
                self.add(node, SDO.datePublished, _date_literal(shown))
            return
        instant = encoded.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.add(node, SDO.datePublished, Literal(instant, datatype=XSD.dateTime))
        if shown is None or day_of(shown) in {encoded.date(), encoded.astimezone(PAGE_TIME_ZONE).date()}:
            return
        day = encoded.date()
        self.note(
            article, f"date-{node.rsplit('/', 1)[-1]}", [node],
            (f"La date affichée sous le message de {post.author_name} (« {post.shown_date} ») est fausse : "
             f"le message date du {_french_day(day)}.",
             f"The date shown under {post.author_name}'s post (“{post.shown_date}”) is wrong: the post "
             f"dates from {day.day} {day:%B %Y}."),
            post.shown_date or "", instant,
            (f"L'identifiant du message ({post.post_id}) encode l'instant de sa publication : "
             f"le {_french_day(day)} à {encoded:%H:%M:%S} UTC.",
             f"The post's identifier ({post.post_id}) encodes when it was published: "
             f"{day.day} {day:%B %Y} at {encoded:%H:%M:%S} UTC."),
        )

    def links(self, article: URIRef) -> None:
        """Links of "Liens" that no fact took become related links of the article; a pseudo-link
        (``javascript:;``) is no resource and gets a note instead, as in the curated data."""
        for number, (url, _) in sorted(self.found.links.items()):
            if is_pseudo_link(url):
                shown = self.found.link_texts.get(number, "")
                self.note(
                    article, f"lien-{slugify(shown) or number}", [article],
                    (f"Le lien « {shown} » [{number}] n'est pas une ressource : c'est un pseudo-lien "
                     "JavaScript de la page, qui n'est pas repris.",
                     f"The “{shown}” link [{number}] is not a resource: it is a JavaScript pseudo-link "
                     "of the page, and is not kept."),
                    url, "—",
                    ("L'adresse est « javascript:; » encodé et préfixé par le site.",
                     "The address is an encoded “javascript:;” prefixed by the site."),
                )
            elif number not in self.found.used_links:
                self.add(article, SDO.relatedLink, URIRef(clean_url(url)))

    # -- the event --

    def event(self, article: URIRef, facts: EventFacts) -> None:
        draft = self.draft
        assert draft is not None
        commune = self.ref.territory(facts.place, IGEO.Commune) if facts.place else None
        organiser = self.agent(None, facts.organiser, "organiser") if facts.organiser else None
        node = self.ref.event_on(facts.start, commune, organiser) if (commune or organiser) else None
        if node is None:
            parts = [facts.start.isoformat(), facts.kind.slug, slugify(facts.place) if facts.place else ""]
            node = self.iri("id/event/" + "-".join(p for p in parts if p))
        self.record("event", facts.name_words, node)
        sentence = facts.sentence
        self.add(node, RDF.type, SDO.Event)
        if facts.kind.cls is not None:
            self.add(node, RDF.type, facts.kind.cls)
        name = facts.name_words[:1].upper() + facts.name_words[1:]
        if facts.place:
            name += f" à {facts.place}"
        self.add(node, SDO.name, self.text(name))
        start = Literal(facts.start.isoformat(), datatype=XSD.date)
        self.add(node, SDO.startDate, start)
        self.evidence(node, SDO.startDate, start, sentence, "startDate")
        if facts.kind.one_day:  # a "journée" lasts that day
            self.add(node, SDO.endDate, start)
        self.add(node, SDO.eventStatus, SDO.EventScheduled)  # "s'est tenue": it took place as planned
        if facts.place:
            place = self.place(facts.place, commune)
            self.add(node, SDO.location, place)
            self.add(node, SDO.eventAttendanceMode, SDO.OfflineEventAttendanceMode)
            self.evidence(node, SDO.location, place, sentence, "location")
        else:
            draft.to_complete("Le lieu de l'événement n'est pas dit : à ajouter.", "The event's place is not given: add it.")
        if organiser is not None:
            self.add(node, SDO.organizer, organiser)
            self.evidence(node, SDO.organizer, organiser, sentence, "organizer")
            self.role(node, organiser)
            self.add(article, SDO.mentions, organiser)
        else:
            draft.to_complete("L'organisateur de l'événement n'est pas dit : à ajouter.", "The event's organiser is not given: add it.")
        if facts.count is not None and facts.count_sentence is not None:
            count = Literal(facts.count)  # xsd:integer, as the curated data writes counts
            self.add(node, MED.participantCount, count)
            self.evidence(node, MED.participantCount, count, facts.count_sentence, "participantCount")
            for word in facts.audiences:
                audience = self.ref.concept_by_label(word, self.base + "id/audience/")
                if audience is None:
                    draft.to_complete(
                        f"Public « {word} » sans concept dans le schéma des publics.",
                        f"Audience “{word}” has no concept in the audiences scheme.",
                    )
                    continue
                self.add(node, SDO.audience, audience)
                self.evidence(node, SDO.audience, audience, facts.count_sentence, f"audience-{slugify(word)}")
        self.add(node, SDO.subjectOf, article)
        self.add(article, SDO.about, node)
        draft.to_complete(
            "L'événement ne porte que ce qu'une phrase dit : description, parties, intervenants et thèmes à ajouter.",
            "The event carries only what a sentence says: description, parts, speakers and themes to add.",
        )

    def place(self, name: str, commune: URIRef | None) -> URIRef:
        """The town as the event's place: a place named after it, in the commune (the curated
        data's model when an article names the town and no venue)."""
        draft = self.draft
        assert draft is not None
        if commune is not None and (known := self.ref.venue_in(name, commune)) is not None:
            return self.record("place", name, known)
        node = self.record("place", name, self.iri(f"id/place/{slugify(name)}"))
        self.add(node, RDF.type, SDO.Place)
        self.add(node, SDO.name, Literal(name, lang="fr"))
        address = BNode()
        self.add(node, SDO.address, address)
        self.add(address, RDF.type, SDO.PostalAddress)
        self.add(address, SDO.addressLocality, Literal(name))
        if commune is not None:
            self.add(node, SDO.containedInPlace, commune)
            region = self.ref.region_of(commune)
            if region:
                self.add(address, SDO.addressRegion, Literal(region))
            self.add(address, SDO.addressCountry, Literal("FR"))
            self.record("commune", name, commune)
        else:
            draft.to_complete(
                f"« {name} » n'est pas une commune des données des territoires (absente ou homonyme) : la rattacher.",
                f"“{name}” is not a commune of the territories data (absent, or several of that name): link it.",
            )
        return node

    def role(self, event: URIRef, organiser: URIRef) -> None:
        kind = self.iri("id/role/organisateur")
        node = URIRef(f"{event}#role-organisateur-{str(organiser).rstrip('/').rsplit('/', 1)[-1]}")
        labels = self.ref.labels(kind) or {"fr": "Organisateur", "en": "Organiser"}
        self.add(event, MED.hasRole, node)
        self.add(node, RDF.type, MED.Participation)
        self.add(node, RDF.type, SDO.Role)
        self.add(node, MED.inEvent, event)
        self.add(node, MED.agent, organiser)
        self.add(node, MED.roleType, kind)
        for lang in ("fr", "en"):
            if lang in labels:
                self.add(node, SDO.roleName, Literal(labels[lang], lang=lang))

    # -- provenance --

    def provenance(self, article: URIRef, source: URIRef) -> None:
        node = self.graph.identifier
        self.add(node, RDF.type, SDO.Dataset)
        self.add(node, RDF.type, PROV.Entity)
        self.add(node, SDO.name, Literal(f"Brouillon tiré de l'article {source}", lang="fr"))
        self.add(node, SDO.name, Literal(f"Draft drawn from the article {source}", lang="en"))
        self.add(node, SDO.description, Literal(
            "Extrait automatiquement du texte exporté de l'article par « mediation ingest » ; un curateur "
            "doit le vérifier et le compléter avant publication.", lang="fr"))
        self.add(node, SDO.description, Literal(
            "Extracted automatically from the article's exported text by “mediation ingest”; a curator "
            "must check and complete it before publication.", lang="en"))
        self.add(node, PROV.wasDerivedFrom, article)
        self.add(node, DCTERMS.source, source)
        self.add(node, SDO.dateCreated, self.today)
        self.add(node, MED.curationStatus, self.iri("id/curation/brouillon"))
        # The draft is the project's data, under the project's data licence (as data/ is).
        self.add(node, SDO.license, URIRef(DATA_LICENSE))


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _date_literal(value: datetime | date) -> Literal:
    if isinstance(value, datetime):
        return Literal(value.isoformat(), datatype=XSD.dateTime)
    return Literal(value.isoformat(), datatype=XSD.date)


_FRENCH_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                  "septembre", "octobre", "novembre", "décembre")


def _french_day(day: date) -> str:
    return f"{day.day} {_FRENCH_MONTHS[day.month - 1]} {day.year}"


def build(found: Extracted, reference: Reference, base_url: str = DEFAULT_BASE,
          graph_name: str | None = None, today: date | None = None) -> Draft:
    """The draft graph of what was read, its IRIs reconciled with ``reference``. The graph is
    ``{base}graph/{graph_name}``, by default ``brouillon-`` and the article's slug."""
    return _Builder(found, reference, base_url, today or date.today()).build(graph_name)


# -- the whole run: file → validated draft ---------------------------------------------------


@dataclass
class Ingestion:
    """A draft and its validation report."""

    draft: Draft
    report: Any  # service.validation.Report

    @property
    def conforms(self) -> bool:
        return bool(self.report.conforms)

    @property
    def problems(self) -> list[Problem]:
        return sorted(self.draft.extracted.problems, key=lambda p: (p.line or 0, p.fr))


def validation_data(draft: Draft, reference: Reference) -> tuple[Graph, list[Node]]:
    """The draft with what it points at as the reference describes it (one step), and the
    draft's own subjects as focus nodes: the draft's resources are checked as the draft says
    them, against the actors, places and concepts they link to."""
    data = Graph()
    data += draft.graph
    described = set(draft.graph.subjects())
    for target in {o for o in draft.graph.objects() if isinstance(o, URIRef)} - described:
        for triple in reference.description(target):
            data.add(triple)
    return data, sorted(described, key=str)


def ingest(
    path: Path,
    *,
    reference: Reference,
    base_url: str = DEFAULT_BASE,
    max_bytes: int = 1_000_000,
    encoding: str | None = None,
    graph_name: str | None = None,
    today: date | None = None,
) -> Ingestion:
    """Read the article at ``path``, build its draft and validate it against the shapes.
    Raises :class:`ArticleError` when the file is no article.

    The shapes are written under the default base: a draft minted under another base is
    validated as moved to the default one (the report names its resources there). The
    vocabulary's terms (``med:``) are the code's, whatever the base."""
    from .validation import validate

    text = read_article(path, max_bytes, encoding)
    found = extract(text, path.name)
    draft = build(found, reference, base_url, graph_name, today)
    data, focus = validation_data(draft, reference)
    if base_url != DEFAULT_BASE:
        data = _moved(data, base_url, DEFAULT_BASE)
        focus = [_move(node, base_url, DEFAULT_BASE) for node in focus]
    return Ingestion(draft, validate(data, focus_nodes=focus))


def _move(node: Node, old: str, new: str) -> Node:
    if isinstance(node, URIRef) and str(node).startswith(old):
        return URIRef(new + str(node)[len(old):])
    return node


def _moved(graph: Graph, old: str, new: str) -> Graph:
    moved = Graph()
    for s, p, o in graph:
        moved.add((_move(s, old, new), _move(p, old, new), _move(o, old, new)))
    return moved


#: What a report calls each kind of resource.
KINDS: dict[str, tuple[str, str]] = {
    "article": ("article", "article"),
    "publisher": ("éditeur", "publisher"),
    "theme": ("thème", "theme"),
    "territory": ("territoire", "territory"),
    "document": ("document", "document"),
    "post": ("message", "post"),
    "author": ("auteur", "author"),
    "mention": ("mention", "mention"),
    "organiser": ("organisateur", "organiser"),
    "event": ("événement", "event"),
    "place": ("lieu", "place"),
    "commune": ("commune", "commune"),
}

_REPORT = {
    "written": ("Brouillon écrit : {where} (graphe <{graph}>, {count} triplets).",
                "Draft written: {where} ({count} triples, graph <{graph}>)."),
    "stdout": ("la sortie standard", "standard output"),
    "not_written": ("Brouillon non écrit : il n'est pas conforme aux formes (voir la validation).",
                    "Draft not written: it does not conform to the shapes (see the validation)."),
    "matched": ("Reconnus dans les données du projet ({n}) :", "Recognised in the project's data ({n}):"),
    "minted": ("Nouveaux ({n}) :", "New ({n}):"),
    "notes": ("Notes de qualité ({n}) : la source se contredit", "Data-quality notes ({n}): the source contradicts itself"),
    "problems": ("Lecture de la source ({n}) :", "Reading the source ({n}):"),
    "todo": ("À compléter par un curateur ({n}) :", "For a curator to complete ({n}):"),
    "validation": ("Validation :", "Validation:"),
}


def report_text(ingestion: Ingestion, lang: str = "fr", written_to: str | None = None) -> str:
    """The report a person reads after ``mediation ingest``, in French or English."""
    en = lang == "en"
    pick = (lambda pair: pair[1]) if en else (lambda pair: pair[0])
    draft = ingestion.draft
    lines: list[str] = []
    if ingestion.conforms:
        where = written_to or pick(_REPORT["stdout"])
        lines.append(pick(_REPORT["written"]).format(where=where, graph=draft.graph.identifier, count=len(draft.graph)))
    else:
        lines.append(pick(_REPORT["not_written"]))
    for key, entries in (("matched", draft.matched), ("minted", draft.minted)):
        if entries:
            lines.append("")
            lines.append(pick(_REPORT[key]).format(n=len(entries)))
            for kind, label, iri in entries:
                lines.append(f"  {pick(KINDS.get(kind, (kind, kind)))} « {_short(label, 60)} » → <{iri}>"
                             if not en else f"  {pick(KINDS.get(kind, (kind, kind)))} “{_short(label, 60)}” → <{iri}>")
    notes = sorted(draft.graph.subjects(RDF.type, MED.DataQualityNote), key=str)
    if notes:
        lines.append("")
        lines.append(pick(_REPORT["notes"]).format(n=len(notes)))
        for note in notes:
            source = draft.graph.value(note, MED.sourceValue)
            kept = draft.graph.value(note, MED.retainedValue)
            lines.append(f"  « {_short(str(source), 70)} » → « {_short(str(kept), 70)} »" if not en
                         else f"  “{_short(str(source), 70)}” → “{_short(str(kept), 70)}”")
    for key, items in (("problems", [p.message(lang) for p in ingestion.problems]),
                       ("todo", [pick(item) for item in draft.todo])):
        if items:
            lines.append("")
            lines.append(pick(_REPORT[key]).format(n=len(items)))
            lines.extend(f"  - {item}" for item in items)
    lines.append("")
    lines.append(pick(_REPORT["validation"]))
    lines.append(ingestion.report.to_text(lang).rstrip("\n"))
    return "\n".join(lines) + "\n"


#: Output formats of a draft: rdflib serialiser names.
OUTPUT_FORMATS = {"turtle": "turtle", "trig": "trig", "jsonld": "json-ld"}


def serialize(graph: Graph, key: str, source_name: str = "") -> bytes:
    """The draft as Turtle, TriG (in its named graph) or JSON-LD (with the prefixes as context)."""
    from rdflib import Dataset

    used = {str(p) for t in graph for p in t if isinstance(p, URIRef)}
    prefixes = {p: str(ns) for p, ns in graph.namespaces() if any(u.startswith(str(ns)) for u in used)}
    if key == "trig":
        dataset = Dataset()
        for prefix, namespace in prefixes.items():
            dataset.bind(prefix, namespace)
        named = dataset.graph(graph.identifier)
        for triple in graph:
            named.add(triple)
        body = dataset.serialize(format="trig", encoding="utf-8")
    elif key == "jsonld":
        return graph.serialize(format="json-ld", context=prefixes, auto_compact=True, encoding="utf-8")
    else:
        out = Graph(bind_namespaces="none")
        for prefix, namespace in prefixes.items():
            out.bind(prefix, namespace)
        for triple in graph:
            out.add(triple)
        body = out.serialize(format="turtle", encoding="utf-8")
    header = (
        f"# Brouillon tiré de {source_name} par « mediation ingest » : à relire avant publication.\n"
        f"# Draft drawn from {source_name} by “mediation ingest”: to review before publication.\n\n"
    )
    return header.encode("utf-8") + body
