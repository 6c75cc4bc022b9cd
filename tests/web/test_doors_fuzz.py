"""Generated input at every door of a running server: paths, queries and their dataset
parameters, updates, and RDF bodies in each format a write takes. Whatever comes in, the
answer is never a 5xx, and the server still answers its health check and a fresh query (no
query worker died, no thread is stuck).

Hypothesis builds the input from pieces that have broken doors before (bytes that are not
UTF-8, IRIs with spaces or U+FFFD, bad language tags and datatypes, deep nesting) mixed with
arbitrary text. Derandomized and without an example database, so every run tries the same
examples; few of them, so the file stays a matter of seconds.
"""

from __future__ import annotations

import json
import uuid
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

BASE = "https://w3id.org/mediation-sociale/"
RUNS = settings(
    max_examples=30,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# -- pieces ------------------------------------------------------------------------------------

ESCAPES = ["%ff", "%c0%ae", "%ED%A0%80", "%00", "%EF%BF%BD", "%2e%2e", "%25", "%zz", "%"]
SEGMENTS = ["id", "graph", "def", "shapes", "event", "actor", "place", "..", ".", "", "x"]
SUFFIXES = ["", ".ttl", ".jsonld", ".rdf", ".nt", ".html", ".ics", ".%ff"]
DOORS = ["id/", "graph/", "def", "shapes", "graphs/", "card/id/", "sparql", "graphs", ""]
PARAMETERS = ["graph", "default", "incoming", "after", "lang", "format", "page", "q", "query"]
ODD_TEXT = st.text(
    st.characters(blacklist_categories=["Cs"]) | st.sampled_from(["\ufffd", " ", "<", '"']),
    max_size=8,
)
HOSTILE_IRIS = [
    "http://example.org/a b",
    "http://example.org/a<b",
    'http://example.org/a"b',
    "http://example.org/\u0000",
    "urn:x:\ufffd",
    "http://example.org/%zz",
    "relative path",
    "",
    "http://example.org/ok",
    BASE + "id/event/fuzz",
]
IRIS = st.sampled_from(HOSTILE_IRIS) | ODD_TEXT.map(lambda t: "http://example.org/" + t)
LANGUAGES = st.sampled_from(["fr", "en-GB", "x y", "1234567890123", "", "fr-", "-"]) | ODD_TEXT
DATATYPES = st.sampled_from(
    ["http://www.w3.org/2001/XMLSchema#date", "http://example.org/a b", "urn:x:\ufffd"]
)

# -- the server --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(writable_server, tmp_path_factory):
    running = writable_server(tmp_path_factory.mktemp("fuzz"), {"MEDIATION_MAX_WRITE_QUADS": "50"})
    yield running
    running.stop()


def not_a_server_error(response) -> None:
    assert response.status_code < 500, (
        response.request.method,
        response.request.url,
        response.status_code,
        response.text[:300],
    )


def still_serving(server, select) -> None:
    assert server.get("healthz").status_code == 200
    fresh = uuid.uuid4().hex
    assert select(server, f'SELECT ("{fresh}" AS ?one) WHERE {{}}') == [{"one": fresh}]


# -- paths and query strings -------------------------------------------------------------------

PATHS = st.builds(
    lambda door, parts, suffix: door + "/".join(parts) + suffix,
    st.sampled_from(DOORS),
    st.lists(st.sampled_from(SEGMENTS + ESCAPES) | ODD_TEXT.map(quote), max_size=4),
    st.sampled_from(SUFFIXES),
)
QUERY_STRINGS = st.lists(
    st.tuples(
        st.sampled_from(PARAMETERS),
        st.sampled_from(ESCAPES) | IRIS.map(lambda iri: quote(iri, safe=":/")),
    ),
    max_size=3,
).map(lambda pairs: "&".join(f"{name}={value}" for name, value in pairs))


@RUNS
@given(path=PATHS, query=QUERY_STRINGS)
def test_paths_and_query_strings(served, path, query):
    not_a_server_error(served.get(path + ("?" + query if query else "")))


def test_paths_left_the_server_serving(served, select):
    still_serving(served, select)


# -- SPARQL queries and updates ----------------------------------------------------------------

QUERY_TOKENS = [
    "SELECT", "*", "WHERE", "{", "}", "(", ")", "[", "]", "?s", "?p", "?o", "a", ".", ";", ",",
    "FILTER", "OPTIONAL", "UNION", "GRAPH", "BIND", "AS", "VALUES", "COUNT", "LIMIT 1", "1",
    '"x"', '"x"@fr', '"x"@1234567890123', '"1"^^<http://example.org/a b>', "<http://example.org/a b>",
    "<urn:x:\ufffd>", "<\\u0020>", "\\u0020", "#", "\u0000", "PREFIX ex: <http://example.org/>",
    "ex:a", "REGEX(?o, '(')", "STRLEN(?o)", "ASK", "CONSTRUCT", "DESCRIBE", "<>",
]  # fmt: skip
QUERIES = st.one_of(
    st.lists(st.sampled_from(QUERY_TOKENS), max_size=25).map(" ".join),
    st.builds(
        lambda form, depth, bracket: form + bracket * depth,
        st.sampled_from(["SELECT * WHERE ", "ASK ", "SELECT * WHERE { FILTER"]),
        st.integers(min_value=0, max_value=3000),
        st.sampled_from(["(", "{", "["]),
    ),
    ODD_TEXT,
)


@RUNS
@given(query=QUERIES, graphs=st.lists(IRIS, max_size=2), named=st.booleans())
def test_queries_and_their_dataset(served, query, graphs, named):
    parameter = "named-graph-uri" if named else "default-graph-uri"
    data = [("query", query)] + [(parameter, iri) for iri in graphs]
    not_a_server_error(served.post("sparql", data=data))


UPDATE_TOKENS = QUERY_TOKENS + [
    "INSERT DATA", "DELETE DATA", "INSERT", "DELETE", "WITH", "USING", "CLEAR", "DROP", "GRAPH",
    f"<{BASE}graph/fuzz>", "<http://example.org/s> <http://example.org/p>",
]  # fmt: skip


@RUNS
@given(text=st.lists(st.sampled_from(UPDATE_TOKENS), max_size=25).map(" ".join))
def test_updates(served, update, text):
    not_a_server_error(update(served, text))


def test_queries_and_updates_left_the_server_serving(served, select):
    still_serving(served, select)


# -- RDF bodies --------------------------------------------------------------------------------


def _ntriples(iri: str, language: str, datatype: str, escape: bool) -> str:
    subject = iri.replace(" ", "\\u0020") if escape else iri
    return (
        f'<{subject}> <http://schema.org/name> "x"@{language} .\n'
        f'<{subject}> <http://schema.org/url> "y"^^<{datatype}> .\n'
    )


def _turtle(iri: str, language: str, datatype: str, escape: bool) -> str:
    return "@prefix s: <http://schema.org/> .\n" + _ntriples(iri, language, datatype, escape)


def _jsonld(iri: str, language: str, datatype: str, escape: bool) -> str:
    node = {
        "@id": iri,
        "http://schema.org/name": {"@value": "x", "@language": language},
        "http://schema.org/url": {"@value": "y", "@type": datatype},
    }
    return json.dumps([node] if escape else node)


def _rdfxml(iri: str, language: str, datatype: str, escape: bool) -> str:
    def attribute(text: str) -> str:
        return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")

    doctype = '<!DOCTYPE rdf:RDF [<!ENTITY e "ee">]>' if escape else ""
    return (
        f'<?xml version="1.0"?>{doctype}<rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:s="http://schema.org/">'
        f'<rdf:Description rdf:about="{attribute(iri)}">'
        f'<s:name xml:lang="{attribute(language)}">x</s:name>'
        f'<s:url rdf:datatype="{attribute(datatype)}">y</s:url>'
        "</rdf:Description></rdf:RDF>"
    )


WRITERS = {
    "text/turtle": _turtle,
    "application/n-triples": _ntriples,
    "application/ld+json": _jsonld,
    "application/rdf+xml": _rdfxml,
}
DOCUMENTS = st.one_of(
    st.builds(
        lambda media_type, iri, language, datatype, escape, cut: (
            media_type,
            WRITERS[media_type](iri, language, datatype, escape)[: cut or None],
        ),
        st.sampled_from(sorted(WRITERS)),
        IRIS,
        LANGUAGES,
        DATATYPES,
        st.booleans(),
        st.integers(min_value=0, max_value=200),
    ),
    st.tuples(st.sampled_from([*sorted(WRITERS), "multipart/form-data"]), ODD_TEXT),
)


@RUNS
@given(document=DOCUMENTS, method=st.sampled_from(["PUT", "POST"]))
def test_rdf_bodies(served, auth, document, method):
    media_type, body = document
    response = served.request(
        method,
        f"graphs?graph={BASE}graph/fuzz",
        data=body.encode("utf-8", "surrogatepass"),
        headers={**auth, "Content-Type": media_type},
    )
    not_a_server_error(response)


def test_bodies_left_the_server_serving(served, select):
    still_serving(served, select)
