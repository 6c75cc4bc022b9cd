"""The one place where errors become responses.

An error is answered in the form the client asked for: an HTML page for a
browser, JSON for a machine that accepts it, plain text otherwise. The message
is always in French and in English, and never carries a traceback.
"""

from __future__ import annotations

import errno
import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, SecurityError

from ..errors import DiskFull, MediationError, NotFound, NotReady, TooManyRequests
from ..formats import HTML, parse_accept

log = logging.getLogger(__name__)

# Werkzeug's own HTTP errors (unknown route, wrong method…), in French.
HTTP_MESSAGES_FR = {
    400: "Requête invalide.",
    404: "Aucune ressource à cette adresse.",
    405: "Méthode non autorisée pour cette adresse.",
    413: "Le corps de la requête est trop volumineux.",
    415: "Type de contenu non pris en charge.",
}


def no_resource(path: str) -> NotFound:
    """The 404 of a path on this host that names nothing (``path`` without its leading
    slash; cut at 200 characters in the message)."""
    shown = path[:200]
    return NotFound(
        f"Aucune ressource à l'adresse /{shown}.", f"No resource at /{shown}.", path="/" + shown
    )


def wants(media_type: str) -> bool:
    """True when the request's Accept prefers ``media_type`` over HTML and plain text."""
    accept = parse_accept(request.headers.get("Accept"))
    return accept.best_match([media_type, HTML.media_type, "text/plain"]) == media_type


#: An error's own forms, in the order that wins a tie: a client that takes anything
#: (``*/*``, or YASGUI's ``application/sparql-results+json,*/*;q=0.9``) gets text it can show.
ERROR_TYPES = ("text/plain", "application/json", "text/html")
#: Clients that never parse an error's body but print it in their exception's message
#: (SPARQLWrapper's ``QueryBadFormed`` and its siblings carry the body's bytes): text, whatever
#: their Accept says, and SPARQLWrapper's JSON mode names ``application/json``.
PRINTING_AGENTS = ("sparqlwrapper",)


def error_form(accept_header: str | None, user_agent: str | None = None) -> str:
    """The media type of an error's body: the one of :data:`ERROR_TYPES` the client accepts
    best; when it accepts none of them (``application/sparql-results+json`` alone), JSON if it
    named a JSON type, which it can parse, else text."""
    if (user_agent or "").lower().startswith(PRINTING_AGENTS):
        return "text/plain"
    accept = parse_accept(accept_header)
    best = accept.best_match(ERROR_TYPES)
    if best is None:
        named = (value.lower() for value, quality in accept if quality > 0)
        return "application/json" if any("json" in value for value in named) else "text/plain"
    return best


def error_response(
    error: MediationError, extra_headers: dict[str, str] | None = None, page: bool = True
) -> Response:
    """``error`` in the form the client accepts best; never a page without ``page`` (a
    request refused before routing has no URLs to build one with)."""
    form = error_form(request.headers.get("Accept"), request.headers.get("User-Agent"))
    if form == "text/html" and not page:
        form = "text/plain"
    if form == "text/html":
        body = render_template("error.html", error=error)
        response = Response(body, status=error.status, mimetype="text/html")
    elif form == "application/json":
        payload = {
            "error": error.code,
            "status": error.status,
            "message": {"fr": error.message_fr, "en": error.message_en},
        }
        payload.update({k: v for k, v in error.details.items() if _jsonable(v)})
        response = jsonify(payload)
        response.status_code = error.status
    else:
        response = Response(error.bilingual() + "\n", status=error.status, mimetype="text/plain")
    response.headers["Vary"] = "Accept, User-Agent"
    for name, value in (extra_headers or {}).items():
        response.headers[name] = value
    return response


def disk_full(error: BaseException) -> bool:
    """Whether ``error`` says the disk is full: ``ENOSPC`` from Python, or the text RocksDB
    (Oxigraph's storage) and SQLite put in theirs, which carry no errno."""
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return True
    text = str(error)
    return "No space left on device" in text or "database or disk is full" in text


def _jsonable(value: object) -> bool:
    return isinstance(value, (str, int, float, bool, list, dict, type(None)))


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(MediationError)
    def handle_mediation_error(error: MediationError):
        if error.status >= 500:
            log.warning("%s: %s", error.code, error.message_en)
        # Something being prepared, or a limit reached, says when to come back (RFC 9110
        # §10.2.3, RFC 6585 §4).
        waits = isinstance(error, (NotReady, TooManyRequests))
        retry = error.details.get("retry_after") if waits else None
        return error_response(error, {"Retry-After": str(retry)} if retry else None)

    @app.errorhandler(SecurityError)
    def handle_untrusted_host(error: SecurityError):
        # The Host header is not echoed: it is the attacker's text.
        wrapped = MediationError(
            "Hôte inconnu : ce service ne répond que pour ses propres noms (réglages "
            "trusted_hosts et public_url).",
            "Unknown host: this service answers only for its own names (settings "
            "trusted_hosts and public_url).",
        )
        wrapped.status, wrapped.code = 400, "unknown-host"
        return error_response(wrapped, page=False)

    @app.errorhandler(HTTPException)
    def handle_http_exception(error: HTTPException):
        status = error.code or 500
        wrapped = MediationError(
            HTTP_MESSAGES_FR.get(status, error.name), error.description or error.name
        )
        wrapped.status = status
        wrapped.code = error.name.lower().replace(" ", "-")
        response = error_response(wrapped)
        if status == 405 and error.valid_methods:  # type: ignore[attr-defined]
            response.headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        if disk_full(error):
            log.error("disk full: %s; free space, then restart the service", error)
            return error_response(
                DiskFull(
                    "Le disque du service est plein : la requête n'a pas abouti, et une "
                    "écriture n'est pas confirmée (celle que le journal a reçue est appliquée au "
                    "redémarrage). L'exploitant doit libérer de la place, puis redémarrer le "
                    "service.",
                    "The service's disk is full: the request did not go through, and a write "
                    "is not confirmed (one the journal received is applied at the restart). "
                    "The operator must free space, then restart the service.",
                )
            )
        log.exception("unexpected error")
        wrapped = MediationError(
            "Erreur interne du service ; elle a été consignée.",
            "Internal error of the service; it has been logged.",
        )
        return error_response(wrapped)
