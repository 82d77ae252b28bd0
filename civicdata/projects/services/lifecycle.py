"""Project lifecycle: creation, step records, exit checks, advancing and iterations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdata.core.audit import record_write, snapshot
from civicdata.core.errors import Conflict
from civicdata.projects import exits, labels, method, permissions
from civicdata.projects.models import (
    EventKind,
    Evidence,
    ExitOverride,
    FocusArea,
    Intervention,
    InterventionPlan,
    OutcomeMetric,
    Project,
    ProjectStatus,
    StepChoice,
    StepRecord,
    UseCase,
)
from civicdata.projects.services._common import (
    _event,
    _required,
    _touch,
    _unique_slug,
)

# ---------------------------------------------------------------- project lifecycle


@transaction.atomic
def create_project(*, organization: Any, title: str, summary: str = "", by: Any) -> Project:
    """Start a project in the Find step. Precondition: `by` edits for `organization`."""
    from civicdata.accounts.permissions import ensure_can_edit_for

    ensure_can_edit_for(by, organization)
    title = _required(title, _("Title"))
    project = Project.objects.create(organization=organization, title=title, slug=_unique_slug(title), summary=summary)
    StepRecord.objects.create(project=project, step=StepChoice.FIND)
    _event(project, EventKind.CREATED, _("Project started."), by=by)
    record_write(actor=by, action="projects.create", target=project, after=snapshot(project))
    return project


@transaction.atomic
def update_project(project: Project, *, title: str, summary: str, problems_open: bool, by: Any) -> Project:
    """Change the title, summary and whether the problem inventory accepts entries."""
    permissions.ensure_can_edit_project(by, project)
    before = snapshot(project)
    project.title = _required(title, _("Title"))
    project.summary = summary or ""
    project.problems_open = problems_open
    project.updated_at = timezone.now()
    project.save()
    record_write(actor=by, action="projects.update", target=project, before=before, after=snapshot(project))
    return project


@transaction.atomic
def update_step_record(
    project: Project, *, step: str, action: str, engagement: str, collaborators: str, result: str, by: Any
) -> StepRecord:
    """Write the four components of a step the project has reached."""
    permissions.ensure_can_edit_project(by, project)
    record = StepRecord.objects.filter(project=project, step=step).first()
    if record is None:
        raise Conflict(_("The project has not reached this step yet."), code="step_not_reached")
    before = snapshot(record)
    record.action, record.engagement = action or "", engagement or ""
    record.collaborators, record.result = collaborators or "", result or ""
    record.save()
    _touch(project)
    record_write(actor=by, action="projects.step_record", target=record, before=before, after=snapshot(record))
    return record


def build_snapshot(project: Project) -> exits.ProjectSnapshot:
    """Read what the exit checks need into a plain snapshot (a fixed, small number of queries)."""
    record = StepRecord.objects.filter(project=project, step=project.current_step).first()
    focus = FocusArea.objects.filter(project=project).annotate(n=Count("evidence")).first()
    use_cases = tuple(
        exits.UseCaseSnapshot(persona_count=u.np, story_count=u.ns, data_need_count=u.nd)
        for u in UseCase.objects.filter(project=project).annotate(
            np=Count("personas", distinct=True),
            ns=Count("stories", distinct=True),
            nd=Count("data_needs", distinct=True),
        )
    )
    plan = InterventionPlan.objects.filter(project=project).first()
    plan_snap = None
    if plan is not None:
        counts = plan.comments.aggregate(pending=Count("id", filter=Q(disposition="pending")))
        plan_snap = exits.PlanSnapshot(
            goal=plan.goal,
            activities=plan.activities,
            roles=plan.roles,
            timeline=plan.timeline,
            housed_by=plan.housed_by,
            sustained_by=plan.sustained_by,
            constraints_stated=frozenset(k for k, v in (plan.constraints or {}).items() if str(v).strip()),
            comment_period_held=plan.comments_open_at is not None,
            comment_period_closed=plan.comment_period_state() == "closed",
            feedback_undisposed=counts["pending"],
        )
    metrics = OutcomeMetric.objects.filter(project=project).aggregate(
        total=Count("id"), measured=Count("id", filter=Q(actual__isnull=False))
    )
    return exits.ProjectSnapshot(
        step=method.Step(project.current_step),
        step_result=record.result if record else "",
        evidence_count=Evidence.objects.filter(project=project).count(),
        focus_area_title=focus.title if focus else "",
        focus_area_rationale=focus.rationale if focus else "",
        focus_area_evidence_count=focus.n if focus else 0,
        use_cases=use_cases,
        selected_use_case=UseCase.objects.filter(project=project, selected=True).exists(),
        plan=plan_snap,
        intervention_count=Intervention.objects.filter(project=project).count(),
        metrics_total=metrics["total"],
        metrics_with_actual=metrics["measured"],
        users_reached=project.users_reached,
    )


def exit_status(project: Project) -> list[exits.CheckResult]:
    """The exit checks of the project's current step, evaluated now."""
    return exits.evaluate_exit(build_snapshot(project))


def exit_report(project: Project) -> list[dict[str, Any]]:
    """The exit checks of the current step with translated labels and hints, for pages and the API."""
    snap = build_snapshot(project)
    return labels.localize(exits.evaluate_exit(snap), snap)


@transaction.atomic
def advance_step(
    project: Project, *, by: Any, override_reason: str = "", override_codes: Iterable[str] = ()
) -> Project:
    """Leave the current step for the next (from Implement: complete the project).

    Preconditions: `by` edits the project; every exit check passes, or each failing one is named in
    `override_codes` with a written `override_reason` (kept in the public history). The project row
    is locked so two clicks cannot advance twice.
    """
    permissions.ensure_can_edit_project(by, project)
    project = Project.objects.select_for_update().select_related("organization").get(pk=project.pk)
    if project.is_completed:
        raise Conflict(_("This project is already finished."), code="project_completed")
    snap = build_snapshot(project)
    failing = exits.failing_checks(snap)
    codes = frozenset(override_codes) if override_reason.strip() else frozenset()
    if override_reason.strip() and not codes:
        codes = frozenset(r.code for r in failing)
    blocking = exits.checks_blocking_after_override(failing, exits.Override(codes=codes, reason=override_reason))
    if blocking:
        if override_reason.strip() and len(override_reason.strip()) < 20:
            message = _("An override needs a written reason of at least 20 characters.")
        else:
            message = _("This step cannot be left yet: %(checks)s") % {
                "checks": "; ".join(f"{d['label']} — {d['detail']}" for d in labels.localize(blocking, snap))
            }
        raise Conflict(message, code="exit_checks_failed")
    now = timezone.now()
    step = project.current_step
    overridden = [r.code for r in failing]
    if overridden:
        ExitOverride.objects.create(
            project=project, step=step, check_codes=overridden, reason=override_reason.strip(), by=by, created_at=now
        )
        _event(
            project,
            EventKind.OVERRIDE,
            _("Exit checks overridden (%(checks)s): %(reason)s")
            % {"checks": ", ".join(labels.label(c) for c in overridden), "reason": override_reason.strip()},
            by=by,
        )
    StepRecord.objects.filter(project=project, step=step).update(left_at=now)
    nxt = method.next_step(method.Step(step))
    before = snapshot(project)
    if nxt is None:
        project.status = ProjectStatus.COMPLETED
        project.completed_at = now
        _event(project, EventKind.COMPLETED, _("Project completed; the summary report is published."), by=by)
    else:
        project.current_step = nxt.value
        StepRecord.objects.get_or_create(project=project, step=nxt.value, defaults={"entered_at": now})
        _event(
            project,
            EventKind.STEP_ADVANCED,
            _("Moved from %(old)s to %(new)s.") % {"old": StepChoice(step).label, "new": StepChoice(nxt.value).label},
            by=by,
            step=nxt.value,
        )
    project.updated_at = now
    project.save()
    record_write(actor=by, action="projects.advance", target=project, before=before, after=snapshot(project))
    return project


@transaction.atomic
def start_next_iteration(project: Project, *, title: str = "", by: Any) -> Project:
    """Start a new project from a finished one, copying its evidence forward (marked as carried)."""
    permissions.ensure_can_edit_project(by, project)
    if not project.is_completed:
        raise Conflict(_("Only a finished project can start a new iteration."), code="not_completed")
    title = title.strip() or f"{project.title} ({_('iteration')} {project.iteration + 1})"
    new = Project.objects.create(
        organization=project.organization,
        title=title,
        slug=_unique_slug(title),
        summary=project.summary,
        iteration=project.iteration + 1,
        previous_iteration=project,
    )
    StepRecord.objects.create(project=new, step=StepChoice.FIND)
    carried = [
        Evidence(
            project=new,
            kind=e.kind,
            title=e.title,
            summary=e.summary,
            source=e.source,
            request_count=e.request_count,
            city_goal=e.city_goal,
            community_priority=e.community_priority,
            partner_name=e.partner_name,
            partnership=e.partnership,
            carried_from=e,
        )
        for e in project.evidence.all()
    ]
    Evidence.objects.bulk_create(carried)
    _event(
        new,
        EventKind.ITERATION,
        _("Iteration %(n)d started from “%(old)s”; %(count)d pieces of evidence carried forward.")
        % {"n": new.iteration, "old": project.title, "count": len(carried)},
        by=by,
    )
    _event(project, EventKind.ITERATION, _("A new iteration was started: %(title)s") % {"title": new.title}, by=by)
    record_write(actor=by, action="projects.iterate", target=new, after=snapshot(new))
    return new
