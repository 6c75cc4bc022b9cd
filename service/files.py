"""Files written whole or not at all, and made durable before anyone relies on them.

A rename is atomic on POSIX, but neither the file's bytes nor the rename itself survive a
crash until they are synced (``fsync`` of the file, then of the directory that holds the
name): the store's generation and journal, the search index, the open-data builds and the
command line's outputs all write through here. A file found damaged is set aside, kept for
the operator under a name that says so, never removed (:func:`set_aside`).
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
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


#: What a damaged file set aside is renamed to: ``index.sqlite.damaged-20261206T194500Z``.
DAMAGED = ".damaged-"


def set_aside(path: Path, companions: tuple[str, ...] = ("-wal", "-shm")) -> Path:
    """Move a damaged file or folder (and its SQLite companions) out of the way, under a name
    that says so and when, and return that name: it is kept for the operator to look at
    (never removed here), and the service makes a fresh one in its place."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = path.with_name(f"{path.name}{DAMAGED}{stamp}")
    for suffix in ("", *companions):
        source = Path(f"{path}{suffix}")
        if source.exists() or source.is_symlink():
            os.replace(source, Path(f"{target}{suffix}"))
    sync_directory(path.parent)
    return target


def sqlite_damage(path: Path) -> str | None:
    """What is wrong with the SQLite file ``path``, None when SQLite finds nothing: not a
    database (a bad header), or what ``PRAGMA quick_check`` finds (a truncated file, pages
    of garbage). quick_check reads every page once (about a second for a few hundred MB)
    without comparing indexes with their tables, which integrity_check would do at many
    times the cost. https://www.sqlite.org/pragma.html#pragma_quick_check"""
    try:
        db = sqlite3.connect(path)
    except sqlite3.Error as error:
        return str(error)
    try:
        found = [row[0] for row in db.execute("PRAGMA quick_check(5)")]
    except sqlite3.Error as error:
        return str(error)
    finally:
        db.close()
    return None if found == ["ok"] else "; ".join(str(f) for f in found)


@contextmanager
def sqlite_transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One SQLite transaction that takes the write lock at once (``BEGIN IMMEDIATE``: no
    reader turned writer midway meets a busy database), committed when the block ends,
    rolled back when it raises. ``db`` is in autocommit mode (``isolation_level=None``)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
