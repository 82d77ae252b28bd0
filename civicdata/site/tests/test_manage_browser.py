"""In a real browser: an editor goes from the home page through the "Manage" menu to "New dataset", with
JavaScript on and off, and the menu and the staff home pass axe-core."""

from __future__ import annotations

import random
from io import StringIO

import pytest

from civicdata.accounts import demo as accounts_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(accounts_demo.DEMO_PASSWORD)
    page.locator("form.usa-form button[type=submit]").click()
    page.wait_for_load_state()


@pytest.fixture
def demo_people() -> None:
    accounts_demo.load(random.Random(1), StringIO())


def test_an_editor_clicks_from_home_through_manage_to_new_dataset(demo_people, live_page, assert_no_axe_violations):
    page = live_page
    sign_in(page, "editor@example.org")
    page.goto("/")
    nav = page.get_by_role("navigation", name="Primary navigation")
    new_dataset = nav.get_by_role("link", name="New dataset")
    assert not new_dataset.is_visible()
    nav.get_by_text("Manage", exact=True).click()
    assert new_dataset.is_visible()
    assert_no_axe_violations(page)
    new_dataset.click()
    page.wait_for_load_state()
    assert page.url.endswith("/datasets/new/")
    assert page.get_by_role("heading", level=1).count() == 1

    nav = page.get_by_role("navigation", name="Primary navigation")
    nav.get_by_text("Manage", exact=True).click()
    nav.get_by_role("link", name="My work").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="My work", level=1).is_visible()
    assert_no_axe_violations(page)


def test_the_manage_menu_opens_with_the_keyboard_and_without_javascript(browser, live_server, demo_people):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, "editor@example.org")
        page.goto("/")
        page.locator(".civic-manage summary").focus()
        page.keyboard.press("Enter")
        page.get_by_role("link", name="Harvest sources").click()
        page.wait_for_load_state()
        assert page.url.endswith("/catalog/harvest/")
    finally:
        context.close()
