"""The search index against a real store on disk: French-aware text, facets that follow
containment and broader themes, keyset paging, and updates that follow a write.

Expected values come from the store (SPARQL through the store's interface), not from
numbers written here.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from itertools import combinations

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from service.config import DEFAULT_BASE
from service.errors import BadRequest
from service.labels import Languages
from service.namespaces import MED, SDO
from service.search import past, reads
from service.search.index import Index, changed_iris
from service.search.queries import Filters, decode_key, encode_key
from service.search.text import analyse_text, fts_expression, query_stems
from service.store.embedded import EmbeddedStore
from service.store.interface import Changeset
from service.web.feeds import calendar_events

BASE = DEFAULT_BASE
EVENT = BASE + "id/event/"
LIEVIN_DAY = EVENT + "2019-12-04-journee-regionale-lievin"
ARENA = BASE + "id/place/arena-lievin"
FR = Languages(("fr", "en"))


@pytest.fixture
def index(store, tmp_path) -> Index:
    built = Index(tmp_path / "index.sqlite", BASE, ("fr", "en"))
    built.ensure(store)
    return built


def walk(index: Index, filters: Filters, order: str, size: int) -> list[str]:
    seen, after = [], None
    while True:
        page = index.list(filters, order=order, limit=size, after=after)
        seen += [item.iri for item in page.items]
        if page.next_key is None:
            return seen
        after = page.next_key


def search_all(index: Index, text: str, filters: Filters | None = None) -> set[str]:
    found, after = set(), None
    while True:
        page, _, _ = index.search(text, filters or Filters(), limit=50, after=after)
        found |= {item.iri for item in page.items}
        if page.next_key is None:
            return found
        after = page.next_key


def our_events(store) -> set[str]:
    rows = store.select(
        "SELECT DISTINCT ?e WHERE { ?e a ?t . "
        f"FILTER(STRSTARTS(STR(?e), {Literal(EVENT).n3()}) && !CONTAINS(STR(?e), '#')) }}"
    )
    return {str(r["e"]) for r in rows}


# -- French-aware text ------------------------------------------------------------------------


def test_folding_and_stemming_make_accents_case_and_plurals_equal():
    assert analyse_text("MÉDIATEURS") == analyse_text("médiateur") == analyse_text("mediateur")
    assert analyse_text("Ateliers") == analyse_text("atelier")
    assert analyse_text("journées régionales") == analyse_text("journee regionale")
    assert analyse_text("workshops", "en") == analyse_text("workshop", "en")


@pytest.mark.parametrize(
    "text",
    [
        '"*NEAR(',
        "NEAR(a b, 3)",
        "AND OR NOT",
        "col:value",
        '"""',
        "^start",
        "a*",
        "(((",
        ")",
        "-",
        "+mediation -ville",
        "{x}",
        "'; DROP TABLE resource; --",
        "\x00",
        "🎉 médiation 🎉",
        "x" * 5000,
        "mediation " * 500,
    ],
)
def test_user_input_is_never_fts_syntax(index, text):
    terms, _ = query_stems(text)
    expression = fts_expression(terms)
    assert "NEAR(" not in expression and "*" not in expression
    page, _, _ = index.search(text, Filters())  # must not raise
    assert page.total >= 0


def test_long_queries_are_cut_to_their_first_words(index):
    terms, dropped = query_stems(" ".join(f"mot{i}" for i in range(40)))
    assert dropped and len(terms) == 16


def holding(store, pattern: str, prefix: str, predicates: tuple = ()) -> set[str]:
    """Resources of ours (under ``prefix``) with a literal matching ``pattern`` (any case)."""
    rows = store.select(
        "SELECT ?s ?p ?l WHERE { ?s ?p ?l . FILTER(isLiteral(?l)) "
        f"FILTER(STRSTARTS(STR(?s), {Literal(prefix).n3()}) && !CONTAINS(STR(?s), '#')) }}"
    )
    compiled = re.compile(pattern, re.IGNORECASE)
    return {
        str(r["s"])
        for r in rows
        if (not predicates or r["p"] in predicates) and compiled.search(str(r["l"]))
    }


def test_search_finds_accented_text_from_plain_letters(index, store):
    # Every resource of ours whose name holds « médiateur(s) » is found by "mediateur".
    named = holding(store, r"\bmédiateurs?\b", BASE + "id/", (SDO.name, SKOS.prefLabel))
    assert named, "the seed names mediators"
    assert named <= search_all(index, "mediateur")
    assert search_all(index, "MÉDIATION") == search_all(index, "mediation")


def test_plural_and_singular_find_each_other(index, store):
    singular_only = holding(store, r"\batelier\b", EVENT) - holding(store, r"\bateliers\b", EVENT)
    plural_only = holding(store, r"\bateliers\b", EVENT) - holding(store, r"\batelier\b", EVENT)
    assert singular_only and plural_only, "the seed has both forms"
    assert singular_only <= search_all(index, "ateliers")
    assert plural_only <= search_all(index, "atelier")


def test_names_weigh_more_than_mentions(index):
    page, _, _ = index.search("France Médiation", Filters(), limit=1)
    assert page.items[0].iri == BASE + "id/actor/france-mediation"


def test_resources_are_found_by_the_names_of_their_types_and_follow_a_renamed_type(index, store):
    workshops = {str(r["w"]) for r in store.select(f"SELECT ?w WHERE {{ ?w a <{MED.Workshop}> }}")}
    assert workshops and not search_all(index, "fabrique")
    graph = next(iter(store.quads(MED.Workshop, None, None)))[3]
    changes = Changeset(add=[(MED.Workshop, RDFS.label, Literal("Fabrique", lang="fr"), graph)])
    store.apply(changes)
    assert index.update(store, changed_iris(changes)) == len(workshops)
    assert search_all(index, "fabriques") == workshops


# -- facets and filters -------------------------------------------------------------------------


def test_territory_filter_follows_containment(index, store):
    rows = store.select(
        "SELECT DISTINCT ?e WHERE { ?e <https://schema.org/location> ?place . "
        f"?place <https://schema.org/containedInPlace>* <{BASE}id/place/departement/62> . "
        f"FILTER(STRSTARTS(STR(?e), {Literal(EVENT).n3()})) }}"
    )
    expected = {str(r["e"]) for r in rows}
    assert expected, "the seed holds events in the Pas-de-Calais"
    filters = Filters(kind="event", facets=[("territory", BASE + "id/place/departement/62")])
    assert set(walk(index, filters, "date", 2)) == expected


def test_theme_filter_includes_narrower_themes(index, store):
    themes = {
        str(r["t"])
        for r in store.select(
            f"SELECT DISTINCT ?t WHERE {{ ?t a <{SKOS.Concept}> . "
            f"FILTER(STRSTARTS(STR(?t), {Literal(BASE + 'id/theme/').n3()})) }}"
        )
    }
    assert themes
    for broad in themes:
        rows = store.select(
            "SELECT DISTINCT ?e WHERE { ?e <https://schema.org/about> ?t . "
            f"?t (<{SKOS.broader}>|^<{SKOS.narrower}>)* <{broad}> . "
            f"FILTER(STRSTARTS(STR(?e), {Literal(EVENT).n3()}) && !CONTAINS(STR(?e), '#')) }}"
        )
        filters = Filters(kind="event", facets=[("theme", broad)])
        assert set(walk(index, filters, "label", 3)) == {str(r["e"]) for r in rows}, broad


def filtered_searches(index: Index) -> list[tuple[str, Filters]]:
    """Searches narrowed by a facet, a kind and dates, on values the seed holds."""
    theme = index.facet_counts("theme", Filters(), text="mediation")[0].value
    pas_de_calais = ("territory", BASE + "id/place/departement/62")
    return [
        ("mediation", Filters(kind="event", facets=[pas_de_calais])),
        ("mediation", Filters(facets=[("theme", theme)])),
        ("mediation", Filters(kind="event", facets=[pas_de_calais, ("theme", theme)])),
        ("atelier", Filters(kind="event", when="past", today="2021-01-01")),
    ]


def test_a_filter_read_as_a_set_or_row_by_row_finds_the_same_matches(
    index, store, tmp_path, monkeypatch
):
    """A filter that selects few rows is read as a set the matches are checked against, one
    that selects many is joined to each match: the same rows in the same order, the same
    facet counts."""

    def found(text: str, filters: Filters, bound: int) -> tuple[list, dict]:
        monkeypatch.setattr(reads, "FILTER_SET_BOUND", bound)
        reader = Index(tmp_path / "index.sqlite", BASE, ("fr", "en"))
        reader.ensure(store)
        ranked, after = [], None
        while True:
            page, _, _ = reader.search(text, filters, limit=3, after=after)
            ranked += [(item.iri, item.score) for item in page.items]
            if page.next_key is None:
                break
            after = page.next_key
        facets = {
            facet: [(v.value, v.count) for v in reader.facet_counts(facet, filters, text=text)]
            for facet in ("kind", "theme", "territory", "year")
        }
        return ranked, facets

    for text, filters in filtered_searches(index):
        as_a_set, row_by_row = found(text, filters, 10**9), found(text, filters, 0)
        assert as_a_set == row_by_row, (text, filters)
        kept = {iri for iri, _ in as_a_set[0]}
        assert kept and kept < search_all(index, text), (text, filters)


def test_a_list_read_in_order_from_its_facets_or_from_upcoming_rows_gives_the_same_pages(
    index, monkeypatch
):
    """A list of a broad facet reads its rows in its order and looks each up in its facets;
    a narrow one reads the facet's rows and sorts them; a list of few upcoming rows starts
    from them: the same pages every way, forward and back, and a total (counted from the
    smallest facet, or the upcoming rows) that is their number."""
    theme = index.facet_counts("theme", Filters(kind="event"))[0].value
    pas_de_calais = ("territory", BASE + "id/place/departement/62")
    widest = ("territory", index.facet_counts("territory", Filters(kind="event"))[0].value)
    # Two themes whose events overlap, neither holding the other's: each facet counts.
    themes = {v.value: v.count for v in index.facet_counts("theme", Filters(kind="event"))}
    crossed = next(
        [("theme", a), ("theme", b)]
        for a, b in combinations(themes, 2)
        if 0
        < len(walk(index, Filters(kind="event", facets=[("theme", a), ("theme", b)]), "label", 9))
        < min(themes[a], themes[b])
    )
    lists = [
        Filters(kind="event", facets=[("theme", theme)]),
        Filters(kind="event", facets=[pas_de_calais], when="past", today="2019-12-05"),
        Filters(kind="event", facets=[pas_de_calais], top_level=True),
        Filters(kind="event", facets=crossed),
        Filters(kind="event", when="upcoming", today="2019-12-01"),
        Filters(kind="event", when="upcoming", today="2019-12-01", top_level=True),
        Filters(kind="event", facets=[widest], when="upcoming", today="2019-12-01"),
    ]
    # (from the upcoming rows, in the list's order): each way a list may be read.
    ways = [(False, True), (False, False), (True, True)]

    def pages(filters: Filters, order: str, way: tuple[bool, bool]) -> tuple[list, list, int]:
        monkeypatch.setattr(reads, "_few_upcoming", lambda db, f: way[0] and f.when == "upcoming")
        monkeypatch.setattr(reads, "_facets_checked", lambda db, f, limit: way[1])
        forward = walk(index, filters, order, 2)
        page = index.list(filters, order=order, limit=2)
        total = page.total
        while page.next_key is not None:
            page = index.list(filters, order=order, limit=2, after=page.next_key)
        backward = [item.iri for item in page.items]
        while page.prev_key is not None:
            page = index.list(filters, order=order, limit=2, before=page.prev_key)
            backward = [item.iri for item in page.items] + backward
        return forward, backward, total

    for filters in lists:
        for order in ("label", "date-desc"):
            read = [pages(filters, order, way) for way in ways]
            assert read[0] == read[1] == read[2], (filters, order)
            forward, backward, total = read[0]
            assert forward == backward and len(forward) == total, (filters, order)
    assert len(pages(lists[0], "label", ways[0])[0]) > 2, "the broad list has several pages"
    upcoming = pages(lists[-1], "date-desc", ways[2])[0]
    every = walk(index, Filters(kind="event", facets=[widest]), "label", 9)
    assert 2 < len(upcoming) < len(every), "the upcoming rows are some of the list's"


def test_a_list_of_few_upcoming_rows_without_facets_starts_from_them(index, monkeypatch):
    """Read in date order from the oldest, a kind's rows hold every past one before the first
    upcoming (the home page's upcoming days took 170 ms at ten million triples when none
    was, the list of upcoming events 1.6 s): up to ``FEW_UPCOMING``, the upcoming rows are
    read from the index on their end and sorted (the same pages: the test above)."""
    upcoming = Filters(kind="event", when="upcoming", today="2019-12-01")
    assert walk(index, upcoming, "date", 9), "some events of the index are upcoming then"
    with index._bounded() as db:
        assert reads._few_upcoming(db, upcoming)
        assert reads._few_upcoming(db, replace(upcoming, top_level=True))
        assert not reads._few_upcoming(db, replace(upcoming, when="past"))
        monkeypatch.setattr(reads, "FEW_UPCOMING", 0)
        assert not reads._few_upcoming(db, upcoming)


def test_the_facets_of_past_rows_are_the_tallies_less_the_rows_not_past(index, monkeypatch):
    """An archive's rows are nearly all past: counted over them, the facets of the past
    events passed the time-out at ten million triples. The kind's tallies less its few rows
    that are not past (upcoming, undated) give the same counts, in the same order, as the
    count over the past rows: for each facet, day, sub-kind, prefix and length."""
    lists = [
        Filters(kind=kind, subkind=subkind, when="past", today=today)
        for kind, subkind in (("event", None), ("event", "session"), ("actor", None))
        for today in ("2019-11-01", "2019-12-04", "2019-12-05", "2021-01-01", "2100-01-01")
    ]
    asked = [
        (facet, limit, prefix)
        for facet in ("kind", "subkind", "theme", "territory", "organizer", "audience", "year")
        for limit in (1, 2, 12)
        for prefix in (None, BASE + "id/place/departement/")
        if prefix is None or facet == "territory"
    ]
    counted = 0
    for filters in lists:
        for facet, limit, prefix in asked:
            monkeypatch.setattr(past, "NOT_PAST_BOUND", 10_000)
            from_tallies = index._facet_counts(facet, filters, "", limit, prefix)
            monkeypatch.setattr(past, "NOT_PAST_BOUND", -1)  # too many: counted over them
            over_the_rows = index._facet_counts(facet, filters, "", limit, prefix)
            assert from_tallies == over_the_rows, (filters, facet, limit, prefix)
            counted += len(from_tallies)
    assert counted > 100, "the lists have past rows with facets"


def test_upcoming_and_past_split_dated_events_at_today(index, store):
    all_dated = {i.iri: i for i in index.get(our_events(store)).values() if i.end_day}
    for today in ("2019-11-01", "2019-12-04", "2019-12-05", "2021-01-01"):
        upcoming = set(walk(index, Filters(kind="event", when="upcoming", today=today), "date", 4))
        past = set(walk(index, Filters(kind="event", when="past", today=today), "date-desc", 4))
        assert upcoming | past == set(all_dated)
        assert not upcoming & past
        assert all(all_dated[i].end_day >= today for i in upcoming)


def test_every_item_once_in_both_directions(index, store):
    filters = Filters(kind="event")
    forward = walk(index, filters, "date-desc", 3)
    assert sorted(forward) == sorted(our_events(store))
    assert len(forward) == len(set(forward))
    # Back from the end, page by page, gives the same order.
    page = index.list(filters, order="date-desc", limit=3, after=None)
    keys = []
    while page.next_key is not None:
        keys.append(page.next_key)
        page = index.list(filters, order="date-desc", limit=3, after=page.next_key)
    backward = [item.iri for item in page.items]
    while page.prev_key is not None:
        page = index.list(filters, order="date-desc", limit=3, before=page.prev_key)
        backward = [item.iri for item in page.items] + backward
    assert backward == forward


def test_a_search_pages_through_rows_of_the_same_rank_each_once_in_iri_order(index, store):
    """Rows alike in kind and words rank the same: a page that ends among them goes on
    after the last IRI shown, then to the rows ranked after them, whatever the page's size."""
    graph = URIRef(BASE + "graph/test")
    twins = [URIRef(f"{EVENT}permanence-{n:02d}") for n in (7, 3, 11, 1, 9, 5, 2, 10, 4)]
    longer = URIRef(EVENT + "permanence-du-samedi")
    alike = Changeset(
        add=[(twin, RDF.type, SDO.Event, graph) for twin in twins + [longer]]
        + [(twin, SDO.name, Literal("Permanence zigomatique", lang="fr"), graph) for twin in twins]
        + [
            (
                longer,
                SDO.name,
                Literal("Permanence zigomatique du samedi au centre social", lang="fr"),
                graph,
            )
        ]
    )
    store.apply(alike)
    index.update(store, changed_iris(alike))
    for size in (1, 2, 4, 20):
        ranked, after = [], None
        while True:
            page, _, _ = index.search("zigomatique", Filters(), limit=size, after=after)
            ranked += [(item.score, item.iri) for item in page.items]
            if page.next_key is None:
                break
            after = page.next_key
        expected = sorted(str(twin) for twin in twins) + [str(longer)]
        assert [iri for _, iri in ranked] == expected, size
        assert len({score for score, _ in ranked[:-1]}) == 1, "the twins rank the same"
        assert ranked[-1][0] > ranked[0][0], "the longer name ranks after them"


def test_keys_in_urls_round_trip_and_refuse_anything_else():
    key = ("2019-12-04", LIEVIN_DAY)
    assert decode_key(encode_key(key)) == key
    assert decode_key(encode_key((-1.25e-06, LIEVIN_DAY))) == (-1.25e-06, LIEVIN_DAY)
    for bad in ("zzz", encode_key(("a",)), "W10", "eyJhIjoxfQ", "%%%", "x" * 5000):
        with pytest.raises(BadRequest):
            decode_key(bad)


# -- keeping in step with the store ----------------------------------------------------------------


def test_built_when_missing_and_rebuilt_when_stale(store, tmp_path):
    path = tmp_path / "fresh.sqlite"
    index = Index(path, BASE, ("fr", "en"))
    assert index.ensure(store) is True
    assert index.generation == store.generation
    assert index.ensure(store) is False
    # A write the index did not see (the service stopped before updating it).
    store.apply(
        Changeset(
            add=[
                (URIRef(EVENT + "tardif"), RDF.type, SDO.Event, None),
                (URIRef(EVENT + "tardif"), SDO.name, Literal("Réunion tardive", lang="fr"), None),
            ]
        )
    )
    reopened = Index(path, BASE, ("fr", "en"))
    assert reopened.ensure(store) is True
    assert EVENT + "tardif" in search_all(reopened, "reunions tardives")
    # Another base or language order is another index.
    assert Index(path, BASE, ("en", "fr")).is_current(store) is False
    # An index of another layout is dropped and built again.
    import sqlite3

    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '0' WHERE key = 'schema'")
        db.execute("DROP TABLE dep")
        db.execute("CREATE TABLE dep (iri TEXT, id INTEGER)")
    older = Index(path, BASE, ("fr", "en"))
    assert older.ensure(store) is True
    assert EVENT + "tardif" in search_all(older, "reunion tardive")
    # A file that is not an index of ours is never removed: it is set aside, kept as it was,
    # and an empty index starts in its place (built from the store by its builder).
    other = tmp_path / "precious.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE accounts (name TEXT)")
    kept = Index(other, BASE, ("fr", "en")).set_aside_as
    assert kept is not None and kept.name.startswith("precious.sqlite.damaged-")
    with sqlite3.connect(kept) as db:
        assert db.execute("SELECT name FROM sqlite_master").fetchall() == [("accounts",)]
    not_sqlite = tmp_path / "notes.txt"
    not_sqlite.write_text("mes notes")
    fresh = Index(not_sqlite, BASE, ("fr", "en"))
    assert fresh.set_aside_as is not None and fresh.set_aside_as.read_text() == "mes notes"
    assert not fresh.servable and fresh.ensure(store) is True
    assert EVENT + "tardif" in search_all(fresh, "reunion tardive")


def test_update_follows_a_renamed_place_to_the_events_held_there(index, store):
    held_there = {
        str(r["e"])
        for r in store.select(f"SELECT ?e WHERE {{ ?e <https://schema.org/location> <{ARENA}> }}")
    }
    assert held_there
    old_names = list(store.quads(URIRef(ARENA), SDO.name, None))
    changes = Changeset(
        remove=old_names,
        add=[(URIRef(ARENA), SDO.name, Literal("Salle Zénith de Liévin"), old_names[0][3])],
    )
    store.apply(changes)
    rewritten = index.update(store, changed_iris(changes))
    # The place and the events held there, nothing else.
    assert rewritten == len(held_there) + 1
    assert held_there | {ARENA} <= search_all(index, "zenith")
    item = index.get([LIEVIN_DAY])[LIEVIN_DAY]
    assert ("Salle Zénith de Liévin", "") in item.where(FR)
    assert index.generation == store.generation


def test_update_adds_changes_and_removes_resources(index, store):
    new = URIRef(EVENT + "2020-03-10-atelier-numerique")
    graph = URIRef(BASE + "graph/test")
    added = Changeset(
        add=[
            (new, RDF.type, SDO.Event, graph),
            (new, SDO.name, Literal("Atelier numérique des médiatrices", lang="fr"), graph),
            (
                new,
                SDO.startDate,
                Literal("2020-03-10", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date")),
                graph,
            ),
            (new, SDO.location, URIRef(ARENA), graph),
            (new, SDO.about, URIRef(BASE + "id/theme/illectronisme"), graph),
            (new, SDO.organizer, URIRef(BASE + "id/actor/france-mediation"), graph),
        ]
    )

    def organised() -> int:
        counts = index.facet_counts("organizer", Filters(kind="event"), limit=100)
        return {v.value: v.count for v in counts}[BASE + "id/actor/france-mediation"]

    before = organised()
    store.apply(added)
    index.update(store, changed_iris(added))
    assert organised() == before + 1, "facet counts follow the update"
    assert str(new) in search_all(index, "ateliers numeriques mediatrice")
    for facet, value in (
        ("territory", BASE + "id/place/departement/62"),
        ("theme", BASE + "id/theme/acces-aux-droits"),
        ("organizer", BASE + "id/actor/france-mediation"),
        ("year", "2020"),
    ):
        assert str(new) in walk(index, Filters(kind="event", facets=[(facet, value)]), "date", 5)

    # A part (hash IRI) added later makes its text searchable with its resource.
    part = URIRef(str(new) + "#apport-1")
    with_part = Changeset(
        add=[
            (part, RDF.type, MED.Finding, graph),
            (part, SDO.text, Literal("Les tablettes prêtées aux habitants", lang="fr"), graph),
            (new, MED.finding, part, graph),
        ]
    )
    store.apply(with_part)
    index.update(store, changed_iris(with_part))
    assert str(new) in search_all(index, "tablette")

    # Removed from the store: removed from the index.
    gone = Changeset(
        remove=[q for q in store.quads(new, None, None)]
        + [q for q in store.quads(part, None, None)]
    )
    store.apply(gone)
    index.update(store, changed_iris(gone))
    assert str(new) not in search_all(index, "atelier numerique")
    assert index.get([str(new)]) == {}


def test_a_narrower_link_stated_from_the_top_reaches_the_events(index, store):
    broad = URIRef(BASE + "id/theme/reconnaissance-du-metier")
    narrow = URIRef(BASE + "id/theme/reseau-de-la-mediation")
    events = set(walk(index, Filters(kind="event", facets=[("theme", str(narrow))]), "date", 5))
    assert events
    before = set(walk(index, Filters(kind="event", facets=[("theme", str(broad))]), "date", 5))
    assert events - before
    changes = Changeset(add=[(broad, SKOS.narrower, narrow, URIRef(BASE + "graph/themes"))])
    store.apply(changes)
    index.update(store, changed_iris(changes))
    after = set(walk(index, Filters(kind="event", facets=[("theme", str(broad))]), "date", 5))
    assert after == before | events


def test_remove_drops_rows(index):
    assert index.remove([LIEVIN_DAY + "#role-organisateur-france-mediation"]) == 1
    assert index.get([LIEVIN_DAY]) == {}


def test_reindex_command_builds_the_index_the_server_then_uses(seeded, tmp_path, mediation):
    import subprocess

    directory = tmp_path / "store"
    shutil.copytree(seeded, directory)
    done = subprocess.run(
        [mediation, "reindex", "--store", str(directory)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "ressources indexées" in done.stdout and "resources indexed" in done.stdout
    store = EmbeddedStore(directory, workers=False)
    try:
        assert Index(directory / "index.sqlite", BASE, ("fr", "en")).is_current(store)
    finally:
        store.close()
    missing = subprocess.run(
        [mediation, "reindex", "--store", str(tmp_path / "nothing")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 1 and "Pas de magasin" in missing.stderr
    assert "Traceback" not in missing.stderr


# -- tallies, incoming links, a fresh index in place ----------------------------------------------


def recount(index: Index) -> dict[tuple, int]:
    """The tallies as a count of the rows would give them, from the index's own rows."""
    import sqlite3

    from service.search.records import tally_keys

    counted: dict[tuple, int] = {}
    with sqlite3.connect(index.path) as db:
        facets: dict[int, dict[str, set[str]]] = {}
        for rid, facet, value in db.execute(
            "SELECT f.id, f.facet, t.iri FROM facet f JOIN term t ON t.id = f.value"
        ):
            facets.setdefault(rid, {}).setdefault(facet, set()).add(value)
        for rid, kind, subkind, precision, start in db.execute(
            "SELECT id, kind, subkind, date_precision, start_day FROM resource"
        ):
            for key in tally_keys(kind, subkind, facets.get(rid, {}), precision, start):
                counted[key] = counted.get(key, 0) + 1
        kept = {tuple(row[:4]): row[4] for row in db.execute("SELECT * FROM tally")}
    return counted, kept


def test_tallies_stay_a_count_of_the_rows_through_updates(index, store):
    counted, kept = recount(index)
    assert kept == counted and kept[("event", "", "*", "*")] > 0
    graph = URIRef(BASE + "graph/test")
    new = URIRef(EVENT + "2021-05-atelier-compte")
    added = Changeset(
        add=[
            (new, RDF.type, SDO.Event, graph),
            (new, SDO.name, Literal("Atelier des comptes", lang="fr"), graph),
            (new, SDO.startDate, Literal("2021-05", datatype=XSD.gYearMonth), graph),
            (new, SDO.location, URIRef(ARENA), graph),
            (new, SDO.about, URIRef(BASE + "id/theme/illectronisme"), graph),
        ]
    )
    store.apply(added)
    index.update(store, changed_iris(added))
    # A venue renamed and moved: every event held there is rewritten.
    moved = Changeset(remove=list(store.quads(URIRef(ARENA), SDO.containedInPlace, None)))
    store.apply(moved)
    index.update(store, changed_iris(moved))
    index.remove([LIEVIN_DAY])
    counted, kept = recount(index)
    assert kept == counted
    assert kept[("event", "", "month", "2021-05")] >= 1
    # The figures read from them agree with a count over the rows.
    years, _ = index.timeline(Filters(kind="event"))
    assert dict(years) == {
        v: n for (k, s, f, v), n in counted.items() if (k, s, f) == ("event", "", "year")
    }
    listed = index.list(Filters(kind="event"), limit=1)
    assert listed.total == counted[("event", "", "*", "*")]


def store_incoming(store, iri: str) -> dict[str, list[str]]:
    """Incoming links as the store has them: linking IRI by property, parts left out."""
    found: dict[str, set[str]] = {}
    for row in store.select(f"SELECT ?s ?p WHERE {{ ?s ?p <{iri}> FILTER(isIRI(?s)) }}"):
        if not str(row["s"]).startswith(iri + "#"):
            found.setdefault(str(row["p"]), set()).add(str(row["s"]))
    return {p: sorted(s) for p, s in found.items()}


def index_incoming(index: Index, iri: str, size: int = 2) -> dict[str, list[str]]:
    """Incoming links as the index gives them, every page walked by key."""
    found = {}
    for prop, count in index.incoming_properties(iri):
        subjects, after = [], None
        while True:
            page, total, more = index.incoming_subjects(iri, prop, size, after)
            assert total == count and len(page) <= size
            subjects += page
            if not more:
                break
            after = page[-1]
        assert len(subjects) == count
        found[prop] = subjects
    return found


LINKED = (
    ARENA,
    BASE + "id/theme/illectronisme",
    BASE + "id/actor/france-mediation",
    LIEVIN_DAY,
    BASE + "id/place/departement/62",
    BASE + "def",
)


def test_incoming_links_follow_every_write(index, store):
    for iri in LINKED:
        assert index_incoming(index, iri) == store_incoming(store, iri), iri
    graph = URIRef(BASE + "graph/test")
    held = sorted(store_incoming(store, ARENA)[str(SDO.location)])
    changes = Changeset(
        # One event leaves the venue, another links to it by a new property, a new one is added.
        remove=list(store.quads(URIRef(held[0]), SDO.location, URIRef(ARENA))),
        add=[
            (URIRef(held[-1]), SDO.contentLocation, URIRef(ARENA), graph),
            (URIRef(EVENT + "2022-01-10-atelier-lien"), SDO.location, URIRef(ARENA), graph),
            (URIRef(EVENT + "2022-01-10-atelier-lien"), RDF.type, SDO.Event, graph),
        ],
    )
    store.apply(changes)
    index.update(store, changed_iris(changes))
    for iri in LINKED:
        assert index_incoming(index, iri) == store_incoming(store, iri), iri
    # A build from the store gives the same links as the updates did.
    rebuilt = Index(index.path.parent / "rebuilt.sqlite", BASE, ("fr", "en"))
    rebuilt.ensure(store)
    for iri in LINKED:
        assert index_incoming(rebuilt, iri) == index_incoming(index, iri), iri


def test_a_fresh_index_takes_the_place_of_a_stale_one_with_the_writes_made_meanwhile(
    index, store, tmp_path
):
    from concurrent.futures import ThreadPoolExecutor

    reader = ThreadPoolExecutor(max_workers=1)  # a thread that keeps its own connection
    assert reader.submit(lambda: LIEVIN_DAY in search_all(index, "lievin")).result()
    graph = URIRef(BASE + "graph/test")
    unseen = URIRef(EVENT + "2023-02-02-reunion-inapercue")
    missed = Changeset(
        add=[
            (unseen, RDF.type, SDO.Event, graph),
            (unseen, SDO.name, Literal("Réunion inaperçue", lang="fr"), graph),
        ]
    )
    store.apply(missed)  # the index was not told: stale
    index.distrust()
    assert not index.trusted and index.servable
    index.record()
    fresh = Index(tmp_path / "fresh.sqlite", BASE, ("fr", "en"))
    fresh.build(store)
    during = URIRef(EVENT + "2023-02-03-reunion-pendant")
    meanwhile = Changeset(
        add=[
            (during, RDF.type, SDO.Event, graph),
            (during, SDO.name, Literal("Réunion pendant", lang="fr"), graph),
        ]
    )
    store.apply(meanwhile)
    index.update(store, changed_iris(meanwhile))  # reaches the served index and is recorded
    assert reader.submit(lambda: search_all(index, "reunion")).result() >= {str(during)}
    index.adopt(fresh, store)
    assert index.trusted and not fresh.path.exists()
    found = reader.submit(lambda: search_all(index, "reunion")).result()
    assert {str(unseen), str(during)} <= found, "the build's rows and the write made meanwhile"
    assert index.is_current(store)
    reader.shutdown()


def test_sessions_leave_the_top_level_list_and_come_back_when_their_event_becomes_a_series(
    index, store
):
    sessions = {
        str(r["s"]): str(r["e"])
        for r in store.select(
            f"""SELECT ?s ?e WHERE {{ ?s <{SDO.superEvent}> ?e . ?e a ?t .
            FILTER NOT EXISTS {{ ?e a <{SDO.EventSeries}> }} }}"""
        )
    }
    assert sessions
    top = set(walk(index, Filters(kind="event", top_level=True), "date", 4))
    every = set(walk(index, Filters(kind="event"), "date", 4))
    assert top == every - set(sessions)
    session, event = next(iter(sorted(sessions.items())))
    changes = Changeset(
        add=[(URIRef(event), RDF.type, SDO.EventSeries, URIRef(BASE + "graph/test"))]
    )
    store.apply(changes)
    index.update(store, changed_iris(changes))
    now = set(walk(index, Filters(kind="event", top_level=True), "date", 4))
    assert {s for s, e in sessions.items() if e == event} <= now


def test_a_calendar_cut_short_keeps_the_newest_or_the_next_events(index):
    """A calendar holds at most ``MAX_EVENTS``: of a big archive, the newest (of upcoming
    events, the next ones), oldest first; read from the oldest, it held the archive's first
    events and none a subscriber looks for."""
    every = walk(index, Filters(kind="event"), "date", 50)
    assert len(every) > 4
    assert [str(e) for e in calendar_events(index, Filters(kind="event"))] == every
    assert [str(e) for e in calendar_events(index, Filters(kind="event"), cap=3)] == every[-3:]
    upcoming = Filters(kind="event", when="upcoming", today="2019-11-01")
    soonest = walk(index, upcoming, "date", 50)
    assert 2 < len(soonest) < len(every)
    assert [str(e) for e in calendar_events(index, upcoming, cap=2)] == soonest[:2]
