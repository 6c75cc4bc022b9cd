"""French-aware text: how the index and a query read words.

Words are case- and accent-folded, then stemmed with the Snowball stemmer of their
literal's language (French, or English for ``@en``), in documents and queries alike;
FTS5's ``unicode61 remove_diacritics 2`` tokenizer reads the result. A query word matches
either of its French or English stems. User input never reaches FTS5 syntax: only words
(``\\w+``) are kept, each quoted. Highlighting and snippets mark the words a query matched.

Pure functions on strings: no store, no SQLite.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import snowballstemmer

_WORD = re.compile(r"\w+", re.UNICODE)
#: Letters NFKD does not decompose.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l"})
#: Most words a query is made of; more are dropped (and the page says so).
MAX_QUERY_WORDS = 16
#: Longest word kept (longer ones are noise, and would bloat the FTS vocabulary).
MAX_WORD = 60

_STEMMERS = threading.local()


def _stemmer(language: str):
    cache = getattr(_STEMMERS, "cache", None)
    if cache is None:
        cache = _STEMMERS.cache = {}
    if language not in cache:
        cache[language] = snowballstemmer.stemmer(language)
    return cache[language]


#: Combining marks, removed after decomposition (str.translate runs at C speed).
_MARKS = (
    dict.fromkeys(c for c in range(0x300, 0x2000) if unicodedata.combining(chr(c)))
    | dict.fromkeys(c for c in range(0x20D0, 0x2100) if unicodedata.combining(chr(c)))
    | dict.fromkeys(c for c in range(0xFE20, 0xFE30))
)


def fold(text: str) -> str:
    """Lower case, without accents: ``MÉDIATION`` → ``mediation``."""
    return unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES)).translate(_MARKS)


@lru_cache(maxsize=65536)
def stem(word: str, language: str = "french") -> str:
    """The stem of one folded word, by the Snowball stemmer of ``language``."""
    return _stemmer(language).stemWord(word)


def stem_language(lang: str | None) -> str:
    return "english" if (lang or "").lower().startswith("en") else "french"


@lru_cache(maxsize=65536)  # names of places, themes and organisers recur in thousands of rows
def analyse_text(text: str, lang: str | None = None) -> str:
    """The indexed form of a text: its folded words, each stemmed, separated by spaces."""
    language = stem_language(lang)
    return " ".join(stem(w, language) for w in _WORD.findall(fold(text)) if len(w) <= MAX_WORD)


def query_stems(text: str) -> tuple[list[frozenset[str]], bool]:
    """The words of a query, each as the set of its French and English stems.

    Returns the stems and whether words beyond :data:`MAX_QUERY_WORDS` were dropped.
    """
    words = [w for w in _WORD.findall(fold(text)) if len(w) <= MAX_WORD]
    terms: list[frozenset[str]] = []
    for word in words:
        stems = frozenset({stem(word, "french"), stem(word, "english")})
        if stems not in terms:
            terms.append(stems)
    return terms[:MAX_QUERY_WORDS], len(terms) > MAX_QUERY_WORDS


def fts_expression(terms: Sequence[frozenset[str]], prefix: bool = False) -> str:
    """An FTS5 query: every word (any of its stems) must occur. Each stem is a quoted string,
    so no user input is ever read as FTS5 syntax (``"``, ``*``, ``NEAR``, ``(``…).
    ``prefix``: the last word may be the start of a word (a name being typed: ``Liév``)."""

    def quoted(s: str, last: bool) -> str:
        return '"' + s.replace('"', '""') + '"' + (" *" if last else "")

    return " AND ".join(
        "(" + " OR ".join(quoted(s, prefix and i == len(terms) - 1) for s in sorted(t)) + ")"
        for i, t in enumerate(terms)
    )


def highlight(text: str, terms: Sequence[frozenset[str]]) -> list[tuple[str, bool]]:
    """``text`` cut into segments, each marked True when it is a word the query matched."""
    wanted = set().union(*terms) if terms else set()
    if not wanted:
        return [(text, False)]
    segments: list[tuple[str, bool]] = []
    position = 0
    for match in _WORD.finditer(text):
        folded = fold(match.group())
        if stem(folded, "french") in wanted or stem(folded, "english") in wanted:
            if match.start() > position:
                segments.append((text[position : match.start()], False))
            segments.append((match.group(), True))
            position = match.end()
    if position < len(text):
        segments.append((text[position:], False))
    return segments


def snippet(text: str, terms: Sequence[frozenset[str]], words: int = 32) -> list[tuple[str, bool]]:
    """A window of about ``words`` words of ``text`` around its first matched word, highlighted."""
    segments = highlight(text, terms)
    matches = [i for i, (_, hit) in enumerate(segments) if hit]
    spans = list(_WORD.finditer(text))
    if len(spans) <= words:
        return segments
    first = 0
    if matches:
        offset = sum(len(s) for s, _ in segments[: matches[0]])
        first = next((i for i, m in enumerate(spans) if m.start() >= offset), 0)
        first = max(0, first - words // 3)
    last = min(len(spans), first + words)
    start = spans[first].start() if first else 0
    end = spans[last - 1].end()
    window = highlight(text[start:end], terms)
    if start:
        window.insert(0, ("… ", False))
    if end < len(text):
        window.append((" …", False))
    return window
