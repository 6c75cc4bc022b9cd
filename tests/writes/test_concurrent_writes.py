"""Writes sent at the same time: each is validated outside the write lock, and applied only if
nothing it read changed meanwhile. Writes on distinct resources all land, each with its
record; two writes each valid alone but not together never both land."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from service.namespaces import GRAPH, ID

HISTORY = GRAPH["history"]


@pytest.fixture(scope="module")
def site(tmp_path_factory, writable_server):
    running = writable_server(tmp_path_factory.mktemp("concurrent"))
    yield running
    running.stop()


def together(sends: list[Callable[[], object]]) -> list:
    """Run every send in its own thread, released at once; their answers in order."""
    answers: list = [None] * len(sends)
    start = threading.Barrier(len(sends))

    def run(i: int) -> None:
        start.wait()
        answers[i] = sends[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(sends))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def test_concurrent_writes_on_distinct_resources_all_land_with_their_records(
    site, insert_event, select, health
):
    before = health(site)["generation"]
    iris = [ID[f"event/ensemble-{n}"] for n in range(8)]
    answers = together(
        [
            lambda iri=iri, n=n: insert_event(site, iri, f"Atelier ensemble {n}")
            for n, iri in enumerate(iris)
        ]
    )
    assert [a.status_code for a in answers] == [200] * len(iris)
    changes = {a.headers["X-Mediation-Change"] for a in answers}
    assert len(changes) == len(iris)
    assert health(site)["generation"] == before + len(iris)
    found = select(
        site,
        "SELECT DISTINCT ?e WHERE { ?e a schema:Event . FILTER(STRSTARTS(STR(?e), "
        f'"{ID["event/ensemble-"]}")) }}',
    )
    assert {row["e"] for row in found} == {str(iri) for iri in iris}
    # Each write has its record in the history, naming the event it created and the
    # generation it made: one each, none shared.
    rows = select(
        site,
        f"""SELECT ?change ?event ?generation WHERE {{ GRAPH <{HISTORY}> {{
          ?change a prov:Activity ; prov:influenced ?event ; med:generation ?generation .
          FILTER(STRSTARTS(STR(?event), "{ID["event/ensemble-"]}")) }} }}""",
    )
    assert {row["change"] for row in rows} == changes
    assert {row["event"] for row in rows} == {str(iri) for iri in iris}
    assert sorted(int(row["generation"]) for row in rows) == list(
        range(before + 1, before + len(iris) + 1)
    )


def test_two_writes_valid_alone_but_not_together_never_both_land(
    site, insert_event, update, prefixes, select
):
    # schema:endDate has sh:maxCount 1: each write adds one end date to an event that has
    # none, so each is valid alone and the two together are not.
    events = [ID[f"event/une-seule-fin-{n}"] for n in range(4)]
    for n, iri in enumerate(events):
        assert insert_event(site, iri, f"Atelier à une seule fin {n}").status_code == 200

    def end(iri: str, day: str) -> Callable[[], object]:
        text = (
            f"{prefixes}INSERT DATA {{ GRAPH <{GRAPH['essais']}> {{ "
            f'<{iri}> schema:endDate "2024-05-{day}"^^xsd:date }} }}'
        )
        return lambda: update(site, text)

    answers = together([end(iri, day) for iri in events for day in ("03", "04")])
    for n, iri in enumerate(events):
        pair = answers[2 * n : 2 * n + 2]
        assert sorted(a.status_code for a in pair) == [200, 422], [a.text for a in pair]
        refused = next(a for a in pair if a.status_code == 422)
        assert "endDate" in refused.text
        rows = select(site, f"SELECT ?end WHERE {{ <{iri}> schema:endDate ?end }}")
        assert len(rows) == 1
