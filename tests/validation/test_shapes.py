"""Each constraint of shapes/ rejects the data that breaks it, on that very shape.

Every fixture of ``fixtures/shapes/invalid/core`` is a SPARQL Update applied to the valid
``fixtures/shapes/valid/base.ttl``; its file name says which shape and which constraint
component it breaks (``Event-startDate.maxCount.ru`` → ``medsh:Event-startDate``,
``sh:MaxCountConstraintComponent``). As in the OGC GeoSPARQL validator's tests, an invalid
fixture must fail *on that shape*, not just fail: the result's ``sh:sourceShape`` and
``sh:sourceConstraintComponent`` are checked, and no other shape may complain unless the
fixture lists it on an ``# also:`` line. The search-engine shapes are tested the same
way against ``fixtures/shapes/valid/event-page.jsonld``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from service.namespaces import MEDSH, PREFIXES, SH
from service.rdfio import parse_file
from service.validation.shacl import (
    ONTOLOGY_DIR,
    SHAPES_DIR,
    Validator,
    core_shape_files,
    project_validator,
)

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
CORE_FIXTURES = sorted((FIXTURES / "invalid" / "core").glob("*.ru"))
SEARCH_FIXTURES = sorted((FIXTURES / "invalid" / "search-engines").glob("*.ru"))
SEARCH_SHAPES = SHAPES_DIR / "search-engines" / "event-rich-results.ttl"

# The prefixes every fixture update may use without declaring them.
FIXTURE_PREFIXES = {
    **PREFIXES,
    "ev": "https://w3id.org/mediation-sociale/id/event/",
    "actor": "https://w3id.org/mediation-sociale/id/actor/",
    "place": "https://w3id.org/mediation-sociale/id/place/",
    "article": "https://w3id.org/mediation-sociale/id/article/",
    "doc": "https://w3id.org/mediation-sociale/id/document/",
    "post": "https://w3id.org/mediation-sociale/id/post/",
    "role": "https://w3id.org/mediation-sociale/id/role/",
    "mission": "https://w3id.org/mediation-sociale/id/mission/",
    "status": "https://w3id.org/mediation-sociale/id/curation/",
    "scheme": "https://w3id.org/mediation-sociale/id/scheme/",
    "ex": "https://example.org/fixture/",
}
SPARQL_PROLOGUE = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in FIXTURE_PREFIXES.items())


def component(name: str) -> URIRef:
    """``minCount`` → ``sh:MinCountConstraintComponent``; ``sparql`` → ``sh:SPARQLConstraintComponent``."""
    if name == "sparql":
        return SH.SPARQLConstraintComponent
    return SH[name[0].upper() + name[1:] + "ConstraintComponent"]


def expectation(fixture: Path) -> tuple[URIRef, URIRef, set[URIRef]]:
    """The shape and component a fixture breaks, from its name, and the other shapes it
    may also trip, from its ``# also:`` lines."""
    shape, constraint = fixture.stem.rsplit(".", 1)
    also = set(
        re.findall(r"^# also: medsh:(\S+)$", fixture.read_text(encoding="utf-8"), re.MULTILINE)
    )
    return MEDSH[shape], component(constraint), {MEDSH[name] for name in also}


def broken(base: Graph, fixture: Path) -> tuple[Graph, set]:
    """The base with the fixture's update applied, and the resources around what changed."""
    graph = Graph()
    graph += base
    # rdflib forgets the prologue after the first operation of a request: bind the prefixes.
    for prefix, namespace in FIXTURE_PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    graph.update(SPARQL_PROLOGUE + fixture.read_text(encoding="utf-8"))
    changed = set(graph) ^ set(base)
    assert changed, f"{fixture.name} changes nothing"
    return graph, around(graph, changed)


def around(graph: Graph, changed: set) -> set:
    """The resources a change touches and their neighbours, both ways: every rule of the shapes
    looks at most one link away from its focus node, and the base conforms as a whole
    (test_base_fixture_conforms_without_a_single_result), so results elsewhere cannot change."""
    touched = {term for s, _, o in changed for term in (s, o) if not isinstance(term, Literal)}
    near = set(touched)
    for s, _, o in graph:
        if o in touched:
            near.add(s)
        if s in touched and not isinstance(o, Literal):
            near.add(o)
    return near


def severity(shapes: Graph, shape: URIRef) -> URIRef:
    return shapes.value(shape, SH.severity) or SH.Violation


@pytest.fixture(scope="session")
def core() -> Validator:
    return project_validator()


@pytest.fixture(scope="session")
def search() -> Validator:
    # Schema.org-only page data: no vocabulary of ours as context.
    return Validator(parse_file(SEARCH_SHAPES))


@pytest.fixture(scope="session")
def base() -> Graph:
    return parse_file(FIXTURES / "valid" / "base.ttl")


@pytest.fixture(scope="session")
def event_page() -> Graph:
    return parse_file(FIXTURES / "valid" / "event-page.jsonld")


def test_base_fixture_conforms_without_a_single_result(core, base):
    report = core.validate(base)
    assert report.conforms and report.results == [], report.to_text("en")


def test_event_page_fixture_meets_every_search_engine_shape(search, event_page):
    report = search.validate(event_page)
    assert report.conforms and report.results == [], report.to_text("en")


def test_there_are_fixtures():
    assert len(CORE_FIXTURES) > 200 and len(SEARCH_FIXTURES) > 30


@pytest.mark.parametrize("fixture", CORE_FIXTURES, ids=lambda path: path.stem)
def test_core_fixture_fails_on_its_shape(core, base, fixture):
    check(core, *broken(base, fixture), fixture)


@pytest.mark.parametrize("fixture", SEARCH_FIXTURES, ids=lambda path: path.stem)
def test_search_engine_fixture_fails_on_its_shape(search, event_page, fixture):
    check(search, *broken(event_page, fixture), fixture)


def check(validator: Validator, data: Graph, focus: set, fixture: Path) -> None:
    shape, constraint, also = expectation(fixture)
    report = validator.validate(data, focus_nodes=focus)
    shown = report.to_text("en")
    assert (shape, constraint) in {(r.shape, r.component) for r in report.results}, shown
    assert {r.shape for r in report.results} <= {shape} | also, shown
    # A warning leaves the data conforming; a violation does not.
    assert report.conforms == (severity(validator.shapes_graph, shape) == SH.Warning), shown
    for result in report.results:
        if result.shape == shape:
            # Written for the person fixing the data: a message in each language.
            assert result.message("fr") and result.message("en"), shown
            assert result.message("fr") != result.message("en"), shown


def test_real_data_conforms_through_the_api():
    """The seed data and the ontology, with the project's own shapes (the command line is
    tested in test_validate_cli.py)."""
    from service.rdfio import parse_files
    from service.seed import rdf_files

    validator = project_validator()
    for folder in (ONTOLOGY_DIR.parent / "data", ONTOLOGY_DIR):
        report = validator.validate(parse_files(rdf_files([folder])))
        assert report.conforms, report.to_text("en")
        assert not report.violations


def test_core_shapes_exclude_the_search_engine_set():
    assert SEARCH_SHAPES not in core_shape_files()
    assert SEARCH_SHAPES.is_file()


#: Partial dates (a month, a year: a source that gives no day) against the date rules: the
#: update applied to the base fixture, and the shape and component it breaks, or None when
#: the data conforms (a month or a year compares as far as it goes).
PARTIAL_DATES = {
    "a month that is no month": (
        'DELETE DATA { ev:fixture-first-day schema:startDate "2019-11-19"^^xsd:date } ;'
        ' INSERT DATA { ev:fixture-first-day schema:startDate "2019-13"^^xsd:gYearMonth }',
        (MEDSH["Event-startDate"], SH.OrConstraintComponent),
    ),
    "a month in words": (
        'DELETE DATA { ev:fixture-first-day schema:startDate "2019-11-19"^^xsd:date } ;'
        ' INSERT DATA { ev:fixture-first-day schema:startDate "novembre 2019"^^xsd:gYearMonth }',
        (MEDSH["Event-startDate"], SH.OrConstraintComponent),
    ),
    "a year that is no year": (
        'DELETE DATA { ev:fixture-restitution schema:startDate "2020"^^xsd:gYear } ;'
        ' INSERT DATA { ev:fixture-restitution schema:startDate "20"^^xsd:gYear }',
        (MEDSH["Event-startDate"], SH.OrConstraintComponent),
    ),
    "an end month before the start month": (
        'DELETE DATA { ev:fixture-restitution schema:startDate "2020"^^xsd:gYear } ;'
        ' INSERT DATA { ev:fixture-restitution schema:startDate "2020-06"^^xsd:gYearMonth ;'
        ' schema:endDate "2020-03"^^xsd:gYearMonth }',
        (MEDSH.EventDatesOrderShape, SH.SPARQLConstraintComponent),
    ),
    "an end year before a start day": (
        'INSERT DATA { ev:fixture-first-day schema:endDate "2018"^^xsd:gYear }',
        (MEDSH.EventDatesOrderShape, SH.SPARQLConstraintComponent),
    ),
    "an end day within the start month": (
        'DELETE DATA { ev:fixture-restitution schema:startDate "2020"^^xsd:gYear } ;'
        ' INSERT DATA { ev:fixture-restitution schema:startDate "2020-06"^^xsd:gYearMonth ;'
        ' schema:endDate "2020-06-12"^^xsd:date }',
        None,
    ),
    "an end month of a start day": (
        'INSERT DATA { ev:fixture-first-day schema:endDate "2019-11"^^xsd:gYearMonth }',
        None,
    ),
    "a series of months around its days": (
        "INSERT DATA { ev:fixture-series schema:startDate"
        ' "2019-11"^^xsd:gYearMonth ; schema:endDate "2019-12"^^xsd:gYearMonth }',
        None,
    ),
    "a day before its series' month": (
        "INSERT DATA { ev:fixture-series schema:startDate"
        ' "2019-12"^^xsd:gYearMonth ; schema:endDate "2019-12"^^xsd:gYearMonth }',
        (MEDSH.SubEventWithinShape, SH.SPARQLConstraintComponent),
    ),
    "a workshop in the year after its day": (
        'DELETE DATA { ev:fixture-workshop schema:startDate "2019-12-04"^^xsd:date ;'
        ' schema:endDate "2019-12-04"^^xsd:date } ;'
        ' INSERT DATA { ev:fixture-workshop schema:startDate "2020"^^xsd:gYear }',
        (MEDSH.SubEventWithinShape, SH.SPARQLConstraintComponent),
    ),
}


@pytest.mark.parametrize("case", PARTIAL_DATES, ids=str)
def test_a_partial_date_is_read_as_far_as_it_goes(core, base, case):
    update, expected = PARTIAL_DATES[case]
    data = Graph()
    data += base
    for prefix, namespace in FIXTURE_PREFIXES.items():
        data.bind(prefix, namespace, override=True, replace=True)
    data.update(SPARQL_PROLOGUE + update)
    report = core.validate(data, focus_nodes=around(data, set(data) ^ set(base)))
    found = {(r.shape, r.component) for r in report.results}
    if expected is None:
        assert report.conforms and not found, report.to_text("en")
    else:
        assert expected in found and {s for s, _ in found} == {expected[0]}, report.to_text("en")
