"""How long a resource's description takes when many resources link to it.

    .venv/bin/python bench/resources.py [--links 100000] [--background 1000000]

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
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal, URIRef

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--links", type=int, default=100_000)
    parser.add_argument("--background", type=int, default=1_000_000)
    parser.add_argument("--page-size", type=int, default=50)
    options = parser.parse_args()
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
