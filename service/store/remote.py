"""A store on any SPARQL 1.1 server (Oxigraph server, Virtuoso, …), through SPARQLWrapper.

The server must take the union of its graphs as the default graph of a query
(Oxigraph: ``--union-default-graph``; Virtuoso does so by default).

Graphs. Our default graph (``None`` in a quad) is kept on the server in the
named graph ``{base}graph/default``: SPARQL servers disagree on what an
update without ``GRAPH`` writes to (Virtuoso refuses it), and a named graph
behaves the same everywhere. The generation counter lives in
``{base}graph/system``. Neither shows in ``graph_names``, ``count`` or
``quads``; nor do the graphs a server keeps for itself (``SERVER_GRAPHS``).

What the servers do differently, and how our requests and their answers are made
portable, is in ``portable.py``; how a changeset is written (blank nodes, durations) in
``update_text.py``; how a server's errors become ours in ``server_errors.py``.

Atomicity. ``apply`` sends one update request (its removals, additions and
the generation bump): Oxigraph runs a request in one transaction, Virtuoso
too. ``load`` sends chunks, each atomic.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.query import Result
from rdflib.term import BNode, URIRef
from SPARQLWrapper import POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from ..errors import QueryMemoryExceeded, RdfSyntaxError, StoreError
from ..formats import DATASET_FORMATS, Format
from .dataset import without_dataset_clause
from .evaluate import serialise_result
from .interface import Changeset, GraphName, Quad, QueryRequest, QueryResponse, Store, Term
from .portable import (
    match_filter,
    needs_strdt,
    portable_bnodes,
    portable_label,
    repaired_body,
    with_bindings,
)
from .server_errors import server_error
from .terms import quad_to_oxigraph, quad_to_rdflib, to_sparql
from .update_text import changeset_operations, kept_duration_forms, load_chunks

if TYPE_CHECKING:  # names of the signatures only
    from .interface import GraphPattern, RdfSource, TriplePattern

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
#: How many times its size a researcher's answer from the server takes here at most while
#: read, repaired and parsed: the answer is held to ``query_memory_bytes`` divided by this.
ANSWER_COPIES = 4


class RemoteStore(Store):
    """A store on a SPARQL 1.1 server: see the module docstring."""

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
        answer_bytes: int = 0,
    ):
        super().__init__(query_timeout=timeout, max_write_quads=max_write_quads)
        # The server evaluates, in its own memory; its answer to a researcher's query is read
        # here whole before the row cap, so it is held to this many bytes (0: no limit).
        self.answer_bytes = answer_bytes // ANSWER_COPIES
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.user = user
        self.password = password
        self.default_graph = URIRef(f"{base_url}graph/default")
        self.system_graph = URIRef(f"{base_url}graph/system")
        self._generation_property = URIRef(f"{base_url}def#generation")
        self._hidden_graphs = [self.system_graph, *(URIRef(g) for g in SERVER_GRAPHS)]

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
            answer_bytes=getattr(config, "query_memory_bytes", 0),
        )

    # -- HTTP ------------------------------------------------------------------------------------------

    def _wrapper(self, url: str, timeout: float | None = None) -> SPARQLWrapper:
        wrapper = SPARQLWrapper(url)
        wrapper.setMethod(POST)
        # No format= parameters: Virtuoso would let them override Accept.
        wrapper.setOnlyConneg(True)
        wrapper.setTimeout(int(max(1, round(timeout or self.query_timeout))))
        if self.user:
            wrapper.setCredentials(self.user, self.password)
        return wrapper

    def _send(
        self, wrapper: SPARQLWrapper, timeout: float, researchers: bool = False
    ) -> tuple[bytes, str]:
        """The response body and media type; server errors become ours (``server_errors.py``;
        ``researchers``: the query is a researcher's)."""
        limit = self.answer_bytes if researchers else 0
        try:
            response = wrapper.query().response
            try:
                body = response.read(limit + 1) if limit else response.read()
            finally:
                # Closed whether the answer was whole or too long (the server stops writing):
                # a chunked answer read by size leaves its last chunk, and its socket, open.
                response.close()
            if limit and len(body) > limit:
                raise answer_too_large(limit)
            return body, response.headers.get("Content-Type", "")
        except (SPARQLWrapperException, OSError) as error:
            raise server_error(error, wrapper.queryString, timeout, researchers) from None

    def _select_raw(self, query: str) -> Result:
        wrapper = self._wrapper(self.query_url)
        wrapper.setQuery(query)
        # XML, whose literals every server writes alike, so that a bare-number duration is
        # repaired before rdflib reads it (rdflib logs a traceback for an ill-typed literal).
        wrapper.addCustomHttpHeader("Accept", "application/sparql-results+xml")
        body, _ = self._send(wrapper, self.query_timeout)
        return Result.parse(io.BytesIO(repaired_body(body)), format="xml")

    def _update(self, update: str) -> None:
        wrapper = self._wrapper(self.update_url)
        wrapper.setQuery(update)
        self._send(wrapper, self.query_timeout)

    def _local_graph(self, graph: Any) -> GraphName:
        return None if graph == self.default_graph else graph

    def _server_graph(self, graph: GraphName) -> URIRef:
        return self.default_graph if graph is None else graph

    def _hidden_filter(self, variable: str = "?g") -> str:
        return f"FILTER({variable} NOT IN ({', '.join(f'<{g}>' for g in self._hidden_graphs)}))"

    # -- reading: our own queries ------------------------------------------------------------------------

    def select(
        self, query: str, bindings: Mapping[str, Term] | None = None
    ) -> list[dict[str, Term]]:
        result = self._select_raw(with_bindings(query, bindings))
        return [{str(k): v for k, v in row.asdict().items() if v is not None} for row in result]

    def ask(self, query: str, bindings: Mapping[str, Term] | None = None) -> bool:
        return bool(self._select_raw(with_bindings(query, bindings)).askAnswer)

    def construct(self, query: str, bindings: Mapping[str, Term] | None = None) -> Graph:
        wrapper = self._wrapper(self.query_url)
        wrapper.setQuery(with_bindings(query, bindings))
        wrapper.addCustomHttpHeader("Accept", "application/n-triples")
        body, _ = self._send(wrapper, self.query_timeout)
        graph = Graph()
        for triple in ox.parse(repaired_body(body), ox.RdfFormat.N_TRIPLES):
            graph.add(quad_to_rdflib(ox.Quad(triple.subject, triple.predicate, triple.object))[:3])
        return graph

    def _match(self, pattern: TriplePattern, graph: GraphPattern) -> Iterator[Quad]:
        wanted = pattern
        parts, filters, columns = [], [], []
        for name, term in zip("spo", wanted, strict=True):
            if term is None or isinstance(term, BNode):
                parts.append("?" + name)
                columns.append(name)
                if isinstance(term, BNode):
                    filters.append(f"FILTER(isBlank(?{name}))")
            elif needs_strdt(term):
                parts.append("?" + name)
                filters.append(match_filter("?" + name, term))
            else:
                parts.append(to_sparql(term))
        if graph is ...:
            graph_term = "?g"
            columns.append("g")
            filters.append(self._hidden_filter())
        else:
            graph_term = to_sparql(self._server_graph(graph))
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
        plain = [q for q in quads if not any(isinstance(t, BNode) or needs_strdt(t) for t in q[:3])]
        for quad in quads:
            if quad not in plain and next(iter(self.quads(*quad)), None) is not None:
                found.add(quad)
        # One branch per quad, each a lookup of constants: Virtuoso loses rows of a multi-row
        # VALUES block that mixes language-tagged and plain literals.
        for start in range(0, len(plain), 100):
            chunk = plain[start : start + 100]
            branches = " UNION ".join(
                f"{{ GRAPH {to_sparql(self._server_graph(g))} {{ {to_sparql(s)} {to_sparql(p)} "
                f"{to_sparql(o)} }} BIND({i} AS ?i) }}"
                for i, (s, p, o, g) in enumerate(chunk)
            )
            for (i,) in self._select_raw(f"SELECT ?i WHERE {{ {branches} }}"):
                found.add(chunk[int(i)])
        # The server may answer a literal in another lexical form ("1" for "01"): match as terms.
        return {q for q in quads if q in found}

    # -- reading: the public endpoint -------------------------------------------------------------------

    def _evaluate(
        self, request: QueryRequest, background: bool, seen: int | None
    ) -> tuple[QueryResponse, int | None]:
        # The server runs a query in one transaction and a write with its generation bump in
        # another: a counter unchanged from before the query to after it is the one it read.
        answer = self._query(request)
        if seen is None or self.generation != seen:
            return answer, None
        return answer, seen

    def _query(self, request: QueryRequest) -> QueryResponse:
        wrapper = self._wrapper(self.query_url, request.timeout)
        query = request.query
        if request.default_graph_uris or request.named_graph_uris:
            query = without_dataset_clause(query)  # Virtuoso would merge the two datasets
        wrapper.setQuery(query)
        dataset = request.dataset
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
            body = repaired_body(body)
            result = (
                ox.parse(body, ox.RdfFormat.N_TRIPLES)
                if graph_form
                else ox.parse_query_results(portable_bnodes(body), ox.QueryResultsFormat.XML)
            )
            outcome = serialise_result(
                result,
                request.result_format.oxigraph,
                request.graph_format.oxigraph,
                request.max_rows,
            )
        except (SyntaxError, ValueError, OSError) as error:
            raise StoreError(
                f"Réponse illisible du serveur SPARQL ({media_type}) : {error}",
                f"Unreadable answer from the SPARQL server ({media_type}): {error}",
            ) from None
        return self._response(outcome, request)

    # -- writing ---------------------------------------------------------------------------------------

    def _generation_bump(self) -> str:
        """The operations that move the generation on by one.

        Written with the value read first (under our write lock), as DATA operations:
        Virtuoso evaluates an ``OPTIONAL``-only ``WHERE`` to no solution, so the
        one-request ``BIND(COALESCE(...))`` form inserts nothing there.
        """
        sys, prop = to_sparql(self.system_graph), to_sparql(self._generation_property)
        current = self.generation

        def data(operation: str, value: int) -> str:
            return (
                f"{operation} DATA {{ GRAPH {sys} {{ {sys} {prop} {to_sparql(Literal(value))} }} }}"
            )

        bump = data("INSERT", current + 1)
        return f"{data('DELETE', current)} ;\n{bump}" if current else bump

    def _changes_update(self, changes: Changeset) -> str:
        """One SPARQL Update text for a changeset and the generation bump (``update_text.py``)."""
        forms = kept_duration_forms([q[2] for q in changes.add], self._select_raw)
        operations = changeset_operations(changes, self._server_graph, forms)
        return " ;\n".join([*operations, self._generation_bump()])

    def apply(self, changes: Changeset) -> int:
        self._oxigraph_changes(changes, server_blank_nodes=True)
        with self._write_lock:
            if not changes:
                return self.generation
            self._update(self._changes_update(changes))
            generation = self._advanced()
            self._remember(generation, changes)
            return generation

    def load(
        self, source: RdfSource, fmt: Format, graph: GraphName, base_iri: str | None = None
    ) -> int:
        rdf_format = self._load_format(fmt)
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
        with self._write_lock:
            # Blank nodes shared between chunks must stay one node: keep a node's quads together.
            for chunk in load_chunks(quads, LOAD_CHUNK):
                self._update(self._changes_update(Changeset(add=chunk)))
            self._advanced()
        return len(quads)

    def _advanced(self) -> int:
        """The generation after a write of ours, which makes every kept answer unreachable."""
        generation = self.generation
        if self.query_cache is not None:
            self.query_cache.advance(generation)
        return generation

    def dump(self, out: IO[bytes], fmt: Format, graph: GraphName | type[...] = ...) -> None:
        rdf_format = self._dump_format(fmt, graph)
        quads = [
            quad_to_oxigraph(tuple(portable_label(t) for t in q)) for q in self.quads(graph=graph)
        ]
        if graph is not ...:
            triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
            ox.serialize(triples, out, rdf_format)
        else:
            ox.serialize(quads, out, rdf_format)

    @property
    def generation(self) -> int:
        sys, prop = to_sparql(self.system_graph), to_sparql(self._generation_property)
        rows = list(self._select_raw(f"SELECT ?n WHERE {{ GRAPH {sys} {{ {sys} {prop} ?n }} }}"))
        return int(rows[0][0]) if rows else 0

    def close(self) -> None:
        pass


def answer_too_large(limit: int) -> QueryMemoryExceeded:
    """A server's answer to a researcher's query longer than ``limit`` bytes: measured, a
    cross product of the seed store streamed by Oxigraph server took this process past 2.5 GB
    in under a minute when read whole."""
    megabytes = f"{limit * ANSWER_COPIES / 1_000_000:g}"
    return QueryMemoryExceeded(
        f"La réponse du serveur SPARQL dépasse la mémoire permise à une requête ({megabytes} "
        "Mo, réglage query_memory_bytes) : elle a été abandonnée. Restreignez la requête "
        "(motifs plus précis, LIMIT).",
        f"The SPARQL server's answer exceeds the memory a query may take ({megabytes} MB, "
        "setting query_memory_bytes) and was dropped. Narrow the query down (more specific "
        "patterns, LIMIT).",
        limit=limit * ANSWER_COPIES,
        answer_bytes=limit,
    )
