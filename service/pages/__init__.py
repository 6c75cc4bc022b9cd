"""What a page shows: a resource's description, its kind, the view-model a template
receives and the schema.org JSON-LD it embeds. No Flask: the web layer hands in the store,
the base and the index. See ``docs/resources.md``.
"""

from __future__ import annotations

from .charts import Bar, Figure, bar_chart, column_chart
from .describe import (
    Description,
    IncomingCache,
    IncomingGroup,
    IncomingLinks,
    IndexLinks,
    StoreLinks,
    containment,
    describe,
    details,
    events_in,
    graph_size,
    incoming_address,
    incoming_page,
    is_part,
    linked_triples,
    notes_about,
    roles_played,
)
from .jsonld import project
from .kinds import (
    MONTHS,
    GENERIC_KIND,
    GRAPH_KIND,
    PAGE_KINDS,
    PAGE_KINDS_BY_NAME,
    PageKind,
    OTHER_PARTS,
    PART_KINDS,
    Terms,
    format_literal,
    is_formatted,
    page_kind_of,
    part_kind_of,
    vocabulary_query,
)

__all__ = ["MONTHS", "Bar", "Description", "Figure", "GENERIC_KIND", "GRAPH_KIND", "IncomingCache", "IncomingGroup", "IncomingLinks", "IndexLinks", "PAGE_KINDS", "PAGE_KINDS_BY_NAME", "PageKind", "OTHER_PARTS", "PART_KINDS", "StoreLinks", "Terms", "bar_chart", "column_chart", "containment", "describe", "details", "events_in", "format_literal", "graph_size", "incoming_address", "incoming_page", "is_formatted", "is_part", "page_kind_of", "linked_triples", "notes_about", "part_kind_of", "project", "roles_played", "vocabulary_query"]
