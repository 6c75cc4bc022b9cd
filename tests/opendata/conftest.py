"""Fixtures of the open-data tests: the official DCAT-AP 3.0.1 shapes, ready for pySHACL, a
harvester that reads the catalog the way data.gouv.fr's DCAT harvester does, and the dumps
read back as RDF."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pytest
import requests
from pyshacl import validate
from rdflib import Dataset, Graph
from rdflib.namespace import DCAT, DCTERMS, RDF, SH

from service.namespaces import HYDRA

SHAPE_FILES = ("dcat-ap-SHACL.ttl", "ranges.ttl")


@dataclass
class Shapes:
    graph: Graph
    dropped: int  # sh:property links to shapes without sh:path, removed before validating


@pytest.fixture(scope="session")
def dcat_ap_shapes() -> Callable[[Path], Shapes]:
    """The DCAT-AP 3.0.1 shapes (constraints and ranges) as pySHACL can read them.

    The release links ``sh:property`` to shapes it never defines (they carry no
    ``sh:path``, and pySHACL stops on the first ``dcat:DataService``): those links are
    dropped, and counted (see ``../shared/standards/README.md``)."""

    @lru_cache(maxsize=2)
    def dcat_ap_shapes(shared: Path) -> Shapes:
        graph = Graph()
        for name in SHAPE_FILES:
            graph.parse(shared / "standards" / "dcat-ap-3.0.1" / name, format="turtle")
        broken = [
            (s, o) for s, o in graph.subject_objects(SH.property) if graph.value(o, SH.path) is None
        ]
        for subject, obj in broken:
            graph.remove((subject, SH.property, obj))
        return Shapes(graph, len(broken))

    return dcat_ap_shapes


@pytest.fixture(scope="session")
def violations() -> Callable[[Graph, Shapes], list[str]]:
    """Each violation of the DCAT-AP shapes as one line (empty when the data conforms)."""

    def violations(data: Graph, shapes: Shapes) -> list[str]:
        conforms, report, _ = validate(
            data, shacl_graph=shapes.graph, inference="none", allow_warnings=True
        )
        if conforms:
            return []
        lines = []
        for result in report.subjects(RDF.type, SH.ValidationResult):
            if report.value(result, SH.resultSeverity) != SH.Violation:
                continue
            lines.append(
                " ".join(
                    str(report.value(result, p))
                    for p in (SH.focusNode, SH.resultPath, SH.value, SH.resultMessage)
                )
            )
        return sorted(lines)

    return violations


# ---------------------------------------------------------------------------------------------
# The harvester
# ---------------------------------------------------------------------------------------------

#: How udata guesses an RDF format: from the URL's ending, else from a HEAD's Content-Type.
EXTENSIONS = {
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".ttl": "turtle",
    ".rdf": "xml",
    ".xml": "xml",
    ".nt": "nt",
    ".n3": "n3",
    ".trig": "trig",
}
MEDIA_TYPES = {
    "application/ld+json": "json-ld",
    "application/json": "json-ld",
    "text/turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/n-triples": "nt",
    "text/n3": "n3",
    "application/trig": "trig",
}
#: Known pagination vocabularies, as udata's DCAT backend lists them.
PAGINATION = ((HYDRA.PartialCollectionView, HYDRA.next), (HYDRA.PagedCollection, HYDRA.nextPage))


@dataclass
class Harvested:
    datasets: dict[str, dict] = field(default_factory=dict)  # identifier → what was kept
    skipped: list[str] = field(default_factory=list)
    seen: list[str] = field(
        default_factory=list
    )  # every dataset identifier, in order, repeats kept
    pages: list[str] = field(default_factory=list)
    graphs: list[Graph] = field(default_factory=list)
    total_items: int | None = None


def guess_format(url: str) -> str:
    path = url.split("?", 1)[0]
    for extension, fmt in EXTENSIONS.items():
        if path.endswith(extension):
            return fmt
    response = requests.head(url, headers={"Accept": None}, timeout=60)
    media = response.headers.get("Content-Type", "").split(";", 1)[0].strip()
    if media not in MEDIA_TYPES:
        raise AssertionError(f"unsupported mime type {media!r} at {url}")
    return MEDIA_TYPES[media]


@pytest.fixture(scope="session")
def harvest() -> Callable[..., Harvested]:
    """Walk the catalog from ``url`` as data.gouv.fr's harvester does: no Accept header, the
    format guessed once, every page parsed, ``hydra:next`` followed; datasets without
    ``dct:identifier`` or ``dct:title`` skipped, distributions without ``dcat:downloadURL``
    or ``dcat:accessURL`` dropped."""

    def harvest(url: str, keep_graphs: bool = False, max_pages: int = 1000) -> Harvested:
        fmt = guess_format(url)
        result = Harvested()
        while url and len(result.pages) < max_pages:
            response = requests.get(url, headers={"Accept": None}, timeout=120)
            assert response.status_code == 200, (url, response.status_code, response.text[:500])
            page = Graph().parse(data=response.content, format=fmt, publicID=url)
            result.pages.append(url)
            if keep_graphs:
                result.graphs.append(page)
            for node in page.subjects(RDF.type, DCAT.Dataset):
                identifier = page.value(node, DCTERMS.identifier)
                title = page.value(node, DCTERMS.title)
                if identifier is None or title is None:
                    result.skipped.append(str(node))
                    continue
                result.seen.append(str(identifier))
                resources = []
                for distribution in page.objects(node, DCAT.distribution):
                    address = page.value(distribution, DCAT.downloadURL) or page.value(
                        distribution, DCAT.accessURL
                    )
                    if address is None:
                        continue
                    resources.append(
                        {
                            "url": str(address),
                            "format": page.value(distribution, DCTERMS["format"]),
                            "media": page.value(distribution, DCAT.mediaType),
                            "bytes": page.value(distribution, DCAT.byteSize),
                            "node": distribution,
                        }
                    )
                licences = {str(o) for o in page.objects(node, DCTERMS.license)}
                licences |= {
                    str(page.value(d, DCTERMS.license))
                    for d in page.objects(node, DCAT.distribution)
                    if page.value(d, DCTERMS.license) is not None
                }
                result.datasets[str(identifier)] = {
                    "node": node,
                    "title": str(title),
                    "resources": resources,
                    "licences": licences,
                }
            following = None
            for cls, prop in PAGINATION:
                view = page.value(predicate=RDF.type, object=cls)
                if view is not None:
                    following = page.value(view, prop)
                    total = next(page.objects(None, HYDRA.totalItems), None)
                    if total is not None:
                        result.total_items = int(total)
                    break
            url = str(following) if following is not None and str(following) != url else None
        return result

    return harvest


@pytest.fixture(scope="session")
def read_rdf() -> Callable[[bytes, str], Graph | Dataset]:
    """A downloaded dump as RDF: gunzipped when it ends in .gz, parsed by its ending."""

    def read_rdf(content: bytes, url: str) -> Graph | Dataset:
        if url.endswith(".gz"):
            content = gzip.decompress(content)
            url = url[:-3]
        if url.endswith(".nq"):
            dataset = Dataset()
            dataset.parse(data=content, format="nquads")
            return dataset
        fmt = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld"}[url[url.rfind(".") :]]
        return Graph().parse(data=content, format=fmt)

    return read_rdf


@pytest.fixture(scope="session")
def distinct_triples() -> Callable[[Graph | Dataset], int]:
    """The number of distinct triples of a graph or dataset (a triple in two graphs counts once)."""

    def distinct_triples(rdf: Graph | Dataset) -> int:
        if isinstance(rdf, Dataset):
            return len({(s, p, o) for s, p, o, _ in rdf.quads((None, None, None, None))})
        return len(rdf)

    return distinct_triples
