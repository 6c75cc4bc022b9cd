"""Memory and fairness under query bombs; see bench/README.md ("Query bombs").

    .venv/bin/python bench/bombs.py [--triples 0] [--keep DIR] [--rounds 3] [--seconds 8]
                                    [--set name=value ...]

Starts ``mediation serve`` of this checkout on the seed store (``--triples N``: plus about N
generated quads, ``bench/search.py``'s generator, in a new graph), then runs ``--rounds``
rounds of three phases of ``--seconds`` each, interleaved so that the machine's load weighs
on all alike:

* **quiet**: a second client (127.0.0.2) asks, one after the other, a small query no cache
  holds (an event's triples, which the store finds by its index) and that event's page;
  its latencies are the reference;
* **spread**: ``max_concurrent_queries`` clients, each from an address of its own
  (127.0.0.11…), send the cross-product bomb again and again: every query slot holds a bomb,
  the worst case for memory; the second client asks meanwhile;
* **one address**: as many bombs, all from 127.0.0.1, each sent again as soon as it is
  answered (0.1 s after a 429, sooner than its ``Retry-After`` asks): the per-address share
  keeps the other slots free.

Prints the peak resident memory of the service's process tree (sampled every 50 ms) and of
its largest process, what the bombs were answered, and the second client's p50/p99 in each
phase. ``--set`` passes settings (``--set query_memory_bytes=300000000``).
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from peer_servers import PeakMemory  # noqa: E402
from serving import serve_seeded  # noqa: E402

from service.config import DEFAULT_BASE, load_config  # noqa: E402

BOMB = "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY RAND() LIMIT 1"
EVENT_PAGE = "id/event/2019-12-04-journee-regionale-lievin"
#: The small query: one resource's triples, found by the index whatever the store's size.
EVENT = DEFAULT_BASE + EVENT_PAGE


class _FromAddress(HTTPAdapter):
    def __init__(self, address: str):
        self.address = address
        super().__init__(pool_maxsize=4)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def client(address: str) -> requests.Session:
    """A session whose connections come from ``address`` (any of 127/8 reaches 127.0.0.1)."""
    session = requests.Session()
    session.mount("http://", _FromAddress(address))
    return session


def prepare(store: Path, triples: int) -> None:
    """The seed, then about ``triples`` generated quads in a graph of their own."""
    from search import generate

    from service.formats import NQUADS
    from service.store import open_store
    from service.writes import ensure_seeded

    config = load_config(overrides={"store": str(store)}, environ={})
    opened = open_store(config, workers=False)
    try:
        if opened.count() > 100_000:
            return
        ensure_seeded(opened, config)
        start = time.perf_counter()
        for chunk in generate(triples):
            if chunk:
                opened.load("".join(chunk).encode("utf-8"), NQUADS, None)
        opened.oxigraph.optimize()
        print(f"generated and loaded: {opened.count()} quads, {time.perf_counter() - start:.0f} s")
    finally:
        opened.close()


class Bombers:
    """Threads that send the bomb again and again until stopped, counting the answers."""

    def __init__(self, url: str, addresses: list[str], timeout: float):
        self.answers: Counter[str] = Counter()
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._bomb, args=(url, address, timeout), daemon=True)
            for address in addresses
        ]
        for thread in self._threads:
            thread.start()

    def _bomb(self, url: str, address: str, timeout: float) -> None:
        session = client(address)
        while not self._stop.is_set():
            try:
                status = session.post(url, data={"query": BOMB}, timeout=timeout).status_code
                self.answers[str(status)] += 1
                if status == 429:
                    self._stop.wait(0.1)  # again soon, not as its Retry-After asks
            except requests.RequestException as error:
                self.answers[type(error).__name__] += 1

    def stop(self) -> Counter[str]:
        self._stop.set()
        for thread in self._threads:
            thread.join()
        return self.answers


def second_client(site: str, seconds: float) -> dict[str, list[float]]:
    """Latencies (ms) of a small fresh query and an event page, asked in turn for ``seconds``."""
    session = client("127.0.0.2")
    latencies: dict[str, list[float]] = {"query": [], "page": []}
    failures: Counter[int] = Counter()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for kind in latencies:
            if kind == "query":
                ask = f'ASK {{ <{EVENT}> ?p ?o FILTER (?o != "{uuid.uuid4()}") }}'
                call = lambda: session.get(site + "sparql", params={"query": ask}, timeout=120)  # noqa: E731
            else:
                call = lambda: session.get(site + EVENT_PAGE, timeout=120)  # noqa: E731
            start = time.perf_counter()
            answer = call()
            latencies[kind].append((time.perf_counter() - start) * 1000)
            if answer.status_code != 200:
                failures[answer.status_code] += 1
    if failures:
        print(f"    second client's failures: {dict(failures)}")
    return latencies


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=0)
    parser.add_argument("--keep", type=Path, default=None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args()
    settings = dict(item.split("=", 1) for item in args.set)
    config = load_config(overrides=settings, environ={})
    workers = config.max_concurrent_queries

    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        store = root / "store"
        if args.triples:
            # In a process of its own: loading takes about 2 GB, which this one would keep.
            loader = multiprocessing.get_context("spawn").Process(
                target=prepare, args=(store, args.triples)
            )
            loader.start()
            loader.join()
        server, site = serve_seeded(store, timeout=3600, settings=settings)
        memory = PeakMemory(server.pid, every=0.05)
        try:
            run(site, workers, config, args, memory)
        finally:
            memory.stop()
            server.terminate()
            server.wait(timeout=60)


def run(site: str, workers: int, config, args, memory: PeakMemory) -> None:
    print(
        f"{workers} workers, query_memory_bytes {config.query_memory_bytes:,}, "
        f"client_query_slots {config.client_query_slots}, query_timeout {config.query_timeout:g} s"
    )
    requests.get(site + EVENT_PAGE, timeout=120)  # rendered once, as any page after its first
    idle = memory.peak
    phases = {
        "quiet": lambda: None,
        "spread": lambda: Bombers(
            site + "sparql", [f"127.0.0.{11 + n}" for n in range(workers)], 120
        ),
        "one address": lambda: Bombers(site + "sparql", ["127.0.0.1"] * workers, 120),
    }
    latencies = {name: {"query": [], "page": []} for name in phases}
    answers = {name: Counter() for name in phases}
    peaks = {name: 0 for name in phases}
    for _, (name, start) in itertools.product(range(args.rounds), phases.items()):
        memory.peak = memory.largest = 0
        bombers = start()
        time.sleep(0.5 if bombers else 0)
        for kind, values in second_client(site, args.seconds).items():
            latencies[name][kind].extend(values)
        if bombers:
            answers[name].update(bombers.stop())
        peaks[name] = max(peaks[name], memory.peak)
        print(
            f"  {name}: tree peak {memory.peak / 2**20:,.0f} MiB, largest process "
            f"{memory.largest / 2**20:,.0f} MiB",
            flush=True,
        )
    print(f"before the bombs: tree {idle / 2**20:,.0f} MiB")
    print(
        f"{'phase':<12} {'tree peak':>10} {'query p50/p99 ms':>18} {'page p50/p99 ms':>17}  bombs"
    )
    for name in phases:
        cells = [
            f"{statistics.median(values):.0f}/{percentile(values, 0.99):.0f}"
            for values in latencies[name].values()
        ]
        print(
            f"{name:<12} {peaks[name] / 2**20:>7,.0f} MiB {cells[0]:>18} {cells[1]:>17}  "
            f"{dict(answers[name]) or '-'}"
        )


if __name__ == "__main__":
    main()
