"""The facts running text states, read together: its sentences, events, names and roles.

:func:`read_facts` reads any plain text (an export's paragraphs, a saved page's main text,
pasted text) against its publication date; each fact keeps its sentence, its offsets in
:attr:`Facts.text` and a confidence. :func:`main_event` is the event the article is about:
the surest dated one that is neither named in passing nor a part or series.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .happenings import EventMention, read_happenings
from .lines import Line
from .mentions import Mention, RoleMention, model_available, read_mentions, read_roles
from .passages import ReadingText, TextSentence, passages, reading_text


@dataclass
class Facts:
    """What the text states, each fact with its evidence."""

    text: str
    sentences: list[TextSentence]
    events: list[EventMention] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    roles: list[RoleMention] = field(default_factory=list)
    model: bool = False  # whether the language model read the names (else rules only)

    def main_event(self) -> int | None:
        """The index of the event the article is about, if it describes one: of those dated
        to the day, the surest (a restitution announced « en 2020 » is not the day reported)."""
        precision = {"day": 2, "month": 1, "year": 0}
        ranked = [
            (precision[event.when.precision], event.confidence, -index, index)
            for index, event in enumerate(self.events)
            if not (event.aside or event.series or event.kind.part) and event.when is not None
        ]
        return max(ranked)[3] if ranked else None

    def places_named(self) -> list[str]:
        """Every place name the text gives (to tell homonyms apart)."""
        return [m.text for m in self.mentions if m.label == "place"]


def read_facts(text: str, published: date | None, reading: ReadingText | None = None) -> Facts:
    """The facts of ``text`` (a sentence's line is known when ``reading`` maps it)."""
    sentences = passages(text, reading)
    events = read_happenings(sentences, published)
    mentions = read_mentions(text, sentences)
    roles = read_roles(mentions, sentences, events)
    return Facts(text, sentences, events, mentions, roles, model_available())


def read_facts_of_lines(lines: list[Line], skip_blocks: set[int], published: date | None) -> Facts:
    """The facts of an export's body, its embedded posts and documents left out."""
    reading = reading_text(lines, skip_blocks)
    return read_facts(reading.text, published, reading)
