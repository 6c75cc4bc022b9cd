"""The catalog written as DCAT-AP 3 RDF: what open-data portals harvest.

One page of the catalog (:class:`~.catalog.CatalogPage`) as a graph: the ``dcat:Catalog``
with its datasets, their distributions and, on the first page, the SPARQL endpoint as a
``dcat:DataService``, and the page's Hydra ``PartialCollectionView``.

Every dataset has a licence (Licence Ouverte 2.0), a publisher (the ``publisher``
setting, named by the data), a contact point, themes (the EU data themes and ours),
keywords in French and English, its spatial coverage (the régions its events took
place in, with their INSEE identifiers, and France in the EU country list) and its
temporal coverage (the first and last dates of its events), ``dct:issued`` and
``dct:modified`` from the graphs' own dates and the write history.

Every node the DCAT-AP 3.0.1 shapes check is typed explicitly (the publisher as
``foaf:Agent``, the licence as ``dct:LicenseDocument``, media types, formats,
locations, concepts…): the shapes check classes as stated, without inference.
No Flask here.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD

from ..labels import words
from ..namespaces import HYDRA, IGEO, LICENCE, PREFIXES, SPDX, VCARD
from .catalog import (
    CATALOG_TITLE,
    MAIN_DATASETS,
    CatalogModel,
    CatalogPage,
    DatasetView,
    Distribution,
    Links,
    bilingual,
)

LICENCE_LABELS = bilingual(
    "Licence Ouverte / Open Licence version 2.0", "Open Licence version 2.0 (Etalab)"
)

#: The EU's authority tables, as DCAT-AP asks: themes, file types, languages, countries,
#: frequencies (https://op.europa.eu/en/web/eu-vocabularies/authority-tables).
EU = "http://publications.europa.eu/resource/authority/"
DATA_THEME = Namespace(EU + "data-theme/")
DATA_THEMES = URIRef(EU + "data-theme")
FILE_TYPE = Namespace(EU + "file-type/")
LANGUAGE = Namespace(EU + "language/")
COUNTRY = Namespace(EU + "country/")
FREQUENCY = Namespace(EU + "frequency/")
IANA = "https://www.iana.org/assignments/media-types/"

#: The EU data themes we use, with their labels in the EU vocabulary.
EU_THEMES: dict[str, tuple[str, ...]] = words("eu-theme")
#: dct:format of each dump format, from the EU file-type table.
FILE_TYPES: dict[str, str] = {
    "ttl": "RDF_TURTLE",
    "nt.gz": "RDF_N_TRIPLES",
    "jsonld": "JSON_LD",
    "nq.gz": "RDF_N_QUADS",
}
FORMAT_TITLES: dict[str, tuple[str, ...]] = words("dump-format")


def bind(graph: Graph) -> Graph:
    for prefix in ("dct", "dcat", "foaf", "skos", "xsd", "rdfs", "prov", "owl", "schema", "igeo"):
        graph.bind(prefix, PREFIXES[prefix])
    graph.bind("vcard", str(VCARD))
    graph.bind("hydra", str(HYDRA))
    graph.bind("spdx", str(SPDX))
    return graph


def _labels(graph: Graph, node: URIRef, prop: URIRef, values: Iterable[Literal]) -> None:
    for value in values:
        graph.add((node, prop, value))


def page_graph(page: CatalogPage, contact_email: str = "") -> Graph:
    """The page as DCAT-AP 3 RDF, with its Hydra view."""
    model = page.model
    links = page.links
    graph = bind(Graph())
    catalog = model.iri
    add = graph.add
    add((catalog, RDF.type, DCAT.Catalog))
    add((catalog, RDF.type, HYDRA.Collection))
    _labels(graph, catalog, DCTERMS.title, bilingual(*CATALOG_TITLE))
    _labels(
        graph,
        catalog,
        DCTERMS.description,
        bilingual(
            "Les jeux de données du service de données liées de la médiation sociale : le tout, "
            "ses parties (événements, acteurs, territoires, vocabulaire) et chaque source, avec "
            "leurs fichiers à télécharger et le point d'accès SPARQL.",
            "The datasets of the social mediation linked-data service: the whole, its parts "
            "(events, actors, territories, vocabulary) and each source, with their files to "
            "download and the SPARQL endpoint.",
        ),
    )
    add((catalog, DCTERMS.identifier, Literal(str(catalog))))
    _agent(graph, model)
    add((catalog, DCTERMS.publisher, model.publisher))
    _licence(graph)
    add((catalog, DCTERMS.license, LICENCE))
    for lang in ("FRA", "ENG"):
        add((catalog, DCTERMS.language, LANGUAGE[lang]))
        add((LANGUAGE[lang], RDF.type, DCTERMS.LinguisticSystem))
    homepage = URIRef(links.url("/"))
    add((catalog, FOAF.homepage, homepage))
    add((homepage, RDF.type, FOAF.Document))
    issued, modified = model.catalog_issued(), model.catalog_modified()
    if issued:
        add((catalog, DCTERMS.issued, issued.literal))
    if modified:
        add((catalog, DCTERMS.modified, modified.literal))
    _spatial(graph, catalog, model, model.regions)
    add((catalog, DCAT.themeTaxonomy, DATA_THEMES))
    add((DATA_THEMES, RDF.type, SKOS.ConceptScheme))
    _labels(graph, DATA_THEMES, DCTERMS.title, bilingual("Thème des données", "Data Theme"))
    for scheme in model.schemes:
        add((catalog, DCAT.themeTaxonomy, scheme))
        add((scheme, RDF.type, SKOS.ConceptScheme))
        _labels(graph, scheme, DCTERMS.title, model.names.get(scheme) or [Literal(str(scheme))])
    add((catalog, HYDRA.totalItems, Literal(model.total(), datatype=XSD.nonNegativeInteger)))
    contact = _contact(graph, model, links, contact_email)
    for view in page.datasets:
        add((catalog, DCAT.dataset, view.entry.iri))
        _dataset(graph, model, links, view, contact)
    if page.has_service:
        _service(graph, model, links, contact)
        add((catalog, DCAT.service, model.service))
    # Hydra: where this page sits in the whole (https://www.hydra-cg.com/spec/latest/core/#collections).
    view_node = URIRef(page.url)
    add((catalog, HYDRA.view, view_node))
    add((view_node, RDF.type, HYDRA.PartialCollectionView))
    add((view_node, HYDRA.first, URIRef(page.first_url)))
    add((view_node, HYDRA.last, URIRef(page.last_url)))
    if page.next_url:
        add((view_node, HYDRA.next, URIRef(page.next_url)))
    if page.previous_url:
        add((view_node, HYDRA.previous, URIRef(page.previous_url)))
    return graph


def _agent(graph: Graph, model: CatalogModel) -> None:
    graph.add((model.publisher, RDF.type, FOAF.Agent))
    graph.add((model.publisher, RDF.type, FOAF.Organization))
    _labels(graph, model.publisher, FOAF.name, model.publisher_names)


def _licence(graph: Graph) -> None:
    graph.add((LICENCE, RDF.type, DCTERMS.LicenseDocument))
    _labels(graph, LICENCE, RDFS.label, LICENCE_LABELS)


def _contact(graph: Graph, model: CatalogModel, links: Links, email: str) -> URIRef:
    contact = URIRef(f"{model.base}catalog#contact")
    graph.add((contact, RDF.type, VCARD.Kind))
    graph.add((contact, RDF.type, VCARD.Organization))
    _labels(graph, contact, VCARD.fn, model.publisher_names)
    graph.add((contact, VCARD.hasURL, URIRef(links.url("/"))))
    if email:
        graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{email}")))
    return contact


def _spatial(graph: Graph, node: URIRef, model: CatalogModel, regions: list[URIRef]) -> None:
    france = COUNTRY.FRA
    graph.add((node, DCTERMS.spatial, france))
    graph.add((france, RDF.type, DCTERMS.Location))
    _labels(graph, france, SKOS.prefLabel, bilingual("France", "France"))
    for region in regions:
        graph.add((node, DCTERMS.spatial, region))
        graph.add((region, RDF.type, DCTERMS.Location))
        _labels(graph, region, SKOS.prefLabel, model.names.get(region, []))
        if region in model.insee:
            graph.add((region, RDFS.seeAlso, model.insee[region]))
        if region in model.codes:
            graph.add((region, IGEO.codeINSEE, model.codes[region]))


def _theme(graph: Graph, node: URIRef, theme: URIRef, labels: Iterable[Literal]) -> None:
    graph.add((node, DCAT.theme, theme))
    graph.add((theme, RDF.type, SKOS.Concept))
    _labels(graph, theme, SKOS.prefLabel, labels)


def _dataset(
    graph: Graph, model: CatalogModel, links: Links, view: DatasetView, contact: URIRef
) -> None:
    node = view.entry.iri
    add = graph.add
    add((node, RDF.type, DCAT.Dataset))
    add((node, DCTERMS.identifier, Literal(view.entry.identifier)))
    _labels(graph, node, DCTERMS.title, view.titles)
    _labels(graph, node, DCTERMS.description, view.descriptions)
    add((node, DCTERMS.publisher, model.publisher))
    add((node, DCAT.contactPoint, contact))
    add((node, DCTERMS.license, LICENCE))
    add((node, DCTERMS.accrualPeriodicity, FREQUENCY.IRREG))
    add((FREQUENCY.IRREG, RDF.type, DCTERMS.Frequency))
    add((node, DCTERMS.language, LANGUAGE.FRA))
    landing = URIRef(links.url(view.landing))
    add((node, DCAT.landingPage, landing))
    add((landing, RDF.type, FOAF.Document))
    if view.issued:
        add((node, DCTERMS.issued, view.issued.literal))
    if view.modified:
        add((node, DCTERMS.modified, view.modified.literal))
    if view.period:
        period = URIRef(f"{node}-period" if "#" in node else f"{node}#period")
        add((node, DCTERMS.temporal, period))
        add((period, RDF.type, DCTERMS.PeriodOfTime))
        add((period, DCAT.startDate, Literal(view.period[0], datatype=XSD.date)))
        add((period, DCAT.endDate, Literal(view.period[1], datatype=XSD.date)))
    if view.regions or (view.entry.graph is None and MAIN_DATASETS[view.entry.key].spatial):
        _spatial(graph, node, model, view.regions)
    for code in view.eu_themes:
        _theme(graph, node, DATA_THEME[code], bilingual(*EU_THEMES[code]))
    for theme in view.themes:
        _theme(graph, node, theme, model.names.get(theme) or [Literal(str(theme))])
    _labels(graph, node, DCAT.keyword, view.keywords)
    for source in view.sources:
        add((node, PROV.wasDerivedFrom, source))
    for distribution in view.distributions:
        add((node, DCAT.distribution, distribution.iri))
        _distribution(graph, links, view, distribution)


def _distribution(graph: Graph, links: Links, view: DatasetView, dist: Distribution) -> None:
    node = dist.iri
    add = graph.add
    add((node, RDF.type, DCAT.Distribution))
    _labels(graph, node, DCTERMS.title, bilingual(*FORMAT_TITLES[dist.fmt.suffix]))
    url = URIRef(links.url(dist.path))
    add((node, DCAT.downloadURL, url))
    add((node, DCAT.accessURL, url))
    media = URIRef(IANA + dist.fmt.rdf.media_type)
    add((node, DCAT.mediaType, media))
    add((media, RDF.type, DCTERMS.MediaType))
    if dist.fmt.gzip:
        gzip_type = URIRef(IANA + "application/gzip")
        add((node, DCAT.compressFormat, gzip_type))
        add((gzip_type, RDF.type, DCTERMS.MediaType))
    file_type = FILE_TYPE[FILE_TYPES[dist.fmt.suffix]]
    add((node, DCTERMS["format"], file_type))
    add((file_type, RDF.type, DCTERMS.MediaTypeOrExtent))
    add((node, DCTERMS.license, LICENCE))
    if view.modified:
        add((node, DCTERMS.modified, view.modified.literal))
    if dist.bytes is not None:
        add((node, DCAT.byteSize, Literal(dist.bytes, datatype=XSD.nonNegativeInteger)))
    if dist.sha256:
        checksum = URIRef(f"{node}-sha256")
        add((node, SPDX.checksum, checksum))
        add((checksum, RDF.type, SPDX.Checksum))
        add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        add((SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm))
        add((checksum, SPDX.checksumValue, Literal(dist.sha256, datatype=XSD.hexBinary)))


def _service(graph: Graph, model: CatalogModel, links: Links, contact: URIRef) -> None:
    service = model.service
    add = graph.add
    add((service, RDF.type, DCAT.DataService))
    _labels(
        graph,
        service,
        DCTERMS.title,
        bilingual(
            "Point d'accès SPARQL de la médiation sociale", "Social mediation SPARQL endpoint"
        ),
    )
    _labels(
        graph,
        service,
        DCTERMS.description,
        bilingual(
            "Interroger toutes les données en SPARQL 1.1 (protocole SPARQL 1.1, CORS ouvert).",
            "Query all the data in SPARQL 1.1 (SPARQL 1.1 Protocol, open CORS).",
        ),
    )
    endpoint = URIRef(links.url("/sparql"))
    description = URIRef(links.url("/sparql") + "?format=turtle")
    add((service, DCAT.endpointURL, endpoint))
    add((endpoint, RDF.type, RDFS.Resource))
    add((service, DCAT.endpointDescription, description))
    add((description, RDF.type, RDFS.Resource))
    add((service, DCAT.servesDataset, model.dataset_iri("all")))
    add((service, DCTERMS.publisher, model.publisher))
    add((service, DCTERMS.license, LICENCE))
    add((service, DCAT.contactPoint, contact))
    standard = URIRef("https://www.w3.org/TR/sparql11-protocol/")
    add((service, DCTERMS.conformsTo, standard))
    add((standard, RDF.type, DCTERMS.Standard))
    landing = URIRef(links.url("/sparql"))
    add((service, DCAT.landingPage, landing))
    add((landing, RDF.type, FOAF.Document))


__all__ = ["EU_THEMES", "page_graph"]
