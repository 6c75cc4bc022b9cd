"""Web addresses as the export gives them, made fit to be IRIs.

An address keeps what identifies the page and loses what only tracks clicks; the
characters an IRI cannot hold are percent-encoded, and ``javascript:`` pseudo-links are
told apart from addresses.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from .platforms import PLATFORMS

#: Query parameters that only track where a click came from.
TRACKING_PARAMETERS = re.compile(r"^(?:utm_\w+|ref_src|ref_url|src|s|t|fbclid|gclid)$")
#: What an IRI cannot hold as it is (RFC 3987 §2.2).
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f]')


def safe_iri(url: str) -> str:
    """The address with the characters an IRI cannot hold percent-encoded (RFC 3987 §2.2),
    so that a stray space or backslash in the source never breaks the draft's syntax."""
    return _NOT_IN_IRI.sub(lambda m: f"%{ord(m.group()):02X}", url)


def clean_url(url: str) -> str:
    """The address without what only tracks clicks; a post's or profile's without any query."""
    parts = urlsplit(url)
    host = parts.netloc.lower()
    if any(host in platform.hosts for platform in PLATFORMS):
        return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    kept = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not TRACKING_PARAMETERS.match(k)
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept), parts.fragment))


def is_pseudo_link(url: str) -> bool:
    """``javascript:;`` written as an address of the site (``https://irev.fr/javascript%3A%3B``)."""
    path = unquote(urlsplit(url).path).lstrip("/")
    return url.lower().startswith("javascript:") or path.lower().startswith("javascript:")


def file_name(url: str) -> str | None:
    """The name of the file an address leads to, when its last segment has an extension."""
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    return name if "." in name else None
