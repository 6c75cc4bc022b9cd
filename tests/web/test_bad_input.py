"""Bad input gets a 400 (or a 413) that says why, in French and in English, never a 5xx; and
what is refused is refused cheaply: a chunked body whose size line never ends, an RDF/XML
document declaring entities, a write over ``max_write_quads`` (stopped where the limit is
passed, before the rest is read).

Against a real server: the HTTP framing is waitress's, read before the application."""

from __future__ import annotations

import json
import socket
import uuid

import pytest

EX = "http://example.org/"
BASE = "https://w3id.org/mediation-sociale/"
GRAPH = f"graphs?graph={BASE}graph/entree"
JSON = {"Accept": "application/json"}
#: Small, so that a write over it is cheap to send.
MAX_WRITE_QUADS = 20


@pytest.fixture(scope="module")
def served(writable_server, tmp_path_factory):
    running = writable_server(
        tmp_path_factory.mktemp("bad-input"), {"MEDIATION_MAX_WRITE_QUADS": str(MAX_WRITE_QUADS)}
    )
    yield running
    running.stop()


def refused(response, status: int = 400) -> dict:
    """The error's JSON body, after checking its status and that it speaks both languages."""
    assert response.status_code == status, response.text[:500]
    body = response.json()
    assert body["message"]["fr"] and body["message"]["en"]
    assert body["message"]["fr"] != body["message"]["en"]
    return body


def still_serving(server, select) -> None:
    """The server answers its health check and a query never asked before (no cached answer:
    a query worker evaluated it)."""
    assert server.get("healthz").status_code == 200
    fresh = uuid.uuid4().hex
    assert select(server, f'SELECT ("{fresh}" AS ?one) WHERE {{}}') == [{"one": fresh}]


@pytest.mark.parametrize(
    "path",
    [
        "id/%ff",
        "graph/%ff",
        "def.%ff",
        "id/%ED%A0%80",  # an encoded surrogate
        "id/%c0%ae%c0%ae/%c0%ae%c0%ae",  # overlong dots
        "graphs?graph=urn:x:%EF%BF%BD",
        "graphs?graph=http://example.org/a%20b%zz",
        "sparql?query=ASK%7B%7D&named-graph-uri=urn:x:%EF%BF%BD",
        "sparql?query=ASK%7B%7D&default-graph-uri=http://example.org/a%20b",
    ],
)
def test_paths_and_parameters_that_make_no_iri_are_a_400(served, path):
    body = refused(served.get(path, headers=JSON))
    assert "IRI" in body["message"]["en"]


@pytest.mark.parametrize("bracket", ["(", "{", "["])
def test_a_query_nested_too_deep_is_refused_before_the_engine_parses_it(served, select, bracket):
    closing = {"(": ")", "{": "}", "[": "]"}[bracket]
    inner = {"(": "FILTER(" + "(" * 10000 + "1" + ")" * 10000 + ")", "{": "", "[": ""}[bracket]
    query = {
        "(": f"SELECT * WHERE {{ {inner} }}",
        "{": "SELECT * WHERE " + "{" * 10000 + "}" * 10000,
        "[": "SELECT * WHERE { ?s ?p " + "[ ?p " * 10000 + "1" + " ]" * 10000 + " }",
    }[bracket]
    assert closing in query
    body = refused(served.post("sparql", data={"query": query}, headers=JSON))
    assert body["line"] == 1 and body["reason"] == "nesting"
    still_serving(served, select)


def test_an_update_nested_too_deep_is_refused(served, update, auth):
    text = f"INSERT DATA {{ <{EX}a> <{EX}b> " + "(" * 5000 + "1" + ")" * 5000 + " }"
    refused(update(served, text, headers=JSON))


def _ld(node: dict) -> str:
    return json.dumps({"http://schema.org/name": "x", **node})


#: Documents whose terms no store holds: (media type, body).
INVALID_TERMS = {
    "jsonld-nul": ("application/ld+json", _ld({"@id": EX + "a\u0000b"})),
    "jsonld-lt": ("application/ld+json", _ld({"@id": EX + "a<b"})),
    "jsonld-quote": ("application/ld+json", _ld({"@id": EX + 'a"b'})),
    # JSON-LD's algorithm drops a node whose @id is no IRI, and all it says, silently.
    "jsonld-space": ("application/ld+json", _ld({"@id": EX + "a b"})),
    "jsonld-relative-space": ("application/ld+json", _ld({"@id": "un nom"})),
    "jsonld-nested-space": (
        "application/ld+json",
        json.dumps({"@id": EX + "a", EX + "k": {"@id": EX + "c d", EX + "n": "x"}}),
    ),
    "jsonld-predicate": ("application/ld+json", json.dumps({"@id": EX + "a", EX + "n me": "x"})),
    "jsonld-datatype": (
        "application/ld+json",
        json.dumps({"@id": EX + "a", EX + "n": {"@value": "x", "@type": EX + "a b"}}),
    ),
    "turtle-escaped-space": ("text/turtle", f'<{EX}a\\u0020b> <{EX}n> "x" .'),
    "turtle-datatype": ("text/turtle", f'<{EX}a> <{EX}n> "x"^^<{EX}a\\u0020b> .'),
    "turtle-language": ("text/turtle", f'<{EX}a> <{EX}n> "x"@1234567890123 .'),
    "ntriples-escaped-space": ("application/n-triples", f'<{EX}a\\u0020b> <{EX}n> "x" .\n'),
    "rdfxml-about-space": (
        "application/rdf+xml",
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        f'xmlns:ex="{EX}"><rdf:Description rdf:about="{EX}a b"><ex:n>x</ex:n>'
        "</rdf:Description></rdf:RDF>",
    ),
    "rdfxml-language": (
        "application/rdf+xml",
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        f'xmlns:ex="{EX}"><rdf:Description rdf:about="{EX}a"><ex:n xml:lang="x y">x</ex:n>'
        "</rdf:Description></rdf:RDF>",
    ),
}


@pytest.mark.parametrize("case", INVALID_TERMS)
def test_a_write_with_an_invalid_term_is_a_400_that_names_it(served, auth, case):
    media_type, body = INVALID_TERMS[case]
    response = served.request(
        "PUT",
        GRAPH,
        data=body.encode("utf-8"),
        headers={**auth, **JSON, "Content-Type": media_type},
    )
    assert refused(response)["error"] == "rdf-syntax"


def test_multipart_without_a_boundary_is_a_400(served, auth):
    response = served.request(
        "PUT", GRAPH, data=b"x", headers={**auth, **JSON, "Content-Type": "multipart/form-data"}
    )
    assert "boundary" in refused(response)["message"]["en"]


def test_an_rdfxml_entity_declaration_is_refused_before_it_is_expanded(served, auth, select):
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "ha"}">' for i in range(12))
    document = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [{laughs}]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        f'xmlns:ex="{EX}"><rdf:Description rdf:about="{EX}a"><ex:n>&l11;</ex:n>'
        "</rdf:Description></rdf:RDF>"
    )
    response = served.request(
        "PUT",
        GRAPH,
        data=document.encode(),
        headers={**auth, **JSON, "Content-Type": "application/rdf+xml"},
    )
    body = refused(response)
    assert body["reason"] == "entity-declaration" and body["line"] == 2
    still_serving(served, select)


def test_a_write_over_max_write_quads_stops_where_the_limit_is_passed(served, auth):
    """The document's end does not parse: a 413 rather than a 400 shows the parser stopped
    at the first statement past the limit, before it read that far."""
    lines = [f'<{EX}s{i}> <{EX}n> "{i}" .' for i in range(MAX_WRITE_QUADS + 1)]
    document = "\n".join(lines) + "\nthis line is no N-Triples\n"
    response = served.request(
        "PUT",
        GRAPH,
        data=document.encode(),
        headers={**auth, **JSON, "Content-Type": "application/n-triples"},
    )
    assert refused(response, 413)["limit"] == MAX_WRITE_QUADS
    # At the limit, the same document is read to its end (and its last line refused).
    within = "\n".join(lines[:MAX_WRITE_QUADS]) + "\nthis line is no N-Triples\n"
    response = served.request(
        "PUT",
        GRAPH,
        data=within.encode(),
        headers={**auth, **JSON, "Content-Type": "application/n-triples"},
    )
    assert refused(response)["error"] == "rdf-syntax"


def test_a_chunk_size_line_that_never_ends_closes_the_connection(served, select):
    """waitress rescanned such a line on every read (the square of its length in CPU); the
    server refuses it once it passes a few kilobytes, and answers others meanwhile and after."""
    host, port = served.url.split("//")[1].rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall(
            b"POST /sparql/update HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Type: application/sparql-update\r\n\r\n" + b"1" * 3000
        )
        still_serving(served, select)  # while the size line is still coming
        sent, closed = 3000, False
        try:
            while sent < 16_000_000:
                connection.sendall(b"1" * 65536)
                sent += 65536
        except (BrokenPipeError, ConnectionResetError):
            closed = True
        answer = b""
        try:
            while chunk := connection.recv(4096):
                answer += chunk
        except ConnectionResetError:
            closed = True
    assert closed or answer.startswith(b"HTTP/1.1 400")
    assert sent < 16_000_000
    still_serving(served, select)
