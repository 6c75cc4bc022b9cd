"""Helpers of the write tests: a writable server, updates, snapshots of the store over HTTP,
and a loopback listener that records connections (none may reach it)."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import requests
from rdflib import BNode, Graph, Namespace, URIRef
from rdflib.compare import isomorphic
from SPARQLWrapper import JSON, SPARQLWrapper

from tests.conftest import Server, start_server

BASE = "https://w3id.org/mediation-sociale/"
ID = Namespace(BASE + "id/")
GRAPH = Namespace(BASE + "graph/")
TOKEN = "jeton-alice-3f9c1e"
OTHER_TOKEN = "jeton-bob-77aa01"
#: Two named tokens, as an operator writes them in MEDIATION_WRITE_TOKEN.
TOKENS = f"alice:{TOKEN},bob:{OTHER_TOKEN}"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
UPDATE_TYPE = {"Content-Type": "application/sparql-update"}
PREFIXES = """PREFIX schema: <https://schema.org/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX med: <https://w3id.org/mediation-sociale/def#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX as: <https://www.w3.org/ns/activitystreams#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX void: <http://rdfs.org/ns/void#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""


def writable_server(
    directory: Path, extra_env: dict[str, str] | None = None, args: list[str] | None = None
) -> Server:
    env = {"MEDIATION_WRITE_TOKEN": TOKENS}
    env.update(extra_env or {})
    return start_server(directory / "store", env, args)


def update(
    server: Server, text: str, headers: dict[str, str] | None = None, **kwargs
) -> requests.Response:
    sent = {**AUTH, **UPDATE_TYPE, **(headers or {})}
    return server.post("sparql/update", data=text.encode("utf-8"), headers=sent, **kwargs)


def event_turtle(iri: str, name: str, start: str = "2024-05-02", extra: str = "") -> str:
    """A small valid event: a type, names in French and English, a start date, a venue."""
    return (
        f'<{iri}> a schema:Event ; schema:name "{name}"@fr , "{name} (en)"@en ; '
        f'schema:startDate "{start}"^^xsd:date ; '
        f"schema:location <{BASE}id/place/arena-lievin> {extra}."
    )


def insert_event(
    server: Server, iri: str, name: str, graph: str | None = None, **kwargs
) -> requests.Response:
    graph = graph or str(GRAPH["essais"])
    return update(
        server,
        f"{PREFIXES}INSERT DATA {{ GRAPH <{graph}> {{ {event_turtle(iri, name, **kwargs)} }} }}",
    )


def select(server: Server, query: str) -> list[dict]:
    """Rows of a SELECT through the public endpoint, with SPARQLWrapper (values as strings)."""
    client = SPARQLWrapper(server.url + "sparql")
    client.setQuery(PREFIXES + query)
    client.setReturnFormat(JSON)
    result = client.query().convert()
    return [{k: v["value"] for k, v in row.items()} for row in result["results"]["bindings"]]


def ask(server: Server, query: str) -> bool:
    client = SPARQLWrapper(server.url + "sparql")
    client.setQuery(PREFIXES + query)
    client.setReturnFormat(JSON)
    return bool(client.query().convert()["boolean"])


def health(server: Server) -> dict:
    """What ``/healthz`` says that only a write changes: the status and the store's
    generation (every applied write moves it on). The index's and the open-data build's
    entries move in the background, so two readings around a refused write would differ."""
    found = server.get("healthz").json()
    return {"status": found["status"], "generation": found["generation"]}


def named_quads(server: Server) -> set[tuple[str, ...]]:
    """What the named graphs hold: every quad without a blank node (as TSV terms), and the
    number of quads of each graph (blank nodes included: their labels differ between
    servers and answers)."""
    found: set[tuple[str, ...]] = set()
    for query in (
        "SELECT ?s ?p ?o ?g { GRAPH ?g { ?s ?p ?o } FILTER(!isBlank(?s) && !isBlank(?o)) }",
        "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    ):
        rows = server.get(
            "sparql", params={"query": query}, headers={"Accept": "text/tab-separated-values"}
        )
        assert rows.status_code == 200, rows.text
        assert "X-Mediation-Truncated" not in rows.headers
        found |= set(tuple(line.split("\t")) for line in rows.text.splitlines()[1:])
    return found


def graph_of(server: Server, graph: str) -> Graph:
    answer = server.get("graphs", params={"graph": graph}, headers={"Accept": "text/turtle"})
    assert answer.status_code == 200, answer.text
    return Graph().parse(data=answer.text, format="turtle")


def same_graph(a: Graph, b: Graph) -> bool:
    return isomorphic(a, b)


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections it receives."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


__all__ = [
    "AUTH",
    "BASE",
    "BNode",
    "GRAPH",
    "ID",
    "Listener",
    "OTHER_TOKEN",
    "PREFIXES",
    "TOKEN",
    "TOKENS",
    "URIRef",
    "ask",
    "event_turtle",
    "graph_of",
    "health",
    "insert_event",
    "named_quads",
    "same_graph",
    "select",
    "update",
    "writable_server",
]
