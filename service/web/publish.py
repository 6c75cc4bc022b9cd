"""``/publish``: the people's way in — sign in, sign out, and one's own account (role,
organisations, API tokens), in French and in English like every page.

What a publishing page needs to know of the person (the account, its role, its
organisations) comes from :mod:`service.web.people`, which the other publishing blueprints
use too; this blueprint only draws the account's own pages. Every form carries a CSRF token
(checked for every post under ``/publish`` by :func:`service.web.people.install`), and failed
sign-ins are limited per client address (``sign_in_limit``).
"""

from __future__ import annotations

import logging
from datetime import datetime
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, redirect, render_template, request
from flask_login import login_user, logout_user
from flask_wtf import FlaskForm
from rdflib import Literal, URIRef
from wtforms import PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length

from ..accounts import MAX_PASSWORD, MIN_PASSWORD, RAW_WRITERS, role_name
from ..errors import NotFound
from ..labels import Languages, fallback_label, labels, moment_in_words
from .context import store
from .people import (
    Person,
    accounts,
    current_account,
    limit_attempts,
    require_role,
    sign_in_address,
)
from .site import languages, zone

blueprint = Blueprint("publish", __name__, url_prefix="/publish")
log = logging.getLogger(__name__)

ACCOUNT_PATH = "/publish/account"


class SignInForm(FlaskForm):
    login = StringField(validators=[InputRequired(), Length(max=320)])
    password = PasswordField(validators=[InputRequired(), Length(max=MAX_PASSWORD)])


class TokenForm(FlaskForm):
    name = StringField(validators=[InputRequired(), Length(max=64)])


class PasswordForm(FlaskForm):
    current = PasswordField(validators=[InputRequired(), Length(max=MAX_PASSWORD)])
    new = PasswordField(validators=[InputRequired(), Length(min=MIN_PASSWORD, max=MAX_PASSWORD)])
    again = PasswordField(validators=[InputRequired(), EqualTo("new")])


def in_page_language(path: str) -> str:
    """``path`` in this page's language, when the page was asked for with ``?lang=``."""
    lang = request.args.get("lang")
    if not lang:
        return path
    return f"{path}{'&' if '?' in path else '?'}{urlencode({'lang': lang})}"


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this host under ``/publish`` only (never
    another site: ``//host`` and ``/\\host`` are other hosts to a browser)."""
    if target and target.startswith("/publish") and not target.startswith(("//", "/\\")):
        return target
    return in_page_language(ACCOUNT_PATH)


@blueprint.get("")
def way_in() -> Response:
    """One's account when signed in, else the sign-in page."""
    if current_account():
        return redirect(in_page_language(ACCOUNT_PATH), 303)
    return redirect(sign_in_address(ACCOUNT_PATH), 303)


@blueprint.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Response | str:
    form = SignInForm()
    failed = False
    if current_account() and request.method == "GET":
        return redirect(safe_next(request.args.get("next")), 303)
    if form.validate_on_submit():
        account = accounts().sign_in(form.login.data, form.password.data)
        if account is not None:
            login_user(Person(account))
            log.info("signed in: %s", account.agent_name)
            return redirect(safe_next(request.args.get("next")), 303)
        # Never the login typed: it may be a password typed in the wrong field.
        log.info("sign-in refused from %s", request.remote_addr)
        failed = True
    elif request.method == "POST":
        failed = True
    # A failed sign-in is the form again, with the same words whatever was wrong.
    return render_template(
        "publish_sign_in.html", form=form, failed=failed, action=request.full_path.rstrip("?")
    )


@blueprint.post("/sign-out")
def sign_out() -> Response:
    logout_user()
    return redirect(in_page_language(f"{blueprint.url_prefix}/sign-in"), 303)


def organisation_names(iris: tuple[str, ...], langs: Languages) -> list[tuple[str, Literal]]:
    """Each organisation's IRI and its name in the data (in the page's language if it has
    one; made from the IRI when the data has none)."""
    nodes = [URIRef(iri) for iri in iris]
    named = labels(store(), nodes, langs)
    return [(str(node), named.get(node) or fallback_label(node)) for node in nodes]


def account_page(
    new_token: str | None = None,
    token_form: TokenForm | None = None,
    password_form: PasswordForm | None = None,
    password_changed: bool = False,
) -> str:
    account = current_account()
    assert account is not None
    langs = languages()
    return render_template(
        "publish_account.html",
        account=account,
        role=role_name(account.role, langs.ui),
        raw_writer=account.role in RAW_WRITERS,
        organisations=organisation_names(account.organisations, langs),
        tokens=accounts().tokens(account),
        token_form=token_form or TokenForm(),
        password_form=password_form or PasswordForm(formdata=None),
        password_changed=password_changed,
        min_password=MIN_PASSWORD,
        new_token=new_token,
        here=in_page_language,
        when=lambda stamp: moment_in_words(datetime.fromisoformat(stamp), zone(), langs.ui),
    )


@blueprint.get("/account")
@require_role("publisher")
def account() -> str:
    return account_page()


@blueprint.post("/account/tokens")
@require_role("publisher")
def new_token() -> Response | str:
    form = TokenForm()
    if not form.validate_on_submit():
        return Response(account_page(token_form=form), status=400, mimetype="text/html")
    owner = current_account()
    assert owner is not None
    token = accounts().new_token(owner.login, form.name.data)
    # Shown in this answer only: the file keeps its digest, and the page is never cached.
    return account_page(new_token=token, token_form=TokenForm(formdata=None))


@blueprint.post("/account/tokens/<int:number>/revoke")
@require_role("publisher")
def revoke_token(number: int) -> Response:
    owner = current_account()
    assert owner is not None
    mine = {t.id: t for t in accounts().tokens(owner) if t.revoked is None}
    if number not in mine:
        raise NotFound("Aucun jeton actif à ce numéro.", "No active token with this number.")
    accounts().revoke_token(owner.login, mine[number].name)
    return redirect(in_page_language(ACCOUNT_PATH), 303)


@blueprint.post("/account/password")
@require_role("publisher")
def change_password() -> Response | str:
    """A new password, given twice, with the current one; the other sessions end, this one
    goes on."""
    form = PasswordForm()
    owner = current_account()
    assert owner is not None
    valid = form.validate_on_submit()
    if valid and not accounts().password_is(owner.login, form.current.data):
        form.current.errors = [*form.current.errors, "wrong"]
        valid = False
    if not valid:
        body = account_page(password_form=form)
        return Response(body, status=400, mimetype="text/html")
    login_user(Person(accounts().set_password(owner.login, form.new.data)))
    return account_page(password_changed=True)


@blueprint.get("/accounts")
@require_role("administrator")
def all_accounts() -> str:
    """Every account, for the administrators (``mediation users`` changes them)."""
    langs = languages()
    return render_template(
        "publish_accounts.html",
        accounts=[
            (a, role_name(a.role, langs.ui), organisation_names(a.organisations, langs))
            for a in accounts().all()
        ],
        when=lambda stamp: moment_in_words(datetime.fromisoformat(stamp), zone(), langs.ui),
    )


def register(app: Flask) -> None:
    """The blueprint, and the limits on guessing a password."""
    app.register_blueprint(blueprint)
    limit_attempts(app, "publish.sign_in", lambda answer: answer.status_code not in (302, 303))
    # Guessing the current password from a session someone left open is limited too.
    limit_attempts(app, "publish.change_password", lambda answer: answer.status_code == 400)
