"""The project's forms: the shapes and the vocabulary read once, the check of a submission
against the store, and the search of existing resources a field offers.

The forms are read from the very shapes the writes are validated with
(:func:`service.validation.project_validator`, reloaded when a file of ``shapes/`` or
``ontology/`` changes), and a submission is checked as a write would be
(:func:`service.writes.check_write`: the new resource with what it links to in the store),
so that a form says exactly what publishing would refuse.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from ..labels import Languages
from ..namespaces import IGEO, MED, SDO
from ..rdfio import parse_files
from ..search import SAME, Filters, Index, closeness, find_existing
from ..seed import files_stamp, rdf_files
from ..store import Changeset, Store
from ..validation import ONTOLOGY_DIR, Report, Validator, project_validator
from ..writes import check_write, write_rules
from .existing import owned_documents
from .feedback import Feedback, feedback
from .kinds import KINDS
from .model import Form, read_form
from .publishing import changes_for, publish_graph
from .submit import Submission, build_graph, one_more_value, read_values

#: Most matches a search of existing resources answers.
MAX_MATCHES = 10
#: How many index hits are read to find those of the right classes.
LOOKUP_WINDOW = 60


@dataclass(frozen=True)
class Match:
    iri: str
    label: str
    lang: str
    kind: str
    #: One of its names is what was typed, accents, case and punctuation aside.
    same: bool = False
    #: Where it lies, to tell apart places of one name (36 communes are called Sainte-Colombe):
    #: the places that contain it, an EPCI aside, a territory with its official code.
    where: str = ""


class Forms:
    """The forms of every kind, drawn from ``validator``'s shapes and ``ontology``; a
    submission is checked by ``checker`` (the ``write_validator`` setting), as its write
    would be."""

    def __init__(self, validator: Validator, ontology: Graph, checker: str = "compiled"):
        self.validator = validator
        self.ontology = ontology
        self.rules = write_rules(validator, checker)
        self._forms: dict[str, Form] = {}
        self._lock = threading.Lock()
        _quiet_rdflib()

    def form(self, kind: str) -> Form:
        with self._lock:
            if kind not in self._forms:
                self._forms[kind] = read_form(
                    self.validator.shapes_graph, self.ontology, KINDS[kind].cls
                )
            return self._forms[kind]

    def submission(
        self,
        kind: str,
        data: Mapping[str, str],
        base_url: str,
        store: Store | None = None,
        add: str | None = None,
        edits: str | None = None,
    ) -> Submission:
        """The values of a posted form and the graph they make (``add``: a field to give one
        more value, the "add another" button without JavaScript; ``edits``: the published
        resource they change, whose IRI and sub-events' IRIs are kept)."""
        form = self.form(kind)
        values = read_values(form, data)
        if add:
            one_more_value(values, form, add)
        taken = (lambda iri: _exists(store, iri)) if store is not None else (lambda iri: False)
        iri, kept = None, frozenset()
        if edits and store is not None:
            iri = URIRef(edits)
            kept = frozenset(owned_documents(store, iri, publish_graph(KINDS[kind], base_url)))
        submission = build_graph(KINDS[kind], form, values, base_url, taken, iri, kept)
        _implied_links(submission.graph, self.ontology)
        return submission

    def check(self, store: Store, submission: Submission, base_url: str) -> Report:
        """What the shapes say of the submission, as publishing it would be checked: the
        change it makes in its kind's graph (for an edit, with what it removes)."""
        graph = publish_graph(submission.kind, base_url)
        changes = changes_for(store, submission, base_url) or Changeset(
            add=[(s, p, o, graph) for s, p, o in submission.graph]
        )
        report, _ = check_write(store, changes, base_url, self.rules)
        return report

    def feedback(self, store: Store, submission: Submission, base_url: str, lang: str) -> Feedback:
        return feedback(self.check(store, submission, base_url), submission, lang)


def _implied_links(graph: Graph, ontology: Graph) -> None:
    """The schema.org link a kind of role implies (``med:impliedProperty``: an organiser is
    the event's ``schema:organizer``), written as the vocabulary says, not asked again."""
    for role, kind in list(graph.subject_objects(MED.roleType)):
        implied = ontology.value(kind, MED.impliedProperty)
        event, agent = graph.value(role, MED.inEvent), graph.value(role, MED.agent)
        if isinstance(implied, URIRef) and event is not None and agent is not None:
            graph.add((event, implied, agent))


class _QuietLexicalForms(logging.Filter):
    """rdflib logs a traceback for every literal it cannot read; a form's impossible day is
    expected input, reported by the shapes on its field."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Failed to convert Literal lexical form")


def _quiet_rdflib() -> None:
    term = logging.getLogger("rdflib.term")
    if not any(isinstance(f, _QuietLexicalForms) for f in term.filters):
        term.addFilter(_QuietLexicalForms())


def _exists(store: Store, iri: URIRef) -> bool:
    return store.ask("ASK { { ?x ?p ?o } UNION { ?s ?p ?x } }", {"x": iri})


_PROJECT: dict[tuple, Forms] = {}
_PROJECT_LOCK = threading.Lock()


def project_forms(checker: str = "compiled") -> Forms:
    """The forms of the project's shapes and vocabulary, read once (again when they change),
    their submissions checked by ``checker``."""
    validator = project_validator()
    with _PROJECT_LOCK:
        stamp = (id(validator), files_stamp([ONTOLOGY_DIR]))
        for old in [key for key in _PROJECT if key[:2] != stamp]:
            del _PROJECT[old]
        key = (*stamp, checker)
        if key not in _PROJECT:
            _PROJECT[key] = Forms(validator, parse_files(rdf_files([ONTOLOGY_DIR])), checker)
        return _PROJECT[key]


def search_existing(
    index: Index,
    store: Store,
    text: str,
    classes: Iterable[URIRef],
    languages: Languages,
    ontology: Graph,
) -> list[Match]:
    """Existing resources of ``classes`` (or their subclasses) whose names match ``text`` as it
    is being typed, closest names first (:func:`service.search.find_existing`: names,
    alternate names, acronyms, the domains of web and e-mail addresses; accents, case and
    punctuation folded; the last word as a prefix); the classes are checked in the store."""
    wanted = {c for cls in classes for c in ontology.transitive_subjects(RDFS.subClassOf, cls)}
    wanted |= set(classes)
    items = find_existing(index, text, Filters(), limit=LOOKUP_WINDOW)
    if wanted and items:
        typed = _typed(store, [item.iri for item in items], wanted)
        items = [item for item in items if item.iri in typed]
    items = items[:MAX_MATCHES]
    where = _where(store, [item.iri for item in items], languages)
    found = []
    for item in items:
        label, lang = item.label(languages)
        same = closeness(item, text) == SAME
        found.append(Match(item.iri, label, lang, item.kind, same, where.get(item.iri, "")))
    return found


def _where(store: Store, iris: list[str], languages: Languages) -> dict[str, str]:
    """For each IRI, the names of the places that directly contain it, an EPCI aside (a
    commune's département, a département's région, a venue's commune), each with its
    official code when it has one: « Charente-Maritime (17) »."""
    if not iris:
        return {}
    rows = store.select(
        f"""SELECT ?s ?p ?name ?code WHERE {{
              VALUES ?s {{ {" ".join(f"<{iri}>" for iri in iris)} }}
              ?s <{SDO.containedInPlace}> ?p . ?p <{SDO.name}> ?name .
              FILTER NOT EXISTS {{ ?p a <{IGEO.Intercommunalite}> }}
              OPTIONAL {{ ?p <{IGEO.codeINSEE}> ?code }} }}"""
    )
    names: dict[str, dict[str, list]] = {}
    codes: dict[str, str] = {}
    for row in rows:
        names.setdefault(str(row["s"]), {}).setdefault(str(row["p"]), []).append(row["name"])
        if "code" in row:
            codes[str(row["p"])] = str(row["code"])
    shown = {}
    for iri, places in names.items():
        parts = []
        for place, labels in sorted(places.items()):
            name = languages.best(labels) or labels[0]
            parts.append(f"{name} ({codes[place]})" if place in codes else str(name))
        shown[iri] = ", ".join(parts)
    return shown


def _typed(store: Store, iris: list[str], classes: set) -> set[str]:
    values = " ".join(f"<{iri}>" for iri in iris)
    kinds = " ".join(f"<{cls}>" for cls in classes)
    rows = store.select(
        f"SELECT DISTINCT ?s WHERE {{ VALUES ?s {{ {values} }} VALUES ?c {{ {kinds} }} ?s a ?c }}"
    )
    return {str(row["s"]) for row in rows}
