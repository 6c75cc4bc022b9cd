"""What the shapes read beyond a node's own triples (:class:`Reach`), read from the shapes.

Most of it is in the shapes' own triples (``sh:targetClass``, ``sh:inversePath``,
``sh:targetObjectsOf``); the rest is in the text of the SHACL-SPARQL constraints, the
triple patterns whose object is ``$this``. Parsing those texts with rdflib's SPARQL parser
costs seconds on a busy machine, at every start and every ``mediation load``, for an answer
that changes only when a query's text does: :data:`KNOWN` holds each text's answer under the
hash of the text and the prefixes it is read with, and a text not in it (a shape changed
since) is parsed as before. ``tests/validation/test_shapes_meta.py`` fails when the table
no longer matches the shapes, and prints the table to put in its place.
"""

from __future__ import annotations

import hashlib
import json
from collections import deque
from dataclasses import dataclass

from rdflib import Graph, URIRef, Variable
from rdflib.namespace import RDF, RDFS, SH
from rdflib.plugins.sparql.parserutils import CompValue

from ..rdfio import prepare_sparql_query

#: In :data:`KNOWN`: a triple pattern ``?x ?p $this``, through any property.
ANY = "*"


@dataclass(frozen=True)
class Reach:
    """What the shapes look at beyond a node's own triples."""

    #: Classes a shape targets, with their subclasses in the vocabulary.
    classes: frozenset[URIRef]
    #: Properties the shapes read from object to subject (``?x p $this``).
    inverse: frozenset[URIRef]
    #: True when a constraint reads links to ``$this`` through any property.
    any_inverse: bool = False


def reach_of(shapes: Graph, ontology: Graph) -> Reach:
    """Read the shapes once: the classes they target and the properties they follow backwards."""
    inverse: set[URIRef] = set(shapes.objects(None, SH.targetObjectsOf))
    inverse |= {p for p in shapes.objects(None, SH.inversePath) if isinstance(p, URIRef)}
    any_inverse = False
    prefixes = declared_prefixes(shapes)
    for _, text in shapes.subject_objects(SH.select):
        key = text_key(str(text), prefixes)
        read = KNOWN[key] if key in KNOWN else backward_properties(str(text), prefixes)
        for predicate in read:
            if predicate == ANY:
                any_inverse = True
            else:
                inverse.add(URIRef(predicate))
    targeted = {c for c in shapes.objects(None, SH.targetClass) if isinstance(c, URIRef)}
    # Implicit class targets: a shape that is also a class (SHACL §2.1.3.3).
    targeted |= {
        s for s in shapes.subjects(RDF.type, RDFS.Class) if (s, RDF.type, SH.NodeShape) in shapes
    }
    classes = set(targeted)
    queue = deque(targeted)
    while queue:
        current = queue.popleft()
        for sub in ontology.subjects(RDFS.subClassOf, current):
            if isinstance(sub, URIRef) and sub not in classes:
                classes.add(sub)
                queue.append(sub)
    return Reach(frozenset(classes), frozenset(inverse), any_inverse)


def declared_prefixes(shapes: Graph) -> dict[str, str]:
    """The prefixes the shapes declare for their SPARQL (``sh:declare``)."""
    return {
        str(shapes.value(declaration, SH.prefix)): str(shapes.value(declaration, SH.namespace))
        for declaration in shapes.objects(None, SH.declare)
    }


def text_key(text: str, prefixes: dict[str, str]) -> str:
    """What :data:`KNOWN` files a query under: the hash of its text and of its prefixes."""
    read = json.dumps(sorted(prefixes.items())) + "\n" + text
    return hashlib.sha256(read.encode("utf-8")).hexdigest()


def backward_properties(text: str, prefixes: dict[str, str]) -> tuple[str, ...]:
    """The properties of the query's triple patterns ``?x p $this``, sorted (:data:`ANY`
    for a variable property), found by parsing it."""
    triples: list = []
    _bgp_triples(prepare_sparql_query(text, initNs=prefixes).algebra, triples)
    found = {
        str(predicate) if isinstance(predicate, URIRef) else ANY
        for _, predicate, obj in triples
        if obj == Variable("this")
    }
    return tuple(sorted(found))


def known_table(shapes: Graph) -> dict[str, tuple[str, ...]]:
    """What :data:`KNOWN` should hold for ``shapes``: each SPARQL text's answer, parsed."""
    prefixes = declared_prefixes(shapes)
    return {
        text_key(str(text), prefixes): backward_properties(str(text), prefixes)
        for _, text in sorted(shapes.subject_objects(SH.select), key=lambda so: str(so[1]))
    }


def table_source(shapes: Graph) -> str:
    """:data:`KNOWN` as it should read for ``shapes``, as Python."""
    rows = "".join(f"    {key!r}: {value!r},\n" for key, value in known_table(shapes).items())
    return "KNOWN: dict[str, tuple[str, ...]] = {\n" + rows + "}\n"


def _bgp_triples(node: object, out: list) -> None:
    if isinstance(node, CompValue):
        if node.name == "BGP":
            out.extend(node.triples)
        for value in node.values():
            _bgp_triples(value, out)
    elif isinstance(node, (list, tuple)):
        for value in node:
            _bgp_triples(value, out)
    elif isinstance(node, dict):
        for value in node.values():
            _bgp_triples(value, out)


#: The core shapes' SPARQL constraints, read once (:func:`known_table`): the hash of each
#: text with its prefixes, and the properties it reads backwards.
KNOWN: dict[str, tuple[str, ...]] = {
    "dd9f995bcf85253d43a2ae8e0c254ef432df0aeee33b86c2cf7aad5867e3d4c7": (),
    "229186ea7ff79ce856b15af22f7075bf267770e1401713f6c5fbe70ab9c66b6d": (),
    "3ae086404825c3b77209f36f0fb224e683fd4c7500ac03429d5e823b9fba01af": (),
    "57f1fa2b361b947a70e80f7613d37bccda6fc99f6ccf8919d9c9f4c98c0a84d9": (),
    "35609a1e30f27de76f4ef1d7f9213b3720824c2b7faea7176b64fb581ccf8c88": (),
    "2f5182594556d992e7bde7226e531675159d7a7263acc0dc75be24cf2f115d1a": (),
    "776af094b76ced08b112ca782f83acabcbf8b3a47dae5a285199f813dc53325c": (),
    "c20901b6fc5d6a3f6aa36d42c83c6c53ba932c832166a8e5e60a9c4e090c2b30": (),
    "b176ed6d161130311e377b09183718268acae51e11aa3c8147adc5ab3be023c4": (
        "https://w3id.org/mediation-sociale/def#hasRole",
    ),
    "0f99ece6bf732b083a78b1b918d7d5c61746f0b188a5820e4254b2ba759892c6": (
        "https://schema.org/subEvent",
    ),
    "8a2809b8e9b05dd209f9f50423a2698214fc0b0d59834d64d9e8072354f9399c": (
        "https://schema.org/subEvent",
    ),
    "250901e0de72955a185b66e6974ea288ecb37cd84cf6aca37a18d6dade971c87": (
        "http://www.w3.org/2004/02/skos/core#hasTopConcept",
    ),
}
