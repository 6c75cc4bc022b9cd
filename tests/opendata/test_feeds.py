"""Feeds over HTTP: the Atom feed of events parsed by feedparser as a reader does; the Activity
Streams change feed; and what a write changes: the change feed, the ETags and the catalog's
``modified``, VoID's counts, the dumps, the Atom feed (once the build after the write has
finished) and the sitemap's dates."""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET

import feedparser
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, VOID

from service.config import DEFAULT_BASE
from service.namespaces import GRAPH

BASE = DEFAULT_BASE
AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
LIEVIN = BASE + "id/event/2019-12-04-journee-regionale-lievin"


def test_the_atom_feed_holds_the_seed_events_with_dates_and_places(server, wait_for_build):
    wait_for_build(server)
    response = server.get("feeds/events.atom")
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert any(link.rel == "self" for link in feed.feed.links)
    entries = {entry.id: entry for entry in feed.entries}
    day = entries[LIEVIN]
    assert day.title == "Journée régionale sur la médiation sociale à Liévin"
    assert day.link == server.url + "id/event/2019-12-04-journee-regionale-lievin"
    assert "2019-12-04" in day.summary and "Arena Liévin" in day.summary
    assert any(link.type == "text/calendar" for link in day.links)
    assert day.updated_parsed is not None
    assert {tag.term for tag in day.tags} >= {BASE + "id/theme/illectronisme"}
    saint_quentin = entries[BASE + "id/event/2019-11-19-journee-regionale-saint-quentin"]
    assert "2019-11-19" in saint_quentin.summary and "Saint-Quentin" in saint_quentin.summary
    # Known by its year only: the year as the data gives it, no calendar offered for it.
    restitution = entries[BASE + "id/event/2020-restitution-journees-regionales"]
    assert restitution.summary.startswith("2020\n")
    assert not any(link.type == "text/calendar" for link in restitution.links)


def test_the_change_feed_is_an_ordered_collection(server):
    response = server.get("changes")
    assert response.headers["Content-Type"].startswith("application/activity+json")
    collection = response.json()
    assert collection["@context"] == AS_CONTEXT and collection["type"] == "OrderedCollection"
    assert collection["totalItems"] == 0  # the seed was loaded, not written
    first = server.get(collection["first"][len(server.url) :]).json()
    assert first["type"] == "OrderedCollectionPage" and first["orderedItems"] == []
    as_jsonld = server.get("changes", headers={"Accept": "application/ld+json"})
    assert as_jsonld.headers["Content-Type"].startswith("application/ld+json")
    assert 'profile="https://www.w3.org/ns/activitystreams"' in as_jsonld.headers["Content-Type"]
    assert server.get("changes", params={"after": "x|y", "before": "x|y"}).status_code == 400


@pytest.fixture(scope="module")
def writable(tmp_path_factory, wait_for_build, writable_server):
    running = writable_server(
        tmp_path_factory.mktemp("feeds"),
        {"MEDIATION_PAGE_SIZE": "2", "MEDIATION_BUILD_SETTLE": "0.2"},
    )
    wait_for_build(running)
    yield running
    running.stop()


def catalog_modified(server) -> str:
    graph = Graph().parse(data=server.get("catalog.ttl").content, format="turtle")
    return str(graph.value(URIRef(BASE + "catalog"), DCTERMS.modified))


def void_triples(server) -> int:
    graph = Graph().parse(data=server.get(".well-known/void").content, format="turtle")
    return int(graph.value(URIRef(BASE + "catalog#all"), VOID.triples))


def test_a_write_moves_every_validator_and_date_and_shows_in_the_feeds(
    writable, health, insert_event, wait_for_build
):
    server = writable
    paths = [
        "catalog",
        "catalog.ttl",
        ".well-known/void",
        "dumps/all.nt.gz",
        "changes",
        "feeds/events.atom",
        "calendar/events.ics",
        "sitemap.xml",
        "events",
        "/",
        "id/event/2019-12-04-journee-regionale-lievin",
        "healthz",
    ]
    before = {}
    for path in paths:
        response = server.get(path)
        assert response.status_code == 200, path
        assert response.headers.get("ETag") and response.headers.get("Last-Modified"), path
        again = server.get(path, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304, path
        before[path] = response.headers["ETag"]
    modified, triples = catalog_modified(server), void_triples(server)
    nt_before = len(gzip.decompress(server.get("dumps/all.nt.gz").content).splitlines())

    created = BASE + "id/event/2031-06-12-journee-feeds"
    assert insert_event(server, created, "Journée des flux", start="2031-06-12").status_code in (
        200,
        204,
    )
    # The catalog, VoID, the dumps and the Atom feed come from the build that follows the write.
    wait_for_build(server, health(server)["generation"], timeout=120)

    for path in paths:
        if path == "healthz":
            continue
        response = server.get(path, headers={"If-None-Match": before[path]})
        assert response.status_code == 200, f"{path} did not change with the write"
    assert catalog_modified(server) > modified
    added = void_triples(server) - triples
    assert added >= 5
    assert len(gzip.decompress(server.get("dumps/all.nt.gz").content).splitlines()) > nt_before

    # The change feed: a Create of the new event, newest first.
    collection = server.get("changes").json()
    assert collection["totalItems"] >= 1
    page = server.get(collection["first"][len(server.url) :]).json()
    newest = page["orderedItems"][0]
    assert newest["type"] == "Create" and newest["object"]["id"] == created
    assert newest["object"]["url"] == server.url + "id/event/2031-06-12-journee-feeds"
    assert newest["published"].endswith("Z") and newest["actor"]["name"] == "alice"

    # The Atom feed puts it first, the sitemap dates it from the history, the calendar lists it.
    feed = feedparser.parse(server.get("feeds/events.atom").content)
    assert feed.entries[0].id == created
    assert feed.entries[0].updated.startswith(newest["published"][:10])
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    events_sitemap = ET.fromstring(server.get("sitemaps/event.xml").content)
    dates = {
        u.findtext("s:loc", namespaces=ns): u.findtext("s:lastmod", namespaces=ns)
        for u in events_sitemap.findall("s:url", ns)
    }
    assert dates[server.url + "id/event/2031-06-12-journee-feeds"].startswith(
        newest["published"][:10]
    )
    assert created in server.get("calendar/events.ics", params={"when": "upcoming"}).text.replace(
        "\r\n ", ""
    )


def test_the_change_feed_pages_by_key_both_ways(writable, insert_event, prefixes, update):
    server = writable
    made = [BASE + f"id/event/2032-01-0{n}-journee-page-{n}" for n in range(1, 5)]
    for number, iri in enumerate(made, start=1):
        response = insert_event(server, iri, f"Journée page {number}", start=f"2032-01-0{number}")
        assert response.status_code in (200, 204), response.text
    deleted = update(
        server, f"{prefixes}DELETE WHERE {{ GRAPH <{GRAPH['essais']}> {{ <{made[0]}> ?p ?o }} }}"
    )
    assert deleted.status_code in (200, 204), deleted.text

    collection = server.get("changes").json()
    address = collection["first"]
    seen, pages = [], []
    while address:
        page = server.get(address[len(server.url) :]).json()
        pages.append(page)
        assert len(page["orderedItems"]) <= 2
        seen += [item["id"] for item in page["orderedItems"]]
        address = page.get("next")
    assert len(seen) == len(set(seen)) == collection["totalItems"]
    items = [item for page in pages for item in page["orderedItems"]]
    assert [i["published"] for i in items] == sorted((i["published"] for i in items), reverse=True)
    assert items[0]["type"] == "Delete" and items[0]["object"]["id"] == made[0]
    assert items[0]["object"]["type"] == "Tombstone"
    # Walking back with prev from the last page meets the same items in reverse.
    back, address = [], pages[-1].get("prev")
    while address:
        page = server.get(address[len(server.url) :]).json()
        back = [item["id"] for item in page["orderedItems"]] + back
        address = page.get("prev")
    assert back == seen[: len(back)] and len(back) == len(seen) - len(pages[-1]["orderedItems"])
