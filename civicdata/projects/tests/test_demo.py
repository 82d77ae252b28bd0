"""The demo loader builds one project in each step, a plan under comment and a finished project."""

import io
import random

import pytest

from civicdata.projects.models import Project

pytestmark = pytest.mark.django_db


def test_demo_has_every_step_a_plan_under_comment_and_a_report(client):
    """After the accounts and projects demos, each step is represented and key pages render."""
    from civicdata.accounts import demo as accounts_demo
    from civicdata.projects import demo

    accounts_demo.load(random.Random("a"), io.StringIO())
    out = io.StringIO()
    demo.load(random.Random("p"), out)
    active_steps = set(Project.objects.filter(status="active").values_list("current_step", flat=True))
    assert active_steps == {"find", "refine", "design", "implement"}
    finished = Project.objects.get(status="completed")
    assert finished.next_iterations.get().evidence.filter(carried_from__isnull=False).exists()
    design = Project.objects.get(current_step="design")
    assert design.plan.comment_period_state() == "open"
    assert client.get(f"/projects/{finished.slug}/report/").status_code == 200
    for project in Project.objects.all():
        assert client.get(project.get_absolute_url()).status_code == 200
    assert client.get("/projects/programme/").status_code == 200
    assert "engagement projects" in out.getvalue()
