"""Reading from the store what rows are made of, in bounded batches.

A row needs more than its resource's own triples: the triples of its parts (hash IRIs),
the ancestors of the places and themes it links to, the names of everything it links to,
and whether the event it is within is a series. :class:`Gatherer` reads each of these for
a batch of resources at once (``VALUES`` of at most ``batch`` IRIs), keeping ancestors
and names for the whole build or update, since the same places and themes recur in
thousands of rows; :mod:`.rows` then makes each row from what it read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from rdflib import BNode, URIRef

from ..labels import LABEL_PROPERTIES
from ..namespaces import SDO
from .kinds import list_kind_of
from .rows import (
    ANCESTOR_PATH,
    HIERARCHY_OF_KIND,
    LABEL_RANK,
    LINK_SET,
    PART_OF_LINKS,
    RDF_TYPE,
    TERRITORY_SET,
    THEME_SET,
    Pairs,
    Row,
    RowMaker,
    add_parts,
    contained,
    lang_of,
    ranked,
)


def values_of(iris: Iterable[str], batch: int) -> Iterator[str]:
    """``iris`` in batches of ``batch``, each written as the body of a SPARQL ``VALUES``."""
    iris = list(iris)
    for start in range(0, len(iris), batch):
        yield " ".join(URIRef(i).n3() for i in iris[start : start + batch])


class Gatherer:
    """Reads from the store what rows are made of, in bounded batches, with caches that live
    for one build or one update."""

    def __init__(self, store, base: str, batch: int = 400) -> None:
        self.store = store
        self.base = base
        self.batch = batch
        self._ancestors: dict[str, set[str]] = {}
        self._labels: dict[str, Pairs] = {}

    # -- store reads ---------------------------------------------------------------------------

    def _select(self, iris: Sequence[str], query: str) -> Iterator[Mapping[str, Any]]:
        """The solutions of ``query`` for every batch of ``iris``, whose ``VALUES`` body
        stands in it for ``{values}``."""
        for values in values_of(iris, self.batch):
            yield from self.store.select(query.replace("{values}", values))

    def _triples(self, iris: Sequence[str]) -> dict[str, list[tuple[URIRef, Any, list]]]:
        """Every triple of each IRI, with the triples of blank-node objects one level down."""
        found: dict[str, list[tuple[URIRef, Any, list]]] = {i: [] for i in iris}
        blanks: dict[Any, list] = {}
        for row in self._select(iris, "SELECT ?s ?p ?o WHERE { VALUES ?s { {values} } ?s ?p ?o }"):
            obj = row["o"]
            nested: list = []
            if isinstance(obj, BNode):
                nested = blanks.setdefault(obj, [])
            found[str(row["s"])].append((row["p"], obj, nested))
        if blanks:
            # A blank node cannot be named in a query: reach it again from its subject.
            holders = sorted({s for s, rows in found.items() for _, o, _ in rows if o in blanks})
            for row in self._select(
                holders,
                "SELECT ?b ?p ?o WHERE { VALUES ?s { {values} } "
                "?s ?q ?b . FILTER(isBlank(?b)) ?b ?p ?o }",
            ):
                if row["b"] in blanks:
                    blanks[row["b"]].append((row["p"], row["o"]))
        return found

    def _parts(self, iris: Sequence[str], triples: Mapping[str, list]) -> dict[str, set[str]]:
        """The hash-IRI parts of each resource: linked from it, or linking to it as part of it."""
        parts: dict[str, set[str]] = {i: set() for i in iris}
        for iri in iris:
            for _, obj, _ in triples.get(iri, ()):
                if isinstance(obj, URIRef) and str(obj).startswith(iri + "#"):
                    parts[iri].add(str(obj))
        links = " ".join(p.n3() for p in PART_OF_LINKS)
        for row in self._select(
            iris,
            "SELECT DISTINCT ?r ?s WHERE { VALUES ?r { {values} } "
            "VALUES ?p { " + links + " } ?s ?p ?r }",
        ):
            part, owner = str(row["s"]), str(row["r"])
            if part.startswith(owner + "#"):
                parts[owner].add(part)
        return parts

    def ancestors(self, iris: Iterable[str]) -> dict[str, set[str]]:
        """Containing places and broader themes of each IRI, all the way up (cached)."""
        wanted = sorted({i for i in iris if i not in self._ancestors})
        for i in wanted:
            self._ancestors[i] = set()
        for row in self._select(
            wanted,
            "SELECT DISTINCT ?x ?a WHERE { VALUES ?x { {values} } "
            f"?x {ANCESTOR_PATH} ?a . FILTER(isIRI(?a)) }}",
        ):
            if str(row["a"]) != str(row["x"]):
                self._ancestors[str(row["x"])].add(str(row["a"]))
        return {i: self._ancestors[i] for i in iris}

    def events_not_series(self, iris: Iterable[str]) -> set[str]:
        """Those of ``iris`` the store describes (they have a type) that are not event series."""
        typed: dict[str, set[str]] = {}
        for row in self._select(
            sorted(set(iris)), "SELECT ?s ?t WHERE { VALUES ?s { {values} } ?s a ?t }"
        ):
            typed.setdefault(str(row["s"]), set()).add(str(row["t"]))
        return {i for i, types in typed.items() if str(SDO.EventSeries) not in types}

    def labels(self, iris: Iterable[str]) -> dict[str, Pairs]:
        """Every label of each IRI, as (language, text), in the order of LABEL_PROPERTIES (cached)."""
        wanted = sorted({i for i in iris if i not in self._labels})
        for i in wanted:
            self._labels[i] = []
        # One VALUES and a FILTER: two VALUES blocks made Oxigraph 25 times slower here.
        predicates = ", ".join(p.n3() for p in LABEL_PROPERTIES if p != SDO.text)
        found: dict[str, list[tuple[int, str, str]]] = {}
        for row in self._select(
            wanted,
            "SELECT ?s ?p ?o WHERE { VALUES ?s { {values} } "
            "?s ?p ?o . FILTER(?p IN (" + predicates + ") && isLiteral(?o)) }",
        ):
            rank = LABEL_RANK[row["p"]]
            found.setdefault(str(row["s"]), []).append((rank, lang_of(row["o"]), str(row["o"])))
        for iri, values in found.items():
            self._labels[iri] = ranked(values)
        return {i: self._labels[i] for i in iris}

    # -- rows ----------------------------------------------------------------------------------

    def rows(self, iris: Sequence[str]) -> dict[str, Row | None]:
        """The row of each IRI (None when the store no longer describes it)."""
        result: dict[str, Row | None] = {}
        for start in range(0, len(iris), self.batch):
            chunk = list(iris[start : start + self.batch])
            result.update(self._rows(chunk))
        return result

    def _rows(self, iris: list[str]) -> dict[str, Row | None]:
        own = self._triples(iris)
        parts = self._parts(iris, own)
        all_parts = sorted(set().union(*parts.values())) if parts else []
        part_triples = self._triples(all_parts) if all_parts else {}

        # Link targets of each resource, and the IRIs whose ancestors we need.
        targets: dict[str, dict[URIRef, list]] = {}
        up: set[str] = set()
        for iri in iris:
            links: dict[URIRef, list] = {}
            for predicate, obj, nested in own[iri]:
                if predicate in LINK_SET:
                    links.setdefault(predicate, []).append((obj, nested))
                    if isinstance(obj, URIRef) and (
                        predicate in TERRITORY_SET or predicate in THEME_SET
                    ):
                        up.add(str(obj))
                    up.update(contained(nested))  # a blank-node place inside a territory
            targets[iri] = links
            if list_kind_of(iri, self.base) in HIERARCHY_OF_KIND:
                up.add(iri)
        ancestors = self.ancestors(up)
        # Names of their types, of what they link to (and of the places inline places are
        # in), and of the ancestors of those.
        named: set[str] = set().union(*ancestors.values())
        named.update(str(o) for iri in iris for p, o, _ in own[iri] if p == RDF_TYPE)
        for links in targets.values():
            for values in links.values():
                for obj, nested in values:
                    if isinstance(obj, URIRef):
                        named.add(str(obj))
                    named.update(contained(nested))
        names = self.labels(named)
        # A session is an event held within another event that is not a series.
        within = {
            str(o)
            for links in targets.values()
            for o, _ in links.get(SDO.superEvent, ())
            if isinstance(o, URIRef)
        }
        events = self.events_not_series(within)

        maker = RowMaker(self.base, ancestors, names)
        rows: dict[str, Row | None] = {}
        for iri in iris:
            kind = list_kind_of(iri, self.base)
            if not own[iri] or kind is None:
                rows[iri] = None
                continue
            row = Row(iri, kind)
            maker.fill(row, own[iri], targets[iri])
            row.top = not row.facets.get("superevent", set()) & events
            add_parts(row, parts.get(iri, ()), part_triples)
            rows[iri] = row
        return rows
