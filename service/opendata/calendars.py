"""Events as calendars see them: iCalendar (RFC 5545) with the ``icalendar`` library.

:func:`calendar` writes the events :func:`~.events.event_details` read as one
``VCALENDAR``:

* one ``VEVENT`` per dated event; its ``UID`` is the event's IRI, so a calendar that
  subscribes sees the same event again, not a copy;
* a day given as a date (``xsd:date``) is an all-day event (``DTSTART;VALUE=DATE``,
  ``DTEND`` the day after the last, RFC 5545 §3.6.1); a date-time is a local time of the
  service's time zone (``DTSTART;TZID=Europe/Paris:20191204T090000``, RFC 5545 §3.3.5, form
  3; a time the data writes without an offset is one already), and the calendar carries that
  zone's ``VTIMEZONE`` (§3.6.5) over the years of its events, made by the ``icalendar``
  library from the zone rules, so that a calendar application places the event at the
  same instant on both sides of a change to or from summer time;
* an event whose start is a month or a year only (``xsd:gYearMonth``, ``xsd:gYear``: the
  source gives no day) is left out, its programme's dated sessions kept: a ``DTSTART`` is a
  day or a moment (§3.3.4, §3.3.5), and an all-day entry over the whole month would say
  the event lasts the month, which the source does not say either; we invent no day. The
  calendar of that one event says so in its description (the web layer's ``.ics`` route);
* ``LOCATION`` names the venue and its address, ``URL`` the event's page,
  ``ORGANIZER`` the first organiser (RFC 5545 allows one; all are named in the
  description), ``CATEGORIES`` its themes, ``STATUS`` from ``schema:eventStatus``;
* the programme: each session is its own ``VEVENT`` with ``RELATED-TO;RELTYPE=PARENT``
  the event it belongs to, which lists it with ``RELTYPE=CHILD``.

No Flask here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta, tzinfo

from icalendar import Calendar, Event, vCalAddress, vText
from rdflib import Literal, URIRef

from ..labels import Languages
from ..namespaces import SDO
from .events import Details, EventInfo, day_or_moment, location_text

STATUS = {
    SDO.EventScheduled: "CONFIRMED",
    SDO.EventRescheduled: "CONFIRMED",
    SDO.EventMovedOnline: "CONFIRMED",
    SDO.EventPostponed: "TENTATIVE",
    SDO.EventCancelled: "CANCELLED",
}
PRODID = "-//Mediation sociale//Donnees liees//FR"


def _text(values: list[Literal], langs: Languages) -> str | None:
    best = langs.best(values)
    return str(best) if best is not None else None


def calendar(
    details: Details,
    order: Iterable[URIRef],
    langs: Languages,
    page_url: Callable[[URIRef], str],
    stamps: Callable[[URIRef], datetime],
    name: str,
    description: str,
    zone: tzinfo,
) -> bytes:
    """A ``VCALENDAR`` of the events in ``order`` (then their programmes), as bytes.

    ``page_url`` gives an event's page on this host; ``stamps`` when its description last
    changed (``DTSTAMP`` and ``LAST-MODIFIED``); ``zone`` the time zone of its times."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    # Typed as TEXT: the library escapes a known property's text (newlines, ``;`` and ``,``,
    # RFC 5545 §3.3.11) but writes an X- property it does not know as it is given, so a
    # newline in an event's name would start a line of the calendar's own.
    cal.add("x-wr-calname", vText(name))
    cal.add("x-wr-caldesc", vText(description))
    # Not in RFC 5545, but what Google Calendar and Apple's calendars read as the calendar's zone.
    cal.add("x-wr-timezone", str(zone))
    written: set[URIRef] = set()
    years: set[int] = set()
    queue = list(dict.fromkeys(order))
    while queue:
        iri = queue.pop(0)
        if iri in written or iri not in details.events:
            continue
        written.add(iri)
        info = details.events[iri]
        queue[0:0] = [
            c
            for c in sorted(info.children, key=lambda c: _programme_key(details, c))
            if c not in written
        ]
        event = vevent(details, info, langs, page_url(iri), stamps(iri), zone)
        if event is not None:
            cal.add_component(event)
            years |= {m.year for m in (event.DTSTART, event.DTEND) if isinstance(m, datetime)}
    if years:
        cal.add_missing_timezones(date(min(years), 1, 1), date(max(years) + 1, 1, 1))
    return cal.to_ical()


def _programme_key(details: Details, iri: URIRef) -> tuple:
    info = details.events.get(iri)
    if info is None:
        return ("9999", 0.0, str(iri))
    return (str(info.start or "9999"), info.position or 0.0, str(iri))


def vevent(
    details: Details, info: EventInfo, langs: Languages, url: str, stamp: datetime, zone: tzinfo
) -> Event | None:
    start = day_or_moment(info.start, zone)
    if start is None:
        return None
    event = Event()
    event.add("uid", str(info.iri))
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("last-modified", stamp.astimezone(UTC))
    event.add("summary", _text(info.names, langs) or str(info.iri))
    event.add("dtstart", start)
    end = day_or_moment(info.end, zone)
    if isinstance(start, date) and not isinstance(start, datetime):
        # All day: DTEND is the day after the last one (RFC 5545 §3.6.1).
        last = end if isinstance(end, date) and not isinstance(end, datetime) else None
        if last is not None and last >= start:
            event.add("dtend", last + timedelta(days=1))
    elif isinstance(end, datetime) and end >= start:
        event.add("dtend", end)
    lines = []
    described = _text(info.descriptions, langs)
    if described:
        lines.append(described)
    if info.organizers:
        names = ", ".join(details.name(o, langs) for o in info.organizers)
        lines.append(langs.text(f"Organisation : {names}", f"Organised by: {names}"))
    lines.append(url)
    event.add("description", "\n\n".join(lines))
    where = location_text(details, info, langs)
    if where:
        event.add("location", where)
    event.add("url", url)
    if info.organizers:
        first = info.organizers[0]
        organizer = vCalAddress(str(first))
        organizer.params["cn"] = vText(details.name(first, langs))
        event.add("organizer", organizer)
    if info.themes:
        event.add("categories", [details.name(t, langs) for t in info.themes])
    if info.status in STATUS:
        event.add("status", STATUS[info.status])
    for parent in info.parents:
        event.add("related-to", str(parent), parameters={"RELTYPE": "PARENT"})
    for child in info.children:
        event.add("related-to", str(child), parameters={"RELTYPE": "CHILD"})
    return event


__all__ = ["calendar", "vevent"]
