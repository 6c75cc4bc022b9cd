"""Real SPARQL servers for the remote-store tests, started on 127.0.0.1 in temporary directories.

* Oxigraph server, from the ``oxigraph`` package of the test extras.
* Virtuoso open source, from Debian's ``virtuoso-opensource``: its own database
  directory, HTTP and ISQL ports; updates through ``/sparql`` once the
  ``SPARQL`` user is granted ``SPARQL_UPDATE``. Virtuoso's default graph is the
  union of its graphs already.

A missing binary is a failure in CI (``CI`` set) and a skip with the install
hint elsewhere.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

IN_CI = bool(os.environ.get("CI"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def missing(what: str, hint: str) -> None:
    message = f"{what} est introuvable / {what} not found: {hint}"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@dataclass
class SparqlServer:
    name: str
    query_url: str
    update_url: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)


def _wait_until_up(server: SparqlServer, timeout: float) -> SparqlServer:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"{server.name} exited with {server.process.returncode}:\n{server.log()}"
            )
        try:
            answer = requests.get(
                server.query_url,
                params={"query": "ASK {}"},
                timeout=2,
                headers={"Accept": "application/sparql-results+json"},
            )
            if answer.status_code == 200:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"{server.name} did not answer within {timeout}s:\n{server.log()}")


def start_oxigraph(directory: Path) -> SparqlServer:
    binary = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which(
        "oxigraph"
    )
    if not binary:
        missing("oxigraph", "pip install -e '.[test]' (the oxigraph package)")
    port = free_port()
    directory.mkdir(parents=True, exist_ok=True)
    log_path = directory / "oxigraph.log"
    with log_path.open("w") as log:  # the child keeps its own descriptor
        process = subprocess.Popen(
            [
                binary,
                "serve",
                "--location",
                str(directory / "data"),
                "--bind",
                f"127.0.0.1:{port}",
                "--union-default-graph",
                "--timeout-s",
                "10",
            ],  # its own time-out ends abandoned work
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    return _wait_until_up(
        SparqlServer("oxigraph", f"{base}/query", f"{base}/update", process, log_path), 60
    )


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{isql_port}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {dir}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}/vsp
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 0
"""


#: What docs/store.md tells an operator to run: Virtuoso's system graph out of the public's sight
#: (graph-level security: public graphs readable and writable, private ones not even readable).
VIRTUOSO_PRIVATE_SYSTEM_GRAPH = """\
DB.DBA.RDF_GRAPH_GROUP_CREATE ('http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs', 1);
DB.DBA.RDF_GRAPH_GROUP_INS ('http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs', 'http://www.openlinksw.com/schemas/virtrdf#');
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7, 0);
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 0, 1);
"""


def start_virtuoso(directory: Path) -> SparqlServer:
    binary = shutil.which("virtuoso-t")
    isql = shutil.which("isql-vt")
    if not binary or not isql:
        missing("virtuoso-t", "apt-get install virtuoso-opensource (bash .ci/run installs it)")
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "vsp").mkdir(exist_ok=True)
    http_port, isql_port = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=directory, isql_port=isql_port, http_port=http_port))
    log_path = directory / "stdout.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [binary, "+foreground", "+configfile", str(ini)],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=directory,
        )
    url = f"http://127.0.0.1:{http_port}/sparql"
    # A new database is created on first start: that takes several seconds.
    server = _wait_until_up(SparqlServer("virtuoso", url, url, process, log_path), 180)
    # Updates through /sparql need the SPARQL_UPDATE role for the anonymous user SPARQL, and the
    # documentation graphs Virtuoso installs are no data of ours. Its own system graph (virtrdf#,
    # about 2,500 triples) is made private, so that the default graph, the union of all graphs,
    # holds our data only (docs/store.md).
    statements = (
        'GRANT SPARQL_UPDATE TO "SPARQL";\n'
        + "".join(
            f"SPARQL CLEAR GRAPH <{graph}>;\n"
            for graph in (
                "http://www.w3.org/ns/ldp#",
                "http://www.w3.org/2002/07/owl#",
                "http://localuriqaserver/sparql",
            )
        )
        + VIRTUOSO_PRIVATE_SYSTEM_GRAPH
    )
    done = subprocess.run(
        [isql, f"127.0.0.1:{isql_port}", "dba", "dba"],
        input=statements,
        text=True,
        capture_output=True,
        timeout=60,
    )
    if done.returncode != 0 or "Error" in done.stdout + done.stderr:
        server.stop()
        raise RuntimeError(f"isql failed: {done.stdout}\n{done.stderr}")
    return server


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory) -> SparqlServer:
    server = start_oxigraph(tmp_path_factory.mktemp("oxigraph-server"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory) -> SparqlServer:
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso-server"))
    yield server
    server.stop()
