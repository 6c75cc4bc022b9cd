"""The kinds of resources the index lists, read from their IRIs.

Our IRIs say what they name: ``{base}id/event/…`` is an event, ``{base}id/place/commune/…``
a commune (``docs/architecture.md``). So a row's kind and sub-kind, which resources are
indexed at all, and the short facet values of list URLs (``theme=illectronisme``) all
come from the IRI, without reading the store. Their French and English names are words of
``service/words.tsv``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..labels import words


@dataclass(frozen=True)
class ListKind:
    name: str
    fr: str
    fr_plural: str
    en: str
    en_plural: str

    def label(self, lang: str, plural: bool = False) -> str:
        if lang == "en":
            return self.en_plural if plural else self.en
        return self.fr_plural if plural else self.fr


#: ``{base}id/{segment}/…`` → kind. Segments not listed are not indexed: ``change/``
#: (tombstones), and ``query/``: example queries are ways to ask the SPARQL endpoint, which
#: ``/sparql`` lists (read from the store), not things of the field that lists and the
#: site's search show.
SEGMENT_KINDS: dict[str, str] = {
    "event": "event",
    "actor": "actor",
    "theme": "theme",
    "place": "place",
    "article": "article",
    "document": "document",
    "post": "post",
    "occupation": "occupation",
    "programme": "programme",
    "scheme": "scheme",
    "role": "concept",
    "audience": "concept",
    "mission": "concept",
    "curation": "concept",
}

LIST_KINDS: dict[str, ListKind] = {
    name: ListKind(name, fr, fr_plural, en, en_plural)
    for name, (fr, en, fr_plural, en_plural) in words("kind").items()
}

#: The order of kinds in a search, before relevance: the field — events, actors, places,
#: what was written about them, the profession and its schemes — first; then the
#: vocabulary that describes them (themes, concepts, schemes), which would otherwise come
#: first for many searches by its short names alone. Relevance orders each tier.
SEARCH_TIERS: dict[str, int] = {
    "event": 0,
    "actor": 0,
    "place": 0,
    "article": 0,
    "document": 0,
    "post": 0,
    "occupation": 0,
    "programme": 0,
    "theme": 1,
    "concept": 1,
    "scheme": 1,
}

#: Territory levels, from ``{base}id/place/{level}/{code}``; any other place is a venue.
PLACE_LEVELS: dict[str, tuple[str, ...]] = words("place-level")

#: Sub-kinds: territory levels, persons and organisations, series of events.
SUBKINDS: dict[str, tuple[str, ...]] = {**PLACE_LEVELS, **words("subkind")}

#: Facet → the IRI prefix (after the base) its short values are under.
FACET_PREFIXES: dict[str, str] = {
    "theme": "id/theme/",
    "territory": "id/place/",
    "organizer": "id/actor/",
    "audience": "id/audience/",
    "scheme": "id/scheme/",
    "superevent": "id/event/",
}


def list_kind_of(iri: str, base: str) -> str | None:
    """The kind of one of our resources, from its IRI; None when it is not one we index."""
    prefix = base + "id/"
    if not iri.startswith(prefix) or "#" in iri:
        return None
    segment = iri[len(prefix) :].split("/", 1)
    if len(segment) < 2 or not segment[1]:
        return None
    return SEGMENT_KINDS.get(segment[0])


def place_level(iri: str, base: str) -> str:
    """The territory level of a place IRI (a key of :data:`PLACE_LEVELS`): ``venue`` for any
    place that is not a territory."""
    rest = iri[len(base + "id/place/") :] if iri.startswith(base + "id/place/") else ""
    head = rest.split("/", 1)[0]
    return head if head in PLACE_LEVELS and "/" in rest else "venue"


def short_value(iri: str, facet: str, base: str) -> str:
    """The short form of a facet value in URLs: ``illectronisme`` for a theme IRI."""
    prefix = FACET_PREFIXES.get(facet)
    if prefix is not None and iri.startswith(base + prefix):
        return iri[len(base + prefix) :]
    return iri


def kind_labels(kind: str) -> list[tuple[str, str]]:
    """The French and English names of a kind, as (language, text)."""
    known = LIST_KINDS.get(kind)
    return [("fr", known.fr), ("en", known.en)] if known else [("", kind)]


def subkind_labels(subkind: str) -> list[tuple[str, str]]:
    """The French and English names of a sub-kind, as (language, text)."""
    known = SUBKINDS.get(subkind)
    return [("fr", known[0]), ("en", known[1])] if known else [("", subkind)]
