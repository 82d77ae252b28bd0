"""Fixtures shared by the catalog tests."""

from civicdata.catalog.tests.crawl_site import site  # noqa: F401 (the loopback site fixture)
