"""Embedded social-media posts: their text, then ``— Author (@handle) [date](#) [n]``.

What a post says is kept as the source shows it (its text, shown date, hashtags,
mentions, images); what its address says (platform, identifier) comes from the link.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from .addresses import clean_url
from .lines import Line, inline_address
from .platforms import TWITTER, Platform, platform_of
from .record import Extracted, Hashtag, Post

_ATTRIBUTION = re.compile(r"^[—–]\s*(?P<name>.+?)\s*\(@(?P<handle>\w{1,15})\)\s*(?P<rest>.*)$")


def read_posts(body: list[Line], found: Extracted) -> set[int]:
    """Embedded posts: the attribution line "— Author (@handle) [date](#) [n]" and the text
    before it (the lines above it in its paragraph, else the paragraph before)."""
    taken: set[int] = set()
    for index, line in enumerate(body):
        match = _ATTRIBUTION.match(line.text)
        if not match:
            continue
        same = [text_line for text_line in body[:index] if text_line.block == line.block]
        text_lines = same or [
            text_line
            for text_line in body[:index]
            if index and text_line.block == body[index - 1].block
        ]
        taken.add(line.block)
        taken.update(text_line.block for text_line in text_lines)
        url = post_id = None
        platform: Platform | None = None
        shown_date: str | None = None
        for link in line.links:
            address = found.address(link)
            if address is None:
                continue
            candidate = platform_of(address)
            status = candidate.status.match(urlsplit(address).path) if candidate else None
            if status:
                platform, url, post_id = candidate, clean_url(address), status.group("id")
                shown_date = link.text.strip() or None
        if shown_date is None:
            rest = match.group("rest").strip()
            shown_date = rest or None
        if platform is None:
            platform = TWITTER  # the attribution's "(@handle)" is the form of embedded tweets
            found.problem(
                line.number,
                f"message de {match.group('name')} sans lien vers le message : son adresse, son "
                "identifiant et sa date manquent ; attendu « [date](#) [n] » avec [n] un lien "
                "https://twitter.com/…/status/….",
                f"post by {match.group('name')} without a link to the post: its address, identifier "
                "and date are missing; expected “[date](#) [n]” with [n] a link "
                "https://twitter.com/…/status/….",
            )
        if shown_date is None and url is not None:
            found.problem(
                line.number,
                f"message de {match.group('name')} sans date affichée : la date vient de l'identifiant du message.",
                f"post by {match.group('name')} without a shown date: the date comes from the post's identifier.",
            )
        body_text, hashtags, mentions, images = _post_body(text_lines, platform, found)
        found.posts.append(
            Post(
                platform,
                match.group("name").strip(),
                match.group("handle"),
                url,
                post_id,
                shown_date,
                body_text,
                hashtags,
                mentions,
                images,
                line.number,
            )
        )
    return taken


def _post_body(lines: list[Line], platform: Platform, found: Extracted):
    hashtags: list[Hashtag] = []
    mentions: list[str] = []
    images: list[tuple[str | None, str | None]] = []
    for line in lines:
        for link in line.links:
            numbered = found.address(link) if link.ref is not None else None
            inline = inline_address(link)
            address = numbered or inline
            if address is None:
                continue
            path = urlsplit(address).path
            host = urlsplit(address).netloc.lower()
            if host in platform.hosts and (tag := platform.hashtag.match(path)):
                hashtags.append(
                    Hashtag(link.text.strip().lstrip("#"), unquote(tag.group("tag")), line.number)
                )
            elif host in platform.hosts and platform.profile.match(path):
                mentions.append(clean_url(address))
            elif host in platform.media_hosts or (
                inline and urlsplit(inline).netloc.lower() in platform.media_hosts
            ):
                images.append((inline, numbered if numbered != inline else None))
    text = " ".join(text_line.text for text_line in lines).strip()
    return text, hashtags, mentions, images
