"""The view-model of a resource's page: what its template receives.

:func:`resource_page` makes it from a description (``describe``): the title and summary,
the kind's main facts in order, its sections (``sections``), every other fact, the hash
parts grouped by kind, the data-quality notes about it, the first page of each group of
incoming links, its history, the formats it is served in and the schema.org JSON-LD it
embeds; the vocabulary and the shapes get the documentation of their terms
(``vocabulary``). :func:`incoming_links_page` makes one page of one group of incoming
links, and :func:`gone_error` the 410 of a resource a write deleted.

Each returns a :class:`PageView`: the template's name and its context. The web layer renders
it; what the request says (languages, ``?history=``) is handed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from typing import Any
from urllib.parse import urlencode

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from ..errors import Gone
from ..formats import GRAPH_FORMATS
from ..labels import DESCRIPTION_PROPERTIES, LABEL_PROPERTIES, Languages, choose, moment_in_words
from ..namespaces import MED, SDO
from ..writes import HISTORY_LINKS, Tombstone
from .cards import CARD_SHAPES, JSONLD_SHAPES, OPEN_GRAPH_SHAPE, card_kind, card_url
from .context import PageContext
from .describe import Description, details, is_part, linked_triples, new_graph, notes_about
from .incoming import IncomingGroup, incoming_address
from .jsonld import project
from .kinds import OTHER_PARTS, PART_KINDS, page_kind_of, part_kind_of
from .sections import SectionInputs, sections
from .status import ShownStatus, shown_status
from .terms import Terms
from .view import Fact, Incoming, PageBuilder, Part, PartGroup, Value
from .vocabulary import vocabulary_sections


@dataclass
class PageView:
    """A page to render: its template and the context the template receives."""

    template: str
    context: dict[str, Any]


#: Properties a kind's sections already show: not repeated under "Other facts".
SHOWN_IN_SECTIONS: dict[str, set[URIRef]] = {
    "event": {SDO.subEvent},
    "query": {SH.select, SH.construct, SH.ask, SH.update, SH.prefixes},
}
#: The address parts a venue's address line shows, in order.
ADDRESS_LINE = (
    SDO.streetAddress,
    SDO.postalCode,
    SDO.addressLocality,
    SDO.addressRegion,
    SDO.addressCountry,
)
NOTE_KIND = next(k for k in PART_KINDS if k.name == "note")
#: Incoming links a resource's page shows of each group, with the group's count and a link to
#: the whole list (``?incoming=``, paged by ``page_size``). A page shows a resource, not its
#: listings: the links of a theme that thousands of events are about were most of what its
#: page read and rendered. The RDF documents keep a page of each group (Hydra).
INCOMING_SHOWN = 10
#: The kind of the official territories' pages (communes, départements, régions, EPCI).
TERRITORY_KIND = "territory"


def og_locale(langs: Languages) -> str:
    return "fr_FR" if langs.ui == "fr" else "en_GB"


def resource_page(
    description: Description,
    langs: Languages,
    context: PageContext,
    history_after: str | None = None,
) -> PageView:
    """The page of a described resource; ``history_after`` is the key of the page of its
    history to show (``?history=``; None: the newest changes)."""
    iri = description.iri
    store = context.store
    kind = page_kind_of(description.types, description.is_graph)
    graph = description.graph()
    extra = new_graph()
    # More than labels for a few linked resources: a venue's address, a role's event.
    for triple in details(store, graph.objects(iri, SDO.location)):
        extra.add(triple)
    typed = context.reads.typed if context.reads is not None else None
    notes = notes_about(store, iri, typed=typed, own=description.own)
    notes_foreign = {
        n for n in notes.subjects(RDF.type, MED.DataQualityNote) if not is_part(n, iri)
    }
    for triple in notes:
        if triple[0] in notes_foreign or not is_part(triple[0], iri):
            extra.add(triple)
    for triple in linked_triples(
        store, set(extra.objects()) - set(graph.subjects()), cache=context.linked
    ):
        extra.add(triple)
    # Added to the description's graph, not to a copy: no triple of ``extra`` is about
    # ``iri`` itself (the notes, the venue and what they name), so what is read of ``iri``
    # below is the same in both.
    for triple in extra:
        graph.add(triple)
    full = graph
    builder = context.builder(iri, full, langs)
    path = context.local(iri)
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
                builder.sort_values(langs.in_best_language(graph.objects(iri, SDO.location))),
                strict=True,
            ):
                value.detail = address_line(full, node)
    status = None
    if kind.name == "event":
        status = shown_status(full, iri, context.today, context.zone, langs)
        fields = with_status(builder, fields, status)
    has_card = card_kind(description.types) is not None
    page: dict[str, Any] = {
        "iri": str(iri),
        "path": path,
        "kind": kind,
        "kind_label": kind.label(langs),
        "title": builder.title(iri),
        "types": [t for t in builder.types(iri) if t != kind.label(langs)],
        "summary": builder.literal(description_literal)
        if description_literal is not None
        else None,
        "fields": fields,
        "others": others,
        "parts": page_parts(builder, description),
        # Links from the history are shown as the history, below.
        "incoming": [
            incoming_view(builder, g, path)
            for g in description.incoming
            if g.property not in HISTORY_LINKS
        ],
        "history": history_section(context, iri, path, history_after),
        "notes": [note_part(builder, n) for n in sorted(notes_foreign, key=str)],
        "sections": (
            shown_sections := sections(kind, SectionInputs(builder, description, full, context))
        ),
        # A territory where nothing happened (most of France's 35,000 communes) is a page for
        # the links, not for search engines: "noindex", and left out of the sitemap.
        "noindex": kind.name == TERRITORY_KIND and "events_here" not in shown_sections,
        "alternates": [
            {"label": f.label, "type": f.media_type, "href": f"{path}.{f.suffix}"}
            for f in GRAPH_FORMATS
        ],
        "jsonld": project(
            full,
            iri,
            langs,
            context.zone,
            [card_url(iri, s, langs.ui) for s in JSONLD_SHAPES] if has_card else [],
        ),
        "images": page_images(full, iri, builder, has_card),
        "status": status,
        "og_type": "article" if kind.name in ("article", "post") else "website",
        "og_locale": og_locale(langs),
    }
    if kind.name != "vocabulary" and path != "/shapes":
        return PageView("resource.html", page)
    page["terms"] = vocabulary_sections(builder, description)
    if path == "/shapes" and not builder.has_label(iri):
        page["title"] = Value(langs.text("Formes SHACL", "SHACL shapes"), langs.ui)
        page["kind_label"] = langs.text("Formes SHACL du service", "The service's SHACL shapes")
    return PageView("vocabulary.html", page)


def with_status(builder: PageBuilder, fields: list[Fact], status: ShownStatus | None) -> list[Fact]:
    """The event's facts with its status as the page tells it: a past event « A eu lieu »,
    followed by the status the source announced (kept in the data)."""
    if status is None or not status.past:
        return fields
    langs = builder.langs
    said = Value(status.text, status.lang)
    for fact in fields:
        if fact.prop == SDO.eventStatus:
            announced = [
                Value(
                    langs.text(f"statut annoncé : {v.text}", f"announced status: {v.text}"),
                    langs.ui,
                    v.href,
                    v.external,
                )
                for v in fact.values
            ]
            return [Fact(f.prop, f.label, [said, *announced]) if f is fact else f for f in fields]
    # No status in the data: the dates alone say it took place; shown after them.
    label = builder.terms.property_label(SDO.eventStatus, langs)
    after = max(
        (i + 1 for i, f in enumerate(fields) if f.prop in (SDO.startDate, SDO.endDate)), default=0
    )
    return fields[:after] + [Fact(SDO.eventStatus, label, [said])] + fields[after:]


def page_images(graph: Graph, iri: URIRef, builder: PageBuilder, has_card: bool) -> list[dict]:
    """The images a page offers social networks (Open Graph): the data's own first (its
    ``schema:image``: the address of the file), then the service's card, 1200×630."""
    images: list[dict] = []
    for image in builder.sort_values(list(graph.objects(iri, SDO.image))):
        url = graph.value(image, SDO.contentUrl) or graph.value(image, SDO.url) or image
        if isinstance(url, URIRef):
            alt = choose(graph.predicate_objects(image), builder.langs, (SDO.caption, SDO.name))
            images.append({"url": str(url), "alt": str(alt) if alt is not None else ""})
    if has_card:
        width, height = CARD_SHAPES[OPEN_GRAPH_SHAPE]
        images.append(
            {
                "url": card_url(iri, OPEN_GRAPH_SHAPE, builder.langs.ui),
                "width": width,
                "height": height,
                "type": "image/png",
                "alt": str(builder.label(iri)),
            }
        )
    return images


def page_parts(builder: PageBuilder, description: Description) -> list[PartGroup]:
    """The document's hash parts, grouped by kind in the order of :data:`PART_KINDS`."""
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
        group = groups.setdefault(kind.name, PartGroup(kind.name, kind.label(builder.langs), []))
        group.parts.append(
            Part(
                str(part).split("#", 1)[1],
                builder.literal(title_literal),
                builder.types(part),
                facts,
            )
        )
    return [groups[name] for name in order if name in groups]


def note_part(builder: PageBuilder, note: URIRef) -> Part:
    """A data-quality note about the resource, kept in another document."""
    href, _ = builder.href(note)
    title = builder.label(note)
    facts = builder.facts(note, NOTE_KIND.fields, only=NOTE_KIND.fields, skip=[title])
    return Part(
        href or str(note),
        builder.text(str(title), title.language or "", href=href),
        builder.types(note),
        facts,
    )


def address_line(graph: Graph, node: Node) -> str | None:
    """A venue's first address on one line (street, postal code, locality, region, country)."""
    for address in graph.objects(node, SDO.address):
        parts = [
            str(graph.value(address, p))
            for p in ADDRESS_LINE
            if graph.value(address, p) is not None
        ]
        if parts:
            return ", ".join(parts)
    return None


def incoming_view(builder: PageBuilder, group: IncomingGroup, path: str) -> Incoming:
    """A page of a group of incoming links, with the addresses of the next and the first."""
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


def history_section(
    context: PageContext, iri: URIRef, path: str, after: str | None
) -> dict[str, Any]:
    """The changes that touched the resource, newest first, one page (``?history=`` pages)."""
    entries, following = context.changelog.for_resource(iri, context.page_size, after)
    return {
        "entries": entries,
        "next": f"{path}?{urlencode({'history': following})}#history-title" if following else None,
    }


def incoming_links_page(
    iri: URIRef, group: IncomingGroup, linked: Graph, langs: Languages, context: PageContext
) -> PageView:
    """One page of the resources that link to ``iri`` through one property (``linked``: their
    labels and types, as :func:`~.describe.incoming_page` reads them)."""
    builder = context.builder(iri, linked, langs)
    path = context.local(iri)
    view = incoming_view(builder, group, path)
    return PageView(
        "resource_incoming.html",
        {
            "iri": str(iri),
            "path": path,
            "title": builder.title(iri),
            "group": view,
            "first_url": view.all_url if group.after is not None else None,
            "jsonld": {
                "@context": "https://schema.org",
                "@type": "CollectionPage",
                "@id": str(incoming_address(iri, group.property, group.after)),
                "about": {"@id": str(iri)},
            },
            "og_type": "website",
            "og_locale": og_locale(langs),
            "alternates": [],
        },
    )


def gone_error(gone: Tombstone, terms: Terms, zone: tzinfo) -> Gone:
    """The 410 of a resource a write deleted: what it was and when it went (local time)."""
    when = {lang: moment_in_words(gone.deleted, zone, lang) for lang in ("fr", "en")}
    kinds = {
        lang: ", ".join(terms.class_label(t, Languages((lang, other))) for t in gone.types)
        for lang, other in (("fr", "en"), ("en", "fr"))
    }
    why = {"fr": f" Motif : {gone.reason}" if gone.reason else "", "en": ""}
    why["en"] = f" Reason: {gone.reason}" if gone.reason else ""
    return Gone(
        f"« {gone.label('fr')} » ({kinds['fr']}) a été supprimé le {when['fr']} ({gone.change}).{why['fr']}",
        f"“{gone.label('en')}” ({kinds['en']}) was deleted on {when['en']} ({gone.change}).{why['en']}",
        resource=str(gone.resource),
        reason=gone.reason,
        deleted=gone.deleted.isoformat(),
        change=str(gone.change),
        types=[str(t) for t in gone.types],
        labels=[str(label) for label in gone.labels],
    )


__all__ = [
    "PageView",
    "address_line",
    "gone_error",
    "history_section",
    "incoming_links_page",
    "incoming_view",
    "note_part",
    "page_images",
    "page_parts",
    "resource_page",
    "with_status",
]
