"""Demand pages in a real browser: no axe-core WCAG 2.1 A/AA violations, and asking for data works
without JavaScript-only steps."""

import pytest

from civicdata.demand import services
from civicdata.demand.tests.factories import make_request, make_user

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
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": page.base_url}]
    )


def test_public_and_staff_pages_pass_axe(live_page, assert_no_axe_violations):
    """List, request, new-request steps, priorities, analytics and staff pages have no violations."""
    staff = make_user(staff=True)
    req = make_request(by=make_user(), title="Street tree inventory", description="Species and condition")
    services.add_comment(req, by=staff, body="We are *looking* into it.")
    from civicdata.demand.tests.factories import make_public_dataset

    make_public_dataset("Street tree inventory 2024")  # offered as a checkbox in the triage form
    for title in ("Bus stop benches", "Sidewalk repairs"):  # fill the release queue with rating forms
        planned = make_request(by=staff, title=title)
        services.change_status(planned, by=staff, to_status="under_review")
    services.compute_topics()
    _sign_in(live_page, staff)
    for path in (
        "/requests/",
        f"/requests/{req.pk}/",
        "/requests/new/",
        "/requests/priorities/",
        "/requests/analytics/",
        "/requests/triage/",
        "/requests/metrics/",
        "/requests/moderation/",
        "/requests/imports/",
        "/requests/release-queue/",
        "/requests/notifications/",
    ):
        response = live_page.goto(path)
        assert response.status == 200, path
        assert_no_axe_violations(live_page)


def test_ask_for_data_in_two_steps_and_vote(live_page, assert_no_axe_violations):
    """A resident describes the data, sees the check step, submits, then votes with a plain form."""
    person = make_user()
    _sign_in(live_page, person)
    live_page.goto("/requests/new/")
    live_page.get_by_label("What data do you need?").fill("Noise complaints by block")
    live_page.get_by_label("Details").fill("Counts per month")
    live_page.get_by_role("button", name="Continue").click()
    check_heading = live_page.get_by_role("heading", name="Is it already here?")
    check_heading.wait_for()
    assert check_heading.is_visible()
    assert_no_axe_violations(live_page)
    live_page.get_by_role("button", name="Submit request").click()
    title = live_page.get_by_role("heading", name="Noise complaints by block")
    title.wait_for()
    assert title.is_visible()
    live_page.get_by_role("button", name="Vote for Noise complaints by block").click()
    thanks = live_page.get_by_text("Thank you for your vote.")
    thanks.wait_for()
    assert thanks.is_visible()


def test_staff_reject_a_suggested_match_from_the_home_page(live_page, assert_no_axe_violations):
    """Demand staff go from the home page to the analytics page, reject a dataset suggested for a
    topic and see it listed as rejected by them (1280 px, then 375 px and in Spanish, with axe)."""
    from playwright.sync_api import expect

    from civicdata.demand.tests.factories import make_public_dataset

    staff = make_user(staff=True)
    log = "Subject,Date\n" + "".join(
        f"{text},2021-0{month}-1{day}\n"
        for month in range(1, 4)
        for day in range(3)
        for text in ("Restaurant inspection reports", "Restaurant health inspection scores", "Street tree inventory")
    )
    services.import_log_file(by=staff, kind="foia", source="Clerk", filename="log.csv", data=log.encode())
    dataset_id = make_public_dataset(
        "Restaurant health inspection results",
        description="Restaurant inspection scores and reports, one row per visit.",
    ).pk
    snapshot = services.compute_topics()
    topic = next(t for t in snapshot.topics.all() if dataset_id in [e["id"] for e in t.matching_datasets])
    name = f"match: Restaurant health inspection results (topic: {topic.label})"
    page = live_page
    _sign_in(page, staff)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/")
    page.locator("summary", has_text="Manage").click()
    page.get_by_role("link", name="Triage queue").click()
    page.get_by_role("link", name="Demand analytics").click()
    expect(page.get_by_role("heading", name="Demand analytics", level=1)).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name=f"Reject {name}", exact=True).click()
    expect(page.get_by_text("Match rejected")).to_be_visible()
    expect(page.get_by_text("Rejected by staff (not counted):")).to_be_visible()
    expect(page.get_by_text(f"by {staff}").first).to_be_visible()
    expect(page.get_by_role("button", name=f"Confirm {name}", exact=True)).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Español").click()
    expect(page.get_by_text("Rechazados por el personal (no cuentan):")).to_be_visible()
    assert_no_axe_violations(page)
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    expect(page.get_by_text("Rechazados por el personal (no cuentan):")).to_be_visible()
    assert_no_axe_violations(page)
