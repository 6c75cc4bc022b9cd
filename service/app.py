"""The application factory: everything is built here, nothing at import time.

``create_app`` opens each part of the service once and hands it to the web layer in
``app.extensions["mediation"]``, where :mod:`service.web.context` reads it back: the
settings, the store, the change log, the search index and what keeps it, the open-data
builder, the publisher every write goes through, and the accounts people sign in with.
"""

from __future__ import annotations

import gc
import logging
import sys
import threading
from typing import Any

from flask import Flask

from .accounts import Accounts, accounts_path
from .config import Config, load_config
from .errors import MediationError
from .opendata import Builder
from .search import IndexBuilder, open_index
from .store import Refresher, Store, open_store
from .writes import Publisher, missed_iris, open_changelog

EXTENSION_KEY = "mediation"

log = logging.getLogger(__name__)


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
    # Lists, facets and search read this index; built in the background when missing or
    # stale (``service.search.builder``), while the server already answers.
    # An index a few writes behind catches up from their history records instead.
    index = open_index(config)
    indexer = IndexBuilder(
        index,
        store,
        config,
        lambda known, current: missed_iris(store, config.base_url, known, current),
    )
    # Dumps, VoID and the catalog's figures: built in the background, served as last finished.
    builder = Builder(store, config)
    app.extensions[EXTENSION_KEY] = {
        "config": config,
        "store": store,
        "changelog": changelog,
        "index": index,
        "indexer": indexer,
        "builds": builder,
        # Every write: checked, recorded in the history and the change log, then indexed.
        "publisher": Publisher(store, config, index, changelog),
        # Who may sign in at /publish, and whose tokens may write (service/accounts/).
        "accounts": Accounts(accounts_path(config)),
    }
    indexer.start()
    builder.start()
    # The query workers start and open the store while the server already answers, so the
    # first researcher's query does not wait for them.
    threading.Thread(target=_warm, args=(store,), name="warm-queries", daemon=True).start()

    from .web import example_requests, register

    # After every write, the examples are computed again at the lowest priority, so that
    # their first reader gets a kept answer (``service.store.refresh``).
    refresher = Refresher(store, lambda: example_requests(store, config))
    app.extensions[EXTENSION_KEY]["refresher"] = refresher
    if config.refresh_examples:
        refresher.start()

    register(app)
    return app


def _warm(store: Store) -> None:
    try:
        ready = store.warm()
    except (MediationError, OSError) as error:  # the store closed meanwhile: nothing to warm
        log.info("query workers not warmed: %s", error)
        return
    if ready:
        log.info("%d query workers ready", ready)


#: The cyclic garbage collector's thresholds while serving (Python's are 700, 10, 10): the
#: oldest generation is collected after a hundred collections of the middle one, not ten.
SERVING_GC_THRESHOLDS = (2000, 10, 100)
#: How long a thread runs before the interpreter passes to another one that waits (Python's
#: is 5 ms): the thread that reads and writes the sockets waits less behind the renderers.
SERVING_SWITCH_INTERVAL = 0.001


def settle_interpreter() -> None:
    """Ready the interpreter for serving: what the start made (the application, the
    vocabularies, the templates) frozen out of the garbage collector's reach, the oldest
    generation collected less often, threads switched more often. A full collection holds
    the interpreter for every thread; at 1M quads, with pages rendered each time, it came
    every few seconds and took 110–950 ms under the machine's load (``bench/README.md``,
    "The tail of pages rendered each time")."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*SERVING_GC_THRESHOLDS)
    sys.setswitchinterval(SERVING_SWITCH_INTERVAL)


def create_server(app: Flask, config: Config) -> Any:
    """The production HTTP server for ``app`` (waitress, its reading of framing bounded:
    ``service/web/framing.py``), the interpreter settled (:func:`settle_interpreter`); ``run()``
    serves until the process ends."""
    from .web import bounded_server

    server = bounded_server(app, config)
    settle_interpreter()
    return server
