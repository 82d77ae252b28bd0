"""Every third-party package civicdata imports is declared in pyproject.toml, and the lock files keep
production free of the development tools."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGE = REPO_ROOT / "civicdata"
# Test helpers that live outside tests/ folders but only tests import.
TEST_ONLY_MODULES = {PACKAGE / "core" / "testing.py"}
DEV_ONLY = {"pytest", "pytest-django", "pytest-xdist", "pytest-randomly", "playwright", "ruff", "ckanapi"}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    return normalise(re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0])


def declared() -> tuple[set[str], set[str]]:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = {requirement_name(r) for r in project["dependencies"]}
    dev = {requirement_name(r) for r in project["optional-dependencies"]["dev"]}
    return runtime, dev


def imported_top_level(paths: list[Path]) -> set[str]:
    names = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    # bench/ helpers (`_site`, `_common`) are the repository's own modules, put on sys.path by whoever uses them.
    local = {path.stem for path in (REPO_ROOT / "bench").glob("*.py")}
    return {name for name in names if name not in sys.stdlib_module_names and name != "civicdata" and name not in local}


def distributions(modules: set[str]) -> dict[str, set[str]]:
    """Module name → the distributions that provide it (normalised names)."""
    provided = importlib.metadata.packages_distributions()
    return {module: {normalise(d) for d in provided.get(module, [])} for module in modules}


def is_test_file(path: Path) -> bool:
    return "tests" in path.relative_to(PACKAGE).parts or path in TEST_ONLY_MODULES


def test_every_package_the_code_imports_is_a_runtime_dependency():
    runtime, _ = declared()
    code = [path for path in PACKAGE.rglob("*.py") if not is_test_file(path)]
    undeclared = {
        module: dists for module, dists in distributions(imported_top_level(code)).items() if not dists & runtime
    }
    assert undeclared == {}, "imported by civicdata/ but not in [project] dependencies"


def test_every_package_the_tests_import_is_declared():
    runtime, dev = declared()
    tests = [path for path in PACKAGE.rglob("*.py") if is_test_file(path)]
    tests += [*(REPO_ROOT / "tests").rglob("*.py"), REPO_ROOT / "conftest.py"]
    undeclared = {
        module: dists
        for module, dists in distributions(imported_top_level(tests)).items()
        if not dists & (runtime | dev)
    }
    assert undeclared == {}, "imported by tests but declared nowhere in pyproject.toml"


def pins(lock: str) -> dict[str, str]:
    found = {}
    for line in (REPO_ROOT / lock).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            found[normalise(name)] = version.strip()
    return found


def test_production_lock_has_no_development_tools_and_the_dev_lock_agrees_with_it():
    runtime_pins, dev_pins = pins("requirements.lock"), pins("requirements-dev.lock")
    assert DEV_ONLY & set(runtime_pins) == set()
    assert set(dev_pins) >= DEV_ONLY
    assert {name: dev_pins.get(name) for name in runtime_pins} == runtime_pins
    runtime, dev = declared()
    assert runtime <= set(runtime_pins), "a runtime dependency is missing from requirements.lock (run `make lock`)"
    assert dev <= set(dev_pins), "a dev dependency is missing from requirements-dev.lock (run `make lock`)"
