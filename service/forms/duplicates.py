"""No duplicates: before a new organisation, person or venue is made, the existing ones whose
names are close to the one typed, and a warning on the name field when one has that very
name (accents, case and punctuation aside).

A warning, not a violation: two associations may share a name, and a draft is never
blocked by it; the person sees the existing ones first and chooses.
"""

from __future__ import annotations

from rdflib import Graph, Literal

from ..labels import Languages
from ..namespaces import SDO
from ..search import Index
from ..store import Store
from .feedback import Feedback, Message, entry_of
from .project import Match, search_existing
from .submit import Submission

#: The kinds of form that make a resource others link to, and so could duplicate one.
MATCHED_KINDS = ("organisation", "person", "place")
#: Most close matches shown.
MAX_CLOSE = 5

SAME_NAME = {
    "fr": "Existe déjà ? « {label} » porte déjà ce nom : si c'est la même ressource, choisissez-la "
    "plutôt que de créer un doublon.",
    "en": "Already there? “{label}” already has this name: if it is the same resource, choose it "
    "rather than make a duplicate.",
}


def close_matches(
    index: Index, store: Store, submission: Submission, languages: Languages, ontology: Graph
) -> list[Match]:
    """The existing resources of the form's class whose names are close to those typed, the
    same names first."""
    if submission.kind.name not in MATCHED_KINDS:
        return []
    found: dict[str, Match] = {}
    for name in _names(submission):
        for match in search_existing(
            index, store, name, [submission.kind.cls], languages, ontology
        ):
            if match.iri != str(submission.iri):
                kept = found.get(match.iri)
                if kept is None or (match.same and not kept.same):
                    found[match.iri] = match
    ordered = sorted(found.values(), key=lambda m: not m.same)
    return ordered[:MAX_CLOSE]


def warn_same_names(out: Feedback, submission: Submission, matches: list[Match], lang: str) -> None:
    """A warning on the name field for each existing resource of that very name."""
    same = [m for m in matches if m.same]
    if not same:
        return
    name = next(iter(_names(submission)), None)
    literal = next(
        (o for o in submission.graph.objects(submission.iri, SDO.name) if str(o) == name), None
    )
    where = submission.inputs.get((submission.iri, SDO.name, literal)) if literal else None
    where = entry_of(where or submission.fields.get((submission.iri, SDO.name)))
    bucket = out.general if where is None else out.fields.setdefault(where, [])
    for match in same:
        text = SAME_NAME.get(lang, SAME_NAME["fr"]).format(label=match.label)
        message = Message("warning", text)
        if message not in bucket:
            bucket.append(message)


def _names(submission: Submission) -> list[str]:
    """The names typed for the new resource, each once."""
    return list(
        dict.fromkeys(
            str(o).strip()
            for o in submission.graph.objects(submission.iri, SDO.name)
            if isinstance(o, Literal) and str(o).strip()
        )
    )
