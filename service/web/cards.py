"""The cards: the image of an event's, a series', a place's or an organisation's page.

``/id/{path}/card.png`` (1200×630, for Open Graph) and ``card-16x9.png``,
``card-4x3.png``, ``card-1x1.png`` (for the JSON-LD ``image``), in the page's language
(``?lang=``, else ``Accept-Language``). What a card says and how it is drawn is
``service.pages.cards``; here: the address, the validators and the cache.

The ``ETag`` is a digest of what the card says (its text, its shape, the drawing's
version), so a write that does not change it keeps the cached image valid; it is
computed from a few lookups before anything is drawn, so a revalidation costs no drawing
(a 304). What was drawn is kept in memory, at most :data:`CARD_BYTES` in all. A path that
names nothing, or a resource of a kind without a card (a person, a theme), is a 404.
"""

from __future__ import annotations

from flask import Blueprint, Response
from rdflib import URIRef

from ..namespaces import NOT_IN_IRI
from ..pages import CARD_SHAPES, card_of, draw_card
from . import site
from .context import config, store
from .responses import no_resource

blueprint = Blueprint("cards", __name__)

#: The most bytes of drawn cards kept in memory (a card is 40–80 kB).
CARD_BYTES = 16 << 20
#: What a card varies with besides its address.
CARD_VARY = "Accept-Language"


@blueprint.route("/id/<path:rest>/card.png", methods=["GET", "HEAD"])
@blueprint.route("/id/<path:rest>/card-<shape>.png", methods=["GET", "HEAD"])
def card(rest: str, shape: str = "") -> Response:
    path = f"id/{rest}/card{'-' + shape if shape else ''}.png"
    segments = rest.split("/")
    if shape not in CARD_SHAPES or any(s in ("", ".", "..") for s in segments):
        raise no_resource(path)
    if NOT_IN_IRI.search(rest):
        raise no_resource(path)
    base = config().base_url
    said = card_of(store(), URIRef(f"{base}id/{rest}"), site.languages(), base, site.zone())
    if said is None:
        raise no_resource(path)
    etag, modified = f"card-{said.key(shape)}", site.changed_at()
    if (cached := site.not_modified(etag, modified, CARD_VARY)) is not None:
        return cached
    body = site.kept_for_build(
        "cards",
        "drawn",
        (etag,),
        lambda: draw_card(said, shape),
        len,
        CARD_BYTES,
    )
    return site.finish(Response(body, mimetype="image/png"), etag, modified, CARD_VARY)


__all__ = ["CARD_BYTES", "blueprint"]
