"""The search index beside the store: text analysis, the rows it keeps, the queries lists,
facets and search run, and its builder in the background. See ``docs/search.md``.
"""

from __future__ import annotations

from .builder import IndexBuilder
from .index import (
    FACET_PREFIXES,
    LIST_KINDS,
    MAX_INCOMING_PROPERTIES,
    PLACE_LEVELS,
    SUBKINDS,
    FacetValue,
    Filters,
    Index,
    Item,
    Period,
    changed_iris,
    decode_key,
    encode_key,
    highlight,
    index_path,
    open_index,
    parse_filter_date,
    place_level,
    short_value,
    snippet,
)

__all__ = [
    "FACET_PREFIXES",
    "FacetValue",
    "Filters",
    "Index",
    "IndexBuilder",
    "Item",
    "LIST_KINDS",
    "MAX_INCOMING_PROPERTIES",
    "PLACE_LEVELS",
    "Period",
    "SUBKINDS",
    "changed_iris",
    "decode_key",
    "encode_key",
    "highlight",
    "index_path",
    "open_index",
    "parse_filter_date",
    "place_level",
    "short_value",
    "snippet",
]
