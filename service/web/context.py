"""The parts ``create_app`` built, as the blueprints read them during a request.

``create_app`` hands them to the application in ``app.extensions["mediation"]``; these
accessors are the only code that reads them back.
"""

from __future__ import annotations

from flask import current_app

from ..config import Config
from ..opendata import Builder
from ..search import Index, IndexBuilder
from ..store import Refresher, Store
from ..writes import ChangeLog, Publisher
from .door import Door


def config() -> Config:
    return current_app.extensions["mediation"]["config"]


def store() -> Store:
    return current_app.extensions["mediation"]["store"]


def index() -> Index:
    """The search index: lists, facets and full text (``service.search``)."""
    return current_app.extensions["mediation"]["index"]


def indexer() -> IndexBuilder:
    """What keeps the search index servable and in step with the store (``service.search.builder``)."""
    return current_app.extensions["mediation"]["indexer"]


def builds() -> Builder:
    """The open-data builder: its ``current`` build holds dumps, VoID and catalog figures."""
    return current_app.extensions["mediation"]["builds"]


def changelog() -> ChangeLog:
    """The change log: a page's history, the change feed, tombstones."""
    return current_app.extensions["mediation"]["changelog"]


def publisher() -> Publisher:
    """What every write goes through (checked, recorded, applied, indexed)."""
    return current_app.extensions["mediation"]["publisher"]


def refresher() -> Refresher:
    """What computes the example queries again after a write (``service.store.refresh``)."""
    return current_app.extensions["mediation"]["refresher"]


def door() -> Door:
    """The answers kept in front of Flask (``service.web.door``)."""
    return current_app.extensions["mediation"]["door"]
