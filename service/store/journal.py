"""The write-ahead journal of the embedded store.

Each changeset is written here, one file per write, and synced before it touches
Oxigraph; the write is acknowledged then. Oxigraph's own log is not synced on every
commit, so the files stay until a flush of Oxigraph covers them (the store's
checkpoint, in the background), and are removed then. If the process or the machine
dies in between, the next open replays every file left, in the order of the writes:
removing absent quads and adding present ones is idempotent, and the last changeset
naming a quad decides whether it is there, so replaying writes that were wholly,
partly or not at all applied gives all of them.

Format: a first line ``# mediation-journal 1 generation=N``, then one N-Quads
statement per line prefixed ``-`` (remove) or ``+`` (add). N-Quads keeps blank
node identifiers as written, so a removal addresses the stored blank node.
A file is written beside its final name and renamed into place, so a journal
that exists is complete. Files are named after their generation (``<N>.nq``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox

from ..errors import StoreError
from ..files import sync_directory

HEADER = "# mediation-journal 1 generation="
SUFFIX = ".nq"


class Journal:
    def __init__(self, directory: Path):
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        # A temporary file left by a crash while writing: its changeset never started.
        for leftover in directory.glob("*.tmp"):
            leftover.unlink()

    def path(self, generation: int) -> Path:
        return self.directory / f"{generation:012d}{SUFFIX}"

    def write(self, generation: int, remove: list[ox.Quad], add: list[ox.Quad]) -> None:
        path = self.path(generation)
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(f"{HEADER}{generation}\n")
            for quad in remove:
                handle.write(f"- {quad} .\n")
            for quad in add:
                handle.write(f"+ {quad} .\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        sync_directory(self.directory)

    def pending(self) -> list[Path]:
        """The journal files, in the order of their writes."""
        return sorted(self.directory.glob("*" + SUFFIX), key=self._generation_of)

    def _generation_of(self, path: Path) -> int:
        with open(path, encoding="utf-8") as handle:
            first = handle.readline()
        if not first.startswith(HEADER):
            raise StoreError(f"Journal illisible : {path}", f"Unreadable journal: {path}")
        return int(first[len(HEADER) :])

    def read(self, path: Path) -> tuple[int, list[ox.Quad], list[ox.Quad]]:
        """The changeset of one journal file: ``(generation, remove, add)``."""
        text = path.read_text(encoding="utf-8")
        first, _, body = text.partition("\n")
        if not first.startswith(HEADER):
            raise StoreError(f"Journal illisible : {path}", f"Unreadable journal: {path}")
        generation = int(first[len(HEADER) :])
        removed: list[str] = []
        added: list[str] = []
        for line in body.splitlines():
            if line.startswith("- "):
                removed.append(line[2:])
            elif line.startswith("+ "):
                added.append(line[2:])
        return generation, _parse(removed), _parse(added)

    def clear(self, upto: int) -> None:
        """Remove the journals of the writes up to generation ``upto`` (Oxigraph holds them)."""
        removed = False
        for path in self.pending():
            if self._generation_of(path) <= upto:
                path.unlink(missing_ok=True)
                removed = True
        if removed:
            sync_directory(self.directory)


def _parse(lines: list[str]) -> list[ox.Quad]:
    if not lines:
        return []
    data = ("\n".join(lines) + "\n").encode("utf-8")
    return list(ox.parse(data, ox.RdfFormat.N_QUADS, rename_blank_nodes=False))
