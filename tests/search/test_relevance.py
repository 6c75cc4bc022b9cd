"""What the site's search puts first, over HTTP on the real server with the seed: the field
(events, actors, places…) before the vocabulary that describes it, no example queries (they
are listed on ``/sparql``), and what people look for on top.

Expected resources are read from the store through ``/sparql``, not written here.
"""

from __future__ import annotations

import pytest
from SPARQLWrapper import JSON, SPARQLWrapper

from service.config import DEFAULT_BASE as BASE

#: A small page, so that a search's pages cross from one tier to the next.
PAGE = 4
#: Kinds of the vocabulary: they come after every other kind.
VOCABULARY = {"theme", "concept", "scheme"}
#: Kinds people look for first: no vocabulary comes before them.
FIELD = {"event", "actor", "place"}
LIEVIN_DAY = BASE + "id/event/2019-12-04-journee-regionale-lievin"


@pytest.fixture(scope="module")
def site(tmp_path_factory, start_server):
    running = start_server(
        tmp_path_factory.mktemp("relevance") / "store", args=["--page-size", str(PAGE)]
    )
    yield running
    running.stop()


def sparql(site, query: str) -> list[dict[str, str]]:
    client = SPARQLWrapper(site.url + "sparql")
    client.setQuery(query)
    client.setReturnFormat(JSON)
    bindings = client.queryAndConvert()["results"]["bindings"]
    return [{k: v["value"] for k, v in row.items()} for row in bindings]


def get_json(site, path: str, **params) -> dict:
    response = site.get(path, params=params or None)
    assert response.status_code == 200, response.text
    return response.json()


def search_all(site, text: str) -> list[dict]:
    """Every result of a search, page after page (following ``next``)."""
    items, page = [], get_json(site, "/search.json", q=text)
    while True:
        items += page["items"]
        if not page["next"]:
            return items
        page = get_json(site, page["next"])


@pytest.mark.parametrize(
    "text",
    ["médiation", "atelier", "illectronisme", "environnement", "formation", "social mediation"],
)
def test_the_field_comes_before_the_vocabulary(site, text):
    items = search_all(site, text)
    kinds = [item["kind"] for item in items]
    assert FIELD & set(kinds) and VOCABULARY & set(kinds), "the query finds both"
    first_vocabulary = next(i for i, kind in enumerate(kinds) if kind in VOCABULARY)
    assert all(kind in VOCABULARY for kind in kinds[first_vocabulary:]), kinds
    iris = [item["iri"] for item in items]
    assert len(iris) == len(set(iris)), "each result once across the pages"
    assert get_json(site, "/search.json", q=text)["total"] == len(iris)


def examples(site) -> dict[str, str]:
    """The example queries of the data: IRI → French label."""
    rows = sparql(
        site,
        "PREFIX sh: <http://www.w3.org/ns/shacl#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        'SELECT ?q ?label WHERE { ?q a sh:SPARQLExecutable ; rdfs:label ?label FILTER(LANG(?label) = "fr") }',
    )
    return {row["q"]: row["label"] for row in rows}


def test_example_queries_are_listed_on_sparql_not_found_by_the_search(site):
    found = examples(site)
    assert len(found) >= 10
    listed = site.get("/sparql", headers={"Accept": "text/html"}).text
    for iri, label in found.items():
        # Searched by its own name, an example query is not a result; /sparql lists it,
        # and its page answers.
        results = search_all(site, label)
        assert not [item for item in results if item["iri"].startswith(BASE + "id/query/")]
        page = get_json(site, "/search.json", q=label)
        assert "query" not in {value["value"] for value in page["facets"]["kind"]}
        assert label in listed or label.replace("'", "&#39;") in listed, label
        assert site.get(iri.removeprefix(BASE)).status_code == 200
    kinds = get_json(site, "/search.json")["facets"]["kind"]
    assert kinds and "query" not in {value["value"] for value in kinds}
    assert site.get("/search.json", params={"kind": "query"}).status_code == 400


def test_journee_lievin_gives_the_lievin_day_first(site):
    assert get_json(site, "/search.json", q="journée Liévin")["items"][0]["iri"] == LIEVIN_DAY


@pytest.mark.parametrize("text", ["atelier", "ateliers", "workshop"])
def test_atelier_gives_the_workshops_first(site, text):
    workshops = {
        row["w"]
        for row in sparql(
            site,
            "SELECT ?w WHERE { ?w a <https://w3id.org/mediation-sociale/def#Workshop> }",
        )
    }
    assert len(workshops) == 5
    first = [item["iri"] for item in search_all(site, text)[: len(workshops)]]
    assert set(first) == workshops
