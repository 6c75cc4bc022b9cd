"""The posts an article embeds, in the draft: author, text, date, hashtags, mentions, images.

A post is known by its identifier, and so is its date: when the date shown under it
disagrees with the instant its identifier encodes, the identifier wins and a note says
so; a hashtag shown one way and linked another, or an image address written two ways,
get a note too.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from urllib.parse import urlsplit

from rdflib import Literal, URIRef

from ...labels import MONTHS
from ...namespaces import MED, RDF, SDO, XSD
from ..reading.dates import PAGE_TIME_ZONE, day_of, parse_date
from ..reading.names import shorten, slugify
from ..reading.platforms import snowflake_instant
from ..reading.record import Post
from .builder import DraftBuilder, date_literal


def add_post(builder: DraftBuilder, article: URIRef, post: Post) -> None:
    """The post, embedded in and cited by the article, when its address gives its identifier."""
    platform = post.platform
    if not (post.post_id and post.url):
        # A post is known by its identifier: without it there is no IRI to give it, nor a
        # date to trust. Its text stays in the source for the curator.
        builder.draft.to_complete(
            f"Le message de {post.author_name} (@{post.handle}, ligne {post.line}) n'a pas d'adresse : "
            f"il n'est pas dans le brouillon ; retrouver son adresse, puis l'ajouter. Texte : « {shorten(post.body, 120)} »",
            f"The post by {post.author_name} (@{post.handle}, line {post.line}) has no address: it is "
            f"not in the draft; find its address, then add it. Text: “{shorten(post.body, 120)}”",
        )
        return
    node = builder.iri(f"id/post/{platform.name}-{post.post_id}")
    builder.record("post", post.url or f"{post.author_name} ({post.line})", node)
    builder.add(node, RDF.type, SDO.SocialMediaPosting)
    builder.add(node, SDO.identifier, Literal(post.post_id))
    builder.add(node, SDO.url, URIRef(post.url))
    builder.add(
        node,
        SDO.author,
        builder.agent(f"{platform.canonical}/{post.handle}", post.author_name, "author"),
    )
    if post.body:
        builder.add(node, SDO.articleBody, builder.text(post.body))
    builder.add(node, SDO.inLanguage, Literal(builder.lang))
    _add_post_date(builder, article, node, post)
    for hashtag in post.hashtags:
        builder.add(node, SDO.keywords, builder.text(hashtag.linked or hashtag.shown))
        if hashtag.linked and _nfc(hashtag.linked).casefold() != _nfc(hashtag.shown).casefold():
            where = f"{urlsplit(platform.canonical).netloc}/hashtag/{hashtag.linked}"
            builder.note(
                article,
                f"mot-diese-{slugify(hashtag.linked)}",
                [node],
                (
                    f"Le mot-dièse affiché « #{hashtag.shown} » ne correspond pas à son lien, « #{hashtag.linked} » : le lien est retenu.",
                    f"The hashtag shown as “#{hashtag.shown}” does not match its link, “#{hashtag.linked}”: the link is kept.",
                ),
                f"#{hashtag.shown}",
                f"#{hashtag.linked}",
                (
                    f"Le lien du mot-dièse pointe vers {where} (ligne {hashtag.line}).",
                    f"The hashtag's link points to {where} (line {hashtag.line}).",
                ),
            )
    for mention in post.mentions:
        builder.add(node, SDO.mentions, builder.agent(mention, None, "mention"))
    for index, (shown, linked) in enumerate(post.images, start=1):
        image = URIRef(f"{node}#image" if len(post.images) == 1 else f"{node}#image-{index}")
        builder.add(node, SDO.sharedContent, image)
        builder.add(image, RDF.type, SDO.ImageObject)
        builder.add(image, SDO.url, URIRef(shown or linked or ""))
        if shown and linked:
            builder.add(image, SDO.sameAs, URIRef(linked))
            code_shown, code_linked = (
                urlsplit(shown).path.strip("/"),
                urlsplit(linked).path.strip("/"),
            )
            if code_shown != code_linked:
                builder.note(
                    article,
                    f"lien-image-{node.rsplit('/', 1)[-1]}",
                    [image],
                    (
                        f"L'adresse de l'image du message de {post.author_name} est écrite de deux façons : "
                        f"« {code_shown} » dans le texte, « {code_linked} » dans le lien. Les deux sont gardées.",
                        f"The address of the image in {post.author_name}'s post is written two ways: "
                        f"“{code_shown}” in the text, “{code_linked}” in the link. Both are kept.",
                    ),
                    f"{urlsplit(shown).netloc}/{code_shown} ; {urlsplit(linked).netloc}/{code_linked}",
                    f"{shown} ; {linked}",
                    (
                        "Les deux graphies viennent de la même source ; rien dans l'export ne permet de trancher.",
                        "Both spellings come from the same source; nothing in the export settles it.",
                    ),
                )
    builder.add(article, MED.embeds, node)
    builder.add(article, SDO.citation, node)


def _add_post_date(builder: DraftBuilder, article: URIRef, node: URIRef, post: Post) -> None:
    """The post's date: what its identifier encodes; the shown date when it encodes none.
    When the two disagree, the identifier wins and a note says so."""
    encoded = snowflake_instant(post.platform, post.post_id) if post.post_id else None
    shown = parse_date(post.shown_date) if post.shown_date else None
    if post.shown_date and shown is None:
        builder.found.problem(
            post.line,
            f"date du message illisible : « {post.shown_date} » ; attendu par exemple « December 4, 2019 » ou « 4 décembre 2019 ».",
            f"unreadable post date: “{post.shown_date}”; expected for instance “December 4, 2019” or “4 décembre 2019”.",
        )
    if encoded is None:
        if shown is not None:
            builder.add(node, SDO.datePublished, date_literal(shown))
        return
    instant = encoded.strftime("%Y-%m-%dT%H:%M:%SZ")
    builder.add(node, SDO.datePublished, Literal(instant, datatype=XSD.dateTime))
    if shown is None or day_of(shown) in {
        encoded.date(),
        encoded.astimezone(PAGE_TIME_ZONE).date(),
    }:
        return
    day = encoded.date()
    builder.note(
        article,
        f"date-{node.rsplit('/', 1)[-1]}",
        [node],
        (
            f"La date affichée sous le message de {post.author_name} (« {post.shown_date} ») est fausse : "
            f"le message date du {_day(day, 'fr')}.",
            f"The date shown under {post.author_name}'s post (“{post.shown_date}”) is wrong: the post "
            f"dates from {_day(day, 'en')}.",
        ),
        post.shown_date or "",
        instant,
        (
            f"L'identifiant du message ({post.post_id}) encode l'instant de sa publication : "
            f"le {_day(day, 'fr')} à {encoded:%H:%M:%S} UTC.",
            f"The post's identifier ({post.post_id}) encodes when it was published: "
            f"{_day(day, 'en')} at {encoded:%H:%M:%S} UTC.",
        ),
    )


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _day(day: date, lang: str) -> str:
    """« 4 décembre 2019 », "4 December 2019"."""
    return f"{day.day} {MONTHS[lang][day.month - 1]} {day.year}"
