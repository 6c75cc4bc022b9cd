"""The schema.org JSON-LD pages embed, read the way a crawler reads it (extruct), checked
against the search engines' event shapes and against schema.org itself."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import extruct
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SH

from service.config import DEFAULT_BASE
from service.namespaces import SDO
from service.pages.jsonld import EVENT_TYPES
from service.rdfio import parse_files
from service.validation.shacl import Validator

ROOT = Path(__file__).resolve().parents[2]
BASE = DEFAULT_BASE
SCHEMA = "https://schema.org/"
MEDSH = Namespace("https://w3id.org/mediation-sociale/shapes#")

#: How a search engine reads schema.org JSON-LD: terms in the schema.org vocabulary, and the
#: values of enumerations (eventStatus…) and of address-valued properties as IRIs. Inline, so
#: that nothing is fetched (schema.org's own context expands to http://schema.org/).
CRAWLER_CONTEXT = {
    "@vocab": SCHEMA,
    "eventStatus": {"@type": "@vocab"},
    "eventAttendanceMode": {"@type": "@vocab"},
    "url": {"@type": "@id"},
    "sameAs": {"@type": "@id"},
    "contentUrl": {"@type": "@id"},
    "license": {"@type": "@id"},
}


def events_of_the_data() -> list[URIRef]:
    graph = parse_files(
        sorted((ROOT / "data").glob("*.ttl")) + [ROOT / "ontology" / "vocabulary.ttl"]
    )
    event_classes = {SDO.Event, SDO.EventSeries} | {
        c
        for c, parent in graph.subject_objects(RDFS.subClassOf)
        if parent in (SDO.Event, SDO.EventSeries)
    }
    return sorted(
        {s for c in event_classes for s in graph.subjects(RDF.type, c) if str(s).startswith(BASE)},
        key=str,
    )


EVENTS = events_of_the_data()


def extract(server, path: str, **headers) -> list[dict]:
    response = server.get(path, headers={"Accept": "text/html", **headers})
    assert response.status_code == 200, path
    found = extruct.extract(
        response.text, base_url=server.url + path, syntaxes=["json-ld"], uniform=False
    )
    return found["json-ld"]


def as_rdf(document: dict) -> Graph:
    crawled = dict(document)
    assert crawled.pop("@context") == "https://schema.org"
    crawled["@context"] = CRAWLER_CONTEXT
    graph = Graph()
    graph.parse(data=json.dumps(crawled), format="json-ld")
    return graph


@pytest.fixture(scope="module")
def search_engine_validator() -> Validator:
    shapes = parse_files(sorted((ROOT / "shapes" / "search-engines").glob("*.ttl")))
    assert len(shapes) > 50, "the search-engine shapes are missing"
    return Validator(shapes)


def test_the_data_has_events():
    assert URIRef(BASE + "id/event/2019-12-04-journee-regionale-lievin") in EVENTS
    assert len(EVENTS) >= 9


def test_every_page_embeds_one_schema_org_only_json_ld(server, documents, path_of):
    def check(document: URIRef) -> list[str]:
        blocks = extract(server, path_of(document))
        if len(blocks) != 1:
            return [f"{document}: {len(blocks)} JSON-LD blocks"]
        graph = as_rdf(blocks[0])
        terms = {o if p == RDF.type else p for _, p, o in graph}
        foreign = {str(t) for t in terms if not str(t).startswith(SCHEMA)}
        problems = [f"{document}: non-schema.org terms {sorted(foreign)}"] if foreign else []
        if (URIRef(str(document)), None, None) not in graph:
            problems.append(f"{document}: the JSON-LD is not about the page's resource")
        return problems

    with ThreadPoolExecutor(max_workers=4) as pool:
        problems = [p for found in pool.map(check, documents) for p in found]
    assert not problems, "\n".join(problems[:20])


#: What Google recommends of an event (the shapes' warnings): each must be in the markup
#: whenever the data says it (``image`` always: the service draws one).
RECOMMENDED = (
    SDO.description,
    SDO.endDate,
    SDO.eventStatus,
    SDO.eventAttendanceMode,
    SDO.organizer,
    SDO.performer,
    SDO.offers,
)


def event_types_of(shapes: Graph) -> set[str]:
    return {
        str(c)[len(SCHEMA) :]
        for c in shapes.objects(MEDSH.SearchEventShape, SH.targetClass)
        if str(c).startswith(SCHEMA)
    }


def test_the_event_types_are_those_the_shapes_hold_to_the_rules():
    shapes = parse_files(sorted((ROOT / "shapes" / "search-engines").glob("*.ttl")))
    assert EVENT_TYPES == event_types_of(shapes)


def test_every_event_page_passes_the_event_rules(server, search_engine_validator, path_of):
    """Every event page, read as a crawler reads it: an event the data gives a start date and
    a place is embedded as an event with no violation of the rules, and every recommended
    property the data has is in the markup, with images; one the source gives no date or
    place for is not embedded as an event at all (a Thing that says what is known), so a
    search console has no error to report; nothing is invented to pass."""
    stored = parse_files(sorted((ROOT / "data").glob("*.ttl")))
    embedded = demoted = 0
    for event in EVENTS:
        [block] = extract(server, path_of(event))
        graph = as_rdf(block)
        types = {str(t)[len(SCHEMA) :] for t in graph.objects(event, RDF.type)}
        report = search_engine_validator.validate(graph)
        assert report.violations == [], (event, report.to_text("en"))
        located = any(
            (place, SDO.address, None) in stored for place in stored.objects(event, SDO.location)
        )
        if (event, SDO.startDate, None) in stored and located:
            embedded += 1
            assert types & EVENT_TYPES, event
            for prop in RECOMMENDED:
                assert ((event, prop, None) in stored) == ((event, prop, None) in graph), (
                    event,
                    prop,
                )
            assert len(list(graph.objects(event, SDO.image))) >= 3, event
            # A warning is only ever about something the data does not say.
            for warning in report.warnings:
                assert (warning.focus, warning.path, None) not in stored, (event, warning)
        else:
            demoted += 1
            assert types == {"Thing"}, (event, types)
            assert not {SDO.startDate, SDO.location, SDO.organizer} & set(graph.predicates())
            for prop in (SDO.name, SDO.description, SDO.image):
                assert (event, prop, None) in graph, (event, prop)
    assert embedded >= 7 and demoted == 2


def test_the_announced_restitution_is_not_embedded_as_an_event(server):
    """A year for its date (no day) and no place: the 2020 restitution is embedded as a Thing;
    its RDF keeps the event, with its start date, the year."""
    path = "id/event/2020-restitution-journees-regionales"
    [document] = extract(server, path)
    assert document["@type"] == "Thing"
    assert document["name"] == "Restitution de la réflexion collective des journées régionales"
    assert "organizer" not in document and "startDate" not in document
    turtle = server.get(path + ".ttl")
    data = Graph().parse(data=turtle.text, format="turtle")
    assert (URIRef(BASE + path), RDF.type, SDO.Event) in data
    year = Literal("2020", datatype=URIRef("http://www.w3.org/2001/XMLSchema#gYear"))
    assert (URIRef(BASE + path), SDO.startDate, year) in data


def test_event_markup_details(server):
    [document] = extract(server, "id/event/2019-12-04-journee-regionale-lievin")
    assert document["@type"] == "Event"
    assert document["startDate"] == "2019-12-04" and document["endDate"] == "2019-12-04"
    assert document["eventStatus"] == "https://schema.org/EventScheduled"
    assert document["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    location = document["location"]
    assert "Place" in location["@type"] and location["name"] == "Arena Liévin"
    assert location["address"]["@type"] == "PostalAddress"
    assert location["address"]["addressLocality"] == "Liévin"
    assert document["organizer"]["name"] == "France Médiation"
    assert document["organizer"]["url"] == BASE + "id/actor/france-mediation"
    assert document["name"] == "Journée régionale sur la médiation sociale à Liévin"
    # A linked event is named, not typed (a link carries no dates or place).
    assert document["superEvent"]["name"] == "Journées régionales de la médiation sociale"
    assert "@type" not in document["superEvent"]
    assert not any(key.startswith(("med", "http")) for key in document)


def test_json_ld_follows_the_language_rule(server):
    [english] = extract(
        server, "id/event/2019-12-04-journee-regionale-lievin", **{"Accept-Language": "en"}
    )
    assert english["name"] == "Regional day on social mediation in Liévin"
    [french] = extract(server, "id/event/2019-12-04-journee-regionale-lievin?lang=fr")
    assert french["name"] == "Journée régionale sur la médiation sociale à Liévin"


def test_json_ld_uses_schema_org_correctly(server, shared, path_of):
    """Every term exists in schema.org's release and fits its domains and ranges."""
    from service.validation.schemaorg import SchemaOrg

    vocabulary = Graph()
    vocabulary.parse(
        shared / "standards" / "schemaorg-30.0" / "schemaorg-current-https.ttl", format="turtle"
    )
    schema = SchemaOrg(vocabulary)
    problems = []
    for event in EVENTS + [
        URIRef(BASE + "id/actor/france-mediation"),
        URIRef(BASE + "id/article/irev-2019-12-13-250-professionnels-reunis-mediation"),
    ]:
        graph = as_rdf(extract(server, path_of(event))[0])
        problems += [
            f"{event}: {p}"
            for p in schema.check(graph)
            if p.kind in ("unknown-term", "http-namespace", "superseded")
        ]
    assert not problems, "\n".join(problems[:20])


def test_literal_values_keep_their_types(server):
    [document] = extract(server, "id/event/2019-12-04-journee-regionale-lievin")
    graph = as_rdf(document)
    event = URIRef(BASE + "id/event/2019-12-04-journee-regionale-lievin")
    assert graph.value(event, SDO.startDate) == Literal("2019-12-04")
    assert (event, SDO.eventStatus, SDO.EventScheduled) in graph
