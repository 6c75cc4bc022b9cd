"""French administrative territories as linked data, from an official source.

The source is Etalab's npm package ``@etalab/decoupage-administratif`` (the
Code officiel géographique of INSEE, the DGCL's list of EPCI and La Poste's
postal codes, as JSON), pinned in ``sources/territories/package.json`` and
installed with ``npm ci --prefix sources/territories``. This module reads the
installed files and nothing else: an import never touches the network.

Each territory becomes a ``schema:AdministrativeArea`` that is also typed with
INSEE's geographic class (``igeo:Commune``, ``igeo:Departement``,
``igeo:Region``, ``igeo:Intercommunalite``), named in French, with its official
code twice: ``igeo:codeINSEE`` (INSEE's own property, for federated queries)
and ``schema:identifier`` as a ``schema:PropertyValue`` whose ``propertyID``
says which code list the value comes from (a plain ``Text`` would not tell an
INSEE code from a SIREN number). Containment follows ``schema:containedInPlace``
(commune → département → région; commune → EPCI). See ``docs/territories.md``.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from .config import DEFAULT_BASE, PROJECT_ROOT
from .errors import SourceError
from .namespaces import DCTERMS, IGEO, OWL, PREFIXES, PROV, RDF, RDFS, SDO, SPDX, XSD

PACKAGE = "@etalab/decoupage-administratif"
#: Where ``npm ci`` installs the pinned package (``sources/territories/package.json``).
NPM_PREFIX = PROJECT_ROOT / "sources" / "territories"
DEFAULT_SOURCE = NPM_PREFIX / "node_modules" / PACKAGE


#: The code-based identifiers INSEE published for territories. Current id.insee.fr
#: IRIs carry a per-version UUID that the source does not give, so the code form is
#: linked with ``rdfs:seeAlso``, not asserted to be the same resource.
INSEE_CODE_IRI = "http://id.insee.fr/geo/{kind}/{code}"


@dataclass(frozen=True)
class TerritoryKind:
    """One kind of territory: its IRI path, INSEE class, code list and labels."""

    path: str
    igeo_class: URIRef
    code_name: tuple[str, str]  # how the code is called, French and English
    code_property: str  # schema:propertyID of the identifier
    insee_kind: str | None  # path segment of INSEE's code-based IRI, when it has one


INSEE_CODE = ("code officiel géographique (Insee)", "official geographic code (INSEE)")

TERRITORY_KINDS_BY_PATH: dict[str, TerritoryKind] = {
    "region": TerritoryKind("region", IGEO.Region, INSEE_CODE, str(IGEO.codeINSEE), "region"),
    "departement": TerritoryKind(
        "departement", IGEO.Departement, INSEE_CODE, str(IGEO.codeINSEE), "departement"
    ),
    # Collectivités d'outre-mer and the other overseas territories the source lists
    # beside the départements (zone "com"): Nouvelle-Calédonie, the TAAF and Clipperton
    # have statuses of their own, so only INSEE's common superclass is asserted.
    "outre-mer": TerritoryKind(
        "outre-mer", IGEO.TerritoireFrancais, INSEE_CODE, str(IGEO.codeINSEE), None
    ),
    "commune": TerritoryKind("commune", IGEO.Commune, INSEE_CODE, str(IGEO.codeINSEE), "commune"),
    # INSEE codes an EPCI by its SIREN number, so the one code serves both lists.
    "epci": TerritoryKind(
        "epci", IGEO.Intercommunalite, ("numéro SIREN", "SIREN number"), "SIREN", None
    ),
}

#: What an EPCI with its own taxation is, in French and English.
_FISCAL = (
    "établissement public de coopération intercommunale à fiscalité propre",
    "an inter-municipal public body with its own taxation",
)
#: Legal forms of the EPCI in the DGCL's list (field ``type`` of ``epci.json``).
EPCI_NATURES: dict[str, tuple[str, str]] = {
    "CC": (f"Communauté de communes, {_FISCAL[0]}", f"Community of communes, {_FISCAL[1]}"),
    "CA": (f"Communauté d'agglomération, {_FISCAL[0]}", f"Agglomeration community, {_FISCAL[1]}"),
    "CU": (f"Communauté urbaine, {_FISCAL[0]}", f"Urban community, {_FISCAL[1]}"),
    "METRO": (f"Métropole, {_FISCAL[0]}", f"Metropolis, {_FISCAL[1]}"),
    "MET69": (
        "Métropole de Lyon, collectivité territoriale à statut particulier",
        "Métropole de Lyon, a local authority with a special status",
    ),
}

#: Kinds that must be present whenever something they contain is (the containment
#: chain is always complete); an EPCI is linked only when it is selected itself.
CLOSED_KINDS = ("departement", "region", "outre-mer")


@dataclass(frozen=True)
class Territory:
    kind: str
    code: str
    name: str
    parents: tuple[tuple[str, str], ...] = ()  # (kind, code) of the places that contain it
    chef_lieu: str | None = None  # INSEE code of the commune where it is administered
    postal_codes: tuple[str, ...] = ()
    nature: str | None = None  # EPCI legal form

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.code)


@dataclass
class TerritorySource:
    """The installed package: its territories and what it says about itself."""

    root: Path
    version: str
    licence: str  # address of the data licence, as the package's README gives it
    licence_name: str
    vintage: str  # the year of the geography (millésime), from the README's table
    repository: str | None = None
    integrity: str | None = None  # the lock file's Subresource Integrity string
    territories: dict[tuple[str, str], Territory] = field(default_factory=dict)

    def of_kind(self, kind: str) -> list[Territory]:
        return [t for t in self.territories.values() if t.kind == kind]


# -- reading the package --------------------------------------------------------------------


def _fail(fr: str, en: str) -> SourceError:
    return SourceError(fr, en)


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _fail(
            f"Fichier source introuvable : {path}. Installez la source : "
            f"npm ci --prefix sources/territories",
            f"Source file not found: {path}. Install the source: npm ci --prefix sources/territories",
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(
            f"Fichier source illisible {path} : {exc}", f"Unreadable source file {path}: {exc}"
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _fail(
            f"{path}, ligne {exc.lineno}, colonne {exc.colno} : JSON invalide ({exc.msg})",
            f"{path}, line {exc.lineno}, column {exc.colno}: invalid JSON ({exc.msg})",
        ) from None


def _records(path: Path) -> list[dict[str, Any]]:
    data = _read_json(path)
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise _fail(
            f"{path} : une liste d'objets JSON est attendue",
            f"{path}: a list of JSON objects is expected",
        )
    return data


def _text(
    record: dict[str, Any], key: str, path: Path, index: int, optional: bool = False
) -> str | None:
    value = record.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _fail(
            f"{path}, enregistrement {index} : champ « {key} » absent ou vide",
            f"{path}, record {index}: field '{key}' missing or empty",
        )
    return value.strip()


def _texts(record: dict[str, Any], key: str, path: Path, index: int) -> tuple[str, ...]:
    values = record.get(key) or []
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise _fail(
            f"{path}, enregistrement {index} : « {key} » doit être une liste de textes",
            f"{path}, record {index}: '{key}' must be a list of strings",
        )
    return tuple(sorted({v.strip() for v in values if v.strip()}))


def _package_facts(root: Path) -> tuple[str, str | None, str, str, str]:
    """Version and repository (package.json); licence and vintage (README)."""
    manifest = _read_json(root / "package.json")
    if not isinstance(manifest, dict) or manifest.get("name") != PACKAGE:
        raise _fail(
            f"{root} ne contient pas le paquet {PACKAGE}",
            f"{root} does not hold the package {PACKAGE}",
        )
    version = str(manifest.get("version", ""))
    repository = manifest.get("repository")
    if isinstance(repository, dict):
        repository = repository.get("url")
    readme_path = root / "README.md"
    try:
        readme = readme_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        readme = ""
    # The README states the data licence ("Données : [Licence Ouverte](…)") and maps
    # each vintage to a package version ("| 2026 | 6.0.0 | …"). Both are facts we
    # publish, so an upgrade whose README no longer says them stops the import.
    licence = re.search(r"Donn[ée]es\s*:\s*\[([^\]]+)\]\((https?://[^)\s]+)\)", readme)
    vintage = re.search(
        r"^\|\s*(\d{4})\s*\|\s*" + re.escape(version) + r"\s*\|", readme, re.MULTILINE
    )
    if not licence or not vintage:
        raise _fail(
            f"{readme_path} ne donne pas la licence des données ou le millésime de la version "
            f"{version} : vérifiez la source avant de l'importer",
            f"{readme_path} does not give the data licence or the vintage of version {version}: "
            f"check the source before importing it",
        )
    return (
        version,
        repository if isinstance(repository, str) else None,
        licence.group(2),
        licence.group(1),
        vintage.group(1),
    )


def _integrity(root: Path, version: str) -> str | None:
    """The lock file's integrity hash, after checking that the installed version is the pinned one."""
    prefix = root.parents[1] if root.parent.name.startswith("@") else root.parent
    prefix = prefix.parent  # out of node_modules/
    lock_path = prefix / "package-lock.json"
    if not lock_path.is_file():
        return None
    lock = _read_json(lock_path)
    entry = (
        (lock.get("packages") or {}).get(f"node_modules/{PACKAGE}")
        if isinstance(lock, dict)
        else None
    )
    if not isinstance(entry, dict):
        return None
    if entry.get("version") != version:
        raise _fail(
            f"{PACKAGE} installé en version {version}, mais {lock_path} fixe la version "
            f"{entry.get('version')} : lancez npm ci --prefix {prefix.name}",
            f"{PACKAGE} {version} is installed but {lock_path} pins {entry.get('version')}: "
            f"run npm ci --prefix {prefix.name}",
        )
    return entry.get("integrity")


def load_source(root: Path = DEFAULT_SOURCE) -> TerritorySource:
    """Read the installed package into territories; raise :class:`SourceError` on any defect."""
    root = Path(root)
    if not root.is_dir():
        raise _fail(
            f"Source introuvable : {root}. Installez-la : npm ci --prefix sources/territories",
            f"Source not found: {root}. Install it: npm ci --prefix sources/territories",
        )
    version, repository, licence, licence_name, vintage = _package_facts(root)
    source = TerritorySource(
        root, version, licence, licence_name, vintage, repository, _integrity(root, version)
    )
    data = root / "data"
    found: dict[tuple[str, str], Territory] = {}

    def add(territory: Territory, path: Path, index: int) -> None:
        if territory.key in found and found[territory.key] != territory:
            raise _fail(
                f"{path}, enregistrement {index} : code {territory.code} en double",
                f"{path}, record {index}: duplicate code {territory.code}",
            )
        found[territory.key] = territory

    path = data / "regions.json"
    for index, record in enumerate(_records(path)):
        code = _text(record, "code", path, index)
        if record.get("zone") == "com":
            continue  # listed again, with the same code, in departements.json
        add(
            Territory(
                "region",
                code,
                _text(record, "nom", path, index),
                chef_lieu=_text(record, "chefLieu", path, index, optional=True),
            ),
            path,
            index,
        )

    path = data / "departements.json"
    for index, record in enumerate(_records(path)):
        code = _text(record, "code", path, index)
        name = _text(record, "nom", path, index)
        chef_lieu = _text(record, "chefLieu", path, index, optional=True)
        if record.get("zone") == "com":
            add(Territory("outre-mer", code, name, chef_lieu=chef_lieu), path, index)
        else:
            region = _text(record, "region", path, index)
            add(Territory("departement", code, name, (("region", region),), chef_lieu), path, index)

    epci_of: dict[str, str] = {}
    epcis: list[tuple[dict[str, Any], int]] = []
    path = data / "epci.json"
    for index, record in enumerate(_records(path)):
        siren = _text(record, "code", path, index)
        members = record.get("membres")
        if not isinstance(members, list):
            raise _fail(
                f"{path}, enregistrement {index} : « membres » doit être une liste",
                f"{path}, record {index}: 'membres' must be a list",
            )
        for member in members:
            commune = _text(member if isinstance(member, dict) else {}, "code", path, index)
            if commune in epci_of and epci_of[commune] != siren:
                raise _fail(
                    f"{path} : la commune {commune} est membre de deux EPCI ({epci_of[commune]}, {siren})",
                    f"{path}: commune {commune} is a member of two EPCI ({epci_of[commune]}, {siren})",
                )
            epci_of[commune] = siren
        epcis.append((record, index))
    for record, index in epcis:
        add(
            Territory(
                "epci",
                _text(record, "code", path, index),
                _text(record, "nom", path, index),
                nature=_text(record, "type", path, index, optional=True),
            ),
            path,
            index,
        )

    path = data / "communes.json"
    outre_mer = {code for kind, code in found if kind == "outre-mer"}
    for index, record in enumerate(_records(path)):
        # Only current communes: a commune déléguée or associée often shares its code
        # with the commune it belongs to, and a municipal arrondissement is no commune.
        if _text(record, "type", path, index) != "commune-actuelle":
            continue
        code = _text(record, "code", path, index)
        departement = _text(record, "departement", path, index)
        parents: list[tuple[str, str]] = [
            ("outre-mer", departement) if departement in outre_mer else ("departement", departement)
        ]
        if code in epci_of:
            parents.append(("epci", epci_of[code]))
        add(
            Territory(
                "commune",
                code,
                _text(record, "nom", path, index),
                tuple(parents),
                postal_codes=_texts(record, "codesPostaux", path, index),
            ),
            path,
            index,
        )

    for territory in found.values():
        for parent in territory.parents:
            if parent not in found:
                raise _fail(
                    f"Source incohérente : {territory.kind} {territory.code} est rattaché à "
                    f"{parent[0]} {parent[1]}, absent de la source",
                    f"Inconsistent source: {territory.kind} {territory.code} belongs to "
                    f"{parent[0]} {parent[1]}, which the source lacks",
                )
    for commune, siren in epci_of.items():
        if ("commune", commune) not in found:
            raise _fail(
                f"Source incohérente : l'EPCI {siren} a pour membre la commune {commune}, absente",
                f"Inconsistent source: EPCI {siren} has member commune {commune}, which is absent",
            )
    source.territories = found
    return source


# -- selecting ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pick:
    """A territory the seed article names, found in the source by its name, never by a typed code."""

    kind: str
    name: str  # as the source spells it
    why: str  # where the article names or implies it
    region: str | None = None  # name of the région to look in, when the name alone is ambiguous
    nature: str | None = None  # for an EPCI: its legal form


#: What the seed article (IREV, 13 December 2019) names or implies. The article is
#: about Hauts-de-France ("Territoires : Région Hauts de France"), so communes are
#: looked up in that région and must be found there exactly once.
HDF = "Hauts-de-France"

SEED_PICKS: tuple[Pick, ...] = (
    Pick(
        "region", "Hauts-de-France", "« Territoires : Région Hauts de France » (no hyphens there)"
    ),
    Pick(
        "departement",
        "Pas-de-Calais",
        "« la préfecture du Pas-de-Calais », whose deputy secretary general opened the morning",
    ),
    Pick("commune", "Liévin", "venue of the regional day of 4 December 2019", HDF),
    Pick("commune", "Saint-Quentin", "first regional day, 19 November 2019", HDF),
    Pick("commune", "Arras", "« le collectif des médiatrices et médiateurs d'Arras »", HDF),
    Pick("epci", "Arras", "« la communauté urbaine » where the Arras collective works", HDF, "CU"),
    Pick("commune", "Lille", "named only inside « Lille Sud Insertion », an association", HDF),
)

SELECTIONS = ("seed",)


def _region_of(source: TerritorySource, territory: Territory) -> str | None:
    for parent in territory.parents:
        if parent[0] == "region":
            return parent[1]
        if parent[0] == "departement":
            return _region_of(source, source.territories[parent])
    return None


def resolve(source: TerritorySource, pick: Pick) -> Territory:
    """The one territory of the source a pick designates."""
    region_code = None
    if pick.region:
        regions = [t for t in source.of_kind("region") if t.name == pick.region]
        region_code = regions[0].code if len(regions) == 1 else "?"
    if pick.kind == "epci":
        member = resolve(source, Pick("commune", pick.name, pick.why, pick.region))
        matches = [
            source.territories[p]
            for p in member.parents
            if p[0] == "epci"
            and (pick.nature is None or source.territories[p].nature == pick.nature)
        ]
    else:
        matches = [
            t
            for t in source.of_kind(pick.kind)
            if t.name == pick.name and (region_code is None or _region_of(source, t) == region_code)
        ]
    if len(matches) != 1:
        where = f" ({pick.region})" if pick.region else ""
        raise _fail(
            f"La source {PACKAGE} {source.version} a {len(matches)} {pick.kind} « {pick.name} »{where} "
            f"au lieu d'un seul : la sélection est à revoir",
            f"The source {PACKAGE} {source.version} has {len(matches)} {pick.kind} '{pick.name}'{where} "
            f"instead of exactly one: the selection needs review",
        )
    return matches[0]


def close(source: TerritorySource, keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Add every département, région or overseas territory that contains a selected territory."""
    selected = set(keys)
    todo = list(selected)
    while todo:
        for parent in source.territories[todo.pop()].parents:
            if parent[0] in CLOSED_KINDS and parent not in selected:
                selected.add(parent)
                todo.append(parent)
    return selected


def select_seed(
    source: TerritorySource,
) -> tuple[set[tuple[str, str]], list[tuple[Pick, Territory]]]:
    picked = [(pick, resolve(source, pick)) for pick in SEED_PICKS]
    return close(source, (t.key for _, t in picked)), picked


# -- building RDF ---------------------------------------------------------------------------


def iri(kind: str, code: str, base_url: str = DEFAULT_BASE) -> URIRef:
    return URIRef(f"{base_url}id/place/{TERRITORY_KINDS_BY_PATH[kind].path}/{code}")


def graph_iri(base_url: str = DEFAULT_BASE) -> URIRef:
    return URIRef(f"{base_url}graph/territories")


def source_iri(source: TerritorySource) -> URIRef:
    return URIRef(f"https://www.npmjs.com/package/{PACKAGE}/v/{source.version}")


def bind_territory_prefixes(graph: Graph, base_url: str = DEFAULT_BASE) -> None:
    for prefix in ("schema", "rdf", "rdfs", "owl", "xsd", "dct", "prov", "igeo"):
        graph.bind(prefix, PREFIXES[prefix], replace=True)
    graph.bind("spdx", str(SPDX))
    for kind in TERRITORY_KINDS_BY_PATH.values():
        graph.bind(kind.path.replace("-", ""), f"{base_url}id/place/{kind.path}/")


def _named(term: URIRef | str) -> ox.NamedNode:
    return ox.NamedNode(str(term))


# The terms every territory repeats, made once (pyoxigraph terms: the store loads them as they are).
_TYPE, _NAME, _CODE, _ID = map(_named, (RDF.type, SDO.name, IGEO.codeINSEE, SDO.identifier))
_VALUE, _PROPERTY_ID, _CONTAINED = map(_named, (SDO.value, SDO.propertyID, SDO.containedInPlace))
_AREA, _PROPERTY_VALUE, _POSTAL = map(
    _named, (SDO.AdministrativeArea, SDO.PropertyValue, SDO.PostalAddress)
)
_TOKEN, _FRANCE = _named(XSD.token), ox.Literal("FR")


def _fr(text: str) -> ox.Literal:
    return ox.Literal(text, language="fr")


def _en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def territory_triples(
    source: TerritorySource,
    keys: Iterable[tuple[str, str]] | None = None,
    base_url: str = DEFAULT_BASE,
    description: tuple[str, str] | None = None,
    created: date | None = None,
    provenance: bool = True,
) -> Iterator[ox.Triple]:
    """The triples of the territories ``keys`` (all of them when None) and of their provenance.

    Made as pyoxigraph terms, one territory at a time: the full list (600,000 triples) goes
    into a store in seconds, where an rdflib graph of it takes a minute and a gigabyte. A link
    to another territory (containment, chef-lieu) is made only when that territory is among
    ``keys`` too, so that every link of ours resolves.
    """
    selected = set(source.territories) if keys is None else set(keys)
    T = ox.Triple
    for key in sorted(selected):
        territory = source.territories[key]
        kind = TERRITORY_KINDS_BY_PATH[territory.kind]
        subject = _named(iri(territory.kind, territory.code, base_url))
        yield T(subject, _TYPE, _AREA)
        yield T(subject, _TYPE, _named(kind.igeo_class))
        yield T(subject, _NAME, _fr(territory.name))
        yield T(subject, _CODE, ox.Literal(territory.code, datatype=_TOKEN))
        code = ox.NamedNode(f"{subject.value}#{'siren' if territory.kind == 'epci' else 'insee'}")
        yield T(subject, _ID, code)
        yield T(code, _TYPE, _PROPERTY_VALUE)
        yield T(code, _PROPERTY_ID, ox.Literal(kind.code_property))
        yield T(code, _NAME, _fr(kind.code_name[0]))
        yield T(code, _NAME, _en(kind.code_name[1]))
        yield T(code, _VALUE, ox.Literal(territory.code))
        for parent in territory.parents:
            if parent in selected:
                yield T(subject, _CONTAINED, _named(iri(*parent, base_url=base_url)))
        if territory.chef_lieu and ("commune", territory.chef_lieu) in selected:
            chef_lieu = iri("commune", territory.chef_lieu, base_url)
            yield T(subject, _named(IGEO.chefLieu), _named(chef_lieu))
        if territory.postal_codes:
            address = ox.NamedNode(f"{subject.value}#postal-address")
            yield T(subject, _named(SDO.address), address)
            yield T(address, _TYPE, _POSTAL)
            yield T(address, _named(SDO.addressLocality), _fr(territory.name))
            for postal_code in territory.postal_codes:
                yield T(address, _named(SDO.postalCode), ox.Literal(postal_code))
            region = region_of(source, territory)
            if region is not None:
                # Search engines want the region and country of an address; both follow from the source.
                yield T(address, _named(SDO.addressRegion), _fr(region.name))
                yield T(address, _named(SDO.addressCountry), _FRANCE)
        if territory.nature in EPCI_NATURES:
            french, english = EPCI_NATURES[territory.nature]
            yield T(subject, _named(SDO.description), _fr(french))
            yield T(subject, _named(SDO.description), _en(english))
        if kind.insee_kind:
            insee = INSEE_CODE_IRI.format(kind=kind.insee_kind, code=territory.code)
            yield T(subject, _named(RDFS.seeAlso), ox.NamedNode(insee))
    if provenance:
        yield from provenance_triples(source, base_url, description, created)


def territories_graph(
    source: TerritorySource,
    keys: Iterable[tuple[str, str]] | None = None,
    base_url: str = DEFAULT_BASE,
    description: tuple[str, str] | None = None,
    created: date | None = None,
) -> Graph:
    """:func:`territory_triples` as one rdflib graph, for the formats only rdflib writes."""
    graph = Graph(identifier=graph_iri(base_url), bind_namespaces="none")
    bind_territory_prefixes(graph, base_url)
    blanks: dict[str, BNode] = {}

    def term(node: Any) -> Any:
        if isinstance(node, ox.NamedNode):
            return URIRef(node.value)
        if isinstance(node, ox.BlankNode):
            return blanks.setdefault(node.value, BNode())
        if node.language:
            return Literal(node.value, lang=node.language)
        datatype = node.datatype.value
        if datatype == str(XSD.string):
            return Literal(node.value)
        return Literal(node.value, datatype=URIRef(datatype), normalize=False)

    for triple in territory_triples(source, keys, base_url, description, created):
        graph.add((term(triple.subject), term(triple.predicate), term(triple.object)))
    return graph


def region_of(source: TerritorySource, territory: Territory) -> Territory | None:
    """The région a territory lies in, following its containment in the source."""
    seen: set[tuple[str, str]] = set()
    pending = list(territory.parents)
    while pending:
        key = pending.pop(0)
        if key in seen or key not in source.territories:
            continue
        seen.add(key)
        parent = source.territories[key]
        if parent.kind == "region":
            return parent
        pending.extend(parent.parents)
    return None


def provenance_triples(
    source: TerritorySource,
    base_url: str,
    description: tuple[str, str] | None,
    created: date | None = None,
) -> Iterator[ox.Triple]:
    """The graph and the package it was derived from, with PROV and DCTERMS."""
    T = ox.Triple
    named, package = _named(graph_iri(base_url)), _named(source_iri(source))
    licence, title = ox.NamedNode(source.licence), _named(DCTERMS.title)
    yield T(named, _TYPE, _named(PROV.Entity))
    yield T(named, title, _fr("Territoires administratifs français"))
    yield T(named, title, _en("French administrative territories"))
    if description:
        yield T(named, _named(DCTERMS.description), _fr(description[0]))
        yield T(named, _named(DCTERMS.description), _en(description[1]))
    if created:  # the day the graph was generated; the facts' own date is the package's vintage
        day = ox.Literal(created.isoformat(), datatype=_named(XSD.date))
        yield T(named, _named(DCTERMS.created), day)
    for subject in (named, package):
        yield T(subject, _named(DCTERMS.license), licence)
    yield T(named, _named(DCTERMS.source), package)
    yield T(named, _named(PROV.wasDerivedFrom), package)
    yield T(package, _TYPE, _named(PROV.Entity))
    yield T(package, title, ox.Literal(PACKAGE))
    yield T(package, _named(OWL.versionInfo), ox.Literal(source.version))
    # The vintage (millésime) of the geography, as the package's README gives it.
    yield T(package, _named(DCTERMS.date), ox.Literal(source.vintage, datatype=_named(XSD.gYear)))
    yield T(licence, _TYPE, _named(DCTERMS.LicenseDocument))
    yield T(licence, _named(RDFS.label), _fr(source.licence_name))
    if source.repository:
        yield T(package, _named(RDFS.seeAlso), ox.NamedNode(source.repository))
    if source.integrity and source.integrity.startswith("sha512-"):
        checksum = ox.BlankNode()
        digest = base64.b64decode(source.integrity.removeprefix("sha512-")).hex()
        yield T(package, _named(SPDX.checksum), checksum)
        yield T(checksum, _TYPE, _named(SPDX.Checksum))
        yield T(checksum, _named(SPDX.algorithm), _named(SPDX.checksumAlgorithm_sha512))
        yield T(
            checksum, _named(SPDX.checksumValue), ox.Literal(digest, datatype=_named(XSD.hexBinary))
        )
