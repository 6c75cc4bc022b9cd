"""Another base: an operator who mints IRIs under their own domain gets the seed there.

``ontology/``, ``shapes/`` and ``data/`` are written under the default base. Served with
``MEDIATION_BASE_URL`` set, an empty store is seeded with every resource moved under it,
so the same paths dereference; the vocabulary's and the shapes' IRIs are persistent and
stay where they are.
"""

from __future__ import annotations

import pytest
import requests
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from service.config import DEFAULT_BASE
from service.namespaces import MED, MEDSH, SDO, rebase

OTHER = "https://mediation.example.org/donnees/"
LIEVIN = "id/event/2019-12-04-journee-regionale-lievin"


@pytest.fixture(scope="module")
def other(tmp_path_factory, start_server):
    running = start_server(
        tmp_path_factory.mktemp("other-base") / "store", {"MEDIATION_BASE_URL": OTHER}
    )
    yield running
    running.stop()


def ask(server, query: str) -> list[dict]:
    response = requests.get(
        server.url + "sparql",
        params={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return response.json()["results"]["bindings"]


def test_rebase_moves_resources_and_keeps_the_vocabulary_and_the_shapes():
    assert rebase(DEFAULT_BASE + LIEVIN, OTHER) == OTHER + LIEVIN
    assert rebase(DEFAULT_BASE + "graph/territories", OTHER) == OTHER + "graph/territories"
    assert rebase(str(MED.Participation), OTHER) == str(MED.Participation)
    assert rebase(DEFAULT_BASE + "def", OTHER) == DEFAULT_BASE + "def"
    assert rebase(str(MEDSH.EventShape), OTHER) == str(MEDSH.EventShape)
    assert rebase("https://schema.org/Event", OTHER) == "https://schema.org/Event"


def test_the_seed_event_dereferences_under_the_other_base(other):
    response = requests.get(other.url + LIEVIN, headers={"Accept": "text/turtle"}, timeout=30)
    assert response.status_code == 200, response.text
    graph = Graph().parse(data=response.text, format="turtle")
    event = URIRef(OTHER + LIEVIN)
    assert (event, RDF.type, SDO.Event) in graph
    assert Literal("2019-12-04", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date")) in set(
        graph.objects(event, SDO.startDate)
    )
    # Its links point under the other base too, its vocabulary stays persistent.
    assert any(str(o).startswith(OTHER + "id/place/") for o in graph.objects(event, SDO.location))
    assert any(p.startswith(str(MED)) for p in graph.predicates(event))


def test_no_resource_is_left_under_the_default_base(other):
    rows = ask(
        other,
        f"""SELECT (COUNT(*) AS ?n) WHERE {{
        ?s ?p ?o
        FILTER(STRSTARTS(STR(?s), "{DEFAULT_BASE}id/") || STRSTARTS(STR(?o), "{DEFAULT_BASE}id/"))
    }}""",
    )
    assert rows[0]["n"]["value"] == "0"
    rows = ask(
        other,
        f"""SELECT (COUNT(*) AS ?n) WHERE {{
        GRAPH <{OTHER}graph/irev-2019-12-13-lievin> {{
            ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{OTHER}id/")) }}
    }}""",
    )
    assert int(rows[0]["n"]["value"]) > 100


def test_the_vocabulary_is_served_at_its_persistent_iris(other):
    response = requests.get(other.url + "def", headers={"Accept": "text/turtle"}, timeout=30)
    assert response.status_code == 200, response.text
    graph = Graph().parse(data=response.text, format="turtle")
    assert (MED.Participation, None, None) in graph
