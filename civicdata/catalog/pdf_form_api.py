"""JSON API of the PDF Filler, mounted at /api/tools/forms (inside the tools router of crawl_api.py).

Reading and filling a published form needs no account; uploading needs an editor of the publisher.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.text import get_valid_filename
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from civicdata.accounts.auth import signed_in
from civicdata.accounts.models import Organization
from civicdata.catalog import permissions, services
from civicdata.catalog.models import PdfForm
from civicdata.catalog.services.pdf_forms import max_upload_bytes
from civicdata.core.errors import InvalidInput

router = Router(tags=["tools"])


class FieldOut(Schema):
    name: str
    kind: str
    options: list[str]
    label: str
    label_es: str
    required: bool


class PdfFormOut(Schema):
    id: int
    publisher: str
    title: str
    title_es: str
    description: str
    description_es: str
    is_published: bool
    keep_submissions: bool
    fields: list[FieldOut]


class FillIn(Schema):
    values: dict[str, Any]


def _out(form: PdfForm) -> dict[str, Any]:
    return {
        "id": form.pk,
        "publisher": form.publisher.slug,
        "title": form.title,
        "title_es": form.title_es,
        "description": form.description,
        "description_es": form.description_es,
        "is_published": form.is_published,
        "keep_submissions": form.keep_submissions,
        "fields": [
            {
                "name": f["name"],
                "kind": f["kind"],
                "options": f.get("options", []),
                "label": f["label"],
                "label_es": f.get("label_es", ""),
                "required": bool(f.get("required")),
            }
            for f in form.fields
        ],
    }


def _fillable(request: HttpRequest, form_id: int) -> PdfForm:
    form = get_object_or_404(PdfForm.objects.select_related("publisher"), pk=form_id)
    permissions.ensure_can_fill_pdf_form(request.user, form)
    return form


@router.post("", response={201: PdfFormOut}, auth=signed_in, summary="Upload a fillable PDF form")
def upload_form(request: HttpRequest, publisher: Form[str], title: Form[str], pdf: File[UploadedFile]) -> Status:
    """Store a fillable PDF form (unpublished) and list its fields (editors of the publisher)."""
    organization = get_object_or_404(Organization, slug=publisher, kind="publisher")
    permissions.ensure_can_edit_for(request.auth, organization)
    if pdf.size > max_upload_bytes():
        raise InvalidInput("The file is larger than the upload limit.", code="too_large")
    form = services.create_pdf_form(
        publisher=organization, title=title, filename=pdf.name or "form.pdf", data=pdf.read(), by=request.auth
    )
    return Status(201, _out(form))


@router.get("/{form_id}", response=PdfFormOut, summary="A PDF form and its fields")
def form_detail(request: HttpRequest, form_id: int) -> dict[str, Any]:
    """The fields to send to `fill` (published forms; unpublished ones for their editors)."""
    return _out(_fillable(request, form_id))


@router.post(
    "/{form_id}/fill",
    response={200: None},
    summary="Fill a PDF form",
    openapi_extra={
        "responses": {"200": {"description": "The filled, flattened PDF", "content": {"application/pdf": {}}}}
    },
)
def fill_form(request: HttpRequest, form_id: int, payload: FillIn) -> HttpResponse:
    """`values` maps PDF field names to answers (text, the chosen option, or true for a ticked box); the
    answer is the filled PDF with its fields flattened. Nothing is stored unless the form keeps submissions."""
    form = _fillable(request, form_id)
    pdf = services.fill_pdf_form(form, payload.values)
    name = get_valid_filename(form.filename.rsplit(".", 1)[0]) or "form"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}-filled.pdf"'
    response["Cache-Control"] = "no-store"
    return response
