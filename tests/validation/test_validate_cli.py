"""``mediation validate``, run as a person runs it: the real command in a subprocess.

Exit 0 when the data conforms, 1 when it does not or a file does not parse (the data is
at fault), 2 for a usage error (the command line is at fault); never a traceback, and
nothing written.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph, Literal

from service.namespaces import SH

ROOT = Path(__file__).resolve().parents[2]
BASE_FIXTURE = Path(__file__).parent / "fixtures" / "shapes" / "valid" / "base.ttl"


@pytest.fixture(scope="session")
def run(mediation) -> Callable[..., subprocess.CompletedProcess]:
    """``mediation validate``, from the repository unless told otherwise."""

    def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIATION_")}
        return subprocess.run(
            [mediation, "validate", *args],
            cwd=cwd or ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    return run


def assert_no_traceback(result: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.stdout + result.stderr


@pytest.fixture
def invalid_file(tmp_path) -> Path:
    """The valid base fixture with a workshop that ends before it starts."""
    text = BASE_FIXTURE.read_text(encoding="utf-8").replace(
        'schema:endDate "2019-12-04"^^xsd:date', 'schema:endDate "2019-12-03"^^xsd:date'
    )
    path = tmp_path / "invalid.ttl"
    path.write_text(text, encoding="utf-8")
    return path


def test_seed_data_conforms_by_default(run):
    result = run()
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Les données sont conformes aux formes.")
    assert_no_traceback(result)


def test_ontology_and_data_conform_together(run):
    result = run("ontology", "data", "--lang", "en")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("The data conforms to the shapes.")
    assert "0 violation(s)" in result.stdout


def test_data_that_does_not_conform_exits_1_with_a_report_grouped_by_resource(invalid_file, run):
    result = run(str(invalid_file))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "Les données ne sont pas conformes aux formes."
    assert lines[1].startswith("1 violation(s)")
    # The resource, then its result with the shape that found it.
    at = lines.index("<https://w3id.org/mediation-sociale/id/event/fixture-workshop>")
    assert lines[at + 1].startswith("  Violation — L'événement finit")
    assert "forme medsh:EventDatesOrderShape" in lines[at + 2]
    assert_no_traceback(result)


def test_report_in_english(invalid_file, run):
    result = run("--lang", "en", str(invalid_file))
    assert result.returncode == 1
    assert result.stdout.startswith("The data does not conform to the shapes.")
    assert "Violation — The event ends (2019-12-03) before it starts" in result.stdout
    assert "shape medsh:EventDatesOrderShape" in result.stdout


def test_json_format_is_the_shacl_report_as_json_ld(invalid_file, run):
    result = run("--format", "json", str(invalid_file))
    assert result.returncode == 1
    json.loads(result.stdout)  # plain JSON for machines
    report = Graph().parse(data=result.stdout, format="json-ld")
    (node,) = report.subjects(SH.conforms, None)
    assert report.value(node, SH.conforms) == Literal(False)
    (item,) = report.objects(node, SH.result)
    assert str(report.value(item, SH.sourceShape)).endswith("shapes#EventDatesOrderShape")
    assert {m.language for m in report.objects(item, SH.resultMessage)} == {"fr", "en"}


def test_json_format_of_conforming_data(run):
    result = run("--format", "json", "data")
    assert result.returncode == 0
    report = Graph().parse(data=result.stdout, format="json-ld")
    assert Literal(True) in set(report.objects(None, SH.conforms))


def test_added_shapes_apply(run):
    """The search-engine set added to the core shapes: the announced 2020 feedback session has
    a year for its date (no day) and no place, and search engines require both of an event."""
    result = run("--lang", "en", "--shapes", "shapes/search-engines", "data")
    assert result.returncode == 1
    assert "medsh:SearchEvent-startDate" in result.stdout
    assert "2020-restitution-journees-regionales" in result.stdout


def test_broken_turtle_names_the_file_line_and_reason_and_exits_1(tmp_path, run):
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        '@prefix schema: <https://schema.org/> .\n<https://example.org/a> schema:name "open .\n'
    )
    result = run(str(broken))
    assert result.returncode == 1
    assert f"{broken}, ligne 2" in result.stderr and f"{broken}, line 2" in result.stderr
    assert "newline found in string literal" in result.stderr
    assert result.stdout == ""
    assert_no_traceback(result)


def test_broken_file_in_a_folder_is_named_as_found(tmp_path, run):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "good.ttl").write_text(BASE_FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "bad.jsonld").write_text(
        '{"@id": "https://example.org/a",\n "https://schema.org/name": }'
    )
    result = run(str(folder))
    assert result.returncode == 1
    assert f"{folder / 'bad.jsonld'}, line 2" in result.stderr
    assert_no_traceback(result)


@pytest.mark.parametrize(
    "args, message",
    [
        (["nowhere.ttl"], "No such path: nowhere.ttl"),
        (["--shapes", "no-such-shapes"], "No such path: no-such-shapes"),
        (["--bogus"], "No such option"),
        (["--lang", "de"], "Invalid value for '--lang'"),
        (["--format", "xml"], "Invalid value for '--format'"),
    ],
)
def test_usage_errors_exit_2(args, message, run):
    result = run(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert_no_traceback(result)


def test_a_folder_without_rdf_is_a_usage_error(tmp_path, run):
    (tmp_path / "notes.txt").write_text("rien")
    result = run(str(tmp_path))
    assert result.returncode == 2
    assert "Aucun fichier RDF" in result.stderr and "No RDF file" in result.stderr


def test_nothing_is_written(tmp_path, invalid_file, run):
    before = sorted(p for p in tmp_path.rglob("*"))
    for args in ([str(invalid_file)], ["--format", "json", str(invalid_file)]):
        assert run(*args, cwd=tmp_path).returncode == 1
    assert sorted(p for p in tmp_path.rglob("*")) == before


def test_help_lists_the_options(run):
    result = run("--help")
    assert result.returncode == 0
    for option in ("--lang", "--format", "--shapes"):
        assert option in result.stdout


def test_an_ill_typed_literal_is_reported_without_a_traceback(tmp_path, run):
    text = BASE_FIXTURE.read_text(encoding="utf-8").replace(
        'schema:startDate "2019-11-19"^^xsd:date', 'schema:startDate "bientôt"^^xsd:date'
    )
    path = tmp_path / "ill-typed.ttl"
    path.write_text(text, encoding="utf-8")
    result = run("--lang", "en", str(path))
    assert result.returncode == 1
    assert 'value "bientôt"^^xsd:date · shape medsh:Event-startDate' in result.stdout
    assert result.stderr == ""
    assert_no_traceback(result)
