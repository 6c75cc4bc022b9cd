"""Hostile text through every write door, every output read back with a strict parser.

A name may hold anything a person or a program types: newlines, markup, quotes, ``]]>``,
very long lines. Each such text is either refused where it is written (the characters XML 1.0
cannot carry: controls, U+FFFE, surrogates — 400 with the character and where it is, in French
and English) or written out well-formed by every serialiser: RDF/XML (pages and ``/graphs``),
Turtle, JSON-LD alone and inside a page, SPARQL results in XML, JSON, CSV and TSV, the Atom
feed, the sitemap and the calendars (each text of iCalendar escaped by the library; the server
runs under ``python -O``, where the library's own ``assert`` on raw newlines is gone).
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from urllib.parse import quote

import html5lib
import pytest
from icalendar import Calendar, vText
from lxml import etree
from rdflib import Graph, Literal, URIRef

from service.namespaces import GRAPH, ID, SDO, not_in_xml

#: Texts that XML 1.0 cannot carry: refused by every write.
REFUSED = {
    "control": "Atelier\x01",
    "escape": "Atelier \x1b[31m rouge",
    "vertical-tab": "Atelier\x0bdeux",
    "nul": "Atelier\x00",
    "fffe": "Atelier\ufffe",
    "ffff": "Atelier\uffff",
}
#: Texts every serialiser writes well-formed.
ACCEPTED = {
    "crlf": "Atelier\r\nX-INJECTED:oui\r\nBEGIN:VEVENT",
    "script": "</script><script>alert(1)</script>",
    "cdata": "Fin ]]> de section",
    "quotes": "Il a dit \"bonjour\" & 'salut' <b>gras</b>",
    "tab": "Colonne\tsuivante",
    "long": "Très long " + "mot " * 5000,
}
EVENTS = ID["event/"]
TESTS_GRAPH = GRAPH["hostile"]
PREFIXES = "PREFIX schema: <https://schema.org/>\nPREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
PLACE = ID["place/arena-lievin"]


def sparql_literal(text: str) -> str:
    """``text`` as a SPARQL or Turtle string, every character outside printable ASCII escaped
    (``\\u0001``): the bytes sent are plain, the parser makes the character."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif " " <= char <= "~":
            out.append(char)
        elif ord(char) > 0xFFFF:
            out.append(f"\\U{ord(char):08X}")
        else:
            out.append(f"\\u{ord(char):04X}")
    return '"' + "".join(out) + '"'


def event_turtle(iri: str, name: str) -> str:
    return (
        f"<{iri}> a schema:Event ; schema:name {sparql_literal(name)}@fr , "
        f"{sparql_literal(name + ' (en)')}@en ; schema:description {sparql_literal(name)}@fr ; "
        f'schema:startDate "2024-05-02"^^xsd:date ; schema:location <{PLACE}> .'
    )


def event_jsonld(iri: str, name: str) -> bytes:
    document = {
        "@id": iri,
        "@type": "https://schema.org/Event",
        "https://schema.org/name": [
            {"@value": name, "@language": "fr"},
            {"@value": name + " (en)", "@language": "en"},
        ],
        "https://schema.org/startDate": {
            "@value": "2024-05-02",
            "@type": "http://www.w3.org/2001/XMLSchema#date",
        },
        "https://schema.org/location": {"@id": str(PLACE)},
    }
    return json.dumps(document).encode("utf-8")


@pytest.fixture(scope="module")
def served(tmp_path_factory, writable_server, update):
    """A server under ``python -O`` holding one event per accepted text, written by SPARQL
    Update."""
    running = writable_server(tmp_path_factory.mktemp("hostile"), {"PYTHONOPTIMIZE": "1"})
    body = "".join(
        event_turtle(EVENTS + f"hostile-{key}", text) + "\n" for key, text in ACCEPTED.items()
    )
    written = update(running, f"{PREFIXES}INSERT DATA {{ GRAPH <{TESTS_GRAPH}> {{ {body} }} }}")
    assert written.status_code == 200, written.text
    yield running
    running.stop()


def strings(node: object) -> set[str]:
    """Every string inside a JSON document."""
    if isinstance(node, str):
        return {node}
    values = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
    return set().union(*(strings(v) for v in values)) if values else set()


def as_xml_reads(text: str) -> str:
    """``text`` as an XML parser gives it back: a line break CR LF (or CR) written as it is
    reads as LF (https://www.w3.org/TR/xml/#sec-line-ends)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def unfit(text: str) -> str:
    """The first character of ``text`` XML 1.0 cannot carry, as the refusal names it."""
    return f"U+{ord(text[not_in_xml(text)]):04X}"


def refused_for_xml(response, char: str) -> None:
    assert response.status_code == 400, response.text[:500]
    error = response.json()
    assert error["character"] == char
    assert "XML 1.0" in error["message"]["fr"] and "XML 1.0" in error["message"]["en"]
    assert (
        "schema.org/name" in error["message"]["en"]
        or "schema.org/description" in error["message"]["en"]
    )


# ---------------------------------------------------------------------------------------------
# Refused at every door
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(REFUSED))
def test_sparql_update_refuses_what_xml_cannot_carry(served, update, key):
    text = REFUSED[key]
    iri = EVENTS + f"refused-update-{key}"
    sent = update(
        served,
        f"{PREFIXES}INSERT DATA {{ GRAPH <{TESTS_GRAPH}> {{ {event_turtle(iri, text)} }} }}",
        headers={"Accept": "application/json"},
    )
    if key == "nul":  # the SPARQL parser refuses U+0000 itself, as a syntax error
        assert sent.status_code == 400, sent.text[:300]
    else:
        refused_for_xml(sent, unfit(text))
    assert served.get(f"id/event/refused-update-{key}").status_code == 404


@pytest.mark.parametrize("key", sorted(REFUSED))
@pytest.mark.parametrize("syntax", ["turtle", "jsonld"])
def test_the_graph_store_refuses_what_xml_cannot_carry(served, auth, key, syntax):
    text = REFUSED[key]
    iri = EVENTS + f"refused-{syntax}-{key}"
    if syntax == "turtle":
        body = (
            PREFIXES.replace("PREFIX ", "@prefix ").replace(">\n", "> .\n")
            + event_turtle(iri, text)
        ).encode()
        kind = "text/turtle"
    else:
        body, kind = event_jsonld(iri, text), "application/ld+json"
    sent = served.post(
        f"graphs?graph={quote(str(GRAPH['hostile-gsp']))}",
        data=body,
        headers={**auth, "Content-Type": kind, "Accept": "application/json"},
    )
    refused_for_xml(sent, unfit(text))


def test_a_lone_surrogate_is_refused_by_the_graph_store(served, auth):
    iri = EVENTS + "refused-surrogate"
    body = event_jsonld(iri, "Atelier\ud800")  # json.dumps writes it as the escape \ud800
    assert b"\\ud800" in body
    sent = served.post(
        f"graphs?graph={quote(str(GRAPH['hostile-gsp']))}",
        data=body,
        headers={**auth, "Content-Type": "application/ld+json", "Accept": "application/json"},
    )
    refused_for_xml(sent, "U+D800")


def test_a_lone_surrogate_is_refused_by_sparql_update(served, update):
    event = event_turtle(EVENTS + "refused-update-surrogate", "A\ud800")
    assert "\\uD800" in event
    sent = update(
        served,
        f"{PREFIXES}INSERT DATA {{ GRAPH <{TESTS_GRAPH}> {{ {event} }} }}",
        headers={"Accept": "application/json"},
    )
    assert sent.status_code == 400, sent.text[:300]
    assert served.get("id/event/refused-update-surrogate").status_code == 404


def test_mediation_load_refuses_what_xml_cannot_carry(tmp_path, mediation):
    """An operator's load, by the write path and by the bulk loader's path alike."""
    source = tmp_path / "hostile.ttl"
    events = "\n".join(
        event_turtle(EVENTS + f"load-{n}", "Atelier\x01" if n == 7 else f"Atelier {n}")
        for n in range(20)
    )
    source.write_text(
        PREFIXES.replace("PREFIX ", "@prefix ").replace(">\n", "> .\n") + events, encoding="utf-8"
    )
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIATION_")}
    for bulk_after in ("1000000", "1"):
        done = subprocess.run(
            [mediation, "load", "--store", str(tmp_path / f"store-{bulk_after}"), str(source)],
            capture_output=True,
            text=True,
            timeout=600,
            env={**clean_env, "MEDIATION_BULK_LOAD_AFTER": bulk_after},
        )
        assert done.returncode != 0, done.stdout
        assert "U+0001" in done.stderr and "XML 1.0" in done.stderr, done.stderr[-2000:]


# ---------------------------------------------------------------------------------------------
# Accepted, and well-formed in every output
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(ACCEPTED))
def test_resource_descriptions_are_well_formed(served, key):
    text = ACCEPTED[key]
    path = f"id/event/hostile-{key}"
    iri = URIRef(EVENTS + f"hostile-{key}")
    for media_type, rdflib_format in (
        ("application/rdf+xml", "xml"),
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
    ):
        answer = served.get(path, headers={"Accept": media_type})
        assert answer.status_code == 200, (media_type, answer.text[:300])
        if media_type == "application/rdf+xml":
            etree.fromstring(answer.content)  # strict: raises on anything ill-formed
        if media_type == "application/ld+json":
            json.loads(answer.content)
        graph = Graph().parse(data=answer.content, format=rdflib_format)
        assert Literal(text, lang="fr") in set(graph.objects(iri, SDO.name)), media_type


@pytest.mark.parametrize("key", sorted(ACCEPTED))
def test_pages_keep_text_as_text_and_their_json_ld_whole(served, key):
    text = ACCEPTED[key]
    page = served.get(f"id/event/hostile-{key}", headers={"Accept": "text/html"})
    assert page.status_code == 200
    document = html5lib.parse(page.text, namespaceHTMLElements=False)
    scripts = document.findall(".//script")
    assert [s.get("type") for s in scripts] == ["application/ld+json"]
    embedded = json.loads(scripts[0].text)
    assert text in strings(embedded)
    assert text.strip().split()[0] in "".join(document.find(".//h1").itertext())
    for listing in (f"search?q={quote('Atelier')}", "events"):
        answer = served.get(listing)
        assert answer.status_code == 200
        parsed = html5lib.parse(answer.text, namespaceHTMLElements=False)
        assert all(s.get("type") or s.get("src") for s in parsed.findall(".//script"))


def test_sparql_results_are_well_formed_in_every_format(served):
    query = (
        f"{PREFIXES}SELECT ?e ?name WHERE {{ GRAPH <{TESTS_GRAPH}> {{ ?e schema:name ?name "
        'FILTER(lang(?name) = "fr") } } ORDER BY ?e'
    )
    expected = sorted(ACCEPTED.values())

    def ask(media_type: str) -> bytes:
        answer = served.post("sparql", data={"query": query}, headers={"Accept": media_type})
        assert answer.status_code == 200, (media_type, answer.text[:300])
        return answer.content

    xml = etree.fromstring(ask("application/sparql-results+xml"))
    found = xml.findall(".//{http://www.w3.org/2005/sparql-results#}literal")
    assert sorted(e.text for e in found) == sorted(map(as_xml_reads, expected))
    rows = json.loads(ask("application/sparql-results+json"))["results"]["bindings"]
    assert sorted(r["name"]["value"] for r in rows) == expected
    table = list(csv.reader(io.StringIO(ask("text/csv").decode("utf-8"), newline="")))
    assert sorted(row[1] for row in table[1:]) == expected
    lines = ask("text/tab-separated-values").decode("utf-8").split("\n")
    assert len([line for line in lines if line]) == len(expected) + 1  # no row split in two
    graph = Graph().parse(
        data=served.post(
            "sparql",
            data={"query": query.replace("SELECT ?e ?name", "CONSTRUCT { ?e schema:name ?name }")},
            headers={"Accept": "application/rdf+xml"},
        ).content,
        format="xml",
    )
    assert sorted(str(o) for o in graph.objects(None, SDO.name)) == sorted(
        map(as_xml_reads, expected)
    )


def test_a_query_that_makes_a_character_xml_cannot_carry_is_refused_in_xml(served):
    query = 'SELECT ?x WHERE { BIND("a\\u0001b" AS ?x) }'
    for media_type in ("application/sparql-results+xml",):
        answer = served.get(
            "sparql",
            params={"query": query},
            headers={"Accept": media_type + ", application/json;q=0.1"},
        )
        assert answer.status_code == 406, answer.text[:300]
        assert "U+0001" in answer.text
    as_json = served.get(
        "sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    assert as_json.json()["results"]["bindings"][0]["x"]["value"] == "a\x01b"
    construct = 'CONSTRUCT { <urn:x:a> <urn:x:b> ?x } WHERE { BIND("a\\u0001b" AS ?x) }'
    answer = served.get(
        "sparql", params={"query": construct}, headers={"Accept": "application/rdf+xml"}
    )
    assert answer.status_code == 406


def test_graphs_as_rdf_xml_are_well_formed(served):
    answer = served.get(
        f"graphs?graph={quote(str(TESTS_GRAPH))}", headers={"Accept": "application/rdf+xml"}
    )
    assert answer.status_code == 200
    etree.fromstring(answer.content)
    graph = Graph().parse(data=answer.content, format="xml")
    assert {str(o) for o in graph.objects(None, SDO.description)} == {
        as_xml_reads(t) for t in ACCEPTED.values()
    }


@pytest.mark.parametrize("key", sorted(ACCEPTED))
def test_calendars_escape_every_text(served, key):
    """Under ``python -O``: the English calendar of an event whose English name holds CR LF is
    one calendar, its name one property."""
    text = ACCEPTED[key]
    answer = served.get(f"id/event/hostile-{key}.ics", headers={"Accept-Language": "en"})
    assert answer.status_code == 200, answer.text[:300]
    calendar = Calendar.from_ical(answer.content)
    # A text's line break is written \n (RFC 5545 §3.3.11): CR LF reads back as LF.
    said = text.replace("\r\n", "\n") + " (en)"
    lines = answer.content.decode("utf-8").replace("\r\n ", "").split("\r\n")  # unfolded
    assert "X-WR-CALNAME:" + vText(said).to_ical().decode() in lines
    events = calendar.walk("VEVENT")
    assert len(events) == 1 and str(events[0]["SUMMARY"]) == said
    assert "X-INJECTED" not in calendar and "X-INJECTED" not in events[0]
    whole = served.get("calendar/events.ics", headers={"Accept-Language": "en"})
    assert whole.status_code == 200
    names = {str(e["SUMMARY"]) for e in Calendar.from_ical(whole.content).walk("VEVENT")}
    assert said in names


def test_feed_and_sitemap_are_well_formed(served, wait_for_build):
    generation = served.get("healthz").json()["generation"]
    wait_for_build(served, generation)
    feed = served.get("feeds/events.atom")
    assert feed.status_code == 200
    root = etree.fromstring(feed.content)
    titles = {"".join(t.itertext()) for t in root.iter("{http://www.w3.org/2005/Atom}title")}
    assert {as_xml_reads(t) for t in ACCEPTED.values()} <= titles
    sitemap = served.get("sitemap.xml")
    assert sitemap.status_code == 200
    etree.fromstring(sitemap.content)
