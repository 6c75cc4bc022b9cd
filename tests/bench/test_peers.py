"""``bench/peers.py`` end to end at a tiny size, the service beside an Oxigraph server: every
example query and every query of the heavy set is asked of both, answers the same rows, and
gets a ratio; the pages and the restart are measured. No timing is asserted."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Namespace

ROOT = Path(__file__).resolve().parents[2]
SH = Namespace("http://www.w3.org/ns/shacl#")
HEAVY = (
    "co-organisateurs (3-way join)",
    "listing OFFSET 10,000",
    "DESCRIBE an event",
    "SELECT 1,000 rows",
    "CONSTRUCT 1,000 triples",
)
PAGES = (
    "event page HTML",
    "event page HTML, a new event each time",
    "event page Turtle",
    "theme page",
    "search « atelier », asked again",
    "search « atelier », a new address each time",
)


@pytest.fixture(scope="module")
def output(tmp_path_factory, unavailable) -> str:
    if not shutil.which("oxigraph", path=str(Path(sys.executable).parent)):
        unavailable("oxigraph est introuvable / oxigraph not found: pip install -e '.[test]'")
    keep = tmp_path_factory.mktemp("peers")
    command = [sys.executable, str(ROOT / "bench" / "peers.py"), "--sizes", "2000"]
    command += ["--only", "service,oxigraph", "--repeat", "1", "--seconds", "0.2"]
    command += ["--keep", str(keep)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def example_names() -> list[str]:
    graph = Graph().parse(ROOT / "data" / "examples.ttl")
    kinds = (SH.select, SH.construct, SH.ask, SH.describe)
    return [str(s).rsplit("/", 1)[-1] for kind in kinds for s in graph.subjects(kind)]


def test_the_machine_is_named(output):
    assert re.search(r"\d+ cores, \d+ GiB; load average [\d.]+ [\d.]+ [\d.]+", output)


def test_every_query_is_asked_of_both_with_the_same_rows_and_a_ratio(output):
    names = example_names() + list(HEAVY)
    assert len(names) > 20
    for name in names:
        line = next((row for row in output.splitlines() if row.startswith(name + " ")), None)
        assert line is not None, f"{name} missing from:\n{output}"
        # the service cold (a text of its own each run) and its cached answer, each a ratio
        assert len(re.findall(r"\d\.\d\d×", line)) == 2, line
        assert re.search(r" same$", line), line  # the two servers agreed


def test_the_service_is_timed_cold_and_cached(output):
    header = next(row for row in output.splitlines() if row.startswith("query (median ms)"))
    assert header.split()[3:6] == ["service", "cached", "oxigraph"], header


def test_loads_pages_and_the_restart_are_reported(output):
    for server in ("service", "oxigraph"):
        assert re.search(rf"^{server} +[\d.]+ +[\d,]+ +[\d,]+ MB +[\d,]+ MB", output, re.M)
    assert re.search(r"service index (built|found), ready \d+ s after the start", output)
    for page in PAGES:
        assert re.search(rf"^{page} +service +\d+/s", output, re.M), page
    assert re.search(r"^DESCRIBE the event, Turtle +oxigraph +\d+/s", output, re.M)
    assert "statuses" not in output  # every page answered 200
    assert re.search(r"restart .* first page [\d.]+ s, first list [\d.]+ s", output)
