"""An editor publishes a new dataset by clicking from the home page: the form asks for what the profile
needs (choices, date picker), checks a field when the editor leaves it, the release checklist shows what
it computed, publishing is refused with the list of what is missing until it is fixed, and withdrawing
asks for confirmation. At 1280 and 375 px with axe, and once in Spanish."""

from __future__ import annotations

import pytest

from civicdata.accounts.tests.factories import make_member, make_organization
from civicdata.catalog.models import Dataset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG = "Every bench in the city's parks, with its material, its condition and the year it was installed."


def _sign_in(page, user, language: str) -> None:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    cookies = [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": page.base_url}]
    cookies.append({"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": page.base_url})
    page.context.add_cookies(cookies)


def _action(page, action: str):
    return page.locator(f"form:has(input[name=action][value={action}]) button[type=submit]").first


@pytest.mark.parametrize(("width", "language"), [(1280, "en"), (375, "en"), (1280, "es")])
def test_editor_publishes_a_new_dataset_after_fixing_the_checklist(
    live_page, assert_no_axe_violations, width, language
):
    page = live_page
    page.set_viewport_size({"width": width, "height": 900})
    parks = make_organization("Parks", slug="parks")
    _sign_in(page, make_member(parks), language)

    page.goto("/")
    if width < 1024:
        page.locator(".usa-menu-btn").click()
    page.locator(".civic-manage summary").click()
    page.locator('.civic-manage a[href="/datasets/new/"]').click()
    page.wait_for_url("**/datasets/new/")
    assert page.locator('input[name="modified"]').get_attribute("type") == "date"
    assert_no_axe_violations(page)

    page.fill('input[name="title"]', "Park benches")
    page.fill('textarea[name="description"]', "Benches.")
    page.fill('input[name="keyword"]', "benches, parks")
    page.fill('input[name="contact_name"]', "Parks desk")
    page.fill('input[name="contact_email"]', "parks-desk@")
    page.locator('input[name="contact_name"]').focus()  # leaving the e-mail field checks it
    error = page.locator("#field-contact_email .usa-error-message")
    error.wait_for()
    assert page.locator('input[name="contact_email"]').get_attribute("aria-invalid") == "true"
    assert_no_axe_violations(page)
    page.fill('input[name="contact_email"]', "parks@example.org")
    page.locator('input[name="modified"]').fill("2026-01-31")
    page.select_option('select[name="license"]', "https://creativecommons.org/licenses/by/4.0/")
    page.locator("details.civic-details > summary").click()
    page.select_option('select[name="accrual_periodicity"]', "R/P1M")
    page.locator('form.usa-form button[type="submit"]').last.click()
    page.wait_for_url("**/edit/")
    dataset = Dataset.objects.get(title="Park benches")
    assert dataset.accrual_periodicity == "R/P1M"
    assert dataset.license == "https://creativecommons.org/licenses/by/4.0/"
    assert dataset.modified == "2026-01-31"

    page.locator(f'a[href="/catalog/datasets/{dataset.name}/release/"]').first.click()
    page.wait_for_url("**/release/")
    assert page.locator(".civic-checklist__item--met").count() >= 3
    assert page.locator(".civic-checklist__item--unmet").count() == 1  # the short description
    assert_no_axe_violations(page)
    for name in ("contact_reachable", "privacy_reviewed", "quality_reviewed"):
        page.locator(f'label[for="id_{name}"]').click()
    with page.expect_navigation():  # the answer to the POST, not the page already shown
        _action(page, "checklist").click()
    with page.expect_navigation():  # the answer to the POST, not the page already shown
        _action(page, "publish").click()
    refusal = page.locator(".usa-alert--error").all_inner_texts()
    assert any("50" in text for text in refusal), refusal
    dataset.refresh_from_db()
    assert not dataset.is_published

    page.locator(f'a[href="/catalog/datasets/{dataset.name}/edit/"]').first.click()
    page.fill('textarea[name="description"]', LONG)
    with page.expect_navigation():  # saved from /edit/ back to /edit/: the URL alone does not say it is done
        page.locator('form.usa-form button[type="submit"]').last.click()
    page.locator(f'a[href="/catalog/datasets/{dataset.name}/release/"]').first.click()
    page.wait_for_url("**/release/")
    assert page.locator(".civic-checklist__item--unmet").count() == 0
    with page.expect_navigation():  # the answer to the POST, not the page already shown
        _action(page, "publish").click()
    dataset.refresh_from_db()
    assert dataset.is_published

    with page.expect_navigation():  # the answer to the POST, not the page already shown
        _action(page, "withdraw").click()
    dataset.refresh_from_db()
    assert dataset.is_published, "the first press only asks"
    assert page.locator('input[name="confirm"]').count() == 1
    assert_no_axe_violations(page)
    with page.expect_navigation():  # the answer to the POST, not the page already shown
        page.locator('form:has(input[name="confirm"]) button[type="submit"]').click()
    dataset.refresh_from_db()
    assert dataset.withdrawn_at is not None
