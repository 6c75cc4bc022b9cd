"""Helpers of the open-data tests: the background build as a client sees it (the build a
response comes from, waiting for one) and as an operator sees it (the process at work)."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import requests

from tests.conftest import Server

#: The build a catalog, VoID or dump response comes from: its ETag starts with b{generation}.
_BUILD_ETAG = re.compile(r'^"b(\d+)-')


def build_of(response: requests.Response) -> int:
    found = _BUILD_ETAG.match(response.headers.get("ETag", ""))
    assert found, f"not an answer from a build: ETag {response.headers.get('ETag')!r}"
    return int(found[1])


def wait_for_build(
    server: Server, generation: int = 0, path: str = ".well-known/void", timeout: float = 180
) -> requests.Response:
    """``path``'s first answer from a build of at least ``generation``, polling; before the
    first build exists the service answers 503 with Retry-After."""
    deadline = time.monotonic() + timeout
    while True:
        response = server.get(path)
        if response.status_code == 200 and build_of(response) >= generation:
            return response
        assert response.status_code in (200, 503), (response.status_code, response.text[:300])
        if response.status_code == 503:
            assert int(response.headers["Retry-After"]) >= 1
        assert time.monotonic() < deadline, f"no build of generation {generation} in {timeout} s"
        time.sleep(0.2)


def dumps_dir(server: Server) -> Path:
    return server.store_dir / "dumps"


def build_under_way(directory: Path, generation: int = 0, timeout: float = 60) -> dict | None:
    """What ``.building.json`` in a builds ``directory`` says of the build of at least
    ``generation`` under way (its generation, its process), as soon as it appears; None when
    none started within ``timeout``."""
    marker = directory / ".building.json"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = json.loads(marker.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            found = None
        if found is not None and found["generation"] >= generation:
            return found
        time.sleep(0.005)
    return None


def signal_process(pid: int, number: int) -> None:
    """Send a signal to a process that may have ended already."""
    try:
        os.kill(pid, number)
    except ProcessLookupError:
        pass
