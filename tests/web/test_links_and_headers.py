"""No script in a link: only ``http``, ``https`` and ``mailto`` IRIs become links in a page
(resources, lists, search, SPARQL results in HTML); the shapes refuse any other scheme in the
properties readers follow (``schema:url``, ``sameAs``, ``contentUrl``…); and every response
carries a strict Content-Security-Policy, ``nosniff`` and a ``Referrer-Policy``.
"""

from __future__ import annotations

from urllib.parse import quote

import html5lib
import pytest

from service.namespaces import GRAPH, ID, MEDSH, is_link

PREFIXES = "PREFIX schema: <https://schema.org/>\nPREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
SCRIPT = "javascript:alert(document.domain)"
PLACE = ID["place/arena-lievin"]
#: An event pointing, through a property no link shape restricts, at IRIs a browser must not
#: follow, and at one it may.
EVENT = ID["event/liens-hostiles"]
#: A resource whose own IRI is a script: lists and search name it without a link.
SCRIPTED = "javascript:alert(1)//atelier"


@pytest.fixture(scope="module")
def served(tmp_path_factory, writable_server, update):
    running = writable_server(tmp_path_factory.mktemp("links"))
    body = (
        f'<{EVENT}> a schema:Event ; schema:name "Atelier des liens"@fr , "Links workshop"@en ; '
        f'schema:startDate "2024-05-02"^^xsd:date ; schema:location <{PLACE}> ; '
        f"schema:subjectOf <{SCRIPT}> , <data:text/html,hello> , <https://example.org/page> .\n"
        f'<{SCRIPTED}> a schema:Event ; schema:name "Atelier scripté"@fr , "Scripted workshop"@en ; '
        f'schema:startDate "2024-05-03"^^xsd:date ; schema:location <{PLACE}> .'
    )
    written = update(running, f"{PREFIXES}INSERT DATA {{ GRAPH <{GRAPH['liens']}> {{ {body} }} }}")
    assert written.status_code == 200, written.text
    yield running
    running.stop()


def links(html: str) -> list[str]:
    """The addresses of every link of a page, as an HTML parser reads them."""
    document = html5lib.parse(html, namespaceHTMLElements=False)
    return [a.get("href") for a in document.iter("a") if a.get("href") is not None]


def assert_no_script_link(html: str) -> None:
    for href in links(html):
        absolute = ":" in href.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
        assert not absolute or is_link(href), href


@pytest.mark.parametrize(
    ("prop", "value"),
    [
        ("schema:url", f"<{SCRIPT}>"),
        ("schema:sameAs", "<JavaScript:alert(1)>"),
        ("schema:sameAs", "<data:text/html,%3Cscript%3Ealert(1)%3C/script%3E>"),
    ],
)
def test_the_shapes_refuse_a_link_that_is_not_to_the_web(served, update, prop, value):
    organisation = ID["actor/association-aux-liens"]
    sent = update(
        served,
        f"{PREFIXES}INSERT DATA {{ GRAPH <{GRAPH['liens']}> {{ <{organisation}> a "
        f'schema:Organization ; schema:name "Association aux liens" ; {prop} {value} . }} }}',
        headers={"Accept": "application/json"},
    )
    assert sent.status_code == 422, sent.text[:500]
    (result,) = sent.json()["results"]
    assert result["sourceShape"] == str(MEDSH["Link-" + prop.split(":")[1]])
    said = result["message"]
    assert "https://" in said["fr"] and "https://" in said["en"]
    assert prop in said["fr"] and prop in said["en"]


def test_a_web_link_in_a_link_property_is_accepted(served, update):
    organisation = ID["actor/association-au-site"]
    sent = update(
        served,
        f"{PREFIXES}INSERT DATA {{ GRAPH <{GRAPH['liens']}> {{ <{organisation}> a "
        'schema:Organization ; schema:name "Association au site" ; '
        "schema:url <HTTPS://example.org/site> . } }",
    )
    assert sent.status_code == 200, sent.text[:500]


def test_a_page_shows_other_schemes_as_text(served):
    page = served.get(f"id/event/{EVENT.rsplit('/', 1)[1]}", headers={"Accept": "text/html"})
    assert page.status_code == 200
    hrefs = links(page.text)
    assert "https://example.org/page" in hrefs
    assert_no_script_link(page.text)
    assert SCRIPT in page.text  # shown, as text
    assert "data:text/html,hello" in page.text


@pytest.mark.parametrize("path", ["events", "search?q=atelier", "search?q=scripted&lang=en", ""])
def test_lists_and_search_link_no_script(served, path):
    page = served.get(path)
    assert page.status_code == 200
    assert_no_script_link(page.text)


def test_sparql_html_results_show_a_script_iri_as_text(served):
    query = (
        f'SELECT ?x ?y WHERE {{ BIND(IRI("{SCRIPT}") AS ?x) '
        'BIND(IRI("https://example.org/ok") AS ?y) }'
    )
    page = served.get(f"sparql?format=html&query={quote(query)}")
    assert page.status_code == 200
    assert_no_script_link(page.text)
    assert "https://example.org/ok" in links(page.text)
    assert f"<code>{SCRIPT}</code>" in page.text


@pytest.mark.parametrize(
    "path",
    [
        "",
        "sparql",
        "events",
        "events.json",
        "id/event/liens-hostiles",
        "id/event/liens-hostiles.ttl",
        "static/site.css",
        "id/event/absent",
        "sparql?query=ASK%7B%7D",
        "feeds/events.atom",
        "publish/sign-in",
    ],
)
def test_every_response_carries_the_security_headers(served, path):
    answer = served.get(path)
    policy = answer.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"].startswith("'self'") and "unsafe" not in policy
    assert directives["frame-ancestors"] == "'none'" and directives["base-uri"] == "'none'"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "same-origin"


def test_pages_hold_no_inline_script_or_style(served):
    """What the policy would block: every script is a file or data (JSON), no style attribute
    or element (the figures of the home page included)."""
    for path in ("", "events", "id/event/liens-hostiles", "sparql", "catalog", "publish/sign-in"):
        answer = served.get(path)
        assert answer.status_code in (200, 503), (path, answer.status_code)
        document = html5lib.parse(answer.text, namespaceHTMLElements=False)
        for script in document.iter("script"):
            assert script.get("src") or script.get("type") in (
                "application/json",
                "application/ld+json",
            ), (path, script.text)
        assert not [e for e in document.iter() if e.get("style") is not None], path
        assert not list(document.iter("style")), path
