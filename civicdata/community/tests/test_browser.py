"""A data-quality report from start to finish in a real browser, by clicking from the home page: a resident
finds a dataset, reports wrong values, and the publisher's editor signs in, finds the report through the
Manage menu, confirms it and marks it fixed. In English and Spanish, at 1280 px and 375 px, with axe-core
finding nothing on any page visited and no page wider than a phone."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from playwright.sync_api import expect

from civicdata.community.models import QualityReport, ReportStatus
from civicdata.community.tests.quality_factories import publisher_with_dataset, resident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"  # the accounts factory's

WORDS = {
    "en": {
        "datasets": "Datasets",
        "menu": "Menu",
        "sign_in": "Sign in",
        "report": "Report a problem",
        "wrong": "Wrong values",
        "what": "What is wrong?",
        "send": "Send the report",
        "received": "Received",
        "manage": "Manage",
        "quality": "Quality reports",
        "confirm": "Confirm: there is a problem, we are working on it",
        "fixed": "Fixed",
        "message": "Message to the reporter",
        "save": "Save the answer",
        "confirmed": "Confirmed",
    },
    "es": {
        "datasets": "Conjuntos de datos",
        "menu": "Menú",
        "sign_in": "Iniciar sesión",
        "report": "Reportar un problema",
        "wrong": "Valores incorrectos",
        "what": "¿Qué está mal?",
        "send": "Enviar el reporte",
        "received": "Recibido",
        "manage": "Gestionar",
        "quality": "Reportes de calidad",
        "confirm": "Confirmar: hay un problema y estamos trabajando en él",
        "fixed": "Corregido",
        "message": "Mensaje para quien lo reportó",
        "save": "Guardar la respuesta",
        "confirmed": "Confirmado",
    },
}


def _verified(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _check(page, assert_no_axe_violations) -> None:
    """Every page of the journey: axe finds nothing and the page is never wider than the window."""
    page.wait_for_load_state()
    assert_no_axe_violations(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"


def _open_home(browser, live_server, width: int, language: str, assert_no_axe_violations):
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto("/")
    _check(page, assert_no_axe_violations)
    if language == "es":
        page.get_by_role("button", name="Español").click()
        page.wait_for_load_state()
        expect(page.locator("html")).to_have_attribute("lang", "es")
        _check(page, assert_no_axe_violations)
    return context, page


def _open_menu(page, words: dict[str, str]) -> None:
    """On a phone the navigation hides behind the menu button; a person opens it first."""
    menu = page.get_by_role("button", name=words["menu"], exact=True)
    if menu.is_visible():
        menu.click()


def _sign_in(page, email: str) -> None:
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.usa-form button[type=submit]").click()
    page.wait_for_load_state()


def _choose(page, label: str) -> None:
    """A USWDS radio button draws itself on its label; a person clicks the label."""
    page.locator("label").filter(has_text=re.compile(f"^\\s*{re.escape(label)}\\s*$")).click()


@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("en", 375), ("es", 1280), ("es", 375)])
def test_resident_reports_wrong_values_and_the_editor_fixes_them(
    browser, live_server, assert_no_axe_violations, language, width
):
    words = WORDS[language]
    _publisher, dataset, editor, _admin = publisher_with_dataset(title="Bus stop ridership by month")
    _verified(editor)
    reporter = _verified(resident())

    # The resident: home page → Datasets → the dataset → "Report a problem" → sign in → the form.
    context, page = _open_home(browser, live_server, width, language, assert_no_axe_violations)
    _open_menu(page, words)
    page.locator("nav.usa-nav").get_by_role("link", name=words["datasets"], exact=True).first.click()
    _check(page, assert_no_axe_violations)
    page.get_by_role("link", name="Bus stop ridership by month").first.click()
    _check(page, assert_no_axe_violations)
    page.get_by_role("link", name=words["report"], exact=True).first.click()
    page.wait_for_url("**/accounts/login/**")
    _check(page, assert_no_axe_violations)
    _sign_in(page, reporter.email)
    expect(page.get_by_role("heading", level=1, name=words["report"])).to_be_visible()
    _check(page, assert_no_axe_violations)
    _choose(page, words["wrong"])
    page.get_by_label(words["what"]).fill("The totals for March are ten times the other months.")
    page.get_by_role("button", name=words["send"]).click()
    page.wait_for_url("**/quality/*/")
    expect(page.locator("#report-status")).to_have_text(words["received"])
    _check(page, assert_no_axe_violations)
    report = QualityReport.objects.get(dataset=dataset)
    assert report.category == "wrong_values"
    assert any(editor.email in message.to for message in mail.outbox), "the editor was not told"
    context.close()

    # The publisher's editor: home page → sign in → Manage → Quality reports → the report → answer twice.
    context, page = _open_home(browser, live_server, width, language, assert_no_axe_violations)
    page.get_by_role("link", name=words["sign_in"], exact=True).first.click()  # beside the menu, on a phone too
    _check(page, assert_no_axe_violations)
    _sign_in(page, editor.email)
    _open_menu(page, words)
    page.locator("nav.usa-nav summary", has_text=words["manage"]).click()
    page.locator("nav.usa-nav").get_by_role("link", name=words["quality"], exact=True).click()
    _check(page, assert_no_axe_violations)
    page.get_by_role("link", name=f"#{report.pk} {words['wrong']}").click()
    _check(page, assert_no_axe_violations)
    _choose(page, words["confirm"])
    page.get_by_role("button", name=words["save"]).click()
    expect(page.locator("#report-status")).to_have_text(words["confirmed"])
    _check(page, assert_no_axe_violations)
    _choose(page, words["fixed"])
    page.get_by_label(words["message"]).fill("The March totals are corrected in today's file.")
    page.get_by_role("button", name=words["save"]).click()
    expect(page.locator("#report-status")).to_have_text(words["fixed"])
    expect(page.get_by_text("The March totals are corrected in today's file.").first).to_be_visible()
    _check(page, assert_no_axe_violations)
    context.close()

    report.refresh_from_db()
    assert report.status == ReportStatus.FIXED
    assert any(reporter.email in message.to for message in mail.outbox), "the reporter was not told"
