"""The other events an article names, in the draft, beside the one it is about.

Each is the known one when the data holds it, never minted again: a day by its day and town
(« après celle du 19 novembre à Saint-Quentin »); an event dated by a month or a year by its
town and that period (« à Saint-Quentin en novembre »: the known day of November there is
that event), else by its kind and that period (the restitution announced « courant 2020 »);
several such known events are proposed to the curator, not chosen. What the data does not
hold is drafted new: with the partial date the text gives, or with no date at all when the
text names the event (« le forum départemental « La nuit nous appartient » ») and dates it
nowhere, a field left for the curator, never a date made up. A guessed year keeps its note.
"""

from __future__ import annotations

import re

from rdflib import URIRef

from ...namespaces import MED, RDF, SDO
from ..reading.facts import Facts
from ..reading.happenings import EventMention
from ..reading.names import slugify
from ..reading.record import Sentence
from ..reading.venues import Venue, venue_in
from .builder import DraftBuilder, last_segment
from .event import date_value
from .venue import add_venue


def add_others(builder: DraftBuilder, article: URIRef, facts: Facts, main: int | None) -> None:
    """Every event the text reads beside the ``main`` one: dated ones (to the day, the month
    or the year) and undated ones the text names, each the known one when the data holds it."""
    from .event import add_event
    from .facts import event_facts  # the event's facts, as the article's own are read

    for index, mention in enumerate(facts.events):
        if mention.series and mention.title and not mention.aside:
            series_node(builder, article, mention, None)  # named by its title: one to draft
            continue
        if index == main or mention.series or mention.kind.part:
            continue
        if mention.parent is not None and facts.events[mention.parent].kind.part:
            continue
        if mention.when is None:
            if _named(mention) and not mention.aside:
                _add_undated(builder, article, mention)
            continue
        if mention.aside and mention.place is None:
            continue  # « celle du 19 novembre »: with no town, nothing tells which it is
        if mention.when.precision != "day" and mention.place:
            known = _known_in_period(builder, facts, mention)
            if known is not False:
                continue  # linked or proposed: not minted beside a known one
        taken = event_facts(facts, index)
        if taken is None:
            continue
        node = add_event(builder, article, taken[0], about=False)
        if mention.title:
            builder.add(node, SDO.alternateName, builder.text(mention.title))
        _notes(builder, article, node, mention)
        link_series(builder, node, facts, mention, most=0.75)


def describe_known(builder: DraftBuilder, node: URIRef) -> None:
    """A known event or series the draft links, with its classes, names and dates as the data
    holds them (the draft restates them, it does not read them): the review shows what the
    link points at, and the draft stays valid."""
    rows = builder.ref.select(
        "SELECT ?event ?p ?o WHERE { ?event ?p ?o FILTER(?p IN (rdf:type, schema:name, "
        "schema:startDate, schema:endDate, schema:superEvent)) }",
        event=node,
    )
    for row in rows:
        builder.add(node, row["p"], row["o"])


def _named(mention: EventMention) -> bool:
    """An event the text names, not a kind said in passing: a title, or words of its own
    after its kind (« forum départemental », « réunion publique sur la médiation de nuit »)."""
    if mention.title:
        return True
    kind_words = len(re.findall(r"\w+", mention.kind.slug.replace("-", " ")))
    return len(re.findall(r"\w+", mention.name_words)) > kind_words


def _known_in_period(builder: DraftBuilder, facts: Facts, mention: EventMention):
    """The known event of that town and period (a day of that month or year there): linked
    when one, proposed when several; False when the data holds none."""
    when = mention.when
    assert when is not None and mention.place
    commune = builder.known.place(mention.place, facts.places_named()).iri
    if commune is None:
        return False
    found = known_in_period(builder, when.value, commune)
    if not found:
        return False
    passage = mention.passage
    if len(found) > 1:
        listed = " ; ".join(f"<{iri}>" for iri in sorted(found)[:3])
        builder.draft.to_complete(
            f"« {mention.name_words} » à {mention.place} ({when.written}) : plusieurs événements "
            f"connus y tombent ({listed}) ; lequel ?",
            f"“{mention.name_words}” in {mention.place} ({when.written}): several known events "
            f"fall then ({listed}); which one?",
        )
        return True
    known = found.pop()
    builder.record("event", f"{mention.name_words} ({mention.place})", known)
    describe_known(builder, known)
    link_series(builder, known, facts, mention, most=0.75)
    builder.add(builder.draft.article, SDO.mentions, known)
    builder.evidence(
        builder.draft.article, SDO.mentions, known, Sentence(passage.text, passage.line or 0),
        f"mentions-{last_segment(known)}", min(0.75, when.confidence),
        (passage.start, passage.end),
    )  # fmt: skip
    builder.draft.to_complete(
        f"« {mention.name_words} » à {mention.place} ({when.written}) est lu comme <{known}>, "
        "l'événement connu de ce lieu à cette période : à confirmer.",
        f"“{mention.name_words}” in {mention.place} ({when.written}) is read as <{known}>, the "
        "known event of that place in that period: to confirm.",
    )
    return True


def known_in_period(builder: DraftBuilder, period: str, commune: URIRef) -> set[URIRef]:
    """The known events (not parts of one another) whose day falls in ``period`` (« 2019-11 »,
    « 2020 ») at a place in ``commune``."""
    rows = builder.ref.select(
        "SELECT DISTINCT ?event ?start ?place ?parent WHERE { ?event a schema:Event ; "
        "schema:startDate ?start ; schema:location ?place . "
        "OPTIONAL { ?event schema:superEvent ?parent } }"
    )
    found = {
        r["event"]
        for r in rows
        if isinstance(r.get("event"), URIRef)
        and str(r["start"]).startswith(period)
        and commune in builder.ref.within(r["place"])
    }
    parts = {
        r["event"] for r in rows if r.get("parent") in found and isinstance(r["event"], URIRef)
    }
    return found - parts


def _add_undated(builder: DraftBuilder, article: URIRef, mention: EventMention) -> URIRef:
    """An event the text names and dates nowhere: drafted with its name, kind and sentence,
    its date a field to complete, never one made up."""
    name = mention.title or mention.name_words
    if (
        mention.title
        and mention.title not in mention.name_words
        and not mention.title.startswith(mention.name_words[:8])
    ):
        name = f"{mention.name_words} « {mention.title} »"
    name = " ".join(name.split())
    name = name[:1].upper() + name[1:]
    node = builder.iri(f"id/event/{mention.kind.slug}-{slugify(name)[:60].strip('-')}")
    if builder.ref.exists(node):
        builder.record("event", name, node)
        builder.add(article, SDO.mentions, node)
        return node
    builder.record("event", name, node)
    builder.draft.undated.add(node)
    builder.add(node, RDF.type, SDO.Event)
    if mention.kind.vocabulary_class is not None:
        builder.add(node, RDF.type, mention.kind.vocabulary_class)
    builder.add(node, SDO.name, builder.text(name))
    builder.add(article, SDO.mentions, node)
    passage = mention.passage
    builder.evidence(
        node, SDO.name, builder.text(name), Sentence(passage.text, passage.line or 0), "name",
        mention.confidence, (passage.start, passage.end),
    )  # fmt: skip
    venue = _held_at(mention)
    if venue is not None and (place := add_venue(builder, venue, None, None)) is not None:
        builder.add(node, SDO.location, place)  # « … qui s'est tenu à l'espace Paul-Éluard »
        builder.evidence(
            node, SDO.location, place, Sentence(passage.text, passage.line or 0), "location",
            mention.confidence, (passage.start, passage.end),
        )  # fmt: skip
    builder.draft.to_complete(
        f"« {name} » : le texte ne le date pas ; sa date est à ajouter (aucune n'est devinée).",
        f"“{name}”: the text gives no date for it; its date is to add (none is guessed).",
    )
    return node


#: « qui s'est tenu », « qui se tiendra » right after an event's words: where it is held.
_HELD = re.compile(
    r"\bqui\s+(?:s['’]est\s+(?:tenue?|d[ée]roul[ée]e?)|se\s+tiendra|a\s+eu\s+lieu|aura\s+lieu)\s"
)


def _held_at(mention: EventMention) -> Venue | None:
    """The venue of an event the text names in passing, when a relative clause right after
    its words says where it was held, up to the clause's end."""
    after = mention.passage.text[max(0, mention.start - mention.passage.start) :]
    held = _HELD.search(after)
    if held is None or held.start() > 120:
        return None
    clause = re.split(r"[,;.]\s", after[held.start() :], maxsplit=1)[0]
    return venue_in(clause)


def _notes(builder: DraftBuilder, article: URIRef, node: URIRef, mention: EventMention) -> None:
    """The doubts of an event's date (a guessed year), as data-quality notes on it."""
    if builder.ref.exists(node):
        return  # the known event's day is the data's: the reading agrees with it or is replaced
    note_doubts(builder, article, node, mention)


def note_doubts(
    builder: DraftBuilder, article: URIRef, node: URIRef, mention: EventMention
) -> None:
    """Each doubt of the reading of ``mention`` (a guessed year…) as a data-quality note on
    ``node``, with the sentence it was read in."""
    when = mention.when
    for index, doubt in enumerate(mention.doubts):
        builder.note(
            article,
            f"{doubt.key}-{slugify(last_segment(node))}-{index}",
            [node],
            (doubt.fr, doubt.en),
            when.written if when else "",
            when.value if when else "",
            (f"Lu dans : « {mention.passage.text} »", f"Read in: “{mention.passage.text}”"),
        )


def link_series(
    builder: DraftBuilder, node: URIRef, facts: Facts, mention: EventMention, most: float = 1.0
) -> bool | None:
    """An event of a series (« à Marseille, en juin » of the cycle of regional days) linked
    to it both ways, the series' sentence as evidence (its confidence at most ``most``): True
    when linked, False when the text names a series the data does not know and no title
    names it, None when the text names no series of the event."""
    if mention.parent is None or not facts.events[mention.parent].series:
        return None
    series_mention = facts.events[mention.parent]
    organiser = builder.graph.value(node, SDO.organizer)
    series = series_node(builder, builder.draft.article, series_mention, organiser)
    if series is None:
        return False
    builder.add(node, SDO.superEvent, series)
    builder.add(series, SDO.subEvent, node)
    passage = series_mention.passage
    builder.evidence(
        node, SDO.superEvent, series, Sentence(passage.text, passage.line or 0), "superEvent",
        min(most, series_mention.confidence), (passage.start, passage.end),
    )  # fmt: skip
    return True


def series_node(
    builder: DraftBuilder, article: URIRef, series: EventMention, organiser: URIRef | None
) -> URIRef | None:
    """The series an event is one of: the known one, else one the text names by a title of
    its own (« Les webinaires France Médiation et ANCT »), drafted new for the curator to
    check; a series a phrase only mentions (« une série d'évènements ») is none."""
    node = known_series(builder, series, organiser)
    if node is not None or not series.title:
        return node
    name = " ".join(series.title.split())
    node = builder.iri(f"id/event/serie-{slugify(name)[:60].strip('-')}")
    builder.record("series", name, node)
    builder.add(article, SDO.mentions, node)
    if builder.ref.exists(node):
        return node
    builder.add(node, RDF.type, SDO.EventSeries)
    if series.kind.series_cls:
        builder.add(node, RDF.type, MED[series.kind.series_cls])
    builder.add(node, SDO.name, builder.text(name))
    passage = series.passage
    sentence = Sentence(passage.text, passage.line or 0)
    span = (passage.start, passage.end)
    builder.evidence(node, SDO.name, builder.text(name), sentence, "name", series.confidence, span)
    _series_dates(builder, node, series)
    if (article, SDO.mentions, node) in builder.graph and not any(
        name in fr for fr, _ in builder.draft.todo
    ):
        builder.draft.to_complete(
            f"« {name} » : une série que le texte nomme et que les données ne connaissent pas ; "
            "vérifier qu'elle n'y est pas sous un autre nom.",
            f"“{name}”: a series the text names that the data does not know; check it is not "
            "there under another name.",
        )
    return node


#: « s'inscrit dans une série d'évènements », « un cycle de rencontres »: one of a series
_ONE_OF_A_SERIES = re.compile(
    r"(?i)\b(?:s[ée]rie|cycle)\s+(?:de\s+|d['’]\s*)(?:[ée]v[éè]nements|rencontres|journ[ée]es|manifestations)\b"
)


def known_series_of(builder: DraftBuilder, event: URIRef, mention: EventMention) -> None:
    """« Cette rencontre … s'inscrit dans une série d'évènements »: the series the data holds
    the known event in, described; the text names none the data does not."""
    if builder.graph.value(event, SDO.superEvent) is not None or not builder.ref.exists(event):
        return
    said = next(
        (p for p in [mention.passage, *mention.also] if _ONE_OF_A_SERIES.search(p.text)), None
    )
    if said is None:
        return
    rows = builder.ref.select(
        "SELECT ?event ?series WHERE { ?event schema:superEvent ?series . "
        "?series a schema:EventSeries }",
        event=event,
    )
    series = {r["series"] for r in rows if isinstance(r.get("series"), URIRef)}
    if len(series) != 1:
        return
    node = series.pop()
    builder.record("series", _ONE_OF_A_SERIES.search(said.text).group(), node)
    describe_known(builder, node)
    builder.add(event, SDO.superEvent, node)
    builder.add(node, SDO.subEvent, event)
    builder.evidence(
        event, SDO.superEvent, node, Sentence(said.text, said.line or 0), "superEvent",
        0.7, (said.start, said.end),
    )  # fmt: skip


def known_series(
    builder: DraftBuilder, series: EventMention, organiser: URIRef | None
) -> URIRef | None:
    """The known series of that class, described in the draft as the data holds it."""
    cls = series.kind.series_cls
    node = builder.known.series(MED[cls], organiser) if cls else None
    if node is None:
        return None
    builder.record("series", series.name_words, node)
    describe_known(builder, node)
    _series_dates(builder, node, series)
    return node


def _series_dates(builder: DraftBuilder, node: URIRef, series: EventMention) -> None:
    """The months or the days the text gives a series the data holds undated."""
    when = series.when
    if when is not None and builder.graph.value(node, SDO.startDate) is None:
        # « Entre juin et décembre 2019, … un cycle de Journées régionales »: the text dates
        # the series the data holds undated
        passage = series.passage
        sentence = Sentence(passage.text, passage.line or 0)
        span = (passage.start, passage.end)
        start = date_value(when.start, when.precision)
        builder.add(node, SDO.startDate, start)
        builder.evidence(node, SDO.startDate, start, sentence, "startDate", when.confidence, span)
        if when.end is not None and when.end != when.start:
            end = date_value(when.end, when.precision)
            builder.add(node, SDO.endDate, end)
            builder.evidence(node, SDO.endDate, end, sentence, "endDate", when.confidence, span)
