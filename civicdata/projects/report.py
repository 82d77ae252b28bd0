"""The public summary report of a completed project: what goes in it, and its PDF form.

Used by the report page, the PDF download and `civicdata projects report`.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from civicdata.core.text import plain_text
from civicdata.projects import method
from civicdata.projects.models import PlanComment, Project, StepChoice, UseCase
from civicdata.projects.pdf import Block, render_pdf


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
    """The report as PDF bytes (written by the app's own small PDF writer)."""
    ctx = report_context(project)
    blocks = [
        Block("h1", project.title),
        Block("p", f"{project.organization.name} — {_('Summary report')} — {_('iteration')} {project.iteration}"),
    ]
    if project.report_summary:
        blocks += [Block("h2", _("Results")), Block("p", plain_text(project.report_summary))]
    if ctx["focus"]:
        blocks += [
            Block("h2", _("Focus area")),
            Block("p", f"{ctx['focus'].title}: {plain_text(ctx['focus'].rationale)}"),
        ]
    blocks.append(Block("h2", _("The four steps")))
    for label, record in ctx["steps"]:
        blocks.append(Block("p", f"{label}: {plain_text(record.result) if record else '—'}"))
    if ctx["interventions"]:
        blocks.append(Block("h2", _("Interventions")))
        for iv in ctx["interventions"]:
            label = iv.get_tactic_display()
            blocks.append(Block("li", f"{iv.title} ({label}) — {_('people reached')}: {iv.users_reached}"))
    if ctx["metrics"]:
        blocks.append(Block("h2", _("Outcomes against targets")))
        for m in ctx["metrics"]:
            blocks.append(
                Block(
                    "li",
                    f"{m.name}: {_('baseline')} {m.baseline}, {_('target')} {m.target}, "
                    f"{_('actual')} {m.actual if m.actual is not None else '—'} {m.unit}",
                )
            )
    if ctx["changes"]:
        blocks.append(Block("h2", _("Change log")))
        for c in ctx["changes"]:
            blocks.append(
                Block(
                    "li",
                    f"{c.get_disposition_display()}: {plain_text(c.body)[:200]} — {plain_text(c.disposition_reason)}",
                )
            )
    if ctx["overrides"]:
        blocks.append(Block("h2", _("Exit checks overridden")))
        for o in ctx["overrides"]:
            blocks.append(Block("li", f"{o.get_step_display()}: {plain_text(o.reason)}"))
    return render_pdf(blocks, title=project.title)
