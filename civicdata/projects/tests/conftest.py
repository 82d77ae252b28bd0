"""Fixtures for the projects tests."""

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Pages may leave another language active on the thread; service messages are asserted in English."""
    with translation.override("en"):
        yield
