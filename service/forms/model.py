"""The form of a class, read from the SHACL shapes: no field is written by hand.

The fields of the form for a class are the property shapes of the node shapes that target
it (``sh:targetClass``, the class or one of its superclasses in the vocabulary) which carry
an ``sh:group`` (SHACL §2.6, non-validating properties): a property shape without a group is
checked, not asked. What a field is follows from every shape that speaks of its path for
that class — including the shapes that target any subject of the path (``text.ttl``'s
languages) and, in a sub-form, the objects of the parent's path (an address):

* ``sh:name`` / ``sh:description`` (French and English): its label and help;
* ``sh:group`` and ``sh:order``: where it stands; groups in their own ``sh:order``;
* ``sh:in``, or ``sh:class skos:Concept`` with a scheme (``sh:node`` → ``skos:inScheme``
  ``sh:hasValue``): a choice; ``sh:class`` (also in ``sh:or``), or ``dash:editor
  dash:AutoCompleteEditor``: a search over existing resources of those classes;
* the datatypes (also in ``sh:or``): a date, a date with an optional time (a local time
  of the ``time_zone`` setting), a number; ``sh:nodeKind sh:IRI``: a web address;
  ``sh:languageIn`` or ``rdf:langString``: one value per language, side by side;
* ``sh:minCount`` ≥ 1: required (recommended when the shape's severity is a warning);
  ``sh:maxCount`` absent or above 1 (and no ``sh:uniqueLang``): repeatable;
* ``dash:editor dash:DetailsEditor``: a sub-form for a node of the first class (a role, a
  part of the programme, an address), one level deep; the property pointing back at the
  parent (``owl:inverseOf``, schema.org's ``subEvent``/``superEvent``) is filled, not asked.

Pure functions of graphs: no store, no Flask.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS, XSD
from rdflib.term import Node

from ..labels import DESCRIPTION_PROPERTIES, NUMBER_TYPES, UI_LANGUAGES
from ..namespaces import SDO

#: DASH, the vocabulary of SHACL forms (http://datashapes.org/forms.html).
DASH = Namespace("http://datashapes.org/dash#")

#: Inverse properties schema.org declares (``schema:inverseOf``), which our vocabulary does
#: not repeat: a part of the programme points back at its event.
SCHEMA_INVERSES: dict[URIRef, URIRef] = {
    SDO.subEvent: SDO.superEvent,
    SDO.superEvent: SDO.subEvent,
}
#: Most levels of sub-forms (a role in an event; not a role in a part of its programme).
MAX_DEPTH = 1


@dataclass(frozen=True)
class Choice:
    value: URIRef
    labels: dict[str, str] = field(hash=False, compare=False)

    def label(self, lang: str) -> str:
        return _in(self.labels, lang) or _local(self.value)


@dataclass
class Field:
    """One property asked by a form."""

    key: str  # the path's local name: the stem of the inputs' names
    path: URIRef
    names: dict[str, str]
    helps: dict[str, str]
    group: URIRef | None
    order: float
    widget: str  # see WIDGETS
    datatypes: tuple[URIRef, ...] = ()
    classes: tuple[URIRef, ...] = ()
    choices: tuple[Choice, ...] = ()
    languages: tuple[str, ...] = ()
    required: bool = False
    recommended: bool = False
    repeatable: bool = False
    nested: Form | None = None
    #: The property a sub-form's node points back at its parent with.
    inverse: URIRef | None = None

    def label(self, lang: str) -> str:
        return _in(self.names, lang) or self.key

    @property
    def partial(self) -> bool:
        """A date field that also takes a month or a year alone, when the source gives no day."""
        return bool({XSD.gYearMonth, XSD.gYear} & set(self.datatypes))

    def help(self, lang: str) -> str:
        return _in(self.helps, lang)


#: What a field is asked with, and what each means for the inputs.
WIDGETS = {
    "text": "one line of text",
    "textarea": "a text of several lines (a description)",
    "number": "an integer",
    "url": "a web address (an IRI)",
    "date": "a day",
    "datetime": "a day and an optional time, local to the time_zone setting (or, where the"
    " shapes allow it, a month or a year alone)",
    "choice": "one of the values the shapes list",
    "lookup": "an existing resource, searched by name",
    "nested": "a sub-form",
}


@dataclass
class Group:
    iri: URIRef | None
    labels: dict[str, str]
    order: float
    fields: list[Field]

    def label(self, lang: str) -> str:
        return _in(self.labels, lang) or ("Autres" if lang == "fr" else "Other")


@dataclass
class Form:
    """The form for one class: its groups in order, and the types its nodes get."""

    target: URIRef
    types: tuple[URIRef, ...]
    groups: list[Group]

    def fields(self) -> Iterator[Field]:
        for group in self.groups:
            yield from group.fields

    def field(self, key: str) -> Field:
        return next(f for f in self.fields() if f.key == key)

    def by_path(self, path: Node) -> Field | None:
        return next((f for f in self.fields() if f.path == path), None)


def read_form(
    shapes: Graph,
    ontology: Graph,
    target: URIRef,
    parent_path: URIRef | None = None,
    depth: int = 0,
) -> Form:
    """The form for ``target`` (see the module): ``parent_path``, for a sub-form, is the
    property its node is the value of."""
    context = shapes + ontology
    by_path = _property_shapes(shapes, ontology, target, parent_path)
    inverse = _inverse(ontology, parent_path) if parent_path is not None else None
    groups: dict[URIRef | None, Group] = {}
    for path, members in by_path.items():
        placed = [m for m in members if (m, SH.group, None) in shapes]
        if not placed or path == inverse:
            continue
        made = _field(shapes, ontology, context, path, members, placed, depth)
        if made is None:
            continue
        group = made.group
        if group not in groups:
            groups[group] = Group(
                group, _texts(shapes, group, RDFS.label), _order(shapes, group), []
            )
        groups[group].fields.append(made)
    ordered = sorted(groups.values(), key=lambda g: (g.order, str(g.iri)))
    for group in ordered:
        group.fields.sort(key=lambda f: (f.order, f.key))
    return Form(target, types_of(ontology, target), ordered)


def types_of(ontology: Graph, cls: URIRef) -> tuple[URIRef, ...]:
    """The types a new node of ``cls`` is written with: the class and the schema.org classes
    the vocabulary aligns it to (``shapes/types.ttl`` asks for them)."""
    found = [cls]
    for parent in ontology.transitive_objects(cls, RDFS.subClassOf):
        if isinstance(parent, URIRef) and parent != cls and parent.startswith(str(SDO)):
            found.append(parent)
    return tuple(found)


# -- which shapes speak of which path ------------------------------------------------------------


def _property_shapes(
    shapes: Graph, ontology: Graph, target: URIRef, parent_path: URIRef | None
) -> dict[URIRef, list[Node]]:
    classes = set(ontology.transitive_objects(target, RDFS.subClassOf)) | {target}
    nodes = {s for cls in classes for s in shapes.subjects(SH.targetClass, cls)}
    if parent_path is not None:
        nodes |= set(shapes.subjects(SH.targetObjectsOf, parent_path))
    by_path: dict[URIRef, list[Node]] = defaultdict(list)
    for node in sorted(nodes, key=str):
        for prop in shapes.objects(node, SH.property):
            path = shapes.value(prop, SH.path)
            if isinstance(path, URIRef) and prop not in by_path[path]:
                by_path[path].append(prop)
    # Rules on a property whatever the class (the languages of text): for the paths asked.
    for path in list(by_path):
        for node in shapes.subjects(SH.targetSubjectsOf, path):
            for prop in shapes.objects(node, SH.property):
                if shapes.value(prop, SH.path) == path and prop not in by_path[path]:
                    by_path[path].append(prop)
    return by_path


def _field(
    shapes: Graph,
    ontology: Graph,
    context: Graph,
    path: URIRef,
    members: list[Node],
    placed: list[Node],
    depth: int,
) -> Field | None:
    main = sorted(placed, key=str)[0]
    named = next((m for m in sorted(members, key=str) if (m, SH.name, None) in shapes), main)
    datatypes: list[URIRef] = []
    classes: list[URIRef] = []
    values: list[URIRef] = []
    languages: list[str] = []
    scheme = None
    editor = None
    unique = False
    iri_only = False
    required = recommended = False
    most: int | None = None
    for member in members:
        warning = shapes.value(member, SH.severity) in (SH.Warning, SH.Info)
        least = shapes.value(member, SH.minCount)
        if least is not None and int(least) >= 1:
            recommended |= warning
            required |= not warning
        limit = shapes.value(member, SH.maxCount)
        if limit is not None and not warning:
            most = int(limit) if most is None else min(most, int(limit))
        unique |= bool(shapes.value(member, SH.uniqueLang))
        iri_only |= shapes.value(member, SH.nodeKind) == SH.IRI
        editor = editor or shapes.value(member, DASH.editor)
        for shape in [member, *_alternatives(shapes, member)]:
            datatypes += [d for d in shapes.objects(shape, SH.datatype) if d not in datatypes]
            classes += [c for c in shapes.objects(shape, SH["class"]) if c not in classes]
            scheme = scheme or _scheme(shapes, shape)
        # Only a rule of the property itself asks for tags; in an sh:or, untagged text passes.
        for head in shapes.objects(member, SH.languageIn):
            languages += [str(t) for t in Collection(shapes, head) if str(t) not in languages]
        for head in shapes.objects(member, SH["in"]):
            values += [v for v in Collection(shapes, head) if isinstance(v, URIRef)]
    if RDF.langString in datatypes and not languages:
        languages = list(UI_LANGUAGES)
    nested = None
    if editor == DASH.DetailsEditor:
        if depth >= MAX_DEPTH or not classes:
            return None
        nested = read_form(shapes, ontology, classes[0], path, depth + 1)
        widget = "nested"
    elif values or scheme is not None:
        widget = "choice"
        if scheme is not None:
            values = sorted(
                (c for c in ontology.subjects(SKOS.inScheme, scheme) if isinstance(c, URIRef)),
                key=lambda c: (_label(context, c, "fr") or "").casefold(),
            )
    elif classes or editor == DASH.AutoCompleteEditor:
        widget = "lookup"
    elif XSD.dateTime in datatypes:
        widget = "datetime"
    elif XSD.date in datatypes:
        widget = "date"
    elif datatypes and set(datatypes) <= NUMBER_TYPES | {XSD.decimal}:
        widget = "number"
    elif iri_only:
        widget = "url"
    elif path in DESCRIPTION_PROPERTIES:
        widget = "textarea"
    else:
        widget = "text"
    per_language = bool(languages) and widget in ("text", "textarea")
    # sh:uniqueLang: one value per language (or one untagged name), never a list.
    repeatable = (most is None or most > 1) and not unique
    return Field(
        key=_local(path),
        path=path,
        names=_texts(shapes, named, SH.name),
        helps=_texts(shapes, named, SH.description),
        group=shapes.value(main, SH.group),
        order=_order(shapes, main),
        widget=widget,
        datatypes=tuple(datatypes),
        classes=tuple(classes),
        choices=tuple(Choice(v, _labels(context, v)) for v in values),
        languages=tuple(languages) if per_language else (),
        required=required,
        recommended=recommended and not required,
        repeatable=repeatable,
        nested=nested,
        inverse=_inverse(ontology, path) if nested is not None else None,
    )


def _alternatives(shapes: Graph, shape: Node) -> list[Node]:
    """The shapes of an ``sh:or`` list (medsh:IsDate, medsh:IsPerson…)."""
    return [alt for head in shapes.objects(shape, SH["or"]) for alt in Collection(shapes, head)]


def _scheme(shapes: Graph, shape: Node) -> URIRef | None:
    """The concept scheme a value must belong to: ``sh:node`` → ``skos:inScheme sh:hasValue``."""
    for node in shapes.objects(shape, SH.node):
        for prop in shapes.objects(node, SH.property):
            if shapes.value(prop, SH.path) == SKOS.inScheme:
                value = shapes.value(prop, SH.hasValue)
                if isinstance(value, URIRef):
                    return value
    return None


def _inverse(ontology: Graph, path: URIRef) -> URIRef | None:
    inverse = ontology.value(path, OWL.inverseOf) or ontology.value(None, OWL.inverseOf, path)
    return inverse if isinstance(inverse, URIRef) else SCHEMA_INVERSES.get(path)


# -- words ----------------------------------------------------------------------------------------


def _texts(graph: Graph, node: Node | None, predicate: URIRef) -> dict[str, str]:
    if node is None:
        return {}
    found: dict[str, str] = {}
    for value in graph.objects(node, predicate):
        if isinstance(value, Literal):
            found.setdefault(value.language or "", str(value))
    return found


def _labels(graph: Graph, node: Node) -> dict[str, str]:
    return _texts(graph, node, SKOS.prefLabel) or _texts(graph, node, RDFS.label)


def _label(graph: Graph, node: Node, lang: str) -> str:
    return _in(_labels(graph, node), lang)


def _order(graph: Graph, node: Node | None) -> float:
    value = graph.value(node, SH.order) if node is not None else None
    return float(value) if value is not None else 1e9


def _in(texts: dict[str, str], lang: str) -> str:
    for key in (lang, *UI_LANGUAGES, ""):
        if key in texts:
            return texts[key]
    return next(iter(texts.values()), "")


def _local(iri: Node) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
