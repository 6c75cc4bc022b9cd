"""The nodes a description finds by their type, read once per store generation.

Two things every page asks the whole store, whatever it shows: which hash parts of its
document nothing links to but their type (vocabulary terms and shapes, data-quality notes:
:data:`~.describe.PART_TYPES`), and which data-quality notes are about it or its parts.
Asked by SPARQL on every page, the first read every typed resource of the store (Oxigraph
joined its ``VALUES`` of types with every ``rdf:type`` triple), the second every note.
There are few such nodes (a vocabulary's terms, the shapes, the notes), and they change only
with a write: :meth:`TypedNodes.read` reads them once, by index lookups on ``rdf:type``, into
dictionaries a page looks up.

The web layer keeps one for the store's generation (a write makes the next page read them
again) and hands it in (:class:`~.context.PageContext`); without one, a description reads
them itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node

from ..namespaces import DQV, MED, SDO, document_of
from ..store import Store

#: Types of hash parts that nothing needs to link to: found by type under the document.
NOTE_TYPES: tuple[URIRef, ...] = (MED.DataQualityNote, DQV.QualityAnnotation)
#: The others: vocabulary terms and shapes, in any graph (a namespace document spans several
#: files).
TERM_TYPES: tuple[URIRef, ...] = (
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    RDF.Property,
    RDFS.Class,
    RDFS.Datatype,
    SH.NodeShape,
    SH.PropertyShape,
)
PART_TYPES: tuple[URIRef, ...] = NOTE_TYPES + TERM_TYPES


@dataclass
class TypedNodes:
    """Hash parts found by type, by document, and data-quality notes by what they are about."""

    #: Vocabulary terms and shapes that are hash IRIs, by their document.
    terms: dict[URIRef, set[URIRef]] = field(default_factory=dict)
    #: Typed notes that are hash IRIs, by their document: each with the graphs its type is
    #: stated in (a document's notes are those of its own graphs).
    notes: dict[URIRef, dict[URIRef, set[URIRef]]] = field(default_factory=dict)
    #: ``med:DataQualityNote``s by what they are about (``schema:about``).
    about: dict[Node, set[Node]] = field(default_factory=dict)

    @classmethod
    def read(cls, store: Store) -> TypedNodes:
        """Every node of :data:`TERM_TYPES` and of :data:`NOTE_TYPES` (hash IRIs, by
        document), and what each ``med:DataQualityNote`` is about: one index lookup a type."""
        found = cls()
        for kind in TERM_TYPES:
            for s, _, _, _ in store.quads(predicate=RDF.type, obj=kind):
                if isinstance(s, URIRef) and "#" in s:
                    found.terms.setdefault(document_of(s), set()).add(s)
        for kind in NOTE_TYPES:
            for s, _, _, g in store.quads(predicate=RDF.type, obj=kind):
                if isinstance(s, URIRef) and "#" in s and g is not None:
                    found.notes.setdefault(document_of(s), {}).setdefault(s, set()).add(g)
        for note, _, _, _ in store.quads(predicate=RDF.type, obj=MED.DataQualityNote):
            for _, _, target, _ in store.quads(subject=note, predicate=SDO.about):
                found.about.setdefault(target, set()).add(note)
        return found

    def parts(self, document: URIRef, graphs: set[URIRef]) -> set[URIRef]:
        """The document's typed parts: its terms and shapes, and its notes stated in one of
        ``graphs`` (the graphs of the document's own triples: there may be many notes
        elsewhere)."""
        found = set(self.terms.get(document, ()))
        for note, stated in self.notes.get(document, {}).items():
            if not stated.isdisjoint(graphs):
                found.add(note)
        return found

    def notes_about(self, nodes: Iterable[Node]) -> set[Node]:
        """The data-quality notes about any of ``nodes``."""
        found: set[Node] = set()
        for node in nodes:
            found |= self.about.get(node, set())
        return found


__all__ = ["NOTE_TYPES", "PART_TYPES", "TERM_TYPES", "TypedNodes"]
