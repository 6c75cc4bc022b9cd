"""Finding an existing resource the ways people type it, before they make a duplicate: an
acronym (with or without dots), a web or e-mail address (with or without ``www.`` and the
scheme), accents, case and hyphens folded, an alternate name. Against the search index of
a real store holding the seed, where France Médiation is given the alternate name and
addresses an organisation's record would have, and two decoys near it.
"""

from __future__ import annotations

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF

from service.config import DEFAULT_BASE as BASE
from service.config import load_config
from service.namespaces import SDO
from service.search.index import Index, changed_iris
from service.search.lookup import find_existing
from service.search.queries import Filters
from service.search.text import address_key, query_stems
from service.store.embedded import EmbeddedStore
from service.store.interface import Changeset
from service.writes.loading import ensure_seeded

FRANCE_MEDIATION = URIRef(BASE + "id/actor/france-mediation")
#: Decoys: another organisation whose name shares words with it, one with an address on a
#: shared host, one whose initials are also « FM ».
NORTH = URIRef(BASE + "id/actor/mediation-france-nord")
RADIO = URIRef(BASE + "id/actor/frequence-mediterranee")
GRAPH = URIRef(BASE + "graph/essais")
CONTACT = BNode()


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Index:
    directory = tmp_path_factory.mktemp("matching") / "store"
    store = EmbeddedStore(directory, workers=False)
    ensure_seeded(
        store, load_config(overrides={"store": str(directory), "territories": "seed"}, environ={})
    )
    org = SDO.Organization
    changes = Changeset(
        add=[
            (FRANCE_MEDIATION, SDO.alternateName, Literal("FM"), GRAPH),
            (FRANCE_MEDIATION, SDO.url, URIRef("https://www.france-mediation.fr/"), GRAPH),
            (FRANCE_MEDIATION, SDO.email, Literal("contact@france-mediation.fr"), GRAPH),
            (NORTH, RDF.type, org, GRAPH),
            (NORTH, SDO.name, Literal("Médiation sociale France Nord"), GRAPH),
            (NORTH, SDO.url, URIRef("https://twitter.com/france_mediation"), GRAPH),
            (NORTH, SDO.email, Literal("mediation.nord@gmail.com"), GRAPH),
            (RADIO, RDF.type, org, GRAPH),
            (RADIO, SDO.name, Literal("Fréquence Méditerranée"), GRAPH),
            (RADIO, SDO.contactPoint, CONTACT, GRAPH),
            (CONTACT, SDO.email, Literal("mailto:accueil@frequence-med.org"), GRAPH),
        ]
    )
    store.apply(changes)
    built = Index(tmp_path_factory.mktemp("matching-index") / "index.sqlite", BASE)
    built.ensure(store)
    built.update(store, changed_iris(changes))
    yield built
    built.close()
    store.close()


def actors(index: Index, text: str) -> list[str]:
    """The organisations and people a field's search as one types finds, in order."""
    return [item.iri for item in find_existing(index, text, Filters(kind="actor"))]


@pytest.mark.parametrize(
    "typed",
    [
        "FM",  # its alternate name, an acronym
        "f.m.",
        "F.M",
        "france-mediation.fr",  # its web address, however written
        "www.france-mediation.fr",
        "https://www.france-mediation.fr/",
        "http://france-mediation.fr/contact",
        "contact@france-mediation.fr",  # its e-mail's domain
        "france mediation",  # accents, case, hyphens folded
        "FRANCE MÉDIATION",
        "France-Médiation",
        "france médi",  # being typed
    ],
)
def test_each_way_of_typing_it_finds_france_mediation_first(index, typed):
    found = actors(index, typed)
    assert found and found[0] == str(FRANCE_MEDIATION), found


def test_a_contact_point_s_e_mail_finds_its_organisation(index):
    assert actors(index, "frequence-med.org") == [str(RADIO)]


def test_an_acronym_finds_only_who_is_given_it(index):
    assert str(RADIO) not in actors(index, "FM")


def test_an_address_on_a_shared_host_finds_no_one_by_that_host(index):
    assert actors(index, "twitter.com") == []
    assert actors(index, "gmail.com") == []


def test_an_unrelated_address_finds_nothing(index):
    assert actors(index, "https://www.example.org/") == []


def test_an_address_is_one_word_the_same_however_written():
    keys = {
        address_key(a)
        for a in (
            "france-mediation.fr",
            "https://www.france-mediation.fr/",
            "HTTP://WWW.France-Mediation.FR",
            "contact@france-mediation.fr",
            "www.france-mediation.fr/qui-sommes-nous?x=1",
        )
    }
    assert keys == {"francemediationfr"}
    assert address_key("f.m.") is None and address_key("médiation") is None
    assert query_stems("f.m.")[0] == query_stems("FM")[0]


def test_only_names_are_matched_not_descriptions_that_mention_it(index):
    mentioned = index.search("France Médiation", Filters(kind="actor"), limit=50)[0].items
    others = {item.iri for item in mentioned} - {str(FRANCE_MEDIATION)}
    assert others  # the site's search finds those that mention it…
    assert set(actors(index, "France Médiation")).isdisjoint(others - {str(NORTH)})  # …not these


def test_an_acronym_in_capitals_inside_a_name_finds_it(index):
    assert actors(index, "irev") == [BASE + "id/actor/irev"]
