"""``mediation ingest``: a news article exported as text becomes a draft graph.

The seed article (``../shared/seed``) is the source; every variation is made here from
its text (a section removed, a date rewritten, a link broken…), so no copy is committed.
The curated graph of the same article (``data/irev-2019-12-13-lievin.ttl``) is the
reference: the draft's facts are compared with it one by one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, XSD

from service.config import load_config
from service.errors import ArticleError
from service.formats import TURTLE
from service.ingest import (
    TWITTER,
    Reference,
    extract,
    ingest,
    parse_date,
    project_reference,
    report_text,
    serialize_draft,
    snowflake_instant,
)
from service.namespaces import MED, OA, SDO
from service.rdfio import parse_dataset, parse_file

ROOT = Path(__file__).resolve().parents[2]
SEED = "seed/000_6c48d4cfc32f2d43.txt"
CURATED_FILE = ROOT / "data" / "irev-2019-12-13-lievin.ttl"
ID = "https://w3id.org/mediation-sociale/id/"
ARTICLE = URIRef(ID + "article/irev-2019-12-13-250-professionnels-reunis-mediation")
EVENT = URIRef(ID + "event/2019-12-04-journee-regionale-lievin")
PREFET_POST = URIRef(ID + "post/twitter-1202253569807855620")
FM_POST = URIRef(ID + "post/twitter-1202265817313947649")
DOCUMENT = URIRef(ID + "document/irev-conseils-de-lecture-politique-de-la-ville-mediation-sociale")
THEMES = {
    URIRef(ID + "theme/" + slug)
    for slug in (
        "developpement-social",
        "emploi-insertion-formation",
        "participation-citoyenne",
        "politique-de-la-ville-dsu",
    )
}
DAY = date(2026, 11, 28)


@pytest.fixture(scope="session")
def seed_path(shared) -> Path:
    return shared / SEED


@pytest.fixture(scope="session")
def seed_text(seed_path) -> str:
    return seed_path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def reference() -> Reference:
    return Reference([project_reference()])


@pytest.fixture(scope="session")
def seed_run(seed_path, reference):
    return ingest(seed_path, reference=reference, today=DAY)


@pytest.fixture(scope="session")
def curated() -> Graph:
    return parse_file(CURATED_FILE)


def run(tmp_path: Path, reference: Reference, content: str | bytes, **options):
    path = tmp_path / "article.txt"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return ingest(path, reference=reference, today=DAY, **options)


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the first line holding ``needle``: expected lines are found, not typed."""
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def french_or_plain(values) -> set:
    """Values, leaving out English translations (a draft has the source's language only)."""
    return {v for v in values if not (isinstance(v, Literal) and v.language == "en")}


# -- the seed ------------------------------------------------------------------------------------


def test_seed_draft_conforms_with_warnings_only(seed_run):
    assert seed_run.conforms
    assert seed_run.report.violations == []
    assert seed_run.problems == []  # the seed reads cleanly: nothing lost


def test_seed_article_facts(seed_run):
    g = seed_run.draft.graph
    assert seed_run.draft.article == ARTICLE  # reconciled by its address with the curated article
    assert g.value(ARTICLE, SDO.datePublished) == Literal(
        "2019-12-13T11:00:00+01:00", datatype=XSD.dateTime
    )
    assert g.value(ARTICLE, SDO.dateModified) == Literal(
        "2019-12-13T15:52:00+01:00", datatype=XSD.dateTime
    )
    assert g.value(ARTICLE, SDO.publisher) == URIRef(ID + "actor/irev")
    assert set(g.objects(ARTICLE, SDO.about)) == THEMES | {EVENT}
    assert set(g.objects(ARTICLE, SDO.spatialCoverage)) == {URIRef(ID + "place/region/32")}
    assert set(g.objects(ARTICLE, MED.embeds)) == {PREFET_POST, FM_POST}
    # No title in the export: the address's words, flagged by a note, never invented accents.
    headline = g.value(ARTICLE, SDO.headline)
    assert headline == Literal(
        "250 professionnel s motives reunis pour ouvrir de nouvelles perspectives la mediation",
        lang="fr",
    )
    note = URIRef(f"{ARTICLE}#note-titre")
    assert g.value(note, MED.retainedValue) == Literal(str(headline))


def test_seed_provenance_and_curation_status(seed_run):
    g = seed_run.draft.graph
    graph = g.identifier
    assert (
        str(graph)
        == "https://w3id.org/mediation-sociale/graph/brouillon-irev-2019-12-13-250-professionnels-reunis-mediation"
    )
    assert g.value(graph, PROV.wasDerivedFrom) == ARTICLE
    assert g.value(graph, MED.curationStatus) == URIRef(ID + "curation/brouillon")
    assert g.value(graph, DCTERMS.source) == URIRef(
        "https://irev.fr/actualites-0/250-professionnel-s-motives-reunis-pour-ouvrir-de-nouvelles-perspectives-la-mediation"
    )
    assert g.value(graph, SDO.dateCreated) == Literal("2026-11-28", datatype=XSD.date)


@pytest.mark.parametrize(
    "predicate, value, sentence_start",
    [
        (
            SDO.startDate,
            Literal("2019-12-04", datatype=XSD.date),
            "Le 4 décembre 2019 à Liévin, s'est tenue",
        ),
        (
            SDO.location,
            URIRef(ID + "place/arena-lievin"),
            "Le 4 décembre 2019 à Liévin, s'est tenue",
        ),
        (
            SDO.organizer,
            URIRef(ID + "actor/france-mediation"),
            "Le 4 décembre 2019 à Liévin, s'est tenue",
        ),
        (
            MED.participantCount,
            Literal(250, datatype=XSD.nonNegativeInteger),
            "Cette journée a réuni 250 personnes",
        ),
        (SDO.audience, URIRef(ID + "audience/elus"), "Cette journée a réuni 250 personnes"),
    ],
)
def test_event_facts_keep_their_sentence(seed_run, predicate, value, sentence_start):
    g = seed_run.draft.graph
    assert (EVENT, predicate, value) in g
    statements = [
        s
        for s in g.subjects(RDF.subject, EVENT)
        if g.value(s, RDF.predicate) == predicate and g.value(s, RDF.object) == value
    ]
    assert len(statements) == 1
    assert str(g.value(statements[0], PROV.value)).startswith(sentence_start)
    assert g.value(statements[0], PROV.wasQuotedFrom) == ARTICLE


def test_evidence_says_where_its_sentence_is_and_how_sure(seed_run):
    """Each fact read from the running text: its sentence, where it is in the article's text
    (a Web Annotation position), and a confidence; a surer reading for a written date."""
    g = seed_run.draft.graph
    text = seed_run.draft.extracted.facts.text
    weighed = sorted(g.subjects(MED.confidence, None))
    assert len(weighed) >= 5
    for statement in weighed:
        position = g.value(statement, OA.hasSelector)
        start, end = int(g.value(position, OA.start)), int(g.value(position, OA.end))
        sentence = text[start:end]
        assert 0 < float(g.value(statement, MED.confidence)) <= 1
        if g.value(statement, PROV.value) is not None:
            assert sentence == str(g.value(statement, PROV.value))
    start_date = URIRef(f"{EVENT}#source-startDate")
    assert float(g.value(start_date, MED.confidence)) == 0.95


def test_post_date_is_what_the_identifier_encodes(seed_run):
    g = seed_run.draft.graph
    # (1202253569807855620 >> 22) + 1288834974657 ms = 2019-12-04T15:49:22.xxxZ, not "September 4, 2019"
    assert snowflake_instant(TWITTER, "1202253569807855620") == datetime(
        2019, 12, 4, 15, 49, 22, tzinfo=UTC
    )
    assert g.value(PREFET_POST, SDO.datePublished) == Literal(
        "2019-12-04T15:49:22Z", datatype=XSD.dateTime
    )
    notes = [
        n
        for n in g.subjects(SDO.about, PREFET_POST)
        if g.value(n, MED.sourceValue) == Literal("September 4, 2019")
    ]
    assert len(notes) == 1 and (notes[0], RDF.type, MED.DataQualityNote) in g
    assert g.value(notes[0], MED.retainedValue) == Literal("2019-12-04T15:49:22Z")
    # France Médiation's post shows the right day: no note about its date.
    assert not any(
        str(g.value(n, MED.sourceValue)) == "December 4, 2019"
        for n in g.subjects(RDF.type, MED.DataQualityNote)
    )


def test_hashtag_shown_differently_from_its_link(seed_run):
    g = seed_run.draft.graph
    assert set(g.objects(PREFET_POST, SDO.keywords)) == {
        Literal(k, lang="fr") for k in ("médiation", "Liévin", "QPV")
    }
    note = URIRef(f"{ARTICLE}#note-mot-diese-qpv")
    assert (g.value(note, MED.sourceValue), g.value(note, MED.retainedValue)) == (
        Literal("#OPV"),
        Literal("#QPV"),
    )
    assert "#OPV" in str(g.value(PREFET_POST, SDO.articleBody))  # the quotation stays verbatim


def test_report_names_what_to_complete_in_either_language(seed_run):
    french = report_text(seed_run, "fr", "brouillon.ttl")
    english = report_text(seed_run, "en", "draft.ttl")
    assert french.startswith("Brouillon écrit : brouillon.ttl")
    assert english.startswith("Draft written: draft.ttl")
    assert "Titre provisoire, tiré de l'adresse" in french
    assert "Provisional title, from the address" in english
    assert "« #OPV » → « #QPV »" in french and "“#OPV” → “#QPV”" in english
    assert (
        "Avertissement" in french and "Warning" in english
    )  # the shapes' warnings, in that language


# -- the draft against the curated data, fact by fact --------------------------------------------

ARTICLE_FACTS = [
    SDO.url,
    SDO.abstract,
    SDO.datePublished,
    SDO.dateModified,
    SDO.inLanguage,
    SDO.publisher,
    SDO.about,
    SDO.spatialCoverage,
    SDO.associatedMedia,
    MED.embeds,
    SDO.citation,
]
POST_FACTS = [
    RDF.type,
    SDO.identifier,
    SDO.url,
    SDO.author,
    SDO.datePublished,
    SDO.articleBody,
    SDO.keywords,
    SDO.inLanguage,
    SDO.sharedContent,
]
IMAGE_FACTS = [RDF.type, SDO.url, SDO.sameAs]
DOCUMENT_FACTS = [
    RDF.type,
    SDO.name,
    SDO.url,
    SDO.contentUrl,
    SDO.encodingFormat,
    SDO.contentSize,
    SDO.publisher,
    SDO.hasPart,
]
CHAPTER_FACTS = [RDF.type, SDO.name, SDO.position, SDO.pageStart, SDO.isPartOf]
EVENT_FACTS = [
    RDF.type,
    SDO.name,
    SDO.startDate,
    SDO.endDate,
    SDO.eventStatus,
    SDO.eventAttendanceMode,
    SDO.organizer,
    SDO.performer,
    SDO.location,
    SDO.superEvent,
    MED.follows,
    MED.participantCount,
    SDO.audience,
]
#: Facts where the draft says less than the curated data, never something else.
ARTICLE_SUBSETS = [SDO.mentions]
POST_SUBSETS = [SDO.mentions]

FACTS = (
    [(ARTICLE, p) for p in ARTICLE_FACTS]
    + [(post, p) for post in (PREFET_POST, FM_POST) for p in POST_FACTS]
    + [(URIRef(f"{post}#image"), p) for post in (PREFET_POST, FM_POST) for p in IMAGE_FACTS]
    + [(DOCUMENT, p) for p in DOCUMENT_FACTS]
    + [(URIRef(f"{DOCUMENT}#partie-{n}"), p) for n in range(1, 5) for p in CHAPTER_FACTS]
    + [(EVENT, p) for p in EVENT_FACTS]
)


@pytest.mark.parametrize("subject, predicate", FACTS, ids=lambda t: str(t).rsplit("/", 1)[-1])
def test_draft_fact_equals_curated_fact(seed_run, curated, subject, predicate):
    draft = french_or_plain(seed_run.draft.graph.objects(subject, predicate))
    expected = french_or_plain(curated.objects(subject, predicate))
    assert expected, f"the curated data has no {predicate} for {subject}"
    assert draft == expected


@pytest.mark.parametrize(
    "subject, predicate",
    [(ARTICLE, p) for p in ARTICLE_SUBSETS]
    + [(post, p) for post in (PREFET_POST, FM_POST) for p in POST_SUBSETS],
)
def test_draft_says_less_never_otherwise(seed_run, curated, subject, predicate):
    draft = set(seed_run.draft.graph.objects(subject, predicate))
    assert draft and draft <= set(curated.objects(subject, predicate))


def test_event_place_is_the_known_venue(seed_run, curated):
    """The article names the town only; the day is known (same date, same town), so its place
    is the known venue, never a new place named after the town."""
    g = seed_run.draft.graph
    assert g.value(EVENT, SDO.location) == curated.value(EVENT, SDO.location)
    assert URIRef(ID + "place/lievin") not in set(g.subjects()) | set(g.objects())
    assert ("place", "Liévin", URIRef(ID + "place/arena-lievin")) in seed_run.draft.matched


def test_parts_of_the_day_are_the_known_parts(seed_run, curated):
    """The morning « introduite par » and the five workshops the list names are the day's
    known plenary and workshops, linked both ways, never new events."""
    g = seed_run.draft.graph
    parts = set(g.objects(EVENT, SDO.subEvent))
    assert parts == set(curated.objects(EVENT, SDO.subEvent))
    assert len(parts) == 6
    for part in parts:
        assert g.value(part, SDO.superEvent) == EVENT
        assert set(g.objects(part, RDF.type)) == set(curated.objects(part, RDF.type))
        assert g.value(part, SDO.startDate) == curated.value(part, SDO.startDate)
    assert not [iri for kind, _, iri in seed_run.draft.minted if kind == "event"]


def test_the_day_named_in_passing_is_the_known_one(seed_run, curated):
    """« après celle du 19 novembre à Saint-Quentin »: the known Saint-Quentin day, which the
    article mentions and is not about."""
    g = seed_run.draft.graph
    before = URIRef(ID + "event/2019-11-19-journee-regionale-saint-quentin")
    assert (ARTICLE, SDO.mentions, before) in g
    assert (ARTICLE, SDO.about, before) not in g
    assert g.value(before, SDO.startDate) == curated.value(before, SDO.startDate)
    assert g.value(before, SDO.location) == curated.value(before, SDO.location)


def test_roles_are_on_the_part_their_sentence_is_about(seed_run, curated):
    """« La matinée, introduite par Franck BOULANJON »: the plenary's opening; « Sur ce dernier
    atelier, … la co-animation avec Marie Slimati de l'association Interfaces et avec les
    interventions de Lille Sud Insertion »: the last workshop's roles, Interfaces her
    association, not a facilitator. Each is a role the curated data holds, on the same part."""
    g = seed_run.draft.graph
    roles = {
        (event, g.value(node, MED.agent), g.value(node, MED.roleType))
        for event, node in g.subject_objects(MED.hasRole)
    }
    plenary = URIRef(ID + "event/2019-12-04-lievin-pleniere")
    workshop = URIRef(ID + "event/2019-12-04-lievin-atelier-integration-territoriale")
    assert {
        (plenary, URIRef(ID + "actor/franck-boulanjon"), URIRef(ID + "role/ouverture")),
        (workshop, URIRef(ID + "actor/marie-slimati"), URIRef(ID + "role/co-animation")),
        (workshop, URIRef(ID + "actor/lille-sud-insertion"), URIRef(ID + "role/intervention")),
    } <= roles
    curated_roles = {
        (event, curated.value(node, MED.agent), curated.value(node, MED.roleType))
        for event, node in curated.subject_objects(MED.hasRole)
    }
    assert roles <= curated_roles
    assert not [r for r in roles if r[0] == EVENT and r[1] == URIRef(ID + "actor/franck-boulanjon")]


def test_notes_match_the_curated_notes(seed_run, curated):
    """Each contradiction the parser notes is one the curators noted, with the same values
    (the title's retained value aside: curators restored its accents)."""
    g = seed_run.draft.graph
    curated_notes = {
        str(curated.value(n, MED.sourceValue)): str(curated.value(n, MED.retainedValue))
        for n in curated.subjects(RDF.type, MED.DataQualityNote)
    }
    drafted = {
        str(g.value(n, MED.sourceValue)): str(g.value(n, MED.retainedValue))
        for n in g.subjects(RDF.type, MED.DataQualityNote)
    }
    assert len(drafted) == 6
    for source_value, retained in drafted.items():
        assert source_value in curated_notes, source_value
        if not source_value.startswith("250-professionnel"):
            assert retained == curated_notes[source_value]


def test_what_the_draft_lacks_is_printed(seed_run, curated, capsys):
    """Curation adds what a parser cannot: list it (run with -s to read it)."""
    draft = seed_run.draft.graph
    described = {s for s in draft.subjects() if isinstance(s, URIRef)}
    lacking: dict[URIRef, list[str]] = {}
    for s, p, o in curated:
        if isinstance(s, URIRef) and (s, p, o) not in draft and not isinstance(o, BNode):
            if isinstance(o, Literal) and o.language == "en":
                continue
            lacking.setdefault(s, []).append(p.n3(curated.namespace_manager))
    with capsys.disabled():
        print(
            f"\nCe que le brouillon n'a pas, et que la curation ajoute — what the draft lacks "
            f"({sum(map(len, lacking.values()))} facts on {len(lacking)} resources):"
        )
        for subject in sorted(lacking, key=str):
            mark = "" if subject in described else " (absent du brouillon / not in the draft)"
            print(
                f"  {subject.n3(curated.namespace_manager)}{mark}: {', '.join(sorted(set(lacking[subject])))}"
            )
    assert EVENT in lacking and "schema:description" in lacking[EVENT]  # curation wrote it
    assert URIRef(ID + "event/2019-12-04-lievin-pleniere") in lacking  # parts of the day: curation
    assert ARTICLE in lacking and "schema:headline" in lacking[ARTICLE]  # restored accents


# -- variations of the seed ----------------------------------------------------------------------


def _published(text: str, value: str) -> str:
    return text.replace("Publié le 13 décembre 2019", f"Publié le {value}")


@pytest.mark.parametrize(
    "value", ["13/12/2019", "2019-12-13", "13 déc. 2019", "Vendredi 13 décembre 2019"]
)
def test_publication_date_formats(tmp_path, reference, seed_text, value):
    result = run(tmp_path, reference, _published(seed_text, value))
    assert result.conforms and result.problems == []
    assert result.draft.graph.value(ARTICLE, SDO.datePublished) == Literal(
        "2019-12-13T11:00:00+01:00", datatype=XSD.dateTime
    )


@pytest.mark.parametrize(
    "value", ["13/12/2019 - 11:00", "2019-12-13 11:00", "13 déc. 2019 - 11h00"]
)
def test_dates_field_formats(tmp_path, reference, seed_text, value):
    text = seed_text.replace("Dates: Vendredi 13 décembre 2019 - 11:00", f"Dates: {value}")
    result = run(tmp_path, reference, text)
    assert result.conforms and result.problems == []
    assert result.draft.graph.value(ARTICLE, SDO.datePublished) == Literal(
        "2019-12-13T11:00:00+01:00", datatype=XSD.dateTime
    )


@pytest.mark.parametrize("written", ["04/12/2019", "2019-12-04", "4 déc. 2019"])
def test_event_date_formats(tmp_path, reference, seed_text, written):
    text = seed_text.replace("Le 4 décembre 2019 à Liévin", f"Le {written} à Liévin")
    result = run(tmp_path, reference, text)
    assert result.conforms and result.problems == []
    assert result.draft.graph.value(EVENT, SDO.startDate) == Literal(
        "2019-12-04", datatype=XSD.date
    )


def test_parse_date_never_guesses_a_year():
    assert parse_date("4 décembre") is None
    assert parse_date("32 décembre 2019") is None
    assert parse_date("December 4, 2019") == date(2019, 12, 4)


def _without_liens(text: str) -> str:
    return text[: text.index("## Liens")]


def _without_themes(text: str) -> str:
    return re.sub(r"Thématiques:.*?(?=Territoires)", "", text, flags=re.S)


def _without_dates(text: str) -> str:
    return text.replace("Dates: Vendredi 13 décembre 2019 - 11:00\n", "")


def _post_without_date(text: str) -> str:
    return text.replace("[September 4, 2019](#) [8]", "[](#) [8]")


def _post_without_link(text: str) -> str:
    return text.replace(" [September 4, 2019](#) [8]", "")


def _post_date_unreadable(text: str) -> str:
    return text.replace("[September 4, 2019](#) [8]", "[la veille](#) [8]")


def _link_not_closed(text: str) -> str:
    return text.replace(
        "(https://twitter.com/Prefet62?ref_src=twsrc%5Etfw)",
        "(https://twitter.com/Prefet62?ref_src=twsrc%5Etfw",
    )


def _number_without_link(text: str) -> str:
    return re.sub(r"\n\[13\] [^\n]*\n", "\n", text)


def _stray_line_in_liens(text: str) -> str:
    return text.replace(
        "[14] <https://irev.fr/taxonomy/term/3679>",
        "voir aussi https://irev.fr\n\n[14] <https://irev.fr/taxonomy/term/3679>",
    )


def _duplicate_number(text: str) -> str:
    return text + "\n[14] <https://irev.fr/taxonomy/term/9999>\n"


def _event_date_without_year(text: str) -> str:
    return text.replace("Le 4 décembre 2019 à Liévin", "Le 4 décembre à Liévin")


def _unknown_theme(text: str) -> str:
    return text.replace("[Participation citoyenne](#) [16]", "[Culture](#) [16]").replace(
        "<https://irev.fr/taxonomy/term/3675>", "<https://irev.fr/taxonomy/term/1>"
    )


# (transform, where the message is (a needle of the line, or None for the whole file),
#  what it says, a check of the draft)
VARIATIONS: dict[str, tuple[Callable[[str], str], str | None, str, Callable]] = {
    "no-liens": (
        _without_liens,
        None,
        "no “## Liens” section",
        lambda g: (
            set(g.objects(ARTICLE, SDO.about)) >= THEMES  # themes found by their labels
            and not list(g.subjects(RDF.type, SDO.SocialMediaPosting))
            and not list(g.subjects(RDF.type, SDO.DigitalDocument))
        ),
    ),
    "no-themes": (
        _without_themes,
        None,
        "no “Thématiques:” line",
        lambda g: not set(g.objects(ARTICLE, SDO.about)) & THEMES,
    ),
    "no-dates": (
        _without_dates,
        None,
        "no “Dates:” line",
        lambda g: (
            g.value(ARTICLE, SDO.datePublished) == Literal("2019-12-13", datatype=XSD.date)
            and (URIRef(f"{ARTICLE}#note-champ-dates"), None, None) not in g
        ),
    ),
    "post-without-date": (
        _post_without_date,
        "(@Prefet62)",
        "without a shown date: the date comes from the post's identifier",
        lambda g: (
            g.value(PREFET_POST, SDO.datePublished)
            == Literal("2019-12-04T15:49:22Z", datatype=XSD.dateTime)
        ),
    ),
    "post-without-link": (
        _post_without_link,
        "(@Prefet62)",
        "without a link to the post",
        lambda g: (PREFET_POST, None, None) not in g and (FM_POST, None, None) in g,
    ),
    "post-date-unreadable": (
        _post_date_unreadable,
        "(@Prefet62)",
        "unreadable post date: “la veille”",
        lambda g: (
            g.value(PREFET_POST, SDO.datePublished)
            == Literal("2019-12-04T15:49:22Z", datatype=XSD.dateTime)
        ),
    ),
    "link-not-closed": (
        _link_not_closed,
        "[3] [https://twitter.com/Prefet62",
        "link [3] is malformed (“)” missing after the address)",
        lambda g: g.value(PREFET_POST, SDO.mentions) is None,
    ),
    "number-without-link": (
        _number_without_link,
        "(@FranceMediation)",
        "the link “December 4, 2019” points to [13], which the “Liens” section lacks",
        lambda g: (FM_POST, None, None) not in g,
    ),
    "stray-line-in-liens": (
        _stray_line_in_liens,
        "voir aussi",
        "unexpected line in “Liens”: “voir aussi https://irev.fr”",
        lambda g: set(g.objects(ARTICLE, SDO.about)) >= THEMES,
    ),
    "duplicate-number": (
        _duplicate_number,
        "taxonomy/term/9999",
        "link [14] was already given on line",
        lambda g: URIRef(ID + "theme/developpement-social") in set(g.objects(ARTICLE, SDO.about)),
    ),
    "event-date-without-year": (
        _event_date_without_year,
        "Le 4 décembre à Liévin",
        "the event reported is dated “4 décembre”, without a year: the year is guessed",
        # The day is still the known one, its year guessed from the publication and said.
        lambda g: (
            g.value(EVENT, SDO.startDate) == Literal("2019-12-04", datatype=XSD.date)
            and any(
                "2019" in str(g.value(n, MED.retainedValue)) for n in g.subjects(SDO.about, EVENT)
            )
        ),
    ),
    "unknown-theme": (
        _unknown_theme,
        "[Culture](#)",
        "unknown theme “Culture” (https://irev.fr/taxonomy/term/1): kept as a keyword",
        lambda g: Literal("Culture", lang="fr") in set(g.objects(ARTICLE, SDO.keywords)),
    ),
}


@pytest.mark.parametrize("name", list(VARIATIONS))
def test_variation_gets_a_precise_message_and_a_valid_draft(tmp_path, reference, seed_text, name):
    transform, needle, message, check = VARIATIONS[name]
    text = transform(seed_text)
    assert text != seed_text
    result = run(tmp_path, reference, text)
    expected_line = None if needle is None else line_of(text, needle)
    said = [p for p in result.problems if message in p.en]
    assert said, [p.message("en") for p in result.problems]
    assert said[0].line == expected_line
    assert said[0].fr and said[0].fr != said[0].en  # French first, English too
    assert result.conforms, result.report.to_text("en")
    assert check(result.draft.graph)


def test_unreadable_publication_date_is_no_valid_draft(tmp_path, reference, seed_text):
    text = _published(seed_text, "13 brumaire an VIII")
    result = run(tmp_path, reference, text)
    assert not result.conforms
    said = [
        p for p in result.problems if "unreadable publication date: “13 brumaire an VIII”" in p.en
    ]
    assert said and said[0].line == line_of(text, "Publié le")
    assert any(r.path == SDO.datePublished for r in result.report.violations)


def test_post_date_in_the_page_s_time_zone_is_no_contradiction(tmp_path, reference, seed_text):
    """A post of 23:30 UTC on 4 December is shown as 5 December in Paris: no note."""
    instant = datetime(2019, 12, 4, 23, 30, tzinfo=UTC)
    post_id = str((int(instant.timestamp() * 1000) - TWITTER.epoch_ms) << 22)
    text = seed_text.replace("1202265817313947649", post_id).replace(
        "[December 4, 2019](#) [13]", "[December 5, 2019](#) [13]"
    )
    result = run(tmp_path, reference, text)
    g = result.draft.graph
    post = URIRef(ID + f"post/twitter-{post_id}")
    assert g.value(post, SDO.datePublished) == Literal(
        "2019-12-04T23:30:00Z", datatype=XSD.dateTime
    )
    assert not [
        n
        for n in g.subjects(SDO.about, post)
        if str(g.value(n, MED.sourceValue)) == "December 5, 2019"
    ]
    assert result.conforms


def test_stray_characters_in_an_address_never_break_the_draft(tmp_path, reference, seed_text):
    text = seed_text.replace("[7] <https://t.co/ySJE0ER008>", "[7] https://t.co/ySJE0ER008\\")
    result = run(tmp_path, reference, text)
    image = URIRef(f"{PREFET_POST}#image")
    assert result.draft.graph.value(image, SDO.sameAs) == URIRef("https://t.co/ySJE0ER008%5C")
    for key in ("turtle", "trig", "jsonld"):
        body = serialize_draft(result.draft.graph, key, "article.txt")
        parsed = parse_dataset(body, fmt=key)
        assert len(parsed) == len(result.draft.graph)


# -- files that are no article -----------------------------------------------------------------


def _raises(tmp_path, reference, content, **options) -> ArticleError:
    with pytest.raises(ArticleError) as caught:
        run(tmp_path, reference, content, **options)
    error = caught.value
    assert error.message_fr and error.message_en and error.message_fr != error.message_en
    return error


@pytest.mark.parametrize("content", [b"", b"  \n\n\t\n"])
def test_empty_file(tmp_path, reference, content):
    error = _raises(tmp_path, reference, content)
    assert "empty file" in error.message_en and "fichier vide" in error.message_fr


def test_binary_file(tmp_path, reference, seed_text):
    data = seed_text.encode("utf-8")
    at = data.index(b"Poids")
    error = _raises(tmp_path, reference, data[:at] + b"\x00\x01\x02" + data[at:])
    assert error.details["line"] == line_of(seed_text, "Poids")
    assert f"NUL byte on line {line_of(seed_text, 'Poids')}" in error.message_en


def test_huge_file(tmp_path, reference, seed_text):
    cap = load_config(environ={}).max_article_bytes
    error = _raises(tmp_path, reference, seed_text * (cap // len(seed_text.encode()) + 1))
    assert "file too large" in error.message_en and str(cap) in error.message_en
    error = _raises(tmp_path, reference, seed_text, max_bytes=1000)
    assert "at most 1000" in error.message_en


def test_not_utf8(tmp_path, reference, seed_text):
    seed_text = seed_text.replace("➤", "•")  # the one character of the seed Windows-1252 lacks
    latin = seed_text.encode("cp1252")
    error = _raises(tmp_path, reference, latin)
    first = next(n for n, line in enumerate(seed_text.splitlines(), start=1) if not line.isascii())
    column = next(
        i for i, c in enumerate(seed_text.splitlines()[first - 1], start=1) if not c.isascii()
    )
    assert error.details["line"] == first and error.details["column"] == column
    assert "is not UTF-8" in error.message_en and "--encoding" in error.message_en
    # Said which encoding it is, the same file reads as the seed does.
    result = run(tmp_path, reference, latin, encoding="cp1252")
    assert result.conforms
    assert result.draft.graph.value(ARTICLE, SDO.abstract) == Literal(
        "Le 4 décembre, France médiation invitait les professionnels de la médiation pour une "
        "journée régionale d'échange à Liévin.",
        lang="fr",
    )


def test_unknown_encoding(tmp_path, reference, seed_text):
    error = _raises(tmp_path, reference, seed_text, encoding="klingon")
    assert "unknown encoding" in error.message_en


def test_no_source_address_is_a_field_to_complete(tmp_path, reference, seed_text):
    """The export without its address still gives a draft: the address is to complete."""
    done = run(tmp_path, reference, re.sub(r"\*\*URL de la source.*\n", "", seed_text))
    assert done.draft.graph.value(done.draft.article, SDO.url) is None
    assert any("schema:url" in en and "to complete" in en for _, en in done.draft.todo)
    assert done.incomplete and not done.conforms  # written for a curator, not published


def test_text_without_facts_is_read_not_refused():
    found = extract("Bonjour.\n\nCeci n'est pas une page d'actualité.\n", "note.txt")
    assert found.source_url is None and found.lead == "Bonjour."
    assert found.text.plain == "Bonjour.\n\nCeci n'est pas une page d'actualité."


# -- reconciliation -------------------------------------------------------------------------------


def test_publisher_reconciled_with_the_store(tmp_path, reference, seed_text):
    """An actor only the store knows (not data/) is found by its site's address."""
    from service.store.embedded import EmbeddedStore

    source = "https://irev.fr/actualites-0/250-professionnel-s-motives-reunis-pour-ouvrir-de-nouvelles-perspectives-la-mediation"
    text = seed_text.replace(source, "https://www.federation.example/actualites/journee-liévin")
    alone = run(tmp_path, reference, text)
    # Unknown, and the page does not say its site's name: to complete, never an actor named
    # after its domain.
    assert alone.draft.graph.value(alone.draft.article, SDO.publisher) is None
    assert any("site federation.example is not a known actor" in en for _, en in alone.draft.todo)

    store = EmbeddedStore(tmp_path / "store", workers=False)
    try:
        known = URIRef(ID + "actor/federation-des-mediateurs")
        store.load(
            f'<{known}> a <https://schema.org/Organization> ; <https://schema.org/name> "Fédération des médiateurs" ; '
            f"<https://schema.org/url> <https://federation.example/> .".encode(),
            TURTLE,
            URIRef("https://w3id.org/mediation-sociale/graph/actors"),
        )
        result = run(tmp_path, Reference(reference.graphs, [store]), text)
    finally:
        store.close()
    assert result.draft.graph.value(result.draft.article, SDO.publisher) == known
    assert (known, None, None) not in result.draft.graph  # described by the store, not redescribed
    assert result.conforms, result.report.to_text("en")


def test_other_base_url(tmp_path, seed_text):
    base = "https://data.example.org/ms/"
    result = run(tmp_path, Reference([project_reference(base)]), seed_text, base_url=base)
    g = result.draft.graph
    assert str(result.draft.article).startswith(base + "id/article/")
    assert set(g.objects(result.draft.article, SDO.about)) >= {
        URIRef(base + "id/theme/developpement-social")
    }
    assert str(g.identifier).startswith(base + "graph/")
    assert not [
        t for t in g if any(str(x).startswith("https://w3id.org/mediation-sociale/id/") for x in t)
    ]
    assert result.conforms, result.report.to_text("en")
