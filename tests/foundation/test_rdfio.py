"""Parsing RDF safely: format from the label or the content, a line and a reason on errors,
no network ever."""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from service import rdfio
from service.errors import RdfSyntaxError
from service.formats import JSONLD, RDFXML, TURTLE
from service.namespaces import MED, PREFIXES, SDO

EX = "http://example.org/"

TURTLE_DOC = b"""@prefix ex: <http://example.org/> .
ex:a ex:name "un"@fr ; ex:knows ex:b .
"""
EXPECTED = Graph().parse(data=TURTLE_DOC, format="turtle")

RDFXML_DOC = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
  <rdf:Description rdf:about="http://example.org/a">
    <ex:name xml:lang="fr">un</ex:name>
    <ex:knows rdf:resource="http://example.org/b"/>
  </rdf:Description>
</rdf:RDF>
"""
JSONLD_DOC = json.dumps(
    {
        "@context": {"ex": EX, "ex:knows": {"@type": "@id"}},
        "@id": "ex:a",
        "ex:name": {"@value": "un", "@language": "fr"},
        "ex:knows": "ex:b",
    }
).encode()
NTRIPLES_DOC = (
    b'<http://example.org/a> <http://example.org/name> "un"@fr .\n'
    b"<http://example.org/a> <http://example.org/knows> <http://example.org/b> .\n"
)


@pytest.mark.parametrize(
    "name, data",
    [
        ("doc.ttl", TURTLE_DOC),
        ("doc.rdf", RDFXML_DOC),
        ("doc.jsonld", JSONLD_DOC),
        ("doc.nt", NTRIPLES_DOC),
        # the label lies: the content decides
        ("lying.ttl", RDFXML_DOC),
        ("lying.ttl", JSONLD_DOC),
        ("lying.jsonld", TURTLE_DOC),
        ("lying.rdf", TURTLE_DOC),
        ("lying.json", NTRIPLES_DOC),
        ("no-extension", JSONLD_DOC),
        ("no-extension", RDFXML_DOC),
        ("no-extension", TURTLE_DOC),
    ],
)
def test_parses_each_format_by_label_or_content(name, data):
    assert isomorphic(rdfio.parse(data, name=name), EXPECTED)


@pytest.mark.parametrize("fmt", [TURTLE, "text/turtle", "application/x-turtle", "turtle"])
def test_format_given_by_object_media_type_or_name(fmt):
    assert isomorphic(rdfio.parse(TURTLE_DOC, fmt=fmt), EXPECTED)


def test_unknown_format_is_an_error():
    with pytest.raises(RdfSyntaxError) as caught:
        rdfio.parse(TURTLE_DOC, fmt="text/csv")
    assert "text/csv" in caught.value.message_en and "text/csv" in caught.value.message_fr


def test_quads_formats_give_the_union_or_keep_their_graphs():
    trig = b'@prefix ex: <http://example.org/> .\nex:g1 { ex:a ex:name "un"@fr }\nex:g2 { ex:a ex:knows ex:b }\n'
    assert isomorphic(rdfio.parse(trig, name="doc.trig"), EXPECTED)
    dataset = rdfio.parse_dataset(trig, name="doc.trig")
    assert {g.identifier for g in dataset.graphs() if len(g)} == {
        URIRef(EX + "g1"),
        URIRef(EX + "g2"),
    }


def test_triples_go_to_the_named_graph_asked_for():
    dataset = rdfio.parse_dataset(TURTLE_DOC, name="doc.ttl", graph=URIRef(EX + "g"))
    assert len(dataset.graph(URIRef(EX + "g"))) == 2
    assert len(dataset.default_graph) == 0


@pytest.mark.parametrize(
    "name, data, line, column, reason",
    [
        (
            "broken.ttl",
            b'@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b "open .\n',
            3,
            18,
            "newline found in string literal",
        ),
        (
            "unbound.ttl",
            b"@prefix ex: <http://example.org/> .\n\nex:a foo:b ex:c .\n",
            3,
            None,
            'Prefix "foo:" not bound',
        ),
        (
            "broken.rdf",
            b"<?xml version='1.0'?>\n<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>\n"
            b"<rdf:Description rdf:about='http://example.org/a'>\n</rdf:RDF>\n",
            4,
            3,
            "mismatched tag",
        ),
        (
            "bad-attribute.rdf",
            b"<?xml version='1.0'?>\n<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>\n"
            b"<rdf:Description rdf:about='http://example.org/a' rdf:resource='x' rdf:parseType='Literal'/>\n</rdf:RDF>\n",
            3,
            None,
            "Invalid property attribute",
        ),
        (
            "broken.jsonld",
            b'{\n  "@id": "http://example.org/a",\n  "http://example.org/b": [1, 2,\n}\n',
            4,
            1,
            "Expecting value",
        ),
        (
            "broken.nt",
            b"<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n"
            b'<http://example.org/a> <http://example.org/b> "open .\n',
            2,
            47,  # where the string that never ends opens (Oxigraph's parser places it)
            "Unexpected end of file",
        ),
        (
            # A statement cut short at the end: rdflib's Turtle parser says only "string
            # index out of range"; the reason and place are Oxigraph's.
            "cut.ttl",
            b"@prefix s: <https://schema.org/> .\n<http://example.org/a> a s:Event ; s:name",
            2,
            42,
            "Unexpected end",
        ),
        (
            "latin1.ttl",
            b'<http://example.org/a> <http://example.org/b> "ok" .\n<http://example.org/a> <http://example.org/b> "caf\xe9" .\n',
            2,
            51,
            "not UTF-8",
        ),
    ],
)
def test_syntax_errors_name_the_file_line_and_reason(name, data, line, column, reason):
    with pytest.raises(RdfSyntaxError) as caught:
        rdfio.parse(data, name=name)
    error = caught.value
    assert error.status == 400
    assert error.details["source"] == name
    assert error.details["line"] == line
    if column is not None:
        assert error.details["column"] == column
    assert reason in error.details["reason"]
    assert (
        f"{name}, ligne {line}" in error.message_fr and f"{name}, line {line}" in error.message_en
    )
    assert reason in error.message_fr and reason in error.message_en
    assert "Traceback" not in error.bilingual()


def test_failed_parse_adds_nothing_to_the_target():
    target = Graph()
    target.add((URIRef(EX + "kept"), URIRef(EX + "p"), Literal("x")))
    half_broken = b"@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e .\n"
    with pytest.raises(RdfSyntaxError):
        rdfio.parse(half_broken, name="half.ttl", into=target)
    assert len(target) == 1


def test_mislabelled_broken_content_reports_what_it_looks_like():
    with pytest.raises(RdfSyntaxError) as caught:
        rdfio.parse(b'{"@id": "http://example.org/a", }', name="data.ttl")
    assert caught.value.details["format"] == "jsonld"
    assert "looks like JSON-LD although its name or type says Turtle" in caught.value.message_en
    assert "ressemble à du JSON-LD" in caught.value.message_fr


def test_missing_file_is_reported_by_name(tmp_path):
    with pytest.raises(RdfSyntaxError) as caught:
        rdfio.parse_file(tmp_path / "absent.ttl", name="absent.ttl")
    assert caught.value.message_en == "absent.ttl: no such file."
    assert caught.value.message_fr == "absent.ttl : fichier introuvable."


def test_parse_files_merges_files(tmp_path):
    (tmp_path / "one.ttl").write_bytes(
        b'@prefix ex: <http://example.org/> .\nex:a ex:name "un"@fr .\n'
    )
    (tmp_path / "two.jsonld").write_text(
        json.dumps({"@id": EX + "a", EX + "knows": {"@id": EX + "b"}})
    )
    assert isomorphic(rdfio.parse_files([tmp_path / "one.ttl", tmp_path / "two.jsonld"]), EXPECTED)


# -- JSON-LD contexts: never fetched ---------------------------------------------------------


@pytest.fixture
def listener():
    """A TCP listener on the loopback that records every connection made to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    connections: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                client, _ = server.accept()
            except OSError:
                continue
            client.settimeout(1)
            try:
                connections.append(client.recv(4096))
            except OSError:
                connections.append(b"")
            client.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/", connections
    stop.set()
    thread.join(timeout=5)
    server.close()


@pytest.mark.parametrize(
    "shape",
    [
        lambda url: {"@context": url, "name": "x"},
        lambda url: {"@context": [{"@vocab": "https://schema.org/"}, url], "name": "x"},
        lambda url: {"@context": {"@import": url}, "name": "x"},
        lambda url: {"@graph": [{"@context": url, "@id": EX + "a", "name": "x"}]},
        lambda url: {
            "@context": {"ex": EX, "p": {"@id": "ex:p", "@context": url}},
            "p": {"name": "x"},
        },
    ],
    ids=["top", "in-list", "import", "nested-node", "scoped"],
)
def test_remote_context_is_refused_without_connecting(listener, shape):
    url, connections = listener
    document = json.dumps(shape(url + "context.jsonld")).encode()
    with pytest.raises(RdfSyntaxError) as caught:
        rdfio.parse(document, name="remote.jsonld")
    assert caught.value.details["reason"] == "remote-context"
    assert url in caught.value.message_en and url in caught.value.message_fr
    assert "https://w3id.org/mediation-sociale/context.jsonld" in caught.value.message_en
    assert connections == []


def test_rdfxml_external_entities_are_not_fetched(listener):
    url, connections = listener
    document = f"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF SYSTEM "{url}doctype.dtd" [ <!ENTITY ext SYSTEM "{url}entity"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
  <rdf:Description rdf:about="http://example.org/a"><ex:b>&ext;</ex:b></rdf:Description>
</rdf:RDF>""".encode()
    # Refused before parsing, as every entity declaration is: nothing is fetched or expanded.
    with pytest.raises(RdfSyntaxError) as refused:
        rdfio.parse(document, name="entity.rdf")
    assert refused.value.details["line"] == 2
    assert "<!ENTITY ext>" in refused.value.message_en
    assert connections == []


def test_rdfxml_entity_declarations_are_refused_before_they_are_expanded():
    """A billion-laughs document: refused from its prologue, in any encoding it declares."""
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "ha"}">' for i in range(10))
    text = f"""<?xml version="1.0" encoding="UTF-16"?>
<!DOCTYPE rdf:RDF [{laughs}]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
  <rdf:Description rdf:about="http://example.org/a"><ex:b>&l9;</ex:b></rdf:Description>
</rdf:RDF>"""
    with pytest.raises(RdfSyntaxError) as refused:
        rdfio.parse(text.encode("utf-16"), fmt="application/rdf+xml", name="laughs.rdf")
    assert refused.value.details["line"] == 2
    assert "<!ENTITY l0>" in refused.value.message_en
    # A DOCTYPE that declares no entity is harmless, and read as before.
    plain = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
  <rdf:Description rdf:about="http://example.org/a"><ex:b>c</ex:b></rdf:Description>
</rdf:RDF>"""
    graph = rdfio.parse(plain.encode(), name="plain.rdf")
    assert graph.value(URIRef(EX + "a"), URIRef(EX + "b")) == Literal("c")


@pytest.mark.parametrize(
    "base_url", ["https://w3id.org/mediation-sociale/", "http://localhost:8000/"]
)
def test_project_context_is_substituted_locally(listener, base_url):
    url, connections = listener
    document = json.dumps(
        {
            "@context": base_url + "context.jsonld",
            "@id": base_url + "id/event/x",
            "@type": "Event",
            "name": {"@value": "Journée", "@language": "fr"},
            "med:participantCount": 250,
        }
    ).encode()
    graph = rdfio.parse(document, name="ours.jsonld", base_url=base_url)
    event = URIRef(base_url + "id/event/x")
    assert (event, URIRef(str(SDO) + "name"), Literal("Journée", lang="fr")) in graph
    # The vocabulary is persistent: its terms stay under the default base whatever the base.
    assert graph.value(event, MED.participantCount) == Literal(250)
    assert connections == []


def test_context_file_maps_every_prefix_and_schema_org():
    context = json.loads(rdfio.CONTEXT_FILE.read_text(encoding="utf-8"))["@context"]
    assert context["@vocab"] == "https://schema.org/"
    assert {k: v for k, v in context.items() if not k.startswith("@")} == PREFIXES
    assert context["med"] == str(MED)


def test_sniffing_table():
    assert rdfio.sniff(b'  \n{"@id": 1}') is JSONLD
    assert rdfio.sniff(b"[]") is JSONLD
    assert rdfio.sniff(b"\xef\xbb\xbf<?xml version='1.0'?><x/>") is RDFXML
    assert rdfio.sniff(b"<rdf:RDF xmlns:rdf='x'/>") is RDFXML
    assert (
        rdfio.sniff(b"<http://example.org/a> <http://example.org/b> <http://example.org/c> .")
        is TURTLE
    )
    assert rdfio.sniff(b"@prefix ex: <http://example.org/> .") is TURTLE
    assert (
        rdfio.sniff(b"{ <http://example.org/a> <http://example.org/b> <http://example.org/c> }").key
        == "trig"
    )
    assert rdfio.sniff(b"   ") is None


def test_project_files_parse(tmp_path):
    root = Path(__file__).resolve().parents[2]
    files = sorted((root / "ontology").glob("*.ttl")) + sorted((root / "data").glob("*.ttl"))
    assert files, "ontology/ and data/ hold Turtle files"
    assert len(rdfio.parse_files(files)) > 0
