"""What several benchmarks share: a free port, and ``mediation serve`` of this checkout on a
scratch store, returned once it answers and its search index is built."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def service_log(store: Path) -> Path:
    """Where ``start_service`` writes the log of the service on ``store``: beside it, named
    after it, so that two stores in one folder keep a log each."""
    return store.parent / f"{store.name}.server.log"


def start_service(
    store: Path, settings: dict[str, str] | None = None, root: Path = ROOT
) -> tuple[subprocess.Popen, str]:
    """``mediation serve`` of this checkout (or of ``root``) on ``store`` (seeded at its first
    start), with ``settings`` as ``MEDIATION_*`` variables, its log beside the store; returned
    at once."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIATION_")}
    env.update({f"MEDIATION_{name.upper()}": value for name, value in (settings or {}).items()})
    env["PYTHONPATH"] = str(root)
    command = [sys.executable, "-m", "service.cli", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--store", str(store)]
    store.parent.mkdir(parents=True, exist_ok=True)
    with open(service_log(store), "w") as log:  # the child keeps its own descriptor
        server = subprocess.Popen(command, env=env, cwd=root, stdout=log, stderr=subprocess.STDOUT)
    return server, f"http://127.0.0.1:{port}/"


def serve_seeded(
    store: Path,
    timeout: float = 300,
    settings: dict[str, str] | None = None,
    root: Path = ROOT,
) -> tuple[subprocess.Popen, str]:
    """``start_service``, returned once the service answers and its index is ready."""
    server, url = start_service(store, settings, root)
    log_path = service_log(store)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the service stopped:\n{log_path.read_text()}")
        try:
            health = requests.get(url + "healthz", timeout=2).json()
            if health.get("index", {}).get("state") == "ready":
                return server, url
        except (requests.RequestException, ValueError):
            pass
        time.sleep(0.3)
    server.terminate()
    raise SystemExit(f"the service's index was not ready within {timeout:.0f} s")
