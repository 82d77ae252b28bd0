"""In a real browser: the table page, chart builder and staff review pages pass axe-core, and filtering,
sorting and paging work with JavaScript turned off."""

from __future__ import annotations

import io
import random

import pytest

from civicdata.datastore.models import DataTable

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _demo() -> DataTable:
    from civicdata.accounts import demo as accounts_demo
    from civicdata.datastore import demo

    accounts_demo.load(random.Random("a"), io.StringIO())
    demo.load(random.Random("d"), io.StringIO())
    return DataTable.objects.get(name="incidents")


def _sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill("port-alder-demo")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()


def test_table_page_is_accessible_and_works_without_javascript(browser, live_server, assert_no_axe_violations):
    """Filter form, sort links and the next-page link work with JavaScript disabled; axe finds nothing."""
    table = _demo()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto(table.get_absolute_url())
    page.select_option("#add-col", "shooting")
    page.fill("#add-value", "0")
    page.locator("form:has(#add-col) button[type=submit]").click()
    assert "shooting=0" in page.url
    cells = page.locator("#rows-table tbody tr").count()
    assert cells == 50
    page.locator("a[rel=next]").click()
    assert "cursor=" in page.url
    context.close()
    js_context = browser.new_context(base_url=live_server.url)
    page = js_context.new_page()
    page.goto(table.get_absolute_url() + "?chart_type=bar&x=district&aggregate=count#chart")
    assert_no_axe_violations(page)
    js_context.close()


def test_staff_pages_are_accessible(live_page, assert_no_axe_violations):
    """Schema editor, quality report, personal data review and load form pass axe-core."""
    table = _demo()
    _sign_in(live_page, "admin@example.org")
    base = table.get_absolute_url()
    for url in (f"{base}schema/", f"{base}quality/", f"{base}privacy/", f"/data/{table.dataset.name}/load/"):
        live_page.goto(url)
        assert_no_axe_violations(live_page)
