"""An ingested draft as a person reviews it: its facts, each with its evidence and a
confidence, to accept, correct or drop; and the graph of what the person kept.

Nothing from an article is published without a person's review: the moderation screen
shows :func:`review_record`'s facts (kept with the draft in the accounts' file, never in
the store), records a decision for each (:func:`decide`), and publishes only
:func:`reviewed_graph`, once no fact is left undecided. What the source did not say (its
address, its publication date, its title) is a fact with no value, to complete.

A fact's confidence is the reader's (``Draft.confidence``, set by whoever read it), else
one of :data:`DEFAULT_CONFIDENCE`: what the page's metadata or fields state, what a sentence says
as a rule read it, what was matched with a resource the project knows, what is new.
"""

from __future__ import annotations

from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node
from rdflib.util import from_n3

from ..namespaces import MED, PREFIXES, RDF, SDO, XSD, is_absolute_iri
from .draft.builder import Draft
from .reading.record import Passage

#: How sure the reading is, by where a fact comes from (a reader may say better).
DEFAULT_CONFIDENCE = {"page": 0.9, "known": 0.9, "sentence": 0.7, "new": 0.5, "missing": 0.0}
#: What a person decides of a fact.
DECISIONS = ("pending", "accept", "correct", "drop")
#: The article's facts a source may not state, with the datatype of their value.
REQUIRED = {SDO.url: None, SDO.datePublished: XSD.date, SDO.headline: "lang"}

FactRecord = dict[str, Any]


def review_record(draft: Draft, source_name: str) -> FactRecord:
    """What the moderation screen keeps of an ingested draft: its facts, what to complete,
    what could not be read, where it came from."""
    facts: list[FactRecord] = []
    known = {iri for _, _, iri in draft.matched}
    graph = named_nodes(draft.graph)
    for s, p, o in sorted(graph, key=lambda t: (str(t[0]), str(t[1]), str(t[2]))):
        if not _is_fact(draft, s):
            continue
        passage = draft.evidence.get((s, p, o))
        origin = "sentence" if passage else "known" if o in known else "page"
        if isinstance(s, URIRef) and s != draft.article and s not in known and p == RDF.type:
            origin = "new"
        facts.append(
            {
                "id": f"f{len(facts) + 1}",
                "subject": str(s),
                "predicate": str(p),
                "object": o.n3(),
                "evidence": _evidence(passage),
                "confidence": draft.confidence.get((s, p, o), DEFAULT_CONFIDENCE[origin]),
                "decision": "pending",
                "correction": "",
            }
        )
    for predicate in REQUIRED:
        if draft.graph.value(draft.article, predicate) is None:
            facts.append(
                {
                    "id": f"f{len(facts) + 1}",
                    "subject": str(draft.article),
                    "predicate": str(predicate),
                    "object": None,
                    "evidence": None,
                    "confidence": DEFAULT_CONFIDENCE["missing"],
                    "decision": "pending",
                    "correction": "",
                }
            )
    return {
        "source": source_name,
        "source_kind": draft.extracted.kind,
        "article": str(draft.article),
        "graph": str(draft.graph.identifier),
        "text": draft.extracted.text.plain,
        "facts": facts,
        "todo": [list(item) for item in draft.todo],
        "problems": [[p.message("fr"), p.message("en")] for p in draft.extracted.problems],
        "support": graph.serialize(format="turtle"),
    }


def named_nodes(graph: Graph) -> Graph:
    """The graph with each blank node named in the document of the resource that points at
    it (``{subject}#{property}-{n}``): a fact about an address can then be decided alone,
    and kept with the record as text."""
    names: dict[BNode, URIRef] = {}
    for s, p, o in sorted(graph, key=lambda t: (str(t[0]), str(t[1]))):
        if isinstance(o, BNode) and o not in names and isinstance(s, URIRef):
            stem = str(s).split("#", 1)[0]
            names[o] = URIRef(f"{stem}#{str(p).rstrip('/').rsplit('/', 1)[-1]}-{len(names) + 1}")
    named = Graph(identifier=graph.identifier, bind_namespaces="none")
    for prefix, namespace in graph.namespaces():
        named.bind(prefix, namespace)
    for triple in graph:
        named.add(tuple(names.get(t, t) if isinstance(t, BNode) else t for t in triple))  # type: ignore[arg-type]
    return named


def _is_fact(draft: Draft, subject: Node) -> bool:
    """A triple a person decides on: not the draft's provenance, not a sentence kept as
    evidence, not a data-quality note (those follow the facts they are about)."""
    if subject == draft.graph.identifier or not isinstance(subject, URIRef):
        return False
    kinds = set(draft.graph.objects(subject, RDF.type))
    if subject.startswith(f"{draft.article}#source-") or "#source-" in subject:
        return False
    return not kinds & {RDF.Statement, MED.DataQualityNote}


def _evidence(passage: Passage | None) -> FactRecord | None:
    if passage is None:
        return None
    return {
        "start": passage.start,
        "end": passage.end,
        "sentence": passage.sentence,
        "sentence_start": passage.sentence_start,
    }


def passage_of(fact: FactRecord) -> Passage | None:
    """A fact's evidence as a :class:`Passage`, to show highlighted."""
    found = fact.get("evidence")
    if not found:
        return None
    return Passage(found["start"], found["end"], found["sentence"], found["sentence_start"])


def decide(record: FactRecord, form: dict[str, str]) -> list[str]:
    """FactRecord the decisions a form sends (``decision-{id}``, ``correction-{id}``); returns
    the ids of the facts whose correction is not a value of the fact's kind."""
    wrong: list[str] = []
    for fact in record["facts"]:
        decision = form.get(f"decision-{fact['id']}", fact["decision"])
        correction = form.get(f"correction-{fact['id']}", fact["correction"]).strip()[:2000]
        if decision not in DECISIONS:
            continue
        if fact["object"] is None and decision == "accept":
            decision = "correct" if correction else "pending"  # nothing to accept: complete it
        fact["decision"], fact["correction"] = decision, correction
        if decision == "correct" and value_of(fact) is None:
            wrong.append(fact["id"])
    return wrong


def pending(record: FactRecord) -> list[FactRecord]:
    return [fact for fact in record["facts"] if fact["decision"] == "pending"]


def value_of(fact: FactRecord) -> Node | None:
    """The value a fact holds once decided: its own, or its correction read as a value of
    the same kind (an address for an IRI, the same language or datatype for a text)."""
    original = from_n3(fact["object"]) if fact["object"] else None
    if fact["decision"] != "correct":
        return original
    text = fact["correction"]
    if not text:
        return None
    expected = REQUIRED.get(URIRef(fact["predicate"]), "lang") if original is None else None
    if isinstance(original, URIRef) or (original is None and expected is None):
        return URIRef(text) if is_absolute_iri(text) else None
    if isinstance(original, Literal) and original.language:
        return Literal(text, lang=original.language)
    if isinstance(original, Literal) and original.datatype:
        value = Literal(text, datatype=original.datatype)
        return value if value.value is not None or original.datatype == XSD.string else None
    if expected == "lang":
        return Literal(text, lang="fr")
    if expected is not None:
        value = Literal(text, datatype=expected)
        return value if value.value is not None else None
    return Literal(text)


def reviewed_graph(record: FactRecord) -> Graph:
    """What the person kept: the accepted and corrected facts, and the sentences and notes
    of the draft about them. Nothing of a dropped or undecided fact."""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    kept: set[tuple[Node, Node, Node]] = set()
    for fact in record["facts"]:
        value = value_of(fact) if fact["decision"] in ("accept", "correct") else None
        if value is not None:
            triple = (URIRef(fact["subject"]), URIRef(fact["predicate"]), value)
            graph.add(triple)
            kept.add(triple)
    support = Graph().parse(data=record["support"], format="turtle")
    subjects = {s for s, _, _ in kept}
    for statement in support.subjects(RDF.type, RDF.Statement):
        said = tuple(support.value(statement, p) for p in (RDF.subject, RDF.predicate, RDF.object))
        if said in kept:
            for triple in support.triples((statement, None, None)):
                graph.add(triple)
    for note in support.subjects(RDF.type, MED.DataQualityNote):
        about = set(support.objects(note, SDO.about))
        if about and about <= subjects:
            for triple in support.triples((note, None, None)):
                graph.add(triple)
    return graph
