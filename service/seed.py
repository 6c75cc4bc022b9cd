"""The project's own RDF files and the named graph each one goes to.

``ontology/``, ``shapes/`` and ``data/`` hold one file per source; a file's
graph is ``{base}graph/{stem}``. An empty store is first loaded with all of them.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import URIRef

from .config import PROJECT_ROOT
from .formats import BY_FILE_EXTENSION

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


def project_files(root: Path = PROJECT_ROOT) -> list[Path]:
    return rdf_files([root / name for name in SOURCE_DIRS])


def graph_for(path: Path, base_url: str) -> URIRef:
    return URIRef(f"{base_url}graph/{path.stem}")
