"""The quads a bulk load wrote, kept as N-Quads text beside the store and found by subject, so
that the load's validation reads a new resource's quads back from their own text.

Read back from Oxigraph, a resource's quads cost a lookup and, for each term, its string
fetched again from the store's table of them (about 120 µs of CPU for an event's 12 quads);
parsed from the lines the load wrote, a tenth of that (``bench/README.md``). The lines are
those the bulk loader was given, blank nodes already renamed, so that they name the same
nodes as the store. Only the offsets are held in memory, one entry a subject (a few tens of
megabytes at a million quads); the text is on disk, read back a subject at a time.

The store keeps some typed literals as values, not as text (a number, a date), and gives
them back in their canonical form: ``"01"^^xsd:integer`` comes back ``"1"``. The lines
would give what the file said. So a subject with a typed literal not known to be in its
canonical form already (:data:`CANONICAL`: the dates, date-times, integers and booleans
written as the store writes them) is not answered here (:meth:`LandedQuads.quads` gives
None): it is read from the store, as before.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib.term import BNode, Node, URIRef

from .interface import Quad
from .terms import XSD_STRING, RdflibTerms

_XSD = "http://www.w3.org/2001/XMLSchema#"
_ZONE = r"(Z|[+-](?!00:00)(0[0-9]|1[0-4]):[0-5][0-9])?"
_DAY = r"(?!0000)[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
#: Lexical forms the store gives back as they are written, by datatype (``tests/store``
#: holds the store to it). A typed literal of another datatype, or not of this form, sends
#: its subject to the store.
CANONICAL: dict[str, re.Pattern] = {
    _XSD + "date": re.compile(_DAY + _ZONE),
    _XSD + "dateTime": re.compile(
        _DAY + r"T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]*[1-9])?" + _ZONE
    ),
    _XSD + "integer": re.compile(r"0|-?[1-9][0-9]{0,17}"),
    _XSD + "boolean": re.compile(r"true|false"),
}

#: A span of the file as one integer: its start shifted past its length (up to a terabyte).
_SHIFT = 40
_LENGTH = (1 << _SHIFT) - 1
#: Lines written to the file at once.
_CHUNK = 4096


class LandedQuads:
    """The quads of a bulk load, written to ``path`` as they go to the store (:meth:`tee`),
    then read back by subject (:meth:`quads`), in this process or in one forked after."""

    def __init__(self, path: Path):
        self.path = Path(path)
        #: Subject (N-Triples form) → its lines' span, or a list of spans when they are apart.
        self.spans: dict[str, Any] = {}
        #: Subjects with a typed literal the store may give back otherwise (see the module).
        self.unsure: set[str] = set()
        self.count = 0
        self._file: int | None = None
        self._opened_by: int | None = None
        self._terms = RdflibTerms()

    def tee(self, quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
        """``quads``, unchanged, each written to the file on its way."""
        spans, unsure, canonical = self.spans, self.unsure, CANONICAL
        offset, last, lines = 0, None, []
        literal = ox.Literal
        with self.path.open("wb") as out:
            for quad in quads:
                line = f"{quad} .\n".encode()
                key = str(quad.subject)
                size = len(line)
                obj = quad.object
                if type(obj) is literal and obj.language is None:
                    datatype = obj.datatype.value
                    if datatype != XSD_STRING:
                        pattern = canonical.get(datatype)
                        if pattern is None or pattern.fullmatch(obj.value) is None:
                            unsure.add(key)
                if key == last:  # the same subject's next line: its last span grows
                    held = spans[key]
                    if type(held) is int:
                        spans[key] = held + size
                    else:
                        held[-1] += size
                else:
                    spans[key] = self._add(spans.get(key), offset, size)
                    last = key
                offset += size
                self.count += 1
                lines.append(line)
                if len(lines) >= _CHUNK:
                    out.write(b"".join(lines))
                    lines.clear()
                yield quad
            out.write(b"".join(lines))

    @staticmethod
    def _add(held: Any, offset: int, size: int) -> Any:
        span = (offset << _SHIFT) | size
        if held is None:
            return span
        if type(held) is int:
            return [held, span]
        held.append(span)
        return held

    def quads(self, node: Node) -> list[Quad] | None:
        """The quads of ``node`` (as subject) the load wrote, as rdflib terms; None when they
        are to be read from the store (a typed literal it may write otherwise)."""
        if isinstance(node, URIRef):
            key = f"<{node}>"
        elif isinstance(node, BNode):
            key = f"_:{node}"
        else:
            return []
        found = self.spans.get(key)
        if found is None:
            return []
        if key in self.unsure:
            return None
        spans = [found] if type(found) is int else found
        handle = self._handle()
        text = b"".join(os.pread(handle, span & _LENGTH, span >> _SHIFT) for span in spans)
        return list(map(self._terms.quad, ox.parse(input=text, format=ox.RdfFormat.N_QUADS)))

    def _handle(self) -> int:
        # Opened in the process that reads (a forked process opens its own).
        if self._file is None or self._opened_by != os.getpid():
            self._file = os.open(self.path, os.O_RDONLY)
            self._opened_by = os.getpid()
        return self._file

    def close(self) -> None:
        if self._file is not None and self._opened_by == os.getpid():
            os.close(self._file)
        self._file = None
