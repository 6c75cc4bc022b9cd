"""``/healthz``: is the service up, can it read its store, and where its background work is.

Cheap on every store: the store's generation (a number in memory on the embedded store, one
small query on a remote one) and what is already in memory — the search index's state and
the last finished open-data build with its quad count. Nothing here counts the store.

```json
{"status": "ok", "generation": 42,
 "index": {"state": "ready", "generation": 42},
 "query_cache": {"answers": 31, "bytes": 412000, "max_bytes": 64000000, "hits": 7,
                 "misses": 40, "examples": {"refreshed_generation": 42, "computed": 31}},
 "door": {"answers": 12, "bytes": 380000, "max_bytes": 33554432, "hits": 5210},
 "build": {"generation": 41, "quads": 995208, "finished": "2026-01-05T10:00:00+00:00"}}
```

``generation`` changes with every write and only then; ``index.state`` is ``ready``,
``stale`` (an older index served while a fresh one is built) or ``building`` (lists answer
503 until it is done); ``build`` is null before the first build; ``query_cache`` is null
when ``/sparql`` keeps no answers (``query_cache_bytes`` 0); ``door``: the resources' answers
kept in front of Flask and how many were sent from there (``service/web/door.py``).
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from .context import builds, door, index, indexer, refresher, store

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz():
    build = builds().current
    return jsonify(
        status="ok",
        generation=store().generation,
        index={"state": indexer().state, "generation": index().last_generation},
        query_cache=_query_cache(),
        door=door().stats(),
        build=None
        if build is None
        else {
            "generation": build.generation,
            "quads": build.manifest.quads,
            "finished": build.finished.isoformat(),
        },
    )


def _query_cache() -> dict | None:
    """The answers ``/sparql`` keeps (``service.store.cache``), and the last generation whose
    examples were computed again; null when none are kept."""
    cache = store().query_cache
    if cache is None:
        return None
    return {
        "answers": len(cache),
        "bytes": cache.bytes,
        "max_bytes": cache.max_bytes,
        "hits": cache.hits,
        "misses": cache.misses,
        "examples": refresher().state(),
    }
