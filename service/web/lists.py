"""Lists, search and the home page: everything read from the search index.

* ``/events``, ``/actors``, ``/themes``, ``/places``: paged by key (``after`` /
  ``before`` tokens, ``rel="next"`` and ``rel="prev"`` links), filtered by facet
  values given in short form (``?theme=illectronisme&territory=departement/62``)
  or as full IRIs; each filter may repeat (every one must hold).
* ``/search?q=…``: full text with facets (kind, theme, territory, year) and
  highlights.
* ``/``: the field at a glance, in figures the service draws (``service.charts``).

Every list is also JSON — the items' IRIs and labels, the total and the next and
previous pages — at the same address with ``.json`` (``/events.json``), or by
``Accept: application/json``. A malformed or unknown filter value answers 400
with a message naming it; unknown parameters are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from ..errors import BadRequest
from ..formats import parse_accept
from ..labels import MONTHS, Languages
from ..pages import Bar, Figure, bar_chart, column_chart
from ..search import (
    FACET_PREFIXES,
    LIST_KINDS,
    PLACE_LEVELS,
    SUBKINDS,
    FacetValue,
    Filters,
    Index,
    Item,
    Period,
    decode_key,
    encode_key,
    highlight,
    parse_filter_date,
    place_level,
    short_value,
    snippet,
)
from . import site
from .context import config, index
from .site import languages
from .site import local as site_path

blueprint = Blueprint("lists", __name__)

# ---------------------------------------------------------------------------------------------
# What each list is
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListSpec:
    name: str
    kind: str
    title: tuple[str, str]  # (fr, en)
    intro: tuple[str, str]
    facets: tuple[str, ...]  # facets it filters on and shows, in order
    subkinds: tuple[str, ...] = ()  # values of its ``type`` filter
    dated: bool = False  # events: upcoming / past / date range, sorted by date
    names: tuple[tuple[str, tuple[str, str]], ...] = ()  # facet names of its own


LISTS: dict[str, ListSpec] = {
    spec.name: spec
    for spec in (
        ListSpec(
            "events",
            "event",
            ("Événements", "Events"),
            (
                "Journées, ateliers, séances et séries d'événements de la médiation sociale.",
                "Days, workshops, sessions and series of events of social mediation.",
            ),
            ("theme", "territory", "organizer", "audience", "year"),
            ("event", "series"),
            dated=True,
        ),
        ListSpec(
            "actors",
            "actor",
            ("Acteurs", "Actors"),
            (
                "Personnes et organisations de la médiation sociale.",
                "People and organisations of social mediation.",
            ),
            ("territory",),
            ("person", "organization"),
        ),
        ListSpec(
            "themes",
            "theme",
            ("Thèmes", "Themes"),
            (
                "Les thèmes des événements et des documents ; un thème large contient les plus précis.",
                "The themes of events and documents; a broad theme holds the narrower ones.",
            ),
            ("scheme", "theme"),
            names=(("theme", ("Dans le thème", "Within the theme")),),
        ),
        ListSpec(
            "places",
            "place",
            ("Lieux et territoires", "Places and territories"),
            (
                "Régions, départements, intercommunalités, communes et lieux d'accueil.",
                "Regions, départements, inter-municipalities, municipalities and venues.",
            ),
            ("territory",),
            tuple(PLACE_LEVELS),
            names=(("territory", ("Situé dans", "Within")),),
        ),
    )
}

#: Facets of the search page, and the filters it accepts.
SEARCH_FACETS = ("kind", "theme", "territory", "year")
SEARCH_FILTERS = ("theme", "territory", "organizer", "audience", "year")

#: Facet names as people read them.
FACET_NAMES: dict[str, tuple[str, str]] = {
    "kind": ("Type", "Kind"),
    "type": ("Catégorie", "Category"),
    "theme": ("Thème", "Theme"),
    "territory": ("Territoire", "Territory"),
    "organizer": ("Organisateur", "Organiser"),
    "audience": ("Public", "Audience"),
    "year": ("Année", "Year"),
    "scheme": ("Vocabulaire", "Concept scheme"),
    "from": ("Depuis", "From"),
    "to": ("Jusqu'à", "Until"),
}

WHEN = {
    "all": ("Tous", "All"),
    "upcoming": ("À venir", "Upcoming"),
    "past": ("Passés", "Past"),
}

#: Most facet values one request may filter on (each costs a lookup and a join).
MAX_FILTERS = 20

#: A filter value in short form or an IRI: no spaces, no markup, not too long.
_VALUE = re.compile(r"^[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]{1,300}$")
_YEAR = re.compile(r"^\d{4}$")

SHORT_MONTHS = {
    "fr": (
        "janv.",
        "févr.",
        "mars",
        "avr.",
        "mai",
        "juin",
        "juil.",
        "août",
        "sept.",
        "oct.",
        "nov.",
        "déc.",
    ),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}

# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def today() -> str:
    return config().today or date.today().isoformat()


#: Every list and search depends on these request headers.
VARY = "Accept, Accept-Language"


def unchanged(kind: str) -> tuple[tuple[str, Any], Response | None]:
    """Validators of this representation (store generation, the index's state, address,
    languages, today) and a 304 when the request already holds it."""
    etag, modified = site.validators(
        kind, request.full_path, languages().order, today(), index().stamp
    )
    return (etag, modified), site.not_modified(etag, modified, VARY)


def say_date(value: str | None, precision: str | None, lang: str) -> str:
    """A date as a person reads it: « 4 décembre 2019 », « décembre 2019 », « 2020 »."""
    if not value:
        return ""
    period = Period.parse(value)
    if period is None:
        return value
    year, month, day = int(period.first[:4]), int(period.first[5:7]), int(period.first[8:10])
    months = MONTHS["en" if lang == "en" else "fr"]
    if period.precision == "year":
        return str(year)
    if period.precision == "month":
        return f"{months[month - 1]} {year}"
    if lang == "en":
        return f"{day} {months[month - 1]} {year}"
    return f"{'1er' if day == 1 else day} {months[month - 1]} {year}"


def count_words(n: int, kind: str, lang: str) -> str:
    known = LIST_KINDS.get(kind)
    if known is None:
        return str(n)
    noun = known.label(lang, plural=n != 1).lower()
    return f"{n} {noun}"


def _bad(name: str, value: str, why_fr: str, why_en: str) -> BadRequest:
    shown = value if len(value) <= 60 else value[:57] + "…"
    return BadRequest(
        f"Paramètre {name} invalide : « {shown} » — {why_fr}",
        f"Invalid {name} parameter: “{shown}” — {why_en}",
    )


def resolve_value(facet: str, value: str, idx: Index, base: str) -> str:
    """The IRI (or year) a filter value names; 400 when malformed or unknown."""
    value = value.strip()
    if facet == "year":
        if not _YEAR.match(value):
            raise _bad(
                facet,
                value,
                "une année sur quatre chiffres est attendue.",
                "a four-digit year is expected.",
            )
        return value
    if not _VALUE.match(value):
        raise _bad(
            facet,
            value,
            "ce n'est ni un identifiant court ni une IRI.",
            "it is neither a short identifier nor an IRI.",
        )
    iri = (
        value if value.startswith(("http://", "https://")) else base + FACET_PREFIXES[facet] + value
    )
    if not idx.exists(iri):
        raise _bad(
            facet,
            value,
            "aucune ressource de ce nom dans les données.",
            "no resource of that name in the data.",
        )
    return iri


@dataclass(frozen=True)
class Active:
    """A filter in force, as the page shows it (with a link that removes it)."""

    facet: str
    value: str  # as in the URL
    label: tuple[str, str]
    remove: str


def parse_filters(
    spec_facets: tuple[str, ...],
    kind: str | None,
    subkinds: tuple[str, ...],
    dated: bool,
    idx: Index,
    langs: Languages,
    allow_kind: bool = False,
) -> tuple[Filters, list[tuple[str, str, str]]]:
    """Filters from the query string; returns them and (facet, URL value, IRI) of each."""
    args = request.args
    base = config().base_url
    filters = Filters(kind=kind, today=today())
    chosen: list[tuple[str, str, str]] = []
    if allow_kind and args.get("kind"):
        value = args.get("kind", "")
        if value not in LIST_KINDS:
            raise _bad(
                "kind",
                value,
                "types connus : " + ", ".join(LIST_KINDS) + ".",
                "known kinds: " + ", ".join(LIST_KINDS) + ".",
            )
        filters.kind = value
        chosen.append(("kind", value, value))
    if subkinds and args.get("type"):
        value = args.get("type", "")
        if value not in subkinds:
            raise _bad(
                "type",
                value,
                "valeurs possibles : " + ", ".join(subkinds) + ".",
                "possible values: " + ", ".join(subkinds) + ".",
            )
        filters.subkind = value
        chosen.append(("type", value, value))
    given = sum(len(args.getlist(f)) for f in spec_facets)
    if given > MAX_FILTERS:
        raise BadRequest(
            f"Trop de filtres : {given} (au plus {MAX_FILTERS}).",
            f"Too many filters: {given} (at most {MAX_FILTERS}).",
        )
    for facet in spec_facets:
        if facet == "kind":
            continue
        for value in args.getlist(facet):
            if not value.strip():
                continue
            iri = resolve_value(facet, value, idx, base)
            if (facet, iri) not in filters.facets:
                filters.facets.append((facet, iri))
                chosen.append((facet, value.strip(), iri))
    if dated:
        when = args.get("when", "all") or "all"
        if when not in WHEN:
            raise _bad(
                "when",
                when,
                "valeurs possibles : all, upcoming, past.",
                "possible values: all, upcoming, past.",
            )
        filters.when = when
        if args.get("from"):
            filters.date_from = parse_filter_date(args["from"], "from")
            chosen.append(("from", args["from"], args["from"]))
        if args.get("to"):
            filters.date_to = parse_filter_date(args["to"], "to")
            chosen.append(("to", args["to"], args["to"]))
        if filters.date_from and filters.date_to and filters.date_from.first > filters.date_to.last:
            raise _bad(
                "from",
                args["from"],
                "la date de début est après la date de fin.",
                "the start date is after the end date.",
            )
    return filters, chosen


def page_position() -> tuple[tuple | None, tuple | None]:
    after, before = request.args.get("after"), request.args.get("before")
    if after and before:
        raise BadRequest("Donnez after ou before, pas les deux.", "Give after or before, not both.")
    return (
        decode_key(after, "after") if after else None,
        decode_key(before, "before") if before else None,
    )


def link(endpoint: str, drop: tuple[str, ...] = ("after", "before"), **changes: Any) -> str:
    """The current address with some parameters changed (None removes one)."""
    args = MultiDict(request.args)
    for name in drop:
        args.pop(name, None)
    for name, value in changes.items():
        args.pop(name, None)
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            for one in value:
                args.add(name, one)
        else:
            args.add(name, value)
    return url_for(endpoint, **args.to_dict(flat=False))


def add_value(endpoint: str, facet: str, value: str) -> str:
    values = [v for v in request.args.getlist(facet) if v.strip()]
    if value not in values:
        values.append(value)
    return link(endpoint, **{facet: values})


def remove_value(endpoint: str, facet: str, value: str) -> str:
    values = [v for v in request.args.getlist(facet) if v.strip() and v.strip() != value]
    return link(endpoint, **{facet: values or None})


def facet_label(facet: str, value: FacetValue, langs: Languages) -> tuple[str, str]:
    text, lang = value.label(langs)
    if facet == "territory":
        level = place_level(value.value, config().base_url)
        if level != "venue":
            text = f"{text} ({langs.text(*PLACE_LEVELS[level])})"
    return text, lang


def value_label(facet: str, iri: str, idx: Index, langs: Languages) -> tuple[str, str]:
    if facet in ("year", "from", "to"):
        return iri, ""
    if facet == "kind":
        return LIST_KINDS[iri].label(langs.ui), langs.ui
    if facet == "type":
        return langs.text(*SUBKINDS.get(iri, (iri, iri))), langs.ui
    item = idx.get([iri]).get(iri)
    return item.label(langs) if item else (iri, "")


def item_json(item: Item, langs: Languages) -> dict[str, Any]:
    text, lang = item.label(langs)
    data: dict[str, Any] = {"iri": item.iri, "url": site_path(item.iri), "label": text}
    if lang:
        data["lang"] = lang
    data["kind"] = item.kind
    if item.subkind:
        data["type"] = item.subkind
    if item.date_value:
        data["date"] = item.date_value
    if item.end_value:
        data["endDate"] = item.end_value
    return data


def facet_json(facet: str, values: list[FacetValue], langs: Languages) -> list[dict[str, Any]]:
    """A facet's values for JSON: the value to filter with, its IRI, label and count."""
    base = config().base_url
    shown = []
    for value in values:
        entry: dict[str, Any] = {"value": short_value(value.value, facet, base)}
        if value.value.startswith(("http://", "https://")):
            entry["iri"] = value.value
        entry["label"] = value.label(langs)[0]
        entry["count"] = value.count
        shown.append(entry)
    return shown


def negotiated_json(suffix: bool) -> bool:
    """JSON for ``.json``, or when ``Accept`` prefers it to HTML (HTML wins ties: ``*/*``)."""
    if suffix:
        return True
    accept = parse_accept(request.headers.get("Accept"))
    return accept.best_match(["text/html", "application/json"]) == "application/json"


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
        say_date=lambda item: _item_date(item, langs.ui),
        **context,
    )
    return Response(body, mimetype="text/html")


def _item_date(item: Item, lang: str) -> str:
    shown = say_date(item.date_value, item.date_precision, lang)
    if item.end_value:
        shown += " – " + say_date(item.end_value, None, lang)
    return shown


# ---------------------------------------------------------------------------------------------
# Lists
# ---------------------------------------------------------------------------------------------


def list_view(spec: ListSpec, suffix: bool = False) -> Response:
    idx = index()
    langs = languages()
    filters, chosen = parse_filters(spec.facets, spec.kind, spec.subkinds, spec.dated, idx, langs)
    after, before = page_position()
    if spec.dated:
        order = "date" if filters.when == "upcoming" else "date-desc"
    else:
        order = "label"
    endpoint = f"lists.{spec.name}_json" if suffix else f"lists.{spec.name}"
    as_json = negotiated_json(suffix)
    validators, cached = unchanged("json" if as_json else "html")
    if cached is not None:
        return cached
    page = idx.list(filters, order=order, limit=config().page_size, after=after, before=before)
    next_url = link(endpoint, after=encode_key(page.next_key)) if page.next_key else None
    prev_url = link(endpoint, before=encode_key(page.prev_key)) if page.prev_key else None

    if as_json:
        payload = {
            "items": [item_json(i, langs) for i in page.items],
            "total": page.total,
            "next": next_url,
            "prev": prev_url,
            "filters": [{"name": f, "value": v, "iri": iri} for f, v, iri in chosen],
        }
        if spec.dated:
            payload["when"] = filters.when
            payload["today"] = filters.today
        payload["facets"] = {
            facet: facet_json(facet, idx.facet_counts(facet, filters, limit=12), langs)
            for facet in spec.facets
        }
        return finish_list(jsonify(payload), validators, next_url, prev_url)

    base_endpoint = f"lists.{spec.name}"
    facets = []
    for facet in spec.facets:
        values = idx.facet_counts(facet, filters, limit=12)
        facets.append(_facet_view(base_endpoint, facet, values, chosen, langs))
    if spec.subkinds:
        values = idx.facet_counts("subkind", filters, limit=len(spec.subkinds))
        if len(values) > 1 or filters.subkind:  # one category for all narrows nothing
            facets.insert(0, _facet_view(base_endpoint, "type", values, chosen, langs))
    active = [
        Active(f, v, value_label(f, iri, idx, langs), remove_value(base_endpoint, f, v))
        for f, v, iri in chosen
    ]
    counts = _event_counts(spec, page.items, idx)
    return finish_list(
        render(
            "list.html",
            langs,
            spec=spec,
            page=page,
            facets=facets,
            active=active,
            next_url=next_url and link(base_endpoint, after=encode_key(page.next_key)),
            prev_url=prev_url and link(base_endpoint, before=encode_key(page.prev_key)),
            json_url=link(f"lists.{spec.name}_json", drop=()),
            filters=filters,
            when=WHEN,
            when_links={w: link(base_endpoint, when=None if w == "all" else w) for w in WHEN},
            counts=counts,
            count_words=count_words,
            facet_names={**FACET_NAMES, **dict(spec.names)},
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


def _event_counts(spec: ListSpec, items: list[Item], idx: Index) -> dict[str, int]:
    """How many events each listed actor organises, each theme or place holds."""
    facet = {"actors": "organizer", "themes": "theme", "places": "territory"}.get(spec.name)
    if facet is None or not items:
        return {}
    return idx.counts(facet, [i.iri for i in items], kind="event")


@dataclass(frozen=True)
class FacetView:
    name: str
    values: list[tuple[str, tuple[str, str], int, str, bool]]  # value, label, count, href, active


def _facet_view(
    endpoint: str,
    facet: str,
    values: list[FacetValue],
    chosen: list[tuple[str, str, str]],
    langs: Languages,
) -> FacetView:
    base = config().base_url
    active_iris = {iri for f, _, iri in chosen if f == facet}
    shown = []
    for value in values:
        if facet in ("type", "kind"):
            short = value.value
            text = value.label(langs)[0]
            label = (text[:1].upper() + text[1:], langs.ui)
            if facet == "kind":
                label = (
                    LIST_KINDS[value.value].label(langs.ui)
                    if value.value in LIST_KINDS
                    else value.value,
                    langs.ui,
                )
            is_active = value.value in active_iris
            href = link(endpoint, **{facet: None if is_active else short})
        else:
            short = short_value(value.value, facet, base)
            label = facet_label(facet, value, langs)
            is_active = value.value in active_iris
            href = (
                remove_value(endpoint, facet, short)
                if is_active
                else add_value(endpoint, facet, short)
            )
        shown.append((short, label, value.count, href, is_active))
    return FacetView(facet, shown)


def _register_lists() -> None:
    for spec in LISTS.values():

        def view(spec: ListSpec = spec) -> Response:
            return list_view(spec)

        def view_json(spec: ListSpec = spec) -> Response:
            return list_view(spec, suffix=True)

        blueprint.add_url_rule(f"/{spec.name}", spec.name, view, methods=["GET"])
        blueprint.add_url_rule(
            f"/{spec.name}.json", f"{spec.name}_json", view_json, methods=["GET"]
        )


_register_lists()

# ---------------------------------------------------------------------------------------------
# Search
# ---------------------------------------------------------------------------------------------

#: Longest query text read; the rest is dropped (and the page says so).
MAX_QUERY_CHARS = 1000


@blueprint.get("/search")
def search() -> Response:
    return search_view(False)


@blueprint.get("/search.json")
def search_json() -> Response:
    return search_view(True)


def search_view(suffix: bool) -> Response:
    idx = index()
    langs = languages()
    raw = request.args.get("q", "")
    text = raw[:MAX_QUERY_CHARS]
    cut = len(raw) > MAX_QUERY_CHARS
    filters, chosen = parse_filters(SEARCH_FILTERS, None, (), False, idx, langs, allow_kind=True)
    after, _ = page_position()
    as_json = negotiated_json(suffix)
    validators, cached = unchanged("search-json" if as_json else "search-html")
    if cached is not None:
        return cached
    size = min(config().page_size, 20)
    terms: list = []
    dropped = False
    if text.strip():
        if after is not None and not isinstance(after[0], (int, float)):
            raise BadRequest(
                "Paramètre after invalide pour une recherche.",
                "Invalid after parameter for a search.",
            )
        page, terms, dropped = idx.search(text, filters, limit=size, after=after)
        no_words = not terms
    else:
        no_words = False
        if chosen:
            if after is not None and not isinstance(after[0], str):
                raise BadRequest(
                    "Paramètre after invalide pour cette liste.",
                    "Invalid after parameter for this list.",
                )
            page = idx.list(filters, order="label", limit=size, after=after)
        else:
            page = None
    endpoint = "lists.search_json" if suffix else "lists.search"
    next_url = (
        link(endpoint, after=encode_key(page.next_key))
        if page is not None and page.next_key
        else None
    )

    if as_json:
        payload: dict[str, Any] = {
            "query": text,
            "items": [item_json(i, langs) for i in page.items] if page else [],
            "total": page.total if page else 0,
            "next": next_url,
            "filters": [{"name": f, "value": v, "iri": iri} for f, v, iri in chosen],
            "facets": {},
        }
        if page is not None or not text.strip():
            for facet in SEARCH_FACETS:
                payload["facets"][facet] = facet_json(
                    facet, idx.facet_counts(facet, filters, text=text if terms else ""), langs
                )
        notices = _notices(cut, dropped, no_words, langs)
        if notices:
            payload["notices"] = notices
        return finish_list(jsonify(payload), validators, next_url)

    facets = []
    if terms or chosen or not text.strip():
        for facet in SEARCH_FACETS:
            values = idx.facet_counts(facet, filters, text=text if terms else "")
            facets.append(_facet_view("lists.search", facet, values, chosen, langs))
    results = []
    if page is not None:
        for item in page.items:
            label, lang = item.label(langs)
            description = item.description(langs)
            results.append(
                {
                    "item": item,
                    "label": highlight(label, terms),
                    "lang": lang,
                    "snippet": snippet(description[0], terms) if description else None,
                    "snippet_lang": description[1] if description else "",
                    "kind": LIST_KINDS[item.kind].label(langs.ui)
                    if item.kind in LIST_KINDS
                    else item.kind,
                }
            )
    active = [
        Active(f, v, value_label(f, iri, idx, langs), remove_value("lists.search", f, v))
        for f, v, iri in chosen
    ]
    return finish_list(
        render(
            "search.html",
            langs,
            q=text,
            page=page,
            results=results,
            facets=facets,
            active=active,
            notices=_notices(cut, dropped, no_words, langs),
            next_url=(
                link("lists.search", after=encode_key(page.next_key))
                if page is not None and page.next_key
                else None
            ),
            json_url=link("lists.search_json", drop=()),
            facet_names=FACET_NAMES,
            first_url=link("lists.search") if after is not None else None,
        ),
        validators,
        next_url,
    )


def _notices(cut: bool, dropped: bool, no_words: bool, langs: Languages) -> list[str]:
    notices = []
    if cut:
        notices.append(
            langs.text(
                f"La requête est trop longue : seuls ses {MAX_QUERY_CHARS} premiers caractères sont lus.",
                f"The query is too long: only its first {MAX_QUERY_CHARS} characters are read.",
            )
        )
    if dropped:
        notices.append(
            langs.text(
                "Seuls les 16 premiers mots de la requête sont cherchés.",
                "Only the first 16 words of the query are searched.",
            )
        )
    if no_words:
        notices.append(
            langs.text(
                "La requête ne contient aucun mot à chercher (seulement des signes).",
                "The query holds no word to search for (only symbols).",
            )
        )
    return notices


# ---------------------------------------------------------------------------------------------
# Home page
# ---------------------------------------------------------------------------------------------


@blueprint.get("/")
def home() -> Response:
    """Every figure here is read from the index's tallies (kept by each update: a few rows
    whatever the store's size); the two short lists walk an index and stop at 5 items."""
    idx = index()
    langs = languages()
    now = today()
    validators, cached = unchanged("home")
    if cached is not None:
        return cached
    # The figures are kept until the index changes (its version), per language order.
    cache = current_app.extensions["mediation"].setdefault("home_figures", {})
    key = (idx.version, idx.stamp, langs.order)
    figures = cache.get(key)
    if figures is None:
        figures = home_figures(idx, langs)
        cache.clear()
        cache[key] = figures
    # Days and series, not each of their workshops; not counted (the page shows no total).
    upcoming = idx.list(
        Filters(kind="event", when="upcoming", today=now, top_level=True),
        order="date",
        limit=5,
        count=False,
    )
    latest = idx.list(
        Filters(kind="event", when="past", today=now, top_level=True),
        order="date-desc",
        limit=5,
        count=False,
    )
    totals = {f.value: f.count for f in idx.facet_counts("kind", Filters(), limit=len(LIST_KINDS))}
    return finish_list(
        render(
            "home.html",
            langs,
            figures=figures,
            upcoming=upcoming,
            latest=latest,
            totals=totals,
            kinds=LIST_KINDS,
            count_words=count_words,
        ),
        validators,
    )


def home_figures(idx: Index, langs: Languages) -> list[Figure]:
    """Events over time, by theme, by département and région, the most active organisers."""
    lang = langs.ui
    t = langs.text
    events = Filters(kind="event")
    base = config().base_url

    def unit(n: int) -> str:
        return count_words(n, "event", lang)

    figures: list[Figure] = []

    # Over time: by month when the events span three years or less, else by year.
    low, high = idx.date_span(events)
    if low and high:
        months = (int(high[:4]) - int(low[:4])) * 12 + int(high[5:7]) - int(low[5:7]) + 1
        by = "month" if months <= 36 else "year"
        if by == "month":
            low, high = idx.date_span(events, by="month")
            if not (low and high):  # only years are known
                by = "year"
                low, high = idx.date_span(events)
        counts, coarse = idx.timeline(events, by=by)
        found = dict(counts)
        bars = []
        for bucket in _buckets(low, high, by):
            label = (
                bucket
                if by == "year"
                else (f"{SHORT_MONTHS[lang][int(bucket[5:7]) - 1]} {bucket[:4]}")
            )
            bars.append(
                Bar(
                    label,
                    found.get(bucket, 0),
                    url_for("lists.events", **{"from": bucket, "to": bucket}),
                    lang,
                )
            )
        note = ""
        if coarse:
            note = t(
                f"{unit(coarse)} {'daté' if coarse == 1 else 'datés'} seulement de l'année, "
                "hors de cette figure.",
                f"{unit(coarse)} dated by year only, not in this figure.",
            )
        title = t(
            "Événements par mois" if by == "month" else "Événements par année",
            "Events per month" if by == "month" else "Events per year",
        )
        description = t(
            f"Nombre d'événements par {'mois' if by == 'month' else 'année'}, de "
            f"{bars[0].label} à {bars[-1].label}. Chaque colonne mène à la liste de ses événements.",
            f"Number of events per {by}, from {bars[0].label} to {bars[-1].label}. "
            "Each column leads to the list of its events.",
        )
        figures.append(
            Figure(
                "figure-time",
                title,
                description,
                tuple(bars),
                column_chart("figure-time", bars, title, description, unit, lang),
                note,
                url_for("lists.events"),
            )
        )

    def ranked(
        ident: str,
        facet: str,
        prefix: str | None,
        title: tuple[str, str],
        description: tuple[str, str],
        more: str,
        limit: int = 10,
    ) -> None:
        values = idx.facet_counts(facet, events, limit=limit, prefix=prefix)
        if not values:
            return
        bars = []
        for value in values:
            label, label_lang = value.label(langs)
            bars.append(
                Bar(
                    label,
                    value.count,
                    url_for("lists.events", **{facet: short_value(value.value, facet, base)}),
                    label_lang,
                )
            )
        figures.append(
            Figure(
                ident,
                t(*title),
                t(*description),
                tuple(bars),
                bar_chart(ident, bars, t(*title), t(*description), unit, lang),
                "",
                more,
            )
        )

    ranked(
        "figure-themes",
        "theme",
        base + "id/theme/",
        ("Événements par thème", "Events by theme"),
        (
            "Les thèmes les plus fréquents des événements (un thème large compte aussi les événements "
            "de ses thèmes plus précis). Chaque barre mène à la liste de ses événements.",
            "The most frequent themes of events (a broad theme also counts the events of its "
            "narrower themes). Each bar leads to the list of its events.",
        ),
        url_for("lists.themes"),
    )
    ranked(
        "figure-departements",
        "territory",
        base + "id/place/departement/",
        ("Événements par département", "Events by département"),
        (
            "Les départements où se tiennent le plus d'événements. Chaque barre mène à leur liste.",
            "The départements where most events are held. Each bar leads to their list.",
        ),
        url_for("lists.places", type="departement"),
    )
    ranked(
        "figure-regions",
        "territory",
        base + "id/place/region/",
        ("Événements par région", "Events by région"),
        (
            "Les régions où se tiennent les événements. Chaque barre mène à leur liste.",
            "The régions where events are held. Each bar leads to their list.",
        ),
        url_for("lists.places", type="region"),
    )
    ranked(
        "figure-organizers",
        "organizer",
        None,
        ("Organisateurs les plus actifs", "Most active organisers"),
        (
            "Les acteurs qui organisent le plus d'événements. Chaque barre mène à la liste de "
            "leurs événements.",
            "The actors who organise the most events. Each bar leads to the list of their events.",
        ),
        url_for("lists.actors"),
    )
    return figures


def _buckets(low: str, high: str, by: str) -> list[str]:
    """Every year or month from ``low`` to ``high``: empty periods show as empty."""
    if by == "year":
        return [f"{y:04d}" for y in range(int(low[:4]), int(high[:4]) + 1)]
    year, month = int(low[:4]), int(low[5:7])
    buckets = []
    while (year, month) <= (int(high[:4]), int(high[5:7])):
        buckets.append(f"{year:04d}-{month:02d}")
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return buckets


__all__ = ["blueprint", "LISTS", "say_date"]
