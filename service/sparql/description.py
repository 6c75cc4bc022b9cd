"""The service description, and the example queries it lists.

The endpoint describes itself as an ``sd:Service``
(https://www.w3.org/TR/sparql11-service-description/): languages, result formats,
features, its dataset, and the example catalogue. The examples are data
(``data/examples.ttl``, graph ``graph/examples``), each an ``sh:SPARQLExecutable``; they
are read from the store's rows (:data:`EXAMPLES_QUERY`, :func:`examples_from_rows`) or
from a graph (:func:`examples_from_graph`), and open in the editor.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SH, VOID, XSD

from ..config import Config
from ..formats import (
    JSONLD,
    NTRIPLES,
    RDFXML,
    RESULTS_CSV,
    RESULTS_JSON,
    RESULTS_TSV,
    RESULTS_XML,
    TURTLE,
)
from ..namespaces import PREFIXES, SD, SDO
from .protocol import editor_link, endpoint_iri

# ---------------------------------------------------------------------------------------------
# The example catalogue
# ---------------------------------------------------------------------------------------------

EXECUTABLE_FORMS = {
    SH.select: "select",
    SH.ask: "ask",
    SH.construct: "construct",
}

EXAMPLES_QUERY = """
PREFIX sh: <http://www.w3.org/ns/shacl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?example ?property ?text ?lang WHERE {
  ?example a sh:SPARQLExecutable .
  {
    VALUES ?property { sh:select sh:ask sh:construct }
    ?example ?property ?text .
  } UNION {
    VALUES ?property { rdfs:label rdfs:comment dct:subject }
    ?example ?property ?text .
    BIND(LANG(?text) AS ?lang)
  }
}
ORDER BY ?example
LIMIT 5000
"""


@dataclass
class Example:
    iri: str
    form: str
    query: str
    labels: dict[str, str] = field(default_factory=dict)  # language tag ("" untagged) -> text
    comments: dict[str, str] = field(default_factory=dict)
    themes: dict[str, str] = field(default_factory=dict)  # the gallery's theme, by language

    @property
    def slug(self) -> str:
        return self.iri.rstrip("/").rsplit("/", 1)[-1]

    def label(self, lang: str = "fr") -> str:
        return _pick(self.labels, lang) or self.slug

    def comment(self, lang: str = "fr") -> str:
        return _pick(self.comments, lang)

    @property
    def link(self) -> str:
        return editor_link(self.query)


def _pick(texts: dict[str, str], lang: str) -> str:
    for key in (lang, "fr", "en", ""):
        if texts.get(key):
            return texts[key]
    return next(iter(texts.values()), "")


_TEXT_KINDS = {RDFS.label: "labels", RDFS.comment: "comments", DCTERMS.subject: "themes"}


def examples_from_rows(rows: Iterable[dict]) -> list[Example]:
    """Examples from the rows of :data:`EXAMPLES_QUERY`, in IRI order."""
    found: dict[str, Example] = {}
    texts: dict[str, dict[str, dict[str, str]]] = {}
    for row in rows:
        iri = str(row["example"])
        prop = URIRef(str(row["property"]))
        text = str(row["text"])
        if prop in EXECUTABLE_FORMS:
            found[iri] = Example(iri, EXECUTABLE_FORMS[prop], text)
        else:
            lang = str(row.get("lang") or getattr(row["text"], "language", None) or "").lower()
            kind = _TEXT_KINDS[prop]
            texts.setdefault(iri, {}).setdefault(kind, {})[lang] = text
    for iri, example in found.items():
        example.labels = texts.get(iri, {}).get("labels", {})
        example.comments = texts.get(iri, {}).get("comments", {})
        example.themes = texts.get(iri, {}).get("themes", {})
    return sorted(found.values(), key=lambda e: e.iri)


def examples_from_graph(graph: Graph) -> list[Example]:
    """Examples from an RDF graph (the catalogue file, for tests and documentation)."""
    rows = []
    for example in graph.subjects(RDF.type, SH.SPARQLExecutable):
        for prop in list(EXECUTABLE_FORMS) + list(_TEXT_KINDS):
            for text in graph.objects(example, prop):
                rows.append(
                    {
                        "example": example,
                        "property": prop,
                        "text": text,
                        "lang": getattr(text, "language", None) or "",
                    }
                )
    return examples_from_rows(rows)


# ---------------------------------------------------------------------------------------------
# The service description (https://www.w3.org/TR/sparql11-service-description/)
# ---------------------------------------------------------------------------------------------

FORMATS_NS = "http://www.w3.org/ns/formats/"
#: Format IRIs of https://www.w3.org/ns/formats/ for the formats we answer in.
FORMAT_IRIS: dict[str, URIRef] = {
    RESULTS_JSON.key: URIRef(FORMATS_NS + "SPARQL_Results_JSON"),
    RESULTS_XML.key: URIRef(FORMATS_NS + "SPARQL_Results_XML"),
    RESULTS_CSV.key: URIRef(FORMATS_NS + "SPARQL_Results_CSV"),
    RESULTS_TSV.key: URIRef(FORMATS_NS + "SPARQL_Results_TSV"),
    TURTLE.key: URIRef(FORMATS_NS + "Turtle"),
    NTRIPLES.key: URIRef(FORMATS_NS + "N-Triples"),
    JSONLD.key: URIRef(FORMATS_NS + "JSON-LD"),
    RDFXML.key: URIRef(FORMATS_NS + "RDF_XML"),
}


def service_description(
    config: Config,
    endpoint_url: str,
    graph_names: Iterable[str],
    triples: int | None,
    examples: Sequence[Example],
) -> Graph:
    """The endpoint described as ``sd:Service``: languages, formats, features, dataset, examples.

    The service is named by its canonical IRI (``{base}sparql``, which the
    examples' ``schema:target`` points to); ``sd:endpoint`` is the address it
    was reached at.
    """
    graph = Graph()
    graph.bind("sd", str(SD))
    for prefix in ("schema", "sh", "rdfs", "dct", "void", "xsd"):
        graph.bind(prefix, PREFIXES[prefix])
    service = URIRef(endpoint_iri(config))
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(endpoint_url)))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for key in FORMAT_IRIS:
        graph.add((service, SD.resultFormat, FORMAT_IRIS[key]))
    union = config.union_default_graph
    if union:
        graph.add((service, SD.feature, SD.UnionDefaultGraph))
    if config.federation_allowlist:
        graph.add((service, SD.feature, SD.BasicFederatedQuery))
    graph.add(
        (service, SD.defaultEntailmentRegime, URIRef("http://www.w3.org/ns/entailment/Simple"))
    )
    graph.add(
        (service, DCTERMS.title, Literal("Médiation sociale — point d'accès SPARQL", lang="fr"))
    )
    graph.add((service, DCTERMS.title, Literal("Social mediation — SPARQL endpoint", lang="en")))
    graph.add(
        (
            service,
            RDFS.comment,
            Literal(
                "Requêtes SPARQL 1.1 en lecture seule. Le graphe par défaut est "
                + (
                    "l'union de tous les graphes nommés. "
                    if union
                    else "le graphe par défaut du magasin. "
                )
                + f"Limites : {config.max_rows} lignes par résultat, "
                f"{config.query_timeout:g} s par requête, {config.max_query_bytes} octets par requête.",
                lang="fr",
            ),
        )
    )
    graph.add(
        (
            service,
            RDFS.comment,
            Literal(
                "Read-only SPARQL 1.1 queries. The default graph is "
                + (
                    "the union of all named graphs. "
                    if union
                    else "the store's own default graph. "
                )
                + f"Limits: {config.max_rows} rows per result, {config.query_timeout:g} s per query, "
                f"{config.max_query_bytes} bytes per query.",
                lang="en",
            ),
        )
    )

    dataset = BNode()
    default_graph = BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    if triples is not None:
        graph.add((default_graph, VOID.triples, Literal(triples, datatype=XSD.integer)))
    for name in sorted(graph_names):
        named = BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))

    for example in examples:
        node = URIRef(example.iri)
        graph.add((node, RDF.type, SH.SPARQLExecutable))
        form_class = {
            "select": SH.SPARQLSelectExecutable,
            "ask": SH.SPARQLAskExecutable,
            "construct": SH.SPARQLConstructExecutable,
        }[example.form]
        graph.add((node, RDF.type, form_class))
        form_property = {v: k for k, v in EXECUTABLE_FORMS.items()}[example.form]
        graph.add((node, form_property, Literal(example.query)))
        graph.add((node, SDO.target, service))
        for lang, text in example.labels.items():
            graph.add((node, RDFS.label, Literal(text, lang=lang or None)))
        for lang, text in example.comments.items():
            graph.add((node, RDFS.comment, Literal(text, lang=lang or None)))
    return graph
