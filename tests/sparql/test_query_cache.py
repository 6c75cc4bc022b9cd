"""Answers ``/sparql`` keeps by store generation: the same bytes as a fresh evaluation, never
stale after a write (through ``/sparql/update`` or ``/graphs``), on the embedded store and on
a remote Oxigraph server; bounded in bytes; the examples computed again after a write."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests
from rdflib import Graph
from rdflib.namespace import SH

from service.config import DEFAULT_BASE

EVENTS_NAMED = """PREFIX schema: <https://schema.org/>
SELECT ?event ?name WHERE { ?event a schema:Event ; schema:name ?name .
  FILTER(CONTAINS(STR(?name), "Cache")) } ORDER BY ?event ?name"""
LABELS = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?concept ?label WHERE { ?concept skos:prefLabel ?label } ORDER BY ?concept ?label"""
CONSTRUCT = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
CONSTRUCT { ?c skos:prefLabel ?l } WHERE { ?c skos:prefLabel ?l } LIMIT 30"""
#: What the editor (YASGUI) sends with a SELECT.
EDITOR_ACCEPT = "application/sparql-results+json,*/*;q=0.9"
CACHE = "X-Mediation-Cache"
ROOT = Path(__file__).resolve().parents[2]


def wait_for(condition, what: str, timeout: float = 120):
    """Poll ``condition`` until it holds; a wait, not a timing assertion."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"{what}: not within {timeout:.0f} s")


@pytest.fixture(scope="module", params=["embedded", "oxigraph"])
def site(request, tmp_path_factory, writable_server, start_oxigraph):
    """A writable service keeping answers, on the embedded store and on an Oxigraph server."""
    directory = tmp_path_factory.mktemp(f"cache-{request.param}")
    args, backing = [], None
    if request.param == "oxigraph":
        backing = start_oxigraph(directory / "oxigraph")
        args = ["--remote-query-url", backing.query_url]
        args += ["--remote-update-url", backing.update_url]
    running = writable_server(directory, args=args)
    yield running
    running.stop()
    if backing is not None:
        backing.stop()


def ask(site, query: str, accept: str = "application/sparql-results+json", method: str = "GET"):
    if method == "GET":
        answer = site.get("sparql", params={"query": query}, headers={"Accept": accept})
    else:
        answer = site.post("sparql", data={"query": query}, headers={"Accept": accept})
    assert answer.status_code == 200, answer.text
    return answer


@pytest.mark.parametrize(
    "query, accept",
    [
        (LABELS, "application/sparql-results+json"),
        (LABELS, "text/csv"),
        (LABELS, "application/sparql-results+xml"),
        (CONSTRUCT, "text/turtle"),
        (CONSTRUCT, "application/n-triples"),
    ],
)
def test_a_kept_answer_is_the_same_bytes_as_a_fresh_one(site, query, accept):
    first = ask(site, query, accept)
    again = ask(site, query, accept)
    assert again.headers[CACHE] == "hit"
    # The same question in other words (a comment) is evaluated afresh.
    fresh = ask(site, query + f"\n# {time.time_ns()}", accept)
    assert fresh.headers[CACHE] == "miss"
    assert again.content == first.content == fresh.content
    for name in ("Content-Type", "ETag", "Cache-Control", "X-Mediation-Rows"):
        assert again.headers[name] == first.headers[name]
    # A client holding the validator gets a 304, cached or not.
    revalidated = site.get(
        "sparql",
        params={"query": query},
        headers={"Accept": accept, "If-None-Match": first.headers["ETag"]},
    )
    assert revalidated.status_code == 304


@pytest.mark.parametrize(
    "query",
    [
        "SELECT (STRUUID() AS ?id) (RAND() AS ?r) WHERE {}",
        "SELECT ?u WHERE { BIND(UUID() AS ?u) }",
        "SELECT (CONCAT(STR(NOW()), STRUUID()) AS ?t) WHERE {}",
    ],
)
def test_a_query_whose_answer_changes_each_time_is_evaluated_each_time(site, query):
    # NOW, RAND, UUID, STRUUID and BNODE are evaluated afresh by each execution (SPARQL 1.1
    # §17.4): a sample drawn with RAND() is a new sample each time.
    first, again = ask(site, query), ask(site, query)
    assert first.headers[CACHE] == again.headers[CACHE] == "miss"
    assert first.content != again.content


def test_the_row_cap_and_the_format_are_part_of_the_question(site):
    json_answer = ask(site, LABELS)
    tsv = ask(site, LABELS, "text/tab-separated-values")
    assert tsv.headers[CACHE] == "miss"
    assert tsv.content != json_answer.content
    assert tsv.headers["Content-Type"].startswith("text/tab-separated-values")


def test_the_next_query_after_an_update_sees_it(site, insert_event):
    iri = f"{DEFAULT_BASE}id/event/essai-cache-update"
    before = ask(site, EVENTS_NAMED)
    assert ask(site, EVENTS_NAMED).headers[CACHE] == "hit"
    assert iri not in before.text
    assert insert_event(site, iri, "Journée Cache mise à jour").status_code in (200, 204)
    after = ask(site, EVENTS_NAMED)
    assert iri in after.text
    assert after.headers["ETag"] != before.headers["ETag"]
    # The editor's way (POST) sees it too.
    assert iri in ask(site, EVENTS_NAMED, method="POST").text


def test_the_next_query_after_a_graph_store_write_sees_it(site, auth):
    iri = f"{DEFAULT_BASE}id/event/essai-cache-graphs"
    graph = f"{DEFAULT_BASE}graph/essai-cache"
    ask(site, EVENTS_NAMED, method="POST")
    assert ask(site, EVENTS_NAMED, method="POST").headers[CACHE] == "hit"
    body = f"""@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<{iri}> a schema:Event ; schema:name "Journée Cache graphe"@fr , "Cache graph day"@en ;
  schema:startDate "2024-05-03"^^xsd:date ;
  schema:location <{DEFAULT_BASE}id/place/arena-lievin> ."""
    put = site.request(
        "PUT",
        "graphs",
        params={"graph": graph},
        data=body.encode("utf-8"),
        headers={**auth, "Content-Type": "text/turtle"},
    )
    assert put.status_code in (201, 204), put.text
    after = ask(site, EVENTS_NAMED, method="POST")
    assert after.headers[CACHE] == "miss"
    assert iri in after.text
    deleted = site.request("DELETE", "graphs", params={"graph": graph}, headers=auth)
    assert deleted.status_code == 204
    assert iri not in ask(site, EVENTS_NAMED, method="POST").text


def test_the_examples_are_computed_again_after_a_write(site, insert_event):
    generation = site.get("healthz").json()["generation"]
    wait_for(lambda: refreshed(site) >= generation, "the examples computed at start")
    query = example_query(site, "dernieres-modifications")
    before = ask(site, query, EDITOR_ACCEPT, method="POST")
    iri = f"{DEFAULT_BASE}id/event/essai-cache-exemples"
    assert insert_event(site, iri, "Journée Cache exemples").status_code in (200, 204)
    written = site.get("healthz").json()["generation"]
    assert written > generation
    wait_for(lambda: refreshed(site) == written, "the examples computed again after the write")
    assert site.get("healthz").json()["query_cache"]["examples"]["computed"] > 0
    # The first reader of an example after the write, from the editor, gets a kept answer:
    # the one a fresh evaluation gives, with the write in it (the history's new activity).
    kept = ask(site, query, EDITOR_ACCEPT, method="POST")
    assert kept.headers[CACHE] == "hit"
    fresh = ask(site, query + "\n# fresh", EDITOR_ACCEPT, method="POST")
    assert fresh.headers[CACHE] == "miss"
    assert kept.content == fresh.content != before.content


def refreshed(site) -> int:
    """The last generation whose examples the service computed again."""
    return site.get("healthz").json()["query_cache"]["examples"]["refreshed_generation"]


def example_query(site, slug: str) -> str:
    """An example's text as the service lists it (its service description)."""
    rows = requests.post(
        site.url + "sparql",
        data={
            "query": "PREFIX sh: <http://www.w3.org/ns/shacl#> SELECT ?q WHERE { "
            f"<{DEFAULT_BASE}id/query/{slug}> sh:select ?q }}"
        },
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    ).json()["results"]["bindings"]
    assert rows, slug
    return rows[0]["q"]["value"]


def test_kept_answers_stay_within_their_bound(tmp_path, start_server):
    bound = 100_000
    # Without the examples' answers, which would take their place in so small a bound.
    settings = {"MEDIATION_QUERY_CACHE_BYTES": str(bound), "MEDIATION_REFRESH_EXAMPLES": "0"}
    small = start_server(tmp_path / "store", settings)
    try:
        for number in range(40):
            query = f"{LABELS} LIMIT {20 + number}"
            assert ask(small, query).headers[CACHE] == "miss"
            cache = small.get("healthz").json()["query_cache"]
            assert 0 < cache["bytes"] <= bound
        assert cache["answers"] < 40  # the oldest went
        # The latest is still kept; the first went.
        assert ask(small, f"{LABELS} LIMIT 59").headers[CACHE] == "hit"
        assert ask(small, f"{LABELS} LIMIT 20").headers[CACHE] == "miss"
    finally:
        small.stop()


def test_no_answer_kept_when_the_bound_is_zero(tmp_path, start_server):
    off = start_server(tmp_path / "store", {"MEDIATION_QUERY_CACHE_BYTES": "0"})
    try:
        ask(off, LABELS)
        assert ask(off, LABELS).headers[CACHE] == "miss"
        assert off.get("healthz").json()["query_cache"] is None
    finally:
        off.stop()


def test_examples_too_slow_for_researchers_are_still_answered_at_once(tmp_path, start_server):
    """The examples computed in the background have ``refresh_timeout``, not the researchers'
    ``query_timeout``: at ten million quads some take longer than a researcher may wait, and
    are answered from what the background computed."""
    # A millisecond: hardly any query of a researcher ends in time; every example does in the
    # background's ten minutes.
    slow = start_server(tmp_path / "store", {"MEDIATION_QUERY_TIMEOUT": "0.001"})
    try:
        generation = slow.get("healthz").json()["generation"]
        wait_for(lambda: refreshed(slow) >= generation, "the examples computed at start")
        examples = seed_selects()
        assert len(examples) > 10
        for slug, query in examples.items():
            kept = slow.post("sparql", data={"query": query}, headers={"Accept": EDITOR_ACCEPT})
            assert kept.status_code == 200, (slug, kept.text)
            assert kept.headers[CACHE] == "hit", slug
        cross = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        fresh = slow.post("sparql", data={"query": cross}, headers={"Accept": EDITOR_ACCEPT})
        assert fresh.status_code == 503, fresh.text
        assert "0.001 s" in fresh.text
    finally:
        slow.stop()


def seed_selects() -> dict[str, str]:
    """The SELECT examples as the repository's data gives them (loaded at start), by slug."""
    graph = Graph().parse(ROOT / "data" / "examples.ttl")
    return {
        str(example).rsplit("/", 1)[-1]: str(text)
        for example, text in graph.subject_objects(SH.select)
    }
