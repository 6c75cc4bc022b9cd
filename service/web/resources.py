"""Dereferencing: every IRI under the base answers at its path, in the format asked for.

``{base}id/…`` at ``/id/…``, the vocabulary ``{base}def`` (namespace
``{base}def#``) at ``/def``, the shapes (``{base}shapes#``) at ``/shapes``,
named graphs at ``/graph/{name}``; a hash IRI is described in its document.
Each answers by content negotiation (``Accept``, q-values and wildcards, with
Werkzeug's parser: HTML, Turtle, JSON-LD, N-Triples, RDF/XML) or by suffix
(``.ttl``, ``.jsonld``, ``.nt``, ``.rdf``, ``.html``: one cacheable URL per
format), with ``Link`` headers (alternates, ``describedby``, ``license``,
``type``, ``cite-as``), ``ETag`` and ``Last-Modified`` (304 on a conditional
GET).

This blueprint reads the request and answers it; what a page shows is made by
``service.pages`` (see ``docs/resources.md``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from flask import Blueprint, Response, render_template, request, send_from_directory
from rdflib import Graph, URIRef

from ..config import DEFAULT_BASE, local_today
from ..errors import BadRequest, NotAcceptable
from ..formats import (
    GRAPH_FORMATS,
    HTML,
    JSONLD,
    TURTLE,
    Format,
    content_type,
    negotiate,
    not_acceptable,
    parse_accept,
)
from ..namespaces import NOT_IN_IRI, PREFIXES, iri_problem, is_persistent
from ..opendata import graph_key
from ..pages import (
    INCOMING_SHOWN,
    SECTION_LINKS,
    GenerationReads,
    IncomingCache,
    IncomingLinks,
    PageContext,
    PageView,
    Terms,
    describe,
    gone_error,
    incoming_links,
    incoming_links_page,
    incoming_page,
    resource_page,
)
from ..writes import Tombstone, history_graph, tombstone
from . import site
from .context import builds, changelog, config, index, store
from .responses import no_resource

blueprint = Blueprint("resources", __name__)

STATIC = Path(__file__).resolve().parent / "static"

#: What a resource is served as, HTML first: a browser's */* gets a page.
RESOURCE_FORMATS: tuple[Format, ...] = (HTML,) + GRAPH_FORMATS
#: Rendered pages and documents kept per store generation and build (most recently used).
KEPT_PAGE_BYTES = 32 << 20
SUFFIXES: dict[str, Format] = {f.suffix: f for f in RESOURCE_FORMATS}

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


# ---------------------------------------------------------------------------------------------
# Paths → IRIs
# ---------------------------------------------------------------------------------------------


def safe_path(path: str) -> str:
    """The request path if it can name one of our IRIs; 404 for NUL, control characters,
    empty, ``.`` or ``..`` segments and backslashes (no path is ever read as a file)."""
    if _CONTROL.search(path) or "\\" in path:
        raise no_resource(_CONTROL.sub("?", path))
    segments = path.split("/")
    if any(s in ("", ".", "..") for s in segments):
        raise no_resource(path)
    return path


def iri_for(path: str) -> URIRef:
    """The IRI a path names: under the base, the vocabulary and the shapes under their own."""
    base = DEFAULT_BASE if is_persistent(path) else config().base_url
    iri = base + NOT_IN_IRI.sub(lambda m: quote(m.group(0)), path)
    problem = iri_problem(iri)
    if problem is not None:
        # Bytes that are not UTF-8 (``%ff``, overlong ``%c0%ae``, an encoded surrogate) reach
        # the path as U+FFFD: no IRI holds it, so the request is wrong, not absent.
        raise BadRequest(
            f"Ce chemin ne forme pas une IRI : {problem} (un octet encodé en %XX qui n'est pas "
            "de l'UTF-8 ?).",
            f"This path does not make an IRI: {problem} (a %XX-encoded byte that is not UTF-8?).",
            reason=problem,
        )
    return URIRef(iri)


def split_suffix(path: str) -> tuple[str, Format | None]:
    stem, dot, suffix = path.rpartition(".")
    if dot and stem and suffix in SUFFIXES and "/" not in suffix:
        return stem, SUFFIXES[suffix]
    return path, None


_MEDIA_RANGE = re.compile(r"^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+*-]+$")


def resource_format(header: str | None) -> Format | None:
    """The best served format for ``Accept``; a header without a single well-formed media
    range is malformed and gets the default (HTML), one that only names types we do not
    serve gets None (406)."""
    if not any(_MEDIA_RANGE.match(value) for value, _ in parse_accept(header)):
        return RESOURCE_FORMATS[0]
    return negotiate(header, RESOURCE_FORMATS)


def _iri_parameter(name: str) -> URIRef | None:
    value = request.args.get(name)
    if value is None:
        return None
    parts = urlsplit(value)
    if not (parts.netloc or parts.scheme == "urn") or iri_problem(value) is not None:
        raise BadRequest(
            f"Le paramètre {name} doit être une IRI absolue : {value[:200]!r}.",
            f"The {name} parameter must be an absolute IRI: {value[:200]!r}.",
        )
    return URIRef(value)


# ---------------------------------------------------------------------------------------------
# Routes
# ---------------------------------------------------------------------------------------------


@blueprint.route("/id/<path:rest>", methods=["GET", "HEAD"])
def resource(rest: str) -> Response:
    return dereference("id/" + rest)


@blueprint.route("/def", methods=["GET", "HEAD"])
@blueprint.route("/def.<suffix>", methods=["GET", "HEAD"])
def vocabulary(suffix: str | None = None) -> Response:
    return dereference("def" + (f".{suffix}" if suffix else ""))


@blueprint.route("/shapes", methods=["GET", "HEAD"])
@blueprint.route("/shapes.<suffix>", methods=["GET", "HEAD"])
def shapes(suffix: str | None = None) -> Response:
    return dereference("shapes" + (f".{suffix}" if suffix else ""))


@blueprint.route("/graph/<path:rest>", methods=["GET", "HEAD"])
def named_graph(rest: str) -> Response:
    return dereference("graph/" + rest)


@blueprint.get("/static/site.css")
def stylesheet() -> Response:
    return send_from_directory(STATIC, "site.css", max_age=3600)


def dereference(path: str) -> Response:
    # What this answer is made under: the door in front of Flask keeps it while it holds.
    site.keep_at_door()
    path = safe_path(path)
    path, fixed = split_suffix(path)
    fmt = fixed or resource_format(request.headers.get("Accept"))
    if fmt is None:
        raise not_acceptable(
            request.headers.get("Accept", ""),
            RESOURCE_FORMATS,
            lambda f: f"{f.media_type} (.{f.suffix})",
        )
    langs = site.languages()
    incoming = _iri_parameter("incoming")
    after = _iri_parameter("after")
    if after is not None and incoming is None:
        raise BadRequest(
            "Le paramètre after n'a de sens qu'avec incoming.",
            "The after parameter only makes sense with incoming.",
        )
    vary = ", ".join(
        (["Accept"] if fixed is None else [])
        + (["Accept-Language"] if fixed in (None, HTML) else [])
    )
    links = incoming_links(index(), store(), incoming_cache())
    etag, modified = site.validators(
        path,
        fmt.key,
        langs.order if fmt is HTML else "",
        incoming,
        after,
        config().page_size,
        request.args.get("history", ""),
        links.token,
        # A page reads the data against the day (an event that took place).
        site.today() if fmt is HTML else "",
    )
    if (cached := site.not_modified(etag, modified, vary)) is not None:
        return cached
    iri = iri_for(path)
    settings = config()

    def render() -> tuple[int, bytes, list[tuple[str, str]]]:
        if incoming is not None:
            found = incoming_page(store(), iri, incoming, settings.page_size, after, links)
            if found is None:
                raise no_resource(path + "?incoming=…")
            group, document = found
            if fmt is HTML:
                page = incoming_links_page(iri, group, document, langs, page_context(links))
                response = _html_response(page)
            else:
                response = _rdf_response(document, fmt)
            types: set[URIRef] = set()
        else:
            # A page shows the first few links of each group (a page of those its sections
            # read: an event's programme); a document, a page of each.
            size = settings.page_size
            if fmt is HTML:
                sized = {p: size for p in SECTION_LINKS}
                description = describe(
                    store(), iri, min(INCOMING_SHOWN, size), links, sized, generation_reads()
                )
            else:
                description = describe(store(), iri, size, links, reads=generation_reads())
            # The description has read the resource's own triples: one held outside the
            # history is alive, and only another may be a deleted resource's tombstone (410).
            history = history_graph(settings.base_url)
            if description is None or not description.held_outside(history):
                gone = tombstone(store(), changelog(), iri, settings.base_url)
                if gone is not None:
                    response = gone_response(gone, fmt)
                    return response.status_code, response.get_data(), list(response.headers)
            if description is None:
                raise no_resource(path)
            if fmt is HTML:
                shown = request.args.get("history") or None
                page = resource_page(description, langs, page_context(links), shown)
                response = _html_response(page)
            else:
                response = _rdf_response(description.rdf(), fmt)
            types = description.types
        response.headers["Content-Type"] = content_type(fmt)
        response.headers["Link"] = link_header(path, iri, types, fmt)
        if fmt is HTML:
            response.headers["Content-Language"] = langs.ui
        return response.status_code, response.get_data(), list(response.headers)

    # Rendered once per representation: the ETag names everything the page is made from
    # (the store's generation, the language, the day…), the build what a graph page counts.
    current = builds().current
    identity = (store().generation, current.identity if current is not None else None)
    status, body, headers = site.kept_for_build(
        "pages",
        identity,
        (etag, request.url_root),
        render,
        lambda kept: len(kept[1]),
        KEPT_PAGE_BYTES,
    )
    response = Response(body, status=status, headers=headers)
    if status != 200:  # a tombstone (410) says its own validators
        return response
    return site.finish(response, etag, modified, vary)


def _html_response(page: PageView) -> Response:
    return Response(render_template(page.template, **page.context), mimetype="text/html")


def _rdf_response(graph: Graph, fmt: Format) -> Response:
    if fmt is JSONLD:
        context = dict(PREFIXES)
        context["hydra"] = "http://www.w3.org/ns/hydra/core#"
        body = graph.serialize(format="json-ld", context=context, auto_compact=True)
        return Response(body, mimetype=fmt.media_type)
    try:
        body = graph.serialize(format=fmt.rdflib)
    except ValueError as error:
        # RDF/XML cannot write a property whose IRI has no valid XML local name
        # (https://www.w3.org/TR/rdf-syntax-grammar/#section-Serialising).
        others = ", ".join(f.label for f in GRAPH_FORMATS if f is not fmt)
        raise NotAcceptable(
            f"Cette ressource ne peut pas s'écrire en {fmt.label} ({error}). "
            f"Formats possibles : {others}.",
            f"This resource cannot be written in {fmt.label} ({error}). Possible formats: {others}.",
        ) from None
    return Response(body, mimetype=fmt.media_type)


def gone_response(gone: Tombstone, fmt: Format) -> Response:
    """410 for a resource a write deleted: what it was and when it went (RDF formats get the
    tombstone's description, a browser a page, others JSON or text by ``Accept``)."""
    if fmt is not HTML:
        response = _rdf_response(gone.graph(), fmt)
        response.status_code = 410
        response.headers["Content-Type"] = content_type(fmt)
        return response
    raise gone_error(gone, vocabulary_terms(), site.zone())


def link_header(path: str, iri: URIRef, types: Iterable[URIRef], served: Format) -> str:
    """RFC 8288 links: every format's URL, the machine descriptions, licence, types, cite-as.

    https://signposting.org/FAIR/ — ``describedby`` points at the RDF descriptions,
    ``cite-as`` at the persistent IRI, ``type`` at each class.
    """
    links = [
        f'</{path}.{f.suffix}>; rel="alternate"; type="{f.media_type}"' for f in RESOURCE_FORMATS
    ]
    links += [
        f'</{path}.{f.suffix}>; rel="describedby"; type="{f.media_type}"' for f in (TURTLE, JSONLD)
    ]
    links.append(f'<{site.LICENCE_URL}>; rel="license"')
    links += [f'<{t}>; rel="type"' for t in sorted(types, key=str)]
    links.append(f'<{iri}>; rel="cite-as"')
    return ", ".join(links)


# ---------------------------------------------------------------------------------------------
# What pages read: the application's parts, gathered for the pages wing
# ---------------------------------------------------------------------------------------------


def page_state(parts: dict[str, Any]) -> tuple:
    """What a resource's answer is made from besides the request (``parts``: what
    ``create_app`` built): the store's generation, the open-data build a graph page counts
    its triples from, where incoming links are read (the index's stamp) and the day. The
    door sends a kept answer only while this is the same (``service/web/door.py``)."""
    store = parts["store"]
    current = parts["builds"].current
    cache = parts.setdefault("incoming_cache", IncomingCache())
    return (
        store.generation,
        current.identity if current is not None else None,
        incoming_links(parts["index"], store, cache).token,
        local_today(parts["config"]),
    )


def incoming_cache() -> IncomingCache:
    """The application's cache of incoming links read from the store (while the index is
    being built)."""
    return site.state().setdefault("incoming_cache", IncomingCache())


def vocabulary_terms() -> Terms:
    """The vocabulary's names, read once per store generation."""
    return site.kept_for_generation("resource_terms", Terms.read)


def generation_reads() -> GenerationReads:
    """What pages read that only a write changes, kept for the store's generation
    (``service/pages/generation.py``)."""
    return site.kept_for_generation("generation_reads", GenerationReads.read)


def built_graph_size(graph: URIRef) -> tuple[int, datetime] | None:
    """A named graph's size as the last open-data build counted it, and when it finished."""
    build = builds().current
    name = graph_key(graph, config().base_url)
    if build is None or name is None or f"graph/{name}" not in build.manifest.triples:
        return None
    return build.manifest.triples[f"graph/{name}"], build.finished


def page_context(links: IncomingLinks) -> PageContext:
    settings = config()
    return PageContext(
        store=store(),
        base_url=settings.base_url,
        page_size=settings.page_size,
        terms=vocabulary_terms(),
        links=links,
        index=index(),
        changelog=changelog(),
        zone=site.zone(),
        graph_sizes=built_graph_size,
        today=site.today(),
        reads=generation_reads(),
    )


__all__ = ["blueprint", "page_state"]
