"""Moderation: the queue of submitted drafts at ``/publish/review``, each with what the shapes
say of it and what publishing it would change, and the two answers a moderator gives —
publish it (one validated, atomic, recorded write through the publisher, into
``{base}graph/publish-{kind}``) or return it to its publisher with a comment.

For moderators and administrators (``people.require_role``). A publisher's draft is
published by someone else; a moderator's own draft may be published by that moderator,
submitted or not. The history names the moderator who published (``prov:wasAssociatedWith``)
and the publisher who wrote it (``prov:wasAttributedTo`` of what was added).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from flask import Blueprint, Flask, Response, redirect, render_template, request
from flask_wtf.csrf import generate_csrf
from rdflib import URIRef

from ..accounts import MAX_COMMENT, Account, FormDraft, role_name, status_name
from ..errors import BadRequest, NotFound
from ..forms import (
    KINDS,
    Feedback,
    Submission,
    changed_since,
    changes_for,
    difference,
    project_forms,
    removal,
)
from ..labels import labels, moment_in_words
from .context import changelog, config, publisher, store
from .people import accounts, current_account, require_role
from .site import languages, zone

blueprint = Blueprint("review", __name__, url_prefix="/publish/review")
log = logging.getLogger(__name__)

#: What the history says was done (its label adds who proposed it and who published it).
OPERATION = "Publication d'un brouillon / draft published"


def register(app: Flask) -> None:
    app.register_blueprint(blueprint)


def _lang_query() -> str:
    return "?lang=en" if languages().ui == "en" else ""


def _reviewable(number: int, published: bool = False) -> tuple[FormDraft, Account]:
    """A draft the signed-in moderator may review: submitted, or the moderator's own one
    still being written (``published``: one that is published, to withdraw). Any other is a
    404, as if there were none."""
    me = current_account()
    found = accounts().drafts.get(number)
    assert me is not None
    if (
        found is not None
        and found.kind in KINDS
        and (  # an ingested article: /publish/articles
            (published and found.status == "published")
            or (
                not published
                and (found.status == "submitted" or (found.account == me.id and found.editable))
            )
        )
    ):
        owner = accounts().by_id(found.account)
        if owner is not None:
            return found, owner
    raise NotFound(
        f"Aucune proposition n° {number} à relire.", f"No submission number {number} to review."
    )


def _submission(draft: FormDraft) -> tuple[Submission, Feedback]:
    forms = project_forms(config().write_validator)
    submission = forms.submission(
        draft.kind, draft.data, config().base_url, store(), edits=draft.edits
    )
    result = forms.feedback(store(), submission, config().base_url, languages().ui)
    return submission, result


@blueprint.get("")
@require_role("moderator")
def queue() -> str:
    lang = languages().ui
    waiting = accounts().drafts.submitted()
    published = accounts().drafts.recently_published()
    owners = {d.account: accounts().by_id(d.account) for d in waiting + published}
    acting = {iri for owner in owners.values() if owner for iri in owner.organisations}
    return render_template(
        "publish_review_queue.html",
        drafts=waiting,
        published=published,
        owners=owners,
        names=_names(acting),
        kinds=KINDS,
        lang_query=_lang_query(),
        when=lambda stamp: moment_in_words(datetime.fromisoformat(stamp), zone(), lang),
    )


def _names(iris: set[str]) -> dict[str, str]:
    """The names of the organisations the authors act for, as the moderator reads them."""
    found = labels(store(), [URIRef(iri) for iri in sorted(iris)], languages())
    return {iri: str(found.get(URIRef(iri), iri)) for iri in iris}


def _page(
    number: int,
    status: int = 200,
    refused: bool = False,
    comment_missing: bool = False,
    outdated: bool = False,
):
    draft, owner = _reviewable(number)
    submission, result = _submission(draft)
    lang = languages().ui
    since = changed_since(changelog(), draft.edits, draft.created)
    body = render_template(
        "publish_review.html",
        draft=draft,
        owner=owner,
        owner_role=role_name(owner.role, lang),
        names=_names(set(owner.organisations)),
        status=status_name(draft.status, lang),
        kind=KINDS[draft.kind],
        submission=submission,
        feedback=result,
        difference=difference(store(), submission, config().base_url),
        csrf_token=generate_csrf(),
        lang_query=_lang_query(),
        refused=refused,
        comment_missing=comment_missing,
        max_comment=MAX_COMMENT,
        mine=owner.id == (current_account() or owner).id,
        since=since,
        outdated=outdated,
        began=moment_in_words(datetime.fromisoformat(draft.created), zone(), lang),
        when=lambda moment: moment_in_words(moment, zone(), lang),
    )
    return Response(body, status=status, mimetype="text/html")


@blueprint.get("/<int:number>")
@require_role("moderator")
def review(number: int) -> Response:
    return _page(number)


@blueprint.post("/<int:number>/publish")
@require_role("moderator")
def publish(number: int) -> Any:
    """One write: the draft's resource into its kind's graph, validated again by the
    publisher against the store as it is then; a violation writes nothing."""
    draft, owner = _reviewable(number)
    me = current_account()
    assert me is not None
    submission, result = _submission(draft)
    if not result.conforms:
        return _page(number, status=422, refused=True)
    if changed_since(changelog(), draft.edits, draft.created):
        # Published again since this draft began: publishing it would undo those changes.
        return _page(number, status=409, outdated=True)
    base = config().base_url
    outcome = publisher().write(
        lambda reader: changes_for(reader, submission, base),
        agent=me.agent_name,
        operation=OPERATION,
        author=owner.agent_name if owner.id != me.id else None,
    )
    change = str(outcome.change) if outcome.change else None
    accounts().drafts.published(number, me.id, str(submission.iri), submission.turtle(), change)
    log.info("draft %d of %s published by %s", number, owner.agent_name, me.agent_name)
    return redirect("/" + str(submission.iri)[len(base) :], 303)


@blueprint.route("/<int:number>/withdraw", methods=["GET", "POST"])
@require_role("moderator")
def withdraw(number: int) -> Any:
    """Take a published resource off the site, for a reason: one write that removes what was
    published; its address then answers 410 with the reason (the history's tombstone)."""
    draft, owner = _reviewable(number, published=True)
    me = current_account()
    assert me is not None
    reason = request.form.get("reason", "").strip()[:MAX_COMMENT]
    if request.method == "GET" or not reason:
        body = render_template(
            "publish_withdraw.html",
            draft=draft,
            owner=owner,
            csrf_token=generate_csrf(),
            lang_query=_lang_query(),
            reason_missing=request.method == "POST",
            max_comment=MAX_COMMENT,
        )
        return Response(body, status=400 if request.method == "POST" else 200, mimetype="text/html")
    base = config().base_url
    outcome = publisher().write(
        lambda reader: removal(reader, KINDS[draft.kind], draft.turtle, base),
        agent=me.agent_name,
        operation="Retrait d'une publication / publication withdrawn",
        reason=reason,
    )
    change = str(outcome.change) if outcome.change else None
    accounts().drafts.unpublished(number, me.id, reason, change)
    log.info("draft %d of %s withdrawn by %s", number, owner.agent_name, me.agent_name)
    return redirect("/" + draft.iri[len(base) :], 303)


@blueprint.post("/<int:number>/return")
@require_role("moderator")
def give_back(number: int) -> Any:
    """Back to its publisher, with what to change (the publisher reads it on the draft)."""
    _reviewable(number)
    me = current_account()
    assert me is not None
    comment = request.form.get("comment", "").strip()
    if not comment:
        return _page(number, status=400, comment_missing=True)
    if len(comment) > MAX_COMMENT:
        raise BadRequest(
            f"Commentaire trop long : {MAX_COMMENT} caractères au plus.",
            f"Comment too long: {MAX_COMMENT} characters at most.",
        )
    accounts().drafts.returned(number, me.id, comment)
    return redirect(f"/publish/review{_lang_query()}", 303)
