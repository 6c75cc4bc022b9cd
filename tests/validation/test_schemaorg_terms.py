"""Every schema.org term the project uses exists in schema.org's vocabulary (release 30.0 in
``../shared``), and is used the way schema.org says: a property on a type of its
``schema:domainIncludes`` (with subclasses), with a value that fits its
``schema:rangeIncludes`` where that can be checked (schema.org's data types — Text, URL,
Number, Date… — stand for literals). The checker is ``service.schemaorg``, reusable on any
graph (the JSON-LD pages embed, for one).
"""

from __future__ import annotations

import pytest
from rdflib import Graph

from service.namespaces import SDO, SH
from service.rdfio import parse_files
from service.seed import rdf_files
from service.validation.schemaorg import SchemaOrg
from service.validation.shacl import ONTOLOGY_DIR

ROOT = ONTOLOGY_DIR.parent
FOLDERS = ("ontology", "shapes", "data")


@pytest.fixture(scope="session")
def schemaorg(shared) -> SchemaOrg:
    return SchemaOrg(
        Graph().parse(shared / "standards" / "schemaorg-30.0" / "schemaorg-current-https.ttl")
    )


@pytest.fixture(scope="session")
def project() -> dict[str, Graph]:
    return {folder: parse_files(rdf_files([ROOT / folder])) for folder in FOLDERS}


def shown(problems) -> str:
    return "\n".join(str(problem) for problem in problems)


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_schema_org_term_exists_and_is_current(schemaorg, project, folder):
    problems = schemaorg.check_terms(project[folder])
    assert problems == [], shown(problems)


def test_schema_org_properties_fit_their_domain_and_range(schemaorg, project):
    """The data with the ontology: our classes reach schema.org's through rdfs:subClassOf."""
    graph = Graph()
    graph += project["ontology"]
    graph += project["data"]
    problems = [p for p in schemaorg.check(graph) if p.kind in ("domain", "range")]
    assert problems == [], shown(problems)


def test_shapes_use_schema_org_terms_for_what_they_are(schemaorg, project):
    """A path is a property, a class constraint or target names a class, and a listed or
    required value is an enumeration member or a class."""
    shapes = project["shapes"]
    wrong = []

    def ours(term) -> bool:
        return str(term).startswith(str(SDO))

    for path in shapes.objects(None, SH.path):
        if ours(path) and path not in schemaorg.properties:
            wrong.append(f"sh:path {path} is not a schema.org property")
    for predicate in (SH["class"], SH.targetClass):
        for cls in shapes.objects(None, predicate):
            if ours(cls) and cls not in schemaorg.classes:
                wrong.append(f"{predicate} {cls} is not a schema.org class")
    for prop in (SH.targetSubjectsOf, SH.targetObjectsOf):
        for term in shapes.objects(None, prop):
            if ours(term) and term not in schemaorg.properties:
                wrong.append(f"{prop} {term} is not a schema.org property")
    values = set(shapes.objects(None, SH.hasValue))
    for head in shapes.objects(None, SH["in"]):
        values.update(shapes.items(head))
    for value in values:
        if ours(value) and value not in schemaorg.members and value not in schemaorg.classes:
            wrong.append(f"{value} is neither an enumeration member nor a class")
    assert wrong == [], "\n".join(wrong)


# -- the checker itself ---------------------------------------------------------------------

MISUSES = """
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix med: <https://w3id.org/mediation-sociale/def#> .
@prefix ex: <https://example.org/> .

med:Workshop rdfs:subClassOf schema:Event .
ex:workshop a med:Workshop ;
    schema:name "Atelier"@fr ;
    schema:startDate "2019-12-04"^^xsd:date ;
    schema:eventStatus schema:EventScheduled ;
    schema:location ex:venue ;
    schema:organizer ex:role .
ex:role a schema:Role ; schema:roleName "Organisateur"@fr .
ex:venue a schema:EventVenue ; schema:address [ a schema:PostalAddress ; schema:postalCode "62800" ] .

ex:bad a schema:Organization ;
    schema:startDate "2019-01-01"^^xsd:date ;
    schema:eventStatus schema:Female ;
    schema:attendee "Camille" ;
    schema:url "https://example.org" ;
    schema:colour "bleu" ;
    schema:employee ex:workshop .
ex:untyped schema:name "sans type" .
ex:old a schema:Event ; schema:name "x" ; <http://schema.org/name> "y" ; schema:previousStartDate "2019-01-01"^^xsd:date .
ex:superseded a schema:UserLikes .
"""


def test_the_checker_accepts_good_use_and_names_each_misuse(schemaorg):
    problems = schemaorg.check(Graph().parse(data=MISUSES, format="turtle"))
    found = {
        (p.kind, str(p.term).rsplit("/", 1)[-1], str(p.subject).rsplit("/", 1)[-1])
        for p in problems
        if p.subject
    }
    found |= {(p.kind, str(p.term).rsplit("/", 1)[-1], "") for p in problems if p.subject is None}
    assert found == {
        ("domain", "startDate", "bad"),  # an Organization has no start date
        ("domain", "eventStatus", "bad"),
        ("range", "eventStatus", "bad"),  # schema:Female is a GenderType
        ("domain", "attendee", "bad"),  # an event's property
        ("range", "attendee", "bad"),  # a Person or an Organization, not text
        ("range", "url", "bad"),  # a URL is an IRI
        ("range", "employee", "bad"),  # an event is not a person
        ("domain", "name", "untyped"),  # no schema.org type at all
        ("unknown-term", "colour", ""),
        ("http-namespace", "name", ""),
        ("superseded", "UserLikes", ""),
    }, shown(problems)


def test_the_checker_follows_subclasses_both_ways(schemaorg):
    """med:Workshop reaches schema:Event through the axiom given; schema:EventVenue is a
    schema:Place for schema:location's range; a schema:Role fits any object property."""
    graph = Graph().parse(data=MISUSES, format="turtle")
    problems = {(p.kind, str(p.subject)) for p in schemaorg.check(graph)}
    assert not any(subject.endswith(("/workshop", "/venue", "/role")) for _, subject in problems)
