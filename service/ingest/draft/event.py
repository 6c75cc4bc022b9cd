"""The event an article reports, in the draft: only what its sentence says.

Its date, kind, place (the town, in its commune), organiser and the organiser's role,
the count of participants and their audiences; each fact keeps the sentence it was read
from. The event is the one the reference knows on that day, in that town, by that
organiser, when there is one.
"""

from __future__ import annotations

from datetime import date

from rdflib import BNode, Literal, URIRef

from ...namespaces import IGEO, MED, RDF, SDO, XSD
from ..reading.names import slugify
from ..reading.record import EventFacts
from .builder import DraftBuilder, last_segment
from .venue import add_venue, read_venue


def add_event(
    builder: DraftBuilder, article: URIRef, facts: EventFacts, about: bool = True
) -> URIRef:
    """The event the article is about (``about``; else one it names in passing): the known
    one of that day, town and organiser, else a new one; each of its facts with the sentence
    it was read from."""
    commune = builder.ref.territory(facts.place, IGEO.Commune) if facts.place else None
    if facts.place and commune is None:  # homonyms: the one in a territory the text names
        named = builder.found.facts.places_named() if builder.found.facts else []
        commune = builder.known.place(facts.place, named).iri
    organiser = (
        builder.agent(None, facts.organiser, "organiser", facts.organiser_person)
        if facts.organiser
        else None
    )
    partial = facts.precision != "day"  # a month or a year: the known event of that kind then
    if partial:
        from .others import known_in_period

        period = date_value(facts.start, facts.precision)
        there = known_in_period(builder, str(period), commune) if commune else set()
        node = (
            there.pop()  # « à Saint-Quentin en novembre »: the known day there that month
            if len(there) == 1
            else builder.ref.event_in(period, facts.kind.cls, organiser)
            if facts.kind.cls is not None
            else None
        )
    else:
        node = (
            builder.ref.event_on(facts.start, commune, organiser) if commune or organiser else None
        )
    if node is None:
        parts = [
            str(date_value(facts.start, facts.precision)),
            facts.kind.slug,
            slugify(facts.place) if facts.place else "",
        ]
        node = builder.iri("id/event/" + "-".join(p for p in parts if p))
    builder.record("event", facts.name_words, node)
    sentence = facts.sentence
    builder.add(node, RDF.type, SDO.Event)
    if facts.kind.cls is not None:
        builder.add(node, RDF.type, facts.kind.cls)
    name = facts.name_words[:1].upper() + facts.name_words[1:]
    if facts.place:
        name += f" à {facts.place}"
    held_names = builder.ref.select(
        "SELECT ?event ?name WHERE { ?event schema:name ?name }", event=node
    )
    if any(row["name"].language == builder.lang for row in held_names):
        # a known event keeps its name; the text's words for it are another name
        for row in held_names:
            builder.add(node, SDO.name, row["name"])
        if builder.text(name) not in {row["name"] for row in held_names}:
            builder.add(node, SDO.alternateName, builder.text(name))
    else:
        builder.add(node, SDO.name, builder.text(name))
    start = date_value(facts.start, facts.precision)
    held = builder.ref.select(
        "SELECT ?event ?start WHERE { ?event schema:startDate ?start }", event=node
    )
    if partial and any(row["start"] != start for row in held):
        from .others import describe_known

        describe_known(builder, node)  # its day is the data's; the month read only found it
    else:
        builder.add(node, SDO.startDate, start)
        builder.evidence(node, SDO.startDate, start, sentence, "startDate")
    if facts.end is not None and facts.end != facts.start:  # « entre juin et décembre 2019 »
        end = date_value(facts.end, facts.precision)
        builder.add(node, SDO.endDate, end)
        builder.evidence(node, SDO.endDate, end, sentence, "endDate")
    elif facts.kind.one_day and not partial:  # a "journée" lasts that day
        builder.add(node, SDO.endDate, start)
    builder.add(
        node, SDO.eventStatus, SDO.EventScheduled
    )  # "s'est tenue": it took place as planned
    known_place = builder.known.location_of(node) if builder.ref.exists(node) else None
    if known_place is not None:  # the known event's venue: the same place, never a new one
        place = builder.record("place", facts.place or str(known_place), known_place)
        builder.add(node, SDO.location, place)
        builder.add(node, SDO.eventAttendanceMode, SDO.OfflineEventAttendanceMode)
        builder.evidence(node, SDO.location, place, sentence, "location")
    elif (
        venue := read_venue([sentence.text] + ([builder.found.title or ""] if about else []))
    ) is not None and (place := add_venue(builder, venue, facts.place, commune)) is not None:
        builder.add(node, SDO.location, place)  # « à l'espace Marcel Pagnol »: its venue
        builder.add(node, SDO.eventAttendanceMode, SDO.OfflineEventAttendanceMode)
        builder.evidence(node, SDO.location, place, sentence, "location")
    elif facts.place:
        place = _add_place(builder, facts.place, commune)
        builder.add(node, SDO.location, place)
        builder.add(node, SDO.eventAttendanceMode, SDO.OfflineEventAttendanceMode)
        builder.evidence(node, SDO.location, place, sentence, "location")
    elif about:
        builder.draft.to_complete(
            "Le lieu de l'événement n'est pas dit : à ajouter.",
            "The event's place is not given: add it.",
        )
    if organiser is not None:
        builder.add(node, SDO.organizer, organiser)
        builder.evidence(node, SDO.organizer, organiser, sentence, "organizer")
        _add_role(builder, node, organiser)
        builder.add(article, SDO.mentions, organiser)
    elif about:
        builder.draft.to_complete(
            "L'organisateur de l'événement n'est pas dit : à ajouter.",
            "The event's organiser is not given: add it.",
        )
    if facts.count is not None and facts.count_sentence is not None:
        count = Literal(facts.count, datatype=XSD.nonNegativeInteger)  # as the curated data
        builder.add(node, MED.participantCount, count)
        builder.evidence(
            node, MED.participantCount, count, facts.count_sentence, "participantCount"
        )
        for word in facts.audiences:
            audience = builder.ref.concept_by_label(word, builder.base + "id/audience/")
            if audience is None:
                builder.draft.to_complete(
                    f"Public « {word} » sans concept dans le schéma des publics.",
                    f"Audience “{word}” has no concept in the audiences scheme.",
                )
                continue
            builder.add(node, SDO.audience, audience)
            builder.evidence(
                node, SDO.audience, audience, facts.count_sentence, f"audience-{slugify(word)}"
            )
    if not about:  # named in passing: the article mentions it
        builder.add(article, SDO.mentions, node)
        return node
    builder.add(node, SDO.subjectOf, article)
    builder.add(article, SDO.about, node)
    builder.draft.to_complete(
        "L'événement ne porte que ce qu'une phrase dit : description, parties, intervenants et thèmes à ajouter.",
        "The event carries only what a sentence says: description, parts, speakers and themes to add.",
    )
    return node


def date_value(day: date, precision: str) -> Literal:
    """A date as far as the text gives it: a day (``xsd:date``), else its month
    (``xsd:gYearMonth``) or its year (``xsd:gYear``), never a day the text does not say."""
    if precision == "month":
        return Literal(f"{day.year:04d}-{day.month:02d}", datatype=XSD.gYearMonth)
    if precision == "year":
        return Literal(f"{day.year:04d}", datatype=XSD.gYear)
    return Literal(day.isoformat(), datatype=XSD.date)


def _add_place(builder: DraftBuilder, name: str, commune: URIRef | None) -> URIRef:
    """The town as the event's place: a place named after it, in the commune (the curated
    data's model when an article names the town and no venue)."""
    if commune is not None and (known := builder.ref.venue_in(name, commune)) is not None:
        return builder.record("place", name, known)
    venues = builder.known.venues_in(commune) if commune is not None else []
    if venues:  # the town's known venues: perhaps the same place, for the curator to say
        listed = " ; ".join(f"<{iri}> ({label})" for iri, label in venues[:3])
        builder.draft.to_complete(
            f"Lieux connus à {name} : {listed}. L'événement s'y est-il tenu ?",
            f"Known venues in {name}: {listed}. Was the event held there?",
        )
    node = builder.record("place", name, builder.iri(f"id/place/{slugify(name)}"))
    builder.add(node, RDF.type, SDO.Place)
    builder.add(node, SDO.name, Literal(name, lang="fr"))
    address = BNode()
    builder.add(node, SDO.address, address)
    builder.add(address, RDF.type, SDO.PostalAddress)
    builder.add(address, SDO.addressLocality, Literal(name))
    if commune is not None:
        builder.add(node, SDO.containedInPlace, commune)
        region = builder.ref.region_of(commune)
        if region:
            builder.add(address, SDO.addressRegion, Literal(region))
        builder.add(address, SDO.addressCountry, Literal("FR"))
        builder.record("commune", name, commune)
    else:
        builder.draft.to_complete(
            f"« {name} » n'est pas une commune des données des territoires (absente ou homonyme) : la rattacher.",
            f"“{name}” is not a commune of the territories data (absent, or several of that name): link it.",
        )
    return node


def _add_role(builder: DraftBuilder, event: URIRef, organiser: URIRef) -> None:
    """The organiser's part in the event, as the curated data writes roles."""
    kind = builder.iri("id/role/organisateur")
    node = URIRef(f"{event}#role-organisateur-{last_segment(organiser)}")
    labels = builder.ref.labels(kind) or {"fr": "Organisateur", "en": "Organiser"}
    builder.add(event, MED.hasRole, node)
    builder.add(node, RDF.type, MED.Participation)
    builder.add(node, RDF.type, SDO.Role)
    builder.add(node, MED.inEvent, event)
    builder.add(node, MED.agent, organiser)
    builder.add(node, MED.roleType, kind)
    for lang in ("fr", "en"):
        if lang in labels:
            builder.add(node, SDO.roleName, Literal(labels[lang], lang=lang))
