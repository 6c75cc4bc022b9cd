"""Feeds for those who follow the data: the change feed and the Atom feed of events.

**The change feed** is an Activity Streams 2.0 ``OrderedCollection``
(https://www.w3.org/TR/activitystreams-core/#collections) of the ``Create``,
``Update`` and ``Delete`` activities the write history records
(:mod:`service.writes.history`), newest first. The collection gives ``totalItems`` and its
``first`` page; each ``OrderedCollectionPage`` holds up to ``page_size`` items and
links ``next`` (older) and ``prev`` (newer) by key (the time, then the item's IRI),
never by offset: a portal keeps the newest key it has seen and reads from the first
page until it meets it, instead of harvesting everything again.

Both read the change log (:mod:`service.writes.changelog`) by index, never the whole
history: a page is one range of it, ``totalItems`` a count it keeps.

**The Atom feed** (RFC 4287) of events lists the events most recently created or
changed: dated by the write history when a write touched them, else by the dates
their sources give themselves (the sitemap's rule, :mod:`.sitemap`), as the last
open-data build found them (:mod:`.build`: ordering every event is whole-store
work), with the events written since that build, from the change log
(:func:`newest`). Written with the standard library's ElementTree, never by string
concatenation.

No Flask here: the web layer passes the address the service was reached at.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from rdflib import URIRef

from ..labels import Languages
from ..writes import ChangeLog, Entry, agent_iri
from .events import Details, EventInfo, location_text

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
ACTIVITY_TYPES = {"create": "Create", "update": "Update", "delete": "Delete"}
ATOM = "http://www.w3.org/2005/Atom"


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


# ---------------------------------------------------------------------------------------------
# The change feed (Activity Streams 2.0)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeLinks:
    """Addresses of the change feed on this host."""

    root: str  # ends with a slash
    page_url: Callable[[str], str]  # an IRI of ours → its address on this host

    @property
    def collection(self) -> str:
        return self.root + "changes"

    def page(self, **key: str) -> str:
        return f"{self.collection}?{urlencode(key or {'page': 'first'})}"


def change_collection(changelog: ChangeLog, links: ChangeLinks) -> dict[str, Any]:
    """The collection: its size and its first page."""
    return {
        "@context": AS_CONTEXT,
        "id": links.collection,
        "type": "OrderedCollection",
        "summaryMap": {
            "fr": "Les ressources créées, modifiées et supprimées, de la plus récente à la plus "
            "ancienne.",
            "en": "Resources created, updated and deleted, newest first.",
        },
        "totalItems": changelog.count(),
        "first": links.page(),
    }


def change_page(
    changelog: ChangeLog,
    base_url: str,
    links: ChangeLinks,
    size: int,
    after: str | None = None,
    before: str | None = None,
) -> dict[str, Any]:
    """One page: the newest (no key), the one older than ``after``, or newer than ``before``."""
    if before:
        entries, newer = changelog.newer(before, size)
        older = True
    else:
        entries, following = changelog.older(after, size)
        older = following is not None
        newer = bool(after)
    if after:
        current = links.page(after=after)
    elif before:
        current = links.page(before=before)
    else:
        current = links.page()
    page: dict[str, Any] = {
        "@context": AS_CONTEXT,
        "id": current,
        "type": "OrderedCollectionPage",
        "partOf": links.collection,
        "orderedItems": [_activity(e, base_url, links) for e in entries],
    }
    if entries and older:
        page["next"] = links.page(after=entries[-1].key)
    if entries and newer:
        page["prev"] = links.page(before=entries[0].key)
    return page


def _activity(entry: Entry, base_url: str, links: ChangeLinks) -> dict[str, Any]:
    resource = str(entry.resource)
    obj: dict[str, Any] = {"id": resource, "url": links.page_url(resource)}
    if entry.action == "delete":
        obj.update({"type": "Tombstone", "deleted": _stamp(entry.ended)})
    activity: dict[str, Any] = {
        "id": str(entry.item),
        "type": ACTIVITY_TYPES.get(entry.action, "Update"),
        "published": _stamp(entry.ended),
        "actor": {"id": str(agent_iri(base_url, entry.agent)), "name": entry.agent},
        "object": obj,
        "context": str(entry.change),
    }
    if entry.labels:
        activity["summaryMap"] = {lang or "und": text for lang, text in entry.labels.items()}
    return activity


# ---------------------------------------------------------------------------------------------
# The Atom feed of events
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AtomEntry:
    iri: URIRef
    updated: datetime
    info: EventInfo


def newest(*sources: list[tuple[URIRef, datetime]], limit: int) -> list[tuple[URIRef, datetime]]:
    """The ``limit`` resources changed last in these lists of (resource, when), each dated by
    its latest date among them, newest first."""
    latest: dict[URIRef, datetime] = {}
    for source in sources:
        for iri, moment in source:
            if iri not in latest or moment > latest[iri]:
                latest[iri] = moment
    return sorted(latest.items(), key=lambda pair: (pair[1], str(pair[0])), reverse=True)[:limit]


def atom_feed(
    entries: list[tuple[URIRef, datetime]],
    details: Details,
    langs: Languages,
    *,
    feed_id: str,
    self_url: str,
    alternate_url: str,
    page_url: Callable[[URIRef], str],
    calendar_url: Callable[[URIRef], str],
    author: str,
    licence: str,
) -> bytes:
    """An Atom 1.0 document of the events (RFC 4287), in the request's language."""
    ET.register_namespace("", ATOM)

    def el(parent: ET.Element, name: str, text: str | None = None, **attributes: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{name}", attributes)
        if text is not None:
            element.text = text
        return element

    root = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": langs.ui})
    el(root, "id", feed_id)
    el(
        root,
        "title",
        langs.text(
            "Événements de la médiation sociale : nouveaux et modifiés",
            "Events of social mediation: new and updated",
        ),
    )
    el(
        root,
        "subtitle",
        langs.text(
            "Les événements créés ou modifiés en dernier, d'après l'historique des écritures et "
            "les dates des sources.",
            "The events created or changed last, from the history of writes and the dates of the "
            "sources.",
        ),
    )
    updated = max((moment for _, moment in entries), default=None)
    el(root, "updated", _stamp(updated or datetime(1970, 1, 1, tzinfo=UTC)))
    el(root, "link", rel="self", type="application/atom+xml", href=self_url)
    el(root, "link", rel="alternate", type="text/html", href=alternate_url)
    el(root, "link", rel="license", href=licence)
    person = el(root, "author")
    el(person, "name", author)
    el(
        root,
        "generator",
        langs.text(
            "Service de données liées de la médiation sociale",
            "Social mediation linked-data service",
        ),
    )
    for iri, moment in entries:
        info = details.events.get(iri)
        if info is None:
            continue
        entry = el(root, "entry")
        el(entry, "id", str(iri))
        best = langs.best(info.names)
        el(entry, "title", str(best) if best is not None else str(iri))
        el(entry, "updated", _stamp(moment))
        el(entry, "link", rel="alternate", type="text/html", href=page_url(iri))
        if info.dated:
            el(entry, "link", rel="alternate", type="text/calendar", href=calendar_url(iri))
        for organiser in info.organizers:
            el(el(entry, "author"), "name", details.name(organiser, langs))
        for theme in info.themes:
            el(entry, "category", term=str(theme), label=details.name(theme, langs))
        summary = [str(s) for s in [langs.best(info.descriptions)] if s is not None]
        when = " – ".join(
            dict.fromkeys(str(d)[:10] for d in (info.start, info.end) if d is not None)
        )
        where = location_text(details, info, langs)
        facts = [f for f in (when, where) if f]
        if facts:
            summary.insert(0, " · ".join(facts))
        if summary:
            el(entry, "summary", "\n\n".join(summary), type="text")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


__all__ = ["ChangeLinks", "atom_feed", "change_collection", "change_page", "newest"]
