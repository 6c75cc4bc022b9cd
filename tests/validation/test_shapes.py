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
from rdflib import Graph, URIRef

from service.namespaces import MEDSH, SH
from service.validation.shacl import (
    ONTOLOGY_DIR,
    SHAPES_DIR,
    Validator,
    core_shape_files,
    project_validator,
)

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"


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


def severity(shapes: Graph, shape: URIRef) -> URIRef:
    return shapes.value(shape, SH.severity) or SH.Violation


def test_base_fixture_conforms_without_a_single_result(core, base):
    report = core.validate(base)
    assert report.conforms and report.results == [], report.to_text("en")


def test_event_page_fixture_meets_every_search_engine_shape(search, event_page):
    report = search.validate(event_page)
    assert report.conforms and report.results == [], report.to_text("en")


def test_there_are_fixtures():
    invalid = FIXTURES / "invalid"
    assert len(list((invalid / "core").glob("*.ru"))) > 200
    assert len(list((invalid / "search-engines").glob("*.ru"))) > 30


def test_core_fixture_fails_on_its_shape(core, base, broken, core_fixture):
    check(core, *broken(base, core_fixture), core_fixture)


def test_search_engine_fixture_fails_on_its_shape(search, event_page, broken, search_fixture):
    check(search, *broken(event_page, search_fixture), search_fixture)


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
    search_shapes = SHAPES_DIR / "search-engines" / "event-rich-results.ttl"
    assert search_shapes not in core_shape_files()
    assert search_shapes.is_file()


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
def test_a_partial_date_is_read_as_far_as_it_goes(core, base, changed, case):
    update, expected = PARTIAL_DATES[case]
    data, focus = changed(base, update)
    report = core.validate(data, focus_nodes=focus)
    found = {(r.shape, r.component) for r in report.results}
    if expected is None:
        assert report.conforms and not found, report.to_text("en")
    else:
        assert expected in found and {s for s, _ in found} == {expected[0]}, report.to_text("en")
