"""What pages read from the store that only a write changes, kept for one store generation.

**The nodes a description finds by their type** (:class:`TypedNodes`).

Two things every page asks the whole store, whatever it shows: which hash parts of its
document nothing links to but their type (vocabulary terms and shapes, data-quality notes:
:data:`PART_TYPES`), and which data-quality notes are about it or its parts.
Asked by SPARQL on every page, the first read every typed resource of the store (Oxigraph
joined its ``VALUES`` of types with every ``rdf:type`` triple), the second every note.
There are few such nodes (a vocabulary's terms, the shapes, the notes), and they change only
with a write: :meth:`TypedNodes.read` reads them once, by index lookups on ``rdf:type``, into
dictionaries a page looks up.

**The linked resources' triples** (:class:`LinkedCache`): a page shows each resource it
links to (and each that links to it) by its types, names and a few facts
(:data:`~.describe.LINKED_PROPERTIES`). The places, themes and actors of events are linked
from thousands of pages, and reading one costs tens of microseconds (Oxigraph decodes every
term of every triple of its subject): the triples kept are read once.

The web layer keeps a :class:`GenerationReads` for the store's generation (a write makes the
next page start a new one) and hands it in (:class:`~.context.PageContext`); without one, a
page reads everything itself.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
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


_Triple = tuple[Node, Node, Node]


class LinkedCache:
    """Each linked resource's triples as a page reads them, for one store generation: at most
    ``max_subjects``, the least recently used dropped first. Shared by the request threads."""

    def __init__(self, max_subjects: int = 20_000):
        self.max_subjects = max_subjects
        self._items: OrderedDict[Node, tuple[_Triple, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, subject: Node) -> tuple[_Triple, ...] | None:
        with self._lock:
            found = self._items.get(subject)
            if found is not None:
                self._items.move_to_end(subject)
            return found

    def put(self, subject: Node, triples: tuple[_Triple, ...]) -> None:
        with self._lock:
            self._items[subject] = triples
            if len(self._items) > self.max_subjects:
                self._items.popitem(last=False)


@dataclass
class GenerationReads:
    """What pages read that only a write changes: made for one store generation and
    dropped with it."""

    typed: TypedNodes
    linked: LinkedCache = field(default_factory=LinkedCache)

    @classmethod
    def read(cls, store: Store) -> GenerationReads:
        return cls(TypedNodes.read(store))


__all__ = [
    "NOTE_TYPES",
    "PART_TYPES",
    "TERM_TYPES",
    "GenerationReads",
    "LinkedCache",
    "TypedNodes",
]
