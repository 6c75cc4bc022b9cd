"""The query guard: what a query or an update holds, and what may reach an engine.

No Flask here. The web layer (``service/web/sparql.py``, ``service/web/writes.py``)
reads the request and calls :func:`check_query` or :func:`check_update`; the store
evaluates what they let through.

The guard runs before anything reaches an engine, because an engine given a
``SERVICE`` clause connects to the named host on its own (pyoxigraph does), and
a ``LOAD`` fetches a URL. It works on the tokens of the SPARQL 1.1 grammar
(https://www.w3.org/TR/sparql11-query/#terminals), so that a keyword inside a
string, an IRI, a comment or a prefixed name never counts, and a real
``SERVICE`` is never missed. A tokenizer rather than a parser: rdflib's parser
refuses some valid SPARQL 1.1 queries, and pyoxigraph exposes no parser; the
tokens are all the guard needs, and the engine keeps the last word on syntax.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit

from ..config import Config
from ..errors import BadRequest, Forbidden, PayloadTooLarge, QuerySyntaxError

# ---------------------------------------------------------------------------------------------
# Tokens: the terminals of https://www.w3.org/TR/sparql11-query/#sparqlGrammar ([139]–[173])
# ---------------------------------------------------------------------------------------------

_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
# Oxigraph and the grammar's note on escapes (§19.2) accept \u escapes inside strings and IRIs.
_ECHAR = r"\\[tbnrf\\\"']"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = f"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = (
    f"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
)
_VARNAME = f"[{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"

# Order matters where two terminals start alike: a prefixed name before a bare word
# ("SERVICE:p" is a name, not the keyword), long strings before short ones, numbers
# before the "." punctuation.
_TOKEN_PATTERNS: tuple[tuple[str, str], ...] = (
    ("WS", r"[ \t\r\n]+"),
    ("COMMENT", r"#[^\r\n]*"),
    ("IRIREF", f'<(?:[^<>"{{}}|^`\\\\\\x00-\\x20]|{_UCHAR})*>'),
    ("STRING", f"'''(?:(?:'|'')?(?:[^'\\\\]|{_ECHAR}|{_UCHAR}))*'''"),
    ("STRING", f'"""(?:(?:"|"")?(?:[^"\\\\]|{_ECHAR}|{_UCHAR}))*"""'),
    ("STRING", f"'(?:[^'\\\\\\n\\r]|{_ECHAR}|{_UCHAR})*'"),
    ("STRING", f'"(?:[^"\\\\\\n\\r]|{_ECHAR}|{_UCHAR})*"'),
    ("PNAME", f"(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?"),
    ("BLANK", f"_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"),
    ("VAR", f"[?$]{_VARNAME}"),
    ("LANGTAG", r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*"),
    (
        "NUMBER",
        r"[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.[0-9]+[eE][+-]?[0-9]+|[0-9]+[eE][+-]?[0-9]+"
        r"|[0-9]*\.[0-9]+|[0-9]+",
    ),
    ("WORD", r"[A-Za-z_][A-Za-z0-9_]*"),
    ("PUNCT", r"\^\^|&&|\|\||!=|<=|>=|[{}()\[\];,.*+\-/!=<>|^?]"),
)
_SCANNER = re.compile(
    "|".join(f"(?P<{kind}{i}>{pattern})" for i, (kind, pattern) in enumerate(_TOKEN_PATTERNS))
)
_KIND_OF_GROUP = {f"{kind}{i}": kind for i, (kind, _) in enumerate(_TOKEN_PATTERNS)}
_CODEPOINT = re.compile(_UCHAR)


#: The scanner's groups that are no token: whitespace and comments.
_SKIPPED = frozenset(g for g, kind in _KIND_OF_GROUP.items() if kind in ("WS", "COMMENT"))


class Token(NamedTuple):
    """A named tuple, not a dataclass: a query of a few hundred characters makes a hundred
    of them on every request, and a frozen dataclass's ``__init__`` cost twice the time."""

    kind: str  # IRIREF, STRING, PNAME, BLANK, VAR, LANGTAG, NUMBER, WORD, PUNCT
    text: str
    offset: int

    @property
    def keyword(self) -> str:
        """The upper-cased word for keywords (SPARQL keywords ignore case), else ''."""
        return self.text.upper() if self.kind == "WORD" else ""


class LexError(ValueError):
    def __init__(self, offset: int, text: str):
        super().__init__(f"unexpected character at offset {offset}")
        self.offset = offset
        self.line, self.column = line_column(text, offset)


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def tokenize(text: str) -> list[Token]:
    """The significant tokens of a query or update; whitespace and comments dropped."""
    tokens: list[Token] = []
    position = 1 if text.startswith("\ufeff") else 0
    end = len(text)
    match_at = _SCANNER.match
    while position < end:
        match = match_at(text, position)
        if match is None:
            raise LexError(position, text)
        group = match.lastgroup
        if group not in _SKIPPED:
            tokens.append(Token(_KIND_OF_GROUP[group], match.group(), position))  # type: ignore[index]
        position = match.end()
    return tokens


def unescape_codepoints(text: str) -> str:
    """Replace ``\\uXXXX`` and ``\\UXXXXXXXX`` escapes (SPARQL 1.1 §19.2)."""

    def replace(match: re.Match[str]) -> str:
        try:
            return chr(int(match.group()[2:], 16))
        except (ValueError, OverflowError):
            return match.group()

    return _CODEPOINT.sub(replace, text)


# ---------------------------------------------------------------------------------------------
# What a request holds: its form, its SERVICE targets, its LOADs
# ---------------------------------------------------------------------------------------------

QUERY_FORMS = {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "construct", "DESCRIBE": "describe"}
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)


@dataclass(frozen=True)
class ServiceCall:
    """A ``SERVICE`` clause: its target IRI when it is one, None for a variable."""

    target: str | None
    line: int
    column: int
    text: str  # as written


@dataclass
class Analysis:
    form: str | None  # "select", "ask", "construct", "describe", "update", or None (unknown)
    services: list[ServiceCall] = field(default_factory=list)
    loads: list[tuple[int, int]] = field(default_factory=list)  # (line, column) of each LOAD
    #: True when an IRI is relative and no BASE precedes it: it resolves against the endpoint.
    relative_iris: bool = False

    @property
    def is_update(self) -> bool:
        return self.form == "update"


def analyse(text: str, base_iri: str | None = None) -> Analysis:
    """Form, SERVICE targets and LOADs of a query or update; raises LexError.

    PREFIX and BASE declarations are followed in order, as SPARQL Update carries
    them from one operation to the next, so ``SERVICE ex:x`` and ``SERVICE <rel>``
    resolve to the IRI the engine would reach.
    """
    tokens = tokenize(text)
    check_nesting(text, tokens)
    prefixes: dict[str, str] = {}
    base = base_iri
    form: str | None = None
    decided = False
    services: list[ServiceCall] = []
    loads: list[tuple[int, int]] = []
    relative_iris = False
    declared_base = False
    index = 0
    while index < len(tokens):
        token = tokens[index]
        keyword = token.keyword
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if (
            token.kind == "IRIREF"
            and not declared_base
            and not urlsplit(_iri_text(token.text)).scheme
        ):
            relative_iris = True
        if keyword == "BASE" and following is not None and following.kind == "IRIREF":
            if not declared_base and not urlsplit(_iri_text(following.text)).scheme:
                relative_iris = True
            base = _resolve(_iri_text(following.text), base)
            declared_base = True
            index += 2
            continue
        if (
            keyword == "PREFIX"
            and following is not None
            and following.kind == "PNAME"
            and following.text.endswith(":")
            and index + 2 < len(tokens)
            and tokens[index + 2].kind == "IRIREF"
        ):
            namespace = _iri_text(tokens[index + 2].text)
            relative_iris = relative_iris or (not declared_base and not urlsplit(namespace).scheme)
            prefixes[following.text[:-1]] = _resolve(namespace, base) or ""
            index += 3
            continue
        if not decided:  # the first token after the prologue says what the request is
            decided = True
            if keyword in QUERY_FORMS:
                form = QUERY_FORMS[keyword]
            elif keyword in UPDATE_KEYWORDS:
                form = "update"
        if keyword == "LOAD":
            loads.append(line_column(text, token.offset))
        if keyword == "SERVICE":
            services.append(_service_call(text, tokens, index, prefixes, base))
        index += 1
    return Analysis(form, services, loads, relative_iris=relative_iris)


#: The deepest nesting of ``(``, ``{`` and ``[`` a query or update may have. Oxigraph's parser
#: recurses once per level and overflowed the stack (the worker died with signal 11, a 502)
#: between 2,000 and 5,000 levels on an 8 MiB stack; rdflib's, which reads updates, gives up
#: near 100. Queries people write nest a handful of levels.
MAX_NESTING = 256

_OPENING, _CLOSING = frozenset("({["), frozenset(")}]")


def check_nesting(text: str, tokens: Sequence[Token]) -> None:
    """Refuse a query nested deeper than :data:`MAX_NESTING` before any parser recurses on it,
    with the line and column where it goes too deep (400)."""
    depth = 0
    for token in tokens:
        if token.kind != "PUNCT":
            continue
        if token.text in _OPENING:
            depth += 1
            if depth > MAX_NESTING:
                line, column = line_column(text, token.offset)
                raise QuerySyntaxError(
                    f"Requête trop imbriquée ligne {line}, colonne {column} : plus de "
                    f"{MAX_NESTING} niveaux de parenthèses, accolades ou crochets.",
                    f"Query nested too deep at line {line}, column {column}: more than "
                    f"{MAX_NESTING} levels of parentheses, braces or brackets.",
                    line=line,
                    column=column,
                    reason="nesting",
                    limit=MAX_NESTING,
                )
        elif token.text in _CLOSING:
            depth = max(depth - 1, 0)


def _term_iri(token: Token, prefixes: dict[str, str], base: str | None) -> str | None:
    """The IRI an IRIREF or a prefixed name stands for, or None."""
    if token.kind == "IRIREF":
        return _resolve(_iri_text(token.text), base)
    if token.kind == "PNAME":
        prefix, _, local = token.text.partition(":")
        namespace = prefixes.get(prefix)
        return None if namespace is None else namespace + _unescape_local(local)
    return None


def _service_call(
    text: str, tokens: Sequence[Token], index: int, prefixes: dict[str, str], base: str | None
) -> ServiceCall:
    line, column = line_column(text, tokens[index].offset)
    position = index + 1
    if position < len(tokens) and tokens[position].keyword == "SILENT":
        position += 1
    target_token = tokens[position] if position < len(tokens) else None
    if target_token is None:
        return ServiceCall("", line, column, "SERVICE")
    written = target_token.text
    if target_token.kind in ("IRIREF", "PNAME"):
        return ServiceCall(_term_iri(target_token, prefixes, base) or "", line, column, written)
    if target_token.kind == "VAR":
        return ServiceCall(None, line, column, written)
    return ServiceCall("", line, column, written)  # not valid SPARQL: refused as unresolvable


def _iri_text(iriref: str) -> str:
    return unescape_codepoints(iriref[1:-1])


_LOCAL_ESCAPE = re.compile(r"\\(.)")


def _unescape_local(local: str) -> str:
    return _LOCAL_ESCAPE.sub(r"\1", local)


def _resolve(iri: str, base: str | None) -> str | None:
    if urlsplit(iri).scheme:
        return iri
    if base is None:
        return None
    return urljoin(base, iri)


# ---------------------------------------------------------------------------------------------
# The checks: size, form, SERVICE, LOAD
# ---------------------------------------------------------------------------------------------


def check_size(text: str, config: Config) -> None:
    size = len(text.encode("utf-8"))
    if size > config.max_query_bytes:
        raise PayloadTooLarge(
            f"La requête fait {size} octets ; la limite de ce service est {config.max_query_bytes} "
            "octets (réglage max_query_bytes).",
            f"The query is {size} bytes long; this service accepts at most "
            f"{config.max_query_bytes} bytes (setting max_query_bytes).",
            size=size,
            limit=config.max_query_bytes,
        )


def check_query(text: str, config: Config, base_iri: str | None = None) -> Analysis:
    """Let a query through to the engine, or raise the error the client gets.

    Refuses, with a message saying why: a text over ``max_query_bytes`` (413), an
    update (400: this is the query operation), a ``SERVICE`` the allow-list does
    not name (403). A text the tokenizer cannot read is left to the engine's
    parser, which reports the position, unless it could hide a ``SERVICE`` or a
    ``LOAD``: then it is refused here, with its position (400).
    """
    check_size(text, config)
    analysis = _analyse_all_readings(text, base_iri)
    if analysis.is_update:
        raise BadRequest(
            "Ce point d'accès n'exécute que des requêtes (SELECT, ASK, CONSTRUCT, DESCRIBE) ; "
            "les mises à jour SPARQL Update vont à /sparql/update.",
            "This endpoint runs queries only (SELECT, ASK, CONSTRUCT, DESCRIBE); SPARQL Update "
            "requests go to /sparql/update.",
        )
    _check_services(analysis, config)
    return analysis


def check_update(text: str, config: Config, base_iri: str | None = None) -> Analysis:
    """Let an update through to the engine, or raise: size (413), ``LOAD`` (403), ``SERVICE`` (403).

    ``LOAD`` fetches a document from the web: no input makes the server connect anywhere.
    """
    check_size(text, config)
    analysis = _analyse_all_readings(text, base_iri)
    if analysis.loads:
        line, column = analysis.loads[0]
        raise Forbidden(
            f"LOAD est refusé (ligne {line}, colonne {column}) : ce service ne va jamais chercher "
            "de données sur le web. Envoyez les données elles-mêmes (INSERT DATA ou le protocole "
            "Graph Store).",
            f"LOAD is refused (line {line}, column {column}): this service never fetches data "
            "from the web. Send the data itself (INSERT DATA or the Graph Store Protocol).",
            line=line,
            column=column,
        )
    _check_services(analysis, config)
    return analysis


def _analyse_all_readings(text: str, base_iri: str | None) -> Analysis:
    """Analyse the text as Oxigraph reads it and, when it has ``\\u`` escapes, as the spec does.

    Oxigraph decodes ``\\u`` escapes inside strings and IRIs only; SPARQL 1.1 §19.2
    decodes them everywhere before parsing. An engine following the letter could
    then see a ``SERVICE`` that the first reading keeps inside a string: both are
    checked, and every SERVICE and LOAD either finds is kept.
    """
    try:
        analysis = analyse(text, base_iri)
    except LexError as error:
        if _could_hide_remote(text):
            raise QuerySyntaxError(
                f"Requête illisible ligne {error.line}, colonne {error.column} : caractère "
                "inattendu. Elle contient SERVICE ou LOAD, qui ne sont admis que dans une "
                "requête lisible.",
                f"Unreadable query at line {error.line}, column {error.column}: unexpected "
                "character. It contains SERVICE or LOAD, which are accepted only in a "
                "well-formed query.",
                line=error.line,
                column=error.column,
            ) from None
        # Its form still picks the result format; the engine reports the syntax error.
        return Analysis(form=analyse(text[: error.offset], base_iri).form)
    if _CODEPOINT.search(text):
        try:
            other = analyse(unescape_codepoints(text), base_iri)
        except LexError:
            pass  # an engine that decodes first would fail to parse it as well
        else:
            seen = {(s.line, s.column) for s in analysis.services}
            analysis.services.extend(s for s in other.services if (s.line, s.column) not in seen)
            analysis.loads.extend(p for p in other.loads if p not in analysis.loads)
            if other.is_update:
                analysis.form = "update"
    return analysis


_REMOTE_WORDS = re.compile(r"service|load", re.IGNORECASE)


def _could_hide_remote(text: str) -> bool:
    return bool(_REMOTE_WORDS.search(text) or _REMOTE_WORDS.search(unescape_codepoints(text)))


def _check_services(analysis: Analysis, config: Config) -> None:
    allowlist: tuple[str, ...] = tuple(config.federation_allowlist)
    for call in analysis.services:
        where_fr = f"ligne {call.line}, colonne {call.column}"
        where_en = f"line {call.line}, column {call.column}"
        if not allowlist:
            raise Forbidden(
                f"SERVICE {call.text} ({where_fr}) est refusé : la fédération de requêtes est "
                "désactivée sur ce service (réglage federation_allowlist).",
                f"SERVICE {call.text} ({where_en}) is refused: federated query is off on this "
                "service (setting federation_allowlist).",
                line=call.line,
                column=call.column,
            )
        if call.target is None:
            raise Forbidden(
                f"SERVICE {call.text} ({where_fr}) est refusé : la cible d'un SERVICE doit être "
                "une IRI écrite dans la requête, pas une variable.",
                f"SERVICE {call.text} ({where_en}) is refused: the target of a SERVICE must be "
                "an IRI written in the query, not a variable.",
                line=call.line,
                column=call.column,
            )
        if not service_allowed(call.target, allowlist):
            allowed = ", ".join(allowlist)
            raise Forbidden(
                f"SERVICE {call.text} ({where_fr}) est refusé : seuls ces hôtes sont admis : "
                f"{allowed}.",
                f"SERVICE {call.text} ({where_en}) is refused: only these hosts are allowed: "
                f"{allowed}.",
                line=call.line,
                column=call.column,
                allowed=list(allowlist),
            )


def service_allowed(iri: str, allowlist: Iterable[str]) -> bool:
    """True when ``iri`` is an http(s) URL whose host (or host:port) is on the allow-list."""
    try:
        parts = urlsplit(iri)
        host = (parts.hostname or "").lower().rstrip(".")
        port = parts.port
    except ValueError:
        return False
    if parts.scheme.lower() not in ("http", "https") or not host:
        return False
    default_port = 443 if parts.scheme.lower() == "https" else 80
    for entry in allowlist:
        entry = entry.strip().lower().rstrip(".")
        if not entry:
            continue
        if ":" in entry.strip("[]") and not entry.startswith("["):
            name, _, entry_port = entry.rpartition(":")
            if name == host and entry_port.isdigit() and int(entry_port) == (port or default_port):
                return True
        elif entry.strip("[]") == host:
            return True
    return False
