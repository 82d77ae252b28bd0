"""Helpers shared by the project services: validation, history events and step guards."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from civicdata.core.errors import Conflict, InvalidInput
from civicdata.projects import method
from civicdata.projects.models import (
    Project,
    ProjectEvent,
    StepChoice,
)

PLAN_FIELDS = ("goal", "activities", "roles", "timeline", "housed_by", "sustained_by")
MAX_TEXT = 20_000


def _required(value: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(_("%(field)s is required.") % {"field": label}, details={"field": label})
    if len(value) > MAX_TEXT:
        raise InvalidInput(_("%(field)s is too long.") % {"field": label})
    return value


def _event(project: Project, kind: str, message: str, *, by: Any, step: str | None = None) -> None:
    ProjectEvent.objects.create(
        project=project,
        kind=kind,
        step=step or project.current_step,
        message=message,
        actor=by if getattr(by, "is_authenticated", False) else None,
    )


def _touch(project: Project) -> None:
    Project.objects.filter(pk=project.pk).update(updated_at=timezone.now())


def _unique_slug(title: str) -> str:
    base = slugify(title)[:70] or "project"
    slug, n = base, 2
    while Project.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _ensure_step(project: Project, *steps: str) -> None:
    if project.is_completed:
        raise Conflict(_("This project is finished; start a new iteration to change it."), code="project_completed")
    if project.current_step not in steps:
        names = ", ".join(str(StepChoice(s).label) for s in steps)
        raise Conflict(
            _("This can only be done in the %(steps)s step; the project is in %(current)s.")
            % {"steps": names, "current": StepChoice(project.current_step).label},
            code="wrong_step",
        )


def _ensure_tactic(step: str, tactic: str) -> None:
    codes = {t.code for t in method.TACTICS_BY_STEP[method.Step(step)]}
    if tactic not in codes:
        raise InvalidInput(
            _("“%(tactic)s” is not a tactic of the %(step)s step.") % {"tactic": tactic, "step": step},
            code="wrong_tactic",
        )
