"""What the change feed and a resource's history cost as the history grows.

    .venv/bin/python bench/history.py [--changes 10000 100000] [--repeat 9]

For each size, builds a store with the seed and ``N`` recorded writes in ``graph/history``
(records made by ``service.writes.history.record_quads``, as a write makes them, loaded in one go:
writing them one by one through the validator would take hours). Each write touches one
resource: every hundredth the seed's Liévin regional day (a resource with a long history),
the others one of ``N / 4`` generated events (about four changes each). Then it measures
what the requests read:

* ``/changes``: the collection (``totalItems``), its first page, a page in the middle
  (``after=`` the key of the middle change) and the page before it (``before=``);
* a resource's history: the first page of the Liévin day's history, its next page, and the
  history of an ordinary resource; the tombstone lookup every resource page makes.

With a change log (``service.writes.changelog``), the time it takes to build it from the history
graph (the first start on an existing store, or after its file is removed) is measured too.

Medians of ``--repeat`` runs, one line per measurement; the same script measured the code
before the change log (SPARQL over the history graph) and after.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rdflib import Literal, URIRef  # noqa: E402

from service.config import DEFAULT_BASE, load_config
from service.formats import NQUADS
from service.opendata.feeds import ChangeLinks, change_collection, change_page
from service.store.embedded import EmbeddedStore
from service.store.interface import Changeset
from service.store.terms import quad_to_oxigraph
from service.writes import history
from service.writes.changelog import open_changelog
from service.writes.loading import ensure_seeded

B = DEFAULT_BASE
HOT = URIRef(B + "id/event/2019-12-04-journee-regionale-lievin")
AGENTS = ["irev", "france-mediation", "alice", "bob", "operatrice"]
SCHEMA = "https://schema.org/"
PAGE = 50


def report(name: str, ms: float, extra: str = "") -> None:
    print(f"{name:<66} {ms:10.2f} ms  {extra}", flush=True)


def timed(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def records(count: int) -> bytes:
    """N-Quads of ``count`` history records, one a second from 2024-01-01 (see the module)."""
    start = datetime(2024, 1, 1, tzinfo=UTC)
    graph = URIRef(B + "graph/bench-history")
    ordinary = max(1, count // 4)
    seen: set[URIRef] = set()
    out: list[str] = []
    for n in range(count):
        resource = HOT if n % 100 == 0 else URIRef(f"{B}id/event/bench-history-{n % ordinary}")
        action = "update" if resource in seen or resource == HOT else "create"
        seen.add(resource)
        ended = start + timedelta(seconds=n, milliseconds=n % 1000)
        changes = Changeset(
            add=[
                (
                    resource,
                    URIRef(SCHEMA + "description"),
                    Literal(f"Version {n}", lang="fr"),
                    graph,
                ),
                (resource, URIRef(SCHEMA + "name"), Literal(f"Atelier {n}", lang="fr"), graph),
            ]
        )
        record = history.Record(
            history.change_iri(B),
            AGENTS[n % len(AGENTS)],
            "SPARQL Update",
            ended - timedelta(milliseconds=30),
            ended,
            [graph],
            2,
            0,
            [history.Touched(resource, action)],
        )
        out += [f"{quad_to_oxigraph(q)} .\n" for q in history.record_quads(record, changes, B)]
    return "".join(out).encode("utf-8")


def measure(count: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        config = load_config(overrides={"store": tmp}, environ={})
        store = EmbeddedStore(tmp, workers=False)
        ensure_seeded(store, config)
        data = records(count)
        started = time.perf_counter()
        store.load(data, NQUADS, None)
        report(
            f"{count} changes: load {len(data.splitlines())} history quads",
            (time.perf_counter() - started) * 1000,
            f"store {store.count()} quads",
        )
        started = time.perf_counter()
        log = open_changelog(store, config)
        report(
            f"{count} changes: build the change log from the history graph",
            (time.perf_counter() - started) * 1000,
            f"{log.count()} entries",
        )
        links = ChangeLinks("http://localhost/", lambda iri: str(iri))
        label = f"{count} changes"
        ms, collection = timed(lambda: change_collection(log, links), repeat)
        report(f"{label}: /changes (totalItems)", ms, f"totalItems={collection['totalItems']}")
        ms, first = timed(lambda: change_page(log, B, links, PAGE), repeat)
        report(f"{label}: /changes?page=first", ms, f"{len(first['orderedItems'])} items")
        # The key of the change in the middle: its item, time and IRI, from the graph.
        middle = count // 2
        moment = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(
            seconds=middle, milliseconds=middle % 1000
        )
        key = f"{moment.isoformat()}|{first['orderedItems'][0]['id']}"
        ms, older = timed(lambda: change_page(log, B, links, PAGE, after=key), repeat)
        report(f"{label}: /changes?after= (the middle)", ms, f"{len(older['orderedItems'])} items")
        ms, newer = timed(lambda: change_page(log, B, links, PAGE, before=key), repeat)
        report(f"{label}: /changes?before= (the middle)", ms, f"{len(newer['orderedItems'])} items")
        ms, (entries, following) = timed(lambda: log.for_resource(HOT, PAGE), repeat)
        report(
            f"{label}: history of a resource with {count // 100} changes, first page",
            ms,
            f"{len(entries)} entries",
        )
        ms, (entries, _) = timed(lambda: log.for_resource(HOT, PAGE, following), repeat)
        report(f"{label}: the same, next page", ms, f"{len(entries)} entries")
        ordinary = URIRef(f"{B}id/event/bench-history-7")
        ms, (entries, _) = timed(lambda: log.for_resource(ordinary, PAGE), repeat)
        report(f"{label}: history of a resource with {len(entries)} changes", ms)
        ms, gone = timed(lambda: history.tombstone(store, log, HOT, B), repeat)
        report(f"{label}: tombstone lookup of a live resource", ms, f"{gone}")
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--changes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    for count in args.changes:
        measure(count, args.repeat)


if __name__ == "__main__":
    main()
