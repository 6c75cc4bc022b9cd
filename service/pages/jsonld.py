"""The schema.org-only JSON-LD a page embeds, projected from the description.

Search engines read ``<script type="application/ld+json">`` with the context
``https://schema.org``. The projection is built from the store's triples, never
by round-tripping through schema.org's published context (which expands to
``http://schema.org/``, leaves ``eventStatus`` a plain string and types dates
as ``schema:Date``; see the standards README's pitfalls):

* only schema.org terms: types and properties outside ``https://schema.org/``
  are dropped; a resource without a schema.org type is a ``Thing``;
* roles are projected to direct links: a ``med:Participation`` whose role type
  says ``med:impliedProperty schema:organizer`` gives ``organizer`` → the actor
  (when the data does not already say it);
* linked resources are nested with their type, ``@id``, ``name`` and ``url``
  (the resource's own ``schema:url``, else its canonical IRI, which
  dereferences); a place also carries its ``address`` (a ``PostalAddress``);
  a linked event (``superEvent``, ``subEvent``) is not typed, since a typed event
  is held to the search engines' rules (dates, place) a link does not carry;
* text in several languages gives the values of the best language by the
  language rule; dates are ISO strings, a time with its offset in the service's
  time zone for that date (``2019-12-04T09:00:00+01:00``: the search engines
  require it, and a time the data writes without one is a local time there);
  numbers are JSON numbers; enumeration members (``eventStatus``,
  ``eventAttendanceMode``) full schema.org URLs;
* images are ``ImageObject``s: the data's own (``schema:image``, with its licence and
  credit when the data gives them) first, then the cards the service draws;
* an event is embedded as an event only when it has what the search engines require of
  one (:func:`meets_event_rules`: a name, a start date, a place with an address or a
  virtual location with its web address); otherwise the page says what it can as a plain
  ``Thing`` (name, description, address, images…) and the RDF keeps the event: an event
  announced with no date or place is an error in a search console, not a lesser result. So is
  one known only by its month or year: schema.org's ``Date`` is ISO 8601, which allows a
  month (``2024-06``) or a year, and a linked event's ``startDate`` is given so, but
  Google's event rules ask a day, and a made-up first of the month would be a false date.

Escaping for HTML (``<``, ``>``, ``&`` as ``\\u003c``…) is the template's
``tojson`` filter's job; :func:`script_text` does the same for other callers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from datetime import tzinfo
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import BNode, Node

from ..labels import DATE_TIME_TYPES, Languages, choose, iso_moment
from ..namespaces import MED, SDO
from .kinds import EVENT_CLASSES
from .pairs import NodePairs

_SCHEMA = str(SDO)
CONTEXT = "https://schema.org"

#: Properties whose values are schema.org enumeration members, given as full URLs.
ENUMERATIONS = frozenset({SDO.eventStatus, SDO.eventAttendanceMode})

#: What a nested (linked) resource shows, besides its type, ``@id`` and ``url``.
NESTED_PROPERTIES: tuple[URIRef, ...] = (SDO.name, SDO.headline, SDO.startDate, SDO.endDate)
#: Properties whose values are nested with their own details (one level more).
DETAILED = frozenset({SDO.location, SDO.address})

INTEGER_TYPES = frozenset(
    {
        XSD.integer,
        XSD.int,
        XSD.long,
        XSD.short,
        XSD.nonNegativeInteger,
        XSD.positiveInteger,
        XSD.negativeInteger,
        XSD.nonPositiveInteger,
    }
)
FLOAT_TYPES = frozenset({XSD.decimal, XSD.double, XSD.float})
NAME_PROPERTIES = (SDO.name, SDO.headline)
#: Links given as their address, not as a nested resource.
LINK_ADDRESSES = frozenset({SDO.url, SDO.sameAs, SDO.contentUrl, SDO.license})
# Terms read for every value, made once (an attribute of a namespace makes a new IRI each time).
_IMAGE, _SAME_AS, _URL, _LOCATION = SDO.image, SDO.sameAs, SDO.url, SDO.location
_TYPE = RDF.type

#: schema.org's Event and its subclasses (the superseded UserInteraction family aside): the
#: types the search engines hold to their event rules. The same list as the targets of
#: ``shapes/search-engines/event-rich-results.ttl`` (a test keeps them equal).
EVENT_TYPES = frozenset(
    {
        "Event", "BroadcastEvent", "BusinessEvent", "ChildrensEvent", "ComedyEvent",
        "ConferenceEvent", "CourseInstance", "DanceEvent", "DeliveryEvent", "EducationEvent",
        "EventSeries", "ExhibitionEvent", "Festival", "FoodEvent", "Hackathon", "LiteraryEvent",
        "MusicEvent", "OnDemandEvent", "PerformingArtsEvent", "PublicationEvent", "SaleEvent",
        "ScreeningEvent", "SocialEvent", "SportsEvent", "TheaterEvent", "VisualArtsEvent",
    }
)  # fmt: skip
#: What a ``Thing`` may say (schema.org's properties of Thing): what an event that does not
#: meet the event rules keeps.
THING_PROPERTIES = frozenset(
    {
        "name", "alternateName", "description", "disambiguatingDescription", "identifier",
        "url", "sameAs", "image", "subjectOf", "mainEntityOfPage", "additionalType",
    }
)  # fmt: skip
#: A start date as the search engines read it: ISO 8601, a date or a date and time.
ISO_DATE = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)?$"
)


def _schema_name(term: Node) -> str | None:
    text = str(term)
    return text[len(_SCHEMA) :] if isinstance(term, URIRef) and text.startswith(_SCHEMA) else None


def _type_names(types: Iterable[Node]) -> list[str]:
    """The schema.org names of ``types``, sorted; ``Thing`` when none is schema.org's."""
    names = sorted({n for t in types if (n := _schema_name(t))})
    return names or ["Thing"]


def _literal_value(value: Literal, zone: tzinfo) -> Any:
    if value.datatype in DATE_TIME_TYPES:
        return iso_moment(value, zone)
    if value.datatype in INTEGER_TYPES:
        try:
            return int(str(value))
        except ValueError:
            return str(value)
    if value.datatype in FLOAT_TYPES:
        try:
            return float(str(value))
        except ValueError:
            return str(value)
    if value.datatype == XSD.boolean:
        return str(value).strip().lower() in ("true", "1")
    return str(value)


def _best_literals(values: list[Literal], languages: Languages) -> list[Literal]:
    """All values when none is language-tagged; else those of the best-ranked language."""
    if not any(v.language for v in values):
        return sorted(values, key=str)
    best = min(languages.rank(v) for v in values)
    return sorted((v for v in values if languages.rank(v) == best), key=str)


def _single(values: list[Any]) -> Any:
    return values[0] if len(values) == 1 else values


class Projection:
    def __init__(self, graph: Graph, languages: Languages, zone: tzinfo):
        self.graph = graph
        self.languages = languages
        self.zone = zone
        # Each node's (property, value) pairs, read once (``pairs.py``).
        self.read = NodePairs(graph)

    def url_of(self, node: URIRef) -> str:
        own = self.read.first(node, _URL)
        return str(own) if isinstance(own, URIRef) else str(node)

    def implied_links(self, node: Node) -> dict[URIRef, set[Node]]:
        """Direct schema.org links implied by the node's roles (role type → impliedProperty)."""
        links: dict[URIRef, set[Node]] = {}
        for role in self.graph.objects(node, MED.hasRole):
            agent = self.graph.value(role, MED.agent)
            role_type = self.graph.value(role, MED.roleType)
            if agent is None or role_type is None:
                continue
            for prop in self.graph.objects(role_type, MED.impliedProperty):
                if isinstance(prop, URIRef) and _schema_name(prop):
                    links.setdefault(prop, set()).add(agent)
        return links

    def node(self, node: Node, depth: int = 0, seen: frozenset = frozenset()) -> dict[str, Any]:
        result: dict[str, Any] = {}
        types = _type_names(t for p, t in self.read.pairs(node) if p == _TYPE)
        result["@type"] = _single(types)
        if isinstance(node, URIRef):
            result["@id"] = str(node)
        values: dict[URIRef, list[Node]] = {}
        for p, o in self.read.pairs(node):
            if p != _TYPE and _schema_name(p):
                values.setdefault(p, []).append(o)
        for p, objects in self.implied_links(node).items():
            present = set(values.get(p, []))
            values.setdefault(p, []).extend(sorted(objects - present, key=str))
        for p in sorted(values, key=str):
            projected = self.values(p, values[p], depth, seen | {node})
            if projected:
                result[_schema_name(p)] = _single(projected)  # type: ignore[index]
        if isinstance(node, URIRef) and "url" not in result and depth == 0:
            result["url"] = str(node)
        return result

    def values(self, prop: URIRef, objects: list[Node], depth: int, seen: frozenset) -> list[Any]:
        literals = [o for o in objects if isinstance(o, Literal)]
        out: list[Any] = (
            [_literal_value(v, self.zone) for v in _best_literals(literals, self.languages)]
            if literals
            else []
        )
        for obj in sorted((o for o in objects if not isinstance(o, Literal)), key=str):
            if prop == _IMAGE:
                out.append(self.image(obj, depth, seen))
            elif prop in ENUMERATIONS or (_schema_name(obj) is not None and prop != _SAME_AS):
                out.append(str(obj))  # an enumeration member or a schema.org term: its URL
            elif isinstance(obj, BNode):
                if obj not in seen:
                    out.append(self.node(obj, depth + 1, seen))
            elif prop in LINK_ADDRESSES:
                out.append(str(obj))
            elif obj in seen:
                out.append({"@id": str(obj)})
            else:
                out.append(self.linked(obj, prop, depth, seen))  # type: ignore[arg-type]
        return out

    def image(self, node: Node, depth: int, seen: frozenset) -> dict[str, Any]:
        """An image of the data as an ``ImageObject``: its address, and what the data says of
        it (licence, credit, caption) when it describes it."""
        described = (node, None, None) in self.graph and node not in seen
        result = self.node(node, depth + 1, seen) if described else {}
        result["@type"] = "ImageObject"
        if isinstance(node, URIRef) and not described:
            result["url"] = result["contentUrl"] = str(node)
        elif isinstance(node, URIRef):
            result.setdefault("contentUrl", result.get("url", str(node)))
        return result

    def linked(self, node: URIRef, via: URIRef, depth: int, seen: frozenset) -> dict[str, Any]:
        """A resource the page links to: type, identity, name, url (and details for a place)."""
        if via in DETAILED and depth <= 1:  # an event's place, and the place's address
            nested = self.node(node, depth + 1, seen)
            if via == _LOCATION:
                nested.setdefault("url", self.url_of(node))
            return nested
        result: dict[str, Any] = {"@id": str(node)}
        # A linked event is named, not typed: typed, it would be held to the rich-result rules
        # (dates, place) that a link does not carry.
        pairs = self.read.pairs(node)
        types = [t for p, t in pairs if p == _TYPE]
        if not EVENT_CLASSES.intersection(types):
            result["@type"] = _single(_type_names(types))
        name = choose(pairs, self.languages, NAME_PROPERTIES)
        if name is not None:
            result["name"] = str(name)
        for prop in NESTED_PROPERTIES[2:]:
            value = self.read.first(node, prop)
            if isinstance(value, Literal):
                result[_schema_name(prop)] = _literal_value(value, self.zone)  # type: ignore[index]
        result["url"] = self.url_of(node)
        return result


def meets_event_rules(graph: Graph, node: Node) -> bool:
    """True when ``node`` has what the search engines require of an event: a ``name``, a
    ``startDate`` in ISO 8601 and a ``location`` that is a place with an ``address`` or a
    ``VirtualLocation`` with a ``url``
    (https://developers.google.com/search/docs/appearance/structured-data/event#structured-data-type-definitions)."""
    start = graph.value(node, SDO.startDate)
    if graph.value(node, SDO.name) is None or not isinstance(start, Literal):
        return False
    if not ISO_DATE.match(str(start)):
        return False
    return any(
        (place, SDO.address, None) in graph
        or ((place, RDF.type, SDO.VirtualLocation) in graph and (place, SDO.url, None) in graph)
        for place in graph.objects(node, SDO.location)
    )


def as_thing(document: dict[str, Any]) -> dict[str, Any]:
    """An event that does not meet the event rules, said as what it is besides an event (a
    ``Thing`` when nothing else): the properties a ``Thing`` has, no event type."""
    types = document.get("@type", [])
    others = [t for t in (types if isinstance(types, list) else [types]) if t not in EVENT_TYPES]
    kept = {k: v for k, v in document.items() if k.startswith("@") or k in THING_PROPERTIES}
    kept["@type"] = _single(others or ["Thing"])
    return kept


def card_image(url: str) -> dict[str, Any]:
    return {"@type": "ImageObject", "url": url, "contentUrl": url}


def project(
    graph: Graph, iri: URIRef, languages: Languages, zone: tzinfo, cards: Sequence[str] = ()
) -> dict[str, Any]:
    """The schema.org JSON-LD object for ``iri``, from a graph holding its description; times
    in ``zone``; ``cards``: the addresses of the images the service draws of it, after the
    data's own."""
    document: dict[str, Any] = {"@context": CONTEXT}
    document.update(Projection(graph, languages, zone).node(iri))
    if cards:
        own = document.get("image", [])
        document["image"] = (own if isinstance(own, list) else [own]) + [
            card_image(url) for url in cards
        ]
    types = document["@type"] if isinstance(document["@type"], list) else [document["@type"]]
    if EVENT_TYPES.intersection(types) and not meets_event_rules(graph, iri):
        document = as_thing(document)
    return document


def script_text(document: dict[str, Any]) -> str:
    """JSON safe inside ``<script>``: ``<``, ``>``, ``&`` and ``'`` as Unicode escapes."""
    text = json.dumps(document, ensure_ascii=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("'", "\\u0027")
    )


__all__ = [
    "CONTEXT",
    "ENUMERATIONS",
    "EVENT_TYPES",
    "Projection",
    "as_thing",
    "meets_event_rules",
    "project",
    "script_text",
]
