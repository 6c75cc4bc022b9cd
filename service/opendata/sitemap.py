"""What the sitemap lists: every resource page, by kind, with the date it last changed.

One pass over the typed resources under ``{base}id/``, plus the vocabulary, the
shapes and the named graphs: whole-store work, done by the open-data build
(:mod:`.build` writes it into the build's inventory, cut into sitemap
files), never in a request. The date of a resource is, in
order: its own ``schema:dateModified`` / ``dct:modified``; else the latest date
its graphs give themselves (``schema:dateModified``, ``dct:modified``,
``prov:generatedAtTime``, ``schema:dateCreated``, ``dct:issued``,
``dct:created``); else none (a sitemap entry may have no ``lastmod``, and we
invent no date). A write recorded in the history since that date dates it instead. A time
is given with its offset, as the sitemaps protocol's W3C Datetime requires: one the data
writes without an offset is a local time of the service's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, tzinfo

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SH

from ..labels import UI_LANGUAGES, iso_moment
from ..namespaces import SDO
from ..pages import GENERIC_KIND, GRAPH_KIND, PAGE_KINDS, TERRITORY_KIND, page_kind_of
from ..store import Store
from ..writes import last_changes

#: Most URLs in one sitemap file (https://www.sitemaps.org/protocol.html#index).
SITEMAP_LIMIT = 50_000
#: The URLs of one page in the sitemap: its address in each interface language.
URLS_PER_PAGE = len(UI_LANGUAGES)

RESOURCE_DATES = (SDO.dateModified, DCTERMS.modified)
GRAPH_DATES = (
    SDO.dateModified,
    DCTERMS.modified,
    PROV.generatedAtTime,
    SDO.dateCreated,
    DCTERMS.issued,
    DCTERMS.created,
)


@dataclass
class Inventory:
    """Resource IRIs by kind name, each with its last-change date (ISO text) or None."""

    kinds: dict[str, list[tuple[URIRef, str | None]]] = field(default_factory=dict)

    def sections(self) -> list[str]:
        return [name for name, items in self.kinds.items() if items]


def _date(value: object, zone: tzinfo) -> str | None:
    if isinstance(value, Literal):
        text = iso_moment(value, zone).strip()
        if len(text) >= 10 and text[4] == "-" and text[7] == "-":
            return text
    return None


def _values(terms) -> str:
    return " ".join(t.n3() for t in terms)


def inventory(store: Store, base_url: str, zone: tzinfo) -> Inventory:
    """Every page-worthy resource under the base, classified by kind (``zone``: where the
    data's local times are)."""
    prefix = Literal(base_url + "id/").n3()
    rows = store.select(
        f"""SELECT ?s ?t ?g WHERE {{
              GRAPH ?g {{ ?s a ?t }}
              FILTER(isIRI(?s) && STRSTARTS(STR(?s), {prefix}) && !CONTAINS(STR(?s), "#"))
            }}"""
    )
    types: dict[URIRef, set] = {}
    graphs_of: dict[URIRef, set] = {}
    for row in rows:
        types.setdefault(row["s"], set()).add(row["t"])
        graphs_of.setdefault(row["s"], set()).add(row["g"])

    own_dates: dict[URIRef, str] = {}
    for row in store.select(
        f"""SELECT ?s ?d WHERE {{ VALUES ?p {{ {_values(RESOURCE_DATES)} }} ?s ?p ?d
              FILTER(isIRI(?s) && STRSTARTS(STR(?s), {prefix})) }}"""
    ):
        date = _date(row["d"], zone)
        if date and date > own_dates.get(row["s"], ""):
            own_dates[row["s"]] = date

    graph_dates: dict[URIRef, str] = {}
    for row in store.select(
        f"""SELECT ?g ?d WHERE {{ VALUES ?p {{ {_values(GRAPH_DATES)} }} GRAPH ?g {{ ?g ?p ?d }} }}"""
    ):
        date = _date(row["d"], zone)
        if date and date > graph_dates.get(row["g"], ""):
            graph_dates[row["g"]] = date

    # Writes date what they touched: the history's last change wins over older data dates.
    written = {
        iri: moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        for iri, moment in last_changes(store, base_url).items()
    }

    def lastmod(iri: URIRef, graphs: set) -> str | None:
        if iri in own_dates:
            found = own_dates[iri]
        else:
            dates = [graph_dates[g] for g in graphs if g in graph_dates]
            found = max(dates) if dates else None
        change = written.get(iri)
        if change and (found is None or change[:10] >= found[:10]):
            return change
        return found

    # A territory's page is for search engines only where something happened in it (an
    # event located in it or in a place it contains), as its page says (``noindex``).
    eventful = {
        row["t"]
        for row in store.select(
            f"""SELECT DISTINCT ?t WHERE {{
                  ?e a {SDO.Event.n3()} ; {SDO.location.n3()} ?p .
                  ?p {SDO.containedInPlace.n3()}* ?t
                  FILTER(isIRI(?t) && STRSTARTS(STR(?t), {prefix})) }}"""
        )
    }
    result = Inventory({kind.name: [] for kind in PAGE_KINDS if kind.sitemap})
    result.kinds.setdefault(GENERIC_KIND.name, [])
    for iri in sorted(types, key=str):
        kind = page_kind_of(types[iri])
        if not kind.sitemap or (kind.name == TERRITORY_KIND and iri not in eventful):
            continue
        result.kinds.setdefault(kind.name, []).append((iri, lastmod(iri, graphs_of[iri])))

    # The vocabulary and the shapes documents, then every named graph.
    documents: list[tuple[URIRef, str | None]] = []
    vocabulary = URIRef(base_url + "def")
    vocabulary_graphs = {
        row["g"]
        for row in store.select(
            f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {vocabulary.n3()} ?p ?o }} }}"
        )
    }
    if vocabulary_graphs:
        documents.append(
            (
                vocabulary,
                own_dates.get(vocabulary)
                or _vocabulary_date(store, vocabulary, zone)
                or lastmod(vocabulary, vocabulary_graphs),
            )
        )
    shapes_prefix = Literal(base_url + "shapes#").n3()
    shape_graphs = {
        row["g"]
        for row in store.select(
            f"""SELECT DISTINCT ?g WHERE {{ VALUES ?t {{ {_values((SH.NodeShape, SH.PropertyShape))} }}
              GRAPH ?g {{ ?s a ?t }} FILTER(STRSTARTS(STR(?s), {shapes_prefix})) }}"""
        )
    }
    if shape_graphs:
        dates = [graph_dates[g] for g in shape_graphs if g in graph_dates]
        documents.append((URIRef(base_url + "shapes"), max(dates) if dates else None))
    result.kinds["vocabulary"] = documents
    result.kinds[GRAPH_KIND.name] = [
        (g, graph_dates.get(g))
        for g in store.graph_names()
        if str(g).startswith(base_url + "graph/")
    ]
    return result


def _vocabulary_date(store: Store, iri: URIRef, zone: tzinfo) -> str | None:
    rows = store.select(
        f"SELECT ?d WHERE {{ VALUES ?p {{ {_values(GRAPH_DATES)} }} {iri.n3()} ?p ?d }}"
    )
    dates = [d for row in rows if (d := _date(row["d"], zone))]
    return max(dates) if dates else None


__all__ = ["Inventory", "SITEMAP_LIMIT", "URLS_PER_PAGE", "inventory"]
