"""The project's shapes compiled into Python checks, for big loads.

pySHACL evaluates each constraint of each shape for each focus node through generic
machinery: about 17 ms of CPU per resource (``bench/README.md``, "Loading files"), so a
million quads take minutes. Here the shapes are read once into small closures (a
``sh:datatype`` becomes a comparison, a ``sh:pattern`` a compiled regular expression, a
``sh:class`` a lookup in the vocabulary's ``rdfs:subClassOf`` closure) that run over the data
indexed by subject; the SHACL-SPARQL constraints (``sh:sparql``) run set at a time in
Oxigraph over a scratch in-memory store holding the context once and the data of the
call. The results are the same as :class:`.shacl.Validator`'s (focus node, path, value,
severity, source shape, component, the shape's messages): ``tests/validation/
test_compiled_parity.py`` holds both to that on every fixture of the shapes and on ``data/``.

A targeted shape that uses a component this module does not know is not compiled: it is
left to pySHACL, that shape only (:attr:`CompiledValidator.fallback` lists them), with the
other shapes' targets taken out of the graph pySHACL runs.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pyoxigraph as ox
from pyshacl.rdfutil.compare import compare_literal
from pyshacl.rdfutil.stringify import stringify_node
from rdflib import RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from ..namespaces import RDF, SH, XSD
from .shacl import _triples

#: The names pySHACL's messages give the data's nodes: its work graph binds the core
#: prefixes only.
_DATA_NAMES = Graph(bind_namespaces="core")

#: Predicates of a shape that are not constraints (names, layout, targets, messages).
_NOT_CONSTRAINTS = {
    RDF.type, RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy,
    SH.path, SH.name, SH.description, SH.group, SH.order, SH.message, SH.severity,
    SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf,
    SH.defaultValue, SH.deactivated, SH.flags, SH.qualifiedMinCount, SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint, SH.declare, SH.prefixes,
}  # fmt: skip

_KINDS = {
    SH.IRI: (URIRef,),
    SH.BlankNode: (BNode,),
    SH.Literal: (Literal,),
    SH.BlankNodeOrIRI: (BNode, URIRef),
    SH.BlankNodeOrLiteral: (BNode, Literal),
    SH.IRIOrLiteral: (URIRef, Literal),
}
_XSD_STRING = XSD.string
_TYPE = RDF.type
_SUBCLASS = RDFS.subClassOf
#: Terms whose Oxigraph form is kept (then forgotten, and kept again).
TERMS_KEPT = 200_000
#: The named graph a call's data is put in, in the scratch store of the SPARQL checks.
_CALL_GRAPH = "urn:x-mediation:validated"


class Unsupported(Exception):
    """A shape uses something this module does not compile."""


# -- the data, indexed ------------------------------------------------------------------------


class _Index:
    """Triples by subject and by object, each triple once."""

    def __init__(self) -> None:
        self.spo: dict[Node, dict[Node, list[Node]]] = {}
        self.ops: dict[Node, dict[Node, list[Node]]] = {}

    def add(self, s: Node, p: Node, o: Node) -> None:
        self.spo.setdefault(s, {}).setdefault(p, []).append(o)
        self.ops.setdefault(o, {}).setdefault(p, []).append(s)


class _Data:
    """The data of one call over the context (vocabulary, concept schemes), as pySHACL's work
    graph holds them: their union, each triple once."""

    def __init__(self, triples: Iterable[tuple], context: _Context):
        self.context = context
        own = self.own = _Index()
        held, known = context.triples, context.index.spo
        spo, ops = own.spo, own.ops
        subclass_links = False
        for triple in triples:
            s, p, o = triple
            if s in known and triple in held:
                continue
            spo.setdefault(s, {}).setdefault(p, []).append(o)
            if not isinstance(o, Literal):  # links to a literal: looked for when asked
                ops.setdefault(o, {}).setdefault(p, []).append(s)
            if p == _SUBCLASS:
                subclass_links = True
        self.supers = context.supers if not subclass_links else _closure(self._subclass_pairs())
        self._scratch: ox.Store | None = None
        self._literal_links = False

    def sparql_rows(self, constraint: _Sparql, nodes: set[Node]) -> list[dict[str, Node]]:
        """The rows of a SPARQL constraint whose ``$this`` is one of ``nodes``, each once."""
        if self._scratch is None:
            self._scratch = self.context.store()
            graph = ox.NamedNode(_CALL_GRAPH)
            term = self.context.term
            self._scratch.bulk_extend(
                ox.Quad(term(s), term(p), term(o), graph)
                for s, by_p in self.own.spo.items()
                for p, objects in by_p.items()
                for o in objects
            )
        solutions = self._scratch.query(constraint.query, use_default_graph_as_union=True)
        names = [variable.value for variable in solutions.variables]
        rows: dict[tuple, dict[str, Node]] = {}
        for solution in solutions:
            this = _rdflib(solution["this"])
            if this not in nodes:
                continue
            row = {name: _rdflib(solution[name]) for name in names}
            row = {name: term for name, term in row.items() if term is not None}
            rows.setdefault(tuple(sorted(row.items(), key=lambda item: item[0])), row)
        return list(rows.values())

    def release(self) -> None:
        """Let the call's scratch store go (it is the call's own: see :meth:`_Context.store`)."""
        self._scratch = None

    def _subclass_pairs(self) -> Iterable[tuple[Node, Node]]:
        for index in (self.own, self.context.index):
            for s, by_p in index.spo.items():
                for o in by_p.get(_SUBCLASS, ()):
                    yield s, o

    def objects(self, s: Node, p: Node) -> list[Node]:
        mine = self.own.spo.get(s)
        theirs = self.context.index.spo.get(s)
        if theirs is None:
            return mine.get(p, []) if mine is not None else []
        if mine is None:
            return theirs.get(p, [])
        return mine.get(p, []) + theirs.get(p, [])

    def subjects(self, p: Node, o: Node) -> list[Node]:
        if isinstance(o, Literal) and not self._literal_links:
            self._literal_links = True
            for s, by_p in self.own.spo.items():
                for predicate, objects in by_p.items():
                    for obj in objects:
                        if isinstance(obj, Literal):
                            self.own.ops.setdefault(obj, {}).setdefault(predicate, []).append(s)
        mine = self.own.ops.get(o)
        theirs = self.context.index.ops.get(o)
        found = mine.get(p, []) if mine is not None else []
        return found + theirs.get(p, []) if theirs is not None else found

    def predicates(self, s: Node) -> Iterable[Node]:
        return {*self.own.spo.get(s, ()), *self.context.index.spo.get(s, ())}

    def predicates_to(self, o: Node) -> Iterable[Node]:
        if isinstance(o, Literal):
            self.subjects(_TYPE, o)  # indexes the links to literals
        return {*self.own.ops.get(o, ()), *self.context.index.ops.get(o, ())}

    def is_instance(self, node: Node, cls: Node) -> bool:
        if isinstance(node, Literal):
            return False
        supers = self.supers
        return any(t == cls or cls in supers.get(t, ()) for t in self.objects(node, _TYPE))


def _closure(pairs: Iterable[tuple[Node, Node]]) -> dict[Node, frozenset]:
    """Each class's superclasses, transitively (``rdfs:subClassOf+``)."""
    direct: dict[Node, set[Node]] = {}
    for sub, sup in pairs:
        direct.setdefault(sub, set()).add(sup)
    closed: dict[Node, frozenset] = {}
    for start in direct:
        seen: set[Node] = set()
        stack = list(direct[start])
        while stack:
            current = stack.pop()
            if current not in seen:
                seen.add(current)
                stack.extend(direct.get(current, ()))
        closed[start] = frozenset(seen)
    return closed


class _Context:
    """The context, indexed once; and an Oxigraph store holding it, for the SPARQL checks."""

    def __init__(self, graph: Graph):
        self.triples = set(_triples(graph))
        self.index = _Index()
        for triple in self.triples:
            self.index.add(*triple)
        self.supers = _closure(
            (s, o) for s, by_p in self.index.spo.items() for o in by_p.get(_SUBCLASS, ())
        )
        self._quads: list[ox.Quad] | None = None
        self._terms: dict[Node, Any] = {}

    def term(self, node: Node) -> Any:
        """The Oxigraph term of ``node``, kept: the same IRIs come back batch after batch."""
        found = self._terms.get(node)
        if found is None:
            if len(self._terms) > TERMS_KEPT:
                self._terms.clear()
            found = self._terms[node] = _ox(node)
        return found

    def store(self) -> ox.Store:
        """A new in-memory store holding the context, for one call's SPARQL checks.

        Not one store emptied after each call: Oxigraph's in-memory store keeps what a
        removal took out (its versions), so that a store used for a whole load grew by about a
        megabyte a batch, and each removal and query took longer than the last. The context
        is a few hundred triples: a new store costs less than one removal did."""
        if self._quads is None:
            self._quads = [
                ox.Quad(*(_ox(t) for t in triple), ox.DefaultGraph()) for triple in self.triples
            ]
        store = ox.Store()
        store.extend(self._quads)
        return store


# -- rdflib and Oxigraph terms -----------------------------------------------------------------


def _ox(term: Node) -> Any:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is None or term.datatype == _XSD_STRING:
        return ox.Literal(str(term))
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))


def _rdflib(term: Any) -> Node | None:
    kind = type(term)
    if kind is ox.NamedNode:
        return URIRef(term.value)
    if kind is ox.BlankNode:
        return BNode(term.value)
    if kind is ox.Literal:
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == str(_XSD_STRING):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype), normalize=False)
    return None


# -- shapes compiled ---------------------------------------------------------------------------

#: A check: (data, focus node, value nodes) → the failing values (None: no value reported).
Check = Callable[[_Data, Node, list], list]


@dataclass(eq=False)
class _Shape:
    node: Node
    severity: URIRef
    messages: dict[str, str]
    path: Node | None = None
    values: Callable[[_Data, Node], list] | None = None
    checks: list[tuple[URIRef, Check]] = field(default_factory=list)
    properties: list[_Shape] = field(default_factory=list)
    sparql: list[_Sparql] = field(default_factory=list)
    #: For sh:node: the nested shape whose results explain a failure.
    explained_by: dict[int, _Shape] = field(default_factory=dict)
    #: For a shape without sh:message: pySHACL's own message of a check, from its focus node.
    generic: dict[int, Callable[[Node], str]] = field(default_factory=dict)


@dataclass(eq=False)
class _Sparql:
    node: Node
    query: str
    messages: list[Literal]


class _Compiler:
    def __init__(self, shapes: Graph):
        self.g = shapes
        self.compiled: dict[Node, _Shape] = {}

    def shape(self, node: Node) -> _Shape:
        if node in self.compiled:
            return self.compiled[node]
        g = self.g
        if g.value(node, SH.deactivated) == Literal(True):
            raise Unsupported(f"{node} is deactivated")
        messages: dict[str, str] = {}
        for message in sorted(g.objects(node, SH.message), key=str):
            lang = (getattr(message, "language", None) or "").lower()
            messages.setdefault(lang, str(message))
        shape = _Shape(node, g.value(node, SH.severity) or SH.Violation, messages)
        self.compiled[node] = shape
        path = g.value(node, SH.path)
        if path is not None:
            shape.path = path
            shape.values = self.path(path)
        for predicate, obj in g.predicate_objects(node):
            if predicate in _NOT_CONSTRAINTS or not str(predicate).startswith(str(SH)):
                continue
            if predicate == SH.property:
                shape.properties.append(self.shape(obj))
            elif predicate == SH.sparql:
                shape.sparql.append(self.sparql(node, obj))
            else:
                maker = _MAKERS.get(predicate)
                if maker is None:
                    raise Unsupported(f"{node}: {predicate}")
                component, check = maker(self, node, obj, shape)
                shape.checks.append((component, check))
        return shape

    def path(self, path: Node) -> Callable[[_Data, Node], list]:
        g = self.g
        if isinstance(path, URIRef):
            return lambda data, node: data.objects(node, path)
        inverse = g.value(path, SH.inversePath)
        if isinstance(inverse, URIRef):
            return lambda data, node: data.subjects(inverse, node)
        alternatives = g.value(path, SH.alternativePath)
        if alternatives is not None:
            steps = [self.path(step) for step in Collection(g, alternatives)]
            return lambda data, node: list(
                dict.fromkeys(v for step in steps for v in step(data, node))
            )
        if g.value(path, RDF.first) is not None:
            steps = [self.path(step) for step in Collection(g, path)]

            def sequence(data: _Data, node: Node) -> list:
                current = [node]
                for step in steps:
                    current = list(dict.fromkeys(v for n in current for v in step(data, n)))
                return current

            return sequence
        raise Unsupported(f"path {path}")

    def sparql(self, shape: Node, constraint: Node) -> _Sparql:
        g = self.g
        select = g.value(constraint, SH.select)
        if select is None or g.value(constraint, SH.deactivated) == Literal(True):
            raise Unsupported(f"{shape}: SPARQL constraint {constraint}")
        prologue = ""
        for source in g.objects(constraint, SH.prefixes):
            for declaration in g.objects(source, SH.declare):
                prefix = g.value(declaration, SH.prefix)
                namespace = g.value(declaration, SH.namespace)
                prologue += f"PREFIX {prefix}: <{namespace}>\n"
        messages = list(g.objects(constraint, SH.message))
        return _Sparql(constraint, prologue + str(select), messages)


def _values_of(data: _Data, shape: _Shape, focus: Node) -> list:
    return shape.values(data, focus) if shape.values is not None else [focus]


def conforms(data: _Data, shape: _Shape, focus: Node) -> bool:
    """Whether ``focus`` conforms to ``shape`` (a nested shape: ``sh:or``, ``sh:node``…)."""
    values = _values_of(data, shape, focus)
    for _, check in shape.checks:
        if check(data, focus, values):
            return False
    for prop in shape.properties:
        if not conforms(data, prop, focus):
            return False
    for constraint in shape.sparql:  # nested SPARQL: rare, asked node by node
        if data.sparql_rows(constraint, {focus}):
            return False
    return True


def _check_class(c: _Compiler, node: Node, cls: Node, shape: _Shape):
    return SH.ClassConstraintComponent, lambda data, f, values: [
        v for v in values if not data.is_instance(v, cls)
    ]


#: The Python value a well-formed literal of a datatype has, as pySHACL checks it (the other
#: datatypes' values are not checked).
_ACTUAL = {
    XSD.string: str,
    RDF.langString: str,
    XSD.integer: int,
    XSD.float: float,
    XSD.decimal: Decimal,
    XSD.boolean: bool,
    XSD.date: datetime.date,
    XSD.time: datetime.time,
    XSD.dateTime: datetime.datetime,
}


def _check_datatype(c: _Compiler, node: Node, datatype: Node, shape: _Shape):
    actual = _ACTUAL.get(datatype)

    def matches(v: Node) -> bool:
        if not isinstance(v, Literal):
            return False
        if v.datatype == datatype:
            if getattr(v, "ill_typed", None) is True:
                return False
            return actual is None or isinstance(v.value, actual)
        if datatype == RDFS.Literal:
            return True
        if datatype == RDFS.Datatype and v.datatype:
            return True
        if v.datatype is None and v.language is None and datatype == XSD.string:
            return isinstance(v.value, str)
        if datatype == RDF.langString and v.language:
            return isinstance(v.value, str)
        return False

    return SH.DatatypeConstraintComponent, lambda data, f, values: [
        v for v in values if not matches(v)
    ]


def _check_node_kind(c: _Compiler, node: Node, kind: Node, shape: _Shape):
    kinds = _KINDS[kind]
    return SH.NodeKindConstraintComponent, lambda data, f, values: [
        v for v in values if not isinstance(v, kinds)
    ]


def _check_min_count(c: _Compiler, node: Node, count: Node, shape: _Shape):
    least = int(count)
    return (
        SH.MinCountConstraintComponent,
        lambda data, f, values: [None] if len(values) < least else [],
    )


def _check_max_count(c: _Compiler, node: Node, count: Node, shape: _Shape):
    most = int(count)
    return (
        SH.MaxCountConstraintComponent,
        lambda data, f, values: [None] if len(values) > most else [],
    )


def _check_pattern(c: _Compiler, node: Node, pattern: Node, shape: _Shape):
    flags = c.g.value(node, SH.flags)
    options = 0
    if flags is not None:
        options |= re.I if "i" in str(flags).lower() else 0
        options |= re.M if "m" in str(flags).lower() else 0
    matcher = re.compile(str(pattern), options)
    return SH.PatternConstraintComponent, lambda data, f, values: [
        v for v in values if isinstance(v, BNode) or not matcher.search(str(v))
    ]


def _check_language_in(c: _Compiler, node: Node, languages: Node, shape: _Shape):
    wanted = {str(lang).lower() for lang in Collection(c.g, languages)}

    def matches(v: Node) -> bool:
        lang = isinstance(v, Literal) and v.language
        if not lang:
            return False
        lang = lang.lower()
        return "*" in wanted or lang in wanted or lang.split("-")[0] in wanted

    return SH.LanguageInConstraintComponent, lambda data, f, values: [
        v for v in values if not matches(v)
    ]


def _check_unique_lang(c: _Compiler, node: Node, flag: Node, shape: _Shape):
    def duplicated(data: _Data, f: Node, values: list) -> list:
        seen: set[str] = set()
        twice: set[str] = set()
        for v in values:
            lang = isinstance(v, Literal) and v.language
            if lang:
                (twice if lang.lower() in seen else seen).add(lang.lower())
        return [None] * len(twice)

    if flag != Literal(True):
        return SH.UniqueLangConstraintComponent, lambda data, f, values: []
    return SH.UniqueLangConstraintComponent, duplicated


def _check_has_value(c: _Compiler, node: Node, wanted: Node, shape: _Shape):
    def check(data: _Data, f: Node, values: list) -> list:
        return [] if wanted in values else [None]

    # pySHACL's words when the shape has no message of its own (a nested shape's, shown under
    # the result it explains): the focus node named as in its data graph, the rest as in the
    # shapes graph.
    wanted_set = [stringify_node(c.g, value) for value in c.g.objects(node, SH.hasValue)]
    if shape.path is not None:
        path = stringify_node(c.g, shape.path)
        shape.generic[id(check)] = lambda focus: (
            f"Node {stringify_node(_DATA_NAMES, focus)}->{path} does not contain a value in "
            f"the set: {wanted_set}"
        )
    else:
        shape.generic[id(check)] = lambda focus: (
            f"Node {stringify_node(_DATA_NAMES, focus)} value is not a in the set of values: "
            f"{wanted_set}"
        )
    return SH.HasValueConstraintComponent, check


def _check_in(c: _Compiler, node: Node, members: Node, shape: _Shape):
    allowed = set(Collection(c.g, members))
    return SH.InConstraintComponent, lambda data, f, values: [v for v in values if v not in allowed]


def _check_or(c: _Compiler, node: Node, members: Node, shape: _Shape):
    branches = [c.shape(member) for member in Collection(c.g, members)]
    return SH.OrConstraintComponent, lambda data, f, values: [
        v for v in values if not any(conforms(data, branch, v) for branch in branches)
    ]


def _check_node(c: _Compiler, node: Node, target: Node, shape: _Shape):
    nested = c.shape(target)

    def failing(data: _Data, f: Node, values: list) -> list:
        return [v for v in values if not conforms(data, nested, v)]

    shape.explained_by[id(failing)] = nested
    return SH.NodeConstraintComponent, failing


def _check_qualified(c: _Compiler, node: Node, target: Node, shape: _Shape):
    g = c.g
    if g.value(node, SH.qualifiedValueShapesDisjoint) == Literal(True):
        raise Unsupported(f"{node}: sh:qualifiedValueShapesDisjoint")
    nested = c.shape(target)
    least = g.value(node, SH.qualifiedMinCount)
    most = g.value(node, SH.qualifiedMaxCount)
    if least is not None and most is not None:
        raise Unsupported(f"{node}: qualified min and max counts together")
    if least is not None:
        least_n = int(least)

        def too_few(data: _Data, f: Node, values: list) -> list:
            if not values and least_n < 1:
                return []
            found = sum(1 for v in values if conforms(data, nested, v))
            return [None] if found < least_n else []

        return SH.QualifiedMinCountConstraintComponent, too_few
    if most is not None:
        most_n = int(most)
        return (
            SH.QualifiedMaxCountConstraintComponent,
            lambda data, f, values: (
                [None] if sum(1 for v in values if conforms(data, nested, v)) > most_n else []
            ),
        )
    raise Unsupported(f"{node}: sh:qualifiedValueShape without a count")


def _range(component: URIRef, keep: Callable[[int], bool]):
    def make(c: _Compiler, node: Node, bound: Node, shape: _Shape):
        bound_is_text = isinstance(bound.value, str)

        def fine(v: Node) -> bool:
            if not isinstance(v, Literal) or isinstance(v.value, str) != bound_is_text:
                return False
            try:
                return keep(compare_literal(v, bound))
            except (TypeError, NotImplementedError):
                return False

        return component, lambda data, f, values: [v for v in values if not fine(v)]

    return make


def _length(component: URIRef, keep: Callable[[int, int], bool]):
    def make(c: _Compiler, node: Node, bound: Node, shape: _Shape):
        limit = int(bound)
        return component, lambda data, f, values: [
            v for v in values if isinstance(v, BNode) or not keep(len(str(v)), limit)
        ]

    return make


_MAKERS: dict[URIRef, Callable] = {
    SH["class"]: _check_class,
    SH.datatype: _check_datatype,
    SH.nodeKind: _check_node_kind,
    SH.minCount: _check_min_count,
    SH.maxCount: _check_max_count,
    SH.pattern: _check_pattern,
    SH.languageIn: _check_language_in,
    SH.uniqueLang: _check_unique_lang,
    SH.hasValue: _check_has_value,
    SH["in"]: _check_in,
    SH["or"]: _check_or,
    SH.node: _check_node,
    SH.qualifiedValueShape: _check_qualified,
    SH.minInclusive: _range(SH.MinInclusiveConstraintComponent, lambda c: c >= 0),
    SH.maxInclusive: _range(SH.MaxInclusiveConstraintComponent, lambda c: c <= 0),
    SH.minExclusive: _range(SH.MinExclusiveConstraintComponent, lambda c: c > 0),
    SH.maxExclusive: _range(SH.MaxExclusiveConstraintComponent, lambda c: c < 0),
    SH.minLength: _length(SH.MinLengthConstraintComponent, lambda n, m: n >= m),
    SH.maxLength: _length(SH.MaxLengthConstraintComponent, lambda n, m: n <= m),
}
