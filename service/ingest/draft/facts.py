"""What the running text states about the article's event, in the draft: its date when no
sentence says it plainly, the roles the text gives people and organisations in it, and
the doubts of the reading (a guessed year, a role read loosely, a count that is a
minimum), each a data-quality note the event's page shows.

Every fact keeps its sentence, its place in the text and how sure the reading is
(:meth:`~.builder.DraftBuilder.evidence`).
"""

from __future__ import annotations

from rdflib import Literal, URIRef

from ...namespaces import MED, RDF, SDO
from ..reading.facts import Facts
from ..reading.happenings import EventMention
from ..reading.mentions import RoleMention
from ..reading.names import slugify
from ..reading.record import EventFacts, EventKind, Sentence
from .builder import DraftBuilder, last_segment
from .others import add_others, known_series_of, link_series, note_doubts
from .parts import add_sub_events


def event_from_text(facts: Facts) -> tuple[EventFacts, EventMention] | None:
    """The article's event as the running text gives it: dated to the day, or to the month
    or the year the text gives when it gives no day (a partial date, never a day made up)."""
    main = facts.main_event()
    if main is None:
        return None
    return event_facts(facts, main)


def add_other_events(builder: DraftBuilder, article: URIRef, facts: Facts) -> None:
    """The other events the text names, the known ones when the data holds them
    (:func:`.others.add_others`)."""
    add_others(builder, article, facts, facts.main_event())


def event_facts(facts: Facts, main: int) -> tuple[EventFacts, EventMention] | None:
    mention = facts.events[main]
    if mention.when is None:
        return None
    kind = mention.kind
    role = next((r for r in facts.roles if r.event == main and r.role == "organisateur"), None)
    organiser = role.agent.name if role else None
    count = mention.count
    return (
        EventFacts(
            kind=EventKind(
                kind.slug.replace("-", " "), kind.vocabulary_class, kind.slug, kind.one_day
            ),
            name_words=mention.name_words,
            start=mention.when.start,
            place=mention.place,
            organiser=organiser,
            count=count.value if count else None,
            audiences=[],
            sentence=_sentence(mention.passage),
            count_sentence=_sentence(count.passage) if count else None,
            precision=mention.when.precision,
            end=mention.when.end,
            organiser_person=role is not None and role.agent.label == "person",
        ),
        mention,
    )


def add_text_facts(builder: DraftBuilder, article: URIRef, event: URIRef, facts: Facts) -> None:
    """The roles the text gives in the article's event, and the doubts of its reading."""
    main = facts.main_event()
    if main is None:
        return
    mention = facts.events[main]
    _weigh_event(builder, event, facts, main)
    note_doubts(builder, article, event, mention)
    if mention.count is not None and (mention.count.minimum or mention.count.approximate):
        builder.note(
            article,
            f"effectif-{slugify(last_segment(event))}",
            [event],
            (
                f"« {mention.count.written} » : l'effectif retenu ({mention.count.value}) est un "
                "ordre de grandeur, pas un compte.",
                f"“{mention.count.written}”: the count kept ({mention.count.value}) is an order of "
                "magnitude, not a count.",
            ),
            mention.count.written,
            str(mention.count.value),
            (
                f"Lu dans : « {mention.count.passage.text} »",
                f"Read in: “{mention.count.passage.text}”",
            ),
        )
    parts = add_sub_events(builder, article, event, facts, main)
    for role in facts.roles:
        if role.event == main and role.role != "organisateur":
            _add_role(builder, article, event, role)
        elif role.event in parts:  # a workshop's facilitator, the plenary's opener: on that part
            _add_role(builder, article, parts[role.event], role, whole=event)
    _add_series(builder, event, facts, mention)
    known_series_of(builder, event, mention)
    _add_follows(builder, article, event, facts, mention)


def _weigh_event(builder: DraftBuilder, event: URIRef, facts: Facts, main: int) -> None:
    """The confidence and the place in the text of the event's own facts' evidence."""
    mention = facts.events[main]
    span = (mention.passage.start, mention.passage.end)
    organiser = next((r for r in facts.roles if r.event == main and r.role == "organisateur"), None)
    weights = {
        "startDate": (mention.when.confidence if mention.when else mention.confidence, span),
        "location": (mention.confidence, span),
        "organizer": (
            organiser.confidence if organiser else mention.confidence,
            (organiser.passage.start, organiser.passage.end) if organiser else span,
        ),
    }
    if mention.count is not None:
        count = mention.count.passage
        weights["participantCount"] = (0.9, (count.start, count.end))
    for key, (confidence, where) in weights.items():
        statement = URIRef(f"{event}#source-{key}")
        if (statement, RDF.type, RDF.Statement) in builder.graph:
            builder.weigh(statement, confidence, where)


def _add_series(builder: DraftBuilder, event: URIRef, facts: Facts, mention: EventMention) -> None:
    """« les différentes journées régionales organisées partout en France »: the known series
    the event is one of; an unknown one is for the curator, never minted from a phrase."""
    if link_series(builder, event, facts, mention) is False:
        text = facts.events[mention.parent].passage.text[:80]
        builder.draft.to_complete(
            f"L'événement fait partie d'une série (« {text} ») "
            "que les données ne connaissent pas : la relier ou l'ajouter.",
            f"The event is one of a series (“{text}”) the data does not know: link it or add it.",
        )


def _add_follows(
    builder: DraftBuilder, article: URIRef, event: URIRef, facts: Facts, mention: EventMention
) -> None:
    """« après celle du 19 novembre à Saint-Quentin »: the known event of that day and town."""
    if mention.follows is None:
        return
    before = facts.events[mention.follows]
    if before.when is None or before.when.precision != "day" or not before.place:
        return
    commune = builder.known.place(before.place, facts.places_named()).iri
    known = builder.known.event(before.when.start, commune).iri
    if known is None:
        builder.draft.to_complete(
            f"L'événement fait suite à celui du {before.when.value} à {before.place}, que les "
            "données ne connaissent pas : à ajouter s'il compte.",
            f"The event follows the one of {before.when.value} in {before.place}, which the data "
            "does not know: add it if it matters.",
        )
        return
    builder.record("event", f"{before.name_words} ({before.place})", known)
    builder.add(event, MED.follows, known)
    builder.add(article, SDO.mentions, known)
    passage = before.passage
    builder.evidence(
        event, MED.follows, known, _sentence(passage), "follows", before.confidence,
        (passage.start, passage.end),
    )  # fmt: skip


def _add_role(
    builder: DraftBuilder,
    article: URIRef,
    event: URIRef,
    role: RoleMention,
    whole: URIRef | None = None,
) -> None:
    """A role as the curated data writes one (``med:Participation``), with the link the
    role implies (``schema:performer``…), its sentence and how sure the reading is; the
    link also on the ``whole`` event a part belongs to (who opened its plenary performed at
    the day; a workshop's organiser contributed to it), as the curated data writes it."""
    kind = builder.iri(f"id/role/{role.role}")
    implied = builder.ref.select(
        "SELECT ?property ?role WHERE { ?role med:impliedProperty ?property }", role=kind
    )
    if not implied:
        builder.draft.to_complete(
            f"« {role.agent.name} » : rôle « {role.role} » lu (« {role.words} »), absent du "
            "schéma des rôles : à ajouter ou à choisir.",
            f"“{role.agent.name}”: role “{role.role}” read (“{role.words}”), not in the roles "
            "scheme: add it or choose one.",
        )
        return
    agent = builder.agent(None, role.agent.name, role.role, role.agent.label == "person")
    if agent is None:
        return
    prop = implied[0]["property"]
    node = URIRef(f"{event}#role-{role.role}-{last_segment(agent)}")
    builder.add(event, MED.hasRole, node)
    builder.add(node, RDF.type, MED.Participation)
    builder.add(node, RDF.type, SDO.Role)
    builder.add(node, MED.inEvent, event)
    builder.add(node, MED.agent, agent)
    builder.add(node, MED.roleType, kind)
    for lang, label in builder.ref.labels(kind).items():
        builder.add(node, SDO.roleName, Literal(label, lang=lang or None))
    builder.add(event, prop, agent)
    span = (role.passage.start, role.passage.end)
    sentence = _sentence(role.passage)
    builder.evidence(node, MED.agent, agent, sentence, "agent", role.confidence, span)
    # Who organises a workshop contributes to the day; who opens its plenary performs at it.
    rolled = SDO.contributor if prop == SDO.organizer else prop
    for linked, link in ((event, prop), (whole, rolled)) if whole is not None else ((event, prop),):
        builder.add(linked, link, agent)
        builder.evidence(
            linked, link, agent, sentence, f"{role.role}-{last_segment(agent)}", role.confidence,
            span,
        )  # fmt: skip
    builder.add(article, SDO.mentions, agent)
    for index, (fr, en) in enumerate(role.doubts):
        builder.note(
            article,
            f"role-{role.role}-{last_segment(agent)}-{index}",
            [node],
            (fr, en),
            role.words,
            role.role,
            (f"Lu dans : « {role.passage.text} »", f"Read in: “{role.passage.text}”"),
        )


def _sentence(passage) -> Sentence:
    return Sentence(passage.text, passage.line or 0)
