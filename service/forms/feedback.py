"""The SHACL report, put back on the fields it is about, in the page's language.

A result names a focus node and, for a property shape, a path (``sh:resultPath``) and often
the value at fault (``sh:value``): the submission knows which input gave each triple, so
the message goes beside that input (a repeated value, a value of a sub-form), else beside
the field's first input (a missing value), else — a rule of the node as a whole, such as
an end before the start, reported with the value at fault and no path — beside the input
that gave that value. What is left (a resource the form does not show) is said at the top.
Violations block; warnings and infos are shown and do not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..validation import Report
from .submit import Submission

#: Said beside a search whose text was typed but no resource chosen.
UNCHOSEN = {
    "fr": "Choisissez une ressource parmi celles trouvées (ou videz le champ) : « {q} » n'en désigne aucune.",
    "en": "Choose a resource among those found (or empty the field): “{q}” names none.",
}


@dataclass(frozen=True)
class Message:
    severity: str  # "violation", "warning", "info"
    text: str


@dataclass
class Feedback:
    """Messages by input name, and those no field of the form holds."""

    conforms: bool
    fields: dict[str, list[Message]] = field(default_factory=dict)
    general: list[Message] = field(default_factory=list)

    def count(self, severity: str) -> int:
        every = [m for ms in self.fields.values() for m in ms] + self.general
        return sum(1 for m in every if m.severity == severity)

    def to_json(self) -> dict:
        def listed(messages: list[Message]) -> list[dict]:
            return [{"severity": m.severity, "message": m.text} for m in messages]

        return {
            "conforms": self.conforms,
            "violations": self.count("violation"),
            "warnings": self.count("warning") + self.count("info"),
            "fields": {name: listed(ms) for name, ms in self.fields.items()},
            "general": listed(self.general),
        }


def feedback(report: Report, submission: Submission, lang: str) -> Feedback:
    """Where each result of ``report`` goes on the form ``submission`` came from."""
    out = Feedback(conforms=report.conforms and not submission.unchosen)
    for result in report.results:
        message = Message(result.severity_key, result.message(lang))
        name = _entry(_input_of(submission, result.focus, result.path, result.value))
        bucket = out.general if name is None else out.fields.setdefault(name, [])
        if message not in bucket:
            bucket.append(message)
    for name, typed in submission.unchosen.items():
        out.fields.setdefault(_entry(name) or name, []).append(
            Message("violation", UNCHOSEN.get(lang, UNCHOSEN["fr"]).format(q=typed))
        )
    return out


def _input_of(submission: Submission, focus, path, value) -> str | None:
    if path is not None:
        found = submission.inputs.get((focus, path, value)) if value is not None else None
        return found or submission.fields.get((focus, path))
    if value is not None:
        return next(
            (name for (s, _, o), name in submission.inputs.items() if s == focus and o == value),
            None,
        )
    return None


def _entry(name: str | None) -> str | None:
    """The value an input belongs to: ``name.0.fr`` → ``name.0`` (its inputs share messages)."""
    if name is None or name.rsplit(".", 1)[-1].isdigit():
        return name
    return name.rsplit(".", 1)[0]


#: The value an input belongs to, for messages added beside the shapes' (``duplicates``).
entry_of = _entry
