"""The example queries and a heavy set, on the service, Oxigraph server and Virtuoso; see
bench/README.md.

    .venv/bin/python bench/examples.py --keep DIR [--triples 1000000] [--repeat 5]
                                       [--before REV] [--only SLUG,SLUG]

The first run on DIR seeds a store as the service does, loads ``bench/search.py``'s
generated field into it (about 1M quads), dumps the whole store as N-Quads and loads that
same file into an Oxigraph server (``oxigraph load``) and into Virtuoso (its bulk loader,
``ld_dir`` and ``rdf_loader_run``); later runs on DIR reuse all three. Then the three
servers run side by side and every query is sent over HTTP to each, the servers taken in
turn run by run so that load on the machine falls on all three alike:

* ``cold``: each run's text carries a comment of its own, so no answer can come from the
  service's result cache: what the engine (and the endpoint around it) costs;
* ``cached``: the service asked the same text again, a lookup in its result cache.

``--before REV`` also runs the examples as they were written at REV (``git show
REV:data/examples.ttl``) on the service and on Oxigraph server, to set a rewrite against its
original; each pair's results are compared. Prints one line per query: the median
milliseconds of each, the row counts, and the service's ratio to the best peer.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests
from rdflib import Graph

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.peer_servers import Oxigraph, Running, Service, Virtuoso  # noqa: E402
from bench.search import generate  # noqa: E402
from bench.serving import ROOT  # noqa: E402
from service.config import load_config  # noqa: E402
from service.formats import NQUADS  # noqa: E402
from service.sparql.description import examples_from_graph  # noqa: E402
from service.store.embedded import EmbeddedStore  # noqa: E402
from service.writes import ensure_seeded  # noqa: E402

JSON = "application/sparql-results+json"
PREFIXES = (
    "PREFIX schema: <https://schema.org/>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
)

#: The heavy set: shapes researchers write that no example has.
HEAVY = {
    "lourd-co-organisateurs-3": PREFIXES
    + """SELECT ?a ?b ?c (COUNT(DISTINCT ?e) AS ?n) WHERE {
  ?e schema:organizer ?a , ?b , ?c .
  FILTER(STR(?a) < STR(?b) && STR(?b) < STR(?c))
} GROUP BY ?a ?b ?c ORDER BY DESC(?n) ?a ?b ?c LIMIT 20""",
    "lourd-liste-offset-10000": PREFIXES
    + """SELECT ?event ?name ?start WHERE {
  ?event a schema:Event ; schema:name ?name ; schema:startDate ?start .
  FILTER(LANG(?name) = "fr")
} ORDER BY ?start ?event OFFSET 10000 LIMIT 100""",
    "lourd-themes-par-departement": PREFIXES
    + """SELECT ?theme (COUNT(DISTINCT ?e) AS ?n) WHERE {
  ?e a schema:Event ;
     schema:location/schema:containedInPlace* <https://w3id.org/mediation-sociale/id/place/departement/g07> ;
     schema:about/skos:broader* ?theme .
} GROUP BY ?theme ORDER BY DESC(?n) ?theme LIMIT 12""",
    "lourd-evenements-par-annee": PREFIXES
    + """SELECT ?year (COUNT(?e) AS ?n) WHERE {
  ?e a schema:Event ; schema:startDate ?d . BIND(YEAR(?d) AS ?year)
} GROUP BY ?year ORDER BY ?year""",
    "lourd-describe": "DESCRIBE <https://w3id.org/mediation-sociale/id/event/evenement-4242>",
}

#: Virtuoso's buffers for about 1M quads (its guide's sizing; the peers' default is for 10M),
#: and enough sorted rows for the heavy set's listing at OFFSET 10000.
VIRTUOSO_SETTINGS = {"buffers": 85_000, "dirty_buffers": 65_000, "sorted_rows": 1_000_000}
#: How long a query may run on each server, in seconds.
TIMEOUT = 300


def prepare(root: Path, triples: int) -> Path:
    """The service's store, seeded and with the generated field; its dump as N-Quads."""
    store_dir, dump = root / "service" / "store", root / "all.nq"
    if dump.exists():
        return dump
    shutil.rmtree(store_dir, ignore_errors=True)
    store = EmbeddedStore(store_dir, workers=False)
    start = time.perf_counter()
    ensure_seeded(store, load_config(environ={}))
    for chunk in generate(triples):
        if chunk:  # graph/bench is new: the bulk path
            store.load("".join(chunk).encode("utf-8"), NQUADS, None)
    store.oxigraph.optimize()
    with open(f"{dump}.part", "wb") as out:
        store.dump(out, NQUADS)
    print(f"service store: {store.count()} quads in {time.perf_counter() - start:.0f} s")
    store.close()
    os.replace(f"{dump}.part", dump)
    return dump


def start_peers(root: Path, dump: Path) -> list[Running]:
    """The three servers on their databases under ``root``, Oxigraph's and Virtuoso's loaded
    from ``dump`` at the first run; each started once it answers SPARQL."""
    peers = [
        Service(root, TIMEOUT),
        Oxigraph(root, TIMEOUT),
        Virtuoso(root, TIMEOUT, **VIRTUOSO_SETTINGS),
    ]
    for peer in peers[1:]:
        if peer.loaded() is None:
            seconds = peer.ensure_loaded([dump])["seconds"]
            loader = "bulk load" if isinstance(peer, Virtuoso) else "load"
            print(f"{peer.name} {loader}: {seconds:.1f} s", flush=True)
    running: list[Running] = []
    try:
        for peer in peers:
            running.append(peer.start())
    except BaseException:
        for server in running:
            server.stop()
        raise
    return running


def ask(url: str, query: str) -> tuple[float, bytes, int]:
    """Milliseconds, body and row count of one query sent by POST."""
    graph = re.search(r"^\s*(CONSTRUCT|DESCRIBE)\b", query, re.IGNORECASE | re.MULTILINE)
    accept = "application/n-triples" if graph else JSON
    start = time.perf_counter()
    answer = requests.post(url, data={"query": query}, headers={"Accept": accept}, timeout=900)
    elapsed = (time.perf_counter() - start) * 1000
    if answer.status_code != 200:
        raise RuntimeError(f"{url}: {answer.status_code} {answer.text[:300]}")
    rows = (
        len(answer.content.splitlines())
        if accept != JSON
        else len(answer.json().get("results", {}).get("bindings", []))
    )
    return elapsed, answer.content, rows


def solutions(body: bytes) -> list[tuple]:
    """A SELECT result as sorted rows of (variable, value) pairs, for comparison."""
    import json

    document = json.loads(body)
    rows = []
    for binding in document.get("results", {}).get("bindings", []):
        rows.append(tuple(sorted((k, v["value"]) for k, v in binding.items())))
    return sorted(rows)


def examples(text: str) -> dict[str, str]:
    graph = Graph().parse(data=text, format="turtle")
    return {example.slug: example.query for example in examples_from_graph(graph)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, required=True)
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--before", default=None, help="a git revision of data/examples.ttl")
    parser.add_argument("--only", default="", help="comma-separated slugs")
    args = parser.parse_args()
    root = args.keep.resolve()
    root.mkdir(parents=True, exist_ok=True)
    dump = prepare(root, args.triples)

    queries = examples((ROOT / "data" / "examples.ttl").read_text()) | HEAVY
    before = {}
    if args.before:
        shown = subprocess.run(
            ["git", "show", f"{args.before}:data/examples.ttl"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        before = {
            slug: text
            for slug, text in examples(shown.stdout).items()
            if queries.get(slug, text) != text
        }
    if args.only:
        wanted = set(args.only.split(","))
        queries = {k: v for k, v in queries.items() if k in wanted}
        before = {k: v for k, v in before.items() if k in wanted}

    running = start_peers(root, dump)
    try:
        servers = {server.name: server.sparql for server in running}
        load = os.getloadavg()[0]
        print(f"{os.cpu_count()} cores, load average {load:.1f} at start; medians of {args.repeat}")
        header = f"{'query':<36} {'service':>9} {'cached':>8} {'oxigraph':>9} {'virtuoso':>9}"
        print(f"{header} {'ratio':>7}  rows (service/oxigraph/virtuoso)", flush=True)
        for slug, query in queries.items():
            measure(slug, query, servers, args.repeat, before.get(slug))
        print(f"load average {os.getloadavg()[0]:.1f} at the end")
    finally:
        for server in running:
            server.stop()


def measure(slug: str, query: str, servers: dict[str, str], repeat: int, original: str | None):
    times: dict[str, list[float]] = {name: [] for name in servers}
    rows: dict[str, int] = {}
    bodies: dict[str, bytes] = {}
    variants = {name: query for name in servers}
    if original is not None:
        for name in ("service", "oxigraph"):
            variants[f"{name} (before)"] = original
            servers = {**servers, f"{name} (before)": servers[name]}
            times[f"{name} (before)"] = []
    failed: set[str] = set()
    for run in range(repeat + 1):  # the first run warms each server up and is not counted
        for name, url in servers.items():
            if name in failed:
                continue
            try:
                ms, body, count = ask(url, f"{variants[name]}\n# run {run} {time.time_ns()}")
            except (RuntimeError, requests.RequestException) as error:
                print(f"{slug}, {name}: {str(error)[:200]}", flush=True)
                failed.add(name)  # a time-out or a refusal: shown as nan
                times[name], rows[name], bodies[name] = [float("nan")], -1, b"{}"
                continue
            if run:
                times[name].append(ms)
            rows[name], bodies[name] = count, body
    cached = []
    for _ in range(repeat if "service" not in failed else 0):
        ms, _, _ = ask(servers["service"], query)
        cached.append(ms)  # the first evaluates (a text not yet asked), the next are kept
    cached_ms = statistics.median(cached[1:]) if len(cached) > 1 else float("nan")
    median = {name: statistics.median(values) for name, values in times.items()}
    best = min((median[n] for n in ("oxigraph", "virtuoso") if n not in failed), default=0)
    best = best or float("nan")
    print(
        f"{slug:<36} {median['service']:9.1f} {cached_ms:8.2f} "
        f"{median['oxigraph']:9.1f} {median['virtuoso']:9.1f} {median['service'] / best:6.1f}×  "
        f"{rows['service']}/{rows['oxigraph']}/{rows['virtuoso']}",
        flush=True,
    )
    if original is not None:
        same = "same results" if _same(bodies, "service") else "RESULTS DIFFER"
        print(
            f"{'  before the rewrite':<36} {median['service (before)']:9.1f} {'':>8} "
            f"{median['oxigraph (before)']:9.1f} {'':>9} {'':>7}  "
            f"{rows['service (before)']}/{rows['oxigraph (before)']}  {same}",
            flush=True,
        )


def _same(bodies: dict[str, bytes], name: str) -> bool:
    try:
        return solutions(bodies[name]) == solutions(bodies[f"{name} (before)"])
    except ValueError:
        return bodies[name] == bodies[f"{name} (before)"]


if __name__ == "__main__":
    main()
