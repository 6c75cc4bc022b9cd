"""Writes survive a ``kill -9``: every acknowledged write is there after a restart, and a
write interrupted in the middle is there whole or not at all.

The embedded store writes a changeset to its journal (one file per write in
``<store>/.journal/``), acknowledges the write, applies it, and removes the journal once a
checkpoint has flushed Oxigraph; the journals found on open are replayed. The tests kill
the process once the journal of a large write exists — in the middle of applying — and
check the store holds every acknowledged write and the large one whole afterwards.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from service.namespaces import GRAPH

EX = "http://example.org/crash/"
JOURNAL = Path(".journal")


def journals(store: Path) -> list[Path]:
    return sorted((store / JOURNAL).glob("*.nq"))


def journal_mentions(store: Path, marker: str) -> bool:
    """Whether a journal of the store holds a changeset mentioning ``marker``."""
    for journal in journals(store):
        try:
            with journal.open("rb") as handle:
                if marker.encode() in handle.read(4096):
                    return True
        except FileNotFoundError:  # removed by a checkpoint meanwhile
            continue
    return False


def big_ntriples(count: int, tag: str) -> bytes:
    """``count`` subjects with three triples each."""
    lines = []
    for i in range(count):
        subject = f"<{EX}{tag}/{i}>"
        lines.append(f'{subject} <{EX}n> "{i}" .')
        lines.append(f"{subject} <{EX}tag> <{EX}{tag}> .")
        lines.append(f'{subject} <{EX}label> "élément {i}"@fr .')
    return ("\n".join(lines) + "\n").encode("utf-8")


def kill_when_journaled(
    process: subprocess.Popen, store: Path, marker: str, timeout: float = 300
) -> bool:
    """Kill -9 ``process`` as soon as the store's journal holds a changeset mentioning
    ``marker`` (the journal is renamed into place whole: it is then being applied); True if
    it was seen."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if journal_mentions(store, marker):
            process.kill()
            process.wait(timeout=30)
            return True
        time.sleep(0.002)
    return False


@pytest.fixture(scope="session")
def count_in(select) -> Callable[..., int]:
    """The number of triples in a graph of a server's store."""

    def count_in(server, graph: str) -> int:
        rows = select(server, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        return int(rows[0]["n"])

    return count_in


def test_a_server_killed_in_the_middle_of_writes_keeps_every_acknowledged_one(
    tmp_path, ask, auth, select, start_server, tokens, update, count_in
):
    store = tmp_path / "store"
    env = {"MEDIATION_WRITE_TOKEN": tokens}
    server = start_server(store, env)
    acknowledged: list[int] = []
    attempted: list[int] = []
    stop = threading.Event()

    def writer() -> None:
        i = 0
        while not stop.is_set():
            attempted.append(i)
            try:
                answer = update(
                    server,
                    f"INSERT DATA {{ GRAPH <{EX}small> {{ <{EX}w/{i}> <{EX}a> 1 ; <{EX}b> 2 }} }}",
                )
            except requests.RequestException:
                return
            if answer.status_code == 200:
                acknowledged.append(i)
            i += 1

    thread = threading.Thread(target=writer)
    thread.start()
    deadline = time.monotonic() + 120
    while len(acknowledged) < 5 and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(acknowledged) >= 5, server.log()
    # A large write in the middle: kill -9 while its changeset is being applied.
    big = big_ntriples(10_000, "big")
    uploader = threading.Thread(
        target=lambda: _quietly(
            lambda: server.request(
                "PUT",
                "graphs",
                params={"graph": EX + "big"},
                data=big,
                headers={**auth, "Content-Type": "application/n-triples"},
            )
        )
    )
    uploader.start()
    seen = kill_when_journaled(server.process, store, f"<{EX}big>")
    stop.set()
    thread.join(timeout=60)
    uploader.join(timeout=300)
    assert seen, "the journal of the large write was never seen"
    assert journals(store)

    again = start_server(store, env)
    try:
        assert journals(store) == []  # replayed on open, then checkpointed
        assert count_in(again, EX + "big") == 30_000  # the interrupted write, whole
        present = {
            int(row["s"].rsplit("/", 1)[1])
            for row in select(
                again, f"SELECT DISTINCT ?s WHERE {{ GRAPH <{EX}small> {{ ?s ?p ?o }} }}"
            )
        }
        assert set(acknowledged) <= present <= set(attempted)
        for i in present:  # no write half there
            assert ask(
                again, f"ASK {{ GRAPH <{EX}small> {{ <{EX}w/{i}> <{EX}a> 1 ; <{EX}b> 2 }} }}"
            )
        # Each write that is there has its history record, landed with it.
        recorded = select(
            again,
            f"""SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ GRAPH <{GRAPH["history"]}> {{
            ?c as:target <{EX}small> }} }}""",
        )
        assert int(recorded[0]["n"]) == len(present)
        # And the store takes writes again.
        assert (
            update(
                again, f"INSERT DATA {{ GRAPH <{EX}small> {{ <{EX}after> <{EX}a> 1 }} }}"
            ).status_code
            == 200
        )
    finally:
        again.stop()


def _quietly(call) -> None:
    try:
        call()
    except requests.RequestException:
        pass


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("MEDIATION_")}


def test_a_load_killed_in_the_middle_lands_whole_after_a_restart(tmp_path, mediation):
    store = tmp_path / "store"
    source = tmp_path / "gros.nt"
    source.write_bytes(big_ntriples(10_000, "load"))
    process = subprocess.Popen(
        [mediation, "load", "--store", str(store), "--graph", EX + "load", str(source)],
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert kill_when_journaled(process, store, f"<{EX}load>"), (
        "the journal of the load was never seen"
    )
    exported = subprocess.run(
        [mediation, "export", "--store", str(store)], env=_env(), capture_output=True, timeout=600
    )
    assert exported.returncode == 0, exported.stderr.decode()
    lines = [
        line for line in exported.stdout.decode().splitlines() if line.endswith(f"<{EX}load> .")
    ]
    assert len(lines) == 30_000
    assert journals(store) == []


def test_a_load_killed_at_any_moment_leaves_all_of_it_or_none(tmp_path, mediation):
    store = tmp_path / "store"
    first = tmp_path / "premier.nt"
    first.write_bytes(big_ntriples(10, "first"))
    done = subprocess.run(
        [mediation, "load", "--store", str(store), "--graph", EX + "first", str(first)],
        env=_env(),
        capture_output=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr.decode()
    source = tmp_path / "gros.nt"
    source.write_bytes(big_ntriples(10_000, "late"))
    process = subprocess.Popen(
        [mediation, "load", "--store", str(store), "--graph", EX + "late", str(source)],
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)  # most likely while it reads and validates
    journaled = journal_mentions(store, f"<{EX}late>")
    process.kill()
    process.wait(timeout=30)
    exported = subprocess.run(
        [mediation, "export", "--store", str(store)], env=_env(), capture_output=True, timeout=600
    )
    assert exported.returncode == 0
    lines = exported.stdout.decode().splitlines()
    late = sum(1 for line in lines if line.endswith(f"<{EX}late> ."))
    assert late in (0, 30_000)
    if journaled:
        assert late == 30_000
    assert sum(1 for line in lines if line.endswith(f"<{EX}first> .")) == 30
