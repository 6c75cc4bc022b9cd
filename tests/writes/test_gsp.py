"""The SPARQL 1.1 Graph Store HTTP Protocol at ``/graphs``: status codes, formats, graph
creation, direct identification of our graphs, bodies too large or malformed."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
import requests
from rdflib import Dataset, Graph, Literal, URIRef

from service.config import DEFAULT_BASE
from service.namespaces import GRAPH, ID

BASE = DEFAULT_BASE
EX = "http://example.org/gsp/"
PERSON = f"""@prefix foaf: <http://xmlns.com/foaf/0.1/> .
<{EX}person/1> a foaf:Person ; foaf:businessCard [ a <http://www.w3.org/2006/vcard/ns#VCard> ; <http://www.w3.org/2006/vcard/ns#fn> "John Doe" ] .
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory, writable_server):
    running = writable_server(
        tmp_path_factory.mktemp("gsp"), {"MEDIATION_MAX_UPLOAD_BYTES": "200000"}
    )
    yield running
    running.stop()


@pytest.fixture(scope="module")
def turtle(auth) -> dict[str, str]:
    """The headers of alice's Turtle uploads."""
    return {**auth, "Content-Type": "text/turtle; charset=utf-8"}


@pytest.fixture(scope="module")
def put(turtle) -> Callable[..., requests.Response]:
    """PUT a graph, as alice's Turtle unless told."""

    def put(site, graph: str, body: str | bytes, headers=turtle):
        data = body.encode("utf-8") if isinstance(body, str) else body
        return site.request("PUT", "graphs", params={"graph": graph}, data=data, headers=headers)

    return put


def test_put_creates_then_replaces_get_reads_delete_removes(
    site, ask, auth, graph_of, put, same_graph
):
    graph = EX + "people"
    created = put(site, graph, PERSON)
    assert created.status_code == 201
    assert same_graph(graph_of(site, graph), Graph().parse(data=PERSON, format="turtle"))
    replacement = PERSON.replace("John Doe", "Jane Doe")
    assert put(site, graph, replacement).status_code == 204
    assert same_graph(graph_of(site, graph), Graph().parse(data=replacement, format="turtle"))
    head = site.request(
        "HEAD", "graphs", params={"graph": graph}, headers={"Accept": "text/turtle"}
    )
    assert head.status_code == 200 and head.headers["Content-Type"].startswith("text/turtle")
    assert (
        site.request("DELETE", "graphs", params={"graph": graph}, headers=auth).status_code == 204
    )
    assert site.get("graphs", params={"graph": graph}).status_code == 404
    assert site.request("HEAD", "graphs", params={"graph": graph}).status_code == 404
    assert (
        site.request("DELETE", "graphs", params={"graph": graph}, headers=auth).status_code == 404
    )
    assert not ask(site, f"ASK {{ GRAPH ?g {{ <{EX}person/1> ?p ?o }} }}")
    listed = site.get(
        "sparql",
        params={"query": "SELECT DISTINCT ?g { GRAPH ?g {} }"},
        headers={"Accept": "application/sparql-results+json"},
    ).json()
    assert graph not in [row["g"]["value"] for row in listed["results"]["bindings"]]


def test_post_merges_into_a_graph_and_creates_it_when_missing(site, graph_of, turtle):
    graph = EX + "merged"
    assert (
        site.post(
            "graphs", params={"graph": graph}, data=f"<{EX}a> <{EX}p> 1 .".encode(), headers=turtle
        ).status_code
        == 201
    )
    assert (
        site.post(
            "graphs", params={"graph": graph}, data=f"<{EX}a> <{EX}p> 2 .".encode(), headers=turtle
        ).status_code
        == 204
    )
    values = {o.toPython() for o in graph_of(site, graph).objects()}
    assert values == {1, 2}


def test_post_to_the_store_creates_a_graph_and_says_where(site, graph_of, turtle):
    created = site.post("graphs", data=f"<{EX}new> <{EX}p> 'nouveau' .".encode(), headers=turtle)
    assert created.status_code == 201
    location = created.headers["Location"]
    assert location.startswith(BASE + "graph/")
    assert (URIRef(f"{EX}new"), URIRef(f"{EX}p"), Literal("nouveau")) in graph_of(site, location)


def test_post_of_a_dataset_to_the_store_fills_the_graphs_it_names(site, ask, auth):
    trig = f"<{EX}g1> {{ <{EX}s> <{EX}p> 1 }} <{EX}g2> {{ <{EX}s> <{EX}p> 2 }}"
    answer = site.post(
        "graphs", data=trig.encode(), headers={**auth, "Content-Type": "application/trig"}
    )
    assert answer.status_code == 204, answer.text
    assert ask(
        site,
        f"ASK {{ GRAPH <{EX}g1> {{ <{EX}s> <{EX}p> 1 }} GRAPH <{EX}g2> {{ <{EX}s> <{EX}p> 2 }} }}",
    )
    nquads = f'<{EX}s> <{EX}p> "3"^^<http://www.w3.org/2001/XMLSchema#integer> <{EX}g3> .\n'
    assert (
        site.post(
            "graphs", data=nquads.encode(), headers={**auth, "Content-Type": "application/n-quads"}
        ).status_code
        == 204
    )
    dataset = site.get(
        "graphs", params={"graph": EX + "g3"}, headers={"Accept": "application/n-quads"}
    )
    assert dataset.headers["Content-Type"].startswith("application/n-quads")
    parsed = Dataset().parse(data=dataset.text, format="nquads")
    assert (URIRef(f"{EX}s"), URIRef(f"{EX}p"), Literal(3), URIRef(f"{EX}g3")) in parsed


def test_a_dataset_to_one_graph_is_415(site, auth, put):
    answer = put(
        site,
        EX + "one",
        f"<{EX}g1> {{ <{EX}s> <{EX}p> 1 }}",
        {**auth, "Content-Type": "application/trig"},
    )
    assert answer.status_code == 415


def test_the_default_graph(site, turtle):
    body = f"<{EX}d> <{EX}p> 'défaut' ."
    assert site.request(
        "PUT", "graphs", params={"default": ""}, data=body.encode(), headers=turtle
    ).status_code in (201, 204)
    got = site.get("graphs", params={"default": ""}, headers={"Accept": "application/n-triples"})
    assert got.status_code == 200
    assert (URIRef(f"{EX}d"), URIRef(f"{EX}p"), Literal("défaut")) in Graph().parse(
        data=got.text, format="nt"
    )
    assert site.get("graphs", params={"default": "", "graph": EX + "x"}).status_code == 400


@pytest.mark.parametrize(
    "accept,fmt",
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_a_graph_is_served_in_each_format(site, accept, fmt, graph_of, same_graph):
    graph = str(GRAPH["irev-2019-12-13-lievin"])
    answer = site.get("graphs", params={"graph": graph}, headers={"Accept": accept})
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith(accept)
    parsed = Graph().parse(data=answer.text, format=fmt)
    assert same_graph(parsed, graph_of(site, graph))
    assert len(parsed) > 100


@pytest.mark.parametrize(
    "content_type,body",
    [
        ("application/n-triples", f'<{EX}f> <{EX}p> "nt" .\n'),
        ("application/ld+json", json.dumps({"@id": f"{EX}f", f"{EX}p": "json"})),
        (
            "application/rdf+xml",
            f'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            f'xmlns:e="{EX}"><rdf:Description rdf:about="{EX}f"><e:p>xml</e:p>'
            f"</rdf:Description></rdf:RDF>",
        ),
    ],
)
def test_each_input_format_is_read(site, content_type, body, auth, graph_of, put):
    graph = EX + "formats/" + content_type.split("/")[1]
    assert put(site, graph, body, {**auth, "Content-Type": content_type}).status_code == 201
    assert len(graph_of(site, graph)) == 1


def test_multipart_form_data_posts_each_part_in_its_own_format(site, auth, graph_of):
    graph = EX + "multipart"
    boundary = "a6fe4cd636164618814be9f8d3d1a0de"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="a.ttl"; filename="a.ttl"\r\n'
        f'Content-Type: text/turtle\r\n\r\n<{EX}m> <{EX}family> "Doe" .\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="b.nt"; filename="b.nt"\r\n'
        f'Content-Type: application/n-triples\r\n\r\n<{EX}m> <{EX}given> "Jane" .\r\n'
        f"--{boundary}--\r\n"
    )
    answer = site.post(
        "graphs",
        params={"graph": graph},
        data=body.encode(),
        headers={**auth, "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert answer.status_code == 201, answer.text
    assert {str(o) for o in graph_of(site, graph).objects()} == {"Doe", "Jane"}


def test_direct_identification_of_our_graphs(site, auth, graph_of, same_graph, turtle):
    name = "essais/personne/1.ttl"
    graph = BASE + "graph/" + name
    assert (
        site.request("PUT", f"graphs/{name}", data=PERSON.encode(), headers=turtle).status_code
        == 201
    )
    direct = site.get(f"graphs/{name}", headers={"Accept": "text/turtle"})
    assert direct.status_code == 200
    assert same_graph(Graph().parse(data=direct.text, format="turtle"), graph_of(site, graph))
    assert site.request("DELETE", f"graphs/{name}", headers=auth).status_code == 204
    assert site.get(f"graphs/{name}").status_code == 404
    assert site.request("HEAD", "graphs/essais/absent").status_code == 404


def test_an_upload_is_validated_like_any_write(site, event_turtle, health, prefixes, put):
    before = health(site)
    invalid = f"{prefixes}\n" + event_turtle(ID["event/sans-date-valide"], "Sans date").replace(
        '"2024-05-02"^^xsd:date', '"un jour"'
    )
    answer = put(site, str(GRAPH["essais-gsp"]), invalid)
    assert answer.status_code == 422
    assert "schema:startDate" in answer.json()["summary"]["en"]
    assert health(site) == before
    valid = f"{prefixes}\n" + event_turtle(ID["event/par-le-protocole"], "Par le protocole")
    assert put(site, str(GRAPH["essais-gsp"]), valid).status_code == 201


def test_malformed_rdf_is_400_with_the_line_and_the_reason(site, auth, put):
    answer = put(
        site,
        EX + "bad",
        f"<{EX}a> <{EX}b> <{EX}c> .\n<{EX}a> <{EX}b> .\n",
        {**auth, "Content-Type": "application/n-triples", "Accept": "application/json"},
    )
    assert answer.status_code == 400
    body = answer.json()
    assert body["error"] == "rdf-syntax" and body["line"] == 2
    assert "N-Triples" in body["message"]["en"]


def test_unknown_types_and_methods(site, auth, put, turtle):
    assert put(site, EX + "x", b"\x89PNG", {**auth, "Content-Type": "image/png"}).status_code == 415
    assert put(site, EX + "x", "<a> <b> <c> .", {**auth}).status_code == 415
    assert (
        site.request("PATCH", "graphs", params={"graph": EX + "x"}, headers=auth).status_code == 405
    )
    assert site.request("PUT", "graphs", data=b"", headers=turtle).status_code == 400


def test_a_body_over_the_limit_is_413_before_it_is_read(site, auth, put):
    line = f'<{EX}big> <{EX}p> "{"x" * 100}" .\n'
    body = line.encode() * 3000
    assert len(body) > 200000
    answer = put(site, EX + "big", body, {**auth, "Content-Type": "application/n-triples"})
    assert answer.status_code == 413
    chunked = site.request(
        "PUT",
        "graphs",
        params={"graph": EX + "big"},
        data=iter([body]),
        headers={**auth, "Content-Type": "application/n-triples"},
    )
    assert chunked.status_code == 413
    assert site.get("graphs", params={"graph": EX + "big"}).status_code == 404
