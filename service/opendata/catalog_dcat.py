"""The catalog written as DCAT-AP 3 RDF: what open-data portals harvest.

One page of the catalog (:class:`~.catalog.CatalogPage`) as a graph: the ``dcat:Catalog``
with its datasets, their distributions and, on the first page, the SPARQL endpoint as a
``dcat:DataService``, and the page's Hydra ``PartialCollectionView``.

Every dataset has a licence (Licence Ouverte 2.0), a publisher (the ``publisher``
setting, named by the data), a contact point, themes (the EU data themes and ours),
keywords in French and English, a frequency, its spatial coverage (France with its
bounding box, and the régions its events took place in, with their INSEE identifiers) and
its temporal coverage (the first and last dates of its events), ``dct:issued`` and
``dct:modified`` (:meth:`.CatalogFacts.date_datasets`), its dumps and the SPARQL endpoint as
distributions. What portals' harvesters read shaped some choices (no checksum, the licence
named by ``dct:title``, blank periods, a blank access service): ``docs/opendata.md``.

Every node the DCAT-AP 3.0.1 shapes check is typed explicitly (the publisher as
``foaf:Agent``, the licence as ``dct:LicenseDocument``, media types, formats,
locations, concepts…): the shapes check classes as stated, without inference.
No Flask here.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD

from ..labels import words
from ..namespaces import HYDRA, IGEO, LICENCE, PREFIXES, VCARD
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
from .extent import FRANCE_BBOX, wkt_box

#: The licence's names: those Etalab gives it (and data.gouv.fr lists).
LICENCE_TITLES = bilingual("Licence Ouverte / Open Licence version 2.0", "Open Licence version 2.0")
#: The SPARQL 1.1 Protocol, what the endpoint conforms to.
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")

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
WKT_LITERAL = URIRef("http://www.opengis.net/ont/geosparql#wktLiteral")

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
            "Les jeux de données du service de données liées de la médiation sociale : le tout "
            "et ses parties (événements, acteurs, lieux et territoires, thèmes et vocabulaire, "
            "articles et sources, historique des modifications, données techniques), avec "
            "leurs fichiers à télécharger et le point d'accès SPARQL.",
            "The datasets of the social mediation linked-data service: the whole and its parts "
            "(events, actors, places and territories, themes and vocabulary, articles and "
            "sources, history of changes, technical data), with their files to download and "
            "the SPARQL endpoint.",
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
    # Named by dct:title, not rdfs:label: data.gouv.fr's harvester matches a labelled
    # licence on the label of its own language only, an unlabelled one on its address
    # (docs/opendata.md, "What the portals read").
    graph.add((LICENCE, RDF.type, DCTERMS.LicenseDocument))
    _labels(graph, LICENCE, DCTERMS.title, LICENCE_TITLES)


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
    graph.add((france, DCAT.bbox, Literal(wkt_box(FRANCE_BBOX), datatype=WKT_LITERAL)))
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
        # A blank node: data.gouv.fr's harvester fetches a period named by an IRI.
        period = BNode()
        add((node, DCTERMS.temporal, period))
        add((period, RDF.type, DCTERMS.PeriodOfTime))
        add((period, DCAT.startDate, Literal(view.period[0], datatype=XSD.date)))
        add((period, DCAT.endDate, Literal(view.period[1], datatype=XSD.date)))
    if MAIN_DATASETS[view.entry.key].spatial:
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
    _sparql_distribution(graph, model, links, view, contact)
    if view.entry.key == "history":
        _feed_distribution(graph, model, links, view)


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
    # No spdx:checksum: DCAT-AP types its value xsd:hexBinary, which data.gouv.fr's
    # harvester reads as bytes and refuses, rejecting the whole dataset. The SHA-256 of every
    # file is in the HTML catalog and in each download's Repr-Digest header.


def _sparql_distribution(
    graph: Graph, model: CatalogModel, links: Links, view: DatasetView, contact: URIRef
) -> None:
    """The dataset through the SPARQL endpoint: a distribution whose access service is the
    endpoint (what CKAN's harvester reads). That service is a blank node, not the catalog's
    ``dcat:service``: data.gouv.fr's harvester skips a data service that a distribution
    points to, and harvests the catalog's on its own."""
    key = view.entry.key
    node = URIRef(f"{model.base}catalog#{key}-sparql")
    add = graph.add
    graph.add((view.entry.iri, DCAT.distribution, node))
    add((node, RDF.type, DCAT.Distribution))
    _labels(
        graph,
        node,
        DCTERMS.title,
        bilingual("Point d'accès SPARQL", "SPARQL endpoint"),
    )
    _labels(
        graph,
        node,
        DCTERMS.description,
        bilingual(
            "Interroger ces données en SPARQL 1.1, avec le reste du service.",
            "Query these data in SPARQL 1.1, together with the rest of the service.",
        ),
    )
    endpoint = URIRef(links.url("/sparql"))
    add((node, DCAT.accessURL, endpoint))
    add((endpoint, RDF.type, RDFS.Resource))
    add((node, DCTERMS.license, LICENCE))
    service = BNode()
    add((node, DCAT.accessService, service))
    _describe_service(graph, model, links, service, contact, [view.entry.iri])


def _feed_distribution(graph: Graph, model: CatalogModel, links: Links, view: DatasetView) -> None:
    """The history as the change feed (Activity Streams 2.0), read page by page."""
    node = URIRef(f"{model.base}catalog#history-feed")
    add = graph.add
    add((view.entry.iri, DCAT.distribution, node))
    add((node, RDF.type, DCAT.Distribution))
    _labels(
        graph,
        node,
        DCTERMS.title,
        bilingual(
            "Flux des modifications (Activity Streams 2.0)", "Change feed (Activity Streams 2.0)"
        ),
    )
    feed = URIRef(links.url("/changes"))
    add((node, DCAT.accessURL, feed))
    add((feed, RDF.type, RDFS.Resource))
    media = URIRef(IANA + "application/activity+json")
    add((node, DCAT.mediaType, media))
    add((media, RDF.type, DCTERMS.MediaType))
    # No dct:conformsTo (Activity Streams): data.gouv.fr's harvester looks up the host of a
    # distribution's standard, a request outside the service; the media type says it.
    add((node, DCTERMS.license, LICENCE))
    if view.modified:
        add((node, DCTERMS.modified, view.modified.literal))


def _service(graph: Graph, model: CatalogModel, links: Links, contact: URIRef) -> None:
    """The SPARQL endpoint as the catalog's data service, serving every dataset."""
    service = model.service
    graph.add((service, DCTERMS.identifier, Literal(str(service))))
    _describe_service(graph, model, links, service, contact, [e.iri for e in model.entries])


def _describe_service(
    graph: Graph,
    model: CatalogModel,
    links: Links,
    service: URIRef | BNode,
    contact: URIRef,
    serves: list[URIRef],
) -> None:
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
    for dataset in serves:
        add((service, DCAT.servesDataset, dataset))
    add((service, DCTERMS.publisher, model.publisher))
    add((service, DCTERMS.license, LICENCE))
    add((service, DCAT.contactPoint, contact))
    add((service, DCTERMS.conformsTo, SPARQL_PROTOCOL))
    add((SPARQL_PROTOCOL, RDF.type, DCTERMS.Standard))
    add((service, DCAT.landingPage, endpoint))
    add((endpoint, RDF.type, FOAF.Document))


__all__ = ["EU_THEMES", "page_graph"]
