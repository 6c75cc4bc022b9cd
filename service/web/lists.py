"""Lists, search and the home page: everything read from the search index.

* ``/events``, ``/actors``, ``/themes``, ``/places``: paged by key (``after`` /
  ``before`` tokens, ``rel="next"`` and ``rel="prev"`` links), filtered by facet
  values given in short form (``?theme=illectronisme&territory=departement/62``)
  or as full IRIs; each filter may repeat (every one must hold).
* ``/search?q=…``: full text with facets (kind, theme, territory, year) and
  highlights.
* ``/``: the field at a glance, in figures the service draws.

Every list is also JSON — the items' IRIs and labels, the total and the next and
previous pages — at the same address with ``.json`` (``/events.json``), or by
``Accept: application/json``. A malformed or unknown filter value answers 400
with a message naming it; unknown parameters are ignored.

What each page shows is the pages wing's (:mod:`service.pages.lists`,
:mod:`service.pages.search_page`, :mod:`service.pages.home`); this blueprint reads the
request (its filters through :mod:`service.web.filters`), makes the addresses and answers:
validators, JSON, templates.
"""

from __future__ import annotations

from functools import partial
from typing import Any
from urllib import parse

from flask import Blueprint, Response, g, jsonify, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from .. import pages
from ..errors import BadRequest
from ..formats import parse_accept
from ..labels import Languages
from ..search import decode_key, encode_key
from . import site
from .context import config, index
from .filters import list_filters
from .site import languages
from .site import local as site_path

blueprint = Blueprint("lists", __name__)

#: Every list and search depends on these request headers.
VARY = "Accept, Accept-Language"

#: Results on a page of the search, at most (fewer when ``page_size`` is smaller).
SEARCH_PAGE = 20

# ---------------------------------------------------------------------------------------------
# Requests and responses
# ---------------------------------------------------------------------------------------------


def unchanged(kind: str) -> tuple[tuple[str, Any], Response | None]:
    """Validators of this representation (store generation, the index's state, address,
    languages, today) and a 304 when the request already holds it."""
    etag, modified = site.validators(
        kind, request.full_path, languages().order, site.today().isoformat(), index().stamp
    )
    return (etag, modified), site.not_modified(etag, modified, VARY)


def keep_when_in_step() -> None:
    """Keep this answer at the door while the index is in step with the store: the door's
    state then names the index's stamp, the store's generation and the day, all a list is
    made from besides the request. Asked first, before the view reads anything; while the
    index catches up, nothing is kept."""
    if index().trusted:
        site.keep_at_door()


def page_position() -> tuple[tuple | None, tuple | None]:
    after, before = request.args.get("after"), request.args.get("before")
    if after and before:
        raise BadRequest("Donnez after ou before, pas les deux.", "Give after or before, not both.")
    return (
        decode_key(after, "after") if after else None,
        decode_key(before, "before") if before else None,
    )


def negotiated_json(suffix: bool) -> bool:
    """JSON for ``.json``, or when ``Accept`` prefers it to HTML (HTML wins ties: ``*/*``)."""
    if suffix:
        return True
    accept = parse_accept(request.headers.get("Accept"))
    return accept.best_match(["text/html", "application/json"]) == "application/json"


def link(endpoint: str, drop: tuple[str, ...] = ("after", "before"), **changes: Any) -> str:
    """The current address with some parameters changed (None removes one): the others in
    their order, then the changed ones."""
    kept = _kept_query(drop + tuple(changes))
    added = [
        (name, one)
        for name, value in changes.items()
        if value is not None
        for one in (value if isinstance(value, (list, tuple)) else (value,))
    ]
    query = "&".join(part for part in (kept, urlencode(MultiDict(added))) if part)
    return f"{endpoint_path(endpoint)}?{query}" if query else endpoint_path(endpoint)


def _kept_query(without: tuple[str, ...]) -> str:
    """The request's query string without some parameters, encoded once per request: a list's
    page links each value of its facets (dozens of links), each leaving the same ones out."""
    encoded = g.setdefault("mediation_kept_queries", {})
    key = frozenset(without)
    if key not in encoded:
        encoded[key] = urlencode(
            MultiDict([(k, v) for k, v in request.args.items(multi=True) if k not in key])
        )
    return encoded[key]


def endpoint_path(endpoint: str) -> str:
    """The path of a list's endpoint, made once per request: a page makes dozens of links to
    it (one per facet value), and Werkzeug's routing made the same path for each."""
    paths = g.setdefault("mediation_list_paths", {})
    if endpoint not in paths:
        paths[endpoint] = url_for(endpoint)
    return paths[endpoint]


def urlencode(args: MultiDict) -> str:
    """The query string ``url_for`` writes for ``args``: in their order, with the characters
    the URL standard leaves unencoded in a query (https://url.spec.whatwg.org/#query-state)."""
    return parse.urlencode(list(args.items(multi=True)), safe="!$'()*,/:;?@")


def add_value(endpoint: str, facet: str, value: str) -> str:
    values = [v for v in request.args.getlist(facet) if v.strip()]
    if value not in values:
        values.append(value)
    return link(endpoint, **{facet: values})


def remove_value(endpoint: str, facet: str, value: str) -> str:
    values = [v for v in request.args.getlist(facet) if v.strip() and v.strip() != value]
    return link(endpoint, **{facet: values or None})


def facet_href(endpoint: str) -> pages.FacetHref:
    """Facet links of a page: a value of a single-valued facet replaces the one chosen, any
    other is added to (or, when active, removed from) the facet's values."""

    def href(facet: str, value: str, active: bool) -> str:
        if facet in pages.SINGLE_VALUED:
            return link(endpoint, **{facet: None if active else value})
        if active:
            return remove_value(endpoint, facet, value)
        return add_value(endpoint, facet, value)

    return href


def list_url(name: str, **params: str) -> str:
    """The address of the list ``name`` (a key of ``LISTS``), for the home page's figures."""
    return url_for(f"lists.{name}", **params)


def finish_list(
    response: Response,
    validators: tuple[str, Any],
    next_url: str | None = None,
    prev_url: str | None = None,
) -> Response:
    site.finish(response, *validators, VARY)
    links = []
    if next_url:
        links.append(f'<{next_url}>; rel="next"')
    if prev_url:
        links.append(f'<{prev_url}>; rel="prev"')
    if links:
        response.headers["Link"] = ", ".join(links)
    return response


def render(template: str, langs: Languages, **context: Any) -> Response:
    body = render_template(
        template,
        lang=langs.ui,
        langs=langs,
        t=langs.text,
        site_path=site_path,
        say_date=lambda item: pages.item_date(item, langs.ui),
        count_words=pages.count_words,
        say_count=pages.say_count,
        **context,
    )
    return Response(body, mimetype="text/html")


# ---------------------------------------------------------------------------------------------
# Lists
# ---------------------------------------------------------------------------------------------


def list_view(spec: pages.ListSpec, suffix: bool = False) -> Response:
    keep_when_in_step()
    langs = languages()
    filters, chosen = list_filters(spec.facets, spec.kind, spec.subkinds, spec.dated)
    after, before = page_position()
    here = f"lists.{spec.name}"
    as_json = negotiated_json(suffix)
    validators, cached = unchanged("json" if as_json else "html")
    if cached is not None:
        return cached
    idx, base = index(), config().base_url
    listing = pages.listing(spec, idx, filters, chosen, config().page_size, after, before)
    endpoint = f"{here}_json" if suffix else here
    next_url = link(endpoint, after=encode_key(listing.next_key)) if listing.next_key else None
    prev_url = link(endpoint, before=encode_key(listing.prev_key)) if listing.prev_key else None
    if as_json:
        payload = pages.listing_json(listing, idx, langs, base, site_path, next_url, prev_url)
        return finish_list(jsonify(payload), validators, next_url, prev_url)
    return finish_list(
        render(
            "list.html",
            langs,
            spec=spec,
            listing=listing,
            facets=pages.list_facets(listing, idx, langs, base, facet_href(here)),
            active=pages.active_filters(chosen, idx, langs, partial(remove_value, here)),
            next_url=next_url,
            prev_url=prev_url,
            json_url=link(f"{here}_json", drop=()),
            when=pages.WHEN,
            when_links={w: link(here, when=None if w == "all" else w) for w in pages.WHEN},
            counts=pages.event_counts(listing, idx),
            facet_names=spec.facet_names(),
            date_from=request.args.get("from", ""),
            date_to=request.args.get("to", ""),
            hidden=[
                (k, v)
                for k, v in request.args.items(multi=True)
                if k not in ("from", "to", "after", "before")
            ],
        ),
        validators,
        next_url,
        prev_url,
    )


def _register_lists() -> None:
    for spec in pages.LISTS.values():

        def view(spec: pages.ListSpec = spec) -> Response:
            return list_view(spec)

        def view_json(spec: pages.ListSpec = spec) -> Response:
            return list_view(spec, suffix=True)

        blueprint.add_url_rule(f"/{spec.name}", spec.name, view, methods=["GET"])
        blueprint.add_url_rule(
            f"/{spec.name}.json", f"{spec.name}_json", view_json, methods=["GET"]
        )


_register_lists()

# ---------------------------------------------------------------------------------------------
# Search
# ---------------------------------------------------------------------------------------------


@blueprint.get("/search")
def search() -> Response:
    return search_view(False)


@blueprint.get("/search.json")
def search_json() -> Response:
    return search_view(True)


def search_view(suffix: bool) -> Response:
    keep_when_in_step()
    langs = languages()
    filters, chosen = list_filters(pages.SEARCH_FILTERS, allow_kind=True)
    after, _ = page_position()
    as_json = negotiated_json(suffix)
    validators, cached = unchanged("search-json" if as_json else "search-html")
    if cached is not None:
        return cached
    idx, base = index(), config().base_url
    size = min(config().page_size, SEARCH_PAGE)
    found = pages.find(idx, request.args.get("q", ""), filters, chosen, size, after)
    endpoint = "lists.search_json" if suffix else "lists.search"
    next_url = link(endpoint, after=encode_key(found.next_key)) if found.next_key else None
    if as_json:
        payload = pages.found_json(found, idx, langs, base, site_path, next_url)
        return finish_list(jsonify(payload), validators, next_url)
    return finish_list(
        render(
            "search.html",
            langs,
            found=found,
            results=pages.hits(found, langs),
            facets=pages.found_facets(found, idx, langs, base, facet_href("lists.search")),
            active=pages.active_filters(chosen, idx, langs, partial(remove_value, "lists.search")),
            notices=found.notices(langs),
            next_url=next_url,
            json_url=link("lists.search_json", drop=()),
            facet_names=pages.FACET_NAMES,
            first_url=link("lists.search") if after is not None else None,
        ),
        validators,
        next_url,
    )


# ---------------------------------------------------------------------------------------------
# Home page
# ---------------------------------------------------------------------------------------------


@blueprint.get("/")
def home() -> Response:
    keep_when_in_step()
    idx = index()
    langs = languages()
    validators, cached = unchanged("home")
    if cached is not None:
        return cached
    # The figures are kept until the index changes (its version), per language order.
    cache = site.state().setdefault("home_figures", {})
    key = (idx.version, idx.stamp, langs.order)
    figures = cache.get(key)
    if figures is None:
        figures = pages.home_figures(idx, langs, config().base_url, list_url)
        cache.clear()
        cache[key] = figures
    return finish_list(
        render(
            "home.html",
            langs,
            figures=figures,
            events=pages.home_events(idx, site.today().isoformat()),
            totals=pages.kind_totals(idx),
        ),
        validators,
    )


__all__ = ["blueprint"]
