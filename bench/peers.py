"""The service beside its peers, the same data and the same questions over HTTP; see
bench/README.md.

    .venv/bin/python bench/peers.py [--sizes 1000000,10000000] [--keep DIR]
        [--only service,oxigraph,virtuoso,rdflib] [--repeat 5] [--timeout 120] [--no-queries]

For each size: the project's generator (``bench/search.py``) writes the quads once, beside
the seed the service starts with; the service, an Oxigraph server and Virtuoso (and
rdflib-endpoint up to 100,000 quads) load them with their own loaders; then every example
query of ``data/examples.ttl`` and a heavy set go to each server, interleaved run by run,
and the service's pages to the service, with 1 and 8 clients. Prints the machine, the
loads, per query the medians after a warm-up (each run a text of its own, so the service's
figure is its engine's; then its cached answer to the same text), the rows each server
returned and the ratios service / best peer, cold and cached, then the pages and the service's restart. ``--keep DIR`` keeps the
files and the loaded databases for the next run.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from rdflib import Graph, Namespace

sys.path.insert(0, str(Path(__file__).resolve().parent))

from peer_servers import PEERS, RDFLIB_MAX, Peer, Running, Service  # noqa: E402
from search import BASE, generate  # noqa: E402
from serving import ROOT  # noqa: E402

SH = Namespace("http://www.w3.org/ns/shacl#")
KINDS = {SH.select: "select", SH.construct: "construct", SH.ask: "ask", SH.describe: "describe"}
ACCEPT = {
    "select": "application/sparql-results+json",
    "ask": "application/sparql-results+json",
    "construct": "application/n-triples",
    "describe": "application/n-triples",
}
#: What a server may answer a CONSTRUCT or DESCRIBE with instead of N-Triples.
GRAPH_MEDIA = {
    "text/turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}
PREFIX = "PREFIX schema: <https://schema.org/>\n"
#: The service's answer header: ``hit`` when the answer came from its result cache.
CACHE_HEADER = "X-Mediation-Cache"
#: The column of the service's second asking of a text, its result cache's figure.
CACHED = "cached"
#: How many times the service is asked its last text again, for the cached figure (a median).
CACHED_ASKS = 5
#: An event every size holds (the generator writes at least 100).
EVENT = f"{BASE}id/event/evenement-42"

#: The heavy set: what the catalogue does not ask, written against the generator's data.
HEAVY = {
    "co-organisateurs (3-way join)": (
        "select",
        PREFIX + "SELECT ?a ?b (COUNT(DISTINCT ?e) AS ?n) WHERE {\n"
        "  ?e a schema:Event ; schema:organizer ?a , ?b .\n"
        "  ?a schema:name ?na . ?b schema:name ?nb .\n"
        "  FILTER(STR(?a) < STR(?b))\n"
        "} GROUP BY ?a ?b ORDER BY DESC(?n) ?a ?b LIMIT 100",
    ),
    "listing OFFSET 10,000": (
        "select",
        PREFIX + "SELECT ?e ?name ?date ?place WHERE {\n"
        "  ?e a schema:Event .\n"
        "  OPTIONAL { ?e schema:name ?name FILTER(LANG(?name) = 'fr') }\n"
        "  OPTIONAL { ?e schema:startDate ?date }\n"
        "  OPTIONAL { ?e schema:location/schema:name ?place }\n"
        "} ORDER BY DESC(?date) ?e LIMIT 20 OFFSET 10000",
    ),
    "DESCRIBE an event": ("describe", f"DESCRIBE <{EVENT}>"),
    "SELECT 1,000 rows": (
        "select",
        PREFIX + "SELECT ?e ?name ?date WHERE {\n"
        "  ?e a schema:Event ; schema:name ?name ; schema:startDate ?date .\n"
        "  FILTER(LANG(?name) = 'fr')\n"
        "} LIMIT 1000",
    ),
    "CONSTRUCT 1,000 triples": (
        "construct",
        PREFIX + "CONSTRUCT { ?e schema:name ?name } WHERE {\n"
        "  ?e a schema:Event ; schema:name ?name . FILTER(LANG(?name) = 'fr')\n"
        "} LIMIT 1000",
    ),
}


# ---------------------------------------------------------------------------------------------
# The machine, the data
# ---------------------------------------------------------------------------------------------


def machine() -> str:
    """CPU model, cores, memory and load: what the figures were measured on."""
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if "model name" in line),
        platform.processor() or "unknown CPU",
    )
    memory = next(
        int(line.split()[1]) * 1024
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    commit = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return (
        f"{model}, {os.cpu_count()} cores, {memory / 2**30:.0f} GiB; load average {load} "
        f"at start; this checkout at {commit or 'unknown'}"
    )


def prepare(directory: Path, size: int) -> list[Path]:
    """The seed the service starts with and ``size`` generated quads, as N-Quads files."""
    directory.mkdir(parents=True, exist_ok=True)
    seed, generated = directory / "seed.nq", directory / "generated.nq"
    if not seed.exists():
        from peer_servers import load_service

        with tempfile.TemporaryDirectory() as tmp:
            store = Path(tmp) / "store"
            load_service(store, [])
            from pyoxigraph import RdfFormat, Store

            Store.read_only(str(store / "oxigraph")).dump(
                str(seed.with_suffix(".part")), RdfFormat.N_QUADS
            )
        seed.with_suffix(".part").rename(seed)
    if not generated.exists():
        part = generated.with_suffix(".part")
        with part.open("w", encoding="utf-8") as out:
            for chunk in generate(size):
                out.writelines(chunk)
        part.rename(generated)
    return [seed, generated]


def quads(files: list[Path]) -> int:
    total = 0
    for path in files:
        with path.open("rb") as data:
            total += sum(block.count(b"\n") for block in iter(lambda: data.read(1 << 24), b""))
    return total


def catalogue() -> dict[str, tuple[str, str]]:
    """Every example query, by its name: (kind, text)."""
    graph = Graph().parse(ROOT / "data" / "examples.ttl")
    found = {}
    for predicate, kind in KINDS.items():
        for subject, text in graph.subject_objects(predicate):
            found[str(subject).rsplit("/", 1)[-1]] = (kind, str(text))
    return dict(sorted(found.items()))


# ---------------------------------------------------------------------------------------------
# Queries, side by side
# ---------------------------------------------------------------------------------------------


def ask(session: requests.Session, url: str, kind: str, text: str, timeout: float, *, cached=None):
    """One query over HTTP: milliseconds and the rows (or triples, or the boolean), or an
    error's name in place of the rows. ``cached``, a list, receives whether the service said
    the answer came from its result cache."""
    start = time.perf_counter()
    try:
        answer = session.post(
            url, data={"query": text}, headers={"Accept": ACCEPT[kind]}, timeout=timeout
        )
    except requests.Timeout:
        return (time.perf_counter() - start) * 1000, "timeout"
    ms = (time.perf_counter() - start) * 1000
    if cached is not None:
        cached.append(answer.headers.get(CACHE_HEADER) == "hit")
    if answer.status_code != 200:
        return ms, f"HTTP {answer.status_code}"
    if kind in ("select", "ask"):
        body = answer.json()
        return ms, body["boolean"] if kind == "ask" else len(body["results"]["bindings"])
    media = answer.headers.get("Content-Type", "").split(";")[0].strip()
    if media in ("application/n-triples", "text/plain"):
        return ms, sum(1 for line in answer.text.splitlines() if line.strip())
    if media not in GRAPH_MEDIA:  # not a graph at all (rdflib-endpoint's DESCRIBE)
        return ms, f"answered {media}"
    return ms, len(Graph().parse(data=answer.text, format=GRAPH_MEDIA[media]))


def fresh(text: str, run: str) -> str:
    """The query with a comment of its own: the same question, a text the service's result
    cache has never seen, so that the figure is its engine's (peers ignore comments)."""
    return f"# run {run}\n{text}"


def side_by_side(servers: list[Running], queries: dict, repeat: int, timeout: float) -> list:
    """Each query to each server: a warm-up, then ``repeat`` runs interleaved server by
    server (a slow answer, over a tenth of the time-out, is not repeated). Every run sends a
    text of its own (cold, the engine); then the service is asked its last text again
    ``CACHED_ASKS`` times (``cached``: a lookup in its result cache when the answer was kept)."""
    sessions = {s.name: requests.Session() for s in servers}
    nonce = f"{time.time_ns():x}"
    rows = []
    for name, (kind, text) in queries.items():
        times: dict[str, list[float]] = {s.name: [] for s in servers}
        results: dict[str, object] = {}
        once = set()  # answered slowly or not at all: the warm-up is the figure
        asked = {}  # the last text each server was asked
        for server in servers:
            asked[server.name] = fresh(text, f"{nonce}-warm-up")
            ms, results[server.name] = ask(
                sessions[server.name], server.sparql, kind, asked[server.name], timeout
            )
            if isinstance(results[server.name], str) or ms / 1000 > timeout / 10:
                times[server.name].append(ms)
                once.add(server.name)
        for run in range(repeat):
            for server in (s for s in servers if s.name not in once):
                asked[server.name] = fresh(text, f"{nonce}-{run}")
                ms, _ = ask(sessions[server.name], server.sparql, kind, asked[server.name], timeout)
                times[server.name].append(ms)
        medians = {n: statistics.median(t) for n, t in times.items()}
        service = next((s for s in servers if s.name == "service"), None)
        if service and not isinstance(results["service"], str):
            hits: list[bool] = []
            again = [
                ask(
                    sessions["service"],
                    service.sparql,
                    kind,
                    asked["service"],
                    timeout,
                    cached=hits,
                )[0]
                for _ in range(CACHED_ASKS)
            ]
            medians = {"service": medians["service"], CACHED: statistics.median(again)} | {
                n: m for n, m in medians.items() if n != "service"
            }
            results = {"service": results["service"], CACHED: results["service"]} | results
            if not all(hits):
                results[CACHED] = "not kept"
        rows.append((name, medians, results))
        print_query(name, medians, results)
    return rows


def ratio(medians: dict[str, float], results: dict[str, object], own: str = "service") -> str:
    """``own`` (the service cold, or its cached answer) against the best peer that answered."""
    peers = [
        ms
        for n, ms in medians.items()
        if n not in ("service", CACHED) and not isinstance(results[n], str)
    ]
    if own not in medians or not peers:
        return "—"
    if results[own] == "timeout":  # at least this much slower
        return f"≥{medians[own] / min(peers):.0f}×"
    if isinstance(results[own], str):
        return "—"
    return f"{medians[own] / min(peers):.2f}×"


def agreement(results: dict[str, object]) -> str:
    results = {n: r for n, r in results.items() if n != CACHED}
    answered = {n: r for n, r in results.items() if not isinstance(r, str)}
    if len(set(map(str, answered.values()))) <= 1 and len(answered) == len(results):
        return f"{next(iter(answered.values()))} same"
    return " / ".join(f"{n} {r}" for n, r in results.items())


def print_query(name: str, medians: dict[str, float], results: dict[str, object]) -> None:
    figures = "".join(
        f"{'—' if results.get(n) == 'not kept' else f'{medians[n]:.1f}':>11}" for n in medians
    )
    cold = ratio(medians, results)
    cached = ratio(medians, results, CACHED) if CACHED in medians else "—"
    print(f"{name:<40}{figures}  {cold:>8} {cached:>8}  {agreement(results)}", flush=True)


# ---------------------------------------------------------------------------------------------
# Pages: requests per second and latencies, with several clients
# ---------------------------------------------------------------------------------------------


def hammer(url_for, accept: str, clients: int, seconds: float) -> tuple[float, float, float, set]:
    """``clients`` threads asking ``url_for(i)`` for ``seconds``: requests/s, p50 and p99 in
    ms, and the statuses seen."""
    latencies: list[float] = []
    statuses: set[int] = set()
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(offset: int) -> None:
        session, mine, seen, i = requests.Session(), [], set(), offset
        while True:  # one request at least, even when the thread starts past the deadline
            start = time.perf_counter()
            seen.add(session.get(url_for(i), headers={"Accept": accept}, timeout=60).status_code)
            mine.append((time.perf_counter() - start) * 1000)
            i += clients
            if time.perf_counter() >= deadline:
                break
        with lock:
            latencies.extend(mine)
            statuses.update(seen)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    rate = len(latencies) / (time.perf_counter() - started)
    return rate, statistics.median(latencies), p99, statuses


def pages(servers: list[Running], size: int, seconds: float) -> None:
    """The service's pages, and the peers' DESCRIBE of the same event beside its Turtle."""
    events = max(100, size // 20)  # fewer than the generator writes
    # Never the same event twice in the server's life (the warm-up, 1 client, 8 clients):
    # one it rendered already is kept, and would be answered from the door.
    fresh = itertools.count()
    site = next((s.site for s in servers if s.site), None)
    targets = []
    if site:
        event = site + EVENT.removeprefix(BASE)
        targets += [
            ("event page HTML", "service", lambda i: event, "text/html"),
            (
                "event page HTML, a new event each time",
                "service",
                lambda i: f"{site}id/event/evenement-{(next(fresh) * 7919) % events}",
                "text/html",
            ),
            ("event page Turtle", "service", lambda i: event, "text/turtle"),
            ("theme page", "service", lambda i: f"{site}id/theme/theme-3", "text/html"),
            (
                "search « atelier », asked again",
                "service",
                lambda i: f"{site}search?q=atelier",
                "text/html",
            ),
            (
                "search « atelier », a new address each time",
                "service",
                lambda i: f"{site}search?q=atelier&n={next(fresh)}",
                "text/html",
            ),
        ]
    describe = requests.Request("GET", "http://x/", params={"query": f"DESCRIBE <{EVENT}>"})
    query = describe.prepare().url.split("?", 1)[1]
    for server in servers:
        if server.name != "service":
            url = f"{server.sparql}?{query}"
            targets.append(
                ("DESCRIBE the event, Turtle", server.name, lambda i, u=url: u, "text/turtle")
            )
    print(f"\n{'page (requests/s, p50, p99)':<46}{'server':>10}{'1 client':>26}{'8 clients':>26}")
    for label, name, url_for, accept in targets:
        hammer(url_for, accept, 1, 1)  # warm-up
        cells, statuses = "", set()
        for clients in (1, 8):
            rate, p50, p99, seen = hammer(url_for, accept, clients, seconds)
            statuses |= seen
            cells += f"{rate:>8.0f}/s {p50:>6.1f} {p99:>6.1f} ms"
        bad = sorted(statuses - {200})
        print(f"{label:<46}{name:>10}{cells}" + (f"  statuses {bad}" if bad else ""), flush=True)


# ---------------------------------------------------------------------------------------------
# One size
# ---------------------------------------------------------------------------------------------


def run_size(size: int, root: Path, names: list[str], args: argparse.Namespace) -> None:
    directory = root / str(size)
    files = prepare(directory, size)
    total = quads(files)
    print(f"\n## {size:,} generated quads ({total:,} with the seed)\n", flush=True)
    chosen: list[Peer] = []
    for name in names:
        if name == "rdflib" and size > RDFLIB_MAX:
            continue
        peer = PEERS[name](directory, args.timeout)
        if isinstance(peer, Service):
            peer.loader = args.service_load
        chosen.append(peer)
    print(f"{'load':<12}{'seconds':>10}{'quads/s':>10}{'peak memory':>14}{'disk':>10}  index")
    for peer in chosen:
        figures = peer.ensure_loaded(files)
        seconds = figures["seconds"]
        rate = f"{total / seconds:>10,.0f}" if seconds else f"{'at start':>10}"
        built = f"  built in {figures['index_seconds']:.0f} s" if "index_seconds" in figures else ""
        if "optimize_seconds" in figures:
            built = f"  (of which optimize {figures['optimize_seconds']:.1f} s)"
        print(
            f"{peer.name:<12}{seconds:>10.1f}{rate}{figures['memory'] / 2**20:>11,.0f} MB"
            f"{figures['disk'] / 2**20:>7,.0f} MB{built}",
            flush=True,
        )
    servers: list[Running] = []
    try:
        for peer in chosen:
            start = time.perf_counter()
            servers.append(peer.start())
            print(f"{peer.name} answers {time.perf_counter() - start:.1f} s after its start")
        names = [s.name for s in servers]
        if "service" in names:
            names.insert(names.index("service") + 1, CACHED)
        header = "".join(f"{n:>11}" for n in names)
        print(f"\n{'query (median ms)':<40}{header}  {'cold':>8} {'cached':>8}  rows")
        index = next((s.index for s in servers if s.index), None)
        if args.queries:
            # Not while the service computes its examples after its start: its steady state,
            # which a write leaves for as long (docs/sparql.md), is measured.
            if index and index.examples_ready.wait(args.index_wait):
                print(
                    f"(service's examples computed {index.examples_seconds:.0f} s after its start)"
                )
            side_by_side(servers, catalogue(), args.repeat, args.timeout)
            side_by_side(servers, HEAVY, args.repeat, args.timeout)
        paged = servers
        if index and not index.ready.wait(args.index_wait):
            print(f"\nthe service's index is not ready after {args.index_wait:.0f} s: no pages")
            paged = [s for s in servers if s.name != "service"]
        pages(paged, size, args.seconds)
    finally:
        peaks = {s.name: s.stop() for s in servers}
    peaks_line = ", ".join(f"{n} {b / 2**20:,.0f} MB" for n, b in peaks.items())
    print(f"\npeak memory while serving: {peaks_line}")
    service = next((p for p in chosen if isinstance(p, Service)), None)
    if service and index and index.ready.is_set():
        if index.built:
            figures = service.loaded() | {"index_seconds": index.seconds}
            service.figures_path.write_text(json.dumps(figures))
        what = "built" if index.built else "found"
        print(f"service index {what}, ready {index.seconds:.0f} s after the start", flush=True)
        restart = service.restart(EVENT.removeprefix(BASE), "events", args.index_wait)
        seen = {k: f"{restart[k]:.1f} s" if k in restart else "none" for k in ("page", "list")}
        print(
            f"service restart on its store and index: first page {seen['page']}, "
            f"first list {seen['list']} ({restart['list_503']} answers 503 before)",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--keep", type=Path, default=None)
    parser.add_argument("--only", default=",".join(PEERS))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=120, help="seconds a query may take")
    parser.add_argument("--seconds", type=float, default=5, help="seconds per page measurement")
    parser.add_argument(
        "--index-wait",
        type=float,
        default=3600,
        help="seconds the pages wait for the service's search index",
    )
    parser.add_argument(
        "--no-queries",
        dest="queries",
        action="store_false",
        help="skip the catalogue and the heavy set: loads, pages, memory and the restart only",
    )
    parser.add_argument(
        "--service-load",
        choices=("store", "mediation"),
        default="store",
        help="the service's store loads the files (its bulk path), or `mediation load` does",
    )
    args = parser.parse_args()
    names = [n for n in args.only.split(",") if n]
    if unknown := set(names) - set(PEERS):
        parser.error(f"unknown servers: {', '.join(sorted(unknown))}")
    print(f"# Side by side, {machine()}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            run_size(size, args.keep or Path(tmp), names, args)


if __name__ == "__main__":
    main()
