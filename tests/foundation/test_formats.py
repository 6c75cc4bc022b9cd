"""Content negotiation: the reading of an ``Accept`` header is kept, and never mixed up with
another header's, and a header too long to keep is read each time."""

from __future__ import annotations

from service.formats import (
    GRAPH_FORMATS,
    JSONLD,
    KEPT_ACCEPT_CHARS,
    RESULTS_FORMATS,
    RESULTS_XML,
    TURTLE,
    negotiate,
    parse_accept,
)


def test_each_header_keeps_its_own_choice():
    asked = [
        ("text/turtle", GRAPH_FORMATS, TURTLE),
        ("application/ld+json", GRAPH_FORMATS, JSONLD),
        ("application/sparql-results+xml", RESULTS_FORMATS, RESULTS_XML),
        ("text/turtle", RESULTS_FORMATS, None),
    ]
    for _ in range(2):  # the second time from what was kept
        for header, choices, chosen in asked:
            assert negotiate(header, choices) is chosen


def test_a_header_too_long_to_keep_is_still_read_and_not_kept():
    padding = ",".join(f"application/x-{n};q=0.1" for n in range(KEPT_ACCEPT_CHARS // 20))
    header = f"application/ld+json,{padding}"
    assert len(header) > KEPT_ACCEPT_CHARS
    kept = parse_accept.cache_info().currsize, negotiate.cache_info().currsize
    assert negotiate(header, GRAPH_FORMATS) is JSONLD
    assert parse_accept(header).best == "application/ld+json"
    assert (parse_accept.cache_info().currsize, negotiate.cache_info().currsize) == kept


def test_a_malformed_or_missing_header_accepts_anything():
    for header in (None, "", "   "):
        assert list(parse_accept(header)) == [("*/*", 1)]
        assert negotiate(header, GRAPH_FORMATS) is TURTLE
