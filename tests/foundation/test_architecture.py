"""The lines the architecture draws (docs/architecture.md), checked on the code itself.

The service is a foundation of a few modules, wings (one folder per part of the service,
each with a README saying its rule), the web layer, the application factory and the
command line. Imports flow one way: cli → app → web → the wings → the store and the
foundation; a wing imports only the wings below it (:data:`WINGS`).
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

#: The repository: this file is tests/foundation/test_architecture.py.
ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "service"

#: Each wing and the wings it may import (besides itself and the foundation).
WINGS: dict[str, set[str]] = {
    "store": set(),
    "validation": set(),
    "search": {"store"},
    "writes": {"store", "validation", "search"},
    "pages": {"store", "search", "writes"},
    "opendata": {"store", "search", "writes", "pages"},
    "sparql": {"store"},
    "ingest": {"store", "validation"},
    "forms": {"store", "validation", "search", "writes"},
    "accounts": {"store"},
    "web": {
        "store",
        "validation",
        "search",
        "writes",
        "pages",
        "opendata",
        "sparql",
        "forms",
        "accounts",
        "ingest",
    },
}
#: The foundation: modules beside the wings that every part may import.
FOUNDATION = {
    "background", "config", "errors", "files", "formats", "labels", "namespaces", "rdfio",
    "seed", "territories",
}  # fmt: skip
#: At the top: the application factory and the command line.
TOP = {"app", "cli"}
#: Web modules every blueprint may use: helpers, not blueprints.
WEB_HELPERS = {
    "__init__", "context", "site", "responses", "caching", "bodies", "filters", "served", "people",
    "framing",
    "headers",
    "fairness",
    "door",
}  # fmt: skip
#: What may import Flask: the web layer and the factory that builds it.
FLASK_USERS = {"web", "top"}
#: A module past this many lines owns two things.
MAX_LINES = 700
#: Top-level names several modules define with the same meaning.
SHARED_NAMES = {"register", "blueprint", "log", "__all__"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def module_exists(name: str) -> bool:
    relative = Path(*name.split("."))
    return (ROOT / relative).with_suffix(".py").is_file() or (
        ROOT / relative / "__init__.py"
    ).is_file()


def statements(path: Path) -> list[tuple[str, list[str]]]:
    """Every import of ``path`` as (absolute module, names imported from it)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            found.append((target, [alias.name for alias in node.names]))
    return found


def imported(path: Path) -> set[str]:
    """Absolute names of every module ``path`` imports (a name imported from a package counts
    as the submodule when one exists)."""
    found: set[str] = set()
    for target, names in statements(path):
        found.add(target)
        found.update(f"{target}.{n}" for n in names if module_exists(f"{target}.{n}"))
    return found


def part_of(name: str) -> str:
    """The wing, ``foundation`` or ``top`` a module of the service belongs to."""
    parts = name.split(".")
    if len(parts) > 2 or (len(parts) == 2 and (PACKAGE / parts[1]).is_dir()):
        return parts[1]
    return "top" if parts[1] in TOP else "foundation"


MODULES = sorted(
    p for p in PACKAGE.rglob("*.py") if "node_modules" not in p.parts and "static" not in p.parts
)
NAMES = {module_name(p): p for p in MODULES}
IDS = {"ids": lambda p: module_name(p)}


def ours(path: Path) -> set[str]:
    return {name for name in imported(path) if name.split(".")[0] == "service" and "." in name}


def test_the_layout_is_the_one_documented():
    wings = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    modules = {p.stem for p in PACKAGE.glob("*.py")}
    assert wings == set(WINGS)
    assert modules == FOUNDATION | TOP
    assert len(modules) <= 12


@pytest.mark.parametrize("path", MODULES, **IDS)
def test_imports_flow_one_way(path):
    """A foundation module imports the foundation only; a wing imports itself, the foundation
    and the wings below it; the web layer never the app or the command line."""
    here = part_of(module_name(path))
    if here == "top":
        return
    allowed = {"foundation", here} | (WINGS[here] if here in WINGS else set())
    wrong = {name for name in ours(path) if part_of(name) not in allowed}
    assert wrong == set()


@pytest.mark.parametrize("path", MODULES, **IDS)
def test_only_the_web_layer_and_the_factory_know_flask(path):
    """``pages/`` builds what a page shows without Flask, like every wing and the foundation."""
    if part_of(module_name(path)) in FLASK_USERS:
        return
    assert {n for n in imported(path) if n.split(".")[0] == "flask"} == set()


BLUEPRINTS = [p for p in MODULES if part_of(module_name(p)) == "web" and p.stem not in WEB_HELPERS]


@pytest.mark.parametrize("path", BLUEPRINTS, **IDS)
def test_blueprints_never_import_each_other(path):
    others = {module_name(p) for p in BLUEPRINTS} - {module_name(path)}
    assert imported(path) & others == set()


@pytest.mark.parametrize("path", [p for p in MODULES if p.name != "__init__.py"], **IDS)
def test_a_wing_module_never_imports_its_own_package(path):
    """Inside a wing, modules import their siblings; the package's ``__init__`` re-exports
    them for the rest of the service (importing it from inside would go in a circle)."""
    here = part_of(module_name(path))
    package = f"service.{here}"
    through_package = [
        names
        for target, names in statements(path)
        if target == package and not all(module_exists(f"{target}.{n}") for n in names)
    ]
    assert here not in WINGS or through_package == []


@pytest.mark.parametrize("path", MODULES, **IDS)
def test_other_parts_reach_a_wing_through_its_package(path):
    """What a wing offers the rest of the service is what its ``__init__`` exports; its inner
    modules are its own business (and free to move)."""
    here = part_of(module_name(path))
    inner = {
        target
        for target, _ in statements(path)
        if target.startswith("service.")
        and target.count(".") >= 2
        and part_of(target) in WINGS
        and part_of(target) != here
    }
    assert inner == set()


@pytest.mark.parametrize("wing", sorted(WINGS))
def test_every_wing_says_its_rule(wing):
    """A README of a few lines: what the wing owns, what it may import, what it must never do."""
    readme = PACKAGE / wing / "README.md"
    assert readme.is_file()
    text = readme.read_text(encoding="utf-8")
    assert len(text.splitlines()) < 60
    assert re.search(r"(?i)import", text) and re.search(r"(?i)never", text)


@pytest.mark.parametrize("path", MODULES, **IDS)
def test_no_module_owns_two_things(path):
    """Past this size a module holds two things: they are named and split."""
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{lines} lines"


def test_no_name_is_defined_twice_with_two_meanings():
    defined: dict[str, list[str]] = defaultdict(list)
    for path in MODULES:
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names = [node.name]
            elif isinstance(node, ast.Assign):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names = [node.target.id]
            else:
                names = []
            for name in names:
                if not name.startswith("_") and name not in SHARED_NAMES:
                    defined[name].append(module_name(path))
    assert {name: where for name, where in defined.items() if len(where) > 1} == {}


def test_the_architecture_page_shows_every_wing():
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert {wing for wing in WINGS if f"service/{wing}/" not in page} == set()


def test_the_docs_name_only_files_that_exist():
    """A path of the code a page names (``service/…``) is there: docs that drift fail."""
    missing = set()
    for page in [ROOT / "README.md", *(ROOT / "docs").glob("*.md"), ROOT / "bench" / "README.md"]:
        for found in re.findall(r"`(service/[\w/.-]+)`", page.read_text(encoding="utf-8")):
            if not (ROOT / found.rstrip("/")).exists():
                missing.add(f"{page.name}: {found}")
    assert missing == set()
