"""Measurable goals: targets set before the event, each serving a stated mission goal, and their actuals.

An actual is computed from civicdata's own records where they exist (registrations, check-ins, linked
requests, projects and datasets, commitments, the tracking sheet) and entered by the organisers
otherwise. When a computable measure has no records at all (a paper sign-in sheet, say) an entered figure
is used instead of zero."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdata.core.audit import record_write, snapshot
from civicdata.core.errors import InvalidInput
from civicdata.events import permissions
from civicdata.events.models import (
    Commitment,
    Event,
    EventGoal,
    EventOutcome,
    EventPlan,
    EventSeries,
    EventStatus,
    GoalMetric,
    OutcomeKind,
    Registration,
    RegistrationStatus,
)

_OUTCOME_OF = {
    GoalMetric.DATASETS_USED: OutcomeKind.DATASET,
    GoalMetric.PROJECTS_STARTED: OutcomeKind.PROJECT,
    GoalMetric.REQUESTS_FILED: OutcomeKind.DATA_REQUEST,
}


@dataclass(frozen=True, slots=True)
class GoalResult:
    goal: EventGoal
    target: int | None
    actual: int | None
    computed: bool  # True when the actual comes from civicdata's records

    @property
    def met(self) -> bool | None:
        if self.target is None or self.actual is None:
            return None
        return self.actual >= self.target

    @property
    def percent(self) -> int | None:
        if not self.target or self.actual is None:
            return None
        return round(100 * self.actual / self.target)


def set_goal(
    event: Event,
    *,
    by: Any,
    metric: str,
    target: int | None,
    mission_goal: str,
    label: str = "",
    goal: EventGoal | None = None,
) -> EventGoal:
    """Set a target (or change `goal`). Each goal must say which mission goal it serves; "other" needs a
    description. One goal per measure, except "other"."""
    permissions.ensure_can_organise(by, event)
    problems = []
    if metric not in GoalMetric.values:
        problems.append({"field": "metric", "message": _("Choose what to measure.")})
    if not mission_goal.strip():
        problems.append({"field": "mission_goal", "message": _("Say which mission goal this target serves.")})
    if metric == GoalMetric.OTHER and not label.strip():
        problems.append({"field": "label", "message": _("Describe what is counted.")})
    if target is not None and target < 0:
        problems.append({"field": "target", "message": _("A target cannot be negative.")})
    if goal is not None and goal.event_id != event.pk:
        problems.append({"field": "metric", "message": _("That goal belongs to another event.")})
    duplicate = EventGoal.objects.filter(event=event, metric=metric).exclude(metric=GoalMetric.OTHER)
    if goal is not None:
        duplicate = duplicate.exclude(pk=goal.pk)
    if duplicate.exists():
        problems.append({"field": "metric", "message": _("This event already has a goal for that measure.")})
    if problems:
        raise InvalidInput(problems[0]["message"], code="invalid_goal", details=problems)
    with transaction.atomic():
        before = snapshot(goal) if goal is not None else None
        goal = goal or EventGoal(event=event)
        goal.metric, goal.target = metric, target
        goal.mission_goal, goal.label = mission_goal.strip()[:300], label.strip()[:200]
        goal.save()
        record_write(actor=by, action="set_event_goal", target=event, before=before, after=snapshot(goal))
    return goal


def enter_actual(goal: EventGoal, *, by: Any, actual: int | None) -> EventGoal:
    """Record the actual of a measure civicdata cannot count (or cannot count for this event)."""
    permissions.ensure_can_organise(by, goal.event)
    if actual is not None and actual < 0:
        raise InvalidInput(_("An actual cannot be negative."), details=[{"field": "actual", "message": _("Negative.")}])
    with transaction.atomic():
        EventGoal.objects.filter(pk=goal.pk).update(entered_actual=actual)
        goal.entered_actual = actual
        record_write(actor=by, action="enter_event_actual", target=goal.event, after=snapshot(goal))
    return goal


def remove_goal(goal: EventGoal, *, by: Any) -> None:
    permissions.ensure_can_organise(by, goal.event)
    with transaction.atomic():
        record_write(actor=by, action="remove_event_goal", target=goal.event, before=snapshot(goal))
        goal.delete()


def attendance_figures(event: Event) -> dict[str, int]:
    """Counts only, never names: registered, waiting, checked in, walk-ins, first-time participants."""
    counts = Registration.objects.filter(event=event).aggregate(
        registered=Count("pk", filter=Q(status=RegistrationStatus.REGISTERED)),
        waitlisted=Count("pk", filter=Q(status__in=[RegistrationStatus.WAITLISTED, RegistrationStatus.OFFERED])),
        checked_in=Count("pk", filter=Q(checked_in_at__isnull=False)),
        walk_ins=Count("pk", filter=Q(walk_in=True, checked_in_at__isnull=False)),
    )
    counts["first_time"] = _first_timers(event)
    return counts


def _first_timers(event: Event) -> int:
    """Checked-in people with no check-in at any event that started earlier (matched by account or
    e-mail address)."""
    earlier = Registration.objects.filter(checked_in_at__isnull=False, event__starts_at__lt=event.starts_at).exclude(
        event=event
    )
    by_user = earlier.filter(user_id=OuterRef("user_id"), user_id__isnull=False)
    by_email = earlier.filter(email=OuterRef("email")).exclude(email="")
    return (
        Registration.objects.filter(event=event, checked_in_at__isnull=False)
        .exclude(Exists(by_user))
        .exclude(Exists(by_email))
        .count()
    )


def goal_actuals(event: Event) -> list[GoalResult]:
    """Every goal of the event with its target and actual (a fixed handful of queries)."""
    goals = list(EventGoal.objects.filter(event=event))
    if not goals:
        return []
    metrics = {goal.metric for goal in goals}
    computed: dict[str, int] = {}
    if metrics & {GoalMetric.REGISTRATIONS, GoalMetric.ATTENDANCE, GoalMetric.FIRST_TIME}:
        figures = attendance_figures(event)
        computed[GoalMetric.REGISTRATIONS] = figures["registered"]
        computed[GoalMetric.ATTENDANCE] = figures["checked_in"]
        computed[GoalMetric.FIRST_TIME] = figures["first_time"]
    if metrics & set(_OUTCOME_OF):
        kinds = dict(
            EventOutcome.objects.filter(event=event).values("kind").annotate(n=Count("pk")).values_list("kind", "n")
        )
        for metric, kind in _OUTCOME_OF.items():
            computed[metric] = kinds.get(kind, 0)
    if GoalMetric.COMMITMENTS in metrics:
        computed[GoalMetric.COMMITMENTS] = Commitment.objects.filter(event=event).count()
    if metrics & {GoalMetric.MEDIA_MENTIONS, GoalMetric.ONLINE_PARTICIPANTS}:
        plan = EventPlan.objects.filter(event=event).values("media_mentions", "online_participants").first() or {}
        for metric in (GoalMetric.MEDIA_MENTIONS, GoalMetric.ONLINE_PARTICIPANTS):
            if plan.get(metric) is not None:
                computed[metric] = plan[metric]
    results = []
    for goal in goals:
        value = computed.get(goal.metric)
        if value is not None and (value > 0 or goal.entered_actual is None):
            results.append(GoalResult(goal, goal.target, value, True))
        else:
            results.append(GoalResult(goal, goal.target, goal.entered_actual, False))
    return results


@dataclass(frozen=True, slots=True)
class SeriesYear:
    year: int
    events: int
    registered: int
    attended: int
    attended_change: int | None  # percent against the year before; None for the first year, from zero or ahead


def series_years(series: EventSeries) -> list[SeriesYear]:
    """Year-over-year figures of a series (events held or planned, registrations, attendance)."""
    per_year = (
        Event.objects.filter(series=series)
        .exclude(status=EventStatus.DRAFT)
        .annotate(year=ExtractYear("starts_at"))
        .values("year")
        .annotate(
            events=Count("pk", distinct=True),
            held=Count("pk", filter=Q(starts_at__lt=timezone.now()), distinct=True),
            registered=Count("registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED)),
            attended=Count("registrations", filter=Q(registrations__checked_in_at__isnull=False)),
        )
        .order_by("year")
    )
    years: list[SeriesYear] = []
    for row in per_year:
        previous = years[-1].attended if years else 0
        # A year whose events are all still to come has nothing to compare yet.
        change = round(100 * (row["attended"] - previous) / previous) if previous and row["held"] else None
        years.append(SeriesYear(row["year"], row["events"], row["registered"], row["attended"], change))
    return years
