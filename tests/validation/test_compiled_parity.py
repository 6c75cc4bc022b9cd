"""The compiled validator gives the results pySHACL gives, on every fixture of the shapes.

Each valid and invalid fixture of ``fixtures/shapes/`` (the invalid ones applied to the valid
base, checked on the resources around the change, as ``test_shapes.py`` does), the partial
dates and local times those tests use, and ``data/`` and ``ontology/`` as a whole: both
validators run on the same data and focus nodes, and their results are compared as sets of
(focus node, path, severity, component, source shape), then their reports as people read
them (in French and English, with each result's messages) and as SHACL report graphs.
"""

from __future__ import annotations

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from service.namespaces import MEDSH, SH
from service.rdfio import parse_file, parse_files
from service.seed import rdf_files
from service.validation import CompiledValidator, Report, Validator
from service.validation.shacl import ONTOLOGY_DIR, SHAPES_DIR

SEARCH_SHAPES = SHAPES_DIR / "search-engines" / "event-rich-results.ttl"


def results(report: Report) -> set[tuple]:
    return {
        (r.focus, report._path_text(r.path), r.severity, r.component, r.shape)
        for r in report.results
    }


def same(reference: Validator, compiled: CompiledValidator, data: Graph, focus=None) -> None:
    expected = reference.validate(data, focus_nodes=focus)
    found = compiled.validate(data, focus_nodes=focus)
    assert results(found) == results(expected), (
        f"pySHACL only: {results(expected) - results(found)}\n"
        f"compiled only: {results(found) - results(expected)}"
    )
    assert found.conforms == expected.conforms
    for result in found.results:
        if result.severity == SH.Violation:
            assert result.message("fr") and result.message("en")
    # What people read (the report in French and English, each result's messages) and what
    # machines read (the SHACL report) are the same too.
    for lang in ("fr", "en"):
        assert found.to_text(lang) == expected.to_text(lang)
    assert found.to_dict() == expected.to_dict()
    assert isomorphic(found.graph, expected.graph)


@pytest.fixture(scope="module")
def core_compiled(core) -> CompiledValidator:
    return CompiledValidator(core.shapes_graph, parse_files(rdf_files([ONTOLOGY_DIR])))


@pytest.fixture(scope="module")
def search_compiled() -> CompiledValidator:
    return CompiledValidator(parse_file(SEARCH_SHAPES))


def test_every_core_shape_is_compiled_and_the_others_are_listed(core_compiled, search_compiled):
    assert core_compiled.fallback == []
    # sh:not is not compiled: that one shape of the search-engine set is left to pySHACL,
    # and the parity below covers the two validators' results merged.
    assert search_compiled.fallback == [MEDSH.SearchRescheduledShape]


def test_the_valid_base_gives_the_same_results(core, core_compiled, base):
    same(core, core_compiled, base)


def test_an_invalid_core_fixture_gives_the_same_results(
    core, core_compiled, base, broken, core_fixture
):
    same(core, core_compiled, *broken(base, core_fixture))


def test_the_valid_event_page_gives_the_same_results(search, search_compiled, event_page):
    same(search, search_compiled, event_page)


def test_an_invalid_search_fixture_gives_the_same_results(
    search, search_compiled, event_page, broken, search_fixture
):
    same(search, search_compiled, *broken(event_page, search_fixture))


@pytest.mark.parametrize("folder", ["data", "ontology"])
def test_the_projects_files_give_the_same_results(core, core_compiled, folder):
    same(core, core_compiled, parse_files(rdf_files([ONTOLOGY_DIR.parent / folder])))


def _dates(start: str, end: str, event: str = "ev:fixture-plenary") -> str:
    return (
        f"DELETE {{ {event} schema:startDate ?s ; schema:endDate ?e }}\n"
        f"WHERE {{ {event} schema:startDate ?s OPTIONAL {{ {event} schema:endDate ?e }} }} ;\n"
        f"INSERT DATA {{ {event} schema:startDate {start} ; schema:endDate {end} }}"
    )


def _local(text: str) -> str:
    return f'"{text}"^^xsd:dateTime'


#: Dates the SPARQL rules compare (Oxigraph runs them here, rdflib under pySHACL): local times
#: and times with an offset, months and years, a post's instant.
DATES = {
    "local within offsets": _dates(_local("2019-12-04T09:00:00"), _local("2019-12-04T12:00:00")),
    "local end after an offset start": _dates(
        _local("2019-12-04T09:00:00+01:00"), _local("2019-12-04T12:00:00")
    ),
    "local end before local start": _dates(
        _local("2019-12-04T12:00:00"), _local("2019-12-04T09:00:00")
    ),
    "local end the day before": _dates(
        _local("2019-12-04T09:00:00+01:00"), _local("2019-12-03T12:00:00")
    ),
    "months in order": _dates(
        '"2020-06"^^xsd:gYearMonth', '"2020-06-12"^^xsd:date', "ev:fixture-restitution"
    ),
    "months out of order": _dates(
        '"2020-06"^^xsd:gYearMonth', '"2020-03"^^xsd:gYearMonth', "ev:fixture-restitution"
    ),
    "a year before its day": _dates(
        '"2019-11-19"^^xsd:date', '"2018"^^xsd:gYear', "ev:fixture-first-day"
    ),
    "a workshop a year after its day": _dates(
        '"2020"^^xsd:gYear', '"2020"^^xsd:gYear', "ev:fixture-workshop"
    ),
    "a post at a local time": (
        "DELETE { post:twitter-1202253569807855620 schema:datePublished ?d }\n"
        "WHERE { post:twitter-1202253569807855620 schema:datePublished ?d } ;\n"
        "INSERT DATA { post:twitter-1202253569807855620 schema:datePublished "
        + _local("2019-12-05T08:00:00")
        + " }"
    ),
}


@pytest.mark.parametrize("update", DATES.values(), ids=DATES.keys())
def test_dates_compared_by_sparql_give_the_same_results(core, core_compiled, base, changed, update):
    data, _ = changed(base, update)
    assert set(data) != set(base)
    same(core, core_compiled, data)
