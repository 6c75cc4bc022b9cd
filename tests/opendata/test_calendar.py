"""iCalendar over HTTP, parsed with the icalendar library as a calendar application reads it:
one event with its programme, lists filtered like /events, all-day dates, places, organisers,
times in the service's time zone across a change of summer time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar
from icalendar.parser import unescape_backslash

BASE = "https://w3id.org/mediation-sociale/"
LIEVIN = BASE + "id/event/2019-12-04-journee-regionale-lievin"
SAINT_QUENTIN = BASE + "id/event/2019-11-19-journee-regionale-saint-quentin"
RESTITUTION = BASE + "id/event/2020-restitution-journees-regionales"
#: Written in local time through the write API: from 22:00 on 26 October to 10:00 on
#: 27 October 2024, across the end of summer time in Paris (03:00 CEST → 02:00 CET).
NIGHT = BASE + "id/event/2024-10-26-nuit-de-la-mediation"
NIGHT_TURTLE = (
    f'<{NIGHT}> a schema:Event ; schema:name "Nuit de la médiation"@fr , "Mediation night"@en ; '
    'schema:startDate "2024-10-26T22:00:00"^^xsd:dateTime ; '
    'schema:endDate "2024-10-27T10:00:00"^^xsd:dateTime ; '
    f"schema:location <{BASE}id/place/arena-lievin> ."
)


@pytest.fixture(scope="module", autouse=True)
def built(server, wait_for_build):
    """The first build from the shared server's store has finished (before, 503)."""
    wait_for_build(server)


def calendar(server, path: str, **params) -> Calendar:
    response = server.get(path, params=params)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["Content-Type"].startswith("text/calendar")
    assert response.headers["ETag"] and response.headers["Last-Modified"]
    return Calendar.from_ical(response.content)


def events(cal: Calendar) -> dict[str, object]:
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_one_event_with_its_programme(server):
    cal = calendar(server, "id/event/2019-12-04-journee-regionale-lievin.ics")
    assert str(cal["VERSION"]) == "2.0" and cal["PRODID"]
    found = events(cal)
    day = found[LIEVIN]
    # An all-day event: DATE values, DTEND the day after (RFC 5545 §3.6.1).
    assert day["DTSTART"].dt == date(2019, 12, 4) and not hasattr(day["DTSTART"].dt, "hour")
    assert day["DTEND"].dt == date(2019, 12, 5)
    assert str(day["SUMMARY"]) == "Journée régionale sur la médiation sociale à Liévin"
    assert "Arena Liévin" in str(day["LOCATION"]) and "Liévin" in str(day["LOCATION"])
    assert str(day["URL"]) == server.url + "id/event/2019-12-04-journee-regionale-lievin"
    assert str(day["ORGANIZER"]) == BASE + "id/actor/france-mediation"
    assert day["ORGANIZER"].params["CN"] == "France Médiation"
    assert str(day["STATUS"]) == "CONFIRMED"
    sessions = [uid for uid in found if uid != LIEVIN]
    assert len(sessions) == 6  # the plenary and five workshops
    for uid in sessions:
        related = found[uid]["RELATED-TO"]
        related = related if isinstance(related, list) else [related]
        assert any(str(r) == LIEVIN and r.params["RELTYPE"] == "PARENT" for r in related), uid
    children = {str(r) for r in day["RELATED-TO"] if r.params["RELTYPE"] == "CHILD"}
    assert children == set(sessions)


def test_the_list_holds_the_seed_events_with_their_dates_and_places(server):
    found = events(calendar(server, "calendar/events.ics"))
    assert found[SAINT_QUENTIN]["DTSTART"].dt == date(2019, 11, 19)
    assert "Saint-Quentin" in str(found[SAINT_QUENTIN]["LOCATION"])
    assert found[LIEVIN]["DTSTART"].dt == date(2019, 12, 4)
    # Announced for 2020 without a day: no calendar entry is invented.
    assert RESTITUTION not in found


@pytest.mark.parametrize(
    "lang, note", [("fr", "date : 2020, sans jour"), ("en", "date: 2020, no day")]
)
def test_an_event_known_by_its_year_has_a_calendar_that_says_why_it_is_empty(server, lang, note):
    """A calendar entry needs a day: the 2020 restitution's own calendar has no VEVENT, and
    its description says why rather than leaving it empty without a word."""
    cal = calendar(server, "id/event/2020-restitution-journees-regionales.ics", lang=lang)
    assert events(cal) == {}
    # An X- property is unknown to the parser: read as the TEXT it is written as (escaped).
    assert note in unescape_backslash(str(cal["X-WR-CALDESC"]))


@pytest.mark.parametrize(
    "params, present, absent",
    [
        ({"territory": "commune/02691"}, {SAINT_QUENTIN}, {LIEVIN}),
        ({"territory": "departement/62"}, {LIEVIN}, {SAINT_QUENTIN}),
        ({"theme": "illectronisme"}, {LIEVIN}, {SAINT_QUENTIN}),
        (
            {"organizer": "irev"},
            {BASE + "id/event/2019-12-04-lievin-atelier-integration-territoriale"},
            {SAINT_QUENTIN},
        ),
        ({"when": "upcoming"}, set(), {LIEVIN, SAINT_QUENTIN}),
        ({"from": "2019-12-01"}, {LIEVIN}, {SAINT_QUENTIN}),
    ],
)
def test_lists_are_filtered_like_the_events_list(server, params, present, absent):
    found = set(events(calendar(server, "calendar/events.ics", **params)))
    assert present <= found
    assert not absent & found


@pytest.mark.parametrize(
    "params",
    [
        {"theme": "no-such-theme"},
        {"when": "soon"},
        {"from": "2019-13-45"},
        {"territory": "<script>"},
    ],
)
def test_bad_filters_are_400_with_a_message(server, params):
    response = server.get(
        "calendar/events.ics", params=params, headers={"Accept": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["message"]["fr"] and response.json()["message"]["en"]


def test_an_undated_event_has_an_empty_calendar_and_an_unknown_one_is_404(server):
    assert not events(calendar(server, "id/event/2020-restitution-journees-regionales.ics"))
    assert server.get("id/event/nothing-here.ics").status_code == 404


def test_pages_link_their_calendars(server):
    page = server.get(
        "id/event/2019-12-04-journee-regionale-lievin", headers={"Accept": "text/html"}
    )
    assert (
        '<link rel="alternate" type="text/calendar" '
        'href="/id/event/2019-12-04-journee-regionale-lievin.ics"'
    ) in page.text
    listing = server.get(
        "events", params={"theme": "illectronisme"}, headers={"Accept": "text/html"}
    )
    assert 'type="text/calendar" href="/calendar/events.ics?theme=illectronisme"' in listing.text


def test_calendars_follow_the_language(server):
    english = server.get(
        "id/event/2019-12-04-journee-regionale-lievin.ics", headers={"Accept-Language": "en"}
    )
    day = events(Calendar.from_ical(english.content))[LIEVIN]
    assert str(day["SUMMARY"]) == "Regional day on social mediation in Liévin"
    assert "Accept-Language" in english.headers["Vary"]


@pytest.fixture(scope="module")
def night(tmp_path_factory, writable_server, update, prefixes):
    """A server of its own (time zone by default: Europe/Paris) where the night was written."""
    running = writable_server(tmp_path_factory.mktemp("night"))
    try:
        written = update(
            running,
            f"{prefixes}INSERT DATA {{ GRAPH <{BASE}graph/essais> {{ {NIGHT_TURTLE} }} }}",
        )
        assert written.status_code == 200, written.text
        yield running
    finally:
        running.stop()


@pytest.mark.parametrize(
    "path", ["id/event/2024-10-26-nuit-de-la-mediation.ics", "calendar/events.ics"]
)
def test_local_times_carry_their_zone_and_its_rules_across_summer_time(night, path):
    response = night.get(path)
    cal = calendar(night, path)
    entry = events(cal)[NIGHT]
    start, end = entry["DTSTART"], entry["DTEND"]
    # Written without an offset, the times are Paris times: a TZID, not UTC nor floating.
    assert start.params["TZID"] == end.params["TZID"] == "Europe/Paris"
    assert b"DTSTART;TZID=Europe/Paris:20241026T220000" in response.content
    assert b"DTEND;TZID=Europe/Paris:20241027T100000" in response.content
    assert start.dt.utcoffset() == timedelta(hours=2) and end.dt.utcoffset() == timedelta(hours=1)
    # 12 hours on the clock are 13 hours long: the hour from 02:00 to 03:00 comes twice.
    assert start.dt.astimezone(UTC) == datetime(2024, 10, 26, 20, tzinfo=UTC)
    assert end.dt.astimezone(UTC) == datetime(2024, 10, 27, 9, tzinfo=UTC)
    # The calendar says what Europe/Paris is, both sides of the change (RFC 5545 §3.6.5): an
    # application without the zone's rules reads them there.
    (zone,) = cal.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Paris"
    changes = {
        (part.name, part["DTSTART"].dt, part["TZOFFSETFROM"].td, part["TZOFFSETTO"].td)
        for part in zone.subcomponents
    }
    hour = timedelta(hours=1)
    assert ("DAYLIGHT", datetime(2024, 3, 31, 3), hour, 2 * hour) in changes
    assert ("STANDARD", datetime(2024, 10, 27, 3), 2 * hour, hour) in changes
    assert str(cal["X-WR-TIMEZONE"]) == "Europe/Paris"


def test_days_stay_all_day_beside_timed_events(night):
    found = events(calendar(night, "calendar/events.ics"))
    day = found[LIEVIN]["DTSTART"]
    assert day.dt == date(2019, 12, 4) and not isinstance(day.dt, datetime)
    assert "TZID" not in day.params
    assert isinstance(found[NIGHT]["DTSTART"].dt, datetime)


def test_the_seed_days_alone_need_no_time_zone(server):
    cal = calendar(server, "id/event/2019-12-04-journee-regionale-lievin.ics")
    assert not cal.walk("VTIMEZONE")
