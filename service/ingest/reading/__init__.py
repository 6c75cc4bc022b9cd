"""Reading an exported article: the file, its CommonMark structure, and the facts it states.

The export (see the seed article) is Markdown-like text: a lead, a body with
links written ``[text](#) [n]`` whose address is the ``n``-th entry of the
closing ``## Liens`` section, a document block (``## title``, ``### Sommaire``,
``Poids : …``, ``[Téléchargement](#) [n]``), embedded social-media posts
(their text, then ``— Author (@handle) [date](#) [n]``), and the page's fields:
``Dates:``, ``Thématiques:``, ``Territoires :``, ``Publié le …`` and
``**URL de la source (modifié le …):** <…>``.

This package is the first stage: the file is checked (size, text, encoding,
:mod:`.decoding`), parsed as CommonMark (:mod:`.lines`), and the facts are read
from it into an :class:`~.record.Extracted` record, one module per kind of fact
(:mod:`.links`, :mod:`.fields`, :mod:`.documents`, :mod:`.posts`, :mod:`.event`);
what cannot be read becomes a :class:`~.record.Problem` with its line and what was
expected. :func:`extract` reads them in their order. It knows the text only, not the
project's data, so what the source says stays apart from what the project already
holds (:mod:`..reconcile`) and from the graph made of both (:mod:`..draft`).
"""

from __future__ import annotations

import re

from .dates import day_of
from .documents import read_documents
from .event import read_event
from .facts import read_facts, read_facts_of_lines
from .fields import field_of, read_fields, read_head
from .html import looks_like_html, read_html
from .lines import Line, readable_lines
from .links import LINKS_HEADING, check_numbers, read_links
from .markdown import read_markdown
from .posts import read_posts
from .record import SOURCE_KINDS, Extracted, Passage, Text

__all__ = ["SOURCE_KINDS", "Extracted", "Passage", "Text", "extract", "read_any", "source_kind"]

#: The export's own lines: a source with two of them is in the seed's layout (one alone, a
#: « Publié le » say, may be any article's).
_EXPORT_MARKS = (
    re.compile(r"^\*\*URL de la source\b", re.M),
    re.compile(r"^## Liens\s*$", re.M),
    re.compile(r"^Thématiques\s*:", re.M),
    re.compile(r"^Territoires\s*:", re.M),
    re.compile(r"^Publié le ", re.M),
)
_MARKDOWN_MARK = re.compile(r"^#{1,6} |\[[^\]]+\]\([^)]+\)|^\s*[-*] |\*\*[^*]+\*\*", re.M)


def source_kind(text: str, name: str = "") -> str:
    """What the source is, from its name's extension, else from its text: a web page, the
    seed's export, Markdown or plain text (:data:`SOURCE_KINDS`)."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix in ("html", "htm", "xhtml") or looks_like_html(text):
        return "html"
    if sum(1 for mark in _EXPORT_MARKS if mark.search(text)) >= 2:
        return "export"
    if suffix in ("md", "markdown") or _MARKDOWN_MARK.search(text):
        return "markdown"
    return "text"


def read_any(text: str, name: str = "article", kind: str | None = None) -> Extracted:
    """The record of any article a curator has: a saved web page, the seed's export,
    Markdown or plain text (``kind``, else guessed by :func:`source_kind`). Raises
    :class:`ArticleError` only when there is no article at all."""
    kind = kind or source_kind(text, name)
    if kind == "export":
        return extract(text, name)
    found = read_html(text, name) if kind == "html" else read_markdown(text, name, kind)
    # The running text's facts, read from the same plain text the review cites.
    found.facts = read_facts(found.text.plain, day_of(found.published) if found.published else None)
    return found


def extract(text: str, name: str = "article") -> Extracted:
    """Read the facts of an article in the seed's export layout. Never raises for a malformed
    or missing part (not even the source's address): each one becomes a :class:`Problem`;
    raises :class:`ArticleError` only when there is no article."""
    lines = readable_lines(text, name)
    found = Extracted(name=name)
    links_at = next(
        (
            i
            for i, text_line in enumerate(lines)
            if text_line.heading and LINKS_HEADING.match(text_line.text)
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
        read_links(lines[links_at + 1 :], found)
    read_fields(article, found)
    read_head(article, found)
    fields_at = next(
        (i for i, text_line in enumerate(article) if field_of(text_line)), len(article)
    )
    body = article[:fields_at]
    lead_block = _block_at(body, found.lead_line) if found.lead_line else 0
    taken = read_documents(body, found, lead_block)
    taken |= read_posts(body, found)
    read_event(body, taken, found)
    found.facts = read_facts_of_lines(
        body, taken, day_of(found.published) if found.published else None
    )
    check_numbers(article, found)
    found.text = Text.of(
        [
            " ".join(line.text for line in body if line.block == block)
            for block in dict.fromkeys(line.block for line in body if line.kind in ("p", "li"))
        ]
    )
    return found


def _block_at(lines: list[Line], number: int) -> int:
    return next((text_line.block for text_line in lines if text_line.number == number), 0)
