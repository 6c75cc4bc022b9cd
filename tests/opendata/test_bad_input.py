"""What a harvester may send wrong to the catalog and the dumps: a page key that is no
dataset's identifier (odd bytes, controls, too long, given twice), a suffix the catalog is not
served with, a dump that does not exist. Each is a 400 or a 404 saying why in French and in
English, never a 500."""

from __future__ import annotations

from urllib.parse import quote

import pytest

BASE = "https://w3id.org/mediation-sociale/"


@pytest.fixture(scope="module", autouse=True)
def built(server, wait_for_build):
    """The first build from the shared server's store has finished (before, 503)."""
    wait_for_build(server)


@pytest.mark.parametrize("path", ["catalog", "catalog.ttl", "catalog.html"])
@pytest.mark.parametrize(
    "query",
    [
        "after=garbage",
        "after=%ff",
        "after=%00",
        "after=%ed%a0%80",
        "after=http%3A%2F%2Fexample.org%2Fdataset",
        f"after={quote(BASE)}catalog%23nothing",
        f"after={quote(BASE)}graph%2F",  # a graph's address without its name
        f"after={quote(BASE)}graph%2Fa%20b",
        f"after={quote(BASE)}graph%2Fa%00b",
        f"after={quote(BASE)}graph%2Fa%0D%0AX-Injected%3A%201",
        f"after={quote(BASE)}graph%2F%3Cscript%3E",
        "after=" + "a" * 3000,
        f"after={quote(BASE)}catalog%23events&after={quote(BASE)}catalog%23actors",
    ],
)
def test_a_bad_page_key_is_a_400_that_says_why(server, path, query):
    response = server.get(f"{path}?{query}")
    assert response.status_code == 400, (query, response.status_code, response.text[:300])
    assert "Le paramètre after" in response.text and "The after parameter" in response.text
    assert "X-Injected" not in response.headers


def test_a_page_key_of_the_catalog_is_taken_and_only_that(server):
    """The keys the 400s are told from: a dataset's identifier; a graph is not a dataset."""
    for key in (f"{BASE}catalog#all", f"{BASE}catalog#events", f"{BASE}catalog#technical"):
        assert server.get("catalog.ttl", params={"after": key}).status_code == 200, key
    for key in (f"{BASE}graph/gone-since", f"{BASE}graph/%FF", f"{BASE}catalog#gone"):
        assert server.get("catalog.ttl", params={"after": key}).status_code == 400, key


@pytest.mark.parametrize("suffix", ["xyz", "csv", "ttl.gz", "TTL", "json%00", "a" * 500])
def test_a_suffix_the_catalog_is_not_served_with_is_a_404_naming_those_it_is(server, suffix):
    response = server.get(f"catalog.{suffix}")
    assert response.status_code == 404
    assert "le catalogue est servi" in response.text and "/catalog.ttl" in response.text
    assert "\x00" not in response.text and len(response.text) < 1000


@pytest.mark.parametrize(
    "name",
    ["%ff.ttl", "all.ttl%00", "graph/%00.ttl", "graph/.ttl", "g1/all.ttl", "a" * 5000 + ".ttl"],
)
def test_an_odd_dump_name_is_a_404_that_repeats_it_harmlessly(server, name):
    response = server.get(f"dumps/{name}", headers={"Accept": "application/json"})
    assert response.status_code == 404
    said = response.json()["message"]
    assert said["fr"].startswith("Aucun fichier de données /dumps/")
    assert said["en"].startswith("No dump file /dumps/")
    assert "\x00" not in said["en"] and len(said["en"]) < 300
