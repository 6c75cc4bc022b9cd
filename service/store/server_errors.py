"""A SPARQL server's failures, read as ours: where a syntax error is, and whose fault it is.

SPARQLWrapper raises its own exceptions (or urllib's) with the server's answer inside;
:func:`server_error` turns one into the error the service answers with, in the server's
own words. Servers answer 500 to a query they cannot evaluate as written: for a
researcher's query that is a 400 with the server's words, the client's to fix; for our own,
a store error.
"""

from __future__ import annotations

import re
import socket
import urllib.error

from SPARQLWrapper.SPARQLExceptions import EndPointInternalError, QueryBadFormed

from ..errors import (
    MediationError,
    QueryEvaluationError,
    QuerySyntaxError,
    QueryTimeout,
    StoreError,
)
from .evaluate import error_reason

#: Where servers say the error is: Oxigraph "error at 1:25", Virtuoso "line 1".
_POSITION = re.compile(r"error at (\d+):(\d+)|line (\d+)", re.I)
#: Virtuoso says the line and the token: "line 3: syntax error at ')' before '}'".
_VIRTUOSO_AT = re.compile(r"line (\d+): [^']*? at '(.+?)'(?: before '(.+?)')?")
#: Server messages that blame the query, not the server: Oxigraph's evaluation errors of the
#: query itself, and Virtuoso's SQL states of classes 22 (data exception: a division by zero,
#: a bad regular expression) and 42 (an undefined function or procedure).
_QUERY_FAULT = re.compile(
    r"The custom function .* is not supported|is not a valid service name|"
    r"^Virtuoso (?:22|42)[0-9A-Z]{3} Error"
)


def server_error(
    error: Exception, query: str, timeout: float, researchers: bool = False
) -> MediationError:
    """Our error for a SPARQLWrapper or urllib error raised while ``query`` was sent.

    ``researchers``: the query is a researcher's, so a query the server cannot evaluate is
    the client's error (400), not the store's.
    """
    if isinstance(error, QueryBadFormed):
        message = _server_message(error)
        position = _position(message, query)
        # Oxigraph server's "error at 3:18: " is said again in words, with the client's column.
        reason = error_reason(message)
        return QuerySyntaxError.at(reason, position.get("line"), position.get("column"))
    if isinstance(error, TimeoutError):
        return timed_out(timeout)
    if isinstance(error, urllib.error.HTTPError):
        message = _server_message(error)
        return StoreError(
            f"Le serveur SPARQL a répondu {error.code} : {message}",
            f"The SPARQL server answered {error.code}: {message}",
        )
    if isinstance(error, urllib.error.URLError):
        if isinstance(error.reason, (socket.timeout, TimeoutError)):
            return timed_out(timeout)
        return StoreError(
            f"Serveur SPARQL injoignable : {error.reason}",
            f"SPARQL server unreachable: {error.reason}",
        )
    message = _server_message(error)
    if researchers and isinstance(error, EndPointInternalError) and _QUERY_FAULT.search(message):
        return QueryEvaluationError(
            f"La requête ne peut pas être évaluée : {message}",
            f"The query cannot be evaluated: {message}",
        )
    return StoreError(
        f"Le serveur SPARQL a répondu par une erreur : {message}",
        f"The SPARQL server answered with an error: {message}",
    )


def timed_out(timeout: float) -> QueryTimeout:
    """The server did not answer within ``timeout`` seconds."""
    return QueryTimeout(
        f"Le serveur SPARQL n'a pas répondu dans le délai de {timeout:g} s.",
        f"The SPARQL server did not answer within the {timeout:g} s time-out.",
        timeout=timeout,
    )


def _position(message: str, query: str) -> dict[str, int]:
    """Line and column of a syntax error, from the server's words.

    Oxigraph says both ("error at 3:15"); Virtuoso says the line and the offending
    token, which is looked for in that line (before the next token it names).
    """
    found = _POSITION.search(message)
    if found is None or (not found[1] and int(found[3]) < 1):
        return {}
    if found[1]:
        return {"line": int(found[1]), "column": int(found[2])}
    details = {"line": int(found[3])}
    lines = query.split("\n")
    at = _VIRTUOSO_AT.search(message)
    if at and details["line"] <= len(lines):
        text, token, following = lines[details["line"] - 1], at[2], at[3] or ""
        candidates = [m.start() for m in re.finditer(re.escape(token), text)]
        before = [c for c in candidates if text[c + len(token) :].lstrip().startswith(following)]
        if before or candidates:
            details["column"] = (before or candidates)[0] + 1
    return details


def _server_message(error: Exception) -> str:
    """The server's own words from a SPARQLWrapper error."""
    text = str(error)
    found = re.search(r"Response:\s*b?(['\"])(.*)\1\s*$", text, re.S)
    if found:
        text = (
            found.group(2).encode("latin-1", "backslashreplace").decode("unicode_escape", "replace")
        )
    return re.sub(r"\s+", " ", text).strip()[:1000]
