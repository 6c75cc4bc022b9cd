"""What a page reads besides its description, handed in by the web layer for one request.

The pages wing never reaches for the application's parts: the web layer gathers them
(the store, the settings, the search index, the change log, the last open-data build's
figures) into a :class:`PageContext` and passes it to the functions that make a page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo

from rdflib import Graph, URIRef

from ..labels import Languages
from ..search import Index
from ..store import Store
from ..writes import ChangeLog
from .generation import GenerationReads, LinkedCache
from .incoming import IncomingLinks
from .terms import Terms
from .view import PageBuilder, local_path


def no_graph_sizes(graph: URIRef) -> tuple[int, datetime] | None:
    """No build has counted any graph: pages count them themselves."""
    return None


@dataclass(frozen=True)
class PageContext:
    """The parts of the service one request's page reads, gathered by the web layer."""

    store: Store
    base_url: str
    page_size: int
    #: The names of properties and classes (read from the store once per generation).
    terms: Terms
    #: Where incoming links are read: the search index's link table, or the store.
    links: IncomingLinks
    #: The search index: the events held in a place read it when it is in step with the store.
    index: Index
    #: A page's history.
    changelog: ChangeLog
    #: The ``time_zone`` setting: the zone of the data's local times, and of every time shown.
    zone: tzinfo
    #: A named graph's size as the last open-data build counted it, and when that build
    #: finished; None when no build has counted it.
    graph_sizes: Callable[[URIRef], tuple[int, datetime] | None] = no_graph_sizes
    #: Today in ``zone``: an event whose last day is before it took place.
    today: date = field(default_factory=lambda: datetime.now(UTC).date())
    #: What this store generation's pages have read (its typed nodes, its linked resources'
    #: triples: :mod:`.generation`); None: each page reads them.
    reads: GenerationReads | None = None

    @property
    def linked(self) -> LinkedCache | None:
        """The linked resources' triples read in this store generation, if kept."""
        return self.reads.linked if self.reads is not None else None

    def builder(self, iri: URIRef, graph: Graph, langs: Languages) -> PageBuilder:
        return PageBuilder(iri, graph, langs, self.terms, self.base_url, self.zone)

    def local(self, iri: object) -> str:
        """An IRI under the canonical base as a path on this host."""
        return local_path(iri, self.base_url)


__all__ = ["PageContext", "no_graph_sizes"]
