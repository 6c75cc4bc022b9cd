"""Times written without an offset are local times of the service's zone, which the shapes do
not know: they are accepted, compared with times of the same form, and with times that carry
an offset by their day only (docs/resources.md, "Dates and times")."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from service.namespaces import MEDSH, PREFIXES
from service.rdfio import parse_file
from service.validation.shacl import Validator, project_validator

BASE = Path(__file__).parent / "fixtures" / "shapes" / "valid" / "base.ttl"
PROLOGUE = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items()) + (
    "PREFIX ev: <https://w3id.org/mediation-sociale/id/event/>\n"
    "PREFIX post: <https://w3id.org/mediation-sociale/id/post/>\n"
    "PREFIX article: <https://w3id.org/mediation-sociale/id/article/>\n"
)
PLENARY_START = '"2019-12-04T09:00:00+01:00"^^xsd:dateTime'
PLENARY_END = '"2019-12-04T12:00:00+01:00"^^xsd:dateTime'
POSTED = '"2019-12-04T16:49:22+01:00"^^xsd:dateTime'


def local(text: str) -> str:
    return f'"{text}"^^xsd:dateTime'


def plenary(start: str, end: str) -> str:
    return (
        f"DELETE DATA {{ ev:fixture-plenary schema:startDate {PLENARY_START} ; "
        f"schema:endDate {PLENARY_END} }} ;\n"
        f"INSERT DATA {{ ev:fixture-plenary schema:startDate {start} ; schema:endDate {end} }}"
    )


def posted(value: str) -> str:
    post = "post:twitter-1202253569807855620"
    return (
        f"DELETE DATA {{ {post} schema:datePublished {POSTED} }} ;\n"
        f"INSERT DATA {{ {post} schema:datePublished {value} }}"
    )


CASES = {
    # Accepted: what a publisher writes, « de 9 h à 12 h », inside a day written with offsets.
    "a part in local time within a whole with offsets": (
        plenary(local("2019-12-04T09:00:00"), local("2019-12-04T12:00:00")),
        set(),
    ),
    "an end in local time after a start with an offset": (
        plenary(PLENARY_START, local("2019-12-04T12:00:00")),
        set(),
    ),
    # Europe/Paris goes back from 03:00 to 02:00 on 27 October 2024: 12 hours of local time
    # are 13 hours long.
    "a night across the change to winter time": (
        'DELETE DATA { ev:fixture-first-day schema:startDate "2019-11-19"^^xsd:date } ;\n'
        "INSERT DATA { ev:fixture-first-day schema:startDate "
        + local("2024-10-26T22:00:00")
        + " ; schema:endDate "
        + local("2024-10-27T10:00:00")
        + " }",
        set(),
    ),
    "a post's local time of its identifier's instant": (
        posted(local("2019-12-04T16:49:22")),
        set(),
    ),
    "an article modified in local time after its publication with an offset": (
        'DELETE DATA { ?a schema:dateModified "2019-12-13T15:52:00+01:00"^^xsd:dateTime } ;\n'.replace(
            "?a", "article:fixture"
        )
        + "INSERT DATA { article:fixture schema:dateModified "
        + local("2019-12-13T15:52:00")
        + " }",
        set(),
    ),
    # Refused: what is wrong whatever the zone.
    "an end before the start, both local": (
        plenary(local("2019-12-04T12:00:00"), local("2019-12-04T09:00:00")),
        {MEDSH.EventDatesOrderShape},
    ),
    "an end in local time the day before a start with an offset": (
        plenary(PLENARY_START, local("2019-12-03T12:00:00")),
        {MEDSH.EventDatesOrderShape},
    ),
    "a post's local time further from its identifier's instant than any zone": (
        posted(local("2019-12-05T08:00:00")),
        {MEDSH.TwitterPostDateShape},
    ),
}


@pytest.fixture(scope="module")
def core() -> Validator:
    return project_validator()


@pytest.fixture(scope="module")
def base() -> Graph:
    return parse_file(BASE)


@pytest.mark.parametrize("update, refused_by", CASES.values(), ids=CASES.keys())
def test_local_times_are_checked_by_what_the_shapes_can_know(core, base, update, refused_by):
    graph = Graph()
    graph += base
    graph.update(PROLOGUE + update)
    assert set(graph) != set(base), "the update changes nothing"
    report = core.validate(graph)
    shown = report.to_text("en")
    assert {r.shape for r in report.results} == refused_by, shown
    assert report.conforms == (not refused_by), shown
