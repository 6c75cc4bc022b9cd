"""Terms read from Oxigraph made rdflib terms once: a repeated IRI or short literal comes back
as the same object (what lets big reads skip rdflib's equality), a long literal is made each
time and never kept, and the number kept is bounded."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Literal, URIRef

from service.store.terms import RdflibTerms


def test_a_repeated_iri_and_short_literal_come_back_as_the_same_object():
    terms = RdflibTerms()
    iri, name = ox.NamedNode("https://schema.org/name"), ox.Literal("Liévin", language="fr")
    assert terms.term(iri) is terms.term(ox.NamedNode("https://schema.org/name"))
    assert terms.term(name) is terms.term(ox.Literal("Liévin", language="fr"))
    assert terms.term(iri) == URIRef("https://schema.org/name")
    assert terms.term(name) == Literal("Liévin", lang="fr")


def test_a_long_literal_is_made_each_time_and_never_kept():
    terms = RdflibTerms()
    text = "Une journée de médiation sociale. " * 20
    first = terms.term(ox.Literal(text, language="fr"))
    again = terms.term(ox.Literal(text, language="fr"))
    assert first == again == Literal(text, lang="fr")
    assert first is not again
    assert len(terms._terms) == 0


def test_the_terms_kept_are_bounded():
    terms = RdflibTerms()
    terms.KEPT = 10
    for i in range(25):
        terms.term(ox.NamedNode(f"https://example.org/{i}"))
    assert 0 < len(terms._terms) <= 10


def test_a_quad_is_made_of_the_kept_terms():
    terms = RdflibTerms()
    graph = ox.NamedNode("https://w3id.org/mediation-sociale/graph/seed")
    quad = ox.Quad(
        ox.NamedNode("https://e.org/a"), ox.NamedNode("https://e.org/p"), ox.Literal("x"), graph
    )
    made = terms.quad(quad)
    assert made == (
        URIRef("https://e.org/a"),
        URIRef("https://e.org/p"),
        Literal("x"),
        URIRef(graph.value),
    )
    assert all(a is b for a, b in zip(terms.quad(quad), made, strict=True))
