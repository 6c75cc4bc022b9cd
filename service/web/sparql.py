"""``/sparql``: the SPARQL 1.1 Protocol's query operation, the service description, the editor.

https://www.w3.org/TR/sparql11-protocol/#query-operation — a query arrives by
GET (``?query=``), by POST url-encoded, or by POST with the query as the body
(``application/sparql-query``); ``default-graph-uri`` and ``named-graph-uri``
give the dataset. Anything else is a client error (4xx), said in French and
English. GET without a query answers the service description, or the query
editor for a browser. Every response, errors included, is open to other
origins (CORS): the endpoint is read-only.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qsl

from flask import Blueprint, Response, render_template, request, send_file, send_from_directory

from ..config import Config
from ..errors import (
    BadRequest,
    MediationError,
    NotAcceptable,
    NotFound,
    QuerySyntaxError,
    UnsupportedMediaType,
)
from ..formats import (
    FORM_TYPE,
    GRAPH_FORMATS,
    HTML,
    JSONLD,
    RDFXML,
    RESULTS_FORMATS,
    RESULTS_JSON,
    RESULTS_XML,
    SPARQL_QUERY_TYPE,
    SPARQL_UPDATE_TYPE,
    TURTLE,
    Format,
    by_media_type,
    content_type,
    negotiate,
    parse_accept,
)
from ..namespaces import NOT_IN_XML_UTF8, PREFIXES, SD, iri_problem
from ..rdfio import CONTEXT_FILE
from ..sparql import (
    DEFAULT_QUERY,
    EXAMPLES_QUERY,
    FORMAT_PARAMETERS,
    Analysis,
    Example,
    check_query,
    download_disposition,
    editor_link,
    endpoint_iri,
    etag,
    examples_from_rows,
    gallery,
    result_format,
    service_description,
    with_base,
    with_label_language,
)
from ..store import QueryRequest, QueryResponse, Store
from .bodies import read_body, utf8_text
from .context import builds, config, store
from .fairness import query_slot
from .site import default_language, languages, public_root

blueprint = Blueprint(
    "sparql", __name__, static_folder="static/sparql", static_url_path="/static/sparql"
)

#: Where ``npm ci --prefix service/web/assets`` puts the built editor (see assets/copy-vendor.js).
VENDOR_DIR = Path(__file__).resolve().parent / "static" / "vendor" / "yasgui"
VENDOR_FILES = ("yasgui.min.js", "yasgui.min.css")

TRUNCATED_HEADER = "X-Mediation-Truncated"
ROW_CAP_HEADER = "X-Mediation-Row-Cap"
ROWS_HEADER = "X-Mediation-Rows"
#: ``hit``: the answer was kept from an earlier evaluation at the same store generation
#: (``service.store.cache``); ``miss``: evaluated for this request. Benchmarks read it.
CACHE_HEADER = "X-Mediation-Cache"
#: Named graphs the service description lists at most (a store may hold thousands).
MAX_LISTED_GRAPHS = 1000

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": ", ".join(
        (
            TRUNCATED_HEADER,
            ROW_CAP_HEADER,
            ROWS_HEADER,
            CACHE_HEADER,
            "ETag",
            "Content-Type",
            "Retry-After",
        )
    ),
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept, Accept-Language, Authorization, "
    "If-None-Match",
    "Access-Control-Max-Age": "86400",
    "Allow": "GET, HEAD, POST, OPTIONS",
}


# ---------------------------------------------------------------------------------------------
# Reading the request (protocol §2.1)
# ---------------------------------------------------------------------------------------------


class ProtocolRequest:
    """The operation's parameters, whichever way they came."""

    def __init__(
        self,
        query: str | None,
        default_graphs: list[str],
        named_graphs: list[str],
        format_values: list[str],
        download: bool = False,
    ):
        self.query = query
        self.default_graphs = tuple(default_graphs)
        self.named_graphs = tuple(named_graphs)
        self.format_values = format_values
        self.download = download  # ``download=``: the answer is saved as a file


def read_protocol_request(settings: Config) -> ProtocolRequest:
    if request.method in ("GET", "HEAD"):
        return _from_pairs(list(request.args.items(multi=True)))
    mimetype = (request.mimetype or "").lower()
    url_pairs = list(request.args.items(multi=True))
    if mimetype == SPARQL_QUERY_TYPE:
        if any(name == "query" for name, _ in url_pairs):
            raise _multiple_queries()
        text = utf8_text(
            read_body(settings.max_query_bytes, "max_query_bytes"), "la requête", "the query"
        )
        parsed = _from_pairs(url_pairs)
        parsed.query = text
        return parsed
    if mimetype == FORM_TYPE:
        limit = 3 * settings.max_query_bytes + 65536  # url-encoding may triple the text
        body = utf8_text(read_body(limit, "max_query_bytes"), "le corps de la requête", "the body")
        pairs = parse_qsl(body, keep_blank_values=True)
        if any(name == "query" for name, _ in url_pairs):
            raise _multiple_queries()
        return _from_pairs(pairs + url_pairs)
    if mimetype == SPARQL_UPDATE_TYPE:
        raise _update_refused()
    if not mimetype:
        raise UnsupportedMediaType(
            "Requête POST sans Content-Type : envoyez la requête en "
            f"{FORM_TYPE} (paramètre query) ou en {SPARQL_QUERY_TYPE}.",
            f"POST request without a Content-Type: send the query as {FORM_TYPE} "
            f"(parameter query) or as {SPARQL_QUERY_TYPE}.",
        )
    raise UnsupportedMediaType(
        f"Type de contenu {mimetype} non pris en charge : envoyez la requête en {FORM_TYPE} "
        f"(paramètre query) ou en {SPARQL_QUERY_TYPE}.",
        f"Content type {mimetype} is not supported: send the query as {FORM_TYPE} "
        f"(parameter query) or as {SPARQL_QUERY_TYPE}.",
    )


def _from_pairs(pairs: list[tuple[str, str]]) -> ProtocolRequest:
    names = [name for name, _ in pairs]
    if "update" in names or "using-graph-uri" in names or "using-named-graph-uri" in names:
        raise _update_refused()
    queries = [value for name, value in pairs if name == "query"]
    if len(queries) > 1:
        raise _multiple_queries()
    formats = [value for name, value in pairs if name in FORMAT_PARAMETERS and value.strip()]
    default_graphs = [value for name, value in pairs if name == "default-graph-uri"]
    named_graphs = [value for name, value in pairs if name == "named-graph-uri"]
    for iri in default_graphs + named_graphs:
        _check_graph_iri(iri)
    download = any(
        name == "download" and value.strip().lower() not in ("0", "false", "no")
        for name, value in pairs
    )
    return ProtocolRequest(
        queries[0] if queries else None, default_graphs, named_graphs, formats, download
    )


def _check_graph_iri(iri: str) -> None:
    problem = iri_problem(iri)
    if problem is not None:
        raise BadRequest(
            f"default-graph-uri et named-graph-uri doivent être des IRI absolues : "
            f"{iri[:200]!r} ({problem})",
            f"default-graph-uri and named-graph-uri must be absolute IRIs: {iri[:200]!r} "
            f"({problem})",
            reason=problem,
        )


def _multiple_queries() -> BadRequest:
    return BadRequest(
        "Un seul paramètre query est admis par requête.",
        "Exactly one query parameter is allowed per request.",
    )


def _update_refused() -> BadRequest:
    return BadRequest(
        "Ce point d'accès n'exécute que des requêtes ; les mises à jour SPARQL Update vont à "
        "/sparql/update.",
        "This endpoint runs queries only; SPARQL Update requests go to /sparql/update.",
    )


# ---------------------------------------------------------------------------------------------
# The endpoint
# ---------------------------------------------------------------------------------------------


@blueprint.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def endpoint():
    if request.method == "OPTIONS":
        return Response(status=204, headers=PREFLIGHT_HEADERS)
    settings = config()
    params = read_protocol_request(settings)
    if params.query is None:
        if request.method == "POST":
            raise BadRequest("Paramètre query manquant.", "Missing query parameter.")
        return describe_or_edit(params)
    if not params.query.strip():
        raise BadRequest("La requête est vide.", "The query is empty.")
    analysis = check_query(params.query, settings, base_iri=endpoint_iri(settings))
    form = analysis.form or "select"
    if _wants_html(params):
        # A browser following an "open in the editor" link gets the editor with the query;
        # the plain form (format=html) gets the results as a table.
        if params.format_values:
            return results_page(params, analysis)
        return editor_page(params)
    chosen = result_format(form, request.headers.get("Accept"), params.format_values)
    return run(params, analysis, chosen)


def run(params: ProtocolRequest, analysis: Analysis, chosen) -> Response:
    settings = config()
    current = store()
    result_format, graph_format = _both_formats(analysis, chosen)
    validator = None
    if request.method in ("GET", "HEAD"):
        validator = etag(
            current.generation,
            params.query,
            params.default_graphs,
            params.named_graphs,
            chosen.key,
            settings.max_rows,
            params.download,
        )
        if request.if_none_match.contains(validator):
            return Response(status=304, headers=_cache_headers(validator))
    answer = query_store(params, analysis, result_format, graph_format)
    fmt = by_media_type(answer.media_type) or chosen
    if fmt in XML_FORMATS:
        _check_xml(answer.body)
    response = Response(answer.body, status=200, content_type=content_type(fmt))
    response.headers["Vary"] = "Accept"
    response.headers[ROWS_HEADER] = str(answer.rows)
    response.headers[CACHE_HEADER] = "hit" if answer.cached else "miss"
    if params.download:
        response.headers["Content-Disposition"] = download_disposition(fmt)
    _say_if_truncated(response, answer, settings)
    if validator:
        response.headers.update(_cache_headers(validator))
    else:
        response.headers["Cache-Control"] = "no-store"
    return response


def query_store(
    params: ProtocolRequest, analysis: Analysis, result_format: Format, graph_format: Format
) -> QueryResponse:
    """Run the query on the store with the settings' limits and the request's dataset, in
    one of the client address's query slots."""
    request_, shift = query_request(
        config(), params.query or "", analysis, result_format, graph_format, params
    )
    try:
        with query_slot():
            return store().run_query(request_)
    except QuerySyntaxError as error:
        details = error.details
        if shift and details.get("line") == 1 and details.get("column") and "reason" in details:
            column = max(1, details["column"] - shift)
            raise QuerySyntaxError.at(details["reason"], 1, column) from None
        raise


def query_request(
    settings: Config,
    query: str,
    analysis: Analysis,
    result_format: Format,
    graph_format: Format,
    params: ProtocolRequest | None = None,
) -> tuple[QueryRequest, int]:
    """What the store is asked for a query, with the settings' limits and the request's
    dataset; and how many characters a ``BASE`` put in front of the first line."""
    base = endpoint_iri(settings)
    text, shift = with_base(query, analysis, base)
    return (
        QueryRequest(
            query=text,
            result_format=result_format,
            graph_format=graph_format,
            default_graph_uris=params.default_graphs if params else (),
            named_graph_uris=params.named_graphs if params else (),
            timeout=settings.query_timeout,
            max_rows=settings.max_rows,
            base_iri=base,
            union_default_graph=settings.union_default_graph,
        ),
        shift,
    )


def _both_formats(analysis: Analysis, chosen, accept: str | None = None):
    """The results format and the graph format a request carries (only one is used)."""
    if accept is None:
        accept = request.headers.get("Accept")
    if chosen in GRAPH_FORMATS:
        return negotiate(accept, RESULTS_FORMATS) or RESULTS_JSON, chosen
    return chosen, negotiate(accept, GRAPH_FORMATS) or TURTLE


#: What the editor (YASGUI) sends as ``Accept``, by query form: the example queries are
#: computed again in the background for these, so that the editor's request finds them.
EDITOR_ACCEPT = {
    "select": "application/sparql-results+json,*/*;q=0.9",
    "ask": "application/sparql-results+json,*/*;q=0.9",
    "construct": "application/n-triples,*/*;q=0.9",
    "describe": "application/n-triples,*/*;q=0.9",
}


def example_requests(current: Store, settings: Config) -> list[QueryRequest]:
    """The example queries of the gallery, in each interface language, as the editor asks
    for them: what the background refresh computes again after a write (``app.py``)."""
    requests = []
    for example in examples_from_rows(current.select(EXAMPLES_QUERY)):
        for lang in dict.fromkeys(settings.languages):
            text = with_label_language(example.query, lang)
            try:
                analysis = check_query(text, settings, base_iri=endpoint_iri(settings))
            except MediationError:  # an example this endpoint refuses is no answer to keep
                continue
            form = analysis.form or "select"
            accept = EDITOR_ACCEPT.get(form, EDITOR_ACCEPT["select"])
            chosen = result_format(form, accept)
            formats = _both_formats(analysis, chosen, accept)
            request = query_request(settings, text, analysis, *formats)[0]
            # The timeout is no part of the cache key: the answer made here is a researcher's.
            requests.append(replace(request, timeout=settings.refresh_timeout))
    return list(dict.fromkeys(requests))  # a query with no label to pick is one request


#: Results written in XML: a query can make a character XML 1.0 cannot carry (``"\u0001"``
#: in a ``BIND``), which the engine writes as it is, ill-formed under a 200.
XML_FORMATS = (RESULTS_XML, RDFXML)


def _check_xml(body: bytes) -> None:
    """Refuse (406) results that XML cannot carry, rather than send an ill-formed document."""
    found = NOT_IN_XML_UTF8.search(body)
    if found is None:
        return
    char = f"U+{ord(found.group().decode('utf-8')):04X}"
    raise NotAcceptable(
        f"Ce résultat contient le caractère {char} (octet {found.start() + 1}), que XML 1.0 ne "
        "peut pas porter : demandez-le en JSON, CSV, TSV, Turtle ou N-Triples.",
        f"This result holds the character {char} (byte {found.start() + 1}), which XML 1.0 "
        "cannot carry: ask for it as JSON, CSV, TSV, Turtle or N-Triples.",
        character=char,
    )


def _say_if_truncated(response: Response, answer: QueryResponse, settings: Config) -> None:
    """A result cut at ``max_rows`` says so, and where."""
    if answer.truncated:
        response.headers[TRUNCATED_HEADER] = "true"
        response.headers[ROW_CAP_HEADER] = str(settings.max_rows)


def _cache_headers(validator: str) -> dict[str, str]:
    # Answers change with every write: caches may keep them but must revalidate, which costs
    # a 304 and no evaluation while the store's generation has not moved.
    return {"ETag": f'"{validator}"', "Cache-Control": "public, no-cache", "Vary": "Accept"}


def _wants_html(params: ProtocolRequest) -> bool:
    """A browser: ``format=html``, or an Accept that names HTML and prefers it to every format."""
    if params.format_values:
        return any(
            value.strip().lower() in (HTML.key, HTML.media_type) for value in params.format_values
        )
    accept = parse_accept(request.headers.get("Accept"))
    named = {value.lower() for value, _ in accept}
    if HTML.media_type not in named and "application/xhtml+xml" not in named:
        return False
    candidates = [HTML.media_type]
    for fmt in RESULTS_FORMATS + GRAPH_FORMATS:
        candidates.extend((fmt.media_type,) + fmt.aliases)
    return accept.best_match(candidates) == HTML.media_type


@blueprint.after_app_request
def open_to_other_origins(response: Response) -> Response:
    """CORS on every response of the endpoint, errors included; Retry-After on a 503."""
    if request.path in ("/sparql", "/context.jsonld") or request.path.startswith("/static/vendor/"):
        response.headers.update(CORS_HEADERS)
        if response.status_code == 503:
            response.headers.setdefault("Retry-After", "5")
    return response


# ---------------------------------------------------------------------------------------------
# GET without a query: the service description, or the editor
# ---------------------------------------------------------------------------------------------


def describe_or_edit(params: ProtocolRequest) -> Response:
    if _wants_html(params):
        return editor_page(params)
    # The description is a graph: it is answered as a CONSTRUCT is.
    chosen = result_format("construct", request.headers.get("Accept"), params.format_values)
    current = store()
    settings = config()
    # The union's size comes from the last open-data build: counting the store here would
    # scan every quad on every request.
    build = builds().current
    triples = build.manifest.triples.get("all") if build and settings.union_default_graph else None
    validator = etag(
        current.generation,
        "service-description",
        chosen.key,
        public_root(),
        build.identity if build else "",
    )
    if request.if_none_match.contains(validator):
        return Response(status=304, headers=_cache_headers(validator))
    graph = service_description(
        settings,
        public_root() + "sparql",
        [str(name) for name in current.graph_names()[:MAX_LISTED_GRAPHS]],
        triples,
        load_examples(),
    )
    if chosen is JSONLD:
        body = graph.serialize(
            format="json-ld", context=dict(PREFIXES, sd=str(SD)), auto_compact=True
        )
    else:
        body = graph.serialize(format=chosen.rdflib)
    response = Response(body, content_type=content_type(chosen))
    response.headers.update(_cache_headers(validator))
    return response


def load_examples() -> list[Example]:
    """The example queries in the store (graph ``graph/examples``), in IRI order."""
    return examples_from_rows(store().select(EXAMPLES_QUERY))


def vendor_available() -> bool:
    return all((VENDOR_DIR / name).is_file() for name in VENDOR_FILES)


def editor_page(params: ProtocolRequest) -> Response:
    """The editor: one tab with the linked query (or the default one), and the gallery."""
    settings = config()
    lang = languages().ui
    query = params.query if params.query is not None else with_label_language(DEFAULT_QUERY, lang)
    editor = {
        "endpoint": public_root() + "sparql",
        "query": query,
        "fromLink": params.query is not None,
        "prefixes": PREFIXES,
    }
    body = render_template(
        "sparql.html",
        lang=lang,
        editor=editor,
        query=query,
        gallery=gallery(load_examples(), lang),
        vendor=vendor_available(),
        settings=settings,
        endpoint_url=public_root() + "sparql",
        downloads=DOWNLOADS,
        editor_link=editor_link,
        open_link=lambda text: _open_link(text, lang),
    )
    response = Response(body, content_type=content_type(HTML))
    response.headers["Vary"] = "Accept, Accept-Language"
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Link"] = (
        '</sparql?format=turtle>; rel="alternate"; type="text/turtle", '
        '</sparql?format=jsonld>; rel="alternate"; type="application/ld+json"'
    )
    return response


def _open_link(query: str, lang: str) -> str:
    """A link that opens ``query`` in the editor, in ``lang`` when it is not the default."""
    link = editor_link(query)
    return link if lang == default_language() else f"{link}&lang={lang}"


#: The editor's download links: the query's results saved as a file (``format=…&download=1``).
DOWNLOADS = (("csv", "CSV"), ("tsv", "TSV"), ("json", "JSON"))


def results_page(params: ProtocolRequest, analysis: Analysis) -> Response:
    """The answer as an HTML page: what the plain form (no JavaScript) shows."""
    settings = config()
    form = analysis.form or "select"
    graph_result = form in ("construct", "describe")
    answer = query_store(params, analysis, RESULTS_JSON, TURTLE)
    table = None
    boolean = None
    text = None
    if graph_result or answer.form == "construct":
        text = answer.body.decode("utf-8", "replace")
    else:
        document = json.loads(answer.body)
        if "boolean" in document:
            boolean = bool(document["boolean"])
        else:
            variables = document.get("head", {}).get("vars", [])
            rows = [
                [binding.get(var) for var in variables]
                for binding in document.get("results", {}).get("bindings", [])
            ]
            table = {"vars": variables, "rows": rows}
    body = render_template(
        "sparql_results.html",
        lang="fr",
        query=params.query,
        table=table,
        boolean=boolean,
        text=text,
        rows=answer.rows,
        truncated=answer.truncated,
        max_rows=settings.max_rows,
        formats=[f for f in (RESULTS_FORMATS if not graph_result else GRAPH_FORMATS)],
        editor_link=editor_link(params.query or ""),
    )
    response = Response(body, content_type=content_type(HTML))
    response.headers["Vary"] = "Accept"
    response.headers["Cache-Control"] = "no-store"
    _say_if_truncated(response, answer, settings)
    return response


@blueprint.get("/context.jsonld")
def jsonld_context():
    """The project's JSON-LD context, the document behind ``{base}context.jsonld``.

    Uploads that name it get the same file substituted (``rdfio``), so what a client
    fetches here is what the service reads. Open to every origin, like the endpoint,
    since JSON-LD processors in browsers fetch it; validated by its ETag.
    """
    return send_file(
        CONTEXT_FILE, mimetype=JSONLD.media_type, etag=True, conditional=True, max_age=3600
    )


@blueprint.get("/static/vendor/yasgui/<path:filename>")
def vendor(filename: str):
    """The editor's built files, served by the service itself (no CDN, works offline)."""
    if filename not in VENDOR_FILES or not vendor_available():
        raise NotFound(
            "Fichier de l'éditeur absent : lancez « npm ci --prefix service/web/assets ».",
            "Editor file missing: run `npm ci --prefix service/web/assets`.",
        )
    return send_from_directory(VENDOR_DIR, filename, max_age=86400)
