"""Reading an exported article: the file, its CommonMark structure, and the facts it states.

The export (see the seed article) is Markdown-like text: a lead, a body with
links written ``[text](#) [n]`` whose address is the ``n``-th entry of the
closing ``## Liens`` section, a document block (``## title``, ``### Sommaire``,
``Poids : …``, ``[Téléchargement](#) [n]``), embedded social-media posts
(their text, then ``— Author (@handle) [date](#) [n]``), and the page's fields:
``Dates:``, ``Thématiques:``, ``Territoires :``, ``Publié le …`` and
``**URL de la source (modifié le …):** <…>``.

This module owns the first stage: the file is checked (size, text, encoding,
:func:`read_article`), parsed as CommonMark by markdown-it-py
(:func:`source_lines`), and the facts are read from it as an :class:`Extracted`
record (:func:`extract`); what cannot be read becomes a :class:`Problem` with its
line and what was expected. It knows the text only, not the project's data, so
what the source says stays apart from what the project already holds
(:mod:`.reconcile`) and from the graph made of both (:mod:`.draft`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from markdown_it import MarkdownIt
from rdflib import URIRef

from ..errors import ArticleError
from ..namespaces import IGEO, MED

#: Where the dates of the page are: IREV is in France.
PAGE_TIME_ZONE = ZoneInfo("Europe/Paris")
#: The language of the export (its field names are French) and of the text it holds.
ARTICLE_LANGUAGE = "fr"

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
TERRITORY_WORDS: dict[str, URIRef] = {
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
    return _NOT_IN_IRI.sub(lambda m: f"%{ord(m.group()):02X}", url)


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
                source=label,
                reason="too-large",
            )
        with path.open("rb") as stream:
            data = stream.read(max_bytes + 1)
    except OSError as error:
        raise ArticleError(
            f"{label} : lecture impossible ({error.strerror}).",
            f"{label}: cannot be read ({error.strerror}).",
            source=label,
            reason="unreadable",
        ) from None
    if len(data) > max_bytes:  # the file grew while we read it
        raise ArticleError(
            f"{label} : fichier trop grand (plus de {max_bytes} octets).",
            f"{label}: file too large (more than {max_bytes} bytes).",
            source=label,
            reason="too-large",
        )
    return decode_article(data, label, encoding)


def decode_article(data: bytes, label: str, encoding: str | None = None) -> str:
    expected_fr = "le texte d'une page d'actualité exportée (chapô, corps, « Publié le … », « URL de la source … »)"
    expected_en = (
        "the text of an exported news page (lead, body, “Publié le …”, “URL de la source …”)"
    )
    if not data.strip():
        raise ArticleError(
            f"{label} : fichier vide ; attendu : {expected_fr}.",
            f"{label}: empty file; expected {expected_en}.",
            source=label,
            reason="empty",
        )
    zero = data.find(b"\x00")
    if zero >= 0:
        line = data.count(b"\n", 0, zero) + 1
        raise ArticleError(
            f"{label} : fichier binaire (octet nul à la ligne {line}, position {zero}) ; "
            f"attendu : {expected_fr}.",
            f"{label}: binary file (NUL byte on line {line}, offset {zero}); expected {expected_en}.",
            source=label,
            line=line,
            reason="binary",
        )
    if encoding:
        try:
            text = data.decode(encoding)
        except LookupError:
            raise ArticleError(
                f"{label} : encodage inconnu « {encoding} ».",
                f"{label}: unknown encoding “{encoding}”.",
                source=label,
                reason="unknown-encoding",
            ) from None
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            raise ArticleError(
                f"{label}, ligne {line} : octet 0x{data[error.start]:02x} illisible en {encoding}.",
                f"{label}, line {line}: byte 0x{data[error.start]:02x} is not valid {encoding}.",
                source=label,
                line=line,
                reason="encoding",
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
                source=label,
                line=line,
                column=column,
                reason="encoding",
            ) from None
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\t\n\r\f")
    if controls > max(8, len(text) // 100):
        raise ArticleError(
            f"{label} : {controls} caractères de contrôle : ce n'est pas du texte ; attendu : {expected_fr}.",
            f"{label}: {controls} control characters: this is not text; expected {expected_en}.",
            source=label,
            reason="binary",
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
                    lines.append(
                        Line(
                            number + 1,
                            block,
                            "code",
                            [raw_lines[number].strip()],
                            raw_lines[number],
                        )
                    )
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
        if (
            isinstance(part, Link)
            and position + 1 < len(merged)
            and isinstance(merged[position + 1], str)
        ):
            following = merged[position + 1]
            found = _REF_AFTER_LINK.match(following)  # type: ignore[arg-type]
            if found:
                part.ref = int(found.group(1))
                merged[position + 1] = following[found.end() :]  # type: ignore[index]
    return merged


# -- reading the facts --------------------------------------------------------------------------

_FIELD_DATES = re.compile(r"^Dates?\s*:\s*(?P<value>.*)$", re.I)
_FIELD_THEMES = re.compile(r"^Th[ée]matiques?\s*:\s*(?P<value>.*)$", re.I)
_FIELD_TERRITORIES = re.compile(r"^Territoires?\s*:\s*(?P<value>.*)$", re.I)
_FIELD_PUBLISHED = re.compile(r"^Publi[ée]e?\s+le\s*:?\s*(?P<value>.*)$", re.I)
_FIELD_SOURCE = re.compile(
    r"^URL de la source\s*(?:\(\s*modifi[ée]e?\s+le\s*(?P<modified>[^)]*)\))?\s*:\s*(?P<value>.*)$",
    re.I,
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
    r"\b(?:le\s+)?(?P<date>\d{1,2}(?:er)?\s+[a-zéûA-ZÉÛ]+\.?\s+\d{4}|\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2})\b",
    re.I,
)
_DAY_WITHOUT_YEAR = re.compile(
    r"\b(?:le\s+)?(?P<date>\d{1,2}(?:er)?\s+[a-zéûA-ZÉÛ]+\b\.?)(?!\s*\d)", re.I
)
_PLACE = re.compile(
    r"\bà\s+(?P<place>[A-ZÉÈÊÎÔÛÀÇ][\w'’]*(?:[- ](?:sur|sous|en|le|la|les|lès|de|du|des|d['’]\w+|[A-ZÉÈÊÎÔÛÀÇ][\w'’]*))*)"
)
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
_NAME_STOP = re.compile(
    r"\s+(?:après|avant|pour|avec|organisée?|qui|dont|le|les|à|au|aux|en\s+\d{4}|cette)\b|[,;:.(]"
)


def fold_name(text: str) -> str:
    """Lower case, no accents, hyphens and apostrophes as spaces: how names are compared."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\s\-'’]+", " ", bare).strip()


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold_name(text)).strip("-")


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
    kept = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not TRACKING_PARAMETERS.match(k)
    ]
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
    return datetime.fromtimestamp(milliseconds / 1000, tz=UTC).replace(microsecond=0)


def extract(text: str, name: str = "article") -> Extracted:
    """Read the facts of an exported article. Never raises for a malformed part: each one
    becomes a :class:`Problem`; raises :class:`ArticleError` only when there is no article."""
    lines = source_lines(text)
    found = Extracted(name=name)
    if not lines:
        raise ArticleError(
            f"{name} : aucun texte lisible.",
            f"{name}: no readable text.",
            source=name,
            reason="empty",
        )
    links_at = next(
        (
            i
            for i, text_line in enumerate(lines)
            if text_line.heading and _LINKS_HEADING.match(text_line.text)
        ),
        None,
    )
    article = lines if links_at is None else lines[:links_at]
    if links_at is None:
        found.problem(
            None,
            "pas de section « ## Liens » : les liens numérotés [n] du texte n'ont pas d'adresse.",
            "no “## Liens” section: the text's numbered links [n] have no address.",
        )
    else:
        found.has_links_section = True
        _read_links(lines[links_at + 1 :], found)
    _read_fields(article, found)
    _read_head(article, found)
    fields_at = next(
        (i for i, text_line in enumerate(article) if _field_of(text_line)), len(article)
    )
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
            source=name,
            reason="no-source-url",
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
                f"ligne inattendue dans « Liens » : « {shorten(written)} » ; attendu « [n] <https://…> » "
                "ou « [n] [texte](https://…) ».",
                f"unexpected line in “Liens”: “{shorten(written)}”; expected “[n] <https://…>” or "
                "“[n] [text](https://…)”.",
            )
            continue
        number = int(entry.group("number"))
        url = _written_address(line, entry.group("rest"))
        if url is None:
            rest = entry.group("rest").strip()
            why_fr, why_en = _malformation(rest)
            found.problem(
                line.number,
                f"le lien [{number}] est mal formé{why_fr} : « {shorten(rest, 140)} » ; attendu "
                f"« [{number}] <https://…> » ou « [{number}] [texte](https://…) ».",
                f"link [{number}] is malformed{why_en}: “{shorten(rest, 140)}”; expected "
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


def _written_address(line: Line, rest: str) -> str | None:
    """The web address a line gives: its first link's, else the bare ``<https://…>`` that is
    all of ``rest`` (what follows the line's label or number)."""
    url = next((address for link in line.links if (address := inline_address(link))), None)
    if url is None:
        bare = _BARE_URL.match(rest.strip())
        url = bare.group("url") if bare else None
    return url


def _malformation(written: str) -> tuple[str, str]:
    """What is wrong with a link written in Markdown, when it is a usual slip."""
    if not written:
        return " (pas d'adresse)", " (no address)"
    if re.search(r"\]\([^)]*$", written):
        return " (« ) » manque après l'adresse)", " (“)” missing after the address)"
    if written.startswith("<") and not written.endswith(">"):
        return " (« > » manque après l'adresse)", " (“>” missing after the address)"
    if written.startswith("[") and "](" not in written:
        return (
            " (pas d'adresse entre parenthèses après le texte)",
            " (no address in parentheses after the text)",
        )
    return "", ""


def shorten(text: str, limit: int = 80) -> str:
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
            url = _written_address(line, match.group("value"))
            if url is None:
                found.problem(
                    line.number,
                    f"adresse de la source illisible : « {shorten(match.group('value'))} » ; attendu « <https://…> ».",
                    f"unreadable source address: “{shorten(match.group('value'))}”; expected “<https://…>”.",
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


def _field_links(
    lines: list[Line], index: int, found: Extracted, label: str
) -> tuple[list[Theme], int]:
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
                f"« {label} » sans lien : « {shorten(line.text)} » ; attendu « {label}: [libellé](#) [n] ».",
                f"“{label}” without a link: “{shorten(line.text)}”; expected “{label}: [label](#) [n]”.",
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
            block = [text_line for text_line in lines if text_line.block == line.block]
            found.lead = " ".join(text_line.text for text_line in block)
            found.lead_line = line.number
            return
    found.problem(
        None,
        "pas de chapô : aucun paragraphe avant les champs de la page.",
        "no lead: no paragraph before the page's fields.",
    )


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
        while (
            start > 0 and body[start - 1].block > lead_block and body[start - 1].block not in taken
        ):
            start -= 1
            if body[start].heading and not _SUMMARY.match(body[start].text):
                break
        heading = (
            body[start] if body[start].heading and not _SUMMARY.match(body[start].text) else None
        )
        if heading is None:
            start = index  # no title above: the block is the "Poids" line alone
        chapters = _chapters(body[start:index])
        size = _size(size_match.group("value").strip(), line, found)
        url: str | None = None
        for candidate in (
            text_line for text_line in body[index + 1 :] if text_line.block <= line.block + 2
        ):
            for link in candidate.links:
                address = found.address(link)
                if address and is_pseudo_link(address):
                    taken.add(candidate.block)  # noted with the links of "Liens"
                elif url is None and (
                    _DOWNLOAD.search(link.text) or (address and file_name(address))
                ):
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
        taken.update(text_line.block for text_line in body[start : index + 1])
        found.documents.append(
            Document(
                heading.text if heading else None,
                url,
                size,
                chapters,
                heading.number if heading else line.number,
            )
        )
    return taken


def _block_at(lines: list[Line], number: int) -> int:
    return next((text_line.block for text_line in lines if text_line.number == number), 0)


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
            chapters.append(
                Chapter(entry.group("name").strip(), len(chapters) + 1, int(entry.group("page")))
            )
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


def file_name(url: str) -> str | None:
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
        same = [text_line for text_line in body[:index] if text_line.block == line.block]
        text_lines = same or [
            text_line
            for text_line in body[:index]
            if index and text_line.block == body[index - 1].block
        ]
        taken.add(line.block)
        taken.update(text_line.block for text_line in text_lines)
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
            Post(
                platform,
                match.group("name").strip(),
                match.group("handle"),
                url,
                post_id,
                shown_date,
                body_text,
                hashtags,
                mentions,
                images,
                line.number,
            )
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
                hashtags.append(
                    Hashtag(link.text.strip().lstrip("#"), unquote(tag.group("tag")), line.number)
                )
            elif host in platform.hosts and platform.profile.match(path):
                mentions.append(clean_url(address))
            elif host in platform.media_hosts or (
                inline and urlsplit(inline).netloc.lower() in platform.media_hosts
            ):
                images.append((inline, numbered if numbered != inline else None))
    text = " ".join(text_line.text for text_line in lines).strip()
    return text, hashtags, mentions, images


def _sentences(lines: list[Line], taken: set[int]) -> Iterator[Sentence]:
    blocks: dict[int, list[Line]] = {}
    for line in lines:
        if line.block in taken or line.kind not in ("p", "li"):
            continue
        blocks.setdefault(line.block, []).append(line)
    for block in blocks.values():
        text = " ".join(text_line.text for text_line in block)
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
            partial = next(
                (
                    m.group("date")
                    for m in _DAY_WITHOUT_YEAR.finditer(sentence.text)
                    if parse_date(f"{m.group('date')} 2000") is not None
                ),
                None,
            )
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
            sentence.text[verb.end() :],
            re.I,
        )
        if not what:
            continue
        kind = next(k for k in EVENT_KINDS if k.words == what.group("kind").lower())
        rest = _NAME_STOP.split(what.group("rest"), maxsplit=1)[0].strip()
        name_words = f"{what.group('kind').lower()} {rest}".strip()
        place = _PLACE.search(sentence.text[: verb.start()]) or _PLACE.search(
            sentence.text[verb.end() :]
        )
        organiser = _INITIATIVE.search(sentence.text)
        count = audiences = count_sentence = None
        for follower in sentences[position : position + 3]:
            counted = _COUNT.search(follower.text)
            if counted:
                count = int(re.sub(r"\D", "", counted.group("count")))
                audiences = [
                    a.strip()
                    for a in re.split(r",|\bet\b", counted.group("who") or "")
                    if a.strip()
                ]
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
                        f"le lien « {shorten(link.text, 40)} » renvoie à [{link.ref}], absent de la section « Liens ».",
                        f"the link “{shorten(link.text, 40)}” points to [{link.ref}], which the “Liens” section lacks.",
                    )
            elif link.ref is None and inline_address(link) is None:
                found.problem(
                    line.number,
                    f"le lien « {shorten(link.text, 40)} » n'a ni adresse ni numéro ; attendu « [{shorten(link.text, 40)}](#) [n] ».",
                    f"the link “{shorten(link.text, 40)}” has neither address nor number; expected “[{shorten(link.text, 40)}](#) [n]”.",
                )
