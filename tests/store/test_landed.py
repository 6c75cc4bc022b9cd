"""The quads a bulk load wrote, kept by subject (``LandedQuads``): read back from their own
lines, each subject's quads are those the store holds for it in the new graphs, blank nodes
named as the store names them."""

from __future__ import annotations

import pytest
from rdflib import BNode, Literal, URIRef

from service.formats import NQUADS, TURTLE
from service.store import LandedQuads
from service.store.embedded import EmbeddedStore

EX = "http://example.org/"
NEW = URIRef(EX + "graph/new")

NQ = f"""<{EX}a> <{EX}name> "A \\"quoted\\"\\nline"@fr <{NEW}> .
<{EX}a> <{EX}knows> _:x <{NEW}> .
_:x <{EX}name> "X" <{NEW}> .
_:x <{EX}count> "01"^^<http://www.w3.org/2001/XMLSchema#integer> <{NEW}> .
<{EX}b> <{EX}knows> <{EX}a> <{NEW}> .
<{EX}a> <{EX}age> "7"^^<http://www.w3.org/2001/XMLSchema#integer> <{NEW}> .
<{EX}c> <{EX}name> "dans le graphe par défaut" .
<{EX}a> <{EX}name> "A" <{NEW}> .
"""


@pytest.fixture
def store(tmp_path) -> EmbeddedStore:
    opened = EmbeddedStore(tmp_path / "store", workers=False)
    # A blank node of the store's own: the load's are renamed, never merged with it.
    opened.load(f'_:x <{EX}name> "déjà là" <{EX}graph/old> .\n'.encode(), NQUADS, None)
    yield opened
    opened.close()


def test_each_subject_reads_back_what_the_store_holds_for_it(store, tmp_path):
    landed = LandedQuads(tmp_path / "landed.nq")
    store.load(NQ.encode(), NQUADS, None, check=lambda: None, landed=landed)
    assert landed.count == 8
    new = {q for q in store.quads() if q[3] in (NEW, None)}
    subjects = {q[0] for q in new}
    assert len([s for s in subjects if isinstance(s, BNode)]) == 1
    for subject in subjects:
        if isinstance(subject, BNode):  # "01"^^xsd:integer, which the store gives back "1"
            assert landed.quads(subject) is None
        else:
            assert set(landed.quads(subject)) == {q for q in new if q[0] == subject}
    a = URIRef(EX + "a")  # its lines apart in the file: three spans
    assert Literal('A "quoted"\nline', lang="fr") in {q[2] for q in landed.quads(a)}
    assert landed.quads(URIRef(EX + "nobody")) == [] and landed.quads(Literal("a")) == []
    assert landed.quads(BNode("x")) == []  # the file's label, renamed on the way
    landed.close()


def test_a_graph_format_lands_in_its_graph_and_reads_back(store, tmp_path):
    landed = LandedQuads(tmp_path / "landed.nq")
    turtle = f'<{EX}d> <{EX}name> "D" ; <{EX}knows> [ <{EX}name> "Y" ] .\n'
    store.load(turtle.encode(), TURTLE, NEW, check=lambda: None, landed=landed)
    quads = landed.quads(URIRef(EX + "d"))
    assert len(quads) == 2 and {q[3] for q in quads} == {NEW}
    assert set(quads) == set(store.quads(subject=URIRef(EX + "d")))
    blank = next(q[2] for q in quads if isinstance(q[2], BNode))
    assert set(landed.quads(blank)) == set(store.quads(subject=blank))
    landed.close()


ANSWERED = {
    "date": ["2024-05-02", "2024-05-02Z", "2024-05-02+05:30", "2024-02-30", "1999-12-31-14:00"],
    "dateTime": [
        "2024-05-02T10:00:00",
        "2024-05-02T10:00:05.5Z",
        "2024-05-02T23:59:59.125-03:00",
    ],
    "integer": ["0", "-12", "123456789012345678"],
    "boolean": ["true", "false"],
}
FROM_THE_STORE = {
    "date": ["2024-05-02+00:00", "02/05/2024"],
    "dateTime": ["2024-05-02T24:00:00", "2024-05-02T10:00:00.500"],
    "integer": ["01", "+1", "-0"],
    "boolean": ["1"],
    "decimal": ["1.0"],
}


def test_typed_literals_are_answered_only_when_the_store_gives_them_back_as_written(
    store, tmp_path
):
    lines, kinds = [], {}
    for answered, samples in ((True, ANSWERED), (False, FROM_THE_STORE)):
        for datatype, values in samples.items():
            for value in values:
                subject = URIRef(f"{EX}{datatype}/{len(kinds)}")
                kinds[subject] = answered
                lines.append(
                    f'<{subject}> <{EX}value> "{value}"^^<http://www.w3.org/2001/XMLSchema#'
                    f"{datatype}> <{NEW}> .\n"
                )
    # Many blank nodes: their labels, written and read back, are the store's.
    lines += [
        f'<{EX}holder> <{EX}part> _:b{n} <{NEW}> .\n_:b{n} <{EX}n> "{n}" <{NEW}> .\n'
        for n in range(300)
    ]
    landed = LandedQuads(tmp_path / "landed.nq")
    store.load("".join(lines).encode(), NQUADS, None, check=lambda: None, landed=landed)
    for subject, answered in kinds.items():
        held = set(store.quads(subject=subject))
        found = landed.quads(subject)
        assert (found is not None) == answered, subject
        if answered:
            assert set(found) == held, subject
    blanks = {q[2] for q in store.quads(subject=URIRef(EX + "holder"))}
    assert {q[2] for q in landed.quads(URIRef(EX + "holder"))} == blanks
    for blank in blanks:
        assert set(landed.quads(blank)) == set(store.quads(subject=blank))
    landed.close()
