"""The public summary report of a completed project: what goes in it, and its PDF form.

Used by the report page, the PDF download and `civicdata projects report`.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from civicdata.core.printing import render_pdf
from civicdata.projects import method
from civicdata.projects.models import PlanComment, Project, StepChoice, UseCase


class ReportNotReady(Exception):
    """The project is not completed, so it has no report yet."""


def report_context(project: Project) -> dict[str, Any]:
    """Everything the report shows, in a fixed number of queries. Raises ReportNotReady before completion."""
    if not project.is_completed:
        raise ReportNotReady(_("The summary report is published when the project is completed."))
    records = {r.step: r for r in project.step_records.all()}
    focus = getattr(project, "focus_area", None) if hasattr(project, "focus_area") else None
    plan = getattr(project, "plan", None) if hasattr(project, "plan") else None
    return {
        "project": project,
        "steps": [(StepChoice(s.value).label, records.get(s.value)) for s in method.STEP_ORDER],
        "focus": focus,
        "use_case": UseCase.objects.filter(project=project, selected=True).prefetch_related("stories").first(),
        "plan": plan,
        "changes": list(PlanComment.objects.filter(plan=plan).exclude(disposition="pending")) if plan else [],
        "interventions": list(project.interventions.prefetch_related("datasets")),
        "metrics": list(project.metrics.all()),
        "overrides": list(project.overrides.all()),
    }


def report_pdf(project: Project) -> bytes:
    """The report as PDF bytes, printed from its HTML template by WeasyPrint (`core.printing`)."""
    return render_pdf("projects/report_print.html", report_context(project))
