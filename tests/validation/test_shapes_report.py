"""The validation API: a Report grouped by resource and severity, readable in French and in
English, the SHACL report as JSON-LD, shapes loaded once, the ontology as context."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from service.errors import ConfigError
from service.namespaces import MEDSH, SH
from service.rdfio import parse_file
from service.validation.shacl import Validator, project_validator, validate

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
EX = "https://example.org/"

SHAPES = f"""
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <{EX}> .
ex:Person a sh:NodeShape ; sh:targetClass ex:Person ; sh:property ex:Person-name , ex:Person-address .
ex:Person-name sh:path ex:name ; sh:minCount 1 ;
    sh:message "Une personne a un nom."@fr , "A person has a name."@en .
ex:Person-address sh:path ex:address ; sh:node ex:Address ;
    sh:message "L'adresse est complète."@fr , "The address is complete."@en .
ex:Address a sh:NodeShape ; sh:property ex:Address-city .
ex:Address-city sh:path ex:city ; sh:minCount 1 ;
    sh:message "Une adresse a une ville."@fr , "An address has a city."@en .
ex:Postcode a sh:NodeShape ; sh:targetObjectsOf ex:address ; sh:property ex:Postcode-code .
ex:Postcode-code sh:path ex:code ; sh:pattern "^[0-9]{{5}}$" ; sh:severity sh:Warning ;
    sh:message "Un code postal a cinq chiffres."@fr , "A postcode has five digits."@en .
ex:Adult a sh:NodeShape ; sh:targetClass ex:Person ;
    sh:sparql ex:Adult-sparql .
ex:Adult-sparql
    sh:message "{{?value}} ans, c'est trop jeune."@fr , "{{?value}} years is too young."@en ;
    sh:select "SELECT $this ?value WHERE {{ $this <{EX}age> ?value . FILTER (?value < 18) }}" .
"""
# The vocabulary, as context: a subclass whose instances the shapes reach.
ONTOLOGY = f"""
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<{EX}Pupil> rdfs:subClassOf <{EX}Person> .
<{EX}known> a <{EX}Person> ; <{EX}name> "Connu" .
"""
DATA = f"""
@prefix ex: <{EX}> .
ex:ann a ex:Person ; ex:name "Ann" ; ex:age 12 .
ex:bob a ex:Pupil ; ex:address [ ex:code "123" ] .
ex:cid a ex:Person ; ex:name "Cid" ; ex:friend ex:known .
"""


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator(
        Graph().parse(data=SHAPES, format="turtle"), Graph().parse(data=ONTOLOGY, format="turtle")
    )


@pytest.fixture(scope="module")
def report(validator):
    return validator.validate(Graph().parse(data=DATA, format="turtle"))


def test_results_carry_focus_path_value_severity_shape_and_messages(report):
    assert not report.conforms
    by_shape = {r.shape: r for r in report.results}
    name = by_shape[URIRef(EX + "Person-name")]
    assert name.focus == URIRef(EX + "bob")  # reached as a subclass instance, through the context
    assert name.path == URIRef(EX + "name")
    assert name.severity == SH.Violation and name.component == SH.MinCountConstraintComponent
    assert (
        name.message("fr") == "Une personne a un nom."
        and name.message("en") == "A person has a name."
    )
    young = by_shape[URIRef(EX + "Adult")]
    assert young.value == Literal(12) and young.component == SH.SPARQLConstraintComponent
    # pySHACL drops the language of substituted SPARQL messages; the report gives it back.
    assert (
        young.message("fr") == "12 ans, c'est trop jeune."
        and young.message("en") == "12 years is too young."
    )
    code = by_shape[URIRef(EX + "Postcode-code")]
    assert code.severity == SH.Warning and isinstance(code.focus, BNode)


def test_nested_shape_failures_are_details_not_results(report):
    address = next(r for r in report.results if r.shape == URIRef(EX + "Person-address"))
    assert address.component == SH.NodeConstraintComponent
    assert [d.shape for d in address.details] == [URIRef(EX + "Address-city")]
    assert URIRef(EX + "Address-city") not in report.shapes()


def test_context_resources_are_not_validated(report):
    """ex:known comes from the ontology: its own shapes are checked when it is validated."""
    assert URIRef(EX + "known") not in {r.focus for r in report.results}


def test_grouping_by_resource_and_severity(report):
    resources = list(report.by_resource())
    assert resources[-1] == next(r.focus for r in report.results if r.severity == SH.Warning)
    assert set(resources[:2]) == {URIRef(EX + "ann"), URIRef(EX + "bob")}
    grouped = report.by_severity()
    assert len(grouped["violation"]) == 3 and len(grouped["warning"]) == 1 and grouped["info"] == []
    assert report.counts() == {"violation": 3, "warning": 1, "info": 0}


def test_text_report_in_french_and_in_english(report):
    french = report.to_text("fr").splitlines()
    assert french[:2] == [
        "Les données ne sont pas conformes aux formes.",
        "3 violation(s), 1 avertissement(s), 0 information(s)",
    ]
    assert "<https://example.org/bob>" in french
    assert "  Violation — Une personne a un nom." in french
    assert (
        "    propriété <https://example.org/name> · forme <https://example.org/Person-name>"
        in french
    )
    assert "      ↳ _:" in "\n".join(french) and "Une adresse a une ville." in "\n".join(french)
    assert "[nœud anonyme : <https://example.org/address> de <https://example.org/bob>]" in french
    assert "  Avertissement — Un code postal a cinq chiffres." in french
    english = report.to_text("en")
    assert english.startswith(
        "The data does not conform to the shapes.\n3 violation(s), 1 warning(s), 0 info(s)\n"
    )
    assert "[blank node: <https://example.org/address> of <https://example.org/bob>]" in english
    assert "  Warning — A postcode has five digits." in english
    assert 'value "123"' in english


def test_json_ld_is_the_shacl_report(report):
    graph = Graph().parse(data=report.to_jsonld(), format="json-ld")
    assert isomorphic(graph, report.graph)
    (node,) = graph.subjects(SH.conforms, None)
    assert graph.value(node, SH.conforms) == Literal(False)
    assert len(list(graph.objects(node, SH.result))) == 4
    for result in graph.objects(node, SH.result):
        assert {m.language for m in graph.objects(result, SH.resultMessage)} == {"fr", "en"}


def test_focus_nodes_limit_the_resources_checked(validator):
    data = Graph().parse(data=DATA, format="turtle")
    report = validator.validate(data, focus_nodes=[URIRef(EX + "ann")])
    assert {r.focus for r in report.results} == {URIRef(EX + "ann")}


def test_the_data_is_not_modified_and_nothing_stays_in_the_context(validator):
    data = Graph().parse(data=DATA, format="turtle")
    before = set(data)
    validator.validate(data)
    assert set(data) == before
    # The next validation sees only its own data plus the context.
    alone = validator.validate(Graph().parse(data=f"<{EX}dan> a <{EX}Person> .", format="turtle"))
    assert {r.focus for r in alone.results} == {URIRef(EX + "dan")}


def test_a_dataset_is_validated_as_the_union_of_its_graphs(validator):
    dataset = Dataset()
    dataset.graph(URIRef(EX + "g1")).add((URIRef(EX + "eve"), URIRef(EX + "age"), Literal(30)))
    dataset.graph(URIRef(EX + "g2")).add((URIRef(EX + "eve"), URIRef(EX + "name"), Literal("Eve")))
    dataset.graph(URIRef(EX + "g2")).add(
        (
            URIRef(EX + "eve"),
            URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            URIRef(EX + "Person"),
        )
    )
    assert validator.validate(dataset).conforms


def test_empty_data_conforms(validator):
    report = validator.validate(Graph())
    assert report.conforms and report.results == []
    assert "0 violation(s)" in report.to_text("fr")


@pytest.mark.parametrize(
    "broken",
    [
        "sh:property <https://example.org/Missing>",  # DCAT-AP 3.0.1's fault: a link to no property shape
        'sh:sparql [ sh:select "SELECT $this WHERE { VALUES ?x { 1 } }" ]',  # VALUES is not allowed
    ],
)
def test_broken_shapes_are_a_config_error_not_a_traceback(broken):
    shapes = Graph().parse(
        data=f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <{EX}S> a sh:NodeShape ; sh:targetClass <{EX}Person> ; {broken} .""",
        format="turtle",
    )
    with pytest.raises(ConfigError) as caught:
        Validator(shapes).validate(Graph().parse(data=f"<{EX}a> a <{EX}Person> .", format="turtle"))
    assert "Les formes SHACL ne peuvent pas être appliquées" in caught.value.message_fr
    assert "The SHACL shapes cannot be applied" in caught.value.message_en


def test_project_validator_is_loaded_once_and_reloaded_when_a_file_changes(tmp_path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SHAPES, encoding="utf-8")
    ontology = tmp_path / "ontology.ttl"
    ontology.write_text(ONTOLOGY, encoding="utf-8")
    first = project_validator([shapes], [ontology])
    assert project_validator([shapes], [ontology]) is first
    later = time.time() + 10
    os.utime(shapes, (later, later))
    assert project_validator([shapes], [ontology]) is not first


def test_validate_with_graphs_given_directly():
    shapes = Graph().parse(data=SHAPES, format="turtle")
    report = validate(Graph().parse(data=DATA, format="turtle"), shapes=shapes, ontology=Graph())
    # Without the vocabulary, ex:bob (an ex:Pupil) is no ex:Person: nothing about him.
    assert URIRef(EX + "bob") not in {r.focus for r in report.results}


def test_project_shapes_on_the_base_fixture_and_a_write_sized_piece():
    """The project's validator, as writes use it: a piece of data and its focus nodes."""
    base = parse_file(FIXTURES / "valid" / "base.ttl")
    validator = project_validator()
    assert validator.validate(base).conforms
    workshop = URIRef("https://w3id.org/mediation-sociale/id/event/fixture-workshop")
    piece = Graph()
    for triple in base.triples((workshop, None, None)):
        piece.add(triple)
    piece.remove((workshop, URIRef("https://schema.org/startDate"), None))
    report = validator.validate(piece + Graph(), focus_nodes=[workshop])
    assert (MEDSH["Event-startDate"], SH.MinCountConstraintComponent) in {
        (r.shape, r.component) for r in report.results
    }
