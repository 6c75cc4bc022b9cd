"""The draft in the making: :class:`Draft`, and :class:`DraftBuilder`, which every part of
the draft writes through.

The builder holds the graph and the record it is made from, mints IRIs under the base,
and writes the forms the curated data uses for every part: texts in the article's
language, a data-quality note where the source contradicts itself, the sentence a fact
was read from (a reified statement with ``prov:value``), and the people and
organisations an article names. It keeps the list of what the reference already knew,
what is new, and what a curator must complete.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from ...namespaces import DQV, MED, OA, PREFIXES, PROV, RDF, SDO, XSD
from ..known import Known, Recognised
from ..reading.names import slugify
from ..reading.record import ARTICLE_LANGUAGE, Extracted, Passage, Sentence
from ..reconcile import Reference


def fragment(node: Node, name: str) -> URIRef:
    """An IRI for a part of ``node``: its fragment ``#name``, or, when ``node`` is itself a
    fragment (a role of an event), ``node`` and ``-name`` (an IRI holds one ``#``)."""
    return URIRef(f"{node}-{name}" if "#" in str(node) else f"{node}#{name}")


@dataclass
class Draft:
    """The draft graph and what a curator must know about it."""

    graph: Graph
    article: URIRef
    extracted: Extracted
    #: (kind, label, IRI) of the resources the reference already knows, and of the new ones
    matched: list[tuple[str, str, URIRef]] = field(default_factory=list)
    minted: list[tuple[str, str, URIRef]] = field(default_factory=list)
    todo: list[tuple[str, str]] = field(default_factory=list)  # (fr, en)
    #: (name, new IRI, candidates): close matches proposed to the curator, not decided
    proposed: list[tuple[str, URIRef, list]] = field(default_factory=list)
    #: (subject, predicate, object) → where the article's text says it, for the review
    evidence: dict[tuple[Node, Node, Node], Passage] = field(default_factory=dict)
    #: (subject, predicate, object) → how sure its reader is, 0 to 1 (else the review's default)
    confidence: dict[tuple[Node, Node, Node], float] = field(default_factory=dict)
    #: events the source names and dates nowhere: their date is to complete, not a fault
    undated: set[URIRef] = field(default_factory=set)

    def found(self, kind: str) -> list[URIRef]:
        """The IRIs of that kind, known or new."""
        return [iri for k, _, iri in self.matched + self.minted if k == kind]

    def to_complete(self, fr: str, en: str) -> None:
        self.todo.append((fr, en))


class DraftBuilder:
    """One draft in the making: its graph, named ``{base}graph/{graph_name}``, and the
    :class:`Draft` that carries it; every part of the draft is added through it."""

    def __init__(
        self,
        found: Extracted,
        reference: Reference,
        base_url: str,
        today: date,
        article: URIRef,
        graph_name: str,
    ):
        self.found = found
        self.ref = reference
        self.known = Known(reference)
        self.base = base_url
        self.today = Literal(today.isoformat(), datatype=XSD.date)
        self.lang = ARTICLE_LANGUAGE
        self.graph = Graph(identifier=URIRef(f"{base_url}graph/{graph_name}"))
        for prefix, namespace in PREFIXES.items():
            self.graph.bind(prefix, namespace)
        for prefix, path in (
            ("actor", "id/actor/"),
            ("article", "id/article/"),
            ("doc", "id/document/"),
            ("post", "id/post/"),
            ("ev", "id/event/"),
            ("place", "id/place/"),
            ("theme", "id/theme/"),
            ("status", "id/curation/"),
        ):
            self.graph.bind(prefix, base_url + path)
        self.draft = Draft(self.graph, article, found)

    def iri(self, path: str) -> URIRef:
        return URIRef(self.base + path)

    def add(self, s: Node, p: Node, o: Node | None) -> None:
        if o is not None:
            self.graph.add((s, p, o))

    def text(self, value: str) -> Literal:
        return Literal(value, lang=self.lang)

    def bilingual(self, s: Node, p: Node, text: tuple[str, str]) -> None:
        """The same text in French and in English."""
        self.add(s, p, Literal(text[0], lang="fr"))
        self.add(s, p, Literal(text[1], lang="en"))

    def record(self, kind: str, label: str, node: URIRef) -> URIRef:
        """Say whether ``node`` is a resource the reference knows or a new one."""
        entry = (kind, label, node)
        known = self.draft.matched if self.ref.exists(node) else self.draft.minted
        if entry not in known:
            known.append(entry)
        return node

    def note(
        self,
        article: URIRef,
        key: str,
        about: Sequence[Node],
        text: tuple[str, str],
        source_value: str,
        retained_value: str,
        evidence: tuple[str, str],
    ) -> URIRef:
        """A data-quality note, in the form of the curated data's."""
        node = fragment(article, f"note-{key}")
        for cls in (MED.DataQualityNote, SDO.Comment, DQV.QualityAnnotation):
            self.add(node, RDF.type, cls)
        for thing in about:
            self.add(node, SDO.about, thing)
        self.bilingual(node, SDO.text, text)
        self.add(node, MED.sourceValue, Literal(source_value))
        self.add(node, MED.retainedValue, Literal(retained_value))
        self.bilingual(node, MED.evidence, evidence)
        self.add(node, SDO.dateCreated, self.today)
        return node

    def evidence(
        self,
        subject: URIRef,
        predicate: URIRef,
        obj: Node,
        sentence: Sentence,
        key: str,
        confidence: float | None = None,
        span: tuple[int, int] | None = None,
    ) -> None:
        """Keep the sentence a fact was read from: a reified statement whose ``prov:value`` is
        the sentence, quoted from the article; with how sure the reading is
        (``med:confidence``) and where the sentence is in the article's text (a Web
        Annotation ``oa:TextPositionSelector``) when the reader says so."""
        node = fragment(subject, f"source-{key}")
        self.weigh(node, confidence, span)
        self.add(node, RDF.type, RDF.Statement)
        self.add(node, RDF.type, PROV.Entity)
        self.add(node, RDF.subject, subject)
        self.add(node, RDF.predicate, predicate)
        self.add(node, RDF.object, obj)
        self.add(node, PROV.value, self.text(sentence.text))
        self.add(node, PROV.wasQuotedFrom, self.draft.article)
        # For the review: the sentence's passage in the text, at its known position first.
        passage = self.found.text.passage(*span) if span is not None else None
        if passage is None or passage.sentence.strip() != sentence.text.strip():
            passage = self.found.text.find(sentence.text) or passage
        self.cite(subject, predicate, obj, passage, confidence)

    def cite(
        self,
        subject: Node,
        predicate: Node,
        obj: Node,
        passage: Passage | None,
        confidence: float | None = None,
    ) -> None:
        """Keep where the article's text says a fact, and how sure its reader is, for the
        person who reviews it (the graph is not changed)."""
        if passage is not None:
            self.draft.evidence[(subject, predicate, obj)] = passage
        if confidence is not None:
            self.draft.confidence[(subject, predicate, obj)] = max(0.0, min(1.0, confidence))

    def weigh(
        self, statement: URIRef, confidence: float | None, span: tuple[int, int] | None
    ) -> None:
        """How sure the reading of an evidence statement is, and where its sentence is."""
        node = statement
        if confidence is not None:
            self.add(node, MED.confidence, Literal(round(confidence, 2), datatype=XSD.decimal))
        if span is not None:
            position = URIRef(f"{node}-position")
            self.add(node, OA.hasSelector, position)
            self.add(position, RDF.type, OA.TextPositionSelector)
            self.add(position, OA.start, Literal(span[0], datatype=XSD.nonNegativeInteger))
            self.add(position, OA.end, Literal(span[1], datatype=XSD.nonNegativeInteger))

    def agent(
        self, profile: str | None, name: str | None, role: str, person: bool = False
    ) -> URIRef | None:
        """The actor behind an account (or named ``name``): a known one, else a new one, a
        person when the reader of names says so (``person``), else an organisation."""
        known = (self.ref.by_account(profile) if profile else None) or (
            self.ref.by_name(name) if name else None
        )
        recognised = self.known.actor(name) if name and known is None else None
        if recognised is not None and recognised.iri is not None:
            known = recognised.iri  # an alternate name, an acronym, a domain
        if known is not None:
            return self.record(role, name or profile or "", known)
        label = name or (last_segment(profile) if profile else None)
        if not label:
            return None
        node = self.iri(f"id/actor/{slugify(label)}")
        if (node, RDF.type, None) not in self.graph:
            # A person or an organisation? The reader of names says when it can; the
            # curator checks either way.
            self.add(node, RDF.type, SDO.Person if person else SDO.Organization)
            self.add(node, SDO.name, Literal(label))
            if profile:
                self.add(node, SDO.sameAs, URIRef(profile))
            self.record(role, label, node)
            self.draft.to_complete(
                f"« {label} » n'est pas un acteur connu : personne ou organisation, nom exact, à vérifier ({node}).",
                f"“{label}” is not a known actor: person or organisation, exact name, to check ({node}).",
            )
            if recognised is not None:
                self.propose(recognised, node)
        return node

    def propose(self, recognised: Recognised, minted: URIRef) -> None:
        """A name close to known resources, not decided: the candidates, with their score,
        for the curator to choose (or keep the new one)."""
        if not recognised.candidates:
            return
        listed = " ; ".join(
            f"<{c.iri}> ({c.label}, {c.score:.2f})" for c in recognised.candidates[:3]
        )
        self.draft.proposed.append((recognised.name, minted, recognised.candidates))
        self.draft.to_complete(
            f"« {recognised.name} » ressemble à une ressource connue : {listed}. À choisir, ou garder <{minted}>.",
            f"“{recognised.name}” resembles a known resource: {listed}. Choose one, or keep <{minted}>.",
        )


def last_segment(address: str) -> str:
    """The last segment of an address, a final slash aside: what an actor or a page is called by."""
    return address.rstrip("/").rsplit("/", 1)[-1]


def date_literal(value: datetime | date) -> Literal:
    if isinstance(value, datetime):
        return Literal(value.isoformat(), datatype=XSD.dateTime)
    return Literal(value.isoformat(), datatype=XSD.date)
