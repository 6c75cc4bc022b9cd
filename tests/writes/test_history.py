"""History over HTTP: every accepted write recorded in PROV-O and Activity Streams, queryable
with SPARQL, shown on the pages it touched; deleted resources answer 410 with their tombstone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef

from service.config import DEFAULT_BASE
from service.namespaces import GRAPH, ID

BASE = DEFAULT_BASE
AS = Namespace("https://www.w3.org/ns/activitystreams#")
HISTORY = GRAPH["history"]
QUAD_CAP = 1000  # service.history.QUAD_CAP: the quads a record keeps verbatim


@pytest.fixture(scope="module")
def site(tmp_path_factory, writable_server):
    # Three changes a page, so that a resource's history pages.
    running = writable_server(tmp_path_factory.mktemp("history"), {"MEDIATION_PAGE_SIZE": "3"})
    yield running
    running.stop()


@pytest.fixture(scope="module")
def records_of(select) -> Callable[..., list[dict]]:
    """The history records of a resource, oldest first."""

    def records_of(site, resource) -> list[dict]:
        return select(
            site,
            f"""SELECT ?change ?item ?type ?start ?end ?name ?added ?removed ?addedQuads WHERE {{
            GRAPH <{HISTORY}> {{
              ?item as:object <{resource}> ; a ?type ; dct:isPartOf ?change .
              ?change a prov:Activity ; prov:startedAtTime ?start ; prov:endedAtTime ?end ;
                      prov:influenced <{resource}> ; prov:wasAssociatedWith/foaf:name ?name ;
                      prov:generated ?a ; prov:invalidated ?r .
              ?a void:triples ?added ; rdf:value ?addedQuads . ?r void:triples ?removed .
            }} }} ORDER BY ?end""",
        )

    return records_of


def test_every_write_is_recorded_with_who_when_where_and_what(
    site, ask, insert_event, prefixes, records_of, update
):
    iri = ID["event/atelier-historique"]
    started = datetime.now(UTC) - timedelta(seconds=1)
    assert insert_event(site, iri, "Atelier historique").status_code == 200
    rename = update(
        site,
        f"""{prefixes}DELETE {{ GRAPH ?g {{ <{iri}> schema:name "Atelier historique"@fr }} }}
        INSERT {{ GRAPH ?g {{ <{iri}> schema:name "Atelier d'histoire"@fr }} }}
        WHERE {{ GRAPH ?g {{ <{iri}> schema:name "Atelier historique"@fr }} }}""",
    )
    assert rename.status_code == 200
    rows = records_of(site, iri)
    assert [row["type"] for row in rows] == [str(AS.Create), str(AS.Update)]
    assert [row["name"] for row in rows] == ["alice", "alice"]
    assert [(row["added"], row["removed"]) for row in rows] == [("5", "0"), ("1", "1")]
    assert rename.headers["X-Mediation-Change"] == rows[1]["change"]
    for row in rows:
        start = datetime.fromisoformat(row["start"].replace("Z", "+00:00"))
        end = datetime.fromisoformat(row["end"].replace("Z", "+00:00"))
        assert started <= start <= end <= datetime.now(UTC)
    # The record's N-Quads are the quads the write added, in the graph it wrote to.
    added = Dataset().parse(data=rows[0]["addedQuads"], format="nquads")
    assert (
        iri,
        URIRef("https://schema.org/name"),
        Literal("Atelier historique", lang="fr"),
        GRAPH["essais"],
    ) in added
    assert len(added) == 5
    assert ask(
        site,
        f"ASK {{ GRAPH <{HISTORY}> {{ <{rows[0]['change']}> as:target <{GRAPH['essais']}> }} }}",
    )


def test_a_large_write_keeps_its_counts_and_says_its_quads_were_cut(site, select, update):
    triples = " ".join(
        f'<http://example.org/bulk/{i}> <http://example.org/n> "{i}" .'
        for i in range(QUAD_CAP + 200)
    )
    answer = update(site, f"INSERT DATA {{ GRAPH <http://example.org/bulk> {{ {triples} }} }}")
    assert answer.status_code == 200
    change = answer.headers["X-Mediation-Change"]
    rows = select(
        site,
        f"""SELECT ?count ?quads ?comment WHERE {{ GRAPH <{HISTORY}> {{
        <{change}> prov:generated ?a . ?a void:triples ?count ; <http://www.w3.org/1999/02/22-rdf-syntax-ns#value> ?quads ;
        rdfs:comment ?comment FILTER(LANG(?comment) = "en") }} }}""",
    )
    assert len(rows) == 1
    assert rows[0]["count"] == str(QUAD_CAP + 200)
    assert len(rows[0]["quads"].splitlines()) == QUAD_CAP
    assert f"first {QUAD_CAP} of {QUAD_CAP + 200}" in rows[0]["comment"]


def test_the_page_shows_the_history_newest_first_and_pages_it(
    site, insert_event, prefixes, records_of, update
):
    iri = ID["event/atelier-pages-d-historique"]
    assert insert_event(site, iri, "Atelier aux pages d'historique").status_code == 200
    for n in range(3):
        changed = update(
            site,
            f"""{prefixes}INSERT DATA {{ GRAPH <{GRAPH["essais"]}> {{
            <{iri}> schema:description "Version {n}"@fr }} }}""",
        )
        assert changed.status_code == 200
        remove = update(
            site,
            f"""{prefixes}DELETE DATA {{ GRAPH <{GRAPH["essais"]}> {{
            <{iri}> schema:description "Version {n}"@fr }} }}""",
        )
        assert remove.status_code == 200
    changes = [row["change"] for row in records_of(site, iri)]
    assert len(changes) == 7
    newest_first = [c[len(BASE) - 1 :] for c in reversed(changes)]
    collected: list[str] = []
    url = "id/event/atelier-pages-d-historique"
    pages = 0
    while url:
        page = site.get(url, headers={"Accept": "text/html", "Accept-Language": "en"})
        assert page.status_code == 200
        assert "History" in page.text
        section = page.text.split('id="history-title"', 1)[1].split("</section>", 1)[0]
        collected += [
            piece.split('"', 1)[0]
            for piece in section.split('href="')[1:]
            if piece.startswith("/id/change/")
        ]
        following = [piece.split('"', 1)[0] for piece in section.split('rel="next" href="')[1:]]
        url = following[0].lstrip("/").replace("&amp;", "&") if following else None
        pages += 1
    assert collected == newest_first
    assert pages == 3


def test_history_links_are_not_listed_as_incoming_links(site, insert_event):
    iri = ID["event/atelier-sans-liens-d-historique"]
    assert insert_event(site, iri, "Atelier sans liens d'historique").status_code == 200
    page = site.get(
        "id/event/atelier-sans-liens-d-historique", headers={"Accept": "text/html"}
    ).text
    incoming = page.split('id="incoming-title"', 1)[1] if 'id="incoming-title"' in page else ""
    assert "/id/change/" not in incoming.split('id="history-title"', 1)[0]


def test_a_deleted_resource_answers_410_with_what_it_was_and_when_it_went(
    site, ask, insert_event, update
):
    iri = ID["event/atelier-supprime"]
    assert insert_event(site, iri, "Atelier supprimé").status_code == 200
    assert site.get("id/event/atelier-supprime", headers={"Accept": "text/html"}).status_code == 200
    deleted = update(
        site,
        f"DELETE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }} WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }}",
        {"Accept": "application/json"},
    )
    assert deleted.status_code == 200
    assert deleted.json()["resources"] == [{"iri": str(iri), "action": "delete"}]
    page = site.get("id/event/atelier-supprime", headers={"Accept": "text/html"})
    assert page.status_code == 410
    assert (
        "Atelier supprimé" in page.text
        and "supprimé le" in page.text
        and "was deleted on" in page.text
    )
    plain = site.get("id/event/atelier-supprime", headers={"Accept": "text/plain"})
    assert plain.status_code == 410 and "Atelier supprimé" in plain.text
    as_json = site.get(
        "id/event/atelier-supprime",
        headers={"Accept": "application/problem+json, application/json;q=0.1"},
    )
    assert as_json.status_code == 410
    turtle = site.get("id/event/atelier-supprime.ttl")
    assert turtle.status_code == 410
    tombstone = Graph().parse(data=turtle.text, format="turtle")
    node = tombstone.value(predicate=URIRef("http://purl.org/dc/terms/isVersionOf"), object=iri)
    assert (node, AS.formerType, URIRef("https://schema.org/Event")) in tombstone
    assert (node, AS.name, Literal("Atelier supprimé", lang="fr")) in tombstone
    when = tombstone.value(node, AS.deleted).toPython()
    assert abs((datetime.now(UTC) - when).total_seconds()) < 120
    assert ask(site, f"ASK {{ GRAPH <{HISTORY}> {{ ?c prov:invalidated <{iri}> }} }}")
    # Written again, it lives again.
    assert insert_event(site, iri, "Atelier supprimé").status_code == 200
    assert site.get("id/event/atelier-supprime", headers={"Accept": "text/html"}).status_code == 200


def test_a_resource_never_written_is_404_not_410(site):
    assert site.get("id/event/jamais-ecrit", headers={"Accept": "text/html"}).status_code == 404


def test_the_history_is_queryable_as_a_feed_of_changes(site, select):
    rows = select(
        site,
        f"""SELECT ?item ?type ?object ?published WHERE {{ GRAPH <{HISTORY}> {{
        ?item a ?type ; as:object ?object ; as:published ?published .
        VALUES ?type {{ as:Create as:Update as:Delete }} }} }} ORDER BY DESC(?published) LIMIT 5""",
    )
    assert len(rows) == 5
    # Compared as times: the canonical form of a time on a whole second has no fraction
    # ("…:06Z" comes after "…:06.568Z" as a string, before it as a time).
    stamps = [datetime.fromisoformat(row["published"]) for row in rows]
    assert stamps == sorted(stamps, reverse=True)


def test_with_history_off_a_write_leaves_no_record(
    tmp_path, ask, health, insert_event, writable_server
):
    quiet = writable_server(tmp_path, {"MEDIATION_RECORD_HISTORY": "false"})
    try:
        answer = insert_event(quiet, ID["event/sans-trace"], "Sans trace")
        assert answer.status_code == 200
        assert "X-Mediation-Change" not in answer.headers
        assert not ask(quiet, f"ASK {{ GRAPH <{HISTORY}> {{ ?s ?p ?o }} }}")
        assert health(quiet)["generation"] > 0
    finally:
        quiet.stop()
