"""Page behaviour: public pages render with bounded queries, residents act only where a step is open,
staff act through the workspace, hostile text is inert, documents are printable."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from civicdata.projects import services
from civicdata.projects.models import Problem, ProblemComment, Project
from civicdata.projects.tests import factories as f

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def walk():
    """A project walked to completion, plus its staff member."""
    org = f.make_org()
    staff = f.make_staff(org)
    project = f.make_project(org, staff)
    f.complete_find(project, staff)
    project = services.advance_step(project, by=staff)
    uc = f.complete_refine(project, staff)
    project = services.advance_step(project, by=staff)
    f.complete_design(project, staff, uc)
    project = services.advance_step(project, by=staff)
    f.complete_implement(project, staff)
    return services.advance_step(project, by=staff), staff


def test_list_page_queries_do_not_grow_with_projects(client, django_assert_max_num_queries):
    """The list page uses a fixed number of queries for 3 or 30 projects."""
    org = f.make_org()
    staff = f.make_staff(org)
    for i in range(30):
        f.make_project(org, staff, title=f"Project {i}")
    with django_assert_max_num_queries(6):
        response = client.get(reverse("projects:list"))
    assert response.status_code == 200
    assert "Project 29" in response.content.decode()


def test_project_page_is_bounded_and_shows_all_sections(client, django_assert_max_num_queries, walk):
    """The public page shows step, learning, participation and people with bounded queries."""
    project, _staff = walk
    for i in range(20):
        Problem.objects.create(project=project, title=f"P{i}", vote_count=i)
    with django_assert_max_num_queries(18):
        response = client.get(project.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    for heading in ("Where the project is", "What has been learned so far", "How to take part", "Who is involved"):
        assert heading in html
    assert "Traffic safety" in html
    assert "Posters" in html


def test_problem_inventory_escapes_hostile_text_and_counts_votes(client):
    """Residents post and vote through pages; script in a title is shown as text."""
    project = f.make_project()
    resident = f.make_user()
    client.force_login(resident)
    client.post(reverse("projects:problem_create", args=[project.slug]), {"title": HOSTILE, "body": HOSTILE})
    problem = Problem.objects.get(project=project)
    client.post(reverse("projects:problem_vote", args=[project.slug, problem.pk]))
    problem.refresh_from_db()
    assert problem.vote_count == 1
    for url in (
        reverse("projects:problems", args=[project.slug]),
        reverse("projects:problem", args=[project.slug, problem.pk]),
    ):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        assert "<img src=x" not in html


def test_problem_list_queries_are_bounded(client, django_assert_max_num_queries):
    """The inventory page does not query per problem."""
    project = f.make_project()
    user = f.make_user()
    for i in range(40):
        Problem.objects.create(project=project, title=f"P{i}")
    client.force_login(user)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("projects:problems", args=[project.slug])).status_code == 200


def test_closed_inventory_says_why_and_refuses_posts(client):
    """After Find, the page explains the closure and a direct POST writes nothing."""
    org = f.make_org()
    staff = f.make_staff(org)
    project = f.make_project(org, staff)
    services.advance_step(project, by=staff, override_reason="Focus area agreed at council beforehand.")
    client.force_login(f.make_user())
    page = client.get(reverse("projects:problems", args=[project.slug])).content.decode()
    assert "closed when the project left the Find step" in page
    response = client.post(reverse("projects:problem_create", args=[project.slug]), {"title": "Late"}, follow=True)
    assert "closed when the project left the Find step" in response.content.decode()
    assert not Problem.objects.filter(project=project).exists()


def test_plan_comment_after_close_shows_closing_date(client):
    """A late plan comment is refused with the closing date and nothing is stored."""
    org = f.make_org()
    staff = f.make_staff(org)
    project = f.make_project(org, staff)
    f.complete_find(project, staff)
    project = services.advance_step(project, by=staff)
    uc = f.complete_refine(project, staff)
    project = services.advance_step(project, by=staff)
    f.complete_design(project, staff, uc)  # period closed yesterday
    client.force_login(f.make_user())
    response = client.post(reverse("projects:plan_comment", args=[project.slug]), {"body": "late"}, follow=True)
    html = response.content.decode()
    assert "The comment period closed on" in html
    assert project.plan.comments.count() == 0


def test_resident_cannot_use_workspace_or_skip_steps(client):
    """The workspace and its actions are refused to non-staff; the step does not move."""
    project = f.make_project()
    client.force_login(f.make_user())
    assert client.get(reverse("projects:workspace", args=[project.slug])).status_code == 403
    url = reverse("projects:workspace_action", args=[project.slug, "advance"])
    assert client.post(url, {"override_reason": "x" * 40}).status_code == 403
    project.refresh_from_db()
    assert project.current_step == "find"


def test_staff_cannot_skip_step_through_page_without_reason(client):
    """Advancing with failing checks and no reason keeps the step and shows the failing checks."""
    project = f.make_project()
    staff = project.organization.memberships.get().user
    client.force_login(staff)
    response = client.post(reverse("projects:workspace_action", args=[project.slug, "advance"]), follow=True)
    assert "cannot be left yet" in response.content.decode()
    project.refresh_from_db()
    assert project.current_step == "find"


def test_workspace_renders_each_step(client, walk):
    """The workspace page renders for a completed project and for one in each step."""
    project, staff = walk
    client.force_login(staff)
    assert client.get(reverse("projects:workspace", args=[project.slug])).status_code == 200
    fresh = f.make_project(project.organization, staff, title="Fresh")
    for _ in range(3):
        assert client.get(reverse("projects:workspace", args=[fresh.slug])).status_code == 200
        fresh = services.advance_step(fresh, by=staff, override_reason="Walking through steps in a test.")


def test_workspace_action_adds_evidence(client):
    """A workspace form calls its service and the evidence appears."""
    project = f.make_project()
    staff = project.organization.memberships.get().user
    client.force_login(staff)
    client.post(
        reverse("projects:workspace_action", args=[project.slug, "evidence"]),
        {"kind": "meeting_notes", "title": "Ward 3 meeting", "summary": "Speeding"},
    )
    assert project.evidence.filter(title="Ward 3 meeting").exists()


def test_report_html_and_pdf(client, walk):
    """A completed project has a printable report and a real PDF."""
    project, _staff = walk
    html = client.get(reverse("projects:report", args=[project.slug]))
    assert html.status_code == 200
    assert "@media print" in html.content.decode()
    pdf = client.get(reverse("projects:report_pdf", args=[project.slug]))
    assert pdf["Content-Type"] == "application/pdf"
    text = _pdf_text(pdf.content)
    assert project.title in text
    assert "The four steps" in text
    assert project.organization.name in text


def test_report_pdf_prints_unicode_and_keeps_hostile_text_inert(client, walk):
    """Spanish and Vietnamese names print as typed; markup typed into a title prints as the characters typed."""
    project, _staff = walk
    Project.objects.filter(pk=project.pk).update(
        title="Día de datos — Nguyễn Thị Hương <i>x</i>", report_summary="**Resultados**"
    )
    text = _pdf_text(client.get(reverse("projects:report_pdf", args=[project.slug])).content)
    assert "Día de datos — Nguyễn Thị Hương" in text
    assert "<i>x</i>" in text  # printed as typed (the large title wraps before it)
    assert "Resultados" in text
    assert "**" not in text


def test_report_missing_until_completed(client):
    """An unfinished project has no report yet."""
    project = f.make_project()
    assert client.get(reverse("projects:report", args=[project.slug])).status_code == 404


def test_poster_has_inline_qr_svg(client, walk):
    """The low-tech outreach poster embeds an SVG QR code pointing at the data link."""
    project, _staff = walk
    iv = project.interventions.get()
    html = client.get(reverse("projects:poster", args=[project.slug, iv.pk])).content.decode()
    assert "<svg" in html
    assert "https://x.example/d" in html


def test_plan_version_diff_is_marked_for_screen_readers(client):
    """Version pages mark additions and removals with text, not only colour."""
    org = f.make_org()
    staff = f.make_staff(org)
    project = f.make_project(org, staff)
    f.complete_find(project, staff)
    project = services.advance_step(project, by=staff)
    uc = f.complete_refine(project, staff)
    project = services.advance_step(project, by=staff)
    f.complete_design(project, staff, uc)
    services.save_plan(
        project,
        goal="Safer routes to school",
        activities="Map",
        roles="City, PTA",
        timeline="Spring",
        housed_by="Library",
        sustained_by="PTA",
        constraints={"privacy": "x"},
        by=staff,
    )
    html = client.get(reverse("projects:plan_version", args=[project.slug, 2])).content.decode()
    assert "<ins>" in html
    assert "[added" in html
    assert "[removed" in html


def test_programme_page_csv_and_champions(client, walk):
    """The programme view, its CSV and the champions directory render; only opted-in champions show."""
    project, staff = walk
    services.save_champion(
        organization=project.organization,
        name="Ada Listed",
        level="external",
        channels=["newsletter"],
        listed_publicly=True,
        by=staff,
    )
    services.save_champion(organization=project.organization, name="Bo Hidden", level="internal", by=staff)
    programme = client.get(reverse("projects:programme")).content.decode()
    # The walk's one intervention is low-tech outreach reaching 120 people; its one outcome beat its target.
    assert '<th scope="row">Do low-tech outreach</th><td>1</td>' in programme
    assert '<th scope="row">Completed</th><td>1</td>' in programme
    assert "1 of 1 measured outcome metrics met their target" in programme
    assert "Interventions reached 120 people." in programme
    assert f'<a href="/projects/{project.slug}/">{project.title}</a>' in programme
    csv_lines = client.get(reverse("projects:programme_csv")).content.decode().splitlines()
    assert csv_lines[0].startswith("slug,title")
    assert len(csv_lines) == 2
    assert csv_lines[1].startswith(f"{project.slug},{project.title},")
    html = client.get(reverse("projects:champions")).content.decode()
    assert "Ada Listed" in html
    assert "Bo Hidden" not in html


def test_problem_comment_through_page(client):
    """Comments on problems go through the page and bump the counter."""
    project = f.make_project()
    problem = services.post_problem(project, title="Potholes", by=f.make_user())
    client.force_login(f.make_user())
    client.post(reverse("projects:problem_comment", args=[project.slug, problem.pk]), {"body": "Yes"})
    assert ProblemComment.objects.filter(problem=problem).count() == 1


def test_comment_period_open_accepts_section_comment(client):
    """During the period a resident can comment on one section."""
    org = f.make_org()
    staff = f.make_staff(org)
    project = f.make_project(org, staff)
    f.complete_find(project, staff)
    project = services.advance_step(project, by=staff)
    uc = f.complete_refine(project, staff)
    project = services.advance_step(project, by=staff)
    f.complete_design(project, staff, uc)
    now = timezone.now()
    services.open_comment_period(
        project.plan, opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=5), by=staff
    )
    client.force_login(f.make_user())
    client.post(reverse("projects:plan_comment", args=[project.slug]), {"body": "More Spanish", "section": "roles"})
    assert project.plan.comments.get().section == "roles"


def test_spanish_headings_and_exit_checks(client):
    """With Spanish selected, the project page headings and the workspace's exit checks are translated."""
    from pathlib import Path

    mo = Path(__file__).resolve().parent.parent / "locale" / "es" / "LC_MESSAGES" / "django.mo"
    if not mo.exists():
        pytest.skip("Spanish catalog not compiled (run `civicdata compile_translations`)")
    project = f.make_project()
    staff = project.organization.memberships.get().user
    html = client.get(project.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Dónde está el proyecto" in html
    assert "Cómo participar" in html
    client.force_login(staff)
    html = client.get(reverse("projects:workspace", args=[project.slug]), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Comprobaciones de salida" in html
    assert "Evidencia de necesidad de la comunidad" in html


def test_vote_redirect_stays_on_this_site(client):
    """A crafted `next` pointing elsewhere is ignored after voting."""
    project = f.make_project()
    problem = services.post_problem(project, title="Potholes", by=f.make_user())
    client.force_login(f.make_user())
    response = client.post(
        reverse("projects:problem_vote", args=[project.slug, problem.pk]), {"next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:problems", args=[project.slug])


def test_hostile_plan_comment_and_summary_render_inert(client):
    """Script in a plan comment or a project summary is shown as text on the plan and project pages."""
    org = f.make_org()
    staff = f.make_staff(org)
    project = f.make_project(org, staff)
    services.update_project(project, title=project.title, summary=HOSTILE, problems_open=True, by=staff)
    f.complete_find(project, staff)
    project = services.advance_step(project, by=staff)
    uc = f.complete_refine(project, staff)
    project = services.advance_step(project, by=staff)
    f.complete_design(project, staff, uc)
    now = timezone.now()
    services.open_comment_period(
        project.plan, opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=3), by=staff
    )
    services.comment_on_plan(project.plan, body=HOSTILE, section="goal", by=f.make_user())
    for url in (project.get_absolute_url(), reverse("projects:plan", args=[project.slug])):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        assert "<img src=x" not in html


def test_report_and_checks_commands(tmp_path, walk):
    """`civicdata projects report` writes the PDF; `civicdata projects checks` fails while checks fail."""
    from io import StringIO

    from django.core.management import call_command

    project, staff = walk
    out = tmp_path / "r.pdf"
    call_command("projects_report", project.slug, output=str(out), stdout=StringIO())
    assert project.title in _pdf_text(out.read_bytes())
    fresh = f.make_project(project.organization, staff, title="Fresh one")
    buffer = StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("projects_checks", fresh.slug, stdout=buffer)
    assert exited.value.code == 1
    assert "[TODO] Evidence of community need" in buffer.getvalue()


def test_focus_group_feedback_linked_to_its_activity(client):
    """Staff record focus-group feedback through the workspace, linked to the activity where it was heard."""
    org = f.make_org()
    staff = f.make_staff(org)
    project = f.make_project(org, staff)
    f.complete_find(project, staff)
    project = services.advance_step(project, by=staff)
    uc = f.complete_refine(project, staff)
    project = services.advance_step(project, by=staff)
    f.complete_design(project, staff, uc)
    activity = services.add_activity(
        project, step="design", tactic="expert_focus_groups", kind="focus_group", title="Plumbers", by=staff
    )
    client.force_login(staff)
    client.post(
        reverse("projects:workspace_action", args=[project.slug, "plan-feedback"]),
        {"source": "focus_group", "section": "roles", "body": "Add a plumber", "activity": activity.pk},
    )
    feedback = project.plan.comments.get()
    assert feedback.activity == activity
    assert feedback.section == "roles"


def test_workspace_has_no_duplicate_field_ids(client):
    """Forms repeated per use case have distinct ids, so each label names exactly one field."""
    import re

    org = f.make_org()
    staff = f.make_staff(org)
    project = f.make_project(org, staff)
    services.advance_step(project, by=staff, override_reason="Focus area agreed before the project.")
    project.refresh_from_db()
    for title in ("First", "Second"):
        services.add_use_case(project, title=title, by=staff)
    client.force_login(staff)
    html = client.get(reverse("projects:workspace", args=[project.slug])).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', html)
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert duplicates == set()


def test_intervention_added_with_dataset_and_activity(client):
    """The workspace links a new intervention to a catalog dataset and to the activity that delivered it."""
    from civicdata.catalog.models import Dataset

    org = f.make_org()
    staff = f.make_staff(org)
    project = f.make_project(org, staff)
    for _ in range(3):
        project = services.advance_step(project, by=staff, override_reason="Earlier steps were run on paper.")
    dataset = Dataset.objects.create(publisher=org, name="crash-data", identifier="city-crashes", title="Crashes")
    activity = services.add_activity(
        project, step="implement", tactic="low_tech_outreach", kind="event", title="Poster day", by=staff
    )
    client.force_login(staff)
    client.post(
        reverse("projects:workspace_action", args=[project.slug, "intervention"]),
        {"tactic": "low_tech_outreach", "title": "Posters", "datasets": "city-crashes", "activities": [activity.pk]},
    )
    intervention = project.interventions.get()
    assert list(intervention.datasets.all()) == [dataset]
    assert list(intervention.activities.all()) == [activity]


def test_worksheet_pitch_in_spanish(client):
    """The printable pitch follows the page language, with tactic names translated."""
    from pathlib import Path

    mo = Path(__file__).resolve().parent.parent / "locale" / "es" / "LC_MESSAGES" / "django.mo"
    if not mo.exists():
        pytest.skip("Spanish catalog not compiled (run `civicdata compile_translations`)")
    project = f.make_project()
    staff = project.organization.memberships.get().user
    services.save_worksheet(
        project, answers={"focus_area": "el calor"}, tactic_codes=["scope_a_thon", "consult_public"], by=staff
    )
    client.force_login(staff)
    html = client.get(reverse("projects:worksheet", args=[project.slug]), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "avanzar en el calor" in html
    assert "organizar un scope-a-thon y consultar al público" in html
    assert "[solicitantes de datos]" in html
