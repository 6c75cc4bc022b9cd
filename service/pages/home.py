"""What the home page shows: the field at a glance, in figures drawn from the index's
tallies (events over time, by theme, by département and région, the most active
organisers), the next and the latest days and series, and how many of each kind there are.

Every figure is read from the tallies the index keeps with each update (a few rows whatever
the store's size); the two short lists walk an index and stop at :data:`SHORT_LIST` items.
No Flask: each bar links to a list through ``list_url(name, **params)``, which the web
layer gives (``name`` is a key of :data:`~service.pages.lists.LISTS`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..labels import Languages
from ..search import LIST_KINDS, Filters, Index, Item, short_value
from .charts import Bar, Figure, bar_chart, column_chart
from .lists import count_words

#: ``list_url(name, **params)``: the address of the list ``name`` with these parameters.
ListUrl = Callable[..., str]

#: Items in each of the home page's short lists of events.
SHORT_LIST = 5

#: Over time, by month when the events span this many months or fewer, else by year.
MOST_MONTHS = 36

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


@dataclass(frozen=True)
class Ranking:
    """A figure of the events counted by the values of a facet, most first."""

    key: str
    facet: str
    prefix: str | None  # of the values counted, after the base (None: every value)
    title: tuple[str, str]
    description: tuple[str, str]
    more: tuple[str, dict[str, str]]  # the list (name, parameters) behind the figure


RANKINGS = (
    Ranking(
        "figure-themes",
        "theme",
        "id/theme/",
        ("Événements par thème", "Events by theme"),
        (
            "Les thèmes les plus fréquents des événements (un thème large compte aussi les événements "
            "de ses thèmes plus précis). Chaque barre mène à la liste de ses événements.",
            "The most frequent themes of events (a broad theme also counts the events of its "
            "narrower themes). Each bar leads to the list of its events.",
        ),
        ("themes", {}),
    ),
    Ranking(
        "figure-departements",
        "territory",
        "id/place/departement/",
        ("Événements par département", "Events by département"),
        (
            "Les départements où se tiennent le plus d'événements. Chaque barre mène à leur liste.",
            "The départements where most events are held. Each bar leads to their list.",
        ),
        ("places", {"type": "departement"}),
    ),
    Ranking(
        "figure-regions",
        "territory",
        "id/place/region/",
        ("Événements par région", "Events by région"),
        (
            "Les régions où se tiennent les événements. Chaque barre mène à leur liste.",
            "The régions where events are held. Each bar leads to their list.",
        ),
        ("places", {"type": "region"}),
    ),
    Ranking(
        "figure-organizers",
        "organizer",
        None,
        ("Organisateurs les plus actifs", "Most active organisers"),
        (
            "Les acteurs qui organisent le plus d'événements. Chaque barre mène à la liste de "
            "leurs événements.",
            "The actors who organise the most events. Each bar leads to the list of their events.",
        ),
        ("actors", {}),
    ),
)

#: Bars of a ranking.
RANKED = 10


def _events() -> Filters:
    """Every event (a new one each time: filters are mutable)."""
    return Filters(kind="event")


def home_figures(idx: Index, langs: Languages, base: str, list_url: ListUrl) -> list[Figure]:
    """Events over time, by theme, by département and région, the most active organisers."""
    figures = [time_figure(idx, langs, list_url)]
    figures += [ranking_figure(ranking, idx, langs, base, list_url) for ranking in RANKINGS]
    return [figure for figure in figures if figure is not None]


def _unit(lang: str) -> Callable[[int], str]:
    return lambda n: count_words(n, "event", lang)


def time_figure(idx: Index, langs: Languages, list_url: ListUrl) -> Figure | None:
    """Events per month when they span three years or less, else per year; None without
    dates."""
    lang = langs.ui
    t = langs.text
    unit = _unit(lang)
    events = _events()
    low, high = idx.date_span(events)
    if not (low and high):
        return None
    months = (int(high[:4]) - int(low[:4])) * 12 + int(high[5:7]) - int(low[5:7]) + 1
    by = "month" if months <= MOST_MONTHS else "year"
    if by == "month":
        low, high = idx.date_span(events, by="month")
        if not (low and high):  # only years are known
            by = "year"
            low, high = idx.date_span(events)
    counts, coarse = idx.timeline(events, by=by)
    found = dict(counts)
    bars = []
    for bucket in buckets(low, high, by):
        label = (
            bucket if by == "year" else f"{SHORT_MONTHS[lang][int(bucket[5:7]) - 1]} {bucket[:4]}"
        )
        bars.append(
            Bar(
                label,
                found.get(bucket, 0),
                list_url("events", **{"from": bucket, "to": bucket}),
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
    return Figure(
        "figure-time",
        title,
        description,
        tuple(bars),
        column_chart("figure-time", bars, title, description, unit, lang),
        note,
        list_url("events"),
    )


def ranking_figure(
    ranking: Ranking, idx: Index, langs: Languages, base: str, list_url: ListUrl
) -> Figure | None:
    """The events counted by the values of a facet, most first; None when none has any."""
    prefix = None if ranking.prefix is None else base + ranking.prefix
    values = idx.facet_counts(ranking.facet, _events(), limit=RANKED, prefix=prefix)
    if not values:
        return None
    bars = []
    for value in values:
        label, label_lang = value.label(langs)
        short = short_value(value.value, ranking.facet, base)
        bars.append(
            Bar(label, value.count, list_url("events", **{ranking.facet: short}), label_lang)
        )
    title, description = langs.text(*ranking.title), langs.text(*ranking.description)
    name, params = ranking.more
    return Figure(
        ranking.key,
        title,
        description,
        tuple(bars),
        bar_chart(ranking.key, bars, title, description, _unit(langs.ui), langs.ui),
        "",
        list_url(name, **params),
    )


def buckets(low: str, high: str, by: str) -> list[str]:
    """Every year or month from ``low`` to ``high``: empty periods show as empty."""
    if by == "year":
        return [f"{y:04d}" for y in range(int(low[:4]), int(high[:4]) + 1)]
    year, month = int(low[:4]), int(low[5:7])
    found = []
    while (year, month) <= (int(high[:4]), int(high[5:7])):
        found.append(f"{year:04d}-{month:02d}")
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return found


@dataclass(frozen=True)
class HomeEvents:
    """The next and the latest days and series (not each of their workshops)."""

    upcoming: list[Item]
    latest: list[Item]


def home_events(idx: Index, today: str) -> HomeEvents:
    """Not counted: the page shows no total of them."""
    upcoming = idx.list(
        Filters(kind="event", when="upcoming", today=today, top_level=True),
        order="date",
        limit=SHORT_LIST,
        count=False,
    )
    latest = idx.list(
        Filters(kind="event", when="past", today=today, top_level=True),
        order="date-desc",
        limit=SHORT_LIST,
        count=False,
    )
    return HomeEvents(upcoming.items, latest.items)


def kind_totals(idx: Index) -> dict[str, int]:
    """How many resources of each kind the index holds (from its tallies)."""
    return {f.value: f.count for f in idx.facet_counts("kind", Filters(), limit=len(LIST_KINDS))}
