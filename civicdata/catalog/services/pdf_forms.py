"""PDF Filler: staff upload a fillable PDF form (AcroForm); residents fill it from a web form or the API and
get a flattened PDF back. Nothing a resident types is stored unless the form says to keep submissions.

Uploads are bounded (size, pages, fields) and read with pypdf; field names come from the PDF and are only
ever used as keys (the web form names its inputs by position), so hostile names stay inert text.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from civicdata.accounts.models import Organization
from civicdata.catalog.models import PdfForm, PdfFormSubmission
from civicdata.core.audit import record_write
from civicdata.core.errors import InvalidInput

if TYPE_CHECKING:  # pypdf is imported when a PDF is read: every catalog command imports this module
    from pypdf import PdfReader

MAX_FIELDS = 200
MAX_VALUE_LENGTH = 2000
# Control characters never belong in a form answer (a PDF string would carry them invisibly).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def max_upload_bytes() -> int:
    return int(getattr(settings, "CATALOG_PDF_FORM_MAX_MB", 5)) * 1024 * 1024


def max_pages() -> int:
    return int(getattr(settings, "CATALOG_PDF_FORM_MAX_PAGES", 30))


def _reader(data: bytes) -> PdfReader:
    if len(data) > max_upload_bytes():
        raise InvalidInput(
            _("The file is larger than %(mb)s MB.") % {"mb": max_upload_bytes() // (1024 * 1024)}, code="too_large"
        )
    if not data.startswith(b"%PDF-"):
        raise InvalidInput(_("This file is not a PDF."), code="not_pdf")
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError  # (PdfReadError is one)

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise InvalidInput(_("The PDF is password-protected; upload a copy without a password."), code="encrypted")
        pages = len(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError) as error:
        raise InvalidInput(_("The PDF could not be read; it may be damaged."), code="unreadable_pdf") from error
    if pages > max_pages():
        raise InvalidInput(
            _("The PDF has %(pages)s pages; forms may have at most %(limit)s.")
            % {"pages": pages, "limit": max_pages()},
            code="too_many_pages",
        )
    return reader


def read_form_fields(data: bytes) -> list[dict[str, Any]]:
    """The fillable fields of a PDF, in document order, as `PdfForm.fields` entries with default labels.

    InvalidInput when the file is too big, not a PDF, encrypted, has too many pages or no fields.
    """
    reader = _reader(data)
    from pypdf.errors import PyPdfError

    try:
        found = reader.get_fields() or {}
    except (PyPdfError, ValueError, KeyError, TypeError, RecursionError) as error:
        raise InvalidInput(_("The PDF's form fields could not be read."), code="unreadable_pdf") from error
    fields: list[dict[str, Any]] = []
    for name, field in found.items():
        kind_name = field.get("/FT")
        if kind_name not in ("/Tx", "/Btn", "/Ch") or not str(name).strip():
            continue  # signatures and containers are not filled from the web
        kind = {"/Tx": "text", "/Btn": "checkbox", "/Ch": "choice"}[kind_name]
        options: list[str] = []
        if kind == "checkbox":
            states = [str(s) for s in field.get("/_States_", []) if str(s) != "/Off"]
            if not states:
                continue  # a push button: nothing to fill
            options = states[:1]
        if kind == "choice":
            for option in field.get("/Opt", []) or []:
                value = option[-1] if isinstance(option, list) and option else option
                options.append(_clean(str(value))[:200])
        label = _clean(str(field.get("/TU") or name))[:200]
        fields.append(
            {
                "name": str(name),
                "kind": kind,
                "options": options[:200],
                "label": label,
                "label_es": "",
                "required": False,
            }
        )
        if len(fields) > MAX_FIELDS:
            raise InvalidInput(_("The form has more than %(n)s fields.") % {"n": MAX_FIELDS}, code="too_many_fields")
    if not fields:
        raise InvalidInput(
            _("This PDF has no fields to fill in. Upload a fillable PDF form (one made with form fields)."),
            code="no_fields",
        )
    return fields


def _clean(text: str) -> str:
    return _CONTROL.sub("", text).strip()


def create_pdf_form(*, publisher: Organization, title: str, filename: str, data: bytes, by: Any) -> PdfForm:
    """Store an uploaded fillable PDF, unpublished, with its fields listed (the caller checked the person
    edits for `publisher`)."""
    fields = read_form_fields(data)
    title = _clean(title)[:200]
    if not title:
        raise InvalidInput(
            _("Give the form a title."),
            code="title_missing",
            details=[{"field": "title", "message": _("Give the form a title.")}],
        )
    with transaction.atomic():
        form = PdfForm.objects.create(
            publisher=publisher,
            title=title,
            filename=_clean(filename)[:200] or "form.pdf",
            pdf=data,
            fields=fields,
            created_by=by if getattr(by, "is_authenticated", False) else None,
        )
        record_write(
            actor=by, action="catalog.pdf_form.create", target=form, after={"title": title, "fields": len(fields)}
        )
    return form


def update_pdf_form(
    form: PdfForm,
    *,
    by: Any,
    title: str,
    title_es: str = "",
    description: str = "",
    description_es: str = "",
    labels: dict[int, tuple[str, str, bool]] | None = None,
    is_published: bool,
    keep_submissions: bool,
) -> PdfForm:
    """Change the form's wording, its field labels (`labels`: position → (label, Spanish label, required)),
    and whether it is published and keeps submissions."""
    title = _clean(title)[:200]
    if not title:
        raise InvalidInput(
            _("Give the form a title."),
            code="title_missing",
            details=[{"field": "title", "message": _("Give the form a title.")}],
        )
    fields = [dict(field) for field in form.fields]
    for index, (label, label_es, required) in (labels or {}).items():
        if 0 <= index < len(fields):
            fields[index]["label"] = _clean(label)[:200] or fields[index]["name"][:200]
            fields[index]["label_es"] = _clean(label_es)[:200]
            fields[index]["required"] = bool(required)
    with transaction.atomic():
        before = {"is_published": form.is_published, "keep_submissions": form.keep_submissions}
        form.title, form.title_es = title, _clean(title_es)[:200]
        form.description, form.description_es = description.strip()[:5000], description_es.strip()[:5000]
        form.fields = fields
        form.is_published, form.keep_submissions = is_published, keep_submissions
        form.save()
        after = {"is_published": is_published, "keep_submissions": keep_submissions}
        record_write(actor=by, action="catalog.pdf_form.update", target=form, before=before, after=after)
    return form


def delete_pdf_form(form: PdfForm, *, by: Any) -> None:
    with transaction.atomic():
        record_write(actor=by, action="catalog.pdf_form.delete", target=form, before={"title": form.title})
        form.delete()


def check_answers(form: PdfForm, values: dict[str, Any]) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The answers keyed by PDF field name, cleaned, and the problems (`[{"field", "message"}]`) with them.

    `values` is keyed by PDF field name; unknown names are problems (they would fill nothing).
    """
    problems: list[dict[str, str]] = []
    by_name = {field["name"]: field for field in form.fields}
    for name in values:
        if name not in by_name:
            problems.append({"field": str(name)[:200], "message": _("This form has no field with this name.")})
    answers: dict[str, str] = {}
    for field in form.fields:
        raw = values.get(field["name"])
        if field["kind"] == "checkbox":
            checked = raw is True or str(raw).strip().lower() in ("1", "true", "yes", "on", "sí", "si")
            if field["required"] and not checked:
                problems.append({"field": field["name"], "message": _("Tick this box to continue.")})
            answers[field["name"]] = field["options"][0] if checked else "/Off"
            continue
        text = "" if raw is None or isinstance(raw, (dict, list)) else _clean(str(raw))
        if len(text) > MAX_VALUE_LENGTH:
            problems.append({"field": field["name"], "message": _("This answer is too long.")})
            continue
        if field["kind"] == "choice" and text and text not in field["options"]:
            problems.append({"field": field["name"], "message": _("Choose one of the options given.")})
            continue
        if field["required"] and not text:
            problems.append({"field": field["name"], "message": _("This field is required.")})
        answers[field["name"]] = text
    return answers, problems


def fill_pdf_form(form: PdfForm, values: dict[str, Any]) -> bytes:
    """The form filled with `values` (keyed by PDF field name) and flattened (no fields left, so the
    answers cannot be changed in a viewer). Keeps the answers only when the form keeps submissions.

    InvalidInput (with `details` per field) when an answer is missing, too long or not an option.
    """
    answers, problems = check_answers(form, values)
    if problems:
        raise InvalidInput(_("Some answers need attention."), code="invalid_answers", details=problems)
    reader = _reader(bytes(form.pdf))
    from pypdf import PdfWriter
    from pypdf.errors import PyPdfError

    writer = PdfWriter(clone_from=reader)
    writer.set_need_appearances_writer(False)
    try:
        writer.update_page_form_field_values(None, answers, auto_regenerate=False, flatten=True)
    except (PyPdfError, ValueError, KeyError, TypeError) as error:
        raise InvalidInput(_("The PDF form could not be filled in."), code="fill_failed") from error
    writer.remove_annotations(subtypes="/Widget")
    if "/AcroForm" in writer._root_object:
        del writer._root_object["/AcroForm"]
    out = io.BytesIO()
    writer.write(out)
    if form.keep_submissions:
        PdfFormSubmission.objects.create(form=form, values={k: v for k, v in answers.items() if v not in ("", "/Off")})
    return out.getvalue()
