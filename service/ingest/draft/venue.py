"""The venue of an event, in the draft: the place its sentence (or the article's title) names
after « à », « au », « dans » (« à l'école nationale supérieure d'Arts et Métiers (ENSAM) à
Lille »). The known venue when the data holds one of that name, never minted again; else a
new place named as the text writes it, in the commune the text names when it is one.
"""

from __future__ import annotations

from rdflib import BNode, Literal, URIRef

from ...namespaces import IGEO, RDF, SDO
from ..reading.names import slugify
from ..reading.venues import Venue, venue_in
from .builder import DraftBuilder


def read_venue(texts: list[str]) -> Venue | None:
    """The venue the first of ``texts`` that names one names (the event's sentence, then the
    article's title)."""
    for text in texts:
        if text and (venue := venue_in(text)) is not None:
            return venue
    return None


def add_venue(
    builder: DraftBuilder, venue: Venue, town: str | None, commune: URIRef | None
) -> URIRef | None:
    """The venue as a place of the draft, in the town the phrase names (else the event's
    ``town`` and ``commune``); None when the phrase names a town and nothing more (« au
    centre de Lille »)."""
    name = venue.name
    if venue.town:
        named = builder.found.facts.places_named() if builder.found.facts else []
        found = builder.ref.territory(venue.town, IGEO.Commune) or (
            builder.known.place(venue.town, named).iri
        )
        if found is not None:
            town, commune = venue.town, found
            if venue.short is not None:
                if not venue.short_named:
                    return None
                name = venue.short
    names = [name] + ([venue.acronym] if venue.acronym else [])
    known = builder.known.venue(names, commune) or (
        builder.known.venue(names, None) if commune is None else None
    )
    if known is not None:
        return builder.record("place", name, known)
    node = builder.iri(f"id/place/{slugify(name)}")
    if builder.ref.exists(node):
        return builder.record("place", name, node)
    node = builder.record("place", name, node)
    builder.add(node, RDF.type, SDO.Place)
    builder.add(node, SDO.name, Literal(name, lang="fr"))
    if venue.acronym:
        builder.add(node, SDO.alternateName, Literal(venue.acronym))
    if commune is None:
        builder.draft.to_complete(
            f"« {name} » : la commune de ce lieu n'est pas dite ou pas reconnue : l'ajouter.",
            f"“{name}”: the commune of this venue is not given or not recognised: add it.",
        )
        return node
    builder.add(node, SDO.containedInPlace, commune)
    address = BNode()
    builder.add(node, SDO.address, address)
    builder.add(address, RDF.type, SDO.PostalAddress)
    if town:
        builder.add(address, SDO.addressLocality, Literal(town))
    region = builder.ref.region_of(commune)
    if region:
        builder.add(address, SDO.addressRegion, Literal(region))
    builder.add(address, SDO.addressCountry, Literal("FR"))
    if town:
        builder.record("commune", town, commune)
    return node
