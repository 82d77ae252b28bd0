"""Journeys of issue 10 (items 8, 9 and 11), clicked from the home page in a real browser with axe-core, at
1280 px and 375 px: a coordinator triages a request that names no department, makes an invalid change, lands
on the error summary with the typed message kept and fixes it; a Spanish-speaking resident sees the unread
indicator after the status changes and reads the notice in Spanish."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-enough-passphrase"
WIDTHS = [pytest.param(1280, id="desktop"), pytest.param(375, id="phone")]


def _person(email: str, **extra):
    from allauth.account.models import EmailAddress

    from civicdata.accounts.models import User

    user = User.objects.create_user(email, PASSWORD, **extra)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def _open_menu_if_narrow(page, width: int) -> None:
    if width < 1024:
        page.get_by_role("button", name="Menu").click()


def _sign_in_from_home(page, email: str, link: str = "Sign in") -> None:
    page.goto("/")
    page.get_by_role("link", name=link, exact=True).first.click()
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.usa-form button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("width", WIDTHS)
def test_coordinator_fixes_an_invalid_triage_change_without_retyping(live_page, assert_no_axe_violations, width):
    from civicdata.accounts.models import Membership, Role
    from civicdata.accounts.tests.factories import make_organization
    from civicdata.demand.models import DataRequest
    from civicdata.demand.tests.factories import make_request, make_user

    city = make_organization("City of Testville", org_type="agency", slug="city")
    coordinator = _person("coordinator@example.org")
    Membership.objects.create(user=coordinator, organization=city, role=Role.ADMIN)
    req = make_request(by=make_user(), title="Bus stop benches")  # names no department
    page = live_page
    page.set_viewport_size({"width": width, "height": 900})

    _sign_in_from_home(page, "coordinator@example.org")
    _open_menu_if_narrow(page, width)
    page.get_by_text("Manage", exact=True).click()
    page.get_by_role("link", name="Triage queue").click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Bus stop benches").click()
    assert_no_axe_violations(page)

    typed = "We plan to publish the benches this spring."
    page.get_by_label("New status").select_option("planned")
    page.get_by_label("Message to requester, voters and followers").fill(typed)
    page.get_by_role("button", name="Change status").click()
    page.wait_for_load_state()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary).to_contain_text("A planned request needs a target date.")
    expect(page.get_by_label("Message to requester, voters and followers")).to_have_value(typed)
    assert_no_axe_violations(page)
    summary.get_by_role("link", name="Target date (planned): A planned request needs a target date.").click()
    date = page.get_by_label("Target date (planned)")
    expect(date).to_be_focused()
    date.fill("2031-03-01")
    page.get_by_role("button", name="Change status").click()
    expect(page.get_by_text("Status changed; the requester, voters and followers are told.")).to_be_visible()
    assert_no_axe_violations(page)
    req = DataRequest.objects.get(pk=req.pk)
    assert req.status == "planned"
    assert req.status_changes.get(to_status="planned").message == typed


@pytest.mark.parametrize("width", WIDTHS)
def test_spanish_resident_sees_the_unread_indicator_and_a_spanish_notice(live_page, assert_no_axe_violations, width):
    from civicdata.demand import services
    from civicdata.demand.tests.factories import make_request, make_user

    resident = _person("lucia@example.org")
    req = make_request(by=resident, title="Árboles de la calle")
    page = live_page
    page.set_viewport_size({"width": width, "height": 900})

    _sign_in_from_home(page, "lucia@example.org")
    page.get_by_role("button", name="Español").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Su perfil").click()
    page.get_by_label("idioma de los correos y notificaciones").select_option("es")
    page.get_by_role("button", name="Guardar").click()
    page.wait_for_load_state()
    assert page.locator(".civic-badge").count() == 0

    services.change_status(req, by=make_user(staff=True), to_status="under_review")

    page.locator(".usa-logo a").click()  # back to the home page, which now counts the unread notice
    indicator = page.get_by_role("link", name="Notificaciones 1 no leída")
    expect(indicator).to_be_visible()
    assert_no_axe_violations(page)
    indicator.click()
    expect(page.get_by_text("«Árboles de la calle» ahora está: En revisión.")).to_be_visible()
    assert_no_axe_violations(page)
