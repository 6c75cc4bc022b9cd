"""Feeds and calendars for those who follow the data.

* ``/changes`` — the change feed, Activity Streams 2.0 (:mod:`service.opendata.feeds`),
  read from the change log (:mod:`service.writes.changelog`) by index.
* ``/feeds/events.atom`` — Atom feed of new and updated events, ordered as the last
  finished open-data build found them (:mod:`service.opendata.build`), with the events
  written since, from the change log; 503 with ``Retry-After`` before the first build.
* ``/calendar/events.ics`` — iCalendar of events, filtered like ``/events``
  (``theme``, ``territory``, ``organizer``, ``when=upcoming|past``, ``from``, ``to``);
  ``/id/event/{slug}.ics`` — one event with its programme
  (:mod:`service.opendata.calendars`). They read the store with bounded queries, and
  date their entries by the last build (else by the store's last change).

No request does whole-store work. The ``ETag`` follows the store generation and the
representation, and the build whose dates a response uses; every route answers a
conditional GET with 304.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime

from flask import Blueprint, Response, request
from rdflib import URIRef

from .. import opendata
from ..errors import BadRequest, NotFound, NotReady
from ..formats import JSONLD, parse_accept
from ..labels import format_date
from ..search import Filters, Index, parse_filter_date
from ..writes import parse_key
from . import site
from .context import builds, changelog, config, index, store
from .filters import bad_parameter, resolve_value
from .served import current_build, not_ready

blueprint = Blueprint("feeds", __name__)
blueprint.register_error_handler(NotReady, not_ready)

ACTIVITY_JSON = "application/activity+json"
AS_PROFILE = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
ATOM_TYPE = "application/atom+xml"
CALENDAR_TYPE = "text/calendar"
_SLUG = re.compile(r"^[A-Za-z0-9._~%-]{1,300}$")


def conditional(
    *parts: object, vary: str = "", build: opendata.Build | None = None
) -> tuple[tuple[str, datetime], Response | None]:
    """Validators from the store generation and the representation; with ``build``, also the
    build whose dates the representation uses (and the later of the two dates)."""
    if build is not None:
        parts = parts + (build.identity,)
    etag, modified = site.validators(request.path, *parts)
    if build is not None:
        modified = max(modified, build.finished)
    return (etag, modified), site.not_modified(etag, modified, vary)


# ---------------------------------------------------------------------------------------------
# The change feed
# ---------------------------------------------------------------------------------------------


@blueprint.route("/changes", methods=["GET", "HEAD"])
def changes() -> Response:
    after = request.args.get("after") or None
    before = request.args.get("before") or None
    first = request.args.get("page") == "first"
    if after and before:
        raise BadRequest("Donnez after ou before, pas les deux.", "Give after or before, not both.")
    for value in (after, before):
        if value is not None and (len(value) > 2000 or parse_key(value) is None):
            raise BadRequest(
                "Clé de page invalide : une date ISO 8601, « | », puis une IRI.",
                "Invalid page key: an ISO 8601 time, “|”, then an IRI.",
            )
    accept = parse_accept(request.headers.get("Accept"))
    jsonld = accept.best_match(
        [ACTIVITY_JSON, JSONLD.media_type]
    ) == JSONLD.media_type and accept.quality(JSONLD.media_type) > accept.quality(ACTIVITY_JSON)
    media = AS_PROFILE if jsonld else ACTIVITY_JSON
    validators, unchanged = conditional(
        after, before, first, media, site.public_root(), vary="Accept"
    )
    if unchanged is not None:
        return unchanged
    settings = config()
    links = opendata.ChangeLinks(site.public_root(), page_url)
    if after or before or first:
        document = opendata.change_page(
            changelog(), settings.base_url, links, settings.page_size, after, before
        )
    else:
        document = opendata.change_collection(changelog(), links)
    body = json.dumps(document, ensure_ascii=False, indent=1)
    response = Response(body, content_type=f"{media}; charset=utf-8")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return site.finish(response, *validators, "Accept")


# ---------------------------------------------------------------------------------------------
# Atom and iCalendar
# ---------------------------------------------------------------------------------------------


def page_url(iri: URIRef | str) -> str:
    base = config().base_url
    text = str(iri)
    return site.public_root() + text[len(base) :] if text.startswith(base) else text


def stamp_of(build: opendata.Build | None, iris: list[URIRef]) -> Callable[[URIRef], datetime]:
    """When each of these events last changed (the sitemap's rule: history, then sources), as
    ``build`` found it; else when the store last changed."""
    dates = build.dates("event", iris) if build is not None else {}
    fallback = site.changed_at()
    zone = site.zone()

    def stamp(iri: URIRef) -> datetime:
        return opendata.moment_of(dates.get(iri), zone) or fallback

    return stamp


@blueprint.route("/feeds/events.atom", methods=["GET", "HEAD"])
def events_atom() -> Response:
    langs = site.languages()
    current = current_build()
    validators, unchanged = conditional(
        site.public_root(), langs.order, vary="Accept-Language", build=current
    )
    if unchanged is not None:
        return unchanged
    settings = config()
    # The build's order, and the events written since it, from the change log.
    entries = opendata.newest(
        current.latest("event", settings.page_size),
        changelog().recent(f"{settings.base_url}id/event/", settings.page_size),
        limit=settings.page_size,
    )
    details = opendata.event_details(store(), [iri for iri, _ in entries], with_programme=False)
    author = opendata.label_of(current.catalog.publisher_names, langs)
    body = opendata.atom_feed(
        entries,
        details,
        langs,
        feed_id=f"{settings.base_url}feeds/events",
        self_url=site.public_root() + "feeds/events.atom",
        alternate_url=site.public_root() + "events",
        page_url=page_url,
        calendar_url=lambda iri: page_url(iri) + ".ics",
        author=str(author) if author is not None else "",
        licence=site.LICENCE_URL,
    )
    response = Response(body, content_type=f"{ATOM_TYPE}; charset=utf-8")
    response.headers["Content-Language"] = langs.ui
    return site.finish(response, *validators, "Accept-Language")


@blueprint.route("/id/event/<slug>.ics", methods=["GET", "HEAD"])
def event_calendar(slug: str) -> Response:
    if not _SLUG.match(slug):
        raise NotFound(f"Aucun événement {slug[:100]}.", f"No event {slug[:100]}.")
    iri = URIRef(f"{config().base_url}id/event/{slug}")
    langs = site.languages()
    current = builds().current
    validators, unchanged = conditional(
        site.public_root(), langs.order, vary="Accept-Language", build=current
    )
    if unchanged is not None:
        return unchanged
    details = opendata.event_details(store(), [iri])
    if iri not in details.events:
        raise NotFound(
            f"Aucun événement à l'adresse /id/event/{slug}.", f"No event at /id/event/{slug}."
        )
    # An event without a day (nor any in its programme) gets a calendar without entries: a
    # calendar entry needs a day, and we invent none. One known by its month or year says so.
    info = details.events[iri]
    title = opendata.label_of(info.names, langs)
    description = page_url(iri)
    if info.start is not None and not info.dated:
        when = format_date(info.start, langs, site.zone())
        description += langs.text(
            f" — date : {when}, sans jour : un agenda ne peut pas la placer.",
            f" — date: {when}, no day: a calendar cannot place it.",
        )
    body = opendata.calendar(
        details,
        [iri],
        langs,
        page_url,
        stamp_of(current, [iri]),
        str(title) if title is not None else str(iri),
        description,
        site.zone(),
    )
    return _calendar_response(body, validators, f"{slug}.ics")


@blueprint.route("/calendar/events.ics", methods=["GET", "HEAD"])
def events_calendar() -> Response:
    langs = site.languages()
    filters = calendar_filters()
    current = builds().current
    validators, unchanged = conditional(
        request.full_path,
        site.public_root(),
        langs.order,
        filters.today,
        vary="Accept-Language",
        build=current,
    )
    if unchanged is not None:
        return unchanged
    order = calendar_events(index(), filters)
    details = opendata.event_details(store(), order)
    body = opendata.calendar(
        details,
        order,
        langs,
        page_url,
        stamp_of(current, order),
        langs.text("Événements de la médiation sociale", "Events of social mediation"),
        site.public_root() + "events",
        site.zone(),
    )
    return _calendar_response(body, validators, "events.ics")


def calendar_events(idx: Index, filters: Filters, cap: int = opendata.MAX_EVENTS) -> list[URIRef]:
    """The events a calendar of ``filters`` holds, at most ``cap``, oldest first: the next
    ones of upcoming events, else the newest. Read from the oldest, the calendar of a big
    archive held its first 2,000 events, undated ones first, and none a subscriber looks
    for."""
    order = "date" if filters.when == "upcoming" else "date-desc"
    found: list[URIRef] = []
    after = None
    while len(found) < cap:
        page = idx.list(filters, order=order, limit=200, after=after)
        found += [URIRef(item.iri) for item in page.items]
        if page.next_key is None:
            break
        after = page.next_key
    found = found[:cap]
    return found if order == "date" else found[::-1]


def _calendar_response(body: bytes, validators: tuple[str, datetime], filename: str) -> Response:
    response = Response(body, content_type=f"{CALENDAR_TYPE}; charset=utf-8")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return site.finish(response, *validators, "Accept-Language")


def calendar_filters() -> Filters:
    """The list filters of ``/events`` read from the request: facets by short name or IRI
    (each must name a resource the index knows), ``when``, ``from`` and ``to``."""
    base = config().base_url
    facets = [
        (facet, resolve_value(facet, value, index(), base))
        for facet in ("theme", "territory", "organizer")
        for value in request.args.getlist(facet)
    ]
    when = request.args.get("when", "all")
    if when not in ("all", "upcoming", "past"):
        raise bad_parameter(
            "when",
            when,
            "les valeurs possibles sont all, upcoming et past.",
            "the possible values are all, upcoming and past.",
        )
    date_from = (
        parse_filter_date(request.args["from"], "from") if request.args.get("from") else None
    )
    date_to = parse_filter_date(request.args["to"], "to") if request.args.get("to") else None
    return Filters(
        kind="event",
        facets=facets,
        when=when,
        today=site.today().isoformat(),
        date_from=date_from,
        date_to=date_to,
    )


__all__ = ["blueprint"]
