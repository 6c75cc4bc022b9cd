"""French-aware text: how the index and a query read words.

Words are case- and accent-folded, then stemmed with the Snowball stemmer of their
literal's language (French, or English for ``@en``), in documents and queries alike;
FTS5's ``unicode61 remove_diacritics 2`` tokenizer reads the result. A query word matches
either of its French or English stems. User input never reaches FTS5 syntax: only words
(``\\w+``) are kept, each quoted. Highlighting and snippets mark the words a query matched.

Names are also found the ways people type them: an acronym with dots (« F.M. ») is read
as the word it spells (``fm``) in documents and queries alike, and a web or e-mail address
(« https://www.france-mediation.fr/ », « contact@france-mediation.fr ») as one word naming
its domain (:func:`address_key`, ``www.`` and the scheme left out), which the index holds
for the addresses of a resource (:mod:`.rows`).

Pure functions on strings: no store, no SQLite.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterator, Sequence
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

#: An acronym written with dots, two letters or more: « F.M. », « s.o.s ».
_DOTTED = re.compile(r"(?<!\w)(?:[^\W\d_]\.){1,}[^\W\d_](?!\w)\.?")
#: A web or e-mail address: an optional scheme and user, then a host with a top-level domain
#: of two letters or more, then anything (a path, a query).
_ADDRESS = re.compile(
    r"^(?:[a-z][a-z0-9+.-]*:(?://)?)?(?:[^\s/@:]+@)?((?:[\w-]+\.)+[^\W\d_]{2,})\.?(?::\d+)?(?:[/?#].*)?$",
    re.IGNORECASE,
)


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


def address_key(address: str) -> str | None:
    """The word that stands for the domain of a web or e-mail address, the same however it is
    written (``https://www.france-mediation.fr/``, ``france-mediation.fr``,
    ``contact@france-mediation.fr`` → ``francemediationfr``); None for anything else."""
    host = host_of(address)
    if host is None:
        return None
    key = "".join(_WORD.findall(host)).replace("_", "")
    return key if 3 <= len(key) <= MAX_WORD else None


def host_of(address: str) -> str | None:
    """The host of a web or e-mail address, folded, without ``www.``."""
    found = _ADDRESS.match(address.strip())
    if found is None:
        return None
    host = fold(found.group(1))
    return host[4:] if host.startswith("www.") else host


def name_key(text: str) -> str:
    """A name as it is compared with another: folded, its words only, acronyms written with
    dots spelt out (« France-Médiation » and « france mediation », « F.M. » and « FM »)."""
    folded = _DOTTED.sub(lambda m: m.group().replace(".", "") + " ", fold(text))
    return " ".join(_WORD.findall(folded))


def _acronyms(folded: str) -> list[str]:
    """The words that acronyms written with dots spell (``f.m.`` → ``fm``)."""
    if "." not in folded:
        return []
    return [m.group().replace(".", "") for m in _DOTTED.finditer(folded)]


@lru_cache(maxsize=65536)  # names of places, themes and organisers recur in thousands of rows
def analyse_text(text: str, lang: str | None = None) -> str:
    """The indexed form of a text: its folded words, each stemmed, separated by spaces."""
    language = stem_language(lang)
    folded = fold(text)
    words = [*_WORD.findall(folded), *_acronyms(folded)]
    # One call for the text's words: the stemmer's own loop is in C.
    return " ".join(_stemmer(language).stemWords([w for w in words if len(w) <= MAX_WORD]))


def query_stems(text: str) -> tuple[list[frozenset[str]], bool]:
    """The words of a query, each as the set of its French and English stems.

    A web or e-mail address is one word, the key of its domain (:func:`address_key`), and an
    acronym written with dots the word it spells. Returns the stems and whether words beyond
    :data:`MAX_QUERY_WORDS` were dropped.
    """
    terms: list[frozenset[str]] = []
    for word, exact in _query_words(text):
        stems = (
            frozenset({word}) if exact else frozenset({stem(word, "french"), stem(word, "english")})
        )
        if stems not in terms:
            terms.append(stems)
    return terms[:MAX_QUERY_WORDS], len(terms) > MAX_QUERY_WORDS


def _query_words(text: str) -> Iterator[tuple[str, bool]]:
    """The words of a query, each with whether it is an address key (never stemmed)."""
    for chunk in text.split():
        key = address_key(chunk) if "." in chunk or "@" in chunk else None
        if key is not None:
            yield key, True
            continue
        folded = fold(chunk)
        if _DOTTED.fullmatch(folded):
            yield folded.replace(".", ""), False
            continue
        for word in _WORD.findall(folded):
            if len(word) <= MAX_WORD:
                yield word, False


def fts_expression(
    terms: Sequence[frozenset[str]], prefix: bool = False, column: str | None = None
) -> str:
    """An FTS5 query: every word (any of its stems) must occur. Each stem is a quoted string,
    so no user input is ever read as FTS5 syntax (``"``, ``*``, ``NEAR``, ``(``…).
    ``prefix``: the last word may be the start of a word (a name being typed: ``Liév``).
    ``column``: the words must all be in that column (a name of ours, never user input)."""

    def quoted(s: str, last: bool) -> str:
        return '"' + s.replace('"', '""') + '"' + (" *" if last else "")

    expression = " AND ".join(
        "(" + " OR ".join(quoted(s, prefix and i == len(terms) - 1) for s in sorted(t)) + ")"
        for i, t in enumerate(terms)
    )
    return f"{column} : ({expression})" if column else expression


@lru_cache(maxsize=65536)
def _word_stems(word: str) -> tuple[str, str]:
    """A word of a text as written, folded and stemmed both ways: what a query's stems are
    compared with. Kept, since the same words come back in every page of results."""
    folded = fold(word)
    return stem(folded, "french"), stem(folded, "english")


def _matched(word: str, wanted: set[str]) -> bool:
    french, english = _word_stems(word)
    return french in wanted or english in wanted


def highlight(text: str, terms: Sequence[frozenset[str]]) -> list[tuple[str, bool]]:
    """``text`` cut into segments, each marked True when it is a word the query matched."""
    wanted = set().union(*terms) if terms else set()
    if not wanted:
        return [(text, False)]
    segments: list[tuple[str, bool]] = []
    position = 0
    for match in _WORD.finditer(text):
        if _matched(match.group(), wanted):
            if match.start() > position:
                segments.append((text[position : match.start()], False))
            segments.append((match.group(), True))
            position = match.end()
    if position < len(text):
        segments.append((text[position:], False))
    return segments


def snippet(text: str, terms: Sequence[frozenset[str]], words: int = 32) -> list[tuple[str, bool]]:
    """A window of about ``words`` words of ``text`` around its first matched word, highlighted.

    Only the window is highlighted: the first matched word is looked for word by word, up to
    it, where a long description was highlighted whole to find it."""
    spans = list(_WORD.finditer(text))
    if len(spans) <= words:
        return highlight(text, terms)
    wanted = set().union(*terms) if terms else set()
    first = next((i for i, m in enumerate(spans) if _matched(m.group(), wanted)), None)
    first = max(0, first - words // 3) if first is not None else 0
    last = min(len(spans), first + words)
    start = spans[first].start() if first else 0
    end = spans[last - 1].end()
    window = highlight(text[start:end], terms)
    if start:
        window.insert(0, ("… ", False))
    if end < len(text):
        window.append((" …", False))
    return window
