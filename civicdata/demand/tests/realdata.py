"""Locate the shared real public data for demand tests (skip when it is not checked out)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def realdata_file(relative: str) -> Path:
    """Path of a real-data file, or skip the test with the reason when it is absent."""
    try:
        from civicdata.core.testing import realdata_path

        path = Path(realdata_path(relative))
    except ImportError:
        root = os.environ.get("CIVICDATA_REALDATA") or Path(__file__).resolve().parents[4] / "shared" / "realdata"
        path = Path(root) / relative
    if not path.exists():
        pytest.skip(f"real data not available: {relative} (set CIVICDATA_REALDATA)")
    return path
