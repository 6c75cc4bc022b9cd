"""The change a SPARQL 1.1 Update would make, computed without making it.

An update made only of ``INSERT DATA`` and ``DELETE DATA`` takes the fast path below:
Oxigraph parses its blocks, and one look-up of the quads' presence gives the change. Any
other update is parsed and evaluated by rdflib on an overlay of the store
(``overlay.py``).

The work is bounded: a deadline (``query_timeout``) checked on every read, and
a cap on the size of the change (``max_write_quads``). ``LOAD`` and ``SERVICE``
are refused: an update never makes the server connect anywhere.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pyoxigraph as ox
from rdflib.plugins.sparql.algebra import translateUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from ..errors import BadRequest, QuerySyntaxError
from ..rdfio import parse_sparql_update
from .evaluate import error_position, error_reason
from .interface import Changeset
from .overlay import overlay_delta, update_too_large
from .terms import quad_to_rdflib
from .tokens import BRACE_TOKEN

_REFUSED = {
    "Load": (
        "LOAD est refusé : aucune mise à jour ne charge de données depuis le web.",
        "LOAD is refused: no update loads data from the web.",
    ),
    "ServiceGraphPattern": (
        "SERVICE est refusé dans une mise à jour.",
        "SERVICE is refused in an update.",
    ),
}


def _refused(node: Any) -> tuple[str, str] | None:
    """The refusal message if the parsed update contains LOAD or SERVICE."""
    if isinstance(node, CompValue):
        if node.name in _REFUSED:
            return _REFUSED[node.name]
        values = node.values()
    elif isinstance(node, (list, tuple)):
        values = node
    else:
        return None
    for value in values:
        found = _refused(value)
        if found:
            return found
    return None


def parse_update(update: str, base_iri: str | None) -> Any:
    try:
        parsed = parse_sparql_update(update)
    except Exception as error:  # pyparsing's ParseException and friends
        engine = _engine_syntax_error(update)
        if engine is not None:
            raise engine from None
        line = getattr(error, "lineno", None)
        column = getattr(error, "col", None)
        details = {"line": line, "column": column} if line is not None else {}
        raise QuerySyntaxError(
            f"Erreur de syntaxe dans la mise à jour SPARQL : {error}",
            f"SPARQL Update syntax error: {error}",
            **details,
        ) from None
    refused = _refused(parsed)
    if refused:
        raise BadRequest(*refused)
    try:
        return translateUpdate(parsed, base=base_iri)
    except Exception as error:
        raise QuerySyntaxError(
            f"Mise à jour SPARQL invalide : {error}", f"Invalid SPARQL Update: {error}"
        ) from None


def _engine_syntax_error(update: str) -> QuerySyntaxError | None:
    """Oxigraph's reading of an update rdflib could not parse: where the text goes wrong.

    rdflib's grammar backs up to the start of the operation and says so ("Expected end of
    text, found 'INSERT' (at char 0)") wherever the mistake is; Oxigraph's parser stops at it
    ("error at 2:42: expected …"), as it does for queries. pyoxigraph parses an update only
    to run it: here on a new, empty in-memory store, which nothing reads afterwards, and never
    when the text names ``LOAD`` or ``SERVICE`` anywhere (a text that parsed would reach out:
    Oxigraph fetches a ``LOAD``'s IRI). None when Oxigraph reads the update or does not say
    where it fails."""
    if _FORBIDDEN_WORDS.search(update):
        return None
    try:
        ox.Store().update(update)
    except SyntaxError as error:
        message = str(error)
        line, column = error_position(message)
        if line is None:
            return None
        return QuerySyntaxError.at(error_reason(message), line, column, update=True)
    except (OSError, RuntimeError, TypeError, ValueError):
        return None
    return None


# -- the fast path: updates made only of INSERT DATA and DELETE DATA -----------------------------
#
# rdflib's parser takes about 0.7 ms per triple (1.3 s for a 1,000-triple INSERT DATA, minutes
# for 100,000: bench/store.py delta). An update made only of DATA blocks needs no evaluation:
# each block is TriG (QuadData is Turtle triples and GRAPH blocks), which Oxigraph parses
# natively. The scan below only finds the top-level blocks; it knows the tokens in which a
# brace is not a brace (strings, IRIs, comments). Anything else takes the general path.

_PROLOGUE = re.compile(r"\s*(?:(?:PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s+<[^>]*>)\s*)*", re.I)
_OPERATION = re.compile(r"\s*(INSERT|DELETE)\s+DATA\s*$", re.I)
_FORBIDDEN_WORDS = re.compile(r"\b(LOAD|SERVICE)\b", re.I)


def _data_blocks(update: str) -> tuple[str, list[tuple[str, str]]] | None:
    """``(prologue, [(INSERT|DELETE, block text)])`` when ``update`` is only DATA blocks."""
    if _FORBIDDEN_WORDS.search(update):
        return None  # let the general path refuse it with its message
    prologue = _PROLOGUE.match(update)
    head = prologue.group(0) if prologue else ""
    operations: list[tuple[str, str]] = []
    depth = 0
    outside: list[str] = []
    block: list[str] = []
    keyword = ""
    for match in BRACE_TOKEN.finditer(update, len(head)):
        token = match.group(0)
        if token == "{":
            if depth == 0:
                found = _OPERATION.match("".join(outside).lstrip(";"))
                if not found:
                    return None
                keyword, outside, block = found.group(1).upper(), [], []
            else:
                block.append(token)
            depth += 1
        elif token == "}":
            depth -= 1
            if depth < 0:
                return None
            if depth == 0:
                operations.append((keyword, "".join(block)))
            else:
                block.append(token)
        elif depth:
            block.append(token)
        else:
            if token.startswith("#"):
                continue
            outside.append(token)
            text = "".join(outside).strip()
            if text.startswith(";"):
                outside = [text[1:]]
    if depth or "".join(outside).strip() not in ("", ";") or not operations:
        return None
    return head, operations


def _data_delta(
    base: Any,
    prologue: str,
    operations: list[tuple[str, str]],
    base_iri: str | None,
    max_quads: int,
) -> Changeset | None:
    """The change of DATA blocks; None when a block is not plain TriG.

    DATA operations are unconditional, so a quad ends present if the last
    operation naming it inserts it, absent if it deletes it; one batched look-up
    of the quads' current presence gives the exact change.
    """
    last: dict[ox.Quad, str] = {}
    for keyword, block in operations:
        quads = None
        # QuadData may leave out the last "." that TriG wants after triples.
        for ending in ("", " ."):
            try:
                quads = list(
                    ox.parse(
                        (prologue + "\n" + block + ending).encode("utf-8"),
                        ox.RdfFormat.TRIG,
                        base_iri=base_iri,
                        rename_blank_nodes=True,
                    )
                )
                break
            except SyntaxError:
                continue
        if quads is None:
            return None
        if keyword == "DELETE" and any(
            isinstance(term, ox.BlankNode) for q in quads for term in (q.subject, q.object)
        ):
            raise BadRequest(
                "DELETE DATA ne peut pas contenir de nœud anonyme (SPARQL 1.1 Update, 3.1.2).",
                "DELETE DATA cannot contain blank nodes (SPARQL 1.1 Update, 3.1.2).",
            )
        for quad in quads:
            last[quad] = keyword
    candidates = [quad_to_rdflib(quad) + (keyword,) for quad, keyword in last.items()]
    present = base.contains_quads([c[:4] for c in candidates])
    changes = Changeset(
        remove=[c[:4] for c in candidates if c[4] == "DELETE" and c[:4] in present],
        add=[c[:4] for c in candidates if c[4] == "INSERT" and c[:4] not in present],
    )
    if len(changes.remove) + len(changes.add) > max_quads:
        raise update_too_large(max_quads)
    return changes


def compute_delta(
    base: Any,
    update: str,
    base_iri: str | None,
    *,
    timeout: float,
    max_quads: int,
    union_default_graph: bool = True,
) -> Changeset:
    """The changeset ``update`` would make to ``base`` (any of our stores)."""
    blocks = _data_blocks(update)
    if blocks is not None:
        changes = _data_delta(base, blocks[0], blocks[1], base_iri, max_quads)
        if changes is not None:
            return changes
    deadline = time.monotonic() + timeout  # rdflib's parsing counts too
    algebra = parse_update(update, base_iri)
    if not getattr(algebra, "algebra", None):  # an update of only a prologue and comments
        return Changeset()
    return overlay_delta(
        base,
        algebra.algebra,
        deadline=deadline,
        timeout=timeout,
        max_quads=max_quads,
        union_default_graph=union_default_graph,
    )
