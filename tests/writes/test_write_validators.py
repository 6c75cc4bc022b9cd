"""The two write validators (the ``write_validator`` setting): a refused write reads the same
whichever checks it — its message, its report in French and English, its results and the
SHACL report — and an accepted one counts the same warnings."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from service.namespaces import GRAPH, ID


@pytest.fixture(scope="module")
def sites(tmp_path_factory, writable_server):
    """Two writable services on stores of their own, one per write validator."""
    running = {
        kind: writable_server(
            tmp_path_factory.mktemp(f"writes-{kind}"), {"MEDIATION_WRITE_VALIDATOR": kind}
        )
        for kind in ("compiled", "pyshacl")
    }
    yield running
    for server in running.values():
        server.stop()


def _refusals(prefixes: str, event_turtle) -> dict[str, str]:
    day = ID["event/2019-12-04-journee-regionale-lievin"]
    venue = ID["place/arena-lievin"]
    bad_date = event_turtle(ID["event/date-en-texte"], "Date en texte").replace(
        '"2024-05-02"^^xsd:date', '"demain"'
    )
    nameless = (
        f'<{ID["event/sans-nom"]}> a schema:Event ; schema:startDate "2024-05-02"^^xsd:date ; '
        f'schema:endDate "2024-05-01"^^xsd:date ; schema:location <{ID["actor/irev"]}> .'
    )
    return {
        "a date in words": f"{prefixes}INSERT DATA {{ GRAPH <{GRAPH['essais']}> {{ {bad_date} }} }}",
        "no name, an end before the start, an actor as venue": (
            f"{prefixes}INSERT DATA {{ GRAPH <{GRAPH['essais']}> {{ {nameless} }} }}"
        ),
        "a regional day that no longer holds its parts": f"""{prefixes}
            DELETE {{ GRAPH ?g {{ <{day}> schema:startDate ?d ; schema:endDate ?e }} }}
            INSERT {{ GRAPH ?g {{ <{day}> schema:startDate "2019-12-05"^^xsd:date ;
                                           schema:endDate "2019-12-05"^^xsd:date }} }}
            WHERE {{ GRAPH ?g {{ <{day}> schema:startDate ?d ; schema:endDate ?e }} }}""",
        "a venue still in use, deleted": (
            f"DELETE {{ GRAPH ?g {{ <{venue}> ?p ?o }} }} WHERE {{ GRAPH ?g {{ <{venue}> ?p ?o }} }}"
        ),
    }


CASES = [
    "a date in words",
    "no name, an end before the start, an actor as venue",
    "a regional day that no longer holds its parts",
    "a venue still in use, deleted",
]


@pytest.mark.parametrize("case", CASES)
def test_a_refused_write_reads_the_same_with_either_validator(
    sites, case, prefixes, event_turtle, update
):
    text = _refusals(prefixes, event_turtle)[case]
    answers = {kind: update(server, text) for kind, server in sites.items()}
    assert {kind: a.status_code for kind, a in answers.items()} == {
        "compiled": 422,
        "pyshacl": 422,
    }
    compiled, pyshacl = (answers[k].json() for k in ("compiled", "pyshacl"))
    for key in ("message", "summary", "counts", "results"):
        assert compiled[key] == pyshacl[key], key
    reports = [
        Graph().parse(data=json.dumps(body["report"]), format="json-ld")
        for body in (compiled, pyshacl)
    ]
    assert isomorphic(*reports)


def test_an_accepted_write_counts_the_same_warnings_with_either_validator(
    sites, prefixes, event_turtle, update
):
    """An event without an English name, a description or an organiser: accepted, with
    warnings."""
    iri = ID["event/avec-avertissements"]
    turtle = f'<{iri}> a schema:Event ; schema:name "Seulement en français"@fr ; ' + (
        f'schema:startDate "2024-05-02"^^xsd:date ; schema:location <{ID["place/arena-lievin"]}> .'
    )
    text = f"{prefixes}INSERT DATA {{ GRAPH <{GRAPH['essais']}> {{ {turtle} }} }}"
    answers = {
        kind: update(server, text, {"Accept": "application/json"}) for kind, server in sites.items()
    }
    assert [a.status_code for a in answers.values()] == [200, 200]
    warnings = {kind: a.json()["warnings"] for kind, a in answers.items()}
    assert warnings["compiled"] == warnings["pyshacl"] > 0
