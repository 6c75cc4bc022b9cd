"""The publishing forms: ``/publish/new/<kind>`` draws the form of a kind from the shapes
(``service.forms``), ``/publish/check/<kind>`` answers the shapes' messages for a form as
JSON (the page's script posts the form there as the person types) and ``/publish/lookup``
searches existing resources for a field.

"Check" validates and shows the result — ready to publish or what to fix, and the Turtle it
would write — without writing; "save as a draft" keeps the values in the accounts file
(``/publish/drafts``: one's own drafts only, anyone else's a 404), to be submitted to the
moderators (``review.py``). The forms are for a signed-in publisher (``people.require_role``); every form
carries Flask-WTF's CSRF token (``generate_csrf``), which ``people`` checks, with the form's
size, before any view under ``/publish`` reads a posted form.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from flask import Blueprint, Flask, Response, jsonify, redirect, render_template, request
from flask_wtf.csrf import generate_csrf
from rdflib import URIRef

from ..accounts import ACTS_FOR_RULE, FormDraft, acts_for, at_least, status_name
from ..errors import Forbidden, NotFound
from ..forms import (
    KINDS,
    Choice,
    Feedback,
    Field,
    Form,
    Forms,
    Message,
    Submission,
    blank,
    close_matches,
    flat_data,
    project_forms,
    publish_graph,
    published_kind,
    read_existing,
    search_existing,
    warn_same_names,
)
from ..labels import moment_in_words
from ..namespaces import is_absolute_iri
from ..pages import CLASS_LABELS
from .context import config, index, store
from .people import accounts, current_account, organisations, require_role
from .site import languages, local, zone

blueprint = Blueprint(
    "forms", __name__, static_folder="static/forms", static_url_path="/static/forms"
)

#: Longest text a search of existing resources reads, and most classes it is kept to.
MAX_LOOKUP = 200
MAX_CLASSES = 12
#: The field that names whom a kind's resource is for: prefilled with the first organisation
#: the account acts for, and warned on when it names none of them.
ACTING_FIELDS = {"event": "organizer", "article": "publisher"}
NOT_ACTING_FOR = {
    "fr": "Aucune des organisations pour lesquelles votre compte agit ({mine}) n'est nommée "
    "ici : vous publiez pour une autre, ce que la modération acceptera ou non.",
    "en": "None of the organisations your account acts for ({mine}) is named here: you are "
    "publishing for another one, which the moderators will accept or not.",
}


def register(app: Flask) -> None:
    """The blueprint (after ``people.install``, which signs the sessions and CSRF tokens)."""
    app.register_blueprint(blueprint)


@blueprint.route("/publish/new/<kind>", methods=["GET", "POST"])
@require_role("publisher")
def new(kind: str) -> Any:
    forms = _forms(kind)
    if request.method == "POST":
        return _page(kind, forms, _submission(forms, kind, request.form.get("add") or None))
    form = forms.form(kind)
    values = {item.key: [blank(item)] for item in form.fields()}
    acting, mine = ACTING_FIELDS.get(kind), organisations()
    if mine and acting in values:
        # The account's first organisation, which the person may change or add partners to.
        values[acting] = [{"value": mine[0], "q": ""}]
    return _page(kind, forms, None, values)


def _page(
    kind: str,
    forms: Forms,
    submission: Submission | None,
    values: Any = None,
    draft: FormDraft | None = None,
    status: int = 200,
    notice: str | None = None,
) -> Any:
    """The form of ``kind``: empty, or with a submission's values and what the shapes say of
    them (not after "add another"), and a draft's state and the buttons it allows."""
    lang = languages().ui
    form = forms.form(kind)
    result: Feedback | None = None
    existing: list = []
    if submission is not None:
        values = submission.values
        if not request.form.get("add"):
            result = forms.feedback(store(), submission, config().base_url, lang)
            existing = _existing(forms, submission, result, lang)
            _warn_not_acting_for(result, submission, lang)
    matches = _matches(forms, form, submission) if submission is not None else {}
    lang_query = "?lang=en" if lang == "en" else ""
    body = render_template(
        "publish_form.html",
        kind=KINDS[kind],
        kinds=KINDS,
        form=form,
        values=values,
        feedback=result,
        messages=result.fields if result else {},
        submission=submission if result else None,
        matches=matches,
        existing=existing,
        csrf_token=generate_csrf(),
        zone=str(zone()),
        lang_query=lang_query,
        choice_label=_choice_label,
        draft=draft,
        draft_status=status_name(draft.status, lang) if draft else None,
        action=f"/publish/drafts/{draft.id}" if draft else f"/publish/new/{kind}",
        notice=notice,
    )
    return Response(body, status=status, mimetype="text/html")


# -- drafts ---------------------------------------------------------------------------------------


def _data() -> dict[str, str]:
    """The posted form's values, as a draft keeps them."""
    return {k: v for k, v in request.form.items() if k not in ("csrf_token", "add")}


def _own_draft(number: int) -> FormDraft:
    """The signed-in account's draft ``number``; anyone else's is a 404, as if none were."""
    account = current_account()
    found = accounts().drafts.get(number)
    if found is None or account is None or found.account != account.id:
        raise NotFound(f"Aucun brouillon n° {number}.", f"No draft number {number}.")
    return found


def _here(path: str) -> str:
    return path + ("?lang=en" if languages().ui == "en" else "")


@blueprint.post("/publish/drafts/new/<kind>")
@require_role("publisher")
def new_draft(kind: str) -> Any:
    """The form's values kept as a draft of the signed-in account, whatever the shapes say."""
    forms = _forms(kind)
    submission = _submission(forms, kind, None)
    account = current_account()
    assert account is not None
    draft = accounts().drafts.create(
        account.id, kind, str(submission.iri), _data(), submission.turtle()
    )
    return redirect(_here(f"/publish/drafts/{draft.id}"), 303)


@blueprint.get("/publish/edit")
@require_role("publisher")
def edit() -> Any:
    """``?iri=``: a published resource read back into its form, as a new draft of the
    signed-in account; publishing it goes through the same review as a new one."""
    asked = request.args.get("iri", "")
    iri = URIRef(asked) if is_absolute_iri(asked) else None
    kind = published_kind(store(), iri, config().base_url) if iri is not None else None
    if iri is None or kind is None:
        raise NotFound(
            "Aucune ressource publiée par les formulaires à cette adresse.",
            "No resource published through the forms at this address.",
        )
    account = current_account()
    assert account is not None
    if not at_least(account.role, "moderator") and not acts_for(
        store(), str(iri), account.organisations
    ):
        fr, en = ACTS_FOR_RULE
        raise Forbidden(
            f"Vous ne pouvez pas modifier {iri} : {fr}.", f"You may not edit {iri}: {en}."
        )
    forms = _forms(kind.name)
    graph = publish_graph(kind, config().base_url)
    data = flat_data(read_existing(store(), forms.form(kind.name), iri, graph))
    submission = forms.submission(kind.name, data, config().base_url, store(), edits=str(iri))
    draft = accounts().drafts.create(
        account.id, kind.name, str(iri), data, submission.turtle(), edits=str(iri)
    )
    return redirect(_here(f"/publish/drafts/{draft.id}"), 303)


@blueprint.get("/publish/drafts")
@require_role("publisher")
def drafts() -> str:
    account = current_account()
    assert account is not None
    lang = languages().ui
    return render_template(
        "publish_drafts.html",
        drafts=accounts().drafts.of_account(account.id),
        kinds=KINDS,
        status_name=lambda status: status_name(status, lang),
        moderator=at_least(account.role, "moderator"),
        csrf_token=generate_csrf(),
        lang_query="?lang=en" if lang == "en" else "",
        title=draft_title,
        when=lambda stamp: moment_in_words(datetime.fromisoformat(stamp), zone(), lang),
    )


def draft_title(draft: FormDraft) -> str:
    """A draft's name as typed (its first name or headline), else its IRI's last part."""
    for key, value in sorted(draft.data.items()):
        if key.split(".")[0] in ("name", "headline") and key.split(".")[1:2] == ["0"] and value:
            return value
    return draft.iri.rsplit("/", 1)[-1]


@blueprint.route("/publish/drafts/<int:number>", methods=["GET", "POST"])
@require_role("publisher")
def draft(number: int) -> Any:
    """One's draft, in its form: read again (GET) or saved with the values posted."""
    found = _own_draft(number)
    if found.kind == "ingested":  # an ingested article is reviewed fact by fact
        return redirect(_here(f"/publish/articles/{number}"), 303)
    forms = _forms(found.kind)
    if request.method == "GET":
        # Once published, its resource is in the store: read as an edit of it, not minted anew.
        edits = found.edits or (found.iri if found.status == "published" else None)
        submission = forms.submission(
            found.kind, found.data, config().base_url, store(), edits=edits
        )
        return _page(found.kind, forms, submission, draft=found)
    submission = _submission(forms, found.kind, request.form.get("add") or None, found.edits)
    if not found.editable:
        return _page(found.kind, forms, submission, draft=found, status=409)
    saved = accounts().drafts.save(number, str(submission.iri), _data(), submission.turtle())
    return _page(found.kind, forms, submission, draft=saved, notice="saved")


@blueprint.post("/publish/drafts/<int:number>/submit")
@require_role("publisher")
def submit_draft(number: int) -> Any:
    """Saved with the values posted, then into the moderators' queue."""
    found = _own_draft(number)
    forms = _forms(found.kind)
    submission = _submission(forms, found.kind, None, found.edits)
    if not found.editable:
        return _page(found.kind, forms, submission, draft=found, status=409)
    accounts().drafts.save(number, str(submission.iri), _data(), submission.turtle(), submit=True)
    return redirect(_here("/publish/drafts"), 303)


@blueprint.post("/publish/drafts/<int:number>/withdraw")
@require_role("publisher")
def withdraw_draft(number: int) -> Any:
    """Given up by its owner: kept, marked withdrawn, out of the queue."""
    _own_draft(number)
    accounts().drafts.withdrawn(number)
    return redirect(_here("/publish/drafts"), 303)


@blueprint.route("/publish/check/<kind>", methods=["POST"])
@require_role("publisher")
def check(kind: str) -> Response:
    forms = _forms(kind)
    submission = _submission(forms, kind, None)
    lang = languages().ui
    result = forms.feedback(store(), submission, config().base_url, lang)
    existing = _existing(forms, submission, result, lang)
    _warn_not_acting_for(result, submission, lang)
    response = jsonify(
        {
            **result.to_json(),
            "iri": str(submission.iri),
            "existing": [dict(m.__dict__, href=local(m.iri)) for m in existing],
        }
    )
    response.headers["Vary"] = "Accept-Language"
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.route("/publish/lookup")
@require_role("publisher")
def lookup() -> Response:
    """``?q=`` (what is typed) and ``class=`` (repeated, IRIs): matching existing resources."""
    text = request.args.get("q", "")[:MAX_LOOKUP]
    asked = request.args.getlist("class")[:MAX_CLASSES]
    classes = [URIRef(c) for c in asked if is_absolute_iri(c)]
    found = search_existing(
        index(),
        store(),
        text,
        classes,
        languages(),
        project_forms(config().write_validator).ontology,
    )
    response = jsonify([match.__dict__ for match in found])
    response.headers["Vary"] = "Accept-Language"
    return response


def _existing(forms: Forms, submission: Submission, result: Feedback, lang: str) -> list:
    """The existing resources close to the new one's name, the same name warned on its field."""
    found = close_matches(index(), store(), submission, languages(), forms.ontology)
    warn_same_names(result, submission, found, lang)
    return found


def _warn_not_acting_for(result: Feedback, submission: Submission, lang: str) -> None:
    """A publisher's resource that names none of the account's organisations as organiser
    or publisher: a warning on that field, not a refusal (the moderators decide)."""
    account = current_account()
    key = ACTING_FIELDS.get(submission.kind.name)
    if account is None or key is None or at_least(account.role, "moderator"):
        return
    item = next((f for f in submission.form.fields() if f.key == key), None)
    if item is None:
        return
    named = {str(o) for o in submission.graph.objects(submission.iri, item.path)}
    theirs = set(account.organisations)
    if named & theirs:
        return
    words = NOT_ACTING_FOR.get(lang, NOT_ACTING_FOR["fr"])
    empty = {"fr": "aucune", "en": "none"}.get(lang, "aucune")
    text = words.format(mine=", ".join(account.organisations) or empty)
    bucket = result.fields.setdefault(f"{key}.0", [])
    message = Message("warning", text)
    if message not in bucket:
        bucket.append(message)


def _choice_label(choice: Choice) -> str:
    """A choice's name from the shapes or the vocabulary, else the pages' name of a schema.org
    term (the statuses of an event), else its local name."""
    langs = languages()
    if choice.labels:
        return choice.label(langs.ui)
    words = CLASS_LABELS.get(choice.value)
    return langs.text(*words[:2]) if words else choice.label(langs.ui)


def _forms(kind: str) -> Forms:
    if kind not in KINDS:
        raise NotFound(
            f"Aucun formulaire pour « {kind} » : {', '.join(KINDS)}.",
            f"No form for “{kind}”: {', '.join(KINDS)}.",
        )
    return project_forms(config().write_validator)


def _submission(forms: Forms, kind: str, add: str | None, edits: str | None = None) -> Submission:
    data = {k: v for k, v in request.form.items() if k not in ("csrf_token", "add")}
    return forms.submission(kind, data, config().base_url, store(), add, edits)


def _matches(forms: Forms, form: Form, submission: Submission) -> dict[str, list]:
    """For each search typed without JavaScript and not chosen: the resources it matches."""
    found = {}
    for name, typed in submission.unchosen.items():
        item = _field_at(form, name)
        if item is not None:
            found[name] = search_existing(
                index(), store(), typed, item.classes, languages(), forms.ontology
            )
    return found


def _field_at(form: Form, name: str) -> Field | None:
    parts = name.split(".")
    item = None
    while parts:
        key, parts = parts[0], parts[2:]
        item = next((f for f in form.fields() if f.key == key), None)
        if item is None or not parts:
            return item
        if item.nested is None:
            return None
        form = item.nested
    return item


def input_id(name: str) -> str:
    return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", name)


@blueprint.app_template_filter("input_id")
def _input_id(name: str) -> str:
    return input_id(name)
