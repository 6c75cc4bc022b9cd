"""One compiled validator checks the writes of every publisher at once (``writes/``): several
threads validating with it at the same time each get the report they get alone. Its
per-call state (the call's index, its scratch store for the SHACL-SPARQL checks) is the
call's own, so no lock serialises the validations."""

from __future__ import annotations

from service.rdfio import parse_files
from service.seed import rdf_files
from service.validation import CompiledValidator
from service.validation.shacl import ONTOLOGY_DIR

THREADS = 4


def reading(report) -> tuple:
    """What a report says, as people and machines read it."""
    return report.conforms, report.to_text("fr"), report.to_text("en"), report.to_dict()


def test_threads_validating_at_once_each_get_their_own_report(core, every_broken, at_once):
    checker = CompiledValidator(core.shapes_graph, parse_files(rdf_files([ONTOLOGY_DIR])))
    alone = {name: reading(checker.validate(graph, focus)) for name, graph, focus in every_broken}
    # Nearly every fixture breaks a violation's rule (a few break a warning's only).
    assert sum(1 for said in alone.values() if not said[0]) >= 0.9 * len(every_broken)
    found: dict[tuple[int, str], tuple] = {}

    def validate(number: int) -> None:
        # Each thread takes the fixtures in its own order, so different ones overlap.
        for name, graph, focus in every_broken[number:] + every_broken[:number]:
            found[(number, name)] = reading(checker.validate(graph, focus))

    assert at_once(validate, THREADS) == []
    assert len(found) == THREADS * len(every_broken)
    for (_, name), said in found.items():
        assert said == alone[name], name
