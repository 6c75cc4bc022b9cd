"""What the routes that used to do whole-store work cost, over HTTP, at scale; see
bench/README.md ("Routes after a write").

    .venv/bin/python bench/routes.py [--triples 1000000] [--keep DIR] [--runs 5]
        [--python PYTHON] [--pythonpath DIR]

1. Generates the field of ``bench/opendata.py`` (régions, communes, venues, actors, themes,
   events in source graphs of 200) into an embedded store with the seed; ``--keep DIR``
   keeps it, and a second run on DIR reuses it.
2. Starts ``mediation serve`` on it (``--python``/``--pythonpath`` run another checkout of
   the service on the same store, to measure the code before a change) and waits until it
   answers its lists and its open-data build is served.
3. Times each route warm (the median of ``--runs`` requests in a row), then its first
   answer after a write: one event is written through ``/sparql/update`` (about a theme,
   at a venue) and the route is asked at once, ``--runs`` times, one write before each
   (median and worst).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from opendata import BASE, TOKEN, load  # noqa: E402

ROUTES = [
    "healthz",
    "sitemap.xml",
    "sitemaps/event.xml",
    "",
    "events",
    "events.json",
    "id/theme/bench-7",
    "id/place/salle-b3",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def timed(url: str) -> float:
    start = time.perf_counter()
    response = requests.get(url, timeout=600, headers={"Accept": "text/html"})
    took = time.perf_counter() - start
    response.raise_for_status()
    return took


def write(url: str, number: int) -> None:
    event = f"{BASE}id/event/bench-mesure-{int(time.time())}-{number}"
    update = (
        "PREFIX schema: <https://schema.org/> INSERT DATA { GRAPH "
        f"<{BASE}graph/bench-ecritures> {{ <{event}> a schema:Event ; schema:name "
        '"Journée écrite pendant la mesure"@fr , "Written day"@en ; schema:startDate '
        '"2031-01-01"^^<http://www.w3.org/2001/XMLSchema#date> ; schema:location '
        f"<{BASE}id/place/salle-b3> ; schema:about <{BASE}id/theme/bench-7> . }} }}"
    )
    answer = requests.post(
        url + "sparql/update",
        data=update.encode("utf-8"),
        timeout=600,
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/sparql-update"},
    )
    answer.raise_for_status()


def wait_until(url: str, paths: list[str], limit: float = 7200) -> None:
    deadline = time.monotonic() + limit
    for path in paths:
        while True:
            try:
                if requests.get(url + path, timeout=600).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"/{path} did not answer 200 in {limit} s")
            time.sleep(0.5)


def measure(directory: Path, runs: int, python: str, pythonpath: str | None) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIATION_")}
    env.update({"MEDIATION_WRITE_TOKEN": f"bench:{TOKEN}", "MEDIATION_BUILD_SETTLE": "2"})
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    command = [
        python,
        "-m",
        "service.cli",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--store",
        str(directory),
    ]
    log = open(directory.parent / "routes-server.log", "w")
    started = time.perf_counter()
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until(url, ["healthz"])
        print(f"/healthz answers {time.perf_counter() - started:.1f} s after start", flush=True)
        wait_until(url, ["events"])
        print(f"/events answers {time.perf_counter() - started:.1f} s after start", flush=True)
        wait_until(url, [".well-known/void"])
        for path in ROUTES:  # a first answer each, so that "warm" is warm
            timed(url + path)
        print(f"{'route':<24} {'warm (median)':>14} {'first after a write (median / worst)':>40}")
        for path in ROUTES:
            warm = [timed(url + path) for _ in range(runs)]
            cold = []
            for number in range(runs):
                write(url, number)
                cold.append(timed(url + path))
            print(
                f"/{path:<23} {statistics.median(warm) * 1000:11.1f} ms "
                f"{statistics.median(cold) * 1000:22.1f} ms / {max(cold) * 1000:8.1f} ms",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=120)
        log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--pythonpath", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = (args.keep or Path(tmp)) / "store"
        load(directory, args.triples)
        measure(directory, args.runs, args.python, args.pythonpath)


if __name__ == "__main__":
    main()
