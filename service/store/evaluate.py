"""Evaluating a researcher's query on a pyoxigraph store: dataset, row cap, serialisation.

Used by the query workers (``worker.py``), so it imports only pyoxigraph and
the standard library: a worker starts fast and holds little memory. The remote
store writes a server's answers the same way (:func:`serialise_result`).

Serialisation is Oxigraph's own, to the letter of the W3C result formats,
including when the row cap cuts a SELECT result: the solutions are written as
TSV into a writer that stops the evaluation after ``max_rows + 1`` lines, the
excess line is dropped, and that TSV is read back by Oxigraph's parser and
written in the requested format. TSV keeps every term exactly (it spells terms
in Turtle syntax, escapes tabs and newlines). On this machine the detour costs
about twice a direct serialisation (``bench/store.py results``) and is many
times faster than rdflib's result serialisers, which also lack TSV.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from xml.parsers import expat

import pyoxigraph as ox

from .dataset import Dataset

if TYPE_CHECKING:
    from .interface import QueryRequest

#: Where Oxigraph says a syntax error is: "error at 3:15".
_ERROR_POSITION = re.compile(r"error at (\d+):(\d+)")
_ERROR_PREFIX = re.compile(r"\berror at \d+:\d+:\s*")


@dataclass(frozen=True)
class QueryOutcome:
    """What a worker sends back: the serialised body or an error description."""

    body: bytes = b""
    form: str = ""
    rows: int = 0
    truncated: bool = False
    # "syntax", "query" (the query's own fault), "unwritable" (the result cannot be written in
    # the format asked for) or "evaluation" (the store's)
    error: str = ""
    message: str = ""
    line: int | None = None
    column: int | None = None


class _RowCap(Exception):
    """Raised by the capped writer to stop a serialisation."""


class _CappedLines:
    """A binary sink that stops the writer once it has more than ``limit`` lines."""

    def __init__(self, limit: int):
        self.parts: list[bytes] = []
        self.lines = 0
        self.limit = limit
        self.cut = False

    def write(self, chunk: bytes) -> int:
        self.parts.append(bytes(chunk))
        self.lines += chunk.count(b"\n")
        if self.lines > self.limit:
            self.cut = True
            raise _RowCap()
        return len(chunk)

    def flush(self) -> None:
        pass


def error_position(message: str) -> tuple[int | None, int | None]:
    """The line and column of an Oxigraph syntax error, from its message."""
    position = _ERROR_POSITION.search(message)
    return (int(position[1]), int(position[2])) if position else (None, None)


def error_reason(message: str) -> str:
    """An Oxigraph syntax error's words without the position it gives ("error at 3:18: …",
    at its start, or after an Oxigraph server's own words), which the service says again in
    its own words."""
    return _ERROR_PREFIX.sub("", message, count=1)


def request_options(request: QueryRequest) -> dict[str, Any]:
    """:func:`evaluate`'s options for a researcher's query, all but the store and the text."""
    return {
        "results_format": request.result_format.oxigraph,
        "graph_format": request.graph_format.oxigraph,
        "dataset": request.dataset,
        "max_rows": request.max_rows,
        "base_iri": request.base_iri,
        "union_default_graph": request.union_default_graph,
    }


def evaluate(
    store: ox.Store,
    query: str,
    *,
    results_format: str,
    graph_format: str,
    dataset: Dataset | None = None,
    max_rows: int = 10000,
    base_iri: str | None = None,
    union_default_graph: bool = True,
) -> QueryOutcome:
    """Run one query and serialise its result; errors are returned, not raised.

    ``results_format`` and ``graph_format`` are attribute names of
    ``QueryResultsFormat`` and ``RdfFormat`` (``formats.Format.oxigraph``).
    ``dataset`` (``dataset.query_dataset``) is the default graphs and the named
    graphs, exactly; None is the union default graph with every named graph, or, with
    ``union_default_graph`` False, the store's own default graph with every named graph.
    """
    options: dict[str, Any] = {"base_iri": base_iri}
    try:
        if dataset is None:
            if union_default_graph:
                options["use_default_graph_as_union"] = True
        else:
            # Empty lists mean an empty default graph and no named graph, as they should. An
            # IRI Oxigraph refuses is the query's error (below), never the worker's end.
            options["default_graph"] = [ox.NamedNode(iri) for iri in dataset[0]]
            options["named_graphs"] = [ox.NamedNode(iri) for iri in dataset[1]]
        result = store.query(query, **options)
        return serialise_result(result, results_format, graph_format, max_rows)
    except SyntaxError as error:
        line, column = error_position(str(error))
        return QueryOutcome(error="syntax", message=str(error), line=line, column=column)
    except (RuntimeError, ValueError) as error:
        # pyoxigraph's errors of the query itself (an unknown function, a service name that
        # is no IRI…); storage and I/O failures are OSError.
        return QueryOutcome(error="query", message=str(error))
    except (OSError, TypeError) as error:
        return QueryOutcome(error="evaluation", message=str(error))


def serialise_result(
    result: Any, results_format: str, graph_format: str, max_rows: int
) -> QueryOutcome:
    """A query's result written in the format asked for, cut at ``max_rows``: a boolean, the
    solutions (``QuerySolutions``) or the triples (any iterable of ``Triple``)."""
    if isinstance(result, ox.QueryBoolean):
        body = result.serialize(format=getattr(ox.QueryResultsFormat, results_format))
        return QueryOutcome(body=body, form="ask", rows=1)
    if isinstance(result, ox.QuerySolutions):
        return _serialise_solutions(result, results_format, max_rows)
    return _serialise_triples(result, graph_format, max_rows)


def _serialise_solutions(
    result: ox.QuerySolutions, results_format: str, max_rows: int
) -> QueryOutcome:
    sink = _CappedLines(max_rows + 1)  # the header line, then one line per solution
    try:
        result.serialize(sink, ox.QueryResultsFormat.TSV)
    except (_RowCap, OSError, ValueError):
        if not sink.cut:
            raise
    tsv = b"".join(sink.parts)
    if sink.cut:
        tsv = b"\n".join(tsv.split(b"\n", max_rows + 1)[: max_rows + 1]) + b"\n"
    rows = tsv.count(b"\n") - 1
    target = getattr(ox.QueryResultsFormat, results_format)
    if target == ox.QueryResultsFormat.TSV:
        body = tsv
    else:
        body = ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV).serialize(format=target)
    if sink.cut and target == ox.QueryResultsFormat.JSON:
        body = mark_json_truncated(body)
    return QueryOutcome(body=body, form="select", rows=rows, truncated=sink.cut)


def mark_json_truncated(body: bytes) -> bytes:
    """Add ``"truncated": true`` beside ``head`` and ``results`` in a SPARQL JSON result.

    The member sits between ``head`` and ``results``, where Oxigraph's, rdflib's
    and SPARQLWrapper's readers accept it (Oxigraph's rejects members after
    ``results``).
    """
    marker = b',"results":'
    at = body.find(marker)
    if at < 0:
        return body
    return body[:at] + b',"truncated":true' + body[at:]


def _serialise_triples(result: Any, graph_format: str, max_rows: int) -> QueryOutcome:
    triples = []
    truncated = False
    for triple in result:
        if len(triples) == max_rows:
            truncated = True
            break
        triples.append(triple)
    rdf_format = getattr(ox.RdfFormat, graph_format)
    body = ox.serialize(triples, format=rdf_format) or b""
    if rdf_format == ox.RdfFormat.RDF_XML:
        problem = xml_problem(body, triples)
        if problem:
            return QueryOutcome(error="unwritable", message=problem)
    return QueryOutcome(body=body, form="construct", rows=len(triples), truncated=truncated)


def _xml_error(body: bytes) -> str:
    """Expat's complaint about ``body`` read as namespace-aware XML, or "" if it is well formed."""
    parser = expat.ParserCreate(namespace_separator=" ")
    try:
        parser.Parse(body, True)
    except expat.ExpatError as error:
        return str(error)
    return ""


def xml_problem(body: bytes, triples: list[ox.Triple]) -> str:
    """Why an RDF/XML document Oxigraph wrote is not well-formed XML, or "" when it is.

    RDF/XML writes a property as an element whose name is a namespace and an XML local
    name: an IRI with no such split (``http://example.org/p/123``, one ending in ``/``)
    cannot be written (RDF 1.1 XML Syntax §8.1), and Oxigraph then writes the element
    ``<oxprefix:>``, which no XML parser reads. Checking the whole document with Expat
    (about twice the time of writing it) also catches what else XML cannot carry.
    """
    error = _xml_error(body)
    if not error:
        return ""
    unwritable = sorted(
        iri
        for iri in {triple.predicate.value for triple in triples}
        if _xml_error(
            ox.serialize(
                [ox.Triple(ox.NamedNode("urn:x:s"), ox.NamedNode(iri), ox.Literal(""))],
                format=ox.RdfFormat.RDF_XML,
            )
        )
    )
    if unwritable:
        return "no XML local name for the property " + ", ".join(
            f"<{iri}>" for iri in unwritable[:5]
        )
    return error
