"""Printable documents: the public summary report (HTML and PDF) and low-tech outreach posters with a
QR code that links to the data."""

from __future__ import annotations

import io

import segno
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from civicdata.core.text import plain_text
from civicdata.projects import method
from civicdata.projects.models import Intervention, PlanComment, Project, StepChoice, UseCase
from civicdata.projects.pdf import Block, render_pdf
from civicdata.projects.views._common import get_project


def _report_context(project: Project) -> dict:
    if not project.is_completed:
        raise Http404(_("The summary report is published when the project is completed."))
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


@require_GET
def report(request: HttpRequest, slug: str) -> HttpResponse:
    """The public summary report of a completed project, styled for printing."""
    project = get_project(slug)
    return render(request, "projects/report.html", _report_context(project))


@require_GET
def report_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """The same report as a PDF, written by the app's own small PDF writer."""
    ctx = _report_context(get_project(slug))
    project = ctx["project"]
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
    data = render_pdf(blocks, title=project.title)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{project.slug}-report.pdf"'
    return response


def qr_svg(url: str) -> str:
    """An inline SVG QR code for ``url`` with a text alternative added by the template."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=6, xmldecl=False, svgns=True, nl=False, omitsize=True)
    return buffer.getvalue().decode()


@require_GET
def poster(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A printable poster for a low-tech outreach intervention; the QR code points at the data."""
    project = get_project(slug)
    intervention = get_object_or_404(Intervention.objects.prefetch_related("datasets"), project=project, pk=pk)
    target = intervention.data_url
    if not target:
        first = intervention.datasets.first()
        target = first.get_absolute_url() if first else project.get_absolute_url()
    absolute = request.build_absolute_uri(target)
    # segno's SVG contains only paths and fixed attributes, never user text, so it is safe to inline.
    svg = mark_safe(qr_svg(absolute))
    return render(
        request,
        "projects/poster.html",
        {"project": project, "intervention": intervention, "qr_svg": svg, "target": absolute},
    )
