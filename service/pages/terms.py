"""The names of properties and classes a page shows, in the interface language.

Our own terms are named by the vocabulary in the store (``rdfs:label``, and
``owl:inverseOf`` for the inverse reading); the vocabularies we reuse by
:data:`PROPERTY_LABELS` and :data:`CLASS_LABELS` (schema.org labels its terms in
English only). The inverse reading names a group of incoming links: "organise" for
the events an actor organises.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDFS

from ..labels import Languages, fallback_label
from ..namespaces import PREFIXES
from ..store import Store

#: The names of the terms we reuse, one table a file (``names/``): translators edit them
#: without touching code. A row is a prefixed name, then the French and English names.
NAMES = Path(__file__).with_name("names")


def _table(name: str) -> dict[URIRef, tuple[str, ...]]:
    rows = csv.reader(
        (NAMES / name).read_text(encoding="utf-8").splitlines(), delimiter="\t", strict=True
    )
    next(rows)  # the header names the columns
    table = {}
    for prefixed, *names in rows:
        prefix, local = prefixed.split(":", 1)
        table[URIRef(PREFIXES[prefix] + local)] = tuple(names)
    return table


#: property → (French, English, French inverse, English inverse). Inverse names name a group
#: of incoming links on the linked resource's page ("organise": the events it organises).
PROPERTY_LABELS: dict[URIRef, tuple[str, ...]] = _table("properties.tsv")
#: class → (French, English), for the classes we reuse (ours are labelled in the vocabulary).
CLASS_LABELS: dict[URIRef, tuple[str, ...]] = _table("classes.tsv")

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _local_words(iri: URIRef) -> str:
    """``startDate`` → ``start date``: the last resort for a term without a label."""
    local = str(fallback_label(iri))
    return _CAMEL.sub(" ", local).replace("_", " ").lower()


@dataclass
class Terms:
    """Names of properties and classes, from the vocabulary graph and the tables above."""

    vocabulary: Graph = field(default_factory=Graph)

    @classmethod
    def read(cls, store: Store) -> Terms:
        """The names the store's vocabulary gives (one query: callers keep the result for a
        store generation)."""
        return cls(store.construct(VOCABULARY_QUERY))

    def _vocabulary_label(self, term: URIRef, languages: Languages) -> Literal | None:
        values = [v for v in self.vocabulary.objects(term, RDFS.label) if isinstance(v, Literal)]
        return languages.best(values) if values else None  # type: ignore[return-value]

    def property_label(self, prop: URIRef, languages: Languages, inverse: bool = False) -> str:
        row = PROPERTY_LABELS.get(prop)
        if row is not None:
            fr, en, inv_fr, inv_en = row
            return languages.text(inv_fr, inv_en) if inverse else languages.text(fr, en)
        if inverse:
            # owl:inverseOf may be stated on either side of the pair.
            others = chain(
                self.vocabulary.objects(prop, OWL.inverseOf),
                self.vocabulary.subjects(OWL.inverseOf, prop),
            )
            for other in others:
                found = self._vocabulary_label(other, languages)  # type: ignore[arg-type]
                if found is not None:
                    return str(found)
        found = self._vocabulary_label(prop, languages)
        name = str(found) if found is not None else _local_words(prop)
        if inverse:
            return languages.text(f"{name} (de)", f"{name} (of)")
        return name

    def class_label(self, cls: URIRef, languages: Languages) -> str:
        found = self._vocabulary_label(cls, languages)
        if found is not None:
            return str(found)
        row = CLASS_LABELS.get(cls)
        if row is not None:
            return languages.text(*row)
        return str(fallback_label(cls))


#: The triples :class:`Terms` needs from the store: labels of our terms, inverses of properties.
VOCABULARY_QUERY = (
    "CONSTRUCT { ?t <http://www.w3.org/2000/01/rdf-schema#label> ?l . "
    "?t <http://www.w3.org/2002/07/owl#inverseOf> ?i } WHERE { "
    "{ ?t <http://www.w3.org/2000/01/rdf-schema#isDefinedBy> ?o . "
    "?t <http://www.w3.org/2000/01/rdf-schema#label> ?l } UNION "
    "{ ?t <http://www.w3.org/2002/07/owl#inverseOf> ?i } }"
)


__all__ = ["CLASS_LABELS", "PROPERTY_LABELS", "VOCABULARY_QUERY", "Terms"]
