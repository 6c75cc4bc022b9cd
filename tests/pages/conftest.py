"""Fixtures of the page tests: the resources of the project's files, which every page test
dereferences, and the path the server answers for each."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from service.config import DEFAULT_BASE

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def subjects() -> list[URIRef]:
    """Every IRI under the base that the files of data/ and ontology/ describe."""
    graph = Graph()
    for path in sorted((ROOT / "data").glob("*.ttl")) + sorted((ROOT / "ontology").glob("*.ttl")):
        graph.parse(path, format="turtle")
    found = {
        s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(DEFAULT_BASE)
    }
    return sorted(found, key=str)


@pytest.fixture(scope="session")
def documents(subjects) -> list[URIRef]:
    """The documents that hold those resources (a resource ``…#part`` is in ``…``)."""
    return sorted({URIRef(str(s).split("#", 1)[0]) for s in subjects}, key=str)


@pytest.fixture(scope="session")
def path_of() -> Callable[[URIRef], str]:
    """The path the server answers for an IRI of ours."""

    def path_of(iri: URIRef) -> str:
        return str(iri)[len(DEFAULT_BASE) :]

    return path_of
