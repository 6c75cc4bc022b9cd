"""Oxigraph's bulk loader made all-or-nothing, for big loads into empty graphs and big
additions about one new subject.

The bulk loader writes without a transaction, about 4× faster than one (``bench/store.py``).
Before its first quad, a marker file (``<store>/.bulk-load``) saying what it adds is written
and synced; after its last, Oxigraph is flushed and the marker removed. A store opened with
the marker still there (the process died in between) removes it again: the graphs a load
filled, which were empty before it; or, for an addition (:func:`bulk_append`), the quads of a
graph about a subject it held nothing about before, and the few others the addition wrote
that the store did not hold. All of the load or none of it (``docs/store.md``).
"""

from __future__ import annotations

import ctypes
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import StoreError
from ..files import sync_directory, write_atomically

log = logging.getLogger(__name__)

#: Loads at least this big into empty graphs take the bulk loader (``EmbeddedStore.load``);
#: smaller ones gain nothing from it and would leave one small file each.
BULK_AFTER = 10_000
#: Names the graphs a bulk load is filling; left by a crash, they are emptied on open.
BULK_MARKER = ".bulk-load"
#: The marker's line for the default graph; a named graph's line is its IRI in N-Triples.
DEFAULT_GRAPH_LINE = "DEFAULT"
#: A marker line ``ABOUT <graph> <subject>``: the addition's quads of that graph about the
#: subject or one of its fragments (``<subject#…>``).
ABOUT = "ABOUT"
#: A marker line ``QUAD <s> <p> <o> <g> .``: one quad the addition wrote that the store lacked.
QUAD = "QUAD"


def _graph_line(graph: Any) -> str:
    return DEFAULT_GRAPH_LINE if isinstance(graph, ox.DefaultGraph) else str(graph)


def bulk_load(
    store: ox.Store,
    directory: Path,
    write: Callable[[], Any],
    graphs: set[Any],
    check: Callable[[], Any] | None = None,
) -> None:
    """``write()`` into ``graphs``, which are empty, between the marker's writing and its removal.

    ``check()``, when given, runs once the quads are written and flushed, the marker still in
    place: whatever it raises undoes the load (and is raised again), and a crash while it runs
    leaves the marker, so the next open undoes it too. A load validated after it landed is
    thus all-or-nothing without a journal of its quads."""
    marker = _marked(store, directory, [_graph_line(g) for g in graphs], write)
    if check is not None:
        give_back_freed_memory()
        try:
            check()
        except BaseException:
            undo_bulk_load(store, directory)
            raise
    marker.unlink()
    sync_directory(directory)


def bulk_append(
    store: ox.Store,
    directory: Path,
    write: Callable[[], Any],
    graph: ox.NamedNode,
    subject: ox.NamedNode,
    head: list[ox.Quad],
) -> None:
    """``write()`` into ``graph``, which may hold data, quads about ``subject`` (it, or one of
    its fragments ``<subject#…>``), which the graph holds nothing about yet, after ``head``,
    a few quads about it or about other subjects; all of it or, after a crash, none of it
    (the marker names the subject, and those of the others the store lacked)."""
    lines = [f"{ABOUT} {graph} {subject}"]
    lines += [
        f"{QUAD} {quad} ." for quad in head if not _about(quad, subject) and quad not in store
    ]
    _marked(store, directory, lines, write).unlink()
    sync_directory(directory)


def _marked(store: ox.Store, directory: Path, lines: list[str], write: Callable[[], Any]) -> Path:
    """``write()`` and a flush, the marker of ``lines`` written and synced first; undone and
    a StoreError when they fail. The marker, still in place."""
    marker = directory / BULK_MARKER
    write_atomically(marker, "".join(f"{line}\n" for line in lines).encode("utf-8"))
    try:
        write()
        store.flush()
    except (OSError, SyntaxError) as error:
        undo_bulk_load(store, directory)
        raise StoreError(f"Chargement interrompu : {error}", f"Load interrupted: {error}") from None
    except BaseException:
        undo_bulk_load(store, directory)
        raise
    return marker


def give_back_freed_memory() -> None:
    """Hand the C allocator's free pages back to the system (glibc's ``malloc_trim``; nothing
    elsewhere).

    The bulk loader frees what it used when it is done, but the allocator keeps those pages:
    a million quads leave the process some 300 MB larger than before. Whatever ``check``
    forks then starts that large, and its resident size counts the shared pages again.
    Trimmed, the process is back near its size before the load, in a tenth of a second."""
    try:
        trim = getattr(ctypes.CDLL(None), "malloc_trim", None)  # the process's own symbols
    except (OSError, TypeError):
        return
    if trim is not None:
        trim(0)


def undo_bulk_load(store: ox.Store, directory: Path, read_only: bool = False) -> None:
    """Empty the graphs a bulk load left unfinished in the store at ``directory``, if any
    (they were empty before it)."""
    marker = directory / BULK_MARKER
    try:
        lines = marker.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return
    if read_only:
        raise StoreError(
            f"Chargement interrompu à défaire dans {directory} : ouvrez-le en écriture.",
            f"An interrupted load is to be undone in {directory}: open it read-write.",
        )
    for line in filter(None, lines):
        if line.startswith(f"{ABOUT} "):
            _remove_about(store, *(ox.NamedNode(iri[1:-1]) for iri in line.split()[1:]))
            continue
        if line.startswith(f"{QUAD} "):
            for quad in ox.parse(input=line[len(QUAD) + 1 :], format=ox.RdfFormat.N_QUADS):
                store.remove(quad)
            continue
        graph = ox.DefaultGraph() if line == DEFAULT_GRAPH_LINE else ox.NamedNode(line[1:-1])
        log.warning("emptying %s, left half-loaded by an interrupted bulk load", line)
        store.clear_graph(graph)
        if isinstance(graph, ox.NamedNode):
            store.remove_graph(graph)
    store.flush()
    marker.unlink()
    sync_directory(directory)


def _remove_about(store: ox.Store, graph: ox.NamedNode, subject: ox.NamedNode) -> None:
    """Remove ``graph``'s quads about ``subject`` or its fragments, left by an interrupted
    :func:`bulk_append`."""
    log.warning("removing what an interrupted addition wrote about %s in %s", subject, graph)
    about = [q for q in store.quads_for_pattern(None, None, None, graph) if _about(q, subject)]
    for quad in about:
        store.remove(quad)


def _about(quad: ox.Quad, subject: ox.NamedNode) -> bool:
    """Whether ``quad`` is about ``subject``: its subject is it, or one of its fragments."""
    found = quad.subject
    return found == subject or (
        isinstance(found, ox.NamedNode) and found.value.startswith(f"{subject.value}#")
    )
