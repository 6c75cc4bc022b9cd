"""The parts of the article's event the running text names (its plenary, its workshops), in
the draft: each the known part of the known day when the data holds it, else a new one,
linked both ways (``schema:superEvent``, ``schema:subEvent``), with the roles the text gives
in it; a role goes on the part its sentence is about, never on the day.
"""

from __future__ import annotations

import re
import unicodedata

from rdflib import URIRef

from ...namespaces import RDF, SDO
from ..reading.facts import Facts
from ..reading.happenings import EventMention
from ..reading.names import slugify
from ..reading.record import Sentence
from .builder import DraftBuilder, last_segment
from .event import date_value


def add_sub_events(
    builder: DraftBuilder, article: URIRef, event: URIRef, facts: Facts, main: int
) -> dict[int, URIRef]:
    """Every part of the event ``main`` the text names, by its index among the events read."""
    known = _known_parts(builder, event)
    taken: set[URIRef] = set()
    parts: dict[int, URIRef] = {}
    for index, mention in enumerate(facts.events):
        if mention.parent != main or not mention.kind.part or mention.aside:
            continue
        node = _known_part(mention, known, taken)
        if node is None:
            node = _new_part(builder, event, mention)
        else:  # the known part, as the data names it (a draft's resource carries its name)
            builder.record("event", mention.title or mention.name_words, node)
            for row in builder.ref.select(
                "SELECT ?part ?name WHERE { ?part schema:name ?name }", part=node
            ):
                builder.add(node, SDO.name, row["name"])
        taken.add(node)
        parts[index] = node
        builder.add(node, RDF.type, SDO.Event)
        if mention.kind.vocabulary_class is not None:
            builder.add(node, RDF.type, mention.kind.vocabulary_class)
        if mention.when is not None:
            builder.add(node, SDO.startDate, date_value(mention.when.start, mention.when.precision))
        elif builder.graph.value(node, SDO.startDate) is None:  # a part of days: which one?
            builder.draft.undated.add(node)
            builder.draft.to_complete(
                f"« {mention.title or mention.name_words} » : le texte ne dit pas quel jour de "
                "l'événement elle a eu lieu ; sa date est à ajouter.",
                f"“{mention.title or mention.name_words}”: the text does not say on which day of "
                "the event it took place; its date is to add.",
            )
        builder.add(node, SDO.superEvent, event)
        builder.add(event, SDO.subEvent, node)
        passage = mention.passage
        builder.evidence(
            node, SDO.superEvent, event, Sentence(passage.text, passage.line or 0),
            "superEvent", mention.confidence, (passage.start, passage.end),
        )  # fmt: skip
    return parts


def _known_parts(builder: DraftBuilder, event: URIRef) -> list[tuple[URIRef, set[URIRef], str]]:
    """The parts the reference holds of a known event: (IRI, classes, names)."""
    if not builder.ref.exists(event):
        return []
    rows = builder.ref.select(
        "SELECT ?event ?part ?cls ?name WHERE { { ?part schema:superEvent ?event } UNION "
        "{ ?event schema:subEvent ?part } ?part a ?cls . OPTIONAL { ?part schema:name ?name } }",
        event=event,
    )
    parts: dict[URIRef, tuple[set, list]] = {}
    for row in rows:
        classes, names = parts.setdefault(row["part"], (set(), []))
        classes.add(row["cls"])
        if "name" in row:
            names.append(str(row["name"]))
    return [(iri, classes, " ".join(names)) for iri, (classes, names) in parts.items()]


def _known_part(
    mention: EventMention, known: list[tuple[URIRef, set[URIRef], str]], taken: set[URIRef]
) -> URIRef | None:
    """The known part of that kind named like the mention (half its words or more), or the
    only known part of that kind when the text gives it no name of its own."""
    cls = mention.kind.vocabulary_class
    same_kind = [
        (iri, names) for iri, classes, names in known if cls in classes and iri not in taken
    ]
    if mention.title is None:
        return same_kind[0][0] if len(same_kind) == 1 else None
    words = _words(mention.title)
    scored = sorted(
        (
            (len(words & _words(names)) / max(1, len(words)), str(iri), iri)
            for iri, names in same_kind
        ),
        reverse=True,
    )
    return scored[0][2] if scored and scored[0][0] >= 0.5 else None


def _new_part(builder: DraftBuilder, event: URIRef, mention: EventMention) -> URIRef:
    """A part the data does not hold, named by the text's words."""
    name = mention.title or mention.name_words
    node = builder.iri(
        f"id/event/{last_segment(event)}-{mention.kind.slug}-{slugify(name)[:48].strip('-')}"
    )
    builder.record("event", name, node)
    builder.add(node, SDO.name, builder.text(name[:1].upper() + name[1:]))
    return node


def _words(text: str) -> set[str]:
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return {w for w in re.findall(r"[a-z]+", folded) if len(w) > 3}
