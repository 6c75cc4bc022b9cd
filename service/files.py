"""Files written whole or not at all, and made durable before anyone relies on them.

A rename is atomic on POSIX, but neither the file's bytes nor the rename itself survive a
crash until they are synced (``fsync`` of the file, then of the directory that holds the
name): the store's generation and journal, the search index, the open-data builds and the
command line's outputs all write through here.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


def sync_directory(path: Path) -> None:
    """Make the names in ``path`` (a new file, a rename) durable."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def sync_tree(folder: Path) -> None:
    """Every file and folder under ``folder``, then ``folder`` itself, on disk."""
    for path in sorted(folder.rglob("*"), reverse=True):
        sync_directory(path)  # the same call syncs a file's bytes
    sync_directory(folder)


@contextmanager
def atomic_file(path: Path) -> Iterator[IO[bytes]]:
    """A file written whole or not at all: a temporary file beside it, synced and renamed
    into place when the block ends without an error, removed when it raises."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp creates 0600; give the usual mode
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    sync_directory(path.parent)


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data``: written, synced, renamed, directory synced."""
    with atomic_file(path) as stream:
        stream.write(data)
