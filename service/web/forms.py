"""The publishing forms: ``/publish/new/<kind>`` draws the form of a kind from the shapes
(``service.forms``), ``/publish/check/<kind>`` answers the shapes' messages for a form as
JSON (the page's script posts the form there as the person types) and ``/publish/lookup``
searches existing resources for a field.

Saving validates and shows the result — ready to publish or what to fix, and the Turtle it
would write — without writing: drafts and moderation build on :func:`submission` and the
feedback. The forms are for a signed-in publisher (``people.require_role``); every form
carries Flask-WTF's CSRF token (``generate_csrf``), which ``people`` checks, with the form's
size, before any view under ``/publish`` reads a posted form.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Flask, Response, jsonify, render_template, request
from flask_wtf.csrf import generate_csrf
from rdflib import URIRef

from ..errors import NotFound
from ..forms import (
    KINDS,
    Choice,
    Feedback,
    Field,
    Form,
    Forms,
    Submission,
    blank,
    close_matches,
    project_forms,
    search_existing,
    warn_same_names,
)
from ..namespaces import is_absolute_iri
from ..pages import CLASS_LABELS
from .context import config, index, store
from .people import require_role
from .site import languages, local, zone

blueprint = Blueprint(
    "forms", __name__, static_folder="static/forms", static_url_path="/static/forms"
)

#: Longest text a search of existing resources reads, and most classes it is kept to.
MAX_LOOKUP = 200
MAX_CLASSES = 12


def register(app: Flask) -> None:
    """The blueprint (after ``people.install``, which signs the sessions and CSRF tokens)."""
    app.register_blueprint(blueprint)


@blueprint.route("/publish/new/<kind>", methods=["GET", "POST"])
@require_role("publisher")
def new(kind: str) -> Any:
    forms = _forms(kind)
    lang = languages().ui
    form = forms.form(kind)
    result: Feedback | None = None
    submission: Submission | None = None
    existing: list = []
    if request.method == "POST":
        add = request.form.get("add") or None
        submission = _submission(forms, kind, add)
        values = submission.values
        if add is None:
            result = forms.feedback(store(), submission, config().base_url, lang)
            existing = _existing(forms, submission, result, lang)
    else:
        values = {item.key: [blank(item)] for item in form.fields()}
    matches = _matches(forms, form, submission) if submission is not None else {}
    return render_template(
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
        lang_query="?lang=en" if lang == "en" else "",
        choice_label=_choice_label,
    )


@blueprint.route("/publish/check/<kind>", methods=["POST"])
@require_role("publisher")
def check(kind: str) -> Response:
    forms = _forms(kind)
    submission = _submission(forms, kind, None)
    lang = languages().ui
    result = forms.feedback(store(), submission, config().base_url, lang)
    existing = _existing(forms, submission, result, lang)
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
    found = search_existing(index(), store(), text, classes, languages(), project_forms().ontology)
    response = jsonify([match.__dict__ for match in found])
    response.headers["Vary"] = "Accept-Language"
    return response


def _existing(forms: Forms, submission: Submission, result: Feedback, lang: str) -> list:
    """The existing resources close to the new one's name, the same name warned on its field."""
    found = close_matches(index(), store(), submission, languages(), forms.ontology)
    warn_same_names(result, submission, found, lang)
    return found


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
    return project_forms()


def _submission(forms: Forms, kind: str, add: str | None) -> Submission:
    data = {k: v for k, v in request.form.items() if k not in ("csrf_token", "add")}
    return forms.submission(kind, data, config().base_url, store(), add)


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
