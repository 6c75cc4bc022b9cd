"""What calendars and the Atom feed of events know of events, read from the store.

:func:`event_details` reads what they need about a set of events, with bounded batched
queries: names, descriptions, dates, status, venues and their addresses, organisers,
themes, the event it belongs to and its programme (the sessions, followed when asked, up to
:data:`MAX_EVENTS`). A date of the data is a day or a moment (:func:`day_or_moment`), a time
written without an offset being a local time of the service's time zone; an event known
only by its year or month (``xsd:gYear``, ``xsd:gYearMonth``: its source gives no day) has
neither, and is not dated: calendars leave it out, feeds show the month or year as given.
No Flask here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from ..labels import Languages, choose, label_values, local_moment
from ..namespaces import SDO
from ..store import Store

#: Most events one query asks about.
EVENTS_PER_QUERY = 100
#: Most events one calendar holds (a list's first ones by date, then their programmes).
MAX_EVENTS = 2000

EVENT_PROPERTIES = (
    SDO.name,
    SDO.description,
    SDO.startDate,
    SDO.endDate,
    SDO.eventStatus,
    SDO.location,
    SDO.organizer,
    SDO.about,
    SDO.superEvent,
    SDO.subEvent,
    SDO.position,
)
PLACE_PROPERTIES = (SDO.name, SDO.address, SDO.containedInPlace)
ADDRESS_PARTS = (
    SDO.streetAddress,
    SDO.postalCode,
    SDO.addressLocality,
    SDO.addressRegion,
    SDO.addressCountry,
)


@dataclass
class Place:
    """A venue or territory an event took place in: its names, address and what contains it."""

    iri: URIRef
    names: list[Literal] = field(default_factory=list)
    address: dict[URIRef, list[Literal]] = field(default_factory=dict)
    within: list[URIRef] = field(default_factory=list)


@dataclass
class EventInfo:
    """What calendars and the Atom feed know of one event."""

    iri: URIRef
    names: list[Literal] = field(default_factory=list)
    descriptions: list[Literal] = field(default_factory=list)
    start: Literal | None = None
    end: Literal | None = None
    status: URIRef | None = None
    places: list[URIRef] = field(default_factory=list)
    organizers: list[URIRef] = field(default_factory=list)
    themes: list[URIRef] = field(default_factory=list)
    parents: list[URIRef] = field(default_factory=list)
    children: list[URIRef] = field(default_factory=list)
    position: float | None = None

    @property
    def dated(self) -> bool:
        return day_or_moment(self.start, UTC) is not None  # any zone: whether it names a day


@dataclass
class Details:
    """Events and what they point at, read from the store."""

    events: dict[URIRef, EventInfo]
    places: dict[URIRef, Place]
    names: dict[Node, list[tuple[URIRef, Literal]]]

    def name(self, node: URIRef, langs: Languages) -> str:
        best = choose(self.names.get(node, []), langs)
        return str(best) if best is not None else str(node)


def _values(nodes: Iterable[Node]) -> str:
    return " ".join(n.n3() for n in nodes)


def _in(properties: Iterable[URIRef]) -> str:
    return ", ".join(p.n3() for p in properties)


def event_details(store: Store, iris: Iterable[URIRef], with_programme: bool = True) -> Details:
    """What calendars need about ``iris`` (and, when asked, the sessions of their programmes)."""
    events: dict[URIRef, EventInfo] = {}
    todo = list(dict.fromkeys(iris))
    queued = set(todo)  # a set beside the list: looked up in the list, 2,000 events took 2 s
    while todo and len(events) < MAX_EVENTS:
        batch, todo = todo[:EVENTS_PER_QUERY], todo[EVENTS_PER_QUERY:]
        found = _read_events(store, batch)
        events.update(found)
        if with_programme:
            for info in found.values():
                for child in info.children:
                    if child not in events and child not in queued:
                        queued.add(child)
                        todo.append(child)
    places = _read_places(store, {p for info in events.values() for p in info.places})
    named = {p for place in places.values() for p in place.within}
    named |= {o for info in events.values() for o in info.organizers + info.themes}
    names = label_values(store, named | set(places))
    return Details(events, places, names)


def _read_events(store: Store, batch: list[URIRef]) -> dict[URIRef, EventInfo]:
    found: dict[URIRef, EventInfo] = {}
    rows = store.select(
        f"""SELECT ?e ?p ?o WHERE {{ VALUES ?e {{ {_values(batch)} }} ?e ?p ?o .
              FILTER(?p IN ({_in(EVENT_PROPERTIES)})) }}"""
    )
    for row in rows:
        info = found.setdefault(row["e"], EventInfo(row["e"]))
        prop, value = row["p"], row["o"]
        if prop == SDO.name and isinstance(value, Literal):
            info.names.append(value)
        elif prop == SDO.description and isinstance(value, Literal):
            info.descriptions.append(value)
        elif prop == SDO.startDate and isinstance(value, Literal):
            info.start = _earlier(info.start, value)
        elif prop == SDO.endDate and isinstance(value, Literal):
            info.end = _later(info.end, value)
        elif prop == SDO.eventStatus and isinstance(value, URIRef):
            info.status = value
        elif prop == SDO.location and isinstance(value, URIRef):
            info.places.append(value)
        elif prop == SDO.organizer and isinstance(value, URIRef):
            info.organizers.append(value)
        elif prop == SDO.about and isinstance(value, URIRef):
            info.themes.append(value)
        elif prop == SDO.superEvent and isinstance(value, URIRef):
            info.parents.append(value)
        elif prop == SDO.subEvent and isinstance(value, URIRef):
            info.children.append(value)
        elif prop == SDO.position and isinstance(value, Literal):
            try:
                info.position = float(value)
            except ValueError:
                pass
    # Sessions that name their event without the event naming them.
    for row in store.select(
        f"""SELECT ?c ?e WHERE {{ VALUES ?e {{ {_values(batch)} }} ?c {SDO.superEvent.n3()} ?e }}"""
    ):
        info = found.get(row["e"])
        if info is not None and row["c"] not in info.children:
            info.children.append(row["c"])
    for info in found.values():
        for attribute in ("places", "organizers", "themes", "parents", "children"):
            setattr(info, attribute, sorted(set(getattr(info, attribute)), key=str))
    return found


def _read_places(store: Store, iris: set[URIRef]) -> dict[URIRef, Place]:
    places: dict[URIRef, Place] = {iri: Place(iri) for iri in iris}
    ordered = sorted(iris, key=str)
    for start in range(0, len(ordered), EVENTS_PER_QUERY):
        batch = ordered[start : start + EVENTS_PER_QUERY]
        for row in store.select(
            f"""SELECT ?l ?p ?o WHERE {{ VALUES ?l {{ {_values(batch)} }} ?l ?p ?o .
                  FILTER(?p IN ({_in(PLACE_PROPERTIES)})) }}"""
        ):
            place = places[row["l"]]
            if row["p"] == SDO.containedInPlace and isinstance(row["o"], URIRef):
                place.within.append(row["o"])
        for row in store.select(
            f"""SELECT ?l ?p ?o WHERE {{ VALUES ?l {{ {_values(batch)} }}
                  ?l {SDO.address.n3()} ?a . ?a ?p ?o .
                  FILTER(?p IN ({_in(ADDRESS_PARTS)}) && isLiteral(?o)) }}"""
        ):
            places[row["l"]].address.setdefault(row["p"], []).append(row["o"])
    return places


def _earlier(current: Literal | None, value: Literal) -> Literal:
    return value if current is None or str(value) < str(current) else current


def _later(current: Literal | None, value: Literal) -> Literal:
    return value if current is None or str(value) > str(current) else current


def moment_of(text: str | None, zone: tzinfo) -> datetime | None:
    """A date or date-time text of the data as an instant (UTC): a day from its first moment
    in ``zone``, a time without an offset as a local time there; None when it is neither."""
    if not text:
        return None
    moment = local_moment(text, zone)
    if moment is None:
        try:
            day = date.fromisoformat(text.strip())
        except ValueError:
            return None
        moment = datetime(day.year, day.month, day.day, tzinfo=zone)
    return moment.astimezone(UTC)


def day_or_moment(value: Literal | None, zone: tzinfo) -> date | datetime | None:
    """A date for a day (all-day), a date-time in ``zone`` for a moment (a time the data writes
    without an offset is a local time there); None for a year or month."""
    if value is None:
        return None
    text = str(value).strip()
    if value.datatype == XSD.date or (value.datatype is None and len(text) == 10):
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            return None
    if value.datatype == XSD.dateTime:
        return local_moment(text, zone)
    return None


def location_text(details: Details, info: EventInfo, langs: Languages) -> str:
    """The venue and where it is: « Arena Liévin, Liévin, Hauts-de-France, FR »."""
    parts: list[str] = []
    for iri in info.places:
        place = details.places.get(iri)
        if place is None:
            continue
        pieces = [details.name(iri, langs)]
        for prop in ADDRESS_PARTS:
            for value in place.address.get(prop, [])[:1]:
                pieces.append(str(value))
        if len(pieces) == 1:
            pieces += [details.name(w, langs) for w in place.within]
        parts.append(", ".join(dict.fromkeys(p for p in pieces if p)))
    return " ; ".join(parts)


__all__ = [
    "MAX_EVENTS",
    "Details",
    "EventInfo",
    "Place",
    "day_or_moment",
    "event_details",
    "location_text",
    "moment_of",
]
