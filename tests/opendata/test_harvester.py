"""The catalog read by data.gouv.fr's DCAT harvester, as its code behaves: no Accept header,
the format from the URL's ending or a HEAD's Content-Type, ``hydra:next`` followed, datasets
kept only with ``dct:identifier`` and ``dct:title``, distributions only with a download or
access URL, the licence matched against Etalab's address."""

from __future__ import annotations

import pytest

ETALAB = "https://www.etalab.gouv.fr/licence-ouverte-open-licence"
SOURCES = ["catalog", "catalog.jsonld", "catalog.ttl", "catalog.rdf"]


@pytest.fixture(scope="module", autouse=True)
def built(server, wait_for_build):
    """The first build from the shared server's store has finished (before, 503)."""
    wait_for_build(server)


@pytest.fixture(scope="module")
def harvests(server, harvest):
    return {source: harvest(server.url + source) for source in SOURCES}


@pytest.mark.parametrize("source", SOURCES)
def test_every_dataset_is_kept_with_its_distributions_and_licence(harvests, source):
    result = harvests[source]
    assert result.skipped == []
    assert len(result.datasets) == result.total_items >= 25
    for identifier, dataset in result.datasets.items():
        assert dataset["title"], identifier
        assert dataset["resources"], f"{identifier} has no distribution a harvester keeps"
        assert ETALAB in dataset["licences"], identifier
        for resource in dataset["resources"]:
            assert resource["url"].startswith("http")
            assert resource["format"] is not None and resource["media"] is not None


def test_every_source_gives_the_same_catalog(harvests):
    shapes = {
        source: {
            i: sorted(r["url"] for r in d["resources"])
            for i, d in harvests[source].datasets.items()
        }
        for source in SOURCES
    }
    assert all(shape == shapes["catalog"] for shape in shapes.values())


def test_every_distribution_the_harvester_keeps_downloads(server, harvests):
    urls = {r["url"] for d in harvests["catalog"].datasets.values() for r in d["resources"]}
    for url in sorted(urls):
        response = server.request("HEAD", url[len(server.url) :], headers={"Accept": None})
        assert response.status_code == 200, url
        assert int(response.headers["Content-Length"]) > 0, url


def test_the_format_is_guessed_from_a_head_when_the_url_has_no_ending(server):
    response = server.request("HEAD", "catalog", headers={"Accept": None})
    assert response.headers["Content-Type"].split(";")[0] == "application/ld+json"
    assert response.headers["ETag"] and response.headers["Last-Modified"]
