"""Running the stages: a file or a text → a validated draft (:func:`ingest`, :func:`ingest_text`),
and what is said of it (:func:`report_text`, :func:`serialize_draft`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef
from rdflib.term import Node

from ..config import DEFAULT_BASE
from ..labels import words
from ..namespaces import MED, RDF, SDO, SH
from .draft import build
from .draft.builder import Draft
from .reading import read_any
from .reading.decoding import read_article
from .reading.names import shorten
from .reading.record import Problem
from .reconcile import Reference, moved, moved_node


@dataclass
class Ingestion:
    """A draft and its validation report."""

    draft: Draft
    report: Any  # service.validation.Report
    base_url: str = DEFAULT_BASE

    @property
    def conforms(self) -> bool:
        return bool(self.report.conforms)

    @property
    def incomplete(self) -> bool:
        """Whether the draft falls short of the shapes only by what its source does not say
        (its address, publication date, title; the date of an event it names and dates
        nowhere): a draft a curator completes, not a refusal."""
        violations = self.report.violations
        return bool(violations) and all(
            result.component == SH.MinCountConstraintComponent
            and (
                (
                    result.path in TO_COMPLETE
                    and moved_node(result.focus, DEFAULT_BASE, self.base_url) == self.draft.article
                )
                or (
                    result.path == SDO.startDate
                    and moved_node(result.focus, DEFAULT_BASE, self.base_url) in self.draft.undated
                )
            )
            for result in violations
        )

    @property
    def problems(self) -> list[Problem]:
        return sorted(self.draft.extracted.problems, key=lambda p: (p.line or 0, p.fr))


def validation_data(draft: Draft, reference: Reference) -> tuple[Graph, list[Node]]:
    """The draft with what it points at as the reference describes it (one step), and the
    draft's own subjects as focus nodes: the draft's resources are checked as the draft says
    them, against the actors, places and concepts they link to."""
    data = Graph()
    data += draft.graph
    described = set(draft.graph.subjects())
    for target in {o for o in draft.graph.objects() if isinstance(o, URIRef)} - described:
        for triple in reference.description(target):
            data.add(triple)
    return data, sorted(described, key=str)


def ingest(
    path: Path,
    *,
    reference: Reference,
    base_url: str = DEFAULT_BASE,
    max_bytes: int = 1_000_000,
    encoding: str | None = None,
    graph_name: str | None = None,
    today: date | None = None,
    kind: str | None = None,
    validator: str = "compiled",
) -> Ingestion:
    """Read the article at ``path``, build its draft and validate it against the shapes.
    Raises :class:`ArticleError` when the file is no article.

    The shapes are written under the default base: a draft minted under another base is
    validated as moved to the default one (the report names its resources there). The
    vocabulary's terms (``med:``) are the code's, whatever the base."""
    text = read_article(path, max_bytes, encoding)
    return ingest_text(
        text, path.name, reference=reference, base_url=base_url, kind=kind,
        graph_name=graph_name, today=today, validator=validator,
    )  # fmt: skip


def ingest_text(
    text: str,
    name: str,
    *,
    reference: Reference,
    base_url: str = DEFAULT_BASE,
    kind: str | None = None,
    graph_name: str | None = None,
    today: date | None = None,
    validator: str = "compiled",
) -> Ingestion:
    """Read an article given as text (a file's, or pasted in the moderation screen): a web
    page, the seed's export, Markdown or plain text (``kind``, else guessed), build its draft
    and validate it (by ``validator``, the ``write_validator`` setting). Raises
    :class:`ArticleError` only when there is no article at all."""
    from ..validation import project_checker

    found = read_any(text, name, kind)
    draft = build(found, reference, base_url, graph_name, today)
    data, focus = validation_data(draft, reference)
    if base_url != DEFAULT_BASE:
        data = moved(data, base_url, DEFAULT_BASE)
        focus = [moved_node(node, base_url, DEFAULT_BASE) for node in focus]
    report = project_checker(validator).validate(data, focus_nodes=focus)
    return Ingestion(draft, report, base_url)


#: The article's facts a source may not say, which a curator completes in the draft.
TO_COMPLETE = frozenset({SDO.url, SDO.datePublished, SDO.headline})

#: What a report calls each kind of resource.
REPORT_KINDS: dict[str, tuple[str, ...]] = words("report-kind")

_REPORT = {
    "written": (
        "Brouillon écrit : {where} (graphe <{graph}>, {count} triplets).",
        "Draft written: {where} ({count} triples, graph <{graph}>).",
    ),
    "stdout": ("la sortie standard", "standard output"),
    "incomplete": (
        "Brouillon écrit, incomplet : {where} (graphe <{graph}>, {count} triplets) ; ce que la "
        "source ne dit pas est à compléter avant publication (voir plus bas).",
        "Draft written, incomplete: {where} ({count} triples, graph <{graph}>); what the source "
        "does not say is to complete before publication (see below).",
    ),
    "not_written": (
        "Brouillon non écrit : il n'est pas conforme aux formes (voir la validation).",
        "Draft not written: it does not conform to the shapes (see the validation).",
    ),
    "matched": (
        "Reconnus dans les données du projet ({n}) :",
        "Recognised in the project's data ({n}):",
    ),
    "minted": ("Nouveaux ({n}) :", "New ({n}):"),
    "notes": (
        "Notes de qualité ({n}) : ce que la source contredit ou laisse deviner",
        "Data-quality notes ({n}): where the source contradicts itself or leaves a guess",
    ),
    "problems": ("Lecture de la source ({n}) :", "Reading the source ({n}):"),
    "todo": ("À compléter par un curateur ({n}) :", "For a curator to complete ({n}):"),
    "validation": ("Validation :", "Validation:"),
    "quote": ("« {} »", "“{}”"),
}


def report_text(ingestion: Ingestion, lang: str = "fr", written_to: str | None = None) -> str:
    """The report a person reads after ``mediation ingest``, in French or English."""
    pick = (lambda pair: pair[1]) if lang == "en" else (lambda pair: pair[0])
    quote = pick(_REPORT["quote"]).format
    draft = ingestion.draft
    lines: list[str] = []

    def section(key: str, items: list[str]) -> None:
        """A heading that counts the items, then the items; nothing when there are none."""
        if items:
            lines.append("")
            lines.append(pick(_REPORT[key]).format(n=len(items)))
            lines.extend(items)

    if ingestion.conforms or ingestion.incomplete:
        where = written_to or pick(_REPORT["stdout"])
        lines.append(
            pick(_REPORT["written" if ingestion.conforms else "incomplete"]).format(
                where=where, graph=draft.graph.identifier, count=len(draft.graph)
            )
        )
    else:
        lines.append(pick(_REPORT["not_written"]))
    for key, entries in (("matched", draft.matched), ("minted", draft.minted)):
        section(
            key,
            [
                f"  {pick(REPORT_KINDS.get(kind, (kind, kind)))} {quote(shorten(label, 60))} → <{iri}>"
                for kind, label, iri in entries
            ],
        )
    notes = sorted(draft.graph.subjects(RDF.type, MED.DataQualityNote), key=str)
    section(
        "notes",
        [
            f"  {quote(shorten(str(draft.graph.value(note, MED.sourceValue)), 70))} → "
            f"{quote(shorten(str(draft.graph.value(note, MED.retainedValue)), 70))}"
            for note in notes
        ],
    )
    section("problems", [f"  - {problem.message(lang)}" for problem in ingestion.problems])
    section("todo", [f"  - {pick(item)}" for item in draft.todo])
    lines.append("")
    lines.append(pick(_REPORT["validation"]))
    lines.append(ingestion.report.to_text(lang).rstrip("\n"))
    return "\n".join(lines) + "\n"


def serialize_draft(graph: Graph, key: str, source_name: str = "") -> bytes:
    """The draft as Turtle, TriG (in its named graph) or JSON-LD (with the prefixes as context)."""
    from rdflib import Dataset

    used = {str(p) for t in graph for p in t if isinstance(p, URIRef)}
    prefixes = {
        p: str(ns) for p, ns in graph.namespaces() if any(u.startswith(str(ns)) for u in used)
    }
    if key == "jsonld":
        return graph.serialize(
            format="json-ld", context=prefixes, auto_compact=True, encoding="utf-8"
        )
    out: Graph
    if key == "trig":
        out = Dataset()
        target = out.graph(graph.identifier)
    else:
        out = target = Graph(bind_namespaces="none")
    for prefix, namespace in prefixes.items():
        out.bind(prefix, namespace)
    for triple in graph:
        target.add(triple)
    body = out.serialize(format="trig" if key == "trig" else "turtle", encoding="utf-8")
    header = (
        f"# Brouillon tiré de {source_name} par « mediation ingest » : à relire avant publication.\n"
        f"# Draft drawn from {source_name} by “mediation ingest”: to review before publication.\n\n"
    )
    return header.encode("utf-8") + body
