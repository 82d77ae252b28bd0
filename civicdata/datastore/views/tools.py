"""Pages of the POD toolbox's converters under /catalog/tools/ (editors of a publisher): tables freed from
PDFs, and GIS files (zipped shapefiles, GeoPackage, KML) or ArcGIS REST layers loaded with their geometry."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from civicdata.accounts import permissions as base_permissions
from civicdata.catalog.files import safe_name
from civicdata.catalog.models import Dataset
from civicdata.core.errors import ActionRefused, InvalidInput
from civicdata.datastore import gis, pdftables
from civicdata.datastore.models import LiveRefresh, MapLayerSource
from civicdata.datastore.permissions import ensure_can_manage_table
from civicdata.datastore.services import map_layers, tools

PDF_SALT = "datastore.pdf-tables"
#: Most pages a PDF may have at all (the tool reads PDF_TABLES_MAX_PAGES of them at a time).
MAX_PDF_PAGES = 2000


def editable_datasets(user: Any) -> Any:
    """Datasets of the publishers the person edits, newest first."""
    base_permissions.ensure_signed_in(user)
    organizations = [org.pk for org in base_permissions.editable_organizations(user)]
    if not organizations:
        raise ActionRefused(_("Only editors of a publisher can use this tool."), code="not_editor")
    return Dataset.objects.filter(publisher__in=organizations, withdrawn_at__isnull=True).order_by("title")


class _DatasetForm(forms.Form):
    dataset = forms.ModelChoiceField(
        queryset=Dataset.objects.none(),
        label=gettext_lazy("Dataset to add the table to"),
        help_text=gettext_lazy("The table becomes a new file of this dataset; start a draft dataset first if needed."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dataset"].queryset = editable_datasets(user)


class PdfUploadForm(_DatasetForm):
    file = forms.FileField(label=gettext_lazy("PDF file"), widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}))
    pages = forms.CharField(
        label=gettext_lazy("Pages to read"),
        required=False,
        max_length=200,
    )
    strategy = forms.ChoiceField(
        label=gettext_lazy("How the tables are drawn"),
        choices=[
            ("auto", gettext_lazy("Find out for me")),
            ("lines", gettext_lazy("With lines between the cells")),
            ("text", gettext_lazy("Without lines (columns lined up by spacing)")),
        ],
        initial="auto",
    )
    area = forms.CharField(
        label=gettext_lazy("Area of each page to read (optional)"),
        required=False,
        max_length=100,
        help_text=gettext_lazy(
            "Four numbers separated by commas: left, top, right, bottom, measured from the top-left corner "
            "of the page. For example “0, 50, 100, 100” reads the bottom half of each page. Leave empty to "
            "read whole pages."
        ),
    )
    area_unit = forms.ChoiceField(
        label=gettext_lazy("The area's numbers are"),
        choices=[
            ("percent", gettext_lazy("Percent of the page (0 to 100)")),
            ("points", gettext_lazy("PDF points (72 points are one inch)")),
        ],
        initial="percent",
        required=False,  # percent when not sent
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Filled in per request: a lazy string with % would be translated once, at import.
        self.fields["pages"].help_text = _("For example “1-3, 5”. Leave empty for the first %(n)s pages.") % {
            "n": pdftables.MAX_PAGES
        }


class PdfTablesForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Name of the new table file"), max_length=200)
    header_row = forms.IntegerField(
        label=gettext_lazy("Row with the column names"),
        min_value=0,
        max_value=1000,
        initial=1,
        help_text=gettext_lazy("Counted in the first chosen table; rows above it are left out. 0 means it has none."),
    )
    column_names = forms.CharField(
        label=gettext_lazy("Column names (optional)"),
        required=False,
        max_length=5000,
        help_text=gettext_lazy("To fix the header, write every column name separated by commas."),
    )


def _pdf_state(request: HttpRequest) -> dict:
    token = request.GET.get("t", "")
    try:
        state = signing.loads(token, salt=PDF_SALT, max_age=tools.STASH_SECONDS)
    except signing.BadSignature:
        raise InvalidInput(_("That upload is not known; upload the file again."), code="stash_unknown") from None
    if state.get("user") != request.user.pk:
        raise InvalidInput(_("That upload is not known; upload the file again."), code="stash_unknown")
    return state


@require_http_methods(["GET", "HEAD", "POST"])
def pdf_upload(request: HttpRequest) -> HttpResponse:
    """Step 1: the PDF, the pages to read and the dataset the table goes to."""
    form = PdfUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if not (upload.name or "").lower().endswith(".pdf"):
                raise InvalidInput(_("Choose a PDF file."), code="file_type")
            key = tools.stash_upload(upload)
            count = pdftables.page_count(tools.stashed_path(key))
            if count > MAX_PDF_PAGES:
                raise InvalidInput(
                    _("The PDF has %(n)s pages; the tool reads PDFs of up to %(max)s pages.")
                    % {"n": count, "max": MAX_PDF_PAGES},
                    code="too_many_pages",
                )
            pages = pdftables.parse_pages(form.cleaned_data["pages"], count)
            area = pdftables.parse_area(form.cleaned_data["area"], form.cleaned_data["area_unit"] or "percent")
            pdftables.check_area(tools.stashed_path(key), pages, area)
        except InvalidInput as exc:
            if exc.code == "bad_area":
                field = "area"
            elif exc.code in ("bad_pdf", "file_type", "file_too_large", "file_empty"):
                field = "file"
            else:
                field = "pages"
            form.add_error(field, exc.message)
        else:
            dataset = form.cleaned_data["dataset"]
            token = signing.dumps(
                {
                    "key": key,
                    "user": request.user.pk,
                    "dataset": dataset.pk,
                    "name": safe_name(upload.name),
                    "pages": pages,
                    "strategy": form.cleaned_data["strategy"],
                    "area": form.cleaned_data["area"],
                    "area_unit": form.cleaned_data["area_unit"] or "percent",
                },
                salt=PDF_SALT,
            )
            return redirect(f"{reverse('datastore:pdf_review')}?t={token}")
    return render(request, "datastore/tools/pdf_upload.html", {"form": form, "max_pages": pdftables.MAX_PAGES})


@require_http_methods(["GET", "HEAD", "POST"])
def pdf_review(request: HttpRequest) -> HttpResponse:
    """Step 2: every table found, page by page, with a preview; choose the tables and the header, then
    load them into the Data API as one table (the PDF is kept beside it)."""
    datasets = editable_datasets(request.user)
    context: dict[str, Any] = {"token": request.GET.get("t", "")}
    try:
        state = _pdf_state(request)
        dataset = datasets.get(pk=state["dataset"])
        path = tools.stashed_path(state["key"])
        if not path.is_file():
            raise InvalidInput(_("That upload is not known; upload the file again."), code="stash_unknown")
        area = pdftables.parse_area(state.get("area", ""), state.get("area_unit", "percent"))
        found = pdftables.find_tables(path, state["pages"], strategy=state["strategy"], area=area)
    except (InvalidInput, Dataset.DoesNotExist) as exc:
        message = exc.message if isinstance(exc, InvalidInput) else _("That dataset is not one you edit.")
        return render(request, "datastore/tools/pdf_review.html", {**context, "problem": message}, status=400)
    initial_title = state["name"].rsplit(".", 1)[0].replace("_", " ")
    form = PdfTablesForm(request.POST or None, initial={"title": initial_title, "header_row": 1})
    chosen = request.POST.getlist("tables") if request.method == "POST" else [t.ref for t in found]
    if request.method == "POST" and form.is_valid():
        tables = [t for t in found if t.ref in chosen]
        try:
            header, rows = pdftables.combine(
                tables, header_row=form.cleaned_data["header_row"], column_names=form.cleaned_data["column_names"]
            )
            result = tools.add_converted_table(
                dataset,
                data=pdftables.to_csv(header, rows),
                file_name=f"{safe_name(form.cleaned_data['title']).removesuffix('.')[:100]}.csv",
                title=form.cleaned_data["title"],
                by=request.user,
                site_url=request.build_absolute_uri("/"),
                source=path,
                source_name=state["name"],
            )
        except InvalidInput as exc:
            form.add_error(None, exc.message)
        else:
            path.unlink(missing_ok=True)
            if result.job is not None:
                return redirect(result.job.get_absolute_url())
            return redirect("catalog:dataset_edit", name=dataset.name)
    context.update(
        {"dataset": dataset, "tables": found, "chosen": chosen, "form": form, "pages": state["pages"], "area": area}
    )
    return render(request, "datastore/tools/pdf_review.html", context)


class GisForm(_DatasetForm):
    file = forms.FileField(
        label=gettext_lazy("GIS file"),
        required=False,
        help_text=gettext_lazy(
            "A zipped shapefile (.zip), a GeoPackage (.gpkg) or KML (.kml, .kmz), in any projection."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(gis.SUFFIXES)}),
    )
    layer_url = forms.URLField(
        label=gettext_lazy("Or the address of an ArcGIS map layer"),
        required=False,
        max_length=2000,
        assume_scheme="https",
        help_text=gettext_lazy("Ending in /FeatureServer/0 or /MapServer/0 (the number of the layer)."),
    )
    title = forms.CharField(label=gettext_lazy("Name of the new table file"), max_length=200, required=False)
    refresh = forms.ChoiceField(
        label=gettext_lazy("Copy the map layer again"),
        choices=LiveRefresh.choices,
        initial=LiveRefresh.MANUAL,
        required=False,
        help_text=gettext_lazy(
            "Only for a map layer: each new copy replaces the table's rows; "
            "if the map server fails, the last rows stay."
        ),
    )

    def clean(self) -> dict:
        data = super().clean()
        if bool(data.get("file")) == bool(data.get("layer_url")):
            raise forms.ValidationError(_("Choose a file or give a layer address (one of the two)."))
        return data


@require_http_methods(["GET", "HEAD", "POST"])
def gis_upload(request: HttpRequest) -> HttpResponse:
    """Load a GIS file or an ArcGIS map layer into the Data API with its geometry."""
    form = GisForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            result = tools.convert_gis(
                dataset=form.cleaned_data["dataset"],
                upload=form.cleaned_data.get("file"),
                layer_url=form.cleaned_data.get("layer_url") or "",
                title=form.cleaned_data.get("title") or "",
                by=request.user,
                site_url=request.build_absolute_uri("/"),
                refresh=form.cleaned_data.get("refresh") or LiveRefresh.MANUAL,
            )
        except InvalidInput as exc:
            form.add_error("file" if form.cleaned_data.get("file") else "layer_url", exc.message)
        else:
            if result.job is not None:
                return redirect(result.job.get_absolute_url())
            return redirect("catalog:dataset_edit", name=form.cleaned_data["dataset"].name)
    return render(request, "datastore/tools/gis.html", {"form": form})


class MapLayerScheduleForm(forms.Form):
    refresh = forms.ChoiceField(label=gettext_lazy("Copy the map layer again"), choices=LiveRefresh.choices)


def _map_layer(request: HttpRequest, dataset: str, table: str) -> MapLayerSource:
    base_permissions.ensure_signed_in(request.user)
    source = get_object_or_404(
        MapLayerSource.objects.select_related("table", "table__dataset__publisher"),
        table__dataset__name=dataset,
        table__name=table,
    )
    ensure_can_manage_table(request.user, source.table)
    return source


@require_POST
def map_layer_schedule(request: HttpRequest, dataset: str, table: str) -> HttpResponse:
    """Change how often a table made from an ArcGIS map layer is copied again (from the table's page)."""
    source = _map_layer(request, dataset, table)
    form = MapLayerScheduleForm(request.POST)
    if form.is_valid():
        map_layers.change_map_layer(source, refresh=form.cleaned_data["refresh"], by=request.user)
        messages.success(
            request,
            _("Saved: the map layer is copied again %(when)s.")
            % {"when": LiveRefresh(form.cleaned_data["refresh"]).label.lower()},
        )
    else:
        messages.error(request, _("Choose how often the map layer is copied again."))
    return redirect(source.table.get_absolute_url() + "#map-layer-heading")


@require_POST
def map_layer_refresh(request: HttpRequest, dataset: str, table: str) -> HttpResponse:
    """Copy the map layer again now."""
    source = _map_layer(request, dataset, table)
    map_layers.request_map_layer_refresh(source, by=request.user)
    messages.success(request, _("A new copy of the map layer is being made; reload this page in a minute."))
    return redirect(source.table.get_absolute_url() + "#map-layer-heading")
