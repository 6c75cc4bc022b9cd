"""What a person may publish with a form: the kind in the address, its class, where its IRIs
are minted (``docs/architecture.md``, "IRIs and graphs") and its name in the interface."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from ..namespaces import SDO


@dataclass(frozen=True)
class Kind:
    name: str  # in /publish/new/<name>
    cls: URIRef
    segment: str  # {base}id/{segment}/{slug}
    fr: str
    en: str
    #: A date that starts the slug, as the seed's events do (2019-12-04-journee-…).
    dated_by: URIRef | None = None

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.fr


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("event", SDO.Event, "event", "Un événement", "An event", SDO.startDate),
        Kind("organisation", SDO.Organization, "actor", "Une organisation", "An organisation"),
        Kind("person", SDO.Person, "actor", "Une personne", "A person"),
        Kind("place", SDO.Place, "place", "Un lieu", "A venue"),
        Kind("article", SDO.Article, "article", "Un article", "An article"),
    )
}

#: The class whose nodes get IRIs of their own, rather than a part of their parent's.
SEGMENT_OF_CLASS: dict[URIRef, str] = {kind.cls: kind.segment for kind in KINDS.values()}
#: The date that starts the slugs of a segment's IRIs.
DATED_BY: dict[str, URIRef] = {k.segment: k.dated_by for k in KINDS.values() if k.dated_by}
