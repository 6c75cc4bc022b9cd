"""The VoID description of the data (https://www.w3.org/TR/void/), served at
``/.well-known/void`` (RFC 5785, VoID §7.2).

The whole dataset (the catalog's ``{base}catalog#all``) with:

* its size: ``void:triples`` (the union's, each triple once: what its Turtle, N-Triples
  and JSON-LD dumps hold, from the dumps' manifest), ``void:entities`` (distinct IRIs
  under ``{base}id/``, the ``void:uriSpace``), ``void:distinctSubjects``,
  ``void:distinctObjects``, ``void:classes``, ``void:properties``;
* class partitions (``void:class``, ``void:entities``) and property partitions
  (``void:property``, ``void:triples``), largest first;
* ``void:vocabulary`` for each vocabulary its classes and properties come from;
* ``void:sparqlEndpoint``, ``void:dataDump`` (every dump file), ``void:rootResource``;
* subsets: the catalog's subsets (events, actors, places, vocabulary) and each named
  graph of ours, with their triples and dumps;
* linksets to the official and outside identifiers the data points at (INSEE's
  territories through ``rdfs:seeAlso``, accounts through ``schema:sameAs``, thesauri
  through ``skos:exactMatch``…), one per link property and target, with its count.

Every figure comes from one aggregate query (bounded by ``LIMIT`` where it lists), run
once per store generation by the caller's cache. No Flask here.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, VOID, XSD

from .catalog import LICENCE, MAIN_DATASETS
from .dumps import DATASET_KEYS, NQUADS_GZ, TRIPLE_FORMATS, Manifest, graph_key
from .namespaces import PREFIXES, SDO
from .store import Store

#: Most class and property partitions listed (largest first).
MAX_PARTITIONS = 500
#: Properties that link to the same thing elsewhere, or to what describes it there.
LINK_PROPERTIES = (RDFS.seeAlso, SDO.sameAs, OWL.sameAs, SKOS.exactMatch, SKOS.closeMatch)
#: Names of the outside datasets the linksets point at, by host.
TARGETS: dict[str, tuple[str, str]] = {
    "id.insee.fr": ("INSEE — identifiants géographiques officiels",
                    "INSEE — official geographic identifiers"),
    "twitter.com": ("Comptes Twitter / X", "Twitter / X accounts"),
    "x.com": ("Comptes X", "X accounts"),
    "irev.fr": ("IREV — centre de ressources politique de la ville Hauts-de-France",
                "IREV — urban-policy resource centre, Hauts-de-France"),
    "schema.org": ("Le vocabulaire schema.org", "The schema.org vocabulary"),
    "www.wikidata.org": ("Wikidata", "Wikidata"),
}
#: The namespaces of vocabularies we know by prefix, longest first.
_KNOWN = sorted(set(PREFIXES.values()) | {"https://schema.org/", "http://schema.org/"},
                key=len, reverse=True)


def _number(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def _int(rows: list[dict], name: str) -> int:
    return int(rows[0][name]) if rows and name in rows[0] else 0


def vocabulary_of(term: URIRef) -> URIRef:
    """The namespace a class or property belongs to: a known prefix, else up to the last
    ``#`` or ``/``."""
    text = str(term)
    for namespace in _KNOWN:
        if text.startswith(namespace) and len(text) > len(namespace):
            return URIRef(namespace)
    cut = max(text.rfind("#"), text.rfind("/"))
    return URIRef(text[:cut + 1]) if cut > 0 else term


def void_graph(store: Store, base_url: str, manifest: Manifest, root: str) -> Graph:
    """The VoID description; ``root`` is the address the service was reached at."""
    graph = Graph()
    for prefix in ("void", "dct", "foaf", "rdfs", "xsd", "owl", "skos", "schema"):
        graph.bind(prefix, PREFIXES[prefix])
    add = graph.add
    document = URIRef(base_url + "void")
    whole = URIRef(base_url + "catalog#all")
    add((document, RDF.type, VOID.DatasetDescription))
    add((document, DCTERMS.title, Literal("Description VoID des données de la médiation sociale",
                                          lang="fr")))
    add((document, DCTERMS.title, Literal("VoID description of the social mediation data",
                                          lang="en")))
    add((document, FOAF.primaryTopic, whole))

    def describe(node: URIRef, key: str) -> None:
        add((node, RDF.type, VOID.Dataset))
        spec = MAIN_DATASETS[key]
        add((node, DCTERMS.title, Literal(spec.title[0], lang="fr")))
        add((node, DCTERMS.title, Literal(spec.title[1], lang="en")))
        add((node, DCTERMS.license, LICENCE))
        add((node, VOID.triples, _number(manifest.triples[key])))
        formats = TRIPLE_FORMATS + ((NQUADS_GZ,) if key == "all" else ())
        for fmt in formats:
            add((node, VOID.dataDump, URIRef(f"{root}dumps/{key}.{fmt.suffix}")))

    describe(whole, "all")
    add((whole, FOAF.homepage, URIRef(root)))
    add((whole, VOID.sparqlEndpoint, URIRef(root + "sparql")))
    add((whole, VOID.uriSpace, Literal(base_url + "id/")))
    add((whole, VOID.rootResource, URIRef(base_url + "catalog")))
    add((whole, VOID.feature, URIRef("http://www.w3.org/ns/formats/Turtle")))
    add((whole, VOID.feature, URIRef("http://www.w3.org/ns/formats/N-Triples")))
    add((whole, VOID.feature, URIRef("http://www.w3.org/ns/formats/JSON-LD")))
    add((whole, VOID.feature, URIRef("http://www.w3.org/ns/formats/N-Quads")))

    # Distinct figures of the union (a triple in two graphs counts once).
    rows = store.select(
        """SELECT (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects)
                  (COUNT(DISTINCT ?p) AS ?properties) WHERE { ?s ?p ?o }"""
    )
    add((whole, VOID.distinctSubjects, _number(_int(rows, "subjects"))))
    add((whole, VOID.distinctObjects, _number(_int(rows, "objects"))))
    add((whole, VOID.properties, _number(_int(rows, "properties"))))
    space = Literal(base_url + "id/").n3()
    rows = store.select(
        f"""SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o
              FILTER(isIRI(?s) && STRSTARTS(STR(?s), {space})) }}"""
    )
    add((whole, VOID.entities, _number(_int(rows, "n"))))
    rows = store.select("SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }")
    add((whole, VOID.classes, _number(_int(rows, "n"))))

    vocabularies: set[URIRef] = set()
    for number, row in enumerate(store.select(
        f"""SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a ?c FILTER(isIRI(?c)) }}
            GROUP BY ?c ORDER BY DESC(?n) ?c LIMIT {MAX_PARTITIONS}"""
    ), start=1):
        partition = URIRef(f"{base_url}void#class-{number}")
        add((whole, VOID.classPartition, partition))
        add((partition, RDF.type, VOID.Dataset))
        add((partition, VOID["class"], row["c"]))
        add((partition, VOID.entities, _number(int(row["n"]))))
        vocabularies.add(vocabulary_of(row["c"]))
    for number, row in enumerate(store.select(
        f"""SELECT ?p (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ ?s ?p ?o }} }}
            GROUP BY ?p ORDER BY DESC(?n) ?p LIMIT {MAX_PARTITIONS}"""
    ), start=1):
        partition = URIRef(f"{base_url}void#property-{number}")
        add((whole, VOID.propertyPartition, partition))
        add((partition, RDF.type, VOID.Dataset))
        add((partition, VOID.property, row["p"]))
        add((partition, VOID.triples, _number(int(row["n"]))))
        vocabularies.add(vocabulary_of(row["p"]))
    for vocabulary in sorted(vocabularies, key=str):
        add((whole, VOID.vocabulary, vocabulary))

    # Subsets: the catalog's, then one per named graph of ours.
    for key in DATASET_KEYS[1:]:
        node = URIRef(f"{base_url}catalog#{key}")
        add((whole, VOID.subset, node))
        describe(node, key)
    for row in store.select(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    ):
        name = graph_key(row["g"], base_url)
        if name is None:
            continue
        node = row["g"]
        add((whole, VOID.subset, node))
        add((node, RDF.type, VOID.Dataset))
        add((node, VOID.triples, _number(int(row["n"]))))
        for fmt in TRIPLE_FORMATS:
            add((node, VOID.dataDump, URIRef(f"{root}dumps/graph/{name}.{fmt.suffix}")))

    _linksets(graph, store, base_url, whole)
    return graph


def _linksets(graph: Graph, store: Store, base_url: str, whole: URIRef) -> None:
    """One linkset per link property and outside host the data points at."""
    add = graph.add
    ours = Literal(base_url).n3()
    predicates = ", ".join(p.n3() for p in LINK_PROPERTIES)
    rows = store.select(
        f"""SELECT ?p ?space (COUNT(*) AS ?n) WHERE {{
              {{ SELECT DISTINCT ?s ?p ?o WHERE {{ ?s ?p ?o
                   FILTER(?p IN ({predicates}) && isIRI(?o) && !STRSTARTS(STR(?o), {ours})) }} }}
              BIND(REPLACE(STR(?o), "^([A-Za-z][A-Za-z0-9+.-]*://[^/?#]+/?).*$", "$1") AS ?space)
            }} GROUP BY ?p ?space ORDER BY ?space ?p LIMIT {MAX_PARTITIONS}"""
    )
    targets: dict[str, URIRef] = {}
    for number, row in enumerate(rows, start=1):
        space = str(row["space"])
        if not space.endswith("/"):
            space += "/"
        host = urlsplit(space).hostname or space
        target = targets.get(space)
        if target is None:
            slug = re.sub(r"[^A-Za-z0-9]+", "-", host).strip("-")
            target = URIRef(f"{base_url}void#target-{slug}-{len(targets) + 1}")
            targets[space] = target
            add((target, RDF.type, VOID.Dataset))
            add((target, VOID.uriSpace, Literal(space)))
            fr, en = TARGETS.get(host, (host, host))
            add((target, DCTERMS.title, Literal(fr, lang="fr")))
            add((target, DCTERMS.title, Literal(en, lang="en")))
            add((target, FOAF.homepage, URIRef(f"{urlsplit(space).scheme}://{host}/")))
        linkset = URIRef(f"{base_url}void#links-{number}")
        add((whole, VOID.subset, linkset))
        add((linkset, RDF.type, VOID.Linkset))
        add((linkset, VOID.subjectsTarget, whole))
        add((linkset, VOID.objectsTarget, target))
        add((linkset, VOID.linkPredicate, row["p"]))
        add((linkset, VOID.triples, _number(int(row["n"]))))


__all__ = ["LINK_PROPERTIES", "MAX_PARTITIONS", "vocabulary_of", "void_graph"]
