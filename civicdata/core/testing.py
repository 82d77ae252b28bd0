"""Helpers for tests across apps: where the shared real data lives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent.parent


def realdata_root() -> Path:
    return Path(os.environ.get("CIVICDATA_REALDATA", REPO_ROOT.parent / "shared" / "realdata"))


def realdata_path(relative: str) -> Path:
    """Path to a file under ../shared/realdata; skips the test with a clear reason when it is absent."""
    path = realdata_root() / relative
    if not path.exists():
        pytest.skip(
            f"real data {relative} not found under {realdata_root()} (set CIVICDATA_REALDATA)",
            allow_module_level=True,
        )
    return path
