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

See ``docs/resources.md`` for the description's contents and the paging of
incoming links.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from flask import Blueprint, Response, render_template, request, send_from_directory
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS
from rdflib.term import BNode, Node

from ..config import DEFAULT_BASE
from ..errors import BadRequest, Gone, NotAcceptable
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
from ..labels import DESCRIPTION_PROPERTIES, LABEL_PROPERTIES, Languages, choose, fallback_label
from ..namespaces import MED, PREFIXES, SDO, is_persistent
from ..opendata import graph_key
from ..pages import (
    OTHER_PARTS,
    PART_KINDS,
    Description,
    IncomingCache,
    IncomingGroup,
    IncomingLinks,
    IndexLinks,
    PageKind,
    StoreLinks,
    Terms,
    containment,
    describe,
    details,
    events_in,
    format_literal,
    graph_size,
    incoming_address,
    incoming_page,
    is_formatted,
    is_part,
    linked_triples,
    notes_about,
    page_kind_of,
    part_kind_of,
    project,
    roles_played,
    vocabulary_query,
)
from ..search import Filters
from ..writes import HISTORY_LINKS, Tombstone, tombstone
from . import site
from .context import builds, changelog, config, index, store
from .responses import no_resource

blueprint = Blueprint("resources", __name__)

STATIC = Path(__file__).resolve().parent / "static"

#: What a resource is served as, HTML first: a browser's */* gets a page.
RESOURCE_FORMATS: tuple[Format, ...] = (HTML,) + GRAPH_FORMATS
SUFFIXES: dict[str, Format] = {f.suffix: f for f in RESOURCE_FORMATS}

#: Characters that cannot stand in an IRI (RFC 3987 §2.2): percent-encoded when a path has them.
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f]')
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
    return URIRef(base + _NOT_IN_IRI.sub(lambda m: quote(m.group(0)), path))


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
    if not parts.scheme or not (parts.netloc or parts.scheme == "urn") or _NOT_IN_IRI.search(value):
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
    links = incoming_links()
    etag, modified = site.validators(
        path,
        fmt.key,
        langs.order if fmt is HTML else "",
        incoming,
        after,
        config().page_size,
        request.args.get("history", ""),
        links.token,
    )
    if (cached := site.not_modified(etag, modified, vary)) is not None:
        return cached
    iri = iri_for(path)
    settings = config()
    if incoming is not None:
        found = incoming_page(store(), iri, incoming, settings.page_size, after, links)
        if found is None:
            raise no_resource(path + "?incoming=…")
        group, document = found
        if fmt is HTML:
            terms = vocabulary_terms()
            linked = document
            body = render_template(
                "resource_incoming.html", **incoming_context(iri, group, linked, langs, terms)
            )
            response = Response(body, mimetype="text/html")
        else:
            response = _rdf_response(document, fmt)
        types: set[URIRef] = set()
    else:
        gone = tombstone(store(), changelog(), iri, settings.base_url)
        if gone is not None:
            return gone_response(gone, fmt, langs)
        description = describe(store(), iri, settings.page_size, links)
        if description is None:
            raise no_resource(path)
        if fmt is HTML:
            body = render_page(description, langs)
            response = Response(body, mimetype="text/html")
        else:
            response = _rdf_response(description.rdf(), fmt)
        types = description.types
    response.headers["Content-Type"] = content_type(fmt)
    response.headers["Link"] = link_header(path, iri, types, fmt)
    if fmt is HTML:
        response.headers["Content-Language"] = langs.ui
    return site.finish(response, etag, modified, vary)


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


def gone_response(gone: Tombstone, fmt: Format, langs: Languages) -> Response:
    """410 for a resource a write deleted: what it was and when it went (RDF formats get the
    tombstone's description, a browser a page, others JSON or text by ``Accept``)."""
    if fmt is not HTML:
        response = _rdf_response(gone.graph(), fmt)
        response.status_code = 410
        response.headers["Content-Type"] = content_type(fmt)
        return response
    when = gone.deleted.strftime("%Y-%m-%d %H:%M UTC")
    terms = vocabulary_terms()
    kinds = {
        lang: ", ".join(terms.class_label(t, Languages((lang, other))) for t in gone.types)
        for lang, other in (("fr", "en"), ("en", "fr"))
    }
    raise Gone(
        f"« {gone.label('fr')} » ({kinds['fr']}) a été supprimé le {when} ({gone.change}).",
        f"“{gone.label('en')}” ({kinds['en']}) was deleted on {when} ({gone.change}).",
        resource=str(gone.resource),
        deleted=gone.deleted.isoformat(),
        change=str(gone.change),
        types=[str(t) for t in gone.types],
        labels=[str(label) for label in gone.labels],
    )


def history_section(iri: URIRef, path: str) -> dict[str, Any]:
    """The changes that touched the resource, newest first, one page (``?history=`` pages)."""
    after = request.args.get("history") or None
    entries, following = changelog().for_resource(iri, config().page_size, after)
    return {
        "entries": entries,
        "next": f"{path}?{urlencode({'history': following})}#history-title" if following else None,
    }


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
# The vocabulary's names, kept per store generation
# ---------------------------------------------------------------------------------------------


#: Incoming links a group reads from the store at most while the index is being built (about
#: 0.3 s); beyond, the group says "at least" and its pages stop there until the index is back.
FALLBACK_CAP = 10_000


def incoming_links() -> IncomingLinks:
    """Where descriptions read incoming links: the search index when it is in step with the
    store, else the store itself, capped (see ``service.describe``)."""
    found = index()
    if found.trusted:
        return IndexLinks(found)
    cache = site.state().setdefault("incoming_cache", IncomingCache())
    return StoreLinks(store(), cache, FALLBACK_CAP)


def vocabulary_terms() -> Terms:
    state = site.state()
    generation = store().generation
    cached = state.get("resource_terms")
    if cached is None or cached[0] != generation:
        cached = (generation, Terms(store().construct(vocabulary_query())))
        state["resource_terms"] = cached
    return cached[1]


# ---------------------------------------------------------------------------------------------
# Page models: what templates receive
# ---------------------------------------------------------------------------------------------


@dataclass
class Value:
    """One value as a page shows it: text with its language, maybe a link, maybe nested facts."""

    text: str
    lang: str | None = None  # None: not text in a language (an address, an IRI)
    href: str | None = None
    external: bool = False
    detail: str | None = None  # a second line (an address under a venue)
    detail_lang: str | None = None
    nested: list[Fact] = field(default_factory=list)
    code: bool = False  # show as code (an IRI, a query)


@dataclass
class Fact:
    prop: URIRef
    label: str
    values: list[Value]


@dataclass
class Part:
    anchor: str
    title: Value
    types: list[str]
    facts: list[Fact]


@dataclass
class PartGroup:
    name: str
    label: str
    parts: list[Part]


@dataclass
class Incoming:
    prop: URIRef
    label: str
    count: int
    capped: bool
    links: list[Value]
    next_url: str | None
    all_url: str


#: Properties a kind's sections already show: not repeated under "Other facts".
SHOWN_IN_SECTIONS: dict[str, set[URIRef]] = {
    "event": {SDO.subEvent},
    "query": {SH.select, SH.construct, SH.ask, SH.update, SH.prefixes},
}


class PageBuilder:
    """Turns a description (graphs) into the values, facts and sections a template shows."""

    def __init__(self, iri: URIRef, graph: Graph, langs: Languages, terms: Terms):
        self.iri = iri
        self.graph = graph
        self.langs = langs
        self.terms = terms
        self.base = config().base_url

    # -- values ---------------------------------------------------------------------------------

    def href(self, node: URIRef) -> tuple[str, bool]:
        text = str(node)
        if text.startswith(str(self.iri) + "#"):
            return "#" + text.split("#", 1)[1], False
        if text.startswith(self.base):
            return site.local(text), False
        return text, True

    def label(self, node: Node) -> Literal:
        found = choose(self.graph.predicate_objects(node), self.langs, LABEL_PROPERTIES)
        if found is not None:
            return found
        # A post has no name: "Publication du 4 décembre 2019" tells more than its number.
        published = self.graph.value(node, SDO.datePublished)
        types = sorted(t for t in self.graph.objects(node, RDF.type) if isinstance(t, URIRef))
        if isinstance(published, Literal) and types:
            kind = self.terms.class_label(types[-1], self.langs)
            date = format_literal(published, self.langs)
            return Literal(
                self.langs.text(f"{kind} du {date}", f"{kind} of {date}"), lang=self.langs.ui
            )
        # An unnamed part (an address, an identifier) is named by its class.
        if types and "#" in str(node):
            return Literal(self.terms.class_label(types[0], self.langs), lang=self.langs.ui)
        return fallback_label(node)

    def literal(self, value: Literal) -> Value:
        if is_formatted(value):
            return Value(format_literal(value, self.langs), self.langs.ui)
        return Value(str(value), value.language or "")

    def value(self, node: Node, depth: int = 0) -> Value:
        if isinstance(node, Literal):
            return self.literal(node)
        if isinstance(node, BNode):
            if depth > 4:
                return Value("…")
            items = self.list_items(node)
            if items is not None:
                values = [self.value(item, depth + 1) for item in items]
                return Value(
                    " · ".join(v.text for v in values), None, nested=[Fact(RDF.first, "", values)]
                )
            return Value("", None, nested=self.facts(node, depth=depth + 1))
        assert isinstance(node, URIRef)
        href, external = self.href(node)
        if str(node).startswith(str(SDO)) and not self.has_label(node):
            return Value(self.terms.class_label(node, self.langs), self.langs.ui, href, True)
        if external and not self.has_label(node):
            return Value(str(node), None, href, True, code=True)
        name = self.label(node)
        return Value(str(name), name.language or "", href, external)

    def has_label(self, node: Node) -> bool:
        return choose(self.graph.predicate_objects(node), self.langs, LABEL_PROPERTIES) is not None

    def list_items(self, node: BNode) -> list[Node] | None:
        if (node, RDF.first, None) not in self.graph:
            return None
        items: list[Node] = []
        current: Node = node
        while current != RDF.nil and len(items) < 1000:
            first = self.graph.value(current, RDF.first)
            if first is None:
                break
            items.append(first)
            current = self.graph.value(current, RDF.rest) or RDF.nil
        return items

    # -- facts ----------------------------------------------------------------------------------

    def facts(
        self,
        node: Node,
        order: Iterable[URIRef] = (),
        skip: Iterable[Node] = (),
        depth: int = 0,
        only: Iterable[URIRef] | None = None,
        exclude: Iterable[URIRef] = (),
    ) -> list[Fact]:
        """The node's facts: properties of ``order`` first, then the others by name."""
        values: dict[URIRef, list[Node]] = {}
        skipped = set(skip)
        excluded = set(exclude) | {RDF.type}
        for p, o in self.graph.predicate_objects(node):
            if p in excluded or o in skipped:
                continue
            values.setdefault(p, []).append(o)  # type: ignore[arg-type]
        ordered = [p for p in order if p in values]
        if only is None:
            rest = sorted(
                (p for p in values if p not in ordered),
                key=lambda p: self.terms.property_label(p, self.langs).lower(),
            )
            ordered += rest
        result = []
        for p in ordered:
            objects = self.sort_values(values[p])
            result.append(
                Fact(
                    p,
                    self.terms.property_label(p, self.langs),
                    [self.value(o, depth) for o in objects],
                )
            )
        return result

    def sort_values(self, objects: list[Node]) -> list[Node]:
        def key(node: Node) -> tuple:
            position = self.graph.value(node, SDO.position)
            try:
                number = float(position) if position is not None else float("inf")
            except ValueError:
                number = float("inf")
            date = self.graph.value(node, SDO.startDate)
            return (
                self.langs.rank(node),
                number,
                str(date or ""),
                str(self.label(node)).lower() if not isinstance(node, Literal) else str(node),
            )

        return sorted(objects, key=key)

    def types(self, node: Node) -> list[str]:
        return sorted(
            {
                self.terms.class_label(t, self.langs)
                for t in self.graph.objects(node, RDF.type)
                if isinstance(t, URIRef)
            }
        )


def page_parts(builder: PageBuilder, description: Description) -> list[PartGroup]:
    groups: dict[str, PartGroup] = {}
    order = [k.name for k in PART_KINDS] + [OTHER_PARTS.name]
    for part in builder.sort_values(list(description.parts)):
        kind = part_kind_of(description.own.objects(part, RDF.type))
        title_literal = builder.label(part)
        facts = builder.facts(
            part,
            kind.fields,
            skip=[description.iri, title_literal],
            exclude=[MED.inEvent, SDO.isPartOf, SDO.position],
        )
        facts = [
            f
            for f in facts
            if not (
                len(f.values) == 1
                and f.values[0].text == str(title_literal)
                and f.prop in LABEL_PROPERTIES
            )
        ]
        group = groups.setdefault(
            kind.name, PartGroup(kind.name, builder.langs.text(kind.label_fr, kind.label_en), [])
        )
        group.parts.append(
            Part(
                str(part).split("#", 1)[1],
                builder.literal(title_literal),
                builder.types(part),
                facts,
            )
        )
    return [groups[name] for name in order if name in groups]


def incoming_view(builder: PageBuilder, iri: URIRef, group: IncomingGroup, path: str) -> Incoming:
    links = [builder.value(s) for s in group.subjects]
    params = {"incoming": str(group.property)}
    next_url = None
    if group.next_after is not None:
        next_url = f"{path}?{urlencode({**params, 'after': str(group.next_after)})}"
    return Incoming(
        group.property,
        builder.terms.property_label(group.property, builder.langs, True),
        group.count,
        group.capped,
        links,
        next_url,
        f"{path}?{urlencode(params)}",
    )


def render_page(description: Description, langs: Languages) -> str:
    terms = vocabulary_terms()
    iri = description.iri
    current = store()
    kind = page_kind_of(description.types, description.is_graph)
    graph = description.graph()
    extra = Graph()
    # More than labels for a few linked resources: a venue's address, a role's event.
    for triple in details(current, graph.objects(iri, SDO.location)):
        extra.add(triple)
    notes = notes_about(current, iri)
    notes_foreign = {
        n for n in notes.subjects(RDF.type, MED.DataQualityNote) if not is_part(n, iri)
    }
    for triple in notes:
        if triple[0] in notes_foreign or not is_part(triple[0], iri):
            extra.add(triple)
    for triple in linked_triples(current, set(extra.objects()) - set(graph.subjects())):
        extra.add(triple)
    full = graph + extra
    builder = PageBuilder(iri, full, langs, terms)
    path = site.local(iri)
    title = builder.label(iri)
    description_literal = choose(graph.predicate_objects(iri), langs, DESCRIPTION_PROPERTIES)
    skip_literals = {title, description_literal}
    fields = builder.facts(iri, kind.fields, only=kind.fields, skip=skip_literals)
    shown = {f.prop for f in fields} | SHOWN_IN_SECTIONS.get(kind.name, set())
    # Links to the document's own parts are shown with the parts.
    shown |= {
        p for p in set(graph.predicates(iri)) if all(is_part(o, iri) for o in graph.objects(iri, p))
    }
    others = [f for f in builder.facts(iri, skip=skip_literals) if f.prop not in shown]
    # A venue's address, under its name.
    for fact in fields:
        if fact.prop == SDO.location:
            for value, node in zip(
                fact.values,
                builder.sort_values(list(graph.objects(iri, SDO.location))),
                strict=True,
            ):
                value.detail = address_line(full, node)
    context: dict[str, Any] = {
        "iri": str(iri),
        "path": path,
        "kind": kind,
        "kind_label": kind.label(langs),
        "title": builder.literal(title) if isinstance(title, Literal) else Value(str(title)),
        "types": [t for t in builder.types(iri) if t != kind.label(langs)],
        "summary": builder.literal(description_literal)
        if description_literal is not None
        else None,
        "fields": fields,
        "others": others,
        "parts": page_parts(builder, description),
        # Links from the history are shown as the history, below.
        "incoming": [
            incoming_view(builder, iri, g, path)
            for g in description.incoming
            if g.property not in HISTORY_LINKS
        ],
        "history": history_section(iri, path),
        "notes": [note_part(builder, n) for n in sorted(notes_foreign, key=str)],
        "sections": sections(kind, builder, description, full),
        "alternates": [
            {"label": f.label, "type": f.media_type, "href": f"{path}.{f.suffix}"}
            for f in GRAPH_FORMATS
        ],
        "jsonld": project(full, iri, langs),
        "og_type": "article" if kind.name in ("article", "post") else "website",
        "og_locale": "fr_FR" if langs.ui == "fr" else "en_GB",
    }
    template = (
        "vocabulary.html" if kind.name == "vocabulary" or path == "/shapes" else "resource.html"
    )
    if template == "vocabulary.html":
        context["terms"] = vocabulary_sections(builder, description)
    if path == "/shapes" and not builder.has_label(iri):
        context["title"] = Value(langs.text("Formes SHACL", "SHACL shapes"), langs.ui)
        context["kind_label"] = langs.text("Formes SHACL du service", "The service's SHACL shapes")
    return render_template(template, **context)


def note_part(builder: PageBuilder, note: URIRef) -> Part:
    kind = next(k for k in PART_KINDS if k.name == "note")
    href, _ = builder.href(note)
    title = builder.label(note)
    facts = builder.facts(note, kind.fields, only=kind.fields, skip=[title])
    return Part(href, Value(str(title), title.language or "", href), builder.types(note), facts)


def address_line(graph: Graph, node: Node) -> str | None:
    for address in graph.objects(node, SDO.address):
        parts = [
            str(graph.value(address, p))
            for p in (
                SDO.streetAddress,
                SDO.postalCode,
                SDO.addressLocality,
                SDO.addressRegion,
                SDO.addressCountry,
            )
            if graph.value(address, p) is not None
        ]
        if parts:
            return ", ".join(parts)
    return None


def sections(
    kind: PageKind, builder: PageBuilder, description: Description, full: Graph
) -> dict[str, Any]:
    """The kind's extra sections, each computed only when its kind shows it."""
    iri = description.iri
    current = store()
    found: dict[str, Any] = {}
    incoming = {g.property: g for g in description.incoming}
    for name in kind.sections:
        if name == "programme":
            subs = set(full.objects(iri, SDO.subEvent))
            if SDO.superEvent in incoming:
                subs |= set(incoming[SDO.superEvent].subjects)
            if subs:
                found[name] = [
                    (
                        builder.value(s),
                        builder.value(full.value(s, SDO.startDate))
                        if full.value(s, SDO.startDate) is not None
                        else None,
                    )
                    for s in sorted(subs, key=lambda s: programme_key(full, s, builder))
                ]
        elif name == "previous_next":
            previous = [builder.value(o) for o in full.objects(iri, MED.follows)]
            following = (
                [builder.value(s) for s in incoming[MED.follows].subjects]
                if MED.follows in incoming
                else []
            )
            if previous or following:
                found[name] = {"previous": previous, "next": following}
        elif name == "containment":
            chain = containment(current, iri)
            if chain:
                names = linked_triples(current, chain)
                chain_builder = PageBuilder(iri, names, builder.langs, builder.terms)
                found[name] = [chain_builder.value(c) for c in chain]
        elif name == "events_here":
            events, more = events_here(iri)
            if events:
                names = linked_triples(current, events)
                event_builder = PageBuilder(iri, names, builder.langs, builder.terms)
                found[name] = {
                    "events": [
                        (
                            event_builder.value(e),
                            event_builder.value(names.value(e, SDO.startDate))
                            if names.value(e, SDO.startDate) is not None
                            else None,
                        )
                        for e in event_builder.sort_values(events)
                    ],
                    "more": more,
                }
        elif name == "actor_roles":
            roles = roles_played(current, iri, links=incoming_links())
            role_builder = PageBuilder(iri, roles, builder.langs, builder.terms)
            rows = []
            for role in sorted(set(roles.subjects(MED.agent, iri)), key=str):
                event = roles.value(role, MED.inEvent)
                role_type = roles.value(role, MED.roleType)
                rows.append(
                    {
                        "event": role_builder.value(event) if event is not None else None,
                        "role": role_builder.value(role_type)
                        if role_type is not None
                        else role_builder.value(role),
                        "behalf": [
                            role_builder.value(o) for o in roles.objects(role, MED.onBehalfOf)
                        ],
                    }
                )
            if rows:
                found[name] = rows
        elif name == "query":
            for prop, form in (
                (SH.select, "SELECT"),
                (SH.construct, "CONSTRUCT"),
                (SH.ask, "ASK"),
                (SH.update, "UPDATE"),
            ):
                text = full.value(iri, prop)
                if text is not None:
                    found[name] = {
                        "form": form,
                        "text": str(text),
                        "editor": f"/sparql?query={quote(str(text), safe='')}",
                    }
                    break
        elif name == "graph":
            size, capped, as_of = graph_triples(iri)
            listing = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }} LIMIT 1000"
            found["graph"] = {
                "size": size,
                "capped": capped,
                "as_of": as_of,
                "editor": f"/sparql?query={quote(listing, safe='')}",
            }
    return found


#: Triples of a named graph counted on a request at most, when no build has counted them.
GRAPH_COUNT_CAP = 100_000


def graph_triples(iri: URIRef) -> tuple[int, bool, datetime | None]:
    """A named graph's size: as the last open-data build counted it (and when it finished),
    else counted now up to :data:`GRAPH_COUNT_CAP` (then whether there are more)."""
    build = builds().current
    name = graph_key(iri, config().base_url)
    if build is not None and name is not None and f"graph/{name}" in build.manifest.triples:
        return build.manifest.triples[f"graph/{name}"], False, build.finished
    size, capped = graph_size(store(), iri, GRAPH_COUNT_CAP)
    return size, capped, None


def events_here(place: URIRef) -> tuple[list[URIRef], bool]:
    """Events held in a place or in the places it contains, newest first (a page of the
    index's events filtered by territory; the store while the index is being built)."""
    size = config().page_size
    found = index()
    if not found.trusted:
        return events_in(store(), place, size)
    page = found.list(
        Filters(kind="event", facets=[("territory", str(place))]),
        order="date-desc",
        limit=size,
        count=False,
    )
    return [URIRef(item.iri) for item in page.items], page.next_key is not None


def programme_key(graph: Graph, event: Node, builder: PageBuilder) -> tuple:
    """Sub-events by start (date and time), then rank in the programme
    (``med:orderInProgramme``, or ``schema:position`` in older data); an unranked part
    comes before the ranked ones of the same start."""
    position = graph.value(event, MED.orderInProgramme)
    if position is None:
        position = graph.value(event, SDO.position)
    try:
        number = float(position) if position is not None else 0.0
    except ValueError:
        number = 0.0
    return (str(graph.value(event, SDO.startDate) or "9999"), number, str(builder.label(event)))


def incoming_context(
    iri: URIRef, group: IncomingGroup, linked: Graph, langs: Languages, terms: Terms
) -> dict[str, Any]:
    builder = PageBuilder(iri, linked, langs, terms)
    path = site.local(iri)
    title = builder.label(iri)
    view = incoming_view(builder, iri, group, path)
    return {
        "iri": str(iri),
        "path": path,
        "title": builder.literal(title) if isinstance(title, Literal) else Value(str(title)),
        "group": view,
        "first_url": view.all_url if group.after is not None else None,
        "jsonld": {
            "@context": "https://schema.org",
            "@type": "CollectionPage",
            "@id": str(incoming_address(iri, group.property, group.after)),
            "about": {"@id": str(iri)},
        },
        "og_type": "website",
        "og_locale": "fr_FR" if langs.ui == "fr" else "en_GB",
        "alternates": [],
    }


# ---------------------------------------------------------------------------------------------
# The vocabulary and the shapes as documentation
# ---------------------------------------------------------------------------------------------

CLASS_TYPES = frozenset({OWL.Class, RDFS.Class})
PROPERTY_TYPES = frozenset(
    {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property}
)
SHAPE_TYPES = frozenset({SH.NodeShape})
TERM_ORDER = (
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    OWL.inverseOf,
    RDFS.domain,
    RDFS.range,
    SH.targetClass,
    SH.path,
    SH.property,
    SH.message,
    SH.severity,
    SKOS.changeNote,
    RDFS.isDefinedBy,
)


def vocabulary_sections(builder: PageBuilder, description: Description) -> list[dict[str, Any]]:
    """Classes, properties, shapes and other terms, each with labels and definitions in every
    language and its alignment (sub-class, sub-property, domain, range…)."""
    own = description.own
    buckets: dict[str, list[URIRef]] = {"classes": [], "properties": [], "shapes": [], "other": []}
    for part in description.parts:
        types = set(own.objects(part, RDF.type))
        if types & CLASS_TYPES:
            buckets["classes"].append(part)
        elif types & PROPERTY_TYPES:
            buckets["properties"].append(part)
        elif types & SHAPE_TYPES:
            buckets["shapes"].append(part)
        else:
            buckets["other"].append(part)
    names = {
        "classes": builder.langs.text("Classes", "Classes"),
        "properties": builder.langs.text("Propriétés", "Properties"),
        "shapes": builder.langs.text("Formes", "Shapes"),
        "other": builder.langs.text("Autres termes", "Other terms"),
    }
    texts = (RDFS.label, SKOS.prefLabel, SKOS.definition, RDFS.comment, SDO.name)
    result = []
    for key, members in buckets.items():
        if not members:
            continue
        terms = []
        for term in sorted(members, key=lambda t: str(builder.label(t)).lower()):
            labels = [
                builder.literal(v)
                for v in builder.langs.sort(own.objects(term, RDFS.label))
                if isinstance(v, Literal)
            ]
            definitions = [
                builder.literal(v)
                for p in (SKOS.definition, RDFS.comment)
                for v in builder.langs.sort(own.objects(term, p))
                if isinstance(v, Literal)
            ]
            terms.append(
                {
                    "anchor": str(term).split("#", 1)[1],
                    "iri": str(term),
                    "title": builder.value(term),
                    "types": builder.types(term),
                    "labels": labels,
                    "definitions": definitions,
                    "facts": builder.facts(term, TERM_ORDER, exclude=texts),
                }
            )
        result.append({"key": key, "label": names[key], "terms": terms})
    return result


__all__ = ["blueprint"]
