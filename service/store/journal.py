"""The write-ahead journal of the embedded store.

A changeset is written here and synced before it touches Oxigraph, and removed
once Oxigraph has it on disk. If the process dies in between, the next open
replays it: removing absent quads and adding present ones is idempotent, so
replaying a changeset that was wholly or partly applied gives the whole of it.

Format: a first line ``# mediation-journal 1 generation=N``, then one N-Quads
statement per line prefixed ``-`` (remove) or ``+`` (add). N-Quads keeps blank
node identifiers as written, so a removal addresses the stored blank node.
The file is written beside its final name and renamed into place, so a
journal that exists is complete.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox

from ..errors import StoreError

HEADER = "# mediation-journal 1 generation="
NAME = "pending.nq"


class Journal:
    def __init__(self, directory: Path):
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / NAME
        # A temporary file left by a crash while writing: its changeset never started.
        for leftover in directory.glob("*.tmp"):
            leftover.unlink()

    def write(self, generation: int, remove: list[ox.Quad], add: list[ox.Quad]) -> None:
        tmp = self.path.with_name(NAME + ".tmp")
        with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(f"{HEADER}{generation}\n")
            for quad in remove:
                handle.write(f"- {quad} .\n")
            for quad in add:
                handle.write(f"+ {quad} .\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)
        _fsync_dir(self.directory)

    def read(self) -> tuple[int, list[ox.Quad], list[ox.Quad]] | None:
        """The pending changeset ``(generation, remove, add)``, or None."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        first, _, body = text.partition("\n")
        if not first.startswith(HEADER):
            raise StoreError(
                f"Journal illisible : {self.path}", f"Unreadable journal: {self.path}"
            )
        generation = int(first[len(HEADER):])
        removed: list[str] = []
        added: list[str] = []
        for line in body.splitlines():
            if line.startswith("- "):
                removed.append(line[2:])
            elif line.startswith("+ "):
                added.append(line[2:])
        return generation, _parse(removed), _parse(added)

    def clear(self) -> None:
        try:
            self.path.unlink()
        except FileNotFoundError:
            return
        _fsync_dir(self.directory)


def _parse(lines: list[str]) -> list[ox.Quad]:
    if not lines:
        return []
    data = ("\n".join(lines) + "\n").encode("utf-8")
    return list(ox.parse(data, ox.RdfFormat.N_QUADS, rename_blank_nodes=False))


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
