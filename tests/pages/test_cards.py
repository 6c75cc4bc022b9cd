"""The cards the service draws: an image for every event, series, place and organisation page,
for search engines and social networks. Read as they read it: the page's Open Graph tags and
JSON-LD name it, the PNG decodes (Pillow) at the sizes the tags say, French text is drawn with
its accents, the card follows the page's language, revalidation answers 304, and a bad address
is a 404, never a 500."""

from __future__ import annotations

import io
import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw
from rdflib import URIRef
from rdflib.namespace import RDF

from service.config import DEFAULT_BASE
from service.pages import CARD_SHAPES, Card, draw_card
from service.pages.cards import card_kind, font
from service.rdfio import parse_files

ROOT = Path(__file__).resolve().parents[2]
BASE = DEFAULT_BASE
LIEVIN = "id/event/2019-12-04-journee-regionale-lievin"
#: What each shape's address ends with, and its size.
SIZES = {
    "card.png": (1200, 630),
    "card-16x9.png": (1200, 675),
    "card-4x3.png": (1200, 900),
    "card-1x1.png": (1200, 1200),
}
TITLE = "Journée régionale à Liévin — 4 décembre 2019"


def kinds_of_the_data() -> dict[URIRef, str | None]:
    graph = parse_files(sorted((ROOT / "data").glob("*.ttl")))
    documents = {
        s for s in graph.subjects(RDF.type, None) if str(s).startswith(BASE) and "#" not in str(s)
    }
    return {d: card_kind(set(graph.objects(d, RDF.type))) for d in documents}


KINDS = kinds_of_the_data()


def local(url: str) -> str:
    """The path on the test server of an address under the canonical base."""
    assert url.startswith(BASE), url
    return url[len(BASE) :]


def og_images(page: str) -> list[dict[str, str]]:
    images: list[dict[str, str]] = []
    for name, content in re.findall(r'<meta property="og:image(:\w+)?" content="([^"]*)">', page):
        if not name:
            images.append({"url": content.replace("&amp;", "&")})
        else:
            images[-1][name[1:]] = content
    return images


def decoded(server, url: str) -> Image.Image:
    response = server.get(local(url))
    assert response.status_code == 200, (url, response.status_code, response.text[:200])
    assert response.headers["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    image.load()
    assert image.format == "PNG"
    return image


# -- drawing (no server) -------------------------------------------------------------------------


def glyph(face, sign: str) -> bytes:
    """The pixels of one sign drawn alone."""
    image = Image.new("L", (120, 120))
    ImageDraw.Draw(image).text((10, 10), sign, font=face, fill=255)
    return image.tobytes()


def test_the_data_has_pages_of_each_kind_with_a_card():
    assert {k for k in KINDS.values() if k} == {
        "event",
        "series",
        "place",
        "territory",
        "organisation",
    }
    assert KINDS[URIRef(BASE + "id/actor/franck-boulanjon")] is None  # a person has none


def test_french_text_with_accents_is_drawn():
    card = Card(
        "Événement", TITLE, ("« 4 décembre 2019 »", "Liévin"), None, None, "Médiation", "x", "fr"
    )
    image = Image.open(io.BytesIO(draw_card(card, "")))
    assert image.format == "PNG" and image.size == (1200, 630)
    # The title's band holds dark ink, where a blank card would be white.
    band = image.convert("L").crop((80, 120, 1120, 330))
    dark = sum(band.histogram()[:100])
    assert dark > 10_000, dark
    # Every accented letter and French sign is a glyph of the font, not its missing-glyph box,
    # and an accent is ink above its letter.
    face = font(True, 68)
    missing = glyph(face, "\U000f0000")
    assert face.getlength(TITLE) > 0
    for sign in "éèàâçôûÉ«»—’":
        assert glyph(face, sign) != missing, sign
    for accented, plain in (("é", "e"), ("à", "a"), ("É", "E")):
        assert face.getbbox(accented)[1] < face.getbbox(plain)[1], accented


def test_every_shape_is_drawn_at_its_size():
    card = Card("Lieu", "Arena Liévin", ("62800 Liévin",), "Annulé", "cancelled", "M", "x", "fr")
    for shape, size in CARD_SHAPES.items():
        assert Image.open(io.BytesIO(draw_card(card, shape))).size == size


def test_a_long_title_fits_the_card():
    card = Card("Événement", "Très " * 80 + "long", (), None, None, "M", "x", "fr")
    image = Image.open(io.BytesIO(draw_card(card, "")))
    # Nothing is drawn past the right margin.
    assert image.convert("L").crop((1140, 0, 1200, 500)).getextrema()[0] > 200


# -- served ------------------------------------------------------------------------------------


def test_every_page_with_a_card_names_it_and_it_decodes(server):
    """Open Graph names the 1200×630 card (with its size, type and X's large card); the
    JSON-LD lists the 16:9, 4:3 and 1:1 ones; each decodes at its size."""

    def check(document: URIRef) -> list[str]:
        path = local(str(document))
        page = server.get(path, headers={"Accept": "text/html"}).text
        images = og_images(page)
        if KINDS[document] is None:
            return [f"{path}: og:image on a page without a card"] if images else []
        problems = []
        card = images[-1]
        if (card.get("width"), card.get("height"), card.get("type")) != (
            "1200",
            "630",
            "image/png",
        ):
            problems.append(f"{path}: {card}")
        if '<meta name="twitter:card" content="summary_large_image">' not in page:
            problems.append(f"{path}: no twitter:card")
        if decoded(server, card["url"]).size != (1200, 630):
            problems.append(f"{path}: Open Graph card size")
        document_ld = json.loads(
            re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)[1]
        )
        listed = [image["contentUrl"] for image in document_ld["image"]]
        for url in listed:
            name = url.split("?", 1)[0].rsplit("/", 1)[1]
            if decoded(server, url).size != SIZES[name]:
                problems.append(f"{path}: {name}")
        ratios = {url.split("?", 1)[0].rsplit("/", 1)[1] for url in listed}
        if ratios != {"card-16x9.png", "card-4x3.png", "card-1x1.png"}:
            problems.append(f"{path}: JSON-LD images {ratios}")
        return problems

    with ThreadPoolExecutor(max_workers=4) as pool:
        problems = [p for found in pool.map(check, sorted(KINDS, key=str)) for p in found]
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize(
    "lang, card",
    [
        (
            "fr",
            Card(
                "Événement",
                "Journée régionale sur la médiation sociale à Liévin",
                ("4 décembre 2019", "Arena Liévin", "Organisateur : France Médiation"),
                None,
                None,
                "Médiation sociale · données liées",
                "w3id.org/mediation-sociale",
                "fr",
            ),
        ),
        (
            "en",
            Card(
                "Event",
                "Regional day on social mediation in Liévin",
                ("4 December 2019", "Arena Liévin", "Organiser: France Médiation"),
                None,
                None,
                "Social mediation · linked data",
                "w3id.org/mediation-sociale",
                "en",
            ),
        ),
    ],
)
def test_the_card_says_what_the_page_says_in_its_language(server, lang, card):
    """Name, date, place, organiser and the site, in the page's language: the card of the
    page in that language is exactly the one drawn from those words."""
    page = server.get(LIEVIN + f"?lang={lang}", headers={"Accept": "text/html"}).text
    url = og_images(page)[-1]["url"]
    assert url == f"{BASE}{LIEVIN}/card.png?lang={lang}"
    served = server.get(local(url))
    expected = Image.open(io.BytesIO(draw_card(card, "")))
    difference = ImageChops.difference(decoded(server, url), expected).getbbox()
    assert difference is None, f"the served card differs from the expected one in {difference}"
    # Without ?lang=, Accept-Language chooses, and the response says it varies with it.
    negotiated = server.get(LIEVIN + "/card.png", headers={"Accept-Language": lang})
    assert negotiated.content == served.content
    assert "Accept-Language" in negotiated.headers["Vary"]


def test_a_card_is_revalidated_without_being_drawn_again(server):
    first = server.get(LIEVIN + "/card-4x3.png?lang=fr")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert first.headers["Cache-Control"] == "public, no-cache"
    again = server.get(LIEVIN + "/card-4x3.png?lang=fr", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["ETag"] == etag
    since = server.get(LIEVIN + "/card-4x3.png?lang=fr", headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    # Another shape or language is another image, with its own validator.
    other = server.get(LIEVIN + "/card-4x3.png?lang=en", headers={"If-None-Match": etag})
    assert other.status_code == 200 and other.headers["ETag"] != etag
    head = server.request("HEAD", LIEVIN + "/card-4x3.png?lang=fr")
    assert head.status_code == 200 and head.headers["ETag"] == etag and head.content == b""


@pytest.mark.parametrize(
    "path, status",
    [
        ("id/event/no-such-event/card.png", 404),
        ("id/actor/franck-boulanjon/card.png", 404),  # a person: no card
        ("id/theme/illectronisme/card.png", 404),  # a concept: no card
        ("id/article/irev-2019-12-13-250-professionnels-reunis-mediation/card-1x1.png", 404),
        (LIEVIN + "/card-2x1.png", 404),
        (LIEVIN + "/card-.png", 404),
        (LIEVIN + "/card.png/more", 404),
        (LIEVIN + "%23role-organisateur-france-mediation/card.png", 404),
        ("id/event/%00/card.png", 404),
        ("id/event/../event/x/card.png", 404),
        ("id/event/a%20b/card.png", 404),
        ("id/card.png", 404),
        (LIEVIN + "/card.png?lang=%3Cscript%3E", 400),
    ],
)
def test_bad_card_addresses_are_answered_never_with_a_500(server, path, status):
    response = server.get(path)
    assert response.status_code == status, (path, response.status_code, response.text[:200])
