"""The index built through Oxigraph's index scans (the embedded store's plain reader) holds
what the index built through SPARQL holds (the reader of every other store), row for row."""

from __future__ import annotations

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF

from service.config import DEFAULT_BASE
from service.namespaces import MED, SDO
from service.search.index import Index
from service.search.queries import Filters
from service.store.interface import Changeset
from service.store.plain import PatternReader, SparqlReader

BASE = DEFAULT_BASE


def build_both(store, tmp_path, monkeypatch) -> tuple[Index, Index]:
    assert isinstance(store.plain_reader(), PatternReader)
    scans = Index(tmp_path / "scans.sqlite", BASE, ("fr", "en"))
    scans.build(store)
    with monkeypatch.context() as patched:
        patched.setattr(store, "plain_reader", lambda: SparqlReader(store))
        sparql = Index(tmp_path / "sparql.sqlite", BASE, ("fr", "en"))
        sparql.build(store)
    return scans, sparql


def test_index_scans_and_sparql_build_the_same_index(store, tmp_path, monkeypatch, index_tables):
    scans, sparql = build_both(store, tmp_path, monkeypatch)
    built = index_tables(scans.path)
    assert len(built["resource"]) > 50 and len(built["facet"]) > 100
    assert built == index_tables(sparql.path)
    for words in ("médiateurs", "atelier", "Liévin", "adulte-relais", "Pas-de-Calais"):
        one, _, _ = scans.search(words, Filters(), limit=50)
        other, _, _ = sparql.search(words, Filters(), limit=50)
        assert [i.iri for i in one.items] == [i.iri for i in other.items], words
        assert one.items, words


def test_blank_nodes_places_in_hierarchies_and_parts_read_alike(
    store, tmp_path, monkeypatch, index_tables
):
    """What the seed may hold little of: an inline place inside a commune, a part of an
    event linking to it, a theme stated narrower from the top, a triple in two graphs."""
    event = URIRef(BASE + "id/event/lecture-test")
    place, part = BNode(), URIRef(str(event) + "#part")
    commune = next(
        str(r["c"])
        for r in store.select(
            "SELECT ?c WHERE { ?c a ?t FILTER(CONTAINS(STR(?c), '/id/place/commune/')) } LIMIT 1"
        )
    )
    theme = next(
        str(r["t"])
        for r in store.select(
            "SELECT ?t WHERE { ?t ?p ?o FILTER(CONTAINS(STR(?t), '/id/theme/')) } LIMIT 1"
        )
    )
    one, two = URIRef(BASE + "graph/one"), URIRef(BASE + "graph/two")
    quads = [
        (event, RDF.type, SDO.Event, one),
        (event, SDO.name, Literal("Lecture publique à voix haute", lang="fr"), one),
        (event, SDO.name, Literal("Lecture publique à voix haute", lang="fr"), two),
        (event, SDO.location, place, one),
        (place, SDO.name, Literal("Salle du fond"), one),
        (place, SDO.containedInPlace, URIRef(commune), one),
        (event, SDO.about, URIRef(theme), one),
        (part, MED.inEvent, event, one),
        (part, SDO.description, Literal("Un rôle de lecteur bénévole", lang="fr"), one),
    ]
    store.apply(Changeset(remove=[], add=quads))
    scans, sparql = build_both(store, tmp_path, monkeypatch)
    assert index_tables(scans.path) == index_tables(sparql.path)
    found, _, _ = scans.search("lecteur bénévole", Filters(), limit=5)
    assert [i.iri for i in found.items] == [str(event)]
    within, _, _ = scans.search("lecture", Filters(facets=[("territory", commune)]), limit=5)
    assert str(event) in [i.iri for i in within.items]
