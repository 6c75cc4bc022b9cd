"""A validator with the shapes compiled (:mod:`.compiled`): same interface and same results as
:class:`.shacl.Validator`, a hundredfold faster on big loads (``bench/README.md``).

Targets are looked for from the focus nodes, as :class:`.shacl.Validator` does: a node's
types against each targeted class and its subclasses, its links through each
``sh:targetSubjectsOf``/``sh:targetObjectsOf`` property, ``sh:targetNode``. The SHACL-SPARQL
constraints run once per call and constraint in Oxigraph, ``$this`` unbound, over the
context and the call's data; their rows are kept for the focus nodes the shape targets.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence

from pyshacl.rdfutil.clone import clone_blank_node
from rdflib import RDFS, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ..namespaces import RDF, SH
from .compiled import _TYPE, Unsupported, _Compiler, _Context, _Data, _Shape, _Sparql
from .shacl import Report, Result, Validator, _empty_report, _stable_order, _triples

_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
_PROJECTS_THIS = re.compile(r"(?is)^\s*(PREFIX[^\n]*\n\s*)*SELECT\s[^{]*[?$]this\b")


class CompiledValidator:
    """The shapes compiled once (see the module), ready to validate many data graphs.

    :attr:`fallback` names the targeted shapes left to pySHACL (none for the project's shapes).
    Several threads may validate at once: what a call changes (its index, its scratch store)
    is its own, the shapes and the context are only read, and pySHACL's validator takes its
    calls one at a time itself. Writers on distinct resources thus never wait for one
    another's validation (``bench/README.md``, "Validations side by side")."""

    def __init__(self, shapes: Graph, ontology: Graph | None = None):
        self.shapes_graph = shapes
        self.context = _Context(ontology if ontology is not None else Graph())
        compiler = _Compiler(shapes)
        self.by_class: dict[Node, list[_Shape]] = {}
        self.by_node: dict[Node, list[_Shape]] = {}
        self.by_subject_of: dict[Node, list[_Shape]] = {}
        self.by_object_of: dict[Node, list[_Shape]] = {}
        self.fallback: list[Node] = []
        for node in sorted(_targeted(shapes), key=str):
            try:
                shape = compiler.shape(node)
                for sparql in _sparql_of(shape):
                    if not _PROJECTS_THIS.search(sparql.query):
                        raise Unsupported(f"{node}: a SPARQL constraint without $this")
            except Unsupported:
                self.fallback.append(node)
                continue
            for predicate, table in (
                (SH.targetClass, self.by_class),
                (SH.targetNode, self.by_node),
                (SH.targetSubjectsOf, self.by_subject_of),
                (SH.targetObjectsOf, self.by_object_of),
            ):
                for target in shapes.objects(node, predicate):
                    table.setdefault(target, []).append(shape)
            if (node, RDF.type, RDFS.Class) in shapes:
                self.by_class.setdefault(node, []).append(shape)
        self._pyshacl = _fallback_validator(shapes, ontology, self.fallback)

    # -- the interface of shacl.Validator ------------------------------------------------------

    def validate(self, data: Graph, focus_nodes: Sequence[Node] | None = None) -> Report:
        """Validate ``data`` with the context; ``focus_nodes`` limits the resources checked
        (default: every subject of ``data``). A full report, graph included."""
        triples = list(_triples(data))
        results = self.check(triples, focus_nodes)
        if self._pyshacl is not None:
            results += self._pyshacl.validate(data, focus_nodes).results
        return report_of(results, self.shapes_graph, data)

    def check(self, triples: Iterable[tuple], focus_nodes: Iterable[Node] | None = None) -> list:
        """The results alone (no report graph): what a big load needs, batch after batch."""
        triples = list(triples)
        focus = set(focus_nodes) if focus_nodes is not None else {s for s, _, _ in triples}
        data = _Data(triples, self.context)
        try:
            return self._run(data, focus)
        finally:
            data.release()

    # -- the run ------------------------------------------------------------------------------

    def _targets(self, data: _Data, node: Node) -> dict[_Shape, None]:
        shapes: dict[_Shape, None] = {}
        for shape in self.by_node.get(node, ()):
            shapes[shape] = None
        if self.by_class:
            for kind in data.objects(node, _TYPE):
                for cls in (kind, *data.supers.get(kind, ())):
                    for shape in self.by_class.get(cls, ()):
                        shapes[shape] = None
        if self.by_subject_of:
            for predicate in data.predicates(node):
                for shape in self.by_subject_of.get(predicate, ()):
                    shapes[shape] = None
        if self.by_object_of:
            for predicate in data.predicates_to(node):
                for shape in self.by_object_of.get(predicate, ()):
                    shapes[shape] = None
        return shapes

    def _run(self, data: _Data, focus: set[Node]) -> list[Result]:
        results: list[Result] = []
        asked: dict[tuple[_Shape, _Sparql], set[Node]] = {}
        for node in sorted(focus, key=str):
            for shape in self._targets(data, node):
                collect(data, shape, node, results, asked)
        for (shape, constraint), nodes in asked.items():
            for row in data.sparql_rows(constraint, nodes):
                results.append(_sparql_result(shape, constraint, row))
        return results


def collect(
    data: _Data,
    shape: _Shape,
    focus: Node,
    out: list[Result],
    asked: dict | None = None,
) -> None:
    """The results of ``shape`` on ``focus``; its SPARQL constraints are noted in ``asked`` to
    run set at a time (asked at once when None)."""
    values = shape.values(data, focus) if shape.values is not None else [focus]
    for component, check in shape.checks:
        failing = check(data, focus, values)
        if not failing:
            continue
        nested = shape.explained_by.get(id(check))
        for value in failing:
            details: tuple = ()
            if nested is not None:
                found: list[Result] = []
                collect(data, nested, value, found)
                details = tuple(found)
            out.append(
                Result(
                    focus,
                    shape.path,
                    value,
                    shape.severity,
                    shape.node,
                    component,
                    shape.messages or _generic(shape, component, check, focus),
                    details,
                )
            )
    for prop in shape.properties:
        collect(data, prop, focus, out, asked)
    for constraint in shape.sparql:
        if asked is not None:
            asked.setdefault((shape, constraint), set()).add(focus)
        else:
            out += [
                _sparql_result(shape, constraint, r) for r in data.sparql_rows(constraint, {focus})
            ]


_PROJECT_CHECKERS: dict[int, tuple[Validator, CompiledValidator]] = {}
_PROJECT_LOCK = threading.Lock()


def project_checker(kind: str = "compiled", **files) -> Validator | CompiledValidator:
    """The project's validator (:func:`.shacl.project_validator`, ``files`` as it takes them),
    compiled when ``kind`` is ``compiled``: built once per project validator, which is
    rebuilt when a file of the shapes or the ontology changes."""
    from .shacl import project_validator

    project = project_validator(**files)
    if kind == "pyshacl":
        return project
    with _PROJECT_LOCK:
        held = _PROJECT_CHECKERS.get(id(project))
        if held is None or held[0] is not project:
            if len(_PROJECT_CHECKERS) >= 4:
                _PROJECT_CHECKERS.clear()
            held = (project, CompiledValidator(project.shapes_graph, project.context))
            _PROJECT_CHECKERS[id(project)] = held
        return held[1]


def _generic(shape: _Shape, component: URIRef, check: object, focus: Node) -> dict[str, str]:
    """The message of a shape without sh:message: pySHACL's where the check knows it, else
    the component's name."""
    words = shape.generic.get(id(check))
    return {"": words(focus) if words is not None else str(component).rsplit("#", 1)[-1]}


def _sparql_result(shape: _Shape, constraint: _Sparql, row: dict) -> Result:
    focus = row["this"]
    value = row.get("value", None if shape.path is not None else focus)
    path = row.get("path", shape.path)
    if shape.messages:
        messages = dict(shape.messages)
    else:
        bound = {"this": focus, "value": value, "path": path, **row}
        messages = {}
        for message in sorted(constraint.messages, key=str):
            text = str(message)
            for name, term in bound.items():
                if term is not None:
                    text = re.sub(r"\{[?$]" + re.escape(name) + r"\}", str(term), text)
            messages.setdefault((getattr(message, "language", None) or "").lower(), text)
    return Result(
        focus,
        path,
        value,
        shape.severity,
        shape.node,
        SH.SPARQLConstraintComponent,
        messages,
        constraint=constraint.node,
    )


def _sparql_of(shape: _Shape, seen: set | None = None) -> list[_Sparql]:
    seen = seen if seen is not None else set()
    if id(shape) in seen:
        return []
    seen.add(id(shape))
    found = list(shape.sparql)
    for prop in shape.properties:
        found += _sparql_of(prop, seen)
    return found


def _targeted(shapes: Graph) -> set[Node]:
    nodes = {s for predicate in _TARGETS for s in shapes.subjects(predicate, None)}
    nodes |= {
        s
        for s in shapes.subjects(RDF.type, RDFS.Class)
        if (s, RDF.type, SH.NodeShape) in shapes or (s, RDF.type, SH.PropertyShape) in shapes
    }
    return nodes


def _fallback_validator(shapes: Graph, ontology: Graph | None, fallback: list[Node]):
    """pySHACL for the shapes not compiled: the shapes graph with every other shape's targets
    taken out (so pySHACL runs those shapes only)."""
    if not fallback:
        return None
    kept = set(fallback)
    graph = Graph()
    for triple in shapes:
        s, p, o = triple
        if s not in kept and (p in _TARGETS or (p == RDF.type and o == RDFS.Class)):
            continue
        graph.add(triple)
    for prefix, namespace in shapes.namespaces():
        graph.bind(prefix, namespace, override=False)
    return Validator(graph, ontology)


# -- the report ---------------------------------------------------------------------------------


def report_of(results: list[Result], shapes: Graph, parents: dict | Graph | None = None) -> Report:
    """A :class:`Report` of ``results``, with the SHACL report graph pySHACL would give.
    ``parents``: the resource and property holding each blank focus node, or the data to
    find them in."""
    graph = _empty_report() if not results else Graph()
    conforms = not any(r.severity == SH.Violation for r in results)
    data = parents if isinstance(parents, Graph) else None
    if results:
        report = BNode()
        graph.add((report, RDF.type, SH.ValidationReport))
        graph.add((report, SH.conforms, Literal(conforms)))
        for result in results:
            graph.add((report, SH.result, _result_node(graph, shapes, result, data)))
    if data is not None:
        parents = {
            r.focus: next(iter(data.subject_predicates(r.focus)), None)
            for r in results
            if isinstance(r.focus, BNode)
        }
    ordered = sorted(results, key=_stable_order)
    return Report(conforms=conforms, results=ordered, graph=graph, parents=parents or {})


def _result_node(graph: Graph, shapes: Graph, result: Result, data: Graph | None) -> BNode:
    """A result in the report graph, as pySHACL writes it: a blank node it names (a focus
    node, a value, a shape, a path) is described there, from the data or the shapes."""
    node = BNode()
    for term, source in (
        (result.focus, data),
        (result.value, data),
        (result.shape, shapes),
        (result.constraint, shapes),
    ):
        if isinstance(term, BNode) and source is not None:
            clone_blank_node(source, term, graph, keepid=True)
    graph.add((node, RDF.type, SH.ValidationResult))
    graph.add((node, SH.focusNode, result.focus))
    graph.add((node, SH.resultSeverity, result.severity))
    graph.add((node, SH.sourceShape, result.shape))
    if result.component is not None:
        graph.add((node, SH.sourceConstraintComponent, result.component))
    if result.constraint is not None:
        graph.add((node, SH.sourceConstraint, result.constraint))
    if result.value is not None:
        graph.add((node, SH.value, result.value))
    if result.path is not None:
        graph.add((node, SH.resultPath, result.path))
        if isinstance(result.path, BNode):
            _copy_path(graph, shapes, result.path)
    for lang, text in result.messages.items():
        graph.add((node, SH.resultMessage, Literal(text, lang=lang or None)))
    for detail in result.details:
        graph.add((node, SH.detail, _result_node(graph, shapes, detail, data)))
    return node


def _copy_path(graph: Graph, shapes: Graph, node: Node) -> None:
    for p, o in shapes.predicate_objects(node):
        graph.add((node, p, o))
        if isinstance(o, BNode):
            _copy_path(graph, shapes, o)


__all__ = ["CompiledValidator", "Unsupported", "project_checker", "report_of"]
