"""The programme view: every project at a glance, for managers and the public.

Read-only aggregates shared by the page, its CSV export and the API, each computed in a fixed
number of queries whatever the number of projects.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from civicdata.core import spreadsheet
from civicdata.projects import method
from civicdata.projects.models import Intervention, OutcomeMetric, Project, ProjectStatus, Stakeholder, StepRecord


@dataclass
class ProgrammeSummary:
    """Counts and durations across all projects."""

    projects_by_step: dict[str, int] = field(default_factory=dict)
    completed: int = 0
    average_days_in_step: dict[str, float] = field(default_factory=dict)
    collaborators_by_sector: dict[str, int] = field(default_factory=dict)
    interventions_by_tactic: dict[str, int] = field(default_factory=dict)
    outcomes_total: int = 0
    outcomes_measured: int = 0
    outcomes_met: int = 0
    people_reached: int = 0


def summarise() -> ProgrammeSummary:
    """Compute the programme summary in six queries."""
    summary = ProgrammeSummary()
    active = dict(
        Project.objects.filter(status=ProjectStatus.ACTIVE)
        .values_list("current_step")
        .annotate(n=Count("id"))
        .values_list("current_step", "n")
    )
    summary.projects_by_step = {s.value: active.get(s.value, 0) for s in method.STEP_ORDER}
    totals = Project.objects.aggregate(done=Count("id", filter=_completed()), reached=Sum("users_reached"))
    summary.completed = totals["done"] or 0
    summary.people_reached = totals["reached"] or 0

    # Average time per step computed by the database; a step still in progress counts until now.
    spent = ExpressionWrapper(
        Coalesce("left_at", Value(timezone.now())) - F("entered_at"), output_field=DurationField()
    )
    averages = dict(StepRecord.objects.values_list("step").annotate(avg=Avg(spent)).values_list("step", "avg"))
    summary.average_days_in_step = {
        s.value: round(averages[s.value].total_seconds() / 86400, 1) if averages.get(s.value) else 0.0
        for s in method.STEP_ORDER
    }
    summary.collaborators_by_sector = dict(
        Stakeholder.objects.values_list("sector").annotate(n=Count("id")).values_list("sector", "n").order_by("sector")
    )
    by_tactic = dict(Intervention.objects.values_list("tactic").annotate(n=Count("id")).values_list("tactic", "n"))
    summary.interventions_by_tactic = {t.code: by_tactic.get(t.code, 0) for t in method.IMPLEMENT_TACTICS}
    for baseline, target, actual in OutcomeMetric.objects.values_list("baseline", "target", "actual").iterator():
        summary.outcomes_total += 1
        if actual is not None:
            summary.outcomes_measured += 1
            summary.outcomes_met += int(_met(baseline, target, actual))
    return summary


def _completed():
    from django.db.models import Q

    return Q(status=ProjectStatus.COMPLETED)


def _met(baseline: Decimal, target: Decimal, actual: Decimal) -> bool:
    return actual >= target if target >= baseline else actual <= target


@dataclass(frozen=True, slots=True)
class ProjectRow:
    """One line of the programme table and CSV export."""

    slug: str
    title: str
    organization: str
    step: str
    status: str
    iteration: int
    days_in_current_step: float
    interventions: int
    stakeholders: int
    outcomes_met: int
    outcomes_total: int
    people_reached: int


def project_rows() -> list[ProjectRow]:
    """One row per project with its counts, in five queries (plain values, no model instances)."""
    interventions = dict(
        Intervention.objects.values_list("project").annotate(n=Count("id")).values_list("project", "n")
    )
    projects = Project.objects.order_by("organization__name", "title").values_list(
        "pk", "slug", "title", "organization__name", "current_step", "status", "iteration", "users_reached"
    )
    stakeholders = dict(Stakeholder.objects.values_list("project").annotate(n=Count("id")).values_list("project", "n"))
    entered = dict(StepRecord.objects.filter(left_at__isnull=True).values_list("project", "entered_at"))
    met: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for project_id, baseline, target, actual in OutcomeMetric.objects.values_list(
        "project", "baseline", "target", "actual"
    ).iterator():
        met[project_id][1] += 1
        if actual is not None and _met(baseline, target, actual):
            met[project_id][0] += 1
    now = timezone.now()
    rows = []
    for pk, slug, title, organization, step, status, iteration, reached in projects:
        since = entered.get(pk)
        active = status != ProjectStatus.COMPLETED
        rows.append(
            ProjectRow(
                slug=slug,
                title=title,
                organization=organization,
                step=step,
                status=status,
                iteration=iteration,
                days_in_current_step=round((now - since).total_seconds() / 86400, 1) if since and active else 0.0,
                interventions=interventions.get(pk, 0),
                stakeholders=stakeholders.get(pk, 0),
                outcomes_met=met[pk][0],
                outcomes_total=met[pk][1],
                people_reached=reached,
            )
        )
    return rows


CSV_COLUMNS = [
    "slug",
    "title",
    "organization",
    "step",
    "status",
    "iteration",
    "days_in_current_step",
    "interventions",
    "stakeholders",
    "outcomes_met",
    "outcomes_total",
    "people_reached",
]


def rows_to_csv(rows: list[ProjectRow]) -> str:
    """The programme table as CSV text (formula-like cells are neutralised)."""
    return spreadsheet.csv_text(CSV_COLUMNS, ([getattr(row, col) for col in CSV_COLUMNS] for row in rows))
