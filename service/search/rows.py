"""What one resource becomes in the index: its :class:`Row`, made from its triples.

One row per resource of ours (its IRI without fragment), holding:

* its kind and sub-kind (from the IRI, :mod:`.kinds`), its labels and descriptions in
  every language (the language rule of :mod:`service.labels` picks one per request,
  :func:`best_pair`), its dates (:class:`~.periods.Period`);
* facets: the territories it is in (the containment chain: a venue, its commune,
  département, région, EPCI), its themes (and their broader themes), organisers,
  audiences, year, scheme;
* full text in three weighted columns: its own names and those of its types (an
  « Atelier », a « Journée régionale »: what it is, as people ask for it); its descriptions
  and those of its parts (hash IRIs: roles, findings, notes); the names of what it links to
  (organisers, places, themes);
* the domains of its web and e-mail addresses (``schema:url``, ``schema:sameAs``,
  ``schema:email``), each as one word with its names (:func:`~.text.address_key`), so that
  « france-mediation.fr » typed finds France Médiation; not those of hosts that name no one
  (:data:`SHARED_HOSTS`: a social network, a webmail);
* the IRIs its row was built from (``deps``), so that a change to a place's name
  reindexes the events held there: the cost of an update follows the change.

The lookup tables below say which properties feed which part of a row. :class:`RowMaker`
makes rows from what :mod:`.gather` read of the store; nothing here reads the store itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

from ..labels import DESCRIPTION_PROPERTIES, LABEL_PROPERTIES, Languages
from ..namespaces import MED, SDO
from ..store import PlainLiteral
from .kinds import place_level
from .periods import Period
from .text import address_key, analyse_text, host_of

Pairs = list[tuple[str, str]]  # (language, text)

# ---------------------------------------------------------------------------------------------
# What the rows are made of: lookup tables of properties
# ---------------------------------------------------------------------------------------------

#: Text of a resource besides its labels and descriptions.
BODY_PROPERTIES: tuple[URIRef, ...] = (
    SDO.articleBody,
    SDO.keywords,
    SDO.jobTitle,
    MED.purpose,
    SDO.addressLocality,
    SDO.roleName,
    SDO.audienceType,
    SKOS.scopeNote,
    SKOS.note,
    SDO.disambiguatingDescription,
)

#: Properties whose values are addresses: the domain of each is matched with the names.
ADDRESS_PROPERTIES: frozenset[URIRef] = frozenset((SDO.url, SDO.sameAs, SDO.email))

#: Hosts whose domain names no one in particular: an address there (a profile, a mailbox)
#: says nothing a search of its domain should find the resource by.
SHARED_HOSTS: frozenset[str] = frozenset(
    (
        "twitter.com",
        "x.com",
        "t.co",
        "facebook.com",
        "fr-fr.facebook.com",
        "instagram.com",
        "linkedin.com",
        "fr.linkedin.com",
        "youtube.com",
        "youtu.be",
        "pic.twitter.com",
        "mastodon.social",
        "wikipedia.org",
        "fr.wikipedia.org",
        "en.wikipedia.org",
        "wikidata.org",
        "gmail.com",
        "googlemail.com",
        "hotmail.com",
        "hotmail.fr",
        "outlook.com",
        "outlook.fr",
        "live.fr",
        "yahoo.com",
        "yahoo.fr",
        "orange.fr",
        "wanadoo.fr",
        "free.fr",
        "laposte.net",
        "sfr.fr",
        "gmx.fr",
        "protonmail.com",
        "proton.me",
    )
)

#: Links whose targets are territories or places (then their containment chain).
TERRITORY_LINKS: tuple[URIRef, ...] = (
    SDO.location,
    SDO.spatialCoverage,
    SDO.areaServed,
    SDO.contentLocation,
    SDO.containedInPlace,
)
#: Links whose targets (under ``id/theme/``) are themes (then their broader themes).
THEME_LINKS: tuple[URIRef, ...] = (SDO.about, DCTERMS.subject, SDO.keywords, SKOS.broader)

#: Facets made from links: facet name → the properties whose IRI targets it holds.
LINK_FACETS: dict[str, tuple[URIRef, ...]] = {
    "organizer": (SDO.organizer,),
    "audience": (SDO.audience,),
    "scheme": (SKOS.inScheme, SDO.inDefinedTermSet),
    "superevent": (SDO.superEvent,),
}

#: Links whose targets' names are searchable with the resource (low weight).
CONTEXT_LINKS: tuple[URIRef, ...] = tuple(
    dict.fromkeys(
        (
            *TERRITORY_LINKS,
            *THEME_LINKS,
            SDO.organizer,
            SDO.performer,
            SDO.contributor,
            SDO.audience,
            SDO.superEvent,
            SDO.publisher,
            SDO.author,
            SDO.worksFor,
            SDO.affiliation,
            SDO.sponsor,
            SDO.funder,
            SKOS.inScheme,
            SDO.inDefinedTermSet,
            SDO.memberOf,
            SDO.parentOrganization,
        )
    )
)

#: Links from a part (hash IRI) to the resource it belongs to.
PART_OF_LINKS: tuple[URIRef, ...] = (MED.inEvent, SDO.isPartOf)

#: Predicates whose *objects* must be reindexed too when such a triple changes: they state
#: a hierarchy from the top (``narrower``, ``containsPlace``), which the lower row reads.
INVERSE_HIERARCHY: tuple[URIRef, ...] = (SKOS.narrower, SDO.containsPlace)

#: Dates → what they are to a row. Its date is its first start (a day, a month or a year),
#: else its first publication; its end is its last end.
DATES: dict[URIRef, str] = {
    SDO.startDate: "start",
    SDO.endDate: "end",
    SDO.datePublished: "published",
    SDO.dateCreated: "published",
    DCTERMS.issued: "published",
    DCTERMS.created: "published",
}

# The hot loops compare predicates as plain strings (the store's plain values, see
# ``service/store/plain.py``): an rdflib term's ``__eq__`` and ``__hash__`` are Python code.


def _plain(properties: Iterable[URIRef]) -> frozenset[str]:
    return frozenset(str(p) for p in properties)


RDF_TYPE, SDO_TEXT, SDO_BODY = str(RDF.type), str(SDO.text), str(SDO.articleBody)
SDO_LOCATION, SDO_CONTAINED = str(SDO.location), str(SDO.containedInPlace)
SDO_SUPER_EVENT, SDO_EVENT_SERIES = str(SDO.superEvent), str(SDO.EventSeries)
SDO_PERSON = str(SDO.Person)

LINK_SET = _plain(CONTEXT_LINKS) | _plain(p for v in LINK_FACETS.values() for p in v)
TERRITORY_SET = _plain(TERRITORY_LINKS)
THEME_SET = _plain(THEME_LINKS)
BODY_SET = _plain(BODY_PROPERTIES)
ADDRESS_SET = _plain(ADDRESS_PROPERTIES)
LABEL_RANK = {str(p): i for i, p in reversed(list(enumerate(LABEL_PROPERTIES)))}
DESCRIPTION_RANK = {str(p): i for i, p in reversed(list(enumerate(DESCRIPTION_PROPERTIES)))}
LABEL_SET = _plain(LABEL_PROPERTIES)
DESCRIPTION_SET = _plain(DESCRIPTION_PROPERTIES)
TEXT_SET = LABEL_SET | DESCRIPTION_SET | BODY_SET
TEXT_DATATYPES = frozenset((str(XSD.string), str(RDF.langString)))
DATE_ROLES: dict[str, str] = {str(p): role for p, role in DATES.items()}
FACET_OF_LINK: dict[str, list[str]] = {}
for _facet, _predicates in LINK_FACETS.items():
    for _predicate in _predicates:
        FACET_OF_LINK.setdefault(str(_predicate), []).append(_facet)


@dataclass(frozen=True)
class Hierarchy:
    """A hierarchy a row is filed up: a row in a commune is also in its département and
    région, a row about a theme is also about its broader themes."""

    facet: str  # the facet its resources are values of
    kind: str  # the kind of its resources
    prefix: str  # their IRIs, after the base
    links: frozenset[str]  # the properties whose targets are in it
    # Whether the names of a target's ancestors are searched with the row: a département's
    # name finds the events held in its communes; a row is found by the names of the themes
    # it names, not by those of their broader themes.
    searched: bool


HIERARCHIES: tuple[Hierarchy, ...] = (
    Hierarchy("territory", "place", "id/place/", _plain(TERRITORY_LINKS), True),
    Hierarchy("theme", "theme", "id/theme/", _plain(THEME_LINKS), False),
)
#: Kind → the hierarchy a resource of that kind stands in (a place is filed under those
#: containing it, a theme under its broader ones).
HIERARCHY_OF_KIND: dict[str, Hierarchy] = {h.kind: h for h in HIERARCHIES}


# ---------------------------------------------------------------------------------------------
# The row
# ---------------------------------------------------------------------------------------------


@dataclass
class Row:
    iri: str
    kind: str
    subkind: str = ""
    labels: Pairs = field(default_factory=list)  # in order of LABEL_PROPERTIES
    descriptions: Pairs = field(default_factory=list)
    where: list[Pairs] = field(default_factory=list)  # labels of the places it is at
    period: Period | None = None
    end: Period | None = None
    facets: dict[str, set[str]] = field(default_factory=dict)
    deps: set[str] = field(default_factory=set)
    text_label: list[str] = field(default_factory=list)
    text_body: list[str] = field(default_factory=list)
    text_context: list[str] = field(default_factory=list)
    top: bool = True  # not a session of another event (the sessions of a series stay)

    def add_facet(self, name: str, value: str) -> None:
        self.facets.setdefault(name, set()).add(value)

    def add_context(self, names: Iterable[tuple[str, str]]) -> None:
        """Names of what it links to, searchable with it (the lowest weight)."""
        self.text_context.extend(analyse_text(text, lang) for lang, text in names)


@lru_cache(maxsize=4096)
def _rank(languages: Languages, lang: str) -> int:
    """The language rule's rank of a tag (it depends on the tag only)."""
    return languages.rank(Literal("", lang=lang or None))


def best_pair(pairs: Sequence[Sequence[str]], languages: Languages) -> tuple[str, str] | None:
    """The (text, language) the language rule prefers among (language, text) pairs; the
    first given among equals."""
    best = None
    best_key = None
    for position, (lang, text) in enumerate(pairs):
        key = (_rank(languages, lang), position)
        if best_key is None or key < best_key:
            best, best_key = (text, lang), key
    return best


def own_address(address: str) -> str | None:
    """The key of an address's domain (``mailto:`` too), unless its host is shared."""
    host = host_of(address)
    if host is None or host in SHARED_HOSTS:
        return None
    return address_key(address)


def _add_address(row: Row, value: str) -> None:
    """The key of an address's domain, once, with the row's names."""
    key = own_address(value)
    if key is not None and key not in row.text_label:
        row.text_label.append(key)


def lang_of(value: Any) -> str:
    """The lower-case language tag of a literal; empty for anything else."""
    return (value.language or "") if type(value) is PlainLiteral else ""


def is_text(value: Any) -> bool:
    """A literal that is text (tagged, a string or untyped), not a number or a date."""
    return type(value) is PlainLiteral and (
        value.language is not None or value.datatype in TEXT_DATATYPES
    )


def contained(nested: Iterable[tuple[str, Any]]) -> Iterator[str]:
    """The places a blank-node place says it is contained in (``schema:containedInPlace``)."""
    for predicate, obj in nested:
        if predicate == SDO_CONTAINED and type(obj) is URIRef:
            yield str(obj)


def ranked(values: Iterable[tuple[int, str, str]]) -> Pairs:
    """(rank, language, text) in rank order as (language, text); the same pair given by
    several properties counts once."""
    return list(dict.fromkeys((lang, text) for _, lang, text in sorted(values)))


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " …"


# ---------------------------------------------------------------------------------------------
# From triples to a row
# ---------------------------------------------------------------------------------------------


class RowMaker:
    """Makes the rows of one batch from their triples, given what they link to: the
    ancestors of each target (containing places, broader themes) and the names of the
    targets, their ancestors and the rows' types, read once for the batch."""

    def __init__(
        self,
        base: str,
        ancestors: Mapping[str, set[str]],
        names: Mapping[str, Pairs],
        analysed: dict[str, list[str]] | None = None,
    ) -> None:
        self.base = base
        self.ancestors = ancestors
        self.names = names
        # The analysed names of each target, kept by the caller across batches: the same
        # places, themes and organisers are named in thousands of rows.
        self.analysed = analysed if analysed is not None else {}

    def _context_of(self, iri: str) -> list[str]:
        found = self.analysed.get(iri)
        if found is None:
            found = [analyse_text(text, lang) for lang, text in self.names.get(iri, ())]
            self.analysed[iri] = found
        return found

    def fill(self, row: Row, triples: list, links: dict[str, list]) -> None:
        """Fill ``row`` from its own ``triples`` (predicate, object, the triples of a
        blank-node object) and its ``links`` (predicate → (object, nested triples))."""
        labels: list[tuple[int, str, str]] = []
        descriptions: list[tuple[int, str, str]] = []
        dates: dict[str, list[Period]] = {}
        types: set[str] = set()
        for predicate, obj, nested in triples:
            if predicate == RDF_TYPE:
                types.add(str(obj))
            if is_text(obj):
                text = str(obj)
                if predicate in LABEL_SET and predicate != SDO_TEXT:
                    labels.append((LABEL_RANK[predicate], lang_of(obj), text))
                    row.text_label.append(analyse_text(text, obj.language))
                elif predicate in DESCRIPTION_SET:
                    descriptions.append((DESCRIPTION_RANK[predicate], lang_of(obj), text))
                    row.text_body.append(analyse_text(text, obj.language))
                elif predicate in BODY_SET:
                    row.text_body.append(analyse_text(text, obj.language))
            elif type(obj) is PlainLiteral and predicate in DATE_ROLES:
                parsed = Period.parse(str(obj))
                if parsed is not None:
                    dates.setdefault(DATE_ROLES[predicate], []).append(parsed)
            if predicate in ADDRESS_SET:
                _add_address(row, obj)
            for p2, o2 in nested:  # text of blank-node values: addresses, inline places
                if is_text(o2) and (p2 in LABEL_SET or p2 in BODY_SET):
                    row.text_body.append(analyse_text(str(o2), o2.language))
                elif p2 in ADDRESS_SET:  # a contact point's e-mail, its page
                    _add_address(row, o2)

        for type_iri in sorted(types):  # what it is is part of its name (« Atelier »…)
            row.deps.add(type_iri)
            row.text_label.extend(
                analyse_text(text, lang) for lang, text in self.names.get(type_iri, ())
            )
        row.labels = ranked(labels)
        row.descriptions = ranked(descriptions)
        if not row.labels:
            # A post has no name: its first words stand for one, else the IRI's last segment.
            body = next((str(o) for p, o, _ in triples if p == SDO_BODY and is_text(o)), "")
            if body:
                row.labels = [("", _shorten(body, 90))]
            else:
                row.labels = [("", row.iri.rstrip("/").rsplit("/", 1)[-1])]
        row.period = next(
            (
                min(dates[role], key=lambda p: p.first)
                for role in ("start", "published")
                if role in dates
            ),
            None,
        )
        if "end" in dates:
            row.end = max(dates["end"], key=lambda p: p.last)
        if row.period is not None:
            row.add_facet("year", row.period.year)

        if row.kind == "place":
            row.subkind = place_level(row.iri, self.base)
        elif row.kind == "event":
            row.subkind = "series" if SDO_EVENT_SERIES in types else "event"
        elif row.kind == "actor":
            row.subkind = "person" if SDO_PERSON in types else "organization"
        self._links(row, links)

    def _links(self, row: Row, links: dict[str, list]) -> None:
        """Facets, context and dependencies from what the row links to, up their hierarchies."""
        base, names = self.base, self.names
        roots: dict[str, set[str]] = {h.facet: set() for h in HIERARCHIES}
        for predicate, values in links.items():
            for obj, nested in values:
                if type(obj) is URIRef:
                    target = str(obj)
                    row.deps.add(target)
                    for hierarchy in HIERARCHIES:
                        if predicate in hierarchy.links and target.startswith(
                            base + hierarchy.prefix
                        ):
                            roots[hierarchy.facet].add(target)
                    for facet in FACET_OF_LINK.get(predicate, ()):
                        row.add_facet(facet, target)
                    row.text_context.extend(self._context_of(target))
                    if predicate == SDO_LOCATION:
                        row.where.append(names.get(target, []))
                        communes = sorted(
                            a
                            for a in self.ancestors.get(target, ())
                            if a.startswith(base + "id/place/commune/")
                        )
                        if communes and communes[0] != target:
                            row.where.append(names.get(communes[0], []))
                elif type(obj) is BNode:
                    inline = [
                        (lang_of(o2), str(o2))
                        for p2, o2 in nested
                        if is_text(o2) and p2 in LABEL_SET
                    ]
                    row.add_context(inline)
                    if predicate == SDO_LOCATION and inline:
                        row.where.append(inline)
                    for place in contained(nested):
                        roots["territory"].add(place)
                        row.deps.add(place)
        own = HIERARCHY_OF_KIND.get(row.kind)
        if own is not None:
            self._file_up(row, own.facet, row.iri, "", True)
        for hierarchy in HIERARCHIES:
            for root in roots[hierarchy.facet]:
                row.add_facet(hierarchy.facet, root)
                self._file_up(
                    row, hierarchy.facet, root, base + hierarchy.prefix, hierarchy.searched
                )
        row.deps.discard(row.iri)

    def _file_up(self, row: Row, facet: str, of: str, prefix: str, searched: bool) -> None:
        """File ``row`` under the ancestors of ``of`` that start with ``prefix`` (it is built
        from every one), their names searchable with it when ``searched``."""
        for ancestor in self.ancestors.get(of, ()):
            row.deps.add(ancestor)
            if ancestor.startswith(prefix):
                row.add_facet(facet, ancestor)
                if searched:
                    row.text_context.extend(self._context_of(ancestor))


def add_parts(row: Row, parts: Iterable[str], triples: Mapping[str, list]) -> None:
    """The text of the row's parts (hash IRIs: roles, findings, notes), searchable with its
    descriptions; the row is built from them."""
    for part in sorted(parts):
        row.deps.add(part)
        for predicate, obj, _nested in triples.get(part, ()):
            if is_text(obj) and predicate in TEXT_SET:
                row.text_body.append(analyse_text(str(obj), obj.language))
