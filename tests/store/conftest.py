"""Fixtures of the store tests: the small sample they load (never the project's seed), and a
query slow enough to be stopped."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from rdflib import URIRef

EX = "http://example.org/"
G1 = f"{EX}graph/one"
G2 = f"{EX}graph/two"
P_COUNT = f"{EX}count"


@dataclass(frozen=True)
class Sample:
    """A TriG document: two named graphs, a blank node, language tags, typed literals, and a
    triple in the default graph."""

    trig: str
    quads: int


@pytest.fixture(scope="session")
def sample() -> Sample:
    return Sample(
        trig=f"""
@prefix ex: <{EX}> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<{G1}> {{
  ex:event\\/1 ex:label "Journée régionale"@fr, "Regional day"@en ;
      ex:theme ex:theme\\/illectronisme ;
      ex:count 12 ;
      ex:place [ ex:label "Salle des fêtes" ; ex:city "Liévin" ] .
}}
<{G2}> {{
  ex:event\\/2 ex:label "Atelier"@fr ; ex:theme ex:theme\\/acces-aux-droits ; ex:count 3 .
  ex:event\\/1 ex:theme ex:theme\\/acces-aux-droits .
}}
ex:event\\/3 ex:label "Sans graphe" .
""",
        quads=12,
    )


@pytest.fixture(scope="session")
def slow_query() -> Callable[[URIRef], str]:
    """A SELECT over a graph of ``ex:count`` values that takes long: a cartesian product over
    generated data, with a filter no engine can shortcut."""

    def slow_query(graph: URIRef) -> str:
        return (
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?a <{P_COUNT}> ?x . ?b <{P_COUNT}> ?y . "
            f"?c <{P_COUNT}> ?z . ?d <{P_COUNT}> ?w }} FILTER(STR(?x + ?y * ?z - ?w) != 'never') }}"
        )

    return slow_query
