"""An article in Markdown or plain text: a title, a lead, paragraphs, and what they state.

Markdown is read as CommonMark (:mod:`.lines`): a first ``# heading`` is the title, the
first paragraph the lead. Plain text is the same without markup: a first short line
standing alone (no final full stop) is the title. Either may say where it comes from and
when: a line « Source : https://… » or « URL : … », a line « Publié le 13/12/2019 », and
whose site it is: a line « Site : ESS et société » (a saved page's ``og:site_name``). What is
not said stays unsaid: the draft lists it for a curator to complete.

The body becomes the article's :class:`~.record.Text`, and the event a sentence reports is
read from it as in the seed's export (:mod:`.event`).
"""

from __future__ import annotations

import re

from .addresses import safe_iri
from .dates import parse_date
from .event import read_event
from .lines import Line, readable_lines
from .record import Extracted, Text

_SOURCE = re.compile(r"^(?:source|url|adresse|lien)\s*:?\s*<?(https?://\S+?)>?$", re.I)
_PUBLISHED = re.compile(r"^(?:publié|mis en ligne|date)\s*(?:le|:)?\s*:?\s*(.+)$", re.I)
#: « Site : ESS et société »: the name of the site, as a page's metadata gives it.
_SITE = re.compile(r"^(?:site|nom du site|site name)\s*:\s*(?P<name>[^:]{2,80}?)\s*$", re.I)
_TITLE_MAX = 160


def read_markdown(text: str, name: str, kind: str = "markdown") -> Extracted:
    """The record of an article in Markdown (or plain text, ``kind="text"``)."""
    lines = readable_lines(text, name)
    found = Extracted(name=name, kind=kind)
    body = [line for line in lines if not _page_field(line, found)]
    blocks = _blocks(body)
    if body and body[0].kind == "h1":
        found.title = body[0].text
        blocks = blocks[1:]
    elif kind == "text" and len(blocks) > 1 and _title_like(blocks[0]):
        found.title = " ".join(line.text for line in blocks[0])
        blocks = blocks[1:]
    paragraphs = [b for b in blocks if b[0].kind in ("p", "li")]
    if paragraphs:
        found.lead = " ".join(line.text for line in paragraphs[0])
        found.lead_line = paragraphs[0][0].number
    # The title is the text's first line: it often alone says what and when (« Retour sur la
    # journée du 4 décembre 2019 à Liévin »), so the facts reader reads it too.
    title = [found.title] if found.title else []
    found.text = Text.of(title + [" ".join(line.text for line in block) for block in blocks])
    read_event([line for block in blocks for line in block], set(), found)
    return found


def _page_field(line: Line, found: Extracted) -> bool:
    """A line that says where the article comes from or when it was published."""
    if line.kind not in ("p", "li"):
        return False
    said = line.text.strip()
    source = _SOURCE.match(said)
    if source and found.source_url is None:
        found.source_url = safe_iri(source.group(1))
        found.source_line = line.number
        return True
    site = _SITE.match(said)
    if site and found.site_name is None and not site["name"].startswith("http"):
        found.site_name = site["name"]
        return True
    published = _PUBLISHED.match(said)
    if published and found.published is None and len(said) < 80:
        value = parse_date(published.group(1))
        if value is not None:
            found.published, found.published_raw = value, published.group(1)
            return True
    return False


def _blocks(lines: list[Line]) -> list[list[Line]]:
    blocks: dict[int, list[Line]] = {}
    for line in lines:
        if line.text:
            blocks.setdefault(line.block, []).append(line)
    return list(blocks.values())


def _title_like(block: list[Line]) -> bool:
    said = " ".join(line.text for line in block)
    return len(block) == 1 and len(said) <= _TITLE_MAX and not said.rstrip().endswith((".", ":"))
