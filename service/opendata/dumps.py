"""Dumps of the store: the whole dataset, its meaningful subsets and each named graph, as
files to download.

Written by the open-data build (:mod:`.build`) into the folder of one build, from
a consistent copy of the store, in a background process — never inside a request — then
served from disk. Every file is streamed to disk and from disk: no dump is ever held in
memory.

What one build writes:

* ``all.nq.gz`` — every quad with its graph (N-Quads, gzip), the store exactly;
* for the whole dataset (``all``) and each subset of :data:`SUBSETS` (events, actors,
  places, vocabulary, articles, history, technical): ``{key}.nt.gz`` (N-Triples, gzip),
  ``{key}.ttl`` (Turtle) and ``{key}.jsonld`` (JSON-LD) holding the *union* of the
  graphs' triples, each triple once (a triple stated in two graphs is one triple of
  the union);
* for each named graph of ours (``{base}graph/{name}``): ``graph/{name}.nt.gz``,
  ``graph/{name}.ttl`` and ``graph/{name}.jsonld``;
* ``manifest.json`` — for each file its size, SHA-256 and number of triples (quads for
  N-Quads), and for each dataset the graphs that contributed to it: what the catalog's
  distributions and VoID's counts say, so that they agree with the files by construction.

A subset by IRI (events, actors, places, articles) holds the triples whose subject is a
resource under one of its segments (``{base}id/event/``…; its hash parts included) and the
triples of the blank nodes those reach (an address, recursively). The vocabulary subset
holds the graphs of ``ontology/``, the history the history graph, the technical subset the
shapes and the example queries. The manifest also gives each dataset's content digest,
blind to the order triples come in: the catalog's ``dct:modified`` moves with it.

Oxigraph writes the N-Quads dump (in Rust); two streaming passes over it follow, the second
of which hands every triple of the union, once, to an observer (VoID's counts are taken
there); Turtle and JSON-LD are then written from each N-Triples file. Memory holds the
blank nodes' links, the subjects stated in more than one graph with their triples, and
bounded write buffers — not the data.

pyoxigraph serves here as a parser and serialiser (streaming, in Rust), as in
``service.writes.history``; the store is read only through the
:class:`~service.store.Store` interface. No Flask here.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.term import BNode

from ..config import PROJECT_ROOT
from ..formats import JSONLD, NQUADS, NTRIPLES, TURTLE, Format
from ..namespaces import PREFIXES
from ..seed import rdf_files
from ..store import Store

MANIFEST = "manifest.json"
#: Bumped when what a build holds changes (a dump, the inventory's sitemap files, which count
#: URLs since 4: each page once per interface language): builds of an older layout are not
#: served.
DUMPS_LAYOUT = 4
#: gzip's own default: level 9 took twice the time for 3 % smaller files here.
GZIP_LEVEL = 6
#: Writes are gathered into blocks this big before they reach zlib or the disk.
WRITE_BUFFER = 1 << 20
#: A dataset's content digest is the sum of its lines' 128-bit digests, modulo 2**128: the
#: same set of triples gives the same sum in whatever order a store dumps them.
CONTENT_MASK = (1 << 128) - 1
#: Lines of the per-graph files kept in memory before they are appended to their files.
GRAPH_BUFFER_BYTES = 32 << 20


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
FORMATS_BY_SUFFIX: dict[str, DumpFormat] = {f.suffix: f for f in (NQUADS_GZ,) + TRIPLE_FORMATS}


@dataclass(frozen=True)
class Subset:
    """A meaningful part of the data: the resources under some IRI segments (their hash
    parts and the blank nodes they reach with them), or whole graphs, or both."""

    key: str
    segments: tuple[str, ...] = ()  # resources under {base}{segment}/
    graph_stems: tuple[str, ...] = ()  # and these graphs, {base}graph/{stem}


def _stems(folder: str) -> tuple[str, ...]:
    return tuple(path.stem for path in rdf_files([PROJECT_ROOT / folder]))


#: Graphs of the technical dataset: the SHACL shapes and the example queries.
TECHNICAL_STEMS = _stems("shapes") + ("examples",)

SUBSETS: tuple[Subset, ...] = (
    Subset("events", segments=("id/event", "id/programme")),
    Subset("actors", segments=("id/actor", "id/occupation")),
    Subset("places", segments=("id/place",)),
    Subset("vocabulary", graph_stems=_stems("ontology")),
    # A source graph describes itself under its own IRI ({base}graph/{name}).
    Subset("articles", segments=("id/article", "id/document", "id/post", "graph")),
    Subset("history", graph_stems=("history",)),
    Subset("technical", graph_stems=TECHNICAL_STEMS),
)
#: The whole dataset and its subsets, in catalog order.
DATASET_KEYS: tuple[str, ...] = ("all",) + tuple(s.key for s in SUBSETS)


@dataclass
class DumpFile:
    name: str  # file name in the build's folder: "all.ttl", "graph/x.nt.gz"
    dataset: str  # "all", "events"…, or "graph/{name}"
    suffix: str
    bytes: int
    sha256: str
    triples: int  # triples, or quads for N-Quads


@dataclass
class Manifest:
    generation: int
    layout: int = DUMPS_LAYOUT
    files: dict[str, DumpFile] = field(default_factory=dict)
    #: dataset key → graphs (IRIs) that contributed triples to it.
    graphs: dict[str, list[str]] = field(default_factory=dict)
    #: dataset key ("all", "events"…, "graph/{name}") → number of triples (a union's: each
    #: triple once).
    triples: dict[str, int] = field(default_factory=dict)
    #: dataset key → digest of its set of triples, whatever their order: equal digests, same
    #: data (what tells a dataset's ``dct:modified`` to move).
    content: dict[str, str] = field(default_factory=dict)

    def file(self, dataset: str, suffix: str) -> DumpFile | None:
        return self.files.get(f"{dataset}.{suffix}")

    @property
    def quads(self) -> int:
        """Quads of the store the build was made from."""
        return self.files[f"all.{NQUADS_GZ.suffix}"].triples

    def to_json(self) -> str:
        return json.dumps(
            {
                "generation": self.generation,
                "layout": self.layout,
                "files": {k: asdict(v) for k, v in self.files.items()},
                "graphs": self.graphs,
                "triples": self.triples,
                "content": self.content,
            },
            ensure_ascii=False,
            indent=1,
        )

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        return cls(
            data["generation"],
            data.get("layout", 0),
            {k: DumpFile(**v) for k, v in data["files"].items()},
            data["graphs"],
            data["triples"],
            data.get("content", {}),
        )

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        return cls.from_json((folder / MANIFEST).read_text(encoding="utf-8"))


def graph_key(graph: URIRef | str, base_url: str) -> str | None:
    """The name of a graph of ours (``{base}graph/{name}`` → ``name``), or None."""
    prefix = f"{base_url}graph/"
    text = str(graph)
    if text.startswith(prefix) and len(text) > len(prefix) and "#" not in text:
        name = text[len(prefix) :]
        if all(part not in ("", ".", "..") for part in name.split("/")):
            return name
    return None


# ---------------------------------------------------------------------------------------------
# Writing files
# ---------------------------------------------------------------------------------------------


@contextmanager
def _output(path: Path, compressed: bool) -> Iterator[IO[bytes]]:
    """A buffered file (gzip-compressed when asked): Oxigraph's serialisers and our passes
    write small pieces, gathered here into blocks."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not compressed:
        with open(path, "wb", buffering=WRITE_BUFFER) as plain:
            yield plain
        return
    with open(path, "wb") as raw:
        # mtime=0: the same triples give the same bytes, whenever they are written.
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=GZIP_LEVEL) as zipped:
            buffered = io.BufferedWriter(zipped, WRITE_BUFFER)  # type: ignore[arg-type]
            try:
                yield buffered
            finally:
                buffered.flush()


def _digest(path: Path) -> tuple[int, str]:
    sha = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            sha.update(chunk)
            size += len(chunk)
    return size, sha.hexdigest()


def _reserialise(source: Path, target: Path, fmt: DumpFormat) -> None:
    """Read an N-Triples (gzip) file and write it in ``fmt``, streaming."""
    rdf_format = getattr(ox.RdfFormat, fmt.rdf.oxigraph)
    with gzip.open(source, "rb") as handle, _output(target, fmt.gzip) as out:
        triples = ox.parse(handle, ox.RdfFormat.N_TRIPLES, rename_blank_nodes=False)
        prefixes = dict(PREFIXES) if fmt.rdf is TURTLE else None
        ox.serialize(triples, out, rdf_format, prefixes=prefixes)


class _GraphFiles:
    """``graph/{name}.nt.gz`` for every graph of ours, written in one pass whatever order the
    quads come in: lines wait in memory (at most :data:`GRAPH_BUFFER_BYTES`), then each
    graph's are appended to its file as one more gzip member (a gzip file may hold several,
    RFC 1952 §2.2; every reader joins them)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.pending: dict[str, list[bytes]] = {}
        self.size = 0
        self.counts: dict[str, int] = {}

    def add(self, name: str, line: bytes) -> None:
        self.pending.setdefault(name, []).append(line)
        self.counts[name] = self.counts.get(name, 0) + 1
        self.size += len(line)
        if self.size > GRAPH_BUFFER_BYTES:
            self.flush()

    def path(self, name: str) -> Path:
        return self.folder / "graph" / f"{name}.{NTRIPLES_GZ.suffix}"

    def flush(self) -> None:
        for name, lines in self.pending.items():
            path = self.path(name)
            path.parent.mkdir(parents=True, exist_ok=True)
            with (
                open(path, "ab") as raw,
                gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=GZIP_LEVEL) as zipped,
            ):
                zipped.write(b"".join(lines))
        self.pending.clear()
        self.size = 0


# ---------------------------------------------------------------------------------------------
# Writing every dump of one store
# ---------------------------------------------------------------------------------------------


#: Called with every triple of the union, once each (pyoxigraph terms).
Observer = Callable[[ox.Triple], None]


def write_dumps(
    store: Store, base_url: str, folder: Path, generation: int, observe: Observer | None = None
) -> Manifest:
    """Write every dump of ``store`` into ``folder`` (an empty folder of the build) and its
    manifest; ``observe`` sees each triple of the union once. ``store`` must not change
    meanwhile (the build reads a snapshot)."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest = Manifest(generation)
    quads_file = folder / f"all.{NQUADS_GZ.suffix}"
    with _output(quads_file, True) as out:
        store.dump(out, NQUADS)
    shared = _shared_subjects(store)
    graph_names, quads = _split(quads_file, folder, manifest, shared, base_url, observe)
    _record(manifest, folder, quads_file.name, "all", NQUADS_GZ, quads)
    datasets = [(key, key) for key in DATASET_KEYS]
    datasets += [(f"graph/{name}", f"graph/{name}") for name in graph_names]
    for dataset, stem in datasets:
        source = folder / f"{stem}.{NTRIPLES_GZ.suffix}"
        for fmt in TRIPLE_FORMATS:
            target = folder / f"{stem}.{fmt.suffix}"
            if fmt is not NTRIPLES_GZ:
                _reserialise(source, target, fmt)
            _record(
                manifest,
                folder,
                target.relative_to(folder).as_posix(),
                dataset,
                fmt,
                manifest.triples[dataset],
            )
    (folder / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
    return manifest


def _record(
    manifest: Manifest, folder: Path, name: str, dataset: str, fmt: DumpFormat, triples: int
) -> None:
    size, sha = _digest(folder / name)
    manifest.files[name] = DumpFile(name, dataset, fmt.suffix, size, sha, triples)


def _shared_subjects(store: Store) -> set:
    """Subjects stated in more than one graph (their triples may repeat across graphs), as
    pyoxigraph terms; the default graph's subjects count as shared when it has any."""
    rows = store.select(
        "SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?s HAVING (COUNT(DISTINCT ?g) > 1)"
    )
    shared = {_oxigraph_term(row["s"]) for row in rows if "s" in row}
    for subject, _, _, _ in store.quads(graph=None):
        shared.add(_oxigraph_term(subject))
    return shared


def _split(
    quads_file: Path,
    folder: Path,
    manifest: Manifest,
    shared: set,
    base: str,
    observe: Observer | None,
) -> tuple[list[str], int]:
    """Two passes over the N-Quads: find the blank nodes each subset by IRI reaches, then
    write each dataset's N-Triples (gzip), each triple once, and each graph's. Returns the
    names of the graphs of ours, sorted, and the number of quads."""
    prefixes = [(f"{base}{segment}/", s.key) for s in SUBSETS for segment in s.segments]
    by_graph = {
        s.key: {f"{base}graph/{stem}" for stem in s.graph_stems} for s in SUBSETS if s.graph_stems
    }

    def subset_of(subject) -> str | None:
        if isinstance(subject, ox.NamedNode):
            value = subject.value
            for prefix, key in prefixes:
                if value.startswith(prefix):
                    return key
        return None

    # Pass 1: the blank nodes reached from each subset's resources, through blank nodes.
    roots: dict[str, set] = {key: set() for _, key in prefixes}
    edges: dict[ox.BlankNode, set] = {}
    with gzip.open(quads_file, "rb") as handle:
        for quad in ox.parse(handle, ox.RdfFormat.N_QUADS, rename_blank_nodes=False):
            if isinstance(quad.object, ox.BlankNode):
                if isinstance(quad.subject, ox.BlankNode):
                    edges.setdefault(quad.subject, set()).add(quad.object)
                elif (key := subset_of(quad.subject)) is not None:
                    roots[key].add(quad.object)
    reached = {key: _closure(nodes, edges) for key, nodes in roots.items()}
    del edges

    # Pass 2: every dataset's triples, written once each, and every graph's. Quads come
    # grouped by graph and subject (any order is right, that one is fast): what depends on
    # the subject or the graph is worked out when it changes.
    keys = DATASET_KEYS
    counts = {key: 0 for key in keys}
    sums = {key: 0 for key in keys}  # each dataset's lines' digests, added: order-blind
    graphs: dict[str, set[str]] = {key: set() for key in keys}
    seen: dict[str, set] = {key: set() for key in keys}
    names: dict[str, str | None] = {}  # graph IRI → its name when it is one of ours
    graph_files = _GraphFiles(folder)
    quads = 0
    subject = graph = None
    by_subject: tuple[str, ...] = ()
    by_name: tuple[str, ...] = ()
    members: tuple[str, ...] = ("all",)
    repeated = False
    graph_iri = name = None
    with ExitStack() as stack:
        handles = {
            key: stack.enter_context(_output(folder / f"{key}.{NTRIPLES_GZ.suffix}", True))
            for key in keys
        }
        with gzip.open(quads_file, "rb") as handle:
            for quad in ox.parse(handle, ox.RdfFormat.N_QUADS, rename_blank_nodes=False):
                quads += 1
                if quad.subject != subject or quad.graph_name != graph:
                    if quad.subject != subject:
                        subject = quad.subject
                        repeated = subject in shared
                        if isinstance(subject, ox.BlankNode):
                            by_subject = tuple(
                                k for k, nodes in reached.items() if subject in nodes
                            )
                        else:
                            key = subset_of(subject)
                            by_subject = (key,) if key is not None else ()
                    if quad.graph_name != graph:
                        graph = quad.graph_name
                        graph_iri = graph.value if isinstance(graph, ox.NamedNode) else None
                        if graph_iri is not None and graph_iri not in names:
                            names[graph_iri] = graph_key(graph_iri, base)
                        name = names.get(graph_iri) if graph_iri is not None else None
                        by_name = tuple(k for k, iris in by_graph.items() if graph_iri in iris)
                    members = ("all",) + by_subject + by_name
                triple = ox.Triple(subject, quad.predicate, quad.object)
                line = f"{triple} .\n".encode()
                mark = int.from_bytes(hashlib.blake2b(line, digest_size=16).digest(), "big")
                if name is not None:
                    graph_files.add(name, line)
                for key in members:
                    if repeated:
                        if triple in seen[key]:
                            continue
                        seen[key].add(triple)
                    handles[key].write(line)
                    counts[key] += 1
                    sums[key] = (sums[key] + mark) & CONTENT_MASK
                    if graph_iri is not None:
                        graphs[key].add(graph_iri)
                    if key == "all" and observe is not None:
                        observe(triple)
        graph_files.flush()
    for key in keys:
        manifest.triples[key] = counts[key]
        manifest.graphs[key] = sorted(graphs[key])
        manifest.content[key] = f"{counts[key]}-{sums[key]:032x}"
    ours = sorted(name for name in names.values() if name is not None)
    for name in ours:
        manifest.triples[f"graph/{name}"] = graph_files.counts[name]
        manifest.graphs[f"graph/{name}"] = [f"{base}graph/{name}"]
    return ours, quads


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


def _oxigraph_term(term):
    """A subject from the store interface (rdflib) as the dump's parser gives it."""
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    return ox.NamedNode(str(term))


__all__ = [
    "DATASET_KEYS",
    "DumpFile",
    "DumpFormat",
    "FORMATS_BY_SUFFIX",
    "JSONLD_FILE",
    "MANIFEST",
    "Manifest",
    "NQUADS_GZ",
    "NTRIPLES_GZ",
    "Observer",
    "SUBSETS",
    "Subset",
    "TRIPLE_FORMATS",
    "TURTLE_FILE",
    "graph_key",
    "write_dumps",
]
