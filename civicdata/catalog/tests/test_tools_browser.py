"""The validator and merger pages in a real browser: usable without JavaScript errors and free of axe violations."""

from __future__ import annotations

import json

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

V11 = "https://project-open-data.cio.gov/v1.1/schema"


def test_validator_form_and_report_are_accessible(live_page, assert_no_axe_violations):
    """The empty form and a report with errors and warnings pass axe-core (WCAG 2.1 A/AA)."""
    live_page.goto("/catalog/validate/")
    assert_no_axe_violations(live_page)
    doc = {
        "conformsTo": V11,
        "dataset": [
            {"title": "", "identifier": "a", "landingPage": "http://example.gov/a"},
            {"title": "Trees", "identifier": "b", "description": "d", "accessLevel": "public"},
        ],
    }
    live_page.get_by_label("Or paste the JSON").fill(json.dumps(doc))
    live_page.get_by_role("button", name="Validate", exact=True).click()
    live_page.wait_for_selector("text=The catalog has errors")
    assert live_page.locator("table.usa-table").count() >= 2
    assert_no_axe_violations(live_page)


def test_merge_form_is_accessible(live_page, assert_no_axe_violations):
    """The merge form passes axe-core and explains a form error in words."""
    live_page.goto("/catalog/merge/")
    assert_no_axe_violations(live_page)
    live_page.get_by_role("button", name="Merge and show the summary").click()
    live_page.wait_for_selector("text=Give at least one catalog to merge.")
    assert_no_axe_violations(live_page)
