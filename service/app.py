"""The application factory: everything is built here, nothing at import time."""

from __future__ import annotations

from flask import Flask

from .config import Config, load_config
from .store import Store, open_store

EXTENSION_KEY = "mediation"


def create_app(config: Config | None = None, store: Store | None = None) -> Flask:
    """Build the web application on a store (opened from the settings when not given)."""
    config = config or load_config()
    app = Flask(__name__.rsplit(".", 1)[0] + ".web", static_folder=None)
    app.config["MEDIATION"] = config
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.extensions[EXTENSION_KEY] = {
        "config": config,
        "store": store if store is not None else open_store(config),
    }

    from .web import register

    register(app)
    return app
