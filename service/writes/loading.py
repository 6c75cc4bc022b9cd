"""Getting files into the store: the first load of the project's files into an empty store,
and ``mediation load`` (files and folders, gzipped or not, each landed by one write)."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import BNode

from ..config import DEFAULT_BASE, PROJECT_ROOT, Config
from ..errors import RdfSyntaxError
from ..formats import BY_FILE_EXTENSION, NTRIPLES
from ..seed import (
    TERRITORIES_FILE,
    graph_for,
    project_files,
    rdf_files,
    read_moved,
    store_territories,
)
from ..store import Changeset, GraphName, Quad, Store
from . import history
from .characters import check_characters


def ensure_seeded(store: Store, config: Config) -> int:
    """Load ``ontology/``, ``shapes/`` and ``data/`` into an empty store; return quads loaded.

    The territories are the full official list unless the ``territories`` setting says
    ``seed`` (then ``data/territories.ttl``, the nine of the seed article).

    Nothing is loaded when the ``seed`` setting is off (a scratch store). Under another
    ``base_url`` than the default, the files' resources are moved under it as they load."""
    if not getattr(config, "seed", True) or not store.is_empty():
        return 0
    total = 0
    territories = store_territories(config.territories, config.base_url, config.territories_source)
    for path in project_files(PROJECT_ROOT):
        graph = graph_for(path, config.base_url)
        if territories and path == TERRITORIES_FILE:
            # The full list, from the official source as it is (docs/territories.md), in the
            # graph of the committed selection, which it holds: same IRIs, same triples.
            total += sum(store.load(part, NTRIPLES, graph) for part in territories)
        elif config.base_url == DEFAULT_BASE:
            total += store.load(path, BY_FILE_EXTENSION[path.suffix], graph)
        else:
            total += store.load(read_moved(path, config.base_url), NTRIPLES, graph)
    return total


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
    from ..rdfio import QUAD_FORMATS, format_for, parse_dataset, parse_dataset_file

    compressed = path.suffix.lower() == ".gz"
    plain = path.with_suffix("") if compressed else path
    fmt = format_for(plain)
    is_dataset = fmt is not None and fmt.key in QUAD_FORMATS
    target = graph if (graph is not None or is_dataset) else graph_for(plain, base_url)
    if compressed:
        dataset = parse_dataset(
            gunzipped(path), fmt=fmt, name=str(path), base=base_url, base_url=base_url, graph=target
        )
    else:
        dataset = parse_dataset_file(path, base=base_url, base_url=base_url, graph=target)
    quads = dataset_quads(dataset, None)
    graphs = {q[3] for q in quads} or {target}
    return Source([path], quads, graphs)


def dataset_quads(document: Dataset, graph: GraphName) -> list[Quad]:
    """A parsed document's quads, each once; the triples of its default graph go to ``graph``
    (None: the default graph)."""
    quads: list[Quad] = []
    seen: set[Quad] = set()
    for s, p, o, g in document.quads((None, None, None, None)):
        name = getattr(g, "identifier", g)
        if name is None or name == DATASET_DEFAULT_GRAPH_ID or isinstance(name, BNode):
            name = graph
        quad = (s, p, o, name)
        if quad not in seen:
            seen.add(quad)
            quads.append(quad)
    check_characters(quads)  # before the store is asked about them
    return quads


def gunzipped(path: Path) -> bytes:
    """A gzipped file's content; an archive that cannot be read is a syntax error of its own."""
    try:
        with gzip.open(path, "rb") as handle:
            return handle.read()
    except (OSError, EOFError) as error:
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
    "Source",
    "dataset_quads",
    "ensure_seeded",
    "group_for_replace",
    "load_changes",
    "read_source",
    "source_files",
]
