"""The kinds of pages and of parts: what a page shows for each kind of resource, and in
which order (presentation as data).

A resource's **kind** comes from its types (:data:`PAGE_KINDS`, first match wins).
Each kind lists the properties shown first, in order (:attr:`PageKind.fields`),
and the sections that follow (roles, programme, findings, table of contents,
containment…); every other property still appears, under "Other facts", so
no fact is hidden. Hash parts (roles, findings, notes, chapters) are shown in
sections of their own, in the order of :data:`PART_KINDS`.

The sitemap lists pages by these kinds too (``service.opendata``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from rdflib import URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDFS, SH, SKOS
from rdflib.term import Node

from ..labels import Languages
from ..namespaces import DQV, IGEO, MED, SDO


@dataclass(frozen=True)
class PageKind:
    name: str
    label_fr: str
    label_en: str
    classes: frozenset[URIRef]
    fields: tuple[URIRef, ...] = ()  # shown first, in this order
    sections: tuple[str, ...] = ()  # named blocks of the page, in this order
    sitemap: bool = True  # its resources are listed in the sitemap

    def label(self, languages: Languages) -> str:
        return languages.text(self.label_fr, self.label_en)


EVENT_CLASSES = frozenset(
    {
        SDO.Event,
        SDO.EventSeries,
        SDO.BusinessEvent,
        SDO.EducationEvent,
        SDO.SocialEvent,
        MED.RegionalDay,
        MED.RegionalDaySeries,
        MED.Plenary,
        MED.Workshop,
        MED.Restitution,
    }
)
TERRITORY_CLASSES = frozenset(
    {
        SDO.AdministrativeArea,
        SDO.City,
        SDO.State,
        SDO.Country,
        IGEO.Commune,
        IGEO.Departement,
        IGEO.Region,
        IGEO.Intercommunalite,
        IGEO.CommuneDeleguee,
        IGEO.CommuneAssociee,
        IGEO.ArrondissementMunicipal,
        IGEO.CollectiviteDOutreMer,
        IGEO.Pays,
    }
)
QUERY_CLASSES = frozenset(
    {
        SH.SPARQLExecutable,
        SH.SPARQLSelectExecutable,
        SH.SPARQLConstructExecutable,
        SH.SPARQLAskExecutable,
        SH.SPARQLUpdateExecutable,
    }
)

PAGE_KINDS: tuple[PageKind, ...] = (
    PageKind("vocabulary", "Vocabulaire", "Vocabulary", frozenset({OWL.Ontology}), sitemap=True),
    PageKind(
        "scheme",
        "Référentiel",
        "Concept scheme",
        frozenset({SKOS.ConceptScheme}),
        (SKOS.definition, DCTERMS.source, DCTERMS.license),
        ("concepts",),
    ),
    PageKind(
        "concept",
        "Concept",
        "Concept",
        frozenset({SKOS.Concept}),
        (
            SKOS.definition,
            SKOS.altLabel,
            SKOS.inScheme,
            SKOS.broader,
            SKOS.narrower,
            SKOS.related,
            SKOS.notation,
            SKOS.exactMatch,
            SKOS.closeMatch,
            MED.impliedProperty,
        ),
        ("narrower",),
    ),
    PageKind(
        "query",
        "Exemple de requête",
        "Example query",
        QUERY_CLASSES,
        (RDFS.comment, SDO.target),
        ("query",),
    ),
    PageKind(
        "event",
        "Événement",
        "Event",
        EVENT_CLASSES,
        (
            SDO.alternateName,
            SDO.startDate,
            SDO.endDate,
            SDO.eventStatus,
            SDO.eventAttendanceMode,
            SDO.location,
            SDO.organizer,
            SDO.performer,
            SDO.contributor,
            SDO.audience,
            MED.participantCount,
            SDO.about,
            SDO.superEvent,
            MED.follows,
            MED.restitutes,
            SDO.subjectOf,
        ),
        ("roles", "programme", "findings", "previous_next"),
    ),
    PageKind(
        "territory",
        "Territoire",
        "Territory",
        TERRITORY_CLASSES,
        (IGEO.codeINSEE, SDO.identifier, SDO.address, SDO.containedInPlace, RDFS.seeAlso),
        ("containment", "events_here"),
    ),
    PageKind(
        "place",
        "Lieu",
        "Place",
        frozenset({SDO.Place, SDO.LocalBusiness}),
        (SDO.address, SDO.containedInPlace, SDO.url, SDO.sameAs),
        ("containment", "events_here"),
    ),
    PageKind(
        "post",
        "Publication",
        "Post",
        frozenset({SDO.SocialMediaPosting, SDO.BlogPosting}),
        (
            SDO.datePublished,
            SDO.author,
            SDO.articleBody,
            SDO.keywords,
            SDO.about,
            SDO.mentions,
            SDO.sharedContent,
            SDO.url,
            SDO.inLanguage,
            SDO.identifier,
        ),
    ),
    PageKind(
        "article",
        "Article",
        "Article",
        frozenset({SDO.Article, SDO.NewsArticle, SDO.Report, SDO.ScholarlyArticle}),
        (
            SDO.abstract,
            SDO.datePublished,
            SDO.dateModified,
            SDO.publisher,
            SDO.author,
            SDO.url,
            SDO.about,
            SDO.spatialCoverage,
            SDO.mentions,
            SDO.associatedMedia,
            MED.embeds,
            SDO.citation,
            SDO.inLanguage,
        ),
    ),
    PageKind(
        "document",
        "Document",
        "Document",
        frozenset(
            {
                SDO.DigitalDocument,
                SDO.MediaObject,
                SDO.CreativeWork,
                SDO.Book,
                MED.ProfessionalStandard,
                SDO.Dataset,
            }
        ),
        (
            SDO.publisher,
            SDO.author,
            SDO.datePublished,
            SDO.url,
            SDO.contentUrl,
            SDO.encodingFormat,
            SDO.contentSize,
            SDO.inLanguage,
            SDO.about,
        ),
        ("toc",),
    ),
    PageKind(
        "actor",
        "Acteur",
        "Actor",
        frozenset(
            {
                SDO.Person,
                SDO.Organization,
                SDO.NGO,
                SDO.GovernmentOrganization,
                FOAF.Agent,
                MED.MediatorCollective,
            }
        ),
        (
            SDO.alternateName,
            SDO.givenName,
            SDO.familyName,
            SDO.jobTitle,
            SDO.worksFor,
            SDO.affiliation,
            SDO.memberOf,
            MED.purpose,
            MED.meetingFrequency,
            MED.mission,
            SDO.location,
            SDO.areaServed,
            SDO.url,
            SDO.sameAs,
        ),
        ("actor_roles",),
    ),
)

GRAPH_KIND = PageKind(
    "graph",
    "Graphe nommé",
    "Named graph",
    frozenset(),
    (
        SDO.description,
        DCTERMS.description,
        DCTERMS.source,
        PROV.wasDerivedFrom,
        PROV.wasAttributedTo,
        SDO.dateCreated,
        SDO.dateModified,
        MED.curationStatus,
        SDO.license,
        DCTERMS.license,
    ),
    ("graph",),
)
GENERIC_KIND = PageKind("resource", "Ressource", "Resource", frozenset())

PAGE_KINDS_BY_NAME: dict[str, PageKind] = {
    k.name: k for k in PAGE_KINDS + (GRAPH_KIND, GENERIC_KIND)
}


def page_kind_of(types: Iterable[Node], is_graph: bool = False) -> PageKind:
    """The kind of a resource with these types (a named graph is a graph, whatever its types)."""
    return GRAPH_KIND if is_graph else _first_match(PAGE_KINDS, types, GENERIC_KIND)


#: Hash parts, by the class that makes them one kind of part, in the order a page shows them.
@dataclass(frozen=True)
class PartKind:
    name: str
    label_fr: str
    label_en: str
    classes: frozenset[URIRef]
    fields: tuple[URIRef, ...] = ()

    def label(self, languages: Languages) -> str:
        return languages.text(self.label_fr, self.label_en)


PART_KINDS: tuple[PartKind, ...] = (
    PartKind(
        "role",
        "Rôles",
        "Roles",
        frozenset({MED.Participation, SDO.Role}),
        (MED.roleType, MED.agent, MED.onBehalfOf, SDO.roleName, SDO.description),
    ),
    PartKind(
        "finding", "Apports", "Findings", frozenset({MED.Finding, SDO.Claim}), (SDO.text, SDO.about)
    ),
    PartKind(
        "debate",
        "Questions débattues",
        "Debated questions",
        frozenset({MED.DebatedQuestion, SDO.Question}),
        (SDO.text, SDO.about),
    ),
    PartKind(
        "report",
        "Comptes rendus",
        "Reports",
        frozenset({MED.WorkshopReport, SDO.Report}),
        (SDO.description, SDO.about),
    ),
    PartKind(
        "chapter",
        "Sommaire",
        "Table of contents",
        frozenset({SDO.Chapter}),
        (SDO.pageStart, SDO.pageEnd),
    ),
    PartKind(
        "note",
        "Notes de qualité des données",
        "Data-quality notes",
        frozenset({MED.DataQualityNote, DQV.QualityAnnotation}),
        (SDO.about, SDO.text, MED.sourceValue, MED.retainedValue, MED.evidence, SDO.dateCreated),
    ),
    PartKind(
        "identifier",
        "Identifiants",
        "Identifiers",
        frozenset({SDO.PropertyValue}),
        (SDO.propertyID, SDO.value),
    ),
    PartKind(
        "address",
        "Adresses",
        "Addresses",
        frozenset({SDO.PostalAddress}),
        (SDO.addressLocality, SDO.postalCode, SDO.addressRegion, SDO.addressCountry),
    ),
    PartKind(
        "media",
        "Médias",
        "Media",
        frozenset({SDO.ImageObject, SDO.MediaObject}),
        (SDO.url, SDO.sameAs),
    ),
)
OTHER_PARTS = PartKind("part", "Autres éléments", "Other parts", frozenset())


_Kind = TypeVar("_Kind", PageKind, PartKind)


def _first_match(kinds: tuple[_Kind, ...], types: Iterable[Node], default: _Kind) -> _Kind:
    """The first of ``kinds`` that one of ``types`` makes, else ``default``."""
    found = set(types)
    return next((kind for kind in kinds if kind.classes & found), default)


def part_kind_of(types: Iterable[Node]) -> PartKind:
    """The kind of a hash part with these types."""
    return _first_match(PART_KINDS, types, OTHER_PARTS)


__all__ = [
    "EVENT_CLASSES",
    "GENERIC_KIND",
    "GRAPH_KIND",
    "OTHER_PARTS",
    "PAGE_KINDS",
    "PAGE_KINDS_BY_NAME",
    "PART_KINDS",
    "PageKind",
    "PartKind",
    "page_kind_of",
    "part_kind_of",
]
