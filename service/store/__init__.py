"""The store: the only door to the triples (``interface.py``), and its two stores.

The embedded store (``embedded.py``: Oxigraph on disk) and the remote store (``remote.py``:
any SPARQL 1.1 server). What the rest of the service uses is exported here; see
``README.md`` for the package's modules and ``docs/store.md`` for what each store does.
"""

from __future__ import annotations

from .embedded import SNAPSHOTS
from .interface import (
    Changeset,
    GraphName,
    Quad,
    QueryRequest,
    QueryResponse,
    Store,
    Term,
    open_snapshot,
    open_store,
)
from .landed import LandedQuads
from .plain import PlainLiteral
from .reads import ReadPattern, ReadRecorder, changed
from .refresh import Refresher
from .terms import quad_to_oxigraph, quad_to_rdflib, to_sparql

__all__ = [
    "SNAPSHOTS",
    "Changeset",
    "GraphName",
    "LandedQuads",
    "PlainLiteral",
    "Quad",
    "QueryRequest",
    "QueryResponse",
    "ReadPattern",
    "ReadRecorder",
    "Refresher",
    "Store",
    "Term",
    "changed",
    "open_snapshot",
    "open_store",
    "quad_to_oxigraph",
    "quad_to_rdflib",
    "to_sparql",
]
