"""A published resource read back into its form's values, to be edited through the same form
and the same review (:mod:`.submit` read in the other direction).

Only what the forms published is read: the resource's triples in its kind's graph
(``{base}graph/publish-{kind}``), so an edit replaces exactly what the form wrote. The values
are flattened into input names, as a posted form sends them, which is how a draft keeps
them.
"""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from ..namespaces import document_of
from ..store import Store
from .kinds import KINDS, Kind
from .model import Form
from .publishing import publish_graph
from .submit import FieldEntry, Values, blank


def published_kind(store: Store, iri: URIRef, base_url: str) -> Kind | None:
    """The kind whose forms published ``iri``, None when no form did."""
    for kind in KINDS.values():
        if store.ask(
            f"ASK {{ GRAPH <{publish_graph(kind, base_url)}> {{ ?x ?p ?o }} }}", {"x": iri}
        ):
            return kind
    return None


def owned_documents(store: Store, iri: URIRef, graph: URIRef) -> set[URIRef]:
    """The documents an edit of ``iri`` may keep the IRIs of: itself and what it links to
    that ``graph`` describes (its parts, the sub-events of its programme)."""
    found, todo = {iri}, [iri]
    while todo:
        for _, _, obj, _ in list(store.quads(subject=todo.pop(), graph=graph)):
            if isinstance(obj, URIRef) and obj not in found:
                if next(iter(store.quads(subject=obj, graph=graph)), None) is not None:
                    found.add(obj)
                    todo.append(obj)
    return {document_of(node) for node in found}


def read_existing(store: Store, form: Form, node: Node, graph: URIRef) -> Values:
    """The values of ``form`` for ``node`` as ``graph`` holds them."""
    values: Values = {}
    for item in form.fields():
        objects = sorted(
            (q[2] for q in store.quads(subject=node, predicate=item.path, graph=graph)), key=str
        )
        entries: list[FieldEntry] = []
        if item.nested is not None:
            entries = [{"sub": read_existing(store, item.nested, o, graph)} for o in objects]
        elif item.languages:
            for literal in objects:
                lang = getattr(literal, "language", None) or item.languages[0]
                if lang not in item.languages:
                    continue
                free = next((e for e in entries if not e[lang]), None)
                if free is None:
                    free = {code: "" for code in item.languages}
                    entries.append(free)
                free[lang] = str(literal)
        elif item.widget == "datetime":
            entries = [_day_and_time(o, item.partial) for o in objects]
        elif item.widget == "lookup":
            entries = [{"value": str(o), "q": ""} for o in objects]
        else:
            entries = [{"value": str(o)} for o in objects]
        values[item.key] = entries or [blank(item)]
    return values


def _day_and_time(value: Node, partial: bool) -> FieldEntry:
    text = str(value)
    more = {"period": ""} if partial else {}
    if isinstance(value, Literal) and value.datatype in (XSD.gYearMonth, XSD.gYear):
        return {"date": "", "time": "", "period": text}
    if isinstance(value, Literal) and value.datatype == XSD.date:
        return {"date": text, "time": "", **more}
    day, _, time = text.partition("T")
    return {"date": day, "time": time[:5], **more}


def flat_data(values: Values, prefix: str = "") -> dict[str, str]:
    """``values`` as the input names a posted form sends (``name.0.fr``, ``hasRole.0.agent.0``)."""
    data: dict[str, str] = {}
    for key, entries in values.items():
        for rank, entry in enumerate(entries):
            name = f"{prefix}{key}.{rank}"
            if "sub" in entry:
                data.update(flat_data(entry["sub"], name + "."))
                continue
            for part, text in entry.items():
                if text:
                    data[name if part == "value" else f"{name}.{part}"] = text
    return data
