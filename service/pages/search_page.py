"""What the search page shows: what a search found (:class:`Found`) — the query as read, a
page of results and the words searched for —, its results with their words marked, its
facets, notices and JSON. The lists' words (:mod:`.lists`) serve here too.

No Flask, like the lists: the web layer hands in the query, the filters and a function for
each address.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from ..errors import BadRequest
from ..labels import Languages
from ..search import Filters, Index, Item, highlight, snippet
from .lists import (
    Chosen,
    FacetHref,
    FacetView,
    facet_json,
    facet_view,
    filters_json,
    item_json,
    kind_label,
)

#: Facets of the search page, and the filters it accepts.
SEARCH_FACETS = ("kind", "theme", "territory", "year")
SEARCH_FILTERS = ("theme", "territory", "organizer", "audience", "year")

#: Longest query text read; the rest is dropped (and the page says so).
MAX_QUERY_CHARS = 1000


@dataclass(frozen=True)
class Found:
    """What a search found: the query as read, one page of results and the words it searched
    for. Without words, the filters alone make a list by label; without either, nothing was
    asked and the page only says how to search."""

    text: str
    cut: bool  # the query was longer than MAX_QUERY_CHARS
    filters: Filters
    chosen: list[Chosen]
    asked: bool = False
    items: list[Item] = field(default_factory=list)
    total: int | None = 0
    exact: bool = True  # False: counting stopped at the bound, more match
    next_key: tuple | None = None
    terms: list[frozenset[str]] = field(default_factory=list)
    dropped: bool = False  # words past the index's limit were dropped
    no_words: bool = False  # the query holds signs only

    def facet_text(self) -> str:
        """The text facets are counted within: the query, when it has words."""
        return self.text if self.terms else ""

    def notices(self, langs: Languages) -> list[str]:
        """What the page says of the query as read: cut, words dropped, no words at all."""
        said = (
            (
                self.cut,
                f"La requête est trop longue : seuls ses {MAX_QUERY_CHARS} premiers caractères sont lus.",
                f"The query is too long: only its first {MAX_QUERY_CHARS} characters are read.",
            ),
            (
                self.dropped,
                "Seuls les 16 premiers mots de la requête sont cherchés.",
                "Only the first 16 words of the query are searched.",
            ),
            (
                self.no_words,
                "La requête ne contient aucun mot à chercher (seulement des signes).",
                "The query holds no word to search for (only symbols).",
            ),
        )
        return [langs.text(fr, en) for shown, fr, en in said if shown]


def find(
    idx: Index,
    query: str,
    filters: Filters,
    chosen: list[Chosen],
    size: int,
    after: tuple | None = None,
) -> Found:
    """Search ``query`` (its first MAX_QUERY_CHARS characters) within the filters. A position
    is a score in a search and a label in a list: one of the other kind is refused."""
    text = query[:MAX_QUERY_CHARS]
    found = Found(text, len(query) > MAX_QUERY_CHARS, filters, chosen)
    if text.strip():
        if after is not None and not isinstance(after[0], (int, float)):
            raise BadRequest(
                "Paramètre after invalide pour une recherche.",
                "Invalid after parameter for a search.",
            )
        page, terms, dropped = idx.search(text, filters, limit=size, after=after)
        return _answered(found, page, terms=terms, dropped=dropped, no_words=not terms)
    if found.chosen:
        if after is not None and not isinstance(after[0], str):
            raise BadRequest(
                "Paramètre after invalide pour cette liste.",
                "Invalid after parameter for this list.",
            )
        return _answered(found, idx.list(filters, order="label", limit=size, after=after))
    return found


def _answered(found: Found, page: Any, **more: Any) -> Found:
    return replace(
        found,
        asked=True,
        items=page.items,
        total=page.total,
        exact=page.exact,
        next_key=page.next_key,
        **more,
    )


def found_json(
    found: Found,
    idx: Index,
    langs: Languages,
    base: str,
    local: Callable[[str], str],
    next_url: str | None,
) -> dict[str, Any]:
    """A search as JSON: the query, its results, filters and facets, and its notices."""
    payload: dict[str, Any] = {
        "query": found.text,
        "items": [item_json(i, langs, local) for i in found.items],
        "total": found.total,
        "total_exact": found.exact,
        "next": next_url,
        "filters": filters_json(found.chosen),
        "facets": {
            facet: facet_json(
                facet, idx.facet_counts(facet, found.filters, text=found.facet_text()), langs, base
            )
            for facet in SEARCH_FACETS
        },
    }
    notices = found.notices(langs)
    if notices:
        payload["notices"] = notices
    return payload


def found_facets(
    found: Found, idx: Index, langs: Languages, base: str, href: FacetHref
) -> list[FacetView]:
    """The search page's facets; none for a query of signs only, which found nothing."""
    if not (found.terms or found.chosen or not found.text.strip()):
        return []
    return [
        facet_view(
            facet,
            idx.facet_counts(facet, found.filters, text=found.facet_text()),
            found.chosen,
            langs,
            base,
            href,
        )
        for facet in SEARCH_FACETS
    ]


@dataclass(frozen=True)
class Hit:
    """One result of a search as the page shows it: label and snippet cut into (text, hit)."""

    item: Item
    label: list[tuple[str, bool]]
    lang: str
    snippet: list[tuple[str, bool]] | None
    snippet_lang: str
    kind: str


def hits(found: Found, langs: Languages) -> list[Hit]:
    shown = []
    for item in found.items:
        label, lang = item.label(langs)
        description = item.description(langs)
        shown.append(
            Hit(
                item,
                highlight(label, found.terms),
                lang,
                snippet(description[0], found.terms) if description else None,
                description[1] if description else "",
                kind_label(item.kind, langs.ui),
            )
        )
    return shown
