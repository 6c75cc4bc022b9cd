"""The history of writes: one PROV-O record per accepted write, tombstones, and queries over them.

Every write the service accepts (SPARQL Update, Graph Store Protocol, ``mediation load``)
leaves a record in the named graph ``{base}graph/history``, in the same journaled
changeset as the write itself, so that a write and its record land together or not at
all. A record is built from vocabularies every client knows:

* the write is a ``prov:Activity`` (and an ``as:Activity``) ``{base}id/change/{uuid}``
  with a label in French and English, ``prov:startedAtTime`` / ``prov:endedAtTime``
  (``xsd:dateTime``, UTC), ``prov:wasAssociatedWith`` the agent who wrote (named after
  the write token's name, never the token: ``{base}id/agent/{name}``, a ``prov:Agent``
  with a ``foaf:name``), ``as:target`` the graphs it changed, and ``prov:influenced``
  every resource whose own description it changed;
* what it added and removed are two entities, ``{change}#added`` (``prov:generated``)
  and ``{change}#removed`` (``prov:invalidated``), each with ``void:triples`` (the
  number of quads) and ``rdf:value`` the quads themselves as N-Quads, up to
  :data:`QUAD_CAP` of them; beyond, the literal holds the first ones and an
  ``rdfs:comment`` says it was cut (compare ``void:triples`` with the lines);
* for each resource touched, an Activity Streams 2.0 activity ``{change}#r{n}``:
  ``as:Create`` (it did not exist), ``as:Update`` or ``as:Delete`` (its last triple
  went), with ``as:object`` the resource, ``as:actor``, ``as:published`` (the end of the
  write) and ``dct:isPartOf`` the change. The catalog's change feed pages over these;
* a deleted resource also gets a tombstone, ``{change}#gone-{n}`` (``as:Tombstone``,
  ``as:formerType`` its types, ``as:name`` its labels, ``as:deleted``), the
  ``as:result`` of its ``as:Delete``; the change ``prov:invalidated`` the resource. While
  the resource has no triple outside the history, its IRI answers ``410 Gone``;
* ``med:generation``: the number the store's write counter took with the write (it
  orders the writes of one store, and lets the change log find a write it missed).

The history graph is the record; what pages and feeds read of it comes from the change
log kept beside the store (:mod:`.changelog`), one row per resource a write
touched, appended with every write and rebuilt from this graph, so that every read is
an indexed lookup however long the history grows.

A resource is a document: a hash IRI (``…/event/x#role-1``) belongs to its document
(``…/event/x``), a blank node to the resource that holds it.

No Flask here. The queries are ours, bounded (``LIMIT``, keyed paging, indexed lookups).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, VOID, XSD
from rdflib.term import BNode, Node

from ..labels import LABEL_PROPERTIES
from ..namespaces import AS, MED, PREFIXES, document_of
from ..store import Changeset, Quad, Store, quad_to_oxigraph

if TYPE_CHECKING:  # the change log reads records of this module
    from .changelog import ChangeLog

HISTORY_NAME = "history"
#: Quads of each side (added, removed) kept verbatim in a record; the counts are always exact.
QUAD_CAP = 1000
#: Most tombstone labels and former types kept per resource.
FORMER_CAP = 20

ACTIONS = {"create": AS.Create, "update": AS.Update, "delete": AS.Delete}
#: The properties by which a record links to the resources it touched: a page shows these
#: incoming links as its history rather than as links.
HISTORY_LINKS = frozenset({PROV.influenced, PROV.invalidated, AS.object})
ACTION_OF = {value: key for key, value in ACTIONS.items()}
ACTION_LABELS = {
    "create": {"fr": "Création", "en": "Created"},
    "update": {"fr": "Modification", "en": "Updated"},
    "delete": {"fr": "Suppression", "en": "Deleted"},
}


def history_graph(base_url: str) -> URIRef:
    return URIRef(f"{base_url}graph/{HISTORY_NAME}")


def agent_iri(base_url: str, name: str) -> URIRef:
    return URIRef(f"{base_url}id/agent/{quote(name, safe='')}")


def change_iri(base_url: str, identifier: str | None = None) -> URIRef:
    return URIRef(f"{base_url}id/change/{identifier or uuid.uuid4()}")


def now() -> datetime:
    return datetime.now(UTC)


def _datetime(moment: datetime) -> Literal:
    text = moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return Literal(text, datatype=XSD.dateTime, normalize=False)


# ---------------------------------------------------------------------------------------------
# Building a record
# ---------------------------------------------------------------------------------------------


@dataclass
class Touched:
    """A resource whose own description a write changed."""

    iri: URIRef
    action: str  # create, update, delete
    former_types: list[URIRef] = field(default_factory=list)
    former_labels: list[Literal] = field(default_factory=list)


@dataclass
class Record:
    """One accepted write, before it is turned into quads."""

    iri: URIRef
    agent: str
    operation: str  # what people read: "SPARQL Update", "Graph Store PUT", "mediation load"
    started: datetime
    ended: datetime
    graphs: list[URIRef | None]
    added: int
    removed: int
    touched: list[Touched]
    #: The store generation the write makes (``med:generation``); None: not known.
    generation: int | None = None
    #: Who wrote what was added, when another published it (a draft's publisher, whose
    #: moderator is ``agent``): ``prov:wasAttributedTo`` of what the write added.
    author: str | None = None
    #: Why the resources it deletes went (a withdrawal's reason): the tombstones' ``as:summary``.
    reason: str | None = None


def classify(
    store: Store, changes: Changeset, base_url: str, owners: dict[Node, set[URIRef]] | None = None
) -> list[Touched]:
    """The resources (documents) whose own triples ``changes`` alters, and how.

    ``owners`` maps the blank nodes of the change to the IRIs that hold them (found by the
    validation, which walks the same neighbourhood); a blank node without a known owner
    is not a resource of its own and is left out.
    """
    history = history_graph(base_url)
    owners = owners or {}
    documents: dict[URIRef, None] = {}
    for subject in [q[0] for q in changes.remove] + [q[0] for q in changes.add]:
        if isinstance(subject, URIRef):
            documents.setdefault(document_of(subject), None)
        elif isinstance(subject, BNode):
            for owner in sorted(owners.get(subject, ()), key=str):
                documents.setdefault(document_of(owner), None)
    removed_by: dict[Node, set[Quad]] = {}
    for quad in changes.remove:
        removed_by.setdefault(quad[0], set()).add(quad)
    added_subjects = {q[0] for q in changes.add if q[3] != history}
    touched = []
    for document in documents:
        before = [q for q in store.quads(subject=document) if q[3] != history]
        gone = removed_by.get(document, set())
        existed = bool(before)
        exists = document in added_subjects or any(q not in gone for q in before)
        if existed and not exists:
            former = [q for q in before if q in gone]
            types = sorted(
                {q[2] for q in former if q[1] == RDF.type and isinstance(q[2], URIRef)}, key=str
            )[:FORMER_CAP]
            labels = sorted(
                {q[2] for q in former if q[1] in LABEL_PROPERTIES and isinstance(q[2], Literal)},
                key=lambda label: (label.language or "", str(label)),
            )
            touched.append(Touched(document, "delete", types, labels[:FORMER_CAP]))
        elif exists and not existed:
            touched.append(Touched(document, "create"))
        else:
            touched.append(Touched(document, "update"))
    return touched


def _nquads(quads: list[Quad]) -> str:
    """The first :data:`QUAD_CAP` quads as N-Quads. Blank nodes get labels of their own (a
    remote server's identifiers, such as Virtuoso's ``nodeID://b10000``, are no valid
    labels), one per blank node within the record."""
    labels: dict[BNode, BNode] = {}

    def label(term: Node) -> Node:
        if isinstance(term, BNode):
            return labels.setdefault(term, BNode(f"b{len(labels)}"))
        return term

    lines = [f"{quad_to_oxigraph(tuple(label(t) for t in q))} .\n" for q in quads[:QUAD_CAP]]
    return "".join(lines)


def record_labels(record: Record) -> dict[str, str]:
    """The change's label by language (``rdfs:label``)."""
    shown = record.ended.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    fr_author = f" (proposé par {record.author})" if record.author else ""
    en_author = f" (proposed by {record.author})" if record.author else ""
    return {
        "fr": f"{record.operation}{fr_author} par {record.agent}, le {shown}",
        "en": f"{record.operation}{en_author} by {record.agent}, {shown}",
    }


def record_quads(record: Record, changes: Changeset, base_url: str) -> list[Quad]:
    """The quads of the history graph that record ``record`` (``changes`` is the write, or,
    for a big load, its first :data:`QUAD_CAP` quads: the counts are the record's)."""
    return list(iter_record_quads(record, changes, base_url))


def iter_record_quads(record: Record, changes: Changeset, base_url: str) -> Iterator[Quad]:
    """:func:`record_quads` one at a time (a load's record names every resource it touched:
    hundreds of thousands of quads for a big one)."""
    yield from record_head(record, changes, base_url)
    yield from iter_touched_quads(record, base_url)


def record_head(record: Record, changes: Changeset, base_url: str) -> list[Quad]:
    """The quads of a record but for the resources it touched: the change, its agents and
    what it added and removed (a few dozen)."""
    graph = history_graph(base_url)
    change = record.iri
    agent = agent_iri(base_url, record.agent)
    ended = _datetime(record.ended)
    triples: list[tuple[Node, Node, Node]] = [
        (agent, RDF.type, PROV.Agent),
        (agent, FOAF.name, Literal(record.agent)),
        (change, RDF.type, PROV.Activity),
        (change, RDF.type, AS.Activity),
        *[
            (change, RDFS.label, Literal(text, lang=lang))
            for lang, text in record_labels(record).items()
        ],
        (change, PROV.startedAtTime, _datetime(record.started)),
        (change, PROV.endedAtTime, ended),
        (change, PROV.wasAssociatedWith, agent),
    ]
    if record.generation is not None:
        triples.append((change, MED.generation, Literal(record.generation)))
    if record.author:
        author = agent_iri(base_url, record.author)
        triples += [
            (author, RDF.type, PROV.Agent),
            (author, FOAF.name, Literal(record.author)),
            (URIRef(f"{change}#added"), PROV.wasAttributedTo, author),
        ]
    for name in record.graphs:
        if name is not None:
            triples.append((change, AS.target, name))
    for side, quads, count, link in (
        ("added", changes.add, record.added, PROV.generated),
        ("removed", changes.remove, record.removed, PROV.invalidated),
    ):
        node = URIRef(f"{change}#{side}")
        triples += [
            (change, link, node),
            (node, RDF.type, PROV.Entity),
            (node, VOID.triples, Literal(count, datatype=XSD.nonNegativeInteger)),
            (node, RDF.value, Literal(_nquads(quads))),
            (node, DCTERMS["format"], URIRef("http://www.w3.org/ns/formats/N-Quads")),
        ]
        if count > QUAD_CAP:
            triples += [
                (
                    node,
                    RDFS.comment,
                    Literal(f"Tronqué : les {QUAD_CAP} premiers des {count} quads.", lang="fr"),
                ),
                (
                    node,
                    RDFS.comment,
                    Literal(f"Truncated: the first {QUAD_CAP} of {count} quads.", lang="en"),
                ),
            ]
    return [(s, p, o, graph) for s, p, o in triples]


def iter_touched_quads(record: Record, base_url: str) -> Iterator[Quad]:
    """The quads of a record that name the resources it touched, one activity each, all
    about the change's IRI or its fragments (``{change}#r{n}``, ``{change}#gone-{n}``)."""
    graph = history_graph(base_url)
    change = record.iri
    agent = agent_iri(base_url, record.agent)
    ended = _datetime(record.ended)
    for number, touched in enumerate(record.touched, start=1):
        item = URIRef(f"{change}#r{number}")
        triples = [
            (change, PROV.influenced, touched.iri),
            (item, RDF.type, ACTIONS[touched.action]),
            (item, AS.object, touched.iri),
            (item, AS.actor, agent),
            (item, AS.published, ended),
            (item, DCTERMS.isPartOf, change),
        ]
        if touched.action == "delete":
            gone = URIRef(f"{change}#gone-{number}")
            triples += [
                (change, PROV.invalidated, touched.iri),
                (item, AS.result, gone),
                (gone, RDF.type, AS.Tombstone),
                (gone, AS.deleted, ended),
            ]
            triples += [(gone, AS.formerType, kind) for kind in touched.former_types]
            triples += [(gone, AS.name, label) for label in touched.former_labels]
            if record.reason:
                triples.append((gone, AS.summary, Literal(record.reason)))
        yield from ((s, p, o, graph) for s, p, o in triples)


# ---------------------------------------------------------------------------------------------
# Reading: the changes that touched a resource, tombstones, the feed of changes
# ---------------------------------------------------------------------------------------------

_PREFIXES = "\n".join(
    f"PREFIX {p}: <{PREFIXES[p]}>" for p in ("prov", "rdfs", "xsd", "dct", "foaf")
)
_PREFIXES += f"\nPREFIX as: <{AS}>\nPREFIX void: <{VOID}>\n"


@dataclass(frozen=True)
class Entry:
    """One change, as the history section of a page and the change feed show it."""

    change: URIRef
    item: URIRef
    resource: URIRef
    action: str  # create, update, delete
    ended: datetime
    agent: str
    labels: dict[str, str]  # language → label of the change
    added: int
    removed: int

    @property
    def key(self) -> str:
        """The paging key: the time, then the item's IRI (both sort newest first)."""
        return f"{self.ended.isoformat()}|{self.item}"


def _to_datetime(value: Node) -> datetime:
    python = value.toPython() if isinstance(value, Literal) else None
    if isinstance(python, datetime):
        return python if python.tzinfo else python.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def parse_key(key: str | None) -> tuple[datetime, str] | None:
    """A paging key's time (UTC) and item IRI (:attr:`Entry.key`); None when it is not one."""
    moment, bar, item = (key or "").partition("|")
    if not bar or not item:
        return None
    try:
        parsed = datetime.fromisoformat(moment.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC), item


def last_changes(store: Store, base_url: str) -> dict[URIRef, datetime]:
    """When each resource the history knows was last changed by a write: one aggregate over
    the history graph, for the open-data build (whole-store work, on a snapshot that has no
    change log), which dates the sitemap and the feeds with it."""
    graph = history_graph(base_url)
    rows = store.select(
        f"""{_PREFIXES}
        SELECT ?resource (MAX(?ended) AS ?last) WHERE {{
          GRAPH {graph.n3()} {{ ?item as:object ?resource ; as:published ?ended }}
        }} GROUP BY ?resource"""
    )
    return {
        row["resource"]: _to_datetime(row["last"])
        for row in rows
        if isinstance(row.get("resource"), URIRef) and "last" in row
    }


@dataclass(frozen=True)
class Tombstone:
    """What a deleted resource was, and when it went."""

    resource: URIRef
    change: URIRef
    node: URIRef
    deleted: datetime
    agent: str
    types: list[URIRef]
    labels: list[Literal]
    reason: str | None = None  # why it went, when the write said so (a withdrawal)

    def label(self, lang: str = "fr") -> str:
        for wanted in (lang, "fr", "en", ""):
            for label in self.labels:
                if (label.language or "") == wanted:
                    return str(label)
        return str(self.labels[0]) if self.labels else str(self.resource)

    def graph(self) -> Graph:
        """The tombstone as RDF: what a client asking for Turtle or JSON-LD gets with the 410."""
        graph = Graph()
        for prefix in ("prov", "rdfs", "xsd", "dct", "foaf"):
            graph.bind(prefix, PREFIXES[prefix])
        graph.bind("as", str(AS))
        graph.add((self.node, RDF.type, AS.Tombstone))
        graph.add((self.node, AS.deleted, _datetime(self.deleted)))
        graph.add((self.node, PROV.wasInvalidatedBy, self.change))
        graph.add((self.node, DCTERMS.isVersionOf, self.resource))
        for kind in self.types:
            graph.add((self.node, AS.formerType, kind))
        for label in self.labels:
            graph.add((self.node, AS.name, label))
        if self.reason:
            graph.add((self.node, AS.summary, Literal(self.reason)))
        graph.add((self.change, PROV.invalidated, self.resource))
        graph.add((self.change, PROV.endedAtTime, _datetime(self.deleted)))
        return graph


def alive(store: Store, resource: URIRef, base_url: str) -> bool:
    """True when the resource has a triple of its own outside the history."""
    history = history_graph(base_url)
    return any(quad[3] != history for quad in store.quads(subject=resource))


def tombstone(
    store: Store, changelog: ChangeLog, resource: URIRef, base_url: str
) -> Tombstone | None:
    """The tombstone of ``resource`` when it was deleted by a write and is still gone: its
    last deletion, from the change log, and what the history says it was."""
    resource = document_of(resource)
    if alive(store, resource, base_url):
        return None
    deletion = changelog.last_deletion(resource)
    if deletion is None:
        return None
    graph = history_graph(base_url)
    rows = store.select(
        f"""{_PREFIXES}
        SELECT ?gone ?type ?label ?reason WHERE {{
          GRAPH {graph.n3()} {{
            {deletion.item.n3()} as:result ?gone .
            OPTIONAL {{ ?gone as:formerType ?type }}
            OPTIONAL {{ ?gone as:name ?label }}
            OPTIONAL {{ ?gone as:summary ?reason }}
          }}
        }} LIMIT {4 * FORMER_CAP * FORMER_CAP}"""
    )
    if not rows:
        return None
    types = sorted({row["type"] for row in rows if "type" in row}, key=str)
    labels = sorted(
        {row["label"] for row in rows if "label" in row},
        key=lambda label: (label.language or "", str(label)),
    )
    reason = next((str(row["reason"]) for row in rows if "reason" in row), None)
    return Tombstone(
        resource,
        deletion.change,
        rows[0]["gone"],
        deletion.ended,
        deletion.agent,
        types,
        labels,
        reason,
    )


def quads_of_record(text: str) -> list[Quad]:
    """The quads an ``rdf:value`` of a record holds (N-Quads), as rdflib terms."""
    from ..store import quad_to_rdflib

    return [
        quad_to_rdflib(q)
        for q in ox.parse(text.encode("utf-8"), ox.RdfFormat.N_QUADS, rename_blank_nodes=False)
    ]


__all__ = [
    "ACTIONS",
    "ACTION_LABELS",
    "Entry",
    "HISTORY_LINKS",
    "QUAD_CAP",
    "Record",
    "Tombstone",
    "Touched",
    "agent_iri",
    "alive",
    "change_iri",
    "classify",
    "history_graph",
    "last_changes",
    "now",
    "parse_key",
    "quads_of_record",
    "record_labels",
    "iter_record_quads",
    "iter_touched_quads",
    "record_head",
    "record_quads",
    "tombstone",
]
