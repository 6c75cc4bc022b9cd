"""The VoID description of the data (https://www.w3.org/TR/void/), served at
``/.well-known/void`` (RFC 5785, VoID §7.2).

The whole dataset (the catalog's ``{base}catalog#all``) with:

* its size: ``void:triples`` (the union's, each triple once: what its Turtle, N-Triples
  and JSON-LD dumps hold), ``void:entities`` (distinct IRIs under ``{base}id/``, the
  ``void:uriSpace``, as subjects), ``void:distinctSubjects``, ``void:distinctObjects``,
  ``void:classes``, ``void:properties``;
* class partitions (``void:class``, ``void:entities``) and property partitions
  (``void:property``, ``void:triples``), largest first;
* ``void:vocabulary`` for each vocabulary its classes and properties come from;
* ``void:sparqlEndpoint``, ``void:dataDump`` (every dump file), ``void:rootResource``;
* subsets: the catalog's subsets (events, actors, places, vocabulary) and each named
  graph of ours, with their triples and dumps;
* linksets to the official and outside identifiers the data points at (INSEE's
  territories through ``rdfs:seeAlso``, accounts through ``schema:sameAs``, thesauri
  through ``skos:exactMatch``…), one per link property and target, with its count.

The figures are whole-store work, done by the open-data build (:mod:`.build`) and
never in a request: :class:`UnionCounter` counts properties, classes, entities and links
while the dumps' pass hands it each triple of the union once; the distinct subjects and
objects are one aggregate query on the build's copy of the store (:func:`void_figures`).
A request only turns the kept :class:`VoidFigures` into a graph (:func:`void_graph`).
No Flask here.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, VOID, XSD

from ..formats import GRAPH_FORMATS, TURTLE, Format
from ..labels import words
from ..namespaces import LICENCE, PREFIXES, SDO
from ..store import Store
from .catalog import MAIN_DATASETS, bilingual
from .dumps import DATASET_KEYS, NQUADS_GZ, TRIPLE_FORMATS, Manifest, graph_key

#: VoID's formats, Turtle first (VoID §7).
VOID_FORMATS: tuple[Format, ...] = (TURTLE,) + tuple(f for f in GRAPH_FORMATS if f is not TURTLE)
#: Most class and property partitions, and linksets, listed (largest first).
MAX_PARTITIONS = 500
#: Properties that link to the same thing elsewhere, or to what describes it there.
LINK_PROPERTIES = (RDFS.seeAlso, SDO.sameAs, OWL.sameAs, SKOS.exactMatch, SKOS.closeMatch)
#: Names of the outside datasets the linksets point at, by host.
TARGETS: dict[str, tuple[str, ...]] = words("linkset-target")
#: The namespaces of vocabularies we know by prefix, longest first.
_KNOWN = sorted(
    set(PREFIXES.values()) | {"https://schema.org/", "http://schema.org/"}, key=len, reverse=True
)
#: The outside "space" a link points into: its scheme and host (and the slash after).
_SPACE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://[^/?#]+/?).*$")
_RDF_TYPE = str(RDF.type)


def _number(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def vocabulary_of(term: URIRef) -> URIRef:
    """The namespace a class or property belongs to: a known prefix, else up to the last
    ``#`` or ``/``."""
    text = str(term)
    for namespace in _KNOWN:
        if text.startswith(namespace) and len(text) > len(namespace):
            return URIRef(namespace)
    cut = max(text.rfind("#"), text.rfind("/"))
    return URIRef(text[: cut + 1]) if cut > 0 else term


# ---------------------------------------------------------------------------------------------
# The figures, counted by the build
# ---------------------------------------------------------------------------------------------


class UnionCounter:
    """Counts, from the triples of the union (each seen once, in any order), the properties
    and their triples, the classes and their instances (a union's ``?s a ?c`` triples are
    distinct, so each is one instance), the entities and the links to outside spaces."""

    def __init__(self, base_url: str):
        self.base = base_url
        self.space = base_url + "id/"
        self.links = frozenset(str(p) for p in LINK_PROPERTIES)
        self.properties: Counter[str] = Counter()
        self.classes: Counter = Counter()  # pyoxigraph terms (a class may be any term)
        self.linksets: Counter[tuple[str, str]] = Counter()
        self.entities: set[str] = set()
        self._last_subject = None

    def __call__(self, triple: ox.Triple) -> None:
        predicate = triple.predicate.value
        self.properties[predicate] += 1
        subject = triple.subject
        if subject != self._last_subject:
            self._last_subject = subject
            if isinstance(subject, ox.NamedNode) and subject.value.startswith(self.space):
                self.entities.add(subject.value)
        if predicate == _RDF_TYPE:
            self.classes[triple.object] += 1
        elif predicate in self.links:
            target = triple.object
            if isinstance(target, ox.NamedNode) and not target.value.startswith(self.base):
                self.linksets[(predicate, _SPACE.sub(r"\1", target.value))] += 1


@dataclass
class VoidFigures:
    """What VoID says of the whole, as kept with a build (JSON)."""

    distinct_subjects: int = 0
    distinct_objects: int = 0
    entities: int = 0
    classes: int = 0
    properties: int = 0
    #: (class IRI, instances), largest first.
    class_partitions: list[tuple[str, int]] = field(default_factory=list)
    #: (property IRI, triples), largest first.
    property_partitions: list[tuple[str, int]] = field(default_factory=list)
    #: (link property IRI, outside space, links), by space then property.
    linksets: list[tuple[str, str, int]] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> VoidFigures:
        data = json.loads(text)
        return cls(
            **{k: v for k, v in data.items() if not isinstance(v, list)},
            class_partitions=[tuple(x) for x in data["class_partitions"]],
            property_partitions=[tuple(x) for x in data["property_partitions"]],
            linksets=[tuple(x) for x in data["linksets"]],
        )


def void_figures(store: Store, counted: UnionCounter) -> VoidFigures:
    """The figures of the union: ``counted`` by the dumps' pass, and the distinct subjects and
    objects asked of ``store`` (a build's copy: one aggregate, in the engine)."""
    rows = store.select(
        """SELECT (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects)
           WHERE { ?s ?p ?o }"""
    )
    row = rows[0] if rows else {}
    classes = sorted(
        ((c.value, n) for c, n in counted.classes.items() if isinstance(c, ox.NamedNode)),
        key=lambda pair: (-pair[1], pair[0]),
    )
    properties = sorted(counted.properties.items(), key=lambda pair: (-pair[1], pair[0]))
    linksets = sorted(
        ((p, space, n) for (p, space), n in counted.linksets.items()),
        key=lambda item: (item[1], item[0]),
    )
    return VoidFigures(
        distinct_subjects=int(row.get("subjects", 0)),
        distinct_objects=int(row.get("objects", 0)),
        entities=len(counted.entities),
        classes=len(counted.classes),
        properties=len(counted.properties),
        class_partitions=classes[:MAX_PARTITIONS],
        property_partitions=properties[:MAX_PARTITIONS],
        linksets=linksets[:MAX_PARTITIONS],
    )


# ---------------------------------------------------------------------------------------------
# The description, made from the figures
# ---------------------------------------------------------------------------------------------


def void_graph(figures: VoidFigures, base_url: str, manifest: Manifest, root: str) -> Graph:
    """The VoID description of one build; ``root`` is the address the service was reached at."""
    graph = Graph()
    for prefix in ("void", "dct", "foaf", "rdfs", "xsd", "owl", "skos", "schema"):
        graph.bind(prefix, PREFIXES[prefix])
    add = graph.add
    document = URIRef(base_url + "void")
    whole = URIRef(base_url + "catalog#all")
    add((document, RDF.type, VOID.DatasetDescription))
    for title in bilingual(
        "Description VoID des données de la médiation sociale",
        "VoID description of the social mediation data",
    ):
        add((document, DCTERMS.title, title))
    add((document, FOAF.primaryTopic, whole))

    def describe(node: URIRef, key: str) -> None:
        add((node, RDF.type, VOID.Dataset))
        for title in bilingual(*MAIN_DATASETS[key].title):
            add((node, DCTERMS.title, title))
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
    for feature in ("Turtle", "N-Triples", "JSON-LD", "N-Quads"):
        add((whole, VOID.feature, URIRef(f"http://www.w3.org/ns/formats/{feature}")))

    add((whole, VOID.distinctSubjects, _number(figures.distinct_subjects)))
    add((whole, VOID.distinctObjects, _number(figures.distinct_objects)))
    add((whole, VOID.properties, _number(figures.properties)))
    add((whole, VOID.entities, _number(figures.entities)))
    add((whole, VOID.classes, _number(figures.classes)))

    vocabularies: set[URIRef] = set()
    for number, (iri, instances) in enumerate(figures.class_partitions, start=1):
        partition = URIRef(f"{base_url}void#class-{number}")
        add((whole, VOID.classPartition, partition))
        add((partition, RDF.type, VOID.Dataset))
        add((partition, VOID["class"], URIRef(iri)))
        add((partition, VOID.entities, _number(instances)))
        vocabularies.add(vocabulary_of(URIRef(iri)))
    for number, (iri, triples) in enumerate(figures.property_partitions, start=1):
        partition = URIRef(f"{base_url}void#property-{number}")
        add((whole, VOID.propertyPartition, partition))
        add((partition, RDF.type, VOID.Dataset))
        add((partition, VOID.property, URIRef(iri)))
        add((partition, VOID.triples, _number(triples)))
        vocabularies.add(vocabulary_of(URIRef(iri)))
    for vocabulary in sorted(vocabularies, key=str):
        add((whole, VOID.vocabulary, vocabulary))

    # Subsets: the catalog's, then one per named graph of ours.
    for key in DATASET_KEYS[1:]:
        node = URIRef(f"{base_url}catalog#{key}")
        add((whole, VOID.subset, node))
        describe(node, key)
    for dataset, triples in sorted(manifest.triples.items()):
        if not dataset.startswith("graph/"):
            continue
        name = dataset[len("graph/") :]
        node = URIRef(f"{base_url}graph/{name}")
        if graph_key(node, base_url) != name:
            continue
        add((whole, VOID.subset, node))
        add((node, RDF.type, VOID.Dataset))
        add((node, VOID.triples, _number(triples)))
        for fmt in TRIPLE_FORMATS:
            add((node, VOID.dataDump, URIRef(f"{root}dumps/graph/{name}.{fmt.suffix}")))

    _linksets(graph, figures, base_url, whole)
    return graph


def _linksets(graph: Graph, figures: VoidFigures, base_url: str, whole: URIRef) -> None:
    """One linkset per link property and outside host the data points at."""
    add = graph.add
    targets: dict[str, URIRef] = {}
    for number, (predicate, space, links) in enumerate(figures.linksets, start=1):
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
            for title in bilingual(*TARGETS.get(host, (host, host))):
                add((target, DCTERMS.title, title))
            add((target, FOAF.homepage, URIRef(f"{urlsplit(space).scheme}://{host}/")))
        linkset = URIRef(f"{base_url}void#links-{number}")
        add((whole, VOID.subset, linkset))
        add((linkset, RDF.type, VOID.Linkset))
        add((linkset, VOID.subjectsTarget, whole))
        add((linkset, VOID.objectsTarget, target))
        add((linkset, VOID.linkPredicate, URIRef(predicate)))
        add((linkset, VOID.triples, _number(links)))


__all__ = [
    "LINK_PROPERTIES",
    "MAX_PARTITIONS",
    "UnionCounter",
    "VOID_FORMATS",
    "VoidFigures",
    "vocabulary_of",
    "void_figures",
    "void_graph",
]
