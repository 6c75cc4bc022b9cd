"""What the checks of damaged files cost and see, and what a full disk does to a running server.

    .venv/bin/python bench/reliability.py checks [--megabytes 350] [--trials 100]
    .venv/bin/python bench/reliability.py full-disk DIRECTORY

``checks``: builds the seed's search index, then writes a page of random bytes over each of its
pages in turn and 64 random bytes at ``--trials`` random places, and counts what SQLite's
``PRAGMA quick_check`` (what the service runs at start) and ``PRAGMA integrity_check`` find;
then times both on a SQLite file of ``--megabytes`` (text, two indexes, FTS5, as the index
holds), and SHA-256 (what the open-data builder checks the dumps with) on 512 MB.

``full-disk``: DIRECTORY must be an empty file system of a few tens of MB (as root:
``mount -t tmpfs -o size=40m tmpfs DIRECTORY``). Starts the service there with the seed,
writes once, fills the file system to its last byte, then writes, reads and queries; frees
the space and writes again; kills the server with SIGKILL, starts it again and counts the
writes that are there, acknowledged or not.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.config import DEFAULT_BASE  # noqa: E402

PAGE = 4096
TOKEN = "b" * 40


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(store: Path, port: int, log: Path) -> subprocess.Popen:
    """``mediation serve`` on ``store``, once its index is ready."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIATION_")}
    env["MEDIATION_WRITE_TOKEN"] = f"bench:{TOKEN}"
    command = [sys.executable, "-m", "service.cli", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--store", str(store)]
    with log.open("a") as stream:
        process = subprocess.Popen(command, env=env, stdout=stream, stderr=stream, cwd=ROOT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(log.read_text()[-3000:])
        try:
            health = requests.get(url + "healthz", timeout=2)
            if health.ok and health.json()["index"]["state"] == "ready":
                return process
        except requests.RequestException:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start")


def damage_found(path: Path, pragma: str) -> bool:
    db = sqlite3.connect(path)
    try:
        return [row[0] for row in db.execute(f"PRAGMA {pragma}")] != ["ok"]
    except sqlite3.DatabaseError:
        return True
    finally:
        db.close()


def damaged_copies(index: Path):
    """(what was written, the damaged copy) for each page, then for 64 bytes at random places."""
    pages = index.stat().st_size // PAGE
    for page in range(1, pages):
        yield "page", page, random.Random(page).randbytes(PAGE)
    size = index.stat().st_size
    for trial in range(ARGS.trials):
        noise = random.Random(trial)
        yield "64 bytes", noise.randrange(PAGE, size - 64), noise.randbytes(64)


def checks() -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "store"
        port = free_port()
        process = start(store, port, Path(folder) / "server.log")
        process.terminate()
        process.wait()
        index = store / "index.sqlite"
        print(f"seed index: {index.stat().st_size} bytes, {index.stat().st_size // PAGE} pages")
        tally: dict[tuple[str, str], list[int]] = {}
        copy = Path(folder) / "copy.sqlite"
        for kind, where, noise in damaged_copies(index):
            shutil.copy(index, copy)
            with copy.open("r+b") as stream:
                stream.seek(where * PAGE if kind == "page" else where)
                stream.write(noise)
            for pragma in ("quick_check", "integrity_check"):
                found = tally.setdefault((kind, pragma), [0, 0])
                found[0] += damage_found(copy, pragma)
                found[1] += 1
        for (kind, pragma), (found, tried) in sorted(tally.items()):
            print(f"{kind:>8} {pragma:>16}: {found} of {tried} found")
        big = Path(folder) / "big.sqlite"
        db = sqlite3.connect(big)
        db.execute("CREATE TABLE r (id INTEGER PRIMARY KEY, iri TEXT, name TEXT, body TEXT)")
        db.execute("CREATE INDEX r_iri ON r (iri)")
        db.execute("CREATE INDEX r_name ON r (name)")
        db.execute("CREATE VIRTUAL TABLE f USING fts5 (name, body)")
        words = "médiation sociale quartier atelier médiateurs illectronisme journée".split()
        noise = random.Random(1)
        with db:
            n = 0
            while big.stat().st_size < ARGS.megabytes * 1_000_000:
                rows = []
                for _ in range(10_000):
                    n += 1
                    body = " ".join(noise.choice(words) for _ in range(40))
                    rows.append((n, f"{DEFAULT_BASE}id/event/{n}", body[:40], body))
                db.executemany("INSERT INTO r VALUES (?, ?, ?, ?)", rows)
                db.executemany("INSERT INTO f VALUES (?, ?)", [(r[2], r[3]) for r in rows])
        db.close()
        for pragma in ("quick_check", "integrity_check"):
            started, cpu = time.perf_counter(), time.process_time()
            damage_found(big, pragma)
            print(
                f"{pragma} of {big.stat().st_size / 1e6:.0f} MB: "
                f"{time.perf_counter() - started:.2f} s wall, {time.process_time() - cpu:.2f} s CPU"
            )
    data = os.urandom(64 << 20)
    started, cpu = time.perf_counter(), time.process_time()
    digest = hashlib.sha256()
    for _ in range(8):
        digest.update(data)
    print(
        f"SHA-256 of 512 MB: {time.perf_counter() - started:.2f} s wall, "
        f"{time.process_time() - cpu:.2f} s CPU; load {os.getloadavg()[0]:.1f}"
    )


def full_disk() -> None:
    root = Path(ARGS.directory)
    store = root / "store"
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    log = root.parent / f"full-disk-{port}.log"
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/sparql-update"}

    def write(n: int) -> tuple[str, int]:
        iri = f"{DEFAULT_BASE}id/event/2032-01-{n % 28 + 1:02d}-disque-plein-{n}"
        body = (
            "PREFIX schema: <https://schema.org/> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> "
            f"INSERT DATA {{ GRAPH <{DEFAULT_BASE}graph/essais> {{ <{iri}> a schema:Event ; "
            f'schema:name "Disque plein {n}"@fr, "Full disk {n}"@en ; '
            f'schema:startDate "2032-01-{n % 28 + 1:02d}"^^xsd:date ; '
            f"schema:location <{DEFAULT_BASE}id/place/arena-lievin> . }} }}"
        )
        answer = requests.post(url + "sparql/update", data=body.encode(), headers=headers)
        return iri, answer.status_code

    def tally(numbers: range) -> dict[int, int]:
        found: dict[int, int] = {}
        for n in numbers:
            iri, status = write(n)
            found[status] = found.get(status, 0) + 1
            (acknowledged if status in (200, 204) else refused).append(iri)
        return found

    acknowledged: list[str] = []
    refused: list[str] = []
    process = start(store, port, log)
    try:
        print("before the disk fills, writes:", tally(range(1, 2)))
        filler = os.open(root / "filler", os.O_WRONLY | os.O_CREAT)
        for size in (1 << 20, PAGE, 1):
            try:
                while True:
                    os.write(filler, b"\0" * size)
            except OSError:
                pass
        os.close(filler)
        print("free bytes:", shutil.disk_usage(root).free)
        print("on a full disk, writes:", tally(range(2, 12)))
        for path in ("events.json", "id/event/2019-12-04-journee-regionale-lievin", "healthz"):
            print(f"  GET /{path}:", requests.get(url + path).status_code)
        ask = {"query": "ASK { ?s ?p ?o }"}
        print("  GET /sparql:", requests.get(url + "sparql", params=ask).status_code)
        (root / "filler").unlink()
        print("space freed, writes:", tally(range(12, 17)))
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    process = start(store, port, log)
    try:
        query = (
            "SELECT ?e WHERE { ?e a <https://schema.org/Event> "
            'FILTER(CONTAINS(STR(?e), "disque-plein")) }'
        )
        answer = requests.get(
            url + "sparql",
            params={"query": query},
            headers={"Accept": "application/sparql-results+json"},
        )
        there = {row["e"]["value"] for row in answer.json()["results"]["bindings"]}
        print(
            f"after kill -9 and a restart: {len(there & set(acknowledged))} of "
            f"{len(acknowledged)} acknowledged writes there, {len(there & set(refused))} of "
            f"{len(refused)} refused ones"
        )
    finally:
        process.terminate()
        process.wait()
    print("server log:", log)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    measured = commands.add_parser("checks")
    measured.add_argument("--megabytes", type=int, default=350)
    measured.add_argument("--trials", type=int, default=100)
    filled = commands.add_parser("full-disk")
    filled.add_argument("directory")
    ARGS = parser.parse_args()
    checks() if ARGS.command == "checks" else full_disk()
