"""The forms over HTTP, without JavaScript: a page per kind, a save that re-renders the form
with the shapes' messages on the fields in the page's language, the check endpoint's JSON,
the search of existing resources, and the CSRF token."""

from __future__ import annotations

import html
import re

import html5lib
import pytest
import requests

from service.forms import KINDS

ORGANISER = "https://w3id.org/mediation-sociale/id/actor/france-mediation"
VENUE = "https://w3id.org/mediation-sociale/id/place/arena-lievin"


LOGIN = "formulaires@example.org"


def messages(page: str, name: str) -> list[str]:
    """The texts beside the value ``name`` of a form page."""
    found = re.search(rf'data-messages="{re.escape(name)}">(.*?)</ul>', page, re.S)
    assert found, f"no messages list for {name}"
    return [html.unescape(m) for m in re.findall(r"<li[^>]*>(.*?)</li>", found.group(1), re.S)]


@pytest.fixture(scope="module")
def publisher(server, users, password):
    """A publisher's account on the shared server's store."""
    made = users(server.store_dir, "add", LOGIN, "--role", "publisher", password=password)
    assert made.returncode == 0, made.stderr
    return LOGIN


@pytest.fixture
def visitor(server, publisher, signed_in):
    return signed_in(server, publisher)


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/publish/new/event"),
        ("GET", "/publish/lookup?q=france"),
    ],
)
def test_the_forms_are_for_a_signed_in_publisher(server, method, path):
    answer = requests.request(method, server.url + path.lstrip("/"), allow_redirects=False)
    assert answer.status_code == 303
    assert "/publish/sign-in" in answer.headers["Location"]


def test_a_form_posted_without_a_session_changes_nothing_and_asks_to_sign_in(server, csrf_of):
    anonymous = requests.Session()
    token = csrf_of(anonymous.get(server.url + "publish/sign-in", timeout=60).text)
    answer = anonymous.post(
        server.url + "publish/check/event",
        data={"csrf_token": token, "name.0.fr": "x"},
        allow_redirects=False,
        timeout=60,
    )
    assert answer.status_code == 303
    assert "/publish/sign-in" in answer.headers["Location"]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_has_its_form_page(visitor, kind):
    response = visitor.open(f"/publish/new/{kind}")
    assert response.status_code == 200
    assert visitor.token
    page = response.text
    # Every input has its label, and its help and messages are tied to it.
    ids = re.findall(r'<(?:input|select|textarea) id="([^"]+)"', page)
    assert ids
    for input_id in ids:
        assert f'for="{input_id}"' in page, input_id
    assert 'aria-describedby="f-name-0-help f-name-0-msg"' in page or kind == "article"


def test_the_form_is_in_english_on_asking(visitor):
    page = visitor.open("/publish/new/event?lang=en").text
    assert "<legend>Dates</legend>" in page and ">Start — day</label>" in page
    assert "Europe/Paris" in page
    assert ">Scheduled</option>" in page
    assert ">Programmé</option>" in visitor.open("/publish/new/event").text


def test_a_missing_name_and_a_bad_date_are_said_on_their_fields(visitor):
    for lang, query, name_words, date_words in (
        ("fr", "", "doit avoir un nom", "date de début"),
        ("en", "?lang=en", "must have a name", "start date"),
    ):
        visitor.open(f"/publish/new/event{query}")
        response = visitor.post(
            f"/publish/new/event{query}",
            {"startDate.0.date": "2026-02-30", "startDate.0.time": "", "name.0.fr": ""},
        )
        assert response.status_code == 200
        page = response.text
        assert any(name_words in m for m in messages(page, "name.0")), lang
        assert any(date_words in m for m in messages(page, "startDate.0")), lang
        assert 'aria-invalid="true"' in page
        assert "Fix these" in page if lang == "en" else "À corriger" in page
        # The form comes back as it was sent.
        assert 'name="startDate.0.date" type="date" value="2026-02-30"' in page


def test_the_check_endpoint_answers_the_same_messages_as_json(visitor):
    visitor.open("/publish/new/event")
    data = {
        "startDate.0.date": "2026-05-04",
        "endDate.0.date": "2026-05-01",
        "name.0.fr": "Journée",
    }
    answer = visitor.post("/publish/check/event?lang=en", data).json()
    assert answer["conforms"] is False
    assert any("ends" in m["message"] for m in answer["fields"]["endDate.0"])
    french = visitor.post("/publish/check/event", data).json()
    assert any("finit" in m["message"] for m in french["fields"]["endDate.0"])


def test_warnings_do_not_block(visitor):
    visitor.open("/publish/new/event")
    data = {
        "name.0.fr": "Journée de la médiation à Liévin",
        "startDate.0.date": "2026-05-04",
        "startDate.0.time": "09:00",
        "organizer.0": ORGANISER,
        "location.0": VENUE,
    }
    page = visitor.post("/publish/new/event", data).text
    assert "Prêt à publier" in page
    # Still advised: a description and an English name.
    assert any("Décrivez" in m for m in messages(page, "description.0"))
    assert '<pre class="turtle"' in page and "schema:organizer" in html.unescape(page)
    answer = visitor.post("/publish/check/event", data).json()
    assert answer["conforms"] is True and answer["warnings"] >= 1


def test_a_search_typed_without_javascript_offers_the_matches(visitor):
    visitor.open("/publish/new/event")
    page = visitor.post("/publish/new/event", {"organizer.0.q": "france medi"}).text
    assert re.search(r'<select id="f-organizer-0-value" name="organizer.0">', page)
    assert f'<option value="{ORGANISER}"' in page
    assert any("France" in m or "france" in m for m in messages(page, "organizer.0"))


def test_lookup_folds_accents_and_case_and_keeps_to_the_classes(visitor):
    found = visitor.get(
        "/publish/lookup",
        params={"q": "FRANCE MÉDI", "class": "https://schema.org/Organization"},
    ).json()
    assert ORGANISER in [m["iri"] for m in found]
    events = visitor.get(
        "/publish/lookup", params={"q": "france medi", "class": "https://schema.org/Event"}
    ).json()
    assert ORGANISER not in [m["iri"] for m in events]


def test_add_another_without_javascript(visitor):
    visitor.open("/publish/new/event")
    page = visitor.post("/publish/new/event", {"add": "subEvent"}).text
    assert 'id="f-subEvent-1"' in page
    assert "Prêt à publier" not in page and "À corriger" not in page


def test_a_form_without_its_csrf_token_is_refused(visitor):
    visitor.open("/publish/new/event")
    assert visitor.post("/publish/new/event", {"name.0.fr": "x"}, token=False).status_code == 400
    assert visitor.post("/publish/check/event", {"name.0.fr": "x"}, token=False).status_code == 400


def test_an_unknown_kind_is_not_found(visitor):
    assert visitor.get("/publish/new/spaceship").status_code == 404


def test_a_form_larger_than_uploads_may_be_is_refused(visitor):
    visitor.open("/publish/new/event")
    huge = {"description.0.fr": "x" * 20_000_001}  # max_upload_bytes by default: 20 MB
    assert visitor.post("/publish/check/event", huge).status_code == 413


def test_a_role_with_its_kind_conforms_and_writes_the_link_it_implies(visitor):
    visitor.open("/publish/new/event")
    data = {
        "name.0.fr": "Journée des partenaires",
        "startDate.0.date": "2026-06-10",
        "hasRole.0.agent.0": ORGANISER,
        "hasRole.0.roleType.0": "https://w3id.org/mediation-sociale/id/role/organisateur",
        "hasRole.0.roleName.0.fr": "Organisateur",
    }
    answer = visitor.post("/publish/check/event", data).json()
    assert answer["conforms"] is True, answer
    page = html.unescape(visitor.post("/publish/new/event", data).text)
    assert "#hasrole-1" in page and "schema:organizer" in page


def test_hostile_text_in_a_form_stays_text_and_what_xml_cannot_carry_is_dropped(visitor):
    """The publishing form is a write door too: markup stays text in the page that shows the
    draft back, and a control character pasted with a name (which every write would refuse)
    is dropped where it was typed."""
    visitor.open("/publish/new/event")
    name = 'Journée\x01 </script><script>alert(1)</script> ]]> "citée"\x0b'
    data = {
        "name.0.fr": name,
        "startDate.0.date": "2026-05-04",
        "organizer.0": ORGANISER,
        "location.0": VENUE,
    }
    page = visitor.post("/publish/new/event", data).text
    assert "\x01" not in page and "\x0b" not in page
    document = html5lib.parse(page, namespaceHTMLElements=False)
    assert [s.get("src") for s in document.iter("script")] == ["/static/forms/publish.js"]
    assert 'Journée </script><script>alert(1)</script> ]]> \\"citée\\"' in "".join(
        document.find(".//pre").itertext()
    )
    assert visitor.post("/publish/check/event", data).json()["conforms"] is True
