"""The parts ``create_app`` built, as the blueprints read them during a request.

``create_app`` hands them to the application in ``app.extensions["mediation"]``; these
accessors are the only code that reads them back.
"""

from __future__ import annotations

from flask import current_app

from ..config import Config
from ..errors import NotReady
from ..opendata import Build, Builder
from ..search import Index, IndexBuilder
from ..store import Store
from ..writes import ChangeLog, Publisher


def config() -> Config:
    return current_app.extensions["mediation"]["config"]


def store() -> Store:
    return current_app.extensions["mediation"]["store"]


def index() -> Index:
    """The search index: lists, facets and full text (``service.search``)."""
    return current_app.extensions["mediation"]["index"]


def indexer() -> IndexBuilder:
    """What keeps the search index servable and in step with the store (``service.indexing``)."""
    return current_app.extensions["mediation"]["indexer"]


def builds() -> Builder:
    """The open-data builder: its ``current`` build holds dumps, VoID and catalog figures."""
    return current_app.extensions["mediation"]["builds"]


def served_build(what_fr: str, what_en: str) -> Build:
    """The last finished open-data build; before the first one, 503 with ``Retry-After``,
    saying what is being prepared (``what_fr`` « Le plan du site est », ``what_en`` "The
    sitemap is")."""
    found = builds().current
    if found is None:
        seconds = builds().retry_after()
        raise NotReady(
            f"{what_fr} en préparation (première construction depuis ce magasin) ; "
            f"réessayez dans {seconds} s.",
            f"{what_en} being prepared (the first build from this store); try again in "
            f"{seconds} s.",
            retry_after=seconds,
        )
    return found


def changelog() -> ChangeLog:
    """The change log: a page's history, the change feed, tombstones."""
    return current_app.extensions["mediation"]["changelog"]


def publisher() -> Publisher:
    """What every write goes through (checked, recorded, applied, indexed)."""
    return current_app.extensions["mediation"]["publisher"]
