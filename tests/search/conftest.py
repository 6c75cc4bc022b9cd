"""What the search tests share: catching the background index build as it starts."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture
def paused_build() -> Callable[..., int]:
    """A function that catches a store's index build process as it starts and stops it
    (SIGSTOP), returning its process id: the test then sees the server while it builds."""

    def pause(store_dir: Path, timeout: float = 60) -> int:
        marker = store_dir / ".index-building.json"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                pid = json.loads(marker.read_text(encoding="utf-8"))["pid"]
            except (FileNotFoundError, ValueError):
                time.sleep(0.005)
                continue
            os.kill(pid, signal.SIGSTOP)
            return pid
        raise AssertionError("no index build started")

    return pause
