"""SPARQL 1.1 as researchers meet it: the guard every query and update passes
(:mod:`.guard`), the protocol's formats and details (:mod:`.protocol`), the service
description and the example queries (:mod:`.description`). See ``docs/sparql.md``.
"""

from __future__ import annotations

from .description import EXAMPLES_QUERY, Example, examples_from_rows, service_description
from .gallery import DEFAULT_QUERY, THEMES, Theme, gallery, with_label_language
from .guard import Analysis, check_query, check_update, tokenize
from .protocol import (
    FORMAT_PARAMETERS,
    download_disposition,
    editor_link,
    endpoint_iri,
    etag,
    format_parameter,
    not_query_format,
    result_format,
    with_base,
)

__all__ = [
    "DEFAULT_QUERY",
    "THEMES",
    "Theme",
    "gallery",
    "with_label_language",
    "Analysis",
    "EXAMPLES_QUERY",
    "FORMAT_PARAMETERS",
    "Example",
    "check_query",
    "check_update",
    "download_disposition",
    "editor_link",
    "endpoint_iri",
    "etag",
    "examples_from_rows",
    "format_parameter",
    "not_query_format",
    "result_format",
    "service_description",
    "tokenize",
    "with_base",
]
