"""Who may do what on an engagement project, with the reason (and the time) when they may not.

Staff of the owning organisation edit everything. Residents contribute only where a step opens a
door to them: the problem inventory during Find, comments during the plan's comment period, and an
intervention's feedback channel during Implement. Each `*_state` function returns an
:class:`Opening` so a page can say why someone cannot act and when they will be able to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from civicdata.accounts.permissions import can_edit_for, ensure_signed_in
from civicdata.core.errors import ActionRefused
from civicdata.projects.models import Intervention, InterventionPlan, Project, StepChoice


@dataclass(frozen=True, slots=True)
class Opening:
    """Whether residents may contribute somewhere right now, and the sentence that explains it."""

    open: bool
    message: str
    code: str = ""


def _when(moment: dt.datetime) -> str:
    # Date plus 24-hour time: locale datetime formats can end in "p.m." and collide with the full stop.
    local = timezone.localtime(moment)
    return f"{formats.date_format(local, 'DATE_FORMAT')}, {formats.time_format(local, 'H:i')}"


def can_edit_project(user: Any, project: Project) -> bool:
    """Editors and administrators of the owning organisation (or a parent), and site staff."""
    return can_edit_for(user, project.organization)


def ensure_can_edit_project(user: Any, project: Project) -> None:
    ensure_signed_in(user)
    if not can_edit_project(user, project):
        raise ActionRefused(
            _("Only staff of %(organization)s can change this project.") % {"organization": project.organization.name},
            code="not_project_staff",
        )


def problem_inventory_state(project: Project) -> Opening:
    """The problem inventory is open while the project is in Find and staff keep it open."""
    if project.is_completed:
        return Opening(False, _("This project is finished; the problem inventory is closed."), "project_completed")
    if project.current_step != StepChoice.FIND:
        return Opening(
            False,
            _("The problem inventory closed when the project left the Find step; a new iteration reopens it."),
            "step_closed",
        )
    if not project.problems_open:
        return Opening(False, _("Staff have paused new entries in the problem inventory for now."), "paused")
    return Opening(True, _("The problem inventory is open: add a problem, vote or comment."))


def comment_period_state(plan: InterventionPlan | None, *, now: dt.datetime | None = None) -> Opening:
    """The plan accepts public comments only between its opening and closing times."""
    if plan is None or plan.comments_open_at is None:
        return Opening(False, _("No draft plan has been published for comment yet."), "no_period")
    state = plan.comment_period_state(now)
    if state == "upcoming":
        return Opening(
            False,
            _("Comments on this plan open on %(date)s.") % {"date": _when(plan.comments_open_at)},
            "not_yet_open",
        )
    if state == "closed":
        return Opening(
            False,
            _("The comment period closed on %(date)s.") % {"date": _when(plan.comments_close_at)},
            "comment_period_closed",
        )
    return Opening(
        True,
        _("Comments are open until %(date)s.") % {"date": _when(plan.comments_close_at)},
    )


def feedback_channel_state(intervention: Intervention) -> Opening:
    """An intervention's feedback channel is open while staff keep it open and the project runs or has
    just finished (feedback on a finished intervention still helps the next iteration)."""
    if not intervention.feedback_open:
        return Opening(False, _("The feedback channel for this intervention is closed."), "feedback_closed")
    if intervention.project.current_step != StepChoice.IMPLEMENT:
        return Opening(False, _("Feedback opens once the project reaches the Implement step."), "step_closed")
    return Opening(True, _("Tell the team how this works for you."))


def ensure_resident_can(user: Any, opening: Opening) -> None:
    """Signed-in residents may contribute through an open door; the refusal carries its reason."""
    ensure_signed_in(user)
    if not opening.open:
        raise ActionRefused(opening.message, code=opening.code or "closed")
