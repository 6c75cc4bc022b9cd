"""``format=`` and ``output=`` on ``/sparql``, as Virtuoso and Fuseki take them, and downloads.

Scripts written for those servers name the result format in the URL; each value must give
the media type it names and a body that parses in it, and a value that names nothing must
say so. ``download=`` saves the answer as a file.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
import requests
from rdflib import Graph

SELECT = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?concept ?label WHERE { ?concept skos:prefLabel ?label } ORDER BY ?concept ?label LIMIT 5"""
CONSTRUCT = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
CONSTRUCT { ?c skos:prefLabel ?l } WHERE { ?c skos:prefLabel ?l } LIMIT 5"""
RESULTS_XML_NS = "{http://www.w3.org/2005/sparql-results#}"


def rows_of(media_type: str, text: str) -> list[dict[str, str]]:
    """The rows of a SELECT answer, read as its media type says."""
    if media_type == "application/sparql-results+json":
        return [
            {k: v["value"] for k, v in row.items()}
            for row in json.loads(text)["results"]["bindings"]
        ]
    if media_type == "application/sparql-results+xml":
        root = ET.fromstring(text.encode("utf-8"))
        return [
            {b.get("name"): "".join(b.itertext()) for b in result}
            for result in root.iter(f"{RESULTS_XML_NS}result")
        ]
    if media_type == "text/csv":
        return list(csv.DictReader(io.StringIO(text)))
    # TSV writes variables as ``?name`` and terms in Turtle's syntax (``<iri>``, ``"text"@fr``).
    lines = [line.split("\t") for line in text.splitlines()]
    names = [name.removeprefix("?") for name in lines[0]]
    return [{n: v.strip("<>") for n, v in zip(names, line, strict=True)} for line in lines[1:]]


@pytest.mark.parametrize(
    "parameter, value, media_type",
    [
        # Virtuoso
        ("format", "text/csv", "text/csv"),
        ("format", "csv", "text/csv"),
        ("format", "json", "application/sparql-results+json"),
        ("format", "application/sparql-results+json", "application/sparql-results+json"),
        ("format", "application/json", "application/sparql-results+json"),
        ("format", "application/sparql-results+xml", "application/sparql-results+xml"),
        ("format", "text/tab-separated-values", "text/tab-separated-values"),
        # Fuseki
        ("output", "json", "application/sparql-results+json"),
        ("output", "xml", "application/sparql-results+xml"),
        ("output", "csv", "text/csv"),
        ("output", "tsv", "text/tab-separated-values"),
        ("output", "text", "text/tab-separated-values"),
    ],
)
def test_a_select_in_the_named_format_parses(server, parameter, value, media_type):
    response = requests.get(
        server.url + "sparql",
        params={"query": SELECT, parameter: value},
        headers={"Accept": "text/turtle"},  # the parameter wins over Accept
        timeout=60,
    )
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].split(";")[0] == media_type
    rows = rows_of(media_type, response.text)
    assert len(rows) == 5
    assert all(row["concept"].startswith("http") and row["label"] for row in rows)
    assert "Content-Disposition" not in response.headers


@pytest.mark.parametrize(
    "parameter, value, media_type, rdflib_format",
    [
        ("format", "text/turtle", "text/turtle", "turtle"),
        ("format", "application/ld+json", "application/ld+json", "json-ld"),
        ("output", "json", "application/ld+json", "json-ld"),
        ("output", "xml", "application/rdf+xml", "xml"),
        ("output", "text", "application/n-triples", "nt"),
    ],
)
def test_a_construct_in_the_named_format_parses(
    server, parameter, value, media_type, rdflib_format
):
    response = requests.get(
        server.url + "sparql", params={"query": CONSTRUCT, parameter: value}, timeout=60
    )
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].split(";")[0] == media_type
    assert len(Graph().parse(data=response.text, format=rdflib_format)) == 5


@pytest.mark.parametrize(
    "parameter, value, query",
    [
        ("format", "yaml", SELECT),
        ("output", "yaml", SELECT),
        ("output", "csv", CONSTRUCT),
        ("format", "text/turtle", SELECT),
    ],
)
def test_a_format_that_does_not_fit_is_406_with_the_list(server, parameter, value, query):
    response = requests.get(
        server.url + "sparql",
        params={"query": query, parameter: value},
        headers={"Accept": "application/json"},
        timeout=60,
    )
    assert response.status_code == 406
    body = response.json()
    assert value in body["message"]["fr"] and value in body["message"]["en"]
    assert body["supported"]


@pytest.mark.parametrize(
    "value, filename, media_type",
    [
        ("csv", "resultats.csv", "text/csv"),
        ("tsv", "resultats.tsv", "text/tab-separated-values"),
        ("json", "resultats.json", "application/sparql-results+json"),
    ],
)
def test_download_saves_the_answer_as_a_file(server, value, filename, media_type):
    params = {"query": SELECT, "format": value, "download": "1"}
    response = requests.get(server.url + "sparql", params=params, timeout=60)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert len(rows_of(media_type, response.text)) == 5
    # The same query shown, not saved, is another representation with its own validator.
    shown = requests.get(
        server.url + "sparql", params={"query": SELECT, "format": value}, timeout=60
    )
    assert shown.headers["ETag"] != response.headers["ETag"]


def test_download_by_post_and_accept(server):
    response = requests.post(
        server.url + "sparql",
        data={"query": SELECT, "download": "true"},
        headers={"Accept": "text/csv"},
        timeout=60,
    )
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="resultats.csv"'
    assert len(rows_of("text/csv", response.text)) == 5
