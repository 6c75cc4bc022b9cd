"""The gate between the embedded store's readers and its writer: many readers or one writer."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext


class ReadWriteGate:
    """Many readers or one writer; a waiting writer goes first (no starvation).

    Oxigraph reads from a consistent snapshot taken when a query or a pattern
    lookup starts, so readers hold the gate only while starting; the writer holds
    it while a changeset, applied in several Oxigraph transactions, is half done.
    """

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._readers = 0
        self._writer = False
        self._waiting_writers = 0

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._condition:
            while self._writer or self._waiting_writers:
                self._condition.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._condition:
                self._readers -= 1
                if not self._readers:
                    self._condition.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        with self._condition:
            self._waiting_writers += 1
            while self._writer or self._readers:
                self._condition.wait()
            self._waiting_writers -= 1
            self._writer = True
        try:
            yield
        finally:
            with self._condition:
                self._writer = False
                self._condition.notify_all()


class OpenGate:
    """The gate of a store opened read-only: no writer can come, so readers pass at once
    (a big load's validating processes make hundreds of thousands of lookups, and the
    gate's condition cost each a few microseconds)."""

    _open = nullcontext()

    def reading(self) -> nullcontext:
        return self._open

    def writing(self) -> nullcontext:
        return self._open
