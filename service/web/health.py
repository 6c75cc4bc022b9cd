"""``/healthz``: is the service up, can it read its store, and where its background work is.

Cheap on every store: the store's generation (a number in memory on the embedded store, one
small query on a remote one) and what is already in memory — the search index's state and
the last finished open-data build with its quad count. Nothing here counts the store.

```json
{"status": "ok", "generation": 42,
 "index": {"state": "ready", "generation": 42},
 "build": {"generation": 41, "quads": 995208, "finished": "2026-01-05T10:00:00+00:00"}}
```

``generation`` changes with every write and only then; ``index.state`` is ``ready``,
``stale`` (an older index served while a fresh one is built) or ``building`` (lists answer
503 until it is done); ``build`` is null before the first build.
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from .context import builds, index, indexer, store

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz():
    build = builds().current
    return jsonify(
        status="ok",
        generation=store().generation,
        index={"state": indexer().state, "generation": index().last_generation},
        build=None
        if build is None
        else {
            "generation": build.generation,
            "quads": build.manifest.quads,
            "finished": build.finished.isoformat(),
        },
    )
