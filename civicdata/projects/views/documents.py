"""Printable documents: the public summary report (HTML and PDF) and low-tech outreach posters with a
QR code that links to the data."""

from __future__ import annotations

import io

import segno
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

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
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{project.slug}-report.pdf"'
    return response


def qr_svg(url: str) -> str:
    """An inline SVG QR code for ``url`` with a text alternative added by the template."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=6, xmldecl=False, svgns=True, nl=False, omitsize=True)
    return buffer.getvalue().decode()


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
    # segno's SVG contains only paths and fixed attributes, never user text, so it is safe to inline.
    svg = mark_safe(qr_svg(absolute))
    return render(
        request,
        "projects/poster.html",
        {"project": project, "intervention": intervention, "qr_svg": svg, "target": absolute},
    )
