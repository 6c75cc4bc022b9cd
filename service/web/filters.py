"""The filters a request asks of a list, read from its query string: facet values by short
name or IRI (each must name a resource the index knows), a kind or a category, ``when``,
``from`` and ``to``. One reading of a filter value and one wording of a bad parameter (a
400 that names it) for the lists, the search page and the events calendar.

Not a blueprint: any blueprint may use it (blueprints never import each other).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from flask import request

from ..config import local_today
from ..errors import BadRequest
from ..pages import WHEN, Chosen
from ..search import FACET_PREFIXES, LIST_KINDS, Filters, Index, parse_filter_date
from .context import config, index

#: A filter value in short form or an IRI: no spaces, no markup, not too long.
FILTER_VALUE = re.compile(r"^[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]{1,300}$")
YEAR = re.compile(r"^\d{4}$")

#: Most facet values one request may filter on (each costs a lookup and a join).
MAX_FILTERS = 20


def bad_parameter(name: str, value: str, why_fr: str, why_en: str) -> BadRequest:
    """A 400 naming the parameter and its value (cut when long)."""
    shown = value if len(value) <= 60 else value[:57] + "…"
    return BadRequest(
        f"Paramètre {name} invalide : « {shown} » — {why_fr}",
        f"Invalid {name} parameter: “{shown}” — {why_en}",
    )


def one_of(
    name: str,
    value: str,
    allowed: Iterable[str],
    words: tuple[str, str] = ("valeurs possibles", "possible values"),
) -> str:
    """``value`` when it is one of ``allowed``, else a 400 that lists them."""
    allowed = tuple(allowed)
    if value not in allowed:
        listed = ", ".join(allowed)
        raise bad_parameter(name, value, f"{words[0]} : {listed}.", f"{words[1]}: {listed}.")
    return value


def resolve_value(facet: str, value: str, idx: Index, base: str) -> str:
    """The IRI (or year) a filter value names; 400 when malformed or unknown."""
    value = value.strip()
    if facet == "year":
        if not YEAR.match(value):
            raise bad_parameter(
                facet,
                value,
                "une année sur quatre chiffres est attendue.",
                "a four-digit year is expected.",
            )
        return value
    if not FILTER_VALUE.match(value):
        raise bad_parameter(
            facet,
            value,
            "ce n'est ni un identifiant court ni une IRI.",
            "it is neither a short identifier nor an IRI.",
        )
    iri = (
        value if value.startswith(("http://", "https://")) else base + FACET_PREFIXES[facet] + value
    )
    if not idx.exists(iri):
        raise bad_parameter(
            facet,
            value,
            "aucune ressource de ce nom dans les données.",
            "no resource of that name in the data.",
        )
    return iri


def list_filters(
    facets: tuple[str, ...],
    kind: str | None = None,
    subkinds: tuple[str, ...] = (),
    dated: bool = False,
    allow_kind: bool = False,
) -> tuple[Filters, list[Chosen]]:
    """The filters of a list or a search, and each one asked for as the page shows it: the
    facets given, ``kind`` (with ``allow_kind``), ``type`` (one of ``subkinds``), and for a
    ``dated`` list ``when``, ``from`` and ``to``. Empty values are ignored."""
    args = request.args
    filters = Filters(kind=kind, today=local_today(config()))
    chosen: list[Chosen] = []
    # (parameter, the attribute of Filters it sets, its values, how the 400 names them)
    single = [("kind", "kind", LIST_KINDS, ("types connus", "known kinds"))] if allow_kind else []
    if subkinds:
        single.append(("type", "subkind", subkinds, ("valeurs possibles", "possible values")))
    for name, attribute, allowed, words in single:
        if args.get(name):
            value = one_of(name, args.get(name, ""), allowed, words)
            setattr(filters, attribute, value)
            chosen.append(Chosen(name, value, value))
    given = sum(len(args.getlist(f)) for f in facets)
    if given > MAX_FILTERS:
        raise BadRequest(
            f"Trop de filtres : {given} (au plus {MAX_FILTERS}).",
            f"Too many filters: {given} (at most {MAX_FILTERS}).",
        )
    idx, base = index(), config().base_url
    for facet in facets:
        for value in args.getlist(facet):
            if not value.strip():
                continue
            iri = resolve_value(facet, value, idx, base)
            if (facet, iri) not in filters.facets:
                filters.facets.append((facet, iri))
                chosen.append(Chosen(facet, value.strip(), iri))
    if dated:
        filters.when = one_of("when", args.get("when", "all") or "all", WHEN)
        if args.get("from"):
            filters.date_from = parse_filter_date(args["from"], "from")
            chosen.append(Chosen("from", args["from"], args["from"]))
        if args.get("to"):
            filters.date_to = parse_filter_date(args["to"], "to")
            chosen.append(Chosen("to", args["to"], args["to"]))
        if filters.date_from and filters.date_to and filters.date_from.first > filters.date_to.last:
            raise bad_parameter(
                "from",
                args["from"],
                "la date de début est après la date de fin.",
                "the start date is after the end date.",
            )
    return filters, chosen


__all__ = [
    "FILTER_VALUE",
    "MAX_FILTERS",
    "bad_parameter",
    "list_filters",
    "one_of",
    "resolve_value",
]
