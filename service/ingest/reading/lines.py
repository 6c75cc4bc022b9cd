"""The text as CommonMark reads it: lines of plain text and links, grouped in blocks.

The export's links are written ``[text](#) [n]``, their address being the ``n``-th entry
of the ``## Liens`` section: markdown-it-py parses the document, and the number after a
link becomes the link's (:class:`Link`), so that the facts are read from what a reader
sees, line by line, with each line's number for the messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt

from ...errors import ArticleError
from .addresses import safe_iri


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


def inline_address(link: Link) -> str | None:
    """The web address written in the link itself (not ``#``), if any."""
    if link.href and link.href != "#" and re.match(r"^https?://", link.href):
        return safe_iri(link.href)
    return None


_MARKDOWN = MarkdownIt("commonmark")
_REF_AFTER_LINK = re.compile(r"^\s*\[(\d{1,4})\]")


def readable_lines(text: str, name: str) -> list[Line]:
    """The lines of ``text`` (:func:`source_lines`); none is no article at all."""
    lines = source_lines(text)
    if not lines:
        raise ArticleError(
            f"{name} : aucun texte lisible.",
            f"{name}: no readable text.",
            source=name,
            reason="empty",
        )
    return lines


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
