"""The headers every response carries: a strict Content-Security-Policy, no sniffing, and a
referrer kept on this site.

The policy lets a page run and style only what this host serves from its own files (``'self'``):
no inline script, no ``style`` attribute or element, no ``javascript:`` address (CSP Level 3,
https://www.w3.org/TR/CSP3/#should-block-navigation-request), no frame, no plugin, no ``<base>``.
So a script that slipped into the data (a ``javascript:`` IRI a page showed as a link, markup
in a name) does not run even where an escape was missed. The query editor (YASGUI, served from
``static/vendor``) and the forms' scripts are files of ours and run under it; their
configuration is JSON in a ``<script type="application/json">``, which is data, not a script.
The editor's requests go to this host only (``connect-src 'self'``).

Not a blueprint: registered on the application by :func:`register`.
"""

from __future__ import annotations

import base64
import hashlib

from flask import Flask, Response

#: The ``<style>`` elements the query editor adds itself, allowed by their hash and nothing
#: else: YASGUI's result table makes its columns resizable with the ``column-resizer`` package,
#: which writes its rules into the page (the first once, the second while a column is
#: dragged). Copied from ``static/vendor/yasgui/yasgui.min.js`` (YASGUI 4.2.28); another
#: version that writes other rules shows as a violation in ``tests/browser/test_policy.py``.
EDITOR_STYLES = (
    " .grip-resizable{table-layout:fixed;} .grip-resizable > tbody > tr > td, .grip-resizable"
    " > tbody > tr > th{overflow:hidden} .grip-padding > tbody > tr > td, .grip-padding > tbody"
    " > tr > th{padding-left:0!important; padding-right:0!important;} .grip-container{ height:0px;"
    " position:relative;} .grip-handle{margin-left:-5px; position:absolute; z-index:5; }"
    " .grip-handle .grip-resizable{position:absolute;background-color:red;filter:alpha(opacity=1);"
    "opacity:0;width:10px;height:100%;cursor: col-resize;top:0px} .grip-lastgrip{position:absolute;"
    " width:1px; } .grip-drag{ border-left:1px dotted black;\t} .grip-flex{width:auto!important;}"
    " .grip-handle.grip-disabledgrip .grip-resizable{cursor:default; display:none;}",
    "*{cursor:col-resize!important}",
)


def source_hash(text: str) -> str:
    """A CSP hash source for an inline element's text (https://www.w3.org/TR/CSP3/#grammardef-hash-source)."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


#: https://www.w3.org/TR/CSP3/ — every fetch directive falls back to ``default-src 'none'``;
#: ``data:`` images for the editor's icons; ``form-action`` keeps forms (the sign-in, the
#: publishing forms, the plain query form) posting here.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        " ".join(("style-src 'self'", *map(source_hash, EDITOR_STYLES))),
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    )
)

#: Sent with every response. ``nosniff``: a browser takes a body for what its type says (a
#: Turtle dump holding ``<script>`` is never read as HTML); ``same-origin``: the address of a
#: page (a query in ``/sparql?query=…``) is not sent to the sites its links lead to, and the
#: forms' CSRF check still reads the ``Referer`` of a post over HTTPS.
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def register(app: Flask) -> None:
    @app.after_request
    def secure(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response


__all__ = ["CONTENT_SECURITY_POLICY", "HEADERS", "register"]
