"""The SPARQL 1.1 Protocol's choices that need no request: formats, the endpoint's IRI, validators.

The formats each query form can be answered in, and the one a request gets (``format=``
or ``Accept``, else a 406 that lists them); the endpoint's canonical IRI, which is also
the base of the queries sent to it; the ETag of an answer; a link that opens a query in
the editor. The web layer (``service/web/sparql.py``) reads the request and answers.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from urllib.parse import quote

from ..config import Config
from ..errors import NotAcceptable
from ..formats import (
    BY_KEY,
    GRAPH_FORMATS,
    JSONLD,
    NTRIPLES,
    RDFXML,
    RESULTS_FORMATS,
    RESULTS_JSON,
    RESULTS_TSV,
    RESULTS_XML,
    TURTLE,
    Format,
    by_media_type,
    negotiate,
    not_acceptable,
)
from .guard import Analysis

# ---------------------------------------------------------------------------------------------
# Result formats
# ---------------------------------------------------------------------------------------------

#: What each query form can be answered in, first choice first (the default for */*).
#: ASK has no CSV/TSV form (https://www.w3.org/TR/sparql11-results-csv-tsv/ covers SELECT).
FORMATS_BY_FORM: dict[str, tuple[Format, ...]] = {
    "select": RESULTS_FORMATS,
    "ask": (RESULTS_JSON, RESULTS_XML),
    "construct": GRAPH_FORMATS,
    "describe": GRAPH_FORMATS,
}

#: ``format=`` values that mean another format for graph results ("json" for CONSTRUCT is
#: JSON-LD, "xml" is RDF/XML, "n3" is Turtle, its subset), as curl users, YASGUI and
#: SPARQLWrapper (which sends ``format=n3``, ``format=rdf+xml``, ``format=json-ld``) expect.
_GRAPH_SYNONYMS = {
    "json": JSONLD,
    "json-ld": JSONLD,
    "xml": RDFXML,
    "rdf": RDFXML,
    "rdf+xml": RDFXML,
    "ttl": TURTLE,
    "n3": TURTLE,
    "n-triples": NTRIPLES,
    "ntriples": NTRIPLES,
    "text": NTRIPLES,
}
#: Fuseki's ``output=text`` (and Virtuoso's ``format=text/plain``) asks for a table to read as
#: text: TSV is the results format written for that, N-Triples the graph one (its alias).
_RESULT_SYNONYMS = {
    "srj": RESULTS_JSON,
    "srx": RESULTS_XML,
    "text": RESULTS_TSV,
    "text/plain": RESULTS_TSV,
}

#: The request parameters that name a format: ``format`` (Virtuoso's, and this service's
#: from the start) and ``output`` (Fuseki's); each takes a key, a suffix or a media type.
FORMAT_PARAMETERS = ("format", "output")

#: The file name extension of a download in each format (``download=`` on ``/sparql``).
_EXTENSIONS = {RESULTS_JSON: "json", RESULTS_XML: "xml"}


def format_parameter(values: Sequence[str], choices: tuple[Format, ...]) -> Format | None:
    """The first format the ``format=``/``output=`` values name among ``choices``: key, suffix,
    synonym or media type.

    A value may be a comma-separated list of media types, as SPARQLWrapper sends.
    """
    synonyms = _GRAPH_SYNONYMS if choices == GRAPH_FORMATS else _RESULT_SYNONYMS
    for value in values:
        for part in value.split(","):
            part = part.strip().lower()
            if not part:
                continue
            candidates = [BY_KEY.get(part), synonyms.get(part), by_media_type(part, choices)]
            candidates.extend(f for f in choices if f.suffix == part)
            for candidate in candidates:
                if candidate is not None and candidate in choices:
                    return candidate
    return None


def not_query_format(form: str, choices: tuple[Format, ...], asked: str) -> NotAcceptable:
    """The 406 for a query form (``select``, ``ask``, ``construct``) that none of the asked
    result formats fits."""
    kind = {"select": "SELECT", "ask": "ASK"}.get(form, "CONSTRUCT/DESCRIBE")
    return not_acceptable(asked, choices, lambda f: f"{f.media_type} (format={f.key})", kind)


def result_format(form: str, accept: str | None, format_values: Sequence[str] = ()) -> Format:
    """The format to answer a query of ``form`` in, from ``format=`` or ``Accept``; else 406."""
    choices = FORMATS_BY_FORM.get(form, RESULTS_FORMATS)
    chosen = (
        format_parameter(format_values, choices) if format_values else negotiate(accept, choices)
    )
    if chosen is None:
        raise not_query_format(form, choices, ", ".join(format_values) or accept or "")
    return chosen


# ---------------------------------------------------------------------------------------------
# Protocol details
# ---------------------------------------------------------------------------------------------


def endpoint_iri(config: Config) -> str:
    """The canonical IRI of the endpoint, also the base IRI of queries sent to it."""
    return f"{config.base_url}sparql"


def with_base(query: str, analysis: Analysis, base_iri: str) -> tuple[str, int]:
    """The query with ``BASE <base_iri>`` in front when it has relative IRIs and no BASE.

    Every store then resolves them alike, whether or not it takes a base IRI of its own.
    The declaration goes on the first line, so that only first-line columns move; the
    number of characters added is returned to put error positions back.
    """
    if not analysis.relative_iris:
        return query, 0
    query = query.removeprefix("\ufeff")
    prefix = f"BASE <{base_iri}> "
    return prefix + query, len(prefix)


def download_disposition(fmt: Format, name: str = "resultats") -> str:
    """The ``Content-Disposition`` that saves an answer as a file named after its format."""
    return f'attachment; filename="{name}.{_EXTENSIONS.get(fmt, fmt.suffix)}"'


def etag(generation: int, *parts: object) -> str:
    """A strong validator for a query's answer: the store's generation and the request's parts."""
    digest = hashlib.sha256(json.dumps([str(p) for p in parts]).encode("utf-8")).hexdigest()
    return f"{generation}-{digest[:24]}"


def editor_link(query: str, path: str = "/sparql") -> str:
    """A link that opens ``query`` in the query editor (relative, so it works on any host)."""
    return f"{path}?query={quote(query, safe='')}"
