"""The routes that used to read the whole store on a request read nothing of it now: health,
the sitemap, the home page, the unfiltered lists and their facets, and incoming links. What
they show comes from the search index (kept by each write) and from the last open-data build.

In process, on a real embedded store, with the application the server runs (``create_app``,
its background builders included): the store is wrapped to record the reads each request
makes — over HTTP nothing would tell a read of the store from one of the index. A read made
by a background thread is not the request's and is not recorded.
"""

from __future__ import annotations

import threading
import time
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import XSD

from service.app import create_app
from service.config import DEFAULT_BASE, load_config
from service.namespaces import HYDRA, SDO
from service.store.embedded import EmbeddedStore
from service.writes.loading import ensure_seeded

BASE = DEFAULT_BASE
THEME = BASE + "id/theme/illectronisme"
TOKEN = "jeton-borne-5d1e"
SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


class RecordingStore(EmbeddedStore):
    """An embedded store that records the reads made by one thread (the test's)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reads: list[tuple[str, str]] = []
        self.watched: int | None = None

    def _record(self, kind: str, detail: str) -> None:
        if threading.get_ident() == self.watched:
            self.reads.append((kind, detail))

    def select(self, query, bindings=None):
        self._record("select", query)
        return super().select(query, bindings)

    def ask(self, query, bindings=None):
        self._record("ask", query)
        return super().ask(query, bindings)

    def construct(self, query, bindings=None):
        self._record("construct", query)
        return super().construct(query, bindings)

    def quads(self, subject=None, predicate=None, obj=None, graph=...):
        self._record("quads", f"{subject} {predicate} {obj}")
        return super().quads(subject, predicate, obj, graph)

    def count(self):
        self._record("count", "")
        return super().count()

    def watch(self) -> list[tuple[str, str]]:
        """Start recording this thread's reads afresh; the list they go to."""
        self.watched = threading.get_ident()
        self.reads = []
        return self.reads

    def unwatch(self) -> None:
        self.watched = None


def wait(condition, what: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not within {timeout} s"
        time.sleep(0.2)


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    directory = tmp_path_factory.mktemp("bounded") / "store"
    # No build after the writes of these tests (a long settle): what the build answers stays
    # the first build's, while the store moves on.
    config = load_config(
        overrides={
            "store": str(directory),
            "territories": "seed",
            "write_token": f"alice:{TOKEN}",
            "build_settle": 3600,
            "build_max_delay": 7200,
        },
        environ={},
    )
    store = RecordingStore(directory, workers=False)
    ensure_seeded(store, config)
    app = create_app(config, store)
    state = app.extensions["mediation"]
    wait(lambda: state["indexer"].state == "ready", "the search index")
    wait(lambda: state["builds"].current is not None, "the first open-data build")
    yield app.test_client(), store, state
    state["builds"].close()
    state["indexer"].close()
    store.close()


def write_event(client, slug: str, theme: str = THEME) -> str:
    iri = f"{BASE}id/event/{slug}"
    update = (
        f"PREFIX schema: <https://schema.org/> INSERT DATA {{ GRAPH <{BASE}graph/essais> {{ "
        f'<{iri}> a schema:Event ; schema:name "Atelier {slug}"@fr ; '
        f'schema:startDate "2031-02-03"^^<{XSD.date}> ; schema:about <{theme}> ; '
        f"schema:location <{BASE}id/place/arena-lievin> . }} }}"
    )
    answer = client.post(
        "/sparql/update",
        data=update.encode("utf-8"),
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/sparql-update"},
    )
    assert answer.status_code in (200, 204), answer.get_data(as_text=True)
    return iri


def test_health_counts_nothing(service):
    client, store, state = service
    reads = store.watch()
    health = client.get("/healthz").get_json()
    store.unwatch()
    assert reads == []
    build = state["builds"].current
    assert health["status"] == "ok" and health["generation"] == store.generation
    assert health["build"] == {
        "generation": build.generation,
        "quads": build.manifest.quads,
        "finished": build.finished.isoformat(),
    }
    assert health["index"] == {"state": "ready", "generation": store.generation}


def test_the_sitemap_is_the_builds_while_the_store_moves_on(service):
    client, store, state = service
    build = state["builds"].current
    before = client.get("/sitemap.xml")
    assert before.status_code == 200
    assert before.headers["ETag"].startswith(f'"b{build.generation}-')
    created = write_event(client, "2031-02-03-atelier-plan")
    assert store.generation > build.generation
    reads = store.watch()
    index = client.get("/sitemap.xml")
    events = client.get("/sitemaps/event.xml")
    store.unwatch()
    assert reads == [], "the sitemap read the store"
    assert index.headers["ETag"] == before.headers["ETag"] and index.data == before.data
    assert events.status_code == 200 and events.headers["ETag"].startswith(f'"b{build.generation}-')
    listed = {
        u.findtext("s:loc", namespaces=SITEMAP)
        for u in ET.fromstring(events.data).findall("s:url", SITEMAP)
    }
    assert "http://localhost/id/event/2019-12-04-journee-regionale-lievin" in listed
    assert "http://localhost/" + created[len(BASE) :] not in listed  # the next build lists it
    assert (
        client.get("/sitemap.xml", headers={"If-None-Match": index.headers["ETag"]}).status_code
        == 304
    )


def test_home_and_unfiltered_lists_read_the_index_only(service):
    client, store, _ = service
    created = write_event(client, "2031-02-04-atelier-accueil")
    reads = store.watch()
    home = client.get("/", headers={"Accept": "text/html"})
    events = client.get("/events.json")
    page = client.get("/events", headers={"Accept": "text/html"})
    themes = client.get("/themes", headers={"Accept": "text/html"})
    store.unwatch()
    assert reads == [], "the home page or a list read the store"
    assert home.status_code == page.status_code == themes.status_code == 200
    # The totals and facets followed the write at once (kept by the index's update).
    total = int(
        store.select(f"""SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?e a ?t .
        FILTER(STRSTARTS(STR(?e), "{BASE}id/event/") && !CONTAINS(STR(?e), "#")) }}""")[0]["n"]
    )
    listed = events.get_json()
    assert listed["total"] == total
    theme = next(v for v in listed["facets"]["theme"] if v["iri"] == THEME)
    about = int(
        store.select(f"""SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?e a ?t ;
        <{SDO.about}> <{THEME}> . FILTER(STRSTARTS(STR(?e), "{BASE}id/event/")) }}""")[0]["n"]
    )
    assert theme["count"] == about
    themed = client.get("/events.json?theme=illectronisme").get_json()["items"]
    assert created in {item["iri"] for item in themed}


def incoming_total(client, path: str, prop: URIRef) -> int:
    response = client.get(path + ".ttl")
    assert response.status_code == 200
    graph = Graph().parse(data=response.data, format="turtle")
    collection = URIRef(f"{BASE}{path.lstrip('/')}?incoming={quote(str(prop), safe='')}")
    return int(graph.value(collection, HYDRA.totalItems))


def test_incoming_links_follow_a_write_without_reading_them_again(service):
    client, store, _ = service
    before = incoming_total(client, "/id/theme/illectronisme", SDO.about)
    write_event(client, "2031-02-05-atelier-liens")
    reads = store.watch()
    after = incoming_total(client, "/id/theme/illectronisme", SDO.about)
    store.unwatch()
    assert after == before + 1
    linking = {
        str(r["s"])
        for r in store.select(f"SELECT ?s WHERE {{ ?s <{SDO.about}> <{THEME}> FILTER(isIRI(?s)) }}")
    }
    assert after == len(linking)
    incoming_reads = [
        q
        for kind, q in reads
        if kind == "select" and f"<{THEME}>" in q and ("COUNT(?s)" in q or "FILTER(isIRI(?s))" in q)
    ]
    assert incoming_reads == [], "incoming links were read from the store"


def test_a_page_is_rendered_once_per_representation_and_again_after_a_write(
    tmp_path, writable_server, update
):
    """A page asked for twice is written once (the second answer is the first's bytes, at
    once); a write that changes it makes the next answer new, never the kept one."""
    server = writable_server(tmp_path)
    try:
        path = "id/event/2019-12-04-journee-regionale-lievin"
        first = server.get(path, headers={"Accept": "text/html"})
        again = server.get(path, headers={"Accept": "text/html"})
        assert first.status_code == again.status_code == 200
        assert first.content == again.content and first.headers["ETag"] == again.headers["ETag"]
        english = server.get(path, headers={"Accept": "text/html", "Accept-Language": "en"})
        assert english.headers["Content-Language"] == "en" and english.content != first.content
        renamed = update(
            server,
            "PREFIX schema: <https://schema.org/> INSERT DATA { GRAPH "
            "<https://w3id.org/mediation-sociale/graph/irev-2019-12-13-lievin> { "
            f"<https://w3id.org/mediation-sociale/{path}> schema:alternateName "
            '"Journée de Liévin (nom gardé en mémoire)"@fr } }',
        )
        assert renamed.status_code in (200, 204), renamed.text
        after = server.get(path, headers={"Accept": "text/html"})
        assert after.headers["ETag"] != first.headers["ETag"]
        assert "nom gardé en mémoire" in after.text
    finally:
        server.stop()
