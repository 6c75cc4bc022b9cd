"""The sitemap's files, cut as the sitemaps protocol says (at most 50,000 URLs a file, a page
taking one URL per interface language): the build's inventory records each file (its kind,
page, first IRI, number of URLs, latest date) and a file is one keyed read from its first
IRI. Checked here with a small limit; the routes that serve them are checked over HTTP in
``pages/test_resources.py`` and ``pages/test_languages.py`` and, against the store's reads,
in ``web/test_bounded_requests.py``."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from rdflib import URIRef

from service.formats import TURTLE
from service.opendata.build import INVENTORY, Build, SitemapFile, write_inventory
from service.opendata.sitemap import URLS_PER_PAGE, Inventory, inventory
from service.store.embedded import EmbeddedStore

BASE = "https://w3id.org/mediation-sociale/"


def test_each_kind_is_cut_into_files_read_by_key(tmp_path):
    events = [
        (URIRef(f"{BASE}id/event/e{n:02d}"), f"2020-01-{n + 1:02d}" if n % 3 else None)
        for n in range(7)
    ]
    actors = [(URIRef(f"{BASE}id/actor/a{n}"), None) for n in range(2)]
    write_inventory(
        tmp_path / INVENTORY,
        Inventory({"event": list(reversed(events)), "actor": actors, "place": []}),
        limit=3 * URLS_PER_PAGE + 1,  # three pages a file: a fourth would pass the limit
    )
    build = Build(
        tmp_path, 1, datetime.now(UTC), datetime.now(UTC), None, None, None
    )  # only the inventory is read here
    files = build.sitemap_files()
    per = URLS_PER_PAGE  # each page in each interface language
    assert per == 2
    assert files == [
        SitemapFile("actor", 1, str(actors[0][0]), 2 * per, None),
        SitemapFile("event", 1, str(events[0][0]), 3 * per, "2020-01-03"),
        SitemapFile("event", 2, str(events[3][0]), 3 * per, "2020-01-06"),
        SitemapFile("event", 3, str(events[6][0]), 1 * per, None),  # no date: none invented
    ]
    read = []
    for file in files:
        if file.kind == "event":
            page = build.listed("event", file.urls // per, file.first)
            assert len(page) * per == file.urls
            read += page
    assert read == events, "the files hold every event once, in IRI order"
    assert build.kinds() == ["actor", "event"]


def test_a_local_time_is_dated_with_the_offset_of_its_date(tmp_path):
    """The protocol's W3C Datetime requires an offset with a time: a local time of the data
    takes the zone's for that date; a day stays a day."""
    store = EmbeddedStore(tmp_path / "store", workers=False)
    try:
        data = f"""
        @prefix schema: <https://schema.org/> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <{BASE}id/event/hiver> a schema:Event ;
            schema:dateModified "2024-12-04T09:00:00"^^xsd:dateTime .
        <{BASE}id/event/ete> a schema:Event ;
            schema:dateModified "2024-07-04T09:00:00"^^xsd:dateTime .
        <{BASE}id/event/jour> a schema:Event ; schema:dateModified "2024-07-04"^^xsd:date .
        """
        store.load(data.encode("utf-8"), TURTLE, URIRef(BASE + "graph/essais"))
        dated = dict(inventory(store, BASE, ZoneInfo("Europe/Paris")).kinds["event"])
        cayenne = dict(inventory(store, BASE, ZoneInfo("America/Cayenne")).kinds["event"])
    finally:
        store.close()
    assert dated[URIRef(BASE + "id/event/hiver")] == "2024-12-04T09:00:00+01:00"
    assert dated[URIRef(BASE + "id/event/ete")] == "2024-07-04T09:00:00+02:00"
    assert dated[URIRef(BASE + "id/event/jour")] == "2024-07-04"
    assert cayenne[URIRef(BASE + "id/event/ete")] == "2024-07-04T09:00:00-03:00"
