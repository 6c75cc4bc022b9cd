"""The search index beside the store: text analysis, the rows it keeps, the queries lists,
facets and search run, and its builder in the background. See ``docs/search.md`` and this
folder's ``README.md``.
"""

from __future__ import annotations

from .builder import IndexBuilder
from .index import Index, changed_iris, index_path, open_index
from .kinds import FACET_PREFIXES, LIST_KINDS, PLACE_LEVELS, SUBKINDS, place_level, short_value
from .lookup import SAME, closeness, find_existing
from .periods import Period, parse_filter_date
from .queries import FacetValue, Filters, Item, decode_key, encode_key
from .reads import MAX_INCOMING_PROPERTIES
from .text import highlight, name_key, snippet

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
    "SAME",
    "SUBKINDS",
    "changed_iris",
    "closeness",
    "decode_key",
    "encode_key",
    "find_existing",
    "highlight",
    "index_path",
    "name_key",
    "open_index",
    "parse_filter_date",
    "place_level",
    "short_value",
    "snippet",
]
