"""Open data for portals: the catalog, VoID and the dumps.

* ``/catalog`` — the DCAT-AP 3 catalog (:mod:`service.opendata.catalog`): JSON-LD when no
  ``Accept`` is sent (harvesters send none), Turtle, RDF/XML or JSON-LD by ``Accept``
  or by suffix (``/catalog.ttl``, ``/catalog.rdf``, ``/catalog.jsonld``), a page for
  browsers (``/catalog.html``) with schema.org ``DataCatalog`` markup; paged by
  ``?after=`` (Hydra ``PartialCollectionView``), a page's links keep its suffix.
* ``/.well-known/void`` — VoID (:mod:`service.opendata.void`), Turtle by default.
* ``/dumps/{dataset}.{ttl,nt.gz,jsonld}``, ``/dumps/all.nq.gz`` and
  ``/dumps/graph/{name}.{ttl,nt.gz,jsonld}`` — the dumps (:mod:`service.opendata.dumps`),
  streamed from disk, with ``Range`` support.

No request does whole-store work: they answer from the last finished open-data build
(:mod:`service.opendata.build`, made in the background after writes), at once, and their
``ETag`` and ``Last-Modified`` are that build's: a write shows there once the build after
it has finished. Before the first build exists (the very first start on a store) they
answer 503 with ``Retry-After``. Every route answers a conditional GET with 304. A dump the
served build lists but that is gone from disk is a 500 naming it, never "try again".
"""

from __future__ import annotations

import base64
import logging
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, render_template, request, send_file
from rdflib import Graph, Literal
from rdflib.namespace import XSD

from ..errors import BadRequest, FileMissing, NotFound, NotReady
from ..formats import HTML, JSONLD, Format, content_type, negotiate, not_acceptable
from ..labels import Languages, format_date, format_number, format_size, iso_moment
from ..namespaces import HYDRA, NOT_IN_IRI, PREFIXES, VCARD
from ..opendata import (
    CATALOG_FORMATS,
    DATASET_KEYS,
    FORMATS_BY_SUFFIX,
    NQUADS_GZ,
    TRIPLE_FORMATS,
    VOID_FORMATS,
    Build,
    CatalogPage,
    Links,
    Moment,
    catalog_page,
    label_of,
    page_graph,
    schema_org,
    void_graph,
)
from . import site
from .context import builds, config
from .served import build_validators, current_build, not_ready

log = logging.getLogger(__name__)

blueprint = Blueprint("opendata", __name__)
blueprint.register_error_handler(NotReady, not_ready)

CATALOG_SUFFIXES: dict[str, Format] = {f.suffix: f for f in CATALOG_FORMATS}
JSONLD_CONTEXT = {
    **PREFIXES,
    "hydra": str(HYDRA),
    "vcard": str(VCARD),
    "spdx": "http://spdx.org/rdf/terms#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
}
CONTROLS = re.compile(r"[\x00-\x1f\x7f]")
#: Bodies kept per build (catalog pages and VoID, by address, format and language): the
#: most recently used, of the current build only.
KEPT_BODIES = 64


def kept(build: Build, key: tuple, make: Callable[[], Any]) -> Any:
    """``make()``, kept while ``build`` is served (at most :data:`KEPT_BODIES` values, the
    most recently used)."""
    return site.kept_for_build("opendata", build.identity, key, make, lambda _: 1, KEPT_BODIES)


def build_conditional(
    build: Build, *parts: object, vary: str = ""
) -> tuple[tuple[str, datetime], Response | None]:
    etag, modified = build_validators(build, request.path, *parts)
    return (etag, modified), site.not_modified(etag, modified, vary)


def serialise(graph: Graph, fmt: Format) -> bytes:
    if fmt is JSONLD:
        return graph.serialize(
            format="json-ld", context=JSONLD_CONTEXT, auto_compact=True, encoding="utf-8"
        )
    return graph.serialize(format=fmt.rdflib, encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# The catalog
# ---------------------------------------------------------------------------------------------


@blueprint.route("/catalog", methods=["GET", "HEAD"])
@blueprint.route("/catalog.<suffix>", methods=["GET", "HEAD"])
def catalog(suffix: str | None = None) -> Response:
    if suffix is not None:
        fmt = CATALOG_SUFFIXES.get(suffix)
        if fmt is None:
            # No such address (a suffix names a document, not a choice among formats: 404,
            # where Accept asks for a choice and gets 406); the message lists those there are.
            served = ", ".join(f"/catalog.{s}" for s in CATALOG_SUFFIXES)
            shown = _shown(suffix, 50)
            raise NotFound(
                f"Aucune ressource à l'adresse /catalog.{shown} ; le catalogue est servi à "
                f"/catalog et à {served}.",
                f"No resource at /catalog.{shown}; the catalog is served at /catalog and at "
                f"{served}.",
            )
    else:
        fmt = negotiate(request.headers.get("Accept"), CATALOG_FORMATS)
        if fmt is None:
            raise not_acceptable(request.headers.get("Accept", ""), CATALOG_FORMATS)
    after = catalog_after()
    langs = site.languages()
    vary = ", ".join(
        (["Accept"] if suffix is None else []) + (["Accept-Language"] if fmt is HTML else [])
    )
    settings = config()
    current = current_build()
    parts = (
        fmt.key,
        suffix or "",  # the page's own address and its links keep it: part of what is kept
        after,
        site.public_root(),
        settings.catalog_page_size,
        settings.contact_email,
        langs.order if fmt is HTML else "",
    )
    validators, unchanged = build_conditional(current, *parts, vary=vary)
    if unchanged is not None:
        return unchanged
    links = Links(site.public_root(), f".{suffix}" if suffix else "")

    def render() -> tuple[bytes, str]:
        page = catalog_page(current.catalog, links, after, settings.catalog_page_size)
        if fmt is HTML:
            body = render_template("catalog.html", **catalog_context(page, langs)).encode("utf-8")
        else:
            body = serialise(page_graph(page, settings.contact_email), fmt)
        alternates = [
            f'<{links.root}catalog.{f.suffix}>; rel="alternate"; type="{f.media_type}"'
            for f in CATALOG_FORMATS
        ]
        alternates.append(f'<{links.root}.well-known/void>; rel="describedby"; type="text/turtle"')
        for rel, url in (
            ("next", page.next_url),
            ("prev", page.previous_url),
            ("first", page.first_url),
            ("last", page.last_url),
        ):
            if url:
                alternates.append(f'<{url}>; rel="{rel}"')
        return body, ", ".join(alternates)

    body, link = kept(current, ("catalog",) + parts, render)
    response = Response(body, content_type=content_type(fmt))
    if fmt is HTML:
        response.headers["Content-Language"] = langs.ui
    response.headers["Link"] = link
    return site.finish(response, *validators, vary)


def catalog_after() -> str | None:
    """The ``after`` of a catalog page: once, and an IRI; the catalog itself refuses one that
    names none of its datasets. 400 otherwise, before any work."""
    values = request.args.getlist("after")
    if len(values) > 1:
        raise BadRequest(
            "Le paramètre after se donne une seule fois.", "The after parameter is given once."
        )
    after = values[0] if values else ""
    if not after:
        return None
    if len(after) > 2000:
        raise BadRequest("Le paramètre after est trop long.", "The after parameter is too long.")
    if NOT_IN_IRI.search(after):
        raise BadRequest(
            "Le paramètre after doit être l'identifiant d'un jeu de données du catalogue.",
            "The after parameter must be the identifier of a dataset of the catalog.",
        )
    return after


def catalog_context(page: CatalogPage, langs: Languages) -> dict[str, Any]:
    model = page.model

    def text(values: list[Literal]) -> dict[str, str] | None:
        best = label_of(values, langs)
        return {"text": str(best), "lang": best.language or ""} if best is not None else None

    zone = site.zone()

    def moment(value: Moment | None) -> dict[str, str] | None:
        if value is None:
            return None
        return {
            "iso": iso_moment(value.literal, zone),
            "text": format_date(value.literal, langs, zone),
        }

    def day(text: str) -> dict[str, str]:
        return {"iso": text, "text": format_date(Literal(text, datatype=XSD.date), langs, zone)}

    datasets = []
    for view in page.datasets:
        datasets.append(
            {
                "iri": str(view.entry.iri),
                "title": text(view.titles),
                "description": text(view.descriptions),
                "key": view.entry.key,
                "landing": view.landing,
                "issued": moment(view.issued),
                "modified": moment(view.modified),
                "period": [day(view.period[0]), day(view.period[1])] if view.period else None,
                "regions": [text(model.names.get(r, [])) for r in view.regions],
                "themes": [text(model.names.get(t, [])) for t in view.themes],
                "distributions": [
                    {
                        "label": d.fmt.rdf.label + (" (gzip)" if d.fmt.gzip else ""),
                        "href": d.path,
                        "type": d.fmt.media_type,
                        "size": format_size(d.bytes, langs) if d.bytes is not None else None,
                        "triples": d.triples,
                        "triples_text": format_number(Literal(d.triples), langs)
                        if d.triples is not None
                        else None,
                        "sha256": d.sha256,
                    }
                    for d in view.distributions
                ],
            }
        )
    return {
        "page": page,
        "datasets": datasets,
        "total": model.total(),
        "publisher": text(model.publisher_names),
        "jsonld": schema_org(page, langs),
        "formats": [
            {"label": f.label, "href": f"/catalog.{f.suffix}", "type": f.media_type}
            for f in CATALOG_FORMATS
            if f is not HTML
        ],
        "next_url": _local(page.next_url),
        "prev_url": _local(page.previous_url),
    }


def _local(url: str | None) -> str | None:
    if url is None:
        return None
    return "/" + url[len(site.public_root()) :] if url.startswith(site.public_root()) else url


# ---------------------------------------------------------------------------------------------
# VoID
# ---------------------------------------------------------------------------------------------


@blueprint.route("/.well-known/void", methods=["GET", "HEAD"])
def void() -> Response:
    fmt = negotiate(request.headers.get("Accept"), VOID_FORMATS)
    if fmt is None:
        raise not_acceptable(request.headers.get("Accept", ""), VOID_FORMATS)
    current = current_build()
    validators, unchanged = build_conditional(current, fmt.key, site.public_root(), vary="Accept")
    if unchanged is not None:
        return unchanged
    address = site.public_root()
    body = kept(
        current,
        ("void", address, fmt.key),
        lambda: serialise(
            void_graph(current.void, config().base_url, current.manifest, address), fmt
        ),
    )
    response = Response(body, content_type=content_type(fmt))
    return site.finish(response, *validators, "Accept")


# ---------------------------------------------------------------------------------------------
# Dumps
# ---------------------------------------------------------------------------------------------


@blueprint.route("/dumps/<path:name>", methods=["GET", "HEAD"])
def dump(name: str) -> Response:
    fmt = next((f for suffix, f in FORMATS_BY_SUFFIX.items() if name.endswith("." + suffix)), None)
    stem = name[: -len(fmt.suffix) - 1] if fmt is not None else ""
    if (
        fmt is None
        or not (stem.startswith("graph/") or stem in DATASET_KEYS)
        or (fmt is NQUADS_GZ and stem != "all")
        or (fmt is not NQUADS_GZ and fmt not in TRIPLE_FORMATS)
    ):
        raise _no_dump(name)
    current = current_build()
    path = current.file(name)  # only what the build's manifest lists: no path is made up
    if path is None:
        raise _no_dump(name)
    etag, modified = build_validators(current, request.path, name)
    try:
        # Flask adds "; charset=utf-8" to the text/ types itself.
        response = send_file(
            path,
            mimetype=fmt.media_type,
            etag=etag,
            last_modified=modified,
            conditional=True,
            max_age=None,
        )
    except FileNotFoundError:
        if builds().current is not current:
            # Two builds finished while this request waited: the one it held is gone.
            raise NotReady(
                "Les fichiers viennent d'être reconstruits ; réessayez.",
                "The files have just been rebuilt; try again.",
                retry_after=1,
            ) from None
        # The build still served lists the file, and it is not on disk: say so, never "try
        # again" (nothing will bring it back until the next build).
        log.error(
            "dump file %s of the served build (generation %s) is missing: %s",
            name,
            current.generation,
            path,
        )
        raise FileMissing(
            f"Le fichier de données /dumps/{name} manque sur le disque du serveur ; "
            "le journal du serveur le signale.",
            f"The dump file /dumps/{name} is missing from the server's disk; the server's log "
            "records it.",
            file=f"/dumps/{name}",
        ) from None
    response.headers["Cache-Control"] = "public, no-cache"
    # The file's SHA-256 (RFC 9530), from the build's manifest: what the catalog cannot
    # carry (docs/opendata.md, "What the portals read").
    record = current.manifest.files[name]
    digest = base64.b64encode(bytes.fromhex(record.sha256)).decode("ascii")
    response.headers["Repr-Digest"] = f"sha-256=:{digest}:"
    return response


def _no_dump(name: str) -> NotFound:
    shown = _shown(name, 200)
    return NotFound(f"Aucun fichier de données /dumps/{shown}.", f"No dump file /dumps/{shown}.")


def _shown(text: str, limit: int) -> str:
    """Part of an address as a message may repeat it: cut, control characters percent-encoded
    as the client wrote them (a message never carries a NUL or a line break)."""
    return CONTROLS.sub(lambda found: f"%{ord(found[0]):02X}", text[:limit])


# ---------------------------------------------------------------------------------------------
# Registration
# ---------------------------------------------------------------------------------------------


@blueprint.record_once
def _register(state) -> None:
    site.add_nav(state.app, "opendata.catalog", "Données ouvertes", "Open data", 75)


__all__ = ["blueprint"]
