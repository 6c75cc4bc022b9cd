"""A search and a filtered list count up to the ``count_limit`` setting and say "more than"
past it, in French and in English; a search ranks a bounded window of its matches, which on
the seed holds them all, so its results come in the same order as when every match was
ranked.

Over HTTP on the real server.
"""

from __future__ import annotations

import re

import pytest

from service.config import DEFAULT_BASE

ID = DEFAULT_BASE + "id/"

#: The first results of these searches on the seed when every match was scored (before the
#: window): the order must not change.
ORDER_ON_THE_SEED = {
    "atelier": [
        "event/2019-12-04-lievin-atelier-reseau",
        "event/2019-12-04-lievin-atelier-environnement",
        "event/2019-12-04-lievin-atelier-formation",
        "event/2019-12-04-lievin-atelier-acces-aux-droits-illectronisme",
        "event/2019-12-04-lievin-atelier-integration-territoriale",
        "actor/irev",
        "event/journees-regionales-france-mediation",
        "post/twitter-1202265817313947649",
        "event/2020-restitution-journees-regionales",
        "event/2019-12-04-journee-regionale-lievin",
    ],
    "mediation": [
        "actor/equipe-donnees-liees",
        "actor/france-mediation",
        "event/journees-regionales-france-mediation",
        "event/2019-11-19-journee-regionale-saint-quentin",
        "document/irev-conseils-de-lecture-politique-de-la-ville-mediation-sociale",
        "document/norme-afnor-mediation-sociale",
        "event/2019-12-04-lievin-atelier-reseau",
        "occupation/mediateur-social",
        "article/irev-2019-12-13-250-professionnels-reunis-mediation",
        "actor/collectif-mediateurs-arras",
    ],
    "illectronisme": [
        "event/2019-12-04-lievin-atelier-acces-aux-droits-illectronisme",
        "post/twitter-1202265817313947649",
        "event/2019-12-04-journee-regionale-lievin",
        "theme/illectronisme",
    ],
}


def text_of(html: str) -> str:
    """The words of a page, without its tags, with single spaces and no space before a full
    stop."""
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u00a0", " ")
    return words.replace(" .", ".")


@pytest.mark.parametrize("query", sorted(ORDER_ON_THE_SEED))
def test_results_come_in_the_same_order_as_when_every_match_was_ranked(server, query):
    found = server.get("search.json", params={"q": query}).json()
    iris = [item["iri"].removeprefix(ID) for item in found["items"]]
    expected = ORDER_ON_THE_SEED[query]
    assert iris[: len(expected)] == expected
    assert found["total_exact"] is True and found["total"] >= len(expected)


@pytest.fixture(scope="module")
def counting_to_three(start_server, tmp_path_factory):
    running = start_server(
        tmp_path_factory.mktemp("bounded") / "store", {"MEDIATION_COUNT_LIMIT": "3"}
    )
    yield running
    running.stop()


def test_a_search_past_the_bound_says_more_than_in_french_and_english(counting_to_three):
    server = counting_to_three
    found = server.get("search.json", params={"q": "mediation"}).json()
    assert found["total"] == 3 and found["total_exact"] is False
    assert len(found["items"]) > 3  # the results are not cut at the count's bound
    french = server.get("search", params={"q": "mediation"}, headers={"Accept-Language": "fr"})
    assert "plus de 3 résultats pour « mediation »" in text_of(french.text)
    assert 'data-exact="false"' in french.text
    english = server.get("search", params={"q": "mediation"}, headers={"Accept-Language": "en"})
    assert "more than 3 results for « mediation »" in text_of(english.text)


def test_a_search_within_the_bound_says_its_count(counting_to_three):
    server = counting_to_three
    found = server.get("search.json", params={"q": "illectronisme"}).json()
    assert found["total_exact"] is False  # four results, past three
    found = server.get("search.json", params={"q": "plénière"}).json()
    assert found["total_exact"] is True and found["total"] == len(found["items"]) <= 3
    page = server.get("search", params={"q": "plénière"}, headers={"Accept-Language": "fr"})
    assert "plus de" not in text_of(page.text)


def test_a_filtered_list_past_the_bound_says_more_than(counting_to_three):
    server = counting_to_three
    listed = server.get("events.json", params={"when": "past"}).json()
    assert listed["total"] == 3 and listed["total_exact"] is False
    french = server.get("events", params={"when": "past"}, headers={"Accept-Language": "fr"})
    assert "plus de 3 événements." in text_of(french.text)
    english = server.get("events", params={"when": "past"}, headers={"Accept-Language": "en"})
    assert "more than 3 events." in text_of(english.text)
    # A list that is not filtered reads its total from the tallies: exact whatever its size.
    everything = server.get("events.json").json()
    assert everything["total_exact"] is True and everything["total"] > 3
