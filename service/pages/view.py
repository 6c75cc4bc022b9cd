"""The pieces a page template receives, and the builder that makes them from graphs.

A page shows values (:class:`Value`: text with its language, maybe a link, maybe nested
facts), grouped into facts (:class:`Fact`: a property's name and its values), parts
(:class:`Part`, in :class:`PartGroup`) and groups of incoming links (:class:`Incoming`).
:class:`PageBuilder` turns the nodes of a description into them, in the request's
languages, with the names of :class:`~.terms.Terms`; links to our own IRIs become paths on
this host; times are shown in the service's time zone. No Flask: the base, the languages and
the time zone are handed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import tzinfo

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import BNode, Node

from ..labels import (
    LABEL_PROPERTIES,
    Languages,
    choose,
    fallback_label,
    format_literal,
    is_formatted,
)
from ..namespaces import SDO, is_link
from .pairs import NodePairs
from .terms import Terms

# schema.org's terms a page reads for every value, made once (an attribute of a namespace
# makes a new IRI each time it is read).
_SCHEMA = str(SDO)
_POSITION = SDO.position
_START_DATE = SDO.startDate
_DATE_PUBLISHED = SDO.datePublished
_TYPE = RDF.type


def local_path(iri: object, base: str) -> str:
    """An IRI under the canonical base as a path on this host; any other IRI as it is."""
    text = str(iri)
    return "/" + text[len(base) :] if text.startswith(base) else text


def link_path(iri: object, base: str) -> str | None:
    """Where a link to an IRI points: a path on this host for ours, the IRI itself when a
    browser may follow it (``http``, ``https``, ``mailto``); None for any other scheme
    (``javascript:``, ``data:``, ``urn:``…), which a page shows as text."""
    text = str(iri)
    if text.startswith(base):
        return local_path(text, base)
    return text if is_link(text) else None


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
    #: Text in another language than the page's, shown because the page's has none: the words
    #: that say so (« (en anglais) », "(in French)"), shown beside it.
    hint: str | None = None


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


class PageBuilder:
    """Turns a description (graphs) into the values, facts and sections a template shows."""

    def __init__(
        self, iri: URIRef, graph: Graph, langs: Languages, terms: Terms, base: str, zone: tzinfo
    ):
        self.iri = iri
        self.graph = graph
        self.langs = langs
        self.terms = terms
        self.base = base
        self.zone = zone
        # A page asks the label of the same node many times (its links, their order, whether
        # it has one): the graph does not change while the page is built, so each label,
        # each name and each place in an order is found once.
        self._labels: dict[Node, Literal] = {}
        self._names: dict[Node, Literal | None] = {}
        self._sort_keys: dict[Node, tuple] = {}
        self.read = NodePairs(graph)

    def over(self, graph: Graph) -> PageBuilder:
        """A builder for the same page that reads another graph (a section's own triples)."""
        return PageBuilder(self.iri, graph, self.langs, self.terms, self.base, self.zone)

    # -- values ---------------------------------------------------------------------------------

    def href(self, node: URIRef) -> tuple[str | None, bool]:
        """Where a link to ``node`` points (None: shown as text) and whether it leaves us."""
        text = str(node)
        if text.startswith(str(self.iri) + "#"):
            return "#" + text.split("#", 1)[1], False
        if text.startswith(self.base):
            return local_path(text, self.base), False
        return link_path(text, self.base), True

    def label(self, node: Node) -> Literal:
        found = self._labels.get(node)
        if found is None:
            found = self._labels[node] = self._label(node)
        return found

    def _name(self, node: Node) -> Literal | None:
        """The node's best label of :data:`LABEL_PROPERTIES` (None: it has none)."""
        try:
            return self._names[node]
        except KeyError:
            found = choose(self.read.pairs(node), self.langs, LABEL_PROPERTIES)
            self._names[node] = found
            return found

    def _label(self, node: Node) -> Literal:
        found = self._name(node)
        if found is not None:
            return found
        # A post has no name: "Publication du 4 décembre 2019" tells more than its number.
        published = self.read.first(node, _DATE_PUBLISHED)
        types = sorted(t for t in self.read.objects(node, _TYPE) if isinstance(t, URIRef))
        if isinstance(published, Literal) and types:
            kind = self.terms.class_label(types[-1], self.langs)
            date = format_literal(published, self.langs, self.zone)
            return Literal(
                self.langs.text(f"{kind} du {date}", f"{kind} of {date}"), lang=self.langs.ui
            )
        # An unnamed part (an address, an identifier) is named by its class.
        if types and "#" in str(node):
            return Literal(self.terms.class_label(types[0], self.langs), lang=self.langs.ui)
        return fallback_label(node)

    def title(self, node: Node) -> Value:
        """The node's label as a page's or a part's title."""
        found = self.label(node)
        return self.literal(found) if isinstance(found, Literal) else Value(str(found))

    def text(self, text: str, lang: str | None, **more) -> Value:
        """Text in a language, marked when it is not the page's (the language rule chose it
        because the page's language has none)."""
        return Value(text, lang, hint=self.langs.foreign_hint(lang), **more)

    def literal(self, value: Literal) -> Value:
        if is_formatted(value):
            return Value(format_literal(value, self.langs, self.zone), self.langs.ui)
        return self.text(str(value), value.language or "")

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
        if str(node).startswith(_SCHEMA) and not self.has_label(node):
            return Value(self.terms.class_label(node, self.langs), self.langs.ui, href, True)
        if external and not self.has_label(node):
            return Value(str(node), None, href, True, code=True)
        name = self.label(node)
        return self.text(str(name), name.language or "", href=href, external=external)

    def dated(self, node: Node) -> tuple[Value, Value | None]:
        """A linked event and its start date, for the lists of events a page shows."""
        start = self.read.first(node, _START_DATE)
        return self.value(node), self.value(start) if start is not None else None

    def has_label(self, node: Node) -> bool:
        return self._name(node) is not None

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
        """The node's facts: properties of ``order`` first, then the others by name.

        Of each property's texts, those of the best language it has them in (the language
        rule): a translation is never shown beside its original. ``skip`` (the title, the
        summary) is left out after that choice, so that its translations go with it."""
        found: dict[URIRef, list[Node]] = {}
        skipped = set(skip)
        excluded = set(exclude) | {RDF.type}
        for p, o in self.read.pairs(node):
            if p not in excluded:
                found.setdefault(p, []).append(o)  # type: ignore[arg-type]
        values: dict[URIRef, list[Node]] = {}
        for p, objects in found.items():
            shown = [o for o in self.langs.in_best_language(objects) if o not in skipped]
            if shown:
                values[p] = shown
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
        return sorted(objects, key=self._sort_key)

    def _sort_key(self, node: Node) -> tuple:
        """Where a value goes among its property's: language, position, date, label."""
        found = self._sort_keys.get(node)
        if found is not None:
            return found
        position = self.read.first(node, _POSITION)
        try:
            number = float(position) if position is not None else float("inf")
        except ValueError:
            number = float("inf")
        date = self.read.first(node, _START_DATE)
        found = self._sort_keys[node] = (
            self.langs.rank(node),
            number,
            str(date or ""),
            str(self.label(node)).lower() if not isinstance(node, Literal) else str(node),
        )
        return found

    def types(self, node: Node) -> list[str]:
        return sorted(
            {
                self.terms.class_label(t, self.langs)
                for t in self.read.objects(node, _TYPE)
                if isinstance(t, URIRef)
            }
        )


__all__ = [
    "Fact",
    "Incoming",
    "PageBuilder",
    "Part",
    "PartGroup",
    "Value",
    "link_path",
    "local_path",
]
