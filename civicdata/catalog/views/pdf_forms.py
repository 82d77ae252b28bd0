"""Pages of the PDF Filler: publishers' editors upload a fillable PDF form, word its fields and publish it;
anyone fills a published form on the web and downloads the filled, flattened PDF."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import get_valid_filename
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from civicdata.catalog import permissions, services
from civicdata.catalog.models import PdfForm
from civicdata.catalog.services.pdf_forms import max_upload_bytes
from civicdata.catalog.views.crawls import _publishers
from civicdata.core.errors import InvalidInput, add_to_form


class UploadForm(forms.Form):
    publisher = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Publisher"), empty_label=None)
    title = forms.CharField(label=gettext_lazy("Title of the form"), max_length=200)
    pdf = forms.FileField(
        label=gettext_lazy("Fillable PDF form"),
        help_text=gettext_lazy("A PDF made with form fields (an AcroForm), at most 5 MB and 30 pages."),
    )

    def __init__(self, *args: Any, publishers: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["publisher"].queryset = type(publishers[0]).objects.filter(pk__in=[p.pk for p in publishers])
        self.fields["pdf"].widget.attrs["accept"] = "application/pdf,.pdf"


@require_http_methods(["GET", "HEAD", "POST"])
def pdf_form_list(request: HttpRequest) -> HttpResponse:
    """Upload a fillable PDF form, and the forms of the person's publishers."""
    publishers = _publishers(request)
    form = UploadForm(request.POST or None, request.FILES or None, publishers=publishers)
    if request.method == "POST" and form.is_valid():
        publisher = form.cleaned_data["publisher"]
        permissions.ensure_can_edit_for(request.user, publisher)
        upload = form.cleaned_data["pdf"]
        try:
            if upload.size > max_upload_bytes():
                limit = max_upload_bytes() // (1024 * 1024)
                raise InvalidInput(_("The file is larger than %(mb)s MB.") % {"mb": limit}, code="too_large")
            pdf_form = services.create_pdf_form(
                publisher=publisher,
                title=form.cleaned_data["title"],
                filename=upload.name,
                data=upload.read(),
                by=request.user,
            )
        except InvalidInput as exc:
            form.add_error("pdf", exc.message)
        else:
            messages.success(request, _("The form was read. Check the wording of its fields, then publish it."))
            return redirect("catalog:pdf_form", pk=pdf_form.pk)
    pdf_forms = PdfForm.objects.filter(publisher__in=publishers).select_related("publisher")[:100]
    return render(request, "catalog/pdf_form_list.html", {"form": form, "pdf_forms": pdf_forms})


class WordingForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    title_es = forms.CharField(label=gettext_lazy("Title in Spanish"), max_length=200, required=False)
    description = forms.CharField(
        label=gettext_lazy("Instructions"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    description_es = forms.CharField(
        label=gettext_lazy("Instructions in Spanish"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    is_published = forms.BooleanField(
        label=gettext_lazy("Published: anyone with the link can fill in this form"), required=False
    )
    keep_submissions = forms.BooleanField(
        label=gettext_lazy("Keep a copy of every answer (otherwise nothing residents type is stored)"),
        required=False,
    )

    def __init__(self, *args: Any, pdf_form: PdfForm, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pdf_fields = pdf_form.fields
        for index, field in enumerate(pdf_form.fields):
            number = index + 1
            self.fields[f"label_{index}"] = forms.CharField(
                label=_("Question %(n)s") % {"n": number}, max_length=200, initial=field["label"]
            )
            self.fields[f"label_es_{index}"] = forms.CharField(
                label=_("Question %(n)s in Spanish") % {"n": number},
                max_length=200,
                required=False,
                initial=field.get("label_es", ""),
            )
            self.fields[f"required_{index}"] = forms.BooleanField(
                label=_("Question %(n)s must be answered") % {"n": number},
                required=False,
                initial=field.get("required", False),
            )

    def rows(self) -> list[tuple[dict, Any, Any, Any]]:
        return [
            (field, self[f"label_{i}"], self[f"label_es_{i}"], self[f"required_{i}"])
            for i, field in enumerate(self.pdf_fields)
        ]


def _managed(request: HttpRequest, pk: int) -> PdfForm:
    _publishers(request)
    pdf_form = get_object_or_404(PdfForm.objects.select_related("publisher"), pk=pk)
    permissions.ensure_can_manage_pdf_form(request.user, pdf_form)
    return pdf_form


@require_http_methods(["GET", "HEAD", "POST"])
def pdf_form_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Word the form's fields (English and Spanish), mark the required ones, publish it."""
    pdf_form = _managed(request, pk)
    initial = {
        "title": pdf_form.title,
        "title_es": pdf_form.title_es,
        "description": pdf_form.description,
        "description_es": pdf_form.description_es,
        "is_published": pdf_form.is_published,
        "keep_submissions": pdf_form.keep_submissions,
    }
    form = WordingForm(request.POST or None, initial=initial, pdf_form=pdf_form)
    if request.method == "POST":
        if request.POST.get("delete"):
            services.delete_pdf_form(pdf_form, by=request.user)
            messages.success(request, _("The form was deleted."))
            return redirect("catalog:pdf_forms")
        if form.is_valid():
            data = form.cleaned_data
            labels = {
                i: (data[f"label_{i}"], data[f"label_es_{i}"], data[f"required_{i}"])
                for i in range(len(pdf_form.fields))
            }
            try:
                services.update_pdf_form(
                    pdf_form,
                    by=request.user,
                    title=data["title"],
                    title_es=data["title_es"],
                    description=data["description"],
                    description_es=data["description_es"],
                    labels=labels,
                    is_published=data["is_published"],
                    keep_submissions=data["keep_submissions"],
                )
            except InvalidInput as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, _("The form was saved."))
                return redirect("catalog:pdf_form", pk=pdf_form.pk)
    fill_url = request.build_absolute_uri(reverse("catalog:pdf_form_fill", kwargs={"pk": pdf_form.pk}))
    context = {
        "pdf_form": pdf_form,
        "form": form,
        "fill_url": fill_url,
        "submission_count": pdf_form.submissions.count(),
    }
    return render(request, "catalog/pdf_form_detail.html", context)


def _spanish() -> bool:
    return (get_language() or "").startswith("es")


def _fill_form_class(pdf_form: PdfForm) -> type[forms.Form]:
    """A web form with one input per PDF field, named by position (never by the PDF's field name)."""
    spanish = _spanish()
    attrs: dict[str, Any] = {}
    for index, field in enumerate(pdf_form.fields):
        label = (field.get("label_es") if spanish else "") or field["label"]
        required = bool(field.get("required"))
        if field["kind"] == "checkbox":
            attrs[f"f{index}"] = forms.BooleanField(label=label, required=required)
        elif field["kind"] == "choice":
            choices = [("", _("Choose…"))] + [(option, option) for option in field["options"]]
            attrs[f"f{index}"] = forms.ChoiceField(label=label, choices=choices, required=required)
        else:
            attrs[f"f{index}"] = forms.CharField(label=label, required=required, max_length=2000)
    return type("FillForm", (forms.Form,), attrs)


@require_http_methods(["GET", "HEAD", "POST"])
def pdf_form_fill(request: HttpRequest, pk: int) -> HttpResponse:
    """The public web form of a published PDF form; sending it downloads the filled PDF."""
    pdf_form = get_object_or_404(PdfForm.objects.select_related("publisher"), pk=pk)
    permissions.ensure_can_fill_pdf_form(request.user, pdf_form)
    form = _fill_form_class(pdf_form)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = {field["name"]: form.cleaned_data[f"f{i}"] for i, field in enumerate(pdf_form.fields)}
        try:
            pdf = services.fill_pdf_form(pdf_form, values)
        except InvalidInput as exc:
            positions = {field["name"]: f"f{i}" for i, field in enumerate(pdf_form.fields)}
            for problem in exc.details or []:
                form.add_error(positions.get(problem["field"]), problem["message"])
        else:
            name = get_valid_filename(pdf_form.filename.rsplit(".", 1)[0]) or "form"
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="{name}-filled.pdf"'
            response["Cache-Control"] = "no-store"
            return response
    spanish = _spanish()
    context = {
        "pdf_form": pdf_form,
        "form": form,
        "title": (pdf_form.title_es if spanish else "") or pdf_form.title,
        "description": (pdf_form.description_es if spanish else "") or pdf_form.description,
    }
    return render(request, "catalog/pdf_form_fill.html", context)
