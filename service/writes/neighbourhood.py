"""The neighbourhood of a change: what SHACL must see to judge a write, read from the store.

**What is validated.** The shapes describe the project's resources. A node of the change
is checked when it is one of ours (an IRI under the base, its hash parts and the blank
nodes it holds) or when it claims to be of a kind the shapes describe (its type, after
the change, is a class a shape targets, or a subclass of one in the vocabulary). Other
RDF — a third party's vocabulary, test data — is held as given. The neighbourhood
(:class:`Neighbourhood`) is what the shapes read around a checked node, after the change:

* the node's own triples and the blank nodes it reaches, recursively;
* the triples of each resource it links to (their types for ``sh:class``, a parent
  event's dates, an event's roles);
* the links *to* it through the properties the shapes read backwards
  (``sh:inversePath``, ``sh:targetObjectsOf``, and the triple patterns of SPARQL
  constraints whose object is ``$this``: :class:`Reach`), with the linking resource's
  own triples;

and which nodes are checked: the subjects and the linked objects of the change (a blank
node stands for the resource holding it), and, when a resource's change is more than its
names and descriptions (its types, dates or links, which shapes of others read), the
resources linking to it.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import BNode, Node

from ..errors import ValidationFailed
from ..labels import DESCRIPTION_PROPERTIES, LABEL_PROPERTIES
from ..rdfio import parse_files
from ..seed import rdf_files
from ..store import Changeset, Quad, Store
from ..validation import ONTOLOGY_DIR, CompiledValidator, Report, Validator, project_validator
from . import history
from .reach import Reach, reach_of

#: Changes to these properties with a literal value concern the resource's own text only:
#: no shape of another resource reads them, so they do not make the resources that link
#: to it worth checking again.
TEXT_PROPERTIES: frozenset[URIRef] = frozenset(LABEL_PROPERTIES + DESCRIPTION_PROPERTIES)
#: How far up a chain of blank nodes the holder of a blank node is looked for.
MAX_BLANK_DEPTH = 16
#: Most blank nodes one resource's closure gathers.
MAX_CLOSURE = 5000


# ---------------------------------------------------------------------------------------------
# What a write is checked with: a validator and what its shapes reach (``reach.py``)
# ---------------------------------------------------------------------------------------------


#: What can check a write (the ``write_validator`` setting).
WRITE_VALIDATORS = ("compiled", "pyshacl")


@dataclass(frozen=True)
class Rules:
    """What a write is checked with: a validator and what its shapes reach.

    ``validator`` is pySHACL's, whose shapes and context the compiled one is built from;
    ``checker``, when set, is what checks writes instead (the compiled validator: the same
    results, a shape it cannot compile left to pySHACL)."""

    validator: Validator
    reach: Reach
    checker: CompiledValidator | None = None

    def validate(self, data: Graph, focus_nodes: list[Node]) -> Report:
        """The report of ``data`` on ``focus_nodes``, by the checker when there is one."""
        return (self.checker or self.validator).validate(data, focus_nodes=focus_nodes)


@lru_cache(maxsize=4)
def write_rules(project: Validator, kind: str = "compiled") -> Rules:
    """The project's shapes, for writes, with a lighter context: the vocabulary and the
    concept schemes without their names and descriptions; checked by ``kind``
    (:data:`WRITE_VALIDATORS`).

    No shape reads the text of a resource it is not checking (the names and descriptions a
    shape checks are the focus node's own), so leaving the context's text out changes no
    result; but pySHACL looks for the targets of every shape in the whole work graph, and
    the vocabulary's hundreds of labels and definitions are subjects of the text shapes'
    ``sh:targetSubjectsOf``: without them a small write is validated in two thirds of the
    time (``bench/README.md``). Cached per project validator, which is rebuilt when a file of
    ``shapes/`` or ``ontology/`` changes.
    """
    if kind not in WRITE_VALIDATORS:
        raise ValueError(f"write validator {kind!r}: one of {', '.join(WRITE_VALIDATORS)}")
    ontology = parse_files(rdf_files([ONTOLOGY_DIR]))
    context = Graph()
    for triple in ontology:
        if not (triple[1] in TEXT_PROPERTIES and isinstance(triple[2], Literal)):
            context.add(triple)
    validator = Validator(project.shapes_graph, context)
    checker = CompiledValidator(project.shapes_graph, context) if kind == "compiled" else None
    return Rules(validator, reach_of(project.shapes_graph, ontology), checker)


# ---------------------------------------------------------------------------------------------
# The neighbourhood of a change, after the change
# ---------------------------------------------------------------------------------------------


class Neighbourhood:
    """Reads around the nodes of a change, in the store's state with the change applied.

    Every read is an index lookup on the store (``quads`` by subject, or by predicate and
    object), cached; the history graph is left out (it is not data).
    """

    def __init__(
        self,
        store: Store,
        changes: Changeset,
        base_url: str,
        own_quads: Callable[[Node], Iterable[Quad]] | None = None,
    ):
        self.store = store
        # Where a node's quads (as subject) are read: the store, unless told (a bulk load's
        # validation reads its new resources from the lines it loaded).
        self._own_quads = own_quads or (lambda node: store.quads(subject=node))
        self.base_url = base_url
        self.history = history.history_graph(base_url)
        # Tested by hash (a set), not by rdflib's equality, which is Python code.
        self._skipped = {self.history}
        self.removed = set(changes.remove)
        self.added_by_subject: dict[Node, list[Quad]] = defaultdict(list)
        self.added_by_object: dict[Node, list[Quad]] = defaultdict(list)
        for quad in changes.add:
            self.added_by_subject[quad[0]].append(quad)
            self.added_by_object[quad[2]].append(quad)
        self._own: dict[Node, set[tuple]] = {}
        self._before: dict[Node, list[Quad]] = {}
        #: Blank node → the IRIs that hold it, as :meth:`resources` found them.
        self.owners: dict[Node, set[URIRef]] = {}
        self.reads = 0

    @property
    def cached(self) -> int:
        """How many nodes' triples the reads keep."""
        return len(self._before)

    def before(self, node: Node) -> list[Quad]:
        """The node's quads (as subject) before the change, outside the history."""
        if node not in self._before:
            self.reads += 1
            skipped = self._skipped
            self._before[node] = [q for q in self._own_quads(node) if q[3] not in skipped]
        return self._before[node]

    def own(self, node: Node) -> set[tuple]:
        """The node's triples (as subject) after the change: the union of its graphs."""
        if node not in self._own:
            quads = [q for q in self.before(node) if q not in self.removed]
            quads += self.added_by_subject.get(node, [])
            self._own[node] = {q[:3] for q in quads}
        return self._own[node]

    def linking(self, node: Node, predicates: Iterable[URIRef] | None) -> set[tuple]:
        """The triples ``?x p node`` after the change, for ``p`` in ``predicates`` (None: any)."""
        quads: list[Quad] = []
        patterns = [None] if predicates is None else sorted(predicates, key=str)
        for predicate in patterns:
            self.reads += 1
            quads += [
                q
                for q in self.store.quads(predicate=predicate, obj=node)
                if q[3] not in self._skipped and q not in self.removed
            ]
        quads += [
            q
            for q in self.added_by_object.get(node, [])
            if predicates is None or q[1] in predicates
        ]
        return {q[:3] for q in quads}

    def resources(self, node: Node) -> set[URIRef]:
        """The resources a node of a quad stands for: itself when an IRI, the IRIs holding it
        when a blank node (found once), none for a literal."""
        if isinstance(node, URIRef):
            return {node}
        if isinstance(node, BNode):
            if node not in self.owners:
                self.owners[node] = self.holders(node)
            return self.owners[node]
        return set()

    def holders(self, blank: BNode) -> set[URIRef]:
        """The IRIs that hold a blank node (directly or through other blank nodes), before or
        after the change."""
        found: set[URIRef] = set()
        seen: set[Node] = {blank}
        frontier = [blank]
        for _ in range(MAX_BLANK_DEPTH):
            following = []
            for node in frontier:
                self.reads += 1
                subjects = {q[0] for q in self.store.quads(obj=node) if q[3] not in self._skipped}
                subjects |= {q[0] for q in self.added_by_object.get(node, [])}
                for subject in subjects:
                    if isinstance(subject, URIRef):
                        found.add(subject)
                    elif subject not in seen:
                        seen.add(subject)
                        following.append(subject)
            if not following:
                break
            frontier = following
        return found

    def closure(self, node: Node) -> tuple[set[tuple], set[BNode]]:
        """The node's triples and those of the blank nodes it reaches, and those blank nodes."""
        triples: set[tuple] = set()
        blanks: set[BNode] = set()
        queue: deque[Node] = deque([node])
        while queue:
            current = queue.popleft()
            for triple in self.own(current):
                triples.add(triple)
                obj = triple[2]
                if isinstance(obj, BNode) and obj not in blanks and len(blanks) < MAX_CLOSURE:
                    blanks.add(obj)
                    queue.append(obj)
        return triples, blanks


@dataclass
class Extract:
    """The data a change is validated with, and what is checked."""

    data: Graph
    focus: set[Node]
    checked: set[Node]  # the resources (IRIs) checked
    owners: dict[Node, set[URIRef]] = field(default_factory=dict)  # blank node → holders
    reads: int = 0


def extract_neighbourhood(store: Store, changes: Changeset, base_url: str, reach: Reach) -> Extract:
    """The neighbourhood of ``changes`` after it, and the nodes to check (see the module)."""
    around = Neighbourhood(store, changes, base_url)
    quads = list(changes.remove) + list(changes.add)
    resources = around.resources

    subjects: set[URIRef] = set()
    deep: set[URIRef] = set()  # subjects whose change others' shapes may read
    objects: set[URIRef] = set()
    for s, p, o, _ in quads:
        holders = resources(s)
        subjects |= holders
        if not (p in TEXT_PROPERTIES and isinstance(o, Literal)):
            deep |= holders
        # A link changes what its object's shapes see only through a property they read
        # backwards (an address, a sub-event, a role).
        if isinstance(o, URIRef) and (reach.any_inverse or p in reach.inverse):
            objects.add(o)
    candidates: set[URIRef] = subjects | objects
    for node in sorted(deep, key=str):
        for linker, _, _ in around.linking(node, None):
            candidates |= resources(linker)

    def checked(node: URIRef) -> bool:
        if str(node).startswith(base_url):
            return True
        return any(o in reach.classes for _, p, o in around.own(node) if p == RDF.type)

    focus_resources = {node for node in candidates if checked(node)}
    triples, focus = gather(around, focus_resources, reach)
    data = Graph()
    for triple in triples:
        data.add(triple)
    return Extract(data, focus, focus_resources, around.owners, around.reads)


def gather(
    around: Neighbourhood, resources: Iterable[URIRef], reach: Reach
) -> tuple[set[tuple], set[Node]]:
    """What the shapes read around ``resources`` (see the module), as a set of triples, and
    the focus nodes: the resources and the blank nodes they hold."""
    data: set[tuple] = set()
    focus: set[Node] = set()
    inverse = None if reach.any_inverse else reach.inverse
    for node in sorted(resources, key=str):
        triples, blanks = around.closure(node)
        focus.add(node)
        focus |= blanks
        for triple in triples:
            data.add(triple)
        for _, predicate, obj in triples:
            if predicate != RDF.type and isinstance(obj, URIRef) and obj != node:
                for triple in around.own(obj):
                    data.add(triple)
        for member in [node, *blanks]:
            for triple in around.linking(member, inverse):
                data.add(triple)
                for other in around.own(triple[0]):
                    data.add(other)
    return data, focus


def check_write(
    store: Store, changes: Changeset, base_url: str, rules: Rules | None = None
) -> tuple[Report, Extract]:
    """Validate ``changes`` against the store's state (see the module docstring)."""
    rules = rules or write_rules(project_validator())
    piece = extract_neighbourhood(store, changes, base_url, rules.reach)
    report = rules.validate(piece.data, sorted(piece.focus, key=str))
    return report, piece


def refusal(report: Report, counts: dict[str, int] | None = None) -> ValidationFailed:
    """The 422 a non-conforming change gets: the readable report in both languages, the
    SHACL report as JSON-LD. ``counts``: the whole count when ``report`` holds the first
    results only (a big load)."""
    import json

    shown = report.counts()
    counts = counts or shown
    fr = en = ""
    if counts["violation"] > shown["violation"]:
        fr = f" Les {shown['violation']} premières :"
        en = f" The first {shown['violation']}:"
    return ValidationFailed(
        "Écriture refusée : les données ne sont pas conformes aux formes SHACL "
        f"({counts['violation']} violation(s)). Rien n'a été modifié.{fr}\n\n"
        + report.to_text("fr"),
        "Write refused: the data does not conform to the SHACL shapes "
        f"({counts['violation']} violation(s)). Nothing was changed.{en}\n\n"
        + report.to_text("en"),
        summary={"fr": report.to_text("fr"), "en": report.to_text("en")},
        counts=counts,
        results=report.to_dict()["results"],
        report=json.loads(report.to_jsonld()),
    )


__all__ = [
    "Extract",
    "Neighbourhood",
    "Reach",
    "Rules",
    "WRITE_VALIDATORS",
    "check_write",
    "extract_neighbourhood",
    "gather",
    "reach_of",
    "refusal",
    "write_rules",
]
