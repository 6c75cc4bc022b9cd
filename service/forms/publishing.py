"""What publishing a submission changes in the store: the named graph it goes into and the
differences with what is published there, for the moderator to read and for the write.

A form's resources go into one named graph per kind, ``{base}graph/publish-{kind}``
(``publish-event``, ``publish-place``…): the graphs of the project's files stay what the
files say, and the graph tells what came through the forms. A submission replaces, in that
graph, the triples of the documents it describes (the resource, its parts, the sub-events
it mints): a new resource adds all of its triples; an edit removes and adds what differs.
Nothing here writes: the web layer hands :func:`changes_for` to the publisher.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rdflib import Graph, URIRef
from rdflib.term import Node

from ..namespaces import PREFIXES, document_of
from ..store import Changeset, Store
from ..writes import ChangeLog, Entry
from .kinds import Kind
from .submit import Submission

Triple = tuple[Node, Node, Node]


def publish_graph(kind: Kind, base_url: str) -> URIRef:
    return URIRef(f"{base_url}graph/publish-{kind.name}")


def documents(submission: Submission) -> set[URIRef]:
    """The documents the submission describes (hash IRIs belong to theirs)."""
    return {document_of(s) for s in submission.graph.subjects() if isinstance(s, URIRef)}


def changes_for(store: Store, submission: Submission, base_url: str) -> Changeset:
    """The change that makes the form's graph hold exactly the submission for its documents."""
    graph = publish_graph(submission.kind, base_url)
    owned = documents(submission)
    before = {
        q[:3]
        for q in store.quads(graph=graph)
        if isinstance(q[0], URIRef) and document_of(q[0]) in owned
    }
    after = set(submission.graph)
    return Changeset(
        remove=[(*t, graph) for t in sorted(before - after, key=_order)],
        add=[(*t, graph) for t in sorted(after - before, key=_order)],
    )


def removal(store: Store, kind: Kind, turtle: str, base_url: str) -> Changeset:
    """What withdrawing a published resource removes: every triple, in its kind's graph, of
    the documents ``turtle`` (what was published) describes."""
    graph = publish_graph(kind, base_url)
    published = Graph().parse(data=turtle, format="turtle")
    owned = {document_of(s) for s in published.subjects() if isinstance(s, URIRef)}
    return Changeset(
        remove=[
            q
            for q in store.quads(graph=graph)
            if isinstance(q[0], URIRef) and document_of(q[0]) in owned
        ]
    )


@dataclass(frozen=True)
class Difference:
    """What publishing would change, as the moderator reads it."""

    new: bool  # nothing of the resource is published yet
    added: str  # Turtle
    removed: str  # Turtle

    @property
    def empty(self) -> bool:
        return not self.added and not self.removed


def difference(store: Store, submission: Submission, base_url: str) -> Difference:
    changes = changes_for(store, submission, base_url)
    new = not store.ask("ASK { ?x ?p ?o }", {"x": submission.iri})
    return Difference(new, _turtle(changes.add), _turtle(changes.remove))


#: Most changes since a draft began that the moderator is shown.
MAX_CHANGES_SHOWN = 20


def changed_since(changelog: ChangeLog, edits: str | None, began: str) -> list[Entry]:
    """The writes that changed the published resource ``edits`` after a draft of it began
    (``began``: when the draft was made from what was published then), newest first; none
    for a draft of a new resource. Publishing such a draft would silently undo them, so it
    is refused until its author starts again from what is published."""
    if not edits:
        return []
    start = datetime.fromisoformat(began)
    entries, _ = changelog.for_resource(URIRef(edits), MAX_CHANGES_SHOWN)
    return [e for e in entries if e.ended > start]


def _turtle(quads: list) -> str:
    if not quads:
        return ""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    for s, p, o, _ in quads:
        graph.add((s, p, o))
    return graph.serialize(format="turtle")


def _order(triple: Triple) -> tuple[str, ...]:
    return tuple(str(t) for t in triple)
