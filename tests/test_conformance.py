"""The W3C SPARQL 1.1 test suites, run by the runners of ``../shared/tools/conformance`` against
the running service, on a scratch store (the runners wipe the store they test).

Targets: the Protocol suite whole (34 tests), and at least 317 of the 328 SPARQL 1.1 query
tests — what Oxigraph server passes when measured directly. The runners load each test's
data through SPARQL Update: through the service's own ``/sparql/update`` when it has one;
until then, straight into the scratch store's backing server (an Oxigraph server the test
starts), while every query goes through the service's ``/sparql``. The Protocol's update
tests need the service's own update route: until it exists they are reported as skipped,
and the score says so.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.conftest import free_port, start_server

SCORE = re.compile(r"^(\d+) passed, (\d+) failed, (\d+) skipped$", re.MULTILINE)
PROTOCOL_TESTS = 34
QUERY_TESTS = 328
QUERY_TARGET = 317
UPDATE_TESTS = r"^protocol/(update_|bad_update|bad_multiple_updates)"
DATASET_TESTS = r"^protocol/query_(dataset|multiple_dataset)"
OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or "oxigraph"


@dataclass
class Score:
    passed: int
    failed: int
    skipped: int
    output: str

    def failures(self) -> list[str]:
        return [line for line in self.output.splitlines() if line.startswith("FAIL")]


def run_runner(shared: Path, script: str, *args: str, timeout: float = 1800) -> Score:
    command = [sys.executable, str(shared / "tools" / "conformance" / script), *args, "--exit-zero"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    found = SCORE.findall(done.stdout)
    assert found, f"no score line from {script}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    passed, failed, skipped = (int(n) for n in found[-1])
    return Score(passed, failed, skipped, done.stdout)


@dataclass
class Scratch:
    """The service on a scratch store, and where the runners load their data."""

    query_url: str
    update_url: str
    through_service: bool  # True: data is loaded through the service's own update route


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """An Oxigraph server on 127.0.0.1 holding a scratch store, and the service in front of it."""
    root = tmp_path_factory.mktemp("conformance")
    port = free_port()
    log = (root / "oxigraph.log").open("w")
    backing = subprocess.Popen(
        [OXIGRAPH, "serve", "--location", str(root / "oxigraph"), "--bind", f"127.0.0.1:{port}",
         "--union-default-graph"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    log.close()
    backing_url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(backing_url + "query", params={"query": "ASK {}"}, timeout=2)
            break
        except requests.RequestException:
            time.sleep(0.2)
    service = start_server(root / "store", args=[
        "--remote-query-url", backing_url + "query",
        "--remote-update-url", backing_url + "update",
    ])
    own_update = service.url + "sparql/update"
    has_update_route = requests.post(own_update, data=b"", timeout=30).status_code != 404
    yield Scratch(
        query_url=service.url + "sparql",
        update_url=own_update if has_update_route else backing_url + "update",
        through_service=has_update_route,
    )
    service.stop()
    backing.terminate()
    backing.wait(timeout=30)


def test_protocol_suite(scratch, shared):
    if scratch.through_service:
        score = run_runner(shared, "sparql_protocol.py", scratch.query_url,
                           "--update", scratch.update_url, "--suites", "protocol")
        print(f"SPARQL 1.1 Protocol: {score.passed} passed, {score.failed} failed, "
              f"{score.skipped} skipped")
        assert score.failures() == []
        assert score.passed == PROTOCOL_TESTS
        return
    # The query tests: those needing data get it loaded straight into the backing store.
    queries = run_runner(shared, "sparql_protocol.py", scratch.query_url, "--suites", "protocol",
                         "--exclude", f"{UPDATE_TESTS}|{DATASET_TESTS}")
    datasets = run_runner(shared, "sparql_protocol.py", scratch.query_url, "--suites", "protocol",
                          "--only", DATASET_TESTS, "--update", scratch.update_url)
    updates = PROTOCOL_TESTS - (queries.passed + queries.failed + datasets.passed + datasets.failed)
    passed = queries.passed + datasets.passed
    failed = queries.failed + datasets.failed
    print(f"SPARQL 1.1 Protocol: {passed} passed, {failed} failed, {updates} skipped "
          "(update tests: the service has no /sparql/update route yet)")
    assert queries.failures() + datasets.failures() == []
    assert queries.skipped == 0 and datasets.skipped == 0
    assert passed == PROTOCOL_TESTS - updates
    assert updates == 14


def test_query_evaluation_suite(scratch, shared):
    score = run_runner(shared, "sparql_query_eval.py", scratch.query_url,
                       "--update", scratch.update_url, "--suite", "sparql11-query")
    loaded = "through the service" if scratch.through_service else "into the backing store"
    print(f"SPARQL 1.1 query evaluation (data loaded {loaded}): {score.passed} passed, "
          f"{score.failed} failed, {score.skipped} skipped")
    print("\n".join(score.failures()))
    assert score.passed + score.failed + score.skipped == QUERY_TESTS
    assert score.passed >= QUERY_TARGET, score.failures()
