"""Kept pages under load: requests per second of one page asked by several clients at once.

    .venv/bin/python bench/pages.py DIR [--variant LABEL=CHECKOUT[,setting=value…]]…
        [--clients 8] [--seconds 5] [--runs 3] [--path id/event/…]

Each variant is ``mediation serve`` of a checkout (``.`` for this one) on its own seeded store
in DIR (kept: a second run reuses it), with the settings given (``threads=4``,
``workers=2``…, as ``MEDIATION_*`` variables). The page is warmed by one request per
representation, then ``wrk`` (Debian's package ``wrk``: a client in C, so that the load
generator is not what is measured) asks it with ``--clients`` connections for ``--seconds``,
HTML then Turtle, the variants alternated run by run so that the machine's load weighs on
each alike. Prints requests/s and wrk's latency percentiles, and the load average.

``--together`` asks every variant at once instead, the clients split between them, and sums
their rates: what as many server processes behind one port (``SO_REUSEPORT``, the kernel
spreading the connections) would give at most, each with its own store.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serving import ROOT, serve_seeded

LIEVIN = "id/event/2019-12-04-journee-regionale-lievin"
ACCEPT = {"HTML": "text/html", "Turtle": "text/turtle"}


def parse_variant(text: str) -> tuple[str, Path, dict[str, str]]:
    label, _, rest = text.partition("=")
    checkout, *settings = rest.split(",")
    pairs = dict(s.split("=", 1) for s in settings)
    return label, (ROOT if checkout in ("", ".") else Path(checkout).resolve()), pairs


def wrk(url: str, accept: str, clients: int, seconds: float) -> tuple[float, str]:
    """Requests/s and the latency percentiles wrk saw."""
    command = ["wrk", f"-t{min(clients, 2)}", f"-c{clients}", f"-d{seconds}s", "--latency"]
    command += ["-H", f"Accept: {accept}", url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"{errors.group(1)} answers were not 200:\n{out}")
    found = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    return rate, f"p50 {found.get('50')} p99 {found.get('99')}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--variant", action="append", default=[])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--path", default=LIEVIN)
    parser.add_argument("--together", action="store_true", help="all variants at once")
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    variants = [parse_variant(v) for v in options.variant or ["this=."]]
    servers = []
    try:
        for label, checkout, settings in variants:
            store = options.directory / re.sub(r"\W", "-", label) / "store"
            server, url = serve_seeded(store, settings=settings, root=checkout)
            servers.append((label, server, url))
        results: dict[tuple[str, str], list[tuple[float, str]]] = {}
        if options.together:
            together(servers, options)
            return
        for run in range(options.runs):
            for label, _, url in servers:
                for name, accept in ACCEPT.items():
                    if run == 0:
                        wrk(url + options.path, accept, 1, 1)  # warm: rendered once
                    found = wrk(url + options.path, accept, options.clients, options.seconds)
                    results.setdefault((label, name), []).append(found)
                    print(f"run {run + 1} {label} {name}: {found[0]:.0f}/s {found[1]}", flush=True)
        print(f"load average {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f}")
        for (label, name), found in results.items():
            rates = ", ".join(f"{rate:.0f}" for rate, _ in found)
            print(f"{label:>24} {name:<7} {rates} requests/s ({found[-1][1]})")
    finally:
        for _, server, _ in servers:
            server.terminate()
            server.wait(timeout=60)


def together(servers: list, options: argparse.Namespace) -> None:
    """Every server asked at once, the clients split between them; the rates summed."""
    share = max(1, options.clients // len(servers))
    for run in range(options.runs):
        for name, accept in ACCEPT.items():
            with ThreadPoolExecutor(len(servers)) as pool:
                if run == 0:
                    list(pool.map(lambda s: wrk(s[2] + options.path, accept, 1, 1), servers))
                found = list(
                    pool.map(
                        lambda s: wrk(s[2] + options.path, accept, share, options.seconds), servers
                    )
                )
            rates = " + ".join(f"{rate:.0f}" for rate, _ in found)
            total = sum(rate for rate, _ in found)
            print(f"run {run + 1} together {name}: {rates} = {total:.0f}/s", flush=True)
    print(f"load average {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f}")


if __name__ == "__main__":
    main()
