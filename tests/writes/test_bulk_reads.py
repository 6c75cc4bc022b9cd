"""What a bulk load's validation reads. The survey of its new graphs
(``bulkload.survey_graph``): asked of Oxigraph's index by SPARQL for a named graph, it finds
what a pass over the graph's quads finds, the subjects in the same order (the order the
history records their documents in). The batches' neighbourhoods (``bulkload.own_reader``):
each node's quads read from the store as it was and the lines the load wrote are those the
store with the load in it holds."""

from __future__ import annotations

import pytest
from rdflib import BNode, URIRef

from service.config import DEFAULT_BASE
from service.formats import NQUADS
from service.namespaces import GRAPH, ID
from service.store import Changeset, LandedQuads, open_snapshot
from service.store.embedded import EmbeddedStore
from service.validation import project_validator
from service.writes.bulkload import (
    classify_loaded,
    graph_links,
    own_reader,
    scanned_links,
    survey,
    survey_graph,
)
from service.writes.neighbourhood import Neighbourhood, gather, write_rules

SCHEMA = "https://schema.org/"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"


def _lines(graph: str | None) -> str:
    """Events, venues with blank-node addresses (one nested), text-only resources, links to
    a resource the store held before and a sub-event (a link the shapes read backwards)."""
    at = f" <{graph}>" if graph else ""
    old_venue, old_event = ID["place/ancienne-salle"], ID["event/ancien"]
    rows = []
    for n in range(30):
        event, venue = ID[f"event/lot-{n}"], ID[f"place/lot-{n}"]
        rows += [
            f"<{event}> <{TYPE}> <{SCHEMA}Event>",
            f'<{event}> <{SCHEMA}name> "Atelier {n}"@fr',
            f"<{event}> <{SCHEMA}location> <{venue if n % 3 else old_venue}>",
            f"<{venue}> <{SCHEMA}address> _:a{n}",
            f'_:a{n} <{SCHEMA}addressLocality> "Ville {n}"',
            f"_:a{n} <{SCHEMA}geo> _:g{n}",
            f'_:g{n} <{SCHEMA}latitude> "4{n % 10}.5"',
            f'<{ID[f"actor/texte-{n}"]}> <{SCHEMA}description> "Seulement du texte {n}"@fr',
            # A name that is a link: more than text.
            f"<{ID[f'actor/lien-{n}']}> <{SCHEMA}name> <{ID[f'actor/texte-{n}']}>",
        ]
        if n % 7 == 0:
            rows.append(f"<{old_event}> <{SCHEMA}subEvent> <{event}>")
    return "".join(f"{row}{at} .\n" for row in rows)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> EmbeddedStore:
    """A store holding a venue and an event before (a snapshot of it beside it, ``earlier``),
    then the new graph and default graph, their quads kept (``landed``), with a date the
    store writes otherwise and a quad more for the venue held before."""
    root = tmp_path_factory.mktemp("survey")
    store = EmbeddedStore(root / "store", workers=False)
    before = (
        f"<{ID['event/ancien']}> <{SCHEMA}location> <{ID['place/ancienne-salle']}> "
        f"<{GRAPH['avant']}> .\n"
        f"<{ID['place/ancienne-salle']}> <{TYPE}> <{SCHEMA}Place> <{GRAPH['avant']}> .\n"
        f"<{ID['event/vieux']}> <{SCHEMA}location> <{ID['place/ancienne-salle']}> "
        f"<{GRAPH['avant']}> .\n"
    )
    store.load(before.encode(), NQUADS, None)
    store.snapshot(root / "earlier")
    store.landed = LandedQuads(root / "landed.nq")
    more = (
        f'<{ID["event/lot-1"]}> <{SCHEMA}startDate> "2024-05-02+00:00"^^<{XSD_DATE}> <{GRAPH["plus"]}> .\n'
        f'<{ID["place/ancienne-salle"]}> <{SCHEMA}name> "Ancienne salle"@fr <{GRAPH["plus"]}> .\n'
        f"<{ID['place/ancienne-salle']}> <{SCHEMA}address> _:z <{GRAPH['plus']}> .\n"
        f'_:z <{SCHEMA}addressLocality> "Lens" <{GRAPH["plus"]}> .\n'
    )
    body = _lines(str(GRAPH["lot"])) + _lines(None) + more
    store.load(body.encode(), NQUADS, None, check=lambda: None, landed=store.landed)
    yield store
    store.landed.close()
    store.close()


@pytest.fixture(scope="module")
def rules():
    return write_rules(project_validator())


def test_the_queries_find_what_a_pass_over_the_quads_finds(loaded, rules):
    ordered, deep, linked = graph_links(loaded, GRAPH["lot"], rules)
    scanned = scanned_links(loaded, GRAPH["lot"], rules)
    assert ordered == scanned[0]  # the index's order, blank nodes where they fall
    assert set(deep) == set(scanned[1]) and set(linked) == set(scanned[2])
    assert any(isinstance(s, BNode) for s in ordered)
    assert ID["actor/texte-0"] in ordered and ID["actor/texte-0"] not in deep
    assert ID["event/lot-0"] in deep and ID["actor/lien-0"] in deep
    assert ID["event/lot-0"] in linked  # the sub-event: schema:subEvent is read backwards


def test_a_named_graph_and_the_default_graph_are_surveyed_alike(loaded, rules):
    named = survey_graph(loaded, GRAPH["lot"], DEFAULT_BASE, rules)
    default = survey_graph(loaded, None, DEFAULT_BASE, rules)
    assert named == default  # the same quads in both: one by queries, one by a pass
    subjects, documents = named
    # The holders of the (nested) blank nodes, and the resources linking to what changed.
    assert {ID["place/lot-4"], ID["event/ancien"], ID["event/lot-0"]} <= subjects
    assert not any(isinstance(s, BNode) for s in subjects)
    assert len(documents) == len(set(documents)) and ID["actor/texte-5"] in documents
    assert all(isinstance(d, URIRef) for d in documents)


def test_a_batch_read_from_the_lines_the_load_wrote_is_the_batch_read_from_the_store(loaded, rules):
    earlier = open_snapshot(loaded.directory.parent / "earlier")
    own = own_reader(loaded, earlier, loaded.landed)
    resources = survey(loaded, {GRAPH["lot"], GRAPH["plus"], None}, DEFAULT_BASE, rules).resources
    assert ID["place/ancienne-salle"] in resources and ID["event/lot-1"] in resources
    for start in range(0, len(resources), 7):
        batch = resources[start : start + 7]
        read = gather(Neighbourhood(loaded, Changeset(), DEFAULT_BASE), batch, rules.reach)
        kept = gather(Neighbourhood(loaded, Changeset(), DEFAULT_BASE, own), batch, rules.reach)
        assert kept == read
    assert loaded.landed.quads(ID["event/lot-1"]) is None  # read from the store instead
    assert len(own(ID["place/ancienne-salle"])) == 3  # the quad held before, and the new ones
    earlier.close()


def test_the_store_as_it_was_finds_the_same_resources_linking_in(loaded, rules):
    earlier = open_snapshot(loaded.directory.parent / "earlier")
    graphs = {GRAPH["lot"], GRAPH["plus"], None}
    found = survey(loaded, graphs, DEFAULT_BASE, rules, earlier=earlier)
    assert found == survey(loaded, graphs, DEFAULT_BASE, rules)
    # An event held before, linking to a venue the file gives an address: checked again.
    assert ID["event/vieux"] in found.resources
    earlier.close()


def test_documents_held_before_the_load_are_updated_the_others_created(loaded, rules):
    graphs = {GRAPH["lot"], GRAPH["plus"], None}
    documents = survey(loaded, graphs, DEFAULT_BASE, rules).documents
    actions = {t.iri: t.action for t in classify_loaded(loaded, graphs, documents, DEFAULT_BASE)}
    assert actions[ID["place/ancienne-salle"]] == actions[ID["event/ancien"]] == "update"
    assert actions[ID["event/lot-0"]] == actions[ID["place/lot-4"]] == "create"
    assert list(actions) == documents  # in the survey's order
    # The store as it was before the load answers the same (as ``load_in_bulk`` asks it).
    earlier = open_snapshot(loaded.directory.parent / "earlier")
    assert classify_loaded(earlier, graphs, documents, DEFAULT_BASE) == classify_loaded(
        loaded, graphs, documents, DEFAULT_BASE
    )
    earlier.close()
