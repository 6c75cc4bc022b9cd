"""Dates as the data gives them, and as filters ask for them.

A date in the data may be a day, a month or a year (``2019-12-04``, ``2020-03``, ``2020``):
a :class:`Period` keeps what it says, to show, and the days it spans, to sort and filter
on (an event dated ``2020`` spans that year). Rows take their dates from it; the ``from``
and ``to`` filters read theirs with :func:`parse_filter_date`.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from ..errors import BadRequest

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@dataclass(frozen=True)
class Period:
    """A date as the data gives it (a day, a month or a year) and the days it spans."""

    value: str  # what the data says, to show: "2019-12-04", "2020-03", "2020"
    precision: str  # "day", "month", "year"
    first: str  # first day, ISO
    last: str  # last day, ISO

    @classmethod
    def parse(cls, text: str) -> Period | None:
        match = _DATE.match(text.strip())
        if not match:
            return None
        year, month, day = (int(g) if g else None for g in match.groups())
        try:
            if day is not None:
                first = date(year, month, day).isoformat()
                return cls(first, "day", first, first)
            if month is not None:
                last_day = calendar.monthrange(year, month)[1]
                return cls(
                    f"{year:04d}-{month:02d}",
                    "month",
                    date(year, month, 1).isoformat(),
                    date(year, month, last_day).isoformat(),
                )
            return cls(f"{year:04d}", "year", f"{year:04d}-01-01", f"{year:04d}-12-31")
        except ValueError:
            return None

    @property
    def year(self) -> str:
        return self.first[:4]


#: Dates a filter accepts: a year, a month or a day.
_FILTER_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def parse_filter_date(value: str, name: str) -> Period:
    period = Period.parse(value) if _FILTER_DATE.match(value or "") else None
    if period is None:
        raise BadRequest(
            f"Date invalide pour {name} : « {value[:40]} » (attendu : AAAA, AAAA-MM ou AAAA-MM-JJ).",
            f"Invalid date for {name}: “{value[:40]}” (expected YYYY, YYYY-MM or YYYY-MM-DD).",
        )
    return period
