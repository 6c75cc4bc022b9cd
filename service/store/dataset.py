"""The dataset a researcher's query runs on: the protocol's, else the query's own, else the union.

* ``default-graph-uri`` and ``named-graph-uri`` given: exactly those graphs, and they win
  over the query's ``FROM`` and ``FROM NAMED`` (SPARQL 1.1 Protocol §2.1.4); no
  ``default-graph-uri`` means an empty default graph, no ``named-graph-uri`` no named graph.
* Else a query with ``FROM`` or ``FROM NAMED`` runs on exactly what they name: ``FROM``
  alone gives no named graph, ``FROM NAMED`` alone an empty default graph (SPARQL 1.1
  Query §13.2).
* Else the default graph is the union of all graphs, and every graph is a named graph
  (or, with the setting ``union_default_graph`` off, the store's own default graph:
  ``QueryRequest.union_default_graph``).

Stores take the dataset explicitly: Oxigraph's union-default-graph option (in process
or ``oxigraph serve --union-default-graph``) would override ``FROM``, and Virtuoso lets
``GRAPH ?g`` see every graph under a ``FROM``.

Standard library only: the query workers import it.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from .tokens import WORD_TOKEN

#: Two graph lists, default then named; None for the union default graph and every graph.
Dataset = tuple[tuple[str, ...], tuple[str, ...]]

_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LOCAL_ESCAPE = re.compile(r"\\(.)")


def _unescape(text: str) -> str:
    return _CODEPOINT.sub(lambda m: chr(int(m[1] or m[2], 16)), text)


def _resolve(iri: str, base: str | None) -> str:
    return iri if urlsplit(iri).scheme or base is None else urljoin(base, iri)


def dataset_clause(query: str, base_iri: str | None = None) -> Dataset | None:
    """The graphs of a query's ``FROM`` and ``FROM NAMED`` clauses, resolved; None without any.

    ``BASE`` and ``PREFIX`` declarations are followed in order, as the engine does.
    """
    if "FROM" not in query.upper():  # every dataset clause starts with it
        return None
    default, named, _ = _scan(query, base_iri)
    if not default and not named:
        return None
    return tuple(default), tuple(named)


def without_dataset_clause(query: str) -> str:
    """The query with its ``FROM`` and ``FROM NAMED`` clauses blanked out (positions kept).

    For a server that keeps a query's own dataset when the protocol gives another
    (Virtuoso merges them), against SPARQL 1.1 Protocol §2.1.4.
    """
    spans = _scan(query, None)[2]
    for start, end in reversed(spans):
        query = query[:start] + re.sub(r"[^\n]", " ", query[start:end]) + query[end:]
    return query


def _scan(query: str, base_iri: str | None) -> tuple[list[str], list[str], list[tuple[int, int]]]:
    base = base_iri
    prefixes: dict[str, str] = {}
    default: list[str] = []
    named: list[str] = []
    spans: list[tuple[int, int]] = []
    depth = clause_start = 0
    pending: str | tuple[str, str] | None = None  # what the next term completes
    # A dataset clause sits outside every group: braces are counted and their content skipped.
    for match in WORD_TOKEN.finditer(query):
        kind, text = match.lastgroup, match.group()
        if kind == "brace":
            depth += 1 if text == "{" else -1
            pending = None
            continue
        if depth or kind in ("other", "comment"):
            continue
        keyword = text.upper() if kind == "word" else ""
        iri = None
        if kind == "iri":
            iri = _resolve(_unescape(text[1:-1]), base)
        elif kind == "word" and pending == "PREFIX" and text.endswith(":"):
            pending = ("PREFIX", text[:-1])
            continue
        elif keyword in ("PREFIX", "BASE", "FROM"):
            pending, clause_start = keyword, match.start()
            continue
        elif keyword == "NAMED" and pending == "FROM":
            pending = "FROM NAMED"
            continue
        elif kind == "word" and pending in ("FROM", "FROM NAMED") and ":" in text:
            prefix, _, local = text.partition(":")
            # An undeclared prefix is the engine's error to report; the IRI is unknown here.
            iri = prefixes.get(prefix, "") + _LOCAL_ESCAPE.sub(r"\1", local)
        if pending in ("FROM", "FROM NAMED") and kind in ("iri", "word"):
            spans.append((clause_start, match.end()))
        if iri is not None:
            if pending == "BASE":
                base = iri
            elif isinstance(pending, tuple):
                prefixes[pending[1]] = iri
            elif pending == "FROM":
                default.append(iri)
            elif pending == "FROM NAMED":
                named.append(iri)
        pending = None
    return default, named, spans


def query_dataset(
    query: str,
    default_graph_uris: tuple[str, ...] = (),
    named_graph_uris: tuple[str, ...] = (),
    base_iri: str | None = None,
) -> Dataset | None:
    """The dataset to run ``query`` on (see the module docstring); None for the union."""
    if default_graph_uris or named_graph_uris:
        return tuple(default_graph_uris), tuple(named_graph_uris)
    return dataset_clause(query, base_iri)
