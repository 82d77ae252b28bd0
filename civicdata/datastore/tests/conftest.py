"""Datastore tests run against a URL map with only the shell, the API and this app's pages."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _datastore_urls(settings) -> None:
    settings.ROOT_URLCONF = "civicdata.datastore.tests.urls"
