"""What the ingest tests share: two communes of one name, told apart by their départements."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef

from service.namespaces import IGEO, RDF, SDO

ID = "https://w3id.org/mediation-sociale/id/"


@pytest.fixture
def homonym_towns() -> Graph:
    """Saint-Denis in Seine-Saint-Denis (93066) and at La Réunion (97411), each with its
    département: a name the reader can only place by the département named beside it."""
    graph = Graph()
    for code, departement, name in (
        ("93066", "93", "Seine-Saint-Denis"),
        ("97411", "974", "La Réunion"),
    ):
        commune = URIRef(f"{ID}place/commune/{code}")
        dep = URIRef(f"{ID}place/departement/{departement}")
        graph.add((commune, RDF.type, IGEO.Commune))
        graph.add((commune, RDF.type, SDO.AdministrativeArea))
        graph.add((commune, SDO.name, Literal("Saint-Denis", lang="fr")))
        graph.add((commune, SDO.containedInPlace, dep))
        graph.add((dep, RDF.type, IGEO.Departement))
        graph.add((dep, SDO.name, Literal(name, lang="fr")))
    return graph
