"""Fixtures of the portal tests: each portal's own environment (venvs.py), its harvest of a
running service (a script of this folder run in that environment, printing JSON), and the
catalog as rdflib reads it, page after page, to hold the harvests against."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import DCAT, DCTERMS, RDF, Namespace

HERE = Path(__file__).resolve().parent
LOCN = Namespace("http://www.w3.org/ns/locn#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
SHA256 = SPDX.checksumAlgorithm_sha256
#: Where DCAT-AP puts a location's geometry.
GEOMETRY = (LOCN.geometry, DCAT.bbox, DCAT.centroid)
#: Seconds a harvest may take before the test gives up on it.
HARVEST_TIMEOUT = 600


@pytest.fixture(scope="session")
def portal_python(unavailable) -> Callable[[str], Path]:
    """The interpreter of a portal's own environment, made on first use by venvs.py (which
    ``.ci/run`` runs before the tests, so that it is there already)."""
    made: dict[str, Path] = {}

    def portal_python(name: str) -> Path:
        if name not in made:
            done = subprocess.run(
                [sys.executable, str(HERE / "venvs.py"), name], capture_output=True, text=True
            )
            message = (
                f"L'environnement du portail {name} n'a pas pu être installé (venvs.py). "
                f"The environment of the {name} portal could not be installed (venvs.py):\n"
                f"{done.stderr[-4000:]}"
            )
            if done.returncode == 2:  # pip could not reach the registry
                unavailable(message)
            if done.returncode != 0:
                pytest.fail(message)
            made[name] = Path(json.loads(done.stdout.splitlines()[-1])["python"])
        return made[name]

    return portal_python


@pytest.fixture(scope="session")
def portal_harvest(portal_python) -> Callable[..., dict]:
    """Run a portal's harvest script on a catalog and return its JSON report, with ``wall``
    (seconds, start of the interpreter included) and ``log`` (the end of its standard error)."""
    done_before: dict[tuple[str, ...], dict] = {}

    def portal_harvest(portal: str, url: str, *args: str) -> dict:
        key = (portal, url, *args)
        if key not in done_before:
            script = HERE / f"{portal}_harvest.py"
            started = time.monotonic()
            done = subprocess.run(
                [str(portal_python(portal)), str(script), url, *args],
                capture_output=True,
                text=True,
                timeout=HARVEST_TIMEOUT,
            )
            assert done.returncode == 0, (
                f"{script.name} {url} {' '.join(args)} exited with {done.returncode}:\n"
                f"{done.stderr[-4000:]}"
            )
            report = json.loads(done.stdout)
            report["wall"] = round(time.monotonic() - started, 2)
            report["log"] = done.stderr[-4000:]
            done_before[key] = report
        return done_before[key]

    return portal_harvest


@dataclass
class Catalog:
    """The catalog as served, every page read: what a harvest must find in it."""

    pages: list[str]
    datasets: dict[str, dict] = field(default_factory=dict)  # dct:identifier → facts
    identifiers: set[str] = field(default_factory=set)  # of datasets and data services
    files: dict[str, dict] = field(default_factory=dict)  # download URL → sha256, size
    service_access: set[str] = field(default_factory=set)  # access URLs of a dcat:accessService
    feeds: set[str] = field(default_factory=set)  # access URLs of nothing to download (a feed)


def has_geometry(graph: Graph, node) -> bool:
    return any(
        isinstance(value, Literal)
        for location in graph.objects(node, DCTERMS.spatial)
        for predicate in GEOMETRY
        for value in graph.objects(location, predicate)
    )


@pytest.fixture(scope="session")
def read_catalog(harvest) -> Callable[[str], Catalog]:
    """The catalog at ``url`` read with rdflib, ``hydra:next`` followed to the last page."""
    read: dict[str, Catalog] = {}

    def read_catalog(url: str) -> Catalog:
        if url in read:
            return read[url]
        walked = harvest(url, keep_graphs=True)
        catalog = Catalog(pages=walked.pages)
        for graph in walked.graphs:
            for node in graph.subjects(RDF.type, DCAT.Dataset):
                identifier = graph.value(node, DCTERMS.identifier)
                assert identifier is not None, f"{node} has no dct:identifier"
                catalog.datasets[str(identifier)] = {
                    "title": str(graph.value(node, DCTERMS.title)),
                    "temporal": graph.value(node, DCTERMS.temporal) is not None,
                    "geometry": has_geometry(graph, node),
                }
            catalog.identifiers |= {str(i) for i in graph.objects(None, DCTERMS.identifier)}
            for distribution in graph.subjects(RDF.type, DCAT.Distribution):
                address = graph.value(distribution, DCAT.downloadURL)
                if address is None:
                    access = str(graph.value(distribution, DCAT.accessURL))
                    if graph.value(distribution, DCAT.accessService) is not None:
                        catalog.service_access.add(access)
                    else:
                        catalog.feeds.add(access)
                    continue
                checksum = graph.value(distribution, SPDX.checksum)
                size = graph.value(distribution, DCAT.byteSize)
                sha256 = checksum is not None and graph.value(checksum, SPDX.algorithm) == SHA256
                catalog.files[str(address)] = {
                    "sha256": str(graph.value(checksum, SPDX.checksumValue)) if sha256 else None,
                    "size": int(size) if size is not None else None,
                }
        read[url] = catalog
        return catalog

    return read_catalog
