"""Terms across the boundary: pyoxigraph ↔ rdflib, and rdflib terms as SPARQL text.

rdflib terms are what the rest of the service sees; pyoxigraph terms are what
Oxigraph takes and gives. Both follow RDF 1.1: a simple literal is an
``xsd:string`` literal, a language-tagged one is an ``rdf:langString``.
Blank nodes keep their identifiers both ways (``BlankNode(id)`` and
``BNode(id)``), so a blank node read from the store can be written back and
addressed again.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from rdflib.namespace import RDF, XSD
from rdflib.term import BNode, Literal, Node, URIRef

from ..errors import BadRequest
from ..namespaces import printable

XSD_STRING = str(XSD.string)
RDF_LANGSTRING = str(RDF.langString)
_OX_XSD_STRING = ox.NamedNode(XSD_STRING)
DEFAULT_GRAPH = ox.DefaultGraph()


def _iri(value: str) -> URIRef:
    # What URIRef(value) makes, without checking the IRI again (Oxigraph's are valid): the
    # check was a fifth of reading query results.
    return str.__new__(URIRef, value)


def to_rdflib(term: Any) -> Node | None:
    """An rdflib term for a pyoxigraph term; the default graph becomes None."""
    kind = type(term)
    if kind is ox.NamedNode:
        return _iri(term.value)
    if kind is ox.Literal:
        language = term.language
        if language is not None:
            return Literal(term.value, lang=language)
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return Literal(term.value)
        # normalize=False: keep the lexical form as stored ("01" stays "01").
        return Literal(term.value, datatype=URIRef(datatype), normalize=False)
    if kind is ox.BlankNode:
        return BNode(term.value)
    if kind is ox.DefaultGraph or term is None:
        return None
    raise TypeError(f"unsupported term {term!r}")


def to_oxigraph(term: Node | None) -> Any:
    """A pyoxigraph term for an rdflib term; None (a quad's graph) is the default graph.

    A term Oxigraph refuses (an IRI with a space or U+FFFD, a bad language tag) came from a
    request the doors did not catch: it is the request's fault, a 400 that names the term,
    never a 500."""
    try:
        if isinstance(term, URIRef):
            return ox.NamedNode(str(term))
        if isinstance(term, Literal):
            if term.language:
                return ox.Literal(str(term), language=term.language)
            if term.datatype is None or str(term.datatype) == XSD_STRING:
                return ox.Literal(str(term))
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        if isinstance(term, BNode):
            return ox.BlankNode(str(term))
    except ValueError as error:  # UnicodeEncodeError (a lone surrogate) is one too
        raise invalid_term(term, error) from None
    if term is None:
        return DEFAULT_GRAPH
    raise TypeError(f"unsupported term {term!r}")


def invalid_term(term: object, error: Exception) -> BadRequest:
    """The 400 for a term Oxigraph refuses, naming it and why."""
    shown, reason = printable(str(term)[:200]), printable(str(error))
    return BadRequest(
        f"Terme RDF invalide {shown!r} : {reason}",
        f"Invalid RDF term {shown!r}: {reason}",
        term=shown,
        reason=reason,
    )


def graph_to_oxigraph(graph: Node | None) -> Any:
    """A quad's graph name: None or rdflib's default-graph identifier → Oxigraph's default graph."""
    if graph is None or str(graph) == "urn:x-rdflib:default":
        return DEFAULT_GRAPH
    return to_oxigraph(graph)


def quad_to_oxigraph(quad: tuple) -> ox.Quad:
    s, p, o, g = quad
    return ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph_to_oxigraph(g))


_UNSEEN = object()


class RdflibTerms:
    """pyoxigraph terms made rdflib terms once, then given back the same (up to :data:`KEPT`
    terms, then forgotten and made again).

    A big read sees the same predicates, types, graphs and resources over and over: made
    once, they cost a lookup instead of a conversion, and the same object comes back each
    time, so that the dictionaries and sets of rdflib terms built from the reads find them
    by identity, without rdflib's equality, which is Python code."""

    KEPT = 100_000
    #: Literals longer than this are made each time, never kept: a description is seldom read
    #: twice, and 100,000 of them would hold tens of megabytes for the server's life.
    LONGEST_KEPT = 200

    def __init__(self) -> None:
        self._terms: dict[Any, Node | None] = {}

    def term(self, term: Any) -> Node | None:
        found = self._terms.get(term, _UNSEEN)
        if found is _UNSEEN:
            found = to_rdflib(term)
            if type(term) is not ox.Literal or len(term.value) <= self.LONGEST_KEPT:
                if len(self._terms) >= self.KEPT:
                    self._terms.clear()
                self._terms[term] = found
        return found

    def quad(self, quad: ox.Quad) -> tuple:
        # The lookups written out: a call per term was a third of a big read's conversions.
        get = self._terms.get
        s, p, o, g = quad.subject, quad.predicate, quad.object, quad.graph_name
        made = get(s, _UNSEEN), get(p, _UNSEEN), get(o, _UNSEEN), get(g, _UNSEEN)
        for term in made:  # by identity: rdflib's equality is Python code
            if term is _UNSEEN:
                return (self.term(s), self.term(p), self.term(o), self.term(g))
        return made


def quad_to_rdflib(quad: ox.Quad) -> tuple:
    return (
        to_rdflib(quad.subject),
        to_rdflib(quad.predicate),
        to_rdflib(quad.object),
        to_rdflib(quad.graph_name),
    )


def to_sparql(term: Node) -> str:
    """An IRI or a literal as SPARQL text: N-Triples syntax, which SPARQL accepts as is."""
    if isinstance(term, (URIRef, Literal)):
        return str(to_oxigraph(term))
    raise TypeError(f"not a constant term: {term!r}")
