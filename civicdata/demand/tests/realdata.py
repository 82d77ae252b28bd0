"""Locate the shared real public data for demand tests (skip when it is not checked out)."""

from __future__ import annotations

from pathlib import Path

from civicdata.core.testing import realdata_path


def realdata_file(relative: str) -> Path:
    """Path of a real-data file, or skip the test with the reason when it is absent."""
    return realdata_path(relative)
