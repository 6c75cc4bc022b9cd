"""The servers ``bench/peers.py`` compares: how each one is loaded, started and stopped.

Each peer loads the same files (the seed the service starts with, then the generated quads)
with its own loader, keeps its database under ``DIR/<size>/<peer>/`` and writes what the load
cost to ``load.json`` beside it, so that a run with ``--keep`` reuses the database and still
reports the load. Run as a script, this module is the service's loader (see ``load_service``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from serving import ROOT, free_port, service_log, start_service  # noqa: E402

BIN = Path(sys.executable).parent
#: What the service is run with here: queries may take as long as the peers allow theirs.
SERVICE_SETTINGS = {"max_rows": "100000"}


# ---------------------------------------------------------------------------------------------
# Measuring a process: its tree's memory, the disk it holds
# ---------------------------------------------------------------------------------------------


def tree_rss(pid: int) -> int:
    """Resident memory of a process and its descendants, in bytes (Linux /proc)."""
    return sum(process_rss(pid))


def process_rss(pid: int) -> list[int]:
    """Resident memory of a process and of each of its descendants, in bytes (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            statm = (entry / "statm").read_text().split()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
        rss[int(entry.name)] = int(statm[1]) * os.sysconf("SC_PAGE_SIZE")
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(rss.get(current, 0))
        todo.extend(children.get(current, []))
    return found


class PeakMemory:
    """The largest ``tree_rss`` of a process seen while it runs, sampled in a thread, and
    the largest single process of the tree (``largest``: forked workers share pages that the
    sum counts in each)."""

    def __init__(self, pid: int, every: float = 0.25) -> None:
        self.pid, self.every, self.peak, self.largest = pid, every, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.is_set():
            sizes = process_rss(self.pid)
            self.peak = max(self.peak, sum(sizes))
            self.largest = max(self.largest, *sizes)
            self._stop.wait(self.every)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def disk_bytes(path: Path) -> int:
    """Bytes of the files under ``path``, each counted once (the service's snapshots are
    hard links to its store's files)."""
    files = {(p.stat().st_dev, p.stat().st_ino): p.stat().st_size for p in path.rglob("*")}
    return sum(files.values())


def run_measured(command: list[str], log: Path, **kwargs) -> tuple[float, int]:
    """Run a command to its end: seconds and peak memory of its process tree."""
    start = time.perf_counter()
    with log.open("a") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, **kwargs)
        memory = PeakMemory(process.pid)
        code = process.wait()
    peak = memory.stop()
    if code != 0:
        raise SystemExit(f"{command[0]} failed ({code}):\n{log.read_text()[-3000:]}")
    return time.perf_counter() - start, peak


# ---------------------------------------------------------------------------------------------
# A running server
# ---------------------------------------------------------------------------------------------


@dataclass
class Running:
    """A server answering SPARQL at ``sparql`` (and, for the service, pages under ``site``)."""

    name: str
    sparql: str
    process: subprocess.Popen
    site: str | None = None
    memory: PeakMemory | None = field(default=None, repr=False)
    index: IndexWatch | None = field(default=None, repr=False)

    def stop(self) -> int:
        """Stop the server; the peak memory of its process tree while it served."""
        peak = self.memory.stop() if self.memory else 0
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=60)
        return peak


class IndexWatch:
    """When the service's search index was ready, from ``/healthz`` polled in a thread:
    ``seconds`` after the start, and whether this start built it; and when its example
    queries were computed for the current generation (``examples_seconds``): until then
    the service computes them in the background (a minute of a core at a million quads),
    which queries measured meanwhile would share the processors with."""

    def __init__(self, site: str, started: float) -> None:
        self.site, self.started = site, started
        self.seconds: float | None = None
        self.built = False
        self.ready = threading.Event()
        self.examples_seconds: float | None = None
        self.examples_ready = threading.Event()
        threading.Thread(target=self._poll, daemon=True).start()

    def _poll(self) -> None:
        while not (self.ready.is_set() and self.examples_ready.is_set()):
            try:
                health = requests.get(self.site + "healthz", timeout=10).json()
                state = health["index"]["state"]
                examples = health["query_cache"]["examples"]["refreshed_generation"]
            except (requests.RequestException, ValueError, KeyError):
                return  # the server stopped
            now = time.perf_counter() - self.started
            if state == "ready" and not self.ready.is_set():
                self.seconds = now
                self.ready.set()
            elif state != "ready":
                self.built = True
            if examples == health["generation"] and not self.examples_ready.is_set():
                self.examples_seconds = now
                self.examples_ready.set()
            time.sleep(1)


def wait_for_sparql(name: str, process: subprocess.Popen, url: str, log: Path, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name} stopped:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            answer = requests.get(url, params={"query": "ASK {}"}, timeout=5)
            if answer.status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    process.terminate()
    raise SystemExit(f"{name} did not answer within {timeout:.0f} s")


# ---------------------------------------------------------------------------------------------
# The peers
# ---------------------------------------------------------------------------------------------


class Peer:
    """One server: ``load`` fills its directory once (its cost in load.json), ``start`` serves."""

    name = ""

    def __init__(self, directory: Path, timeout: float) -> None:
        self.directory = directory / self.name
        self.timeout = timeout

    @property
    def figures_path(self) -> Path:
        return self.directory / "load.json"

    def loaded(self) -> dict | None:
        return json.loads(self.figures_path.read_text()) if self.figures_path.exists() else None

    def ensure_loaded(self, files: list[Path]) -> dict:
        """Load ``files`` unless a finished load is kept; what the load cost."""
        if (figures := self.loaded()) is None:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory.mkdir(parents=True)
            figures = self.load(files)
            figures["disk"] = disk_bytes(self.directory)
            self.figures_path.write_text(json.dumps(figures))
        return figures

    def load(self, files: list[Path]) -> dict:
        raise NotImplementedError

    def start(self) -> Running:
        raise NotImplementedError


class Service(Peer):
    """This checkout's ``mediation serve``: loaded through its store (``store``: the bulk path
    ``mediation load`` takes for new graphs, without validation) or by ``mediation load``."""

    name = "service"

    def __init__(self, directory: Path, timeout: float, loader: str = "store") -> None:
        super().__init__(directory, timeout)
        self.loader = loader
        self.settings = SERVICE_SETTINGS | {"query_timeout": str(timeout)}

    @property
    def store(self) -> Path:
        return self.directory / "store"

    def load(self, files: list[Path]) -> dict:
        log = self.directory / "load.log"
        env = os.environ | {"PYTHONPATH": str(ROOT)}
        script = [sys.executable, __file__, str(self.store)]
        if self.loader == "store":
            seconds, peak = run_measured(script + [str(f) for f in files[1:]], log, env=env)
        else:  # seeded first, as ``mediation serve`` would, then the generated files
            run_measured(script, log, env=env)
            command = [sys.executable, "-m", "service.cli", "load", "--store", str(self.store)]
            seconds, peak = run_measured(command + [str(f) for f in files[1:]], log, env=env)
        return {"seconds": seconds, "memory": peak}

    def start(self) -> Running:
        """Serve once SPARQL answers; the search index (built at the first start after a
        load) is watched meanwhile, so that queries need not wait for it."""
        start = time.perf_counter()
        process, url = start_service(self.store, self.settings)
        wait_for_sparql(self.name, process, url + "sparql", service_log(self.store), 3600)
        running = Running(self.name, url + "sparql", process, url, PeakMemory(process.pid))
        running.index = IndexWatch(url, start)
        return running

    def restart(self, page: str, listing: str, limit: float) -> dict:
        """Start on the kept store and index: seconds to the first answered page and list
        (missing when not within ``limit``), and how many times the list answered 503."""
        start = time.perf_counter()
        process, url = start_service(self.store, self.settings)
        figures: dict = {"list_503": 0}
        try:
            while ("list" not in figures or "page" not in figures) and (
                time.perf_counter() - start < limit
            ):
                if process.poll() is not None:
                    raise SystemExit(service_log(self.store).read_text()[-3000:])
                for key, path in (("page", page), ("list", listing)):
                    if key in figures:
                        continue
                    try:
                        status = requests.get(url + path, timeout=30).status_code
                    except requests.RequestException:
                        continue
                    if status == 200:
                        figures[key] = time.perf_counter() - start
                    elif key == "list" and status == 503:
                        figures["list_503"] += 1
                time.sleep(0.1)
        finally:
            Running(self.name, "", process).stop()
        return figures


class Oxigraph(Peer):
    """Oxigraph server, the same version as the store's pyoxigraph: ``oxigraph load`` of the
    files and ``oxigraph optimize`` (which the load itself advises before a read-heavy use,
    and which the service's store runs after any load of 100,000 quads or more), then
    ``oxigraph serve --union-default-graph`` (the service's default graph too)."""

    name = "oxigraph"

    def load(self, files: list[Path]) -> dict:
        seconds, peak = run_measured(self.load_command(files), self.log)
        optimized, optimize_peak = run_measured(self.optimize_command(), self.log)
        return {
            "seconds": seconds + optimized,
            "memory": max(peak, optimize_peak),
            "optimize_seconds": optimized,
        }

    def load_command(self, files: list[Path]) -> list[str]:
        """``oxigraph load`` of ``files`` into this peer's database."""
        command = [str(BIN / "oxigraph"), "load", "--location", str(self.directory / "db")]
        return command + ["--file", *map(str, files)]

    def optimize_command(self) -> list[str]:
        """``oxigraph optimize`` of this peer's database."""
        return [str(BIN / "oxigraph"), "optimize", "--location", str(self.directory / "db")]

    @property
    def log(self) -> Path:
        return self.directory / "server.log"

    def start(self) -> Running:
        port = free_port()
        command = [str(BIN / "oxigraph"), "serve", "--location", str(self.directory / "db")]
        command += ["--bind", f"127.0.0.1:{port}", "--union-default-graph"]
        command += ["--timeout-s", str(int(self.timeout))]
        with self.log.open("a") as out:
            process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}/query"
        wait_for_sparql(self.name, process, url, self.log, 600)
        return Running(self.name, url, process, memory=PeakMemory(process.pid))


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
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
DirsAllowed = ., {dir}, {data}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty_buffers}
{sorted_rows}
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}/vsp
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = {timeout}
MaxQueryCostEstimationTime = 0
"""

#: Virtuoso's own graphs out of the union default graph, as docs/store.md tells an operator.
VIRTUOSO_SETUP = """\
SPARQL CLEAR GRAPH <http://www.w3.org/ns/ldp#>;
SPARQL CLEAR GRAPH <http://www.w3.org/2002/07/owl#>;
SPARQL CLEAR GRAPH <http://localuriqaserver/sparql>;
DB.DBA.RDF_GRAPH_GROUP_CREATE ('http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs', 1);
DB.DBA.RDF_GRAPH_GROUP_INS ('http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs', 'http://www.openlinksw.com/schemas/virtrdf#');
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 1, 0);
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 0, 1);
"""


class Virtuoso(Peer):
    """Debian's Virtuoso open source: its bulk loader (``ld_dir`` then ``rdf_loader_run``)."""

    name = "virtuoso"

    def __init__(
        self,
        directory: Path,
        timeout: float,
        buffers: int = 340_000,
        dirty_buffers: int = 250_000,
        sorted_rows: int | None = None,
    ) -> None:
        """``buffers``: the defaults are for 10M quads on a machine shared with others:
        Virtuoso's guide sizes 4 GB so (about 8 KB a buffer); its default of 10,000 buffers
        would read from disk all along. Smaller sets take fewer (85,000 for 1M).
        ``sorted_rows``: its ``MaxSortedTopRows`` (left to Virtuoso when None, so that an
        ``ORDER BY`` past its limit answers 500, as the figures in bench/README.md show)."""
        super().__init__(directory, timeout)
        self.buffers, self.dirty_buffers = buffers, dirty_buffers
        self.sorted_rows = sorted_rows

    def load(self, files: list[Path]) -> dict:
        running = self.start(files[0].parent)
        try:
            seconds, memory = self.bulk_load(running, files, VIRTUOSO_SETUP)
        finally:
            running.stop()
        return {"seconds": seconds, "memory": memory.peak}

    def bulk_load(
        self,
        running: Running,
        files: list[Path],
        setup: str = "",
        graph: str = "urn:default",
        every: float = 0.25,
    ) -> tuple[float, PeakMemory]:
        """Run ``setup`` then the bulk loader on ``files`` (``graph`` for their triples without
        one) to its checkpoint: seconds, and the server's memory sampled ``every`` seconds."""
        memory = PeakMemory(running.process.pid, every)
        start = time.perf_counter()
        try:
            self.isql(
                setup
                + "".join(f"ld_dir('{f.parent}', '{f.name}', '{graph}');\n" for f in files)
                + "rdf_loader_run();\ncheckpoint;\n"
            )
            return time.perf_counter() - start, memory
        finally:
            memory.stop()

    def isql(self, statements: str) -> None:
        done = subprocess.run(
            ["isql-vt", f"127.0.0.1:{self.isql_port}", "dba", "dba"],
            input=statements,
            text=True,
            capture_output=True,
        )
        if done.returncode != 0 or "Error" in done.stdout + done.stderr:
            raise SystemExit(f"isql failed: {done.stdout[-2000:]}\n{done.stderr[-2000:]}")

    def start(self, data: Path | None = None) -> Running:
        """Serve the database, reading files under ``data`` too (the bulk loader's)."""
        if not shutil.which("virtuoso-t"):
            raise SystemExit("virtuoso-t est introuvable / virtuoso-t not found")
        (self.directory / "vsp").mkdir(parents=True, exist_ok=True)
        http_port, self.isql_port = free_port(), free_port()
        ini = self.directory / "virtuoso.ini"
        ini.write_text(
            VIRTUOSO_INI.format(
                dir=self.directory,
                data=data or self.directory,
                isql_port=self.isql_port,
                http_port=http_port,
                timeout=int(self.timeout),
                buffers=self.buffers,
                dirty_buffers=self.dirty_buffers,
                sorted_rows=f"MaxSortedTopRows = {self.sorted_rows}\n" if self.sorted_rows else "",
            )
        )
        log = self.directory / "stdout.log"
        with log.open("a") as out:
            process = subprocess.Popen(
                ["virtuoso-t", "+foreground", "+configfile", str(ini)],
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=self.directory,
            )
        url = f"http://127.0.0.1:{http_port}/sparql"
        wait_for_sparql(self.name, process, url, log, 600)
        return Running(self.name, url, process, memory=PeakMemory(process.pid))


class RdflibEndpoint(Peer):
    """rdflib-endpoint: the files parsed into an rdflib dataset at each start (its load), so
    only small sizes; ``--only`` or the size keeps it out beyond ``RDFLIB_MAX``."""

    name = "rdflib"

    def load(self, files: list[Path]) -> dict:
        return {"seconds": 0.0, "memory": 0}  # measured at each start

    def start(self) -> Running:
        port = free_port()
        self.files = sorted(self.directory.parent.glob("*.nq"))
        command = [str(BIN / "rdflib-endpoint"), "serve", *map(str, self.files)]
        command += ["--host", "127.0.0.1", "--port", str(port)]
        log = self.directory / "server.log"
        with log.open("a") as out:
            process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}/"  # its endpoint is the root
        wait_for_sparql(self.name, process, url, log, 3600)
        return Running(self.name, url, process, memory=PeakMemory(process.pid))


RDFLIB_MAX = 100_000
PEERS = {peer.name: peer for peer in (Service, Oxigraph, Virtuoso, RdflibEndpoint)}


def load_service(store: Path, files: list[Path]) -> None:
    """Seed an empty store as ``mediation serve`` does, then load ``files`` through the
    service's store (a new graph takes Oxigraph's bulk loader)."""
    from service.config import load_config
    from service.formats import NQUADS
    from service.store import open_store
    from service.writes import ensure_seeded

    config = load_config(overrides={"store": str(store)}, environ={})
    opened = open_store(config, workers=False)
    try:
        ensure_seeded(opened, config)
        for path in files:
            opened.load(path, NQUADS, None)
    finally:
        opened.close()


if __name__ == "__main__":
    load_service(Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]])
