"""The record of what was read: :class:`Extracted`, its facts, and the :class:`Problem` list.

Every reader of a kind of fact writes here, and the later stages read only this: what
the source says stays apart from what the project already holds (:mod:`..reconcile`)
and from the graph made of both (:mod:`..draft`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from rdflib import URIRef

from .lines import Link, inline_address

if TYPE_CHECKING:
    from .facts import Facts
from .platforms import Platform

#: The language of the export (its field names are French) and of the text it holds.
ARTICLE_LANGUAGE = "fr"


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
class FieldLink:
    """A link of a field line ("Thématiques", "Territoires"): its text, address and line."""

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


@dataclass(frozen=True)
class EventKind:
    """A kind of event a sentence may name (:data:`.event.EVENT_KINDS`): its words, its class,
    its IRI slug, and whether it lasts one day."""

    words: str
    cls: URIRef | None
    slug: str
    one_day: bool


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
    #: how far ``start`` (and ``end``) go: "day", or "month"/"year" when the text gives no day
    precision: str = "day"
    end: date | None = None
    #: whether the reader of names took the organiser for a person (« à l'initiative de Hervé
    #: Carré »), else an organisation
    organiser_person: bool = False


@dataclass
class DatesField:
    raw: str
    value: datetime | date | None
    line: int


@dataclass(frozen=True)
class Passage:
    """Where a fact is said: characters ``[start, end)`` of the article's plain text
    (:attr:`Text.plain`), and the sentence around them, which starts at ``sentence_start``.
    What a curator reads beside the fact, the passage highlighted in its sentence."""

    start: int
    end: int
    sentence: str
    sentence_start: int

    def parts(self) -> tuple[str, str, str]:
        """The sentence cut in three: before the passage, the passage, after it."""
        a = max(0, self.start - self.sentence_start)
        b = max(a, min(len(self.sentence), self.end - self.sentence_start))
        return self.sentence[:a], self.sentence[a:b], self.sentence[b:]


#: A sentence ends at ., ! , ? or … followed by a space and a capital, a digit or a quote.
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[«\"“(A-ZÀ-ÖØ-Þ0-9])")


@dataclass
class Text:
    """The article's plain text, whatever it was read from (a web page, Markdown, plain text,
    the seed's export): its paragraphs joined by blank lines, and its sentences as
    ``(start, end)`` offsets. Every fact read from the body cites a :class:`Passage` of it."""

    plain: str = ""
    sentences: list[tuple[int, int]] = field(default_factory=list)

    @classmethod
    def of(cls, paragraphs: list[str]) -> Text:
        """The text of these paragraphs (each on one line, spaces collapsed), cut in sentences."""
        text = cls()
        chunks: list[str] = []
        offset = 0
        for paragraph in paragraphs:
            clean = " ".join(paragraph.split())
            if not clean:
                continue
            if chunks:
                offset += 2  # the blank line between paragraphs
            start = 0
            for end_match in _SENTENCE_END.finditer(clean):
                text.sentences.append((offset + start, offset + end_match.start()))
                start = end_match.end()
            text.sentences.append((offset + start, offset + len(clean)))
            chunks.append(clean)
            offset += len(clean)
        text.plain = "\n\n".join(chunks)
        return text

    def passage(self, start: int, end: int) -> Passage:
        """The passage ``[start, end)`` in the sentence that holds its start."""
        s_start, s_end = next(
            ((a, b) for a, b in self.sentences if a <= start < max(b, a + 1)), (start, end)
        )
        s_end = max(s_end, min(end, len(self.plain)))
        return Passage(start, end, self.plain[s_start:s_end], s_start)

    def find(self, quote: str, after: int = 0) -> Passage | None:
        """The first passage that says ``quote`` (spaces collapsed), from ``after`` on."""
        wanted = " ".join(quote.split())
        at = self.plain.find(wanted, after) if wanted else -1
        return self.passage(at, at + len(wanted)) if at >= 0 else None

    def sentence_texts(self) -> list[tuple[Passage, str]]:
        """Every sentence as a passage of itself, with its text: what a reader of facts walks."""
        return [(self.passage(a, b), self.plain[a:b]) for a, b in self.sentences]


#: Where an article was read from: what the curator gave.
SOURCE_KINDS = ("export", "html", "markdown", "text")


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
    themes: list[FieldLink] = field(default_factory=list)
    territories: list[FieldLink] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    has_links_section: bool = False
    links: dict[int, tuple[str, int]] = field(default_factory=dict)  # number → (address, line)
    link_texts: dict[int, str] = field(default_factory=dict)  # number → text of a link using it
    used_links: set[int] = field(default_factory=set)
    fields_seen: set[str] = field(default_factory=set)
    event: EventFacts | None = None
    facts: Facts | None = None  # what the running text states (:mod:`.facts`)
    problems: list[Problem] = field(default_factory=list)
    #: What the source was (:data:`SOURCE_KINDS`), its plain text, and what a web page's
    #: metadata names: its author, its site and its language (None: not said).
    kind: str = "export"
    text: Text = field(default_factory=Text)
    author: str | None = None
    site_name: str | None = None
    language: str | None = None

    def problem(self, line: int | None, fr: str, en: str) -> None:
        self.problems.append(Problem(line, fr, en))

    def address(self, link: Link) -> str | None:
        """The address a link leads to: its number's entry in "Liens", else its inline address."""
        if link.ref is not None and link.ref in self.links:
            self.used_links.add(link.ref)
            return self.links[link.ref][0]
        return inline_address(link)
