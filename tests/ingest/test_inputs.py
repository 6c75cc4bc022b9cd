"""Any article a curator has: a saved web page, Markdown, plain text, or the seed's export,
from a file; what the source does not say is a field to complete in a written draft, never
a refusal without one; ``--draft-for LOGIN`` puts the draft in the moderators' queue.

``mediation ingest`` as an operator runs it, and the reading stage on the article's text.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
from pathlib import Path

import pytest
from rdflib import URIRef

from service.accounts import Accounts
from service.ingest import Text, read_any, source_kind
from service.namespaces import SDO
from service.rdfio import parse

ARTICLES = Path(__file__).resolve().parent / "articles"
SEED = "seed/000_6c48d4cfc32f2d43.txt"
PREFECTURE = (
    "https://www.nord.gouv.fr/Actions-de-l-Etat/Solidarite-hebergement-logement-politique-de-la-"
    "ville-et-renovation-urbaine/Politique-de-la-ville/Retour-sur-la-journee-regionale-de-la-"
    "mediation-sociale-du-4-decembre-2019-a-Lievin"
)


def run(mediation: str, *args: str | Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIATION_")}
    return subprocess.run(
        [mediation, "ingest", *map(str, args)], capture_output=True, text=True, env=env, timeout=300
    )


@pytest.fixture(scope="module")
def seed_text(shared) -> str:
    return (shared / SEED).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def plain(seed_text) -> str:
    """The seed's story as a curator might paste it: a title, its paragraphs, nothing else."""
    first = next(p for p in seed_text.split("\n\n") if "s'est tenue" in p)
    return f"Journée régionale à Liévin\n\n{first}\n"


@pytest.mark.parametrize(
    "name, kind",
    [
        ("prefecture-nord-lievin.html", "html"),
        ("irev-lille-13-juin.md", "markdown"),
    ],
)
def test_each_kind_of_source_is_recognised(name, kind):
    path = ARTICLES / name
    assert source_kind(path.read_text(encoding="utf-8"), name) == kind


def test_the_export_and_plain_text_are_recognised(seed_text, plain):
    assert source_kind(seed_text, "000.txt") == "export"
    without_address = re.sub(r"\*\*URL de la source.*\n", "", seed_text)
    assert source_kind(without_address, "000.txt") == "export"  # the layout, not its address
    assert source_kind(plain, "note.txt") == "text"


def test_a_saved_page_gives_its_main_text_and_metadata_without_any_request(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("reading a page must request nothing")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    found = read_any((ARTICLES / "prefecture-nord-lievin.html").read_text(encoding="utf-8"), "p")
    assert found.kind == "html"
    assert found.title == (
        "Retour sur la journée régionale de la médiation sociale du 4 décembre 2019 à Liévin"
    )
    assert found.source_url == PREFECTURE  # the canonical link
    assert found.language == "fr"
    assert found.site_name == "Les services de l'État dans le Nord"
    assert found.published is None  # the page does not say it: nothing guessed from the text
    assert found.lead.startswith("Cette rencontre, co-organisée par France Médiation")
    assert "Mentions légales" not in found.text.plain and "Accueil" not in found.text.plain


def test_the_text_cites_sentences_by_their_offsets():
    text = Text.of(
        ["Le 4 décembre 2019 à Liévin, s'est tenue la journée. Elle a réuni 250 personnes."]
    )
    assert [text.plain[a:b] for a, b in text.sentences] == [
        "Le 4 décembre 2019 à Liévin, s'est tenue la journée.",
        "Elle a réuni 250 personnes.",
    ]
    passage = text.find("250 personnes")
    assert passage is not None and text.plain[passage.start : passage.end] == "250 personnes"
    assert passage.sentence == "Elle a réuni 250 personnes."
    assert passage.parts() == ("Elle a réuni ", "250 personnes", ".")


@pytest.mark.parametrize(
    "source, todo",
    [
        ("prefecture-nord-lievin.html", ["schema:datePublished"]),
        ("irev-lille-13-juin.md", ["schema:datePublished"]),
        ("plain", ["schema:datePublished", "schema:url"]),
    ],
)
def test_what_the_source_does_not_say_is_to_complete_in_a_written_draft(
    mediation, tmp_path, plain, source, todo
):
    if source == "plain":
        path = tmp_path / "lievin.txt"
        path.write_text(plain, encoding="utf-8")
    else:
        path = ARTICLES / source
    output = tmp_path / "draft.ttl"
    done = run(mediation, path, "--output", output, "--lang", "en")
    assert done.returncode == 3, done.stdout + done.stderr  # written, incomplete
    assert done.stdout.startswith(f"Draft written, incomplete: {output}")
    said = done.stdout.split("For a curator to complete", 1)[1]
    for item in todo:
        assert f"({item}) is not in the source: to complete" in said
    draft = parse(output.read_bytes(), name=output)
    assert list(draft.subjects(None, SDO.NewsArticle))  # the draft is there to complete


def test_the_plain_story_finds_its_event_with_its_sentence(mediation, tmp_path, plain):
    path = tmp_path / "lievin.txt"
    path.write_text(plain, encoding="utf-8")
    output = tmp_path / "draft.ttl"
    done = run(mediation, path, "--output", output)
    assert done.returncode == 3, done.stderr
    draft = parse(output.read_bytes(), name=output)
    event = URIRef(
        "https://w3id.org/mediation-sociale/id/event/2019-12-04-journee-regionale-lievin"
    )
    assert (event, SDO.startDate, None) in draft  # the known Liévin day, linked not minted


def test_the_export_layout_is_one_input_among_others(mediation, tmp_path, shared):
    done = run(mediation, shared / SEED, "--output", tmp_path / "d.ttl", "--kind", "export")
    assert done.returncode == 0, done.stdout + done.stderr


def test_draft_for_puts_the_draft_in_the_review_queue(mediation, tmp_path, users, password):
    store = tmp_path / "store"
    made = users(store, "add", "curatrice@example.org", "--role", "moderator", password=password)
    assert made.returncode == 0, made.stderr
    path = ARTICLES / "irev-lille-13-juin.md"
    done = run(
        mediation,
        path,
        "--store",
        store,
        "--draft-for",
        "curatrice@example.org",
        "-o",
        tmp_path / "d.ttl",
    )
    assert done.returncode == 3, done.stderr
    assert "Brouillon n° 1 dans la file de relecture" in done.stdout
    accounts = Accounts(store / "accounts.sqlite")
    try:
        queued = accounts.drafts.submitted()
    finally:
        accounts.close()
    assert [(d.kind, d.status) for d in queued] == [("ingested", "submitted")]
    record = queued[0].data
    assert record["source"] == "irev-lille-13-juin.md" and record["source_kind"] == "markdown"
    assert any(
        f["object"] is None and f["predicate"].endswith("datePublished") for f in record["facts"]
    )


def test_draft_for_an_unknown_login_queues_nothing(mediation, tmp_path, users, password):
    store = tmp_path / "store"
    assert (
        users(store, "add", "a@example.org", "--role", "moderator", password=password).returncode
        == 0
    )
    done = run(
        mediation,
        ARTICLES / "irev-lille-13-juin.md",
        "--store",
        store,
        "--draft-for",
        "nobody@example.org",
    )
    assert done.returncode == 1
    assert "nobody@example.org" in done.stderr and "Traceback" not in done.stderr


def test_the_export_without_its_address_or_date_is_drafted_not_refused(
    mediation, tmp_path, seed_text
):
    text = re.sub(r"\*\*URL de la source.*\n", "", seed_text)
    text = re.sub(r"^Publié le .*\n", "", text, flags=re.M)
    path = tmp_path / "export.txt"
    path.write_text(text, encoding="utf-8")
    output = tmp_path / "draft.ttl"
    done = run(mediation, path, "--output", output, "--lang", "en")
    assert done.returncode == 3, done.stdout + done.stderr
    assert "(schema:url) is not in the source: to complete" in done.stdout
    assert "(schema:datePublished) is not in the source: to complete" in done.stdout
    draft = parse(output.read_bytes(), name=output)
    assert list(draft.subjects(None, SDO.NewsArticle))
