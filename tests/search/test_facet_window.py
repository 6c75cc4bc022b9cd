"""A search's facets count among its first matches (the ``facet_window`` setting), as the
search ranks them, a filtered list's among the first rows it selects, and say « at least »
past them: a first search of a common word, or a list of a broad theme, costs what the
window holds, not what the word matches or the theme holds."""

from __future__ import annotations

import shutil
from collections import Counter

import pytest

from service.config import DEFAULT_BASE
from service.search.index import Index
from service.search.queries import Filters
from service.store.embedded import EmbeddedStore

BASE = DEFAULT_BASE
FACETS = ("kind", "theme", "territory", "year")


@pytest.fixture(scope="module")
def index(seeded, tmp_path_factory) -> Index:
    directory = tmp_path_factory.mktemp("facets") / "store"
    shutil.copytree(seeded, directory)
    store = EmbeddedStore(directory, workers=False)
    built = Index(directory.parent / "index.sqlite", BASE, ("fr", "en"))
    built.ensure(store)
    store.close()
    return built


def every_match(index: Index, text: str, filters: Filters) -> list[str]:
    found, after = [], None
    while True:
        page, _, _ = index.search(text, filters, limit=50, after=after)
        found += [item.iri for item in page.items]
        if page.next_key is None:
            return found
        after = page.next_key


def in_index_order(index: Index, iris: list[str]) -> list[str]:
    with index._bounded() as db:
        ids = dict(db.execute("SELECT iri, id FROM resource"))
    return sorted(iris, key=ids.__getitem__)


def counts(index: Index, facet: str, text: str, window: int) -> dict[str, tuple[int, bool]]:
    index.facet_window = window
    try:
        values = index.facet_counts(facet, Filters(), text=text, limit=1000)
    finally:
        index.facet_window = Index.facet_window
    return {v.value: (v.count, v.exact) for v in values}


def test_within_the_window_facets_count_every_match_exactly(index):
    matches = every_match(index, "mediation", Filters())
    assert len(matches) > 10
    kinds = counts(index, "kind", "mediation", len(matches))
    assert all(exact for _, exact in kinds.values())
    assert kinds == {k: (n, True) for k, n in Counter(iri_kind(index, matches)).items()}


def test_past_the_window_facets_count_the_first_matches_and_say_at_least(index):
    matches = every_match(index, "mediation", Filters())
    first = in_index_order(index, matches)[:12]
    kinds = counts(index, "kind", "mediation", 12)
    assert kinds == {k: (n, False) for k, n in Counter(iri_kind(index, first)).items()}
    for facet in FACETS[1:]:
        expected = Counter(v for iri in first for v in facet_values(index, iri, facet))
        assert counts(index, facet, "mediation", 12) == {
            v: (n, False) for v, n in expected.items()
        }, facet
    assert any(facet_values(index, iri, "territory") for iri in first)


def facet_values(index: Index, iri: str, facet: str) -> list[str]:
    with index._bounded() as db:
        return [
            value
            for (value,) in db.execute(
                "SELECT t.iri FROM facet f JOIN term t ON t.id = f.value "
                "JOIN resource r ON r.id = f.id WHERE r.iri = ? AND f.facet = ?",
                (iri, facet),
            )
        ]


def test_a_filtered_search_counts_the_first_matches_that_pass_the_filter(index):
    events = Filters(kind="event")
    matches = every_match(index, "atelier", events)
    assert len(matches) > 3
    years = counts_filtered(index, "year", "atelier", events, 3)
    assert sum(n for n, _ in years.values()) <= 3
    assert all(not exact for _, exact in years.values())
    whole = counts_filtered(index, "kind", "atelier", events, len(matches))
    assert whole == {"event": (len(matches), True)}


def counts_filtered(index, facet, text, filters, window):
    index.facet_window = window
    try:
        return {
            v.value: (v.count, v.exact)
            for v in index.facet_counts(facet, filters, text=text, limit=1000)
        }
    finally:
        index.facet_window = Index.facet_window


def iri_kind(index: Index, iris: list[str]) -> list[str]:
    found = index.get(iris)
    return [found[i].kind for i in iris]


@pytest.fixture(scope="module")
def counting_facets_to_three(start_server, tmp_path_factory):
    running = start_server(
        tmp_path_factory.mktemp("facets-http") / "store", {"MEDIATION_FACET_WINDOW": "3"}
    )
    yield running
    running.stop()


def test_pages_say_when_a_facet_count_is_a_lower_bound(counting_facets_to_three):
    server = counting_facets_to_three
    found = server.get("search.json", params={"q": "mediation"}).json()
    kinds = found["facets"]["kind"]
    assert sum(v["count"] for v in kinds) == 3
    assert all(v["count_exact"] is False for v in kinds)
    assert found["total"] > 3  # the total is not the facets' window
    page = server.get("search", params={"q": "mediation"}, headers={"Accept-Language": "fr"})
    assert 'data-at-least="true"' in page.text and "au moins" in page.text
    rare = server.get("search.json", params={"q": "illectronisme", "kind": "event"}).json()
    assert 0 < rare["total"] <= 3
    assert all(v["count_exact"] is True for v in rare["facets"]["kind"])


def list_counts(index: Index, facet: str, filters: Filters, window: int, order: str = "") -> dict:
    index.facet_window = window
    try:
        values = index.facet_counts(facet, filters, limit=1000, order=order)
    finally:
        index.facet_window = Index.facet_window
    return {v.value: (v.count, v.exact) for v in values}


def every_row(index: Index, filters: Filters) -> list[str]:
    found, after = [], None
    while True:
        page = index.list(filters, limit=50, after=after)
        found += [item.iri for item in page.items]
        if page.next_key is None:
            return found
        after = page.next_key


def test_within_the_window_a_filtered_list_counts_every_row_exactly(index):
    theme = index.facet_counts("theme", Filters(kind="event"))[0].value
    lists = [
        Filters(kind="event", top_level=True),
        Filters(kind="event", facets=[("theme", theme)]),
        Filters(kind="event", facets=[("theme", theme)], when="upcoming", today="2019-12-01"),
        Filters(kind="event", when="upcoming", today="2019-12-01", top_level=True),
    ]
    for filters in lists:
        rows = every_row(index, filters)
        assert rows, filters
        for facet in FACETS[1:]:
            expected = Counter(v for iri in rows for v in facet_values(index, iri, facet))
            assert list_counts(index, facet, filters, 5000) == {
                v: (n, True) for v, n in expected.items()
            }, (filters, facet)


def test_a_filtered_list_counts_its_first_rows_and_says_at_least_past_the_window(index):
    days = Filters(kind="event", top_level=True)  # not in the tallies: counted over its rows
    every = list_counts(index, "kind", days, 10**6)
    [(rows, exact)] = every.values()
    assert exact and rows > 3
    assert list_counts(index, "kind", days, rows) == every, "a window that holds every row"
    assert list_counts(index, "kind", days, 3) == {"event": (3, False)}
    for facet in FACETS[1:]:
        whole, first = list_counts(index, facet, days, rows), list_counts(index, facet, days, 3)
        assert whole and all(exact for _, exact in whole.values()), facet
        assert first and all(not exact for _, exact in first.values()), facet
        assert all(n <= whole[value][0] for value, (n, _) in first.items()), facet


def test_past_the_window_a_list_counts_the_rows_it_shows_first(index):
    """In the list's order: read as they come, a theme's first 5,000 events at ten million
    triples were all of its oldest year, where the list showed the newest first."""
    days = Filters(kind="event", top_level=True)
    for order in ("date-desc", "date", "label"):
        shown = [item.iri for item in index.list(days, order=order, limit=3).items]
        for facet in FACETS:
            expected = (
                Counter(iri_kind(index, shown))
                if facet == "kind"
                else Counter(v for iri in shown for v in facet_values(index, iri, facet))
            )
            assert list_counts(index, facet, days, 3, order) == {
                v: (n, False) for v, n in expected.items()
            }, (order, facet)
