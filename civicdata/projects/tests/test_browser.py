"""In a real browser: the public project pages, the plan with its diff, the report and the staff workspace
have no accessibility violations, and a resident can vote in the problem inventory without JavaScript."""

from __future__ import annotations

import io
import random

import pytest

from civicdata.projects.models import ProblemVote, Project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _load_demo() -> None:
    from civicdata.accounts import demo as accounts_demo
    from civicdata.projects import demo

    accounts_demo.load(random.Random("a"), io.StringIO())
    demo.load(random.Random("p"), io.StringIO())


def _sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill("port-alder-demo")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()


def test_public_pages_are_accessible(live_page, assert_no_axe_violations):
    """List, project pages in every step, inventory, plan, version diff, report, programme and champions."""
    _load_demo()
    page = live_page
    urls = ["/projects/", "/projects/programme/", "/projects/champions/"]
    for project in Project.objects.all():
        urls.append(project.get_absolute_url())
        urls.append(f"/projects/{project.slug}/problems/")
    design = Project.objects.get(current_step="design")
    urls += [f"/projects/{design.slug}/plan/", f"/projects/{design.slug}/plan/versions/2/"]
    done = Project.objects.get(status="completed")
    urls.append(f"/projects/{done.slug}/report/")
    for url in urls:
        page.goto(url)
        assert_no_axe_violations(page)


def test_resident_votes_and_staff_workspace_is_accessible(live_page, assert_no_axe_violations):
    """A resident votes without JavaScript; the coordinator's workspace passes axe in each step."""
    _load_demo()
    page = live_page
    find = Project.objects.get(slug="safer-walking-routes-to-school")
    _sign_in(page, "resident@example.org")
    page.goto(f"/projects/{find.slug}/problems/")
    assert_no_axe_violations(page)
    before = ProblemVote.objects.filter(user__email="resident@example.org").count()
    page.get_by_role("button", name="Vote", exact=False).first.click()
    page.wait_for_load_state()
    assert ProblemVote.objects.filter(user__email="resident@example.org").count() == before + 1
    page.context.clear_cookies()
    _sign_in(page, "coordinator@example.org")
    for project in Project.objects.filter(status="active"):
        page.goto(f"/projects/{project.slug}/workspace/")
        assert_no_axe_violations(page)
