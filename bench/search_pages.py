"""Search and list pages over HTTP on a generated store, and what a restart costs them; see
bench/README.md.

    .venv/bin/python bench/search.py --triples 1000000 --keep DIR   # makes DIR/store
    .venv/bin/python bench/search_pages.py DIR/store [--requests 40]

Starts ``mediation serve`` of this checkout on the store. When the store has no index yet
(``DIR/store/index.sqlite``), it first measures the wait of a start without one: how long
lists answer 503 and when the index is ready. Then it stops the server and starts it again
with its index, and measures how long after the start lists answer, and how many 503s came
first. Last, the pages: the first answer of each (its facets counted), the median and 95th
percentile of ``--requests`` more, each at a new address (made each time: the same address
would be answered by the door in front of Flask), and the median of the first address asked
again (``kept``: the door's answer); wall time of the whole HTTP request. Prints the
machine's load average beside the figures: the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serving import ROOT, free_port  # noqa: E402

PAGES = (
    "search?q=atelier",
    "search.json?q=m%C3%A9diateurs",
    "search?q=illectronisme+quartiers",
    "search?q=atelier&kind=event&territory=departement/g62",
    "events?territory=departement/g62",
    "events.json?theme=theme-3&when=past",
)


def start(store: Path) -> tuple[subprocess.Popen, str, float]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIATION_")}
    env["PYTHONPATH"] = str(ROOT)
    command = [sys.executable, "-m", "service.cli", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--store", str(store)]
    log = open(store.parent / "server.log", "a")  # noqa: SIM115 — the child keeps it
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    return process, f"http://127.0.0.1:{port}/", started


def until_lists_answer(process: subprocess.Popen, url: str, started: float) -> tuple[float, int]:
    """Seconds from the start until ``/events.json`` answers 200, and how many 503s came
    first."""
    unavailable = 0
    while True:
        if process.poll() is not None:
            raise SystemExit("the service stopped")
        try:
            status = requests.get(url + "events.json", timeout=30).status_code
        except requests.RequestException:
            time.sleep(0.05)
            continue
        if status == 200:
            return time.monotonic() - started, unavailable
        unavailable += status == 503
        time.sleep(0.5)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=60)


def load() -> str:
    return "load " + " ".join(f"{n:.1f}" for n in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    store = args.store.resolve()

    if not (store / "index.sqlite").exists():
        process, url, started = start(store)
        try:
            seconds, refused = until_lists_answer(process, url, started)
            print(
                f"start without an index: lists answered after {seconds:.0f} s "
                f"({refused} answers 503 before), {load()}",
                flush=True,
            )
        finally:
            stop(process)

    process, url, started = start(store)
    try:
        seconds, refused = until_lists_answer(process, url, started)
        state = requests.get(url + "healthz", timeout=30).json()["index"]["state"]
        print(
            f"restart with its index: lists answered {seconds:.1f} s after the start "
            f"({refused} answers 503 before; index {state}), {load()}",
            flush=True,
        )
        print(f"{'page':<55} {'first':>9} {'p50':>9} {'p95':>9} {'kept':>9}  total")
        for page in PAGES:
            begin = time.perf_counter()
            first = requests.get(url + page, timeout=120)
            first_ms = (time.perf_counter() - begin) * 1000
            times = []
            for n in range(args.requests):
                # A new address each time (a parameter the page ignores): the door in front
                # of Flask keeps what it answered, so the same address would measure the door.
                begin = time.perf_counter()
                response = requests.get(f"{url}{page}&n={n}", timeout=120)
                times.append((time.perf_counter() - begin) * 1000)
                assert response.status_code == 200, (page, response.status_code)
            times.sort()
            p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
            kept = []
            for _ in range(5):  # the first address again: the door's answer
                begin = time.perf_counter()
                requests.get(url + page, timeout=120)
                kept.append((time.perf_counter() - begin) * 1000)
            total = ""
            if ".json" in page:
                body = first.json()
                total = f"{body['total']}{'' if body.get('total_exact', True) else '+'}"
            print(
                f"{page:<55} {first_ms:7.1f}ms {statistics.median(times):7.1f}ms "
                f"{p95:7.1f}ms {statistics.median(kept):7.1f}ms  {total}",
                flush=True,
            )
        print(load())
    finally:
        stop(process)


if __name__ == "__main__":
    main()
