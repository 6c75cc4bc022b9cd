"""What a page says of an event's status: the source's word, read against the day.

The data keeps the status the source gave: an event announced as scheduled stays
``schema:EventScheduled`` once it is over, since that is what the source said. A page reads
it against today: an event that was scheduled, rescheduled or moved online (or whose source
gives no status) and whose end has passed *took place*; a cancelled or a postponed event is
shown as such whatever its dates. An event known only by its month or year (its source
gives no day: ``xsd:gYearMonth``, ``xsd:gYear``) is never said to have taken place from
its dates: an announced month says nothing of whether it was held.

"Today" is the web layer's, in the service's time zone: an event is past once its last day
(its end date, else its start date, in that zone) is before today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from ..labels import Languages
from ..namespaces import SDO
from .terms import CLASS_LABELS

#: schema.org's statuses (https://schema.org/EventStatusType), by the name a page gives them.
STATUS_NAMES: dict[URIRef, str] = {
    SDO.EventScheduled: "scheduled",
    SDO.EventCancelled: "cancelled",
    SDO.EventPostponed: "postponed",
    SDO.EventRescheduled: "rescheduled",
    SDO.EventMovedOnline: "moved-online",
}
#: Statuses under which an event whose end has passed took place (None: the source gives none).
HELD: frozenset[URIRef | None] = frozenset(
    {None, SDO.EventScheduled, SDO.EventRescheduled, SDO.EventMovedOnline}
)
PAST_WORDS = ("A eu lieu", "Took place")


@dataclass(frozen=True)
class ShownStatus:
    """The status a page shows: its name (``past``, or one of :data:`STATUS_NAMES`), its
    words in the interface language, and the status the data gives, if any."""

    name: str
    text: str
    lang: str
    given: URIRef | None

    @property
    def past(self) -> bool:
        return self.name == "past"


def _day(value: Node, zone: tzinfo) -> date | None:
    """The day of a date or date-time literal in ``zone`` (a date-time without an offset is
    read as the zone's own time)."""
    if not isinstance(value, Literal):
        return None
    text = str(value).strip()
    try:
        if value.datatype in (XSD.dateTime, XSD.dateTimeStamp) or "T" in text:
            moment = datetime.fromisoformat(text)
            return moment.astimezone(zone).date() if moment.tzinfo else moment.date()
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def last_day(graph: Graph, event: URIRef, zone: tzinfo) -> date | None:
    """The event's last day in ``zone``: its end date, else its start date (a one-day event)."""
    for prop in (SDO.endDate, SDO.startDate):
        value = graph.value(event, prop)
        if value is not None:
            return _day(value, zone)
    return None


def shown_status(
    graph: Graph, event: URIRef, today: date, zone: tzinfo, langs: Languages
) -> ShownStatus | None:
    """The status of ``event`` as its page shows it on ``today`` (in ``zone``), or None when
    neither the data nor the dates say anything."""
    given = graph.value(event, SDO.eventStatus)
    given = given if isinstance(given, URIRef) else None
    day = last_day(graph, event, zone)
    if given in HELD and day is not None and day < today:
        return ShownStatus("past", langs.text(*PAST_WORDS), langs.ui, given)
    name = STATUS_NAMES.get(given) if given is not None else None
    words = CLASS_LABELS.get(given) if given is not None else None
    if name is None or words is None:
        return None
    return ShownStatus(name, langs.text(*words[:2]), langs.ui, given)


__all__ = ["HELD", "PAST_WORDS", "STATUS_NAMES", "ShownStatus", "last_day", "shown_status"]
