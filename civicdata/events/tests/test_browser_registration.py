"""Registration and check-in in a real browser: a resident registers as a guest (English and Spanish, 1280
and 375 px) and an organiser checks someone in on a phone; every page passes axe-core."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from civicdata.events import services
from civicdata.events.models import Registration
from civicdata.events.tests.attendee_factories import make_organiser, register_guest
from civicdata.events.tests.factories import make_event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, user) -> None:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key,
                               "url": page.base_url}])  # fmt: skip


@pytest.mark.parametrize(("width", "language"), [(1280, "en"), (375, "es"), (375, "en"), (1280, "es")])
def test_a_resident_registers_as_a_guest(live_page, assert_no_axe_violations, width, language):
    from playwright.sync_api import expect

    event = make_event(title="Día de datos de vivienda", capacity=20, venue_name="Port Alder Public Library")
    page = live_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/")
    if language == "es":
        page.get_by_role("button", name="Español").click()
        expect(page.locator("html")).to_have_attribute("lang", "es")
    page.goto(event.get_absolute_url())
    assert_no_axe_violations(page)
    page.locator(".civic-registration a.usa-button").click()
    expect(page.locator("h1")).to_contain_text(event.title)
    assert_no_axe_violations(page)
    page.locator("#id_name").fill("Nguyễn Thị Hương")
    page.locator("#id_email").fill(f"huong-{width}-{language}@example.org")
    page.locator("label[for=id_code_of_conduct]").click()
    page.locator("form.usa-form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".civic-qr svg")).to_be_visible()
    assert_no_axe_violations(page)
    width_now = page.evaluate("document.documentElement.scrollWidth")
    assert width_now <= width
    registration = Registration.objects.get(event=event)
    assert registration.name == "Nguyễn Thị Hương"
    assert registration.language == language


def test_an_organiser_checks_someone_in_on_a_phone(live_page, assert_no_axe_violations):
    from playwright.sync_api import expect

    event = make_event(capacity=10)
    organiser = make_organiser(event.organization)
    person = register_guest(event, name="Ana Pérez")
    register_guest(event, name="Luis Okafor")
    page = live_page
    page.set_viewport_size({"width": 375, "height": 812})
    _sign_in(page, organiser)
    page.goto(event.get_absolute_url())
    page.get_by_role("link", name="Check-in at the door").click()
    assert_no_axe_violations(page)
    page.locator("#door-q").fill("Ana")
    page.locator("#door-search button").click()
    page.get_by_role("button", name="Check in Ana Pérez").click()
    expect(page.locator(".usa-alert")).to_contain_text("Ana Pérez is checked in")
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    person.refresh_from_db()
    assert person.checked_in_at is not None


def test_organiser_and_attendee_pages_pass_axe(live_page, assert_no_axe_violations):
    start = timezone.now() - dt.timedelta(hours=1)
    event = make_event(capacity=2, starts_at=start, ends_at=start + dt.timedelta(hours=4))
    organiser = make_organiser(event.organization)
    people = [register_guest(event, demographics={"role": "resident"}) for _ in range(6)]
    services.propose_topic(event, registration=people[0], title="Bus stops")
    services.add_survey_question(event, by=organiser, prompt="Your level?", kind="rating")
    services.check_in(people[0], by=organiser)
    services.give_feedback(event, registration=people[0], rating=4, useful="Maps")
    page = live_page
    page.goto(f"/events/{event.slug}/ticket/{people[0].check_in_code}/")
    assert_no_axe_violations(page)
    for path in ("agenda/", "survey/", "feedback/"):
        page.goto(f"/events/{event.slug}/{path}")
        assert_no_axe_violations(page)
    page.goto(f"/events/{event.slug}/ticket/{people[3].check_in_code}/")  # on the waiting list
    assert_no_axe_violations(page)
    _sign_in(page, organiser)
    for path in ("registrants/", "door/?q=Guest", "results/", f"check-in/{people[1].check_in_code}/", "agenda/"):
        for width in (1280, 375):
            page.set_viewport_size({"width": width, "height": 900})
            response = page.goto(f"/events/{event.slug}/{path}")
            assert response.status == 200, path
            assert_no_axe_violations(page)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (path, width)
