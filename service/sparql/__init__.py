"""SPARQL 1.1 as researchers meet it: the guard every query and update passes, the
protocol's formats, the service description and the example queries. See
``docs/sparql.md``.
"""

from __future__ import annotations

from .guard import (
    EXAMPLES_QUERY,
    Analysis,
    Example,
    check_query,
    check_update,
    editor_link,
    endpoint_iri,
    etag,
    examples_from_rows,
    format_parameter,
    not_query_format,
    result_format,
    service_description,
    tokenize,
    with_base,
)

__all__ = [
    "Analysis",
    "EXAMPLES_QUERY",
    "Example",
    "check_query",
    "check_update",
    "result_format",
    "editor_link",
    "endpoint_iri",
    "etag",
    "examples_from_rows",
    "format_parameter",
    "not_query_format",
    "service_description",
    "tokenize",
    "with_base",
]
