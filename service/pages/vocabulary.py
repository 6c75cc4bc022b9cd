"""The vocabulary (``/def``) and the shapes (``/shapes``) as documentation.

Their pages list every term the document defines, grouped into classes, properties,
shapes and other terms, each with its labels and definitions and its alignment
(sub-class, sub-property, inverse, domain, range, targets, paths, change notes). Labels and
definitions follow the language rule as every text of a page does: those of the page's
language, another's only where it has none (the other language's page shows them).
"""

from __future__ import annotations

from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from ..namespaces import SDO
from .describe import Description
from .view import PageBuilder

CLASS_TYPES = frozenset({OWL.Class, RDFS.Class})
PROPERTY_TYPES = frozenset(
    {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property}
)
SHAPE_TYPES = frozenset({SH.NodeShape})

#: The groups of terms, in the order of the page, and the types that put a term in each
#: (a term of none of them is among the other terms).
TERM_GROUPS: tuple[tuple[str, frozenset[URIRef], str, str], ...] = (
    ("classes", CLASS_TYPES, "Classes", "Classes"),
    ("properties", PROPERTY_TYPES, "Propriétés", "Properties"),
    ("shapes", SHAPE_TYPES, "Formes", "Shapes"),
    ("other", frozenset(), "Autres termes", "Other terms"),
)

#: A term's facts, in this order (then the others by name).
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
#: Shown as the term's labels and definitions, not again among its facts.
TERM_TEXTS = (RDFS.label, SKOS.prefLabel, SKOS.definition, RDFS.comment, SDO.name)


def term_group(types: set) -> str:
    """The group a term with these types is listed in (the first that matches)."""
    return next((key for key, of, _, _ in TERM_GROUPS if types & of), "other")


def vocabulary_sections(builder: PageBuilder, description: Description) -> list[dict[str, Any]]:
    """Classes, properties, shapes and other terms, each with its labels (besides its title)
    and definitions in the best language it has them in, and its alignment (sub-class,
    sub-property, domain, range…)."""
    own = description.own
    langs = builder.langs
    members: dict[str, list[URIRef]] = {key: [] for key, _, _, _ in TERM_GROUPS}
    for part in description.parts:
        members[term_group(set(own.objects(part, RDF.type)))].append(part)
    result = []
    for key, _, name_fr, name_en in TERM_GROUPS:
        if not members[key]:
            continue
        terms = []
        for term in sorted(members[key], key=lambda t: str(builder.label(t)).lower()):
            title = builder.label(term)
            labels = [
                builder.literal(v)
                for v in langs.sort(langs.in_best_language(own.objects(term, RDFS.label)))
                if isinstance(v, Literal) and v != title
            ]
            definitions = [
                builder.literal(v)
                for p in (SKOS.definition, RDFS.comment)
                for v in langs.sort(langs.in_best_language(own.objects(term, p)))
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
                    "facts": builder.facts(term, TERM_ORDER, exclude=TERM_TEXTS),
                }
            )
        result.append({"key": key, "label": langs.text(name_fr, name_en), "terms": terms})
    return result


__all__ = ["TERM_GROUPS", "TERM_ORDER", "term_group", "vocabulary_sections"]
