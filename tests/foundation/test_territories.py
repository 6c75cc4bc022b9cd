"""Territories from Etalab's ``@etalab/decoupage-administratif``, as ``mediation territories`` writes them.

The package is installed by ``.ci/run`` (``npm ci --prefix sources/territories``).
Expected codes are read from the package's JSON files, never typed here.
"""

from __future__ import annotations

import datetime
import functools
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "sources" / "territories" / "node_modules" / "@etalab" / "decoupage-administratif"
BASE = "https://w3id.org/mediation-sociale/"
SDO = "https://schema.org/"
IGEO = "http://rdf.insee.fr/def/geo#"
PLACE = BASE + "id/place/"
GRAPH = URIRef(BASE + "graph/territories")


COMMITTED = ROOT / "data" / "territories.ttl"
CREATED = URIRef("http://purl.org/dc/terms/created")


@functools.cache
def committed_date() -> str:
    """The generation day recorded in the committed file: the one input that is not the source."""
    return str(Graph().parse(COMMITTED, format="turtle").value(GRAPH, CREATED))


@pytest.fixture(scope="session")
def run(mediation) -> Callable[..., subprocess.CompletedProcess]:
    """``mediation territories``, by default with the committed file's generation day."""

    def run(*args: str, dated: bool = True) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIATION_")}
        extra = ["--date", committed_date()] if dated else []
        return subprocess.run(
            [mediation, "territories", *args, *extra],
            cwd=ROOT,
            env=env,
            capture_output=True,
            timeout=600,
            check=False,
        )

    return run


@pytest.fixture(scope="session")
def raw() -> dict[str, list[dict]]:
    """The package's own JSON files."""
    if not (SOURCE / "data" / "communes.json").is_file():
        pytest.fail(
            f"{SOURCE} est absent : lancez npm ci --prefix sources/territories. "
            f"{SOURCE} is missing: run npm ci --prefix sources/territories."
        )
    return {
        name: json.loads((SOURCE / "data" / f"{name}.json").read_text(encoding="utf-8"))
        for name in ("communes", "departements", "regions", "epci")
    }


@pytest.fixture(scope="session")
def seed(run) -> Graph:
    done = run("--select", "seed")
    assert done.returncode == 0, done.stderr.decode()
    return Graph().parse(data=done.stdout, format="turtle")


@pytest.fixture(scope="session")
def full(tmp_path_factory, run) -> ox.Store:
    """The full import, written by the command as N-Triples and read back with Oxigraph."""
    path = tmp_path_factory.mktemp("territories") / "all.nt"
    done = run("--all", "--output", str(path))
    assert done.returncode == 0, done.stderr.decode()
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    return store


def current_communes(raw: dict) -> dict[str, dict]:
    return {c["code"]: c for c in raw["communes"] if c["type"] == "commune-actuelle"}


def one(records: list[dict], **fields: str) -> dict:
    found = [r for r in records if all(r.get(k) == v for k, v in fields.items())]
    assert len(found) == 1, (fields, found)
    return found[0]


def expected_seed(raw: dict) -> list[tuple[str, dict]]:
    """What the seed article names or implies, looked up in the source by name."""
    region = one(raw["regions"], nom="Hauts-de-France")
    communes = [
        one(list(current_communes(raw).values()), nom=name, region=region["code"])
        for name in ("Liévin", "Saint-Quentin", "Arras", "Lille")
    ]
    arras = communes[2]["code"]
    epci = one([e for e in raw["epci"] if any(m["code"] == arras for m in e["membres"])], type="CU")
    departements = [
        one(raw["departements"], nom=name) for name in ("Pas-de-Calais", "Aisne", "Nord")
    ]
    return (
        [("region", region)]
        + [("departement", d) for d in departements]
        + [("commune", c) for c in communes]
        + [("epci", epci)]
    )


# -- the seed selection ---------------------------------------------------------------------


def test_saint_quentin_of_the_article_is_the_only_one(raw):
    """The first regional day was "à Saint-Quentin": one commune of that exact name exists."""
    named = [c for c in current_communes(raw).values() if c["nom"] == "Saint-Quentin"]
    assert len(named) == 1
    assert one(raw["departements"], code=named[0]["departement"])["nom"] == "Aisne"


def test_seed_territories_carry_the_codes_of_the_source(seed, raw):
    for kind, record in expected_seed(raw):
        subject = URIRef(f"{PLACE}{kind}/{record['code']}")
        assert (subject, RDF.type, URIRef(SDO + "AdministrativeArea")) in seed, subject
        igeo_class = {
            "region": "Region",
            "departement": "Departement",
            "commune": "Commune",
            "epci": "Intercommunalite",
        }[kind]
        assert (subject, RDF.type, URIRef(IGEO + igeo_class)) in seed, subject
        assert set(seed.objects(subject, URIRef(SDO + "name"))) == {
            Literal(record["nom"], lang="fr")
        }
        codes = set(seed.objects(subject, URIRef(IGEO + "codeINSEE")))
        assert [str(c) for c in codes] == [record["code"]]
        identifier = seed.value(subject, URIRef(SDO + "identifier"))
        assert (identifier, RDF.type, URIRef(SDO + "PropertyValue")) in seed
        assert str(seed.value(identifier, URIRef(SDO + "value"))) == record["code"]


def test_seed_commune_postal_codes_and_epci_come_from_the_source(seed, raw):
    communes = current_communes(raw)
    arras = one(list(communes.values()), nom="Arras", departement="62")
    subject = URIRef(f"{PLACE}commune/{arras['code']}")
    address = seed.value(subject, URIRef(SDO + "address"))
    postal = {str(o) for o in seed.objects(address, URIRef(SDO + "postalCode"))}
    assert postal == set(arras["codesPostaux"])
    epci = one([e for e in raw["epci"] if any(m["code"] == arras["code"] for m in e["membres"])])
    assert (
        subject,
        URIRef(SDO + "containedInPlace"),
        URIRef(f"{PLACE}epci/{epci['code']}"),
    ) in seed
    # No population: the source gives figures without their year.
    assert not list(seed.triples((None, URIRef(SDO + "population"), None)))


def test_seed_containment_chain_is_complete(seed, raw):
    contained = URIRef(SDO + "containedInPlace")
    for target in seed.objects(None, contained):
        assert (target, RDF.type, URIRef(SDO + "AdministrativeArea")) in seed, (
            f"{target} undescribed"
        )
    departements = {d["code"]: d for d in raw["departements"]}
    for subject in seed.subjects(RDF.type, URIRef(IGEO + "Commune")):
        code = str(seed.value(subject, URIRef(IGEO + "codeINSEE")))
        record = current_communes(raw)[code]
        departement = URIRef(f"{PLACE}departement/{record['departement']}")
        assert (subject, contained, departement) in seed
        region = URIRef(f"{PLACE}region/{departements[record['departement']]['region']}")
        assert list(seed.objects(departement, contained)) == [region]


def test_every_resource_is_typed_with_schema_and_named_in_french(seed):
    ours = {s for s in seed.subjects() if str(s).startswith(PLACE)}
    assert ours
    for subject in ours:
        types = {str(t) for t in seed.objects(subject, RDF.type)}
        assert any(t.startswith(SDO) for t in types), subject
    for subject, name in seed.subject_objects(URIRef(SDO + "name")):
        assert name.language in ("fr", "en"), (subject, name)
        if str(subject).startswith(PLACE) and "#" not in str(subject):
            assert name.language == "fr"


def test_the_graph_says_where_it_comes_from(seed):
    package = json.loads((SOURCE / "package.json").read_text(encoding="utf-8"))
    pinned = json.loads((ROOT / "sources" / "territories" / "package.json").read_text())
    assert pinned["dependencies"][package["name"]] == package["version"]  # exact pin
    source = URIRef(f"https://www.npmjs.com/package/{package['name']}/v/{package['version']}")
    assert (GRAPH, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), source) in seed
    licence = URIRef("http://purl.org/dc/terms/license")
    assert (
        GRAPH,
        licence,
        URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence"),
    ) in seed
    assert (
        str(seed.value(source, URIRef("http://www.w3.org/2002/07/owl#versionInfo")))
        == package["version"]
    )


def test_committed_file_is_what_the_command_generates(seed):
    text = COMMITTED.read_text(encoding="utf-8")
    assert "mediation territories --select seed --output data/territories.ttl" in text
    committed = Graph().parse(COMMITTED, format="turtle")
    assert isomorphic(committed, seed), (
        "data/territories.ttl est périmé : regénérez-le avec "
        "mediation territories --select seed --output data/territories.ttl"
    )


def test_generation_day_is_recorded_and_defaults_to_today(seed, run):
    assert str(seed.value(GRAPH, CREATED)) == committed_date()
    before = datetime.date.today().isoformat()
    done = run("--select", "seed", dated=False)
    after = datetime.date.today().isoformat()
    assert done.returncode == 0, done.stderr.decode()
    created = Graph().parse(data=done.stdout, format="turtle").value(GRAPH, CREATED)
    assert str(created) in {before, after}
    assert created.datatype == URIRef("http://www.w3.org/2001/XMLSchema#date")


# -- the full import ------------------------------------------------------------------------


def select(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    prefixes = f"PREFIX schema: <{SDO}> PREFIX igeo: <{IGEO}>\n"
    return [tuple(term.value for term in row) for row in store.query(prefixes + query)]


def test_full_import_has_one_resource_per_commune(full, raw):
    codes = {
        row[0]
        for row in select(
            full,
            "SELECT ?code { ?c a igeo:Commune, schema:AdministrativeArea ; igeo:codeINSEE ?code }",
        )
    }
    assert codes == set(current_communes(raw))
    subjects = select(full, "SELECT (COUNT(DISTINCT ?c) AS ?n) { ?c a igeo:Commune }")
    assert int(subjects[0][0]) == len(current_communes(raw))


def test_full_import_containment_is_consistent(full, raw):
    # Each commune lies in the département the source gives, and only in it.
    rows = select(
        full,
        f"""SELECT ?code ?parent {{ ?c a igeo:Commune ; igeo:codeINSEE ?code ;
        schema:containedInPlace ?parent . FILTER(!STRSTARTS(STR(?parent), "{PLACE}epci/")) }}""",
    )
    found = {code: parent for code, parent in rows}
    assert len(found) == len(rows)  # one département (or overseas territory) each
    departements = {d["code"]: d for d in raw["departements"]}
    for code, record in current_communes(raw).items():
        kind = (
            "outre-mer" if departements[record["departement"]]["zone"] == "com" else "departement"
        )
        assert found[code] == f"{PLACE}{kind}/{record['departement']}", code
    # Each département lies in exactly one région, and it is the source's.
    rows = select(
        full,
        """SELECT ?code (COUNT(?r) AS ?n) (SAMPLE(?rcode) AS ?region) {
        ?d a igeo:Departement ; igeo:codeINSEE ?code ; schema:containedInPlace ?r .
        ?r a igeo:Region ; igeo:codeINSEE ?rcode } GROUP BY ?code""",
    )
    metropolitan_and_drom = {c: d for c, d in departements.items() if d["zone"] != "com"}
    assert {code for code, _, _ in rows} == set(metropolitan_and_drom)
    for code, count, region in rows:
        assert int(count) == 1 and region == metropolitan_and_drom[code]["region"]
    # Every member of an EPCI is contained in it.
    members = {(m["code"], e["code"]) for e in raw["epci"] for m in e["membres"]}
    rows = select(
        full,
        """SELECT ?code ?epci { ?c igeo:codeINSEE ?code ; schema:containedInPlace ?e .
        ?e a igeo:Intercommunalite ; igeo:codeINSEE ?epci }""",
    )
    assert set(rows) == members


def test_seed_is_a_part_of_the_full_import(seed, full):
    for s, p, o in seed:
        if s == GRAPH:
            continue  # the graph's description says which selection it holds
        quad_pattern = [_ox(s), _ox(p), _ox(o)]
        if any(isinstance(t, ox.BlankNode) for t in quad_pattern):
            continue
        assert list(full.quads_for_pattern(*quad_pattern)), (s, p, o)


def _ox(term):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return (
            ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
            if term.datatype
            else ox.Literal(str(term))
        )
    return ox.BlankNode()


# -- formats and base -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "key,rdflib_format",
    [
        ("nt", "nt"),
        ("jsonld", "json-ld"),
        ("rdfxml", "xml"),
        ("trig", "trig"),
        ("nquads", "nquads"),
    ],
)
def test_every_format_carries_the_same_graph(seed, key, rdflib_format, run):
    done = run("--select", "seed", "--format", key)
    assert done.returncode == 0, done.stderr.decode()
    if key in ("trig", "nquads"):
        from rdflib import Dataset

        dataset = Dataset().parse(data=done.stdout, format=rdflib_format)
        assert isomorphic(dataset.graph(GRAPH), seed)
    else:
        assert isomorphic(Graph().parse(data=done.stdout, format=rdflib_format), seed)


def test_another_base_moves_every_iri_of_ours(seed, run):
    other = "https://example.org/mediation/"
    done = run("--select", "seed", "--base-url", other)
    assert done.returncode == 0, done.stderr.decode()
    moved = Graph().parse(data=done.stdout, format="turtle")
    assert not [t for triple in moved for t in triple if str(t).startswith(BASE)]

    def back(term):
        return URIRef(BASE + str(term)[len(other) :]) if str(term).startswith(other) else term

    restored = Graph()
    for triple in moved:
        restored.add(tuple(back(t) for t in triple))
    assert isomorphic(restored, seed)


# -- bad sources and bad usage --------------------------------------------------------------


@pytest.fixture()
def source_copy(tmp_path) -> Path:
    """A copy of the installed package in the same layout, with its lock file."""
    prefix = tmp_path / "prefix"
    root = prefix / "node_modules" / "@etalab" / "decoupage-administratif"
    shutil.copytree(SOURCE, root)
    shutil.copy(
        ROOT / "sources" / "territories" / "package-lock.json", prefix / "package-lock.json"
    )
    return root


def assert_clean_failure(done: subprocess.CompletedProcess, *words: str) -> str:
    message = done.stderr.decode()
    assert done.returncode == 1, message
    assert "Traceback" not in message
    for word in words:
        assert word in message, message
    return message


def test_a_copy_of_the_source_gives_the_same_graph(source_copy, seed, run):
    done = run("--select", "seed", "--source", str(source_copy))
    assert done.returncode == 0, done.stderr.decode()
    assert isomorphic(Graph().parse(data=done.stdout, format="turtle"), seed)


def test_missing_source_file_is_named_and_nothing_is_written(source_copy, tmp_path, run):
    (source_copy / "data" / "communes.json").unlink()
    output = tmp_path / "out.ttl"
    output.write_text("previous\n")
    done = run("--select", "seed", "--source", str(source_copy), "--output", str(output))
    assert_clean_failure(done, "communes.json", "introuvable", "not found", "npm ci")
    assert output.read_text() == "previous\n"


def test_missing_package_is_reported(tmp_path, run):
    done = run("--all", "--source", str(tmp_path / "nowhere"))
    assert_clean_failure(done, "introuvable", "not found", "npm ci")


def test_corrupt_json_gives_file_line_and_reason(source_copy, tmp_path, run):
    (source_copy / "data" / "epci.json").write_text('[\n  {"code": "200033579",\n  "nom": \n')
    output = tmp_path / "out.nt"
    done = run("--all", "--source", str(source_copy), "--output", str(output))
    assert_clean_failure(done, "epci.json", "ligne 4", "line 4", "JSON invalide", "invalid JSON")
    assert not output.exists()


def test_record_without_a_name_is_pointed_at(source_copy, run):
    path = source_copy / "data" / "regions.json"
    regions = json.loads(path.read_text(encoding="utf-8"))
    del regions[3]["nom"]
    path.write_text(json.dumps(regions), encoding="utf-8")
    assert_clean_failure(
        run("--select", "seed", "--source", str(source_copy)),
        "regions.json",
        "enregistrement 3",
        "record 3",
        "nom",
    )


def test_installed_version_must_be_the_locked_one(source_copy, run):
    lock_path = source_copy.parents[2] / "package-lock.json"
    lock = json.loads(lock_path.read_text())
    lock["packages"]["node_modules/@etalab/decoupage-administratif"]["version"] = "0.0.1"
    lock_path.write_text(json.dumps(lock))
    assert_clean_failure(run("--select", "seed", "--source", str(source_copy)), "0.0.1", "npm ci")


@pytest.mark.parametrize("args", [[], ["--select", "seed", "--all"], ["--select", "everything"]])
def test_usage_errors_exit_2(args, run):
    done = run(*args)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr.decode()
