"""How long SHACL validation takes, and what the choices of service/validation.py buy.

    .venv/bin/python bench/validation.py [--repeat 5]

Times (median of --repeat runs, in process):

* building the project's validator (core shapes of shapes/ and ontology/ as context);
* validating data/ and ontology/ whole, as ``mediation validate`` does;
* validating a write-sized piece (a workshop and its report, about 30 triples, with the
  types of what they point at) with its subjects as focus nodes, as writes do;
* the same piece when every SPARQL constraint is parsed again on each focus node
  (rdflib's behaviour without the prepared-query cache);
* the compiled validator (``service/validation/compiled.py``): built, on the same piece and
  on data/;
* pySHACL's ``inference="rdfs"`` on data/ with the ontology, against ``"none"``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from rdflib import RDF, Graph, URIRef

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.rdfio import parse_files
from service.seed import rdf_files
from service.validation import CompiledValidator
from service.validation.shacl import ONTOLOGY_DIR, Validator, core_shape_files

WORKSHOP = URIRef("https://w3id.org/mediation-sociale/id/event/2019-12-04-lievin-atelier-formation")


def median_ms(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def piece_of(data: Graph) -> tuple[Graph, list[URIRef]]:
    """The workshop, its report, and the types of everything they point at."""
    piece = Graph()
    focus = [WORKSHOP, URIRef(str(WORKSHOP) + "#compte-rendu")]
    for subject in focus:
        for triple in data.triples((subject, None, None)):
            piece.add(triple)
    for target in {o for o in piece.objects() if isinstance(o, URIRef)}:
        for kind in data.objects(target, RDF.type):
            piece.add((target, RDF.type, kind))
    return piece, focus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat

    shapes = parse_files(core_shape_files())
    ontology = parse_files(rdf_files([ONTOLOGY_DIR]))
    data = parse_files(rdf_files([ROOT / "data"]))
    rows: list[tuple[str, float]] = []

    rows.append(
        (
            "build the validator (shapes parsed, ontology copied)",
            median_ms(lambda: Validator(shapes, ontology), repeat),
        )
    )
    validator = Validator(shapes, ontology)
    validator.validate(data)  # warm: SPARQL prepared, shapes harvested
    rows.append(
        (f"data/ whole ({len(data)} triples)", median_ms(lambda: validator.validate(data), repeat))
    )
    rows.append(
        (
            f"ontology/ whole ({len(ontology)} triples)",
            median_ms(lambda: validator.validate(ontology), repeat),
        )
    )

    piece, focus = piece_of(data)
    assert validator.validate(piece, focus_nodes=focus).conforms
    rows.append(
        (
            f"write-sized piece ({len(piece)} triples), its subjects as focus",
            median_ms(lambda: validator.validate(piece, focus_nodes=focus), repeat * 4),
        )
    )

    compiled = CompiledValidator(shapes, ontology)
    rows.append(
        (
            "the compiled validator: build (shapes read into checks, ontology indexed)",
            median_ms(lambda: CompiledValidator(shapes, ontology), repeat),
        )
    )
    compiled.validate(piece, focus_nodes=focus)  # warm: the scratch store of the SPARQL rules
    rows.append(
        (
            "the compiled validator: the same write-sized piece",
            median_ms(lambda: compiled.validate(piece, focus_nodes=focus), repeat * 4),
        )
    )
    rows.append(
        (
            f"the compiled validator: data/ whole ({len(data)} triples)",
            median_ms(lambda: compiled.validate(data), repeat),
        )
    )

    def unprepared() -> None:
        validator._work._queries.clear()  # every SPARQL text parsed again, as rdflib alone does
        validator.validate(piece, focus_nodes=focus)

    rows.append(
        ("the same, SPARQL constraints parsed on every call", median_ms(unprepared, repeat))
    )

    from pyshacl import validate

    union = Graph()
    union += data
    rows.append(
        (
            "pySHACL validate(data/, ont_graph=ontology, inference='none')",
            median_ms(
                lambda: validate(
                    data,
                    shacl_graph=shapes,
                    ont_graph=ontology,
                    inference="none",
                    allow_warnings=True,
                ),
                max(1, repeat // 2),
            ),
        )
    )
    rows.append(
        (
            "pySHACL validate(data/, ont_graph=ontology, inference='rdfs')",
            median_ms(
                lambda: validate(
                    data,
                    shacl_graph=shapes,
                    ont_graph=ontology,
                    inference="rdfs",
                    allow_warnings=True,
                ),
                max(1, repeat // 2),
            ),
        )
    )

    width = max(len(label) for label, _ in rows)
    for label, ms in rows:
        print(f"{label:<{width}}  {ms:10.1f} ms")


if __name__ == "__main__":
    main()
