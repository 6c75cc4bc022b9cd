"""Parsing RDF safely: the right parser, no network, a line and a reason on errors.

Every RDF document that enters the service (files of the project, uploads,
files given to the command line) is parsed here, so that three rules hold
everywhere:

* **The format** comes from the caller (a media type, a file extension), and
  the content is sniffed when that label lies: a ``.ttl`` file holding JSON-LD
  or RDF/XML is parsed as what it is (the declared format is tried first, the
  sniffed one when it fails).
* **No network.** rdflib's JSON-LD parser fetches a remote ``@context`` with
  ``urlopen``. We read the JSON ourselves first and walk every ``@context`` (and
  ``@import``): inline contexts are kept, the project's own context
  (``{base}context.jsonld``) is substituted from the copy shipped in
  ``service/web/static/context.jsonld``, and any other remote context is
  refused before rdflib sees the document. RDF/XML goes through expat, which
  does not load external entities or DTDs (Python ≥ 3.7.1 default).
* **Cheap refusals.** An RDF/XML document that declares entities is refused
  before it is parsed: expanding them can cost minutes for a few hundred bytes
  (a 647-byte document took 145 s before). Statements are counted as the
  parser reads them, so a document over ``max_quads`` stops at the first
  statement past the limit instead of being read whole, and every term is
  checked as it is read (an IRI with a space, a datatype that is no IRI): the
  store would refuse it later, with less to say.
* **Errors** become :class:`~service.errors.RdfSyntaxError` with the source's
  name, the line (and column when known) and the parser's reason, in French
  and in English; nothing is added to the target graph when parsing fails.
"""

from __future__ import annotations

import json
import re
import threading
import xml.parsers.expat
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.sax import SAXParseException

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parser import parseUpdate
from rdflib.plugins.stores.memory import Memory

from .config import DEFAULT_BASE
from .errors import MediationError, PayloadTooLarge, RdfSyntaxError
from .formats import (
    BY_FILE_EXTENSION,
    JSONLD,
    NQUADS,
    NTRIPLES,
    RDFXML,
    TRIG,
    TURTLE,
    Format,
)
from .namespaces import NOT_IN_IRI, printable, rebase

#: The project's JSON-LD context, as served at ``{base}context.jsonld``.
CONTEXT_FILE = Path(__file__).resolve().parent / "web" / "static" / "context.jsonld"
CONTEXT_NAME = "context.jsonld"

#: Formats whose documents may hold named graphs.
QUAD_FORMATS = frozenset({TRIG.key, NQUADS.key})
#: Formats read line by line: a statement never spans lines (used to find the failing line).
LINE_FORMATS = frozenset({NTRIPLES.key, NQUADS.key})
#: The Turtle family: N-Triples is a subset of Turtle, Turtle a subset of TriG.
TURTLE_FAMILY = frozenset({TURTLE.key, NTRIPLES.key, TRIG.key, NQUADS.key})

_XML_START = re.compile(r"<(\?xml|!--|!DOCTYPE|[A-Za-z_][\w.\-]*(:[A-Za-z_][\w.\-]*)?[\s/>])")


def context_url(base_url: str = DEFAULT_BASE) -> str:
    """The IRI of the project's JSON-LD context under ``base_url``."""
    return base_url + CONTEXT_NAME


@lru_cache(maxsize=8)
def _context_document(base_url: str) -> str:
    """The shipped context, its IRIs moved under ``base_url`` (kept as text: callers get a copy)."""
    document = json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))

    def moved(value: Any) -> Any:
        if isinstance(value, str):
            return rebase(value, base_url)
        if isinstance(value, dict):
            return {k: moved(v) for k, v in value.items()}
        if isinstance(value, list):
            return [moved(v) for v in value]
        return value

    return json.dumps(moved(document["@context"]))


def project_context(base_url: str = DEFAULT_BASE) -> dict[str, Any]:
    """The body of the project's ``@context`` (a fresh copy)."""
    return json.loads(_context_document(base_url))


# -- choosing the format ----------------------------------------------------------------------


#: Formats accepted as input, in the order a name is looked up.
_INPUT: tuple[Format, ...] = (TURTLE, NTRIPLES, JSONLD, RDFXML, TRIG, NQUADS)


def format_for(name: str | Path | None = None, fmt: Format | str | None = None) -> Format | None:
    """The format given (a :class:`Format`, a key, an rdflib name or a media type) or named by
    the file's extension; None when neither says."""
    if isinstance(fmt, Format):
        return fmt
    if isinstance(fmt, str) and fmt:
        wanted = fmt.split(";", 1)[0].strip().lower()
        for candidate in _INPUT:
            if wanted in (
                candidate.key,
                candidate.rdflib,
                candidate.media_type,
                *candidate.aliases,
            ):
                return candidate
        raise RdfSyntaxError(
            f"Format RDF inconnu : {fmt}", f"Unknown RDF format: {fmt}", reason="unknown-format"
        )
    if name is not None:
        return BY_FILE_EXTENSION.get(Path(str(name)).suffix.lower())
    return None


def sniff(data: bytes) -> Format | None:
    """Guess the format from the first characters: JSON-LD, RDF/XML or the Turtle family
    (Turtle, which reads N-Triples too, or TriG when a graph block opens the document);
    None for empty content. JSON and XML are recognised with confidence, the Turtle
    family only by elimination."""
    head = data[:2048].decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if not head:
        return None
    if head[0] in "{[":
        # TriG may open with a default-graph block "{ <s> <p> <o> }"; JSON opens with a key.
        if head[0] == "[" or re.match(r'\{\s*("|\}|$)', head):
            return JSONLD
        return TRIG
    if _XML_START.match(head) and not head.startswith(("<http:", "<https:", "<urn:", "<file:")):
        return RDFXML
    return TURTLE


#: Sniffed formats trusted over the declared one (the Turtle family is only a fallback).
_CONFIDENT = (JSONLD, RDFXML)


#: Reasons that refuse a document for what it holds, not for how it is written.
_REFUSALS = frozenset({"remote-context", "entity-declaration"})


def _family(fmt: Format) -> str:
    return "turtle" if fmt.key in TURTLE_FAMILY else fmt.key


# -- parsing ----------------------------------------------------------------------------------


def parse(
    data: bytes | str,
    *,
    fmt: Format | str | None = None,
    name: str | Path = "<données/data>",
    base: str | None = None,
    base_url: str = DEFAULT_BASE,
    into: Graph | None = None,
    sniff_content: bool = True,
    max_quads: int | None = None,
) -> Graph:
    """Parse ``data`` into a graph (the union of its graphs for TriG and N-Quads).

    ``fmt`` or the extension of ``name`` gives the format; content sniffing
    corrects a wrong label. ``base`` resolves relative IRIs. When ``into`` is
    given the triples are added to it, all or none. Raises
    :class:`RdfSyntaxError`, and :class:`PayloadTooLarge` as soon as the parser
    has read more than ``max_quads`` statements (setting ``max_write_quads``).
    """
    parsed, _ = _parse_any(
        data, fmt, name, base, base_url, sniff_content, dataset=False, max_quads=max_quads
    )
    if into is None:
        return parsed
    into += parsed
    return into


def parse_dataset(
    data: bytes | str,
    *,
    fmt: Format | str | None = None,
    name: str | Path = "<données/data>",
    base: str | None = None,
    base_url: str = DEFAULT_BASE,
    graph: URIRef | None = None,
    into: Dataset | None = None,
    sniff_content: bool = True,
    max_quads: int | None = None,
) -> Dataset:
    """Parse ``data`` into a dataset, keeping named graphs; triples of a triples format go to
    ``graph`` (the default graph when None). All or none is added to ``into``; past
    ``max_quads`` statements the parse stops (see :func:`parse`)."""
    # A triples format is parsed straight into its graph of a new dataset: copying it there
    # afterwards took 40 % more memory and time (100,000 statements: 341 MB and 6.7 s of CPU
    # against 201 MB and 3.8 s).
    direct = graph if into is None else None
    parsed, used = _parse_any(
        data, fmt, name, base, base_url, sniff_content, True, max_quads, direct, into is None
    )
    if into is None and used.key not in QUAD_FORMATS:
        return parsed  # type: ignore[return-value]
    target = into if into is not None else Dataset()
    if isinstance(parsed, Dataset):
        default = parsed.default_graph.identifier
        for s, p, o, g in parsed.quads((None, None, None, None)):
            name_ = graph if g is None or g == default else g
            target.add((s, p, o, name_) if name_ is not None else (s, p, o))
    else:
        destination = target.graph(graph) if graph is not None else target.default_graph
        destination += parsed
    return target


def parse_file(
    path: str | Path, *, fmt: Format | str | None = None, name: str | None = None, **options: Any
) -> Graph:
    """Parse one file (see :func:`parse`); a missing or unreadable file is an ``RdfSyntaxError``.
    Errors name the file as ``name`` (default: the path as given)."""
    path = Path(path)
    label = name or str(path)
    return parse(_read(path, label), fmt=fmt or format_for(path), name=label, **options)


def parse_dataset_file(
    path: str | Path, *, fmt: Format | str | None = None, name: str | None = None, **options: Any
) -> Dataset:
    """Parse one file into a dataset (see :func:`parse_dataset`)."""
    path = Path(path)
    label = name or str(path)
    return parse_dataset(_read(path, label), fmt=fmt or format_for(path), name=label, **options)


def parse_files(paths: Iterable[str | Path], **options: Any) -> Graph:
    """Parse several files into one graph; the first file that fails stops everything."""
    graph = Graph()
    for path in paths:
        parse_file(path, into=graph, **options)
    return graph


def _read(path: Path, label: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise RdfSyntaxError(
            f"{label} : fichier introuvable.",
            f"{label}: no such file.",
            source=label,
            reason="not-found",
        ) from None
    except OSError as error:
        raise RdfSyntaxError(
            f"{label} : lecture impossible ({error.strerror}).",
            f"{label}: cannot be read ({error.strerror}).",
            source=label,
            reason=str(error.strerror),
        ) from None


def _parse_any(
    data: bytes | str,
    fmt: Format | str | None,
    name: str | Path,
    base: str | None,
    base_url: str,
    sniff_content: bool,
    dataset: bool,
    max_quads: int | None = None,
    graph: URIRef | None = None,
    direct: bool = False,
) -> tuple[Graph, Format]:
    if isinstance(data, str):
        data = data.encode("utf-8")
    label = str(name)
    declared = format_for(name, fmt)
    guessed = sniff(data) if sniff_content or declared is None else None
    if declared is None and guessed is None:
        return Graph(), TURTLE  # empty content, no label: an empty graph
    if declared is None or guessed is None or _family(guessed) == _family(declared):
        only = declared or guessed
        assert only is not None
        return _parse_as(data, only, label, base, base_url, dataset, max_quads, graph, direct), only
    # The label and the content disagree. JSON and XML are recognised with confidence, so such
    # content is parsed as what it is first; otherwise the label is trusted first.
    order = (guessed, declared) if guessed in _CONFIDENT else (declared, guessed)
    errors: dict[str, RdfSyntaxError] = {}
    for candidate in order:
        try:
            return (
                _parse_as(
                    data, candidate, label, base, base_url, dataset, max_quads, graph, direct
                ),
                candidate,
            )
        except RdfSyntaxError as error:
            if error.details.get("reason") in _REFUSALS:
                raise  # what the document holds is refused, whatever it is read as
            errors[candidate.key] = error
    # Neither parses: the error of the attempt on what the content looks like helps most.
    error = errors[guessed.key]
    raise RdfSyntaxError(
        f"{error.message_fr} (le contenu ressemble à du {guessed.label}, "
        f"bien que le nom ou le type annonce du {declared.label})",
        f"{error.message_en} (the content looks like {guessed.label} "
        f"although its name or type says {declared.label})",
        **error.details,
    )


def _parse_as(
    data: bytes,
    fmt: Format,
    label: str,
    base: str | None,
    base_url: str,
    dataset: bool,
    max_quads: int | None = None,
    graph: URIRef | None = None,
    direct: bool = False,
) -> Graph:
    """``direct``: a triples format is read into ``graph`` (None: the default graph) of a new
    dataset, which is returned."""
    quads = fmt.key in QUAD_FORMATS
    sink = _CheckedMemory(label, fmt, data, max_quads)
    container = Dataset(store=sink) if quads or direct else None
    target: Graph
    if container is None:
        target = Graph(store=sink)
    elif quads:
        target = container
    else:
        target = container.graph(graph) if graph is not None else container.default_graph
    try:
        if fmt is JSONLD:
            document = _safe_jsonld(data, label, base_url)
            target.parse(data=document, format="json-ld", publicID=base)
        else:
            if fmt is RDFXML:
                _refuse_entities(data, label)
            target.parse(data=data, format=fmt.rdflib, publicID=base)
    except MediationError:  # ours: a refused context, an entity, a term, the quad limit
        raise
    except BadSyntax as error:
        line, column = _position(error._str, error._i)
        raise _syntax_error(label, fmt, error._why, line, column) from None
    except SAXParseException as error:
        raise _syntax_error(
            label, fmt, error.getMessage(), error.getLineNumber(), error.getColumnNumber() + 1
        ) from None
    except UnicodeDecodeError as error:
        line, column = _position(data, error.start)
        raise _syntax_error(label, fmt, "not UTF-8 text", line, column) from None
    except json.JSONDecodeError as error:
        raise _syntax_error(label, fmt, error.msg, error.lineno, error.colno) from None
    except RecursionError:
        raise _syntax_error(label, fmt, "nesting too deep", None, None) from None
    except Exception as error:  # noqa: BLE001 — every parser failure must reach the person as a message
        engine = _engine_reading(data, fmt, base)
        if engine is not None:
            raise _syntax_error(label, fmt, *engine) from None
        reason = str(error) or type(error).__name__
        line, column = _locate(reason, data, fmt, base)
        raise _syntax_error(label, fmt, _clean_reason(reason), line, column) from None
    finally:
        sink.data = b""  # the graph keeps its store: not the document it was read from
    if container is not None and not quads:
        return container
    if quads and not dataset:
        union = Graph()
        for s, p, o, _ in target.quads((None, None, None, None)):  # type: ignore[attr-defined]
            union.add((s, p, o))
        for prefix, namespace in target.namespaces():
            union.bind(prefix, namespace, override=False)
        return union
    return target


class _CheckedMemory(Memory):
    """rdflib's in-memory store, which the parsers feed one statement at a time, checking as
    they come: each term is one Oxigraph would hold, and no more than ``limit`` statements
    are read (duplicates count: the parse stops before the document is read whole)."""

    def __init__(self, label: str, fmt: Format, data: bytes, limit: int | None) -> None:
        super().__init__()
        self.label, self.fmt, self.data, self.limit, self.read = label, fmt, data, limit, 0

    def add(self, triple: Any, context: Any, quoted: bool = False) -> None:
        self.read += 1
        if self.limit is not None and self.read > self.limit:
            raise PayloadTooLarge(
                f"{self.label} : le document contient plus de {self.limit} quads ; une écriture "
                f"en compte au plus {self.limit} (réglage max_write_quads).",
                f"{self.label}: the document holds more than {self.limit} quads; one write holds "
                f"at most {self.limit} (setting max_write_quads).",
                limit=self.limit,
            )
        for term in triple:
            self._check(term)
        super().add(triple, context, quoted)

    def _check(self, term: Any) -> None:
        checked = term
        try:
            if isinstance(term, URIRef):
                ox.NamedNode(term)
            elif isinstance(term, Literal):
                if term.language:
                    checked = term.language
                    ox.Literal("", language=term.language)
                elif term.datatype is not None:
                    checked = str(term.datatype)
                    ox.NamedNode(term.datatype)
            elif isinstance(term, BNode):
                ox.BlankNode(term)
        except ValueError as error:  # UnicodeEncodeError (a lone surrogate) is one too
            shown = str(checked)[:200]
            found = self.data.find(shown.encode("utf-8", "replace")) if shown else -1
            line, column = _position(self.data, found) if found >= 0 else (None, None)
            reason = f"{printable(repr(shown))}: {printable(str(error))}"
            raise _syntax_error(self.label, self.fmt, reason, line, column) from None


class _RootReached(Exception):
    """The first element: a DTD, and so any entity declaration, comes before it."""


def _refuse_entities(data: bytes, label: str) -> None:
    """Refuse an XML document that declares entities, before any parser expands them: a
    billion-laughs body of a few hundred bytes took minutes of CPU. Expat reads the prologue
    only (it stops at the root element), in whatever encoding the document declares; a
    document it cannot read is left to the real parser, which reports where."""
    reader = xml.parsers.expat.ParserCreate()

    def declared(name: str, *_: Any) -> None:
        line, column = reader.CurrentLineNumber, reader.CurrentColumnNumber + 1
        error = _syntax_error(
            label,
            RDFXML,
            f"entity declaration <!ENTITY {name}> refused (no DTD entities are expanded)",
            line,
            column,
        )
        error.details.update(reason="entity-declaration", entity=name)
        raise error

    def root(*_: Any) -> None:
        raise _RootReached

    reader.EntityDeclHandler = declared
    reader.UnparsedEntityDeclHandler = declared
    reader.StartElementHandler = root
    try:
        reader.Parse(data, True)
    except (_RootReached, xml.parsers.expat.ExpatError):
        return


def _position(text: bytes | str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    before = text[:offset]
    newline = b"\n" if isinstance(before, bytes) else "\n"
    line = before.count(newline) + 1  # type: ignore[arg-type]
    column = offset - (before.rfind(newline) + 1)  # type: ignore[arg-type]
    return line, column + 1


_LOCATOR = re.compile(r"^[^:]*:(\d+):(\d+): ")
#: The formats whose syntax errors Oxigraph's parsers can place (text formats, read alone).
_ENGINE_READS = frozenset({"turtle", "nt", "trig", "nquads"})
#: Oxigraph's parser says where before what: "Parser error at line 2 column 30: …".
_ENGINE_WHERE = re.compile(r"^Parser error (?:at|between) [^:]*: ")
_ENGINE_LINE = re.compile(r" \(line \d+\)$")


def _engine_reading(
    data: bytes, fmt: Format, base: str | None
) -> tuple[str, int | None, int | None] | None:
    """Oxigraph's reason and position for a text rdflib failed on without giving either (a
    statement cut short at the end of a Turtle file raised "string index out of range"), or
    None when Oxigraph reads it or does not say where. Parsing only: nothing is fetched."""
    if fmt.key not in _ENGINE_READS or fmt.oxigraph is None:
        return None
    try:
        for _ in ox.parse(data, getattr(ox.RdfFormat, fmt.oxigraph), base_iri=base):
            pass
    except SyntaxError as error:
        if error.lineno is None:
            return None
        reason = _ENGINE_LINE.sub("", _ENGINE_WHERE.sub("", str(error), count=1))
        return reason, error.lineno, error.offset
    except (OSError, ValueError):
        return None
    return None


def _locate(
    reason: str, data: bytes, fmt: Format, base: str | None
) -> tuple[int | None, int | None]:
    """Line (and column) of an error a parser reported without a position."""
    found = _LOCATOR.match(reason)  # rdflib's RDF/XML handler: "source:line:column: message"
    if found:
        return int(found.group(1)), int(found.group(2)) + 1
    if fmt.key in LINE_FORMATS:
        # One statement per line: the first line that does not parse alone is the culprit.
        target: Graph = Dataset() if fmt.key in QUAD_FORMATS else Graph()
        for number, line in enumerate(data.splitlines(), start=1):
            try:
                target.parse(data=line + b"\n", format=fmt.rdflib, publicID=base)
            except Exception:  # noqa: BLE001
                return number, None
    return None, None


def _clean_reason(reason: str) -> str:
    reason = _LOCATOR.sub("", reason).strip()
    # rdflib's N-Triples/N-Quads reader puts its regular expression in the message.
    return re.sub(r"^Invalid line \(Failed to eat .*", "Invalid line", reason, flags=re.DOTALL)


def _syntax_error(
    label: str, fmt: Format, reason: str, line: int | None, column: int | None
) -> RdfSyntaxError:
    where_fr = where_en = label
    if line is not None:
        where_fr += f", ligne {line}"
        where_en += f", line {line}"
        if column is not None:
            where_fr += f", colonne {column}"
            where_en += f", column {column}"
    return RdfSyntaxError(
        f"{where_fr} : {fmt.label} invalide — {reason}",
        f"{where_en}: invalid {fmt.label} — {reason}",
        source=label,
        line=line,
        column=column,
        reason=reason,
        format=fmt.key,
    )


# -- JSON-LD without the network --------------------------------------------------------------


def _safe_jsonld(data: bytes, label: str, base_url: str) -> Any:
    """The JSON document with every remote context resolved locally or refused."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = _position(data, error.start)
        raise _syntax_error(label, JSONLD, "not UTF-8", line, column) from None
    document = json.loads(text)
    _check_node_ids(document, data, label)
    allowed = {context_url(base_url), context_url(DEFAULT_BASE)}
    return _resolve_contexts(document, allowed, label, base_url)


def _check_node_ids(node: Any, data: bytes, label: str) -> None:
    """Refuse a node whose ``@id`` no IRI can be made of (a space, ``<``, a control
    character…): JSON-LD's algorithm drops such a node with all it says, silently, and the
    write would have succeeded storing nothing of it. Contexts are not looked into: a term's
    ``@id`` there may name another term."""
    if isinstance(node, list):
        for item in node:
            _check_node_ids(item, data, label)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "@context":
                continue
            if key == "@id" and isinstance(value, str) and not value.startswith("_:"):
                bad = NOT_IN_IRI.search(value)
                if bad is not None:
                    shown = value[:200]
                    found = data.find(json.dumps(shown, ensure_ascii=False)[1:-1].encode())
                    line, column = _position(data, found) if found >= 0 else (None, None)
                    reason = (
                        f"{printable(repr(shown))}: @id is no IRI (character "
                        f"{printable(repr(bad.group(0)))} at position {bad.start() + 1})"
                    )
                    raise _syntax_error(label, JSONLD, reason, line, column)
            else:
                _check_node_ids(value, data, label)


def _resolve_contexts(node: Any, allowed: set[str], label: str, base_url: str) -> Any:
    """Walk the whole document: every ``@context`` value (in node objects and, nested, in
    term definitions) and every ``@import`` in a context is checked."""
    if isinstance(node, list):
        return [_resolve_contexts(item, allowed, label, base_url) for item in node]
    if not isinstance(node, dict):
        return node
    resolved: dict[str, Any] = {}
    for key, value in node.items():
        if key == "@context":
            resolved[key] = _resolve_context_value(value, allowed, label, base_url)
        else:
            resolved[key] = _resolve_contexts(value, allowed, label, base_url)
    return resolved


def _resolve_context_value(value: Any, allowed: set[str], label: str, base_url: str) -> Any:
    if isinstance(value, list):
        return [_resolve_context_value(item, allowed, label, base_url) for item in value]
    if isinstance(value, str):
        if value in allowed:
            return project_context(base_url)
        raise _remote_context(label, value, base_url)
    if isinstance(value, dict):
        context = _resolve_contexts(value, allowed, label, base_url)
        imported = context.pop("@import", None)
        if imported is None:
            return context
        if isinstance(imported, str) and imported in allowed:
            return {**project_context(base_url), **context}
        raise _remote_context(label, str(imported), base_url)
    return value


def _remote_context(label: str, url: str, base_url: str) -> RdfSyntaxError:
    ours = context_url(base_url)
    return RdfSyntaxError(
        f"{label} : contexte JSON-LD distant refusé ({url}). Le service ne télécharge aucun "
        f"contexte : mettez le contexte dans le document ou utilisez {ours}.",
        f"{label}: remote JSON-LD context refused ({url}). The service fetches no context: "
        f"put the context inline or use {ours}.",
        source=label,
        line=None,
        column=None,
        reason="remote-context",
        context=url,
        format=JSONLD.key,
    )


#: rdflib's SPARQL grammar (pyparsing, with parse actions that keep state) is not safe in two
#: threads at once: two writers parsing updates together got "expandTriples() missing 1
#: required positional argument". Every rdflib SPARQL parse of the service holds this lock;
#: a parse takes milliseconds, an evaluation (outside it) the rest.
_SPARQL_GRAMMAR = threading.Lock()


def prepare_sparql_query(text: str, **options: Any) -> Any:
    """rdflib's ``prepareQuery``, one thread at a time."""
    with _SPARQL_GRAMMAR:
        return prepareQuery(text, **options)


def parse_sparql_update(text: str) -> Any:
    """rdflib's ``parseUpdate``, one thread at a time."""
    with _SPARQL_GRAMMAR:
        return parseUpdate(text)
