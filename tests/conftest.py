"""Fixtures every wing's tests share: the real server on 127.0.0.1, the remote SPARQL servers,
the writes a client sends, the open-data build as a client sees it, Debian's Chromium, and
``../shared``.

The server runs as its own process (``mediation serve``), exactly as an operator starts it,
and the tests talk HTTP to it. Helpers are fixtures (a fixture that returns the function, for
helpers that are functions), so that no test imports this file: a folder's own
``conftest.py`` holds what only that folder's tests use.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import pytest
import requests
from rdflib import Graph
from rdflib.compare import isomorphic
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from SPARQLWrapper import JSON, SPARQLWrapper

from service.namespaces import GRAPH, ID

SHARED = Path(
    os.environ.get("MEDIATION_SHARED", Path(__file__).resolve().parents[2] / "shared")
).resolve()
#: In CI, what the tests need and lack is a failure: CI services set ``CI`` (``true``, ``1``).
CHROMIUM = Path(os.environ.get("MEDIATION_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("MEDIATION_CHROMEDRIVER", "/usr/bin/chromedriver"))
IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def unavailable() -> Callable[[str], NoReturn]:
    """Say that something the tests need is missing: a failure in CI (``CI`` set), a skip
    elsewhere."""

    def unavailable(message: str) -> NoReturn:
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)

    return unavailable


@pytest.fixture(scope="session")
def shared(unavailable) -> Path:
    """``../shared`` (or ``MEDIATION_SHARED``): the official files the tests check against."""
    if not SHARED.is_dir():
        unavailable(
            "Les fichiers officiels (vocabulaire schema.org, formes DCAT-AP, suites de tests "
            "SPARQL du W3C, article source) sont absents : ../shared (réglage MEDIATION_SHARED) "
            f"n'existe pas à {SHARED}. "
            "The official files (schema.org's vocabulary, the DCAT-AP shapes, the W3C SPARQL "
            "test suites, the source article) are missing: ../shared (setting MEDIATION_SHARED) "
            f"does not exist at {SHARED}."
        )
    return SHARED


@pytest.fixture(scope="session")
def open_chromium(unavailable) -> Callable[..., Any]:
    """Debian's Chromium, driven by Debian's chromedriver through Selenium (no browser is
    downloaded), headless, in a profile of its own, without the background requests it would
    make to Google's hosts: ``with open_chromium(...) as driver``. ``language``: what it asks
    pages for (None: Chromium's own); ``javascript``; ``window``: its size; ``network_log``:
    keep the requests it makes (``driver.get_log("performance")``); ``console_log``: keep what
    pages write to the console (``driver.get_log("browser")``)."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        unavailable(
            f"Navigateur absent : {', '.join(missing)} (apt-get install chromium "
            f"chromium-driver). Browser missing: {', '.join(missing)}."
        )

    @contextmanager
    def open_chromium(
        language: str | None = "fr-FR",
        javascript: bool = True,
        window: str = "1280,1600",
        network_log: bool = False,
        console_log: bool = False,
    ) -> Iterator[webdriver.Chrome]:
        profile = tempfile.mkdtemp(prefix="mediation-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for argument in (
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--window-size={window}",
            f"--user-data-dir={profile}",
        ) + ((f"--lang={language}",) if language else ()):
            options.add_argument(argument)
        prefs: dict[str, Any] = {}
        if language:
            prefs["intl.accept_languages"] = f"{language},{language.split('-')[0]}"
        if not javascript:
            prefs["profile.managed_default_content_settings.javascript"] = 2
        options.add_experimental_option("prefs", prefs)
        logs = {"performance": "ALL"} if network_log else {}
        if console_log:
            logs["browser"] = "ALL"
        if logs:
            options.set_capability("goog:loggingPrefs", logs)
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
        driver.set_page_load_timeout(60)
        try:
            yield driver
        finally:
            driver.quit()
            shutil.rmtree(profile, ignore_errors=True)

    return open_chromium


@pytest.fixture(scope="session")
def at_once() -> Callable[..., list[BaseException]]:
    """``at_once(work, threads, switch=1e-5)``: ``work(number)`` in each of ``threads``
    threads, started together and switched every ``switch`` seconds (mid-statement, where a
    race shows), then joined; what they raised, which a test of thread safety expects to be
    nothing."""

    def at_once(
        work: Callable[[int], None], threads: int, switch: float = 1e-5
    ) -> list[BaseException]:
        errors: list[BaseException] = []
        start_line = threading.Barrier(threads)

        def run(number: int) -> None:
            start_line.wait()
            try:
                work(number)
            except BaseException as error:  # noqa: BLE001 - any error is the failure
                errors.append(error)

        before = sys.getswitchinterval()
        sys.setswitchinterval(switch)
        try:
            started = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
            for thread in started:
                thread.start()
            for thread in started:
                thread.join()
        finally:
            sys.setswitchinterval(before)
        return errors

    return at_once


@pytest.fixture(scope="session")
def mediation() -> str:
    """The ``mediation`` command of this environment, as an operator runs it."""
    return shutil.which("mediation", path=str(Path(sys.executable).parent)) or "mediation"


@pytest.fixture(scope="session")
def free_port() -> Callable[[], int]:
    """A port on 127.0.0.1 that nothing listens on."""

    def free_port() -> int:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]

    return free_port


# ---------------------------------------------------------------------------------------------
# The service
# ---------------------------------------------------------------------------------------------


@dataclass
class Server:
    """A running ``mediation serve`` process."""

    url: str
    store_dir: Path
    process: subprocess.Popen
    env: dict[str, str] = field(default_factory=dict)
    log_path: Path | None = None

    def get(self, path: str, **kwargs) -> requests.Response:
        return requests.get(self.url + path.lstrip("/"), timeout=60, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return requests.post(self.url + path.lstrip("/"), timeout=60, **kwargs)

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, self.url + path.lstrip("/"), timeout=60, **kwargs)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path else ""

    def stop(self, kill: bool = False) -> None:
        if self.process.poll() is None:
            if kill:
                self.process.kill()
            else:
                self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=20)


@pytest.fixture(scope="session")
def start_server(free_port, mediation) -> Callable[..., Server]:
    """Start a server of one's own; the test stops it."""

    def start_server(
        store_dir: Path,
        extra_env: dict[str, str] | None = None,
        args: list[str] | None = None,
        timeout: float = 180,
        index_ready: bool = True,
        cwd: Path | None = None,
        territories: str | None = "seed",
    ) -> Server:
        """Start ``mediation serve`` on a free port and wait until ``/healthz`` answers, and,
        with ``index_ready``, until its search index (built in the background) is ready.
        With ``cwd``, the command runs there and ``store_dir`` is given as it is written
        (relative, as the README's command gives it), the server creating it.

        An empty store is loaded with the seed's nine territories (``MEDIATION_TERRITORIES``
        ``seed``): the full official list, the default, adds some 20 s and 90 s of index
        build to a start, and only the tests of that list ask for it (``territories=None``:
        the service's own default)."""
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIATION_")}
        if territories is not None:
            env["MEDIATION_TERRITORIES"] = territories
        # One address (the tests') reads hundreds of resources a second through /sparql, four
        # threads at a time: the per-address rate and query slots (6,000 a minute and 2 by
        # default) are tested in test_fairness.py.
        env["MEDIATION_REQUEST_RATE_LIMIT"] = "1000000 per minute"
        env["MEDIATION_CLIENT_QUERY_SLOTS"] = "8"
        env.update(extra_env or {})
        if cwd is None:
            store_dir.mkdir(parents=True, exist_ok=True)
        log_path = (cwd or store_dir.parent) / f"server-{port}.log"
        command = [
            mediation,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--store",
            str(store_dir),
        ]
        with log_path.open("w") as log:  # the child keeps its own copy of the descriptor
            process = subprocess.Popen(
                command + (args or []), env=env, stdout=log, stderr=subprocess.STDOUT, cwd=cwd
            )
        located = cwd / store_dir if cwd is not None else store_dir
        server = Server(f"http://127.0.0.1:{port}/", located, process, env, log_path)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"server exited with {process.returncode}:\n{server.log()}")
            try:
                health = requests.get(server.url + "healthz", timeout=2)
                if health.status_code == 200 and (
                    not index_ready or health.json().get("index", {}).get("state") == "ready"
                ):
                    return server
            except requests.RequestException:
                pass
            time.sleep(0.2)
        server.stop(kill=True)
        raise RuntimeError(f"server did not start within {timeout}s:\n{server.log()}")

    return start_server


@pytest.fixture(scope="session")
def server(start_server, tmp_path_factory) -> Server:
    """The service on the embedded store with the seed data, shared by read-only tests."""
    running = start_server(tmp_path_factory.mktemp("served") / "store")
    yield running
    running.stop()


# ---------------------------------------------------------------------------------------------
# Remote SPARQL servers, for the remote-store tests
#
# * Oxigraph server, from the ``oxigraph`` package of the test extras.
# * Virtuoso open source, from Debian's ``virtuoso-opensource``: its own database directory,
#   HTTP and ISQL ports; updates through ``/sparql`` once the ``SPARQL`` user is granted
#   ``SPARQL_UPDATE``. Virtuoso's default graph is the union of its graphs already.
#
# A missing binary is ``unavailable``.
# ---------------------------------------------------------------------------------------------


@dataclass
class SparqlServer:
    """A running SPARQL server: where to query it and where to update it."""

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


@pytest.fixture(scope="session")
def start_oxigraph(free_port, unavailable) -> Callable[[Path], SparqlServer]:
    """Start an Oxigraph server of one's own in a directory; the test stops it."""

    def start_oxigraph(directory: Path) -> SparqlServer:
        binary = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which(
            "oxigraph"
        )
        if not binary:
            unavailable(
                "oxigraph est introuvable / oxigraph not found: "
                "pip install -e '.[test]' (the oxigraph package)"
            )
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

    return start_oxigraph


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


@pytest.fixture(scope="session")
def start_virtuoso(free_port, unavailable) -> Callable[[Path], SparqlServer]:
    """Start a Virtuoso of one's own in a directory; the test stops it."""

    def start_virtuoso(directory: Path) -> SparqlServer:
        binary = shutil.which("virtuoso-t")
        isql = shutil.which("isql-vt")
        if not binary or not isql:
            unavailable(
                "virtuoso-t est introuvable / virtuoso-t not found: "
                "apt-get install virtuoso-opensource (bash .ci/run installs it)"
            )
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
        # Updates through /sparql need the SPARQL_UPDATE role for the anonymous user SPARQL,
        # and the documentation graphs Virtuoso installs are no data of ours. Its own system
        # graph (virtrdf#, about 2,500 triples) is made private, so that the default graph, the
        # union of all graphs, holds our data only (docs/store.md).
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

    return start_virtuoso


@pytest.fixture(scope="session")
def oxigraph_server(start_oxigraph, tmp_path_factory) -> SparqlServer:
    """An Oxigraph server the remote-store tests share."""
    server = start_oxigraph(tmp_path_factory.mktemp("oxigraph-server"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def virtuoso_server(start_virtuoso, tmp_path_factory) -> SparqlServer:
    """A Virtuoso the remote-store tests share."""
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso-server"))
    yield server
    server.stop()


# ---------------------------------------------------------------------------------------------
# Writes: a writable server, updates, snapshots of the store over HTTP
# ---------------------------------------------------------------------------------------------

#: alice's and bob's tokens; writes/test_writes.py spells them too, since it names wrong tokens
#: after them when its tests are collected.
TOKEN = "jeton-alice-3f9c1e"
OTHER_TOKEN = "jeton-bob-77aa01"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
UPDATE_TYPE = {"Content-Type": "application/sparql-update"}
PREFIXES = """PREFIX schema: <https://schema.org/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX med: <https://w3id.org/mediation-sociale/def#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX as: <https://www.w3.org/ns/activitystreams#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX void: <http://rdfs.org/ns/void#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""


@pytest.fixture(scope="session")
def tokens() -> str:
    """Two named tokens, alice's and bob's, as an operator writes them in
    MEDIATION_WRITE_TOKEN."""
    return f"alice:{TOKEN},bob:{OTHER_TOKEN}"


@pytest.fixture(scope="session")
def auth() -> dict[str, str]:
    """The header of alice's writes."""
    return AUTH


@pytest.fixture(scope="session")
def prefixes() -> str:
    """The PREFIX lines that the write tests' queries and updates start with."""
    return PREFIXES


@pytest.fixture(scope="session")
def writable_server(start_server, tokens) -> Callable[..., Server]:
    """Start a server of one's own that takes alice's and bob's writes; the test stops it."""

    def writable_server(
        directory: Path, extra_env: dict[str, str] | None = None, args: list[str] | None = None
    ) -> Server:
        env = {"MEDIATION_WRITE_TOKEN": tokens}
        env.update(extra_env or {})
        return start_server(directory / "store", env, args)

    return writable_server


@pytest.fixture(scope="session")
def update() -> Callable[..., requests.Response]:
    """Send a SPARQL update as alice."""

    def update(
        server: Server, text: str, headers: dict[str, str] | None = None, **kwargs
    ) -> requests.Response:
        sent = {**AUTH, **UPDATE_TYPE, **(headers or {})}
        return server.post("sparql/update", data=text.encode("utf-8"), headers=sent, **kwargs)

    return update


@pytest.fixture(scope="session")
def event_turtle() -> Callable[..., str]:
    """A small valid event in Turtle: a type, names in French and English, a start date, a
    venue."""

    def event_turtle(iri: str, name: str, start: str = "2024-05-02", extra: str = "") -> str:
        return (
            f'<{iri}> a schema:Event ; schema:name "{name}"@fr , "{name} (en)"@en ; '
            f'schema:startDate "{start}"^^xsd:date ; '
            f"schema:location <{ID['place/arena-lievin']}> {extra}."
        )

    return event_turtle


@pytest.fixture(scope="session")
def insert_event(update, event_turtle) -> Callable[..., requests.Response]:
    """Insert a small valid event (``event_turtle``) into a graph, ``essais`` unless told."""

    def insert_event(
        server: Server, iri: str, name: str, graph: str | None = None, **kwargs
    ) -> requests.Response:
        graph = graph or str(GRAPH["essais"])
        return update(
            server,
            f"{PREFIXES}INSERT DATA {{ GRAPH <{graph}> {{ {event_turtle(iri, name, **kwargs)} }} }}",
        )

    return insert_event


def _client(server: Server, query: str) -> SPARQLWrapper:
    client = SPARQLWrapper(server.url + "sparql")
    client.setQuery(PREFIXES + query)
    client.setReturnFormat(JSON)
    return client


@pytest.fixture(scope="session")
def select() -> Callable[[Server, str], list[dict]]:
    """Rows of a SELECT through the public endpoint, with SPARQLWrapper (values as strings)."""

    def select(server: Server, query: str) -> list[dict]:
        result = _client(server, query).query().convert()
        return [{k: v["value"] for k, v in row.items()} for row in result["results"]["bindings"]]

    return select


@pytest.fixture(scope="session")
def ask() -> Callable[[Server, str], bool]:
    """The answer to an ASK through the public endpoint, with SPARQLWrapper."""

    def ask(server: Server, query: str) -> bool:
        return bool(_client(server, query).query().convert()["boolean"])

    return ask


@pytest.fixture(scope="session")
def health() -> Callable[[Server], dict]:
    """What ``/healthz`` says that only a write changes: the status and the store's
    generation (every applied write moves it on). The index's and the open-data build's
    entries move in the background, so two readings around a refused write would differ."""

    def health(server: Server) -> dict:
        found = server.get("healthz").json()
        return {"status": found["status"], "generation": found["generation"]}

    return health


@pytest.fixture(scope="session")
def named_quads() -> Callable[[Server], set[tuple[str, ...]]]:
    """What the named graphs hold: every quad without a blank node (as TSV terms), and the
    number of quads of each graph (blank nodes included: their labels differ between
    servers and answers)."""

    def named_quads(server: Server) -> set[tuple[str, ...]]:
        found: set[tuple[str, ...]] = set()
        for query in (
            "SELECT ?s ?p ?o ?g { GRAPH ?g { ?s ?p ?o } FILTER(!isBlank(?s) && !isBlank(?o)) }",
            "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
        ):
            rows = server.get(
                "sparql", params={"query": query}, headers={"Accept": "text/tab-separated-values"}
            )
            assert rows.status_code == 200, rows.text
            assert "X-Mediation-Truncated" not in rows.headers
            found |= set(tuple(line.split("\t")) for line in rows.text.splitlines()[1:])
        return found

    return named_quads


@pytest.fixture(scope="session")
def graph_of() -> Callable[[Server, str], Graph]:
    """A named graph of the store, read through the Graph Store Protocol."""

    def graph_of(server: Server, graph: str) -> Graph:
        answer = server.get("graphs", params={"graph": graph}, headers={"Accept": "text/turtle"})
        assert answer.status_code == 200, answer.text
        return Graph().parse(data=answer.text, format="turtle")

    return graph_of


@pytest.fixture(scope="session")
def same_graph() -> Callable[[Graph, Graph], bool]:
    """Whether two graphs are the same graph, blank nodes and all."""
    return isomorphic


# ---------------------------------------------------------------------------------------------
# The open-data build as a client sees it
# ---------------------------------------------------------------------------------------------

#: The build a catalog, VoID or dump response comes from: its ETag starts with b{generation}.
_BUILD_ETAG = re.compile(r'^"b(\d+)-')


@pytest.fixture(scope="session")
def build_of() -> Callable[[requests.Response], int]:
    """The generation of the build a response comes from."""

    def build_of(response: requests.Response) -> int:
        found = _BUILD_ETAG.match(response.headers.get("ETag", ""))
        assert found, f"not an answer from a build: ETag {response.headers.get('ETag')!r}"
        return int(found[1])

    return build_of


@pytest.fixture(scope="session")
def wait_for_build(build_of) -> Callable[..., requests.Response]:
    """``path``'s first answer from a build of at least ``generation``, polling; before the
    first build exists the service answers 503 with Retry-After."""

    def wait_for_build(
        server: Server, generation: int = 0, path: str = ".well-known/void", timeout: float = 180
    ) -> requests.Response:
        deadline = time.monotonic() + timeout
        while True:
            response = server.get(path)
            if response.status_code == 200 and build_of(response) >= generation:
                return response
            assert response.status_code in (200, 503), (response.status_code, response.text[:300])
            if response.status_code == 503:
                assert int(response.headers["Retry-After"]) >= 1
            assert time.monotonic() < deadline, (
                f"no build of generation {generation} in {timeout} s"
            )
            time.sleep(0.2)

    return wait_for_build


# ---------------------------------------------------------------------------------------------
# Accounts: `mediation users` on a server's store, and signing in at /publish
# ---------------------------------------------------------------------------------------------

#: A password long enough for the accounts (twelve characters at least).
PASSWORD = "un mot de passe assez long"


@pytest.fixture(scope="session")
def password() -> str:
    return PASSWORD


@pytest.fixture(scope="session")
def users(mediation) -> Callable[..., subprocess.CompletedProcess]:
    """Run ``mediation users ARGS --store STORE`` as an operator does, the password (when
    given) on standard input, never as an argument."""

    def users(
        store_dir: Path, *args: str, password: str | None = None, extra: tuple[str, ...] = ()
    ) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIATION_")}
        return subprocess.run(
            [mediation, "users", *args, "--store", str(store_dir), *extra],
            input="" if password is None else password + "\n",
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )

    return users


@pytest.fixture(scope="session")
def csrf_of() -> Callable[[str], str]:
    """The CSRF token of the first form of a page."""

    def csrf_of(html: str) -> str:
        found = re.search(r'name="csrf_token" value="([^"]+)"', html)
        assert found, "the page has no CSRF token"
        return found.group(1)

    return csrf_of


@pytest.fixture(scope="session")
def sign_in(csrf_of) -> Callable[..., tuple[requests.Session, requests.Response]]:
    """Sign in at /publish as a browser does (the form's CSRF token, then the post): the
    session, holding the cookie, and the answer to the post (not followed)."""

    def sign_in(
        server: Server, login: str, password: str = PASSWORD
    ) -> tuple[requests.Session, requests.Response]:
        session = requests.Session()
        page = session.get(server.url + "publish/sign-in", timeout=60)
        answer = session.post(
            server.url + "publish/sign-in",
            data={"csrf_token": csrf_of(page.text), "login": login, "password": password},
            allow_redirects=False,
            timeout=60,
        )
        return session, answer

    return sign_in


class Person:
    """A signed-in account's browser at /publish: its cookies and the CSRF token of the last
    page it read, which each form it posts carries. ``follow``: whether a page it opens
    follows a redirection (a post never does: the tests read where it sends)."""

    def __init__(self, server: Server, session: requests.Session, follow: bool = True):
        self.server, self.session, self.follow, self.token = server, session, follow, ""

    def open(self, path: str, **params: str) -> requests.Response:
        answer = self.session.get(
            self.server.url + path.lstrip("/"),
            params=params,
            allow_redirects=self.follow,
            timeout=60,
        )
        found = re.search(r'name="csrf_token" value="([^"]+)"', answer.text)
        self.token = found.group(1) if found else self.token
        return answer

    def get(self, path: str, **options: Any) -> requests.Response:
        """A request of the page's script (a lookup): no form read."""
        return self.session.get(self.server.url + path.lstrip("/"), timeout=60, **options)

    def post(self, path: str, data: dict | None = None, token: bool = True) -> requests.Response:
        sent = dict(data or {}, csrf_token=self.token) if token else dict(data or {})
        return self.session.post(
            self.server.url + path.lstrip("/"), data=sent, allow_redirects=False, timeout=60
        )


@pytest.fixture(scope="session")
def signed_in(sign_in) -> Callable[..., Person]:
    """A :class:`Person` signed in on a server with an account's login."""

    def signed_in(server: Server, login: str, follow: bool = True) -> Person:
        session, answer = sign_in(server, login)
        assert answer.status_code == 303, answer.text
        return Person(server, session, follow)

    return signed_in
