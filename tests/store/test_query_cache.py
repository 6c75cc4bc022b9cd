"""The result cache on its own (``service/store/cache.py``): an answer is found only at the
generation it was read at, never after a newer one is known, and the bytes kept stay within
the bound."""

from __future__ import annotations

import logging
import threading

import pytest

from service.formats import RESULTS_JSON, TURTLE
from service.store import QueryRequest, QueryResponse
from service.store.cache import QueryCache, cache_key, keepable
from service.store.embedded import EmbeddedStore
from service.store.refresh import Refresher


def request(query: str = "SELECT * { ?s ?p ?o }", **options) -> QueryRequest:
    return QueryRequest(query, result_format=RESULTS_JSON, graph_format=TURTLE, **options)


def answer(size: int = 100) -> QueryResponse:
    return QueryResponse(b"x" * size, RESULTS_JSON.media_type, "select", 1, False)


def test_an_answer_is_found_at_its_generation_only():
    cache, key = QueryCache(10_000), cache_key(request())
    assert cache.put(3, key, answer())
    assert cache.get(3, key) == answer()
    assert cache.get(4, key) is None  # a write: out of reach, and dropped
    assert cache.get(3, key) is None
    assert len(cache) == 0 and cache.bytes == 0


def test_an_answer_read_before_a_newer_generation_is_not_kept():
    # A query read generation 5; a write (6) was announced before its answer arrived.
    cache, key = QueryCache(10_000), cache_key(request())
    cache.advance(6)
    assert not cache.put(5, key, answer())
    assert cache.get(6, key) is None


def test_every_part_of_the_question_is_in_the_key():
    base = cache_key(request())
    assert base == cache_key(request())
    for changed in (
        request("SELECT * { ?s ?p ?o } LIMIT 1"),
        request(max_rows=5),
        request(default_graph_uris=("http://example.org/g",)),
        request(named_graph_uris=("http://example.org/g",)),
        request(base_iri="http://example.org/"),
        request(union_default_graph=False),
        QueryRequest("SELECT * { ?s ?p ?o }", result_format=TURTLE, graph_format=TURTLE),
    ):
        assert cache_key(changed) != base


def test_the_bytes_kept_stay_within_the_bound_oldest_out_first():
    cache = QueryCache(4_000)
    keys = [cache_key(request(f"SELECT * {{ ?s ?p {n} }}")) for n in range(20)]
    for key in keys:
        assert cache.put(1, key, answer(500))
        assert cache.bytes <= 4_000
    assert cache.get(1, keys[-1]) is not None
    assert cache.get(1, keys[0]) is None
    assert 0 < len(cache) < 20


def test_an_answer_over_a_quarter_of_the_bound_is_not_kept():
    cache, key = QueryCache(4_000), cache_key(request())
    assert not cache.put(1, key, answer(1_000))
    assert cache.get(1, key) is None


def test_a_new_generation_wakes_whoever_waits_for_it():
    cache = QueryCache(4_000)
    cache.advance(1)
    seen = []
    waiter = threading.Thread(target=lambda: seen.append(cache.wait_for_change(1, 60)))
    waiter.start()
    cache.advance(2)
    waiter.join(60)
    assert seen == [2]


@pytest.mark.parametrize(
    "query, kept",
    [
        ("SELECT (NOW() AS ?t) WHERE {}", False),
        ("select * { ?s ?p ?o } order by rand ( ) limit 1", False),
        ("SELECT * { BIND(BNODE() AS ?b) }", False),
        ("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", False),
        ("SELECT * { ?s ?p ?d FILTER(?d<NOW()&&?d>3) }", False),
        ("SELECT (UUID() AS ?u) (1 AS ?n) {}", False),
        ("SELECT (StrUuid() AS ?u) {}", False),
        ("select * { service <http://example.org/sparql> { ?s ?p ?o } }", False),
        # A text naming none of them is kept without its tokens being read.
        ("SELECT * { ?s ?p ?o } LIMIT 3", True),
        # Names in strings, comments, variables or prefixed names are not calls.
        ('SELECT * { ?s ?p "NOW() RAND()" } # a write through the service', True),
        ("PREFIX ex: <http://example.org/> SELECT ?now { ?s ex:rand ?now }", True),
    ],
)
def test_only_a_query_that_answers_the_same_each_time_is_kept(query, kept):
    assert keepable(request(query)) is kept


def test_a_store_closed_under_the_refresher_ends_it_without_a_warning_per_example(tmp_path, caplog):
    """The service stopping closes the store while the examples are being computed again:
    the refresher ends there, saying so once, instead of failing every example left."""
    store = EmbeddedStore(tmp_path / "store", workers=False)
    store.query_cache = QueryCache(10_000)
    store.close()
    examples = [request(f"SELECT * {{ ?s ?p {n} }}") for n in range(5)]
    refresher = Refresher(store, lambda: examples)
    with caplog.at_level(logging.INFO, logger="service.store.refresh"):
        refresher.start()
        refresher._thread.join(timeout=30)
    assert not refresher._thread.is_alive()
    said = [(r.levelno, r.getMessage()) for r in caplog.records]
    assert said == [(logging.INFO, "examples no longer computed: the store is closed")]
    assert refresher.computed == 0
