"""Printable documents: the public summary report (HTML and PDF) and low-tech outreach posters with a
QR code that links to the data."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from civicdata.core.printing import pdf_response, qr_svg
from civicdata.projects import report
from civicdata.projects.models import Intervention, Project
from civicdata.projects.views._common import get_project


def _context(project: Project) -> dict:
    try:
        return report.report_context(project)
    except report.ReportNotReady as exc:
        raise Http404(str(exc)) from exc


@require_safe
def report_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The public summary report of a completed project, styled for printing."""
    return render(request, "projects/report.html", _context(get_project(slug)))


@require_safe
def report_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """The same report as a PDF."""
    project = get_project(slug)
    try:
        data = report.report_pdf(project)
    except report.ReportNotReady as exc:
        raise Http404(str(exc)) from exc
    return pdf_response(data, filename=f"{project.slug}-report.pdf")


@require_safe
def poster(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A printable poster for a low-tech outreach intervention; the QR code points at the data."""
    project = get_project(slug)
    intervention = get_object_or_404(Intervention.objects.prefetch_related("datasets"), project=project, pk=pk)
    target = intervention.data_url
    if not target:
        first = intervention.datasets.first()
        target = first.get_absolute_url() if first else project.get_absolute_url()
    absolute = request.build_absolute_uri(target)
    svg = qr_svg(absolute)
    return render(
        request,
        "projects/poster.html",
        {"project": project, "intervention": intervention, "qr_svg": svg, "target": absolute},
    )
