"""No duplicates, over HTTP without JavaScript: a new organisation whose name is close to an
existing one's shows it first (« Existe déjà ? », with a link to it), a name that is the
same, accents and case aside, is a warning on the name field that does not block; the check
endpoint answers the same matches as JSON for the page's script; an unrelated name shows
none. On the shared server with the seed, where France Médiation is an organisation.
"""

from __future__ import annotations

import html
import re

import pytest

LOGIN = "doublons@example.org"
FRANCE_MEDIATION = "https://w3id.org/mediation-sociale/id/actor/france-mediation"


@pytest.fixture(scope="module")
def session(server, users, password, sign_in):
    made = users(server.store_dir, "add", LOGIN, "--role", "publisher", password=password)
    assert made.returncode == 0, made.stderr
    signed, answer = sign_in(server, LOGIN)
    assert answer.status_code == 303, answer.text
    return signed


def post(server, session, path: str, data: dict):
    form = session.get(server.url + "publish/new/organisation", timeout=60).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    return session.post(server.url + path, data=dict(data, csrf_token=token), timeout=60)


def existing_links(page: str) -> list[str]:
    """The links of the « Existe déjà ? » section, when it is shown."""
    found = re.search(r'<section id="existing"([^>]*)>(.*?)</section>', page, re.S)
    assert found, "no section for existing resources"
    if "hidden" in found.group(1):
        return []
    return re.findall(r'<a href="([^"]+)"', found.group(2))


def name_messages(page: str) -> list[str]:
    found = re.search(r'data-messages="name.0">(.*?)</ul>', page, re.S)
    assert found
    return [html.unescape(m) for m in re.findall(r"<li[^>]*>(.*?)</li>", found.group(1), re.S)]


@pytest.mark.parametrize("name", ["france mediation", "FRANCE MÉDIATION", "France-Médiation"])
def test_a_new_organisation_of_the_same_name_shows_the_existing_one_first_and_warns(
    server, session, name
):
    answer = post(server, session, "publish/new/organisation", {"name.0": name})
    assert answer.status_code == 200
    page = answer.text
    assert "Existe déjà ?" in page
    links = existing_links(page)
    assert links and links[0].endswith("/id/actor/france-mediation"), links
    warnings = name_messages(page)
    assert any("Existe déjà ?" in w and "France Médiation" in w for w in warnings), warnings
    assert all(w.startswith("Conseil") for w in warnings), warnings  # a warning, not an error
    assert "Prêt à publier" in page  # it blocks nothing


@pytest.mark.parametrize(
    "kind, name, found",
    [
        ("person", "FRANCK BOULANJON", "/id/actor/franck-boulanjon"),
        ("place", "arena lievin", "/id/place/arena-lievin"),
    ],
)
def test_a_new_person_or_venue_of_an_existing_name_shows_it(server, session, kind, name, found):
    page = post(server, session, f"publish/new/{kind}", {"name.0": name}).text
    links = existing_links(page)
    assert links and links[0].endswith(found), links
    assert any("Existe déjà" in w for w in name_messages(page))


def test_the_warning_is_in_english_on_asking(server, session):
    answer = post(
        server, session, "publish/new/organisation?lang=en", {"name.0": "france mediation"}
    )
    assert "Already there?" in answer.text
    assert any("already has this name" in w for w in name_messages(answer.text))


def test_a_close_name_is_shown_without_a_warning(server, session):
    page = post(
        server, session, "publish/new/organisation", {"name.0": "France Médiation Nord"}
    ).text
    assert existing_links(page) == []  # every word must match: « nord » is in no name
    page = post(server, session, "publish/new/organisation", {"name.0": "France Médi"}).text
    assert [link.rsplit("/", 1)[-1] for link in existing_links(page)][:1] == ["france-mediation"]
    assert not any("Existe déjà" in w for w in name_messages(page))


def test_the_check_endpoint_answers_the_close_matches(server, session):
    answer = post(server, session, "publish/check/organisation", {"name.0": "France mediation"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["existing"][0]["iri"] == FRANCE_MEDIATION
    assert body["existing"][0]["same"] is True
    assert body["existing"][0]["href"].endswith("/id/actor/france-mediation")
    assert any("Existe déjà" in m["message"] for m in body["fields"]["name.0"])


def test_an_unrelated_name_shows_none(server, session):
    page = post(server, session, "publish/new/organisation", {"name.0": "Zèbres du Vercors"}).text
    assert existing_links(page) == []
    assert not any("Existe déjà" in w for w in name_messages(page))
    answer = post(server, session, "publish/check/organisation", {"name.0": "Zèbres du Vercors"})
    assert answer.json()["existing"] == []


def test_the_lookup_puts_the_same_name_first(server, session):
    found = session.get(
        server.url + "publish/lookup",
        params={"q": "france mediation", "class": "https://schema.org/Organization"},
        timeout=60,
    ).json()
    assert found[0]["iri"] == FRANCE_MEDIATION and found[0]["same"] is True


def test_an_organiser_typed_and_not_chosen_offers_the_one_of_that_name_first_selected(
    server, session
):
    page = post(server, session, "publish/new/event", {"organizer.0.q": "FRANCE-MEDIATION"}).text
    select = re.search(
        r'<select id="f-organizer-0-value" name="organizer.0">(.*?)</select>', page, re.S
    )
    assert select, "no choice offered"
    options = re.findall(r'<option value="([^"]*)"[^>]*?( selected)?>', select.group(1))
    assert options[1] == (FRANCE_MEDIATION, " selected"), options  # after « — choisir — »
    assert sum(1 for _, chosen in options if chosen) == 1
