"""The article as a reader sees it, cut into sentences that keep their place in the text.

Every fact read from running text keeps its evidence: the sentence it was read from and
where that sentence is (character offsets into the reader's text, and its line in the
source). :func:`reading_text` makes the reader's text of an export's lines (links show
their text, their numbers go); :func:`passages` cuts any plain text (a saved web page's
main text, Markdown, pasted text) into sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lines import Line

#: A sentence ends at . ! ? or … followed by a space and what starts a sentence; « M. »,
#: « Mme. » and initials (« J. Dupont ») do not end one.
_SENTENCE_END = re.compile(
    r"(?<![A-Z])(?<!\bM)(?<!\bMme)(?<!\bDr)(?<!\bSt)[.!?…]+[\"»”]?\s+(?=[A-ZÉÈÊÎÔÛÀÇ«\"“(\d])"
)
_PARAGRAPH = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class TextSentence:
    """A sentence of the text: its words, where it starts and ends in the text, its line."""

    text: str
    start: int
    end: int
    line: int | None = None


@dataclass(frozen=True)
class ReadingText:
    """The text a reader sees, and the source line each of its characters came from."""

    text: str
    line_starts: tuple[tuple[int, int], ...] = ()  # (offset in text, source line), ascending

    def line_at(self, offset: int) -> int | None:
        line = None
        for start, number in self.line_starts:
            if start > offset:
                break
            line = number
        return line


def reading_text(lines: list[Line], skip_blocks: set[int] = frozenset()) -> ReadingText:
    """The export's paragraphs and list items as plain text, one paragraph apart from the
    next by a blank line, lines of a paragraph by a space; ``skip_blocks`` (embedded posts,
    document blocks) left out."""
    parts: list[str] = []
    starts: list[tuple[int, int]] = []
    offset = 0
    block = None
    for line in lines:
        if line.block in skip_blocks or line.kind not in ("p", "li") or not line.text:
            continue
        separator = "" if not parts else (" " if line.block == block else "\n\n")
        offset += len(separator)
        parts.append(separator + line.text)
        starts.append((offset, line.number))
        offset += len(line.text)
        block = line.block
    return ReadingText("".join(parts), tuple(starts))


def passages(text: str, reading: ReadingText | None = None) -> list[TextSentence]:
    """The sentences of ``text``, each with its offsets (and its source line when the text is
    an export's :class:`ReadingText`)."""
    out: list[TextSentence] = []
    for paragraph in _spans(text, _PARAGRAPH):
        for start, end in _spans(text, _SENTENCE_END, *paragraph, keep_end=True):
            piece = text[start:end]
            stripped = piece.strip()
            if not stripped:
                continue
            lead = len(piece) - len(piece.lstrip())
            first = start + lead
            line = reading.line_at(first) if reading is not None else None
            out.append(TextSentence(stripped, first, first + len(stripped), line))
    return out


def _spans(
    text: str, separator: re.Pattern, start: int = 0, end: int | None = None, keep_end: bool = False
) -> list[tuple[int, int]]:
    """The pieces of ``text[start:end]`` between the separators; with ``keep_end`` a piece
    keeps the punctuation that ends it (not the space after)."""
    end = len(text) if end is None else end
    spans = []
    position = start
    for match in separator.finditer(text, start, end):
        cut = match.start() + len(match.group().rstrip()) if keep_end else match.start()
        spans.append((position, cut))
        position = match.end()
    spans.append((position, end))
    return spans
