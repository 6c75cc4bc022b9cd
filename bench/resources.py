"""How long a resource's description takes when many resources link to it.

    .venv/bin/python bench/resources.py [--links 100000] [--background 1000000]
    .venv/bin/python bench/resources.py --uncached DIR [--triples 1000000] [--runs 200]

Builds an embedded store with the seed data, ``--links`` generated events that are about
one theme and organised by one actor, and ``--background`` more triples of unrelated
events, then times (median of several runs, in process, no HTTP):

* the description of the theme and of the actor (own triples, parts, linked labels,
  incoming links counted and the first page of each group) and a page of incoming links deep
  in the list (keyed by IRI: ``after=`` the 90 % mark), with incoming links read from the
  store (``StoreLinks``, what the service falls back to while its index is being built):
  with an empty cache ("cold": the first request after any write) and a filled one;
* the search index built from the store (its incoming links included), then the same with
  incoming links read from it (``IndexLinks``), and what one write about the theme costs:
  the index's update, then the theme's description;
* the description of the Liévin event (the seed's richest resource), for reference.

``--uncached DIR`` measures instead whole pages over HTTP as a reader gets them when no
rendered page is kept: a seeded store with ``--triples`` of ``bench/search.py``'s field
(its themes each the subject of thousands of events) is made in DIR (kept: a second run
reuses it), ``mediation serve`` runs on it, and a theme page, an event page (HTML and
Turtle) are asked ``--runs`` times each, interleaved, each time with another ``?history=``
key: the key is part of the page's ETag, so every request renders the page again (the
history section of an unknown key is empty). p50 and p99 of each, then the same pages
kept (the same URL asked again) for reference, and the server process's CPU time per
rendered page (``/proc``: the figure the machine's load moves least).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal, URIRef

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from service.config import DEFAULT_BASE, load_config
from service.pages.describe import describe, incoming_page, notes_about
from service.pages.incoming import IncomingCache, IndexLinks, StoreLinks
from service.search.index import Index, changed_iris
from service.store.embedded import EmbeddedStore
from service.store.interface import Changeset
from service.writes.loading import ensure_seeded

SCHEMA = "https://schema.org/"
THEME = DEFAULT_BASE + "id/theme/illectronisme"
ACTOR = DEFAULT_BASE + "id/actor/france-mediation"
LIEVIN = DEFAULT_BASE + "id/event/2019-12-04-journee-regionale-lievin"


def quads(links: int, background: int):
    graph = ox.NamedNode(DEFAULT_BASE + "graph/bench")
    kind = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    event_class = ox.NamedNode(SCHEMA + "Event")
    name = ox.NamedNode(SCHEMA + "name")
    about = ox.NamedNode(SCHEMA + "about")
    organizer = ox.NamedNode(SCHEMA + "organizer")
    start = ox.NamedNode(SCHEMA + "startDate")
    theme, actor = ox.NamedNode(THEME), ox.NamedNode(ACTOR)
    date = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
    for i in range(links):
        event = ox.NamedNode(f"{DEFAULT_BASE}id/event/bench-{i:07d}")
        yield ox.Quad(event, kind, event_class, graph)
        yield ox.Quad(event, name, ox.Literal(f"Événement {i}", language="fr"), graph)
        yield ox.Quad(event, about, theme, graph)
        yield ox.Quad(event, organizer, actor, graph)
        yield ox.Quad(event, start, ox.Literal(f"20{10 + i % 20}-01-01", datatype=date), graph)
    other_theme = ox.NamedNode(DEFAULT_BASE + "id/theme/bench-other")
    for i in range(background // 5):
        event = ox.NamedNode(f"{DEFAULT_BASE}id/event/other-{i:07d}")
        yield ox.Quad(event, kind, event_class, graph)
        yield ox.Quad(event, name, ox.Literal(f"Autre {i}", language="fr"), graph)
        yield ox.Quad(event, about, other_theme, graph)
        yield ox.Quad(
            event, organizer, ox.NamedNode(f"{DEFAULT_BASE}id/actor/other-{i % 1000}"), graph
        )
        yield ox.Quad(event, start, ox.Literal("2020-01-01", datatype=date), graph)


def timed(function, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def uncached(directory: Path, triples: int, runs: int) -> None:
    """Pages over HTTP, rendered at every request (see the module)."""
    import requests
    from search import generate
    from serving import serve_seeded

    from service.formats import NQUADS

    store_dir = directory / "store"
    if not (store_dir / "oxigraph").exists():
        store = EmbeddedStore(store_dir, workers=False)
        ensure_seeded(store, load_config(overrides={"store": str(store_dir)}, environ={}))
        started = time.perf_counter()
        for chunk in generate(triples):
            if chunk:
                store.load("".join(chunk).encode("utf-8"), NQUADS, None)
        store.oxigraph.optimize()
        print(f"store: {store.count()} quads, made in {time.perf_counter() - started:.0f} s")
        store.close()
    server, url = serve_seeded(store_dir, timeout=3600)
    try:
        pages = {
            "theme page (HTML)": ("id/theme/theme-0", "text/html"),
            "event page (HTML)": ("id/event/evenement-1234", "text/html"),
            "event page (Turtle)": ("id/event/evenement-1234", "text/turtle"),
        }
        session = requests.Session()

        def get(path: str, accept: str, key: str | None) -> float:
            params = {"history": key} if key is not None else None
            started = time.perf_counter()
            response = session.get(url + path, params=params, headers={"Accept": accept})
            took = (time.perf_counter() - started) * 1000
            response.raise_for_status()
            return took

        for path, accept in pages.values():  # warm: the first of each renders its parts once
            get(path, accept, "warm")
        times: dict[str, list[float]] = {name: [] for name in pages}
        kept: dict[str, list[float]] = {name: [] for name in pages}
        for run in range(runs):
            for name, (path, accept) in pages.items():
                times[name].append(get(path, accept, f"bench-{run}"))
                kept[name].append(get(path, accept, None))
        # The server's own CPU time per rendered page: what the machine's load moves least.
        ticks = os.sysconf("SC_CLK_TCK")

        def cpu() -> float:
            fields = Path(f"/proc/{server.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / ticks

        spent: dict[str, float] = {}
        for name, (path, accept) in pages.items():
            before = cpu()
            for run in range(runs):
                get(path, accept, f"cpu-{run}")
            spent[name] = (cpu() - before) * 1000 / runs
        for name in pages:
            print(f"{name}: server CPU per rendered page {spent[name]:.1f} ms", flush=True)
            for label, found in (("rendered", times[name]), ("kept", kept[name])):
                print(
                    f"{name}, {label}: p50 {percentile(found, 0.5):.1f} ms, "
                    f"p99 {percentile(found, 0.99):.1f} ms ({len(found)} requests)",
                    flush=True,
                )
    finally:
        server.terminate()
        server.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--links", type=int, default=100_000)
    parser.add_argument("--background", type=int, default=1_000_000)
    parser.add_argument("--page-size", type=int, default=50)
    parser.add_argument("--uncached", type=Path, default=None, help="pages over HTTP in DIR")
    parser.add_argument("--triples", type=int, default=1_000_000, help="with --uncached")
    parser.add_argument("--runs", type=int, default=200, help="with --uncached")
    options = parser.parse_args()
    if options.uncached is not None:
        uncached(options.uncached, options.triples, options.runs)
        return
    with tempfile.TemporaryDirectory() as directory:
        store = EmbeddedStore(Path(directory) / "store", workers=False)
        ensure_seeded(store, load_config(overrides={"store": directory}, environ={}))
        started = time.perf_counter()
        store.oxigraph.extend(quads(options.links, options.background))
        store.oxigraph.optimize()
        print(f"store: {store.count()} quads, built in {time.perf_counter() - started:.1f} s")
        size = options.page_size
        theme, actor, lievin = URIRef(THEME), URIRef(ACTOR), URIRef(LIEVIN)
        deep = URIRef(f"{DEFAULT_BASE}id/event/bench-{int(options.links * 0.9):07d}")
        about = URIRef(SCHEMA + "about")
        warm = StoreLinks(store, IncomingCache())

        def cold() -> StoreLinks:
            return StoreLinks(store, IncomingCache())

        for label, function in (
            (
                f"store: describe theme ({options.links} incoming), cold",
                lambda: describe(store, theme, size, cold()),
            ),
            (
                f"store: describe theme ({options.links} incoming), warm",
                lambda: describe(store, theme, size, warm),
            ),
            (
                f"store: describe actor ({options.links} incoming), cold",
                lambda: describe(store, actor, size, cold()),
            ),
            (
                "store: incoming page at 90 %, cold",
                lambda: incoming_page(store, theme, about, size, deep, cold()),
            ),
            (
                "store: incoming page at 90 %, warm",
                lambda: incoming_page(store, theme, about, size, deep, warm),
            ),
            ("describe the Liévin event", lambda: describe(store, lievin, size, cold())),
            (
                "data-quality notes about the theme (every page of it)",
                lambda: notes_about(store, theme),
            ),
        ):
            print(f"{label}: {timed(function) * 1000:.0f} ms", flush=True)

        started = time.perf_counter()
        index = Index(Path(directory) / "index.sqlite", DEFAULT_BASE, ("fr", "en"), timeout=600)
        index.build(store)
        print(f"index built in {time.perf_counter() - started:.0f} s", flush=True)
        links = IndexLinks(index)
        for label, function in (
            (
                f"index: describe theme ({options.links} incoming)",
                lambda: describe(store, theme, size, IndexLinks(index)),
            ),
            (
                f"index: describe actor ({options.links} incoming)",
                lambda: describe(store, actor, size, IndexLinks(index)),
            ),
            (
                "index: incoming page at 90 %",
                lambda: incoming_page(store, theme, about, size, deep, IndexLinks(index)),
            ),
            ("index: describe the Liévin event", lambda: describe(store, lievin, size, links)),
        ):
            print(f"{label}: {timed(function) * 1000:.0f} ms", flush=True)

        # One write about the theme: what the index's update costs, then the description.
        graph = URIRef(DEFAULT_BASE + "graph/bench")
        updates, descriptions, rereads = [], [], []
        for number in range(5):
            event = URIRef(f"{DEFAULT_BASE}id/event/bench-ecrit-{number}")
            changes = Changeset(
                add=[
                    (event, URIRef(SCHEMA + "about"), theme, graph),
                    (event, URIRef(SCHEMA + "name"), Literal(f"Écrit {number}"), graph),
                ]
            )
            store.apply(changes)
            started = time.perf_counter()
            index.update(store, changed_iris(changes))
            updates.append(time.perf_counter() - started)
            started = time.perf_counter()
            describe(store, theme, size, IndexLinks(index))
            descriptions.append(time.perf_counter() - started)
            started = time.perf_counter()
            describe(store, theme, size, warm)  # the store's cache is per generation: read again
            rereads.append(time.perf_counter() - started)
        print(
            f"after a write about the theme: index update "
            f"{statistics.median(updates) * 1000:.0f} ms, then describe theme from the index "
            f"{statistics.median(descriptions) * 1000:.0f} ms (from the store: "
            f"{statistics.median(rereads) * 1000:.0f} ms)",
            flush=True,
        )
        store.close()


if __name__ == "__main__":
    main()
