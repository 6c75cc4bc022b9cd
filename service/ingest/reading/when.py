"""Dates in running text, read against the article's publication date.

Real pages rarely write a full date: « ce vendredi 11 octobre », « Du 5 au 7 février
dernier », « le 4 décembre », « en juin », « lors de la journée du 12 ». Rules read them
(a model would not say why it chose a year): the day, month and year written, a weekday
checked against the date, a range, a time span (« de 9h30 à 17h »). A missing year is
taken from the publication date, in the direction the text points (« dernier », a past
tense: before it; « prochain », a future tense: after it; a weekday: the year whose day
falls on it), and the guess is said, with a lower confidence and a note. A month without
its day is a partial date (``xsd:gYearMonth``), a year alone too (``xsd:gYear``): never
completed to a day. Without a publication date a missing year is not guessed, but for one
case: a day named with its weekday (« ce vendredi 11 octobre ») when exactly one of the
years the text writes elsewhere puts that day on that weekday (a guess, said as one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta

#: French months, as written (with the usual abbreviations), to their number.
MONTH_NAMES: dict[str, int] = {
    "janvier": 1, "janv": 1, "février": 2, "fevrier": 2, "févr": 2, "fev": 2, "mars": 3,
    "avril": 4, "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "août": 8, "aout": 8,
    "septembre": 9, "sept": 9, "octobre": 10, "oct": 10, "novembre": 11, "nov": 11,
    "décembre": 12, "decembre": 12, "déc": 12, "dec": 12,
}  # fmt: skip
WEEKDAYS: dict[str, int] = {
    "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6,
}  # fmt: skip
WEEKDAY_NAMES = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
WEEKDAY_NAMES_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

#: How sure a date is, by how its year was found.
DATE_CONFIDENCE = {
    "written": 0.95,
    "context": 0.85,
    "weekday": 0.85,
    "tense": 0.75,
    "nearest": 0.6,
    "month": 0.5,
    "text-weekday": 0.7,
}

_MONTH = r"(?P<{name}>" + "|".join(sorted(MONTH_NAMES, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:(?P<{name}>" + "|".join(WEEKDAYS) + r")\s+)?"
_DAY = r"(?P<{name}>1er|[12]\d|3[01]|0?[1-9])"
_YEAR = r"(?:\s+(?P<{name}>(?:19|20)\d\d))?"
_RELATIVE = r"(?:\s+(?P<relative>dernier|derni[èe]re|prochain|prochaine|passée?))?"


def _p(pattern: str, **names: str) -> str:
    return pattern.format(**names)


_DAY_MONTH = (
    _p(_WEEKDAY, name="weekday")
    + _p(_DAY, name="day")
    + r"\s+"
    + _p(_MONTH, name="month")
    + _p(_YEAR, name="year")
)
#: Date expressions, the longest forms first (a range before the day that begins it).
_PATTERNS: tuple[tuple[str, re.Pattern], ...] = tuple(
    (kind, re.compile(pattern + r"\b", re.I))
    for kind, pattern in (
        # « du 5 au 7 février 2020 », « du 30 septembre au 2 octobre », « les 14 et 15 octobre »
        (
            "range",
            r"(?:\b(?:du|les)\s+|^)"  # « 9 et 10 octobre 2019 - … » opens a line
            + _p(_WEEKDAY, name="weekday")
            + _p(_DAY, name="day")
            + r"(?:\s+"
            + _p(_MONTH, name="month")
            + _p(_YEAR, name="year")
            + r")?\s+(?:au|et)\s+"
            + _p(_WEEKDAY, name="weekday2")
            + _p(_DAY, name="day2")
            + r"\s+"
            + _p(_MONTH, name="month2")
            + _p(_YEAR, name="year2")
            + _RELATIVE,
        ),
        # « entre juin et décembre 2019 », « de mars à mai 2020 »: months, not days
        (
            "months",
            r"\b(?:entre|de)\s+"
            + _p(_MONTH, name="month")
            + r"\s+(?:et|à)\s+"
            + _p(_MONTH, name="month2")
            + r"\s+(?P<year>(?:19|20)\d\d)",
        ),
        ("numeric", r"\b(?P<day>[0-3]?\d)/(?P<month>[01]?\d)/(?P<year>(?:19|20)\d\d)"),
        ("iso", r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)"),
        ("day", r"\b" + _DAY_MONTH + _RELATIVE),
        # « en juin », « juin 2020 », « au mois de juin dernier », « courant 2020 »
        (
            "month",
            r"\b(?:(?:en|au\s+mois\s+de|d[ée]but|fin|mi-?|courant)\s+)?"
            + _p(_MONTH, name="month")
            + _p(_YEAR, name="year")
            + _RELATIVE,
        ),
        ("year", r"\b(?:en|courant|pour|d[ée]but|fin)\s+(?P<year>(?:19|20)\d\d)"),
        # « lors de la journée du 12 », « ce jeudi 12 » : a day whose month the text does not say
        ("bare", r"\b(?:du|le|ce)\s+" + _p(_WEEKDAY, name="weekday") + _p(_DAY, name="day")),
    )
)
_TIME = re.compile(
    r"\b(?:de\s+|entre\s+)?(?P<h1>[01]?\d|2[0-3])\s*h\s*(?P<m1>[0-5]\d)?"
    r"(?:\s*(?:à|-|–|et)\s*(?P<h2>[01]?\d|2[0-3])\s*h\s*(?P<m2>[0-5]\d)?)?",
    re.I,
)
_PAST = re.compile(
    r"\b(?:s['’](?:est|était)\s+\w+|se\s+sont\s+\w+|a\s+eu\s+lieu|ont\s+\w+é|a\s+(?:été|réuni|rassemblé|"
    r"accueilli|permis|débuté|organisé|présenté|offert)|avait|étaient|était|dernier|dernière|"
    r"passée?|retour\s+sur)\b",
    re.I,
)
_FUTURE = re.compile(
    r"\b(?:aura|auront|se\s+tiendra|se\s+déroulera|sera|seront|prochain|prochaine|"
    r"aura\s+lieu|organisera|à\s+venir|inscri(?:vez|ption)|rendez-vous|s['’]appuiera)\b",
    re.I,
)


@dataclass(frozen=True)
class _Anchor:
    """The day a date without its year is read against, and whether the text wrote its year
    (« en 2019, … en juin ») or it is the publication's."""

    day: date | None  # None: no publication date and no year nearby, only ``years``
    from_text: bool
    years: tuple[int, ...] = ()  # every year the whole text writes


@dataclass(frozen=True)
class Doubt:
    """Why a date is less sure than it reads: kept as a data-quality note."""

    key: str  # "year-guessed", "weekday", "month-guessed"
    fr: str
    en: str


@dataclass(frozen=True)
class When:
    """A date or a span the text gives, where it gives it, and how sure it is."""

    start: date
    end: date | None
    precision: str  # "day", "month" or "year"
    written: str
    offset: int  # where ``written`` starts in the text it was read from
    start_time: time | None = None
    end_time: time | None = None
    confidence: float = DATE_CONFIDENCE["written"]
    doubts: tuple[Doubt, ...] = field(default_factory=tuple)

    @property
    def value(self) -> str:
        """The date as ``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear`` write it."""
        return {
            "day": self.start.isoformat(),
            "month": f"{self.start.year:04d}-{self.start.month:02d}",
            "year": f"{self.start.year:04d}",
        }[self.precision]

    @property
    def datatype(self) -> str:
        """The XSD datatype of :attr:`value`'s local name: ``date``, ``gYearMonth``, ``gYear``."""
        return {"day": "date", "month": "gYearMonth", "year": "gYear"}[self.precision]

    @property
    def end_value(self) -> str | None:
        """The last day (or month) of a span, written as :attr:`value` is."""
        if self.end is None:
            return None
        if self.precision == "month":
            return f"{self.end.year:04d}-{self.end.month:02d}"
        return self.end.isoformat()


def tense_of(sentence: str) -> str | None:
    """ "past" or "future" when the sentence's words point one way only, else None."""
    past, future = bool(_PAST.search(sentence)), bool(_FUTURE.search(sentence))
    return "past" if past and not future else "future" if future and not past else None


def read_dates(
    text: str,
    published: date | None,
    tense: str | None = None,
    year: int | None = None,
    text_years: tuple[int, ...] = (),
) -> list[When]:
    """Every date or span in ``text`` (a sentence), in order; ``tense`` ("past", "future")
    defaults to what the sentence's verbs say. A year the sentence writes (or ``year``, one
    its paragraph wrote) is the year of its dates that have none: « Le 4 décembre 2019 …
    après celle du 19 novembre ». ``text_years``, the years the whole text writes, may date
    a day its weekday names when nothing else does."""
    tense = tense or tense_of(text)
    written_year = re.search(r"\b(?:19|20)\d\d\b", text)
    context = int(written_year.group()) if written_year else year
    anchor = (
        _Anchor(_context_day(published, context, tense), True)
        if context is not None
        else _Anchor(published, False)
        if published is not None
        else _Anchor(None, False, tuple(sorted(set(text_years))))
        if text_years
        else None
    )
    found: list[When] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if any(a < match.end() and match.start() < b for a, b in taken):
                continue
            when = _READERS[kind](match, anchor, tense)
            if when is None:
                continue
            taken.append(match.span())
            found.append(_with_times(when, text, match.end()))
    return sorted(found, key=lambda w: w.offset)


def _context_day(published: date | None, year: int, tense: str | None) -> date:
    """The day dates without a year are read against when the text names a year: the
    publication's day in that year, else the year's end (past) or start (future)."""
    if published is not None and published.year == year:
        return published
    return date(year, 12, 31) if tense != "future" else date(year, 1, 1)


def _month(name: str | None) -> int | None:
    return MONTH_NAMES.get(name.lower().rstrip(".")) if name else None


def _day(text: str) -> int:
    return 1 if text.lower() == "1er" else int(text)


def _relative(match: re.Match, tense: str | None) -> str | None:
    word = (match.groupdict().get("relative") or "").lower()
    if word.startswith(("dernier", "derni", "pass")):
        return "past"
    if word.startswith("prochain"):
        return "future"
    return tense


def _guess_year(
    month: int, day: int, anchor: _Anchor, tense: str | None, weekday: int | None
) -> tuple[int, str] | None:
    """The year of a day written without one: the year the text wrote nearby, else the
    nearest to the publication in the direction the text points, on the weekday it names;
    with how it was chosen."""
    if anchor.from_text:
        return anchor.day.year, "context"
    if anchor.day is None:  # only the text's years: the one that puts the day on its weekday
        fits = {
            y for y in anchor.years if weekday is not None and _weekday_of(y, month, day) == weekday
        }
        return (fits.pop(), "text-weekday") if len(fits) == 1 else None
    published = anchor.day
    days = []
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            days.append(date(year, month, day))
        except ValueError:
            continue  # 29 February
    candidates = [
        d
        for d in days
        if not (tense == "past" and d > published) and not (tense == "future" and d < published)
    ]
    if weekday is not None:
        # The weekday is written; the tense is read from the verbs: the weekday wins.
        on_weekday = [d for d in candidates if d.weekday() == weekday] or [
            d for d in days if d.weekday() == weekday
        ]
        if on_weekday:
            return min(on_weekday, key=lambda d: abs(d - published)).year, "weekday"
    if not candidates:
        return None
    best = min(candidates, key=lambda d: abs(d - published))
    return best.year, "tense" if tense else "nearest"


def _weekday_of(year: int, month: int, day: int) -> int | None:
    try:
        return date(year, month, day).weekday()
    except ValueError:
        return None


#: Why a year was chosen, French and English.
_WHY = {
    "context": ("l'année que la phrase écrit", "the year the sentence writes"),
    "weekday": (
        "l'année où ce jour tombe le jour de la semaine que le texte nomme",
        "the year in which that day falls on the weekday the text names",
    ),
    "tense": (
        "l'année la plus proche de la publication, du côté où le texte la situe",
        "the year nearest the publication, on the side the text points to",
    ),
    "nearest": ("l'année la plus proche de la publication", "the year nearest the publication"),
    "month": ("le mois le plus proche de la publication", "the month nearest the publication"),
    "text-weekday": (
        "la seule des années que le texte écrit où ce jour tombe le jour de la semaine nommé",
        "the only one of the years the text writes in which that day falls on the weekday named",
    ),
}


def _year_doubt(written: str, value: str, how: str, anchor: _Anchor) -> Doubt:
    why_fr, why_en = _WHY[how]
    seen_fr = (
        ""
        if anchor.from_text or anchor.day is None
        else f", publication du {anchor.day.isoformat()}"
    )
    seen_en = (
        "" if anchor.from_text or anchor.day is None else f", published {anchor.day.isoformat()}"
    )
    return Doubt(
        "month-guessed" if how == "month" else "year-guessed",
        f"« {written} » ne dit pas l'année : {value} est devinée ({why_fr}{seen_fr}).",
        f"“{written}” does not give the year: {value} is guessed ({why_en}{seen_en}).",
    )


def _weekday_doubt(written: str, day_: date, weekday: int) -> Doubt:
    return Doubt(
        "weekday",
        f"« {written} » : le {day_.isoformat()} est un {WEEKDAY_NAMES[day_.weekday()]}, pas un "
        f"{WEEKDAY_NAMES[weekday]} ; la date écrite est gardée, le jour de la semaine contredit.",
        f"“{written}”: {day_.isoformat()} is a {WEEKDAY_NAMES_EN[day_.weekday()]}, not a "
        f"{WEEKDAY_NAMES_EN[weekday]}; the written date is kept, the weekday contradicts it.",
    )


def _dated(
    match: re.Match,
    anchor: _Anchor | None,
    tense: str | None,
    day: int,
    month: int,
    year: int | None,
    weekday: int | None,
) -> tuple[date, float, list[Doubt]] | None:
    """The day, its confidence and its doubts; None when it cannot be dated honestly."""
    written = " ".join(match.group().split())
    doubts: list[Doubt] = []
    if year is not None:
        confidence = DATE_CONFIDENCE["written"]
    elif anchor is None:
        return None  # no publication date to read it against: never guess
    else:
        guessed = _guess_year(month, day, anchor, _relative(match, tense), weekday)
        if guessed is None:
            return None
        year, how = guessed
        confidence = DATE_CONFIDENCE[how]
        doubts.append(_year_doubt(written, str(year), how, anchor))
    try:
        day_ = date(year, month, day)
    except ValueError:
        return None
    if weekday is not None and day_.weekday() != weekday:
        confidence = round(confidence / 2, 2)
        doubts.append(_weekday_doubt(written, day_, weekday))
    return day_, confidence, doubts


def _read_day(match: re.Match, anchor: _Anchor | None, tense: str | None) -> When | None:
    groups = match.groupdict()
    month = _month(groups.get("month"))
    if month is None:
        return None
    weekday = WEEKDAYS.get((groups.get("weekday") or "").lower())
    year = int(groups["year"]) if groups.get("year") else None
    dated = _dated(match, anchor, tense, _day(groups["day"]), month, year, weekday)
    if dated is None:
        return None
    day_, confidence, doubts = dated
    return When(
        day_, None, "day", match.group(), match.start(), None, None, confidence, tuple(doubts)
    )


def _read_range(match: re.Match, anchor: _Anchor | None, tense: str | None) -> When | None:
    groups = match.groupdict()
    month2 = _month(groups["month2"])
    month1 = _month(groups.get("month")) or month2
    year2 = int(groups["year2"]) if groups.get("year2") else None
    year1 = int(groups["year"]) if groups.get("year") else year2
    if month1 is None or month2 is None:
        return None
    weekday2 = WEEKDAYS.get((groups.get("weekday2") or "").lower())
    last = _dated(match, anchor, tense, _day(groups["day2"]), month2, year2, weekday2)
    if last is None:
        return None
    end, confidence, doubts = last
    if year1 is None:  # the first day's year follows the last's (« du 30 décembre au 2 janvier »)
        year1 = end.year - (1 if month1 > month2 else 0)
    try:
        start = date(year1, month1, _day(groups["day"]))
    except ValueError:
        return None
    weekday1 = WEEKDAYS.get((groups.get("weekday") or "").lower())
    if weekday1 is not None and start.weekday() != weekday1:
        confidence = round(confidence / 2, 2)
        doubts.append(_weekday_doubt(" ".join(match.group().split()), start, weekday1))
    if not start <= end <= start + timedelta(days=366):
        return None
    return When(
        start, end, "day", match.group(), match.start(), None, None, confidence, tuple(doubts)
    )


def _read_numeric(match: re.Match, anchor: _Anchor | None, tense: str | None) -> When | None:
    try:
        day_ = date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        return None
    return When(day_, None, "day", match.group(), match.start())


def _read_month(match: re.Match, anchor: _Anchor | None, tense: str | None) -> When | None:
    month = _month(match["month"])
    if month is None:
        return None
    written = " ".join(match.group().split())
    if match["year"]:
        return When(date(int(match["year"]), month, 1), None, "month", match.group(), match.start())
    if (
        anchor is None
        or anchor.day is None
        or not re.match(r"(?i)en|au|d[ée]but|fin|mi|courant", written)
    ):
        return None  # a bare « mai » or « mars » is too often another word: only « en mai »
    last_day = (date(2001, month % 12 + 1, 1) - timedelta(days=1)).day
    guessed = _guess_year(month, last_day, anchor, _relative(match, tense), None)
    if guessed is None:
        return None
    year, how = guessed
    doubt = _year_doubt(written, str(year), how, anchor)
    return When(
        date(year, month, 1),
        None,
        "month",
        match.group(),
        match.start(),
        None,
        None,
        DATE_CONFIDENCE[how],
        (doubt,),
    )


def _read_months(match: re.Match, anchor: _Anchor | None, tense: str | None) -> When | None:
    first, last = _month(match["month"]), _month(match["month2"])
    if first is None or last is None or first > last:
        return None
    year = int(match["year"])
    return When(date(year, first, 1), date(year, last, 1), "month", match.group(), match.start())


def _read_year(match: re.Match, anchor: _Anchor | None, tense: str | None) -> When | None:
    return When(date(int(match["year"]), 1, 1), None, "year", match.group(), match.start())


def _read_bare(match: re.Match, anchor: _Anchor | None, tense: str | None) -> When | None:
    """« la journée du 12 »: a day of the publication's month (or the one before or after
    it, as the text points), said as a guess."""
    if anchor is None or anchor.day is None:
        return None
    published = anchor.day
    day = _day(match["day"])
    weekday = WEEKDAYS.get((match.groupdict().get("weekday") or "").lower())
    tense = _relative(match, tense)
    options = []
    for shift in (-1, 0, 1):
        month_index = published.month - 1 + shift
        year, month = published.year + month_index // 12, month_index % 12 + 1
        try:
            day_ = date(year, month, day)
        except ValueError:
            continue
        if (tense == "past" and day_ > published) or (tense == "future" and day_ < published):
            continue
        if weekday is not None and day_.weekday() != weekday:
            continue
        options.append(day_)
    if not options:
        return None
    day_ = min(options, key=lambda d: abs(d - published))
    written = " ".join(match.group().split())
    doubt = _year_doubt(written, day_.isoformat(), "month", anchor)
    return When(
        day_,
        None,
        "day",
        match.group(),
        match.start(),
        None,
        None,
        DATE_CONFIDENCE["month"],
        (doubt,),
    )


_READERS = {
    "range": _read_range,
    "months": _read_months,
    "numeric": _read_numeric,
    "iso": _read_numeric,
    "day": _read_day,
    "month": _read_month,
    "year": _read_year,
    "bare": _read_bare,
}


def _with_times(when: When, text: str, after: int) -> When:
    """The time span written just after the date (« de 9h30 à 17h », « à 14h »)."""
    near = text[after : after + 40]
    match = _TIME.search(near)
    if match is None or when.precision != "day" or re.search(r"[.;]", near[: match.start()]):
        return when
    start = time(int(match["h1"]), int(match["m1"] or 0))
    end = time(int(match["h2"]), int(match["m2"] or 0)) if match["h2"] else None
    return replace(when, start_time=start, end_time=end)
