"""A page's graph read node by node: each node's (property, value) pairs read once.

A page's builder and its JSON-LD projection ask the same nodes (the resource, its parts, the
resources it links to) for their names, types, dates, addresses and positions again and
again; each read through rdflib's ``Graph`` goes through several layers of generators. The
graph does not change while a page is made, so a node's pairs are read from it once.
"""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.term import Node

_Pairs = list[tuple[Node, Node]]


class NodePairs:
    """The (property, value) pairs of each node of ``graph``, read once a node."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self._read: dict[Node, _Pairs] = {}

    def pairs(self, node: Node) -> _Pairs:
        found = self._read.get(node)
        if found is None:
            found = self._read[node] = list(self.graph.predicate_objects(node))
        return found

    def first(self, node: Node, prop: URIRef) -> Node | None:
        """The node's first value of ``prop`` (what ``Graph.value`` gives), None when none."""
        return next((o for p, o in self.pairs(node) if p == prop), None)

    def objects(self, node: Node, prop: URIRef) -> list[Node]:
        return [o for p, o in self.pairs(node) if p == prop]


__all__ = ["NodePairs"]
