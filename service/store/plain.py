"""Triples as plain values, for readers that make their own (the search index's builds).

A build of the search index reads every resource's triples, the names of what they link
to and the hierarchies above them: millions of terms. As rdflib terms, each cost a
constructor and every comparison a Python ``__eq__``; as SPARQL, each batch a query to
parse and evaluate. Here a triple is plain values: its predicate a ``str``, its object a
``URIRef`` or ``BNode`` made without checks (``str.__new__``), or a :class:`PlainLiteral`
(its lexical form, language and datatype as strings); and the embedded store answers
with Oxigraph's index scans (:class:`PatternReader`) what others answer in SPARQL
(:class:`SparqlReader`). Both give the same values in the same order: the union of the
store's graphs, a triple held in two graphs given twice, as SPARQL's default graph gives it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pyoxigraph as ox
from rdflib.term import BNode, Literal, URIRef

from .terms import RDF_LANGSTRING, XSD_STRING

#: IRIs one query of :class:`SparqlReader` names at most.
SPARQL_BATCH = 400


class PlainLiteral(str):
    """A literal: its lexical form (the string itself), lower-case language tag or None,
    and datatype IRI (``xsd:string`` for a simple literal)."""

    language: str | None
    datatype: str


def literal(value: str, language: str | None, datatype: str) -> PlainLiteral:
    made = str.__new__(PlainLiteral, value)
    made.language = language
    made.datatype = datatype
    return made


def plain_iri(value: str) -> URIRef:
    return str.__new__(URIRef, value)


def plain_blank(value: str) -> BNode:
    return str.__new__(BNode, value)


def from_oxigraph(term: Any) -> Any:
    """The plain value of a pyoxigraph term."""
    kind = type(term)
    if kind is ox.NamedNode:
        return str.__new__(URIRef, term.value)
    if kind is ox.Literal:
        language = term.language
        if language is not None:
            return literal(term.value, language, RDF_LANGSTRING)
        return literal(term.value, None, term.datatype.value)
    if kind is ox.BlankNode:
        return str.__new__(BNode, term.value)
    raise TypeError(f"unsupported term {term!r}")


def from_rdflib(term: Any) -> Any:
    """The plain value of an rdflib term."""
    if isinstance(term, Literal):
        if term.language is not None:
            return literal(str(term), term.language.lower(), RDF_LANGSTRING)
        return literal(str(term), None, str(term.datatype or XSD_STRING))
    if isinstance(term, BNode):
        return plain_blank(str(term))
    return plain_iri(str(term))


Described = dict[str, list[tuple[str, Any, list[tuple[str, Any]]]]]


class SparqlReader:
    """The reads of a build in SPARQL, batched (``VALUES``): any store answers them."""

    def __init__(self, store) -> None:
        self.store = store

    def _select(self, iris: Sequence[str], query: str) -> Iterable[dict]:
        for start in range(0, len(iris), SPARQL_BATCH):
            values = " ".join(f"<{i}>" for i in iris[start : start + SPARQL_BATCH])
            yield from self.store.select(query.replace("{values}", values))

    def described(self, iris: Sequence[str]) -> Described:
        """Every triple of each IRI (predicate, object, and the triples of a blank-node
        object one level down, as (predicate, object))."""
        found: Described = {i: [] for i in iris}
        blanks: dict[Any, list] = {}
        for row in self._select(iris, "SELECT ?s ?p ?o WHERE { VALUES ?s { {values} } ?s ?p ?o }"):
            obj = from_rdflib(row["o"])
            nested: list = []
            if isinstance(obj, BNode):
                nested = blanks.setdefault(obj, [])
            found[str(row["s"])].append((str(row["p"]), obj, nested))
        if blanks:
            # A blank node cannot be named in a query: reach it again from its subject.
            holders = sorted({s for s, rows in found.items() for _, o, _ in rows if o in blanks})
            for row in self._select(
                holders,
                "SELECT ?b ?p ?o WHERE { VALUES ?s { {values} } "
                "?s ?q ?b . FILTER(isBlank(?b)) ?b ?p ?o }",
            ):
                node = plain_blank(str(row["b"]))
                if node in blanks:
                    blanks[node].append((str(row["p"]), from_rdflib(row["o"])))
        return found

    def values(self, iris: Sequence[str], predicates: Sequence[str]) -> list[tuple[str, str, Any]]:
        """(subject, predicate, object) of each IRI's triples with one of ``predicates``
        (a blank node cannot be named in a query: none is read from)."""
        iris = [i for i in iris if type(i) is not BNode]
        wanted = ", ".join(f"<{p}>" for p in predicates)
        return [
            (str(row["s"]), str(row["p"]), from_rdflib(row["o"]))
            for row in self._select(
                iris,
                "SELECT ?s ?p ?o WHERE { VALUES ?s { {values} } ?s ?p ?o . "
                f"FILTER(?p IN ({wanted})) }}",
            )
        ]

    def linking(self, iris: Sequence[str], predicates: Sequence[str]) -> list[tuple[Any, str, str]]:
        """(subject, predicate, object) of the triples with one of ``predicates`` whose
        object is one of ``iris`` (none of them a blank node)."""
        iris = [i for i in iris if type(i) is not BNode]
        links = " ".join(f"<{p}>" for p in predicates)
        return [
            (from_rdflib(row["s"]), str(row["p"]), str(row["o"]))
            for row in self._select(
                iris,
                "SELECT ?s ?p ?o WHERE { VALUES ?o { {values} } "
                f"VALUES ?p {{ {links} }} ?s ?p ?o }}",
            )
        ]


class PatternReader:
    """The reads of a build as Oxigraph's index scans (``quads_for_pattern``): no query to
    parse or plan, no rdflib term; the embedded store's."""

    def __init__(self, store: ox.Store, gate) -> None:
        self.store = store
        self.gate = gate

    def _node(self, value: str) -> Any:
        return ox.BlankNode(value) if type(value) is BNode else ox.NamedNode(value)

    def described(self, iris: Sequence[str]) -> Described:
        found: Described = {}
        match, plain = self.store.quads_for_pattern, from_oxigraph
        with self.gate.reading():
            for i in iris:
                triples = []
                for quad in match(ox.NamedNode(i), None, None, None):
                    obj = quad.object
                    nested: list = []
                    if type(obj) is ox.BlankNode:
                        nested = [
                            (q.predicate.value, plain(q.object))
                            for q in match(obj, None, None, None)
                        ]
                    triples.append((quad.predicate.value, plain(obj), nested))
                found[i] = triples
        return _as_sparql_gives(found)

    def values(self, iris: Sequence[str], predicates: Sequence[str]) -> list[tuple[str, str, Any]]:
        found = []
        match, plain = self.store.quads_for_pattern, from_oxigraph
        nodes = [ox.NamedNode(p) for p in predicates]
        with self.gate.reading():
            for i in iris:
                subject = self._node(i)
                for predicate in nodes:
                    found.extend(
                        (i, predicate.value, plain(q.object))
                        for q in match(subject, predicate, None, None)
                    )
        return found

    def linking(self, iris: Sequence[str], predicates: Sequence[str]) -> list[tuple[Any, str, str]]:
        found = []
        match, plain = self.store.quads_for_pattern, from_oxigraph
        nodes = [ox.NamedNode(p) for p in predicates]
        with self.gate.reading():
            for i in iris:
                obj = self._node(i)
                for predicate in nodes:
                    found.extend(
                        (plain(q.subject), predicate.value, i)
                        for q in match(None, predicate, obj, None)
                    )
        return found


def _as_sparql_gives(found: Described) -> Described:
    """The blank-node triples of a resource as the SPARQL reader reaches them: from every
    triple of the batch that holds the blank node, so once per holding triple, in one list
    shared by those triples."""
    held: dict[Any, list] = {}
    count: dict[Any, int] = {}
    for triples in found.values():
        for _, obj, nested in triples:
            if type(obj) is BNode:
                held.setdefault(obj, nested)
                count[obj] = count.get(obj, 0) + 1
    if not held:
        return found
    shared = {node: nested * count[node] for node, nested in held.items()}
    return {
        i: [(p, o, shared[o] if type(o) is BNode else n) for p, o, n in triples]
        for i, triples in found.items()
    }
