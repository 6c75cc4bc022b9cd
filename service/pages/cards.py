"""The image a page offers search engines and social networks: a card the service draws.

Search engines show an event with an image, and social networks show a link with one; our
sources rarely have one. So every event, series, place and organisation page gets a card:
what the page is about (an event's name, dates, place and organiser; a place's or an
organisation's name and where it is), the kind of page above it, the site's name and
address below, in the page's language. It is drawn with Pillow in Roboto (the pip package
``font-roboto``, installed with the service), as PNG, in the shapes of
:data:`CARD_SHAPES`: 1200×630 for Open Graph (what Facebook, LinkedIn, Mastodon and X
show), and 16:9, 4:3 and 1:1 for the JSON-LD ``image``, the three ratios Google asks of an
event's images
(https://developers.google.com/search/docs/appearance/structured-data/event, ``image``).

:func:`card_of` reads what a card says from the store (a few bounded lookups); its
:meth:`Card.key` names what is drawn, so the web layer can answer a revalidation without
drawing and keep what it drew; :func:`draw_card` draws it. A resource of another kind (a
person, a theme, an article) has no card: :func:`card_of` returns None.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import asdict, dataclass
from datetime import tzinfo
from functools import lru_cache
from pathlib import Path

import font_roboto
from PIL import Image, ImageDraw, ImageFont
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from ..labels import Languages, choose, fallback_label, format_literal, labels
from ..namespaces import IGEO, MED, SDO
from ..store import Store
from .describe import details, linked_triples
from .kinds import page_kind_of
from .status import STATUS_NAMES
from .terms import CLASS_LABELS

#: The shapes of a card by the name in its address (``card.png``, ``card-4x3.png``…).
CARD_SHAPES: dict[str, tuple[int, int]] = {
    "": (1200, 630),
    "16x9": (1200, 675),
    "4x3": (1200, 900),
    "1x1": (1200, 1200),
}
#: The card Open Graph names, and those the JSON-LD ``image`` lists (Google's three ratios).
OPEN_GRAPH_SHAPE = ""
JSONLD_SHAPES = ("16x9", "4x3", "1x1")

#: Classes whose actors have a card: organisations (a person's page has none).
ORGANISATION_CLASSES = frozenset(
    {
        SDO.Organization,
        SDO.NGO,
        SDO.GovernmentOrganization,
        SDO.LocalBusiness,
        MED.MediatorCollective,
    }
)
#: The word above a card's title, by kind of page (a series is named as such).
KIND_WORDS: dict[str, tuple[str, str]] = {
    "series": ("Série d'événements", "Event series"),
    "event": ("Événement", "Event"),
    "place": ("Lieu", "Place"),
    "territory": ("Territoire", "Territory"),
    "organisation": ("Organisation", "Organisation"),
}
SITE_WORDS = ("Médiation sociale · données liées", "Social mediation · linked data")

#: Changes whenever the drawing changes, so that caches drop the old images.
DRAWING = "1"
FONTS = Path(font_roboto.font_directory)
REGULAR = FONTS / "Roboto-Regular.ttf"
BOLD = FONTS / "Roboto-Bold.ttf"

# The site's colours (service/web/static/site.css).
_INK = (29, 36, 51)
_MUTED = (70, 78, 97)
_ACCENT = (31, 95, 168)
_PAPER = (255, 255, 255)
_TINT = (244, 246, 250)
_STATUS_COLOURS = {"cancelled": (179, 38, 30), "postponed": (179, 38, 30)}
_STATUS_COLOUR = (138, 90, 0)


def card_name(shape: str) -> str:
    """The last segment of a card's address: ``card.png``, ``card-4x3.png``."""
    return f"card-{shape}.png" if shape else "card.png"


def card_url(iri: URIRef, shape: str, lang: str) -> str:
    """A card's address: under the resource's IRI, its language in the query (the same URL
    always gives the same image, whatever the client's ``Accept-Language``)."""
    return f"{iri}/{card_name(shape)}?lang={lang}"


def card_kind(types: set[Node]) -> str | None:
    """The kind of card a resource with these types gets (a key of :data:`KIND_WORDS`)."""
    kind = page_kind_of(types).name
    if kind == "event":
        return "series" if SDO.EventSeries in types else "event"
    if kind == "actor":
        return "organisation" if types & ORGANISATION_CLASSES else None
    return kind if kind in ("place", "territory") else None


@dataclass(frozen=True)
class Card:
    """What a card says, in one language."""

    kind: str
    title: str
    lines: tuple[str, ...]
    status: str | None  # a status other than scheduled, in words (the badge)
    status_name: str | None
    site: str
    address: str  # the site's address, without its scheme
    lang: str

    def key(self, shape: str) -> str:
        """A digest of what is drawn in ``shape``: the same text, the same image."""
        payload = json.dumps([DRAWING, shape, asdict(self)], ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


# ---------------------------------------------------------------------------------------------
# What a card says
# ---------------------------------------------------------------------------------------------


def card_of(store: Store, iri: URIRef, langs: Languages, base: str, zone: tzinfo) -> Card | None:
    """What the card of ``iri`` says, or None when it has no card (unknown, or another kind);
    times in ``zone``."""
    graph = details(store, [iri])
    types = set(graph.objects(iri, RDF.type))
    kind = card_kind(types)
    if kind is None:
        return None
    linked = set(graph.objects(iri)) - {iri}
    graph += linked_triples(store, linked)
    graph += details(store, graph.objects(iri, SDO.location))
    names = labels(store, [n for n in graph.objects() if isinstance(n, URIRef)], langs)
    title = choose(graph.predicate_objects(iri), langs, (SDO.name, SDO.headline))
    lines = LINES[kind](graph, iri, langs, names, zone)
    status = graph.value(iri, SDO.eventStatus)
    status_name = STATUS_NAMES.get(status) if isinstance(status, URIRef) else None
    if status_name == "scheduled":
        status_name = None
    words = CLASS_LABELS.get(status) if status_name else None  # type: ignore[arg-type]
    return Card(
        kind=langs.text(*KIND_WORDS[kind]),
        title=str(title if title is not None else fallback_label(iri)),
        lines=tuple(line for line in lines if line),
        status=langs.text(*words[:2]) if words else None,
        status_name=status_name,
        site=langs.text(*SITE_WORDS),
        address=base.split("://", 1)[-1].rstrip("/"),
        lang=langs.ui,
    )


def _names(graph: Graph, iri: URIRef, prop: URIRef, names: dict[Node, Literal]) -> list[str]:
    return sorted(str(names[o]) for o in graph.objects(iri, prop) if o in names)


def _dates(graph: Graph, iri: URIRef, langs: Languages, zone: tzinfo) -> str | None:
    start, end = graph.value(iri, SDO.startDate), graph.value(iri, SDO.endDate)
    if isinstance(start, Literal):
        first = format_literal(start, langs, zone)
        last = format_literal(end, langs, zone) if isinstance(end, Literal) else first
        if last == first:
            return first
        return langs.text(f"du {first} au {last}", f"{first} – {last}")
    return None


def _locality(graph: Graph, place: Node) -> str | None:
    for address in graph.objects(place, SDO.address):
        locality = graph.value(address, SDO.addressLocality)
        if locality is not None:
            return str(locality)
    return None


def _address(graph: Graph, place: Node) -> str | None:
    for address in graph.objects(place, SDO.address):
        parts = [
            graph.value(address, p)
            for p in (SDO.streetAddress, SDO.postalCode, SDO.addressLocality)
        ]
        found = " ".join(str(p) for p in parts if p is not None)
        if found:
            return found
    return None


def _organisers(names: list[str], langs: Languages) -> str:
    words = ("Organisateur", "Organiser") if len(names) == 1 else ("Organisateurs", "Organisers")
    return langs.text(f"{words[0]} : ", f"{words[1]}: ") + _joined(names)


def _joined(items: list[str], limit: int = 3) -> str:
    return ", ".join(items[:limit]) + (" …" if len(items) > limit else "")


def _event_lines(
    graph: Graph, iri: URIRef, langs: Languages, names: dict[Node, Literal], zone: tzinfo
) -> list[str | None]:
    places = []
    for place in sorted(graph.objects(iri, SDO.location), key=str):
        name = str(names[place]) if place in names else None
        locality = _locality(graph, place)
        if name and locality and locality not in name:
            name = f"{name}, {locality}"
        if name or locality:
            places.append(name or locality)
    organisers = _names(graph, iri, SDO.organizer, names)
    return [
        _dates(graph, iri, langs, zone),
        _joined(places) if places else None,
        _organisers(organisers, langs) if organisers else None,
    ]


def _place_lines(
    graph: Graph, iri: URIRef, langs: Languages, names: dict[Node, Literal], zone: tzinfo
) -> list[str | None]:
    address = _address(graph, iri)
    within = [
        n for n in _names(graph, iri, SDO.containedInPlace, names) if n not in (address or "")
    ]
    return [address, _joined(within) if within else None]


def _territory_lines(
    graph: Graph, iri: URIRef, langs: Languages, names: dict[Node, Literal], zone: tzinfo
) -> list[str | None]:
    level = next(
        (
            langs.text(*CLASS_LABELS[t][:2])
            for t in graph.objects(iri, RDF.type)
            if t in CLASS_LABELS and str(t).startswith(str(IGEO))
        ),
        None,
    )
    code = graph.value(iri, IGEO.codeINSEE)
    within = _names(graph, iri, SDO.containedInPlace, names)
    first = " · ".join(x for x in (level, f"Insee {code}" if code else None) if x)
    return [first or None, _joined(within) if within else None]


def _organisation_lines(
    graph: Graph, iri: URIRef, langs: Languages, names: dict[Node, Literal], zone: tzinfo
) -> list[str | None]:
    where = _names(graph, iri, SDO.location, names) + _names(graph, iri, SDO.areaServed, names)
    description = choose(graph.predicate_objects(iri), langs, (SDO.description,))
    return [
        _joined(list(dict.fromkeys(where))) if where else None,
        str(description) if description else None,
    ]


LINES = {
    "event": _event_lines,
    "series": _event_lines,
    "place": _place_lines,
    "territory": _territory_lines,
    "organisation": _organisation_lines,
}


# ---------------------------------------------------------------------------------------------
# Drawing
# ---------------------------------------------------------------------------------------------

_MARGIN = 72
_EDGE = 16  # the accent bar on the left


@lru_cache(maxsize=32)
def font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(BOLD if bold else REGULAR), size)


def wrap(text: str, face: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """``text`` in lines no wider than ``width`` (a word wider than a line is cut)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if face.getlength(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while face.getlength(word) > width:
            cut = len(word)
            while cut > 1 and face.getlength(word[:cut]) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines


def fit(line: str, face: ImageFont.FreeTypeFont, width: int) -> str:
    """``line`` cut with an ellipsis where it is wider than ``width``."""
    if face.getlength(line) <= width:
        return line
    while line and face.getlength(line + "…") > width:
        line = line[:-1]
    return line.rstrip() + "…"


def _title_lines(title: str, width: int, height: int) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The title's face and lines: the biggest size at which it fits its share of the card."""
    largest = 68 if height < 800 else 84
    most = max(2, (height - 330) // 90)
    size = largest
    while True:
        face = font(True, size)
        lines = wrap(title, face, width)
        if len(lines) <= most or size <= 40:
            break
        size -= 4
    if len(lines) > most:
        lines = lines[: most - 1] + [fit(" ".join(lines[most - 1 :]), face, width)]
    return face, lines


def _fact_lines(
    lines: tuple[str, ...], face: ImageFont.FreeTypeFont, width: int, room: int
) -> list[str]:
    """The facts, one line each, as many as there is ``room`` for; the last one (an
    organisation's description) wraps over what is left."""
    shown: list[str] = []
    for index, line in enumerate(lines):
        left = room - len(shown)
        if left < 1:
            break
        wrapped = wrap(line, face, width)
        if index < len(lines) - 1 or len(wrapped) == 1:
            wrapped = [fit(line, face, width)]
        elif len(wrapped) > left:
            wrapped = wrapped[: left - 1] + [fit(" ".join(wrapped[left - 1 :]), face, width)]
        shown += wrapped
    return shown


def draw_card(card: Card, shape: str) -> bytes:
    """The card as PNG, in one of :data:`CARD_SHAPES`: the kind (and a status that is news: a
    cancelled or postponed event) above the title, the facts below it, the block centred
    in what the site's band below leaves."""
    width, height = CARD_SHAPES[shape]
    image = Image.new("RGB", (width, height), _PAPER)
    pen = ImageDraw.Draw(image)
    inner = width - 2 * _MARGIN - _EDGE
    left = _MARGIN + _EDGE
    footer = 96
    kind_face = font(True, 30)
    title_face, title = _title_lines(card.title, inner, height)
    title_step = int(title_face.size * 1.18)
    text_face = font(False, 34 if height < 800 else 40)
    text_step = int(text_face.size * 1.4)
    top = 56
    room = (height - footer - 24 - top - 64 - len(title) * title_step - 24) // text_step
    facts = _fact_lines(card.lines, text_face, inner, room)
    block = 64 + len(title) * title_step + 24 + len(facts) * text_step
    y = max(top, (height - footer - block) // 2)

    pen.rectangle((0, 0, _EDGE - 1, height), fill=_ACCENT)
    pen.rectangle((0, height - footer, width, height), fill=_TINT)
    pen.line((0, height - footer, width, height - footer), fill=_ACCENT, width=3)
    kind = card.kind.upper()
    pen.text((left, y), kind, font=kind_face, fill=_ACCENT)
    if card.status:
        badge = font(True, 28)
        x = left + int(kind_face.getlength(kind)) + 28
        box = pen.textbbox((x + 18, y), card.status, font=badge)
        colour = _STATUS_COLOURS.get(card.status_name or "", _STATUS_COLOUR)
        pen.rounded_rectangle((x, box[1] - 10, box[2] + 18, box[3] + 10), 10, fill=colour)
        pen.text((x + 18, y), card.status, font=badge, fill=_PAPER)
    y += 64
    for line in title:
        pen.text((left, y), line, font=title_face, fill=_INK)
        y += title_step
    y += 24
    for line in facts:
        pen.text((left, y), line, font=text_face, fill=_MUTED)
        y += text_step

    # The site's identity.
    middle = height - footer // 2
    pen.text((left, middle), card.site, font=font(True, 30), fill=_INK, anchor="lm")
    pen.text(
        (width - _MARGIN, middle), card.address, font=font(False, 26), fill=_ACCENT, anchor="rm"
    )

    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


__all__ = [
    "JSONLD_SHAPES",
    "KIND_WORDS",
    "OPEN_GRAPH_SHAPE",
    "CARD_SHAPES",
    "Card",
    "card_kind",
    "card_name",
    "card_of",
    "card_url",
    "draw_card",
    "wrap",
]
