"""What a form sends, read back into values, then into the RDF graph of the resource.

**Input names.** A field's values are ``{key}.{i}`` (its path's local name and the value's
rank); a text asked per language adds ``.{lang}``, a day and time ``.date`` and ``.time``, a
search ``.q`` (what was typed; the value is the chosen IRI); a sub-form's fields are named
under its value's: ``hasRole.0.agent.0``. The same names go back into the page, so that a
form posted without JavaScript comes back as it was sent, with the messages beside it.

**The graph.** The resource gets an IRI minted as the service mints them, ``{base}id/{segment}/
{slug}`` (an event's slug starts with its day), never one that is taken; a sub-form's node
is a part of its parent (``{parent}#{key}-{n}``) unless its class has IRIs of its own (a part
of the programme is an event). Nodes are typed with their class and its schema.org
alignments; a sub-form's node points back at its parent (``owl:inverseOf``). Values are
written as the shapes expect them, and what a person typed stays what it is: an impossible
day becomes an ill-typed ``xsd:date``, which the shapes refuse on that field.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from ..labels import LABEL_PROPERTIES
from ..namespaces import NOT_IN_XML, PREFIXES, is_absolute_iri
from .kinds import DATED_BY, SEGMENT_OF_CLASS, Kind
from .model import Field, Form

#: Most values one field takes from a form (what a page can reasonably hold).
MAX_VALUES = 50
#: Longest text a field keeps.
MAX_TEXT = 20_000

FieldEntry = (
    dict  # {"value"}, {lang: text}, {"date", "time"[, "period"]}, {"value", "q"} or {"sub": Values}
)
Values = dict[str, list[FieldEntry]]
_INDEX = re.compile(r"^(\d+)(?:\.|$)")


@dataclass
class Submission:
    """A form's values and the graph they make, with where each triple came from."""

    kind: Kind
    form: Form
    iri: URIRef
    graph: Graph
    values: Values
    #: (subject, path, value) → the input that gave it.
    inputs: dict[tuple[Node, Node, Node], str] = field(default_factory=dict)
    #: (subject, path) → the first input of that field.
    fields: dict[tuple[Node, Node], str] = field(default_factory=dict)
    #: Searches typed but not chosen: input name → what was typed.
    unchosen: dict[str, str] = field(default_factory=dict)

    def turtle(self) -> str:
        return self.graph.serialize(format="turtle")


def read_values(form: Form, data: Mapping[str, str], prefix: str = "") -> Values:
    """The values of ``form`` in ``data`` (a flat mapping of input names to texts)."""
    values: Values = {}
    for item in form.fields():
        stem = f"{prefix}{item.key}."
        ranks = sorted(
            {
                int(m.group(1))
                for name in data
                if name.startswith(stem) and (m := _INDEX.match(name[len(stem) :]))
            }
        )[:MAX_VALUES]
        entries = [_entry(item, data, f"{stem}{rank}") for rank in ranks]
        values[item.key] = entries or [blank(item)]
    return values


def blank(item: Field) -> FieldEntry:
    if item.nested is not None:
        return {"sub": {f.key: [blank(f)] for f in item.nested.fields()}}
    if item.languages:
        return {lang: "" for lang in item.languages}
    if item.widget == "datetime":
        return {"date": "", "time": "", **({"period": ""} if item.partial else {})}
    if item.widget == "lookup":
        return {"value": "", "q": ""}
    return {"value": ""}


def one_more_value(values: Values, form: Form, name: str) -> None:
    """One more empty value for the field named ``name`` (``organizer``, ``hasRole.0.agent``):
    "add another" without JavaScript."""
    head, _, rest = name.partition(".")
    item = next((f for f in form.fields() if f.key == head), None)
    if item is None or head not in values:
        return
    if not rest:
        if item.repeatable and len(values[head]) < MAX_VALUES:
            values[head].append(blank(item))
        return
    rank, _, inner = rest.partition(".")
    if item.nested is not None and rank.isdigit() and int(rank) < len(values[head]):
        one_more_value(values[head][int(rank)]["sub"], item.nested, inner)


def _entry(item: Field, data: Mapping[str, str], name: str) -> FieldEntry:
    def text(suffix: str) -> str:
        # What XML 1.0 cannot carry (a control character pasted with the text) is dropped here,
        # where a person typed it: a write would refuse it, and the draft with it.
        return NOT_IN_XML.sub("", data.get(name + suffix, "")).strip()[:MAX_TEXT]

    if item.nested is not None:
        return {"sub": read_values(item.nested, data, name + ".")}
    if item.languages:
        return {lang: text("." + lang) for lang in item.languages}
    if item.widget == "datetime":
        entry = {"date": text(".date"), "time": text(".time")}
        return {**entry, "period": text(".period")} if item.partial else entry
    if item.widget == "lookup":
        return {"value": text(""), "q": text(".q")}
    return {"value": text("")}


# -- values → graph -------------------------------------------------------------------------------


def build_graph(
    kind: Kind,
    form: Form,
    values: Values,
    base_url: str,
    taken: Callable[[URIRef], bool] = lambda iri: False,
    iri: URIRef | None = None,
    kept: frozenset[URIRef] = frozenset(),
) -> Submission:
    """The graph of the resource ``values`` describe (see the module). ``iri``: the resource's
    own, for an edit (not minted again); ``kept``: IRIs the edit owns, which minting may give
    again although they are taken (an edited sub-event keeps its IRI)."""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    used: set[URIRef] = set()

    def mint(segment: str, node_form: Form, node_values: Values) -> URIRef:
        slug = _slug(_name(node_form, node_values)) or "sans-titre"
        day = _day(node_form, node_values, DATED_BY.get(segment))
        stem = f"{base_url}id/{segment}/{day + '-' if day else ''}{slug}"
        iri, n = URIRef(stem), 1
        while iri in used or (taken(iri) and iri not in kept):
            n += 1
            iri = URIRef(f"{stem}-{n}")
        used.add(iri)
        return iri

    if iri is None:
        iri = mint(kind.segment, form, values)
    else:
        used.add(iri)
    submission = Submission(kind, form, iri, graph, values)
    _write(submission, iri, form, values, "", mint)
    return submission


def _write(
    submission: Submission, node: URIRef, form: Form, values: Values, prefix: str, mint
) -> None:
    graph = submission.graph
    for cls in form.types:
        graph.add((node, RDF.type, cls))
    for item in form.fields():
        for rank, entry in enumerate(values.get(item.key, [])):
            name = f"{prefix}{item.key}.{rank}"
            submission.fields.setdefault((node, item.path), name)
            if item.nested is not None:
                sub_values = entry["sub"]
                if not _filled(sub_values):
                    continue
                segment = SEGMENT_OF_CLASS.get(item.nested.target)
                child = (
                    mint(segment, item.nested, sub_values)
                    if segment
                    else URIRef(f"{node}#{item.key.lower()}-{rank + 1}")
                )
                graph.add((node, item.path, child))
                submission.inputs[(node, item.path, child)] = name
                if item.inverse is not None:
                    graph.add((child, item.inverse, node))
                    submission.inputs[(child, item.inverse, node)] = name
                _write(submission, child, item.nested, sub_values, name + ".", mint)
                continue
            for suffix, value in _terms(item, entry):
                graph.add((node, item.path, value))
                submission.inputs[(node, item.path, value)] = name + suffix
            if item.widget == "lookup" and entry.get("q") and not entry.get("value"):
                submission.unchosen[name] = entry["q"]


def _terms(item: Field, entry: FieldEntry) -> list[tuple[str, Node]]:
    """The RDF values of one entry, each with the suffix of the input it came from."""
    if item.languages:
        return [
            (f".{lang}", Literal(entry[lang], lang=lang)) for lang in item.languages if entry[lang]
        ]
    if item.widget == "datetime":
        # A month (2024-06) or a year (2024) alone, where the source gives no day; given with
        # a day too, both are sent and the shapes' « at most one » says which field to fix.
        period = entry.get("period", "")
        partial = [(".period", _typed(period, PARTIAL_TYPES.get(len(period), XSD.gYearMonth)))]
        return _day_and_time(entry["date"], entry["time"]) + (partial if period else [])
    text = entry.get("value", "")
    if item.widget == "lookup" and not text and is_absolute_iri(entry.get("q", "")):
        text = entry["q"]  # an address pasted in the search
    if not text:
        return []
    if item.widget in ("url", "lookup", "choice"):
        return [("", URIRef(text) if is_absolute_iri(text) else Literal(text))]
    if item.widget == "number":
        return [("", _typed(text, XSD.integer))]
    if item.widget == "date":
        return [("", _typed(text, XSD.date))]
    if item.datatypes:
        fitting = [d for d in item.datatypes if not _typed(text, d).ill_typed]
        return [("", _typed(text, (fitting or list(item.datatypes))[0]))]
    return [("", Literal(text))]


#: A month or a year alone, by the length of what was typed (2024-06, 2024).
PARTIAL_TYPES = {7: XSD.gYearMonth, 4: XSD.gYear}


def _day_and_time(day: str, time: str) -> list[tuple[str, Node]]:
    if not day:
        return [(".time", Literal(time, datatype=XSD.dateTime))] if time else []
    if not time:
        return [(".date", _typed(day, XSD.date))]
    seconds = time if time.count(":") == 2 else time + ":00"
    return [(".date", _typed(f"{day}T{seconds}", XSD.dateTime))]


def _typed(text: str, datatype: URIRef) -> Literal:
    # rdflib warns about a lexical form it cannot read; the shapes report it on the field.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Literal(text, datatype=datatype)


def _filled(values: Values) -> bool:
    for entries in values.values():
        for entry in entries:
            if "sub" in entry:
                if _filled(entry["sub"]):
                    return True
            elif any(entry.values()):
                return True
    return False


def _name(form: Form, values: Values) -> str:
    for prop in LABEL_PROPERTIES:
        item = form.by_path(prop)
        if item is not None:
            for entry in values.get(item.key, []):
                for key in (*item.languages, "value"):
                    if entry.get(key):
                        return entry[key]
    return ""


def _day(form: Form, values: Values, path: URIRef | None) -> str:
    item = form.by_path(path) if path is not None else None
    if item is not None:
        for entry in values.get(item.key, []):
            day = entry.get("date") or entry.get("value") or entry.get("period") or ""
            # A day, or the month or year alone (2020-restitution-… as in the seed).
            if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", day):
                return day
    return ""


def _slug(text: str, most: int = 60) -> str:
    """``Journée régionale à Liévin`` → ``journee-regionale-a-lievin``."""
    folded = unicodedata.normalize("NFKD", text.casefold().replace("œ", "oe").replace("æ", "ae"))
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    slug = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
    return slug[:most].rstrip("-")
