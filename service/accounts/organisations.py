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
