"""XML Schema durations: their value, their canonical form, and the forms a server keeps intact.

A duration's value is a number of months and a number of seconds (XSD 1.1
§3.3.6). Two stores may write one value differently (Oxigraph stores values and
answers ``"PT90M"`` as ``"PT1H30M"``): what must survive a store is the value.

Virtuoso 7.2 (the Debian package) keeps a duration it can parse as one number:
months for a year-month duration (``"P3M"`` → ``3``), seconds for a day-time one
(``"PT5H"`` → ``18000.0``), and its result writers answer that bare number with
the duration datatype, which is no duration at all (upstream issues 224 and 936).
:func:`repair` reads such a number back into the canonical form of its value.
Its parser also gets some forms wrong (``"PT2S"`` becomes 2.2 seconds, ``"P1Y1D"``
loses its day), so :func:`server_forms` proposes forms of the same value it
reads right (``"PT2.0S"``; a mixed value with an explicit time part, which it
keeps as written); the remote store asks the server which one it keeps intact
before writing, and refuses the write when none is.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

XSD = "http://www.w3.org/2001/XMLSchema#"
DURATION = XSD + "duration"
YEAR_MONTH = XSD + "yearMonthDuration"
DAY_TIME = XSD + "dayTimeDuration"
DURATION_TYPES = frozenset({DURATION, YEAR_MONTH, DAY_TIME})

_LEXICAL = re.compile(
    r"(-)?P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?"
    r"(?:T(?!$)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d*)?|\.\d+)S)?)?"
)
_NUMBER = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_INTEGER = re.compile(r"-?\d+")

DurationValue = tuple[int, Decimal]  # (months, seconds), both of the duration's sign


def value(lexical: str) -> DurationValue | None:
    """The value of a duration's lexical form, or None when it is not one."""
    match = _LEXICAL.fullmatch(lexical.strip())
    if match is None:
        return None
    sign, years, months, days, hours, minutes, seconds = match.groups()
    total_months = int(years or 0) * 12 + int(months or 0)
    total_seconds = Decimal(
        int(days or 0) * 86400 + int(hours or 0) * 3600 + int(minutes or 0) * 60
    ) + Decimal(seconds or 0)
    if sign:
        return -total_months, -total_seconds
    return total_months, total_seconds


def canonical(months: int, seconds: Decimal, datatype: str = DURATION) -> str:
    """The canonical lexical form of a value (XSD 1.1, durationCanonicalMap)."""
    negative = months < 0 or seconds < 0
    months, seconds = abs(months), abs(seconds)
    text = "-P" if negative else "P"
    years, months = divmod(months, 12)
    text += (f"{years}Y" if years else "") + (f"{months}M" if months else "")
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, rest = divmod(rest, 60)
    text += f"{int(days)}D" if days else ""
    time = (f"{int(hours)}H" if hours else "") + (f"{int(minutes)}M" if minutes else "")
    time += f"{_decimal(rest)}S" if rest else ""
    text += f"T{time}" if time else ""
    if text.endswith("P"):
        return "P0M" if datatype == YEAR_MONTH else "PT0S"
    return text


def _decimal(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def repair(lexical: str, datatype: str) -> str | None:
    """The canonical form of a duration a server answered as a bare number, else None.

    A bare number is never a duration's lexical form, so a conforming server's
    answer is never touched. An integer counts months (a year-month duration),
    any other number seconds (a day-time one).
    """
    if datatype not in DURATION_TYPES or not _NUMBER.fullmatch(lexical):
        return None
    try:
        number = Decimal(lexical)
    except InvalidOperation:
        return None
    if datatype == YEAR_MONTH or (datatype == DURATION and _INTEGER.fullmatch(lexical)):
        return canonical(int(number), Decimal(0), datatype)
    return canonical(0, number, datatype)


def read(lexical: str, datatype: str) -> DurationValue | None:
    """The value a server's answer stands for (a bare number read as :func:`repair` does)."""
    return value(repair(lexical, datatype) or lexical)


def server_forms(lexical: str) -> list[str]:
    """Forms of the same value to offer a server, the literal as written first."""
    parsed = value(lexical)
    if parsed is None:
        return [lexical]
    months, seconds = parsed
    sign = "-" if months < 0 or seconds < 0 else ""
    months, seconds = abs(months), abs(seconds)
    fraction = _decimal(seconds % 86400)
    fraction += "" if "." in fraction else ".0"
    if not seconds:
        other = f"{sign}P{months}M"
    elif not months:
        whole = _decimal(seconds)
        other = f"{sign}PT{whole}{'' if '.' in whole else '.0'}S"
    else:
        other = f"{sign}P{months}M{int(seconds // 86400)}DT{fraction}S"
    return [lexical] if other == lexical else [lexical, other]
