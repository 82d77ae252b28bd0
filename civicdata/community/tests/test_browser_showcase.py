"""Community journeys in a real browser, by clicking from the home page: a resident shares a reuse and
staff publish it; a story with a live chart is read from its dataset's page. axe-core at 1280 and
375 px, in English and Spanish."""

from __future__ import annotations

import re

import pytest

from civicdata.accounts.tests.factories import make_user
from civicdata.community import services
from civicdata.community.models import ModerationState, Reuse
from civicdata.datastore.tests.factories import published_table

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, user) -> None:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    page.context.clear_cookies()
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": page.base_url}]
    )


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [1280, 375])
def test_a_resident_shares_a_reuse_and_staff_publish_it(live_page, assert_no_axe_violations, width):
    page = live_page
    page.set_viewport_size({"width": width, "height": 900})
    table = published_table()
    dataset = table.dataset
    resident, staff = make_user(), make_user(staff=True)

    _sign_in(page, resident)
    page.goto("/")
    page.get_by_role("link", name="Reuses: apps, maps and articles made with the data").click()
    page.get_by_role("link", name="Share a reuse").first.click()
    assert_no_axe_violations(page)
    page.get_by_label("Title").fill("Bus delay map")
    page.get_by_label("What kind of reuse is it?").select_option("visualization")
    page.get_by_label("Link").fill("https://example.com/bus-map")
    page.get_by_label("Description").fill("A map of late buses by stop.")
    page.get_by_label("Datasets used").fill(dataset.name)
    page.get_by_role("button", name="Send for review").click()
    page.get_by_text("It is waiting for review").wait_for()
    assert _fits_the_screen(page)
    assert_no_axe_violations(page)
    reuse = Reuse.objects.get(title="Bus delay map")
    assert reuse.state == ModerationState.UNDER_REVIEW

    _sign_in(page, staff)
    page.goto("/")
    if width < 1024:  # the phone layout folds the navigation behind the Menu button
        page.get_by_role("button", name="Menu").click()
    page.locator("summary", has_text="Manage").first.click()
    page.get_by_role("link", name="Reuses to review").click()
    page.get_by_role("link", name="Bus delay map").click()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Publish the reuse").click()
    page.get_by_text("The reuse is published").wait_for()
    reuse.refresh_from_db()
    assert reuse.state == ModerationState.PUBLISHED
    page.goto(dataset.get_absolute_url())
    assert page.get_by_role("link", name="Bus delay map").is_visible()


@pytest.mark.parametrize(
    ("language", "panel", "width"), [("en", "Data stories", 1280), ("es", "Historias con datos", 375)]
)
def test_a_story_with_a_live_chart_is_read_from_its_dataset_page(
    live_page, assert_no_axe_violations, language, panel, width
):
    page = live_page
    page.set_viewport_size({"width": width, "height": 900})
    table = published_table()
    body = (
        "Counting incidents by district.\n\n"
        f"```embed\n/data/{table.dataset.name}/{table.name}/chart.svg?chart_type=bar&x=district&title=By+district\n```\n"
    )
    story = services.create_story(
        author=make_user(), title="Where incidents happen", body=body, datasets=[table.dataset], submit=True
    )
    services.publish_story(story, by=make_user(staff=True))
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])
    page.goto(table.dataset.get_absolute_url())
    assert page.get_by_role("heading", name=panel).is_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Where incidents happen").click()
    chart = page.locator("figure.story-embed img")
    chart.wait_for()
    assert re.search(r"chart\.svg\?", chart.get_attribute("src"))
    chart.scroll_into_view_if_needed()  # the image is lazy: it loads once on screen
    page.wait_for_function("(img) => img.complete", arg=chart.element_handle())
    assert page.evaluate("document.querySelector('figure.story-embed img').naturalWidth") > 0  # the image loaded
    assert page.locator("figure.story-embed td", has_text="Roxbury").count() == 1  # the figures behind it
    assert _fits_the_screen(page)
    assert_no_axe_violations(page)
