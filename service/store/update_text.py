"""A changeset written as the text of a SPARQL Update for a remote server.

Blank nodes. A SPARQL request cannot name a blank node the server already holds: labels
in results are only valid within one result document, and a label in an update makes a
new node. So added blank nodes are written as the blank nodes of an ``INSERT { … } WHERE
{}`` template (fresh on the server, consistent within the changeset), and quads with blank
nodes are removed by pattern: within a graph, the removed quads' blank nodes become
variables, and every set of server blank nodes matching all those quads is removed. Two
blank nodes with exactly the same removed statements are thus removed together, which
does not change what the graph says. Virtuoso's own ``nodeID://…`` names address the node
itself and need no pattern.

Literals. Most go as constants (``INSERT DATA``, ``DELETE DATA``, patterns); those of
``portable.STRDT_TYPES`` go as ``STRDT`` expressions bound in the ``WHERE`` clause, and a
duration only in a form the server is seen to keep intact (:func:`kept_duration_forms`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from rdflib.query import Result
from rdflib.term import BNode, Node, URIRef

from ..errors import StoreError
from . import durations
from .interface import Changeset, GraphName, Quad
from .portable import VIRTUOSO_BNODE, match_filter, needs_strdt, strdt
from .terms import to_sparql

#: Durations asked about in one query (``kept_duration_forms``).
_FORMS_PER_QUERY = 100


def unaddressable(term: Node) -> bool:
    """A blank node the request cannot address by name."""
    return isinstance(term, BNode) and not str(term).startswith(VIRTUOSO_BNODE)


def _update_term(term: Node, template: str) -> str:
    if isinstance(term, BNode):
        if str(term).startswith(VIRTUOSO_BNODE):
            return f"<{term}>"
        label = re.sub(r"[^A-Za-z0-9_]", "_", str(term))
        return f"?b_{label}" if template == "DELETE" else f"_:b_{label}"
    return to_sparql(term)


def changeset_operations(
    changes: Changeset, server_graph: Callable[[GraphName], URIRef], forms: dict[Node, str]
) -> list[str]:
    """The operations of one SPARQL Update that makes ``changes`` on the server.

    Quads of constants go in ``DELETE DATA`` and ``INSERT DATA``. Added quads with
    blank nodes or ``STRDT`` literals go in one ``INSERT { … } WHERE { BIND … }``
    (one template, so a blank node label names one node in every graph); removed
    ones are matched by pattern. ``server_graph`` names a graph on the server; ``forms``
    are the durations' forms to write (:func:`kept_duration_forms`).
    """
    operations = []
    for quads, template in ((changes.remove, "DELETE"), (changes.add, "INSERT")):
        plain: dict[URIRef, list[str]] = {}
        bound: dict[URIRef, list[str]] = {}
        conditions: dict[URIRef, list[str]] = {}
        count = 0
        for s, p, o, g in quads:
            graph = server_graph(g)
            if not (unaddressable(s) or unaddressable(o) or needs_strdt(o)):
                plain.setdefault(graph, []).append(
                    " ".join(_update_term(t, template) for t in (s, p, o)) + " ."
                )
                continue
            obj = _update_term(o, template)
            condition = ""
            if needs_strdt(o):
                obj, count = f"?l{count}", count + 1
                condition = (
                    match_filter(obj, o)
                    if template == "DELETE"
                    else f"BIND({strdt(forms.get(o, str(o)), o.datatype)} AS {obj})"
                )
            triple = f"{_update_term(s, template)} {to_sparql(p)} {obj} ."
            if template == "DELETE" and not unaddressable(s) and not unaddressable(o):
                # A quad of its own: removed when present, whatever else is absent.
                pattern = f"GRAPH {to_sparql(graph)} {{ {triple} }}"
                operations.append(f"DELETE {{ {pattern} }} WHERE {{ {pattern} {condition} }}")
            else:
                bound.setdefault(graph, []).append(triple)
                conditions.setdefault(graph, []).append(condition)
        if plain:
            body = " ".join(f"GRAPH {to_sparql(g)} {{ {' '.join(ts)} }}" for g, ts in plain.items())
            operations.append(f"{template} DATA {{ {body} }}")
        if bound and template == "INSERT":
            body = " ".join(f"GRAPH {to_sparql(g)} {{ {' '.join(ts)} }}" for g, ts in bound.items())
            where = " ".join(c for cs in conditions.values() for c in cs)
            operations.append(f"INSERT {{ {body} }} WHERE {{ {where} }}")
        elif bound:
            for g, ts in bound.items():
                pattern = f"GRAPH {to_sparql(g)} {{ {' '.join(ts)} }}"
                operations.append(
                    f"DELETE {{ {pattern} }} WHERE {{ {pattern} {' '.join(conditions[g])} }}"
                )
    return operations


def kept_duration_forms(terms: list[Node], select: Callable[[str], Result]) -> dict[Node, str]:
    """For each duration among ``terms``, the form the server keeps as the same value.

    The server is asked (``select`` sends a query) what it makes of each candidate
    form (``STRDT`` in a query builds the value a write stores); a duration no form of
    which survives is refused before anything is written.
    """
    wanted = sorted(
        {t for t in terms if needs_strdt(t) and str(t.datatype) in durations.DURATION_TYPES},
        key=str,
    )
    chosen: dict[Node, str] = {}
    for start in range(0, len(wanted), _FORMS_PER_QUERY):
        candidates = [
            (lit, form)
            for lit in wanted[start : start + _FORMS_PER_QUERY]
            for form in durations.server_forms(str(lit))
        ]
        binds = " ".join(
            f"BIND({strdt(form, lit.datatype)} AS ?f{i})"
            for i, (lit, form) in enumerate(candidates)
        )
        rows = list(select(f"SELECT * WHERE {{ {binds} }}"))
        answers = rows[0].asdict() if rows else {}
        kept: dict[Node, str] = {}
        for i, (lit, form) in enumerate(candidates):
            answer = answers.get(f"f{i}")
            if lit in chosen or answer is None:
                continue
            kept.setdefault(lit, str(answer))
            if durations.read(str(answer), str(lit.datatype)) == durations.value(str(lit)):
                chosen[lit] = form
        for lit in wanted[start : start + _FORMS_PER_QUERY]:
            if lit not in chosen:
                seen = durations.repair(kept.get(lit, ""), str(lit.datatype)) or kept.get(lit, "?")
                raise StoreError(
                    f"Le serveur SPARQL ne garde pas la durée « {lit} » telle quelle (il la lit "
                    f"« {seen} ») : écriture refusée, rien n'a changé.",
                    f'The SPARQL server does not keep the duration "{lit}" as it is (it reads it '
                    f'as "{seen}"): write refused, nothing changed.',
                )
    return chosen


def load_chunks(quads: list[Quad], size: int) -> Iterator[list[Quad]]:
    """Chunks of about ``size`` quads; all quads of one blank node land in the same chunk."""
    plain = [q for q in quads if not (unaddressable(q[0]) or unaddressable(q[2]))]
    blank = [q for q in quads if unaddressable(q[0]) or unaddressable(q[2])]
    for start in range(0, len(plain), size):
        yield plain[start : start + size]
    if blank:
        yield blank
