"""Service-level behaviour: the step machine, overrides, iterations, resident contributions and their limits."""

import datetime as dt

import pytest
from django.utils import timezone

from civicdata.core.errors import ActionRefused, Conflict, InvalidInput, NotSignedIn
from civicdata.projects import services
from civicdata.projects.models import EventKind, ExitOverride, PlanComment, ProjectStatus
from civicdata.projects.tests import factories as f

pytestmark = pytest.mark.django_db


def test_full_walk_through_all_four_steps_completes_the_project():
    """Completing each step's checks moves the project Find → Refine → Design → Implement → completed."""
    org = f.make_org()
    staff = f.make_staff(org)
    project = f.make_project(org, staff)
    f.complete_find(project, staff)
    project = services.advance_step(project, by=staff)
    assert project.current_step == "refine"
    uc = f.complete_refine(project, staff)
    project = services.advance_step(project, by=staff)
    f.complete_design(project, staff, uc)
    project = services.advance_step(project, by=staff)
    assert project.current_step == "implement"
    f.complete_implement(project, staff)
    project = services.advance_step(project, by=staff)
    assert project.status == ProjectStatus.COMPLETED
    assert project.completed_at is not None
    assert project.step_records.filter(left_at__isnull=True).count() == 0
    kinds = list(project.events.values_list("kind", flat=True))
    assert EventKind.COMPLETED in kinds
    assert kinds.count(EventKind.STEP_ADVANCED) == 3


def test_cannot_skip_a_step_without_checks_or_a_reason():
    """Advancing an empty Find step is refused and names the failing checks."""
    project = f.make_project()
    staff = project.organization.memberships.get().user
    with pytest.raises(Conflict) as err:
        services.advance_step(project, by=staff)
    assert "focus area" in err.value.message.lower()
    with pytest.raises(Conflict) as err:
        services.advance_step(project, by=staff, override_reason="because")
    assert "20 characters" in err.value.message
    project.refresh_from_db()
    assert project.current_step == "find"


def test_override_with_written_reason_is_recorded_in_public_history():
    """A written override moves on and leaves the reason in the history and the override table."""
    project = f.make_project()
    staff = project.organization.memberships.get().user
    reason = "Council already chose this focus area in the 2026 plan."
    project = services.advance_step(project, by=staff, override_reason=reason)
    assert project.current_step == "refine"
    override = ExitOverride.objects.get(project=project)
    assert "find.evidence" in override.check_codes
    assert override.reason == reason
    assert project.events.filter(kind=EventKind.OVERRIDE, message__contains=reason).exists()


def test_only_project_staff_can_advance():
    """A resident or another department's editor is refused with a reason."""
    project = f.make_project()
    other = f.make_staff(f.make_org())
    with pytest.raises(ActionRefused) as err:
        services.advance_step(project, by=other, override_reason="x" * 30)
    assert project.organization.name in err.value.message


def test_new_iteration_carries_evidence_forward():
    """A finished project's next iteration starts in Find with copies of its evidence."""
    org = f.make_org()
    staff = f.make_staff(org)
    project = f.make_project(org, staff)
    f.complete_find(project, staff)
    for _ in range(4):
        project = services.advance_step(project, by=staff, override_reason="Testing the iteration path only.")
    assert project.is_completed
    new = services.start_next_iteration(project, by=staff)
    assert new.iteration == 2
    assert new.previous_iteration == project
    assert new.current_step == "find"
    carried = list(new.evidence.all())
    assert [e.title for e in carried] == ["Crash data requests"]
    assert carried[0].carried_from_id == project.evidence.get().pk


def test_problem_inventory_votes_once_and_closes_after_find():
    """Residents post and vote once; after Find the inventory refuses with an explanation."""
    org = f.make_org()
    staff = f.make_staff(org)
    project = f.make_project(org, staff)
    resident = f.make_user()
    problem = services.post_problem(project, title="Dark crossing on 5th", by=resident)
    services.vote_for_problem(problem, by=resident)
    with pytest.raises(Conflict):
        services.vote_for_problem(problem, by=resident)
    problem.refresh_from_db()
    assert problem.vote_count == 1
    services.comment_on_problem(problem, body="Same at 6th", by=f.make_user())
    problem.refresh_from_db()
    assert problem.comment_count == 1
    services.advance_step(project, by=staff, override_reason="Skipping for the test of closing.")
    project.refresh_from_db()
    with pytest.raises(ActionRefused) as err:
        services.post_problem(project, title="Late", by=resident)
    assert "Find step" in err.value.message


def test_anonymous_cannot_post_problem():
    """Posting needs a signed-in person."""
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotSignedIn):
        services.post_problem(f.make_project(), title="x", by=AnonymousUser())


def _design_project():
    org = f.make_org()
    staff = f.make_staff(org)
    project = f.make_project(org, staff)
    f.complete_find(project, staff)
    project = services.advance_step(project, by=staff)
    uc = f.complete_refine(project, staff)
    project = services.advance_step(project, by=staff)
    services.select_use_case(project, use_case=uc, by=staff)
    plan = services.save_plan(
        project,
        goal="g",
        activities="a",
        roles="r",
        timeline="t",
        housed_by="h",
        sustained_by="s",
        constraints={"privacy": "No names"},
        by=staff,
    )
    return project, staff, plan


def test_comment_after_close_is_refused_with_closing_date():
    """Comments outside the period are refused; the message carries the closing date."""
    _project, staff, plan = _design_project()
    now = timezone.now()
    closes = now + dt.timedelta(days=7)
    services.open_comment_period(plan, opens_at=now - dt.timedelta(hours=1), closes_at=closes, by=staff)
    resident = f.make_user()
    comment = services.comment_on_plan(plan, body="Add a Spanish version", section="activities", by=resident)
    assert comment.plan_version == 1
    services.open_comment_period(
        plan, opens_at=now - dt.timedelta(days=9), closes_at=now - dt.timedelta(days=2), by=staff
    )
    with pytest.raises(ActionRefused) as err:
        services.comment_on_plan(plan, body="late", by=resident)
    assert err.value.code == "comment_period_closed"
    assert str((now - dt.timedelta(days=2)).year) in err.value.message


def test_plan_versions_only_when_text_changes_and_feedback_needs_reason():
    """Saving identical text makes no version; a disposition without reason is refused."""
    project, staff, plan = _design_project()
    same = services.save_plan(
        project,
        goal="g",
        activities="a",
        roles="r",
        timeline="t",
        housed_by="h",
        sustained_by="s",
        constraints={"privacy": "No names"},
        by=staff,
    )
    assert same.version == 1
    changed = services.save_plan(
        project,
        goal="g2",
        activities="a",
        roles="r",
        timeline="t",
        housed_by="h",
        sustained_by="s",
        constraints={"privacy": "No names"},
        note="Sharper goal",
        by=staff,
    )
    assert changed.version == 2
    assert plan.versions.count() == 2
    fb = services.record_plan_feedback(plan, source="focus_group", body="Too long", by=staff)
    with pytest.raises(InvalidInput):
        services.dispose_feedback(fb, disposition="incorporated", reason="  ", by=staff)
    services.dispose_feedback(fb, disposition="not_incorporated", reason="Out of scope", by=staff)
    assert PlanComment.objects.get(pk=fb.pk).disposition == "not_incorporated"


def test_design_exit_lists_missing_constraints_and_comment_period():
    """Leaving Design without stating all constraints and holding a comment period is refused."""
    project, _staff, _plan = _design_project()
    failing = {r.code for r in services.exit_status(project) if not r.passed}
    assert {"design.constraints", "design.comment_period"} <= failing


def test_stakeholder_contact_details_need_consent():
    """Contact details without consent are refused before anything is written."""
    project = f.make_project()
    staff = project.organization.memberships.get().user
    with pytest.raises(InvalidInput):
        services.add_stakeholder(project, name="A", kind="person", sector="resident", email="a@x.org", by=staff)
    assert project.stakeholders.count() == 0


def test_activity_tactic_must_belong_to_its_step():
    """An Implement tactic cannot be recorded as a Find activity."""
    project = f.make_project()
    staff = project.organization.memberships.get().user
    with pytest.raises(InvalidInput):
        services.add_activity(project, step="find", tactic="data_challenge", kind="event", title="x", by=staff)


def test_request_log_import_counts_topics():
    """A CSV request log becomes evidence ranked by request count; a log without topic column is refused."""
    project = f.make_project()
    staff = project.organization.memberships.get().user
    data = b"id,Category\n1,Potholes\n2,Crashes\n3,Crashes\n4,\n"
    created = services.import_request_log(project, filename="log.csv", data=data, by=staff)
    assert [(e.title, e.request_count) for e in created] == [("Crashes", 2), ("Potholes", 1)]
    with pytest.raises(InvalidInput):
        services.import_request_log(project, filename="bad.csv", data=b"a,b\n1,2\n", by=staff)


def test_real_la311_log_becomes_ranked_evidence():
    """The real Los Angeles 311 log (10,000 rows) is summarised by request type into ranked evidence."""
    from civicdata.core.testing import realdata_path

    data = realdata_path("requests/la311/MyLA311_2020_requests_seed.csv").read_bytes()
    counts = services.summarise_request_log(data)
    assert sum(n for _label, n in counts) == 10_000
    assert counts == sorted(counts, key=lambda item: -item[1])
    project = f.make_project()
    staff = project.organization.memberships.get().user
    created = services.import_request_log(project, filename="la311.csv", data=data, by=staff)
    assert len(created) == 5
    assert created[0].request_count == counts[0][1]


def test_real_foia_log_without_topic_column_is_refused_cleanly():
    """A FOIA log with only free-text descriptions is refused with the accepted column names; nothing is written."""
    from civicdata.core.testing import realdata_path

    data = realdata_path("requests/usda_aphis_foia_log_2010-2015_MERGED_normalized.csv").read_bytes()
    project = f.make_project()
    staff = project.organization.memberships.get().user
    with pytest.raises(InvalidInput) as err:
        services.import_request_log(project, filename="foia.csv", data=data, by=staff)
    assert "topic" in err.value.message
    assert project.evidence.count() == 0


def test_unmet_demand_topics_become_evidence(monkeypatch):
    """Unmet topics from the demand analytics are copied once, with volume and key terms."""
    from civicdata.demand import services as demand_services
    from civicdata.demand.analytics import UnmetTopic

    topic = UnmetTopic(
        label="sidewalk repairs",
        top_terms=["sidewalk", "repair"],
        volume=37,
        examples=["Broken curb on 5th"],
        requester_types={},
        departments={},
    )
    monkeypatch.setattr(demand_services, "list_unmet_topics", lambda limit=20: [topic])
    project = f.make_project()
    staff = project.organization.memberships.get().user
    created = services.import_demand_topics(project, by=staff)
    assert [(e.title, e.request_count) for e in created] == [("sidewalk repairs", 37)]
    assert "sidewalk" in created[0].summary
    assert services.import_demand_topics(project, by=staff) == []


def test_unreleased_data_need_files_a_demand_request():
    """A data need for unreleased data can open a request in the demand queue, linked both ways."""
    org = f.make_org()
    staff = f.make_staff(org)
    project = f.make_project(org, staff)
    services.advance_step(project, by=staff, override_reason="Focus area agreed before the project.")
    project.refresh_from_db()
    uc = services.add_use_case(project, title="Tenants check lead lines", by=staff)
    need = services.add_data_need(uc, description="Service-line material by address", open_request=True, by=staff)
    assert need.demand_request is not None
    assert need.demand_request.publisher == org
    assert need.request_url == f"/requests/{need.demand_request.pk}/"


def test_problem_promoted_to_evidence_once():
    """Staff turn a resident's problem into evidence weighted by its votes; doing it twice is refused."""
    project = f.make_project()
    staff = project.organization.memberships.get().user
    problem = services.post_problem(project, title="Unlit underpass", body="Near the station", by=f.make_user())
    services.vote_for_problem(problem, by=f.make_user())
    evidence = services.promote_problem_to_evidence(problem, by=staff)
    assert (evidence.kind, evidence.title, evidence.request_count) == ("problem_inventory", "Unlit underpass", 1)
    with pytest.raises(Conflict):
        services.promote_problem_to_evidence(problem, by=staff)


def test_withdrawn_consent_erases_contact_details_and_public_name(client):
    """After consent is withdrawn the contact details are gone and the name leaves the public page."""
    project = f.make_project()
    staff = project.organization.memberships.get().user
    person = services.add_stakeholder(
        project,
        name="Named Neighbour",
        kind="person",
        sector="resident",
        email="n@example.org",
        consent_to_contact=True,
        consent_to_list=True,
        by=staff,
    )
    assert "Named Neighbour" in client.get(project.get_absolute_url()).content.decode()
    services.withdraw_stakeholder_consent(person, by=staff)
    person.refresh_from_db()
    assert (person.email, person.consent_to_contact, person.consent_to_list) == ("", False, False)
    assert "Named Neighbour" not in client.get(project.get_absolute_url()).content.decode()


def test_request_log_is_read_by_demands_log_import(settings):
    """The Find step reads logs as demand does: a Windows-1252, semicolon-separated export with a title
    line above the header is understood, and demand's DEMAND_LOG_MAX_MB limit applies."""
    project = f.make_project()
    staff = project.organization.memberships.get().user
    data = (
        "Registro de solicitudes 2024\n"
        "Fecha;Request Type;Descripción\n"
        "1/2/2024;Árboles;a\n2/2/2024;Árboles;b\n3/2/2024;Baches;c\n"
    )
    counts = services.summarise_request_log(data.encode("cp1252"), filename="log.csv")
    assert counts == [("Árboles", 2), ("Baches", 1)]
    settings.DEMAND_LOG_MAX_MB = 0
    with pytest.raises(InvalidInput) as err:
        services.import_request_log(project, filename="log.csv", data=data.encode("cp1252"), by=staff)
    assert "limit" in err.value.message
    assert project.evidence.count() == 0
