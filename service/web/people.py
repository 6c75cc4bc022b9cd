"""Who is signed in at ``/publish``, and the doors every publishing page goes through.

Not a blueprint: any blueprint may use it (blueprints never import each other), so the
publishing pages of every blueprint share one way in.

* :func:`current_account` — the account of this request's session, or None; a disabled
  account, or a session opened before a password reset, is no one, from the next request on.
* :func:`require_role` — a view decorator: no session, a redirection to the sign-in page
  (303, back here afterwards); a role below the one needed, a 403.
* :func:`organisations` — the IRIs of the organisations the signed-in account acts for.
* :func:`install` — sessions (Flask-Login over Flask's signed cookie: ``HttpOnly``,
  ``SameSite=Lax``, ``Secure`` when the request came over https), the secret key, a CSRF
  token checked on every form posted under ``/publish`` (Flask-WTF; missing or wrong: a 400
  that says so in French and English), and :func:`limit_attempts`, the limit on guessing a
  password (signing in, changing it) per client address (the ``limits`` library, counted in
  this process's memory: one process serves, and a restart forgets the count; several
  processes would need a shared store such as Redis).
"""

from __future__ import annotations

import hmac
import math
import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Request, Response, current_app, make_response, redirect, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_login import LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from limits import RateLimitItem, parse_many
from limits.strategies import FixedWindowRateLimiter

from ..accounts import Account, Accounts, at_least, role_name, secret_key
from ..errors import BadRequest, Forbidden, TooManyAttempts
from .bodies import too_large
from .responses import error_response
from .windows import WindowCounts

#: Every path under it is a publishing page: its forms carry a CSRF token, its answers are
#: private to the person.
PUBLISH_PREFIX = "/publish"
SIGN_IN_ENDPOINT = "publish.sign_in"


class Person(UserMixin):
    """The signed-in account as Flask-Login holds it. Its id names the account and its
    session key, which a password reset changes."""

    def __init__(self, account: Account):
        self.account = account

    def get_id(self) -> str:
        return f"{self.account.id}:{self.account.session_key}"

    @property
    def is_active(self) -> bool:
        return not self.account.disabled


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed cookie, ``Secure`` whenever the request came over https."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return super().get_cookie_secure(app) or request.is_secure

    def open_session(self, app: Flask, incoming: Request) -> SecureCookieSession | None:
        """A request without cookies (a researcher's query, a page) gets an empty session
        without the signing serializer being made for it, which Flask does first on every
        request, nor its cookies parsed (about 10 µs a request, for nothing)."""
        if app.secret_key and not incoming.environ.get("HTTP_COOKIE"):
            return self.session_class()
        return super().open_session(app, incoming)


class _Logins(LoginManager):
    """Flask-Login, kept to the publishing pages: a public page that reads the session is sent
    with ``Vary: Cookie``, which splits the caches in front of it. Its after-request hook (for
    "remember me" cookies, which the service does not use) reads it for every response."""

    def _update_remember_cookie(self, response: Response) -> Response:
        return super()._update_remember_cookie(response) if publishing() else response


def accounts() -> Accounts:
    """The accounts file ``create_app`` opened."""
    return current_app.extensions["mediation"]["accounts"]


def current_account() -> Account | None:
    if current_user and current_user.is_authenticated:
        return current_user.account
    return None


def organisations() -> tuple[str, ...]:
    """The organisations (IRIs) the signed-in account acts for; none without a session."""
    account = current_account()
    return account.organisations if account else ()


def sign_in_address(next_path: str) -> str:
    """The sign-in page, then back to ``next_path`` (the page's language kept)."""
    params = {"next": next_path}
    if request.args.get("lang"):
        params["lang"] = request.args["lang"]
    return f"{PUBLISH_PREFIX}/sign-in?{urlencode(params)}"


def require_role(role: str = "publisher") -> Callable[[Callable], Callable]:
    """A view for accounts of ``role`` or above."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            account = current_account()
            if account is None:
                # Back to this page after signing in; a form posted is not posted again.
                back = request.full_path.rstrip("?") if request.method == "GET" else PUBLISH_PREFIX
                return redirect(sign_in_address(back), 303)
            if not at_least(account.role, role):
                raise Forbidden(
                    f"Cette page demande le rôle {role_name(role, 'fr')} ; votre compte a le "
                    f"rôle {role_name(account.role, 'fr')}.",
                    f"This page needs the {role_name(role, 'en')} role; your account has the "
                    f"{role_name(account.role, 'en')} role.",
                )
            return view(*args, **kwargs)

        return guarded

    return decorate


def _load_person(identity: str) -> Person | None:
    number, _, key = identity.partition(":")
    account = accounts().by_id(int(number)) if number.isdigit() else None
    if account is None or account.disabled:
        return None
    if not hmac.compare_digest(account.session_key.encode(), key.encode()):
        return None  # a session opened before the password was reset
    return Person(account)


def _csrf_refused(error: CSRFError) -> Response:
    return error_response(
        BadRequest(
            "Formulaire refusé : son jeton de sécurité (CSRF) manque ou ne vaut plus, ce qui "
            "arrive quand le formulaire vient d'une autre page ou d'une session fermée. "
            "Rechargez la page et envoyez-le de nouveau.",
            "Form refused: its security (CSRF) token is missing or no longer valid, which "
            "happens when the form comes from another page or a closed session. Reload the "
            "page and send it again.",
            reason=error.description,
        )
    )


class Attempts:
    """Failed password guesses per client address, ``sign_in_limit`` of them, counted in this
    process's memory by the ``limits`` library (Flask-Limiter's engine, without its hook
    before every request of the site, which cost a trivial page 0.1–1.1 ms more per request
    in six interleaved runs on this machine under load: README.md, "Dependencies")."""

    def __init__(self, rate: str):
        self.items: list[RateLimitItem] = parse_many(rate)
        self.windows = FixedWindowRateLimiter(WindowCounts())

    def wait(self, address: str) -> int:
        """Seconds ``address`` must wait before its next guess (0: it may guess now)."""
        waits = [
            math.ceil(
                self.windows.get_window_stats(item, "password", address).reset_time - time.time()
            )
            for item in self.items
            if not self.windows.test(item, "password", address)
        ]
        return max([1, *waits]) if waits else 0

    def failed(self, address: str) -> None:
        for item in self.items:
            self.windows.hit(item, "password", address)


def publishing() -> bool:
    """True when this request is for a publishing page (``/publish`` and under it)."""
    return request.path == PUBLISH_PREFIX or request.path.startswith(PUBLISH_PREFIX + "/")


def _private(response: Response) -> Response:
    """A publishing page is the person's own: never kept by a cache."""
    if publishing():
        response.headers["Cache-Control"] = "no-store"
        response.vary.add("Cookie")
    return response


def install(app: Flask) -> None:
    """Sessions, CSRF and the sign-in limit, for every blueprint's publishing pages."""
    settings = app.extensions["mediation"]["config"]
    app.secret_key = secret_key(settings)
    app.session_interface = SessionCookies()
    app.config.update(
        SESSION_COOKIE_NAME="mediation_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # Checked where the publishing pages are, not on the SPARQL and write doors, which
        # take a bearer token and no cookie.
        WTF_CSRF_CHECK_DEFAULT=False,
        # A token lives as long as the session: a long form is not lost to a clock.
        WTF_CSRF_TIME_LIMIT=None,
    )
    # No ``current_user`` in every template: it would read the session (and the account) on
    # every page rendered; publishing pages are handed what they show.
    logins = _Logins(app, add_context_processor=False)
    logins.user_loader(_load_person)
    csrf = CSRFProtect(app)

    @app.before_request
    def check_csrf() -> None:
        if publishing() and request.method not in csrf_exempt_methods:
            _bounded_form(settings.max_upload_bytes)
            csrf.protect()

    app.extensions["mediation"]["attempts"] = Attempts(settings.sign_in_limit)
    app.register_error_handler(CSRFError, _csrf_refused)
    app.after_request(_private)


#: Methods that change nothing, so carry no CSRF token (Flask-WTF's own list).
csrf_exempt_methods = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def _bounded_form(limit: int) -> None:
    """A posted form is held to ``max_upload_bytes`` before anything reads it (the CSRF
    check reads the whole form)."""
    length = request.content_length
    if length is not None and length > limit:
        raise too_large(length, limit, "max_upload_bytes")
    request.max_content_length = limit  # a body sent without its length stops there


def limit_attempts(app: Flask, endpoint: str, failed: Callable[[Response], bool]) -> None:
    """Posts to ``endpoint`` whose answer is ``failed`` count against the client's address,
    one count for every endpoint so limited (guesses of a password, wherever they are made);
    past ``sign_in_limit``, every post is a 429 with ``Retry-After``, the right password too."""
    view = app.view_functions[endpoint]

    @wraps(view)
    def limited(*args: Any, **kwargs: Any) -> Any:
        if request.method != "POST":
            return view(*args, **kwargs)
        attempts: Attempts = current_app.extensions["mediation"]["attempts"]
        address = request.remote_addr or ""
        wait = attempts.wait(address)
        if wait:
            raise TooManyAttempts(
                f"Trop de tentatives de connexion depuis cette adresse : réessayez dans {wait} s.",
                f"Too many sign-in attempts from this address: try again in {wait} s.",
                retry_after=wait,
            )
        response = make_response(view(*args, **kwargs))
        if failed(response):
            attempts.failed(address)
        return response

    app.view_functions[endpoint] = limited


__all__ = [
    "PUBLISH_PREFIX",
    "Attempts",
    "Person",
    "SessionCookies",
    "accounts",
    "current_account",
    "install",
    "limit_attempts",
    "organisations",
    "publishing",
    "require_role",
    "sign_in_address",
]
