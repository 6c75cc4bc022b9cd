"""``bench/ingest.py``: the annotations of the articles benchmark are whole (each parses,
names its article, and refers only to what it declares), and the scorer counts right on a
small case made here, where a broken rule (name folding, exact dates, the one-to-one
matching of events, a refusal) changes a count."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from service.rdfio import parse_files

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = ROOT / "bench" / "articles"
ANNOTATIONS = sorted(ARTICLES.glob("*.toml"))
DATE = re.compile(r"^(\d{4}(-\d{2}(-\d{2})?)?|--\d{2}-\d{2})$")
BASE = "https://w3id.org/mediation-sociale/"
HELD = set(
    parse_files(
        sorted((ROOT / "data").glob("*.ttl")) + [ROOT / "bench" / "known-actors.ttl"]
    ).subjects()
)
ROLES = {
    "organiser",
    "partner",
    "supporter",
    "opened",
    "facilitated",
    "spoke",
    "presented",
    "host",
    "stand",
    "rapporteur",
    "publisher",
}


@pytest.fixture(scope="module")
def scorer():
    spec = importlib.util.spec_from_file_location("bench_ingest", ROOT / "bench" / "ingest.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_ingest"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_the_benchmark_has_the_seed_and_eight_articles_or_more():
    texts = [p for p in ANNOTATIONS if "text" in tomllib.loads(p.read_text())["article"]]
    assert len(texts) >= 8
    assert any("shared" in tomllib.loads(p.read_text())["article"] for p in ANNOTATIONS)


@pytest.mark.parametrize("path", ANNOTATIONS, ids=lambda p: p.stem)
def test_an_annotation_parses_and_refers_to_its_article_and_its_own_things(path, shared):
    annotation = tomllib.loads(path.read_text(encoding="utf-8"))
    article = annotation["article"]
    assert article["url"].startswith("https://") and article["retrieved"]
    text = shared / article["shared"] if "shared" in article else ARTICLES / article["text"]
    assert text.is_file() and text.read_text(encoding="utf-8").strip()
    if article.get("published"):
        assert DATE.match(article["published"])

    events = {e["id"]: e for e in annotation.get("events", [])}
    assert len(events) == len(annotation.get("events", [])), "event ids are unique"
    places = {p["name"] for p in annotation.get("places", [])}
    named = places | {t["name"] for k in ("organisations", "people") for t in annotation.get(k, [])}
    for event in events.values():
        assert event["name"] and event["kind"]
        for key in ("start", "end"):
            assert key not in event or DATE.match(event[key]), (event["id"], event[key])
        assert set(event.get("places", [])) <= places, event["id"]
        assert event.get("part_of", event["id"]) in events and event.get("part_of") != event["id"]
        assert all(isinstance(n, int) and n > 0 for n in event.get("participants", []))
    for thing in (
        t for k in ("events", "organisations", "people", "places") for t in annotation.get(k, [])
    ):
        if "known" in thing:  # what the store already holds: data/ or the known actors
            assert URIRef(BASE + thing["known"]) in HELD, thing["known"]
    for role in annotation.get("roles", []):
        assert role["agent"] in named, role
        assert role["role"] in ROLES, role
        assert (role["role"] == "publisher") == ("event" not in role), role
        assert "event" not in role or role["event"] in events, role


DRAFT = """
@prefix schema: <https://schema.org/> .
@prefix med: <https://w3id.org/mediation-sociale/def#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ev: <https://w3id.org/mediation-sociale/id/event/> .
@prefix actor: <https://w3id.org/mediation-sociale/id/actor/> .
@prefix place: <https://w3id.org/mediation-sociale/id/place/> .
@prefix role: <https://w3id.org/mediation-sociale/id/role/> .

<https://w3id.org/mediation-sociale/id/article/a> a schema:NewsArticle ;
    schema:publisher actor:fm .
ev:day a schema:Event ; schema:name "Journée régionale à Lille" ;
    schema:startDate "2024-10-11"^^xsd:date ; schema:location place:lille ;
    med:participantCount 170 ; schema:superEvent ev:cycle ; schema:organizer actor:fm .
ev:cycle a schema:EventSeries ; schema:name "Cycle des journées" ;
    schema:startDate "2024-06-01"^^xsd:date .
ev:other a schema:Event ; schema:name "Café des médiateurs" .
<https://w3id.org/mediation-sociale/id/event/day#role-1> a med:Participation ;
    med:inEvent ev:day ; med:agent actor:fd ; med:roleType role:ouverture .
actor:fm a schema:Organization ; schema:name "FRANCE MÉDIATION" .
actor:fd a schema:Person ; schema:name "DECOTTIGNIES Fabienne" .
actor:x a schema:Organization ; schema:name "Illustration" .
place:lille a schema:Place ; schema:name "Lille" .
"""

ANNOTATION = """
[article]
text = "a.txt"
url = "https://example.org/a"
retrieved = 2026-12-06

[[events]]
id = "day"
name = "Séminaire régional"
kind = "seminar"
start = "2024-10-11"
places = ["Lille"]
participants = [170]
part_of = "cycle"

[[events]]
id = "cycle"
name = "Cycle des journées"
kind = "series"
start = "2024-06"

[[events]]
id = "missed"
name = "Webinaire"
kind = "webinar"
start = "2024-11"

[[organisations]]
name = "France Médiation"

[[people]]
name = "Fabienne Decottignies"

[[places]]
name = "Lille"
kind = "commune"

[[roles]]
agent = "France Médiation"
role = "organiser"
event = "day"

[[roles]]
agent = "Fabienne Decottignies"
role = "opened"
event = "day"

[[roles]]
agent = "France Médiation"
role = "publisher"
"""


def test_the_scorer_counts_a_small_case_fact_by_fact(scorer):
    found = scorer.draft_facts(Graph().parse(data=DRAFT, format="turtle"), Graph())
    counts = scorer.score(scorer.expected_facts(tomllib.loads(ANNOTATION)), found)
    got = {kind: (c.tp, c.fp, c.fn) for kind, c in counts.items()}
    assert got == {
        # the day by its date, the cycle by its name; the café matches nothing; the webinar is missed
        "events": (2, 1, 1),
        # a day where the text gives a month is a wrong date, and the month a missed one
        "dates": (1, 1, 2),
        "places": (1, 0, 0),
        # « FRANCE MÉDIATION » is France Médiation; « Illustration » is no organisation
        "organisations": (1, 1, 0),
        # a person's name in another order is the same name
        "people": (1, 0, 0),
        "roles": (3, 0, 0),
        "participants": (1, 0, 0),
        "parts": (1, 0, 0),
    }
    assert counts["dates"].precision == 0.5 and counts["events"].recall == pytest.approx(2 / 3)
    # What tuning reads (--details): the facts in words.
    assert counts["dates"].wrong == ["Cycle des journées: start 2024-06-01"]
    assert counts["dates"].missed == [
        "Cycle des journées: start 2024-06",
        "Webinaire: start 2024-11",
    ]
    assert counts["organisations"].wrong == ["Illustration"]


def test_a_refused_article_counts_as_a_draft_without_facts(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"\x00\x01 not an article")
    (tmp_path / "a.toml").write_text(ANNOTATION, encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "ingest.py"),
            "--articles",
            str(tmp_path),
            "--json",
            "--territories",
            "seed",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)["a"]
    assert result["status"].startswith("refused")
    assert result["events"] == {"tp": 0, "fp": 0, "fn": 3}
    assert result["roles"] == {"tp": 0, "fp": 0, "fn": 3}
    assert result["again"] == []


IMPLIED = """
@prefix schema: <https://schema.org/> .
@prefix med: <https://w3id.org/mediation-sociale/def#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ev: <https://w3id.org/mediation-sociale/id/event/> .
@prefix actor: <https://w3id.org/mediation-sociale/id/actor/> .
@prefix place: <https://w3id.org/mediation-sociale/id/place/> .
@prefix role: <https://w3id.org/mediation-sociale/id/role/> .

<https://w3id.org/mediation-sociale/id/article/a> a schema:NewsArticle ;
    schema:publisher actor:site .
actor:site a schema:Organization ; schema:name "Le Site des médiateurs" .
ev:day a schema:Event ; schema:name "Journée régionale à Saint-Quentin" ;
    schema:startDate "2019-11-19"^^xsd:date ; schema:location place:saint-quentin ;
    schema:performer actor:fd ; schema:contributor actor:ms .
ev:plenary a schema:Event ; schema:name "Séance plénière" ; schema:superEvent ev:day ;
    schema:startDate "2019-11-19"^^xsd:date ; schema:performer actor:fd .
ev:workshop a schema:Event ; schema:name "Atelier" ; schema:superEvent ev:day ;
    schema:startDate "2019-11-19"^^xsd:date ; schema:organizer actor:ms .
<https://w3id.org/mediation-sociale/id/event/plenary#role-ouverture-fd> a med:Participation ;
    med:inEvent ev:plenary ; med:agent actor:fd ; med:roleType role:ouverture .
<https://w3id.org/mediation-sociale/id/event/workshop#role-co-animation-ms> a med:Participation ;
    med:inEvent ev:workshop ; med:agent actor:ms ; med:roleType role:co-animation .
actor:fd a schema:Person ; schema:name "Fabienne Decottignies" .
actor:ms a schema:Person ; schema:name "Marie Slimati" .
place:saint-quentin a schema:Place ; schema:name "Saint-Quentin" ;
    schema:containedInPlace place:commune-02691 .
place:commune-02691 a schema:AdministrativeArea ; schema:name "Saint-Quentin" .
role:ouverture med:impliedProperty schema:performer .
role:co-animation med:impliedProperty schema:organizer .
"""

IMPLIED_ANNOTATION = """
[article]
text = "a.txt"
url = "https://example.org/a"
retrieved = 2026-12-06
publisher = "Le Site des médiateurs"

[[events]]
id = "day"
name = "Journée régionale à Saint-Quentin"
kind = "regional-day"
start = "2019-11-19"

[[events]]
id = "plenary"
name = "Séance plénière"
kind = "plenary"
start = "2019-11-19"
part_of = "day"

[[events]]
id = "workshop"
name = "Atelier"
kind = "workshop"
start = "2019-11-19"
part_of = "day"

[[people]]
name = "Fabienne Decottignies"

[[people]]
name = "Marie Slimati"

[[places]]
name = "Saint-Quentin"
kind = "commune"

[[roles]]
agent = "Fabienne Decottignies"
role = "opened"
event = "plenary"

[[roles]]
agent = "Marie Slimati"
role = "facilitated"
event = "workshop"
"""


def test_a_role_s_implied_link_is_not_a_role_of_its_own_and_a_town_is_one_place(scorer):
    """The opener's ``schema:performer`` (on the plenary, and on the day it is part of) and a
    co-facilitator's ``schema:organizer`` say their role again (``med:impliedProperty``); a
    place named after its commune, in it, is the town once; the article's ``publisher``
    counts as its organisation and role when no ``[[roles]]`` line repeats it."""
    found = scorer.draft_facts(Graph().parse(data=IMPLIED, format="turtle"), Graph())
    counts = scorer.score(scorer.expected_facts(tomllib.loads(IMPLIED_ANNOTATION)), found)
    got = {kind: (c.tp, c.fp, c.fn) for kind, c in counts.items()}
    assert got["roles"] == (3, 0, 0), counts["roles"].wrong
    assert got["places"] == (1, 0, 0)
    assert got["organisations"] == (1, 0, 0)


def test_a_partner_and_a_supporter_are_one_role_as_the_roles_scheme_has_them(scorer):
    """« avec le soutien de » is ``role:partenaire`` (its alternative label « Soutien »): the
    annotation's « supporter » is that role."""
    draft = IMPLIED.replace(
        "role:ouverture med:impliedProperty schema:performer .",
        "role:ouverture med:impliedProperty schema:performer .\n"
        "<https://w3id.org/mediation-sociale/id/event/day#role-partenaire-ms> a med:Participation ;\n"
        "    med:inEvent ev:day ; med:agent actor:ms ; med:roleType role:partenaire .\n"
        "ev:day schema:sponsor actor:ms .\n"
        "role:partenaire med:impliedProperty schema:sponsor .",
    )
    annotation = (
        IMPLIED_ANNOTATION
        + '\n[[roles]]\nagent = "Marie Slimati"\nrole = "supporter"\nevent = "day"\n'
    )
    found = scorer.draft_facts(Graph().parse(data=draft, format="turtle"), Graph())
    counts = scorer.score(scorer.expected_facts(tomllib.loads(annotation)), found)
    assert (counts["roles"].tp, counts["roles"].fp, counts["roles"].fn) == (4, 0, 0)
