"""A publisher acts for the organisations its account is linked to: a new event comes with the
first of them as organiser; a draft naming none of them is warned (not refused) on that field;
a published resource is edited only by a publisher of its organiser (else a 403 that says the
rule), or by a moderator; the moderators read whom each author acts for.

Against the real server and accounts made with ``mediation users``.
"""

from __future__ import annotations

import html
import re

import pytest

BASE = "https://w3id.org/mediation-sociale/"
FRANCE_MEDIATION = BASE + "id/actor/france-mediation"
INTERFACES = BASE + "id/actor/interfaces"
#: The seed's Liévin day, organised by France Médiation, in the project's files' graph.
LIEVIN = BASE + "id/event/2019-12-04-journee-regionale-lievin"

MEMBER = "membre@france-mediation.example.org"
STRANGER = "membre@interfaces.example.org"
MODERATOR = "moderation@example.org"
WARNING = "Aucune des organisations pour lesquelles votre compte agit"


@pytest.fixture(scope="module")
def site(writable_server, tmp_path_factory, users, password):
    running = writable_server(
        tmp_path_factory.mktemp("acting"), {"MEDIATION_SIGN_IN_LIMIT": "1000 per minute"}
    )
    for login, role, *more in (
        (MEMBER, "publisher", "--organisation", FRANCE_MEDIATION),
        (STRANGER, "publisher", "--organisation", INTERFACES),
        (MODERATOR, "moderator"),
    ):
        made = users(running.store_dir, "add", login, "--role", role, *more, password=password)
        assert made.returncode == 0, made.stderr
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser(site, signed_in):
    # Pages are read where they send: /publish/edit answers 303 to the draft it makes.
    return lambda login: signed_in(site, login, follow=False)


def event(name: str, organiser: str) -> dict[str, str]:
    return {
        "name.0.fr": name,
        "startDate.0.date": "2027-05-06",
        "startDate.0.time": "09:30",
        "organizer.0": organiser,
    }


def new_draft(person, data: dict[str, str]) -> int:
    person.open("/publish/new/event")
    answer = person.post("/publish/drafts/new/event", data)
    assert answer.status_code == 303, answer.text
    return int(re.fullmatch(r"/publish/drafts/(\d+)", answer.headers["Location"])[1])


def organiser_messages(page: str) -> str:
    """The messages shown on the organiser field's first value."""
    found = re.search(
        r'<ul class="field-messages" id="f-organizer-0-msg"[^>]*>(.*?)</ul>', page, re.S
    )
    assert found, "the form has no organiser field"
    return html.unescape(found[1])


def test_a_new_event_comes_with_the_account_organisation_as_organiser(browser):
    member = browser(MEMBER)
    assert (
        f'name="organizer.0" value="{FRANCE_MEDIATION}"' in member.open("/publish/new/event").text
    )
    # An article, with it as its publisher.
    assert f'name="publisher.0" value="{FRANCE_MEDIATION}"' in member.open("/publish/new/article").text  # fmt: skip
    # Another organisation's member gets its own; a moderator with none, an empty field.
    assert f'name="organizer.0" value="{INTERFACES}"' in browser(STRANGER).open("/publish/new/event").text  # fmt: skip
    assert 'name="organizer.0" value=""' in browser(MODERATOR).open("/publish/new/event").text


def test_a_draft_naming_none_of_the_account_organisations_is_warned_not_refused(browser):
    stranger = browser(STRANGER)
    number = new_draft(
        stranger, event("Journée d'Interfaces pour France Médiation", FRANCE_MEDIATION)
    )
    page = stranger.open(f"/publish/drafts/{number}").text
    assert WARNING in organiser_messages(page) and INTERFACES in organiser_messages(page)
    english = organiser_messages(stranger.open(f"/publish/drafts/{number}?lang=en").text)
    assert "None of the organisations your account acts for" in english
    # A warning, not a refusal: the draft is submitted to the moderators all the same.
    submitted = stranger.post(
        f"/publish/drafts/{number}/submit",
        event("Journée d'Interfaces pour France Médiation", FRANCE_MEDIATION),
    )
    assert submitted.status_code == 303
    # The account's own organisation, or it beside a partner: no warning.
    for organisers in ({"organizer.0": INTERFACES}, {"organizer.1": INTERFACES}):
        mine = new_draft(
            stranger, {**event("Journée d'Interfaces", FRANCE_MEDIATION), **organisers}
        )
        assert WARNING not in organiser_messages(stranger.open(f"/publish/drafts/{mine}").text)


def test_a_published_event_is_edited_by_its_organisers_publishers_and_the_moderators(site, browser):
    member, stranger, moderator = browser(MEMBER), browser(STRANGER), browser(MODERATOR)
    number = new_draft(member, event("Journée régionale à Lens", FRANCE_MEDIATION))
    member.post(
        f"/publish/drafts/{number}/submit", event("Journée régionale à Lens", FRANCE_MEDIATION)
    )
    moderator.open(f"/publish/review/{number}")
    assert moderator.post(f"/publish/review/{number}/publish").status_code == 303
    iri = member.open(f"/publish/drafts/{number}").text
    iri = re.search(r"<code>(" + re.escape(BASE) + r"id/event/[^<]+)</code>", iri)[1]

    refused = stranger.open("/publish/edit", iri=iri, lang="en")
    assert refused.status_code == 403
    assert "when one of them is its organiser or publisher" in html.unescape(refused.text)
    assert "l'une d'elles en est l'organisatrice" in html.unescape(stranger.open("/publish/edit", iri=iri).text)  # fmt: skip
    for person in (member, moderator):
        answer = person.open("/publish/edit", iri=iri)
        assert answer.status_code == 303 and "/publish/drafts/" in answer.headers["Location"]
    # The seed's Liévin day came from the project's files, not the forms: no form edits it,
    # for its organiser's publisher as for anyone (404 before any question of organisation).
    for person in (member, stranger, moderator):
        assert person.open("/publish/edit", iri=LIEVIN).status_code == 404


def test_the_moderators_read_whom_each_author_acts_for(browser):
    member, moderator = browser(MEMBER), browser(MODERATOR)
    number = new_draft(member, event("Atelier de France Médiation", FRANCE_MEDIATION))
    member.post(
        f"/publish/drafts/{number}/submit", event("Atelier de France Médiation", FRANCE_MEDIATION)
    )
    queue = html.unescape(moderator.open("/publish/review").text)
    entry = re.search(rf'<li id="submission-{number}">(.*?)</li>', queue, re.S)[1]
    assert re.search(r'pour <a href="/id/actor/france-mediation">France Médiation</a>', entry)
    review = html.unescape(moderator.open(f"/publish/review/{number}?lang=en").text)
    assert re.search(r'<p id="acts-for">Acts for: <a [^>]*>France Médiation</a>', review)
