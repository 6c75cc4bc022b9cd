"""What a page shows: a resource's description, its kind, the view-model a template
receives and the schema.org JSON-LD it embeds. No Flask: the web layer hands in the store,
the base, the index and the rest in a :class:`PageContext`. See ``README.md`` beside this
file and ``docs/resources.md``.
"""

from __future__ import annotations

from .cards import CARD_SHAPES, Card, card_of, draw_card
from .charts import Bar, Figure, bar_chart, column_chart
from .context import PageContext
from .describe import describe, incoming_page
from .generation import GenerationReads
from .home import home_events, home_figures, kind_totals
from .incoming import IncomingCache, IncomingLinks, incoming_links
from .kinds import GENERIC_KIND, GRAPH_KIND, PAGE_KINDS, PAGE_KINDS_BY_NAME, page_kind_of
from .lists import (
    FACET_NAMES,
    LISTS,
    SINGLE_VALUED,
    WHEN,
    Chosen,
    FacetHref,
    ListSpec,
    active_filters,
    count_words,
    event_counts,
    item_date,
    list_facets,
    listing,
    listing_json,
    say_count,
)
from .resource import (
    INCOMING_SHOWN,
    TERRITORY_KIND,
    PageView,
    gone_error,
    incoming_links_page,
    resource_page,
)
from .search_page import SEARCH_FILTERS, find, found_facets, found_json, hits
from .sections import SECTION_LINKS
from .terms import CLASS_LABELS, Terms
from .view import link_path, local_path

__all__ = [
    "SECTION_LINKS",
    "INCOMING_SHOWN",
    "TERRITORY_KIND",
    "CARD_SHAPES",
    "CLASS_LABELS",
    "Card",
    "card_of",
    "draw_card",
    "Bar",
    "Figure",
    "GENERIC_KIND",
    "GRAPH_KIND",
    "IncomingCache",
    "IncomingLinks",
    "PAGE_KINDS",
    "PAGE_KINDS_BY_NAME",
    "PageView",
    "PageContext",
    "Terms",
    "GenerationReads",
    "bar_chart",
    "column_chart",
    "describe",
    "gone_error",
    "incoming_links",
    "incoming_links_page",
    "incoming_page",
    "page_kind_of",
    "resource_page",
    # The lists, the search page and the home page (lists.py, search_page.py, home.py)
    "FACET_NAMES",
    "LISTS",
    "SEARCH_FILTERS",
    "SINGLE_VALUED",
    "WHEN",
    "Chosen",
    "FacetHref",
    "ListSpec",
    "active_filters",
    "count_words",
    "say_count",
    "event_counts",
    "find",
    "found_facets",
    "found_json",
    "hits",
    "home_events",
    "home_figures",
    "item_date",
    "kind_totals",
    "list_facets",
    "link_path",
    "local_path",
    "listing",
    "listing_json",
]
