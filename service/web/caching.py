"""Conditional requests for every GET route: one rule, applied once, after the routes.

Routes that know their validators before doing the work answer 304 themselves with
:func:`service.web.site.validators` and :func:`~service.web.site.not_modified` (an
``ETag`` from the store generation and the representation, ``Last-Modified`` the time
the generation was first seen). Every other successful GET or HEAD gets them here:

* no ``ETag`` yet: a strong one from the body's bytes (a streamed body or a file is
  left to its route);
* no ``Last-Modified`` yet: when the store last changed, as far as this process knows;
* then Werkzeug's ``make_conditional`` answers ``If-None-Match`` / ``If-Modified-Since``
  with 304 (RFC 9110 §13.2.2: ``If-None-Match`` wins when both are sent).

Not a blueprint: registered on the application by :func:`register`.
"""

from __future__ import annotations

from flask import Flask, Response, request

from . import site


def register(app: Flask) -> None:
    @app.after_request
    def conditional(response: Response) -> Response:
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if response.is_streamed or response.direct_passthrough:
            # A file or a generator: its route set its validators and answered 304 itself.
            return response
        if "ETag" not in response.headers:
            response.add_etag()
        if response.last_modified is None:
            response.last_modified = site.changed_at()
        return response.make_conditional(request)


__all__ = ["register"]
