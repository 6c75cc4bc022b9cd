"""Checking RDF against schema.org's own vocabulary.

Three questions for every schema.org term a graph uses:

1. **Does it exist?** Every IRI in the ``https://schema.org/`` namespace (as
   a subject, predicate, object or datatype) must be a class, a property, an
   enumeration member or a data type of the release given. An IRI in the
   ``http://schema.org/`` namespace is reported too: the project uses the
   https namespace everywhere.
2. **Is the property used on a type it applies to?** The subject's types,
   with their superclasses (schema.org's own ``rdfs:subClassOf`` plus any extra
   axioms, such as our vocabulary's alignment of ``med:Workshop`` to
   ``schema:Event``), must meet the property's ``schema:domainIncludes``. A
   ``schema:Role`` may carry any property: schema.org's Role pattern repeats
   the property it qualifies on the role.
3. **Does the value fit ``schema:rangeIncludes``** where that can be checked?
   A literal fits when the range has a data type its datatype stands for
   (schema.org: Text, URL, Number, Date… are data types, not classes of
   resources); an enumeration member fits when its enumeration is in the
   range; a typed resource fits when one of its types is in the range (with
   subclasses); an IRI fits a range that has ``URL``; a ``schema:Role`` fits
   any object property. An untyped resource is not judged.

The checker knows nothing of our data: it takes the vocabulary graph (the
release's ``schemaorg-current-https.ttl``) and the graph to check, so it serves
the project's files and the JSON-LD that pages embed alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

SCHEMA = "https://schema.org/"
SCHEMA_HTTP = "http://schema.org/"
_S = lambda name: URIRef(SCHEMA + name)  # noqa: E731

#: For a literal's datatype, the schema.org data types it stands for.
LITERAL_TYPES: dict[URIRef | None, set[str]] = {
    None: {"Text"},
    XSD.string: {"Text"},
    RDF.langString: {"Text"},
    XSD.anyURI: {"URL", "Text"},
    XSD.boolean: {"Boolean"},
    XSD.date: {"Date", "DateTime"},
    XSD.dateTime: {"DateTime"},
    XSD.dateTimeStamp: {"DateTime"},
    XSD.gYear: {"Date", "DateTime"},
    XSD.gYearMonth: {"Date", "DateTime"},
    XSD.time: {"Time"},
    XSD.integer: {"Integer", "Number"},
    XSD.int: {"Integer", "Number"},
    XSD.long: {"Integer", "Number"},
    XSD.nonNegativeInteger: {"Integer", "Number"},
    XSD.positiveInteger: {"Integer", "Number"},
    XSD.decimal: {"Number", "Float"},
    XSD.double: {"Number", "Float"},
    XSD.float: {"Number", "Float"},
    # An ISO 8601 duration is how schema.org writes a Duration (a Quantity, not a data type).
    XSD.duration: {"Duration"},
}


@dataclass(frozen=True)
class TermProblem:
    """One misuse of schema.org, with the triple where it was seen."""

    kind: str  # "unknown-term", "http-namespace", "superseded", "domain", "range"
    term: Node
    subject: Node | None = None
    predicate: Node | None = None
    value: Node | None = None
    detail: str = ""

    def __str__(self) -> str:
        where = (
            f" in ({self.subject} {self.predicate} {self.value})"
            if self.subject is not None
            else ""
        )
        return f"{self.kind}: {self.term}{where}{' — ' + self.detail if self.detail else ''}"


class SchemaOrg:
    """The schema.org vocabulary, indexed for checking."""

    def __init__(self, vocabulary: Graph):
        self.graph = vocabulary
        self.classes = {c for c in vocabulary.subjects(RDF.type, RDFS.Class) if _ours(c)}
        self.properties = {p for p in vocabulary.subjects(RDF.type, RDF.Property) if _ours(p)}
        self.superclasses: dict[Node, set[Node]] = {}
        self._subclasses: dict[Node, set[Node]] = {}
        for sub, sup in vocabulary.subject_objects(RDFS.subClassOf):
            self.superclasses.setdefault(sub, set()).add(sup)
            self._subclasses.setdefault(sup, set()).add(sub)
        self._down: dict[frozenset, set[Node]] = {}
        self.domains = _index(vocabulary, _S("domainIncludes"))
        self.ranges = _index(vocabulary, _S("rangeIncludes"))
        self.superseded = {t for t in vocabulary.subjects(_S("supersededBy"), None) if _ours(t)}
        # Data types: the instances of schema:DataType and their subclasses (URL, Integer…).
        roots = {t for t in vocabulary.subjects(RDF.type, _S("DataType"))}
        self.data_types = {c for c in self.classes | roots if self.ancestors([c]) & roots}
        # Enumeration members: resources typed with a subclass of schema:Enumeration.
        enumerations = {c for c in self.classes if _S("Enumeration") in self.ancestors([c])}
        self.members: dict[Node, set[Node]] = {}
        for enumeration in enumerations:
            for member in vocabulary.subjects(RDF.type, enumeration):
                if _ours(member) and member not in self.classes:
                    self.members.setdefault(member, set()).add(enumeration)

    @cached_property
    def terms(self) -> set[Node]:
        return self.classes | self.properties | set(self.members) | self.data_types

    def ancestors(self, classes, extra: dict[Node, set[Node]] | None = None) -> set[Node]:
        """``classes`` and all their superclasses (schema.org's, and ``extra`` axioms)."""
        seen: set[Node] = set()
        todo = list(classes)
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            todo.extend(self.superclasses.get(current, ()))
            if extra:
                todo.extend(extra.get(current, ()))
        return seen

    def check(self, graph: Graph, axioms: Graph | None = None) -> list[TermProblem]:
        """Every misuse of schema.org in ``graph``. ``axioms`` (e.g. our vocabulary) adds
        ``rdfs:subClassOf`` links from other classes to schema.org's."""
        extra: dict[Node, set[Node]] = {}
        for source in (graph, axioms) if axioms is not None else (graph,):
            for sub, sup in source.subject_objects(RDFS.subClassOf):
                extra.setdefault(sub, set()).add(sup)
        problems: list[TermProblem] = []
        problems += self.check_terms(graph)
        role = _S("Role")
        type_cache: dict[Node, set[Node]] = {}

        def types_of(node: Node) -> set[Node]:
            if node not in type_cache:
                type_cache[node] = self.ancestors(graph.objects(node, RDF.type), extra)
            return type_cache[node]

        for s, p, o in graph:
            if not (isinstance(p, URIRef) and p in self.properties):
                continue
            subject_types = types_of(s)
            domain = self.domains.get(p, set())
            if domain and role not in subject_types and not (subject_types & domain):
                problems.append(
                    TermProblem(
                        "domain",
                        p,
                        s,
                        p,
                        o,
                        "subject has no schema.org type"
                        if not subject_types & self.classes
                        else f"subject types {_names(subject_types & self.classes)} not in domainIncludes {_names(domain)}",
                    )
                )
            expected = self.ranges.get(p, set())
            if expected:
                reason = self._range_problem(o, expected, types_of)
                if reason:
                    problems.append(TermProblem("range", p, s, p, o, reason))
        return problems

    def check_terms(self, graph: Graph) -> list[TermProblem]:
        """Terms of the schema.org namespace that schema.org does not define, or has
        superseded, and terms of its http namespace."""
        problems: list[TermProblem] = []
        seen: set[Node] = set()
        for triple in graph:
            for node in (*triple, getattr(triple[2], "datatype", None)):
                if not isinstance(node, URIRef) or node in seen:
                    continue
                seen.add(node)
                text = str(node)
                if text.startswith(SCHEMA_HTTP):
                    problems.append(
                        TermProblem(
                            "http-namespace", node, detail=f"use {SCHEMA}{text[len(SCHEMA_HTTP) :]}"
                        )
                    )
                elif (
                    text.startswith(SCHEMA) and text != SCHEMA
                ):  # the namespace itself names no term
                    if node not in self.terms:
                        problems.append(TermProblem("unknown-term", node))
                    elif node in self.superseded:
                        replacement = self.graph.value(node, _S("supersededBy"))
                        problems.append(
                            TermProblem("superseded", node, detail=f"superseded by {replacement}")
                        )
        return problems

    def _range_problem(self, value: Node, expected: set[Node], types_of) -> str:
        if isinstance(value, Literal):
            fits = {_S(name) for name in LITERAL_TYPES.get(value.datatype, set())}
            if value.datatype is not None and value.datatype not in LITERAL_TYPES:
                return ""  # a datatype schema.org does not map: not checkable
            expected_types = self.ancestors_down(expected)
            if fits & expected_types:
                return ""
            return f"literal {value.datatype or 'xsd:string'} does not fit rangeIncludes {_names(expected)}"
        if value in self.members:
            if self.ancestors(self.members[value]) & expected:
                return ""
            return f"{_name(value)} is a {_names(self.members[value])}, not in rangeIncludes {_names(expected)}"
        value_types = types_of(value)
        if _S("Role") in value_types:
            return ""  # schema.org's Role pattern
        if value_types & expected:
            return ""
        if value_types & self.classes:
            return f"value types {_names(value_types & self.classes)} not in rangeIncludes {_names(expected)}"
        if isinstance(value, URIRef) and _S("URL") in self.ancestors_down(expected):
            return ""
        if isinstance(value, BNode) or not value_types:
            if not (expected - self.data_types):
                return "a resource where only literals are expected"
            return ""  # an untyped resource: not judged
        return ""

    def ancestors_down(self, classes: set[Node]) -> set[Node]:
        """``classes`` and their subclasses (a value of a subclass fits a range)."""
        key = frozenset(classes)
        if key not in self._down:
            found: set[Node] = set()
            todo = list(classes)
            while todo:
                current = todo.pop()
                if current not in found:
                    found.add(current)
                    todo.extend(self._subclasses.get(current, ()))
            self._down[key] = found
        return self._down[key]


def _index(graph: Graph, predicate: URIRef) -> dict[Node, set[Node]]:
    index: dict[Node, set[Node]] = {}
    for subject, value in graph.subject_objects(predicate):
        index.setdefault(subject, set()).add(value)
    return index


def _ours(node: Node) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(SCHEMA)


def _name(node: Node) -> str:
    text = str(node)
    return "schema:" + text[len(SCHEMA) :] if text.startswith(SCHEMA) else text


def _names(nodes) -> str:
    return ", ".join(sorted(_name(n) for n in nodes))
