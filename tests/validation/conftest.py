"""The shapes' fixtures, shared by the tests that check each shape (``test_shapes.py``) and
the tests that hold the compiled validator to pySHACL (``test_compiled_parity.py``).

Every fixture of ``fixtures/shapes/invalid/core`` is a SPARQL Update applied to the valid
``fixtures/shapes/valid/base.ttl``; those of ``invalid/search-engines`` to
``valid/event-page.jsonld``. A test that takes a ``core_fixture`` or a ``search_fixture``
argument runs once per fixture file, named after it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph, Literal

from service.namespaces import PREFIXES
from service.rdfio import parse_file
from service.validation.shacl import SHAPES_DIR, Validator, project_validator

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


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    for name, files in (("core_fixture", CORE_FIXTURES), ("search_fixture", SEARCH_FIXTURES)):
        if name in metafunc.fixturenames:
            metafunc.parametrize(name, files, ids=[path.stem for path in files])


def updated(base: Graph, update: str) -> Graph:
    """A copy of ``base`` with ``update`` applied, the fixtures' prefixes declared."""
    graph = Graph()
    graph += base
    # rdflib forgets the prologue after the first operation of a request: bind the prefixes.
    for prefix, namespace in FIXTURE_PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    graph.update(SPARQL_PROLOGUE + update)
    return graph


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


def _broken(base: Graph, fixture: Path) -> tuple[Graph, set]:
    graph = updated(base, fixture.read_text(encoding="utf-8"))
    changed = set(graph) ^ set(base)
    assert changed, f"{fixture.name} changes nothing"
    return graph, around(graph, changed)


def _changed(base: Graph, update: str) -> tuple[Graph, set]:
    graph = updated(base, update)
    return graph, around(graph, set(graph) ^ set(base))


@pytest.fixture(scope="session")
def broken() -> Callable[[Graph, Path], tuple[Graph, set]]:
    """``broken(base, fixture)``: the base with the fixture's update applied, and the
    resources around what changed (the fixture must change something)."""
    return _broken


@pytest.fixture(scope="session")
def changed() -> Callable[[Graph, str], tuple[Graph, set]]:
    """``changed(base, update)``: the base with a SPARQL Update of the test's own applied,
    and the resources around what changed."""
    return _changed


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


@pytest.fixture(scope="session")
def every_broken(base) -> list[tuple[str, Graph, set]]:
    """Every core fixture applied to the base: (name, graph, the resources around the change)."""
    return [(path.stem, *_broken(base, path)) for path in CORE_FIXTURES]
