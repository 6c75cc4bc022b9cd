"""What a validated write costs, and that the cost follows the change, not the store.

    .venv/bin/python bench/writes.py [--triples 1000000] [--whole]
    .venv/bin/python bench/writes.py --writers 4 --sizes 100000,1000000 [--rounds 3]

Builds a store with the seed and generated events under the project's base (each event
typed, named in French and English, dated, at one of 1,000 venues with an address, organised
by one of 500 organisations, about one of the seed's themes; 12 triples an event), then
measures, at the seed's size and at ``--triples``:

* ``extract_neighbourhood``: the neighbourhood of a one-event insert the shapes need, read from the store;
* ``validate``: the write validator on that neighbourhood (shapes, and the vocabulary
  without its text as context), each of ``--validators`` (the ``write_validator`` setting:
  ``compiled`` and ``pyshacl``), interleaved run by run;
* ``write``: the whole write through ``Publisher.write`` (update computed, validated,
  recorded in the history, applied with its journal);
* a change with a wide reach: a venue's type changed, which every event held there reads
  (``sh:class`` on ``schema:location``): all of them are checked again.

``--whole`` also runs what the extraction avoids, on an in-memory rdflib graph of the
whole store: pySHACL with the same focus nodes, and a validation of everything (minutes
at 1M triples).

Medians of several runs, one line per measurement.

``--writers N`` measures instead writers side by side: N threads, each inserting new events
(its own, at its own venue) through one ``Publisher``, at the seed's size and at each of
``--sizes``; writes/s and the p50/p99 of a write, for 1 and N writers. Each run is done two
ways, interleaved run by run so that the machine's load weighs on both alike: ``locked``,
the whole write under the write lock as before (compute, validation, apply: writers wait for
one another's validation), and ``optimistic``, the publisher's own way (computed and
validated outside the lock, checked again under it only if what it read changed); each way
with each of ``--validators``. ``--ways optimistic`` leaves the locked way out.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rdflib import Dataset, Graph  # noqa: E402

from service.config import DEFAULT_BASE, load_config
from service.formats import NQUADS
from service.store.embedded import EmbeddedStore
from service.validation.shacl import project_validator
from service.writes.loading import ensure_seeded
from service.writes.neighbourhood import extract_neighbourhood, write_rules
from service.writes.publisher import Publisher

B = DEFAULT_BASE
EVENT_TRIPLES = 12
THEMES = [
    "illectronisme",
    "acces-aux-droits",
    "cohesion-sociale",
    "formation-des-mediateurs",
    "reseau-de-la-mediation",
    "environnement",
]
#: Numbers of the events the whole-write measurements insert (each a new one).
COUNTER = iter(range(1, 1_000_000))
PREFIXES = "PREFIX schema: <https://schema.org/> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"


def report(name: str, ms: float, extra: str = "") -> None:
    print(f"{name:<64} {ms:10.1f} ms  {extra}", flush=True)


def timed(function, repeat: int = 5) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def generated(triples: int, places: bool, first: int = 0) -> bytes:
    """N-Quads of events (and, with ``places``, the venues and organisations they use) under
    the base (see the module)."""
    lines = []
    schema = "https://schema.org/"
    xsd_date = "<http://www.w3.org/2001/XMLSchema#date>"
    for v in range(1000 if places else 0):
        venue, graph = f"<{B}id/place/bench-{v}>", f"<{B}graph/bench-places>"
        lines += [
            f"{venue} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{schema}Place> {graph} .",
            f'{venue} <{schema}name> "Salle {v}" {graph} .',
            f"{venue} <{schema}address> _:address{v} {graph} .",
            f"_:address{v} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{schema}PostalAddress> {graph} .",
            f'_:address{v} <{schema}addressLocality> "Ville {v % 97}" {graph} .',
        ]
    for o in range(500 if places else 0):
        org, graph = f"<{B}id/actor/bench-{o}>", f"<{B}graph/bench-actors>"
        lines += [
            f"{org} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{schema}Organization> {graph} .",
            f'{org} <{schema}name> "Association {o}" {graph} .',
        ]
    for e in range(first, first + max(0, triples // EVENT_TRIPLES)):
        event, graph = f"<{B}id/event/bench-{e}>", f"<{B}graph/bench-{e % 50}>"
        day = f"20{10 + e % 15}-{1 + e % 12:02d}-{1 + e % 28:02d}"
        lines += [
            f"{event} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{schema}Event> {graph} .",
            f'{event} <{schema}name> "Atelier {e}"@fr {graph} .',
            f'{event} <{schema}name> "Workshop {e}"@en {graph} .',
            f'{event} <{schema}description> "Atelier numéro {e}"@fr {graph} .',
            f'{event} <{schema}startDate> "{day}"^^{xsd_date} {graph} .',
            f'{event} <{schema}endDate> "{day}"^^{xsd_date} {graph} .',
            f"{event} <{schema}location> <{B}id/place/bench-{e % 1000}> {graph} .",
            f"{event} <{schema}organizer> <{B}id/actor/bench-{e % 500}> {graph} .",
            f"{event} <{schema}about> <{B}id/theme/{THEMES[e % len(THEMES)]}> {graph} .",
            f"{event} <{schema}eventStatus> <{schema}EventScheduled> {graph} .",
            f"{event} <{schema}eventAttendanceMode> <{schema}OfflineEventAttendanceMode> {graph} .",
            f"{event} <{schema}audience> <{B}id/audience/mediateurs> {graph} .",
        ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def one_event(n: int, venue: int = 7) -> str:
    event = f"<{B}id/event/nouveau-{n}>"
    return (
        f"{PREFIXES}INSERT DATA {{ GRAPH <{B}graph/bench-new> {{ {event} a schema:Event ; "
        f'schema:name "Nouvel atelier {n}"@fr , "New workshop {n}"@en ; '
        f'schema:description "Un atelier de plus"@fr ; schema:startDate "2025-03-0{1 + n % 9}"^^xsd:date ; '
        f"schema:location <{B}id/place/bench-{venue}> ; schema:organizer <{B}id/actor/bench-3> ; "
        f"schema:about <{B}id/theme/illectronisme> }} }}"
    )


def interleaved(functions: dict, repeat: int) -> dict[str, tuple[float, object]]:
    """Each function run ``repeat`` times, one after the other in turn (the machine's load
    weighs on all alike): name → (median ms, last result)."""
    times: dict[str, list[float]] = {name: [] for name in functions}
    results: dict[str, object] = {}
    for _ in range(repeat):
        for name, function in functions.items():
            start = time.perf_counter()
            results[name] = function()
            times[name].append((time.perf_counter() - start) * 1000)
    return {name: (statistics.median(times[name]), results[name]) for name in functions}


def same_reports(found: dict) -> str:
    """Whether every validator's report reads the same, in French and in English."""
    texts = {
        (result.to_text("fr"), result.to_text("en"), json.dumps(result.to_dict(), sort_keys=True))
        for _, result in found.values()
    }
    return "same reports" if len(texts) == 1 else "REPORTS DIFFER"


def measure(store: EmbeddedStore, label: str, whole: bool, validators: list[str]) -> None:
    config = load_config(
        overrides={"store": str(store.directory), "record_history": True}, environ={}
    )
    every = {kind: write_rules(project_validator(), kind) for kind in validators}
    rules = every[validators[0]]
    publishers = {kind: Publisher(store, config, rules=every[kind]) for kind in validators}
    size = store.count()
    changes = store.update_delta(one_event(0))
    ms, piece = timed(lambda: extract_neighbourhood(store, changes, B, rules.reach))
    report(
        f"{label}: extract a one-event insert ({size} quads)",
        ms,
        f"{len(piece.data)} triples, {len(piece.focus)} focus nodes, {piece.reads} reads",
    )
    focus = sorted(piece.focus, key=str)
    found = interleaved(
        {kind: (lambda r=r: r.validate(piece.data, focus)) for kind, r in every.items()}, 15
    )
    for kind, (ms, result) in found.items():
        report(
            f"{label}: validate it ({kind})",
            ms,
            f"conforms={result.conforms}, {same_reports(found)}",
        )
    found = interleaved(
        {
            kind: (
                lambda p=p: p.write(
                    lambda s: s.update_delta(one_event(next(COUNTER))),
                    agent="bench",
                    operation="bench",
                )
            )
            for kind, p in publishers.items()
        },
        15,
    )
    for kind, (ms, _) in found.items():
        report(f"{label}: whole write ({kind}: update, validation, history, journaled apply)", ms)
    # A venue's type changes: every event held there reads it through sh:class.
    venue = f"<{B}id/place/bench-7>"
    wide = store.update_delta(
        f"PREFIX schema: <https://schema.org/> DELETE DATA {{ GRAPH <{B}graph/bench-places> {{ "
        f"{venue} a schema:Place }} }} ; INSERT DATA {{ GRAPH <{B}graph/bench-places> {{ {venue} a schema:Organization }} }}"
    )
    ms, wide_piece = timed(lambda: extract_neighbourhood(store, wide, B, rules.reach), repeat=3)
    report(
        f"{label}: extract a venue's type change",
        ms,
        f"{len(wide_piece.data)} triples, {len(wide_piece.checked)} resources checked",
    )
    wide_focus = sorted(wide_piece.focus, key=str)
    found = interleaved(
        {kind: (lambda r=r: r.validate(wide_piece.data, wide_focus)) for kind, r in every.items()},
        3,
    )
    for kind, (ms, result) in found.items():
        report(
            f"{label}: validate it ({kind})",
            ms,
            f"conforms={result.conforms} (refused: the events need a place), {same_reports(found)}",
        )
    if whole:
        out = io.BytesIO()
        store.dump(out, NQUADS)
        start = time.perf_counter()
        dataset = Dataset()
        dataset.parse(data=out.getvalue(), format="nquads")
        everything = Graph()
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            everything.add((s, p, o))
        report(
            f"{label}: rdflib graph of the whole store",
            (time.perf_counter() - start) * 1000,
            f"{len(everything)} triples",
        )
        for triple in piece.data:
            everything.add(triple)
        ms, result = timed(
            lambda: rules.validator.validate(everything, focus_nodes=focus), repeat=1
        )
        report(f"{label}: pySHACL focus_nodes over the whole graph", ms)
        ms, result = timed(lambda: rules.validator.validate(everything), repeat=1)
        report(f"{label}: pySHACL over the whole graph", ms, f"conforms={result.conforms}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def side_by_side(publisher: Publisher, writers: int, per_writer: int, locked: bool) -> tuple:
    """``writers`` threads, each writing ``per_writer`` new events; (writes/s, each write's ms)."""
    store = publisher.store
    times: list[float] = []
    start_line = threading.Barrier(writers)

    def writer(venue: int) -> None:
        start_line.wait()
        for _ in range(per_writer):
            text = one_event(next(COUNTER), venue)
            began = time.perf_counter()
            if locked:
                with store.write_lock():
                    publisher.write(lambda s: s.update_delta(text), agent="bench", operation="b")
            else:
                publisher.write(lambda s: s.update_delta(text), agent="bench", operation="b")
            times.append((time.perf_counter() - began) * 1000)

    threads = [threading.Thread(target=writer, args=(100 + w,)) for w in range(writers)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(times) / (time.perf_counter() - began), times


def measure_writers(
    store: EmbeddedStore,
    label: str,
    writers: int,
    rounds: int,
    validators: list[str],
    ways: list[str],
) -> None:
    config = load_config(
        overrides={"store": str(store.directory), "record_history": True}, environ={}
    )
    publishers = {
        kind: Publisher(store, config, rules=write_rules(project_validator(), kind))
        for kind in validators
    }
    for publisher in publishers.values():
        publisher.write(
            lambda s: s.update_delta(one_event(next(COUNTER))), agent="b", operation="b"
        )
    size = store.count()
    for count in sorted({1, writers}):
        per_writer = max(5, 40 // count)
        found: dict[str, tuple[list[float], list[float]]] = {
            f"{way}, {kind}": ([], []) for way in ways for kind in validators
        }
        for _ in range(rounds):
            for name in found:
                way, kind = name.split(", ")
                rate, times = side_by_side(publishers[kind], count, per_writer, way == "locked")
                found[name][0].append(rate)
                found[name][1].extend(times)
        for way, (rates, times) in found.items():
            report(
                f"{label} ({size} quads): {count} writer(s), {way}",
                statistics.median(times),
                f"p99 {percentile(times, 0.99):.1f} ms, {statistics.median(rates):.1f} writes/s "
                f"({len(times)} writes)",
            )


def load_to(store: EmbeddedStore, triples: int, loaded: int) -> int:
    """Add generated events until the store holds about ``triples`` of them."""
    if triples > loaded:
        start = time.perf_counter()
        store.load(
            generated(triples - loaded, places=False, first=loaded // EVENT_TRIPLES), NQUADS, None
        )
        report(f"load {triples - loaded} generated triples", (time.perf_counter() - start) * 1000)
    return max(triples, loaded)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--whole", action="store_true", help="also validate the whole store (slow)")
    parser.add_argument("--writers", type=int, default=0, help="writers side by side (see above)")
    parser.add_argument("--sizes", default="100000,1000000", help="with --writers: store sizes")
    parser.add_argument("--rounds", type=int, default=3, help="with --writers: runs of each way")
    parser.add_argument(
        "--validators", default="compiled,pyshacl", help="write validators, interleaved"
    )
    parser.add_argument("--ways", default="locked,optimistic", help="with --writers: ways")
    args = parser.parse_args()
    validators = args.validators.split(",")
    ways = args.ways.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        config = load_config(overrides={"store": tmp}, environ={})
        store = EmbeddedStore(tmp, workers=False)
        ensure_seeded(store, config)
        store.load(generated(0, places=True), NQUADS, None)
        if args.writers:
            measure_writers(store, "seed", args.writers, args.rounds, validators, ways)
            loaded = 0
            for size in (int(n) for n in args.sizes.split(",")):
                loaded = load_to(store, size, loaded)
                measure_writers(
                    store, f"{size // 1000}k", args.writers, args.rounds, validators, ways
                )
            store.close()
            return
        measure(store, "seed", args.whole, validators)
        start = time.perf_counter()
        store.load(generated(args.triples, places=False), NQUADS, None)
        report(f"load {args.triples} generated triples", (time.perf_counter() - start) * 1000)
        measure(store, f"{store.count() // 1000}k", args.whole, validators)
        store.close()


if __name__ == "__main__":
    main()
