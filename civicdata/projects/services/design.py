"""Design-step services: use case selection, plan versions, the public comment period and feedback dispositions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdata.core.audit import record_write, snapshot
from civicdata.core.errors import Conflict, InvalidInput
from civicdata.projects import method, permissions
from civicdata.projects.models import (
    Activity,
    Disposition,
    EventKind,
    FeedbackSource,
    InterventionPlan,
    PlanComment,
    PlanSection,
    PlanVersion,
    Project,
    StepChoice,
    UseCase,
)
from civicdata.projects.services._common import (
    MAX_TEXT,
    PLAN_FIELDS,
    _ensure_step,
    _event,
    _required,
    _touch,
)

# ---------------------------------------------------------------- Design


@transaction.atomic
def select_use_case(project: Project, *, use_case: UseCase, by: Any) -> UseCase:
    """Choose the single use case the Design step plans for."""
    permissions.ensure_can_edit_project(by, project)
    _ensure_step(project, StepChoice.DESIGN)
    if use_case.project_id != project.pk:
        raise InvalidInput(_("That use case belongs to another project."))
    UseCase.objects.filter(project=project, selected=True).update(selected=False)
    UseCase.objects.filter(pk=use_case.pk).update(selected=True)
    InterventionPlan.objects.filter(project=project).update(use_case=use_case)
    _event(project, EventKind.USE_CASE_SELECTED, _("Use case selected: %(t)s") % {"t": use_case.title}, by=by)
    use_case.selected = True
    return use_case


def plan_content(plan: InterventionPlan) -> dict[str, str]:
    """The plan's sections as plain text, in the shape stored in a PlanVersion."""
    content = {field: getattr(plan, field) for field in PLAN_FIELDS}
    for kind in method.AdoptionConstraint:
        content[f"constraint_{kind.value}"] = (plan.constraints or {}).get(kind.value, "")
    return content


@transaction.atomic
def save_plan(
    project: Project,
    *,
    goal: str,
    activities: str,
    roles: str,
    timeline: str,
    housed_by: str,
    sustained_by: str,
    constraints: Mapping[str, str],
    note: str = "",
    by: Any,
) -> InterventionPlan:
    """Create or revise the intervention plan; each save that changes text becomes a new version.

    Precondition: Design step with a selected use case.
    """
    permissions.ensure_can_edit_project(by, project)
    _ensure_step(project, StepChoice.DESIGN)
    use_case = UseCase.objects.filter(project=project, selected=True).first()
    if use_case is None:
        raise Conflict(_("Select a use case before drafting the plan."), code="no_use_case")
    unknown = set(constraints) - {c.value for c in method.AdoptionConstraint}
    if unknown:
        raise InvalidInput(_("Unknown adoption constraints: %(k)s") % {"k": ", ".join(sorted(unknown))})
    plan = InterventionPlan.objects.select_for_update().filter(project=project).first()
    if plan is None:
        plan = InterventionPlan(project=project, use_case=use_case)
    before = plan_content(plan) if plan.pk else None
    for field, value in zip(PLAN_FIELDS, (goal, activities, roles, timeline, housed_by, sustained_by), strict=True):
        setattr(plan, field, (value or "").strip()[:MAX_TEXT])
    plan.constraints = {k: (v or "").strip() for k, v in constraints.items() if (v or "").strip()}
    after = plan_content(plan)
    if before == after:
        return plan
    plan.version += 1
    plan.save()
    PlanVersion.objects.create(plan=plan, number=plan.version, content=after, note=note[:300], created_by=by)
    _event(
        project,
        EventKind.PLAN_VERSION,
        _("Plan version %(n)d saved. %(note)s") % {"n": plan.version, "note": note},
        by=by,
    )
    _touch(project)
    record_write(actor=by, action="projects.plan.save", target=plan, before=before, after=after)
    return plan


@transaction.atomic
def open_comment_period(
    plan: InterventionPlan, *, opens_at: dt.datetime, closes_at: dt.datetime, by: Any
) -> InterventionPlan:
    """Publish the draft for a time-boxed public comment period (at least one day long)."""
    permissions.ensure_can_edit_project(by, plan.project)
    _ensure_step(plan.project, StepChoice.DESIGN)
    min_days = getattr(settings, "PROJECTS_MIN_COMMENT_DAYS", 1)
    if closes_at - opens_at < dt.timedelta(days=min_days):
        raise InvalidInput(
            _("A comment period must last at least %(n)d day(s).") % {"n": min_days}, code="period_too_short"
        )
    plan.comments_open_at, plan.comments_close_at = opens_at, closes_at
    plan.save(update_fields=["comments_open_at", "comments_close_at"])
    _event(
        plan.project,
        EventKind.COMMENTS_OPENED,
        _("Draft plan open for comments until %(date)s.") % {"date": closes_at.date().isoformat()},
        by=by,
    )
    record_write(actor=by, action="projects.plan.comment_period", target=plan, after=snapshot(plan))
    return plan


@transaction.atomic
def comment_on_plan(plan: InterventionPlan, *, body: str, section: str = "", by: Any) -> PlanComment:
    """A resident comments on the whole plan or one section. Refused outside the comment period,
    with the closing date in the message."""
    permissions.ensure_resident_can(by, permissions.comment_period_state(plan))
    if section and section not in PlanSection.values:
        raise InvalidInput(_("Unknown plan section."), code="bad_section")
    return PlanComment.objects.create(
        plan=plan, section=section, author=by, body=_required(body, _("Comment")), plan_version=plan.version
    )


@transaction.atomic
def record_plan_feedback(
    plan: InterventionPlan, *, source: str, body: str, section: str = "", activity: Activity | None = None, by: Any
) -> PlanComment:
    """Staff record feedback heard at a focus group or workshop so it gets a disposition too."""
    permissions.ensure_can_edit_project(by, plan.project)
    if source not in FeedbackSource.values:
        raise InvalidInput(_("Unknown feedback source."))
    if activity is not None and activity.project_id != plan.project_id:
        raise InvalidInput(_("That activity belongs to another project."))
    return PlanComment.objects.create(
        plan=plan,
        source=source,
        section=section,
        activity=activity,
        author=by,
        body=_required(body, _("Feedback")),
        plan_version=plan.version,
    )


@transaction.atomic
def dispose_feedback(comment: PlanComment, *, disposition: str, reason: str, by: Any) -> PlanComment:
    """Mark feedback incorporated or not, with a reason; this builds the public change log."""
    permissions.ensure_can_edit_project(by, comment.plan.project)
    if disposition not in (Disposition.INCORPORATED, Disposition.NOT_INCORPORATED):
        raise InvalidInput(_("Choose incorporated or not incorporated."), code="bad_disposition")
    comment.disposition = disposition
    comment.disposition_reason = _required(reason, _("Reason"))
    comment.disposed_at = timezone.now()
    comment.save(update_fields=["disposition", "disposition_reason", "disposed_at"])
    record_write(actor=by, action="projects.feedback.dispose", target=comment, after=snapshot(comment))
    return comment
