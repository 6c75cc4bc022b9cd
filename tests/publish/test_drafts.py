"""Drafts and moderation over HTTP: a publisher's draft saved, resumed, submitted, returned
with a comment, submitted again and published by a moderator; a draft that breaks the shapes
is not published; no public door shows a draft; another account can neither see nor act on
one; a form without its CSRF token is refused; a published resource edited through its form
and the review, and withdrawn with a reason (410); an edit begun before the last publication
of its resource refused, with the differences.

Against the real server (``mediation serve``) and accounts made with ``mediation users``.
"""

from __future__ import annotations

import html
import re

import pytest
import requests

ORGANISER = "https://w3id.org/mediation-sociale/id/actor/france-mediation"
VENUE = "https://w3id.org/mediation-sociale/id/place/arena-lievin"
BASE = "https://w3id.org/mediation-sociale/"

AUTHOR = "auteur@example.org"
OTHER = "autre@example.org"
MODERATOR = "moderatrice@example.org"


@pytest.fixture(scope="module")
def site(writable_server, tmp_path_factory, users, password):
    running = writable_server(
        tmp_path_factory.mktemp("drafts"), {"MEDIATION_SIGN_IN_LIMIT": "1000 per minute"}
    )
    # The author acts for the organiser of the events it drafts (and may edit them once published).
    for login, role, *more in (
        (AUTHOR, "publisher", "--organisation", ORGANISER),
        (OTHER, "publisher"),
        (MODERATOR, "moderator"),
    ):
        made = users(running.store_dir, "add", login, "--role", role, *more, password=password)
        assert made.returncode == 0, made.stderr
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser(site, signed_in):
    return lambda login: signed_in(site, login)


def event(name: str, **more: str) -> dict[str, str]:
    return {
        "name.0.fr": name,
        "startDate.0.date": "2027-03-04",
        "startDate.0.time": "09:00",
        "organizer.0": ORGANISER,
        **more,
    }


def new_draft(author, data: dict[str, str]) -> int:
    author.open("/publish/new/event")
    answer = author.post("/publish/drafts/new/event", data)
    assert answer.status_code == 303, answer.text
    found = re.fullmatch(r"/publish/drafts/(\d+)", answer.headers["Location"])
    assert found, answer.headers["Location"]
    return int(found[1])


def agent_of(person) -> str:
    page = person.open("/publish/account").text
    return re.search(r'<dd id="account-agent">([^<]+)</dd>', page)[1]


def ask(site, query: str) -> bool:
    answer = site.get("sparql", params={"query": query}, headers={"Accept": "application/json"})
    assert answer.status_code == 200, answer.text
    return answer.json()["boolean"]


def test_a_draft_goes_round_trip_to_its_page_and_the_history_names_both(site, browser):
    author, moderator = browser(AUTHOR), browser(MODERATOR)
    number = new_draft(author, event("Journée des médiateurs à Arras"))

    # Resumed: the form filled in again, as the author left it.
    page = author.open(f"/publish/drafts/{number}").text
    assert 'value="Journée des médiateurs à Arras"' in html.unescape(page)
    assert "brouillon" in page
    assert author.post(f"/publish/drafts/{number}/submit", event("Journée des médiateurs à Arras")).status_code == 303  # fmt: skip
    assert "proposé" in author.open("/publish/drafts").text

    # The moderator's queue, the report and the differences (a new resource: all of it).
    assert f'id="submission-{number}"' in moderator.open("/publish/review").text
    review = html.unescape(moderator.open(f"/publish/review/{number}").text)
    assert "Une nouvelle ressource" in review and "Journée des médiateurs à Arras" in review
    assert "Conforme aux formes" in review
    english = moderator.open(f"/publish/review/{number}?lang=en").text
    assert "What the shapes say" in english and "A new resource: all of it is added." in english

    # Returned with a comment, which the author reads on the draft.
    answer = moderator.post(f"/publish/review/{number}/return", {"comment": "Ajoutez le lieu."})
    assert answer.status_code == 303
    assert f'id="submission-{number}"' not in moderator.open("/publish/review").text
    page = html.unescape(author.open(f"/publish/drafts/{number}").text)
    assert "Ajoutez le lieu." in page and "renvoyé" in page
    fixed = event("Journée des médiateurs à Arras", **{"location.0": VENUE})
    assert author.post(f"/publish/drafts/{number}/submit", fixed).status_code == 303

    # Published by the moderator: one write, the page is there.
    answer = moderator.post(f"/publish/review/{number}/publish")
    assert answer.status_code == 303, answer.text
    path = answer.headers["Location"]
    assert path.startswith("/id/event/2027-03-04-journee-des-mediateurs-a-arras")
    iri = BASE + path.lstrip("/")
    shown = site.get(path.lstrip("/"))
    assert shown.status_code == 200 and "Journée des médiateurs à Arras" in shown.text
    assert ask(site, f"ASK {{ GRAPH <{BASE}graph/publish-event> {{ <{iri}> <https://schema.org/location> <{VENUE}> }} }}")  # fmt: skip
    assert "publié" in author.open("/publish/drafts").text
    english = author.open("/publish/drafts?lang=en").text
    assert "My drafts" in english and "<td>published</td>" in english
    assert f"<code>{iri}</code>" in html.unescape(author.open(f"/publish/drafts/{number}").text)
    # Published, the draft can no longer be changed through its form.
    assert author.post(f"/publish/drafts/{number}/submit", fixed).status_code == 409

    # The history: the moderator wrote it, what was added is the author's.
    names = {"author": agent_of(author), "moderator": agent_of(moderator)}
    assert names["author"] != names["moderator"]
    assert ask(
        site,
        "PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX foaf: <http://xmlns.com/foaf/0.1/> "
        f"ASK {{ GRAPH <{BASE}graph/history> {{ ?change prov:influenced <{iri}> ; "
        f'prov:wasAssociatedWith [ foaf:name "{names["moderator"]}" ] ; '
        f'prov:generated [ prov:wasAttributedTo [ foaf:name "{names["author"]}" ] ] }} }}',
    )


def test_a_draft_that_breaks_the_shapes_is_not_published(site, browser):
    author, moderator = browser(AUTHOR), browser(MODERATOR)
    wrong = event("Atelier à l'envers", **{"endDate.0.date": "2027-03-01", "location.0": VENUE})
    number = new_draft(author, wrong)
    assert author.post(f"/publish/drafts/{number}/submit", wrong).status_code == 303
    review = html.unescape(moderator.open(f"/publish/review/{number}").text)
    assert "bloquent la publication" in review
    answer = moderator.post(f"/publish/review/{number}/publish")
    assert answer.status_code == 422
    assert "Publication refusée" in html.unescape(answer.text)
    assert "Rien n'a été écrit" in html.unescape(answer.text)
    assert not ask(site, 'ASK { ?s ?p "Atelier à l\'envers"@fr }')
    # Still in the queue, to be returned.
    assert f'id="submission-{number}"' in moderator.open("/publish/review").text


def test_a_publisher_cannot_publish_and_a_moderator_may_publish_their_own_draft(site, browser):
    author, moderator = browser(AUTHOR), browser(MODERATOR)
    number = new_draft(author, event("Permanence du mardi", **{"location.0": VENUE}))
    author.open("/publish/drafts")
    assert author.post(f"/publish/review/{number}/publish").status_code == 403
    assert author.open("/publish/review").status_code == 403
    # Not submitted: not in the queue, and not the moderator's to publish.
    moderator.open("/publish/account")
    assert moderator.open(f"/publish/review/{number}").status_code == 404
    assert moderator.post(f"/publish/review/{number}/publish").status_code == 404

    own = new_draft(moderator, event("Réunion des modérateurs", **{"location.0": VENUE}))
    review = html.unescape(moderator.open(f"/publish/review/{own}").text)
    assert "votre propre brouillon" in review
    answer = moderator.post(f"/publish/review/{own}/publish")
    assert answer.status_code == 303
    assert site.get(answer.headers["Location"].lstrip("/")).status_code == 200


def test_another_account_can_neither_see_nor_act_on_a_draft(site, browser):
    author, other = browser(AUTHOR), browser(OTHER)
    number = new_draft(author, event("Brouillon de l'auteur seul"))
    assert other.open(f"/publish/drafts/{number}").status_code == 404
    other.open("/publish/account")  # a page with a form: a valid token of its own session
    for action in ("", "/submit", "/withdraw"):
        assert other.post(f"/publish/drafts/{number}{action}", event("Pris")).status_code == 404
    assert "Brouillon de l'auteur seul" not in html.unescape(other.open("/publish/drafts").text)
    # The author's draft is as it was.
    page = html.unescape(author.open(f"/publish/drafts/{number}").text)
    assert "Brouillon de l'auteur seul" in page and "Pris" not in page
    anonymous = requests.get(site.url + f"publish/drafts/{number}", allow_redirects=False)
    assert anonymous.status_code == 303 and "/publish/sign-in" in anonymous.headers["Location"]


def test_a_form_without_its_csrf_token_is_refused(site, browser):
    author, moderator = browser(AUTHOR), browser(MODERATOR)
    number = new_draft(author, event("Brouillon sans jeton"))
    author.open("/publish/drafts")
    assert author.post("/publish/drafts/new/event", event("x"), token=False).status_code == 400
    assert author.post(f"/publish/drafts/{number}/submit", event("x"), token=False).status_code == 400  # fmt: skip
    assert author.post(f"/publish/drafts/{number}", event("x"), token=False).status_code == 400
    assert author.post(f"/publish/drafts/{number}/submit", event("Brouillon sans jeton")).status_code == 303  # fmt: skip
    moderator.open(f"/publish/review/{number}")
    assert moderator.post(f"/publish/review/{number}/publish", token=False).status_code == 400
    assert moderator.post(f"/publish/review/{number}/return", {"comment": "x"}, token=False).status_code == 400  # fmt: skip
    assert f'id="submission-{number}"' in moderator.open("/publish/review").text


#: Every public door, read after the draft was saved (and a build made after it): none may
#: show the draft, each shows the event published beside it (a door that shows nothing would
#: prove nothing).
DOORS = [
    "events",
    "events.json",
    "search?q={word}",
    "search.json?q={word}",
    "sitemaps/event.xml",
    "feeds/events.atom",
    "calendar/events.ics",
    "changes?page=first",
    "dumps/all.ttl",
    "dumps/events.ttl",
]


def test_no_public_door_shows_a_draft(site, browser, wait_for_build, health):
    author, moderator = browser(AUTHOR), browser(MODERATOR)
    secret = event("Brouillon confidentiel zorglub", **{"location.0": VENUE})
    number = new_draft(author, secret)
    assert author.post(f"/publish/drafts/{number}/submit", secret).status_code == 303
    iri = re.search(r"<code>([^<]+)</code>", moderator.open(f"/publish/review/{number}").text)[1]
    assert iri.endswith("/id/event/2027-03-04-brouillon-confidentiel-zorglub"), iri
    path = iri[len(BASE) :]

    public = new_draft(moderator, event("Forum public quetzal", **{"location.0": VENUE}))
    moderator.open(f"/publish/review/{public}")
    published = moderator.post(f"/publish/review/{public}/publish").headers["Location"]
    wait_for_build(site, health(site)["generation"], path="dumps/all.ttl")

    assert site.get(path).status_code == 404
    assert site.get(path + ".ics").status_code == 404
    assert site.get(published.lstrip("/")).status_code == 200
    for door in DOORS:
        # A search page repeats the words searched: the draft's other words are looked for.
        shown = html.unescape(site.get(door.format(word="zorglub")).text)
        assert "confidentiel" not in shown and path not in shown, door
        control = html.unescape(site.get(door.format(word="quetzal")).text)
        assert "quetzal" in control or published.lstrip("/") in control, door
    assert not ask(site, f"ASK {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} }}")
    assert not ask(site, 'ASK { ?s ?p ?o FILTER(CONTAINS(STR(?o), "zorglub")) }')
    assert ask(site, 'ASK { ?s ?p ?o FILTER(CONTAINS(STR(?o), "quetzal")) }')
    catalog = site.get("catalog.ttl").text
    assert "zorglub" not in catalog


def test_a_withdrawn_publication_answers_410_with_its_reason(site, browser):
    author, moderator = browser(AUTHOR), browser(MODERATOR)
    data = event("Café des médiateurs annulé", **{"location.0": VENUE})
    number = new_draft(author, data)
    assert author.post(f"/publish/drafts/{number}/submit", data).status_code == 303
    moderator.open(f"/publish/review/{number}")
    path = moderator.post(f"/publish/review/{number}/publish").headers["Location"].lstrip("/")
    assert site.get(path).status_code == 200
    assert f'id="published-{number}"' in moderator.open("/publish/review").text

    # A publisher cannot withdraw; a moderator must say why.
    author.open("/publish/drafts")
    assert author.post(f"/publish/review/{number}/withdraw", {"reason": "x"}).status_code == 403
    moderator.open(f"/publish/review/{number}/withdraw")
    assert moderator.post(f"/publish/review/{number}/withdraw", {"reason": " "}).status_code == 400
    assert site.get(path).status_code == 200

    answer = moderator.post(f"/publish/review/{number}/withdraw", {"reason": "Annulé par l'organisateur."})  # fmt: skip
    assert answer.status_code == 303 and answer.headers["Location"] == "/" + path
    gone = site.get(path, headers={"Accept": "text/html"})
    assert gone.status_code == 410
    assert "Annulé par l'organisateur." in html.unescape(gone.text)
    turtle = site.get(path, headers={"Accept": "text/turtle"})
    assert turtle.status_code == 410 and "Annulé par l'organisateur." in turtle.text
    assert "retiré" in author.open("/publish/drafts").text
    assert not ask(site, f"ASK {{ <{BASE}{path}> ?p ?o }}")


def test_a_published_resource_is_edited_through_its_form_and_the_review(site, browser):
    author, moderator = browser(AUTHOR), browser(MODERATOR)
    data = event("Atelier numérique du jeudi", **{"location.0": VENUE})
    number = new_draft(author, data)
    assert author.post(f"/publish/drafts/{number}/submit", data).status_code == 303
    moderator.open(f"/publish/review/{number}")
    path = moderator.post(f"/publish/review/{number}/publish").headers["Location"].lstrip("/")
    iri = BASE + path

    # The form filled in from the store, as a new draft of the author's.
    answer = author.session.get(
        site.url + "publish/edit", params={"iri": iri}, allow_redirects=False, timeout=60
    )
    assert answer.status_code == 303
    edit = int(answer.headers["Location"].rsplit("/", 1)[-1])
    page = html.unescape(author.open(f"/publish/drafts/{edit}").text)
    assert 'value="Atelier numérique du jeudi"' in page and 'value="2027-03-04"' in page
    assert 'value="09:00"' in page and VENUE in page
    changed = dict(data, **{"name.0.fr": "Atelier numérique du vendredi"})
    assert author.post(f"/publish/drafts/{edit}/submit", changed).status_code == 303

    # Online, the resource is unchanged until the edit is published.
    assert "Atelier numérique du jeudi" in site.get(path).text
    review = html.unescape(moderator.open(f"/publish/review/{edit}").text)
    assert "Une nouvelle ressource" not in review
    removed = re.search(r'<pre class="turtle diff-removed"[^>]*>(.*?)</pre>', review, re.S)[1]
    added = re.search(r'<pre class="turtle diff-added"[^>]*>(.*?)</pre>', review, re.S)[1]
    assert "jeudi" in removed and "vendredi" in added and "vendredi" not in removed
    assert "startDate" not in added  # what did not change is neither removed nor added

    answer = moderator.post(f"/publish/review/{edit}/publish")
    assert answer.status_code == 303 and answer.headers["Location"] == "/" + path  # same IRI
    shown = site.get(path).text
    assert "Atelier numérique du vendredi" in shown and "Atelier numérique du jeudi" not in shown
    assert author.session.get(site.url + "publish/edit", params={"iri": BASE + "id/event/nothing"}, timeout=60).status_code == 404  # fmt: skip


def test_what_a_draft_holds_stays_text_on_the_moderation_screens(site, browser):
    author, moderator = browser(AUTHOR), browser(MODERATOR)
    hostile = event('<script>alert("x")</script>')
    number = new_draft(author, hostile)
    assert author.post(f"/publish/drafts/{number}/submit", hostile).status_code == 303
    assert "<script>alert" not in author.open("/publish/drafts").text
    review = moderator.open(f"/publish/review/{number}").text
    assert "<script>alert" not in review and "&lt;script&gt;alert" in review
    moderator.post(f"/publish/review/{number}/return", {"comment": "<img src=x onerror=alert(1)>"})
    page = author.open(f"/publish/drafts/{number}").text
    assert "<img src=x" not in page and "&lt;img src=x" in page


def edit_of(author, iri: str) -> int:
    """A new draft of ``author`` editing the published ``iri`` (its form filled in from the store)."""
    answer = author.session.get(
        author.server.url + "publish/edit", params={"iri": iri}, allow_redirects=False, timeout=60
    )
    assert answer.status_code == 303, answer.text
    return int(answer.headers["Location"].rsplit("/", 1)[-1])


def test_a_draft_older_than_what_is_published_is_refused_with_the_differences(site, browser):
    author, moderator = browser(AUTHOR), browser(MODERATOR)
    data = event("Permanence d'accès aux droits", **{"location.0": VENUE})
    number = new_draft(author, data)
    assert author.post(f"/publish/drafts/{number}/submit", data).status_code == 303
    moderator.open(f"/publish/review/{number}")
    path = moderator.post(f"/publish/review/{number}/publish").headers["Location"].lstrip("/")
    iri = BASE + path

    # Two edits begun from the same published version; the first one is published.
    monday, tuesday = edit_of(author, iri), edit_of(author, iri)
    for draft, day in ((monday, "lundi"), (tuesday, "mardi")):
        author.open(f"/publish/drafts/{draft}")
        changed = dict(data, **{"name.0.fr": f"Permanence d'accès aux droits du {day}"})
        assert author.post(f"/publish/drafts/{draft}/submit", changed).status_code == 303
    moderator.open(f"/publish/review/{monday}")
    assert moderator.post(f"/publish/review/{monday}/publish").status_code == 303

    # The second, reviewed: the moderator is told before deciding, then refused, in French…
    page = html.unescape(moderator.open(f"/publish/review/{tuesday}").text)
    assert "La ressource a changé depuis ce brouillon" in page and 'id="outdated"' in page
    answer = moderator.post(f"/publish/review/{tuesday}/publish")
    assert answer.status_code == 409
    refused = html.unescape(answer.text)
    assert "Publication refusée : la ressource a changé depuis ce brouillon" in refused
    assert "Rien n'a été écrit." in refused and agent_of(moderator) in refused
    # …with the differences: publishing it would take back what the first one wrote.
    removed = re.search(r'<pre class="turtle diff-removed"[^>]*>(.*?)</pre>', refused, re.S)[1]
    added = re.search(r'<pre class="turtle diff-added"[^>]*>(.*?)</pre>', refused, re.S)[1]
    assert "du lundi" in removed and "du mardi" in added
    # …and in English.
    moderator.open(f"/publish/review/{tuesday}", lang="en")
    english = html.unescape(moderator.post(f"/publish/review/{tuesday}/publish?lang=en").text)
    assert "Publishing refused: the resource changed since this draft" in english
    assert "Nothing was written." in english

    # Nothing was written: the first edit stands, and the second waits to be returned.
    shown = site.get(path).text
    assert "du lundi" in html.unescape(shown) and "du mardi" not in html.unescape(shown)
    queue = html.unescape(moderator.open("/publish/review").text)
    assert f"/publish/review/{tuesday}" in queue
    # A draft begun after the publication is not refused.
    again = edit_of(author, iri)
    author.open(f"/publish/drafts/{again}")
    changed = dict(data, **{"name.0.fr": "Permanence d'accès aux droits du mardi"})
    assert author.post(f"/publish/drafts/{again}/submit", changed).status_code == 303
    moderator.open(f"/publish/review/{again}")
    assert 'id="outdated"' not in moderator.open(f"/publish/review/{again}").text
    assert moderator.post(f"/publish/review/{again}/publish").status_code == 303
    assert "du mardi" in html.unescape(site.get(path).text)
