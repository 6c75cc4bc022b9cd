"""Writes: SPARQL 1.1 Update at ``/sparql/update`` and the Graph Store HTTP Protocol at ``/graphs``.

* https://www.w3.org/TR/sparql11-protocol/#update-operation — an update arrives by POST,
  url-encoded (``update=``, with ``using-graph-uri`` / ``using-named-graph-uri``) or
  directly (``application/sparql-update``, the dataset parameters in the URL).
* https://www.w3.org/TR/sparql11-http-rdf-update/ — ``GET``, ``HEAD``, ``PUT``, ``POST``,
  ``DELETE`` on ``/graphs?graph={IRI}`` or ``/graphs?default`` (indirect identification),
  and on ``/graphs/{name}`` for the graph ``{base}graph/{name}`` (direct identification
  of our own graphs: ``/graph/{name}`` is the graph's page, ``/graphs/{name}`` its
  content). ``POST /graphs`` with a graph document creates a new graph
  ``{base}graph/{uuid}`` (201 and its ``Location``); with a TriG or N-Quads document it
  adds each quad to the graph it names.

Reads are public. A write needs ``Authorization: Bearer <token>``: one of the
``write_token`` setting's tokens (the operator's and scripts'), compared in constant time
with every one of them, or the token of an enabled moderator's or administrator's account
(``docs/publishing.md``). A setting's token may carry a name, ``name:token``: the history
says who wrote by that name, never by the token; an account's writes are recorded under
``compte-{number}``, never its e-mail. Without any token, every write is refused.

What a write does once it is let in — validation against the store, history, atomic
application, the search index — is :class:`service.writes.Publisher`'s.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import re
import uuid
from dataclasses import dataclass
from pathlib import PurePath
from urllib.parse import parse_qsl

from flask import Blueprint, Response, render_template, request
from rdflib import Dataset, URIRef

from ..accounts import RAW_WRITERS, role_name
from ..config import Config
from ..errors import (
    BadRequest,
    Forbidden,
    NotAcceptable,
    NotFound,
    PayloadTooLarge,
    QuerySyntaxError,
    Unauthorized,
    UnsupportedMediaType,
    ValidationFailed,
)
from ..formats import (
    BY_FILE_EXTENSION,
    DATASET_FORMATS,
    FORM_TYPE,
    GRAPH_FORMATS,
    INPUT_FORMATS,
    MULTIPART_TYPE,
    SPARQL_UPDATE_TYPE,
    Format,
    by_media_type,
    content_type,
    negotiate,
    parse_accept,
)
from ..namespaces import iri_problem
from ..rdfio import parse_dataset
from ..sparql import check_update, endpoint_iri, tokenize
from ..store import Changeset, GraphName, Quad, Store
from ..writes import Outcome, check_graph, dataset_quads
from .bodies import read_body, utf8_text
from .context import config, publisher, store
from .fairness import refused_token
from .people import accounts
from .responses import error_response

blueprint = Blueprint("writes", __name__)

CHANGE_HEADER = "X-Mediation-Change"
#: The realm announced with a 401 (RFC 6750 §3).
REALM = 'Bearer realm="mediation"'
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")


# ---------------------------------------------------------------------------------------------
# Who may write
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Credential:
    name: str
    token: bytes


def credentials(settings: Config) -> list[Credential]:
    """The ``write_token`` setting: ``token`` or ``name:token`` entries. An unnamed token is
    recorded under a name made from a short hash of it (``jeton-1a2b3c4d``), which tells
    tokens apart without revealing them."""
    found = []
    for entry in settings.write_token:
        name, colon, secret = entry.partition(":")
        if colon and _NAME.match(name) and secret:
            found.append(Credential(name, secret.encode("utf-8")))
        else:
            digest = hashlib.sha256(entry.encode("utf-8")).hexdigest()[:8]
            found.append(Credential(f"jeton-{digest}", entry.encode("utf-8")))
    return found


def authorize() -> str:
    """The name of the writer, or the 401/403 the request gets: one of the ``write_token``
    setting's tokens (the operator's), or an account's token (``mediation users token``, or
    its page at ``/publish/account``) whose account is enabled and may write directly."""
    known = credentials(config())
    if not known and not accounts().has_tokens():
        raise Forbidden(
            "Les écritures sont désactivées sur ce serveur : aucun jeton d'écriture n'est "
            "configuré (réglage write_token, variable MEDIATION_WRITE_TOKEN) et aucun compte "
            "n'a de jeton. La lecture reste ouverte.",
            "Writes are disabled on this server: no write token is configured (setting "
            "write_token, variable MEDIATION_WRITE_TOKEN) and no account has a token. Reading "
            "stays open.",
        )
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise Unauthorized(
            "Écriture réservée : envoyez un jeton dans l'en-tête « Authorization: Bearer <jeton> ».",
            "Writing needs a token: send it in the header “Authorization: Bearer <token>”.",
        )
    offered = given.strip().encode("utf-8")
    writer = None
    for credential in known:  # every token compared, whatever matched: constant time
        if hmac.compare_digest(offered, credential.token) and writer is None:
            writer = credential.name
    if writer is not None:
        return writer
    # An account's token is found by its digest: a disabled account's, or a revoked token,
    # finds nothing from the moment it is so.
    account = accounts().token_account(given.strip())
    if account is None:
        refused_token()  # a guess: counted with the failed sign-ins of the address
        raise Forbidden(
            "Jeton d'écriture refusé : il ne correspond à aucun jeton configuré sur ce serveur "
            "ni à aucun jeton actif d'un compte actif.",
            "Write token refused: it matches no token configured on this server and no active "
            "token of an active account.",
        )
    if account.role not in RAW_WRITERS:
        raise Forbidden(
            f"Le compte {account.login} a le rôle {role_name(account.role, 'fr')} : ce qu'il "
            "publie passe par les formulaires de /publish et la modération, pas par "
            "/sparql/update ni /graphs.",
            f"The account {account.login} has the {role_name(account.role, 'en')} role: what "
            "it publishes goes through the forms at /publish and moderation, not through "
            "/sparql/update nor /graphs.",
        )
    return account.agent_name


@blueprint.errorhandler(Unauthorized)
def unauthorized(error: Unauthorized) -> Response:
    return error_response(error, {"WWW-Authenticate": REALM})


@blueprint.errorhandler(ValidationFailed)
def refused(error: ValidationFailed) -> Response:
    """422: the report, as JSON (summary in French and English, SHACL report as JSON-LD) or,
    for a browser that asks for it, as a page."""
    accept = parse_accept(request.headers.get("Accept"))
    named = {value.lower() for value, _ in accept}
    if "text/html" in named and accept.best_match(["text/html", "application/json"]) == "text/html":
        body = render_template("write_refused.html", error=error)
        response = Response(body, status=422, mimetype="text/html")
    else:
        payload = {
            "error": error.code,
            "status": error.status,
            "message": {
                "fr": error.message_fr.split("\n", 1)[0],
                "en": error.message_en.split("\n", 1)[0],
            },
            "summary": error.details.get("summary"),
            "counts": error.details.get("counts"),
            "results": error.details.get("results"),
            "report": error.details.get("report"),
        }
        response = Response(
            json.dumps(payload, ensure_ascii=False), status=422, mimetype="application/json"
        )
    response.headers["Vary"] = "Accept"
    return response


# ---------------------------------------------------------------------------------------------
# Bodies
# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# SPARQL 1.1 Update
# ---------------------------------------------------------------------------------------------


@blueprint.route("/sparql/update", methods=["POST"])
def update() -> Response:
    writer = authorize()
    settings = config()
    text, using, using_named = read_update(settings)
    base = endpoint_iri(settings)
    check_update(text, settings, base_iri=base)
    check_blank_nodes(text)
    if using or using_named:
        text = with_dataset(text, using, using_named)
    union = settings.union_default_graph
    outcome = publisher().write(
        lambda current: current.update_delta(text, base, union),
        agent=writer,
        operation="SPARQL Update",
    )
    return written(outcome, 200)


def read_update(settings: Config) -> tuple[str, list[str], list[str]]:
    """The update text and the protocol's dataset (§2.2.1–2.2.3)."""
    mimetype = (request.mimetype or "").lower()
    url_pairs = list(request.args.items(multi=True))
    limit = 3 * settings.max_query_bytes + 65536  # url-encoding may triple the text
    if mimetype == SPARQL_UPDATE_TYPE:
        text = utf8_text(
            read_body(settings.max_query_bytes, "max_query_bytes"), "la mise à jour", "the update"
        )
        pairs = url_pairs
        if any(name == "update" for name, _ in pairs):
            raise _several_updates()
    elif mimetype == FORM_TYPE:
        body = utf8_text(read_body(limit, "max_query_bytes"), "le corps de la requête", "the body")
        pairs = parse_qsl(body, keep_blank_values=True) + url_pairs
        updates = [value for name, value in pairs if name == "update"]
        if len(updates) != 1:
            if updates:
                raise _several_updates()
            raise BadRequest("Paramètre update manquant.", "Missing update parameter.")
        text = updates[0]
    else:
        shown = mimetype or "(aucun / none)"
        raise UnsupportedMediaType(
            f"Type de contenu {shown} non pris en charge : envoyez la mise à jour en "
            f"{SPARQL_UPDATE_TYPE}, ou en {FORM_TYPE} (paramètre update).",
            f"Content type {shown} is not supported: send the update as {SPARQL_UPDATE_TYPE}, or as "
            f"{FORM_TYPE} (parameter update).",
        )
    if any(name == "query" for name, _ in pairs):
        raise BadRequest(
            "Une requête (query) n'a pas sa place ici : les requêtes vont à /sparql.",
            "A query does not belong here: queries go to /sparql.",
        )
    using = [value for name, value in pairs if name == "using-graph-uri"]
    using_named = [value for name, value in pairs if name == "using-named-graph-uri"]
    for iri in using + using_named:
        _check_iri(iri, "using-graph-uri / using-named-graph-uri")
    return text, using, using_named


def _several_updates() -> BadRequest:
    return BadRequest(
        "Un seul paramètre update est admis par requête.",
        "Exactly one update parameter is allowed per request.",
    )


def with_dataset(text: str, using: list[str], using_named: list[str]) -> str:
    """The update with the protocol's dataset written as ``USING`` / ``USING NAMED`` clauses
    before the ``WHERE`` of each DELETE/INSERT operation (SPARQL 1.1 Protocol §2.2.3).

    An update that names its own dataset (``USING``, ``USING NAMED`` or ``WITH``) as well is
    refused, as the protocol requires. Found on the tokens of the SPARQL grammar, so a
    keyword in a string, an IRI or a comment never counts.
    """
    tokens = _tokens(text)
    if any(t.keyword in ("USING", "WITH") for t in tokens):
        raise BadRequest(
            "La mise à jour nomme déjà son jeu de données (USING ou WITH) : les paramètres "
            "using-graph-uri et using-named-graph-uri ne peuvent s'y ajouter.",
            "The update already names its dataset (USING or WITH): the using-graph-uri and "
            "using-named-graph-uri parameters cannot be added to it.",
        )
    clause = "".join(f" USING <{iri}>" for iri in using)
    clause += "".join(f" USING NAMED <{iri}>" for iri in using_named)
    pieces = []
    last = 0
    depth = 0
    previous = None
    for token in tokens:
        if token.text == "{":
            depth += 1
        elif token.text == "}":
            depth -= 1
        elif (
            token.keyword == "WHERE"
            and depth == 0
            and (previous is None or previous.keyword != "DELETE")
        ):
            pieces.append(text[last : token.offset])
            pieces.append(clause.strip() + " ")
            last = token.offset
        previous = token
    pieces.append(text[last:])
    return "".join(pieces)


def check_blank_nodes(text: str) -> None:
    """Two rules of SPARQL 1.1 Update on blank nodes that rdflib's parser lets through
    (§3.1.2, §3.1.3, and the grammar's notes): no blank node in ``DELETE DATA``,
    ``DELETE WHERE`` or a ``DELETE`` template, and no blank node label of a DATA block in
    two operations of one request (W3C syntax-update-54). Checked on the grammar's tokens."""
    tokens = _tokens(text)
    labels: dict[str, int] = {}
    operation = 0
    depth = 0
    deleting_from: int | None = None  # the depth at which a DELETE block opened
    in_data = False  # inside an INSERT DATA or DELETE DATA block
    previous = None
    for position, token in enumerate(tokens):
        if token.text == "{":
            if (
                depth == 0
                and previous is not None
                and (
                    previous.keyword == "DELETE"
                    or (
                        previous.keyword in ("WHERE", "DATA")
                        and position >= 2
                        and tokens[position - 2].keyword == "DELETE"
                    )
                )
            ):
                deleting_from = depth
            if depth == 0 and previous is not None and previous.keyword == "DATA":
                in_data = True
            depth += 1
        elif token.text == "}":
            depth -= 1
            if deleting_from is not None and depth == deleting_from:
                deleting_from = None
            if depth == 0:
                in_data = False
        elif token.text == ";" and depth == 0:
            operation += 1
        elif token.kind == "BLANK" or (token.text == "[" and deleting_from is not None):
            if deleting_from is not None:
                raise BadRequest(
                    "Un nœud anonyme n'est pas admis dans DELETE DATA, DELETE WHERE ni un modèle "
                    "DELETE (SPARQL 1.1 Update, 3.1.2 et 3.1.3).",
                    "A blank node is not allowed in DELETE DATA, DELETE WHERE or a DELETE "
                    "template (SPARQL 1.1 Update, 3.1.2 and 3.1.3).",
                )
            if (
                token.kind == "BLANK"
                and in_data
                and labels.setdefault(token.text, operation) != operation
            ):
                raise BadRequest(
                    f"Le nœud anonyme {token.text} sert dans deux opérations : une étiquette de "
                    "nœud anonyme ne vaut que pour une opération (SPARQL 1.1, grammaire, note 8).",
                    f"The blank node {token.text} is used in two operations: a blank node label "
                    "belongs to one operation (SPARQL 1.1 grammar, note 8).",
                )
        previous = token


def _tokens(text: str) -> list:
    """The update's tokens; a character no token starts with is the update's syntax error
    (400, with its position), which the engine would report too."""
    try:
        return tokenize(text)
    except ValueError as error:  # the guard's LexError, which knows the position
        line, column = getattr(error, "line", None), getattr(error, "column", None)
        raise QuerySyntaxError.at("unexpected character", line, column) from None


def _check_iri(iri: str, name: str) -> None:
    problem = iri_problem(iri)
    if problem is not None:
        raise BadRequest(
            f"{name} doit être une IRI absolue : {iri[:200]!r} ({problem})",
            f"{name} must be an absolute IRI: {iri[:200]!r} ({problem})",
            reason=problem,
        )


def written(outcome: Outcome, status: int) -> Response:
    """The answer to an accepted write: what it did (JSON when asked, plain text otherwise)."""
    summary = outcome.summary()
    if status == 204:
        response = Response(status=204)
    elif any("json" in value.lower() for value, _ in parse_accept(request.headers.get("Accept"))):
        response = Response(
            json.dumps(summary, ensure_ascii=False), status=status, mimetype="application/json"
        )
    else:
        lines = [
            f"Écriture acceptée : {outcome.added} quads ajoutés, {outcome.removed} retirés.",
            f"Write accepted: {outcome.added} quads added, {outcome.removed} removed.",
        ]
        if summary["warnings"]:
            lines.append(f"Avertissements / warnings: {summary['warnings']}")
        if outcome.change is not None:
            lines.append(f"Historique / history: {outcome.change}")
        response = Response("\n".join(lines) + "\n", status=status, mimetype="text/plain")
    if outcome.change is not None:
        response.headers[CHANGE_HEADER] = str(outcome.change)
    response.headers["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------------------------------------
# The Graph Store HTTP Protocol
# ---------------------------------------------------------------------------------------------

#: Formats a graph is read and written in (one graph), and those that carry named graphs.
GRAPH_INPUT: tuple[Format, ...] = tuple(f for f in INPUT_FORMATS if f not in DATASET_FORMATS)
GRAPH_STORE_FORMATS: tuple[Format, ...] = GRAPH_FORMATS + DATASET_FORMATS


@dataclass(frozen=True)
class Target:
    """The graph a Graph Store request is about: a named graph, the default graph (None),
    or the store itself (``store=True``: POST creates a graph)."""

    graph: GraphName = None
    store: bool = False

    def label(self) -> str:
        return "default" if self.graph is None else str(self.graph)


def indirect_target() -> Target:
    args = request.args
    graphs = args.getlist("graph")
    has_default = "default" in args
    if len(graphs) > 1 or (graphs and has_default):
        raise BadRequest(
            "Donnez soit ?graph=IRI (une seule), soit ?default.",
            "Give either ?graph=IRI (only one) or ?default.",
        )
    if has_default:
        return Target(None)
    if graphs:
        _check_iri(graphs[0], "graph")
        return Target(URIRef(graphs[0]))
    return Target(store=True)


def direct_target(name: str) -> Target:
    if (
        not name
        or any(part in ("", ".", "..") for part in name.split("/"))
        or re.search(r'[\x00-\x20<>"{}|\\^`]', name)
    ):
        raise NotFound(f"Aucun graphe nommé {name[:200]!r}.", f"No graph named {name[:200]!r}.")
    return Target(URIRef(f"{config().base_url}graph/{name}"))


@blueprint.route("/graphs", methods=["GET", "HEAD", "PUT", "POST", "DELETE"])
def graph_store() -> Response:
    return handle(indirect_target())


@blueprint.route("/graphs/<path:name>", methods=["GET", "HEAD", "PUT", "POST", "DELETE"])
def graph_direct(name: str) -> Response:
    return handle(direct_target(name))


def handle(target: Target) -> Response:
    if request.method in ("GET", "HEAD"):
        return read_graph(target)
    writer = authorize()
    if target.store and request.method != "POST":
        raise BadRequest(
            f"{request.method} sur le magasin entier n'est pas permis : donnez ?graph=IRI ou "
            "?default.",
            f"{request.method} on the whole store is not allowed: give ?graph=IRI or ?default.",
        )
    if target.graph is not None:
        check_graph(target.graph, publisher().protected)
    if request.method == "DELETE":
        return delete_graph(target, writer)
    return upload(target, writer, replace=request.method == "PUT")


def _exists(current: Store, graph: GraphName) -> bool:
    return next(iter(current.quads(graph=graph)), None) is not None


def read_graph(target: Target) -> Response:
    if target.store:
        raise BadRequest(
            "GET sur /graphs demande ?graph=IRI ou ?default (le magasin entier se télécharge "
            "par le catalogue).",
            "GET on /graphs needs ?graph=IRI or ?default (the whole store is downloaded from "
            "the catalog).",
        )
    # Media-type parameters (``text/turtle; charset=utf-8``) do not change the format asked for.
    accept = ", ".join(
        f"{value.split(';', 1)[0].strip()};q={quality}"
        for value, quality in parse_accept(request.headers.get("Accept"))
    )
    fmt = negotiate(accept, GRAPH_STORE_FORMATS)
    if fmt is None:
        supported = ", ".join(f.media_type for f in GRAPH_STORE_FORMATS)
        raise NotAcceptable(
            f"Formats disponibles pour un graphe : {supported}.",
            f"Formats available for a graph: {supported}.",
        )
    current = store()
    if target.graph is not None and not _exists(current, target.graph):
        raise NotFound(
            f"Aucun graphe {target.graph} dans le magasin.",
            f"No graph {target.graph} in the store.",
            graph=str(target.graph),
        )
    out = io.BytesIO()
    current.dump(out, fmt, target.graph)
    response = Response(
        out.getvalue() if request.method != "HEAD" else b"", content_type=content_type(fmt)
    )
    if request.method == "HEAD":
        response.headers["Content-Length"] = str(len(out.getvalue()))
    response.headers["Vary"] = "Accept"
    response.headers["Cache-Control"] = "no-cache"
    return response


def delete_graph(target: Target, writer: str) -> Response:
    def compute(current: Store) -> Changeset:
        if target.graph is not None and not _exists(current, target.graph):
            raise NotFound(
                f"Aucun graphe {target.graph} dans le magasin.",
                f"No graph {target.graph} in the store.",
                graph=str(target.graph),
            )
        return Changeset(remove=list(current.quads(graph=target.graph)))

    outcome = publisher().write(
        compute, agent=writer, operation=f"Graph Store DELETE {target.label()}"
    )
    return written(outcome, 204)


def upload(target: Target, writer: str, replace: bool) -> Response:
    settings = config()
    document, is_dataset = read_document(settings, target)
    if target.store:
        if is_dataset:
            quads = dataset_quads(document, None)
            operation = "Graph Store POST (dataset)"
        else:
            target = Target(URIRef(f"{settings.base_url}graph/{uuid.uuid4()}"))
            quads = dataset_quads(document, target.graph)
            operation = f"Graph Store POST {target.label()}"
    else:
        quads = dataset_quads(document, target.graph)
        operation = f"Graph Store {'PUT' if replace else 'POST'} {target.label()}"
    if len(quads) > settings.max_write_quads:
        raise PayloadTooLarge(
            f"Le document contient {len(quads)} quads ; une écriture en compte au plus "
            f"{settings.max_write_quads} (réglage max_write_quads).",
            f"The document holds {len(quads)} quads; one write holds at most "
            f"{settings.max_write_quads} (setting max_write_quads).",
            limit=settings.max_write_quads,
        )
    existed = {"value": True}

    def compute(current: Store) -> Changeset:
        if target.graph is not None:
            existed["value"] = _exists(current, target.graph)
        present = current.contains_quads(quads)
        add = [q for q in quads if q not in present]
        remove: list[Quad] = []
        if replace:
            keep = set(quads)
            remove = [q for q in current.quads(graph=target.graph) if q not in keep]
        return Changeset(remove=remove, add=add)

    outcome = publisher().write(compute, agent=writer, operation=operation)
    created = not existed["value"] and bool(quads)
    response = written(outcome, 201 if created else 204)
    if created and target.graph is not None:
        response.headers["Location"] = str(target.graph)
    return response


def read_document(settings: Config, target: Target) -> tuple[Dataset, bool]:
    """The uploaded RDF, parsed safely (``rdfio``: no remote JSON-LD context, line and reason
    on errors), and whether it is a dataset (TriG, N-Quads)."""
    mimetype = (request.mimetype or "").lower()
    if mimetype == MULTIPART_TYPE:
        return read_multipart(settings, target), False
    fmt = by_media_type(mimetype, INPUT_FORMATS) if mimetype else None
    if fmt is None:
        raise _unsupported(mimetype)
    is_dataset = fmt in DATASET_FORMATS
    if is_dataset and not target.store:
        raise UnsupportedMediaType(
            f"{fmt.label} porte plusieurs graphes : envoyez-le par POST sur /graphs (sans "
            "?graph), ou envoyez ce graphe seul en Turtle, N-Triples, JSON-LD ou RDF/XML.",
            f"{fmt.label} carries several graphs: POST it to /graphs (without ?graph), or send "
            "this graph alone as Turtle, N-Triples, JSON-LD or RDF/XML.",
        )
    data = read_body(settings.max_upload_bytes, "max_upload_bytes")
    return _parse(data, fmt, settings, target, "corps de la requête / request body"), is_dataset


def read_multipart(settings: Config, target: Target) -> Dataset:
    """``multipart/form-data``: each part is a document in its own type (SPARQL 1.1 Graph
    Store HTTP Protocol §5.5), merged into one."""
    from werkzeug.formparser import parse_form_data

    data = read_body(settings.max_upload_bytes, "max_upload_bytes")
    environ = dict(request.environ)
    environ["wsgi.input"] = io.BytesIO(data)
    environ["CONTENT_LENGTH"] = str(len(data))
    try:
        _, _, files = parse_form_data(environ, silent=False)
    except ValueError as error:  # no boundary, a part that never ends…
        raise BadRequest(
            f"Corps multipart/form-data illisible : {error}.",
            f"Unreadable multipart/form-data body: {error}.",
            reason=str(error),
        ) from None
    merged = Dataset()
    for name, part in files.items(multi=True):
        fmt = by_media_type(part.mimetype, GRAPH_INPUT) if part.mimetype else None
        if fmt is None:
            fmt = BY_FILE_EXTENSION.get(PurePath(part.filename or name).suffix.lower())
        if fmt is None or fmt in DATASET_FORMATS:
            raise _unsupported(part.mimetype or "(aucun / none)")
        parsed = _parse(part.read(), fmt, settings, target, part.filename or name)
        for quad in parsed.quads((None, None, None, None)):
            merged.add(quad)
    return merged


def _parse(data: bytes, fmt: Format, settings: Config, target: Target, name: str) -> Dataset:
    base = str(target.graph) if target.graph is not None else settings.base_url
    return parse_dataset(
        data,
        fmt=fmt,
        name=name,
        base=base,
        base_url=settings.base_url,
        max_quads=settings.max_write_quads,
    )


def _unsupported(mimetype: str) -> UnsupportedMediaType:
    supported = ", ".join(f.media_type for f in INPUT_FORMATS)
    shown = mimetype or "(aucun / none)"
    return UnsupportedMediaType(
        f"Type de contenu {shown} non pris en charge. Types acceptés : {supported} "
        f"(TriG et N-Quads par POST sur /graphs), et {MULTIPART_TYPE}.",
        f"Content type {shown} is not supported. Accepted types: {supported} (TriG and "
        f"N-Quads by POST to /graphs), and {MULTIPART_TYPE}.",
    )


def register(app) -> None:
    app.register_blueprint(blueprint)


__all__ = ["blueprint", "credentials", "with_dataset"]
