"""The sitemap and ``robots.txt``: how crawlers find every page.

``/sitemap.xml`` is an index of one sitemap per kind of page (``/sitemaps/{kind}.xml``, cut
into files of 50,000 URLs, ``?page=`` from 2 on) as the last open-data build's inventory
lists them, then the sections other parts of the service register
(``site.add_sitemap``). Each page is listed once per interface language, each of its URLs
with the ``xhtml:link`` alternates of all of them and ``x-default``
(https://developers.google.com/search/docs/specialty/international/localized-versions#sitemap).
``/robots.txt`` points at it. See ``docs/resources.md``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from datetime import datetime
from urllib.parse import quote

from flask import Blueprint, Response, request

from ..errors import BadRequest
from ..opendata import SITEMAP_LIMIT, URLS_PER_PAGE, Build
from ..pages import PAGE_KINDS_BY_NAME
from . import site
from .context import store
from .responses import no_resource
from .served import build_validators, current_build

blueprint = Blueprint("sitemaps", __name__)

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
#: The namespace of the alternates of a page (its other languages) in a sitemap.
XHTML_NS = "http://www.w3.org/1999/xhtml"
#: Pages a file of a registered section lists (each in every interface language).
PAGES_PER_FILE = SITEMAP_LIMIT // URLS_PER_PAGE
#: Sitemap bodies kept for the build being served (the most recently used first out): a file
#: of 50,000 URLs is about 5 MB.
SITEMAP_BYTES = 64 << 20
#: Sections a sitemap may have even when they are empty: every kind of page.
SITEMAP_KINDS = frozenset(PAGE_KINDS_BY_NAME) | {"vocabulary"}


def sitemap_build() -> Build:
    """The open-data build the sitemap is read from; 503 with ``Retry-After`` before the
    first one. Its inventory lists every page by kind with its date, cut into files."""
    return current_build(("Le plan du site est", "The sitemap is"))


def _kept(build: Build, key: tuple, make: Callable[[], bytes]) -> bytes:
    """``make()``, kept while ``build`` is served (at most :data:`SITEMAP_BYTES` in all)."""
    return site.kept_for_build(
        "sitemap",
        build.identity,
        (site.public_root(),) + key,
        make,
        len,
        SITEMAP_BYTES,
    )


def _xml(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _sitemap_response(body: bytes, validators: tuple[str, datetime]) -> Response:
    return site.finish(Response(body, mimetype="application/xml"), *validators, "")


def _urlset(entries: Iterable[site.SitemapEntry]) -> bytes:
    """Each page in each interface language (a ``url`` each), with the alternates of all of
    them, on this host as every URL of a sitemap must be."""
    root = ET.Element("urlset", {"xmlns": SITEMAP_NS, "xmlns:xhtml": XHTML_NS})
    host = site.public_root().rstrip("/")
    for entry in entries:
        links = site.language_links(host + quote(entry.path, safe="/:@!$&'()*+,;=-._~%#"))
        for own in links:
            if own["hreflang"] == "x-default":
                continue
            element = ET.SubElement(root, "url")
            ET.SubElement(element, "loc").text = own["href"]
            if entry.lastmod:
                ET.SubElement(element, "lastmod").text = entry.lastmod
            for link in links:
                ET.SubElement(element, "xhtml:link", rel="alternate", **link)
    return _xml(root)


def _add_sitemap(index: ET.Element, name: str, page: int, lastmod: str | None) -> None:
    """One file of the sitemap index: ``/sitemaps/{name}.xml``, ``?page=`` from 2 on."""
    element = ET.SubElement(index, "sitemap")
    suffix = f"?page={page}" if page > 1 else ""
    host = site.public_root().rstrip("/")
    ET.SubElement(element, "loc").text = f"{host}/sitemaps/{quote(name)}.xml{suffix}"
    if lastmod:
        ET.SubElement(element, "lastmod").text = lastmod


def _page_number() -> int:
    try:
        page = int(request.args.get("page", "1"))
    except ValueError:
        page = 0
    if page < 1:
        raise BadRequest(
            "Le paramètre page doit être un entier positif.",
            "The page parameter must be a positive integer.",
        )
    return page


@blueprint.get("/sitemap.xml")
def sitemap_index() -> Response:
    """One sitemap per kind of page, cut into files of 50,000 URLs (sitemaps.org's limit), as
    the last open-data build found them; then the sections other parts registered."""
    build = sitemap_build()
    extra = site.sitemap_sections()
    parts: tuple = ("sitemap-index",)
    if extra:  # their entries come from the store: its generation is part of the answer
        parts += (sorted(extra), store().generation)
    validators = build_validators(build, site.public_root(), *parts)
    if (cached := site.not_modified(*validators, "")) is not None:
        return cached

    def render() -> bytes:
        root = ET.Element("sitemapindex", xmlns=SITEMAP_NS)
        for file in build.sitemap_files():
            _add_sitemap(root, file.kind, file.page, file.lastmod)
        for name, entries in extra.items():
            items = list(entries())
            dates = [e.lastmod for e in items if e.lastmod]
            files = -(-len(items) // PAGES_PER_FILE)  # rounded up
            for page in range(1, files + 1):
                _add_sitemap(root, name, page, max(dates) if dates else None)
        return _xml(root)

    body = render() if extra else _kept(build, ("index",), render)
    return _sitemap_response(body, validators)


@blueprint.get("/sitemaps/<name>.xml")
def sitemap(name: str) -> Response:
    """One file of a kind's sitemap (``?page=`` from 2 on), from the build's inventory: a
    keyed read of at most 50,000 rows, rendered once per build and host."""
    extra = site.sitemap_sections()
    if name in extra:
        return _registered_sitemap(name, extra[name])
    build = sitemap_build()
    files = [f for f in build.sitemap_files() if f.kind == name]
    if not files and name not in SITEMAP_KINDS:
        raise no_resource(f"sitemaps/{name}.xml")
    page = _page_number()
    if page > max(1, len(files)):
        raise no_resource(f"sitemaps/{name}.xml?page={page}")
    validators = build_validators(build, site.public_root(), "sitemap", name, page)
    if (cached := site.not_modified(*validators, "")) is not None:
        return cached

    def render() -> bytes:
        file = files[page - 1] if files else None
        listed = build.listed(name, file.urls // URLS_PER_PAGE, file.first) if file else []
        return _urlset(site.SitemapEntry(site.local(iri), lastmod) for iri, lastmod in listed)

    return _sitemap_response(_kept(build, ("sitemap", name, page), render), validators)


def _registered_sitemap(name: str, entries: Callable[[], Iterable[site.SitemapEntry]]) -> Response:
    """A section another part of the service registered (``site.add_sitemap``)."""
    page = _page_number()
    etag, modified = site.validators("sitemap", name, page, site.public_root())
    if (cached := site.not_modified(etag, modified, "")) is not None:
        return cached
    items = list(entries())[(page - 1) * PAGES_PER_FILE : page * PAGES_PER_FILE]
    if page > 1 and not items:
        raise no_resource(f"sitemaps/{name}.xml?page={page}")
    return site.finish(Response(_urlset(items), mimetype="application/xml"), etag, modified, "")


@blueprint.get("/robots.txt")
def robots() -> Response:
    body = "\n".join(
        [
            "User-agent: *",
            "Disallow: /sparql",
            "Disallow: /*?incoming=",
            f"Sitemap: {site.public_root()}sitemap.xml",
            "",
        ]
    )
    return Response(body, mimetype="text/plain")


__all__ = ["blueprint"]
