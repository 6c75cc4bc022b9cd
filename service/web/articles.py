"""Articles into the moderation: ``/publish/articles`` takes an article a moderator pastes
(text, Markdown or a web page's HTML) or uploads, ingests it (``service.ingest``: reading,
reconciling, drafting; nothing fetched), and puts the draft in the moderators' queue;
``/publish/articles/<n>`` shows each fact of the draft with its evidence (the sentence, the
passage highlighted) and a confidence, to accept, correct or drop.

The draft lives in the accounts' file, never in the store. Publishing writes only the facts
a person accepted or corrected, once none is left undecided, through the publisher (one
validated, recorded write into ``{base}graph/publish-ingested``), as the forms' drafts are
published (``review.py``). For moderators and administrators (``people.require_role``); the
CSRF token and ``max_upload_bytes`` are checked by ``people`` before any view reads a form.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Flask, Response, redirect, render_template, request
from flask_wtf.csrf import generate_csrf
from rdflib import URIRef
from rdflib.util import from_n3

from ..accounts import FormDraft, status_name
from ..errors import ArticleError, NotFound, ValidationFailed
from ..ingest import (
    DECISIONS,
    SOURCE_KINDS,
    Reference,
    decide,
    decode_article,
    ingest_text,
    passage_of,
    pending,
    project_reference,
    review_record,
    reviewed_graph,
)
from ..namespaces import PREFIXES
from ..store import Changeset
from .context import config, publisher, store
from .people import accounts, current_account, require_role
from .site import languages

blueprint = Blueprint("articles", __name__, url_prefix="/publish/articles")
log = logging.getLogger(__name__)

#: The kind of draft an ingested article is, in the accounts' file and the queue (not a
#: form's kind: the forms' "article" is one resource typed in, this is an article's facts).
INGESTED = "ingested"
ARTICLE_OPERATION = "Publication d'un article relu / reviewed article published"


def register(app: Flask) -> None:
    app.register_blueprint(blueprint)


def _lang_query() -> str:
    return "?lang=en" if languages().ui == "en" else ""


def _form_page(status: int = 200, error: str | None = None, text: str = "") -> Response:
    body = render_template(
        "publish_article_new.html",
        csrf_token=generate_csrf(),
        lang_query=_lang_query(),
        kinds=SOURCE_KINDS,
        error=error,
        text=text,
        max_bytes=config().max_article_bytes,
    )
    return Response(body, status=status, mimetype="text/html")


@blueprint.get("")
@require_role("moderator")
def paste_form() -> Response:
    return _form_page()


@blueprint.post("")
@require_role("moderator")
def ingest_article() -> Any:
    """The article pasted or uploaded, read and drafted, into the queue."""
    me = current_account()
    assert me is not None
    lang = languages().ui
    upload = request.files.get("file")
    kind = request.form.get("kind") or None
    if kind not in SOURCE_KINDS:
        kind = None
    pasted = request.form.get("text", "")
    try:
        if upload is not None and upload.filename:
            name = upload.filename.rsplit("/", 1)[-1][:120] or "article"
            text = decode_article(upload.read(config().max_article_bytes + 1), name)
        else:
            name = (request.form.get("name") or "").strip()[:120] or "article-colle"
            text = decode_article(pasted.encode("utf-8"), name)
        if len(text.encode("utf-8")) > config().max_article_bytes:
            raise ArticleError(
                f"{name} : article trop long (au plus {config().max_article_bytes} octets).",
                f"{name}: article too long (at most {config().max_article_bytes} bytes).",
            )
        base = config().base_url
        reference = Reference([project_reference(base)], [store()])
        done = ingest_text(
            text,
            name,
            reference=reference,
            base_url=base,
            kind=kind,
            validator=config().write_validator,
        )
    except ArticleError as error:
        return _form_page(422, error.message(lang), pasted)
    record = review_record(done.draft, name)
    turtle = done.draft.graph.serialize(format="turtle")
    drafts = accounts().drafts
    created = drafts.create(me.id, INGESTED, str(done.draft.article), record, turtle)
    drafts.save(created.id, created.iri, record, turtle, submit=True)
    log.info("article %s ingested by %s as draft %d", name, me.agent_name, created.id)
    return redirect(f"/publish/articles/{created.id}{_lang_query()}", 303)


def _article_draft(number: int) -> FormDraft:
    """An ingested article waiting for review; any other number is a 404."""
    found = accounts().drafts.get(number)
    if found is None or found.kind != INGESTED or found.status not in ("submitted", "draft"):
        raise NotFound(
            f"Aucun article n° {number} à relire.", f"No article number {number} to review."
        )
    return found


#: The draft's own prefixes under the base, as the draft's Turtle binds them.
LOCAL_PREFIXES = {
    "actor": "id/actor/", "article": "id/article/", "doc": "id/document/", "post": "id/post/",
    "ev": "id/event/", "place": "id/place/", "theme": "id/theme/",
}  # fmt: skip


def short(iri: str) -> str:
    """An IRI as the page shows it: with its prefix when it has one."""
    base = config().base_url
    known = {**PREFIXES, **{p: base + path for p, path in LOCAL_PREFIXES.items()}}
    for prefix, namespace in sorted(known.items(), key=lambda p: -len(p[1])):
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def shown(fact: dict) -> str:
    """A fact's value as a person reads it: a text without its quotes, an IRI shortened."""
    value = fact.get("object")
    if not value:
        return ""
    if value.startswith("<") and value.endswith(">"):
        return short(value[1:-1])
    return str(from_n3(value))


def _review_page(
    draft: FormDraft, status: int = 200, notice: str | None = None, errors: list[str] = ()
) -> Response:
    record = draft.data
    subjects: dict[str, list[dict]] = {}
    for fact in record["facts"]:
        subjects.setdefault(fact["subject"], []).append(fact)
    owner = accounts().by_id(draft.account)
    body = render_template(
        "publish_article.html",
        draft=draft,
        owner=owner,
        status=status_name(draft.status, languages().ui),
        record=record,
        subjects=subjects,
        decisions=DECISIONS,
        pending=len(pending(record)),
        passage_of=passage_of,
        short=short,
        shown=shown,
        csrf_token=generate_csrf(),
        lang_query=_lang_query(),
        notice=notice,
        errors=list(errors),
    )
    return Response(body, status=status, mimetype="text/html")


@blueprint.get("/<int:number>")
@require_role("moderator")
def review_article(number: int) -> Response:
    return _review_page(_article_draft(number))


@blueprint.post("/<int:number>")
@require_role("moderator")
def decide_facts(number: int) -> Any:
    """The decisions posted, kept; with ``action=publish``, the kept facts published."""
    found = _article_draft(number)
    record = found.data
    wrong = decide(record, request.form.to_dict())
    saved = accounts().drafts.decided(number, record)
    lang = languages().ui
    if wrong:
        return _review_page(saved, 400, "wrong", [_said(lang, "wrong", len(wrong))])
    if request.form.get("action") != "publish":
        return _review_page(saved, 200, "saved")
    if pending(record):
        return _review_page(saved, 400, "pending", [_said(lang, "pending", len(pending(record)))])
    return _publish(saved)


def _publish(found: FormDraft) -> Any:
    me = current_account()
    owner = accounts().by_id(found.account)
    assert me is not None and owner is not None
    base = config().base_url
    graph = URIRef(f"{base}graph/publish-{INGESTED}")
    kept = reviewed_graph(found.data)
    if not len(kept):
        return _review_page(found, 400, "empty", [_said(languages().ui, "empty", 0)])
    try:
        outcome = publisher().write(
            lambda reader: Changeset(add=[(*t, graph) for t in sorted(kept, key=str)]),
            agent=me.agent_name,
            operation=ARTICLE_OPERATION,
            author=owner.agent_name if owner.id != me.id else None,
        )
    except ValidationFailed as error:
        report = error.details.get("report")
        messages = [error.message(languages().ui)]
        if report is not None:
            messages += [r.message(languages().ui) for r in report.violations]
        return _review_page(found, 422, "refused", messages)
    change = str(outcome.change) if outcome.change else None
    turtle = kept.serialize(format="turtle")
    accounts().drafts.published(found.id, me.id, found.data["article"], turtle, change)
    log.info("article draft %d published by %s", found.id, me.agent_name)
    return redirect("/" + found.data["article"][len(base) :], 303)


_SAID = {
    "wrong": (
        "{n} correction(s) ne sont pas une valeur de ce genre (une adresse https://…, une date AAAA-MM-JJ…).",
        "{n} correction(s) are not a value of that kind (an address https://…, a date YYYY-MM-DD…).",
    ),
    "pending": (
        "{n} fait(s) sans décision : acceptez, corrigez ou écartez chacun avant de publier.",
        "{n} fact(s) without a decision: accept, correct or drop each one before publishing.",
    ),
    "empty": ("Aucun fait gardé : rien à publier.", "No fact kept: nothing to publish."),
}


def _said(lang: str, key: str, n: int) -> str:
    fr, en = _SAID[key]
    return (en if lang == "en" else fr).format(n=n)
