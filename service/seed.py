"""The project's own RDF files and the named graph each one goes to.

``ontology/``, ``shapes/`` and ``data/`` hold one file per source; a file's
graph is ``{base}graph/{stem}``. An empty store is first loaded with all of them.
They are written under the default base; under another ``base_url`` their resources'
IRIs are moved there as they are read (:func:`read_moved`), the vocabulary's and the
shapes' staying where they are.

The territories' graph is the one made from an official source rather than typed: the
committed ``data/territories.ttl`` holds the seed's selection, written by ``mediation
territories`` (:func:`import_territories`, :func:`serialize_territories`), and an empty
store is loaded with the full list instead unless the ``territories`` setting says ``seed``
(:func:`store_territories`; ``docs/territories.md``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef

from .config import DEFAULT_BASE, PROJECT_ROOT
from .errors import SourceError
from .formats import BY_FILE_EXTENSION, DATASET_FORMATS, Format
from .namespaces import rebase
from .territories import (
    DEFAULT_SOURCE,
    PACKAGE,
    TerritorySource,
    graph_iri,
    load_source,
    provenance_triples,
    select_seed,
    territories_graph,
    territory_triples,
)

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


# -- the territories: the committed seed selection, or the full official list -------------------

#: The project file the seed selection of the territories is committed in; a store holding
#: the full list loads that list into the file's graph instead.
TERRITORIES_FILE = PROJECT_ROOT / "data" / "territories.ttl"
#: The ``territories`` setting: what an empty store is loaded with.
TERRITORY_SETS = ("all", "seed")


def selection_of(
    source: TerritorySource, name: str | None
) -> tuple[set[tuple[str, str]], list[str]]:
    """The territories of a named selection ("seed"), or of everything when None, with the
    lines that say what it holds (the header of a written file)."""
    if name is None:
        return set(source.territories), []
    if name != "seed":
        raise SourceError(f"Sélection inconnue : {name}", f"Unknown selection: {name}")
    keys, picked = select_seed(source)
    lines = ["Sélection « seed » — what the seed article names or implies:"]
    lines += [f"  {t.kind} {t.code} {t.name}: {pick.why}" for pick, t in picked]
    return keys, [*lines, "  and the départements and régions that contain them."]


#: What the graph of a selection says it holds, French and English.
DESCRIPTIONS: dict[str | None, tuple[str, str]] = {
    "seed": (
        "Les territoires que nomme ou implique l'article source, et ceux qui les contiennent.",
        "The territories the seed article names or implies, and those that contain them.",
    ),
    None: (
        "Toutes les communes, départements, régions, territoires d'outre-mer et EPCI de la source.",
        "Every commune, département, région, overseas territory and EPCI of the source.",
    ),
}


@dataclass
class Import:
    """The territories of a selection read from the package, and what to say about them."""

    source: TerritorySource
    keys: set[tuple[str, str]]
    description: tuple[str, str]
    header: str
    base_url: str = DEFAULT_BASE
    created: date | None = None

    @property
    def count(self) -> int:
        return len(self.keys)

    def triples(self) -> Iterator[ox.Triple]:
        return territory_triples(
            self.source, self.keys, self.base_url, self.description, self.created
        )

    def graph(self) -> Graph:
        return territories_graph(
            self.source, self.keys, self.base_url, self.description, self.created
        )


def import_territories(
    selection: str | None,
    source_dir: Path = DEFAULT_SOURCE,
    base_url: str = DEFAULT_BASE,
    command: str = "",
    created: date | None = None,
) -> Import:
    """Read the package and select ``selection`` ("seed") or, when None, everything."""
    source = load_source(source_dir)
    keys, said = selection_of(source, selection)
    lines = [
        "Territoires administratifs français — French administrative territories.",
        "Généré, ne pas modifier à la main — generated, do not edit by hand. Regenerate with:",
        f"  {command}" if command else "",
        (
            f"Source : {PACKAGE} {source.version} (npm), millésime {source.vintage}, "
            f"{source.licence_name} ({source.licence})."
        ),
        *said,
    ]
    header = "\n".join(line for line in lines if line)
    return Import(source, keys, DESCRIPTIONS[selection], header, base_url, created or date.today())


def serialize_territories(result: Import, fmt: Format) -> tuple[bytes, int]:
    """The import in ``fmt`` (its header as comments where the format has them) and its
    number of triples. N-Triples and N-Quads are written by pyoxigraph, in seconds for the
    full list; the other formats by rdflib (minutes for the full list in Turtle)."""
    if fmt.key in ("nt", "nquads"):
        triples = list(result.triples())
        named = ox.NamedNode(str(graph_iri(result.base_url)))
        body = ox.serialize(
            triples
            if fmt.key == "nt"
            else [ox.Quad(t.subject, t.predicate, t.object, named) for t in triples],
            format=ox.RdfFormat.N_TRIPLES if fmt.key == "nt" else ox.RdfFormat.N_QUADS,
        )
        count = len(triples)
    else:
        graph = result.graph()
        count = len(graph)
        if fmt in DATASET_FORMATS:
            # The graph's store already files its triples under the graph's name.
            body = Dataset(store=graph.store).serialize(format=fmt.rdflib, encoding="utf-8")
        elif fmt.rdflib == "json-ld":
            context = {prefix: str(ns) for prefix, ns in graph.namespaces()}
            body = graph.serialize(format="json-ld", context=context, encoding="utf-8")
        else:
            body = graph.serialize(format=fmt.rdflib, encoding="utf-8")
    if result.header and fmt.key in ("turtle", "nt", "trig", "nquads"):
        comments = "".join(f"# {line}".rstrip() + "\n" for line in result.header.splitlines())
        body = comments.encode("utf-8") + b"\n" + body
    return body, count


def store_territories(which: str, base_url: str, source_dir: str = "") -> list[bytes]:
    """What an empty store's territories graph is loaded with, as N-Triples: the full list
    read from the installed package (``all``), or nothing for the committed seed selection
    (``seed``: the file :data:`TERRITORIES_FILE` as it is). The full list comes from the
    official source as it is: a package that is missing or malformed stops the load
    (:class:`~.errors.SourceError`), never falls back to the nine territories of the seed.

    Two parts: the territories, which have no blank node, so that the store's bulk loader
    reads them itself (seconds), then the graph's provenance, with the blank node of the
    package's checksum."""
    if which == "seed":
        return []
    try:
        result = import_territories(
            None, Path(source_dir) if source_dir else DEFAULT_SOURCE, base_url
        )
    except SourceError as error:
        raise SourceError(
            f"Le magasin vide n'a pas été chargé : il doit recevoir la liste complète des "
            f"territoires (réglage territories = all). {error.message_fr} Ou, pour les seuls "
            f"neuf territoires de data/territories.ttl : MEDIATION_TERRITORIES=seed.",
            f"The empty store was not loaded: it is to hold the full list of territories "
            f"(setting territories = all). {error.message_en} Or, for the nine territories of "
            f"data/territories.ttl only: MEDIATION_TERRITORIES=seed.",
        ) from None
    provenance = provenance_triples(result.source, base_url, result.description, result.created)
    territories = territory_triples(result.source, result.keys, base_url, provenance=False)
    return [ox.serialize(part, format=ox.RdfFormat.N_TRIPLES) for part in (territories, provenance)]
