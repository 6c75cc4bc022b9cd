"""The query guard: what reaches the engine, what is refused before, and why.

The guard reads the tokens of the SPARQL grammar: a ``SERVICE`` or ``LOAD``
hidden in a string, an IRI, a comment or a prefixed name never counts, and a
real one is never missed. Every valid query of the W3C suites must pass it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, Graph, Namespace

from service.config import load_config
from service.errors import BadRequest, Forbidden, PayloadTooLarge, QuerySyntaxError
from service.sparql.guard import analyse, check_query, check_update, service_allowed, tokenize

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
BASE = "https://w3id.org/mediation-sociale/sparql"

OFF = load_config(environ={})
ALLOW = load_config(
    overrides={"federation_allowlist": "query.example.org,data.example.org:8890"}, environ={}
)


# ---------------------------------------------------------------------------------------------
# W3C syntax suites: every valid query and update passes the guard
# ---------------------------------------------------------------------------------------------


def syntax_tests(shared: Path) -> dict[str, list[Path]]:
    """Test files of the SPARQL 1.0 and 1.1 syntax suites, by test type."""
    found: dict[str, list[Path]] = {}
    for manifest in sorted((shared / "standards/w3c/rdf-tests/sparql").rglob("manifest.ttl")):
        graph = Graph()
        graph.parse(manifest, format="turtle", publicID=manifest.as_uri())
        for test, kind in graph.subject_objects(RDF.type):
            name = str(kind).rsplit("#", 1)[-1]
            action = graph.value(test, MF.action)
            if "Syntax" in name and action is not None:
                found.setdefault(name, []).append(Path(str(action).removeprefix("file://")))
    return found


def test_every_valid_query_of_the_w3c_suites_passes_the_guard(shared):
    tests = syntax_tests(shared)
    positive = tests["PositiveSyntaxTest"] + tests["PositiveSyntaxTest11"]
    assert len(positive) > 200
    refused = []
    for path in positive:
        text = path.read_text(encoding="utf-8")
        analysis = analyse(text, BASE)
        assert analysis.form in ("select", "ask", "construct", "describe"), path.name
        if analysis.services:  # the federated-query syntax tests
            assert "SERVICE" in text.upper()
            continue
        try:
            check_query(text, OFF, BASE)
        except Exception as error:  # noqa: BLE001 - collected to list them all
            refused.append(f"{path.name}: {error}")
    assert refused == []


def test_every_valid_update_of_the_w3c_suites_passes_the_guard(shared):
    updates = syntax_tests(shared)["PositiveUpdateSyntaxTest11"]
    assert len(updates) > 30
    for path in updates:
        text = path.read_text(encoding="utf-8")
        analysis = analyse(text, BASE)
        assert analysis.form in ("update", None), path.name  # None: an empty update
        if analysis.loads:
            with pytest.raises(Forbidden):
                check_update(text, OFF, BASE)
        else:
            check_update(text, OFF, BASE)


def test_the_tokenizer_reads_every_test_query_of_the_w3c_suites(shared):
    """Also the evaluation tests' queries and updates: 700+ real-world shapes of SPARQL."""
    files = sorted((shared / "standards/w3c/rdf-tests/sparql").rglob("*.r[qu]"))
    assert len(files) > 700
    unreadable = []
    negative = {
        p.resolve()
        for kind, paths in syntax_tests(shared).items()
        if "Negative" in kind
        for p in paths
    }
    for path in files:
        if path.resolve() in negative:
            continue
        try:
            tokenize(path.read_text(encoding="utf-8"))
        except ValueError as error:
            unreadable.append(f"{path.relative_to(shared)}: {error}")
    assert unreadable == []


def test_an_update_sent_as_a_query_is_refused(shared):
    for path in syntax_tests(shared)["PositiveUpdateSyntaxTest11"][:10]:
        text = path.read_text(encoding="utf-8")
        if analyse(text).form == "update":
            with pytest.raises(BadRequest, match="/sparql/update"):
                check_query(text, OFF, BASE)


# ---------------------------------------------------------------------------------------------
# SERVICE: hidden ones never count, real ones never pass
# ---------------------------------------------------------------------------------------------

NOT_A_SERVICE = [
    'SELECT * { ?s ?p "SERVICE <http://evil.example/> {}" }',
    "SELECT * { ?s ?p 'SERVICE <http://evil.example/> {}' }",
    'SELECT * { ?s ?p """a "quoted" SERVICE <http://evil.example/> {} "" """ }',
    "SELECT * { ?s ?p '''it''s SERVICE <http://evil.example/> {} '' ''' }",
    'SELECT * { ?s ?p "escaped \\" SERVICE <http://evil.example/> {} \\"" }',
    "SELECT * { ?s ?p 'escaped \\' SERVICE <http://evil.example/> {} \\'' }",
    "SELECT * { ?s ?p ?o } # SERVICE <http://evil.example/> {}",
    "SELECT * {\n# SERVICE <http://evil.example/> { ?s ?p ?o }\n?s ?p ?o }",
    "SELECT * { <http://example.org/SERVICE> ?p ?o }",
    "SELECT * { <http://example.org/a#SERVICE> ?p ?o }",
    "PREFIX ex: <http://example.org/> SELECT * { ?s ex:SERVICE ?o }",
    "PREFIX SERVICE: <http://example.org/> SELECT * { ?s SERVICE:p ?o }",
    "PREFIX : <http://example.org/> SELECT * { ?s :SERVICE ?o }",
    "SELECT ?service { ?service a ?type }",
    "SELECT $SERVICE { $SERVICE a ?type }",
    "SELECT * { ?s ?p ?o FILTER(?o = 'load') }",
]


@pytest.mark.parametrize("query", NOT_A_SERVICE)
def test_a_keyword_inside_a_string_an_iri_a_comment_or_a_name_is_not_a_service(query):
    assert analyse(query, BASE).services == []
    check_query(query, OFF, BASE)


REAL_SERVICES = [
    (
        "SELECT * { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }",
        "http://evil.example/sparql",
    ),
    ("select * { service silent <http://evil.example/> { ?s ?p ?o } }", "http://evil.example/"),
    ("SELECT * { sErViCe <http://evil.example/> { ?s ?p ?o } }", "http://evil.example/"),
    (
        "PREFIX e: <http://evil.example/> SELECT * { SERVICE e:sparql { ?s ?p ?o } }",
        "http://evil.example/sparql",
    ),
    (
        "BASE <http://evil.example/> SELECT * { SERVICE <sparql> { ?s ?p ?o } }",
        "http://evil.example/sparql",
    ),
    ("SELECT * { SERVICE <//evil.example/sparql> { ?s ?p ?o } }", "https://evil.example/sparql"),
    ("SELECT * { SERVICE <http://evil\\u002Eexample/> { ?s ?p ?o } }", "http://evil.example/"),
    ("SELECT * { ?s ?p 'x' SERVICE<http://evil.example/>{?s ?p ?o} }", "http://evil.example/"),
    (
        "SELECT * { ?s ?p ?o . { SELECT * { SERVICE <http://evil.example/> { ?s ?p ?o } } } }",
        "http://evil.example/",
    ),
]


@pytest.mark.parametrize("query, target", REAL_SERVICES)
def test_a_real_service_is_found_with_its_resolved_target(query, target):
    assert [call.target for call in analyse(query, BASE).services] == [target]


@pytest.mark.parametrize("query, target", REAL_SERVICES)
def test_federation_off_refuses_every_service(query, target):
    with pytest.raises(Forbidden, match="SERVICE") as refused:
        check_query(query, OFF, BASE)
    assert "federation_allowlist" in refused.value.message_en
    assert refused.value.details["line"] >= 1


def test_a_service_spelled_with_codepoint_escapes_is_found_by_the_spec_reading():
    """SPARQL 1.1 §19.2 decodes \\u escapes before parsing; an engine doing so would see it."""
    query = 'SELECT * { ?s ?p "\\u0022 } SERVICE <http://evil.example/> { ?s ?p ?o } #" }'
    with pytest.raises(Forbidden):
        check_query(query, OFF, BASE)


def test_an_unreadable_query_that_mentions_service_is_refused_with_its_position():
    with pytest.raises(QuerySyntaxError) as refused:
        check_query("SELECT * { SERVICE <http://evil.example/> { ?s ?p ?o } ~ }", OFF, BASE)
    assert refused.value.details == {"line": 1, "column": 56}


def test_an_unreadable_query_without_service_is_left_to_the_engine():
    # The engine's parser gives the position; the guard does not stand in its way.
    assert check_query("SELECT * { ?s ?p ?o ~ }", OFF, BASE).form == "select"


def test_the_allow_list_lets_named_hosts_through_and_nothing_else():
    allowed = "SELECT * { SERVICE <https://query.example.org/sparql> { ?s ?p ?o } }"
    assert (
        check_query(allowed, ALLOW, BASE).services[0].target == "https://query.example.org/sparql"
    )
    with_port = "SELECT * { SERVICE <http://data.example.org:8890/sparql> { ?s ?p ?o } }"
    check_query(with_port, ALLOW, BASE)
    for refused in (
        "SELECT * { SERVICE <http://evil.example/> { ?s ?p ?o } }",
        "SELECT * { SERVICE <http://data.example.org/sparql> { ?s ?p ?o } }",  # other port
        "SELECT * { SERVICE <http://query.example.org.evil.example/> { ?s ?p ?o } }",
        "SELECT * { SERVICE <http://evil.example/?q=query.example.org> { ?s ?p ?o } }",
        "SELECT * { SERVICE <file:///etc/passwd> { ?s ?p ?o } }",
        "SELECT * { SERVICE ?endpoint { ?s ?p ?o } VALUES ?endpoint { <https://query.example.org/> } }",
        "PREFIX q: <http://unknown.example/> SELECT * { SERVICE undeclared:x { ?s ?p ?o } }",
    ):
        with pytest.raises(Forbidden):
            check_query(refused, ALLOW, BASE)


def test_service_allowed_compares_hosts_not_text():
    hosts = ("query.example.org", "data.example.org:8890")
    assert service_allowed("https://QUERY.example.org/sparql", hosts)
    assert service_allowed("http://user@query.example.org/sparql", hosts)
    assert not service_allowed("http://query.example.org@evil.example/", hosts)
    assert not service_allowed("ftp://query.example.org/", hosts)
    assert not service_allowed("http://[::1]/", hosts)


# ---------------------------------------------------------------------------------------------
# LOAD, size, form
# ---------------------------------------------------------------------------------------------


def test_load_is_refused_in_an_update_and_harmless_in_a_string():
    with pytest.raises(Forbidden, match="LOAD") as refused:
        check_update(
            "INSERT DATA { <a:b> <a:c> 1 } ;\n load <http://evil.example/data.ttl>", OFF, BASE
        )
    assert refused.value.details == {"line": 2, "column": 2}
    check_update('INSERT DATA { <a:b> <a:c> "LOAD <http://evil.example/>" }', OFF, BASE)


def test_a_service_inside_an_update_is_refused():
    with pytest.raises(Forbidden, match="SERVICE"):
        check_update(
            "INSERT { ?s ?p ?o } WHERE { SERVICE <http://evil.example/> { ?s ?p ?o } }", OFF, BASE
        )


def test_a_query_over_the_size_cap_is_refused_with_413():
    small = load_config(overrides={"max_query_bytes": 100}, environ={})
    with pytest.raises(PayloadTooLarge) as refused:
        check_query("SELECT * { ?s ?p 'é" + "x" * 100 + "' }", small, BASE)
    assert refused.value.status == 413
    assert refused.value.details["limit"] == 100


@pytest.mark.parametrize(
    "query, form",
    [
        ("SELECT * {}", "select"),
        ("PREFIX ex: <http://e/> BASE <http://b/> ask {}", "ask"),
        ("# comment\nCONSTRUCT WHERE { ?s ?p ?o }", "construct"),
        ("DESCRIBE <http://e/x>", "describe"),
        ("\ufeffSELECT * {}", "select"),
        ("INSERT DATA { <a:b> <a:c> 1 }", "update"),
        (
            "PREFIX ex: <http://e/> WITH <http://g/> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
            "update",
        ),
        ("{ SELECT * {} }", None),
    ],
)
def test_the_form_of_a_request_is_the_first_word_after_its_prologue(query, form):
    assert analyse(query).form == form
