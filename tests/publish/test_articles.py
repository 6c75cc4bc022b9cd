"""An article into the moderation: a moderator pastes or uploads an article at
``/publish/articles``; it becomes a draft in the queue whose facts are shown with their
evidence (the sentence, the passage highlighted) and a confidence; nothing is published
until each fact is accepted, corrected or dropped, and then only what was kept.

Against the real server (``mediation serve``) and accounts made with ``mediation users``.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

BASE = "https://w3id.org/mediation-sociale/"
ARTICLES = Path(__file__).resolve().parents[1] / "ingest" / "articles"
MODERATOR = "moderatrice@example.org"
PUBLISHER = "editeur@example.org"
SEED = "seed/000_6c48d4cfc32f2d43.txt"


@pytest.fixture(scope="module")
def site(writable_server, tmp_path_factory, users, password):
    running = writable_server(
        tmp_path_factory.mktemp("articles"), {"MEDIATION_SIGN_IN_LIMIT": "1000 per minute"}
    )
    for login, role in ((MODERATOR, "moderator"), (PUBLISHER, "publisher")):
        made = users(running.store_dir, "add", login, "--role", role, password=password)
        assert made.returncode == 0, made.stderr
    yield running
    running.stop()


@pytest.fixture(scope="module")
def moderator(site, signed_in):
    return signed_in(site, MODERATOR)


@pytest.fixture(scope="module")
def seed_story(shared) -> str:
    """The seed's paragraph that states its event, and the next one, as plain text: no
    address, no publication date."""
    text = (shared / SEED).read_text(encoding="utf-8")
    first = next(p for p in text.split("\n\n") if "s'est tenue" in p)
    after = next(p for p in text.split("\n\n") if p.startswith("Cette journée a réuni"))
    return f"Journée régionale à Liévin\n\n{first}\n\n{after}\n"


def paste(person, text: str, **more: str):
    person.open("/publish/articles")
    return person.post("/publish/articles", {"text": text, **more})


def number_of(answer) -> int:
    assert answer.status_code == 303, answer.text
    found = re.fullmatch(r"/publish/articles/(\d+)", answer.headers["Location"])
    assert found, answer.headers["Location"]
    return int(found[1])


def facts(page: str) -> dict[str, str]:
    """Each fact's block: its id → the block's HTML."""
    return dict(re.findall(r'<li id="fact-(f\d+)" class="fact[^"]*">(.*?)</li>', page, re.S))


def ask(site, query: str) -> bool:
    answer = site.get("sparql", params={"query": query}, headers={"Accept": "application/json"})
    assert answer.status_code == 200, answer.text
    return answer.json()["boolean"]


def test_a_pasted_article_is_reviewed_fact_by_fact_then_only_what_was_kept_is_published(
    site, moderator, seed_story
):
    number = number_of(paste(moderator, seed_story, name="lievin.txt"))
    queue = moderator.open("/publish/review").text
    assert f'href="/publish/articles/{number}"' in queue  # in the moderators' queue
    assert moderator.open(f"/publish/review/{number}").status_code == 404  # not a form's draft

    page = moderator.open(f"/publish/articles/{number}").text
    rows = facts(page)
    # Each fact read from a sentence shows that sentence, the passage highlighted, and how sure.
    start = next(row for row in rows.values() if "schema:startDate" in row)
    assert "<mark>Le 4 décembre 2019 à Liévin, s&#39;est tenue" in start
    assert re.search(r'<span class="confidence">confiance \d+ %</span>', start)
    # What the text does not say is a fact to complete, not a refusal.
    missing = {
        key: row for key, row in rows.items() if "à compléter" in row or "to complete" in row
    }
    assert {"schema:url", "schema:datePublished"} <= {
        re.search(r"<code>([^<]+)</code>", row)[1] for row in missing.values()
    }
    assert "La date de publication (schema:datePublished) n&#39;est pas dans la source" in page
    article = re.search(
        r"<code>(https://w3id.org/mediation-sociale/id/article/[^<]+)</code>", page
    )[1]
    assert not ask(site, f"ASK {{ <{article}> ?p ?o }}")  # a draft is in no public door

    # Publishing with facts undecided is refused, and nothing is written.
    answer = moderator.post(f"/publish/articles/{number}", {"action": "publish"})
    assert answer.status_code == 400 and "sans décision" in html.unescape(answer.text)
    assert not ask(site, f"ASK {{ <{article}> ?p ?o }}")

    # The article's own facts accepted, the address and date completed, the lead and every
    # fact of other resources dropped.
    decisions: dict[str, str] = {}
    own = _article_rows(page)
    assert len(own) >= 5  # type, headline, language, the two to complete…
    for key, row in rows.items():
        subject = re.search(r"<code>([^<]+)</code>", row)[1]
        owner = key in own
        decisions[f"decision-{key}"] = "accept" if owner else "drop"
        if key in missing:
            decisions[f"decision-{key}"] = "correct"
            decisions[f"correction-{key}"] = (
                "https://irev.fr/actualites-0/journee-lievin"
                if "schema:url" in subject
                else "2019-12-13"
            )
        if "schema:abstract" in row:
            decisions[f"decision-{key}"] = "drop"
    moderator.open(f"/publish/articles/{number}")
    answer = moderator.post(f"/publish/articles/{number}", {**decisions, "action": "publish"})
    assert answer.status_code == 303, html.unescape(answer.text)[-3000:]
    assert answer.headers["Location"] == "/" + article[len(BASE) :]
    graph = f"<{BASE}graph/publish-ingested>"
    assert ask(
        site,
        f"ASK {{ GRAPH {graph} {{ <{article}> <https://schema.org/datePublished> ?d ; "
        f"<https://schema.org/url> <https://irev.fr/actualites-0/journee-lievin> }} }}",
    )
    assert ask(
        site, f'ASK {{ <{article}> <https://schema.org/headline> "Journée régionale à Liévin"@fr }}'
    )
    assert not ask(site, f"ASK {{ <{article}> <https://schema.org/abstract> ?lead }}")
    assert "/publish/articles/" not in moderator.open("/publish/review").text.split("Publiés")[0]


def _article_rows(page: str) -> set[str]:
    """The ids of the facts of the article itself (its section comes first on the page)."""
    sections = re.split(r'<section class="ingested-resource"', page)
    own = next(s for s in sections[1:] if "<h2><code>article:" in s)
    return set(re.findall(r'<li id="fact-(f\d+)"', own))


def test_an_uploaded_web_page_is_read_for_its_text_and_metadata(site, moderator):
    moderator.open("/publish/articles")
    page_file = ARTICLES / "prefecture-nord-lievin.html"
    answer = moderator.session.post(
        site.url + "publish/articles",
        data={"csrf_token": moderator.token, "kind": ""},
        files={"file": (page_file.name, page_file.read_bytes(), "text/html")},
        allow_redirects=False,
        timeout=60,
    )
    number = number_of(answer)
    page = html.unescape(moderator.open(f"/publish/articles/{number}").text)
    assert "(html)" in page
    assert (
        "Retour sur la journée régionale de la médiation sociale du 4 décembre 2019 à Liévin"
        in page
    )
    assert "https://www.nord.gouv.fr/Actions-de-l-Etat/" in page  # the canonical address
    assert "Mentions légales" not in page  # the page's footer is not the article
    assert "La date de publication (schema:datePublished) n'est pas dans la source" in page


def test_what_is_not_an_article_comes_back_with_why(moderator):
    answer = paste(moderator, "\x00\x01binary")
    assert answer.status_code == 422
    assert "fichier binaire" in html.unescape(answer.text)


def test_the_screen_is_for_moderators_and_carries_its_token(site, signed_in, moderator):
    publisher = signed_in(site, PUBLISHER)
    assert publisher.open("/publish/articles").status_code == 403
    moderator.open("/publish/articles")
    refused = moderator.post("/publish/articles", {"text": "Un texte."}, token=False)
    assert refused.status_code == 400
