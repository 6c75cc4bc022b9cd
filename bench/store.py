"""Figures behind the store's design choices; see bench/README.md.

    .venv/bin/python bench/store.py snapshot [--triples 1000000]
    .venv/bin/python bench/store.py results [--rows 10000]
    .venv/bin/python bench/store.py delta [--triples 100000]
    .venv/bin/python bench/store.py load [--triples 1000000]
    .venv/bin/python bench/store.py apply [--triples 100000] [--writes 100]
    .venv/bin/python bench/store.py union [--triples 1000000]

Each command builds its own generated data in a temporary directory and prints
one line per measurement (median of several runs where it is cheap).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

EX = "http://example.org/"
XSD_INT = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def generated(triples: int):
    """Events with a type, a label in two languages, a date, a place and a theme: 8 triples each."""
    events = triples // 8
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    label = ox.NamedNode(EX + "label")
    place = ox.NamedNode(EX + "place")
    theme = ox.NamedNode(EX + "theme")
    year = ox.NamedNode(EX + "year")
    event_class = ox.NamedNode(EX + "Event")
    for i in range(events):
        event = ox.NamedNode(f"{EX}event/{i}")
        graph = ox.NamedNode(f"{EX}graph/{i % 50}")
        yield ox.Quad(event, rdf_type, event_class, graph)
        yield ox.Quad(event, label, ox.Literal(f"Journée {i}", language="fr"), graph)
        yield ox.Quad(event, label, ox.Literal(f"Day {i}", language="en"), graph)
        yield ox.Quad(event, year, ox.Literal(str(2000 + i % 25), datatype=XSD_INT), graph)
        yield ox.Quad(event, place, ox.NamedNode(f"{EX}place/{i % 1000}"), graph)
        yield ox.Quad(event, theme, ox.NamedNode(f"{EX}theme/{i % 40}"), graph)
        yield ox.Quad(
            ox.NamedNode(f"{EX}place/{i % 1000}"), label, ox.Literal(f"Lieu {i % 1000}"), graph
        )
        yield ox.Quad(event, ox.NamedNode(EX + "note"), ox.BlankNode(f"n{i}"), graph)


def timed(function, repeat: int = 5) -> float:
    """Median wall time of ``function()`` in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def report(name: str, ms: float, extra: str = "") -> None:
    print(f"{name:<58} {ms:10.1f} ms  {extra}")


SCAN = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?e <{EX}label> ?l FILTER(CONTAINS(STR(?l), '99')) }}"
JOIN = (
    f"SELECT ?e ?l WHERE {{ ?e <{EX}theme> <{EX}theme/7> ; <{EX}place> <{EX}place/7> ; "
    f"<{EX}label> ?l FILTER(LANG(?l) = 'fr') }}"
)


def bench_snapshot(args) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        store = ox.Store(str(base / "db"))
        start = time.perf_counter()
        store.bulk_extend(generated(args.triples))
        store.optimize()
        report(
            f"bulk_extend + optimize, {args.triples} triples", (time.perf_counter() - start) * 1000
        )
        counter = iter(range(10**6))
        report(
            "backup (hard-link snapshot)",
            timed(lambda: store.backup(str(base / f"s{next(counter)}"))),
        )
        snap = str(base / "s0")
        report("open snapshot read-write", timed(lambda: ox.Store(snap), repeat=5))
        report("open snapshot read-only", timed(lambda: ox.Store.read_only(snap), repeat=5))
        for label, query in (("scan (label filter)", SCAN), ("selective join", JOIN)):
            for mode, opened in (
                ("live store", store),
                ("snapshot read-write", ox.Store(str(base / "s1"))),
                ("snapshot read-only", ox.Store.read_only(str(base / "s2"))),
            ):
                run = lambda: list(opened.query(query, use_default_graph_as_union=True))  # noqa: E731
                run()
                report(f"{label}, {mode}", timed(run))


def bench_results(args) -> None:
    from service.store.evaluate import evaluate
    from service.store.terms import to_rdflib

    store = ox.Store()
    store.bulk_extend(generated(args.rows * 8 // 3 + 8))
    query = f"SELECT ?e ?p ?o WHERE {{ ?e ?p ?o FILTER(?p != <{EX}note>) }} LIMIT {args.rows}"
    for fmt in ("JSON", "XML", "CSV", "TSV"):
        target = getattr(ox.QueryResultsFormat, fmt)
        report(
            f"{fmt}: Oxigraph serialize, all {args.rows} rows",
            timed(
                lambda: store.query(query, use_default_graph_as_union=True).serialize(format=target)
            ),
        )
        report(
            f"{fmt}: capped TSV then Oxigraph ({args.rows} rows, cap not hit)",
            timed(
                lambda: evaluate(
                    store, query, results_format=fmt, graph_format="TURTLE", max_rows=args.rows + 1
                )
            ),
        )
        report(
            f"{fmt}: capped TSV then Oxigraph (cap {args.rows // 2} hit)",
            timed(
                lambda: evaluate(
                    store, query, results_format=fmt, graph_format="TURTLE", max_rows=args.rows // 2
                )
            ),
        )
    from rdflib import Variable
    from rdflib.query import Result

    def rdflib_serialise(fmt: str) -> bytes:
        solutions = store.query(query, use_default_graph_as_union=True)
        names = [v.value for v in solutions.variables]
        result = Result("SELECT")
        result.vars = [Variable(n) for n in names]
        result.bindings = [
            {Variable(n): to_rdflib(v) for n, v in zip(names, row, strict=True) if v is not None}
            for row in solutions
        ]
        out = io.BytesIO()
        result.serialize(out, format=fmt)
        return out.getvalue()

    for fmt in ("json", "xml", "csv"):
        report(
            f"{fmt}: rdflib convert + serialise ({args.rows} rows)",
            timed(lambda: rdflib_serialise(fmt), 3),
        )
    print("tsv: rdflib has no TSV results serialiser")


def bench_delta(args) -> None:
    from rdflib.plugins.sparql.parser import parseUpdate

    from service.store.embedded import EmbeddedStore

    def insert_data(n: int) -> str:
        triples = "".join(f'<{EX}new/{i}> <{EX}label> "Nouveau {i}"@fr .\n' for i in range(n))
        return f"INSERT DATA {{ GRAPH <{EX}graph/new> {{\n{triples}}} }}"

    with tempfile.TemporaryDirectory() as tmp:
        store = EmbeddedStore(Path(tmp) / "store", workers=False)
        store.oxigraph.bulk_extend(generated(args.triples))
        for n in (1_000, 5_000):
            report(
                f"rdflib parseUpdate, INSERT DATA of {n} triples",
                timed(lambda: parseUpdate(insert_data(n)), 1),
            )
        big = insert_data(args.triples)
        report(
            f"update_delta (native DATA path), INSERT DATA of {args.triples} triples",
            timed(lambda: store.update_delta(big), 1),
        )
        small = f'INSERT DATA {{ <{EX}a> <{EX}label> "a" }}'
        report("update_delta, INSERT DATA of 1 triple", timed(lambda: store.update_delta(small)))
        modify = (
            f"DELETE {{ ?e <{EX}year> ?y }} INSERT {{ ?e <{EX}year> 2030 }} "
            f"WHERE {{ ?e <{EX}theme> <{EX}theme/7> ; <{EX}year> ?y }}"
        )
        delta = store.update_delta(modify)
        report(
            f"update_delta (rdflib), DELETE/INSERT WHERE on {len(delta.add)} events",
            timed(lambda: store.update_delta(modify), 3),
        )
        report(
            f"apply that changeset ({len(delta.remove) + len(delta.add)} quads: journal, fsync, flush)",
            timed(lambda: store.apply(delta), 1),
        )
        point = f"DELETE WHERE {{ <{EX}event/7> ?p ?o }}"
        report(
            "update_delta (rdflib), DELETE WHERE on one resource",
            timed(lambda: store.update_delta(point)),
        )
        store.close()


def bench_load(args) -> None:
    from rdflib import URIRef

    from service.formats import NTRIPLES
    from service.store.embedded import EmbeddedStore

    with tempfile.TemporaryDirectory() as tmp:
        data = io.BytesIO()
        ox.serialize(generated(args.triples), data, ox.RdfFormat.N_QUADS)
        payload = data.getvalue()
        for i, (label, load) in enumerate(
            (
                (
                    "Store.bulk_load (not transactional)",
                    lambda s: s.bulk_load(payload, ox.RdfFormat.N_QUADS),
                ),
                ("Store.load (one transaction)", lambda s: s.load(payload, ox.RdfFormat.N_QUADS)),
                (
                    "parse to a list, then Store.extend (one transaction)",
                    lambda s: s.extend(
                        list(ox.parse(payload, ox.RdfFormat.N_QUADS, rename_blank_nodes=True))
                    ),
                ),
            )
        ):
            store = ox.Store(str(Path(tmp) / f"db{i}"))
            start = time.perf_counter()
            load(store)
            store.flush()
            report(f"{label}, {args.triples} quads", (time.perf_counter() - start) * 1000)
            del store

        # EmbeddedStore.load, a file of triples into one graph: the bulk path when the graph
        # is empty (Oxigraph reads the file itself when it has no blank node; else the parsed
        # quads, their blank nodes renamed), one transaction when it holds data. Each with
        # the validating first read, optimize() and the flush.
        def note_as_iri(quad):
            if isinstance(quad.object, ox.BlankNode):
                return ox.Triple(
                    quad.subject, quad.predicate, ox.NamedNode(f"{EX}note/{quad.object.value}")
                )
            return ox.Triple(quad.subject, quad.predicate, quad.object)

        files = {}
        for kind, triple in (
            ("blank", lambda q: ox.Triple(q.subject, q.predicate, q.object)),
            ("iri", note_as_iri),
        ):
            files[kind] = Path(tmp) / f"{kind}.nt"
            with files[kind].open("wb") as out:
                ox.serialize(
                    (triple(q) for q in generated(args.triples)), out, ox.RdfFormat.N_TRIPLES
                )
        graph = URIRef(EX + "graph/loaded")
        for n, (label, kind, prefill) in enumerate(
            (
                ("into a new graph, no blank node (bulk path)", "iri", False),
                ("into a new graph, 1 triple in 8 to a blank node (bulk path)", "blank", False),
                ("into a graph holding data (one transaction)", "blank", True),
            )
        ):
            store = EmbeddedStore(Path(tmp) / f"store{n}", workers=False)
            if prefill:
                store.load(f"<{EX}a> <{EX}b> <{EX}c> .".encode(), NTRIPLES, graph)
            start = time.perf_counter()
            count = store.load(files[kind], NTRIPLES, graph)
            report(
                f"EmbeddedStore.load {label}, {count} triples", (time.perf_counter() - start) * 1000
            )
            store.close()


def bench_apply(args) -> None:
    """The cost of applying a write-sized changeset, whole and step by step."""
    from rdflib import Literal, URIRef

    from service.files import write_atomically
    from service.store.embedded import GENERATION, EmbeddedStore
    from service.store.interface import Changeset
    from service.store.terms import quad_to_oxigraph

    def changeset(i: int) -> Changeset:
        """A one-event insert with its history record's size: 25 quads."""
        event, graph = URIRef(f"{EX}written/{i}"), URIRef(f"{EX}graph/written")
        return Changeset(
            add=[(event, URIRef(f"{EX}p{k}"), Literal(f"valeur {i} {k}"), graph) for k in range(25)]
        )

    with tempfile.TemporaryDirectory() as tmp:
        store = EmbeddedStore(Path(tmp) / "store", workers=False)
        store.oxigraph.bulk_extend(generated(args.triples))
        store.oxigraph.flush()
        # Alternated, so that both see the same machine (other work moves fsync times a lot).
        acknowledged, flushed = [], []
        for i in range(args.writes):
            start = time.perf_counter()
            store.apply(changeset(2 * i))
            acknowledged.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            store.apply(changeset(2 * i + 1))
            store._checkpoint()
            flushed.append((time.perf_counter() - start) * 1000)
        for name, times in (
            ("apply, acknowledged once its journal is synced", acknowledged),
            ("apply then checkpoint at once (flush, generation file)", flushed),
        ):
            times.sort()
            report(
                f"{name}: 25 quads, {args.triples} triples, median of {args.writes}",
                statistics.median(times),
                f"p90 {times[int(len(times) * 0.9)]:.1f} ms",
            )
        start = time.perf_counter()
        store.close()
        report("close (what is not yet flushed, flushed)", (time.perf_counter() - start) * 1000)

        # The steps, one by one, on the same store.
        store = EmbeddedStore(Path(tmp) / "store", workers=False)
        quads = [quad_to_oxigraph(q) for q in changeset(args.writes + 1).add]
        journal = store._journal
        scratch = Path(tmp) / "steps"
        scratch.mkdir()
        report(
            "journal: write, fsync, rename, fsync directory",
            timed(lambda: write_atomically(scratch / "journal.nq", b"x" * 4000), 20),
        )
        report(
            "generation file: write, fsync, rename, fsync directory",
            timed(lambda: write_atomically(scratch / GENERATION, b"12345\n"), 20),
        )
        counter = iter(range(10**6))

        def extend() -> None:
            n = next(counter)
            store.oxigraph.extend(
                [
                    ox.Quad(
                        q.subject, q.predicate, ox.Literal(f"{q.object.value} {n}"), q.graph_name
                    )
                    for q in quads
                ]
            )

        report("Oxigraph extend (one transaction)", timed(extend, 20))

        def extend_and_flush() -> None:
            extend()
            store.oxigraph.flush()

        report("Oxigraph extend, then flush", timed(extend_and_flush, 20))
        del journal
        store.close()


def bench_union(args) -> None:
    """What a default graph that is the RDF merge of all graphs (a set of triples) would cost,
    against Oxigraph's union, which repeats a triple held in several graphs."""
    merge = ox.NamedNode(EX + "graph/merge")

    def distinct_pattern(s: str, p: str, o: str) -> str:
        names = " ".join(t for t in (s, p, o) if t.startswith("?"))
        return f"{{ SELECT DISTINCT {names} WHERE {{ GRAPH ?g {{ {s} {p} {o} }} }} }}"

    join_merged = (
        "SELECT ?e ?l WHERE { "
        + distinct_pattern("?e", f"<{EX}theme>", f"<{EX}theme/7>")
        + distinct_pattern("?e", f"<{EX}place>", f"<{EX}place/7>")
        + distinct_pattern("?e", f"<{EX}label>", "?l")
        + " FILTER(LANG(?l) = 'fr') }"
    )
    scan_merged = (
        "SELECT (COUNT(*) AS ?n) WHERE { "
        + distinct_pattern("?e", f"<{EX}label>", "?l")
        + " FILTER(CONTAINS(STR(?l), '99')) }"
    )
    with tempfile.TemporaryDirectory() as tmp:
        store = ox.Store(str(Path(tmp) / "db"))
        start = time.perf_counter()
        store.bulk_extend(generated(args.triples))
        store.flush()
        report(
            f"bulk load, {args.triples} triples in 50 graphs", (time.perf_counter() - start) * 1000
        )
        start = time.perf_counter()
        store.bulk_extend(
            ox.Quad(q.subject, q.predicate, q.object, merge) for q in generated(args.triples)
        )
        store.flush()
        report("the same triples again into one merge graph", (time.perf_counter() - start) * 1000)
        named = [ox.NamedNode(f"{EX}graph/{i}") for i in range(50)]
        for name, query in (("selective join", JOIN), ("scan with a label filter", SCAN)):
            report(
                f"{name}: Oxigraph's union default graph",
                timed(lambda: list(store.query(query, use_default_graph_as_union=True)), 3),
            )
            report(
                f"{name}: default graph = the merge graph, 50 named graphs listed",
                timed(
                    lambda: list(store.query(query, default_graph=[merge], named_graphs=named)), 3
                ),
            )
        for name, query in (
            ("selective join", join_merged),
            ("scan with a label filter", scan_merged),
        ):
            report(
                f"{name}: each pattern a DISTINCT subquery over GRAPH ?g",
                timed(lambda: list(store.query(query)), 3),
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, default_key, default in (
        ("snapshot", "triples", 1_000_000),
        ("results", "rows", 10_000),
        ("delta", "triples", 100_000),
        ("load", "triples", 1_000_000),
        ("apply", "triples", 100_000),
        ("union", "triples", 1_000_000),
    ):
        command = sub.add_parser(name)
        command.add_argument(f"--{default_key}", type=int, default=default)
        if name == "apply":
            command.add_argument("--writes", type=int, default=100)
    args = parser.parse_args()
    {
        "snapshot": bench_snapshot,
        "results": bench_results,
        "delta": bench_delta,
        "load": bench_load,
        "apply": bench_apply,
        "union": bench_union,
    }[args.command](args)


if __name__ == "__main__":
    main()
