"""A store on any SPARQL 1.1 server (Oxigraph server, Virtuoso, …), through SPARQLWrapper.

The server must take the union of its graphs as the default graph of a query
(Oxigraph: ``--union-default-graph``; Virtuoso does so by default).

Graphs. Our default graph (``None`` in a quad) is kept on the server in the
named graph ``{base}graph/default``: SPARQL servers disagree on what an
update without ``GRAPH`` writes to (Virtuoso refuses it), and a named graph
behaves the same everywhere. The generation counter lives in
``{base}graph/system``. Neither shows in ``graph_names``, ``count`` or
``quads``; nor do the graphs a server keeps for itself (``SERVER_GRAPHS``).

Blank nodes. A SPARQL request cannot name a blank node the server already
holds: labels in results are only valid within one result document, and a
label in an update makes a new node. So ``apply`` writes added blank nodes
as the blank nodes of an ``INSERT { … } WHERE {}`` template (fresh on the
server, consistent within the changeset), and removes quads with blank nodes
by pattern: within a graph, the removed quads' blank nodes become variables,
and every set of server blank nodes matching all those quads is removed. Two
blank nodes with exactly the same removed statements are thus removed
together, which does not change what the graph says.

Literals. Most go as constants (``INSERT DATA``, ``DELETE DATA``, patterns). Those of
``STRDT_TYPES`` go as ``STRDT("lexical", <datatype>)`` bound to a variable: Virtuoso 7.2
refuses a duration constant in ``INSERT DATA`` and ``DELETE DATA`` ("SR553: Literal of
type xsd:duration can not be created from SQL value of type INTEGER", upstream issue
224), miscompiles some in templates (``"PT5H"``: "No column PT5HD") and an ``xsd:time``
constant in a pattern ("DT011: Cannot convert T11:00:00 to time"), while ``STRDT`` works
on every server. Virtuoso then keeps a duration as a bare number and answers it so
(``"3"^^xsd:duration`` for ``"P3M"``): answers are read back into the canonical form of
the value, and a duration is written only in a form the server is seen to keep
intact (``durations.py``).

Atomicity. ``apply`` sends one update request (its removals, additions and
the generation bump): Oxigraph runs a request in one transaction, Virtuoso
too. ``load`` sends chunks, each atomic.
"""

from __future__ import annotations

import io
import re
import socket
import threading
import urllib.error
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.query import Result
from rdflib.term import BNode, Node, URIRef
from SPARQLWrapper import POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    EndPointNotFound,
    QueryBadFormed,
    SPARQLWrapperException,
)
from SPARQLWrapper.SPARQLExceptions import Unauthorized as SparqlUnauthorized

from ..errors import (
    BadRequest,
    QueryEvaluationError,
    QuerySyntaxError,
    QueryTimeout,
    RdfSyntaxError,
    StoreError,
)
from ..formats import DATASET_FORMATS, Format
from . import Changeset, GraphName, Quad, QueryRequest, QueryResponse, Store, Term, durations
from .dataset import query_dataset, without_dataset_clause
from .embedded import response_for
from .evaluate import QueryOutcome, _serialise_solutions, _serialise_triples
from .terms import quad_to_oxigraph, quad_to_rdflib, to_oxigraph

#: Graphs a server keeps for its own use, never part of our data (Virtuoso's schemas and docs).
SERVER_GRAPHS = (
    "http://www.openlinksw.com/schemas/virtrdf#",
    "http://www.w3.org/ns/ldp#",
    "http://www.w3.org/2002/07/owl#",
    "http://localuriqaserver/sparql",
)
#: A graph nothing is ever stored in: an empty default graph, or no named graph, in a dataset.
EMPTY_GRAPH = "urn:x-mediation:empty-graph"
#: Quads per request when loading.
LOAD_CHUNK = 5000
#: Where servers say the error is: Oxigraph "error at 1:25", Virtuoso "line 1".
_POSITION = re.compile(r"error at (\d+):(\d+)|line (\d+)", re.I)
#: Literals written as ``STRDT("lexical", <datatype>)``, never as constants (see above).
STRDT_TYPES = durations.DURATION_TYPES | {durations.XSD + "time"}
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


def _n3(term: Node) -> str:
    if isinstance(term, (URIRef, Literal)):
        return str(to_oxigraph(term))  # N-Triples syntax, which SPARQL accepts as is
    raise TypeError(f"not a constant term: {term!r}")


_VALUES = re.compile(r"(?<![?$\w:])VALUES(?![\w])", re.I)
_VARIABLE = re.compile(r"[?$][\w]+")


def _values_as_subqueries(query: str) -> str:
    """Our query with each ``VALUES`` block inside a group given as a subquery.

    The same solutions, joined the same way; but Virtuoso cannot start a transitive
    path (``?x p+ ?a``) from a ``VALUES`` block ("TR...: transitive start not given"),
    and can from a subquery. A ``VALUES`` after the query's ``WHERE`` group stays.
    """
    if not _VALUES.search(query):
        return query
    from .delta import _TOKEN

    out: list[str] = []
    block: list[str] | None = None  # the VALUES block being read
    depth = block_depth = 0
    for match in _TOKEN.finditer(query):
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


def _strdt(term: Node) -> bool:
    """A literal that goes as ``STRDT(…)`` rather than as a constant."""
    return (
        isinstance(term, Literal)
        and term.datatype is not None
        and str(term.datatype) in STRDT_TYPES
    )


def _strdt_text(lexical: str, datatype: Node) -> str:
    return f"STRDT({_n3(Literal(lexical))}, <{datatype}>)"


def _match_filter(variable: str, term: Literal) -> str:
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
        for made in (_strdt_text(f, term.datatype) for f in forms)
    )
    return f"FILTER({tests})"


def _repaired_body(body: bytes) -> bytes:
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


class RemoteStore(Store):
    def __init__(
        self,
        query_url: str,
        update_url: str = "",
        *,
        user: str = "",
        password: str = "",
        base_url: str = "https://w3id.org/mediation-sociale/",
        timeout: float = 30.0,
        max_write_quads: int = 1_000_000,
    ):
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.user = user
        self.password = password
        self.timeout = timeout
        self.max_write_quads = max_write_quads
        self.default_graph = URIRef(f"{base_url}graph/default")
        self.system_graph = URIRef(f"{base_url}graph/system")
        self._generation_property = URIRef(f"{base_url}def#generation")
        self._hidden = [self.system_graph, *(URIRef(g) for g in SERVER_GRAPHS)]
        self._lock = threading.RLock()

    @classmethod
    def from_config(cls, config: Any) -> RemoteStore:
        return cls(
            config.remote_query_url,
            config.remote_update_url,
            user=config.remote_user,
            password=config.remote_password,
            base_url=config.base_url,
            timeout=config.query_timeout,
            max_write_quads=getattr(config, "max_write_quads", 1_000_000),
        )

    # -- HTTP ------------------------------------------------------------------------------------------

    def _wrapper(self, url: str, timeout: float | None = None) -> SPARQLWrapper:
        wrapper = SPARQLWrapper(url)
        wrapper.setMethod(POST)
        wrapper.setOnlyConneg(
            True
        )  # no format= parameters: Virtuoso would let them override Accept
        wrapper.setTimeout(int(max(1, round(timeout or self.timeout))))
        if self.user:
            wrapper.setCredentials(self.user, self.password)
        return wrapper

    def _send(
        self, wrapper: SPARQLWrapper, timeout: float, researchers: bool = False
    ) -> tuple[bytes, str]:
        """The response body and media type; server errors become ours.

        Servers answer 500 to a query they cannot evaluate as written: for a researcher's
        query (``researchers``) that is a 400 with the server's words, the client's to fix;
        for ours, a store error.
        """
        try:
            response = wrapper.query().response
            return response.read(), response.headers.get("Content-Type", "")
        except QueryBadFormed as error:
            message = _server_message(error)
            details = _position(message, wrapper.queryString)
            raise QuerySyntaxError(
                f"Erreur de syntaxe SPARQL : {message}",
                f"SPARQL syntax error: {message}",
                **details,
            ) from None
        except TimeoutError as error:
            raise _timeout(timeout) from error
        except urllib.error.HTTPError as error:
            message = _server_message(error)
            raise StoreError(
                f"Le serveur SPARQL a répondu {error.code} : {message}",
                f"The SPARQL server answered {error.code}: {message}",
            ) from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, (socket.timeout, TimeoutError)):
                raise _timeout(timeout) from None
            raise StoreError(
                f"Serveur SPARQL injoignable : {error.reason}",
                f"SPARQL server unreachable: {error.reason}",
            ) from None
        except (
            SparqlUnauthorized,
            EndPointNotFound,
            EndPointInternalError,
            SPARQLWrapperException,
            OSError,
        ) as error:
            message = _server_message(error)
            if researchers and isinstance(error, EndPointInternalError) and _query_fault(message):
                raise QueryEvaluationError(
                    f"La requête ne peut pas être évaluée : {message}",
                    f"The query cannot be evaluated: {message}",
                ) from None
            raise StoreError(
                f"Le serveur SPARQL a répondu par une erreur : {message}",
                f"The SPARQL server answered with an error: {message}",
            ) from None

    def _select_raw(self, query: str) -> Result:
        wrapper = self._wrapper(self.query_url)
        wrapper.setQuery(query)
        # XML, whose literals every server writes alike, so that a bare-number duration is
        # repaired before rdflib reads it (rdflib logs a traceback for an ill-typed literal).
        wrapper.addCustomHttpHeader("Accept", "application/sparql-results+xml")
        body, _ = self._send(wrapper, self.timeout)
        return Result.parse(io.BytesIO(_repaired_body(body)), format="xml")

    def _update(self, update: str) -> None:
        wrapper = self._wrapper(self.update_url)
        wrapper.setQuery(update)
        self._send(wrapper, self.timeout)

    @staticmethod
    def _with_bindings(query: str, bindings: Mapping[str, Term] | None) -> str:
        """The query with a VALUES block binding ``bindings``.

        In a SELECT or ASK the block opens the WHERE group, so it binds variables that
        are not projected too (Virtuoso also refuses a trailing VALUES after ASK); a
        CONSTRUCT or DESCRIBE gets it at the end (SPARQL 1.1, 10.2.2).
        """
        if not bindings:
            return _values_as_subqueries(query)
        from .delta import _TOKEN

        names = sorted(bindings)
        block = (
            f"VALUES ({' '.join('?' + n for n in names)}) "
            f"{{ ({' '.join(_n3(bindings[n]) for n in names)}) }}"
        )
        probe = SPARQLWrapper("http://localhost/")
        probe.setQuery(query)
        if probe.queryType in ("SELECT", "ASK"):
            for token in _TOKEN.finditer(query):
                if token.group(0) == "{":
                    return _values_as_subqueries(
                        f"{query[: token.end()]} {block} {query[token.end() :]}"
                    )
        return _values_as_subqueries(f"{query}\n{block}")

    def _local_graph(self, graph: Any) -> GraphName:
        return None if graph == self.default_graph else graph

    def _server_graph(self, graph: GraphName) -> URIRef:
        return self.default_graph if graph is None else graph

    def _hidden_filter(self, variable: str = "?g") -> str:
        return f"FILTER({variable} NOT IN ({', '.join(f'<{g}>' for g in self._hidden)}))"

    # -- reading: our own queries ------------------------------------------------------------------------

    def select(
        self, query: str, bindings: Mapping[str, Term] | None = None
    ) -> list[dict[str, Term]]:
        result = self._select_raw(self._with_bindings(query, bindings))
        return [{str(k): v for k, v in row.asdict().items() if v is not None} for row in result]

    def ask(self, query: str, bindings: Mapping[str, Term] | None = None) -> bool:
        return bool(self._select_raw(self._with_bindings(query, bindings)).askAnswer)

    def construct(self, query: str, bindings: Mapping[str, Term] | None = None) -> Graph:
        wrapper = self._wrapper(self.query_url)
        wrapper.setQuery(self._with_bindings(query, bindings))
        wrapper.addCustomHttpHeader("Accept", "application/n-triples")
        body, _ = self._send(wrapper, self.timeout)
        graph = Graph()
        for triple in ox.parse(_repaired_body(body), ox.RdfFormat.N_TRIPLES):
            graph.add(quad_to_rdflib(ox.Quad(triple.subject, triple.predicate, triple.object))[:3])
        return graph

    def quads(
        self,
        subject: Node | None = None,
        predicate: Node | None = None,
        obj: Node | None = None,
        graph: GraphName | type[...] = ...,
    ) -> Iterator[Quad]:
        wanted = (subject, predicate, obj)
        parts, filters, columns = [], [], []
        for name, term in zip("spo", wanted, strict=True):
            if term is None or isinstance(term, BNode):
                parts.append("?" + name)
                columns.append(name)
                if isinstance(term, BNode):
                    filters.append(f"FILTER(isBlank(?{name}))")
            elif _strdt(term):
                parts.append("?" + name)
                filters.append(_match_filter("?" + name, term))
            else:
                parts.append(_n3(term))
        if graph is ...:
            graph_term = "?g"
            columns.append("g")
            filters.append(self._hidden_filter())
        else:
            graph_term = _n3(self._server_graph(graph))
        query = (
            f"SELECT {' '.join('?' + c for c in columns) or '*'} WHERE {{ "
            f"GRAPH {graph_term} {{ {' '.join(parts)} }} {' '.join(filters)} }}"
        )
        if not columns:
            query = (
                f"SELECT (1 AS ?found) WHERE {{ GRAPH {graph_term} {{ {' '.join(parts)} }} "
                f"{' '.join(filters)} }} LIMIT 1"
            )
        rows = self._select_raw(query)
        results = []
        for row in rows:
            values = row.asdict()
            quad = [
                values.get(c, t) if t is None or isinstance(t, BNode) else t
                for c, t in zip("spo", wanted, strict=True)
            ]
            if any(
                isinstance(t, BNode) and values.get(c) != t
                for c, t in zip("spo", wanted, strict=True)
            ):
                continue
            g = self._local_graph(values["g"]) if graph is ... else graph
            results.append((*quad, g))
        return iter(results)

    def graph_names(self) -> list[URIRef]:
        rows = self._select_raw(
            f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._hidden_filter()} }}"
        )
        return sorted(g for (g,) in rows if g != self.default_graph and isinstance(g, URIRef))

    def count(self) -> int:
        rows = list(
            self._select_raw(
                f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._hidden_filter()} }}"
            )
        )
        return int(rows[0][0]) if rows else 0

    def is_empty(self) -> bool:
        return not self._select_raw(
            f"ASK {{ GRAPH ?g {{ ?s ?p ?o }} {self._hidden_filter()} }}"
        ).askAnswer

    def contains_quads(self, quads: list[Quad]) -> set[Quad]:
        found: set[Quad] = set()
        plain = [q for q in quads if not any(isinstance(t, BNode) or _strdt(t) for t in q[:3])]
        for quad in quads:
            if quad not in plain and next(iter(self.quads(*quad)), None) is not None:
                found.add(quad)
        # One branch per quad, each a lookup of constants: Virtuoso loses rows of a multi-row
        # VALUES block that mixes language-tagged and plain literals.
        for start in range(0, len(plain), 100):
            chunk = plain[start : start + 100]
            branches = " UNION ".join(
                f"{{ GRAPH {_n3(self._server_graph(g))} {{ {_n3(s)} {_n3(p)} {_n3(o)} }} BIND({i} AS ?i) }}"
                for i, (s, p, o, g) in enumerate(chunk)
            )
            for (i,) in self._select_raw(f"SELECT ?i WHERE {{ {branches} }}"):
                found.add(chunk[int(i)])
        # The server may answer a literal in another lexical form ("1" for "01"): match as terms.
        return {q for q in quads if q in found}

    # -- reading: the public endpoint -------------------------------------------------------------------

    def run_query(self, request: QueryRequest) -> QueryResponse:
        wrapper = self._wrapper(self.query_url, request.timeout)
        query = request.query
        if request.default_graph_uris or request.named_graph_uris:
            query = without_dataset_clause(query)  # Virtuoso would merge the two datasets
        wrapper.setQuery(query)
        dataset = query_dataset(
            request.query, request.default_graph_uris, request.named_graph_uris, request.base_iri
        )
        if dataset is None and not request.union_default_graph:
            # A plain dataset: our default graph is kept in a named graph of the server.
            dataset = ((str(self.default_graph),), tuple(str(g) for g in self.graph_names()))
        if dataset is not None:
            # Always both lists, a graph holding nothing standing for an empty one: the
            # protocol's parameters are the only way to say it, and they override FROM.
            for iri in dataset[0] or (EMPTY_GRAPH,):
                wrapper.addDefaultGraph(iri)
            for iri in dataset[1] or (EMPTY_GRAPH,):
                wrapper.addNamedGraph(iri)
        form = wrapper.queryType
        graph_form = form in ("CONSTRUCT", "DESCRIBE")
        # Ask the server for a lossless format, then cut at max_rows and write the requested
        # one with Oxigraph, exactly as the embedded store does.
        wrapper.addCustomHttpHeader(
            "Accept",
            "application/n-triples" if graph_form else "application/sparql-results+xml",
        )
        body, media_type = self._send(wrapper, request.timeout, researchers=True)
        try:
            body = _repaired_body(body)
            if graph_form:
                triples = ox.parse(body, ox.RdfFormat.N_TRIPLES)
                outcome = _serialise_triples(
                    iter(triples), request.graph_format.oxigraph, request.max_rows
                )
            else:
                result = ox.parse_query_results(_portable_bnodes(body), ox.QueryResultsFormat.XML)
                if isinstance(result, ox.QueryBoolean):
                    outcome = QueryOutcome(
                        body=result.serialize(
                            format=getattr(ox.QueryResultsFormat, request.result_format.oxigraph)
                        ),
                        form="ask",
                        rows=1,
                    )
                else:
                    outcome = _serialise_solutions(
                        result, request.result_format.oxigraph, request.max_rows
                    )
        except (SyntaxError, ValueError, OSError) as error:
            raise StoreError(
                f"Réponse illisible du serveur SPARQL ({media_type}) : {error}",
                f"Unreadable answer from the SPARQL server ({media_type}): {error}",
            ) from None
        return response_for(outcome, request)

    # -- writing ---------------------------------------------------------------------------------------

    def write_lock(self) -> AbstractContextManager[None]:
        return self._lock

    def update_delta(
        self, update: str, base_iri: str | None = None, union_default_graph: bool = True
    ) -> Changeset:
        from .delta import compute_delta

        with self._lock:
            return compute_delta(
                self,
                update,
                base_iri,
                timeout=self.timeout,
                max_quads=self.max_write_quads,
                union_default_graph=union_default_graph,
            )

    def _generation_bump(self) -> str:
        """The operations that move the generation on by one.

        Written with the value read first (under our write lock), as DATA operations:
        Virtuoso evaluates an ``OPTIONAL``-only ``WHERE`` to no solution, so the
        one-request ``BIND(COALESCE(...))`` form inserts nothing there.
        """
        sys, prop = _n3(self.system_graph), _n3(self._generation_property)
        current = self.generation

        def data(operation: str, value: int) -> str:
            return f"{operation} DATA {{ GRAPH {sys} {{ {sys} {prop} {_n3(Literal(value))} }} }}"

        bump = data("INSERT", current + 1)
        return f"{data('DELETE', current)} ;\n{bump}" if current else bump

    def _changes_update(self, changes: Changeset) -> str:
        """One SPARQL Update text for a changeset and the generation bump.

        Quads of constants go in ``DELETE DATA`` and ``INSERT DATA``. Added quads with
        blank nodes or ``STRDT`` literals go in one ``INSERT { … } WHERE { BIND … }``
        (one template, so a blank node label names one node in every graph); removed
        ones are matched by pattern.
        """
        forms = self._duration_forms([q[2] for q in changes.add if _strdt(q[2])])
        operations = []
        for quads, template in ((changes.remove, "DELETE"), (changes.add, "INSERT")):
            plain: dict[URIRef, list[str]] = {}
            bound: dict[URIRef, list[str]] = {}
            conditions: dict[URIRef, list[str]] = {}
            count = 0
            for s, p, o, g in quads:
                graph = self._server_graph(g)
                if not (_unnamed(s) or _unnamed(o) or _strdt(o)):
                    plain.setdefault(graph, []).append(
                        " ".join(_update_term(t, template) for t in (s, p, o)) + " ."
                    )
                    continue
                obj = _update_term(o, template)
                condition = ""
                if _strdt(o):
                    obj, count = f"?l{count}", count + 1
                    condition = (
                        _match_filter(obj, o)
                        if template == "DELETE"
                        else f"BIND({_strdt_text(forms.get(o, str(o)), o.datatype)} AS {obj})"
                    )
                triple = f"{_update_term(s, template)} {_n3(p)} {obj} ."
                if template == "DELETE" and not _unnamed(s) and not _unnamed(o):
                    # A quad of its own: removed when present, whatever else is absent.
                    pattern = f"GRAPH {_n3(graph)} {{ {triple} }}"
                    operations.append(f"DELETE {{ {pattern} }} WHERE {{ {pattern} {condition} }}")
                else:
                    bound.setdefault(graph, []).append(triple)
                    conditions.setdefault(graph, []).append(condition)
            if plain:
                body = " ".join(f"GRAPH {_n3(g)} {{ {' '.join(ts)} }}" for g, ts in plain.items())
                operations.append(f"{template} DATA {{ {body} }}")
            if bound and template == "INSERT":
                body = " ".join(f"GRAPH {_n3(g)} {{ {' '.join(ts)} }}" for g, ts in bound.items())
                where = " ".join(c for cs in conditions.values() for c in cs)
                operations.append(f"INSERT {{ {body} }} WHERE {{ {where} }}")
            elif bound:
                for g, ts in bound.items():
                    pattern = f"GRAPH {_n3(g)} {{ {' '.join(ts)} }}"
                    operations.append(
                        f"DELETE {{ {pattern} }} WHERE {{ {pattern} {' '.join(conditions[g])} }}"
                    )
        operations.append(self._generation_bump())
        return " ;\n".join(operations)

    def _duration_forms(self, literals: list[Node]) -> dict[Node, str]:
        """For each duration to write, the form the server keeps as the same value.

        The server is asked what it makes of each candidate form (``STRDT`` in a query
        builds the value a write stores); a duration no form of which survives is
        refused before anything is written.
        """
        wanted = sorted(
            {lit for lit in literals if str(lit.datatype) in durations.DURATION_TYPES}, key=str
        )
        chosen: dict[Node, str] = {}
        for start in range(0, len(wanted), 100):
            candidates = [
                (lit, form)
                for lit in wanted[start : start + 100]
                for form in durations.server_forms(str(lit))
            ]
            binds = " ".join(
                f"BIND({_strdt_text(form, lit.datatype)} AS ?f{i})"
                for i, (lit, form) in enumerate(candidates)
            )
            rows = list(self._select_raw(f"SELECT * WHERE {{ {binds} }}"))
            answers = rows[0].asdict() if rows else {}
            kept: dict[Node, str] = {}
            for i, (lit, form) in enumerate(candidates):
                answer = answers.get(f"f{i}")
                if lit in chosen or answer is None:
                    continue
                kept.setdefault(lit, str(answer))
                if durations.read(str(answer), str(lit.datatype)) == durations.value(str(lit)):
                    chosen[lit] = form
            for lit in wanted[start : start + 100]:
                if lit not in chosen:
                    seen = durations.repair(kept.get(lit, ""), str(lit.datatype)) or kept.get(
                        lit, "?"
                    )
                    raise StoreError(
                        f"Le serveur SPARQL ne garde pas la durée « {lit} » telle quelle (il la lit "
                        f"« {seen} ») : écriture refusée, rien n'a changé.",
                        f'The SPARQL server does not keep the duration "{lit}" as it is (it reads it '
                        f'as "{seen}"): write refused, nothing changed.',
                    )
        return chosen

    def apply(self, changes: Changeset) -> int:
        try:
            for quad in (*changes.remove, *changes.add):
                # Refuse invalid terms before anything is sent (blank node labels are the server's).
                quad_to_oxigraph(tuple(BNode("b") if isinstance(t, BNode) else t for t in quad))
        except (TypeError, ValueError) as error:
            raise BadRequest(
                f"Modification impossible, terme invalide : {error}",
                f"Cannot apply the change, invalid term: {error}",
            ) from None
        with self._lock:
            if not changes:
                return self.generation
            self._update(self._changes_update(changes))
            return self.generation

    def load(
        self,
        source: Path | IO[bytes] | bytes,
        fmt: Format,
        graph: GraphName,
        base_iri: str | None = None,
    ) -> int:
        rdf_format = getattr(ox.RdfFormat, fmt.oxigraph or "", None)
        if rdf_format is None:
            raise BadRequest(
                f"Format non chargeable : {fmt.label}", f"Format cannot be loaded: {fmt.label}"
            )
        options: dict[str, Any] = {"base_iri": base_iri, "rename_blank_nodes": True}
        if isinstance(source, Path):
            options["path"] = str(source)
        else:
            options["input"] = source
        try:
            parsed = list(ox.parse(format=rdf_format, **options))
        except SyntaxError as error:
            raise RdfSyntaxError(
                f"Erreur de syntaxe {fmt.label} : {error}", f"{fmt.label} syntax error: {error}"
            ) from None
        quads = []
        for quad in parsed:
            s, p, o, g = quad_to_rdflib(quad)
            if graph is not None or fmt not in DATASET_FORMATS:
                g = graph
            quads.append((s, p, o, g))
        with self._lock:
            # Blank nodes shared between chunks must stay one node: keep a node's quads together.
            for chunk in _chunks(quads, LOAD_CHUNK):
                self._update(self._changes_update(Changeset(add=chunk)))
        return len(quads)

    def dump(self, out: IO[bytes], fmt: Format, graph: GraphName | type[...] = ...) -> None:
        rdf_format = getattr(ox.RdfFormat, fmt.oxigraph or "", None)
        if rdf_format is None:
            raise BadRequest(
                f"Format d'export inconnu : {fmt.label}", f"Unknown export format: {fmt.label}"
            )
        if graph is ... and fmt not in DATASET_FORMATS:
            raise BadRequest(
                f"{fmt.label} ne porte pas de graphes nommés : choisissez un graphe, ou TriG/N-Quads.",
                f"{fmt.label} carries no named graphs: choose a graph, or TriG/N-Quads.",
            )
        quads = [quad_to_oxigraph(tuple(_portable(t) for t in q)) for q in self.quads(graph=graph)]
        if graph is not ...:
            triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
            ox.serialize(triples, out, rdf_format)
        else:
            ox.serialize(quads, out, rdf_format)

    @property
    def generation(self) -> int:
        sys, prop = _n3(self.system_graph), _n3(self._generation_property)
        rows = list(self._select_raw(f"SELECT ?n WHERE {{ GRAPH {sys} {{ {sys} {prop} ?n }} }}"))
        return int(rows[0][0]) if rows else 0

    def close(self) -> None:
        pass


#: Virtuoso names its blank nodes ``nodeID://…`` and accepts that name as an IRI in a request,
#: which addresses the very node: such blank nodes need no pattern.
VIRTUOSO_BNODE = "nodeID://"


def _unnamed(term: Node) -> bool:
    """A blank node the request cannot address by name."""
    return isinstance(term, BNode) and not str(term).startswith(VIRTUOSO_BNODE)


def _portable(term: Node) -> Node:
    """A blank node with a label every syntax accepts (Virtuoso's ``nodeID://b1`` → ``nodeIDb1``)."""
    if isinstance(term, BNode) and not re.fullmatch(r"[A-Za-z0-9_]+", str(term)):
        return BNode(re.sub(r"[^A-Za-z0-9_]", "", str(term)))
    return term


_XML_BNODE = re.compile(rb"<bnode>([^<]*)</bnode>")


def _portable_bnodes(body: bytes) -> bytes:
    """A SPARQL XML result whose blank node labels every reader accepts: Virtuoso answers
    ``<bnode>nodeID://b10000</bnode>``, which is no blank node label (Oxigraph refuses it);
    ``nodeIDb10000`` names the same node throughout the result, as ``_portable`` does."""
    if b"<bnode>" not in body:
        return body
    return _XML_BNODE.sub(
        lambda m: b"<bnode>" + str(_portable(BNode(m[1].decode()))).encode() + b"</bnode>", body
    )


def _update_term(term: Node, template: str) -> str:
    if isinstance(term, BNode):
        if str(term).startswith(VIRTUOSO_BNODE):
            return f"<{term}>"
        label = re.sub(r"[^A-Za-z0-9_]", "_", str(term))
        return f"?b_{label}" if template == "DELETE" else f"_:b_{label}"
    return _n3(term)


def _chunks(quads: list[Quad], size: int) -> Iterator[list[Quad]]:
    """Chunks of about ``size`` quads; all quads of one blank node land in the same chunk."""
    plain = [q for q in quads if not (_unnamed(q[0]) or _unnamed(q[2]))]
    blank = [q for q in quads if _unnamed(q[0]) or _unnamed(q[2])]
    for start in range(0, len(plain), size):
        yield plain[start : start + size]
    if blank:
        yield blank


#: Virtuoso says the line and the token: "line 3: syntax error at ')' before '}'".
_VIRTUOSO_AT = re.compile(r"line (\d+): [^']*? at '(.+?)'(?: before '(.+?)')?")


def _position(message: str, query: str) -> dict[str, int]:
    """Line and column of a syntax error, from the server's words.

    Oxigraph says both ("error at 3:15"); Virtuoso says the line and the offending
    token, which is looked for in that line (before the next token it names).
    """
    found = _POSITION.search(message)
    if found is None or (not found[1] and int(found[3]) < 1):
        return {}
    if found[1]:
        return {"line": int(found[1]), "column": int(found[2])}
    details = {"line": int(found[3])}
    lines = query.split("\n")
    at = _VIRTUOSO_AT.search(message)
    if at and details["line"] <= len(lines):
        text, token, following = lines[details["line"] - 1], at[2], at[3] or ""
        candidates = [m.start() for m in re.finditer(re.escape(token), text)]
        before = [c for c in candidates if text[c + len(token) :].lstrip().startswith(following)]
        if before or candidates:
            details["column"] = (before or candidates)[0] + 1
    return details


#: Server messages that blame the query, not the server: Oxigraph's evaluation errors of the
#: query itself, and Virtuoso's SQL states of classes 22 (data exception: a division by zero,
#: a bad regular expression) and 42 (an undefined function or procedure).
_QUERY_FAULT = re.compile(
    r"The custom function .* is not supported|is not a valid service name|"
    r"^Virtuoso (?:22|42)[0-9A-Z]{3} Error"
)


def _query_fault(message: str) -> bool:
    return bool(_QUERY_FAULT.search(message))


def _timeout(timeout: float) -> QueryTimeout:
    return QueryTimeout(
        f"Le serveur SPARQL n'a pas répondu dans le délai de {timeout:g} s.",
        f"The SPARQL server did not answer within the {timeout:g} s time-out.",
        timeout=timeout,
    )


def _server_message(error: Exception) -> str:
    """The server's own words from a SPARQLWrapper error."""
    text = str(error)
    found = re.search(r"Response:\s*b?(['\"])(.*)\1\s*$", text, re.S)
    if found:
        text = (
            found.group(2).encode("latin-1", "backslashreplace").decode("unicode_escape", "replace")
        )
    return re.sub(r"\s+", " ", text).strip()[:1000]
