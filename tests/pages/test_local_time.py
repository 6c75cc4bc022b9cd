"""Times as people and crawlers read them: an event written in local time through the write
API, across the end of summer time, shown in the service's time zone on its page, and given
with the offset of each date in its JSON-LD (read with extruct, as a crawler does); the
``time_zone`` setting moves all of it (America/Cayenne: French Guiana, an overseas
département, with no summer time)."""

from __future__ import annotations

from datetime import datetime, timedelta

import extruct
import pytest
from icalendar import Calendar

BASE = "https://w3id.org/mediation-sociale/"
NIGHT = "id/event/2024-10-26-nuit-de-la-mediation"
SESSION = "id/event/2024-10-27-atelier-de-minuit"
POST = "id/post/twitter-1202253569807855620"  # the seed's post, stamped 2019-12-04T15:49:22Z
#: Written without offsets, as a publisher writes « de 22 h à 10 h »: Europe/Paris leaves
#: summer time at 03:00 on 27 October 2024, between the start and the end. The session ends
#: at 02:30, in the hour that comes twice: the first one, still summer time.
WRITTEN = f"""
<{BASE}{NIGHT}> a schema:Event ; schema:name "Nuit de la médiation"@fr , "Mediation night"@en ;
    schema:startDate "2024-10-26T22:00:00"^^xsd:dateTime ;
    schema:endDate "2024-10-27T10:00:00"^^xsd:dateTime ;
    schema:location <{BASE}id/place/arena-lievin> ; schema:subEvent <{BASE}{SESSION}> .
<{BASE}{SESSION}> a schema:Event ; schema:name "Atelier de minuit"@fr , "Midnight workshop"@en ;
    schema:startDate "2024-10-27T00:00:00"^^xsd:dateTime ;
    schema:endDate "2024-10-27T02:30:00"^^xsd:dateTime ;
    schema:location <{BASE}id/place/arena-lievin> ; schema:superEvent <{BASE}{NIGHT}> .
"""
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def start_written(tmp_path_factory, writable_server, update, prefixes):
    """Start a server of its own with ``env``, write the night, and stop it afterwards."""
    started = []

    def start(env: dict[str, str]):
        running = writable_server(tmp_path_factory.mktemp("local-time"), env)
        started.append(running)
        written = update(
            running, f"{prefixes}INSERT DATA {{ GRAPH <{BASE}graph/essais> {{ {WRITTEN} }} }}"
        )
        assert written.status_code == 200, written.text
        return running

    yield start
    for running in started:
        running.stop()


@pytest.fixture(scope="module")
def paris(start_written):
    return start_written({})


@pytest.fixture(scope="module")
def cayenne(start_written):
    return start_written({"MEDIATION_TIME_ZONE": "America/Cayenne"})


def page(server, path: str, lang: str) -> str:
    response = server.get(path, params={"lang": lang}, headers={"Accept": "text/html"})
    assert response.status_code == 200, response.text[:300]
    return response.text


def json_ld(server, path: str) -> dict:
    html = page(server, path, "fr")
    [document] = extruct.extract(
        html, base_url=server.url + path, syntaxes=["json-ld"], uniform=False
    )["json-ld"]
    return document


def test_json_ld_gives_each_time_the_offset_of_its_date(paris):
    night = json_ld(paris, NIGHT)
    assert night["startDate"] == "2024-10-26T22:00:00+02:00"
    assert night["endDate"] == "2024-10-27T10:00:00+01:00"
    start, end = (datetime.fromisoformat(night[key]) for key in ("startDate", "endDate"))
    assert end - start == timedelta(hours=13)  # 12 hours on the clock, one of them twice
    # A linked session carries its dates with their offsets too; 02:30 is the first one.
    assert night["subEvent"]["startDate"] == "2024-10-27T00:00:00+02:00"
    session = json_ld(paris, SESSION)
    assert session["endDate"] == "2024-10-27T02:30:00+02:00"
    assert session["superEvent"]["endDate"] == "2024-10-27T10:00:00+01:00"


def test_the_page_shows_local_times_in_words(paris):
    french = page(paris, NIGHT, "fr")
    assert f"26 octobre 2024 à 22{NBSP}h{NBSP}00" in french
    assert f"27 octobre 2024 à 10{NBSP}h{NBSP}00" in french
    english = page(paris, NIGHT, "en")
    assert "26 October 2024 at 22:00" in english and "27 October 2024 at 10:00" in english
    # The programme's session, and the page's own history (written now, kept in UTC).
    assert f"27 octobre 2024 à 0{NBSP}h{NBSP}00" in french
    assert 'id="history' in french
    assert "UTC" not in french and "UTC" not in english


def test_a_time_written_in_utc_is_shown_in_local_time(paris):
    assert f"4 décembre 2019 à 16{NBSP}h{NBSP}49" in page(paris, POST, "fr")
    assert "4 December 2019 at 16:49" in page(paris, POST, "en")


def test_the_time_zone_setting_moves_every_time(cayenne):
    night = json_ld(cayenne, NIGHT)
    # French Guiana keeps -03:00 all year: the same local times, another instant.
    assert night["startDate"] == "2024-10-26T22:00:00-03:00"
    assert night["endDate"] == "2024-10-27T10:00:00-03:00"
    assert f"26 octobre 2024 à 22{NBSP}h{NBSP}00" in page(cayenne, NIGHT, "fr")
    # An instant written in UTC is shown in Cayenne.
    assert f"4 décembre 2019 à 12{NBSP}h{NBSP}49" in page(cayenne, POST, "fr")
    response = cayenne.get(NIGHT + ".ics")
    assert b"DTSTART;TZID=America/Cayenne:20241026T220000" in response.content
    cal = Calendar.from_ical(response.content)
    (zone,) = cal.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "America/Cayenne"
    assert {part.name for part in zone.subcomponents} == {"STANDARD"}
    assert {part["TZOFFSETTO"].td for part in zone.subcomponents} == {timedelta(hours=-3)}
