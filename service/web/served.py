"""The open-data build as requests serve it: the last finished build, or a 503 with
``Retry-After`` before the first one exists (the very first start on a store).

Not a blueprint: the blueprints that answer from the build (the catalog, VoID and the
dumps; the Atom feed) share it, since blueprints never import each other.
"""

from __future__ import annotations

from flask import Response

from ..errors import NotReady
from ..opendata import Build
from .context import builds
from .responses import error_response


def current_build() -> Build:
    """The last finished open-data build; 503 with ``Retry-After`` before the first one."""
    found = builds().current
    if found is None:
        seconds = builds().retry_after()
        raise NotReady(
            "Les fichiers de données et les chiffres du catalogue sont en préparation (première "
            f"construction depuis ce magasin) ; réessayez dans {seconds} s.",
            "The data files and the catalog's figures are being prepared (the first build from "
            f"this store); try again in {seconds} s.",
            retry_after=seconds,
        )
    return found


def not_ready(error: NotReady) -> Response:
    """The answer to :class:`~service.errors.NotReady` of the blueprints that register it:
    the error with its ``Retry-After``."""
    return error_response(error, {"Retry-After": str(error.details.get("retry_after", 1))})


__all__ = ["current_build", "not_ready"]
