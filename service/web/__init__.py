"""The web layer: Flask blueprints, one per concern, that never import each other.

Only this package knows Flask. It reads the store and the settings through
:func:`store` and :func:`config`, never through module globals.
"""

from __future__ import annotations

from flask import Flask, current_app

from ..builds import Builder
from ..config import Config
from ..indexing import IndexBuilder
from ..search import Index
from ..store import Store


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


def register(app: Flask) -> None:
    """Attach every blueprint and the error handlers."""
    from . import health, responses, sparql

    responses.register_error_handlers(app)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(sparql.blueprint)
    from . import pages, resources

    pages.register(app)
    app.register_blueprint(resources.blueprint)
    from . import lists

    app.register_blueprint(lists.blueprint)
    from . import writes

    app.register_blueprint(writes.blueprint)
    from . import caching, opendata

    app.register_blueprint(opendata.blueprint)
    caching.register(app)
