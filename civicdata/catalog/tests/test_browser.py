"""Browser checks of the main catalog pages: they render, work without JavaScript and pass axe-core."""

from __future__ import annotations

import pytest

from civicdata.accounts.tests.factories import make_organization
from civicdata.catalog.tests.factories import make_dataset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_and_dataset_pages_are_accessible(live_page, assert_no_axe_violations):
    """The search page (with facets) and a dataset page have no WCAG 2.1 A/AA violations."""
    parks = make_organization("Parks Department", slug="parks")
    dataset = make_dataset(parks, identifier="trees", title="Street trees", keyword=["trees"], theme=["Environment"])
    live_page.goto("/datasets/?q=trees")
    assert live_page.locator("h1").inner_text() == "Datasets"
    assert_no_axe_violations(live_page)
    live_page.goto(dataset.get_absolute_url())
    assert "Street trees" in live_page.locator("h1").inner_text()
    assert_no_axe_violations(live_page)
