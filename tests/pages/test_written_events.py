"""Events written through the write routes, as their pages show them: the status tells the
truth (a past event « A eu lieu », a cancelled one « Annulé »…) while the data keeps what the
source said; "past" is judged against today in Europe/Paris; the source's own image comes
first, with its licence; a card's validator follows what the card says."""

from __future__ import annotations

import json
import re

import pytest
from icalendar.parser import unescape_backslash
from rdflib import Graph, URIRef

from service.namespaces import GRAPH, ID, SDO

#: The day the service takes as today (the ``today`` setting): the tests do not depend on
#: when they run.
TODAY = "2030-01-10"


@pytest.fixture(scope="module")
def site(tmp_path_factory, writable_server):
    running = writable_server(tmp_path_factory.mktemp("written"), {"MEDIATION_TODAY": TODAY})
    yield running
    running.stop()


def event(site, insert_event, slug: str, start: str, extra: str = "", name: str = "") -> str:
    """Write an event; its path on the server."""
    iri = str(ID[f"event/{slug}"])
    response = insert_event(site, iri, name or f"Essai {slug}", start=start, extra=extra)
    assert response.status_code == 200, response.text[:500]
    return f"id/event/{slug}"


def page(site, path: str, lang: str = "fr") -> str:
    response = site.get(f"{path}?lang={lang}", headers={"Accept": "text/html"})
    assert response.status_code == 200, response.text[:300]
    return response.text


def rename(site, update, prefixes: str, iri, names: str) -> None:
    """Replace the names of ``iri`` (in whichever graph holds them) by ``names`` (Turtle)."""
    renamed = update(
        site,
        f"{prefixes}DELETE {{ GRAPH ?g {{ <{iri}> schema:name ?n }} }} "
        f"INSERT {{ GRAPH ?g {{ <{iri}> schema:name {names} }} }} "
        f"WHERE {{ GRAPH ?g {{ <{iri}> schema:name ?n }} }}",
    )
    assert renamed.status_code == 200, renamed.text[:500]


def shown_status(html: str) -> str | None:
    found = re.search(r'<p class="event-status status-([\w-]+)" lang="\w+"><strong>([^<]*)', html)
    return f"{found[1]}: {found[2]}" if found else None


def json_ld(html: str) -> dict:
    return json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1]
    )


def test_a_past_event_took_place_and_its_data_keeps_the_source_s_status(site, insert_event):
    path = event(
        site,
        insert_event,
        "essai-passe",
        "2019-06-01",
        '; schema:endDate "2019-06-02"^^xsd:date ; schema:eventStatus schema:EventScheduled',
    )
    french, english = page(site, path), page(site, path, "en")
    assert shown_status(french) == "past: A eu lieu"
    assert shown_status(english) == "past: Took place"
    # The facts say it too, beside the status the source announced.
    assert '<dd><span lang="fr">A eu lieu</span></dd>' in french
    assert "statut annoncé : Programmé" in french and "announced status: Scheduled" in english
    # The data and the markup keep what the source said.
    assert json_ld(french)["eventStatus"] == "https://schema.org/EventScheduled"
    data = Graph().parse(data=site.get(path + ".ttl").text, format="turtle")
    assert (URIRef(ID[path[3:]]), SDO.eventStatus, SDO.EventScheduled) in data


def test_a_future_event_is_scheduled(site, insert_event):
    path = event(
        site,
        insert_event,
        "essai-futur",
        "2099-06-01",
        "; schema:eventStatus schema:EventScheduled",
    )
    french = page(site, path)
    assert shown_status(french) == "scheduled: Programmé"
    assert "A eu lieu" not in french
    assert shown_status(page(site, path, "en")) == "scheduled: Scheduled"


def test_the_seed_day_took_place(site):
    html = page(site, "id/event/2019-12-04-journee-regionale-lievin")
    assert shown_status(html) == "past: A eu lieu"
    # An event announced for a year, with no date, is never said to have taken place.
    assert shown_status(page(site, "id/event/2020-restitution-journees-regionales")) is None


@pytest.mark.parametrize(
    "status, start, french, english",
    [
        ("EventCancelled", "2099-03-01", "cancelled: Annulé", "cancelled: Cancelled"),
        ("EventCancelled", "2019-03-01", "cancelled: Annulé", "cancelled: Cancelled"),
        ("EventPostponed", "2099-03-01", "postponed: Reporté", "postponed: Postponed"),
        ("EventPostponed", "2019-03-01", "postponed: Reporté", "postponed: Postponed"),
        ("EventRescheduled", "2099-03-01", "rescheduled: Reprogrammé", "rescheduled: Rescheduled"),
        (
            "EventMovedOnline",
            "2099-03-01",
            "moved-online: Passé en ligne",
            "moved-online: Moved online",
        ),
        ("EventMovedOnline", "2019-03-01", "past: A eu lieu", "past: Took place"),
    ],
)
def test_a_changed_event_is_shown_as_such(site, insert_event, status, start, french, english):
    """Cancelled and postponed events say so whatever their dates; rescheduled and moved-online
    events say so until they are over, then that they took place."""
    slug = f"essai-{status.lower()}-{start[:4]}"
    path = event(site, insert_event, slug, start, f"; schema:eventStatus schema:{status}")
    assert shown_status(page(site, path)) == french
    assert shown_status(page(site, path, "en")) == english
    assert json_ld(page(site, path))["eventStatus"] == f"https://schema.org/{status}"


@pytest.mark.parametrize(
    "start, past",
    [
        ('"2030-01-09"^^xsd:date', True),
        ('"2030-01-10"^^xsd:date', False),  # today is not past
        # 23:30 UTC on the 9th is 00:30 on the 10th in Paris (UTC+1 in January): today.
        ('"2030-01-09T23:30:00Z"^^xsd:dateTime', False),
        ('"2030-01-09T22:30:00Z"^^xsd:dateTime', True),
        ('"2030-01-09T23:30:00+01:00"^^xsd:dateTime', True),
        # A month or a year without its day, over before today: nothing says it was held.
        ('"2029-06"^^xsd:gYearMonth', False),
        ('"2029"^^xsd:gYear', False),
    ],
)
def test_past_is_judged_against_today_in_paris(site, insert_event, update, prefixes, start, past):
    slug = "essai-jour-" + re.sub(r"\W", "", start.split("^^")[0])
    iri = str(ID[f"event/{slug}"])
    text = (
        f"{prefixes}INSERT DATA {{ GRAPH <{GRAPH['essais']}> {{ <{iri}> a schema:Event ; "
        f'schema:name "Essai {slug}"@fr ; schema:startDate {start} ; '
        f"schema:location <{ID['place/arena-lievin']}> }} }}"
    )
    assert update(site, text).status_code == 200
    shown = shown_status(page(site, f"id/event/{slug}"))
    assert shown == ("past: A eu lieu" if past else None), (start, shown)


def test_the_source_s_own_image_comes_first_with_its_licence(site, insert_event):
    photo = "https://example.org/photos/journee.jpg"
    licence = "https://creativecommons.org/licenses/by/4.0/"
    iri = str(ID["event/essai-image"])
    extra = (
        f"; schema:image <{iri}#photo> . <{iri}#photo> a schema:ImageObject ; "
        f'schema:contentUrl <{photo}> ; schema:license <{licence}> ; schema:creditText "Photo : IREV"'
    )
    path = event(site, insert_event, "essai-image", "2099-05-01", extra)
    html = page(site, path)
    images = json_ld(html)["image"]
    assert images[0]["@type"] == "ImageObject"
    assert images[0]["contentUrl"] == photo and images[0]["license"] == licence
    assert images[0]["creditText"] == "Photo : IREV"
    assert [i["contentUrl"].split("?")[0].rsplit("/", 1)[1] for i in images[1:]] == [
        "card-16x9.png",
        "card-4x3.png",
        "card-1x1.png",
    ]
    og = re.findall(r'<meta property="og:image" content="([^"]*)">', html)
    assert og[0] == photo and og[1].startswith(f"{iri}/card.png")


def test_a_card_s_validator_follows_what_it_says(site, insert_event, update, prefixes):
    """An unrelated write keeps a card's ETag (a revalidation is still a 304); a change of the
    event's name changes it, and the new card is drawn."""
    path = event(site, insert_event, "essai-carte", "2099-07-01", name="Avant")
    first = site.get(path + "/card.png?lang=fr")
    etag = first.headers["ETag"]
    event(site, insert_event, "essai-autre", "2099-07-02")
    kept = site.get(path + "/card.png?lang=fr", headers={"If-None-Match": etag})
    assert kept.status_code == 304
    rename(site, update, prefixes, ID["event/essai-carte"], '"Après"@fr , "After"@en')
    changed = site.get(path + "/card.png?lang=fr", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.content != first.content


def month_event(site, update, prefixes, slug: str, start: str) -> str:
    iri = ID[f"event/{slug}"]
    text = (
        f"{prefixes}INSERT DATA {{ GRAPH <{GRAPH['essais']}> {{ <{iri}> a schema:Event ; "
        f'schema:name "Essai {slug}"@fr , "Trial {slug}"@en ; schema:startDate {start} ; '
        f"schema:location <{ID['place/arena-lievin']}> }} }}"
    )
    response = update(site, text)
    assert response.status_code == 200, response.text[:500]
    return f"id/event/{slug}"


def test_an_event_known_by_its_month_is_said_so_everywhere(site, update, prefixes):
    """The source gives June 2031, no day: the page says the month, never a first of June;
    the markup is no Event (search engines want a day) and its calendar has no entry but a
    note; the data keeps the month; the list of events shows it and sorts it by its first
    day, among the days of May and June."""
    path = month_event(site, update, prefixes, "essai-mois", '"2031-06"^^xsd:gYearMonth')
    month_event(site, update, prefixes, "essai-mai", '"2031-05-20"^^xsd:date')
    month_event(site, update, prefixes, "essai-juin", '"2031-06-15"^^xsd:date')
    french, english = page(site, path), page(site, path, "en")
    assert "juin 2031" in french and "June 2031" in english
    assert not re.search(r"\b1(er)?\s+juin", french) and "1 June" not in english
    assert shown_status(french) is None
    markup = json_ld(french)
    assert markup["@type"] == "Thing" and "startDate" not in markup
    data = Graph().parse(data=site.get(path + ".ttl").text, format="turtle")
    assert str(data.value(ID["event/essai-mois"], SDO.startDate)) == "2031-06"
    ics = site.get(path + ".ics?lang=fr")
    assert ics.status_code == 200 and "BEGIN:VEVENT" not in ics.text
    unfolded = unescape_backslash(ics.text.replace("\r\n ", ""))  # as a calendar reads TEXT
    assert "juin 2031, sans jour : un agenda ne peut pas la placer" in unfolded
    items = site.get("/events.json?when=upcoming", headers={"Accept": "application/json"}).json()
    dated = [(i["iri"].rsplit("/", 1)[1], i.get("date")) for i in items["items"]]
    ours = [d for d in dated if d[0] in ("essai-mois", "essai-mai", "essai-juin")]
    assert ours == [
        ("essai-mai", "2031-05-20"),
        ("essai-mois", "2031-06"),
        ("essai-juin", "2031-06-15"),
    ]
    listed = site.get("/events?when=upcoming&lang=fr", headers={"Accept": "text/html"}).text
    assert re.search(r'<time datetime="2031-06">juin 2031</time>', listed)


def test_what_pages_keep_per_store_generation_follows_every_write(
    site, insert_event, update, prefixes
):
    """A page reads some things once per store generation and keeps them for the next pages
    (``service/pages/generation.py``): the names of the resources it links to, the notes
    about it. A write changes the generation: the next page shows what it wrote."""
    before = event(site, insert_event, "essai-serie-1", "2099-02-01", name="Séance avant")
    path = event(
        site,
        insert_event,
        "essai-serie-2",
        "2099-02-08",
        f"; med:follows <{ID[before[3:]]}>",
    )
    assert "Séance avant" in page(site, path)
    rename(site, update, prefixes, ID[before[3:]], '"Séance renommée"@fr')
    shown = page(site, path)
    assert "Séance renommée" in shown and "Séance avant" not in shown
    assert 'class="notes"' not in shown
    note = f"{ID['event/essai-serie-source']}#note-date"
    noted = update(
        site,
        f"{prefixes}INSERT DATA {{ GRAPH <{GRAPH['essais']}> {{ <{note}> a med:DataQualityNote, "
        f"schema:Comment ; schema:about <{ID[path[3:]]}> ; "
        f'schema:text "La source donne deux dates."@fr ; med:sourceValue "8 ou 9 février" ; '
        f'med:retainedValue "2099-02-08" ; med:evidence "Le programme donne le 8."@fr }} }}',
    )
    assert noted.status_code == 200, noted.text[:500]
    shown = page(site, path)
    assert 'class="notes"' in shown and "La source donne deux dates." in shown
