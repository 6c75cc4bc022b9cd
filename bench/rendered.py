"""Pages rendered each time under several clients: latencies when no kept page can answer.

    .venv/bin/python bench/rendered.py --variant LABEL=CHECKOUT[,setting=value…] --store DIR
        [--variant … --store …]… [--clients 1,8] [--seconds 10] [--warm 60] [--runs 3]
        [--events 50000] [--query]

Each variant is ``mediation serve`` of a checkout (``.`` for this one) on its own store (a
store made by ``bench/peers.py``'s generator, whose events are ``id/event/evenement-N``;
give each variant its own copy: the embedded store opens in one process), with the settings
given as ``MEDIATION_*`` variables. ``wrk`` (Debian's package: a client in C, so that the
client is not what is measured) asks every server for HTML event pages, each request another
event that server never rendered (a Lua script numbers them), so the door and the view's
cache never answer. Every server is first loaded for ``--warm`` seconds with 8 clients: its
caches fill, as they are on a server that has run a while. Then, run by run, the variants
alternated so that the machine's load weighs on each alike: requests/s, wrk's p50 and p99 for
each number of clients, and the server process's CPU time per page (``/proc``: the figure the
load moves least). ``--query`` also asks one SPARQL query in a loop from one more client
during the 8-client runs (``wrk``), and prints its p50 and p99: what pages do to queries.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serving import ROOT, start_service

SCRIPT = """
local threads = 0
function setup(thread) thread:set("id", threads); threads = threads + 1 end
function init(args) counter = 0; base = tonumber(args[1]); step = tonumber(args[2]);
  events = tonumber(args[3]) end
function request()
  local n = ((base + counter * step + id) * 7919) % events
  counter = counter + 1
  return wrk.format("GET", "/id/event/evenement-" .. n, {Accept = "text/html"})
end
"""
#: A query the answers' cache cannot answer (another offset each time): a worker runs each.
QUERY_SCRIPT = """
counter = 0
function request()
  counter = counter + 1
  local query = "SELECT ?e WHERE { ?e a <https://schema.org/Event> } OFFSET " .. counter ..
    " LIMIT 10"
  return wrk.format("GET", "/sparql?query=" .. query:gsub("[^%w]", function(c)
    return string.format("%%%02X", string.byte(c)) end),
    {Accept = "application/sparql-results+json"})
end
"""


def parse_variant(text: str) -> tuple[str, Path, dict[str, str]]:
    label, _, rest = text.partition("=")
    checkout, *settings = rest.split(",")
    pairs = dict(s.split("=", 1) for s in settings)
    return label, (ROOT if checkout in ("", ".") else Path(checkout).resolve()), pairs


def wrk(url: str, clients: int, seconds: float, args: list[str], script: str) -> dict:
    """Requests, requests/s and wrk's p50 and p99 (ms)."""
    command = ["wrk", f"-t{min(clients, 2)}", f"-c{clients}", f"-d{round(seconds)}s", "--latency"]
    command += ["-s", script, url, "--", *args] if args else [url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"{errors.group(1)} answers were not 200:\n{out}")
    found: dict[str, float] = {}
    for pct, value, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M):
        found[pct] = float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    return {
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": found.get("50", float("nan")),
        "p99": found.get("99", float("nan")),
    }


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def ready(url: str, server: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"{url}: the service stopped")
        try:
            if requests.get(url + "healthz", timeout=2).json()["index"]["state"] == "ready":
                return
        except (requests.RequestException, ValueError, KeyError):
            pass
        time.sleep(0.3)
    raise SystemExit(f"{url}: not ready within {timeout:.0f} s")


class Served:
    """One variant's server and the events it has been asked for so far."""

    def __init__(self, label: str, server: subprocess.Popen, url: str, events: int):
        self.label, self.server, self.url, self.events = label, server, url, events
        self.asked = 0

    def pages(self, clients: int, seconds: float, script: str) -> dict:
        before = cpu_seconds(self.server.pid)
        args = [str(self.asked), str(min(clients, 2)), str(self.events)]
        found = wrk(self.url, clients, seconds, args, script)
        found["cpu_ms"] = 1000 * (cpu_seconds(self.server.pid) - before) / found["requests"]
        self.asked += found["requests"] + 16  # each wrk thread may have sent one more
        if self.asked >= self.events:
            raise SystemExit(f"{self.label}: more than {self.events} events asked")
        return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variant", action="append", required=True)
    parser.add_argument("--store", action="append", required=True, type=lambda p: Path(p).resolve())
    parser.add_argument("--clients", default="1,8")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--warm", type=float, default=60)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--events", type=int, default=50000)
    parser.add_argument("--query", action="store_true", help="a SPARQL query beside the pages")
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    if len(options.store) != len(options.variant):
        raise SystemExit("one --store per --variant")
    clients = [int(c) for c in options.clients.split(",")]
    served: list[Served] = []
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(SCRIPT)
        script.flush()
        try:
            for text, store in zip(options.variant, options.store, strict=True):
                label, checkout, settings = parse_variant(text)
                server, url = start_service(store, settings, checkout)
                served.append(Served(label, server, url, options.events))
            for one in served:
                ready(one.url, one.server)
                one.pages(8, options.warm, script.name)
            results: dict[tuple[str, int], list[dict]] = {}
            for run in range(options.runs):
                for one in served:
                    for count in clients:
                        query = beside(one.url, options.seconds) if options.query else None
                        found = one.pages(count, options.seconds, script.name)
                        if query is not None:
                            query.join()
                            found["query"] = query.result
                        results.setdefault((one.label, count), []).append(found)
                        print(
                            f"run {run + 1} {one.label} {count} clients: {line(found)}", flush=True
                        )
            load = os.getloadavg()
            print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
            for (label, count), found in results.items():
                print(f"{label:>16} {count} clients: " + "; ".join(line(f) for f in found))
        finally:
            for one in served:
                one.server.terminate()
                one.server.wait(timeout=60)


def line(found: dict) -> str:
    text = (
        f"{found['rate']:.0f}/s p50 {found['p50']:.1f} p99 {found['p99']:.1f} ms,"
        f" CPU {found['cpu_ms']:.1f} ms/page"
    )
    if "query" in found:
        query = found["query"]
        if "error" in query:
            text += f" (query: {query['error']})"
        else:
            text += f" (query p50 {query['p50']:.1f} p99 {query['p99']:.1f} ms)"
    return text


def beside(url: str, seconds: float) -> threading.Thread:
    """One client asking a SPARQL query in a loop while the pages are asked."""

    def ask() -> None:
        with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
            script.write(QUERY_SCRIPT)
            script.flush()
            try:
                thread.result = wrk(url, 1, seconds, ["query"], script.name)
            except SystemExit as refused:  # answers not 200 (a 429 past the rate limit)
                thread.result = {"error": str(refused).split(":", 1)[0]}

    thread = threading.Thread(target=ask)
    thread.start()
    return thread


if __name__ == "__main__":
    main()
