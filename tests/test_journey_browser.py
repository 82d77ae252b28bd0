"""A resident signs up, verifies the e-mail, signs in, switches to Spanish and signs out — in a real
browser, with no accessibility violations on any page visited."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_verify_sign_in_spanish_sign_out(live_page, assert_no_axe_violations):
    page = live_page
    page.goto("/")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Create an account").first.click()
    assert_no_axe_violations(page)
    page.locator("#id_email").fill("ana@example.org")
    page.locator("#id_password1").fill("a-long-enough-passphrase")
    page.locator("#id_password2").fill("a-long-enough-passphrase")
    page.locator("#id_display_name").fill("Ana")
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url("**/confirm-email/")
    assert_no_axe_violations(page)

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()

    page.goto("/accounts/login/")
    assert_no_axe_violations(page)
    page.locator("#id_login").fill("ana@example.org")
    page.locator("#id_password").fill("a-long-enough-passphrase")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()
    expect(page.get_by_role("link", name="Your profile")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Español").click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("link", name="Su perfil")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Cerrar sesión").first.click()
    page.wait_for_load_state()
    assert_no_axe_violations(page)
    if page.get_by_role("button", name="Cerrar sesión").count():
        page.get_by_role("button", name="Cerrar sesión").last.click()
        page.wait_for_load_state()
    expect(page.get_by_role("link", name="Iniciar sesión")).to_be_visible()
    assert_no_axe_violations(page)


def test_pages_work_without_javascript(browser, live_server):
    """Navigation, search and the language switch are plain links and forms."""
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/")
    page.get_by_role("button", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert page.get_by_role("link", name="Conjuntos de datos").first.is_visible()
    context.close()


def test_phone_menu_works_without_javascript(browser, live_server):
    """On a phone with JavaScript off the USWDS menu button cannot open anything, so the navigation is
    shown in place (civicdata/nojs.css) and its links are visible and followed by a tap."""
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 375, "height": 812}
    )
    page = context.new_page()
    page.goto("/")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    link = page.get_by_role("navigation", name="Primary navigation").get_by_role("link", name="Requests")
    expect(link).to_be_visible()
    link.click()
    page.wait_for_load_state()
    assert "/requests/" in page.url
    context.close()
