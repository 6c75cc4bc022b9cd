"""The project's own RDF files and the named graph each one goes to.

``ontology/``, ``shapes/`` and ``data/`` hold one file per source; a file's
graph is ``{base}graph/{stem}``. An empty store is first loaded with all of them.
They are written under the default base; under another ``base_url`` their resources'
IRIs are moved there as they are read (:func:`read_moved`), the vocabulary's and the
shapes' staying where they are.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from .config import PROJECT_ROOT
from .formats import BY_FILE_EXTENSION
from .namespaces import rebase

SOURCE_DIRS = ("ontology", "shapes", "data")


def rdf_files(paths: list[Path]) -> list[Path]:
    """RDF files under the given files and folders, recursively, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                p for p in sorted(path.rglob("*")) if p.is_file() and p.suffix in BY_FILE_EXTENSION
            )
        else:
            found.append(path)
    return found


def files_stamp(paths: list[Path]) -> tuple[tuple[str, int, int], ...]:
    """The RDF files under ``paths`` with their modification time and size: a cache key that
    changes when a file does (what was parsed from them is kept while it holds)."""
    stamps = []
    for path in rdf_files(paths):
        stat = path.stat()
        stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(stamps)


def project_files(root: Path = PROJECT_ROOT) -> list[Path]:
    return rdf_files([root / name for name in SOURCE_DIRS])


def graph_for(path: Path, base_url: str) -> URIRef:
    return URIRef(f"{base_url}graph/{path.stem}")


def read_moved(path: Path, base_url: str) -> bytes:
    """A project file as N-Triples, each IRI moved to ``base_url`` by :func:`rebase`."""
    fmt = getattr(ox.RdfFormat, BY_FILE_EXTENSION[path.suffix].oxigraph)

    def moved(term):
        if isinstance(term, ox.NamedNode):
            return ox.NamedNode(rebase(term.value, base_url))
        return term

    triples = (
        ox.Triple(moved(q.subject), moved(q.predicate), moved(q.object))
        for q in ox.parse(path=str(path), format=fmt, rename_blank_nodes=True)
    )
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
