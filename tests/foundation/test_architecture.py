"""The lines the architecture draws (docs/architecture.md), checked on the imports themselves."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

#: The repository: this file is tests/foundation/test_architecture.py.
ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "service"
#: Web modules that every blueprint may use: they are helpers, not blueprints.
WEB_HELPERS = {
    "service.web",
    "service.web.site",
    "service.web.context",
    "service.web.responses",
    "service.web.caching",
    "service.web.bodies",
}
#: What the store package may import besides itself.
STORE_MAY_USE = {
    "service.errors",
    "service.files",
    "service.formats",
    "service.config",
    "service.namespaces",
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """Absolute names of every module ``path`` imports (a name imported from a package counts
    as the submodule when one exists)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                if module_exists(candidate):
                    found.add(candidate)
    return found


def module_exists(name: str) -> bool:
    relative = Path(*name.split("."))
    return (ROOT / relative).with_suffix(".py").is_file() or (
        ROOT / relative / "__init__.py"
    ).is_file()


MODULES = sorted(
    p for p in PACKAGE.rglob("*.py") if "node_modules" not in p.parts and "static" not in p.parts
)
#: The RDF core: every module of the package but the store, the web layer, the app and the CLI
#: (sub-packages such as ``service.ingest`` included).
CORE = [
    p
    for p in MODULES
    if not module_name(p).startswith(("service.store", "service.web"))
    and module_name(p) not in {"service", "service.app", "service.cli"}
]
STORE = [p for p in MODULES if module_name(p).startswith("service.store")]
BLUEPRINTS = [
    p
    for p in MODULES
    if module_name(p).startswith("service.web.") and module_name(p) not in WEB_HELPERS
]


def test_the_lists_are_not_empty():
    assert CORE and STORE and BLUEPRINTS


@pytest.mark.parametrize("path", CORE + STORE, ids=lambda p: module_name(p))
def test_the_rdf_core_and_the_store_never_import_flask_or_the_web(path):
    forbidden = {
        name
        for name in imported(path)
        if name.split(".")[0] == "flask"
        or name.startswith(("service.web", "service.app", "service.cli"))
    }
    assert forbidden == set()


@pytest.mark.parametrize("path", STORE, ids=lambda p: module_name(p))
def test_the_store_depends_on_nothing_above_it(path):
    ours = {name for name in imported(path) if name.startswith("service")}
    above = {
        name for name in ours if not name.startswith("service.store") and name not in STORE_MAY_USE
    }
    assert above == set()


@pytest.mark.parametrize("path", BLUEPRINTS, ids=lambda p: module_name(p))
def test_blueprints_never_import_each_other(path):
    others = {module_name(p) for p in BLUEPRINTS} - {module_name(path)}
    assert imported(path) & others == set()
