"""The shapes themselves: every constraint has a fixture that breaks it, every shape is
reachable and well formed, and the lists kept by hand stay equal to their sources.

DCAT-AP 3.0.1's split shapes link with ``sh:shape``, which is not SHACL, so five of its
date checks silently never run; the tests below would have caught it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

from service.namespaces import MED, MEDSH, SDO, SH
from service.rdfio import parse_file, parse_files
from service.seed import rdf_files
from service.validation.shacl import ONTOLOGY_DIR, SHAPES_DIR, core_shape_files
from service.writes import reach

FIXTURES = Path(__file__).parent / "fixtures" / "shapes" / "invalid"
SEARCH_FILE = SHAPES_DIR / "search-engines" / "event-rich-results.ttl"
SHAPE_SETS = {"core": core_shape_files(), "search-engines": [SEARCH_FILE]}

TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
#: Constraint parameters and the name the fixtures give their component.
PARAMETERS = {
    SH["class"]: "class",
    SH.datatype: "datatype",
    SH.nodeKind: "nodeKind",
    SH.minCount: "minCount",
    SH.maxCount: "maxCount",
    SH.minInclusive: "minInclusive",
    SH.maxInclusive: "maxInclusive",
    SH.minExclusive: "minExclusive",
    SH.maxExclusive: "maxExclusive",
    SH.minLength: "minLength",
    SH.maxLength: "maxLength",
    SH.pattern: "pattern",
    SH.languageIn: "languageIn",
    SH.uniqueLang: "uniqueLang",
    SH["in"]: "in",
    SH.hasValue: "hasValue",
    SH.node: "node",
    SH["or"]: "or",
    SH["not"]: "not",
    SH["and"]: "and",
    SH.xone: "xone",
    SH.qualifiedMinCount: "qualifiedMinCount",
    SH.qualifiedMaxCount: "qualifiedMaxCount",
    SH.sparql: "sparql",
    SH.equals: "equals",
    SH.disjoint: "disjoint",
    SH.lessThan: "lessThan",
    SH.lessThanOrEquals: "lessThanOrEquals",
    SH.closed: "closed",
}
#: Parameters whose shapes are evaluated inside another constraint.
NESTING = (SH.node, SH["not"], SH.qualifiedValueShape)
LISTS = (SH["or"], SH["and"], SH.xone)


def load(name: str) -> Graph:
    return parse_files(SHAPE_SETS[name])


def reporting_shapes(shapes: Graph) -> set[URIRef]:
    """Shapes that produce results of their own: those with a target and the property shapes
    they link to."""
    nodes = {s for target in TARGETS for s in shapes.subjects(target, None)}
    return nodes | {p for n in nodes for p in shapes.objects(n, SH.property)}


def helper_shapes(shapes: Graph) -> set:
    """Shapes evaluated only inside another shape's constraint (sh:or lists, sh:node…)."""
    found = {o for p in NESTING for o in shapes.objects(None, p)}
    for p in LISTS:
        for head in shapes.objects(None, p):
            found.update(Collection(shapes, head))
    more = {prop for shape in found for prop in shapes.objects(shape, SH.property)}
    return found | more


def constraints(shapes: Graph) -> set[str]:
    """Every (shape, component) pair that can be reported, as the fixtures name them."""
    pairs = set()
    for shape in reporting_shapes(shapes):
        for parameter, name in PARAMETERS.items():
            if (shape, parameter, None) in shapes:
                pairs.add(f"{shape[len(MEDSH) :]}.{name}")
    return pairs


@pytest.mark.parametrize("name", SHAPE_SETS)
def test_every_constraint_has_a_fixture_that_breaks_it(name):
    fixtures = {path.stem for path in (FIXTURES / name).glob("*.ru")}
    pairs = constraints(load(name))
    assert pairs, "no constraint found"
    assert sorted(pairs - fixtures) == [], "constraints no invalid fixture breaks"
    assert sorted(fixtures - pairs) == [], "fixtures naming no constraint of the shapes"


@pytest.mark.parametrize("name", SHAPE_SETS)
def test_every_property_link_reaches_a_property_shape(name):
    shapes = load(name)
    for parent, child in shapes.subject_objects(SH.property):
        assert (child, SH.path, None) in shapes, f"{parent} links to {child}, which has no sh:path"
    for shape in helper_shapes(shapes) | reporting_shapes(shapes):
        assert (shape, None, None) in shapes, f"{shape} is used but not defined"


@pytest.mark.parametrize("name", SHAPE_SETS)
def test_only_shacl_terms_in_the_shacl_namespace(name):
    """A misspelt or invented term (DCAT-AP's sh:shape) is ignored by validators: refuse it."""
    shacl = Graph().parse(Path(__import__("pyshacl").__file__).parent / "assets" / "shacl.ttl")
    known = set(shacl.subjects())
    shapes = load(name)
    used = {
        term
        for triple in shapes
        for term in triple
        if isinstance(term, URIRef) and term.startswith(str(SH))
    }
    assert sorted(used - known) == []


@pytest.mark.parametrize("name", SHAPE_SETS)
def test_every_shape_has_a_stable_iri_and_messages_in_both_languages(name):
    shapes = load(name)
    for shape in reporting_shapes(shapes) | helper_shapes(shapes):
        assert isinstance(shape, URIRef) and shape.startswith(str(MEDSH)), (
            f"{shape} has no medsh: IRI"
        )
    core_parameters = [p for p in PARAMETERS if p != SH.sparql]
    for shape in reporting_shapes(shapes):
        if any((shape, p, None) in shapes for p in core_parameters):
            languages = {m.language for m in shapes.objects(shape, SH.message)}
            assert {"fr", "en"} <= languages, f"{shape} lacks a French or English sh:message"
    for constraint in shapes.objects(None, SH.sparql):
        assert isinstance(constraint, URIRef), f"a SPARQL constraint without IRI: {constraint}"
        languages = {m.language for m in shapes.objects(constraint, SH.message)}
        assert {"fr", "en"} <= languages, f"{constraint} lacks a French or English sh:message"


def test_shapes_are_valid_shacl():
    """The shapes graph conforms to the W3C's SHACL shapes for SHACL (shacl-shacl)."""
    from pyshacl import validate

    shacl_shacl = Path(__import__("pyshacl").__file__).parent / "assets" / "shacl-shacl.ttl"
    for name in SHAPE_SETS:
        conforms, _, text = validate(load(name), shacl_graph=str(shacl_shacl))
        assert conforms, text


def test_every_vocabulary_class_with_a_schema_superclass_has_its_explicit_type_shape():
    ontology = parse_files(sorted(ONTOLOGY_DIR.glob("*.ttl")))
    shapes = load("core")
    expected = {
        (cls, sup)
        for cls, sup in ontology.subject_objects(RDFS.subClassOf)
        if isinstance(cls, URIRef)
        and cls.startswith(str(MED))
        and isinstance(sup, URIRef)
        and sup.startswith(str(SDO))
    }
    assert expected, "the vocabulary aligns its classes to schema.org"
    covered = set()
    for node in shapes.subjects(SH.targetClass, None):
        for prop in shapes.objects(node, SH.property):
            if (
                shapes.value(prop, SH.path) == RDF.type
                and shapes.value(prop, SH.hasValue) is not None
            ):
                for cls in shapes.objects(node, SH.targetClass):
                    covered.add((cls, shapes.value(prop, SH.hasValue)))
    assert sorted(expected - covered) == []


#: Classes of the data that no shape targets by class, and why that is right.
UNTARGETED = {
    # Checked through what they are besides (a shape targets the other type they carry).
    "https://schema.org/NGO": "also a schema:Organization",
    "https://schema.org/GovernmentOrganization": "also a schema:Organization",
    "https://schema.org/LocalBusiness": "also a schema:Place and a schema:Organization",
    "https://schema.org/Role": "our roles are med:Participation",
    "https://schema.org/Comment": "our comments are med:DataQualityNote",
    "http://www.w3.org/ns/dqv#QualityAnnotation": "also a med:DataQualityNote",
    "http://www.w3.org/ns/shacl#SPARQLSelectExecutable": "also a sh:SPARQLExecutable",
    "http://www.w3.org/ns/shacl#SPARQLConstructExecutable": "also a sh:SPARQLExecutable",
    "http://www.w3.org/ns/shacl#SPARQLAskExecutable": "also a sh:SPARQLExecutable",
    "https://schema.org/SearchAction": "our example queries, also a sh:SPARQLExecutable",
    # Reached by another target than their class.
    "http://www.w3.org/ns/prov#Entity": "sources are checked as subjects of prov:wasDerivedFrom",
    "https://schema.org/PostalAddress": "checked as the values of schema:address",
    "http://www.w3.org/2002/07/owl#Class": "vocabulary terms are checked as subjects of rdfs:isDefinedBy",
    "http://www.w3.org/2002/07/owl#ObjectProperty": "vocabulary terms are checked as subjects of rdfs:isDefinedBy",
    "http://www.w3.org/2002/07/owl#DatatypeProperty": "vocabulary terms are checked as subjects of rdfs:isDefinedBy",
    # Described by others' vocabularies, with nothing of ours to check.
    "http://purl.org/dc/terms/LicenseDocument": "a licence's label (text.ttl checks its language)",
    "http://spdx.org/rdf/terms#Checksum": "the checksum of an imported package",
    "http://www.w3.org/2000/01/rdf-schema#Datatype": "an anonymous union datatype of the vocabulary",
}


def test_every_class_the_data_uses_is_checked_by_a_shape():
    """A class appearing in data/ or ontology/ is the target of a shape (itself or a
    superclass through the vocabulary), or listed above with the reason it needs none."""
    root = ONTOLOGY_DIR.parent
    graph = parse_files(sorted((root / "data").glob("*.ttl")) + sorted(ONTOLOGY_DIR.glob("*.ttl")))
    shapes = load("core")
    targeted = set(shapes.objects(None, SH.targetClass))
    used = set(graph.objects(None, RDF.type))
    unchecked = []
    for cls in used:
        ancestors, todo = set(), [cls]
        while todo:
            current = todo.pop()
            if current not in ancestors:
                ancestors.add(current)
                todo.extend(graph.objects(current, RDFS.subClassOf))
        if not ancestors & targeted and str(cls) not in UNTARGETED:
            unchecked.append(str(cls))
    assert sorted(unchecked) == []
    # The list stays true: each class in it is used, and no shape targets it.
    stale = [c for c in UNTARGETED if URIRef(c) not in used or URIRef(c) in targeted]
    assert stale == []


def test_search_engine_targets_are_schema_orgs_event_classes(shared):
    """schema:Event and its subclasses, but the superseded ones (schema:UserInteraction and
    its family, superseded by schema:InteractionCounter)."""
    vocabulary = Graph().parse(
        shared / "standards" / "schemaorg-30.0" / "schemaorg-current-https.ttl"
    )
    closure, todo = set(), [SDO.Event]
    while todo:
        current = todo.pop()
        if current not in closure and (current, SDO.supersededBy, None) not in vocabulary:
            closure.add(current)
            todo.extend(vocabulary.subjects(RDFS.subClassOf, current))
    shapes = parse_file(SEARCH_FILE)
    for node in shapes.subjects(SH.targetClass, None):
        assert set(shapes.objects(node, SH.targetClass)) == closure, node


def test_shapes_header_carries_its_version():
    header = URIRef("https://w3id.org/mediation-sociale/shapes")
    shapes = load("core")
    assert (header, RDF.type, OWL.Ontology) in shapes
    assert shapes.value(header, OWL.versionIRI) is not None
    assert shapes.value(header, OWL.versionInfo) is not None
    assert isinstance(header, URIRef) and not isinstance(
        shapes.value(header, OWL.versionIRI), BNode
    )


def test_what_the_sparql_constraints_read_backwards_is_known_without_parsing_them(monkeypatch):
    """A start and a load read the properties the SPARQL constraints follow backwards from
    ``reach.KNOWN`` instead of parsing each text: the table must say what the parse says,
    and the reach found from it must be the one found by parsing every text."""
    shapes = parse_files(core_shape_files())
    ontology = parse_files(rdf_files([ONTOLOGY_DIR]))
    assert reach.KNOWN == reach.known_table(shapes), (
        "service/writes/reach.py: replace KNOWN with\n" + reach.table_source(shapes)
    )
    known = reach.reach_of(shapes, ontology)
    monkeypatch.setattr(reach, "KNOWN", {})
    assert reach.reach_of(shapes, ontology) == known
    assert URIRef("https://schema.org/subEvent") in known.inverse
