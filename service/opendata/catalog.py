"""The DCAT-AP 3 catalog of the service: its datasets and its pages.

One ``dcat:Catalog`` (``{base}catalog``) lists the datasets a portal user looks for
(:data:`MAIN_DATASETS`), in this order: the whole (``{base}catalog#all``); events and
their programmes; actors; places and territories; themes, vocabulary and concept schemes;
articles and sources; the history of changes; and one technical dataset (the SHACL shapes
and the example queries). Each has the dumps of :mod:`.dumps` as distributions (Turtle,
N-Triples gzip, JSON-LD; N-Quads gzip for the whole) with their size, and the SPARQL
endpoint as the access service of one more; the SPARQL endpoint is also the catalog's
``dcat:DataService``. The named graphs are parts of these datasets, not datasets of their
own (VoID lists them).

A build's :class:`CatalogModel` is made once from the facts the build kept and its
manifest (sizes, checksums and triple counts are those of the build's files), without the
store. A request asks for one page (:func:`catalog_page`), keyed by the last dataset's
identifier, never by offset (Hydra ``PartialCollectionView`` with ``first``, ``previous``,
``next``, ``last``), and the page is written as DCAT-AP (:mod:`.catalog_dcat`) or as
schema.org markup for a browser (:mod:`.catalog_schemaorg`).

No Flask here: the web layer passes the address the service was reached at (``root``),
from which download and endpoint URLs are made; identifiers stay canonical.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from rdflib import Literal, URIRef

from ..errors import BadRequest
from ..formats import HTML, JSONLD, RDFXML, TURTLE, Format
from ..labels import Languages
from .catalog_facts import CatalogFacts, Moment
from .dumps import DATASET_KEYS, NQUADS_GZ, TRIPLE_FORMATS, DumpFormat, Manifest

#: The catalog's formats: JSON-LD first, what a harvester gets without Accept.
CATALOG_FORMATS: tuple[Format, ...] = (JSONLD, TURTLE, RDFXML, HTML)
CATALOG_TITLE = (
    "Catalogue des données liées de la médiation sociale",
    "Catalog of the linked data of social mediation",
)

BASE_KEYWORDS = (("médiation sociale", "social mediation"), ("données liées", "linked data"))
#: How many of our themes one dataset lists.
MAX_THEMES = 20


def bilingual(fr: str, en: str) -> list[Literal]:
    """A text of ours in French and in English, as the catalog and VoID state it."""
    return [Literal(fr, lang="fr"), Literal(en, lang="en")]


@dataclass(frozen=True)
class MainDataset:
    """The whole dataset or a subset: its words, themes and the list page it matches."""

    key: str
    title: tuple[str, str]
    description: tuple[str, str]
    themes: tuple[str, ...]
    keywords: tuple[tuple[str, str], ...]
    landing: str  # path of the page people read it on
    dated: bool = False  # its temporal coverage is its events'
    spatial: bool = False  # its spatial coverage is its places' (France at least)


MAIN_DATASETS: dict[str, MainDataset] = {
    d.key: d
    for d in (
        MainDataset(
            "all",
            (
                "Médiation sociale : toutes les données liées",
                "Social mediation: all the linked data",
            ),
            (
                "Toutes les données du service : événements de la médiation sociale (journées, "
                "ateliers, séances), acteurs et leurs rôles, thèmes, lieux et territoires, "
                "vocabulaire et référentiels, articles et sources, historique des modifications.",
                "All the service's data: events of social mediation (days, workshops, sessions), "
                "actors and their roles, themes, places and territories, vocabulary and concept "
                "schemes, articles and sources, the history of changes.",
            ),
            ("SOCI", "REGI", "GOVE"),
            (("événements", "events"), ("politique de la ville", "urban policy")),
            "/",
            dated=True,
            spatial=True,
        ),
        MainDataset(
            "events",
            ("Événements de la médiation sociale", "Events of social mediation"),
            (
                "Journées régionales, séances plénières, ateliers et cycles d'événements de la "
                "médiation sociale, avec leur programme, leurs dates, lieux, organisateurs, "
                "intervenants, participants et apports.",
                "Regional days, plenary sessions, workshops and series of events of social "
                "mediation, with their programme, dates, places, organisers, speakers, "
                "participants and findings.",
            ),
            ("SOCI",),
            (("événements", "events"), ("ateliers", "workshops"), ("programme", "programme")),
            "/events",
            dated=True,
            spatial=True,
        ),
        MainDataset(
            "actors",
            ("Acteurs de la médiation sociale", "Actors of social mediation"),
            (
                "Personnes et organisations de la médiation sociale : associations, réseaux de "
                "médiateurs, services de l'État, collectivités, avec leurs rôles dans les "
                "événements.",
                "People and organisations of social mediation: associations, networks of "
                "mediators, State services, local authorities, with their roles in events.",
            ),
            ("SOCI", "GOVE"),
            (("acteurs", "actors"), ("associations", "associations")),
            "/actors",
        ),
        MainDataset(
            "places",
            ("Lieux et territoires", "Places and territories"),
            (
                "Lieux d'accueil des événements et territoires administratifs (régions, "
                "départements, intercommunalités, communes) avec leurs codes officiels "
                "géographiques (INSEE).",
                "Venues of the events and administrative territories (regions, départements, "
                "inter-municipalities, municipalities) with their official geographic codes "
                "(INSEE).",
            ),
            ("REGI",),
            (("territoires", "territories"), ("code officiel géographique", "INSEE codes")),
            "/places",
            spatial=True,
        ),
        MainDataset(
            "vocabulary",
            (
                "Thèmes, vocabulaire et référentiels de la médiation sociale",
                "Themes, vocabulary and concept schemes of social mediation",
            ),
            (
                "Les thèmes de la médiation sociale, ses rôles, publics et missions (référentiels "
                "SKOS), et le vocabulaire RDF qui décrit ses événements et ses acteurs "
                "(classes et propriétés alignées sur schema.org).",
                "The themes of social mediation, its roles, audiences and missions (SKOS concept "
                "schemes), and the RDF vocabulary that describes its events and actors (classes "
                "and properties aligned to schema.org).",
            ),
            ("SOCI",),
            (
                ("thèmes", "themes"),
                ("vocabulaire", "vocabulary"),
                ("référentiels", "concept schemes"),
            ),
            "/themes",
        ),
        MainDataset(
            "articles",
            ("Articles et sources", "Articles and sources"),
            (
                "Les articles, documents et publications sur les réseaux sociaux d'où viennent "
                "les données, et la description de chaque source (adresse, date de publication, "
                "éditeur).",
                "The articles, documents and social-media posts the data comes from, and the "
                "description of each source (address, publication date, publisher).",
            ),
            ("SOCI",),
            (("articles", "articles"), ("sources", "sources")),
            "/catalog.html#articles",
            spatial=True,
        ),
        MainDataset(
            "history",
            ("Historique des modifications", "History of changes"),
            (
                "Chaque modification des données : quand, par qui, sur quel graphe, avec les "
                "triplets ajoutés et retirés (PROV-O). Aussi en flux de modifications "
                "(Activity Streams 2.0).",
                "Every change of the data: when, by whom, on which graph, with the triples "
                "added and removed (PROV-O). Also as a change feed (Activity Streams 2.0).",
            ),
            ("GOVE",),
            (("historique", "history"), ("provenance", "provenance")),
            "/catalog.html#history",
        ),
        MainDataset(
            "technical",
            ("Données techniques du service", "Technical data of the service"),
            (
                "Ce que le service utilise pour vérifier et interroger les données : les formes "
                "SHACL qui valident chaque écriture et les requêtes SPARQL d'exemple.",
                "What the service uses to check and query the data: the SHACL shapes that "
                "validate every write and the example SPARQL queries.",
            ),
            (),
            (("SHACL", "SHACL"), ("SPARQL", "SPARQL")),
            "/catalog.html#technical",
        ),
    )
}


@dataclass
class CatalogEntry:
    """One dataset of the catalog, in catalog order."""

    iri: URIRef
    key: str  # "all", "events"…

    @property
    def identifier(self) -> str:
        return str(self.iri)


def publisher_of(base_url: str, setting: str = "") -> URIRef:
    """The catalog's publisher: the ``publisher`` setting, else the team the vocabulary names."""
    return URIRef(setting or f"{base_url}id/actor/equipe-donnees-liees")


class CatalogModel:
    """Every dataset of the catalog and the facts about them, for one build: made once per
    build from its kept facts and manifest, without the store; a page only slices it."""

    def __init__(self, facts: CatalogFacts, base_url: str, manifest: Manifest, publisher: URIRef):
        self.base = base_url
        self.generation = manifest.generation
        self.manifest = manifest
        self.publisher = publisher
        self.iri = URIRef(base_url + "catalog")
        self.service = URIRef(base_url + "sparql")
        self.entries = [CatalogEntry(self.dataset_iri(k), k) for k in DATASET_KEYS]
        self._positions = {e.identifier: i for i, e in enumerate(self.entries)}
        self.facts = facts.facts
        self.dates = facts.modified
        self.regions = facts.regions
        self.schemes = facts.schemes
        self.names = facts.names
        self.insee = facts.insee
        self.codes = facts.codes
        self.publisher_names = self.names.get(publisher) or [
            Literal("Équipe des données liées de la médiation sociale", lang="fr")
        ]

    def dataset_iri(self, key: str) -> URIRef:
        return URIRef(f"{self.base}catalog#{key}")

    # -- per dataset ----------------------------------------------------------------------------

    def graphs_of(self, entry: CatalogEntry) -> list[URIRef]:
        """The graphs that gave the dataset triples (as the build's manifest records)."""
        return [
            URIRef(g) for g in self.manifest.graphs.get(entry.key, []) if URIRef(g) in self.facts
        ]

    def issued(self, entry: CatalogEntry) -> Moment | None:
        return Moment.earliest(self.facts[g].issued for g in self.graphs_of(entry))

    def modified(self, entry: CatalogEntry) -> Moment | None:
        """When the dataset's data last moved (:meth:`.CatalogFacts.date_datasets`)."""
        return self.dates.get(entry.key) or self.issued(entry)

    def period(self, entry: CatalogEntry) -> tuple[str, str] | None:
        if not MAIN_DATASETS[entry.key].dated:
            return None
        spans = [
            (f.start, f.end) for g in self.graphs_of(entry) if (f := self.facts[g]).start and f.end
        ]
        if not spans:
            return None
        return min(s for s, _ in spans), max(e for _, e in spans)

    def regions_of(self, entry: CatalogEntry) -> list[URIRef]:
        if not MAIN_DATASETS[entry.key].spatial:
            return []
        return sorted({r for g in self.graphs_of(entry) for r in self.facts[g].regions}, key=str)

    def themes_of(self, entry: CatalogEntry) -> list[URIRef]:
        """Our concepts the dataset's resources are about, for the datasets of events and
        articles (and the whole)."""
        if entry.key not in ("all", "events", "articles"):
            return []
        found = {t for g in self.graphs_of(entry) for t in self.facts[g].themes}
        return sorted(found, key=str)[:MAX_THEMES]

    def sources_of(self, entry: CatalogEntry) -> list[URIRef]:
        """The pages the articles dataset (and the whole) come from."""
        if entry.key not in ("all", "articles"):
            return []
        return sorted({s for g in self.graphs_of(entry) for s in self.facts[g].sources}, key=str)

    def catalog_issued(self) -> Moment | None:
        return Moment.earliest(self.facts[g].issued for g in self.facts)

    def catalog_modified(self) -> Moment | None:
        return Moment.latest(self.modified(e) for e in self.entries)

    # -- paging -----------------------------------------------------------------------------------

    def start_after(self, after: str | None) -> int:
        """Index of the first dataset after the one identified by ``after`` (keyset paging)."""
        if after is None:
            return 0
        position = self._positions.get(after)
        if position is None:
            raise BadRequest(
                "Le paramètre after doit être l'identifiant d'un jeu de données du catalogue.",
                "The after parameter must be the identifier of a dataset of the catalog.",
            )
        return position + 1

    def total(self) -> int:
        return len(self.entries)


# ---------------------------------------------------------------------------------------------
# One page of the catalog
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Links:
    """Where things are on the host the request reached: ``root`` ends with a slash."""

    root: str
    suffix: str = ""  # the format suffix of the catalog's own URL (".ttl"), kept by paging

    def url(self, path: str) -> str:
        return self.root + path.lstrip("/")

    def page(self, after: str | None) -> str:
        address = self.url("catalog" + self.suffix)
        return f"{address}?{urlencode({'after': after})}" if after else address


@dataclass
class Distribution:
    """One dump file of a dataset, as the catalog lists it."""

    iri: URIRef
    fmt: DumpFormat
    path: str  # on this host: "/dumps/all.ttl"
    bytes: int | None = None
    sha256: str | None = None
    triples: int | None = None


@dataclass
class DatasetView:
    """What the catalog says of one dataset, ready to be written."""

    entry: CatalogEntry
    titles: list[Literal]
    descriptions: list[Literal]
    issued: Moment | None
    modified: Moment | None
    period: tuple[str, str] | None
    regions: list[URIRef]
    themes: list[URIRef]  # ours
    eu_themes: tuple[str, ...]
    keywords: list[Literal]
    landing: str  # path
    distributions: list[Distribution]
    sources: list[URIRef]


@dataclass
class CatalogPage:
    """One page of the catalog: its datasets and the addresses of the pages around it."""

    model: CatalogModel
    links: Links
    datasets: list[DatasetView]
    start: int
    size: int
    after: str | None

    @property
    def url(self) -> str:
        return self.links.page(self.after)

    def _key_before(self, index: int) -> str | None:
        return self.model.entries[index - 1].identifier if index > 0 else None

    @property
    def next_url(self) -> str | None:
        end = self.start + len(self.datasets)
        if end >= self.model.total():
            return None
        return self.links.page(self.model.entries[end - 1].identifier)

    @property
    def previous_url(self) -> str | None:
        if self.start == 0:
            return None
        return self.links.page(self._key_before(max(0, self.start - self.size)))

    @property
    def first_url(self) -> str:
        return self.links.page(None)

    @property
    def last_url(self) -> str:
        total = self.model.total()
        last_start = ((total - 1) // self.size) * self.size if total else 0
        return self.links.page(self._key_before(last_start))

    @property
    def has_service(self) -> bool:
        """The SPARQL service is described with the whole dataset it serves (first page)."""
        return any(d.entry.key == "all" for d in self.datasets)


def catalog_page(model: CatalogModel, links: Links, after: str | None, size: int) -> CatalogPage:
    start = model.start_after(after)
    entries = model.entries[start : start + size]
    return CatalogPage(model, links, [dataset_view(model, e) for e in entries], start, size, after)


def dataset_view(model: CatalogModel, entry: CatalogEntry) -> DatasetView:
    """What the catalog says of one dataset: its own words and the build's facts."""
    spec = MAIN_DATASETS[entry.key]
    formats = TRIPLE_FORMATS + ((NQUADS_GZ,) if entry.key == "all" else ())
    return DatasetView(
        entry,
        bilingual(*spec.title),
        bilingual(*spec.description),
        model.issued(entry),
        model.modified(entry),
        model.period(entry),
        model.regions_of(entry),
        model.themes_of(entry),
        spec.themes,
        [keyword for pair in BASE_KEYWORDS + spec.keywords for keyword in bilingual(*pair)],
        spec.landing,
        [_distribution_of(model, entry.key, fmt) for fmt in formats],
        model.sources_of(entry),
    )


def _distribution_of(model: CatalogModel, dataset: str, fmt: DumpFormat) -> Distribution:
    """A dataset's dump in ``fmt``, with the size, checksum and triples of the build's file."""
    record = model.manifest.file(dataset, fmt.suffix)
    return Distribution(
        URIRef(f"{model.base}catalog#{dataset}-{fmt.suffix.replace('.', '-')}"),
        fmt,
        f"/dumps/{dataset}.{fmt.suffix}",
        record.bytes if record else None,
        record.sha256 if record else None,
        record.triples if record else None,
    )


def label_of(values: list[Literal], langs: Languages) -> Literal | None:
    """The label of ``values`` in the request's language, when there is one."""
    best = langs.best(values)
    return best if isinstance(best, Literal) else None


__all__ = [
    "CATALOG_FORMATS",
    "CATALOG_TITLE",
    "MAIN_DATASETS",
    "CatalogEntry",
    "CatalogModel",
    "CatalogPage",
    "DatasetView",
    "Distribution",
    "Links",
    "MainDataset",
    "bilingual",
    "catalog_page",
    "dataset_view",
    "label_of",
    "publisher_of",
]
