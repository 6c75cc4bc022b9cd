"""The example catalogue (``data/examples.ttl``) and the SPARQL documentation (``docs/sparql.md``).

Every example is data, well described, and answers on the seed; every Python
block of the documentation runs against the real server.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

from service.config import PROJECT_ROOT, load_config
from service.sparql.description import examples_from_graph
from service.sparql.guard import check_query

BASE = "https://w3id.org/mediation-sociale/"
CATALOGUE = PROJECT_ROOT / "data" / "examples.ttl"
DOCS = PROJECT_ROOT / "docs" / "sparql.md"
SCHEMA_TARGET = URIRef("https://schema.org/target")
FORM_CLASSES = {
    "select": (SH.select, SH.SPARQLSelectExecutable),
    "ask": (SH.ask, SH.SPARQLAskExecutable),
    "construct": (SH.construct, SH.SPARQLConstructExecutable),
}

catalogue = Graph().parse(CATALOGUE, format="turtle")
EXAMPLES = examples_from_graph(catalogue)


def test_the_catalogue_holds_at_least_twelve_questions():
    assert len(EXAMPLES) >= 12
    assert {e.form for e in EXAMPLES} == {"select", "ask", "construct"}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.slug)
def test_each_example_is_described_in_french_and_english(example):
    node = URIRef(example.iri)
    assert example.iri == f"{BASE}id/query/{example.slug}"
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", example.slug)
    query_property, form_class = FORM_CLASSES[example.form]
    assert (node, RDF.type, SH.SPARQLExecutable) in catalogue
    assert (node, RDF.type, form_class) in catalogue
    assert len(list(catalogue.objects(node, query_property))) == 1
    for prop in (RDFS.label, RDFS.comment):
        languages = {
            value.language for value in catalogue.objects(node, prop) if isinstance(value, Literal)
        }
        assert {"fr", "en"} <= languages, prop
    assert catalogue.value(node, SCHEMA_TARGET) == URIRef(BASE + "sparql")


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.slug)
def test_each_example_passes_the_guard_and_answers_on_the_seed(example, server):
    assert check_query(example.query, load_config(environ={})).form == example.form
    wrapper = SPARQLWrapper(server.url + "sparql")
    wrapper.setQuery(example.query)
    if example.form == "construct":
        wrapper.setReturnFormat(TURTLE)
        graph = Graph().parse(data=wrapper.query().response.read(), format="turtle")
        assert len(graph) >= 1
    else:
        wrapper.setReturnFormat(JSON)
        result = wrapper.queryAndConvert()
        if example.form == "ask":
            assert result["boolean"] is True
        else:
            rows = result["results"]["bindings"]
            assert len(rows) >= 1
            assert any(row for row in rows), "rows without any bound variable"


@pytest.mark.parametrize("example", EXAMPLES[:3], ids=lambda e: e.slug)
def test_the_open_in_the_editor_link_carries_the_query(example, server):
    assert parse_qs(urlsplit(example.link).query)["query"] == [example.query]
    page = requests.get(
        server.url + example.link.lstrip("/"), timeout=60, headers={"Accept": "text/html"}
    )
    assert page.status_code == 200
    editor_page = requests.get(server.url + "sparql", headers={"Accept": "text/html"}, timeout=60)
    assert example.link.replace("&", "&amp;") in editor_page.text


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


def test_the_documentation_lists_every_example():
    text = DOCS.read_text(encoding="utf-8")
    for example in EXAMPLES:
        assert f"id/query/{example.slug}" in text, example.slug


@pytest.mark.parametrize("index", range(len(python_blocks(DOCS.read_text(encoding="utf-8")))))
def test_the_documented_python_code_runs_against_the_server(index, server, capsys):
    code = python_blocks(DOCS.read_text(encoding="utf-8"))[index]
    code = code.replace("https://w3id.org/mediation-sociale/sparql", server.url + "sparql")
    namespace: dict = {"__name__": "docs"}
    exec(compile(code, f"{DOCS.name} block {index + 1}", "exec"), namespace)  # noqa: S102
    assert capsys.readouterr().out.strip(), "a documented example prints what it finds"
