"""How a page lays out what it tells: a line of its own that names rather than tells (a
heading, « Conférence d'ouverture »), a line that is a date and nothing else (« Jeudi 19 mai,
de 14h à 15h30 »), a picture's caption (« Illustration : … »), paragraph breaks. The reader
of events uses them to name and date what a heading announces."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .passages import TextSentence
from .when import When

if TYPE_CHECKING:
    from .happenings import EventMention


def is_heading(sentence: TextSentence) -> bool:
    """A line of its own that names rather than tells: short, no final stop (« Conférence
    d'ouverture », « Webinaire - Présentation du rapport … »)."""
    text = sentence.text.strip()
    return 3 <= len(text) <= 160 and not text.endswith((".", "!", ";", ",", ":"))


def dates_line(
    sentence: TextSentence,
    dates: list[When],
    position: int,
    sentences: list[TextSentence],
    last: EventMention,
) -> bool:
    """A line that is a date and nothing else (« Jeudi 19 mai, de 14h à 15h30 »), right under
    the line that names an event the text dates nowhere else."""
    if not dates or last.when is not None or last.series or position == 0:
        return False
    if sentences[position - 1] is not last.passage or not is_heading(last.passage):
        return False
    rest = sentence.text
    for when in sorted(dates, key=lambda w: -w.offset):
        rest = rest[: when.offset] + rest[when.offset + len(when.written) :]
    rest = TIME_SPAN.sub(" ", rest)
    return len(re.findall(r"\w+", rest)) <= 2


TIME_SPAN = re.compile(
    r"\b(?:de\s+|à\s+)?\d{1,2}\s*h\s*\d{0,2}(?:\s*(?:à|-|–)\s*\d{1,2}\s*h\s*\d{0,2})?", re.I
)


CAPTION = re.compile(r"(?i)^(?:illustration|photo(?:graphie)?|cr[ée]dits?|l[ée]gende|image)\b")


def paragraphs_between(
    sentences: list[TextSentence], first: TextSentence, last: TextSentence
) -> int:
    """How many paragraph breaks lie between two sentences (a break leaves a blank line)."""
    inside = [s for s in sentences if first.start <= s.start <= last.start]
    return sum(1 for a, b in zip(inside, inside[1:], strict=False) if b.start - a.end > 1)
