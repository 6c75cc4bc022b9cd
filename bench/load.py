"""How fast ``mediation load`` lands a big file, beside ``oxigraph load`` and Virtuoso's bulk loader.

    .venv/bin/python bench/load.py [--triples 1000000] [--runs 1] [--workers 2]
                                   [--generator writes|search] [--no-virtuoso]
                                   [--validators compiled,pyshacl]

Generates a file of N-Quads (``--generator writes``, the default: ``bench/writes.py``'s
events, venues and organisations, valid against the shapes; ``search``: ``bench/search.py``'s
field, which today's shapes refuse), seeds a store with the project's files and one recorded
write (so that it holds a history graph, as a store in use does), then, run after
run, the ways interleaved so that they share the machine's load:

* ``mediation load`` of the file into a copy of the seeded store (validated: the bulk path),
  once per validator of ``--validators`` (``compiled``, ``pyshacl``);
* ``oxigraph load`` of the same file into an empty Oxigraph database;
* Virtuoso's bulk loader (``ld_dir`` + ``rdf_loader_run`` + ``checkpoint``) into a new
  database, when ``virtuoso-t`` is installed;
* ``mediation load`` of an export into an empty store (a restore), and ``oxigraph load``
  of the same export, then ``oxigraph optimize`` of that database (which the restore does
  too, and which ``oxigraph load`` advises before a read-heavy use). The exported store
  holds the seed, the file (bulk-loaded unvalidated, so that the restore is measured at any
  size in minutes) and one recorded write, so that the export carries a history, as a
  store in use does.

Each line: seconds, quads/s and the peak resident memory of the command's processes (the
command and the processes it started, summed, sampled every 50 ms), with the machine's load.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from peer_servers import BIN, Oxigraph, PeakMemory, Virtuoso  # noqa: E402
from search import generate  # noqa: E402
from writes import generated  # noqa: E402

from service.config import DEFAULT_BASE, load_config  # noqa: E402
from service.formats import NQUADS  # noqa: E402
from service.store.embedded import EmbeddedStore  # noqa: E402
from service.writes.loading import ensure_seeded  # noqa: E402

MB = 1 << 20
#: Where Virtuoso's bulk loader puts the file's triples that name no graph.
DEFAULT_GRAPH = "http://example.org/default"


@dataclass
class Run:
    seconds: float
    cpu: float | None  # CPU seconds of the command and its processes
    summed_mb: int
    largest_mb: int


def timed(command: list[str], **kwargs) -> tuple[Run, subprocess.CompletedProcess]:
    """Run ``command``: its figures and the finished process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs
    )
    memory = PeakMemory(process.pid, every=0.05)
    out, err = process.communicate()
    memory.stop()
    seconds = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    done = subprocess.CompletedProcess(command, process.returncode, out, err)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{err[-3000:]}")
    return Run(seconds, cpu, memory.peak // MB, memory.largest // MB), done


def line(name: str, run: Run, quads: int) -> None:
    cpu = f"{quads / run.cpu:9,.0f}" if run.cpu else " " * 9
    print(
        f"{name:<48} {run.seconds:7.1f} s {quads / run.seconds:9,.0f} q/s {cpu} q/cpu-s "
        f"{run.summed_mb:6,d} MB summed {run.largest_mb:6,d} MB largest"
        f"   (load {os.getloadavg()[0]:.1f})",
        flush=True,
    )


def mediation(
    *args: str, workers: int = 2, validator: str = "compiled"
) -> tuple[Run, subprocess.CompletedProcess]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIATION_")}
    env["MEDIATION_LOAD_WORKERS"] = str(workers)
    env["MEDIATION_LOAD_VALIDATOR"] = validator
    return timed([str(BIN / "mediation"), *args], env=env)


def mediation_load(store: Path, source: Path, workers: int, validator: str = "compiled") -> Run:
    run, done = mediation(
        "load", "--store", str(store), str(source), workers=workers, validator=validator
    )
    if "bulk load" not in done.stderr:
        raise SystemExit(f"mediation load did not take the bulk path:\n{done.stderr[-2000:]}")
    return run


def oxigraph_load(directory: Path, source: Path) -> Run:
    peer = Oxigraph(directory, 0)
    peer.directory.mkdir(parents=True)
    return timed(peer.load_command([source]))[0]


def oxigraph_optimize(directory: Path) -> Run:
    """``oxigraph optimize`` of a database ``oxigraph_load`` filled: what a restore also does
    (the store optimizes after any load of 100,000 quads or more)."""
    return timed(Oxigraph(directory, 0).optimize_command())[0]


def virtuoso_load(directory: Path, source: Path) -> Run | None:
    """Virtuoso's bulk loader into a new database, from the first ``ld_dir`` to the
    checkpoint; None when Virtuoso is not installed."""
    if not shutil.which("virtuoso-t") or not shutil.which("isql-vt"):
        return None
    peer = Virtuoso(directory, 300, buffers=85_000, dirty_buffers=65_000)
    peer.directory.mkdir(parents=True)
    running = peer.start(source.parent)
    try:
        seconds, memory = peer.bulk_load(running, [source], graph=DEFAULT_GRAPH, every=0.05)
    finally:
        running.stop()
    return Run(seconds, None, memory.peak // MB, memory.largest // MB)


def write_source(path: Path, triples: int, generator: str) -> int:
    if generator == "writes":
        body = generated(triples, True)
        path.write_bytes(body)
        return body.count(b"\n")
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for chunk in generate(triples):
            handle.writelines(chunk)
            count += len(chunk)
    return count


def one_write(root: Path, store_dir: Path, name: str) -> None:
    """One event added by ``mediation load``: the store then holds a history graph, as every
    store in use does (a big load's record then goes into a graph that holds data)."""
    event = root / "data" / f"{name}.ttl"
    event.write_text(
        "@prefix schema: <https://schema.org/> .\n"
        f"<{DEFAULT_BASE}id/event/{name}> a schema:Event ; "
        'schema:name "Atelier"@fr ; schema:startDate "2024-05-02"^^'
        "<http://www.w3.org/2001/XMLSchema#date> .\n"
    )
    mediation("load", "--store", str(store_dir), str(event))


def to_restore(root: Path, seeded: Path, source: Path) -> Path:
    """An export of the seed and ``source`` with a history graph (one recorded write): what
    ``mediation export`` of a store in use gives. The store is filled by the bulk loader,
    unvalidated, so that the restore is measured at any size in minutes."""
    store_dir = root / "to-export"
    shutil.copytree(seeded, store_dir)
    store = EmbeddedStore(store_dir, workers=False)
    store.load(source, NQUADS, None)
    store.close()
    one_write(root, store_dir, "bench-load")
    export = root / "data" / "export.nq"
    mediation("export", "--store", str(store_dir), "--output", str(export))
    shutil.rmtree(store_dir)
    return export


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--generator", choices=["writes", "search"], default="writes")
    parser.add_argument("--no-virtuoso", action="store_true")
    parser.add_argument(
        "--validators",
        default="compiled",
        help="The validators of the validated load, run one after the other each run "
        "(compiled, pyshacl: the setting load_validator).",
    )
    parser.add_argument(
        "--no-validated", action="store_true", help="Only the bulk loaders and the restore."
    )
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-load-") as scratch:
        root = Path(scratch)
        data = root / "data"
        data.mkdir()
        source = data / "generated.nq"
        quads = write_source(source, options.triples, options.generator)
        seeded = root / "seeded"
        store = EmbeddedStore(seeded, workers=False)
        ensure_seeded(store, load_config(overrides={"store": str(seeded)}, environ={}))
        store.close()
        one_write(root, seeded, "bench-seeded")
        export = to_restore(root, seeded, source)
        exported = sum(1 for _ in export.open("rb"))
        print(
            f"{quads:,} quads ({options.generator}), an export of {exported:,}; "
            f"{os.cpu_count()} cores, {options.workers} validating processes",
            flush=True,
        )
        for run in range(options.runs):
            scratch_dirs = [root / f"{name}-{run}" for name in ("store", "oxigraph", "virtuoso")]
            scratch_dirs += [root / f"{name}-{run}" for name in ("restored", "ox-export")]
            for validator in [] if options.no_validated else options.validators.split(","):
                shutil.copytree(seeded, scratch_dirs[0])
                line(
                    f"mediation load (validated: {validator})",
                    mediation_load(scratch_dirs[0], source, options.workers, validator),
                    quads,
                )
                shutil.rmtree(scratch_dirs[0])
            line("oxigraph load", oxigraph_load(scratch_dirs[1], source), quads)
            found = None if options.no_virtuoso else virtuoso_load(scratch_dirs[2], source)
            if found is not None:
                line("Virtuoso bulk loader (ld_dir, rdf_loader_run)", found, quads)
            restored = mediation_load(scratch_dirs[3], export, options.workers)
            line("mediation load of an export (a restore)", restored, exported)
            line("oxigraph load of the export", oxigraph_load(scratch_dirs[4], export), exported)
            line("oxigraph optimize after it", oxigraph_optimize(scratch_dirs[4]), exported)
            for folder in scratch_dirs:
                shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
