"""The organisations an account acts for: ``schema:Organization`` resources of the store,
named by their IRI under ``{base}id/actor/``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rdflib import URIRef

from ..errors import BadRequest, NotFound
from ..namespaces import SDO, is_absolute_iri

if TYPE_CHECKING:
    from ..store import Store

_IS_ORGANISATION = "ASK { ?organisation a <" + str(SDO.Organization) + "> }"


def checked_organisation(iri: str, base_url: str, store: Store | None) -> str:
    """``iri`` when it names an organisation of the store (not checked without a store), else
    the 400 or 404 that says why."""
    iri = iri.strip()
    if not is_absolute_iri(iri) or not iri.startswith(f"{base_url}id/actor/"):
        raise BadRequest(
            f"« {iri[:200]} » n'est pas l'adresse d'un acteur ({base_url}id/actor/…).",
            f'"{iri[:200]}" is not the address of an actor ({base_url}id/actor/…).',
        )
    if store is not None and not store.ask(_IS_ORGANISATION, {"organisation": URIRef(iri)}):
        raise NotFound(
            f"Aucune organisation (schema:Organization) à l'adresse {iri} dans les données.",
            f"No organisation (schema:Organization) at {iri} in the data.",
        )
    return iri


#: A resource is an organisation's when it is the organisation, or when it, or an event it is
#: part of (``schema:superEvent``, ``schema:subEvent`` read backwards), has the organisation
#: as organiser or publisher. Venues and people are shared by many organisations' events:
#: only moderators edit them.
_ACTS_FOR = (
    "ASK { ?resource (<{sdo}superEvent>|^<{sdo}subEvent>)*/(<{sdo}organizer>|<{sdo}publisher>) "
    "?organisation }"
).replace("{sdo}", str(SDO))

#: The rule, as the 403 and ``docs/publishing.md`` say it.
ACTS_FOR_RULE = (
    "un contributeur modifie une ressource publiée quand elle est l'une des organisations "
    "de son compte, ou quand l'une d'elles en est l'organisatrice ou l'éditrice (schema:organizer, "
    "schema:publisher), d'elle-même ou de l'événement dont elle fait partie ; les lieux, les "
    "personnes et le reste sont modifiés par la modération",
    "a publisher edits a published resource when it is one of the account's organisations, or "
    "when one of them is its organiser or publisher (schema:organizer, schema:publisher), or "
    "that of the event it is part of; venues, people and the rest are edited by the moderators",
)


def acts_for(store: Store, iri: str, organisations: tuple[str, ...]) -> bool:
    """True when ``iri`` is one of ``organisations``' resources (:data:`ACTS_FOR_RULE`)."""
    if iri in organisations:
        return True
    return any(
        store.ask(_ACTS_FOR, {"resource": URIRef(iri), "organisation": URIRef(organisation)})
        for organisation in organisations
    )
