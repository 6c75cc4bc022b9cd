"""Open data: the background build (dumps, catalog facts, VoID figures, the sitemap's
inventory), the DCAT catalog, VoID, the feeds and the calendars. See ``docs/opendata.md``.
"""

from __future__ import annotations

from .builds import Build, Builder
from .calendars import MAX_EVENTS, calendar, event_details, moment_of
from .catalog import Links, catalog_page, label_of, page_graph, schema_org
from .dumps import DATASET_KEYS, FORMATS_BY_SUFFIX, NQUADS_GZ, TRIPLE_FORMATS, graph_key
from .feeds import ChangeLinks, atom_feed, change_collection, change_page, newest
from .sitemap import SITEMAP_LIMIT
from .void import void_graph

__all__ = [
    "Build",
    "Builder",
    "ChangeLinks",
    "DATASET_KEYS",
    "FORMATS_BY_SUFFIX",
    "Links",
    "MAX_EVENTS",
    "NQUADS_GZ",
    "SITEMAP_LIMIT",
    "TRIPLE_FORMATS",
    "atom_feed",
    "calendar",
    "catalog_page",
    "change_collection",
    "change_page",
    "event_details",
    "graph_key",
    "label_of",
    "moment_of",
    "newest",
    "page_graph",
    "schema_org",
    "void_graph",
]
