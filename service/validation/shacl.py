"""pySHACL in, a :class:`Report` out.

The core shapes of ``shapes/`` and the ``ontology/`` are loaded once
(:func:`project_validator`, cached on the files' modification times) and every
validation reuses them: pySHACL's ``ShapesGraph`` keeps the shapes it has
parsed, and the SPARQL of the constraints is parsed once, so a small write is
checked in a few tens of milliseconds (see ``bench/``).

**The ontology is context, not inference.** The data is validated together with
the vocabulary and the concept schemes, as they stand, and no inference is run
(pySHACL ``inference="none"``). SHACL's targets and ``sh:class`` already follow
``rdfs:subClassOf*`` in the data graph (SHACL §2.1.3.3, "SHACL instance"), so a
shape on ``schema:Event`` reaches a ``med:Workshop`` through the vocabulary's
alignment; and the concepts a role or a mission points at are there to be
checked. RDFS inference would add nothing for that, would cost hundreds of
milliseconds per call on the vocabulary alone, and would hide the very faults
the shapes look for: a resource typed only with our subclass, an actor whose
type would be inferred from a property's domain instead of stated.

A :class:`Report` groups the results by resource and by severity, prints
itself in French or English (:meth:`Report.to_text`) and gives the SHACL
validation report as JSON-LD for machines (:meth:`Report.to_jsonld`).
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from pyshacl import Validator as _PyShaclValidator
from pyshacl.errors import ReportableRuntimeError
from pyshacl.graph_abstraction import DataGraph
from pyshacl.shape import Shape
from pyshacl.shapes_graph import ShapesGraph
from rdflib import RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from ..config import PROJECT_ROOT
from ..errors import ConfigError
from ..namespaces import PREFIXES, RDF, SH
from ..rdfio import parse_files, prepare_sparql_query
from ..seed import files_stamp, rdf_files

SHAPES_DIR = PROJECT_ROOT / "shapes"
ONTOLOGY_DIR = PROJECT_ROOT / "ontology"

#: Severities, worst first, with their names for people.
SEVERITIES: dict[URIRef, dict[str, str]] = {
    SH.Violation: {"fr": "Violation", "en": "Violation", "key": "violation"},
    SH.Warning: {"fr": "Avertissement", "en": "Warning", "key": "warning"},
    SH.Info: {"fr": "Information", "en": "Info", "key": "info"},
}
_RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}

_TEXT = {
    "conforms": {
        "fr": "Les données sont conformes aux formes.",
        "en": "The data conforms to the shapes.",
    },
    "fails": {
        "fr": "Les données ne sont pas conformes aux formes.",
        "en": "The data does not conform to the shapes.",
    },
    "counts": {
        "fr": "{violation} violation(s), {warning} avertissement(s), {info} information(s)",
        "en": "{violation} violation(s), {warning} warning(s), {info} info(s)",
    },
    "path": {"fr": "propriété", "en": "property"},
    "value": {"fr": "valeur", "en": "value"},
    "shape": {"fr": "forme", "en": "shape"},
    "anonymous": {"fr": "nœud anonyme", "en": "blank node"},
    "of": {"fr": "{path} de {parent}", "en": "{path} of {parent}"},
}


#: Prefixes of the JSON-LD report's context.
_REPORT_PREFIXES = ("sh", "schema", "med", "medsh", "xsd", "rdf", "rdfs", "skos", "dct", "prov")


@dataclass(frozen=True)
class Result:
    """One SHACL validation result."""

    focus: Node
    path: Node | None
    value: Node | None
    severity: URIRef
    shape: Node
    component: URIRef | None
    messages: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    #: Results of a nested shape (``sh:node``) that explain this one (``sh:detail``).
    details: tuple[Result, ...] = field(default=(), hash=False, compare=False)
    #: The SHACL-SPARQL constraint that gave it (``sh:sourceConstraint``), if one did.
    constraint: Node | None = field(default=None, hash=False, compare=False)

    @property
    def severity_key(self) -> str:
        return SEVERITIES.get(self.severity, {"key": str(self.severity)})["key"]

    def message(self, lang: str = "fr") -> str:
        """The message in ``lang``, else in the other language, else untagged."""
        for key in (lang, "fr", "en", ""):
            if key in self.messages:
                return self.messages[key]
        return next(iter(self.messages.values()), "")


@dataclass
class Report:
    """The outcome of a validation: conformance, results, and the SHACL report graph."""

    conforms: bool
    results: list[Result]
    graph: Graph
    #: For a blank-node focus, the resource and property that lead to it (to name it).
    parents: dict[Node, tuple[Node, Node] | None] = field(default_factory=dict)
    prefixes: dict[str, str] = field(default_factory=lambda: dict(PREFIXES))

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity == SH.Violation]

    @property
    def warnings(self) -> list[Result]:
        return [r for r in self.results if r.severity == SH.Warning]

    def counts(self) -> dict[str, int]:
        counts = {info["key"]: 0 for info in SEVERITIES.values()}
        for result in self.results:
            counts[result.severity_key] = counts.get(result.severity_key, 0) + 1
        return counts

    def by_severity(self) -> dict[str, list[Result]]:
        grouped: dict[str, list[Result]] = {info["key"]: [] for info in SEVERITIES.values()}
        for result in self._sorted():
            grouped.setdefault(result.severity_key, []).append(result)
        return grouped

    def by_resource(self) -> dict[Node, list[Result]]:
        """Results per focus node, the resources with the worst results first; each list is
        sorted by severity."""
        grouped: dict[Node, list[Result]] = defaultdict(list)
        for result in self._sorted():
            grouped[result.focus].append(result)
        order = sorted(
            grouped, key=lambda n: (min(_RANK.get(r.severity, 9) for r in grouped[n]), str(n))
        )
        return {node: grouped[node] for node in order}

    def shapes(self) -> set[Node]:
        """The shapes that produced a result."""
        return {result.shape for result in self.results}

    def _sorted(self) -> list[Result]:
        return sorted(
            self.results,
            key=lambda r: (_RANK.get(r.severity, 9), str(r.focus), str(r.path or ""), str(r.shape)),
        )

    def short(self, node: Node | None) -> str:
        """A node as a person reads it: a prefixed name, an IRI, a quoted literal."""
        if node is None:
            return ""
        if isinstance(node, URIRef):
            text = str(node)
            best = max(
                ((p, ns) for p, ns in self.prefixes.items() if text.startswith(ns)),
                key=lambda item: len(item[1]),
                default=None,
            )
            if best and re.fullmatch(r"[\w.\-]*", text[len(best[1]) :]):
                return f"{best[0]}:{text[len(best[1]) :]}"
            return f"<{text}>"
        if isinstance(node, Literal):
            shown = f'"{node}"'
            if node.language:
                shown += f"@{node.language}"
            elif node.datatype:
                shown += f"^^{self.short(node.datatype)}"
            return shown
        return f"_:{node}"

    def _path_text(self, path: Node | None) -> str:
        if isinstance(path, BNode):
            # A complex path (sequence, inverse…): show its SHACL terms.
            inverse = self.graph.value(path, SH.inversePath)
            if inverse is not None:
                return "^" + self._path_text(inverse)
            alternatives = self.graph.value(path, SH.alternativePath)
            if alternatives is not None:
                return "|".join(
                    self._path_text(step) for step in Collection(self.graph, alternatives)
                )
            if self.graph.value(path, RDF.first) is not None:
                return "/".join(self._path_text(step) for step in Collection(self.graph, path))
        return self.short(path)

    def to_text(self, lang: str = "fr") -> str:
        """A readable report in French (``fr``) or English (``en``), grouped by resource and,
        within each resource, by severity."""
        lang = "en" if lang == "en" else "fr"
        lines = [_TEXT["conforms" if self.conforms else "fails"][lang]]
        lines.append(_TEXT["counts"][lang].format(**self.counts()))
        for focus, results in self.by_resource().items():
            lines.append("")
            colon = " : " if lang == "fr" else ": "  # French typography: a space before the colon
            name = self.short(focus)
            if isinstance(focus, BNode):
                name = f"[{_TEXT['anonymous'][lang]}]"
                parent = self.parents.get(focus)
                if parent is not None:
                    where = _TEXT["of"][lang].format(
                        path=self.short(parent[1]), parent=self.short(parent[0])
                    )
                    name = f"[{_TEXT['anonymous'][lang]}{colon}{where}]"
            lines.append(name)
            for result in results:
                severity = SEVERITIES.get(result.severity, {lang: str(result.severity)})[lang]
                lines.append(f"  {severity} — {result.message(lang)}")
                details = []
                if result.path is not None:
                    details.append(f"{_TEXT['path'][lang]} {self._path_text(result.path)}")
                if result.value is not None:
                    details.append(f"{_TEXT['value'][lang]} {self.short(result.value)}")
                details.append(f"{_TEXT['shape'][lang]} {self.short(result.shape)}")
                lines.append("    " + " · ".join(details))
                for detail in result.details:
                    lines.append(f"      ↳ {self.short(detail.focus)}{colon}{detail.message(lang)}")
        return "\n".join(lines) + "\n"

    def to_jsonld(self) -> str:
        """The SHACL validation report (``sh:ValidationReport``) as JSON-LD."""
        context = {prefix: self.prefixes[prefix] for prefix in _REPORT_PREFIXES}
        return self.graph.serialize(format="json-ld", context=context, auto_compact=True)

    def to_dict(self) -> dict:
        """A plain summary for JSON responses."""
        return {
            "conforms": self.conforms,
            "counts": self.counts(),
            "results": [
                {
                    "focusNode": str(r.focus),
                    "path": None if r.path is None else str(r.path),
                    "value": None if r.value is None else str(r.value),
                    "severity": r.severity_key,
                    "sourceShape": str(r.shape),
                    "message": {"fr": r.message("fr"), "en": r.message("en")},
                }
                for r in self._sorted()
            ],
        }


class _WorkGraph(Graph):
    """The graph pySHACL validates: the context (our vocabulary and concept schemes) plus,
    for the time of one validation, the data.

    It also keeps the SPARQL queries asked of it parsed: pySHACL sends the text of a
    SHACL-SPARQL constraint once per focus node (the node itself is pre-bound), and
    rdflib parses every text it is given, about 13 ms each with pyparsing, which
    dominated validation. The text of a constraint does not change between focus
    nodes, so parsing it once is enough.
    """

    def __init__(self) -> None:
        super().__init__(bind_namespaces="core")
        self._queries: dict[str, Any] = {}

    def query(self, query_object: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        if isinstance(query_object, str):
            prepared = self._queries.get(query_object)
            if prepared is None:
                prepared = self._queries[query_object] = prepare_sparql_query(query_object)
            query_object = prepared
        return super().query(query_object, *args, **kwargs)


class _ShapesGraph(ShapesGraph):
    """pySHACL's shapes graph, with the focus nodes of the validation under way."""

    def __init__(self, graph: Graph):
        super().__init__(graph)
        self.focus: set[Node] | None = None
        #: A class and its subclasses in the work graph, for the validation under way.
        self.subclasses: dict[Node, set[Node]] = {}
        #: Each shape's target declarations, read once (the shapes do not change).
        self.targets: dict[Node, tuple[tuple[Node, ...], ...]] = {}


class _TargetsInFocus(Shape):
    """A shape whose targets are kept only when they are focus nodes of the validation.

    With focus nodes, the targets are looked for from them (each node's types, its links
    through the properties the shape targets) rather than in the whole work graph and then
    filtered: the same nodes, but a small write no longer lists every concept and term of
    the vocabulary that some shape targets (four tenths of a validation did that)."""

    __slots__ = ()

    def focus_nodes(self, data_graph: Any, debug: bool = False) -> set[Node]:
        focus = self.sg.focus
        if focus is None:
            return set(super().focus_nodes(data_graph, debug=debug))
        targets = self.sg.targets.get(self.node)
        if targets is None:
            targets = self.sg.targets[self.node] = tuple(tuple(t) for t in self.target())
        nodes, classes, implicit, objects_of, subjects_of = targets
        found = {node for node in nodes if node in focus}
        kinds: set[Node] = set()
        for target in {*classes, *implicit}:
            if target not in self.sg.subclasses:
                self.sg.subclasses[target] = {
                    target,
                    *data_graph.transitive_subjects(RDFS.subClassOf, target),
                }
            kinds |= self.sg.subclasses[target]
        for node in focus:
            if node in found:
                continue
            if kinds and any(kind in kinds for kind in data_graph.objects(node, RDF.type)):
                found.add(node)
            elif any(
                next(iter(data_graph.objects(node, p)), None) is not None for p in subjects_of
            ):
                found.add(node)
            elif any(
                next(iter(data_graph.subjects(p, node)), None) is not None for p in objects_of
            ):
                found.add(node)
        return found


class Validator:
    """Shapes and ontology loaded once, ready to validate many data graphs.

    The ontology is *context*: the data is validated together with it, so that
    SHACL sees the vocabulary's ``rdfs:subClassOf`` (a ``med:Workshop`` is a
    ``schema:Event``) and the concepts the data points at (a role's kind is a
    concept of the scheme of roles), but only the data's own resources are focus
    nodes: the ontology is checked when it is validated as data itself.

    Focus nodes are restricted on each shape's *targets* only. pySHACL's own
    ``focus_nodes`` option cannot be used: it filters every evaluation of every
    shape, including the nested ones of ``sh:or``, ``sh:node`` and qualified
    value shapes, whose focus is a value (a literal, a blank node), so that those
    constraints silently pass (pySHACL 0.40; the invalid fixtures of the tests
    caught it).

    pySHACL's ``ShapesGraph`` (the parsed shapes) and the parsed SPARQL of the
    constraints are built once and reused; a lock keeps one validation at a time
    (pySHACL's caches, the work graph and the focus restriction are shared).
    """

    def __init__(self, shapes: Graph, ontology: Graph | None = None):
        self.shapes_graph = shapes
        self._templates = _message_templates(shapes)
        self._work = _WorkGraph()
        for triple in _triples(ontology if ontology is not None else Graph()):
            self._work.add(triple)
        self._lock = threading.Lock()
        try:
            self._shapes = _ShapesGraph(shapes)
            for shape in self._shapes.shapes:  # the shapes pySHACL runs from their targets
                shape.__class__ = _TargetsInFocus
        except ReportableRuntimeError as error:
            raise _shapes_error(error) from None

    @property
    def context(self) -> Graph:
        """The ontology the data is validated with (outside a validation, the work graph holds
        it alone)."""
        return self._work

    def validate(self, data: Graph, focus_nodes: Sequence[Node] | None = None) -> Report:
        """Validate ``data`` (never modified) with the ontology as context. ``focus_nodes``
        limits the resources checked (default: every subject of ``data``)."""
        triples = list(_triples(data))
        focus = set(focus_nodes) if focus_nodes is not None else {s for s, _, _ in triples}
        if not focus:
            return _report(True, _empty_report(), self._templates, data)
        options = {
            "inference": "none",
            "inplace": True,
            "allow_warnings": True,
            "allow_infos": True,
            "advanced": False,
        }
        with self._lock:
            added = [triple for triple in triples if triple not in self._work]
            for triple in added:
                self._work.add(triple)
            self._shapes.focus = focus
            self._shapes.subclasses = {}
            try:
                validator = _PyShaclValidator(
                    DataGraph.from_rdflib(self._work),
                    shacl_graph=self.shapes_graph,
                    options=options,
                )
                validator.shacl_graph = self._shapes  # reuse the parsed shapes
                conforms, report_graph, _ = validator.run()
            except ReportableRuntimeError as error:
                raise _shapes_error(error) from None
            finally:
                self._shapes.focus = None
                for triple in added:
                    self._work.remove(triple)
        return _report(conforms, report_graph, self._templates, data)


def _shapes_error(error: ReportableRuntimeError) -> ConfigError:
    """The shapes themselves are wrong (not the data): say so, with pySHACL's reason."""
    return ConfigError(
        f"Les formes SHACL ne peuvent pas être appliquées : {error.message}",
        f"The SHACL shapes cannot be applied: {error.message}",
    )


def _empty_report() -> Graph:
    graph = Graph()
    report = BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, Literal(True)))
    return graph


def _triples(data: Graph) -> Iterable[tuple[Node, Node, Node]]:
    if data.context_aware:  # a Dataset: the union of its graphs
        for s, p, o, _ in data.quads((None, None, None, None)):  # type: ignore[attr-defined]
            yield s, p, o
    else:
        yield from data


# -- messages ---------------------------------------------------------------------------------


def _message_templates(shapes: Graph) -> dict[Node, tuple[list, list]]:
    """For each shape, the patterns of its own ``sh:message``s and of its SPARQL
    constraints' messages, with their languages."""
    templates: dict[Node, tuple[list, list]] = {}
    for shape in set(shapes.subjects(SH.message, None)) | set(shapes.subjects(SH.sparql, None)):
        other = [t for c in shapes.objects(shape, SH.sparql) for t in _templates_of(shapes, c)]
        templates[shape] = (_templates_of(shapes, shape), other)
    return templates


def _templates_of(graph: Graph, node: Node) -> list[tuple[re.Pattern, str]]:
    templates = []
    for message in graph.objects(node, SH.message):
        if isinstance(message, Literal) and message.language:
            parts = re.split(r"\{[?$]\w+\}", str(message))
            pattern = re.compile("(?s)" + ".*?".join(re.escape(part) for part in parts))
            templates.append((pattern, message.language.lower()))
    return templates


def _tag(
    messages: list[Literal], own: list[tuple[re.Pattern, str]], other: list[tuple[re.Pattern, str]]
) -> dict[str, Literal]:
    """One message per language, the shape's own message first.

    pySHACL returns both the shape's ``sh:message`` and, for SPARQL-based
    constraints, the constraint's; it substitutes ``{?var}`` and ``{$this}`` in the
    latter but drops their language tag. Matching each message against the
    templates gives its language back, and tells the shape's own message apart.
    """
    ranked: list[tuple[int, str, Literal]] = []
    for message in messages:
        text = str(message)
        own_lang = next((lang for pattern, lang in own if pattern.fullmatch(text)), None)
        other_lang = next((lang for pattern, lang in other if pattern.fullmatch(text)), None)
        lang = (message.language or "").lower() or own_lang or other_lang or ""
        rank = 0 if own_lang else 1 if other_lang else 2
        ranked.append((rank, lang, Literal(text, lang=lang or None)))
    tagged: dict[str, Literal] = {}
    for _, lang, literal in sorted(ranked, key=lambda item: (item[0], str(item[2]))):
        tagged.setdefault(lang, literal)
    return tagged


def _report(conforms: bool, graph: Graph, templates: dict, data: Graph) -> Report:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=False)

    def result(node: Node) -> Result:
        shape = graph.value(node, SH.sourceShape)
        raw = list(graph.objects(node, SH.resultMessage))
        own, other = templates.get(shape, ([], []))
        tagged = _tag(raw, own, other)
        graph.remove((node, SH.resultMessage, None))
        for message in tagged.values():
            graph.add((node, SH.resultMessage, message))
        return Result(
            focus=graph.value(node, SH.focusNode),
            path=graph.value(node, SH.resultPath),
            value=graph.value(node, SH.value),
            severity=graph.value(node, SH.resultSeverity) or SH.Violation,
            shape=shape,
            component=graph.value(node, SH.sourceConstraintComponent),
            messages={lang: str(m) for lang, m in tagged.items()},
            details=tuple(result(detail) for detail in graph.objects(node, SH.detail)),
        )

    # The report's own results; nested ones (sh:detail) hang under the result they explain.
    # pyshacl returns them in no stable order: sorted, a report and the messages on a form's
    # field read the same on every run.
    results = sorted(
        (
            result(node)
            for report in graph.subjects(RDF.type, SH.ValidationReport)
            for node in graph.objects(report, SH.result)
        ),
        key=_stable_order,
    )
    parents = {
        r.focus: next(iter(data.subject_predicates(r.focus)), None)
        for r in results
        if isinstance(r.focus, BNode)
    }
    return Report(conforms=bool(conforms), results=results, graph=graph, parents=parents)


def _stable_order(result: Result) -> tuple:
    return (
        _RANK.get(result.severity, 9),
        str(result.focus),
        str(result.path or ""),
        str(result.value or ""),
        str(result.component or ""),
        result.message("fr"),
    )


# -- the project's shapes and ontology, loaded once ------------------------------------------


def core_shape_files(root: Path = SHAPES_DIR) -> list[Path]:
    """The shapes every validation uses: the Turtle files directly in ``shapes/`` (the
    search-engine set, in a sub-folder, is added on demand)."""
    return sorted(path for path in root.glob("*.ttl") if path.is_file())


@lru_cache(maxsize=8)
def _cached_validator(shapes_stamp: tuple, ontology_stamp: tuple) -> Validator:
    shapes = parse_files([Path(p) for p, _, _ in shapes_stamp])
    ontology = parse_files([Path(p) for p, _, _ in ontology_stamp])
    return Validator(shapes, ontology)


def project_validator(
    shapes: Sequence[Path] | None = None, ontology: Sequence[Path] | None = None
) -> Validator:
    """The validator for these shape and ontology files and folders (default: the core
    shapes of ``shapes/`` and the whole ``ontology/``), loaded once and reloaded when a
    file changes."""
    shapes_paths = list(shapes) if shapes is not None else core_shape_files()
    ontology_paths = list(ontology) if ontology is not None else [ONTOLOGY_DIR]
    return _cached_validator(files_stamp(list(shapes_paths)), files_stamp(list(ontology_paths)))


def validate(
    data_graph: Graph,
    shapes: Graph | Sequence[Path] | None = None,
    ontology: Graph | Sequence[Path] | None = None,
    focus_nodes: Sequence[Node] | None = None,
) -> Report:
    """Validate ``data_graph`` against ``shapes`` with ``ontology`` as context (default: the
    core shapes of ``shapes/`` and ``ontology/``, loaded once). Graphs given directly are
    not cached: build a :class:`Validator` to reuse them."""
    if isinstance(shapes, Graph) or isinstance(ontology, Graph):
        shapes_graph = (
            shapes
            if isinstance(shapes, Graph)
            else parse_files(rdf_files(list(shapes)) if shapes is not None else core_shape_files())
        )
        ontology_graph = (
            ontology
            if isinstance(ontology, Graph)
            else parse_files(rdf_files(list(ontology or [ONTOLOGY_DIR])))
        )
        return Validator(shapes_graph, ontology_graph).validate(data_graph, focus_nodes)
    return project_validator(shapes, ontology).validate(data_graph, focus_nodes)
