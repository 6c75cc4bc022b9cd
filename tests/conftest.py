"""Shared fixtures: the real server on 127.0.0.1, real stores on disk, ``../shared``.

The server runs as its own process (``mediation serve``), exactly as an
operator starts it, and the tests talk HTTP to it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from servers import oxigraph_server, virtuoso_server  # noqa: F401  (session fixtures for store tests)

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("MEDIATION_SHARED", ROOT.parent / "shared")).resolve()
IN_CI = bool(os.environ.get("CI"))
MEDIATION = shutil.which("mediation", path=str(Path(sys.executable).parent)) or "mediation"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def shared() -> Path:
    """``../shared`` (or ``MEDIATION_SHARED``): the official files the tests check against."""
    if not SHARED.is_dir():
        message = (
            f"../shared est absent ({SHARED}) : réglez MEDIATION_SHARED. "
            f"../shared is absent ({SHARED}): set MEDIATION_SHARED."
        )
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return SHARED


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


def start_server(
    store_dir: Path,
    extra_env: dict[str, str] | None = None,
    args: list[str] | None = None,
    timeout: float = 180,
    index_ready: bool = True,
) -> Server:
    """Start ``mediation serve`` on a free port and wait until ``/healthz`` answers, and, with
    ``index_ready``, until its search index (built in the background) is ready."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIATION_")}
    env.update(extra_env or {})
    store_dir.mkdir(parents=True, exist_ok=True)
    log_path = store_dir.parent / f"server-{port}.log"
    command = [
        MEDIATION,
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
            command + (args or []), env=env, stdout=log, stderr=subprocess.STDOUT
        )
    server = Server(f"http://127.0.0.1:{port}/", store_dir, process, env, log_path)
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


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Server:
    """The service on the embedded store with the seed data, shared by read-only tests."""
    running = start_server(tmp_path_factory.mktemp("served") / "store")
    yield running
    running.stop()
