"""The catalog written as schema.org markup: what dataset search engines read.

One page of the catalog (:class:`~.catalog.CatalogPage`) as a schema.org ``DataCatalog``
with its datasets and their downloads (JSON-LD), in the request's language, embedded in
the catalog's HTML page. No Flask here.
"""

from __future__ import annotations

from typing import Any

from rdflib import Literal

from ..labels import Languages
from ..namespaces import LICENCE
from .catalog import CATALOG_TITLE, CatalogPage


def schema_org(page: CatalogPage, langs: Languages) -> dict[str, Any]:
    """The page as schema.org ``DataCatalog`` markup (JSON-LD), in the request's language."""
    model = page.model
    links = page.links

    def text(values: list[Literal]) -> str:
        best = langs.best(values)
        return str(best) if best is not None else ""

    publisher = {
        "@type": "Organization",
        "@id": str(model.publisher),
        "name": text(model.publisher_names),
    }
    datasets = []
    for view in page.datasets:
        item: dict[str, Any] = {
            "@type": "Dataset",
            "@id": str(view.entry.iri),
            "identifier": view.entry.identifier,
            "name": text(view.titles),
            "description": text(view.descriptions),
            "url": links.url(view.landing),
            "license": str(LICENCE),
            "isAccessibleForFree": True,
            "inLanguage": "fr",
            "publisher": publisher,
            "creator": publisher,
            "keywords": [str(k) for k in view.keywords if k.language == langs.ui],
            "distribution": [
                {
                    "@type": "DataDownload",
                    "contentUrl": links.url(d.path),
                    # What the file holds, compressed or not.
                    "encodingFormat": d.fmt.rdf.media_type,
                    **({"contentSize": f"{d.bytes} B"} if d.bytes is not None else {}),
                }
                for d in view.distributions
            ],
        }
        if view.period:
            item["temporalCoverage"] = f"{view.period[0]}/{view.period[1]}"
        if view.regions:
            item["spatialCoverage"] = [
                {"@type": "Place", "@id": str(r), "name": text(model.names.get(r, []))}
                for r in view.regions
            ]
        if view.modified:
            item["dateModified"] = str(view.modified.literal)
        if view.issued:
            item["datePublished"] = str(view.issued.literal)
        datasets.append(item)
    return {
        "@context": "https://schema.org",
        "@type": "DataCatalog",
        "@id": str(model.iri),
        "name": langs.text(*CATALOG_TITLE),
        "url": links.url("/catalog"),
        "license": str(LICENCE),
        "publisher": publisher,
        "dataset": datasets,
    }


__all__ = ["schema_org"]
