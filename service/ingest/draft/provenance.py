"""The draft graph's own description: where it comes from, its status, its licence.

The graph is a ``schema:Dataset`` and a ``prov:Entity`` derived from the article, whose
curation status is *brouillon* until a curator has checked it.
"""

from __future__ import annotations

from rdflib import URIRef

from ...namespaces import DCTERMS, LICENCE, MED, PROV, RDF, SDO
from .builder import DraftBuilder


def add_provenance(builder: DraftBuilder, article: URIRef, source: URIRef | None) -> None:
    """The graph described as a dataset drawn from the article, a draft, under the project's
    data licence."""
    node = builder.graph.identifier
    builder.add(node, RDF.type, SDO.Dataset)
    builder.add(node, RDF.type, PROV.Entity)
    builder.bilingual(
        node,
        SDO.name,
        (
            f"Brouillon tiré de l'article {source or builder.found.name}",
            f"Draft drawn from the article {source or builder.found.name}",
        ),
    )
    builder.bilingual(
        node,
        SDO.description,
        (
            "Extrait automatiquement du texte de l'article par « mediation ingest » ; un curateur "
            "doit le vérifier et le compléter avant publication.",
            "Extracted automatically from the article's text by “mediation ingest”; a curator "
            "must check and complete it before publication.",
        ),
    )
    builder.add(node, PROV.wasDerivedFrom, article)
    builder.add(node, DCTERMS.source, source)  # none when the source does not say it
    builder.add(node, SDO.dateCreated, builder.today)
    builder.add(node, MED.curationStatus, builder.iri("id/curation/brouillon"))
    # The draft is the project's data, under the project's data licence (as data/ is).
    builder.add(node, SDO.license, LICENCE)
