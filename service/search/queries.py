"""What a list or a search asks and what it answers: filters, orders, keys and pages.

A request is read into :class:`Filters` (kind, sub-kind, facet values, dates) and an order
of :data:`ORDERS`; the index answers a :class:`Page` of :class:`Item` and facet counts as
:class:`FacetValue`. Pages go by key, never by ``OFFSET``: an item's key is its position
in its list (sort value, IRI), written in URLs as an opaque token (:func:`encode_key`),
and anything that is not a token this service gave answers ``400`` (:func:`decode_key`).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..errors import BadRequest
from ..labels import Languages
from .periods import Period
from .rows import Pairs, best_pair


@dataclass(frozen=True)
class Item:
    """One row of a list or a search, as pages and JSON show it."""

    iri: str
    kind: str
    subkind: str
    labels: Pairs
    descriptions: Pairs
    place: list[Pairs]
    date_value: str | None
    date_precision: str | None
    end_value: str | None
    start_day: str | None
    end_day: str | None
    key: tuple  # the keyset position of this item in its list
    score: float | None = None

    def label(self, languages: Languages) -> tuple[str, str]:
        """(text, language) of the best label by the language rule."""
        return best_pair(self.labels, languages) or (self.iri, "")

    def description(self, languages: Languages) -> tuple[str, str] | None:
        return best_pair(self.descriptions, languages)

    def where(self, languages: Languages) -> list[tuple[str, str]]:
        """Names of where it is: a venue, then its commune (once when they share a name)."""
        names: list[tuple[str, str]] = []
        for pairs in self.place:
            best = best_pair(pairs, languages)
            if best and best[0] not in (text for text, _ in names):
                names.append(best)
        return names


#: Rows a filtered list or a search counts before it stops: past it, the total is said as
#: "more than 1,000". Counting every match made a search cost grow with its matches.
COUNT_BOUND = 1000


@dataclass(frozen=True)
class Page:
    items: list[Item]
    total: int | None  # None when not counted (``Index.list(count=False)``)
    next_key: tuple | None
    prev_key: tuple | None
    #: False when counting stopped at :data:`COUNT_BOUND`: ``total`` is then the bound, and
    #: more rows match.
    exact: bool = True


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    labels: Pairs
    kind: str | None = None
    exact: bool = True  # false: counted among a search's first matches, at least ``count``

    def label(self, languages: Languages) -> tuple[str, str]:
        return best_pair(self.labels, languages) or (self.value, "")


@dataclass
class Filters:
    """What a list or a search is narrowed to. Facet values are full IRIs (or years)."""

    kind: str | None = None
    subkind: str | None = None
    facets: list[tuple[str, str]] = field(default_factory=list)
    when: str = "all"  # "all", "upcoming", "past"
    today: str | None = None  # ISO day "upcoming" and "past" are relative to
    date_from: Period | None = None
    date_to: Period | None = None
    top_level: bool = False  # leave out the sessions of an event (a series' days stay)

    def sql(self, alias: str = "r", facets_checked: bool = False) -> tuple[str, list[Any]]:
        """The SQL condition on the rows (``alias``) and its parameters. ``facets_checked``:
        each row read is looked up in its facets (one index lookup a row), never read from
        them, so that a list reads its rows in its order; else the facets' rows are where
        SQLite may start."""
        clauses: list[str] = []
        params: list[Any] = []
        if self.kind:
            clauses.append(f"{alias}.kind = ?")
            params.append(self.kind)
        if self.subkind:
            clauses.append(f"{alias}.subkind = ?")
            params.append(self.subkind)
        for facet, value in self.facets:
            term = "(SELECT id FROM term WHERE iri = ?)"
            if facets_checked:
                clauses.append(
                    f"EXISTS (SELECT 1 FROM facet WHERE facet = ? AND value = {term} "
                    f"AND id = {alias}.id)"
                )
            else:
                clauses.append(
                    f"{alias}.id IN (SELECT id FROM facet WHERE facet = ? AND value = {term})"
                )
            params += [facet, value]
        if self.when in ("upcoming", "past"):
            today = self.day()
            if self.when == "upcoming":
                clauses.append(f"{alias}.end_day >= ?")
                params.append(today)
            else:
                # A past event also started before today: the second clause says so to the
                # index on (kind, sort_date), so that the newest past events are read first
                # without walking the upcoming ones.
                clauses.append(f"{alias}.end_day < ? AND {alias}.sort_date < ?")
                params += [today, today]
        if self.date_from is not None:
            clauses.append(f"{alias}.end_day >= ?")
            params.append(self.date_from.first)
        if self.date_to is not None:
            clauses.append(f"{alias}.start_day <= ?")
            params.append(self.date_to.last)
        if self.top_level:
            # A column of the row, in the index on (kind, top, sort_date): the newest days
            # are read first, however many sessions come after them.
            clauses.append(f"{alias}.top = 1")
        return (" AND ".join(clauses) or "1"), params

    def day(self) -> str:
        """The ISO day "upcoming" and "past" are relative to."""
        return self.today or date.today().isoformat()

    def tallied(self) -> bool:
        """Whether the :data:`tally` table answers for this selection (a kind and maybe a
        sub-kind, nothing else): counts then cost a few rows, whatever the store's size."""
        return (
            not self.facets
            and self.when == "all"
            and self.date_from is None
            and self.date_to is None
            and not self.top_level
            and (self.subkind is None or self.kind is not None)
        )

    def level(self) -> tuple[str, str]:
        """The tally level of a :meth:`tallied` selection."""
        return (self.kind or "*", self.subkind or "")


#: Orders a list can be sorted in: name → (sort column, descending).
ORDERS: dict[str, tuple[str, bool]] = {
    "label": ("sort_label", False),
    "date": ("sort_date", False),
    "date-desc": ("sort_date", True),
}


# ---------------------------------------------------------------------------------------------
# Keys in URLs
# ---------------------------------------------------------------------------------------------


def encode_key(key: tuple) -> str:
    """A keyset position as an opaque, URL-safe token."""
    raw = json.dumps(list(key), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_key(token: str, name: str = "after") -> tuple:
    """The position a token encodes; :class:`BadRequest` for anything else."""
    try:
        if len(token) > 4000:
            raise ValueError("too long")
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        value = json.loads(raw.decode("utf-8"))
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not isinstance(value[0], (str, int, float))
            or isinstance(value[0], bool)
            or not isinstance(value[1], str)
        ):
            raise ValueError("not a key")
        return tuple(value)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise BadRequest(
            f"Paramètre {name} invalide : ce n'est pas une position de page que ce service a donnée.",
            f"Invalid {name} parameter: it is not a page position this service gave.",
        ) from None
