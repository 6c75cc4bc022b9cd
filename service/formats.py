"""Media types and the RDF formats behind them, in one table each.

Content negotiation picks from these tables with Werkzeug's ``Accept`` parser
(q-values, wildcards, specificity), never with a hand-rolled one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, wraps
from typing import Any, TypeVar

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from .errors import NotAcceptable


@dataclass(frozen=True)
class Format:
    key: str  # short name used in code and ``?format=``
    media_type: str  # the media type we send
    suffix: str  # URL suffix giving the format its own URL, without the dot
    rdflib: str | None  # rdflib parser/serializer name
    oxigraph: str | None  # pyoxigraph RdfFormat / QueryResultsFormat attribute name
    label: str
    aliases: tuple[str, ...] = ()  # other media types accepted for the same format
    charset: bool = True


# RDF graph and dataset formats.
# Turtle https://www.w3.org/TR/turtle/#sec-mime, N-Triples https://www.w3.org/TR/n-triples/#n-triples-mediatype,
# JSON-LD https://www.w3.org/TR/json-ld11/#iana-considerations,
# RDF/XML https://www.w3.org/TR/rdf-syntax-grammar/#section-MIME-Type,
# TriG https://www.w3.org/TR/trig/#sec-mime, N-Quads https://www.w3.org/TR/n-quads/#sec-mediatype
TURTLE = Format(
    "turtle", "text/turtle", "ttl", "turtle", "TURTLE", "Turtle", ("application/x-turtle",)
)
NTRIPLES = Format(
    "nt", "application/n-triples", "nt", "nt", "N_TRIPLES", "N-Triples", ("text/plain",)
)
JSONLD = Format(
    "jsonld",
    "application/ld+json",
    "jsonld",
    "json-ld",
    "JSON_LD",
    "JSON-LD",
    ("application/json",),
)
RDFXML = Format("rdfxml", "application/rdf+xml", "rdf", "xml", "RDF_XML", "RDF/XML")
TRIG = Format("trig", "application/trig", "trig", "trig", "TRIG", "TriG")
NQUADS = Format("nquads", "application/n-quads", "nq", "nquads", "N_QUADS", "N-Quads")
HTML = Format("html", "text/html", "html", None, None, "HTML", ("application/xhtml+xml",))

#: Formats a single resource or a graph is served in, in order of preference
#: when the client accepts anything.
GRAPH_FORMATS: tuple[Format, ...] = (TURTLE, JSONLD, NTRIPLES, RDFXML)
#: Formats that carry named graphs.
DATASET_FORMATS: tuple[Format, ...] = (TRIG, NQUADS)
#: Formats accepted as input (uploads, files to load).
INPUT_FORMATS: tuple[Format, ...] = (TURTLE, NTRIPLES, JSONLD, RDFXML, TRIG, NQUADS)

# SPARQL results: JSON https://www.w3.org/TR/sparql11-results-json/#content-type,
# XML https://www.w3.org/TR/rdf-sparql-XMLres/#mime, CSV/TSV https://www.w3.org/TR/sparql11-results-csv-tsv/
RESULTS_JSON = Format(
    "json",
    "application/sparql-results+json",
    "srj",
    "json",
    "JSON",
    "SPARQL JSON",
    ("application/json",),
)
RESULTS_XML = Format(
    "xml",
    "application/sparql-results+xml",
    "srx",
    "xml",
    "XML",
    "SPARQL XML",
    ("application/xml", "text/xml"),
)
RESULTS_CSV = Format("csv", "text/csv", "csv", "csv", "CSV", "CSV")
RESULTS_TSV = Format("tsv", "text/tab-separated-values", "tsv", "tsv", "TSV", "TSV")
RESULTS_FORMATS: tuple[Format, ...] = (RESULTS_JSON, RESULTS_XML, RESULTS_CSV, RESULTS_TSV)

ALL_FORMATS: tuple[Format, ...] = GRAPH_FORMATS + DATASET_FORMATS + RESULTS_FORMATS + (HTML,)

BY_SUFFIX: dict[str, Format] = {f.suffix: f for f in GRAPH_FORMATS + DATASET_FORMATS + (HTML,)}
BY_KEY: dict[str, Format] = {f.key: f for f in ALL_FORMATS}

# Request bodies of the SPARQL 1.1 Protocol (https://www.w3.org/TR/sparql11-protocol/#query-operation,
# #update-operation) and of the Graph Store Protocol's multipart uploads.
FORM_TYPE = "application/x-www-form-urlencoded"
SPARQL_QUERY_TYPE = "application/sparql-query"
SPARQL_UPDATE_TYPE = "application/sparql-update"
MULTIPART_TYPE = "multipart/form-data"

#: File extensions recognised when loading files (more than the URL suffixes).
BY_FILE_EXTENSION: dict[str, Format] = {
    ".ttl": TURTLE,
    ".turtle": TURTLE,
    ".nt": NTRIPLES,
    ".ntriples": NTRIPLES,
    ".jsonld": JSONLD,
    ".json": JSONLD,
    ".rdf": RDFXML,
    ".owl": RDFXML,
    ".xml": RDFXML,
    ".trig": TRIG,
    ".nq": NQUADS,
    ".nquads": NQUADS,
}


def by_media_type(media_type: str, choices: tuple[Format, ...] = ALL_FORMATS) -> Format | None:
    """The format whose media type (or alias) is ``media_type``, parameters ignored."""
    bare = media_type.split(";", 1)[0].strip().lower()
    for fmt in choices:
        if bare == fmt.media_type:
            return fmt
    for fmt in choices:
        if bare in fmt.aliases:
            return fmt
    return None


#: Distinct ``Accept`` headers whose reading is kept: a client sends the same one with every
#: request, and a request reads it three or four times (10–25 µs each).
ACCEPT_READINGS = 256
#: A longer header is read each time: 256 headers of the 256 kB a request's headers may hold
#: would pin tens of megabytes.
KEPT_ACCEPT_CHARS = 1024

_Read = TypeVar("_Read", bound=Callable[..., Any])


def _kept_when_short(read: _Read) -> _Read:
    """``read(header, …)`` with its answers for the last :data:`ACCEPT_READINGS` headers of
    up to :data:`KEPT_ACCEPT_CHARS` characters kept (``cache_info()`` says how many)."""
    kept = lru_cache(maxsize=ACCEPT_READINGS)(read)

    @wraps(read)
    def reading(header: str | None, *args: Any) -> Any:
        if header is not None and len(header) > KEPT_ACCEPT_CHARS:
            return read(header, *args)
        return kept(header, *args)

    reading.cache_info = kept.cache_info  # type: ignore[attr-defined]
    return reading  # type: ignore[return-value]


@_kept_when_short
def parse_accept(header: str | None) -> MIMEAccept:
    """Parse an ``Accept`` header; a malformed one counts as ``*/*``. The reading of a short
    header is kept and shared (it is immutable)."""
    if not header or not header.strip():
        return MIMEAccept([("*/*", 1)])
    try:
        accept = parse_accept_header(header, MIMEAccept)
    except (ValueError, TypeError):
        return MIMEAccept([("*/*", 1)])
    return accept if len(accept) else MIMEAccept([("*/*", 1)])


@_kept_when_short
def negotiate(header: str | None, choices: tuple[Format, ...]) -> Format | None:
    """Pick the best of ``choices`` for an ``Accept`` header, or None when none is acceptable.

    On a tie the order of ``choices`` decides, so the first choice is the default. The choice
    for a short header is kept, as its reading is.
    """
    accept = parse_accept(header)
    best: Format | None = None
    best_quality = 0.0
    for fmt in choices:
        # Aliases such as application/json or text/plain match only when asked for by name,
        # so that "*/*" or "text/*" never pick them over the primary type.
        quality = max(accept.quality(fmt.media_type), _explicit_quality(accept, fmt.aliases))
        if quality > best_quality:
            best, best_quality = fmt, quality
    return best


def _explicit_quality(accept: MIMEAccept, media_types: tuple[str, ...]) -> float:
    best = 0.0
    for value, quality in accept:
        if value.lower() in media_types:
            best = max(best, quality)
    return best


def not_acceptable(
    asked: str,
    choices: tuple[Format, ...],
    shown: Callable[[Format], str] = lambda f: f.media_type,
    query_form: str | None = None,
) -> NotAcceptable:
    """The 406 for an ``Accept`` (or ``?format=``) that names none of ``choices``: what was
    asked, and every format that is available (``shown`` writes each one)."""
    asked = asked[:200]
    supported = ", ".join(shown(f) for f in choices)
    if query_form is None:
        fits_fr, fits_en = "n'est disponible", "is available"
    else:
        fits_fr, fits_en = f"ne convient à une requête {query_form}", f"fits a {query_form} query"
    return NotAcceptable(
        f"Aucun des formats demandés ({asked}) {fits_fr}. Formats disponibles : {supported}.",
        f"None of the requested formats ({asked}) {fits_en}. Available formats: {supported}.",
        supported=[f.media_type for f in choices],
    )


def content_type(fmt: Format) -> str:
    return f"{fmt.media_type}; charset=utf-8" if fmt.charset else fmt.media_type
