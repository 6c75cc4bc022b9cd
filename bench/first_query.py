"""The first SPARQL queries after a start against the tenth; see bench/README.md ("The first
query after a start").

    .venv/bin/python bench/first_query.py [--store DIR] [--runs 5] [--pause 3]
        [--python PYTHON] [--pythonpath DIR]

Starts ``mediation serve`` (on a copy of ``--store``, or on a new store it seeds), waits
until ``/healthz`` answers, and sends ten queries through ``/sparql`` one after the other,
as the editor sends them, twice: at once, and after ``--pause`` seconds (a person opening
the editor). Each of ``--runs`` starts is a fresh server; the medians are printed, and the
first query of each start.
``--python``/``--pythonpath`` run another checkout of the service, to measure the code before
a change.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serving import free_port  # noqa: E402

QUERY = """PREFIX schema: <https://schema.org/>
SELECT ?event ?name ?start WHERE {
  ?event a schema:Event ;
         schema:name ?name .
  OPTIONAL { ?event schema:startDate ?start }
}
ORDER BY DESC(?start)
LIMIT 20
"""
#: What YASGUI sends for a SELECT.
ACCEPT = "application/sparql-results+json,*/*;q=0.9"


def timed_query(url: str) -> float:
    start = time.perf_counter()
    response = requests.post(
        url + "sparql", data={"query": QUERY}, headers={"Accept": ACCEPT}, timeout=600
    )
    took = time.perf_counter() - start
    response.raise_for_status()
    return took


def one_start(
    store: Path, pause: float, python: str, pythonpath: str | None, settle: bool = False
) -> tuple[float, list[float]]:
    """Seconds until /healthz answers, and the times of ten queries after ``pause`` more.
    ``settle``: first wait until the search index and the open-data build are made, as a
    restarted service finds them."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIATION_")}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    command = [python, "-m", "service.cli", "serve", "--port", str(port), "--store", str(store)]
    url = f"http://127.0.0.1:{port}/"
    started = time.perf_counter()
    log = open(store.parent / "first-query-server.log", "a")  # the child keeps its own copy
    with log:
        # Not from the repository: ``python -m`` would import the service found there first.
        server = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=store.parent
        )
    try:
        while True:
            if server.poll() is not None:
                raise SystemExit(f"the server exited with {server.returncode}")
            try:
                health = requests.get(url + "healthz", timeout=5)
                if health.status_code == 200 and (not settle or settled(health.json())):
                    break
            except requests.RequestException:
                pass
            time.sleep(0.02)
        ready = time.perf_counter() - started
        time.sleep(pause)
        return ready, [timed_query(url) for _ in range(10)]
    finally:
        server.terminate()
        server.wait(timeout=120)


def settled(health: dict) -> bool:
    return health["index"]["state"] == "ready" and health.get("build") is not None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=None, help="a store to copy (else the seed)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pause", type=float, default=3.0)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--pythonpath", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        if args.store:
            shutil.copytree(args.store, store)
        # The first start seeds the store when it is new, and makes its index and build: the
        # measured starts find what a restarted service finds.
        one_start(store, 0, args.python, args.pythonpath, settle=True)
        print(
            f"{'queries sent':<24} {'/healthz':>9} {'1st':>9} {'2nd':>9} {'10th':>9}  1st, each start"
        )
        for pause in (0.0, args.pause):
            starts = [
                one_start(store, pause, args.python, args.pythonpath) for _ in range(args.runs)
            ]
            ready = statistics.median(s[0] for s in starts)
            first, second, tenth = (statistics.median(s[1][i] for s in starts) for i in (0, 1, 9))
            each = ", ".join(f"{s[1][0] * 1000:.0f}" for s in starts)
            label = "when /healthz answers" if not pause else f"{pause:g} s after /healthz"
            print(
                f"{label:<24} {ready:8.2f}s {first * 1000:7.1f}ms {second * 1000:7.1f}ms "
                f"{tenth * 1000:7.1f}ms  {each} ms",
                flush=True,
            )


if __name__ == "__main__":
    main()
