"""Create the portals' virtual environments: one per portal, pinned, kept between runs.

``python3 tests/opendata/portals/venvs.py [NAME ...]`` makes sure each portal's environment
exists (all of them without a name) and prints one JSON line per portal: its name, its
interpreter, whether it was created now and in how many seconds. The tests' fixture and
``.ci/run`` both call this script, so that one place knows how an environment is made.

A portal NAME has its requirements in ``NAME.txt`` and the ``pip freeze`` of a working
environment in ``NAME-constraints.txt`` beside this file. Its environment lives in
``<repository>/.portals/NAME-<digest>`` (ignored by git), the digest being that of both files
and of the Python version: a changed pin makes a new environment, an unchanged one is reused.
The file ``installed`` inside marks an environment whose install finished; one without it
(an interrupted install) is made again.

Exit status: 0 when every environment is ready; 2 when pip could not reach the package
registry; 1 on any other failure. pip's last lines are then on standard error.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
CACHE = ROOT / ".portals"
PORTALS = ("udata", "ckan")
#: What pip prints when the registry cannot be reached (as opposed to a broken pin).
UNREACHABLE = re.compile(
    r"NewConnectionError|Max retries exceeded|Temporary failure in name resolution|"
    r"Name or service not known|Network is unreachable|ConnectTimeout|ProxyError"
)


def location(name: str) -> Path:
    """Where the environment of ``name`` lives for these pins and this Python."""
    digest = hashlib.sha256()
    for path in (HERE / f"{name}.txt", HERE / f"{name}-constraints.txt"):
        digest.update(path.read_bytes())
    digest.update(f"{sys.version_info.major}.{sys.version_info.minor}".encode())
    return CACHE / f"{name}-{digest.hexdigest()[:12]}"


class InstallFailed(Exception):
    """pip could not install a portal's requirements."""

    def __init__(self, name: str, output: str, unreachable: bool) -> None:
        super().__init__(f"pip install of {name} failed:\n{output}")
        self.unreachable = unreachable


def ensure(name: str) -> dict:
    """The environment of ``name``, created unless a finished one is there."""
    target = location(name)
    CACHE.mkdir(exist_ok=True)
    with (CACHE / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two test runs at once make it once
        python = target / "bin" / "python"
        if (target / "installed").is_file():
            return {"name": name, "python": str(python), "created": False, "seconds": 0.0}
        shutil.rmtree(target, ignore_errors=True)
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "venv", str(target)], check=True)
        requirements = ["-r", HERE / f"{name}.txt", "-c", HERE / f"{name}-constraints.txt"]
        log = target / "install.log"
        with log.open("w") as out:
            done = subprocess.run(
                [python, "-m", "pip", "install", "--no-input", "--progress-bar=off", *requirements],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        if done.returncode != 0:
            text = log.read_text(errors="replace")
            # pip warns of every configured index it cannot read: not what went wrong.
            lines = [line for line in text.splitlines() if not line.startswith("WARNING: Location")]
            raise InstallFailed(name, "\n".join(lines[-40:]), bool(UNREACHABLE.search(text)))
        (target / "installed").write_text(time.strftime("%Y-%m-%dT%H:%M:%S%z\n"))
        seconds = round(time.monotonic() - started, 1)
        return {"name": name, "python": str(python), "created": True, "seconds": seconds}


def main(names: list[str]) -> int:
    for name in names or PORTALS:
        if name not in PORTALS:
            print(f"unknown portal {name!r}; known: {', '.join(PORTALS)}", file=sys.stderr)
            return 1
        try:
            print(json.dumps(ensure(name)), flush=True)
        except InstallFailed as failure:
            print(failure, file=sys.stderr)
            return 2 if failure.unreachable else 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
