"""Our queries and terms written so that every SPARQL server reads them alike, and its answers
read back so that every reader accepts them.

Measured on Virtuoso 7.2 and Oxigraph server (``docs/store.md``, "What the servers do"):

* Virtuoso cannot start a transitive path from a ``VALUES`` block: our own queries' blocks
  go as subqueries (:func:`values_as_subqueries`, :func:`with_bindings`).
* Virtuoso refuses a duration constant in ``INSERT DATA`` and ``DELETE DATA`` ("SR553:
  Literal of type xsd:duration can not be created from SQL value of type INTEGER",
  upstream issue 224), miscompiles some in templates (``"PT5H"``: "No column PT5HD") and an
  ``xsd:time`` constant in a pattern ("DT011: Cannot convert T11:00:00 to time"), while
  ``STRDT`` works on every server: those literals (:data:`STRDT_TYPES`) are written as
  ``STRDT("lexical", <datatype>)`` bound to a variable (:func:`strdt`) and matched by
  :func:`match_filter`.
* Virtuoso keeps a duration as a bare number and answers it so (``"3"^^xsd:duration`` for
  ``"P3M"``, upstream issue 936): :func:`repaired_body` reads it back into the canonical
  form of the value (``durations.py``).
* Virtuoso names blank nodes ``nodeID://b1``, which is no blank node label:
  :func:`portable_label` and :func:`portable_bnodes` make it one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rdflib import Literal
from rdflib.term import BNode, Node
from SPARQLWrapper import SPARQLWrapper

from . import durations
from .terms import to_sparql
from .tokens import BRACE_TOKEN

#: Literals written as ``STRDT("lexical", <datatype>)``, never as constants.
STRDT_TYPES = durations.DURATION_TYPES | {durations.XSD + "time"}
#: Virtuoso names its blank nodes ``nodeID://…`` and accepts that name as an IRI in a request,
#: which addresses the very node.
VIRTUOSO_BNODE = "nodeID://"

_VALUES = re.compile(r"(?<![?$\w:])VALUES(?![\w])", re.I)
_VARIABLE = re.compile(r"[?$][\w]+")
_DURATION_NAMES = rb"(duration|yearMonthDuration|dayTimeDuration)"
_NUMBER = rb"(-?[0-9.]+(?:[eE][+-]?[0-9]+)?)"
#: A duration answered as a bare number, in N-Triples and in SPARQL XML results.
_NUMERIC_DURATIONS = (
    re.compile(
        rb'"' + _NUMBER + rb'"\^\^<http://www\.w3\.org/2001/XMLSchema#' + _DURATION_NAMES + rb">"
    ),
    re.compile(
        rb'<literal datatype="http://www\.w3\.org/2001/XMLSchema#'
        + _DURATION_NAMES
        + rb'">'
        + _NUMBER
        + rb"</literal>"
    ),
)
_XML_BNODE = re.compile(rb"<bnode>([^<]*)</bnode>")

# -- queries ----------------------------------------------------------------------------------


def values_as_subqueries(query: str) -> str:
    """Our query with each ``VALUES`` block inside a group given as a subquery.

    The same solutions, joined the same way; but Virtuoso cannot start a transitive
    path (``?x p+ ?a``) from a ``VALUES`` block ("TR...: transitive start not given"),
    and can from a subquery. A ``VALUES`` after the query's ``WHERE`` group stays.
    """
    if not _VALUES.search(query):
        return query
    out: list[str] = []
    block: list[str] | None = None  # the VALUES block being read
    depth = block_depth = 0
    for match in BRACE_TOKEN.finditer(query):
        token = match.group(0)
        if block is not None:
            block.append(token)
            if token == "{":
                block_depth += 1
            elif token == "}":
                block_depth -= 1
                if block_depth == 0:
                    text = "".join(block)
                    variables = " ".join(_VARIABLE.findall(text.split("{", 1)[0]))
                    out.append(f"{{ SELECT {variables} WHERE {{ {text} }} }}")
                    block = None
            continue
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        found = _VALUES.search(token) if depth > 0 and token[0] not in "\"'<#" else None
        if found is None:
            out.append(token)
            continue
        out.append(token[: found.start()])
        block, block_depth = [token[found.start() :]], 0
    if block is not None:  # not a VALUES block after all: leave the text as it was
        out.extend(block)
    return "".join(out)


def with_bindings(query: str, bindings: Mapping[str, Node] | None) -> str:
    """Our query with a VALUES block binding ``bindings``, its blocks as subqueries.

    In a SELECT or ASK the block opens the WHERE group, so it binds variables that
    are not projected too (Virtuoso also refuses a trailing VALUES after ASK); a
    CONSTRUCT or DESCRIBE gets it at the end (SPARQL 1.1, 10.2.2).
    """
    if not bindings:
        return values_as_subqueries(query)
    names = sorted(bindings)
    block = (
        f"VALUES ({' '.join('?' + n for n in names)}) "
        f"{{ ({' '.join(to_sparql(bindings[n]) for n in names)}) }}"
    )
    probe = SPARQLWrapper("http://localhost/")
    probe.setQuery(query)
    if probe.queryType in ("SELECT", "ASK"):
        for token in BRACE_TOKEN.finditer(query):
            if token.group(0) == "{":
                return values_as_subqueries(
                    f"{query[: token.end()]} {block} {query[token.end() :]}"
                )
    return values_as_subqueries(f"{query}\n{block}")


# -- literals -----------------------------------------------------------------------------------


def needs_strdt(term: Node) -> bool:
    """A literal that goes as ``STRDT(…)`` rather than as a constant."""
    return (
        isinstance(term, Literal)
        and term.datatype is not None
        and str(term.datatype) in STRDT_TYPES
    )


def strdt(lexical: str, datatype: Node) -> str:
    """The ``STRDT`` expression that makes a literal of ``datatype`` on every server."""
    return f"STRDT({to_sparql(Literal(lexical))}, <{datatype}>)"


def match_filter(variable: str, term: Literal) -> str:
    """A FILTER that holds when ``variable`` is the stored ``term``, in any form it may be written in."""
    forms = (
        durations.server_forms(str(term))
        if str(term.datatype) in durations.DURATION_TYPES
        else [str(term)]
    )
    # sameTerm alone misses, in a DELETE on Virtuoso, a duration it keeps as written ("PT0.5S").
    tests = " || ".join(
        f"sameTerm({variable}, {made}) || (STR({variable}) = STR({made}) "
        f"&& DATATYPE({variable}) = <{term.datatype}>)"
        for made in (strdt(f, term.datatype) for f in forms)
    )
    return f"FILTER({tests})"


# -- answers ------------------------------------------------------------------------------------


def repaired_body(body: bytes) -> bytes:
    """An N-Triples or SPARQL XML answer with its bare-number durations in duration form."""
    if b"uration" not in body:
        return body
    ntriples, xml = _NUMERIC_DURATIONS

    def fixed(number: bytes, name: bytes) -> bytes:
        text = durations.repair(number.decode(), durations.XSD + name.decode())
        return (text or number.decode()).encode()

    body = ntriples.sub(lambda m: b'"' + fixed(m[1], m[2]) + m[0][len(m[1]) + 1 :], body)
    return xml.sub(
        lambda m: m[0][: -len(m[2]) - len(b"</literal>")] + fixed(m[2], m[1]) + b"</literal>", body
    )


def portable_label(term: Node) -> Node:
    """A blank node with a label every syntax accepts (Virtuoso's ``nodeID://b1`` → ``nodeIDb1``)."""
    if isinstance(term, BNode) and not re.fullmatch(r"[A-Za-z0-9_]+", str(term)):
        return BNode(re.sub(r"[^A-Za-z0-9_]", "", str(term)))
    return term


def portable_bnodes(body: bytes) -> bytes:
    """A SPARQL XML result whose blank node labels every reader accepts: Virtuoso answers
    ``<bnode>nodeID://b10000</bnode>``, which is no blank node label (Oxigraph refuses it);
    ``nodeIDb10000`` names the same node throughout the result, as :func:`portable_label`
    does."""
    if b"<bnode>" not in body:
        return body
    return _XML_BNODE.sub(
        lambda m: b"<bnode>" + str(portable_label(BNode(m[1].decode()))).encode() + b"</bnode>",
        body,
    )
