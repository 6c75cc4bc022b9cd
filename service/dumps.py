"""Dumps of the store: the whole dataset and its meaningful subsets, as files to download.

Built from the store once per store generation and kept on disk (``dumps_path``,
by default ``dumps/`` in the store directory), one folder per generation; a write
moves the generation, so the next request builds a new set and the old folder is
removed. Every file is streamed to disk and from disk: no dump is ever held in memory.

What is built, for the generation the build starts from:

* ``all.nq.gz`` — every quad with its graph (N-Quads, gzip), the store exactly;
* for the whole dataset (``all``) and each subset of :data:`SUBSETS` (events, actors,
  places, vocabulary and concept schemes): ``{key}.nt.gz`` (N-Triples, gzip),
  ``{key}.ttl`` (Turtle) and ``{key}.jsonld`` (JSON-LD) holding the *union* of the
  graphs' triples, each triple once (a triple stated in two graphs is one triple of
  the union);
* ``manifest.json`` — for each file its size, SHA-256 and number of triples (quads
  for N-Quads), and for each dataset the graphs that contributed to it: what the
  catalog's distributions and VoID's counts say, so that they agree with the files by
  construction.

A subset by IRI (events, actors, places) holds the triples whose subject is a
resource under ``{base}id/{segment}/`` (its hash parts included) and the triples of
the blank nodes those reach (an address, recursively). The vocabulary subset holds
the graphs of ``ontology/``. Per named graph, ``graph/{name}.{ttl,nt.gz,jsonld}`` is
built when first asked for, straight from the store.

pyoxigraph serves here as a parser and serialiser (streaming, in Rust), as in
``service.history``; the store is read only through the :class:`~service.store.Store`
interface. No Flask here.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Iterator

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.term import BNode

from .config import PROJECT_ROOT
from .errors import NotFound, StoreError
from .formats import JSONLD, NQUADS, NTRIPLES, TURTLE, Format
from .namespaces import PREFIXES
from .seed import graph_for, rdf_files
from .store import Store

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
#: Bumped when what a dump holds changes: dumps of an older layout are rebuilt.
LAYOUT = 1
#: Most tries at building a consistent set while writes keep moving the generation.
MAX_TRIES = 3


@dataclass(frozen=True)
class DumpFormat:
    """One kind of dump file: its suffix, RDF format and whether it is gzip-compressed."""

    suffix: str
    rdf: Format
    gzip: bool

    @property
    def media_type(self) -> str:
        """What the file is served as: gzip for a compressed file (never Content-Encoding,
        which would make clients unpack it on the fly), else the RDF format's type."""
        return "application/gzip" if self.gzip else self.rdf.media_type


NQUADS_GZ = DumpFormat("nq.gz", NQUADS, True)
NTRIPLES_GZ = DumpFormat("nt.gz", NTRIPLES, True)
TURTLE_FILE = DumpFormat("ttl", TURTLE, False)
JSONLD_FILE = DumpFormat("jsonld", JSONLD, False)
#: Formats of every dataset's dumps, in the order the catalog lists them.
TRIPLE_FORMATS: tuple[DumpFormat, ...] = (TURTLE_FILE, NTRIPLES_GZ, JSONLD_FILE)
FORMATS_BY_SUFFIX: dict[str, DumpFormat] = {
    f.suffix: f for f in (NQUADS_GZ,) + TRIPLE_FORMATS
}


@dataclass(frozen=True)
class Subset:
    """A meaningful part of the data: resources under an IRI segment, or whole graphs."""

    key: str
    segment: str | None = None  # resources under {base}id/{segment}/
    graph_stems: tuple[str, ...] = ()  # or these graphs, {base}graph/{stem}


def _ontology_stems() -> tuple[str, ...]:
    return tuple(path.stem for path in rdf_files([PROJECT_ROOT / "ontology"]))


SUBSETS: tuple[Subset, ...] = (
    Subset("events", segment="event"),
    Subset("actors", segment="actor"),
    Subset("places", segment="place"),
    Subset("vocabulary", graph_stems=_ontology_stems()),
)
#: The whole dataset and its subsets, in catalog order.
DATASET_KEYS: tuple[str, ...] = ("all",) + tuple(s.key for s in SUBSETS)


@dataclass
class DumpFile:
    name: str  # file name in the generation's folder: "all.ttl", "graph/x.nt.gz"
    dataset: str
    suffix: str
    bytes: int
    sha256: str
    triples: int  # triples, or quads for N-Quads


@dataclass
class Manifest:
    generation: int
    layout: int = LAYOUT
    files: dict[str, DumpFile] = field(default_factory=dict)
    #: dataset key → graphs (IRIs) that contributed triples to it.
    graphs: dict[str, list[str]] = field(default_factory=dict)
    #: dataset key → number of triples (the union's, each triple once).
    triples: dict[str, int] = field(default_factory=dict)

    def file(self, dataset: str, suffix: str) -> DumpFile:
        return self.files[f"{dataset}.{suffix}"]

    def to_json(self) -> str:
        return json.dumps(
            {"generation": self.generation, "layout": self.layout,
             "files": {k: asdict(v) for k, v in self.files.items()},
             "graphs": self.graphs, "triples": self.triples},
            ensure_ascii=False, indent=1,
        )

    @classmethod
    def from_json(cls, text: str) -> "Manifest":
        data = json.loads(text)
        return cls(data["generation"], data.get("layout", 0),
                   {k: DumpFile(**v) for k, v in data["files"].items()},
                   data["graphs"], data["triples"])


def dumps_directory(config) -> Path:
    """``dumps_path`` when set, else ``<store dir>/dumps``."""
    configured = getattr(config, "dumps_path", "") or ""
    return Path(configured) if configured else Path(config.store) / "dumps"


def graph_key(graph: URIRef | str, base_url: str) -> str | None:
    """The name of a graph of ours (``{base}graph/{name}`` → ``name``), or None."""
    prefix = f"{base_url}graph/"
    text = str(graph)
    if text.startswith(prefix) and len(text) > len(prefix) and "#" not in text:
        name = text[len(prefix):]
        if all(part not in ("", ".", "..") for part in name.split("/")):
            return name
    return None


# ---------------------------------------------------------------------------------------------
# Writing files
# ---------------------------------------------------------------------------------------------


@contextmanager
def _output(path: Path, compressed: bool) -> Iterator[IO[bytes]]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as raw:
        if compressed:
            # mtime=0: the same triples give the same bytes, whenever they are written.
            with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as zipped:
                yield zipped
        else:
            yield raw


def _digest(path: Path) -> tuple[int, str]:
    sha = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            sha.update(chunk)
            size += len(chunk)
    return size, sha.hexdigest()


def _oxigraph_prefixes() -> dict[str, str]:
    return dict(PREFIXES)


def _reserialise(source: Path, target: Path, fmt: DumpFormat) -> int:
    """Read an N-Triples (gzip) file and write it in ``fmt``, streaming; return the triples."""
    count = 0

    def counted(quads):
        nonlocal count
        for quad in quads:
            count += 1
            yield quad

    rdf_format = getattr(ox.RdfFormat, fmt.rdf.oxigraph)
    with gzip.open(source, "rb") as handle, _output(target, fmt.gzip) as out:
        triples = ox.parse(handle, ox.RdfFormat.N_TRIPLES, rename_blank_nodes=False)
        prefixes = _oxigraph_prefixes() if fmt.rdf is TURTLE else None
        ox.serialize(counted(triples), out, rdf_format, prefixes=prefixes)
    return count


# ---------------------------------------------------------------------------------------------
# The dumps of one store
# ---------------------------------------------------------------------------------------------


class Dumps:
    """The dump files of a store, built per generation. Thread-safe: one build at a time,
    readers of a finished generation never wait."""

    def __init__(self, directory: Path | str, store: Store, base_url: str):
        self.directory = Path(directory)
        self.store = store
        self.base = base_url
        self._lock = threading.Lock()
        self._manifest: Manifest | None = None

    # -- the main set ---------------------------------------------------------------------------

    def manifest(self) -> Manifest:
        """The manifest of the current generation's dumps, building them when missing."""
        generation = self.store.generation
        cached = self._manifest
        if cached is not None and cached.generation == generation:
            return cached
        with self._lock:
            for _ in range(MAX_TRIES):
                generation = self.store.generation
                found = self._read_manifest(generation)
                if found is None:
                    found = self._build(generation)
                if found is not None:
                    self._manifest = found
                    self._remove_stale(found.generation)
                    return found
        raise StoreError(
            "Les données changent trop vite pour en construire les fichiers ; réessayez.",
            "The data is changing too fast to build its dump files; try again.",
        )

    def folder(self, generation: int) -> Path:
        return self.directory / str(generation)

    def path(self, name: str, manifest: Manifest) -> Path:
        if name not in manifest.files:
            raise NotFound(f"Aucun fichier {name}.", f"No file {name}.")
        return self.folder(manifest.generation) / name

    def _read_manifest(self, generation: int) -> Manifest | None:
        path = self.folder(generation) / MANIFEST
        try:
            manifest = Manifest.from_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if manifest.layout != LAYOUT or manifest.generation != generation:
            return None
        return manifest

    def _remove_stale(self, current: int) -> None:
        if not self.directory.is_dir():
            return
        # Generations only grow: a folder of an older one is stale, a newer one (built by a
        # request that saw a later write) is kept.
        for entry in self.directory.iterdir():
            if entry.is_dir() and entry.name.isdigit() and int(entry.name) < current:
                shutil.rmtree(entry, ignore_errors=True)

    def _build(self, generation: int) -> Manifest | None:
        """Build every main dump into a scratch folder, then move it in place whole.

        None when a write moved the generation meanwhile (the caller tries again)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=".build-", dir=self.directory))
        try:
            manifest = Manifest(generation)
            quads_file = scratch / f"all.{NQUADS_GZ.suffix}"
            with _output(quads_file, True) as out:
                self.store.dump(out, NQUADS)
            shared = self._shared_subjects()
            if self.store.generation != generation:
                return None
            quads = self._split(quads_file, scratch, manifest, shared)
            size, sha = _digest(quads_file)
            manifest.files[quads_file.name] = DumpFile(
                quads_file.name, "all", NQUADS_GZ.suffix, size, sha, quads)
            for key in DATASET_KEYS:
                source = scratch / f"{key}.{NTRIPLES_GZ.suffix}"
                for fmt in TRIPLE_FORMATS:
                    target = scratch / f"{key}.{fmt.suffix}"
                    if fmt is NTRIPLES_GZ:
                        count = manifest.triples[key]
                    else:
                        count = _reserialise(source, target, fmt)
                    size, sha = _digest(target)
                    manifest.files[target.name] = DumpFile(target.name, key, fmt.suffix, size,
                                                           sha, count)
            (scratch / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
            final = self.folder(generation)
            if final.exists():
                shutil.rmtree(final)
            os.replace(scratch, final)
            return manifest
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def _shared_subjects(self) -> set[str]:
        """Subjects stated in more than one graph (their triples may repeat across graphs),
        as N-Triples terms; the default graph's subjects count as shared when it has any."""
        rows = self.store.select(
            "SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?s HAVING (COUNT(DISTINCT ?g) > 1)"
        )
        shared = {_term_key(row["s"]) for row in rows if "s" in row}
        for subject, _, _, _ in self.store.quads(graph=None):
            shared.add(_term_key(subject))
        return shared

    def _split(self, quads_file: Path, folder: Path, manifest: Manifest, shared: set[str]) -> int:
        """Two passes over the N-Quads: find the blank nodes each subset by IRI reaches, then
        write each dataset's N-Triples (gzip), each triple once. Returns the number of quads."""
        prefixes = {s.key: f"{self.base}id/{s.segment}/" for s in SUBSETS if s.segment}
        by_graph = {s.key: {f"{self.base}graph/{stem}" for stem in s.graph_stems}
                    for s in SUBSETS if s.graph_stems}

        def subset_of(subject) -> str | None:
            if isinstance(subject, ox.NamedNode):
                for key, prefix in prefixes.items():
                    if subject.value.startswith(prefix):
                        return key
            return None

        # Pass 1: the blank nodes reached from each subset's resources, through blank nodes.
        roots: dict[str, set] = {key: set() for key in prefixes}
        edges: dict[ox.BlankNode, set] = {}
        quads = 0
        with gzip.open(quads_file, "rb") as handle:
            for quad in ox.parse(handle, ox.RdfFormat.N_QUADS, rename_blank_nodes=False):
                quads += 1
                if isinstance(quad.object, ox.BlankNode):
                    if isinstance(quad.subject, ox.BlankNode):
                        edges.setdefault(quad.subject, set()).add(quad.object)
                    elif (key := subset_of(quad.subject)) is not None:
                        roots[key].add(quad.object)
        reached = {key: _closure(nodes, edges) for key, nodes in roots.items()}
        del edges

        # Pass 2: every dataset's triples, written once each.
        keys = DATASET_KEYS
        counts = {key: 0 for key in keys}
        graphs: dict[str, set[str]] = {key: set() for key in keys}
        seen: dict[str, set] = {key: set() for key in keys}
        outputs = {}
        try:
            for key in keys:
                outputs[key] = _output(folder / f"{key}.{NTRIPLES_GZ.suffix}", True)
            handles = {key: ctx.__enter__() for key, ctx in outputs.items()}
            with gzip.open(quads_file, "rb") as handle:
                for quad in ox.parse(handle, ox.RdfFormat.N_QUADS, rename_blank_nodes=False):
                    triple = ox.Triple(quad.subject, quad.predicate, quad.object)
                    graph = quad.graph_name
                    graph_iri = graph.value if isinstance(graph, ox.NamedNode) else None
                    member = ["all"]
                    if isinstance(quad.subject, ox.BlankNode):
                        member += [k for k, nodes in reached.items() if quad.subject in nodes]
                    elif (key := subset_of(quad.subject)) is not None:
                        member.append(key)
                    member += [k for k, names in by_graph.items() if graph_iri in names]
                    repeated = _term_key(quad.subject) in shared
                    line = None
                    for key in member:
                        if repeated:
                            if triple in seen[key]:
                                continue
                            seen[key].add(triple)
                        if line is None:
                            line = f"{triple} .\n".encode("utf-8")
                        handles[key].write(line)
                        counts[key] += 1
                        if graph_iri is not None:
                            graphs[key].add(graph_iri)
        finally:
            for ctx in outputs.values():
                ctx.__exit__(None, None, None)
        for key in keys:
            manifest.triples[key] = counts[key]
            manifest.graphs[key] = sorted(graphs[key])
        return quads

    # -- one named graph --------------------------------------------------------------------------

    def graph_file(self, name: str, fmt: DumpFormat) -> tuple[Path, int]:
        """The dump of graph ``{base}graph/{name}`` in ``fmt`` for the current generation,
        built when first asked for; with the generation it holds. 404 for an unknown graph."""
        graph = URIRef(f"{self.base}graph/{name}")
        if graph_key(graph, self.base) is None or fmt not in TRIPLE_FORMATS:
            raise _no_dump(f"graph/{name}.{fmt.suffix}")
        generation = self.store.generation
        path = self.folder(generation) / "graph" / f"{name}.{fmt.suffix}"
        if path.is_file():
            return path, generation
        if graph not in set(self.store.graph_names()):
            raise _no_dump(f"graph/{name}.{fmt.suffix}")
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, scratch = tempfile.mkstemp(prefix=".part-", dir=path.parent)
        os.close(handle)
        try:
            with _output(Path(scratch), fmt.gzip) as out:
                self.store.dump(out, fmt.rdf, graph)
            # A write meanwhile leaves this file in a folder that is already stale: the next
            # request, at the new generation, builds its own.
            os.replace(scratch, path)
        finally:
            if os.path.exists(scratch):
                os.unlink(scratch)
        self._remove_stale(generation)
        return path, generation


def _closure(start: set, edges: dict) -> set:
    found = set(start)
    todo = list(start)
    while todo:
        node = todo.pop()
        for following in edges.get(node, ()):
            if following not in found:
                found.add(following)
                todo.append(following)
    return found


def _term_key(term) -> str:
    """A subject as N-Triples writes it, for rdflib and pyoxigraph terms alike."""
    if isinstance(term, (ox.NamedNode,)):
        return f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, BNode):
        return f"_:{term}"
    return f"<{term}>"


def _no_dump(name: str) -> NotFound:
    return NotFound(f"Aucun fichier de données {name}.", f"No dump file {name}.")


__all__ = [
    "DATASET_KEYS", "DumpFile", "DumpFormat", "Dumps", "FORMATS_BY_SUFFIX", "JSONLD_FILE",
    "Manifest", "NQUADS_GZ", "NTRIPLES_GZ", "SUBSETS", "Subset", "TRIPLE_FORMATS", "TURTLE_FILE",
    "dumps_directory", "graph_key",
]
