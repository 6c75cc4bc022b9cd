"""rdflib's SPARQL Update evaluation, run on an overlay of one of our stores.

:class:`OverlayStore` is an rdflib ``Store`` that reads through to one of our stores
(``Store.quads``) and records what an update adds and removes in an overlay instead of
writing: later operations of a multi-operation update see the effects of earlier ones
through it. The default graph of the ``WHERE`` clauses is the union of all graphs, as for
every query here (or the store's own default graph, when the setting
``union_default_graph`` is off); operations without ``GRAPH`` write to the store's default
graph. :func:`overlay_delta` runs the operations, with rdflib's own functions where they
follow SPARQL 1.1 Update and ours where they do not (``CREATE``, ``USING``, ``DELETE
WHERE``).

The work is bounded: a deadline checked on every read, and a cap on the size of the change.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import rdflib.plugins.sparql
from rdflib import Dataset, Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.sparql import update as rdflib_update
from rdflib.plugins.sparql.algebra import BGP, Join
from rdflib.plugins.sparql.algebra import Graph as GraphPattern
from rdflib.plugins.sparql.evaluate import evalPart
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import QueryContext
from rdflib.store import Store as RdflibStore
from rdflib.term import BNode, Node, URIRef

from ..errors import BadRequest, PayloadTooLarge, QueryTimeout
from .interface import Changeset, GraphName, Quad

# rdflib would otherwise fetch a USING/FROM graph it does not know from the web.
rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False


def update_too_large(limit: int) -> PayloadTooLarge:
    """The refusal of an update that would change more than ``limit`` quads."""
    return PayloadTooLarge(
        f"La mise à jour changerait plus de {limit} quads.",
        f"The update would change more than {limit} quads.",
        limit=limit,
    )


def _eval_create(context: QueryContext, operation: CompValue) -> None:
    """CREATE GRAPH: a graph exists while it holds quads (a changeset has no empty graphs),
    so creating one changes nothing; creating one that holds quads is an error unless SILENT
    (SPARQL 1.1 Update §3.2.1). rdflib raises "Create not implemented" for every CREATE."""
    if len(context.dataset.get_context(operation.graphiri)) and not operation.silent:
        raise BadRequest(
            f"Le graphe {operation.graphiri} existe déjà.",
            f"The graph {operation.graphiri} already exists.",
        )


def _eval_modify(context: QueryContext, operation: CompValue) -> None:
    """DELETE/INSERT … WHERE, with ``USING`` and ``USING NAMED`` giving the WHERE clause its
    dataset (SPARQL 1.1 Update §3.1.3.1; also how the protocol's ``using-graph-uri`` and
    ``using-named-graph-uri`` arrive). rdflib reads ``USING NAMED`` as nothing, so its WHERE
    clause still saw every graph: here the clause is evaluated on a dataset made of the
    ``USING`` graphs merged as the default graph and the ``USING NAMED`` graphs alone."""
    if not operation.using:
        rdflib_update.evalModify(context, operation)
        return
    where = Dataset()
    for clause in operation.using:
        source = context.dataset.get_context(clause.default or clause.named)
        target = where.default_graph if clause.default else where.graph(clause.named)
        for triple in source.triples((None, None, None)):
            target.add(triple)
    scope = QueryContext(where, initBindings={})
    scope.graph = where.default_graph
    scope.prologue = context.prologue
    solutions = list(evalPart(scope, operation.where))
    if operation.withClause:
        context = context.pushGraph(context.dataset.get_context(operation.withClause))
    default = context.graph
    for solution in solutions:
        if operation.delete:
            default -= rdflib_update._fillTemplate(operation.delete.triples, solution)
            for graph, quads in operation.delete.quads.items():
                context.dataset.get_context(solution.get(graph)).__isub__(
                    rdflib_update._fillTemplate(quads, solution)
                )
        if operation.insert:
            default += rdflib_update._fillTemplate(operation.insert.triples, solution)
            for graph, quads in operation.insert.quads.items():
                context.dataset.get_context(solution.get(graph)).__iadd__(
                    rdflib_update._fillTemplate(quads, solution)
                )


def _eval_delete_where(context: QueryContext, operation: CompValue) -> None:
    """DELETE WHERE { QuadPattern }, evaluated as the DELETE { QuadPattern } WHERE { QuadPattern }
    it is short for (SPARQL 1.1 Update §3.1.3.3). rdflib's own ``evalDeleteWhere`` looks a
    ``GRAPH ?g`` block up as a graph named by the variable itself, and fails ("No scheme
    found in an absolute IRI") instead of matching every named graph."""
    where = BGP(list(operation.triples or ()))
    for graph, triples in (operation.quads or {}).items():
        where = Join(where, GraphPattern(graph, BGP(list(triples))))
    template = CompValue(
        "DeleteClause", triples=operation.triples or [], quads=operation.quads or {}
    )
    _eval_modify(context, CompValue("Modify", delete=template, where=where))


_OPERATIONS = {
    "Clear": rdflib_update.evalClear,
    "Drop": rdflib_update.evalDrop,
    "Create": _eval_create,
    "Add": rdflib_update.evalAdd,
    "Move": rdflib_update.evalMove,
    "Copy": rdflib_update.evalCopy,
    "InsertData": rdflib_update.evalInsertData,
    "DeleteData": rdflib_update.evalDeleteData,
    "DeleteWhere": _eval_delete_where,
    "Modify": _eval_modify,
}


class _OverlayDataset(Dataset):
    """rdflib's update code still calls ``Dataset.contexts``, deprecated in favour of ``graphs``."""

    def contexts(self, triple=None):
        return self.graphs(triple)


def _is_default(context: Any) -> bool:
    identifier = getattr(context, "identifier", context)
    return identifier is None or identifier == DATASET_DEFAULT_GRAPH_ID


def _graph_name(context: Any) -> GraphName:
    """Our graph name (None: the default graph) for an rdflib context."""
    if _is_default(context):
        return None
    identifier = getattr(context, "identifier", context)
    if isinstance(identifier, URIRef):
        return identifier
    raise BadRequest(
        f"Graphe non nommé par une IRI : {identifier}", f"Graph not named by an IRI: {identifier}"
    )


class OverlayStore(RdflibStore):
    """Reads through to ``base`` (one of our stores), writes into an overlay."""

    context_aware = True
    graph_aware = True
    formula_aware = False
    transaction_aware = False

    def __init__(
        self, base: Any, deadline: float, max_quads: int, timeout: float, union: bool = True
    ):
        super().__init__()
        self.base = base
        self.union = union  # the default graph read as the union of all graphs
        self.deadline = deadline
        self.timeout = timeout
        self.max_quads = max_quads
        self.added: dict[Quad, None] = {}  # insertion-ordered set
        self.added_by: dict[tuple[int, Node], set[Quad]] = defaultdict(set)
        self.removed: dict[Quad, None] = {}
        self._namespaces: dict[str, URIRef] = {}
        self._prefixes: dict[URIRef, str] = {}

    # -- bounds ----------------------------------------------------------------------------------

    def _check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise QueryTimeout(
                f"La mise à jour a dépassé le délai de {self.timeout:g} s.",
                f"The update exceeded the {self.timeout:g} s time-out.",
                timeout=self.timeout,
            )

    def _check_size(self) -> None:
        if len(self.added) + len(self.removed) > self.max_quads:
            raise update_too_large(self.max_quads)

    # -- reading -----------------------------------------------------------------------------------

    def _base_quads(
        self, s: Node | None, p: Node | None, o: Node | None, graph: GraphName | type[...]
    ) -> Iterator[Quad]:
        for quad in self.base.quads(s, p, o, graph):
            if quad not in self.removed:
                yield quad

    def _added_quads(
        self, s: Node | None, p: Node | None, o: Node | None, graph: GraphName | type[...]
    ) -> Iterator[Quad]:
        if s is not None:
            candidates = self.added_by.get((0, s), ())
        elif o is not None:
            candidates = self.added_by.get((2, o), ())
        elif p is not None:
            candidates = self.added_by.get((1, p), ())
        else:
            candidates = self.added
        for quad in list(candidates):
            if (
                (p is None or quad[1] == p)
                and (o is None or quad[2] == o)
                and (s is None or quad[0] == s)
                and (graph is ... or quad[3] == graph)
            ):
                yield quad

    def _present(self, quad: Quad) -> bool:
        if quad in self.added:
            return True
        if quad in self.removed:
            return False
        return next(iter(self.base.quads(*quad)), None) is not None

    def triples(self, triple_pattern, context=None):
        self._check_time()
        s, p, o = triple_pattern
        # Read, the default graph is the union of all graphs (unless ``union`` is off);
        # written, it is the store's own.
        graph: GraphName | type[...] = (
            ... if self.union and _is_default(context) else _graph_name(context)
        )
        seen: set = set()
        for quads in (self._base_quads(s, p, o, graph), self._added_quads(s, p, o, graph)):
            for quad in quads:
                triple = quad[:3]
                if graph is ...:
                    # The union default graph is a set of triples: each once.
                    if triple in seen:
                        continue
                    seen.add(triple)
                yield triple, iter(())

    def __len__(self, context=None) -> int:
        return sum(1 for _ in self.triples((None, None, None), context))

    def contexts(self, triple=None):
        names: set[URIRef] = set(self.base.graph_names())
        names.update(q[3] for q in self.added if q[3] is not None)
        for name in sorted(names):
            if triple is None or self._present((*triple, name)):
                yield Graph(store=self, identifier=name)

    # -- writing into the overlay ---------------------------------------------------------------------

    def add(self, triple, context, quoted=False):
        quad = (*triple, _graph_name(context))
        if not isinstance(triple[0], (URIRef, BNode)) or not isinstance(triple[1], URIRef):
            # "a literal in subject or predicate position … is not included" (SPARQL 1.1 Update, 3.1.3)
            return
        if quad in self.removed:
            del self.removed[quad]
        elif quad not in self.added and not self._present(quad):
            self.added[quad] = None
            for position in (0, 1, 2):
                self.added_by[(position, quad[position])].add(quad)
            self._check_size()

    def addN(self, quads):
        for s, p, o, context in quads:
            self.add((s, p, o), context)

    def remove(self, triple_pattern, context=None):
        self._check_time()
        s, p, o = triple_pattern
        graph = _graph_name(context)
        matching = list(self._base_quads(s, p, o, graph)) + list(self._added_quads(s, p, o, graph))
        for quad in matching:
            if quad in self.added:
                del self.added[quad]
                for position in (0, 1, 2):
                    self.added_by[(position, quad[position])].discard(quad)
            else:
                self.removed[quad] = None
                self._check_size()

    def add_graph(self, graph):
        # An empty named graph does not exist in a changeset of quads: nothing to record.
        return None

    def remove_graph(self, graph):
        self.remove((None, None, None), graph)

    # -- prefixes (only for the update's own use) ----------------------------------------------------

    def bind(self, prefix, namespace, override=True):
        self._namespaces[prefix] = namespace
        self._prefixes[namespace] = prefix

    def namespace(self, prefix):
        return self._namespaces.get(prefix)

    def prefix(self, namespace):
        return self._prefixes.get(namespace)

    def namespaces(self):
        return iter(self._namespaces.items())

    def changeset(self) -> Changeset:
        return Changeset(remove=list(self.removed), add=list(self.added))


def overlay_delta(
    base: Any,
    algebra: Any,
    *,
    deadline: float,
    timeout: float,
    max_quads: int,
    union_default_graph: bool,
) -> Changeset:
    """The changeset the operations of a translated update (``translateUpdate``) would make
    to ``base``, evaluated by rdflib on an overlay of it until ``deadline`` (a
    ``time.monotonic()`` value, ``timeout`` seconds after the update arrived)."""
    overlay = OverlayStore(base, deadline, max_quads, timeout, union_default_graph)
    dataset = _OverlayDataset(store=overlay, default_union=True)
    # rdflib's own loop (``evalUpdate``) makes the whole Dataset the default graph, which
    # breaks INSERT DATA and makes DELETE DATA remove from every graph; this one gives the
    # operations a default graph that reads as the union and writes to the store's default.
    default = Graph(store=overlay, identifier=DATASET_DEFAULT_GRAPH_ID)
    try:
        for operation in algebra:
            context = QueryContext(dataset, initBindings={})
            context.graph = default
            context.prologue = operation.prologue
            try:
                _OPERATIONS[operation.name](context, operation)
            except (BadRequest, PayloadTooLarge, QueryTimeout):
                raise
            except Exception:
                if not operation.silent:
                    raise
    except (BadRequest, PayloadTooLarge, QueryTimeout):
        raise
    except Exception as error:
        raise BadRequest(
            f"La mise à jour SPARQL a échoué : {error}", f"The SPARQL Update failed: {error}"
        ) from None
    return overlay.changeset()
