"""Kept pages answered at the door: a resource's page or document that was rendered already is
sent from a WSGI layer in front of Flask, before routing, sessions, hooks and templates.

A page is rendered once per representation and kept (``resources.py``), but a kept page still
went through Flask's whole request (a context, the URL map, the hooks, a ``Response``): about
1 ms of the one core a Python process has, 900 requests/s at best. Here the bytes and headers
Flask sent are kept as sent, under what the answer depends on, and sent again as they are:

* the key: the method's reading (``GET`` and ``HEAD`` share it), the scheme, host, path and
  query string, and the ``Accept`` and ``Accept-Language`` headers: everything a resource's
  answer reads from the request. An answer whose ``Vary`` names another header, that sets a
  cookie or is private is never kept;
* the state the view made it under (:func:`service.web.resources.page_state`: the store's
  generation, the open-data build, the incoming links' token, the day), asked again on every
  request: after a write, or another day, no kept answer is sent, and the first request
  goes to Flask and keeps the new one;
* a conditional request gets its ``304`` here too once Flask has answered one for the same key
  (its headers kept as Flask sent them), with Werkzeug's own test of ``If-None-Match`` and
  ``If-Modified-Since``; ``Range``, ``If-Range``, ``If-Match`` and ``If-Unmodified-Since``
  always go to Flask, which decides them.

Only what a view marks (:data:`MARK` in the WSGI environment, with its state: the resources',
and the lists' and the search's while the index is in step, ``site.keep_at_door``) is kept:
the door knows nothing of routes. Not a blueprint: put in front by :func:`open_door`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from werkzeug.http import is_resource_modified, parse_date, unquote_etag

#: Where a view puts the state its answer was made under, to have it kept at the door.
MARK = "mediation.door.state"
#: The most bytes of bodies kept at the door (they are mostly the same bytes as the pages the
#: resources view keeps: what Flask sends is the kept body itself).
DOOR_BYTES = 32 << 20
#: Request headers an answer may vary by and still be kept: they are part of the key.
KEYED = frozenset({"accept", "accept-language", "host"})
#: Request headers whose answer only Flask decides (ranges, preconditions other than a 304's).
TO_FLASK = ("HTTP_RANGE", "HTTP_IF_RANGE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE")
CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")

Headers = list[tuple[str, str]]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict, StartResponse], Iterable[bytes]]


@dataclass
class Kept:
    """One answer as Flask sent it, and the ``304`` it sends for it once one was seen."""

    state: Hashable
    status: str
    headers: Headers
    body: bytes
    etag: str | None
    modified: Any
    not_modified: tuple[str, Headers] | None = None


def request_key(environ: dict) -> tuple:
    return (
        environ.get("wsgi.url_scheme"),
        environ.get("HTTP_HOST") or environ.get("SERVER_NAME"),
        environ.get("SCRIPT_NAME", ""),
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
        environ.get("HTTP_ACCEPT"),
        environ.get("HTTP_ACCEPT_LANGUAGE"),
    )


def is_shared(headers: Headers) -> bool:
    """An answer the key names whole: it varies by nothing else, is shared and sets nothing."""
    for name, value in headers:
        lowered = name.lower()
        if lowered == "set-cookie":
            return False
        if lowered == "vary" and not {v.strip().lower() for v in value.split(",")} <= KEYED:
            return False
        if lowered == "cache-control" and ("private" in value or "no-store" in value):
            return False
    return True


class Door:
    """The WSGI layer in front of the application; ``state()`` is the current state, the same
    function the view marks its answers with."""

    def __init__(self, app: WSGIApp, state: Callable[[], Hashable], limit: int = DOOR_BYTES):
        self.app = app
        self.state = state
        self.limit = limit
        self.kept: dict[tuple, Kept] = {}
        self.size = 0
        self.hits = 0
        self.lock = threading.Lock()

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if method not in ("GET", "HEAD") or any(h in environ for h in TO_FLASK):
            return self.app(environ, start_response)
        key = request_key(environ)
        found = self.kept.get(key)
        if found is not None and found.state == self.state():
            conditional = any(h in environ for h in CONDITIONAL)
            if not conditional or is_resource_modified(
                environ, etag=found.etag, last_modified=found.modified
            ):
                self.hits += 1  # counted without the lock: a figure, not an account
                start_response(found.status, list(found.headers))
                return [] if method == "HEAD" else [found.body]
            if found.not_modified is not None:
                self.hits += 1
                start_response(found.not_modified[0], list(found.not_modified[1]))
                return []
        return self._through(environ, start_response, key, method)

    def stats(self) -> dict[str, int]:
        """What ``/healthz`` reports: answers kept, their bytes, the bound, answers sent."""
        return {
            "answers": len(self.kept),
            "bytes": self.size,
            "max_bytes": self.limit,
            "hits": self.hits,
        }

    def _through(
        self, environ: dict, start_response: StartResponse, key: tuple, method: str
    ) -> Iterable[bytes]:
        """Flask's answer, kept when the view marked it and it can be."""
        sent: list[tuple[str, Headers]] = []

        def record(status: str, headers: Headers, exc_info: Any = None) -> Any:
            sent.append((status, list(headers)))
            if exc_info is not None:
                return start_response(status, headers, exc_info)
            return start_response(status, headers)

        answer = self.app(environ, record)
        state = environ.get(MARK)
        if state is None or not sent or not is_shared(sent[-1][1]):
            return answer
        status, headers = sent[-1]
        if status.startswith("304"):
            self._keep_not_modified(key, state, status, headers)
            return answer
        if not status.startswith("200") or method != "GET":
            return answer
        try:
            body = b"".join(answer)
        finally:
            close = getattr(answer, "close", None)
            if close is not None:
                close()
        # An answer whose state passed meanwhile (a write landed while it was made) is sent,
        # never kept: it would only push out the answers of the new state.
        if state == self.state():
            self._keep(key, Kept(state, status, headers, body, *sent_validators(headers)))
        return [body]

    def _keep(self, key: tuple, kept: Kept) -> None:
        with self.lock:
            # Every kept answer has the state of the last one kept: one look tells them stale.
            if self.kept and next(iter(self.kept.values())).state != kept.state:
                self.kept.clear()
                self.size = 0
            old = self.kept.pop(key, None)
            if old is not None:
                self.size -= len(old.body)
            self.kept[key] = kept
            self.size += len(kept.body)
            while self.size > self.limit and len(self.kept) > 1:  # the first kept, first out
                self.size -= len(self.kept.pop(next(iter(self.kept))).body)

    def _keep_not_modified(
        self, key: tuple, state: Hashable, status: str, headers: Headers
    ) -> None:
        with self.lock:
            found = self.kept.get(key)
            if found is not None and found.state == state:
                found.not_modified = (status, headers)


def sent_validators(headers: Headers) -> tuple[str | None, Any]:
    """The ``ETag`` (unquoted) and the ``Last-Modified`` date an answer was sent with."""
    etag = modified = None
    for name, value in headers:
        if name.lower() == "etag":
            etag = unquote_etag(value)[0]
        elif name.lower() == "last-modified":
            modified = parse_date(value)
    return etag, modified


def open_door(app: Any, state: Callable[[], Hashable]) -> None:
    """Put the door in front of a Flask application's WSGI callable."""
    app.wsgi_app = Door(app.wsgi_app, state)
    app.extensions["mediation"]["door"] = app.wsgi_app


__all__ = ["DOOR_BYTES", "MARK", "Door", "open_door"]
