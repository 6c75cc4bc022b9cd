"""``/publish``: signing in and out, one's account page and its tokens, the CSRF token every
form carries, and the write doors that take an account's token beside the operator's.

Against the real server (``mediation serve``), the accounts made with ``mediation users`` on
its store while it serves, as an operator does.
"""

from __future__ import annotations

import re
import stat

import pytest
from flask import Flask, session

from service.namespaces import GRAPH, ID
from service.web.people import SessionCookies

ORGANISATION = str(ID["actor/france-mediation"])
HISTORY = str(GRAPH["history"])


@pytest.fixture(scope="module")
def site(writable_server, tmp_path_factory):
    """A server that takes alice's and bob's operator tokens; sign-ins are not limited here
    (``test_sign_in_limit.py`` has its own server)."""
    running = writable_server(
        tmp_path_factory.mktemp("publish"), {"MEDIATION_SIGN_IN_LIMIT": "1000 per minute"}
    )
    yield running
    running.stop()


@pytest.fixture(scope="module")
def account(site, users, password):
    """Make an account on the site's store: ``account(login, role, *organisations)``."""

    def account(login: str, role: str = "publisher", *organisations: str) -> str:
        made = users(site.store_dir, "add", login, "--role", role, "--name", login.title(),
                     password=password)  # fmt: skip
        assert made.returncode == 0, made.stderr
        for iri in organisations:
            linked = users(site.store_dir, "organisations", login, "--add", iri)
            assert linked.returncode == 0, linked.stderr
        return login

    return account


def update_with(site, token: str, label: str):
    text = (
        f"INSERT DATA {{ GRAPH <{GRAPH['essais-comptes']}> {{ <{ID['event/' + label]}> a "
        f'<https://schema.org/Event> ; <https://schema.org/name> "{label}"@fr ; '
        f'<https://schema.org/startDate> "2024-05-02"^^<http://www.w3.org/2001/XMLSchema#date> ; '
        f"<https://schema.org/location> <{ID['place/arena-lievin']}> }} }}"
    )
    return site.post(
        "sparql/update",
        data=text.encode("utf-8"),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/sparql-update"},
    )


def alert_of(html: str) -> str:
    found = re.search(r'<div class="notice notice-error" role="alert" id="sign-in-error">(.*?)</div>', html, re.S)  # fmt: skip
    return found.group(1).strip() if found else ""


def test_the_right_password_opens_the_account_page(site, account, sign_in):
    login = account("juliette@example.org", "publisher", ORGANISATION)
    browser, answer = sign_in(site, "Juliette@Example.org")
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/publish/account"
    page = browser.get(site.url + "publish/account")
    assert page.status_code == 200
    assert login in page.text and "contributeur" in page.text
    assert "France Médiation" in page.text  # the organisation's name, from the data
    assert page.headers["Cache-Control"] == "no-store"
    assert "Cookie" in page.headers["Vary"]
    english = browser.get(site.url + "publish/account?lang=en")
    assert "My account" in english.text and "publisher" in english.text


def test_the_session_cookie_is_http_only_and_same_site_lax(site, account, sign_in):
    account("karim")
    _, answer = sign_in(site, "karim")
    cookie = next(c for c in answer.headers["Set-Cookie"].split(", ") if "mediation_session" in c)
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "samesite"} <= attributes
    assert "SameSite=Lax" in cookie
    assert "secure" not in attributes  # the request came over http


def test_the_cookie_is_secure_when_the_request_came_over_https():
    app = Flask("cookies")
    app.secret_key = "essai"
    app.session_interface = SessionCookies()

    @app.get("/")
    def mark():
        session["seen"] = True
        return "ok"

    secure = app.test_client().get("/", base_url="https://example.org").headers["Set-Cookie"]
    plain = app.test_client().get("/", base_url="http://example.org").headers["Set-Cookie"]
    assert "Secure" in secure and "Secure" not in plain


def test_a_wrong_password_says_nothing_of_whether_the_account_exists(site, account, sign_in):
    account("louise")
    browser, wrong = sign_in(site, "louise", "pas le bon mot de passe")
    _, unknown = sign_in(site, "personne-ici", "pas le bon mot de passe")
    assert wrong.status_code == unknown.status_code == 200
    assert alert_of(wrong.text) == alert_of(unknown.text) != ""
    assert "Identifiant ou mot de passe incorrect" in alert_of(wrong.text)
    # No session was opened.
    refused = browser.get(site.url + "publish/account", allow_redirects=False)
    assert refused.status_code == 303
    assert refused.headers["Location"].startswith("/publish/sign-in?next=")


@pytest.mark.parametrize("path", ["publish/sign-in", "publish/account/tokens", "publish/sign-out"])
def test_a_form_without_its_csrf_token_is_refused_with_a_clear_message(
    site, account, sign_in, path
):
    account(f"marc-{path.rsplit('/', 1)[-1]}")
    browser, _ = sign_in(site, f"marc-{path.rsplit('/', 1)[-1]}")
    answer = browser.post(
        site.url + path,
        data={"login": "x", "password": "y", "name": "sans-jeton"},
        headers={"Accept": "text/plain"},
        allow_redirects=False,
    )
    assert answer.status_code == 400
    assert "jeton de sécurité (CSRF) manque" in answer.text
    assert "security (CSRF) token is missing" in answer.text
    # Nothing was done: still signed in, no token made.
    page = browser.get(site.url + "publish/account")
    assert page.status_code == 200 and "sans-jeton" not in page.text


def test_a_token_made_on_the_page_writes_in_the_accounts_name_until_revoked(
    site, account, sign_in, csrf_of, select
):
    account("nadia", "moderator")
    browser, _ = sign_in(site, "nadia")
    page = browser.get(site.url + "publish/account")
    made = browser.post(
        site.url + "publish/account/tokens",
        data={"csrf_token": csrf_of(page.text), "name": "agenda"},
    )
    assert made.status_code == 200
    token = re.search(r"<code>(mediation_[^<]+)</code>", made.text).group(1)
    # Shown once: the account page does not show it again.
    assert token not in browser.get(site.url + "publish/account").text

    assert update_with(site, token, "atelier-nadia").status_code in (200, 204)
    agent = re.search(r'<dd id="account-agent">(compte-\d+)</dd>', page.text).group(1)
    rows = select(
        site,
        "PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX foaf: <http://xmlns.com/foaf/0.1/> "
        f"SELECT ?name WHERE {{ GRAPH <{HISTORY}> {{ ?change prov:wasAssociatedWith ?agent . "
        f"?agent foaf:name ?name }} }}",
    )
    names = {row["name"] for row in rows}
    assert agent in names
    assert not any("nadia" in name for name in names)  # never the login

    listed = browser.get(site.url + "publish/account").text
    token_id = re.search(r'action="/publish/account/tokens/(\d+)/revoke"', listed).group(1)
    revoked = browser.post(
        site.url + f"publish/account/tokens/{token_id}/revoke",
        data={"csrf_token": csrf_of(listed)},
        allow_redirects=False,
    )
    assert revoked.status_code == 303
    refused = update_with(site, token, "atelier-nadia-2")
    assert refused.status_code == 403
    assert "Jeton d'écriture refusé" in refused.text


def test_a_disabled_account_cannot_sign_in_and_its_token_and_session_stop_at_once(
    site, account, sign_in, users
):
    account("oscar", "administrator")
    token = users(site.store_dir, "token", "new", "oscar", "script").stdout.strip()
    browser, _ = sign_in(site, "oscar")
    assert update_with(site, token, "atelier-oscar").status_code in (200, 204)

    assert users(site.store_dir, "disable", "oscar").returncode == 0
    assert update_with(site, token, "atelier-oscar-2").status_code == 403
    gone = browser.get(site.url + "publish/account", allow_redirects=False)
    assert gone.status_code == 303  # the session no longer names anyone
    _, again = sign_in(site, "oscar")
    assert again.status_code == 200 and "incorrect" in alert_of(again.text)

    assert users(site.store_dir, "enable", "oscar").returncode == 0
    assert update_with(site, token, "atelier-oscar-3").status_code in (200, 204)


def test_a_password_reset_ends_the_sessions_opened_before(site, account, sign_in, users):
    account("pauline")
    browser, _ = sign_in(site, "pauline")
    assert browser.get(site.url + "publish/account").status_code == 200
    assert (
        users(site.store_dir, "reset", "pauline", password="un tout autre mot de passe").returncode
        == 0
    )
    assert browser.get(site.url + "publish/account", allow_redirects=False).status_code == 303
    _, answer = sign_in(site, "pauline", "un tout autre mot de passe")
    assert answer.status_code == 303


def test_a_publishers_token_does_not_open_the_raw_write_doors(site, account, users):
    account("quentin", "publisher")
    token = users(site.store_dir, "token", "new", "quentin", "script").stdout.strip()
    refused = update_with(site, token, "atelier-quentin")
    assert refused.status_code == 403
    assert "contributeur" in refused.text and "publisher" in refused.text


def test_the_operators_token_still_writes(site, insert_event, auth):
    answer = insert_event(site, str(ID["event/atelier-operateur"]), "Atelier de l'opérateur")
    assert answer.status_code in (200, 204)


def test_sign_out_ends_the_session(site, account, sign_in, csrf_of):
    account("romane")
    browser, _ = sign_in(site, "romane")
    page = browser.get(site.url + "publish/account")
    out = browser.post(
        site.url + "publish/sign-out",
        data={"csrf_token": csrf_of(page.text)},
        allow_redirects=False,
    )
    assert out.status_code == 303
    assert browser.get(site.url + "publish/account", allow_redirects=False).status_code == 303


def test_after_signing_in_a_person_goes_back_to_this_host_only(site, account, csrf_of, password):
    import requests

    account("simon")
    for target, expected in [
        ("/publish/account?lang=en", "/publish/account?lang=en"),
        ("https://example.org/publish", "/publish/account"),
        ("//example.org/publish", "/publish/account"),
    ]:
        browser = requests.Session()
        page = browser.get(site.url + "publish/sign-in", params={"next": target})
        answer = browser.post(
            page.url,
            data={"csrf_token": csrf_of(page.text), "login": "simon", "password": password},
            allow_redirects=False,
        )
        assert answer.headers["Location"] == expected


def test_the_secret_key_is_kept_beside_the_store_for_its_owner_only(site):
    key = site.store_dir / "secret_key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert len(key.read_text().strip()) == 64


def test_a_person_changes_their_password_with_the_current_one(
    site, account, sign_in, csrf_of, password
):
    account("thomas")
    browser, _ = sign_in(site, "thomas")
    other, _ = sign_in(site, "thomas")  # another browser, signed in before the change
    page = browser.get(site.url + "publish/account")
    new = "une phrase toute neuve"
    wrong = browser.post(
        site.url + "publish/account/password",
        data={"csrf_token": csrf_of(page.text), "current": "pas le bon", "new": new, "again": new},
    )
    assert wrong.status_code == 400
    assert "pas votre mot de passe actuel" in wrong.text
    differ = browser.post(
        site.url + "publish/account/password",
        data={"csrf_token": csrf_of(page.text), "current": password, "new": new, "again": "x" * 14},
    )
    assert differ.status_code == 400 and "diffèrent" in differ.text
    changed = browser.post(
        site.url + "publish/account/password",
        data={"csrf_token": csrf_of(page.text), "current": password, "new": new, "again": new},
    )
    assert changed.status_code == 200 and 'id="password-changed"' in changed.text
    # This session goes on; the other one ends; the new password opens the account.
    assert browser.get(site.url + "publish/account", allow_redirects=False).status_code == 200
    assert other.get(site.url + "publish/account", allow_redirects=False).status_code == 303
    assert sign_in(site, "thomas", new)[1].status_code == 303
    assert sign_in(site, "thomas", password)[1].status_code == 200


@pytest.mark.parametrize(
    "role,status", [("publisher", 403), ("moderator", 403), ("administrator", 200)]
)
def test_the_list_of_accounts_is_for_administrators(site, account, sign_in, role, status):
    login = account(f"ursule-{role}", role, ORGANISATION)
    browser, _ = sign_in(site, login)
    answer = browser.get(site.url + "publish/accounts", headers={"Accept": "text/html"})
    assert answer.status_code == status
    if status == 200:
        assert login in answer.text and "France Médiation" in answer.text
    else:
        assert "administrateur" in answer.text and "administrator" in answer.text
    nobody = site.get("publish/accounts", allow_redirects=False)
    assert nobody.status_code == 303
    assert nobody.headers["Location"] == "/publish/sign-in?next=%2Fpublish%2Faccounts"


def test_an_account_token_opens_the_graph_store_too(site, account, users):
    account("valerie", "moderator")
    token = users(site.store_dir, "token", "new", "valerie", "graphes").stdout.strip()
    event = ID["event/atelier-valerie"]
    body = (
        f'<{event}> a <https://schema.org/Event> ; <https://schema.org/name> "Atelier"@fr ; '
        f'<https://schema.org/startDate> "2024-05-02"^^<http://www.w3.org/2001/XMLSchema#date> ; '
        f"<https://schema.org/location> <{ID['place/arena-lievin']}> ."
    )
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/turtle"}
    put = site.request("PUT", "graphs/essais-valerie", data=body.encode(), headers=headers)
    assert put.status_code in (200, 201, 204), put.text
    assert users(site.store_dir, "token", "revoke", "valerie", "graphes").returncode == 0
    again = site.request("PUT", "graphs/essais-valerie", data=body.encode(), headers=headers)
    assert again.status_code == 403


@pytest.mark.parametrize("path", ["", "events", "id/actor/france-mediation", "sparql"])
def test_public_pages_neither_set_nor_vary_on_a_cookie(site, account, sign_in, path):
    """The session is the publishing pages' business: a public page is the same for everyone,
    signed in or not, and caches in front of it keep one copy."""
    account(f"wanda-{path.replace('/', '-') or 'home'}")
    browser, _ = sign_in(site, f"wanda-{path.replace('/', '-') or 'home'}")
    for client in (browser, None):
        answer = browser.get(site.url + path) if client else site.get(path)
        assert answer.status_code == 200
        assert "Cookie" not in answer.headers.get("Vary", "")
        assert "Set-Cookie" not in answer.headers
