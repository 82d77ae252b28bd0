"""After the event: the tracking sheet (with its CSV), the internal lessons learned, the public report,
commitments followed with reminders until done, and provenance — the records born at the event and the
project activities it carried out."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import override

from civicdata.core.audit import record_write, snapshot
from civicdata.core.errors import Conflict, InvalidInput
from civicdata.events import permissions
from civicdata.events.models import (
    Commitment,
    Event,
    EventOutcome,
    EventPlan,
    EventStatus,
    OutcomeKind,
    TrackingCount,
    TrackingDimension,
)
from civicdata.events.services.planning import plan_of

logger = logging.getLogger(__name__)

TRACKING_FIELDS = ("online_participants", "media_mentions", "social_media", "unplanned_blog_posts")
# A commitment's owner is reminded at most once in this interval while it is due or overdue.
REMINDER_INTERVAL = dt.timedelta(days=7)
REMINDER_LEAD = dt.timedelta(days=3)


# ---------------------------------------------------------------- tracking sheet


def save_tracking(event: Event, *, by: Any, figures: dict[str, Any]) -> EventPlan:
    """Store the tracking sheet's single figures (`TRACKING_FIELDS`)."""
    permissions.ensure_can_organise(by, event)
    unknown = set(figures) - set(TRACKING_FIELDS)
    if unknown:
        raise InvalidInput(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))
    for name, value in figures.items():
        if isinstance(value, int) and value < 0:
            raise InvalidInput(_("Counts cannot be negative."), details=[{"field": name, "message": _("Negative.")}])
    with transaction.atomic():
        plan = EventPlan.objects.select_for_update().get(pk=plan_of(event).pk)
        before = snapshot(plan, fields=list(TRACKING_FIELDS))
        for name, value in figures.items():
            setattr(plan, name, value)
        plan.save()
        record_write(
            actor=by,
            action="save_event_tracking",
            target=event,
            before=before,
            after=snapshot(plan, fields=list(TRACKING_FIELDS)),
        )
    return plan


def set_tracking_count(event: Event, *, by: Any, dimension: str, label: str, count: int) -> TrackingCount | None:
    """Set how many participants came from a region or sector; a count of 0 removes the line."""
    permissions.ensure_can_organise(by, event)
    label = label.strip()[:120]
    if dimension not in TrackingDimension.values or not label:
        raise InvalidInput(
            _("Choose region or sector and give a name."), details=[{"field": "label", "message": _("Required.")}]
        )
    if count < 0:
        raise InvalidInput(_("Counts cannot be negative."), details=[{"field": "count", "message": _("Negative.")}])
    with transaction.atomic():
        record_write(actor=by, action="set_event_tracking_count", target=event, after={dimension: {label: count}})
        if count == 0:
            TrackingCount.objects.filter(event=event, dimension=dimension, label=label).delete()
            return None
        row, _created = TrackingCount.objects.update_or_create(
            event=event, dimension=dimension, label=label, defaults={"count": count}
        )
    return row


def tracking_rows(event: Event) -> list[list[Any]]:
    """The tracking sheet as rows (header first) for the CSV export: counts only, never names."""
    plan = plan_of(event)
    rows: list[list[Any]] = [[_("section"), _("item"), _("value")]]
    for row in TrackingCount.objects.filter(event=event):
        rows.append([row.get_dimension_display(), row.label, row.count])
    for name in TRACKING_FIELDS:
        value = getattr(plan, name)
        rows.append(
            [_("Figures"), capfirst(EventPlan._meta.get_field(name).verbose_name), "" if value is None else value]
        )
    return rows


# ---------------------------------------------------------------- lessons and report


def save_lessons(event: Event, *, by: Any, lessons: str) -> EventPlan:
    """The organisers' internal lessons learned; never shown on a public page or in the API."""
    permissions.ensure_can_organise(by, event)
    with transaction.atomic():
        EventPlan.objects.filter(pk=plan_of(event).pk).update(lessons_learned=lessons.strip())
        record_write(actor=by, action="save_event_lessons", target=event)
    return plan_of(event)


def save_report(event: Event, *, by: Any, summary: str) -> EventPlan:
    """The public report's own text: what was made at the event."""
    permissions.ensure_can_organise(by, event)
    with transaction.atomic():
        EventPlan.objects.filter(pk=plan_of(event).pk).update(report_summary=summary.strip())
        record_write(actor=by, action="save_event_report", target=event, after={"report_summary": summary.strip()})
    return plan_of(event)


def publish_report(event: Event, *, by: Any) -> EventPlan:
    """Make the report public (HTML and PDF). The event must have taken place and the report must say
    what was made."""
    permissions.ensure_can_organise(by, event)
    plan = plan_of(event)
    # Read the status again: the caller's copy may predate `complete_event`.
    if Event.objects.filter(pk=event.pk).values_list("status", flat=True).get() != EventStatus.COMPLETED:
        raise Conflict(_("Publish the report after marking the event as held."), code="not_held")
    if not plan.report_summary.strip():
        raise InvalidInput(
            _("Write what was made before publishing the report."),
            details=[{"field": "summary", "message": _("Required.")}],
        )
    with transaction.atomic():
        now = timezone.now()
        EventPlan.objects.filter(pk=plan.pk).update(report_published_at=now)
        plan.report_published_at = now
        record_write(actor=by, action="publish_event_report", target=event)
    return plan


def report_is_public(event: Event) -> bool:
    plan = getattr(event, "plan", None)
    return event.status == EventStatus.COMPLETED and plan is not None and plan.report_published_at is not None


# ---------------------------------------------------------------- commitments


def add_commitment(
    event: Event, *, by: Any, description: str, owner: str, due_on: dt.date, owner_user: Any | None = None
) -> Commitment:
    """A next step with an owner and a due date. `owner_user`, when given, receives the reminders;
    otherwise the event's creator does."""
    permissions.ensure_can_organise(by, event)
    problems = []
    if not description.strip():
        problems.append({"field": "description", "message": _("Say what was committed.")})
    if not owner.strip():
        problems.append({"field": "owner", "message": _("Say who committed to it.")})
    if problems:
        raise InvalidInput(problems[0]["message"], code="invalid_commitment", details=problems)
    with transaction.atomic():
        commitment = Commitment.objects.create(
            event=event,
            description=description.strip()[:300],
            owner=owner.strip()[:200],
            owner_user=owner_user,
            due_on=due_on,
        )
        record_write(actor=by, action="add_event_commitment", target=event, after=snapshot(commitment))
    return commitment


def set_commitment_done(commitment: Commitment, *, by: Any, done: bool) -> Commitment:
    permissions.ensure_can_organise(by, commitment.event)
    with transaction.atomic():
        commitment.done_at = timezone.now() if done else None
        Commitment.objects.filter(pk=commitment.pk).update(done_at=commitment.done_at)
        record_write(
            actor=by, action="event_commitment_done" if done else "event_commitment_reopened", target=commitment.event
        )
    return commitment


def send_commitment_reminders(*, now: dt.datetime | None = None) -> int:
    """E-mail the owner of every open commitment due within `REMINDER_LEAD` (or overdue), at most once per
    `REMINDER_INTERVAL`, in the owner's language; returns how many were sent. Run daily by the worker."""
    now = now or timezone.now()
    due = (
        Commitment.objects.filter(done_at__isnull=True, due_on__lte=timezone.localdate(now + REMINDER_LEAD))
        .filter(Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lte=now - REMINDER_INTERVAL))
        .select_related("event", "owner_user", "event__created_by")
    )
    sent = 0
    base = settings.SITE_URL.rstrip("/")
    for commitment in due:
        person = commitment.owner_user or commitment.event.created_by
        if person is None or not person.is_active or not person.email:
            continue
        with override(person.preferred_language):
            overdue = commitment.due_on < timezone.localdate(now)
            subject = (_("Overdue: %(what)s") if overdue else _("Due soon: %(what)s")) % {
                "what": commitment.description[:80]
            }
            body = _(
                "At %(event)s, %(owner)s committed to: %(what)s\nDue on %(due)s.\n\n"
                "When it is done, mark it as done in the event's workspace: %(url)s\n"
            ) % {
                "event": commitment.event.title,
                "owner": commitment.owner,
                "what": commitment.description,
                "due": commitment.due_on.isoformat(),
                "url": base + reverse("events:workspace", kwargs={"slug": commitment.event.slug}) + "#commitments",
            }
        try:
            send_mail(subject, body, None, [person.email])
        except OSError:
            logger.exception("Commitment reminder %s could not be sent", commitment.pk)
            continue
        Commitment.objects.filter(pk=commitment.pk).update(last_reminded_at=now)
        sent += 1
    return sent


# ---------------------------------------------------------------- provenance


def link_outcome(event: Event, *, by: Any, kind: str, target: Any) -> EventOutcome:
    """Record that `target` was born at this event (or, for a project activity, that the event carried it
    out). Linking the same record twice is refused."""
    permissions.ensure_can_organise(by, event)
    if kind not in OutcomeKind.values or target is None:
        raise InvalidInput(_("Choose what to link."), code="invalid_outcome")
    field = EventOutcome._meta.get_field(kind)
    if not isinstance(target, field.related_model):
        raise InvalidInput(
            _("That record is not a %(kind)s.") % {"kind": OutcomeKind(kind).label}, code="invalid_outcome"
        )
    try:
        with transaction.atomic():
            outcome = EventOutcome.objects.create(
                event=event,
                kind=kind,
                added_by=by if getattr(by, "is_authenticated", False) else None,
                **{kind: target},
            )
            record_write(actor=by, action="link_event_outcome", target=event, after={kind: str(target.pk)})
    except IntegrityError:
        raise Conflict(_("That record is already linked to this event."), code="already_linked") from None
    return outcome


def unlink_outcome(outcome: EventOutcome, *, by: Any) -> None:
    permissions.ensure_can_organise(by, outcome.event)
    with transaction.atomic():
        record_write(
            actor=by, action="unlink_event_outcome", target=outcome.event, before={outcome.kind: str(outcome.target.pk)}
        )
        outcome.delete()


def public_outcomes(event: Event) -> list[EventOutcome]:
    """What the event produced that anyone may see: hidden requests and problems, and datasets not in the
    public catalog, are left out."""
    rows = EventOutcome.objects.filter(event=event).select_related(
        "data_request", "problem__project", "use_case__project", "project", "dataset", "activity__project"
    )
    visible = []
    for row in rows:
        if row.kind == OutcomeKind.DATA_REQUEST and row.data_request.is_hidden:
            continue
        if row.kind == OutcomeKind.PROBLEM and row.problem.status != "visible":
            continue
        if row.kind == OutcomeKind.DATASET and not row.dataset.is_public_listing:
            continue
        visible.append(row)
    return visible
