""" "Check on leave": the long staff forms (a dataset's metadata, an event) ask before the page is left
with typed changes not yet saved, and do not ask once they are saved or when nothing was typed. In a
real browser, by clicking from the home page as an editor and as an event organiser."""

from __future__ import annotations

import io
import random

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in_as(page, user) -> None:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": page.base_url}]
    )


def _watch_dialogs(page) -> list[str]:
    """Record every dialog's type and answer it "stay on this page" (dismiss)."""
    seen: list[str] = []

    def answer(dialog) -> None:
        seen.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", answer)
    return seen


def _type(page, locator, text: str) -> None:
    """Type as a person does (a click, then keys): the browser only asks on leaving after a real gesture."""
    locator.click()
    locator.press_sequentially(text)


def _leave_by_home_link(page) -> None:
    page.locator(".usa-logo a, a[href='/']").first.click()


def test_editor_is_warned_about_an_unsaved_dataset_form_and_not_after_saving(live_page, assert_no_axe_violations):
    from civicdata.accounts.tests.factories import make_member, make_organization

    page = live_page
    page.set_viewport_size({"width": 1280, "height": 900})
    editor = make_member(make_organization("Parks", slug="parks"))
    _sign_in_as(page, editor)
    dialogs = _watch_dialogs(page)
    page.goto("/")
    page.locator(".civic-manage summary").click()
    page.locator('.civic-manage a[href="/datasets/new/"]').click()
    page.wait_for_url("**/datasets/new/")
    assert page.locator("form[data-warn-unsaved]").count() == 1

    # Nothing typed: leaving does not ask.
    _leave_by_home_link(page)
    page.wait_for_url(page.base_url + "/")
    assert dialogs == []
    page.go_back()
    page.wait_for_url("**/datasets/new/")

    # Typed, then a link: the browser asks; staying keeps the page and what was typed. (Leaving the
    # title also checks it on the server: wait for that answer.)
    _type(page, page.locator('input[name="title"]'), "Park benches")
    with page.expect_response(lambda response: "check-field" in response.url):
        _leave_by_home_link(page)
    assert dialogs == ["beforeunload"]
    assert page.url.endswith("/datasets/new/")
    assert page.locator('input[name="title"]').input_value() == "Park benches"
    assert_no_axe_violations(page)

    # Saved: the form's own submit does not ask, and neither does leaving the saved form.
    for name, value in (
        ("description", "Every bench in the city's parks, with its material and condition."),
        ("keyword", "benches, parks"),
        ("contact_name", "Parks desk"),
        ("contact_email", "parks@example.org"),
        ("modified", "2026-01-31"),
    ):
        page.locator(f'[name="{name}"]').fill(value)
        with page.expect_response(lambda response: "check-field" in response.url):
            page.locator('input[name="title"]').focus()
    page.select_option('select[name="license"]', "https://creativecommons.org/licenses/by/4.0/")  # not focused
    with page.expect_navigation():
        page.locator('input[name="title"]').press("Enter")
    assert page.url.endswith("/edit/")
    assert page.locator('input[name="title"]').input_value() == "Park benches"
    assert dialogs == ["beforeunload"]
    with page.expect_navigation():
        _leave_by_home_link(page)
    assert dialogs == ["beforeunload"]


def test_organiser_is_warned_about_an_unsaved_event_and_not_after_saving(live_page):
    """On a phone, in Spanish: leaving after typing asks; after "Create the draft" it does not."""
    from civicdata.accounts import demo as accounts_demo

    accounts_demo.load(random.Random("a"), io.StringIO())
    page = live_page
    page.set_viewport_size({"width": 375, "height": 900})
    page.goto("/accounts/login/")
    page.locator("#id_login").fill("librarian@example.org")
    page.locator("#id_password").fill("port-alder-demo")
    with page.expect_navigation():
        page.locator("form button[type=submit]").last.click()
    dialogs = _watch_dialogs(page)
    page.goto("/")
    page.get_by_role("button", name="Español").click()
    page.locator(".usa-menu-btn").click()
    page.locator(".civic-manage summary").click()
    with page.expect_navigation():
        page.locator(".civic-manage a[href$='/events/new/']").first.click()
    new_url = page.url
    assert page.locator("form[data-warn-unsaved]").count() == 1

    _type(page, page.locator('input[name="title"]'), "Hojas de cálculo para vecinos")
    _leave_by_home_link(page)
    page.wait_for_function("() => true")  # answered only once the dialog is closed
    assert dialogs == ["beforeunload"]
    assert page.url == new_url
    assert page.locator('input[name="title"]').input_value() == "Hojas de cálculo para vecinos"

    page.locator('select[name="event_type"]').select_option("training")
    page.locator('[name="purpose"]').fill("Los vecinos aprenden a abrir y ordenar una hoja de cálculo.")
    page.locator('input[name="starts_at"]').fill("2027-02-09T18:00")
    page.locator('input[name="ends_at"]').fill("2027-02-09T19:30")
    page.locator('input[name="venue_name"]').fill("Biblioteca central")
    with page.expect_navigation():
        page.locator('form[data-warn-unsaved] button[type="submit"]').click()
    assert page.url != new_url
    assert "Hojas de cálculo para vecinos" in page.locator("h1").inner_text()
    assert dialogs == ["beforeunload"]
    with page.expect_navigation():
        _leave_by_home_link(page)
    assert dialogs == ["beforeunload"]
