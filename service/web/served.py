"""The open-data build as requests serve it: the last finished build, or a 503 with
``Retry-After`` before the first one exists (the very first start on a store).

Not a blueprint: the blueprints that answer from the build (the catalog, VoID and the
dumps; the Atom feed) share it, since blueprints never import each other.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from flask import Response

from ..errors import NotReady
from ..opendata import Build
from .context import builds
from .responses import error_response

#: What the first build prepares, as the 503 names it (subject and verb, French and English).
FILES_AND_FIGURES = (
    "Les fichiers de données et les chiffres du catalogue sont",
    "The data files and the catalog's figures are",
)


def current_build(preparing: tuple[str, str] = FILES_AND_FIGURES) -> Build:
    """The last finished open-data build; 503 with ``Retry-After`` before the first one.
    ``preparing`` names what the first build prepares, subject and verb, in French and in
    English (the sitemap's would be ``("Le plan du site est", "The sitemap is")``)."""
    found = builds().current
    if found is None:
        seconds = builds().retry_after()
        raise NotReady(
            f"{preparing[0]} en préparation (première construction depuis ce magasin) ; "
            f"réessayez dans {seconds} s.",
            f"{preparing[1]} being prepared (the first build from this store); try again in "
            f"{seconds} s.",
            retry_after=seconds,
        )
    return found


def build_validators(build: Build, *parts: object) -> tuple[str, datetime]:
    """A strong ETag for one representation of ``build`` (``parts`` name it: the address, a
    format…), never the store's generation (the build may be older), and the time the build
    finished."""
    digest = hashlib.sha256(
        json.dumps([build.identity] + [str(p) for p in parts]).encode("utf-8")
    ).hexdigest()
    return f"b{build.generation}-{digest[:24]}", build.finished


def not_ready(error: NotReady) -> Response:
    """The answer to :class:`~service.errors.NotReady` of the blueprints that register it:
    the error with its ``Retry-After``."""
    return error_response(error, {"Retry-After": str(error.details.get("retry_after", 1))})


__all__ = ["build_validators", "current_build", "not_ready"]
