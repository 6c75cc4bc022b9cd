"""What the search index missed: the IRIs of the writes between two store generations, read
from their history records, so that an index a few writes behind its store catches up by
updating those rows instead of being rebuilt (``service.search.builder``).

Every record carries the generation its write made (``med:generation``) and what the write
added and removed, verbatim up to :data:`~.history.QUAD_CAP` quads a side. A generation
without a record (a write made with history off, or outside the service), a record cut
short, or more than :data:`~.changelog.CATCH_UP_LIMIT` generations (as for the change log): the answer is None, and the index is
rebuilt as before.

No Flask here.
"""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS

from ..namespaces import MED
from ..search import changed_iris
from ..store import Changeset, Store
from .changelog import CATCH_UP_LIMIT
from .history import history_graph, quads_of_record


def missed_iris(store: Store, base_url: str, known: int, current: int) -> set[str] | None:
    """The IRIs ``service.search.Index.update`` needs for the writes after generation
    ``known`` up to ``current``; None when the history cannot say them all."""
    if known > current or current - known > CATCH_UP_LIMIT:
        return None
    history = history_graph(base_url)
    found: set[str] = set()
    for generation in range(known + 1, current + 1):
        changes = [
            q[0]
            for q in store.quads(None, MED.generation, Literal(generation), history)
            if isinstance(q[0], URIRef)
        ]
        if len(changes) != 1:
            return None
        sides = []
        for side in ("added", "removed"):
            node = URIRef(f"{changes[0]}#{side}")
            if any(True for _ in store.quads(node, RDFS.comment, None, history)):
                return None  # cut short: the quads past the cap are not in the record
            values = [q[2] for q in store.quads(node, RDF.value, None, history)]
            if len(values) != 1:
                return None
            sides.append(quads_of_record(str(values[0])))
        found |= changed_iris(Changeset(remove=sides[1], add=sides[0]))
    return found


__all__ = ["missed_iris"]
