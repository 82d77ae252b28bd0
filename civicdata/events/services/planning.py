"""The planning workspace's writes: the capability check, partners and what each contributes, roles with
a primary and a backup person, the "tick tock" task list, the run of show and the support contact.
Organisers only; each write is one audited transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdata.accounts.models import Organization
from civicdata.core.audit import record_write, snapshot
from civicdata.core.errors import InvalidInput
from civicdata.events import permissions
from civicdata.events.models import Event, EventPlan, EventRole, PartnerContribution, PlanningTask

PLAN_FIELDS = (
    "topic",
    "mission_goal",
    "run_of_show",
    "location_notes",
    "partner_notes",
    "leadership_support",
    "champion",
    "legal_questions",
    "logistics",
    "support_email",
    "support_monitors",
)
MAX_TEXT = 20_000


def plan_of(event: Event) -> EventPlan:
    """The event's plan; events created before planning existed get an empty one."""
    plan, _created = EventPlan.objects.get_or_create(event=event)
    return plan


def save_plan(event: Event, *, by: Any, answers: dict[str, str]) -> EventPlan:
    """Store the capability check, run of show, topic, mission goal and support contact (any of
    `PLAN_FIELDS`; other keys are refused)."""
    permissions.ensure_can_organise(by, event)
    unknown = set(answers) - set(PLAN_FIELDS)
    if unknown:
        raise InvalidInput(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))
    for name, value in answers.items():
        if len(value or "") > MAX_TEXT:
            raise InvalidInput(_("That text is too long."), details=[{"field": name, "message": _("Too long.")}])
    with transaction.atomic():
        plan = EventPlan.objects.select_for_update().get(pk=plan_of(event).pk)
        before = snapshot(plan)
        for name, value in answers.items():
            setattr(plan, name, (value or "").strip())
        plan.save()
        record_write(actor=by, action="save_event_plan", target=event, before=before, after=snapshot(plan))
    return plan


def add_partner(event: Event, *, by: Any, organization: Organization, contribution: str = "") -> PartnerContribution:
    """Add a community partner (a library, a civic tech group…) and what it contributes; it is listed on
    the event page. Adding the same partner again updates its contribution."""
    permissions.ensure_can_organise(by, event)
    if organization.pk == event.organization_id:
        raise InvalidInput(_("The organising organisation is not its own partner."), code="own_partner")
    with transaction.atomic():
        row, _created = PartnerContribution.objects.update_or_create(
            event=event, organization=organization, defaults={"contribution": contribution.strip()[:300]}
        )
        event.partners.add(organization)
        record_write(actor=by, action="add_event_partner", target=event, after={"partner": organization.slug})
    return row


def remove_partner(event: Event, *, by: Any, organization: Organization) -> None:
    permissions.ensure_can_organise(by, event)
    with transaction.atomic():
        PartnerContribution.objects.filter(event=event, organization=organization).delete()
        event.partners.remove(organization)
        record_write(actor=by, action="remove_event_partner", target=event, before={"partner": organization.slug})


def save_role(
    event: Event, *, by: Any, name: str, primary: str = "", backup: str = "", role: EventRole | None = None
) -> EventRole:
    """Add a role (or change `role`) with its primary and backup person."""
    permissions.ensure_can_organise(by, event)
    if not name.strip():
        raise InvalidInput(_("Name the role."), details=[{"field": "name", "message": _("Required.")}])
    if role is not None and role.event_id != event.pk:
        raise InvalidInput(_("That role belongs to another event."))
    with transaction.atomic():
        if role is None:
            role = EventRole(event=event, position=EventRole.objects.filter(event=event).count())
        role.name, role.primary, role.backup = name.strip()[:120], primary.strip()[:200], backup.strip()[:200]
        role.save()
        record_write(actor=by, action="save_event_role", target=event, after=snapshot(role))
    return role


def remove_role(role: EventRole, *, by: Any) -> None:
    permissions.ensure_can_organise(by, role.event)
    with transaction.atomic():
        record_write(actor=by, action="remove_event_role", target=role.event, before=snapshot(role))
        role.delete()


def add_task(
    event: Event, *, by: Any, title: str, owner: str = "", days_before: int | None = None, due_on: dt.date | None = None
) -> PlanningTask:
    """Add a task to the tick tock. Give `days_before` (the due date follows the event if it moves) or a
    fixed `due_on`."""
    permissions.ensure_can_organise(by, event)
    if not title.strip():
        raise InvalidInput(_("Describe the task."), details=[{"field": "title", "message": _("Required.")}])
    if days_before is not None:
        due_on = timezone.localdate(event.starts_at) - dt.timedelta(days=days_before)
    with transaction.atomic():
        task = PlanningTask.objects.create(
            event=event, title=title.strip()[:300], owner=owner.strip()[:200], days_before=days_before, due_on=due_on
        )
        record_write(actor=by, action="add_event_task", target=event, after=snapshot(task))
    return task


def assign_task(task: PlanningTask, *, by: Any, owner: str) -> PlanningTask:
    permissions.ensure_can_organise(by, task.event)
    with transaction.atomic():
        PlanningTask.objects.filter(pk=task.pk).update(owner=owner.strip()[:200])
        task.owner = owner.strip()[:200]
        record_write(actor=by, action="assign_event_task", target=task.event, after=snapshot(task))
    return task


def set_task_done(task: PlanningTask, *, by: Any, done: bool) -> PlanningTask:
    """Tick a task off (or open it again)."""
    permissions.ensure_can_organise(by, task.event)
    with transaction.atomic():
        task.done_at = timezone.now() if done else None
        PlanningTask.objects.filter(pk=task.pk).update(done_at=task.done_at)
        record_write(actor=by, action="event_task_done" if done else "event_task_reopened", target=task.event)
    return task


def overdue_tasks(event: Event, *, today: dt.date | None = None) -> list[PlanningTask]:
    today = today or timezone.localdate()
    return list(PlanningTask.objects.filter(event=event, done_at__isnull=True, due_on__lt=today))
