"""The change log beside the store (``changes.sqlite``) says what the history graph says.

Pages and feeds read the history from the log, by index; the history graph stays the
record. These tests write over HTTP, then compare what the change feed serves (and the
log's own kept count and generation, read from the file) with a SPARQL query over
``graph/history``: after writes; after a server killed with ``kill -9`` once its writes were
applied but before they reached the log (the log put back as it was before them: a crash
between the apply and the append leaves exactly that on disk); after the log file was
removed or is of another layout; on remote stores. And the feed's pages walk every change
exactly once, forwards and backwards.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest

from service.config import DEFAULT_BASE
from service.namespaces import GRAPH, ID

BASE = DEFAULT_BASE
HISTORY = GRAPH["history"]
LOG = "changes.sqlite"
AS = "https://www.w3.org/ns/activitystreams#"


def second(text: str) -> str:
    """A time as the change feed writes it: UTC, to the second."""
    moment = datetime.fromisoformat(text.strip().replace(" ", "T").replace("Z", "+00:00"))
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@pytest.fixture(scope="module")
def recorded(select) -> Callable[..., set[tuple[str, ...]]]:
    """Every activity of the history graph: item, type, resource, time, agent, change."""

    def recorded(server) -> set[tuple[str, ...]]:
        rows = select(
            server,
            f"""SELECT ?item ?type ?object ?published ?name ?change WHERE {{
            GRAPH <{HISTORY}> {{
              ?item a ?type ; as:object ?object ; as:published ?published ; dct:isPartOf ?change .
              ?change prov:wasAssociatedWith/foaf:name ?name .
              VALUES ?type {{ as:Create as:Update as:Delete }} }} }}""",
        )
        return {
            (
                row["item"],
                row["type"][len(AS) :],
                row["object"],
                second(row["published"]),
                row["name"],
                row["change"],
            )
            for row in rows
        }

    return recorded


def feed_pages(server) -> tuple[dict, list[dict]]:
    """The collection and its pages, from the first by ``next``."""
    collection = server.get("changes").json()
    pages, address = [], collection["first"]
    while address:
        answer = server.get(address[len(server.url) :])
        assert answer.status_code == 200, answer.text
        pages.append(answer.json())
        address = pages[-1].get("next")
    return collection, pages


def served(server) -> list[tuple[str, ...]]:
    """Every activity of the change feed, in its order, as :func:`recorded` gives them."""
    _, pages = feed_pages(server)
    return [
        (
            item["id"],
            item["type"],
            item["object"]["id"],
            item["published"],
            item["actor"]["name"],
            item["context"],
        )
        for page in pages
        for item in page["orderedItems"]
    ]


def log_state(store: Path) -> dict[str, str]:
    """The log's own record of itself, read from its file: layout, generation, kept count."""
    db = sqlite3.connect(f"file:{store / LOG}?mode=ro", uri=True)
    try:
        return dict(db.execute("SELECT key, value FROM meta").fetchall())
    finally:
        db.close()


@pytest.fixture(scope="module")
def assert_in_step(recorded, health) -> Callable[..., set[tuple[str, ...]]]:
    """The feed serves what the history graph holds, each once, with ``totalItems`` and the
    log's kept count equal to it, and the log at the store's generation."""

    def assert_in_step(server) -> set[tuple[str, ...]]:
        expected = recorded(server)
        found = served(server)
        assert len(found) == len(set(found))
        assert set(found) == expected
        assert server.get("changes").json()["totalItems"] == len(expected)
        state = log_state(server.store_dir)
        assert int(state["count"]) == len(expected)
        assert int(state["generation"]) == health(server)["generation"]
        return expected

    return assert_in_step


def save_log(store: Path, copy: Path) -> None:
    """A consistent copy of the live log (SQLite's backup: what its file held at that moment)."""
    source = sqlite3.connect(f"file:{store / LOG}?mode=ro", uri=True)
    target = sqlite3.connect(copy)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def put_back(store: Path, copy: Path | None) -> None:
    """Replace the log by ``copy`` (None: remove it), with its write-ahead files."""
    for suffix in ("", "-wal", "-shm"):
        (store / (LOG + suffix)).unlink(missing_ok=True)
    if copy is not None:
        (store / LOG).write_bytes(copy.read_bytes())


def event(n: int) -> str:
    return str(ID[f"event/journal-{n}"])


@pytest.fixture(scope="module")
def turtle_of(event_turtle) -> Callable[[int], str]:
    """Event ``n`` in Turtle."""

    def turtle_of(n: int) -> str:
        return event_turtle(event(n), f"Journée {n}")

    return turtle_of


@pytest.fixture(scope="module")
def insert_events(turtle_of, update, prefixes):
    """One write creating several events (one change, one time, one activity each)."""

    def insert_events(server, numbers: list[int], graph: str | None = None):
        graph = graph or str(GRAPH["essais"])
        body = " ".join(turtle_of(n) for n in numbers)
        answer = update(server, f"{prefixes}INSERT DATA {{ GRAPH <{graph}> {{ {body} }} }}")
        assert answer.status_code == 200, answer.text
        return answer

    return insert_events


@pytest.fixture(scope="module")
def rename(update, prefixes) -> Callable[..., None]:
    """One write giving several events a new description (an update of each)."""

    def rename(server, numbers: list[int], suffix: str) -> None:
        graph, values = GRAPH["essais"], " ".join(f"<{event(n)}>" for n in numbers)
        answer = update(
            server,
            f"""{prefixes}
            DELETE {{ GRAPH <{graph}> {{ ?e schema:description ?d }} }}
            INSERT {{ GRAPH <{graph}> {{ ?e schema:description "{suffix}"@fr }} }}
            WHERE {{ VALUES ?e {{ {values} }}
                     OPTIONAL {{ GRAPH <{graph}> {{ ?e schema:description ?d }} }} }}""",
        )
        assert answer.status_code == 200, answer.text

    return rename


@pytest.fixture(scope="module")
def delete(update) -> Callable[..., None]:
    """One write deleting event ``n`` from every graph."""

    def delete(server, n: int) -> None:
        answer = update(server, f"DELETE WHERE {{ GRAPH ?g {{ <{event(n)}> ?p ?o }} }}")
        assert answer.status_code == 200, answer.text

    return delete


@pytest.fixture(scope="module")
def restart(start_server):
    """The server started again on its store, with its environment."""

    def restart(server, extra_args: list[str] | None = None):
        return start_server(server.store_dir, server.env, extra_args)

    return restart


def test_the_log_says_what_the_history_graph_says_through_crashes_and_removals(
    tmp_path,
    assert_in_step,
    delete,
    insert_events,
    prefixes,
    rename,
    restart,
    select,
    start_server,
    tokens,
    turtle_of,
    update,
):
    store = tmp_path / "store"
    server = start_server(store, {"MEDIATION_WRITE_TOKEN": tokens, "MEDIATION_PAGE_SIZE": "3"})
    try:
        assert assert_in_step(server) == set()  # the seed is loaded, not written
        insert_events(server, [1])
        insert_events(server, [2, 3])
        rename(server, [1, 2], "Renommée")
        delete(server, 3)
        # One write into two graphs: two resources, two targets.
        body = (
            f"GRAPH <{GRAPH['essais']}> {{ {turtle_of(4)} }} "
            f"GRAPH <{GRAPH['essais-bis']}> {{ {turtle_of(5)} }}"
        )
        assert update(server, f"{prefixes}INSERT DATA {{ {body} }}").status_code == 200
        written = assert_in_step(server)
        assert {(row[1], row[2]) for row in written} >= {
            ("Create", event(1)),
            ("Update", event(2)),
            ("Delete", event(3)),
            ("Create", event(5)),
        }
        # A resource's history reads the log: the page shows its changes, newest first.
        page = server.get("id/event/journal-1", headers={"Accept": "text/html"}).text
        section = page.split('id="history-title"', 1)[1].split("</section>", 1)[0]
        shown = [
            piece.split('"', 1)[0]
            for piece in section.split('href="')[1:]
            if piece.startswith("/id/change/")
        ]
        rows = select(
            server,
            f"""SELECT ?item ?published ?change WHERE {{ GRAPH <{HISTORY}> {{
            ?item as:object <{event(1)}> ; as:published ?published ; dct:isPartOf ?change }} }}""",
        )
        newest_first = sorted(
            rows,
            key=lambda row: (
                datetime.fromisoformat(row["published"].replace("Z", "+00:00")),
                row["item"],
            ),
            reverse=True,
        )
        assert len(shown) == 2
        assert shown == [row["change"][len(BASE) - 1 :] for row in newest_first]
        # The tombstone comes from the log's last deletion.
        assert server.get("id/event/journal-3", headers={"Accept": "text/html"}).status_code == 410

        # Killed after two writes were applied but before they reached the log: the log on
        # disk is as it was before them. At restart it catches up with those generations.
        saved = tmp_path / "before.sqlite"
        save_log(store, saved)
        before = log_state(store)
        insert_events(server, [6])
        rename(server, [4, 5, 6], "Encore")
        server.stop(kill=True)
        put_back(store, saved)
        assert log_state(store) == before
        server = restart(server)
        assert "change log caught up" in server.log()
        caught = assert_in_step(server)
        assert len(caught) == len(written) + 4

        # Killed at once after an acknowledged write, the log untouched: nothing lost.
        insert_events(server, [7])
        server.stop(kill=True)
        server = restart(server)
        assert len(assert_in_step(server)) == len(caught) + 1

        # The file removed: rebuilt from the history graph.
        server.stop()
        put_back(store, None)
        server = restart(server)
        assert "rebuilt from the history graph" in server.log()
        assert len(assert_in_step(server)) == len(caught) + 1

        # A file of another layout: rebuilt, not misread.
        server.stop()
        db = sqlite3.connect(store / LOG)
        with db:
            db.execute("UPDATE meta SET value = 'another' WHERE key = 'layout'")
        db.close()
        server = restart(server)
        assert log_state(store)["layout"] != "another"
        assert len(assert_in_step(server)) == len(caught) + 1

        # A damaged file: made again.
        server.stop()
        put_back(store, None)
        (store / LOG).write_bytes(b"pas une base SQLite / not an SQLite database\n" * 64)
        server = restart(server)
        assert len(assert_in_step(server)) == len(caught) + 1
    finally:
        server.stop()


def test_the_feed_pages_walk_every_change_once_both_ways(
    tmp_path, insert_events, recorded, rename, start_server, tokens
):
    server = start_server(
        tmp_path / "store", {"MEDIATION_WRITE_TOKEN": tokens, "MEDIATION_PAGE_SIZE": "4"}
    )
    try:
        # Writes of three resources each: a change's activities share their time, so page
        # boundaries fall inside changes and the item decides the order.
        for start in range(10, 40, 3):
            insert_events(server, [start, start + 1, start + 2])
        rename(server, list(range(10, 19)), "Modifiée")
        collection, pages = feed_pages(server)
        items = [item["id"] for page in pages for item in page["orderedItems"]]
        assert len(items) == len(set(items)) == collection["totalItems"] == 39
        assert {row[0] for row in recorded(server)} == set(items)
        assert all(len(page["orderedItems"]) == 4 for page in pages[:-1])
        stamps = [item["published"] for page in pages for item in page["orderedItems"]]
        assert stamps == sorted(stamps, reverse=True)
        assert "prev" not in pages[0]
        # Backwards from the last page by prev: the same pages, in reverse, then no prev.
        back, address = [], pages[-1].get("prev")
        while address:
            page = server.get(address[len(server.url) :]).json()
            back.insert(0, [item["id"] for item in page["orderedItems"]])
            address = page.get("prev")
        assert back == [[item["id"] for item in page["orderedItems"]] for page in pages[:-1]]
        # A key from the middle, both ways: the items on either side, none twice, none lost.
        middle = pages[4]["next"][len(server.url) :]
        older = server.get(middle).json()
        newer = server.get(older["prev"][len(server.url) :]).json()
        assert [item["id"] for item in newer["orderedItems"]] == [
            item["id"] for item in pages[4]["orderedItems"]
        ]
        # A key that is not one is a 400, not an empty page.
        assert server.get("changes", params={"after": "hier|x"}).status_code == 400
        # A resource's history pages the same way: two changes so far, five with three more,
        # more than a page of four.
        for n in range(3):
            rename(server, [10], f"Version {n}")
        page = server.get("id/event/journal-10", headers={"Accept": "text/html"}).text
        section = page.split('id="history-title"', 1)[1].split("</section>", 1)[0]
        assert 'rel="next"' in section
    finally:
        server.stop()


def test_the_atom_feed_lists_the_events_written_since_the_last_build(
    tmp_path, build_of, delete, insert_events, start_server, tokens, wait_for_build
):
    # After the first build, no other for ten minutes: what the feed shows of the writes
    # comes from the change log.
    server = start_server(
        tmp_path / "store",
        {
            "MEDIATION_WRITE_TOKEN": tokens,
            "MEDIATION_BUILD_SETTLE": "600",
            "MEDIATION_BUILD_MAX_DELAY": "600",
        },
    )
    try:
        built = build_of(wait_for_build(server))
        insert_events(server, [50])
        feed = feedparser.parse(server.get("feeds/events.atom").content)
        assert not feed.bozo, feed.get("bozo_exception")
        assert feed.entries[0].id == event(50)
        assert feed.entries[0].title == "Journée 50"
        assert build_of(server.get(".well-known/void")) == built
        delete(server, 50)
        feed = feedparser.parse(server.get("feeds/events.atom").content)
        assert event(50) not in {entry.id for entry in feed.entries}
        assert BASE + "id/event/2019-12-04-journee-regionale-lievin" in {
            entry.id for entry in feed.entries
        }
    finally:
        server.stop()


#: The remote stores, each started by its ``start_<name>`` fixture.
STARTERS = ("oxigraph", "virtuoso")


@pytest.mark.parametrize("kind", sorted(STARTERS))
def test_on_a_remote_store_the_log_is_rebuilt_and_catches_up(
    tmp_path,
    kind,
    request,
    assert_in_step,
    delete,
    insert_events,
    rename,
    restart,
    start_server,
    tokens,
):
    backing = request.getfixturevalue(f"start_{kind}")(tmp_path / kind)
    args = ["--remote-query-url", backing.query_url, "--remote-update-url", backing.update_url]
    store = tmp_path / "store"
    server = None
    try:
        server = start_server(store, {"MEDIATION_WRITE_TOKEN": tokens}, args)
        insert_events(server, [1, 2])
        rename(server, [1], "Distante")
        written = assert_in_step(server)
        assert len(written) == 3
        saved = tmp_path / "before.sqlite"
        save_log(store, saved)
        delete(server, 2)
        insert_events(server, [3])
        server.stop(kill=True)
        put_back(store, saved)
        server = restart(server, args)
        assert "change log caught up" in server.log()
        assert len(assert_in_step(server)) == 5
        server.stop()
        put_back(store, None)
        server = restart(server, args)
        assert "rebuilt from the history graph" in server.log()
        assert len(assert_in_step(server)) == 5
    finally:
        if server is not None:
            server.stop()
        backing.stop()
