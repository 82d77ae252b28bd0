"""Apps only look down: the import-linter contracts in pyproject.toml hold for the code base, and the same
contracts catch an upward import (also a lazy one inside a function, or one in a lower app's tests)."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"


def lint_imports(*args: str, cwd: Path, pythonpath: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    return subprocess.run(
        [sys.executable, "-c", LINT, "--no-cache", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_code_base_keeps_its_import_layers():
    result = lint_imports(cwd=ROOT, pythonpath=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Apps only look down KEPT" in result.stdout


def our_layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = (c for c in config["contracts"] if c["type"] == "layers")
    return contract["layers"]


def build_probe(root: Path) -> Path:
    """A package `probe` with one module per layer of our contract, each importing only the layer below;
    returns the import-linter configuration applying our layers to it."""
    layers = [entry.replace("civicdata.", "probe.") for entry in our_layers()]
    modules = [name.strip() for entry in layers for name in entry.split("|")]
    (root / "probe").mkdir()
    (root / "probe" / "__init__.py").write_text("")
    for name in modules:
        package = root / Path(*name.split("."))
        (package / "tests").mkdir(parents=True)
        (package / "__init__.py").write_text("")
        (package / "tests" / "__init__.py").write_text("")
    for upper, lower in itertools.pairwise(layers):
        for name in upper.split("|"):
            below = lower.split("|")[0].strip()
            (root / Path(*name.strip().split(".")) / "services.py").write_text(f"import {below}\n")
    config = root / "layers.toml"
    layer_lines = "".join(f'  "{entry}",\n' for entry in layers)
    config.write_text(
        '[tool.importlinter]\nroot_package = "probe"\n\n[[tool.importlinter.contracts]]\n'
        f'name = "Apps only look down"\ntype = "layers"\nlayers = [\n{layer_lines}]\n'
    )
    return config


@pytest.mark.parametrize(
    ("module", "source", "message"),
    [
        (
            "catalog/views.py",
            "def search():\n    from probe.demand import services\n    return services\n",
            "probe.catalog is not allowed to import probe.demand",
        ),
        ("core/tests/test_home.py", "import probe.site.services\n", "probe.core is not allowed to import probe.site"),
        ("datastore/panels.py", "from probe.demand import services\n", "probe.datastore is not allowed to import"),
    ],
    ids=["lazy-upward-import", "lower-app-test-imports-the-site", "siblings-import-each-other"],
)
def test_an_upward_import_breaks_the_contract(tmp_path, module, source, message):
    config = build_probe(tmp_path)
    clean = lint_imports(str(config), cwd=tmp_path, pythonpath=tmp_path)
    assert clean.returncode == 0, clean.stdout + clean.stderr  # looking down is allowed
    (tmp_path / "probe" / module).write_text(source)
    broken = lint_imports(str(config), cwd=tmp_path, pythonpath=tmp_path)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert message in broken.stdout
