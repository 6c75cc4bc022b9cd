"""Getting data into the store: the first load of the project's files, and every later write.

Every write — a SPARQL Update, a Graph Store Protocol request, ``mediation load`` — goes
through :meth:`Publisher.write`, which holds the store's write lock from computing the
change to applying it (writers never interleave) and does, in order:

1. compute the change against the current state (``Store.update_delta`` for an update,
   a parsed document for an upload): a :class:`~service.store.Changeset` of quads;
2. refuse changes to the graphs the service owns (:func:`protected_graphs`): the
   vocabulary and the shapes come from the repository (the validator reads them from
   there, so a copy edited in the store would say one thing and enforce another), and
   the history is written by the service alone;
3. validate the change with SHACL against the store's state (:func:`check_write`): only the
   neighbourhood of the change is extracted, changed in memory, and validated, so the
   cost follows the size of the change, not of the store; a violation refuses the write
   (:class:`~service.errors.ValidationFailed`, 422, with the report), warnings pass;
4. record it in the history (:mod:`service.history`), in the same changeset;
5. apply it (``Store.apply``: atomic and durable, journaled on the embedded store), then,
   still under the lock, append its record to the change log beside the store
   (:mod:`service.changelog`), which pages and feeds read;
6. update the search index for the resources it touched.

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

import logging
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef, Variable
from rdflib.namespace import RDF, RDFS, SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import BNode, Node

from ..config import DEFAULT_BASE, PROJECT_ROOT, Config
from ..errors import Forbidden, MediationError, ValidationFailed
from ..formats import BY_FILE_EXTENSION, NTRIPLES
from ..labels import DESCRIPTION_PROPERTIES, LABEL_PROPERTIES
from ..rdfio import parse_files
from ..seed import graph_for, project_files, rdf_files, read_moved
from ..store import Changeset, GraphName, Quad, Store
from ..validation import ONTOLOGY_DIR, Report, Validator, project_validator
from . import history
from .changelog import ChangeLog

log = logging.getLogger(__name__)

#: Changes to these properties with a literal value concern the resource's own text only:
#: no shape of another resource reads them, so they do not make the resources that link
#: to it worth checking again.
TEXT_PROPERTIES: frozenset[URIRef] = frozenset(LABEL_PROPERTIES + DESCRIPTION_PROPERTIES)
#: How far up a chain of blank nodes the holder of a blank node is looked for.
MAX_BLANK_DEPTH = 16
#: Most blank nodes one resource's closure gathers.
MAX_CLOSURE = 5000


def ensure_seeded(store: Store, config: Config) -> int:
    """Load ``ontology/``, ``shapes/`` and ``data/`` into an empty store; return quads loaded.

    Nothing is loaded when the ``seed`` setting is off (a scratch store). Under another
    ``base_url`` than the default, the files' resources are moved under it as they load."""
    if not getattr(config, "seed", True) or not store.is_empty():
        return 0
    total = 0
    for path in project_files(PROJECT_ROOT):
        graph = graph_for(path, config.base_url)
        if config.base_url == DEFAULT_BASE:
            total += store.load(path, BY_FILE_EXTENSION[path.suffix], graph)
        else:
            total += store.load(read_moved(path, config.base_url), NTRIPLES, graph)
    return total


# ---------------------------------------------------------------------------------------------
# The graphs the service owns
# ---------------------------------------------------------------------------------------------


def protected_graphs(base_url: str, root: Path = PROJECT_ROOT) -> dict[URIRef, str]:
    """The graphs no write may change, with the reason's key: the vocabulary and concept
    schemes (``ontology/``), the shapes (``shapes/``) and the history."""
    found: dict[URIRef, str] = {}
    for folder, reason in (("ontology", "vocabulary"), ("shapes", "shapes")):
        for path in rdf_files([root / folder]):
            found[graph_for(path, base_url)] = reason
    found[history.history_graph(base_url)] = "history"
    # The remote store keeps our default graph and its write counter in these two.
    for name in ("default", "system"):
        found[URIRef(f"{base_url}graph/{name}")] = "reserved"
    return found


_PROTECTED_REASONS = {
    "vocabulary": (
        "le vocabulaire et les référentiels viennent du dépôt (ontology/) ; "
        "modifiez-les là, ils sont chargés dans un magasin vide",
        "the vocabulary and the concept schemes come from the repository "
        "(ontology/); change them there, they are loaded into an empty store",
    ),
    "shapes": (
        "les formes SHACL viennent du dépôt (shapes/), d'où la validation les lit ; "
        "une copie modifiée dans le magasin dirait une chose et en vérifierait une autre",
        "the SHACL shapes come from the repository (shapes/), where validation reads "
        "them; a copy edited in the store would say one thing and check another",
    ),
    "history": (
        "l'historique est écrit par le service seul, à chaque écriture",
        "the history is written by the service alone, with every write",
    ),
    "reserved": (
        "ce nom est réservé au magasin (graphe par défaut, compteur d'écritures)",
        "this name is reserved for the store (default graph, write counter)",
    ),
}


def check_graphs(changes: Changeset, protected: dict[URIRef, str]) -> None:
    """Refuse a change to a protected graph (403)."""
    for name in sorted((g for g in changes.graphs() if g is not None), key=str):
        reason = protected.get(name)
        if reason is not None:
            fr, en = _PROTECTED_REASONS[reason]
            raise Forbidden(
                f"Le graphe {name} ne peut pas être modifié : {fr}.",
                f"The graph {name} cannot be changed: {en}.",
                graph=str(name),
            )


# ---------------------------------------------------------------------------------------------
# What the shapes read: targeted classes and properties read backwards
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reach:
    """What the shapes look at beyond a node's own triples."""

    #: Classes a shape targets, with their subclasses in the vocabulary.
    classes: frozenset[URIRef]
    #: Properties the shapes read from object to subject (``?x p $this``).
    inverse: frozenset[URIRef]
    #: True when a constraint reads links to ``$this`` through any property.
    any_inverse: bool = False


def _bgp_triples(node: object, out: list) -> None:
    if isinstance(node, CompValue):
        if node.name == "BGP":
            out.extend(node.triples)
        for value in node.values():
            _bgp_triples(value, out)
    elif isinstance(node, (list, tuple)):
        for value in node:
            _bgp_triples(value, out)
    elif isinstance(node, dict):
        for value in node.values():
            _bgp_triples(value, out)


def reach_of(shapes: Graph, ontology: Graph) -> Reach:
    """Read the shapes once: the classes they target and the properties they follow backwards."""
    inverse: set[URIRef] = set(shapes.objects(None, SH.targetObjectsOf))
    inverse |= {p for p in shapes.objects(None, SH.inversePath) if isinstance(p, URIRef)}
    prefixes = {
        str(shapes.value(declaration, SH.prefix)): str(shapes.value(declaration, SH.namespace))
        for declaration in shapes.objects(None, SH.declare)
    }
    any_inverse = False
    for _, text in shapes.subject_objects(SH.select):
        triples: list = []
        _bgp_triples(prepareQuery(str(text), initNs=prefixes).algebra, triples)
        for _, predicate, obj in triples:
            if obj == Variable("this"):
                if isinstance(predicate, URIRef):
                    inverse.add(predicate)
                else:
                    any_inverse = True
    targeted = {c for c in shapes.objects(None, SH.targetClass) if isinstance(c, URIRef)}
    # Implicit class targets: a shape that is also a class (SHACL §2.1.3.3).
    targeted |= {
        s for s in shapes.subjects(RDF.type, RDFS.Class) if (s, RDF.type, SH.NodeShape) in shapes
    }
    classes = set(targeted)
    queue = deque(targeted)
    while queue:
        current = queue.popleft()
        for sub in ontology.subjects(RDFS.subClassOf, current):
            if isinstance(sub, URIRef) and sub not in classes:
                classes.add(sub)
                queue.append(sub)
    return Reach(frozenset(classes), frozenset(inverse), any_inverse)


@dataclass(frozen=True)
class Rules:
    """What a write is checked with: a validator and what its shapes reach."""

    validator: Validator
    reach: Reach


@lru_cache(maxsize=2)
def write_rules(project: Validator) -> Rules:
    """The project's shapes, for writes, with a lighter context: the vocabulary and the
    concept schemes without their names and descriptions.

    No shape reads the text of a resource it is not checking (the names and descriptions a
    shape checks are the focus node's own), so leaving the context's text out changes no
    result; but pySHACL looks for the targets of every shape in the whole work graph, and
    the vocabulary's hundreds of labels and definitions are subjects of the text shapes'
    ``sh:targetSubjectsOf``: without them a small write is validated in two thirds of the
    time (``bench/README.md``). Cached per project validator, which is rebuilt when a file of
    ``shapes/`` or ``ontology/`` changes.
    """
    ontology = parse_files(rdf_files([ONTOLOGY_DIR]))
    context = Graph()
    for triple in ontology:
        if not (triple[1] in TEXT_PROPERTIES and isinstance(triple[2], Literal)):
            context.add(triple)
    return Rules(Validator(project.shapes_graph, context), reach_of(project.shapes_graph, ontology))


# ---------------------------------------------------------------------------------------------
# The neighbourhood of a change, after the change
# ---------------------------------------------------------------------------------------------


class Neighbourhood:
    """Reads around the nodes of a change, in the store's state with the change applied.

    Every read is an index lookup on the store (``quads`` by subject, or by predicate and
    object), cached; the history graph is left out (it is not data).
    """

    def __init__(self, store: Store, changes: Changeset, base_url: str):
        self.store = store
        self.base_url = base_url
        self.history = history.history_graph(base_url)
        self.removed = set(changes.remove)
        self.added_by_subject: dict[Node, list[Quad]] = defaultdict(list)
        self.added_by_object: dict[Node, list[Quad]] = defaultdict(list)
        for quad in changes.add:
            self.added_by_subject[quad[0]].append(quad)
            self.added_by_object[quad[2]].append(quad)
        self._own: dict[Node, set[tuple]] = {}
        self._before: dict[Node, list[Quad]] = {}
        self.reads = 0

    def before(self, node: Node) -> list[Quad]:
        """The node's quads (as subject) before the change, outside the history."""
        if node not in self._before:
            self.reads += 1
            self._before[node] = [q for q in self.store.quads(subject=node) if q[3] != self.history]
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
                if q[3] != self.history and q not in self.removed
            ]
        quads += [
            q
            for q in self.added_by_object.get(node, [])
            if predicates is None or q[1] in predicates
        ]
        return {q[:3] for q in quads}

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
                subjects = {q[0] for q in self.store.quads(obj=node) if q[3] != self.history}
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
    owners: dict[Node, set[URIRef]] = {}

    def resources(node: Node) -> set[URIRef]:
        if isinstance(node, URIRef):
            return {node}
        if isinstance(node, BNode):
            if node not in owners:
                owners[node] = around.holders(node)
            return owners[node]
        return set()

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
    data = Graph()
    focus: set[Node] = set()
    inverse = None if reach.any_inverse else reach.inverse
    for node in sorted(focus_resources, key=str):
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
    return Extract(data, focus, focus_resources, owners, around.reads)


def check_write(
    store: Store, changes: Changeset, base_url: str, rules: Rules | None = None
) -> tuple[Report, Extract]:
    """Validate ``changes`` against the store's state (see the module docstring)."""
    rules = rules or write_rules(project_validator())
    piece = extract_neighbourhood(store, changes, base_url, rules.reach)
    report = rules.validator.validate(piece.data, focus_nodes=sorted(piece.focus, key=str))
    return report, piece


def refusal(report: Report) -> ValidationFailed:
    """The 422 a non-conforming change gets: the readable report in both languages, the
    SHACL report as JSON-LD."""
    import json

    counts = report.counts()
    return ValidationFailed(
        "Écriture refusée : les données ne sont pas conformes aux formes SHACL "
        f"({counts['violation']} violation(s)). Rien n'a été modifié.\n\n" + report.to_text("fr"),
        "Write refused: the data does not conform to the SHACL shapes "
        f"({counts['violation']} violation(s)). Nothing was changed.\n\n" + report.to_text("en"),
        summary={"fr": report.to_text("fr"), "en": report.to_text("en")},
        counts=counts,
        results=report.to_dict()["results"],
        report=json.loads(report.to_jsonld()),
    )


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What an accepted write did."""

    generation: int
    added: int
    removed: int
    change: URIRef | None  # the history record (None: nothing changed, or history is off)
    report: Report | None  # the validation report (warnings may remain)
    created_graphs: set[URIRef] = field(default_factory=set)
    touched: list[history.Touched] = field(default_factory=list)

    def summary(self) -> dict:
        return {
            "added": self.added,
            "removed": self.removed,
            "generation": self.generation,
            "change": str(self.change) if self.change else None,
            "warnings": self.report.counts()["warning"] if self.report else 0,
            "resources": [{"iri": str(t.iri), "action": t.action} for t in self.touched],
        }


class Publisher:
    """The write domain of one store: see the module docstring."""

    def __init__(
        self,
        store: Store,
        config: Config,
        index=None,
        changelog: ChangeLog | None = None,
        rules: Rules | None = None,
    ):
        self.store = store
        self.config = config
        self.index = index
        #: The change log beside the store, appended after each write (None: the first load
        #: and tools that keep no log).
        self.changelog = changelog
        self._rules = rules
        self.protected = protected_graphs(config.base_url)

    @property
    def rules(self) -> Rules:
        return self._rules or write_rules(project_validator())

    def write(
        self,
        compute: Callable[[Store], Changeset],
        *,
        agent: str,
        operation: str,
        allow_protected: bool = False,
        record: bool | None = None,
        validate: bool = True,
    ) -> Outcome:
        """Compute a change with ``compute(store)``, check it, record it and apply it, all
        under the store's write lock. Raises Forbidden, BadRequest, ValidationFailed.

        ``allow_protected``, ``record=False`` and ``validate=False`` are for the operator's
        command line only: loading the project's own graphs, restoring an export."""
        try:
            return self._write(
                compute,
                agent=agent,
                operation=operation,
                allow_protected=allow_protected,
                record=record,
                validate=validate,
            )
        except MediationError as error:
            if error.status < 500:  # the store's own failures are logged where they are answered
                reason = " ".join(error.message_en.split())
                log.info(
                    "write by %s (%s) refused, %s: %s",
                    agent,
                    operation,
                    error.code,
                    reason if len(reason) <= 300 else reason[:299] + "…",
                )
            raise

    def _write(
        self,
        compute: Callable[[Store], Changeset],
        *,
        agent: str,
        operation: str,
        allow_protected: bool,
        record: bool | None,
        validate: bool,
    ) -> Outcome:
        base = self.config.base_url
        record = self.config.record_history if record is None else record
        with self.store.write_lock():
            started = history.now()
            changes = compute(self.store)
            if not changes:
                return Outcome(self.store.generation, 0, 0, None, None)
            if not allow_protected:
                check_graphs(changes, self.protected)
            report, owners = None, {}
            if validate:
                report, piece = check_write(self.store, changes, base, self.rules)
                if not report.conforms:
                    raise refusal(report)
                owners = piece.owners
            existing = set(self.store.graph_names())
            created = {g for g in changes.graphs() if g is not None and g not in existing}
            touched = history.classify(self.store, changes, base, owners)
            change = None
            entry = None
            applied = changes
            if record:
                change = history.change_iri(base)
                entry = history.Record(
                    change,
                    agent,
                    operation,
                    started,
                    history.now(),
                    sorted(changes.graphs(), key=lambda g: str(g or "")),
                    len(changes.add),
                    len(changes.remove),
                    touched,
                    # Writers never interleave: this write makes the next generation.
                    generation=self.store.generation + 1,
                )
                applied = Changeset(
                    changes.remove, changes.add + history.record_quads(entry, changes, base)
                )
            generation = self.store.apply(applied)
            self._log(changes, entry, generation)
        # Outside the lock: the index takes it itself, and a remote store's lock may not nest.
        self._reindex(changes)
        log.info(
            "write by %s (%s): +%d -%d quads, generation %d",
            agent,
            operation,
            len(changes.add),
            len(changes.remove),
            generation,
        )
        return Outcome(
            generation, len(changes.add), len(changes.remove), change, report, created, touched
        )

    def _log(self, changes: Changeset, entry: history.Record | None, generation: int) -> None:
        """Keep the change log in step with the write just applied (under the write lock)."""
        changelog = self.changelog
        if changelog is None:
            return
        try:
            if entry is not None:
                changelog.written(self.store, entry, generation)
            elif history.history_graph(self.config.base_url) in changes.graphs():
                # Records brought whole (an export restored): read them from the graph.
                changelog.rebuild(self.store, generation)
            else:
                changelog.advance(self.store, generation)
        except Exception:  # noqa: BLE001 — the write is applied; the log catches up later
            log.exception(
                "change log not appended after a write: it catches up from the history "
                "graph before the next write, or at the next start"
            )

    def _reindex(self, changes: Changeset) -> None:
        if self.index is None:
            return
        from ..search import changed_iris

        try:
            self.index.update(self.store, changed_iris(changes))
        except Exception:  # noqa: BLE001 — the write is applied; a stale index is rebuilt at start
            log.exception("search index update failed after a write; it will be rebuilt")


# ---------------------------------------------------------------------------------------------
# Loading files: ``mediation load``
# ---------------------------------------------------------------------------------------------


@dataclass
class Source:
    """What ``mediation load`` lands in one write: one file, or (``--replace``) the files
    that go to the same graph."""

    paths: list[Path]
    quads: list[Quad]
    graphs: set[GraphName]  # the graphs it fills (replaced whole with --replace)

    @property
    def name(self) -> str:
        return ", ".join(str(p) for p in self.paths)

    @property
    def carries_history(self) -> bool:
        return any(str(q[3]).endswith("/graph/" + history.HISTORY_NAME) for q in self.quads)


def read_source(path: Path, base_url: str, graph: URIRef | None = None) -> Source:
    """One file parsed safely (``rdfio``: format by extension, then by content when the
    extension lies; no network; line and reason on errors). A graph format's triples go
    to ``graph`` or ``{base}graph/{file stem}``; a dataset (TriG, N-Quads) keeps its graphs,
    and its default graph's triples go to ``graph`` (the default graph when None).
    Relative IRIs resolve against the base."""
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    from ..rdfio import QUAD_FORMATS, format_for, parse_dataset, parse_dataset_file

    compressed = path.suffix.lower() == ".gz"
    plain = path.with_suffix("") if compressed else path
    fmt = format_for(plain)
    is_dataset = fmt is not None and fmt.key in QUAD_FORMATS
    target = graph if (graph is not None or is_dataset) else graph_for(plain, base_url)
    if compressed:
        dataset = parse_dataset(
            _gunzip(path), fmt=fmt, name=str(path), base=base_url, base_url=base_url, graph=target
        )
    else:
        dataset = parse_dataset_file(path, base=base_url, base_url=base_url, graph=target)
    quads: list[Quad] = []
    seen: set[Quad] = set()
    for s, p, o, g in dataset.quads((None, None, None, None)):
        name = getattr(g, "identifier", g)
        if name is None or name == DATASET_DEFAULT_GRAPH_ID or isinstance(name, BNode):
            name = None
        quad = (s, p, o, name)
        if quad not in seen:
            seen.add(quad)
            quads.append(quad)
    graphs = {q[3] for q in quads} or {target}
    return Source([path], quads, graphs)


def _gunzip(path: Path) -> bytes:
    import gzip

    try:
        with gzip.open(path, "rb") as handle:
            return handle.read()
    except (OSError, EOFError) as error:
        from ..errors import RdfSyntaxError

        raise RdfSyntaxError(
            f"{path} : archive gzip illisible ({error}).",
            f"{path}: unreadable gzip file ({error}).",
            source=str(path),
            reason="gzip",
        ) from None


def source_files(paths: list[Path]) -> list[Path]:
    """The RDF files under the given files and folders (``rdf_files``), gzipped ones
    (``.nq.gz``, ``.ttl.gz``…) included."""
    found = rdf_files(paths)
    for path in paths:
        if path.is_dir():
            found += [
                p
                for p in sorted(path.rglob("*.gz"))
                if p.is_file() and p.with_suffix("").suffix.lower() in BY_FILE_EXTENSION
            ]
    return sorted(set(found), key=lambda p: (str(p.parent), p.name)) if len(paths) > 1 else found


def group_for_replace(sources: list[Source]) -> list[Source]:
    """With ``--replace``, the files that fill the same graphs land together (else the second
    would replace the first)."""
    groups: list[Source] = []
    for source in sources:
        for group in groups:
            if group.graphs & source.graphs:
                group.paths += source.paths
                held = set(group.quads)
                group.quads += [q for q in source.quads if q not in held]
                group.graphs |= source.graphs
                break
        else:
            groups.append(Source(list(source.paths), list(source.quads), set(source.graphs)))
    return groups


def load_changes(source: Source, replace: bool) -> Callable[[Store], Changeset]:
    """The change that lands ``source``: its quads the store lacks, and with ``replace`` the
    quads of its graphs it does not hold."""

    def compute(store: Store) -> Changeset:
        present = store.contains_quads(source.quads)
        add = [q for q in source.quads if q not in present]
        remove: list[Quad] = []
        if replace:
            keep = set(source.quads)
            for name in sorted(source.graphs, key=lambda g: str(g or "")):
                remove += [q for q in store.quads(graph=name) if q not in keep]
        return Changeset(remove=remove, add=add)

    return compute


__all__ = [
    "Extract",
    "Neighbourhood",
    "Outcome",
    "Publisher",
    "Source",
    "group_for_replace",
    "load_changes",
    "read_source",
    "source_files",
    "Reach",
    "Rules",
    "check_write",
    "check_graphs",
    "ensure_seeded",
    "extract_neighbourhood",
    "protected_graphs",
    "reach_of",
    "refusal",
    "write_rules",
]
