"""The application factory: everything is built here, nothing at import time."""

from __future__ import annotations

from flask import Flask

from .opendata import Builder
from .writes import open_changelog
from .config import Config, load_config
from .search import IndexBuilder
from .search import open_index
from .store import Store, open_store

EXTENSION_KEY = "mediation"


def create_app(config: Config | None = None, store: Store | None = None) -> Flask:
    """Build the web application on a store (opened from the settings when not given)."""
    config = config or load_config()
    app = Flask(__name__.rsplit(".", 1)[0] + ".web", static_folder=None)
    app.config["MEDIATION"] = config
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    store = store if store is not None else open_store(config)
    # The history as pages and feeds read it: caught up with the store before the first request.
    changelog = open_changelog(store, config)
    index = open_index(config)
    app.extensions[EXTENSION_KEY] = {
        "config": config,
        "store": store,
        "changelog": changelog,
        # Lists, facets and search read this index; built in the background when missing or
        # stale (``service.indexing``), while the server already answers.
        "index": index,
    }
    indexer = IndexBuilder(index, store, config)
    app.extensions[EXTENSION_KEY]["indexer"] = indexer
    indexer.start()
    # Dumps, VoID and the catalog's figures: built in the background, served as last finished.
    builder = Builder(store, config)
    app.extensions[EXTENSION_KEY]["builds"] = builder
    builder.start()

    from .web import register

    register(app)
    return app
