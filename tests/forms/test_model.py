"""The form of each kind, read from the real shapes: its groups in order, its fields and what
they are (required, repeatable, per language, choices, searches, sub-forms); a property
added to a shape in a test is in the form with no form code written; form data makes a
graph the shapes accept, and the report goes back onto the fields."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from service.forms import KINDS, Forms, build_graph, feedback, project_forms, read_form, read_values
from service.namespaces import MED, MEDSH, SDO, SH
from service.validation import Validator

BASE = "https://w3id.org/mediation-sociale/"


@pytest.fixture(scope="module")
def forms() -> Forms:
    return project_forms()


def layout(form) -> list[tuple[str, list[str]]]:
    return [(group.label("en"), [f.key for f in group.fields]) for group in form.groups]


def test_the_event_form_follows_the_shapes_groups_and_orders(forms):
    assert layout(forms.form("event")) == [
        ("Name and presentation", ["name", "description"]),
        ("Dates", ["startDate", "endDate", "eventStatus"]),
        ("Place", ["location", "eventAttendanceMode"]),
        (
            "Organisers, speakers and audiences",
            ["organizer", "performer", "contributor", "hasRole", "participantCount", "audience"],
        ),
        ("Programme", ["subEvent", "orderInProgramme", "superEvent"]),
    ]


def test_event_fields_take_what_the_shapes_say(forms):
    form = forms.form("event")
    name = form.field("name")
    assert (name.required, name.repeatable, name.languages) == (True, False, ("fr", "en"))
    assert (name.label("fr"), name.label("en")) == ("Nom", "Name")
    description = form.field("description")
    assert (description.widget, description.recommended, description.required) == (
        "textarea",
        True,
        False,
    )
    start = form.field("startDate")
    assert (start.widget, start.repeatable, start.required) == ("datetime", False, True)
    assert start.partial and start.help("en") == (
        "The day, and the time when it is known; only the month (2024-06) or the year (2024) "
        "when the source does not give the day."
    )
    status = form.field("eventStatus")
    assert status.widget == "choice"
    assert [c.value for c in status.choices][:2] == [SDO.EventScheduled, SDO.EventCancelled]
    organizer = form.field("organizer")
    assert (organizer.widget, organizer.repeatable) == ("lookup", True)
    assert set(organizer.classes) == {SDO.Person, SDO.Organization}
    assert form.field("participantCount").widget == "number"


def test_roles_and_the_programme_are_sub_forms(forms):
    form = forms.form("event")
    roles = form.field("hasRole")
    assert roles.widget == "nested" and roles.repeatable and roles.inverse == MED.inEvent
    assert [f.key for f in roles.nested.fields()] == ["agent", "roleType", "roleName", "onBehalfOf"]
    assert roles.nested.types == (MED.Participation, SDO.Role)
    kind = roles.nested.field("roleType")
    assert kind.widget == "choice" and kind.required
    assert URIRef(BASE + "id/role/organisateur") in {c.value for c in kind.choices}
    assert roles.nested.field("agent").widget == "lookup"
    programme = form.field("subEvent")
    assert programme.inverse == SDO.superEvent
    parts = [f.key for f in programme.nested.fields()]
    assert "name" in parts and "startDate" in parts
    # One level deep, and the link back to the parent is written, not asked.
    assert not {"subEvent", "hasRole", "superEvent"} & set(parts)


@pytest.mark.parametrize(
    "kind, fields",
    [
        (
            "organisation",
            {
                "name": ("text", True, False),
                "alternateName": ("text", False, True),
                "url": ("url", False, True),
                "mission": ("choice", False, True),
                "areaServed": ("lookup", False, True),
                "meetingFrequency": ("text", False, False),
            },
        ),
        (
            "person",
            {
                "name": ("text", True, False),
                "givenName": ("text", False, False),
                "jobTitle": ("text", False, False),
                "worksFor": ("lookup", False, True),
            },
        ),
        (
            "place",
            {
                "name": ("text", True, False),
                "address": ("nested", False, True),
                "containedInPlace": ("lookup", False, True),
            },
        ),
        (
            "article",
            {
                "headline": ("text", True, False),
                "url": ("url", True, True),
                "datePublished": ("datetime", True, False),
                "publisher": ("lookup", False, True),
            },
        ),
    ],
)
def test_each_kind_has_its_fields(forms, kind, fields):
    form = forms.form(kind)
    assert form.types[0] == KINDS[kind].cls
    orders = [g.order for g in form.groups]
    assert orders == sorted(orders)
    for key, (widget, required, repeatable) in fields.items():
        item = form.field(key)
        assert (item.widget, item.required, item.repeatable) == (widget, required, repeatable), key


def test_a_proper_name_is_one_text_a_title_is_french_and_english(forms):
    assert forms.form("person").field("name").languages == ()
    assert forms.form("article").field("headline").languages == ("fr", "en")
    assert forms.form("person").field("jobTitle").languages == ("fr", "en")


def test_a_property_added_to_a_shape_is_in_the_form(forms):
    shapes = Graph()
    for triple in forms.validator.shapes_graph:
        shapes.add(triple)
    added = MEDSH["Event-keywords-test"]
    shapes.add((MEDSH.EventShape, SH.property, added))
    shapes.add((added, SH.path, SDO.keywords))
    shapes.add((added, SH.name, Literal("Mots-clés", lang="fr")))
    shapes.add((added, SH.name, Literal("Keywords", lang="en")))
    shapes.add((added, SH.group, MEDSH.IdentityGroup))
    shapes.add((added, SH.order, Literal(3)))
    shapes.add((added, SH.minCount, Literal(1)))
    form = read_form(shapes, forms.ontology, SDO.Event)
    identity = form.groups[0]
    assert [f.key for f in identity.fields] == ["name", "description", "keywords"]
    keywords = form.field("keywords")
    assert (keywords.label("en"), keywords.required, keywords.repeatable) == (
        "Keywords",
        True,
        True,
    )
    # Its rule is checked, and its message lands on it.
    validator = Validator(shapes, forms.ontology)
    values = read_values(form, {"name.0.fr": "Journée", "startDate.0.date": "2026-05-04"})
    submission = build_graph(KINDS["event"], form, values, BASE)
    result = feedback(validator.validate(submission.graph), submission, "en")
    assert not result.conforms
    assert [m.severity for m in result.fields["keywords.0"]] == ["violation"]


def test_form_data_make_a_graph_the_shapes_accept(forms):
    form = forms.form("event")
    data = {
        "name.0.fr": "Journée régionale à Arras",
        "name.0.en": "Regional day in Arras",
        "description.0.fr": "Une journée pour les médiateurs.",
        "startDate.0.date": "2026-05-04",
        "startDate.0.time": "09:30",
        "endDate.0.date": "2026-05-04",
        "endDate.0.time": "17:00",
        "eventStatus.0": str(SDO.EventScheduled),
        "participantCount.0": "120",
        "subEvent.0.name.0.fr": "Atelier numérique",
        "subEvent.0.startDate.0.date": "2026-05-04",
        "subEvent.0.startDate.0.time": "10:00",
        "subEvent.1.name.0.fr": "Atelier santé",
        "subEvent.1.startDate.0.date": "2026-05-04",
    }
    submission = build_graph(KINDS["event"], form, read_values(form, data), BASE)
    event = URIRef(BASE + "id/event/2026-05-04-journee-regionale-a-arras")
    assert submission.iri == event
    graph = submission.graph
    assert (event, RDF.type, SDO.Event) in graph
    assert (event, SDO.startDate, Literal("2026-05-04T09:30:00", datatype=XSD.dateTime)) in graph
    assert (event, SDO.name, Literal("Regional day in Arras", lang="en")) in graph
    parts = set(graph.objects(event, SDO.subEvent))
    assert parts == {
        URIRef(BASE + "id/event/2026-05-04-atelier-numerique"),
        URIRef(BASE + "id/event/2026-05-04-atelier-sante"),
    }
    assert all((part, SDO.superEvent, event) in graph for part in parts)
    report = forms.validator.validate(graph)
    assert report.conforms, report.to_text("en")


@pytest.mark.parametrize(
    "typed, datatype, slug",
    [("2026-06", XSD.gYearMonth, "2026-06-journee"), ("2026", XSD.gYear, "2026-journee")],
)
def test_a_month_or_a_year_alone_is_a_start_date(forms, typed, datatype, slug):
    """The source gives no day: the month or the year is sent alone, stated as such (never a
    made-up first day), and starts the IRI as a day would."""
    form = forms.form("event")
    data = {"name.0.fr": "Journée", "startDate.0.period": typed, "keywords.0.fr": "essai"}
    submission = build_graph(KINDS["event"], form, read_values(form, data), BASE)
    event = URIRef(BASE + "id/event/" + slug)
    assert submission.iri == event
    assert list(submission.graph.objects(event, SDO.startDate)) == [
        Literal(typed, datatype=datatype)
    ]
    start_errors = [
        r for r in forms.validator.validate(submission.graph).results if r.path == SDO.startDate
    ]
    assert start_errors == []


def test_a_month_and_a_day_together_are_one_start_date_too_many(forms):
    form = forms.form("event")
    data = {
        "name.0.fr": "Journée",
        "startDate.0.date": "2026-06-12",
        "startDate.0.period": "2026-06",
    }
    submission = build_graph(KINDS["event"], form, read_values(form, data), BASE)
    result = feedback(forms.validator.validate(submission.graph), submission, "en")
    assert any("one start date" in m.text for m in result.fields["startDate.0"])


def test_the_report_lands_on_the_fields_it_is_about(forms):
    form = forms.form("event")
    data = {
        "name.0.fr": "Journée",
        "startDate.0.date": "2026-02-30",
        "participantCount.0": "beaucoup",
        "hasRole.0.roleName.0.fr": "Stand",
    }
    submission = build_graph(KINDS["event"], form, read_values(form, data), BASE)
    for lang, start, count in (
        ("fr", "date de début", "nombre de participants"),
        ("en", "start date", "number of participants"),
    ):
        result = feedback(forms.validator.validate(submission.graph), submission, lang)
        assert not result.conforms
        assert start in result.fields["startDate.0"][0].text
        assert count in result.fields["participantCount.0"][0].text
        # A role without its kind: the message is on the role's field, in the sub-form.
        assert "hasRole.0.roleType.0" in result.fields
        assert "hasRole.0.agent.0" in result.fields


def test_a_message_about_one_of_repeated_values_lands_on_that_value(forms):
    form = forms.form("organisation")
    data = {
        "name.0": "Association des médiateurs",
        "url.0": "https://mediateurs.example/",
        "url.1": "pas une adresse",
    }
    submission = build_graph(KINDS["organisation"], form, read_values(form, data), BASE)
    assert submission.iri == URIRef(BASE + "id/actor/association-des-mediateurs")
    result = feedback(forms.validator.validate(submission.graph), submission, "fr")
    assert "url.1" in result.fields and "url.0" not in result.fields
    assert any("IRI" in message.text for message in result.fields["url.1"])
