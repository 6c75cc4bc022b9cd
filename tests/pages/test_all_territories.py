"""A service started with its defaults holds every official territory of France, not only the
nine of the seed: each commune has its page (kept from search engines while nothing happens
there), and the publishing forms' place picker finds any of them, homonyms told apart by
their département.

The commune these tests look at is read from the installed package (``npm ci --prefix
sources/territories``), never typed here: two communes of one accented name, in two
départements, neither among the seed's.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "sources" / "territories" / "node_modules" / "@etalab" / "decoupage-administratif"
BASE = "https://w3id.org/mediation-sociale/"
PLACE = BASE + "id/place/"
AREA = URIRef("https://schema.org/AdministrativeArea")
LOGIN = "territoires@example.org"
ROBOTS = '<meta name="robots" content="noindex">'


def folded(text: str) -> str:
    """What a person types in a hurry: no accents, lower case."""
    return "".join(
        c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)
    ).lower()


@pytest.fixture(scope="module")
def package() -> dict:
    """The package's communes and départements, and the version ``npm ci`` installed."""
    if not (SOURCE / "data" / "communes.json").is_file():
        pytest.fail(
            f"{SOURCE} est absent : lancez npm ci --prefix sources/territories. "
            f"{SOURCE} is missing: run npm ci --prefix sources/territories."
        )
    read = lambda name: json.loads((SOURCE / name).read_text(encoding="utf-8"))  # noqa: E731
    communes = [c for c in read("data/communes.json") if c["type"] == "commune-actuelle"]
    departements = {d["code"]: d for d in read("data/departements.json")}
    return {
        "communes": communes,
        "departements": departements,
        "version": read("package.json")["version"],
    }


@pytest.fixture(scope="module")
def seed_territories() -> set[URIRef]:
    graph = Graph().parse(ROOT / "data" / "territories.ttl", format="turtle")
    return set(graph.subjects(RDF.type, AREA))


@pytest.fixture(scope="module")
def homonyms(package, seed_territories) -> list[dict]:
    """The first (by name) pair of communes that share an accented name, in two
    départements, and are not among the seed's territories."""
    counts = Counter(c["nom"] for c in package["communes"])
    for name in sorted(n for n, count in counts.items() if count == 2 and folded(n) != n.lower()):
        pair = [c for c in package["communes"] if c["nom"] == name]
        if (
            pair[0]["departement"] != pair[1]["departement"]
            and not {URIRef(PLACE + "commune/" + c["code"]) for c in pair} & seed_territories
        ):
            return pair
    raise AssertionError("the package has no pair of accented homonyms")


@pytest.fixture(scope="module")
def everything(start_server, tmp_path_factory):
    """The service as an operator starts it: no setting of territories."""
    running = start_server(
        tmp_path_factory.mktemp("all-territories") / "store", territories=None, timeout=900
    )
    yield running
    running.stop()


def test_the_store_holds_every_commune_of_the_installed_package(everything, select, package):
    rows = select(
        everything,
        f"""PREFIX igeo: <http://rdf.insee.fr/def/geo#>
        SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{
          GRAPH <{BASE}graph/territories> {{ ?c a igeo:Commune }} }}""",
    )
    assert int(rows[0]["n"]) == len(package["communes"])
    # The graph says where it comes from: the package, at the version installed.
    rows = select(
        everything,
        f"""PREFIX dct: <http://purl.org/dc/terms/> PREFIX owl: <http://www.w3.org/2002/07/owl#>
        SELECT ?version WHERE {{ GRAPH <{BASE}graph/territories> {{
          <{BASE}graph/territories> dct:source ?package . ?package owl:versionInfo ?version }} }}""",
    )
    assert [r["version"] for r in rows] == [package["version"]]


def test_the_seed_territories_keep_their_iris(everything, ask, seed_territories):
    assert len(seed_territories) == 9
    for territory in sorted(seed_territories):
        assert ask(
            everything,
            f"ASK {{ GRAPH <{BASE}graph/territories> {{ <{territory}> a <{AREA}> }} }}",
        ), territory


def test_a_commune_where_nothing_happened_is_noindex_and_out_of_the_sitemap(
    everything, homonyms, wait_for_build
):
    import xml.etree.ElementTree as ET

    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    index = ET.fromstring(wait_for_build(everything, path="sitemap.xml", timeout=900).content)
    listed = set()
    for location in index.findall("s:sitemap/s:loc", namespace):
        section = ET.fromstring(everything.get(location.text[len(everything.url) :]).content)
        listed |= {loc.text for loc in section.findall("s:url/s:loc", namespace)}
    lievin = everything.get("id/place/commune/62510", headers={"Accept": "text/html"})
    assert lievin.status_code == 200 and ROBOTS not in lievin.text  # the seed's day was there
    assert lievin.url in listed
    for commune in homonyms:
        page = everything.get(
            "id/place/commune/" + commune["code"], headers={"Accept": "text/html"}
        )
        url = page.url
        assert page.status_code == 200, url
        assert commune["nom"] in html.unescape(page.text)
        assert ROBOTS in page.text and url not in listed, url


def test_the_place_picker_finds_any_commune_and_tells_homonyms_apart(
    everything, homonyms, package, users, password, signed_in
):
    made = users(everything.store_dir, "add", LOGIN, "--role", "publisher", password=password)
    assert made.returncode == 0, made.stderr
    person = signed_in(everything, LOGIN)
    form = person.open("/publish/new/event").text
    # The event's place field, as the form draws it from the shapes.
    lookup = html.unescape(
        re.search(r'id="f-location-0"[^>]*data-lookup="([^"]+)"', form, re.S).group(1)
    )
    typed = folded(homonyms[0]["nom"])
    found = person.get(lookup + "q=" + typed).json()
    by_iri = {m["iri"]: m for m in found}
    wheres = []
    for commune in homonyms:
        match = by_iri[PLACE + "commune/" + commune["code"]]
        departement = package["departements"][commune["departement"]]
        assert match["label"] == commune["nom"] and match["same"]
        assert match["where"].startswith(f"{departement['nom']} ({departement['code']})")
        wheres.append(match["where"])
    assert wheres[0] != wheres[1]


def test_without_the_package_the_first_start_stops_and_says_how_to_install_it(
    tmp_path, mediation, start_server, select
):
    store = tmp_path / "store"
    done = subprocess.run(
        [mediation, "serve", "--store", str(store), "--port", "1"],
        env={"PATH": "/usr/bin:/bin", "MEDIATION_TERRITORIES_SOURCE": str(tmp_path / "absent")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1
    assert "npm ci --prefix sources/territories" in done.stderr
    assert "MEDIATION_TERRITORIES=seed" in done.stderr and "Traceback" not in done.stderr
    # Nothing was loaded: the store is still empty, and is loaded whole at the next start
    # (here with the seed's nine, as asked).
    running = start_server(store, territories="seed")
    try:
        rows = select(running, f"SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE {{ ?t a <{AREA}> }}")
        assert int(rows[0]["n"]) == 9
    finally:
        running.stop()
