"""The catalog harvested by the open-data portals' own code, as in production.

* data.gouv.fr: udata's DCAT backend, in dry run on mongomock, in French and in English (udata
  keeps the literals of its default language), reading ``/catalog`` (JSON-LD, its default).
* CKAN: ckanext-dcat's RDF parser with its DCAT-AP 3 and DCAT-AP 2 profiles, the pages
  fetched as its DCAT RDF harvester fetches them, reading ``/catalog`` and ``/catalog.ttl``.

Each runs in its own pinned environment (this folder's README). Every harvest runs on the shared
server, whose catalog fits in one page, and on a server whose pages hold two datasets, so that
both portals walk the catalog through ``hydra:next``. The catalog read with rdflib, every page
followed, says what each harvest must find.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

SMALL_PAGE = 2
LANGUAGES = ["fr", "en"]
#: ckanext-dcat's profiles by the name a test shows.
PROFILES = {"dcat-ap-3": "euro_dcat_ap_3", "dcat-ap-2": "euro_dcat_ap_2"}
CKAN_SOURCES = ["catalog", "catalog.ttl"]
LICENCE = "lov2"  # Licence Ouverte 2.0 in data.gouv.fr's list
SHA256 = re.compile(r"[0-9a-f]{64}")
#: Three attempts in a portal's environment: a name outside, an address off 127.0.0.1 (still
#: on the loopback, so that a broken guard reaches nothing), and localhost.
GUARD_CHECK = """
import json, socket, loopback_only
refused = loopback_only.install()
results = []
for attempt in (
    lambda: socket.getaddrinfo("portal-test.invalid", 80),
    lambda: socket.socket().connect(("127.0.0.2", 9)),
    lambda: socket.getaddrinfo("localhost", 80),
):
    try:
        attempt()
        results.append("allowed")
    except OSError as error:
        results.append(type(error).__name__)
print(json.dumps({"results": results, "refused": [a["host"] for a in refused]}))
"""


@dataclass
class Harvest:
    """One portal's harvest of one site, beside the catalog it read."""

    site: object  # the Server
    catalog: object  # the Catalog, read with rdflib
    report: dict  # what the portal's script printed
    name: str  # which portal, language or profile, which address

    def datasets(self) -> list[dict]:
        return [item for item in self.report.get("items", []) if item.get("kind") == "dataset"]


@pytest.fixture(scope="module")
def small_pages(tmp_path_factory, start_server, wait_for_build):
    """A server of its own whose catalog pages hold two datasets."""
    server = start_server(
        tmp_path_factory.mktemp("small-pages") / "store",
        {"MEDIATION_CATALOG_PAGE_SIZE": str(SMALL_PAGE)},
    )
    try:
        wait_for_build(server, path="catalog")
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module", params=["one-page", "pages-of-2"])
def site(request, server, wait_for_build):
    """The service harvested: the shared server, then the one with small pages."""
    if request.param == "one-page":
        wait_for_build(server, path="catalog")
        return server
    return request.getfixturevalue("small_pages")


@pytest.fixture(params=LANGUAGES)
def udata(request, site, portal_harvest, read_catalog) -> Harvest:
    url = site.url + "catalog"
    report = portal_harvest("udata", url, request.param)
    return Harvest(site, read_catalog(url), report, f"udata ({request.param}) on {url}")


@pytest.fixture(params=[(s, p) for s in CKAN_SOURCES for p in PROFILES], ids="-".join)
def ckan(request, site, portal_harvest, read_catalog) -> Harvest:
    source, profile = request.param
    url = site.url + source
    report = portal_harvest("ckan", url, PROFILES[profile])
    return Harvest(site, read_catalog(url), report, f"ckanext-dcat ({profile}) on {url}")


def lines(entries: list[str], most: int = 15) -> str:
    """Entries one a line, the first ``most`` of them."""
    shown = [f"  {entry}" for entry in entries[:most]]
    if len(entries) > most:
        shown.append(f"  … and {len(entries) - most} more")
    return "\n".join(shown)


def attempts(found: list[dict]) -> str:
    return lines([f"{a['event']} {a['host']}:{a['port']} from {a['from']}" for a in found])


@pytest.mark.parametrize("portal", ["udata", "ckan"])
def test_the_guard_refuses_and_reports_any_host_but_the_loopback(portal, portal_python):
    done = subprocess.run(
        [portal_python(portal), "-c", GUARD_CHECK],
        cwd=Path(__file__).parent,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "results": ["gaierror", "ConnectionRefusedError", "allowed"],
        "refused": ["portal-test.invalid", "127.0.0.2"],
    }


# ---------------------------------------------------------------------------------------------
# data.gouv.fr (udata)
# ---------------------------------------------------------------------------------------------


def test_udata_finishes_the_job_with_every_item_done(udata):
    report = udata.report
    not_done = [
        f"{item['remote_id']} ({item.get('kind', 'not made')}): {item['status']}: "
        + " / ".join(error[:160] for error in item["errors"])
        for item in report["items"]
        if item["status"] != "done"
    ]
    assert not not_done, f"{udata.name}: {len(not_done)} item(s) not done:\n{lines(not_done)}"
    assert (report["status"], report["errors"]) == ("done", []), udata.name


def test_udata_harvests_every_dataset_and_the_sparql_service(udata):
    items = udata.report["items"]
    harvested = [item["remote_id"] for item in udata.datasets()]
    assert sorted(harvested) == sorted(udata.catalog.datasets), (
        f"{udata.name}: datasets harvested ≠ the catalog's\n"
        f"  missing: {sorted(set(udata.catalog.datasets) - set(harvested))}\n"
        f"  unexpected: {sorted(set(harvested) - set(udata.catalog.datasets))}"
    )
    assert udata.report["pages"] == len(udata.catalog.pages), udata.name
    services = [item for item in items if item.get("kind") == "dataservice"]
    others = [f"{i['remote_id']}: {i['status']}: {i['errors']}" for i in items if "kind" not in i]
    assert [s["base_api_url"] for s in services] == [udata.site.url + "sparql"], (
        f"{udata.name}: data services {services}; items udata made nothing of:\n{lines(others)}\n"
        "(udata harvests no dcat:DataService without dct:identifier, nor one that a "
        "distribution names as its dcat:accessService)"
    )


def test_udata_finds_licence_ouverte_2_on_every_dataset(udata):
    wrong = [
        f"{item['remote_id']}: {item.get('license')!r} from {item.get('license_read')!r}"
        for item in udata.datasets()
        if item.get("license") != LICENCE
    ]
    assert udata.datasets()
    assert not wrong, (
        f"{udata.name}: licence other than {LICENCE} on {len(wrong)} dataset(s):\n{lines(wrong)}"
    )


def test_udata_reads_the_temporal_and_spatial_coverage(udata):
    catalog = udata.catalog
    made = {item["remote_id"]: item for item in udata.datasets()}
    assert any(facts["temporal"] for facts in catalog.datasets.values())
    whole = next(identifier for identifier in catalog.datasets if identifier.endswith("#all"))
    missing = []
    if not catalog.datasets[whole]["geometry"]:
        missing.append(f"{whole}: no geometry in the catalog (locn:geometry, dcat:bbox…)")
    for identifier, facts in catalog.datasets.items():
        item = made.get(identifier, {})
        if facts["temporal"] and not (item.get("temporal") or {}).get("start"):
            logs = [log for log in item.get("logs", []) if "temporal" in log]
            missing.append(f"{identifier}: temporal coverage {item.get('temporal')!r} {logs}")
        if facts["geometry"] and not (item.get("spatial") or {}).get("geometry"):
            logs = [log for log in item.get("logs", []) if "spatial" in log]
            missing.append(f"{identifier}: spatial coverage {item.get('spatial')!r} {logs}")
    assert not missing, f"{udata.name}: coverage missing:\n{lines(missing)}"


def test_udata_keeps_each_file_with_its_size_as_a_file(udata):
    """Each dump as a file of its size. No checksum: DCAT-AP types it ``xsd:hexBinary``, which
    udata reads as bytes and refuses, so the catalog gives none and each download carries its
    SHA-256 in ``Repr-Digest`` (``docs/opendata.md``, tests/opendata/test_downloads.py)."""
    catalog = udata.catalog
    wrong = []
    for item in udata.datasets():
        if not item["resources"]:
            wrong.append(f"{item['remote_id']}: no resource")
        for resource in item["resources"]:
            url, checksum = resource["url"], resource["checksum"] or {}
            if url in catalog.service_access or url in catalog.feeds:
                continue  # the SPARQL endpoint, the change feed: no file to check
            expected = catalog.files.get(url)
            if expected is None:
                wrong.append(f"{url}: neither a file nor a service access in the catalog")
                continue
            if checksum and checksum.get("value") != expected["sha256"]:
                wrong.append(f"{url}: checksum {checksum}, not the catalog's {expected['sha256']}")
            if expected["size"] == 0 and resource["filesize"] is None:
                pass  # udata keeps no size for an empty file (the history before any write)
            elif resource["filesize"] is None or resource["filesize"] != expected["size"]:
                wrong.append(f"{url}: size {resource['filesize']}, not {expected['size']}")
            if resource["type"] != "main":  # udata lists a file with an access service as an API
                wrong.append(f"{url}: a file udata lists as {resource['type']!r}, not 'main'")
    assert udata.datasets()
    assert not wrong, f"{udata.name}: {len(wrong)} problem(s) with files:\n{lines(wrong)}"


def test_udata_asks_nothing_outside_the_service(udata):
    report = udata.report
    assert not report["outside"], (
        f"{udata.name} tried to reach outside the machine:\n{attempts(report['outside'])}"
    )
    # udata looks up the host of each identifier it validates as a URL (and connects nowhere):
    # the catalog's identifiers only.
    hosts = {urlsplit(identifier).hostname for identifier in udata.catalog.identifiers}
    others = [a for a in report["url_checks"] if a["host"] not in hosts]
    assert not others, f"{udata.name} checked other addresses:\n{attempts(others)}"


# ---------------------------------------------------------------------------------------------
# CKAN (ckanext-dcat)
# ---------------------------------------------------------------------------------------------


def extras(dataset: dict) -> dict:
    return {extra["key"]: extra["value"] for extra in dataset.get("extras", [])}


def test_ckan_reads_every_dataset_on_every_page(ckan):
    report = ckan.report
    assert not report["errors"], f"{ckan.name}:\n{lines(report['errors'])}"
    assert [page["url"] for page in report["pages"]] == ckan.catalog.pages, ckan.name
    read = [extras(dataset).get("identifier") for dataset in report["datasets"]]
    assert sorted(read, key=str) == sorted(ckan.catalog.datasets), (
        f"{ckan.name}: datasets read ≠ the catalog's\n"
        f"  missing: {sorted(set(ckan.catalog.datasets) - set(read))}\n"
        f"  unexpected: {sorted(set(read) - set(ckan.catalog.datasets), key=str)}"
    )


def test_ckan_maps_the_licence_of_every_dataset(ckan):
    wrong = [
        f"{extras(dataset).get('identifier')}: {dataset.get('license_id')!r} "
        f"(distributions say {sorted({str(r.get('license')) for r in dataset['resources']})})"
        for dataset in ckan.report["datasets"]
        if dataset.get("license_id") != LICENCE
    ]
    assert ckan.report["datasets"]
    assert not wrong, (
        f"{ckan.name}: license_id other than {LICENCE} on {len(wrong)} dataset(s):\n{lines(wrong)}"
    )


def test_ckan_sees_the_sparql_endpoint_as_an_access_service(ckan):
    endpoint = ckan.site.url + "sparql"
    without = []
    for dataset in ckan.report["datasets"]:
        services = [
            service
            for resource in dataset["resources"]
            for service in json.loads(resource.get("access_services") or "[]")
        ]
        if not any(endpoint in service.get("endpoint_url", []) for service in services):
            without.append(f"{extras(dataset).get('identifier')}: access services {services}")
    assert ckan.report["datasets"]
    assert not without, (
        f"{ckan.name}: no distribution served by {endpoint} on {len(without)} dataset(s):\n"
        f"{lines(without)}"
    )


def test_ckan_asks_nothing_outside_the_service(ckan):
    assert not ckan.report["outside"], (
        f"{ckan.name} tried to reach outside the machine:\n{attempts(ckan.report['outside'])}"
    )


# ---------------------------------------------------------------------------------------------
# Paging
# ---------------------------------------------------------------------------------------------


def test_small_pages_make_both_portals_walk_every_page(small_pages, read_catalog, portal_harvest):
    url = small_pages.url + "catalog"
    catalog = read_catalog(url)
    assert len(catalog.pages) == math.ceil(len(catalog.datasets) / SMALL_PAGE) > 2
    assert portal_harvest("udata", url, "fr")["pages"] == len(catalog.pages)
    for source in CKAN_SOURCES:
        report = portal_harvest("ckan", small_pages.url + source, PROFILES["dcat-ap-3"])
        assert len(report["pages"]) == len(catalog.pages), source
        assert all(page["format"] == report["pages"][0]["format"] for page in report["pages"])
