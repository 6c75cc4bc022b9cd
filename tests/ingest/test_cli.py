"""``mediation ingest`` as an operator runs it: files in, a draft and a report out, exit codes.

0: the draft conforms (warnings allowed) and is written; 1: the source cannot be turned
into a valid draft (nothing is written); 2: usage error. Never a traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Dataset, URIRef
from rdflib.namespace import RDF

from service.namespaces import MED, SDO
from service.rdfio import parse, parse_dataset

SEED = "seed/000_6c48d4cfc32f2d43.txt"
BASE = "https://w3id.org/mediation-sociale/"
ARTICLE = URIRef(BASE + "id/article/irev-2019-12-13-250-professionnels-reunis-mediation")


@pytest.fixture(scope="session")
def ingest(mediation) -> Callable[..., subprocess.CompletedProcess]:
    """``mediation ingest``, in an environment without settings of its own."""

    def ingest(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIATION_")}
        return subprocess.run(
            [mediation, "ingest", *map(str, args)],
            capture_output=True,
            text=True,
            env=env,
            cwd=cwd,
            timeout=300,
        )

    return ingest


@pytest.fixture(scope="module")
def seed(shared) -> Path:
    return shared / SEED


def test_turtle_draft_written_then_the_french_report(seed, tmp_path, ingest):
    output = tmp_path / "brouillon-lievin.ttl"
    done = ingest(seed, "--output", output)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(
        f"Brouillon écrit : {output} (graphe <{BASE}graph/brouillon-lievin>"
    )
    assert "Validation :" in done.stdout and "Les données sont conformes aux formes." in done.stdout
    assert done.stderr == ""
    draft = parse(output.read_bytes(), name=output)
    graph = URIRef(BASE + "graph/brouillon-lievin")  # named after the file, as `load` will name it
    assert draft.value(graph, MED.curationStatus) == URIRef(BASE + "id/curation/brouillon")
    assert (ARTICLE, RDF.type, SDO.NewsArticle) in draft


def test_trig_in_its_named_graph_with_an_english_report(seed, tmp_path, ingest):
    output = tmp_path / "draft.trig"
    done = ingest(seed, "--output", output, "--format", "trig", "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Draft written: {output}")
    assert "Brouillon" not in done.stdout.split("\n", 1)[1]  # the report speaks one language
    dataset: Dataset = parse_dataset(output.read_bytes(), name=output)
    named = dataset.graph(URIRef(BASE + "graph/draft"))
    assert (ARTICLE, SDO.publisher, URIRef(BASE + "id/actor/irev")) in named


def test_jsonld_on_standard_output_and_the_report_on_standard_error(seed, ingest):
    done = ingest(seed, "--format", "jsonld")
    assert done.returncode == 0, done.stderr
    json.loads(done.stdout)  # nothing but the draft on standard output
    draft = parse(done.stdout, fmt="jsonld")
    assert (ARTICLE, MED.embeds, URIRef(BASE + "id/post/twitter-1202253569807855620")) in draft
    assert done.stderr.startswith("Brouillon écrit : la sortie standard")


def _modified_before_published(text: str) -> bytes:
    return text.replace("modifié le 13/12/2019 - 15:52", "modifié le 12/12/2019 - 15:52").encode()


@pytest.mark.parametrize(
    "name, content, lang, said",
    [
        ("empty", lambda text: b"", "fr", "fichier vide"),
        (
            "binary",
            lambda text: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "en",
            "binary file (NUL byte on line 3, offset 8)",
        ),
        (
            "windows-1252",
            lambda text: text.replace("➤", "•").encode("cp1252"),
            "fr",
            "ligne 4, colonne 7 : octet 0xe9 qui n'est pas de l'UTF-8",
        ),
        (
            "modified-before-published",
            _modified_before_published,
            "en",
            "Draft not written: it does not conform",
        ),
    ],
)
def test_source_that_gives_no_valid_draft(seed, tmp_path, name, content, lang, said, ingest):
    source = tmp_path / f"{name}.txt"
    source.write_bytes(content(seed.read_text(encoding="utf-8")))
    output = tmp_path / "draft.ttl"
    done = ingest(source, "--output", output, "--lang", lang)
    assert done.returncode == 1
    assert said in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert not output.exists()  # nothing written, not even a part
    assert not list(tmp_path.glob(".draft.ttl.*"))


@pytest.mark.parametrize(
    "args, said",
    [
        (["missing.txt"], "No such file: missing.txt"),
        (["."], "is a folder, not a file"),
        (["{seed}", "--format", "rdfxml"], "Invalid value for '--format'"),
        (["{seed}", "--lang", "de"], "Invalid value for '--lang'"),
    ],
)
def test_usage_errors(seed, tmp_path, args, said, ingest):
    done = ingest(*[a.format(seed=seed) for a in args], cwd=tmp_path)
    assert done.returncode == 2
    assert said in done.stderr and "Traceback" not in done.stderr


def test_use_store_without_a_store(seed, tmp_path, ingest):
    done = ingest(seed, "--use-store", "--store", tmp_path / "nothing-here", "--lang", "en")
    assert done.returncode == 1
    assert f"No store in {tmp_path / 'nothing-here'}" in done.stderr
    assert not (tmp_path / "nothing-here").exists()  # looked at, not created
