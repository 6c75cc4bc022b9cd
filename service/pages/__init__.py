"""What a page shows: a resource's description, its kind, the view-model a template
receives and the schema.org JSON-LD it embeds. No Flask: the web layer hands in the store,
the base, the index and the rest in a :class:`PageContext`. See ``README.md`` beside this
file and ``docs/resources.md``.
"""

from __future__ import annotations

from .charts import Bar, Figure, bar_chart, column_chart
from .context import PageContext
from .describe import describe, incoming_page
from .incoming import IncomingCache, IncomingLinks, incoming_links
from .kinds import GENERIC_KIND, GRAPH_KIND, PAGE_KINDS, PAGE_KINDS_BY_NAME, page_kind_of
from .resource import PageView, gone_error, incoming_links_page, resource_page
from .terms import Terms

__all__ = [
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
    "bar_chart",
    "column_chart",
    "describe",
    "gone_error",
    "incoming_links",
    "incoming_links_page",
    "incoming_page",
    "page_kind_of",
    "resource_page",
]
