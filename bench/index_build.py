"""The search index's build, and a search's first answer with its facets; see bench/README.md.

    .venv/bin/python bench/index_build.py DIR [--code CHECKOUT] [--makers N] [--keep-index]

``DIR`` is a directory ``bench/search.py --keep DIR`` made (``DIR/store``). Builds the index
of that store into a new file beside it with ``Index.build`` (as ``mediation reindex``
does), printing the wall time, the CPU time (user, system) of the process and of the
row makers it forks (``--makers``, the ``index_build_makers`` setting; code without it
builds in one process), and the peak of their summed resident memory; then, on a freshly
opened index (nothing kept from an earlier answer), each search's first answer as the search
page asks it: its first 20 results and total, then the counts of its four facets. ``--code``
runs another checkout's ``service`` package (the code before a change) on the same store.
"""

from __future__ import annotations

import argparse
import inspect
import os
import resource
import sys
import threading
import time
from pathlib import Path

SEARCHES = ("atelier", "médiateurs", "illectronisme quartiers", "zénith")
FACETS = ("kind", "theme", "territory", "year")


def cpu() -> tuple[float, float]:
    """User and system CPU time of this process and of its children that ended."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    ended = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + ended.ru_utime, usage.ru_stime + ended.ru_stime


def resident(pid: int) -> int:
    """Resident bytes of ``pid`` and of its children, from /proc."""
    total = 0
    try:
        with open(f"/proc/{pid}/statm") as statm:
            total = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            total += sum(resident(int(child)) for child in children.read().split())
    except (OSError, ValueError):
        pass
    return total


class PeakMemory:
    """The peak of this process's and its children's summed resident memory, sampled."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, resident(os.getpid()))

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--code", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--makers", type=int, default=None, help="index_build_makers")
    parser.add_argument("--keep-index", action="store_true", help="keep the file built")
    args = parser.parse_args()
    sys.path.insert(0, str(args.code.resolve()))

    from service.config import DEFAULT_BASE, load_config
    from service.search.index import Index
    from service.search.queries import Filters
    from service.store.embedded import EmbeddedStore

    store = EmbeddedStore(args.dir / "store", workers=False)
    path = args.dir / f"index-bench-{os.getpid()}.sqlite"
    index = Index(path, DEFAULT_BASE, ("fr", "en"), timeout=600)
    options = {}
    if "makers" in inspect.signature(index.build).parameters:
        config = load_config(environ=os.environ)
        options["makers"] = args.makers if args.makers is not None else config.index_build_makers
    memory = PeakMemory()
    (user, system), started = cpu(), time.perf_counter()
    rows = index.build(store, **options)
    (user2, system2), wall = cpu(), time.perf_counter() - started
    peak = memory.stop()
    print(
        f"build: {rows} rows, {store.count()} quads, makers {options.get('makers', '-')}, "
        f"{wall:.0f} s wall, {user2 - user + system2 - system:.1f} s CPU "
        f"({user2 - user:.1f} user, {system2 - system:.1f} system), peak memory "
        f"{peak / 2**20:.0f} MiB, {path.stat().st_size / 1e6:.0f} MB"
    )
    index.release()
    fresh = Index(path, DEFAULT_BASE, ("fr", "en"), timeout=600)
    for text in SEARCHES:
        (user, system), started = cpu(), time.perf_counter()
        page, _, _ = fresh.search(text, Filters(), limit=20)
        searched = time.perf_counter() - started
        counted = []
        for facet in FACETS:
            values = fresh.facet_counts(facet, Filters(), text=text)
            counted.append(f"{facet} {sum(v.count for v in values)}")
        (user2, system2), wall = cpu(), time.perf_counter() - started
        print(
            f"first answer « {text} »: {wall * 1000:.0f} ms wall "
            f"({(user2 - user + system2 - system) * 1000:.0f} ms CPU; search {searched * 1000:.0f} "
            f"ms), total {page.total}, facets {', '.join(counted)}"
        )
    fresh.release()
    store.close()
    if not args.keep_index:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
