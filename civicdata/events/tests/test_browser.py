"""In a real browser, as an organiser, by clicking from the home page: plan an event, set a goal and a
task, publish it and find it on the events list — with axe at each step, at 1280 and 375 pixels, in
English and Spanish."""

from __future__ import annotations

import io
import random

import pytest

from civicdata.events.models import Event, EventStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _load_people() -> None:
    from civicdata.accounts import demo as accounts_demo

    accounts_demo.load(random.Random("a"), io.StringIO())


def _follow(page, locator) -> None:
    """Click a link or a submit button and wait for the page it leads to. (`wait_for_load_state` right
    after a click returns at once, on the page still shown: the next step would then act on the old page,
    e.g. send the upcoming list's filter form instead of the past list's.)"""
    with page.expect_navigation():
        locator.click()


def _sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill("port-alder-demo")
    _follow(page, page.locator("form button[type=submit]").last)


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.url


def test_organiser_plans_publishes_and_finds_the_event(live_page, assert_no_axe_violations):
    _load_people()
    page = live_page
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, "librarian@example.org")
    page.goto("/")
    page.locator(".civic-manage summary").click()
    _follow(page, page.get_by_role("link", name="Plan an event"))
    assert_no_axe_violations(page)
    page.get_by_label("Type of event").select_option("training")
    page.get_by_label("Title").fill("Spreadsheets for neighbours")
    page.get_by_label("Purpose").fill("Residents learn to open and sort a city spreadsheet.")
    page.get_by_label("Starts").fill("2027-02-09T18:00")
    page.get_by_label("Ends").fill("2027-02-09T19:30")
    page.get_by_label("Place", exact=True).fill("Central branch")
    _follow(page, page.get_by_role("button", name="Create the draft"))
    event = Event.objects.get(title="Spreadsheets for neighbours")
    assert event.status == EventStatus.DRAFT
    assert_no_axe_violations(page)

    goals = page.locator("#goals")
    page.locator("#goal_metric").select_option("media_mentions")
    page.locator("#goal_target").fill("2")
    page.locator("#goal_mission_goal").fill("Everyone can use city data")
    _follow(page, goals.get_by_role("button", name="Add the goal"))
    assert event.goals.filter(metric="media_mentions", target=2).exists()
    tasks = page.locator("#tasks")
    page.locator("#task_title").fill("Book the computer lab")
    page.locator("#task_owner").fill("Lee")
    page.locator("#task_days_before").fill("14")
    _follow(page, tasks.get_by_role("button", name="Add the task"))
    assert event.tasks.filter(title="Book the computer lab", owner="Lee").exists()
    _follow(page, page.get_by_role("button", name="Publish the event", exact=True))
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED
    assert_no_axe_violations(page)

    _follow(page, page.get_by_role("navigation", name="Primary navigation").get_by_role("link", name="Events"))
    _follow(page, page.get_by_role("link", name="Spreadsheets for neighbours"))
    assert_no_axe_violations(page)
    assert "Residents learn to open" in page.locator("main").inner_text()


def _open_phone_menu(page) -> None:
    button = page.locator(".usa-menu-btn")
    if button.is_visible():
        button.click()


def test_the_events_pages_in_spanish_on_a_phone(new_context, assert_no_axe_violations):
    """At 375 px and in Spanish, by clicking from the home page: the list, the past data jam found through
    the filters, its report, the organiser's list and workspace fit the screen, with axe at each step."""
    from civicdata.events import demo

    _load_people()
    demo.load(random.Random("e"), io.StringIO())
    page = new_context(locale="es-ES", viewport={"width": 375, "height": 812}).new_page()
    _sign_in(page, "coordinator@example.org")
    page.goto("/")
    _follow(page, page.get_by_role("link", name="Ver todos los eventos comunitarios"))
    assert page.locator("h1").inner_text() == "Eventos comunitarios"
    assert_no_axe_violations(page)
    _no_sideways_scroll(page)
    _follow(page, page.get_by_role("link", name="Pasados", exact=True))
    assert "when=past" in page.url
    # Two years of monthly trainings fill the first pages of past events: filter by type, as a person would.
    page.locator("#filter-type").select_option("data_jam")
    _follow(page, page.get_by_role("button", name="Mostrar eventos"))
    assert "type=data_jam" in page.url
    assert "when=past" in page.url
    _follow(page, page.get_by_role("link", name="Housing data jam").first)
    assert_no_axe_violations(page)
    _no_sideways_scroll(page)
    _follow(page, page.get_by_role("link", name="Leer el informe"))
    assert "Metas frente a resultados" in page.locator("main").inner_text()
    assert_no_axe_violations(page)
    _no_sideways_scroll(page)
    page.goto("/")
    _open_phone_menu(page)
    page.locator(".civic-manage summary").click()
    _follow(page, page.get_by_role("link", name="Eventos que planifico"))
    assert_no_axe_violations(page)
    _no_sideways_scroll(page)
    _follow(page, page.get_by_role("link", name="Housing data jam"))
    assert "Comprobación de capacidad" in page.locator("main").inner_text()
    assert_no_axe_violations(page)
    _no_sideways_scroll(page)


def test_the_main_navigation_leads_to_the_events_on_a_phone(new_context, assert_no_axe_violations):
    """A resident on a phone opens the menu from the home page and reaches the events list."""
    page = new_context(viewport={"width": 375, "height": 812}).new_page()
    page.goto("/")
    _open_phone_menu(page)
    nav = page.get_by_role("navigation", name="Primary navigation")
    _follow(page, nav.get_by_role("link", name="Events", exact=True))
    assert page.locator("h1").inner_text() == "Community events"
    assert_no_axe_violations(page)


def test_the_axe_check_refuses_a_page_without_javascript_instead_of_hanging(new_context, assert_no_axe_violations):
    """axe-core runs on JavaScript timers, which never fire with JavaScript off: the check must say so at
    once (it once waited for ever on /events/ and held CI up)."""
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/events/")
    with pytest.raises(pytest.fail.Exception, match="JavaScript is off"):
        assert_no_axe_violations(page)
