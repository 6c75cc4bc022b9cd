"""The documents an article offers, in the draft: the file at its address, its chapters.

A document is known by its address; without one it stays out of the draft and a
curator is asked to find it.
"""

from __future__ import annotations

import mimetypes
from urllib.parse import urlsplit

from rdflib import Literal, URIRef

from ...namespaces import RDF, SDO
from ..reading.addresses import file_name
from ..reading.names import slugify
from ..reading.record import Document
from .builder import DraftBuilder, last_segment


def add_document(
    builder: DraftBuilder, article: URIRef, document: Document, publisher: URIRef | None
) -> None:
    """The document as the file at its address, with its chapters; the article's media."""
    if document.url is None:
        # A document is the file at its address: without it there is nothing to point at.
        builder.draft.to_complete(
            f"Le document « {document.name or '?'} » ({document.size or 'poids inconnu'}, ligne "
            f"{document.line}) n'a pas d'adresse : il n'est pas dans le brouillon ; la retrouver, puis l'ajouter.",
            f"The document “{document.name or '?'}” ({document.size or 'size unknown'}, line "
            f"{document.line}) has no address: it is not in the draft; find it, then add it.",
        )
        return
    node = builder.ref.by_address(document.url, SDO.DigitalDocument)
    owner = last_segment(publisher) if publisher is not None else None
    if node is None:
        slug = (
            slugify(document.name)
            if document.name
            else slugify(file_name(document.url) or "document")
        )
        node = builder.iri(f"id/document/{owner + '-' if owner else ''}{slug}")
    builder.record("document", document.name or document.url, node)
    builder.add(node, RDF.type, SDO.DigitalDocument)
    builder.add(node, RDF.type, SDO.MediaObject)
    if document.name:
        builder.add(node, SDO.name, builder.text(document.name))
    url = URIRef(document.url)
    builder.add(node, SDO.url, url)
    builder.add(node, SDO.contentUrl, url)
    media_type, _ = mimetypes.guess_type(urlsplit(document.url).path, strict=False)
    if media_type:
        builder.add(node, SDO.encodingFormat, Literal(media_type))
    else:
        builder.draft.to_complete(
            f"Format du document « {document.name} » inconnu (adresse sans extension connue).",
            f"Format of the document “{document.name}” unknown (address without a known extension).",
        )
    # a file of the article's own site is published by the article's publisher
    if publisher is not None and (
        urlsplit(document.url).netloc.lower()
        == urlsplit(builder.found.source_url or "").netloc.lower()
    ):
        builder.add(node, SDO.publisher, publisher)
    if document.size:
        builder.add(node, SDO.contentSize, Literal(document.size))
    for chapter in document.chapters:
        part = URIRef(f"{node}#partie-{chapter.position}")
        builder.add(node, SDO.hasPart, part)
        builder.add(part, RDF.type, SDO.Chapter)
        builder.add(part, SDO.name, builder.text(chapter.name))
        builder.add(part, SDO.position, Literal(chapter.position))
        if chapter.page is not None:
            builder.add(part, SDO.pageStart, Literal(chapter.page))
        builder.add(part, SDO.isPartOf, node)
    builder.add(article, SDO.associatedMedia, node)
