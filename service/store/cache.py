"""Answers to researchers' queries, kept by the store generation they were read at.

A repeated query (the same text, dataset, formats and row cap: :func:`cache_key`) is
answered from memory while the store's generation has not moved. Each answer is kept
under the generation the evaluation actually read (a worker's snapshot, or a remote
server's counter unchanged across the query), never the one seen before it started, and
is looked up under the generation current when the request arrives: a write moves the
generation on, so every answer kept before it is out of reach from then on, and the
first lookup or answer of a newer generation drops them all. An answer may be newer than
the generation it is kept under (a write applied while the generation was read), never
older: no answer is stale after a write is acknowledged.

Bounded in bytes (the ``query_cache_bytes`` setting), per process, least recently used
answer out first; an answer bigger than a quarter of the bound is not kept. A query whose
answer changes from one evaluation to the next (:func:`keepable`) is never kept.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import TYPE_CHECKING

from .tokens import WORD_TOKEN

if TYPE_CHECKING:
    from .interface import QueryRequest, QueryResponse

#: What an entry costs beyond its body and its query text (the key, the response object).
ENTRY_OVERHEAD = 256


#: The functions SPARQL 1.1 evaluates afresh each time (§17.4: ``NOW`` is the time of the
#: query's execution, ``RAND`` a new number, ``UUID``/``STRUUID`` new identifiers, ``BNODE``
#: new blank nodes): with one of them, two evaluations differ with no write in between.
VOLATILE_FUNCTIONS = frozenset({"NOW", "RAND", "UUID", "STRUUID", "BNODE"})
#: The same names as calls, looked for inside what the tokens read as an IRI (``?d<NOW()&&?e>``
#: reads as one): at worst such a query is evaluated every time.
_CALL_IN_IRI = re.compile(r"(?:NOW|RAND|UUID|STRUUID|BNODE)\s*\(", re.IGNORECASE)
#: What any of those needs somewhere in the upper-cased text: without it the tokens need not
#: be read (20–50 µs for a text of a few hundred characters; a regular expression ignoring
#: case costs as much, the upper-cased text and five lookups 3 µs).
_NAMES_WITHIN = ("SERVICE", "NOW", "RAND", "UUID", "BNODE")


def keepable(request: QueryRequest) -> bool:
    """Whether an answer to ``request`` may be given again while the store does not change:
    not when the query calls a function of :data:`VOLATILE_FUNCTIONS`, nor when it asks
    another server (``SERVICE``: its data moves with no write of ours). Strings and comments
    do not count (an example's comment may say "service")."""
    upper = request.query.upper()
    if not any(name in upper for name in _NAMES_WITHIN):
        return True
    called = False  # the last word was a volatile function's name
    for token in WORD_TOKEN.finditer(request.query):
        kind, text = token.lastgroup, token.group()
        if kind == "word":
            word = text.upper()
            if word == "SERVICE":
                return False
            called = word in VOLATILE_FUNCTIONS
        elif kind == "other":
            if text == "(" and called:
                return False
            called = called and text.isspace()
        else:
            if kind == "iri" and _CALL_IN_IRI.search(text):
                return False
            called = False
    return True


def cache_key(request: QueryRequest) -> Hashable:
    """Everything an answer depends on besides the store's state. The time-out is not:
    a query that passes it has no answer to keep."""
    return (
        request.query,
        request.default_graph_uris,
        request.named_graph_uris,
        request.result_format.key,
        request.graph_format.key,
        request.max_rows,
        request.base_iri,
        request.union_default_graph,
    )


class QueryCache:
    """Answers by (generation, key), bounded in bytes; safe across threads."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._changed = threading.Condition()
        #: The newest generation seen: only its answers are kept.
        self._generation = -1
        self._entries: OrderedDict[Hashable, QueryResponse] = OrderedDict()
        self._sizes: dict[Hashable, int] = {}
        self._bytes = 0
        self.hits = 0
        self.misses = 0

    @property
    def bytes(self) -> int:
        """What the kept answers weigh now."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def advance(self, generation: int) -> None:
        """The store is at ``generation`` (a write, or a lookup that found it moved): older
        answers go, and whoever waits for a new generation wakes."""
        with self._changed:
            if generation > self._generation:
                self._generation = generation
                self._entries.clear()
                self._sizes.clear()
                self._bytes = 0
                self._changed.notify_all()

    def get(self, generation: int, key: Hashable) -> QueryResponse | None:
        self.advance(generation)
        with self._changed:
            answer = self._entries.get(key) if generation == self._generation else None
            if answer is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return answer

    def holds(self, generation: int, key: Hashable) -> bool:
        """Whether an answer is kept for ``key`` at ``generation`` (no hit counted)."""
        with self._changed:
            return generation == self._generation and key in self._entries

    def put(self, generation: int, key: Hashable, answer: QueryResponse) -> bool:
        """Keep ``answer``, read at ``generation``; False when it is not kept (too big, or
        read before a generation already seen)."""
        size = len(answer.body) + len(str(key[0]) if isinstance(key, tuple) else "")
        size += ENTRY_OVERHEAD
        if size > self.max_bytes // 4:
            return False
        self.advance(generation)
        with self._changed:
            if generation != self._generation:
                return False
            if key in self._entries:
                self._bytes -= self._sizes[key]
            self._entries[key] = answer
            self._entries.move_to_end(key)
            self._sizes[key] = size
            self._bytes += size
            while self._bytes > self.max_bytes:
                old, _ = self._entries.popitem(last=False)
                self._bytes -= self._sizes.pop(old)
            return True

    def wait_for_change(self, seen: int, timeout: float) -> int:
        """Block until a generation newer than ``seen`` is known, or ``timeout`` passes;
        return the newest generation known."""
        with self._changed:
            self._changed.wait_for(lambda: self._generation > seen, timeout)
            return self._generation
