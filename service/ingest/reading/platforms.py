"""The social networks whose posts an export may embed: their addresses and their ids.

A table rather than code per network: a post, a hashtag and a profile are recognised by
the platform's address patterns, and a post's instant is read from its identifier when
the platform's ids encode one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Platform:
    """A social network whose embedded posts the export may hold."""

    name: str  # used in post IRIs: {base}id/post/{name}-{id}
    hosts: frozenset[str]
    canonical: str  # scheme and host of the addresses we keep
    status: re.Pattern  # path of a post: handle and id
    hashtag: re.Pattern
    profile: re.Pattern
    media_hosts: frozenset[str]  # hosts of the images a post shares
    epoch_ms: int | None  # snowflake epoch: (id >> 22) + epoch_ms is the post's instant


# Twitter's ids are "snowflakes" since November 2010: the top 41 bits count milliseconds
# since 1288834974657 (https://github.com/twitter-archive/snowflake/tree/snowflake-2010).
TWITTER = Platform(
    name="twitter",
    hosts=frozenset({"twitter.com", "www.twitter.com", "mobile.twitter.com", "x.com", "www.x.com"}),
    canonical="https://twitter.com",
    status=re.compile(r"^/(?P<handle>\w{1,15})/status(?:es)?/(?P<id>\d{1,20})/?$"),
    hashtag=re.compile(r"^/hashtag/(?P<tag>[^/]+)/?$"),
    profile=re.compile(r"^/(?P<handle>\w{1,15})/?$"),
    media_hosts=frozenset({"pic.twitter.com", "t.co", "pic.x.com"}),
    epoch_ms=1288834974657,
)
PLATFORMS: tuple[Platform, ...] = (TWITTER,)


def platform_of(url: str) -> Platform | None:
    host = urlsplit(url).netloc.lower()
    return next((p for p in PLATFORMS if host in p.hosts), None)


def snowflake_instant(platform: Platform, post_id: str) -> datetime | None:
    """The instant a post's identifier encodes, when the platform's ids encode one."""
    if platform.epoch_ms is None:
        return None
    number = int(post_id)
    milliseconds = (number >> 22) + platform.epoch_ms
    if number >> 22 == 0 or number >= 1 << 63:
        return None  # ids from before snowflakes (2010), or not an id at all
    return datetime.fromtimestamp(milliseconds / 1000, tz=UTC).replace(microsecond=0)
