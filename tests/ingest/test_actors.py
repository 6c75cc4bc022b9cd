"""Who an article names, as the draft writes them: its publisher (a known site, a site's
name, never an actor named after a domain), the organiser a role's sentence gives (a
person when the reader of names says so), the organisations and places its sentences
name. Each rule with a sentence of its own; the benchmark's articles fact by fact."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from service.ingest import Reference, ingest_text, project_reference
from service.ingest.reading import read_any
from service.ingest.reading.facts import read_facts
from service.namespaces import IGEO, PROV, RDF, SDO

ID = "https://w3id.org/mediation-sociale/id/"
FRANCE_MEDIATION = URIRef(ID + "actor/france-mediation")

BODY = (
    "Le 12 mars 2024 à Lille s'est tenue une journée d'échanges sur la médiation sociale, "
    "organisée par France Médiation. Elle a réuni 80 personnes."
)


@pytest.fixture(scope="module")
def reference() -> Reference:
    return Reference([project_reference()])


def draft_of(text: str, reference: Reference):
    return ingest_text(text, "a.txt", reference=reference, kind="text", today=date(2026, 12, 6))


def names(graph, node) -> set[str]:
    return {str(n) for n in graph.objects(node, SDO.name)}


def test_an_unknown_site_without_a_name_is_a_publisher_to_complete(reference):
    text = f"Une journée à Lille\n\nSource : https://www.mediateurs-du-nord.example/une-journee\n\n{BODY}"
    result = draft_of(text, reference)
    g, article = result.draft.graph, result.draft.article
    assert g.value(article, SDO.publisher) is None  # never an actor named after a domain
    actors = set(g.subjects(RDF.type, SDO.Organization)) | set(g.subjects(RDF.type, SDO.Person))
    assert not [a for a in actors if "mediateurs-du-nord" in str(a) + " ".join(names(g, a))]
    assert any(
        "mediateurs-du-nord.example" in fr and "compléter" in fr for fr, _ in result.draft.todo
    )


def test_a_site_s_name_names_its_unknown_publisher(reference):
    text = (
        "Une journée à Lille\n\nSource : https://www.mediateurs-du-nord.example/une-journee\n\n"
        f"Site : Les Médiateurs du Nord\n\n{BODY}"
    )
    result = draft_of(text, reference)
    g, article = result.draft.graph, result.draft.article
    publisher = g.value(article, SDO.publisher)
    assert names(g, publisher) == {"Les Médiateurs du Nord"}
    assert (publisher, RDF.type, SDO.Organization) in g
    assert g.value(publisher, SDO.url) == URIRef("https://mediateurs-du-nord.example")
    assert "Site" not in result.draft.extracted.text.plain  # a page's field, not its text


def test_a_site_s_name_of_a_known_actor_is_that_actor(reference):
    text = (
        "Une journée à Lille\n\nSource : https://www.mediation-nationale.example/une-journee\n\n"
        f"Site : France Médiation\n\n{BODY}"
    )
    result = draft_of(text, reference)
    assert result.draft.graph.value(result.draft.article, SDO.publisher) == FRANCE_MEDIATION
    assert not [iri for kind, _, iri in result.draft.minted if kind == "publisher"]


def test_a_saved_page_s_title_gives_its_site_s_name():
    page = (
        "<html lang='fr'><head><title>Une journée à Lille | Les Médiateurs du Nord</title></head>"
        f"<body><article><h1>Une journée à Lille</h1><p>{BODY}</p><p>{BODY}</p></article></body></html>"
    )
    found = read_any(page, "page.html")
    assert found.site_name == "Les Médiateurs du Nord"
    assert found.title == "Une journée à Lille"


def test_an_organiser_the_reader_of_names_calls_a_person_is_a_person(reference):
    text = (
        "Un congrès à Nantes\n\nSource : https://www.francemediation.fr/congres\n\n"
        "Le 14 mai 2024 à Nantes s'est tenu le congrès des médiateurs, à l'initiative de "
        "Marianne Lefèvre, présidente de l'association. Il a réuni 300 personnes."
    )
    g = draft_of(text, reference).draft.graph
    organisers = list(g.subject_objects(SDO.organizer))
    assert len(organisers) == 1
    organiser = organisers[0][1]
    assert names(g, organiser) == {"Marianne Lefèvre"}
    assert (organiser, RDF.type, SDO.Person) in g
    assert (organiser, RDF.type, SDO.Organization) not in g


# -- roles read from sentences (each rule with a sentence of its own) ----------------------

ROLE_SENTENCES = [
    (
        "Le 3 avril 2024, deux cents médiateurs se sont réunis à Lyon sous l'égide de la "
        "préfecture du Rhône.",
        [("organisateur", "préfecture du Rhône", "organisation", True)],
    ),
    (
        "Jeanne MARTIN, directrice de la cohésion sociale, a ouvert la rencontre régionale du "
        "3 avril 2024.",
        [("ouverture", "Jeanne MARTIN", "person", False)],
    ),
    (
        "La matinée s'est poursuivie avec les témoignages passionnants de Paul Durand et "
        "Claire Petit.",
        [
            ("intervention", "Paul Durand", "person", False),
            ("intervention", "Claire Petit", "person", False),
        ],
    ),
    (
        "La journée s'appuiera sur les témoignages d'acteurs du logement social (Habitat "
        "Solidaire), de l'insertion (Emploi Avenir) et de la jeunesse (UFCV).",
        [
            ("intervention", "Habitat Solidaire", "organisation", False),
            ("intervention", "Emploi Avenir", "organisation", False),
            ("intervention", "UFCV", "organisation", False),
        ],
    ),
    (
        "Le forum, organisé avec le soutien de l'ANCT, de la Région, de l'URSSAF et de la "
        "Fondation Abbé Pierre, a réuni 200 personnes.",
        [
            ("partenaire", "ANCT", "organisation", True),
            ("partenaire", "URSSAF", "organisation", True),
            ("partenaire", "Fondation Abbé Pierre", "organisation", True),
        ],
    ),
    (
        "La programmation faisait une large place aux intervenants venus de toute l'Europe, "
        "dont Maria Rossi, juriste.",
        [("intervention", "Maria Rossi", "person", False)],
    ),
    (
        "A travers ce colloque, l'association Trait d'Union vous invite à débattre avec Sophie "
        "Bernard des conclusions de l'étude.",
        [
            ("organisateur", "Trait d'Union", "organisation", True),
            ("intervention", "Sophie Bernard", "person", False),
        ],
    ),
]


@pytest.mark.parametrize("sentence, roles", ROLE_SENTENCES, ids=lambda v: str(v)[:30])
def test_roles_read_from_french_phrasing(sentence, roles):
    facts = read_facts(sentence, date(2024, 6, 1))
    assert [(r.role, r.agent.text, r.agent.label, r.loose) for r in facts.roles] == roles


def test_a_name_before_brackets_is_the_agent_not_a_name_inside_them():
    facts = read_facts(
        "Des professionnels seront présents comme Médiaccord (une association qui intervient "
        "dans plusieurs villes de France) qui présentera ses actions.",
        date(2024, 6, 1),
    )
    assert [(r.role, r.agent.text) for r in facts.roles] == [("intervention", "Médiaccord")]


def test_a_person_s_organisation_in_brackets_is_her_affiliation_not_an_agent():
    facts = read_facts(
        "Les ateliers ont été animés par Marc Petit (Fédération des centres sociaux) et "
        "Lucie Moreau.",
        date(2024, 6, 1),
    )
    assert [(r.role, r.agent.text) for r in facts.roles] == [
        ("animation", "Marc Petit"),
        ("animation", "Lucie Moreau"),
    ]
    assert facts.roles[0].agent.affiliation.text == "Fédération des centres sociaux"


def test_an_acronym_is_an_organisation_but_a_title_in_capitals_is_not():
    facts = read_facts(
        "RENCONTRES NATIONALES DE LA MEDIATION\n\nLa journée a reçu le soutien de l'IRDSU et "
        "s'est tenue le 9 OCTOBRE 2019.",
        date(2024, 6, 1),
    )
    organisations = {m.text for m in facts.mentions if m.label == "organisation"}
    assert "IRDSU" in organisations
    assert not {"RENCONTRES", "NATIONALES", "MEDIATION", "OCTOBRE"} & organisations


def test_a_name_ends_at_its_line():
    facts = read_facts("Une journée à Liévin\n\nFrance Médiation a organisé la journée.", None)
    assert all("\n" not in m.text for m in facts.mentions)


# -- the draft: territories the text names, agents of events it does not hold -------------

REGION = URIRef(ID + "place/region/32")
LILLE = URIRef(ID + "place/commune/59350")
ARRAS = URIRef(ID + "place/commune/62041")


def test_the_towns_and_regions_named_are_the_territories_the_article_is_about(reference):
    text = (
        "Des dispositifs à partager\n\nSource : https://www.francemediation.fr/dispositifs\n\n"
        "Quatre dispositifs des Hauts-de-France seront présentés : la médiation scolaire à "
        "Arras et la médiation dans l'espace public à Lille. Le pôle est installé à Paris."
    )
    result = draft_of(text, reference)
    g, article = result.draft.graph, result.draft.article
    covered = set(g.objects(article, SDO.spatialCoverage))
    assert {REGION, LILLE, ARRAS} <= covered  # official territories, linked, never minted
    assert not [iri for kind, _, iri in result.draft.minted if "/place/" in str(iri)]
    statement = next(s for s in g.subjects(RDF.object, ARRAS) if (s, RDF.type, RDF.Statement) in g)
    assert "Arras" in str(g.value(statement, PROV.value))  # the sentence, kept


def test_a_town_of_several_communes_is_told_apart_by_the_departement_named_or_proposed(
    homonym_towns,
):
    graph = project_reference() + homonym_towns
    reference = Reference([graph])
    told = draft_of(
        "Une rencontre\n\nLes médiateurs de Seine-Saint-Denis se sont retrouvés à Saint-Denis.",
        reference,
    )
    covered = set(told.draft.graph.objects(told.draft.article, SDO.spatialCoverage))
    assert URIRef(f"{ID}place/commune/93066") in covered
    unsure = draft_of("Une rencontre\n\nLes médiateurs se sont retrouvés à Saint-Denis.", reference)
    assert not list(unsure.draft.graph.objects(unsure.draft.article, SDO.spatialCoverage))
    assert any("Saint-Denis" in fr and "plusieurs communes" in fr for fr, _ in unsure.draft.todo)


def test_agents_of_an_event_the_draft_does_not_hold_are_mentioned_with_their_sentence(reference):
    text = (
        "Une rencontre\n\nSource : https://www.francemediation.fr/rencontre\n\n"
        "La rencontre s'appuiera sur les témoignages d'acteurs de l'insertion (Emploi Avenir) "
        "et sera animée par Marc Petit (Fédération des centres sociaux)."
    )
    result = draft_of(text, reference)
    g, article = result.draft.graph, result.draft.article
    mentioned = {next(iter(names(g, a)), "") for a in g.objects(article, SDO.mentions)}
    assert {"Emploi Avenir", "Marc Petit", "Fédération des centres sociaux"} <= mentioned
    person = next(a for a in g.objects(article, SDO.mentions) if names(g, a) == {"Marc Petit"})
    assert (person, RDF.type, SDO.Person) in g
    assert names(g, g.value(person, SDO.affiliation)) == {"Fédération des centres sociaux"}
    assert any("Emploi Avenir" in fr and "intervention" in fr for fr, _ in result.draft.todo)


@pytest.mark.parametrize(
    "sentence, person, organisation",
    [
        (
            "A l'initiative de Jean Dupont, président de l'Association des médiateurs de quartier "
            "(AMQ), des praticiens ont été invités.",
            "Jean Dupont",
            "Association des médiateurs de quartier",
        ),
        (
            "Suite à cette introduction, Anne LEROY, déléguée générale de la Fédération des "
            "centres sociaux est intervenue sur le métier.",
            "Anne LEROY",
            "Fédération des centres sociaux",
        ),
    ],
)
def test_the_body_in_a_person_s_title_is_her_affiliation(sentence, person, organisation):
    (role,) = read_facts(sentence, date(2024, 6, 1)).roles
    assert role.agent.text == person and role.agent.label == "person"
    assert role.agent.affiliation.text == organisation


def test_a_title_the_model_takes_for_a_body_is_no_affiliation():
    (role,) = read_facts(
        "Camille Durand, Secrétaire générale de la Préfecture a pu ouvrir ce séminaire.",
        date(2024, 6, 1),
    ).roles
    assert (role.role, role.agent.text, role.agent.affiliation) == (
        "ouverture",
        "Camille Durand",
        None,
    )


def test_a_list_goes_on_past_an_item_that_names_no_one():
    facts = read_facts(
        "Le collectif vous invite à débattre avec Julie Marchand, les élus des communes "
        "voisines ainsi que les représentants de la Caisse d'allocations familiales.",
        date(2024, 6, 1),
    )
    assert [r.agent.text for r in facts.roles] == [
        "Julie Marchand",
        "Caisse d'allocations familiales",
    ]


def test_a_region_by_the_name_it_goes_by(reference):
    text = (
        "Une journée\n\nSource : https://www.francemediation.fr/journee\n\n"
        "Les médiateurs des Hauts-de-France et de PACA ont échangé leurs pratiques."
    )
    graph = project_reference() + Graph()
    paca = URIRef(ID + "place/region/93")
    graph.add((paca, RDF.type, IGEO.Region))
    graph.add((paca, RDF.type, SDO.AdministrativeArea))
    graph.add((paca, SDO.name, Literal("Provence-Alpes-Côte d'Azur", lang="fr")))
    result = draft_of(text, Reference([graph]))
    covered = set(result.draft.graph.objects(result.draft.article, SDO.spatialCoverage))
    assert {REGION, paca} <= covered


# -- the benchmark's articles, fact by fact (bench/articles, handed as the bench does) -----

BENCH = Path(__file__).resolve().parents[2] / "bench" / "articles"


def bench_draft(stem: str, url: str, site: str):
    from service.rdfio import parse_files

    known = parse_files([BENCH.parent / "known-actors.ttl"])
    title, _, body = (BENCH / f"{stem}.txt").read_text(encoding="utf-8").partition("\n")
    text = f"{title}\n\nSource : {url}\n\nSite : {site}\n\n{body.lstrip()}"
    reference = Reference([project_reference(), known])
    return ingest_text(
        text, f"{stem}.txt", reference=reference, kind="text", today=date(2026, 12, 6)
    )


def test_bench_07_its_speakers_bodies_and_towns():
    result = bench_draft(
        "07-culturables-rencontre-regionale-contrats-de-ville-lille",
        "https://culturables.fr/rencontre-regionale-la-mediation-dans-les-contrats-de-ville-le-27-mai-a-lille",
        "Culturables",
    )
    g, article = result.draft.graph, result.draft.article
    assert names(g, g.value(article, SDO.publisher)) == {"Culturables"}
    mentioned = {n for a in g.objects(article, SDO.mentions) for n in names(g, a)}
    assert {
        "Profession Banlieue",
        "Fédération des associations de médiation sociale et culturelle d’Ile-de-France",
        "AFPA",
    } <= mentioned
    assert not {n for n in mentioned if "Kleber" in n}  # « en présence de »: no role
    assert LILLE in set(g.objects(article, SDO.spatialCoverage))  # the seed's territories


def test_bench_03_the_prefecture_its_people_and_the_known_actors():
    result = bench_draft(
        "03-irev-seminaire-adultes-relais-lille", "https://irev.fr/node/238136", "IREV"
    )
    g, article = result.draft.graph, result.draft.article
    assert g.value(article, SDO.publisher) == URIRef(ID + "actor/irev")  # by its domain
    agents = set(g.objects(article, SDO.mentions))
    assert (
        URIRef(ID + "actor/prefecture-nord") in agents
    )  # « sous l'égide de la préfecture du Nord »
    assert FRANCE_MEDIATION in agents  # Laurent Giraud's body, known: linked, not minted
    people = {n for a in agents if (a, RDF.type, SDO.Person) in g for n in names(g, a)}
    assert people == {"Fabienne Decottignies", "Laurent Giraud"}
    assert not [iri for kind, _, iri in result.draft.minted if "/actor/" in iri and "france" in iri]
