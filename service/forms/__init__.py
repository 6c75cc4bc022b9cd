"""Forms drawn from the SHACL shapes: the form of a class (``model``), what a form sends
read back into an RDF graph (``submit``), and the SHACL report put back on the fields
(``feedback``). See this folder's ``README.md`` and ``docs/forms.md``.
"""

from __future__ import annotations

from .duplicates import close_matches, warn_same_names
from .existing import flat_data, owned_documents, published_kind, read_existing
from .feedback import Feedback, Message, feedback
from .kinds import KINDS, Kind
from .model import WIDGETS, Choice, Field, Form, Group, read_form, types_of
from .project import Forms, Match, project_forms, search_existing
from .publishing import (
    Difference,
    changed_since,
    changes_for,
    difference,
    publish_graph,
    removal,
)
from .submit import Submission, Values, blank, build_graph, one_more_value, read_values

__all__ = [
    "KINDS",
    "WIDGETS",
    "Choice",
    "Difference",
    "Feedback",
    "Field",
    "Form",
    "Forms",
    "Group",
    "Kind",
    "Match",
    "Message",
    "Submission",
    "Values",
    "one_more_value",
    "blank",
    "build_graph",
    "changed_since",
    "close_matches",
    "changes_for",
    "difference",
    "feedback",
    "flat_data",
    "owned_documents",
    "published_kind",
    "read_existing",
    "project_forms",
    "publish_graph",
    "read_form",
    "read_values",
    "removal",
    "search_existing",
    "types_of",
    "warn_same_names",
]
