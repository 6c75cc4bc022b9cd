"""Harvest a DCAT catalog as a CKAN with ckanext-dcat does: its RDF parser and profiles,
fed page after page the way its DCAT RDF harvester fetches them.

Usage (in the ckan environment made by venvs.py):
    python ckan_harvest.py CATALOG_URL PROFILE[,PROFILE...]

The fetching mirrors ``DCATRDFHarvester.gather_stage`` and ``DCATHarvester
._get_content_and_type`` (ckanext/dcat/harvesters/rdf.py and base.py): a plain
``requests`` session (no ``Accept`` header of its own), a HEAD then a GET, the format from the
first page's ``Content-Type`` and kept for the next pages, a new ``RDFParser`` per page,
``parser.next_page()`` followed until it gives nothing, and a page whose content equals the
first one's ends the walk. ckanext-harvest itself (the job queue, the database) is not
involved: the parser's dataset dicts are what its gather stage would store.

CKAN's licence register is configured as a French CKAN would be: ``licenses_group_url``
points to data.gouv.fr's licence list (datagouv-licenses.json). No request may leave the
machine (loopback_only.py). Prints one JSON document.
"""

from __future__ import annotations

import loopback_only  # first: before anything can open a socket

OUTSIDE = loopback_only.install()

import hashlib  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import requests  # noqa: E402
from ckan.common import config  # noqa: E402

LICENSES = Path(__file__).resolve().parent / "datagouv-licenses.json"
#: ckanext-dcat's default limit (``ckanext.dcat.max_file_size``, in MB).
MAX_FILE_SIZE = 50 * 1024 * 1024
CHUNK_SIZE = 1024 * 512


def fetch(session: requests.Session, url: str, content_type: str | None) -> tuple[str, str]:
    """A page and its format, as ``DCATHarvester._get_content_and_type`` gets them."""
    response = session.head(url)
    did_get = False
    if not response.ok:  # some servers refuse HEAD: ckanext-dcat tries a GET then
        response = session.get(url, stream=True)
        did_get = True
    response.raise_for_status()
    length = response.headers.get("content-length")
    if length and int(length) > MAX_FILE_SIZE:
        raise ValueError(f"Remote file is too big: {length} bytes")
    if not did_get:
        response = session.get(url, stream=True)
    content = b""
    for chunk in response.iter_content(chunk_size=CHUNK_SIZE):
        content += chunk
        if len(content) >= MAX_FILE_SIZE:
            raise ValueError("Remote file is too big.")
    if content_type is None and response.headers.get("content-type"):
        content_type = response.headers["content-type"].split(";", 1)[0]
    return content.decode("utf-8"), content_type


def harvest(url: str, profiles: list[str]) -> dict:
    from ckanext.dcat.processors import RDFParser

    session = requests.Session()
    rdf_format = None
    first_hash = None
    pages, datasets, errors = [], [], []
    started = time.monotonic()
    while url:
        try:
            content, rdf_format = fetch(session, url, rdf_format)
        except (requests.RequestException, ValueError) as error:
            errors.append(f"Could not get content from {url}: {error}")
            break
        digest = hashlib.md5(content.encode("utf8")).digest()
        if first_hash is not None and digest == first_hash:
            errors.append("Remote content was the same even when using a paginated URL")
            break
        first_hash = first_hash or digest
        parser = RDFParser(profiles=profiles)
        try:
            parser.parse(content, _format=rdf_format)
        except Exception as error:  # the harvester records RDFParserException and stops
            errors.append(f"Error parsing the RDF file: {error}")
            break
        found = list(parser.datasets())
        pages.append({"url": url, "format": rdf_format, "datasets": len(found)})
        datasets += found
        url = parser.next_page()
    return {
        "profiles": profiles,
        "format": rdf_format,
        "pages": pages,
        "errors": errors,
        "datasets": datasets,
        "seconds": round(time.monotonic() - started, 2),
    }


def main(url: str, profiles: str) -> None:
    # Read by ckan.model.license.LicenseRegister, which the profiles build when they map a
    # licence: set before any parsing.
    config["licenses_group_url"] = LICENSES.as_uri()
    report = harvest(url, profiles.split(","))
    report["outside"] = OUTSIDE
    print(json.dumps(report, ensure_ascii=False, indent=1, default=str))


if __name__ == "__main__":
    main(*sys.argv[1:3])
