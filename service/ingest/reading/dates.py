"""Dates as the page writes them (French or English, day before month), read without guessing.

A date without its year is no date: it is reported, never completed.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

#: Where the dates of the page are: IREV is in France.
PAGE_TIME_ZONE = ZoneInfo("Europe/Paris")


def parse_date(text: str) -> datetime | date | None:
    """A date, or a date and time when the text gives one, read as the page writes it
    (French or English, day before month); None when the text is not a full date."""
    import dateparser  # imported here: it loads its language data on first use

    cleaned = re.sub(r"\s+[-–]\s+(?=\d{1,2}[:h]\d{2})", " ", text.strip())
    if not re.search(r"\d{4}", cleaned):
        return None  # a date without its year is not a full date: never guess the year
    parsed = dateparser.parse(
        cleaned,
        languages=["fr", "en"],
        settings={
            "DATE_ORDER": "DMY",
            "REQUIRE_PARTS": ["day", "month", "year"],
            "STRICT_PARSING": True,
            "RETURN_AS_TIMEZONE_AWARE": False,
            "PREFER_DATES_FROM": "past",
        },
    )
    if parsed is None:
        return None
    if re.search(r"\d{1,2}\s*[:h]\s*\d{2}", cleaned):
        return parsed.replace(tzinfo=PAGE_TIME_ZONE)
    return parsed.date()


def day_of(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value
