"""Data challenge journey in a real browser, by clicking from the home page: staff announce a challenge
framed by a project's use case and open it; a resident submits an entry. axe-core on every page, at
1280 and 375 px."""

from __future__ import annotations

import itertools

import pytest

from civicdata.accounts.tests import factories as af
from civicdata.community.models import Challenge, ChallengeEntry, ChallengePhase
from civicdata.community.tests.test_browser_showcase import _fits_the_screen, _sign_in
from civicdata.projects import services as project_services
from civicdata.projects.tests import factories as pf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

_seq = itertools.count(1)


def _user(**extra):
    return af.make_user(f"browser-challenger{next(_seq)}@example.org", **extra)


@pytest.mark.parametrize("width", [1280, 375])
def test_staff_announce_a_challenge_and_a_resident_enters_it(live_page, assert_no_axe_violations, width):
    page = live_page
    page.set_viewport_size({"width": width, "height": 900})
    org = pf.make_org()
    editor = pf.make_staff(org)
    project = pf.make_project(org, editor, title="Safer streets")
    pf.complete_find(project, editor)
    project = project_services.advance_step(project, by=editor)
    project_services.add_use_case(project, title="Parents plan safe routes", by=editor)
    staff, resident = _user(staff=True), _user()

    _sign_in(page, staff)
    page.goto("/")
    page.get_by_role("link", name="Data challenges: solve local problems with data").click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Create a challenge").click()
    assert_no_axe_violations(page)
    page.get_by_label("Title").fill("Safer routes to school")
    page.get_by_label("The challenge").fill("Where do children cross busy roads?")
    page.get_by_label("Organisation running it").select_option(label=org.name)
    page.get_by_label("Project use case it answers").select_option(label="Safer streets: Parents plan safe routes")
    page.get_by_role("button", name="Announce the challenge").click()
    page.get_by_text("The challenge is announced.").wait_for()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Move on to: Open for entries").click()
    page.get_by_text("The challenge is now at").wait_for()
    assert Challenge.objects.get().phase == ChallengePhase.OPEN
    assert _fits_the_screen(page)

    _sign_in(page, resident)
    page.goto("/")
    page.get_by_role("link", name="Data challenges: solve local problems with data").click()
    page.get_by_role("link", name="Safer routes to school").click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Submit an entry").click()
    assert_no_axe_violations(page)
    page.get_by_label("Team name").fill("The Walkers")
    page.get_by_label("Title of your entry").fill("Crossing map")
    page.get_by_label("Description").fill("A map of risky crossings near schools.")
    page.get_by_label("Links").fill("javascript:alert(1)")
    page.get_by_label("Licence of your entry").select_option("MIT")
    page.get_by_role("button", name="Send the entry").click()
    page.get_by_text("is not a web address").first.wait_for()  # refused, and nothing typed is lost
    assert page.get_by_label("Title of your entry").input_value() == "Crossing map"
    assert_no_axe_violations(page)
    page.get_by_label("Links").fill("https://example.com/crossings")
    page.get_by_role("button", name="Send the entry").click()
    page.get_by_text("Your entry is in.").wait_for()
    assert _fits_the_screen(page)
    assert_no_axe_violations(page)
    entry = ChallengeEntry.objects.get()
    assert (entry.team_name, entry.submitter_id) == ("The Walkers", resident.pk)
