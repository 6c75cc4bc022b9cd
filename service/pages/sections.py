"""The sections a kind of page adds after its main facts (:attr:`PageKind.sections`).

One function per section, in :data:`SECTIONS`: the programme of an event's sub-events,
the previous and next events of a series, the places that contain a place, the events
held in a place, the roles an actor played, the text of an example query, the size of a
named graph. Each is computed only when the page's kind shows it, reads what it needs
with one bounded query (or the search index), and gives nothing when it has nothing to
show. Sections a template makes from the parts alone (roles, findings, a table of
contents) have no function here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any
from urllib.parse import quote

from rdflib import Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from ..namespaces import MED, SDO
from ..search import Filters
from .context import PageContext
from .describe import (
    Description,
    containment,
    events_in,
    graph_size,
    linked_triples,
    roles_played,
)
from .incoming import IncomingGroup
from .kinds import PageKind
from .view import PageBuilder, Value

#: The incoming links the sections read (:meth:`SectionInputs.linking`): a page reads a whole
#: page of these, whatever it shows of other groups (an event's programme is its sessions).
SECTION_LINKS: frozenset[URIRef] = frozenset({SDO.superEvent, MED.follows})
#: Triples of a named graph counted on a request at most, when no build has counted them.
GRAPH_COUNT_CAP = 100_000

#: The forms of an example query, by the property that holds its text.
QUERY_TEXTS: tuple[tuple[URIRef, str], ...] = (
    (SH.select, "SELECT"),
    (SH.construct, "CONSTRUCT"),
    (SH.ask, "ASK"),
    (SH.update, "UPDATE"),
)


@dataclass
class SectionInputs:
    """What a section reads: the page's builder over the description and the few linked
    resources the page adds (``full``), the description, and the page's context."""

    builder: PageBuilder
    description: Description
    full: Graph
    context: PageContext

    @property
    def iri(self) -> URIRef:
        return self.description.iri

    @cached_property
    def incoming(self) -> dict[URIRef, IncomingGroup]:
        return {g.property: g for g in self.description.incoming}

    def linking(self, prop: URIRef) -> list[URIRef]:
        """The first page of the IRIs that link here through ``prop``."""
        group = self.incoming.get(prop)
        return group.subjects if group is not None else []

    def over_names_of(self, nodes: list[URIRef]) -> PageBuilder:
        """A builder that knows the labels and dates of ``nodes`` (read from the store)."""
        return self.builder.over(
            linked_triples(self.context.store, nodes, cache=self.context.linked)
        )


def programme(page: SectionInputs) -> list[tuple[Value, Value | None]]:
    subs = set(page.full.objects(page.iri, SDO.subEvent)) | set(page.linking(SDO.superEvent))
    ranked = sorted(subs, key=lambda s: programme_key(page.full, s, page.builder))
    return [page.builder.dated(s) for s in ranked]


def programme_key(graph: Graph, event: Node, builder: PageBuilder) -> tuple:
    """Sub-events by start (date and time), then rank in the programme
    (``med:orderInProgramme``, or ``schema:position`` in older data); an unranked part
    comes before the ranked ones of the same start."""
    position = graph.value(event, MED.orderInProgramme)
    if position is None:
        position = graph.value(event, SDO.position)
    try:
        number = float(position) if position is not None else 0.0
    except ValueError:
        number = 0.0
    return (str(graph.value(event, SDO.startDate) or "9999"), number, str(builder.label(event)))


def previous_next(page: SectionInputs) -> dict[str, list[Value]] | None:
    previous = [page.builder.value(o) for o in page.full.objects(page.iri, MED.follows)]
    following = [page.builder.value(s) for s in page.linking(MED.follows)]
    return {"previous": previous, "next": following} if previous or following else None


def places_around(page: SectionInputs) -> list[Value]:
    chain = containment(page.context.store, page.iri)
    if not chain:
        return []
    names = page.over_names_of(chain)
    return [names.value(c) for c in chain]


def events_here(page: SectionInputs) -> dict[str, Any] | None:
    events, more = events_of_place(page.context, page.iri)
    if not events:
        return None
    names = page.over_names_of(events)
    return {"events": [names.dated(e) for e in names.sort_values(events)], "more": more}


def events_of_place(context: PageContext, place: URIRef) -> tuple[list[URIRef], bool]:
    """Events held in a place or in the places it contains, newest first (a page of the
    index's events filtered by territory; the store while the index is being built)."""
    size = context.page_size
    if not context.index.trusted:
        return events_in(context.store, place, size)
    found = context.index.list(
        Filters(kind="event", facets=[("territory", str(place))]),
        order="date-desc",
        limit=size,
        count=False,
    )
    return [URIRef(item.iri) for item in found.items], found.next_key is not None


def actor_roles(page: SectionInputs) -> list[dict[str, Any]]:
    iri = page.iri
    roles = roles_played(page.context.store, iri, links=page.context.links)
    builder = page.builder.over(roles)
    rows = []
    for role in sorted(set(roles.subjects(MED.agent, iri)), key=str):
        event = roles.value(role, MED.inEvent)
        role_type = roles.value(role, MED.roleType)
        rows.append(
            {
                "event": builder.value(event) if event is not None else None,
                "role": builder.value(role_type if role_type is not None else role),
                "behalf": [builder.value(o) for o in roles.objects(role, MED.onBehalfOf)],
            }
        )
    return rows


def query_text(page: SectionInputs) -> dict[str, str] | None:
    for prop, form in QUERY_TEXTS:
        text = page.full.value(page.iri, prop)
        if text is not None:
            return {
                "form": form,
                "text": str(text),
                "editor": f"/sparql?query={quote(str(text), safe='')}",
            }
    return None


def graph_contents(page: SectionInputs) -> dict[str, Any]:
    iri = page.iri
    size, capped, as_of = graph_triples(page.context, iri)
    listing = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }} LIMIT 1000"
    return {
        "size": size,
        "capped": capped,
        "as_of": as_of,
        "editor": f"/sparql?query={quote(listing, safe='')}",
    }


def graph_triples(context: PageContext, iri: URIRef) -> tuple[int, bool, datetime | None]:
    """A named graph's size: as the last open-data build counted it (and when it finished),
    else counted now up to :data:`GRAPH_COUNT_CAP` (then whether there are more)."""
    built = context.graph_sizes(iri)
    if built is not None:
        return built[0], False, built[1]
    size, capped = graph_size(context.store, iri, GRAPH_COUNT_CAP)
    return size, capped, None


#: Each section a page kind may name, and what makes it.
SECTIONS: dict[str, Callable[[SectionInputs], Any]] = {
    "programme": programme,
    "previous_next": previous_next,
    "containment": places_around,
    "events_here": events_here,
    "actor_roles": actor_roles,
    "query": query_text,
    "graph": graph_contents,
}


def sections(kind: PageKind, page: SectionInputs) -> dict[str, Any]:
    """The kind's extra sections that have something to show, each computed only when its
    kind shows it."""
    found: dict[str, Any] = {}
    for name in kind.sections:
        make = SECTIONS.get(name)
        if make is not None and (shown := make(page)):
            found[name] = shown
    return found


__all__ = [
    "SECTION_LINKS",
    "GRAPH_COUNT_CAP",
    "SECTIONS",
    "SectionInputs",
    "events_of_place",
    "graph_triples",
    "programme_key",
    "sections",
]
