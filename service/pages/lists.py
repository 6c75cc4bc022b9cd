"""What the lists show: each list's spec (:data:`LISTS`), the wording of dates, counts and
facet values, the facets as links, the filters in force, a page of a list and its JSON. The
search page (:mod:`.search_page`) and the home page (:mod:`.home`) use the same words.

No Flask: the web layer reads the request and hands in the index, the languages, the base,
the filters asked for, and a function for each address a page links to (addresses are the
web layer's, the words and the order of things are this module's).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from .. import search
from ..labels import Languages, day_in_words, month_in_words, words

# ---------------------------------------------------------------------------------------------
# What each list is
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListSpec:
    """One list: its address (``/{name}``), the kind of its items, its words and filters."""

    name: str
    kind: str
    title: tuple[str, str]  # (fr, en)
    intro: tuple[str, str]
    facets: tuple[str, ...]  # facets it filters on and shows, in order
    subkinds: tuple[str, ...] = ()  # values of its ``type`` filter
    dated: bool = False  # events: upcoming / past / date range, sorted by date
    names: tuple[tuple[str, tuple[str, str]], ...] = ()  # facet names of its own

    def order(self, filters: search.Filters) -> str:
        """The index order it is read in: soonest first for upcoming events, newest first
        for other events, else by label."""
        if not self.dated:
            return "label"
        return "date" if filters.when == "upcoming" else "date-desc"

    def facet_names(self) -> dict[str, tuple[str, str]]:
        return {**FACET_NAMES, **dict(self.names)}


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
            tuple(search.PLACE_LEVELS),
            names=(("territory", ("Situé dans", "Within")),),
        ),
    )
}

#: Facet names as people read them.
FACET_NAMES: dict[str, tuple[str, ...]] = words("facet")

#: The ``when`` filter of dated lists, and its words.
WHEN: dict[str, tuple[str, ...]] = words("when")

#: Facets that take one value (choosing another replaces it); the others add up.
SINGLE_VALUED = ("type", "kind")

#: Values shown per facet.
FACET_VALUES = 12


class Chosen(NamedTuple):
    """A filter the request asked for: its facet, its value as in the URL, and the IRI (or
    year, kind, date) it names."""

    facet: str
    value: str
    iri: str


@dataclass(frozen=True)
class Active:
    """A filter in force, as the page shows it (with a link that removes it)."""

    facet: str
    value: str  # as in the URL
    label: tuple[str, str]
    remove: str


@dataclass(frozen=True)
class FacetView:
    name: str
    # value, label, count, href, active, exact (false: at least the count, a search's window)
    values: list[tuple[str, tuple[str, str], int, str, bool, bool]]


#: ``href(facet, value, active)``: the address that adds a facet value to the filters, or
#: removes it when it is active.
FacetHref = Callable[[str, str, bool], str]

# ---------------------------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------------------------


def say_date(value: str | None, precision: str | None, lang: str) -> str:
    """A date as a person reads it: « 4 décembre 2019 », « décembre 2019 », « 2020 »."""
    if not value:
        return ""
    period = search.Period.parse(value)
    if period is None:
        return value
    year, month, day = int(period.first[:4]), int(period.first[5:7]), int(period.first[8:10])
    if period.precision == "year":
        return str(year)
    if period.precision == "month":
        return month_in_words(year, month, lang)
    return day_in_words(year, month, day, lang)


def item_date(item: search.Item, lang: str) -> str:
    """When an item is, as a person reads it (with its end, when it has one)."""
    shown = say_date(item.date_value, item.date_precision, lang)
    if item.end_value:
        shown += " – " + say_date(item.end_value, None, lang)
    return shown


def say_count(n: int, lang: str, exact: bool = True) -> str:
    """A count as a person reads it: « 1 234 », "1,234"; one that stopped at its bound is
    « plus de 1 000 », "more than 1,000" (``search.COUNT_BOUND``)."""
    shown = f"{n:,}".replace(",", "\u00a0" if lang == "fr" else ",")
    if exact:
        return shown
    return f"plus de {shown}" if lang == "fr" else f"more than {shown}"


def count_words(n: int, kind: str, lang: str, exact: bool = True) -> str:
    """« 12 événements », "more than 1,000 events"."""
    known = search.LIST_KINDS.get(kind)
    if known is None:
        return say_count(n, lang, exact)
    noun = known.label(lang, plural=n != 1 or not exact).lower()
    return f"{say_count(n, lang, exact)} {noun}"


def kind_label(kind: str, lang: str) -> str:
    return search.LIST_KINDS[kind].label(lang) if kind in search.LIST_KINDS else kind


def facet_label(
    facet: str, value: search.FacetValue, langs: Languages, base: str
) -> tuple[str, str]:
    """A facet value's label; a territory says its level (« Pas-de-Calais (département) »)."""
    text, lang = value.label(langs)
    if facet == "territory":
        level = search.place_level(value.value, base)
        if level != "venue":
            text = f"{text} ({langs.text(*search.PLACE_LEVELS[level])})"
    return text, lang


def value_label(facet: str, iri: str, idx: search.Index, langs: Languages) -> tuple[str, str]:
    """The label of a filter in force."""
    if facet in ("year", "from", "to"):
        return iri, ""
    if facet == "kind":
        return search.LIST_KINDS[iri].label(langs.ui), langs.ui
    if facet == "type":
        return langs.text(*search.SUBKINDS.get(iri, (iri, iri))), langs.ui
    item = idx.get([iri]).get(iri)
    return item.label(langs) if item else (iri, "")


def active_filters(
    chosen: list[Chosen], idx: search.Index, langs: Languages, remove: Callable[[str, str], str]
) -> list[Active]:
    """The filters in force, each with ``remove(facet, value)``, the address without it."""
    return [Active(f, v, value_label(f, iri, idx, langs), remove(f, v)) for f, v, iri in chosen]


# ---------------------------------------------------------------------------------------------
# Facets
# ---------------------------------------------------------------------------------------------


def facet_view(
    facet: str,
    values: list[search.FacetValue],
    chosen: list[Chosen],
    langs: Languages,
    base: str,
    href: FacetHref,
) -> FacetView:
    active_iris = {c.iri for c in chosen if c.facet == facet}
    shown = []
    for value in values:
        if facet in SINGLE_VALUED:
            short = value.value
            if facet == "kind":
                label = (kind_label(value.value, langs.ui), langs.ui)
            else:
                text = value.label(langs)[0]
                label = (text[:1].upper() + text[1:], langs.ui)
        else:
            short = search.short_value(value.value, facet, base)
            label = facet_label(facet, value, langs, base)
        is_active = value.value in active_iris
        shown.append(
            (short, label, value.count, href(facet, short, is_active), is_active, value.exact)
        )
    return FacetView(facet, shown)


# ---------------------------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------------------------


def item_json(item: search.Item, langs: Languages, local: Callable[[str], str]) -> dict[str, Any]:
    """An item for JSON; ``local(iri)`` is its address on this host."""
    text, lang = item.label(langs)
    data: dict[str, Any] = {"iri": item.iri, "url": local(item.iri), "label": text}
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


def facet_json(
    facet: str, values: list[search.FacetValue], langs: Languages, base: str
) -> list[dict[str, Any]]:
    """A facet's values for JSON: the value to filter with, its IRI, label and count."""
    shown = []
    for value in values:
        entry: dict[str, Any] = {"value": search.short_value(value.value, facet, base)}
        if value.value.startswith(("http://", "https://")):
            entry["iri"] = value.value
        entry["label"] = value.label(langs)[0]
        entry["count"] = value.count
        entry["count_exact"] = value.exact
        shown.append(entry)
    return shown


def filters_json(chosen: list[Chosen]) -> list[dict[str, str]]:
    return [{"name": f, "value": v, "iri": iri} for f, v, iri in chosen]


# ---------------------------------------------------------------------------------------------
# One page of a list
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Listing:
    """One page of a list and what it was asked for."""

    spec: ListSpec
    filters: search.Filters
    chosen: list[Chosen]
    items: list[search.Item]
    total: int | None
    next_key: tuple | None
    prev_key: tuple | None
    exact: bool = True  # False: counting stopped at the bound, more match


def listing(
    spec: ListSpec,
    idx: search.Index,
    filters: search.Filters,
    chosen: list[Chosen],
    size: int,
    after: tuple | None = None,
    before: tuple | None = None,
) -> Listing:
    page = idx.list(filters, order=spec.order(filters), limit=size, after=after, before=before)
    return Listing(
        spec, filters, chosen, page.items, page.total, page.next_key, page.prev_key, page.exact
    )


def list_facets(
    page: Listing, idx: search.Index, langs: Languages, base: str, href: FacetHref
) -> list[FacetView]:
    """A list's facets, its categories (``type``) first when they tell its items apart."""
    spec, filters, chosen = page.spec, page.filters, page.chosen
    order = spec.order(filters)  # past the facets' window, they count what is listed first
    facets = [
        facet_view(
            facet,
            idx.facet_counts(facet, filters, limit=FACET_VALUES, order=order),
            chosen,
            langs,
            base,
            href,
        )
        for facet in spec.facets
    ]
    if spec.subkinds:
        values = idx.facet_counts("subkind", filters, limit=len(spec.subkinds), order=order)
        if len(values) > 1 or filters.subkind:  # one category for all narrows nothing
            facets.insert(0, facet_view("type", values, chosen, langs, base, href))
    return facets


def event_counts(page: Listing, idx: search.Index) -> dict[str, int]:
    """How many events each listed actor organises, each theme or place holds."""
    facet = {"actors": "organizer", "themes": "theme", "places": "territory"}.get(page.spec.name)
    if facet is None or not page.items:
        return {}
    return idx.counts(facet, [i.iri for i in page.items], kind="event")


def listing_json(
    page: Listing,
    idx: search.Index,
    langs: Languages,
    base: str,
    local: Callable[[str], str],
    next_url: str | None,
    prev_url: str | None,
) -> dict[str, Any]:
    """A list page as JSON: its items, total, neighbours, filters and facets."""
    payload: dict[str, Any] = {
        "items": [item_json(i, langs, local) for i in page.items],
        "total": page.total,
        "total_exact": page.exact,
        "next": next_url,
        "prev": prev_url,
        "filters": filters_json(page.chosen),
    }
    if page.spec.dated:
        payload["when"] = page.filters.when
        payload["today"] = page.filters.today
    payload["facets"] = {
        facet: facet_json(
            facet,
            idx.facet_counts(
                facet, page.filters, limit=FACET_VALUES, order=page.spec.order(page.filters)
            ),
            langs,
            base,
        )
        for facet in page.spec.facets
    }
    return payload
