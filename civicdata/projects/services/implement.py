"""Implement-step services (interventions, reach, feedback, outcome metrics, report) and data champions."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdata.core.audit import record_write, snapshot
from civicdata.core.errors import InvalidInput
from civicdata.projects import permissions
from civicdata.projects.models import (
    Activity,
    Artefact,
    Champion,
    Channel,
    EventKind,
    Intervention,
    InterventionFeedback,
    OutcomeMetric,
    Project,
    StepChoice,
)
from civicdata.projects.services._common import (
    _ensure_step,
    _ensure_tactic,
    _event,
    _required,
    _touch,
)

# ---------------------------------------------------------------- Implement


@transaction.atomic
def add_intervention(
    project: Project,
    *,
    tactic: str,
    title: str,
    description: str = "",
    data_url: str = "",
    datasets: Iterable[Any] = (),
    activity_ids: Iterable[int] = (),
    by: Any,
) -> Intervention:
    """Add an intervention typed by an Implement tactic, during Implement."""
    permissions.ensure_can_edit_project(by, project)
    _ensure_step(project, StepChoice.IMPLEMENT)
    _ensure_tactic(StepChoice.IMPLEMENT, tactic)
    if data_url and not data_url.startswith(("https://", "http://", "/")):
        raise InvalidInput(_("The data link must be a web address."), code="bad_url")
    intervention = Intervention.objects.create(
        project=project,
        tactic=tactic,
        title=_required(title, _("Title")),
        description=description,
        data_url=data_url,
    )
    intervention.datasets.set(list(datasets))
    intervention.activities.set(Activity.objects.filter(project=project, pk__in=list(activity_ids)))
    _event(project, EventKind.INTERVENTION, _("Intervention added: %(t)s") % {"t": intervention.title}, by=by)
    _touch(project)
    record_write(actor=by, action="projects.intervention.add", target=intervention, after=snapshot(intervention))
    return intervention


@transaction.atomic
def add_artefact(intervention: Intervention, *, kind: str, title: str, url: str = "", by: Any) -> Artefact:
    permissions.ensure_can_edit_project(by, intervention.project)
    return Artefact.objects.create(intervention=intervention, kind=kind, title=_required(title, _("Title")), url=url)


@transaction.atomic
def record_users_reached(intervention: Intervention, *, users_reached: int, by: Any) -> Intervention:
    """Record how many people an intervention reached; the project total is the sum."""
    permissions.ensure_can_edit_project(by, intervention.project)
    if users_reached < 0:
        raise InvalidInput(_("People reached cannot be negative."))
    intervention.users_reached = users_reached
    intervention.save(update_fields=["users_reached"])
    total = sum(Intervention.objects.filter(project=intervention.project).values_list("users_reached", flat=True))
    Project.objects.filter(pk=intervention.project_id).update(users_reached=total, updated_at=timezone.now())
    intervention.project.users_reached = total
    record_write(actor=by, action="projects.intervention.reach", target=intervention, after={"users": users_reached})
    return intervention


@transaction.atomic
def set_feedback_channel(intervention: Intervention, *, open_: bool, by: Any) -> Intervention:
    permissions.ensure_can_edit_project(by, intervention.project)
    intervention.feedback_open = open_
    intervention.save(update_fields=["feedback_open"])
    return intervention


@transaction.atomic
def give_intervention_feedback(intervention: Intervention, *, body: str, by: Any) -> InterventionFeedback:
    """A resident uses the intervention's open feedback channel."""
    permissions.ensure_resident_can(by, permissions.feedback_channel_state(intervention))
    return InterventionFeedback.objects.create(
        intervention=intervention, author=by, body=_required(body, _("Feedback"))
    )


@transaction.atomic
def add_outcome_metric(
    project: Project, *, name: str, baseline: Decimal, target: Decimal, unit: str = "", by: Any
) -> OutcomeMetric:
    permissions.ensure_can_edit_project(by, project)
    if baseline == target:
        raise InvalidInput(_("The target must differ from the baseline."), code="flat_target")
    return OutcomeMetric.objects.create(
        project=project, name=_required(name, _("Metric")), unit=unit, baseline=baseline, target=target
    )


@transaction.atomic
def record_outcome(metric: OutcomeMetric, *, actual: Decimal, by: Any) -> OutcomeMetric:
    permissions.ensure_can_edit_project(by, metric.project)
    metric.actual = actual
    metric.save(update_fields=["actual"])
    record_write(actor=by, action="projects.metric.actual", target=metric, after={"actual": str(actual)})
    return metric


@transaction.atomic
def write_report_summary(project: Project, *, summary: str, by: Any) -> Project:
    """The staff-written summary of results that opens the public report."""
    permissions.ensure_can_edit_project(by, project)
    project.report_summary = summary
    project.save(update_fields=["report_summary"])
    return project


# ---------------------------------------------------------------- data champions


@transaction.atomic
def save_champion(
    *,
    organization: Any,
    name: str,
    level: str,
    title: str = "",
    channels: Iterable[str] = (),
    public_contact: str = "",
    listed_publicly: bool = False,
    project_ids: Iterable[int] = (),
    champion: Champion | None = None,
    by: Any,
) -> Champion:
    """Create or update a data champion. The public directory shows only those who opted in."""
    from civicdata.accounts.permissions import ensure_can_edit_for

    ensure_can_edit_for(by, organization)
    channels = list(dict.fromkeys(channels))
    bad = set(channels) - set(Channel.values)
    if bad:
        raise InvalidInput(_("Unknown channels: %(c)s") % {"c": ", ".join(sorted(bad))})
    champion = champion or Champion(organization=organization)
    champion.name = _required(name, _("Name"))
    champion.level, champion.title, champion.channels = level, title, channels
    champion.public_contact, champion.listed_publicly = public_contact, listed_publicly
    champion.save()
    champion.projects.set(Project.objects.filter(organization=organization, pk__in=list(project_ids)))
    record_write(actor=by, action="projects.champion.save", target=champion, after=snapshot(champion))
    return champion
