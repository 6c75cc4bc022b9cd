"""Open data for portals, readers and calendars.

* ``/catalog`` — the DCAT-AP 3 catalog (:mod:`service.catalog`): JSON-LD when no
  ``Accept`` is sent (harvesters send none), Turtle, RDF/XML or JSON-LD by ``Accept``
  or by suffix (``/catalog.ttl``, ``/catalog.rdf``, ``/catalog.jsonld``), a page for
  browsers (``/catalog.html``) with schema.org ``DataCatalog`` markup; paged by
  ``?after=`` (Hydra ``PartialCollectionView``), a page's links keep its suffix.
* ``/.well-known/void`` — VoID (:mod:`service.void`), Turtle by default.
* ``/dumps/{dataset}.{ttl,nt.gz,jsonld}``, ``/dumps/all.nq.gz`` and
  ``/dumps/graph/{name}.{ttl,nt.gz,jsonld}`` — the dumps (:mod:`service.dumps`),
  streamed from disk, with ``Range`` support.
* ``/changes`` — the change feed, Activity Streams 2.0 (:mod:`service.feeds`).
* ``/feeds/events.atom`` — Atom feed of new and updated events.
* ``/calendar/events.ics`` — iCalendar of events, filtered like ``/events``
  (``theme``, ``territory``, ``organizer``, ``when=upcoming|past``, ``from``, ``to``);
  ``/id/event/{slug}.ics`` — one event with its programme.

No request does whole-store work. The catalog, VoID, the dumps and the Atom feed answer
from the last finished open-data build (:mod:`service.builds`, made in the background
after writes), at once, and their ``ETag`` and ``Last-Modified`` are that build's: a
write shows there once the build after it has finished (the Atom feed adds the events
written since, from the change log). Before the first build exists (the very first start
on a store) they answer 503 with ``Retry-After``. The calendars read the store with
bounded queries, the change feed the change log (:mod:`service.changelog`) by index; their
``ETag`` follows the store generation (and the build whose dates they use). Every route
answers a conditional GET with 304.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, render_template, request, send_file
from rdflib import Graph, URIRef

from ..errors import BadRequest, NotFound, NotReady
from ..formats import (
    GRAPH_FORMATS,
    HTML,
    JSONLD,
    RDFXML,
    TURTLE,
    Format,
    content_type,
    negotiate,
    not_acceptable,
    parse_accept,
)
from ..namespaces import HYDRA, PREFIXES, VCARD
from ..opendata import (
    DATASET_KEYS,
    FORMATS_BY_SUFFIX,
    MAX_EVENTS,
    NQUADS_GZ,
    TRIPLE_FORMATS,
    Build,
    ChangeLinks,
    Links,
    atom_feed,
    calendar,
    catalog_page,
    change_collection,
    change_page,
    event_details,
    label_of,
    moment_of,
    newest,
    page_graph,
    schema_org,
    void_graph,
)
from ..search import Filters, parse_filter_date
from ..writes import parse_key
from . import site
from .context import builds, changelog, config, index, store
from .filters import bad_parameter, resolve_value, today
from .responses import error_response

blueprint = Blueprint("opendata", __name__)

#: The catalog's formats: JSON-LD first, what a harvester gets without Accept.
CATALOG_FORMATS: tuple[Format, ...] = (JSONLD, TURTLE, RDFXML, HTML)
CATALOG_SUFFIXES: dict[str, Format] = {f.suffix: f for f in CATALOG_FORMATS}
#: VoID's formats, Turtle first (VoID §7).
VOID_FORMATS: tuple[Format, ...] = (TURTLE,) + tuple(f for f in GRAPH_FORMATS if f is not TURTLE)
ACTIVITY_JSON = "application/activity+json"
AS_PROFILE = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
ATOM_TYPE = "application/atom+xml"
CALENDAR_TYPE = "text/calendar"
JSONLD_CONTEXT = {
    **PREFIXES,
    "hydra": str(HYDRA),
    "vcard": str(VCARD),
    "spdx": "http://spdx.org/rdf/terms#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
}
_SLUG = re.compile(r"^[A-Za-z0-9._~%-]{1,300}$")
#: Bodies kept per build (catalog pages and VoID, by address, format and language): the
#: most recently used, of the current build only.
KEPT_BODIES = 64


# ---------------------------------------------------------------------------------------------
# The build being served
# ---------------------------------------------------------------------------------------------


def current_build() -> Build:
    """The last finished open-data build; 503 with ``Retry-After`` before the first one."""
    found = builds().current
    if found is None:
        seconds = builds().retry_after()
        raise NotReady(
            "Les fichiers de données et les chiffres du catalogue sont en préparation (première "
            f"construction depuis ce magasin) ; réessayez dans {seconds} s.",
            "The data files and the catalog's figures are being prepared (the first build from "
            f"this store); try again in {seconds} s.",
            retry_after=seconds,
        )
    return found


@blueprint.errorhandler(NotReady)
def not_ready(error: NotReady) -> Response:
    return error_response(error, {"Retry-After": str(error.details.get("retry_after", 1))})


def kept(build: Build, key: tuple, make: Callable[[], Any]) -> Any:
    """``make()``, kept while ``build`` is served (at most :data:`KEPT_BODIES` values, the
    most recently used)."""
    return site.kept_for_build(
        "opendata", build.identity, key, make, lambda cache: len(cache) <= KEPT_BODIES
    )


def root() -> str:
    return request.url_root


def build_validators(build: Build, *parts: object) -> tuple[str, datetime]:
    """A strong ETag for this representation of ``build`` (never of the store's generation:
    the build may be older) and the time the build finished."""
    digest = hashlib.sha256(
        json.dumps([build.identity, request.path] + [str(p) for p in parts]).encode("utf-8")
    ).hexdigest()
    return f"b{build.generation}-{digest[:24]}", build.finished


def conditional(
    *parts: object, vary: str = "", build: Build | None = None
) -> tuple[tuple[str, datetime], Response | None]:
    """Validators from the store generation and the representation; with ``build``, also the
    build whose dates the representation uses (and the later of the two dates)."""
    if build is not None:
        parts = parts + (build.identity,)
    etag, modified = site.validators(request.path, *parts)
    if build is not None:
        modified = max(modified, build.finished)
    return (etag, modified), site.not_modified(etag, modified, vary)


def build_conditional(
    build: Build, *parts: object, vary: str = ""
) -> tuple[tuple[str, datetime], Response | None]:
    etag, modified = build_validators(build, *parts)
    return (etag, modified), site.not_modified(etag, modified, vary)


def finish_conditional(
    response: Response, validators: tuple[str, datetime], vary: str = ""
) -> Response:
    return site.finish(response, validators[0], validators[1], vary)


def serialise(graph: Graph, fmt: Format) -> bytes:
    if fmt is JSONLD:
        return graph.serialize(
            format="json-ld", context=JSONLD_CONTEXT, auto_compact=True, encoding="utf-8"
        )
    return graph.serialize(format=fmt.rdflib, encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# The catalog
# ---------------------------------------------------------------------------------------------


@blueprint.route("/catalog", methods=["GET", "HEAD"])
@blueprint.route("/catalog.<suffix>", methods=["GET", "HEAD"])
def catalog(suffix: str | None = None) -> Response:
    if suffix is not None:
        fmt = CATALOG_SUFFIXES.get(suffix)
        if fmt is None:
            raise NotFound(
                f"Aucune ressource à l'adresse /catalog.{suffix[:50]}.",
                f"No resource at /catalog.{suffix[:50]}.",
            )
    else:
        fmt = negotiate(request.headers.get("Accept"), CATALOG_FORMATS)
        if fmt is None:
            raise not_acceptable(request.headers.get("Accept", ""), CATALOG_FORMATS)
    after = request.args.get("after") or None
    if after is not None and len(after) > 2000:
        raise BadRequest("Le paramètre after est trop long.", "The after parameter is too long.")
    langs = site.languages()
    vary = ", ".join(
        (["Accept"] if suffix is None else []) + (["Accept-Language"] if fmt is HTML else [])
    )
    settings = config()
    current = current_build()
    parts = (
        fmt.key,
        after,
        root(),
        settings.catalog_page_size,
        settings.contact_email,
        langs.order if fmt is HTML else "",
    )
    validators, unchanged = build_conditional(current, *parts, vary=vary)
    if unchanged is not None:
        return unchanged
    links = Links(root(), f".{suffix}" if suffix else "")

    def render() -> tuple[bytes, str]:
        page = catalog_page(current.catalog, links, after, settings.catalog_page_size)
        if fmt is HTML:
            body = render_template("catalog.html", **catalog_context(page, langs)).encode("utf-8")
        else:
            body = serialise(page_graph(page, settings.contact_email), fmt)
        alternates = [
            f'<{links.root}catalog.{f.suffix}>; rel="alternate"; type="{f.media_type}"'
            for f in CATALOG_FORMATS
        ]
        alternates.append(f'<{links.root}.well-known/void>; rel="describedby"; type="text/turtle"')
        for rel, url in (
            ("next", page.next_url),
            ("prev", page.previous_url),
            ("first", page.first_url),
            ("last", page.last_url),
        ):
            if url:
                alternates.append(f'<{url}>; rel="{rel}"')
        return body, ", ".join(alternates)

    body, link = kept(current, ("catalog",) + parts, render)
    response = Response(body, content_type=content_type(fmt))
    if fmt is HTML:
        response.headers["Content-Language"] = langs.ui
    response.headers["Link"] = link
    return finish_conditional(response, validators, vary)


def catalog_context(page, langs) -> dict[str, Any]:
    model = page.model

    def text(values) -> dict[str, str] | None:
        best = label_of(values, langs)
        return {"text": str(best), "lang": best.language or ""} if best is not None else None

    datasets = []
    for view in page.datasets:
        datasets.append(
            {
                "iri": str(view.entry.iri),
                "title": text(view.titles),
                "description": text(view.descriptions),
                "landing": view.landing,
                "issued": str(view.issued.literal) if view.issued else None,
                "modified": str(view.modified.literal) if view.modified else None,
                "period": view.period,
                "regions": [text(model.names.get(r, [])) for r in view.regions],
                "themes": [text(model.names.get(t, [])) for t in view.themes],
                "distributions": [
                    {
                        "label": d.fmt.rdf.label + (" (gzip)" if d.fmt.gzip else ""),
                        "href": d.path,
                        "type": d.fmt.media_type,
                        "bytes": d.bytes,
                        "triples": d.triples,
                    }
                    for d in view.distributions
                ],
                "kind": "graph" if view.entry.graph is not None else "main",
            }
        )
    return {
        "page": page,
        "datasets": datasets,
        "total": model.total(),
        "publisher": text(model.publisher_names),
        "jsonld": schema_org(page, langs),
        "formats": [
            {"label": f.label, "href": f"/catalog.{f.suffix}", "type": f.media_type}
            for f in CATALOG_FORMATS
            if f is not HTML
        ],
        "next_url": _local(page.next_url),
        "prev_url": _local(page.previous_url),
    }


def _local(url: str | None) -> str | None:
    if url is None:
        return None
    return "/" + url[len(root()) :] if url.startswith(root()) else url


# ---------------------------------------------------------------------------------------------
# VoID
# ---------------------------------------------------------------------------------------------


@blueprint.route("/.well-known/void", methods=["GET", "HEAD"])
def void() -> Response:
    fmt = negotiate(request.headers.get("Accept"), VOID_FORMATS)
    if fmt is None:
        raise not_acceptable(request.headers.get("Accept", ""), VOID_FORMATS)
    current = current_build()
    validators, unchanged = build_conditional(current, fmt.key, root(), vary="Accept")
    if unchanged is not None:
        return unchanged
    address = root()
    body = kept(
        current,
        ("void", address, fmt.key),
        lambda: serialise(
            void_graph(current.void, config().base_url, current.manifest, address), fmt
        ),
    )
    response = Response(body, content_type=content_type(fmt))
    return finish_conditional(response, validators, "Accept")


# ---------------------------------------------------------------------------------------------
# Dumps
# ---------------------------------------------------------------------------------------------


@blueprint.route("/dumps/<path:name>", methods=["GET", "HEAD"])
def dump(name: str) -> Response:
    fmt = next((f for suffix, f in FORMATS_BY_SUFFIX.items() if name.endswith("." + suffix)), None)
    stem = name[: -len(fmt.suffix) - 1] if fmt is not None else ""
    if (
        fmt is None
        or not (stem.startswith("graph/") or stem in DATASET_KEYS)
        or (fmt is NQUADS_GZ and stem != "all")
        or (fmt is not NQUADS_GZ and fmt not in TRIPLE_FORMATS)
    ):
        raise _no_dump(name)
    current = current_build()
    path = current.file(name)  # only what the build's manifest lists: no path is made up
    if path is None:
        raise _no_dump(name)
    etag, modified = build_validators(current, name)
    try:
        # Flask adds "; charset=utf-8" to the text/ types itself.
        response = send_file(
            path,
            mimetype=fmt.media_type,
            etag=etag,
            last_modified=modified,
            conditional=True,
            max_age=None,
        )
    except FileNotFoundError:
        # Two builds finished while this request waited: the one it held is gone.
        raise NotReady(
            "Les fichiers viennent d'être reconstruits ; réessayez.",
            "The files have just been rebuilt; try again.",
            retry_after=1,
        ) from None
    response.headers["Cache-Control"] = "public, no-cache"
    return response


def _no_dump(name: str) -> NotFound:
    shown = name[:200]
    return NotFound(f"Aucun fichier de données /dumps/{shown}.", f"No dump file /dumps/{shown}.")


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
    validators, unchanged = conditional(after, before, first, media, root(), vary="Accept")
    if unchanged is not None:
        return unchanged
    settings = config()
    links = ChangeLinks(root(), page_url)
    if after or before or first:
        document = change_page(
            changelog(), settings.base_url, links, settings.page_size, after, before
        )
    else:
        document = change_collection(changelog(), links)
    body = json.dumps(document, ensure_ascii=False, indent=1)
    response = Response(
        body,
        content_type=f"{media}; charset=utf-8"
        if not jsonld
        else 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"; charset=utf-8',
    )
    response.headers["Access-Control-Allow-Origin"] = "*"
    return finish_conditional(response, validators, "Accept")


# ---------------------------------------------------------------------------------------------
# Atom and iCalendar
# ---------------------------------------------------------------------------------------------


def page_url(iri: URIRef | str) -> str:
    base = config().base_url
    text = str(iri)
    return root() + text[len(base) :] if text.startswith(base) else text


def stamp_of(build: Build | None, iris: list[URIRef]) -> Callable[[URIRef], datetime]:
    """When each of these events last changed (the sitemap's rule: history, then sources), as
    ``build`` found it; else when the store last changed."""
    dates = build.dates("event", iris) if build is not None else {}
    fallback = site.changed_at()

    def stamp(iri: URIRef) -> datetime:
        return moment_of(dates.get(iri)) or fallback

    return stamp


@blueprint.route("/feeds/events.atom", methods=["GET", "HEAD"])
def events_atom() -> Response:
    langs = site.languages()
    current = current_build()
    validators, unchanged = conditional(root(), langs.order, vary="Accept-Language", build=current)
    if unchanged is not None:
        return unchanged
    settings = config()
    # The build's order, and the events written since it, from the change log.
    entries = newest(
        current.latest("event", settings.page_size),
        changelog().recent(f"{settings.base_url}id/event/", settings.page_size),
        limit=settings.page_size,
    )
    details = event_details(store(), [iri for iri, _ in entries], with_programme=False)
    author = label_of(current.catalog.publisher_names, langs)
    body = atom_feed(
        entries,
        details,
        langs,
        feed_id=f"{settings.base_url}feeds/events",
        self_url=root() + "feeds/events.atom",
        alternate_url=root() + "events",
        page_url=page_url,
        calendar_url=lambda iri: page_url(iri) + ".ics",
        author=str(author) if author is not None else "",
        licence=site.LICENCE_URL,
    )
    response = Response(body, content_type=f"{ATOM_TYPE}; charset=utf-8")
    response.headers["Content-Language"] = langs.ui
    return finish_conditional(response, validators, "Accept-Language")


@blueprint.route("/id/event/<slug>.ics", methods=["GET", "HEAD"])
def event_calendar(slug: str) -> Response:
    if not _SLUG.match(slug):
        raise NotFound(f"Aucun événement {slug[:100]}.", f"No event {slug[:100]}.")
    iri = URIRef(f"{config().base_url}id/event/{slug}")
    langs = site.languages()
    current = builds().current
    validators, unchanged = conditional(root(), langs.order, vary="Accept-Language", build=current)
    if unchanged is not None:
        return unchanged
    details = event_details(store(), [iri])
    if iri not in details.events:
        raise NotFound(
            f"Aucun événement à l'adresse /id/event/{slug}.", f"No event at /id/event/{slug}."
        )
    # An event without a date (nor any in its programme) gets a calendar without entries:
    # a calendar entry needs a day, and we invent none.
    name = details.events[iri].names
    title = label_of(name, langs)
    body = calendar(
        details,
        [iri],
        langs,
        page_url,
        stamp_of(current, [iri]),
        str(title) if title is not None else str(iri),
        page_url(iri),
    )
    return _calendar_response(body, validators, f"{slug}.ics")


@blueprint.route("/calendar/events.ics", methods=["GET", "HEAD"])
def events_calendar() -> Response:
    langs = site.languages()
    filters = calendar_filters()
    current = builds().current
    validators, unchanged = conditional(
        request.full_path, root(), langs.order, filters.today, vary="Accept-Language", build=current
    )
    if unchanged is not None:
        return unchanged
    order: list[URIRef] = []
    after = None
    while len(order) < MAX_EVENTS:
        page = index().list(filters, order="date", limit=200, after=after)
        order += [URIRef(item.iri) for item in page.items]
        if page.next_key is None:
            break
        after = page.next_key
    order = order[:MAX_EVENTS]
    details = event_details(store(), order)
    body = calendar(
        details,
        order,
        langs,
        page_url,
        stamp_of(current, order),
        langs.text("Événements de la médiation sociale", "Events of social mediation"),
        root() + "events",
    )
    return _calendar_response(body, validators, "events.ics")


def _calendar_response(body: bytes, validators, filename: str) -> Response:
    response = Response(body, content_type=f"{CALENDAR_TYPE}; charset=utf-8")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return finish_conditional(response, validators, "Accept-Language")


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
        kind="event", facets=facets, when=when, today=today(), date_from=date_from, date_to=date_to
    )


# ---------------------------------------------------------------------------------------------
# Registration
# ---------------------------------------------------------------------------------------------


@blueprint.record_once
def _register(state) -> None:
    site.add_nav(state.app, "opendata.catalog", "Données ouvertes", "Open data", 75)


__all__ = ["blueprint"]
