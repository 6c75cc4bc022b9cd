"""``/healthz``: is the service up, and can it read its store."""

from __future__ import annotations

from flask import Blueprint, jsonify

from . import store

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz():
    current = store()
    return jsonify(status="ok", generation=current.generation, quads=current.count())
