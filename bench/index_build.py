"""The search index's build, and a search's first answer with its facets; see bench/README.md.

    .venv/bin/python bench/index_build.py DIR [--code CHECKOUT] [--keep-index]

``DIR`` is a directory ``bench/search.py --keep DIR`` made (``DIR/store``). Builds the index
of that store into a new file beside it with ``Index.build`` (as ``mediation reindex``
does), printing the wall time and the process's CPU time (user, system); then, on a freshly
opened index (nothing kept from an earlier answer), each search's first answer as the search
page asks it: its first 20 results and total, then the counts of its four facets. ``--code``
runs another checkout's ``service`` package (the code before a change) on the same store.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

SEARCHES = ("atelier", "médiateurs", "illectronisme quartiers", "zénith")
FACETS = ("kind", "theme", "territory", "year")


def cpu() -> tuple[float, float]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime, usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--code", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--keep-index", action="store_true", help="keep the file built")
    args = parser.parse_args()
    sys.path.insert(0, str(args.code.resolve()))

    from service.config import DEFAULT_BASE
    from service.search.index import Index
    from service.search.queries import Filters
    from service.store.embedded import EmbeddedStore

    store = EmbeddedStore(args.dir / "store", workers=False)
    path = args.dir / f"index-bench-{os.getpid()}.sqlite"
    index = Index(path, DEFAULT_BASE, ("fr", "en"), timeout=600)
    (user, system), started = cpu(), time.perf_counter()
    rows = index.build(store)
    (user2, system2), wall = cpu(), time.perf_counter() - started
    print(
        f"build: {rows} rows, {store.count()} quads, {wall:.0f} s wall, "
        f"{user2 - user + system2 - system:.1f} s CPU ({user2 - user:.1f} user, "
        f"{system2 - system:.1f} system), {path.stat().st_size / 1e6:.0f} MB"
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
