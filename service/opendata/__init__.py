"""Open data: the background build (dumps, catalog facts, VoID figures, the sitemap's
inventory), the DCAT catalog, VoID, the feeds and the calendars. See ``docs/opendata.md``
and this folder's ``README.md``.
"""

from __future__ import annotations

from .build import Build
from .builder import Builder
from .calendars import calendar
from .catalog import CATALOG_FORMATS, CatalogPage, Links, catalog_page, label_of
from .catalog_dcat import page_graph
from .catalog_facts import Moment
from .catalog_schemaorg import schema_org
from .dumps import DATASET_KEYS, FORMATS_BY_SUFFIX, NQUADS_GZ, TRIPLE_FORMATS, graph_key
from .events import MAX_EVENTS, event_details, moment_of
from .feeds import ChangeLinks, atom_feed, change_collection, change_page, newest
from .sitemap import SITEMAP_LIMIT, URLS_PER_PAGE
from .void import VOID_FORMATS, void_graph

__all__ = [
    "Build",
    "Builder",
    "CATALOG_FORMATS",
    "CatalogPage",
    "ChangeLinks",
    "DATASET_KEYS",
    "FORMATS_BY_SUFFIX",
    "Links",
    "MAX_EVENTS",
    "Moment",
    "NQUADS_GZ",
    "SITEMAP_LIMIT",
    "URLS_PER_PAGE",
    "TRIPLE_FORMATS",
    "VOID_FORMATS",
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
