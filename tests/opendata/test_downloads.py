"""Every download the catalog lists, fetched as a harvester fetches it, is the file the catalog
describes (its size, its SHA-256, gzip that opens), whatever form the operator gave the store:
relative as the README's command gives it, absolute, or through a symbolic link. A dump file
gone from the build still served is said to be missing (a 500 naming it, and logged), never
"rebuilt, try again"."""

from __future__ import annotations

import base64
import gzip
import hashlib
from pathlib import Path

import pytest
from rdflib.namespace import DCAT

from service.namespaces import ID

#: Datasets per catalog page: small, so the walk follows hydra:next.
PAGE_SIZE = 3


@pytest.fixture(scope="module", params=["relative", "absolute", "through a symbolic link"])
def operator_server(request, start_server, wait_for_build, tmp_path_factory):
    """The service started from a folder of its own with ``--store`` given in one form: as the
    README's command (``mediation serve --store store``), as an absolute path, or as a
    relative path through a symbolic link to another folder."""
    folder = tmp_path_factory.mktemp("operator")
    given = {
        "relative": Path("store"),
        "absolute": folder / "store",
        "through a symbolic link": Path("shelf") / "store",
    }[request.param]
    if request.param == "through a symbolic link":
        (folder / "disk").mkdir()
        (folder / "shelf").symlink_to(folder / "disk", target_is_directory=True)
    server = start_server(given, args=["--catalog-page-size", str(PAGE_SIZE)], cwd=folder)
    wait_for_build(server)
    yield server
    server.stop()


def test_every_download_of_the_catalog_is_the_file_it_describes(operator_server, harvest):
    server = operator_server
    assert (server.store_dir / "dumps").is_dir()  # the builds are in the store the operator named
    walked = harvest(server.url + "catalog", keep_graphs=True)  # JSON-LD: no Accept
    assert len(walked.pages) > 1
    files: dict[str, int] = {}
    for page in walked.graphs:
        for distribution, url in page.subject_objects(DCAT.downloadURL):
            files[str(url)] = int(page.value(distribution, DCAT.byteSize))
    assert len(files) == 3 * len(walked.seen) + 1 and server.url + "dumps/all.nq.gz" in files
    for url, size in files.items():
        assert url.startswith(server.url + "dumps/"), url
        response = server.get(url[len(server.url) :])
        assert response.status_code == 200, (url, response.status_code, response.text[:300])
        assert len(response.content) == size, url
        # The file's SHA-256 travels in its Repr-Digest header (RFC 9530).
        digest = base64.b64encode(hashlib.sha256(response.content).digest()).decode()
        assert response.headers["Repr-Digest"] == f"sha-256=:{digest}:", url
        if url.endswith(".gz"):
            assert response.headers["Content-Type"] == "application/gzip", url
            gzip.decompress(response.content)  # a whole gzip stream (the history may be empty)


def test_a_dump_file_missing_from_the_served_build_is_said_missing(
    writable_server, tmp_path, wait_for_build, build_of, insert_event
):
    server = writable_server(tmp_path)
    try:
        generation = build_of(wait_for_build(server))
        (server.store_dir / "dumps" / f"g{generation}" / "events.ttl").unlink()
        missing = server.get("dumps/events.ttl", headers={"Accept": "application/json"})
        assert missing.status_code == 500 and "Retry-After" not in missing.headers
        said = missing.json()
        assert said["error"] == "file-missing" and said["file"] == "/dumps/events.ttl"
        assert "/dumps/events.ttl manque" in said["message"]["fr"]
        assert "/dumps/events.ttl is missing" in said["message"]["en"]
        plain = server.get("dumps/events.ttl")
        assert plain.status_code == 500 and "reconstruits" not in plain.text
        assert "events.ttl" in server.log() and "is missing" in server.log()
        assert server.get("dumps/events.nt.gz").status_code == 200  # the others still served
        # The next build writes every file again.
        written = insert_event(server, str(ID["event/apres-la-perte"]), "Après la perte")
        assert written.status_code in (200, 204), written.text
        wait_for_build(server, generation + 1)
        assert server.get("dumps/events.ttl").status_code == 200
    finally:
        server.stop()
