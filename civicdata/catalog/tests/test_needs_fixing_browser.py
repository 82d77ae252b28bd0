"""In a real browser, as a coordinator, by clicking from the home page: from the "Manage" menu to the city's
dashboard, then to the datasets an import held back as needing fixes, each with what to fix — at 1280 px
and 375 px, with axe-core on every page."""

from __future__ import annotations

import pytest

from civicdata.accounts.models import Organization, User
from civicdata.accounts.tests.browser_support import WIDTHS, journey_page, open_manage_link
from civicdata.catalog import services
from civicdata.catalog.models import Dataset
from civicdata.catalog.tests.factories import pod_catalog, pod_dataset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", WIDTHS)
def test_a_coordinator_finds_what_needs_fixing_from_the_home_page(
    browser, live_server, assert_no_axe_violations, width
):
    with journey_page(browser, live_server, email="coordinator@example.org", width=width) as page:
        city = Organization.objects.get(slug="city")
        document = pod_catalog(
            pod_dataset("fine", title="Street trees"),
            pod_dataset("broken", title="Pothole repairs", accessLevel="secret", modified="last tuesday"),
        )
        run = services.import_catalog(
            publisher=city, document=document, by=User.objects.get(email="coordinator@example.org")
        )
        assert run.held_back_count == 1
        held = Dataset.objects.get(needs_fixing=True)

        open_manage_link(page, "en", "Publisher dashboards")
        if "/manage/" in page.url:  # a coordinator of several publishers picks one on "My work"
            page.locator("#dashboards").locator("xpath=following-sibling::ul[1]").get_by_role(
                "link", name=city.name, exact=True
            ).click()
            page.wait_for_load_state()
        assert page.url.endswith(f"/publishers/{city.slug}/dashboard/")
        assert_no_axe_violations(page)

        page.get_by_role("link", name="1 dataset needs fixing and is kept out of every listing").click()
        page.wait_for_load_state()
        assert page.url.endswith(f"/publishers/{city.slug}/needs-fixing/")
        assert page.get_by_role("heading", name=f"Needs fixing: {city.name}").is_visible()
        row = page.get_by_role("row").filter(has_text="Pothole repairs")
        assert row.get_by_role("link", name="Pothole repairs").is_visible()
        for finding in held.findings:
            assert row.get_by_text(finding["message"]).is_visible()
        assert page.get_by_role("row").filter(has_text="Street trees").count() == 0
        assert_no_axe_violations(page)

        # The finding leads to the form that fixes it.
        row.get_by_role("link", name="Pothole repairs").click()
        page.wait_for_load_state()
        assert page.url.endswith(f"/catalog/datasets/{held.name}/edit/")
