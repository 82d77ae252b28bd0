"""Pages of the Data API: the table page (filters, sort, paging, downloads, charts — all without
JavaScript), chart images, the load form and job progress, and the staff schema, quality and PII pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from civicdata.catalog.models import Dataset
from civicdata.core.errors import Conflict, InvalidInput

from .. import charts, runtime, services
from ..api import get_visible_table
from ..forms import ChartForm, LoadForm, PiiDecisionForm, SchemaFieldForm
from ..guard import Busy, QueryFailed, QueryTimeout
from ..models import Chart, DataTable, IngestJob, PiiFinding
from ..permissions import can_manage_table, ensure_can_manage_dataset, ensure_can_manage_table
from ..preview import table_columns
from ..query import AGGREGATES, OPERATORS
from ..table_query import EXPORT_FORMATS, run_table_query

#: Parameters of the table page that are page controls, not filters.
PAGE_CONTROLS = ("add_col", "add_op", "add_value", "chart_type", "x", "y", "aggregate", "title")
OPERATOR_LABELS = {
    "exact": "=",
    "ne": "≠",
    "gt": ">",
    "gte": "≥",
    "lt": "<",
    "lte": "≤",
    "in": "in",
    "contains": "contains",
    "startswith": "starts with",
    "isnull": "is empty",
}


def _query_string(params: list[tuple[str, str]]) -> str:
    return "?" + urlencode(params) if params else "?"


def _without(request: HttpRequest, *names: str) -> list[tuple[str, str]]:
    return [(k, v) for k, values in request.GET.lists() for v in values if k not in names]


@require_safe
def table_page(request: HttpRequest, dataset: str, table: str) -> HttpResponse:
    """Readable table with filter/sort controls and paging links that work without JavaScript."""
    found = get_visible_table(request, dataset, table)
    if request.GET.get("add_col"):
        # The "add a filter" form posts its parts; turn them into a canonical `col__op=value` link.
        params = _without(request, "add_col", "add_op", "add_value", "cursor", "offset")
        op = request.GET.get("add_op", "exact")
        key = request.GET["add_col"] if op == "exact" else f"{request.GET['add_col']}__{op}"
        params.append((key, request.GET.get("add_value", "")))
        return HttpResponseRedirect(request.path + _query_string(params))
    columns = table_columns(found)
    names = [c["name"] for c in columns]
    # The same query path as the JSON and CSV endpoints: same rows, count and errors.
    result = run_table_query(found, request.GET, default_limit=50, ignore=PAGE_CONTROLS)
    filters = []
    for key, values in request.GET.lists():
        column, _sep, op = key.partition("__")
        if column in names and (op or "exact") in OPERATORS:
            for value in values:
                remaining = [(k, v) for k, v in _without(request, "cursor", "offset") if not (k == key and v == value)]
                filters.append(
                    {
                        "column": column,
                        "op": OPERATOR_LABELS[op or "exact"],
                        "value": value,
                        "remove": _query_string(remaining),
                    }
                )
    current_sort = request.GET.get("sort", "")
    for c in columns:
        base = _without(request, "sort", "cursor", "offset")
        c["sort_asc"] = _query_string([*base, ("sort", c["name"])])
        c["sort_desc"] = _query_string([*base, ("sort", f"-{c['name']}")])
        c["sorted"] = (
            "ascending" if current_sort == c["name"] else "descending" if current_sort == f"-{c['name']}" else ""
        )
    has_points = found.schema.get("x-geo") or any(c["type"] == "geopoint" for c in columns)
    downloads = [
        {"format": fmt.upper(), "url": result.download_url(fmt)}
        for fmt in EXPORT_FORMATS
        if fmt != "geojson" or has_points
    ]
    chart_form, chart_url = _chart_from_request(request, found, columns)
    context = {
        "table": found,
        "dataset": found.dataset,
        "columns": columns,
        "output_columns": result.columns,
        "rows": result.rows,
        "matching_count": result.matching_count,
        "error": result.error.as_dict() if result.error else None,
        "filters": filters,
        "q": request.GET.get("q", ""),
        "next_link": result.next_query,
        "first_link": result.first_query,
        "operators": [(o, OPERATOR_LABELS[o]) for o in OPERATORS],
        "aggregates": AGGREGATES,
        "downloads": downloads,
        "api_link": result.json_url,
        "chart_form": chart_form,
        "chart_url": chart_url,
        "saved_charts": list(found.charts.all()),
        "can_manage": can_manage_table(request.user, found),
        "pending_pii": services.unresolved_pii(found) if can_manage_table(request.user, found) else [],
        "grouped": result.grouped,
        "hidden_params": _without(request, "q", "cursor", "offset", *PAGE_CONTROLS),
    }
    return render(request, "datastore/table.html", context, status=result.error.status if result.error else 200)


def _chart_from_request(request: HttpRequest, table: DataTable, columns: list[dict]) -> tuple[ChartForm, str | None]:
    choices = [(c["name"], c["title"]) for c in columns]
    if "chart_type" not in request.GET:
        return ChartForm(columns=choices, initial={"chart_type": "bar", "aggregate": "count"}), None
    form = ChartForm(request.GET, columns=choices)
    if not form.is_valid():
        return form, None
    request_obj = _chart_request(form.cleaned_data)
    try:
        charts.validate(request_obj, table.schema)
    except charts.ChartError as exc:
        form.add_error(None, str(exc))
        return form, None
    params = {k: v for k, v in request_obj.as_dict().items() if v}
    url = f"{table.get_absolute_url()}chart.svg?{urlencode(params)}"
    return form, url


def _chart_request(data: dict[str, Any]) -> charts.ChartRequest:
    return charts.ChartRequest(
        type=data.get("chart_type") or data.get("type") or "bar",
        x=data.get("x") or "",
        y=data.get("y") or "",
        aggregate=data.get("aggregate") or "count",
        title=data.get("title") or "",
    )


def _chart_response(table: DataTable, request_obj: charts.ChartRequest, ext: str) -> HttpResponse:
    try:
        charts.validate(request_obj, table.schema)
        guard = runtime.get_guard()
        cur = runtime.open_cursor(table)
        with guard.slot(), guard.deadline(cur):
            spec = charts.make_chart(cur, request_obj, table.schema)
    except charts.ChartError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    except (Busy, QueryTimeout, QueryFailed) as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    if ext == "png":
        response = HttpResponse(charts.render_png(spec), content_type="image/png")
    elif ext == "json":
        response = HttpResponse(_dumps(spec), content_type="application/json")
    else:
        response = HttpResponse(charts.render_svg(spec), content_type="image/svg+xml")
    # Images may be embedded in other sites' pages; a restrictive CSP keeps the SVG inert.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=300"
    return response


def _dumps(data: Any) -> bytes:
    import orjson

    return orjson.dumps(data)


@require_safe
def chart_preview(request: HttpRequest, dataset: str, table: str, ext: str) -> HttpResponse:
    """Render a chart described by the query string (used by the chart builder)."""
    found = get_visible_table(request, dataset, table)
    return _chart_response(found, _chart_request(request.GET.dict()), ext)


@require_safe
def chart_image(request: HttpRequest, dataset: str, table: str, pk: int, ext: str) -> HttpResponse:
    """A saved chart as SVG or PNG, embeddable in other pages."""
    found = get_visible_table(request, dataset, table)
    chart = get_object_or_404(Chart, pk=pk, table=found)
    request_obj = charts.ChartRequest(
        type=chart.chart_type, x=chart.x, y=chart.y, aggregate=chart.aggregate, title=chart.title
    )
    response = _chart_response(found, request_obj, ext)
    if ext in ("svg", "png") and request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="chart-{chart.pk}.{ext}"'
    return response


@require_POST
def chart_save(request: HttpRequest, dataset: str, table: str) -> HttpResponse:
    """Save the chart currently shown (editors)."""
    found = get_visible_table(request, dataset, table)
    ensure_can_manage_table(request.user, found)
    form = ChartForm(request.POST, columns=[(c["name"], c["title"]) for c in table_columns(found)])
    if form.is_valid():
        data = form.cleaned_data
        try:
            chart = services.save_chart(
                found,
                title=data.get("title") or "",
                chart_type=data["chart_type"],
                x=data.get("x") or "",
                y=data.get("y") or "",
                aggregate=data["aggregate"],
                by=request.user,
            )
        except InvalidInput as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Chart saved."))
            # Land on the saved chart, not at the top of a long table page.
            return redirect(f"{found.get_absolute_url()}#chart-{chart.pk}")
    else:
        messages.error(request, _("The chart could not be saved."))
    return redirect(found.get_absolute_url())


@require_POST
def chart_delete(request: HttpRequest, dataset: str, table: str, pk: int) -> HttpResponse:
    found = get_visible_table(request, dataset, table)
    ensure_can_manage_table(request.user, found)
    services.delete_chart(get_object_or_404(Chart, pk=pk, table=found), by=request.user)
    messages.success(request, _("Chart removed."))
    return redirect(found.get_absolute_url())


@require_http_methods(["GET", "HEAD", "POST"])
def load_page(request: HttpRequest, dataset: str) -> HttpResponse:
    """Load a file (upload or web address) into a table of the dataset (editors)."""
    found = get_object_or_404(Dataset.objects.select_related("publisher"), name=dataset)
    ensure_can_manage_dataset(request.user, found)
    form = LoadForm(request.POST or None, request.FILES or None, dataset=found)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        distribution = data["distribution"]
        name = data.get("name") or services.table_name_for(distribution)
        try:
            table = DataTable.objects.filter(dataset=found, name=name).first() or services.create_table(
                distribution=distribution, name=name, by=request.user
            )
            job = services.start_ingest(table, by=request.user, upload=data.get("file"), url=data.get("url") or "")
        except (InvalidInput, Conflict) as exc:
            form.add_error(None, exc.message)
        else:
            return redirect(job.get_absolute_url())
    tables = DataTable.objects.filter(dataset=found).select_related("distribution")
    return render(
        request,
        "datastore/load.html",
        {"dataset": found, "form": form, "tables": tables, "max_mb": settings.DATASTORE_MAX_FILE_MB},
    )


@require_safe
def job_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress of a load; htmx refreshes the status box, a meta refresh does it without JavaScript."""
    job = get_object_or_404(
        IngestJob.objects.select_related("table", "table__dataset", "table__dataset__publisher"), pk=pk
    )
    ensure_can_manage_table(request.user, job.table)
    return render(request, "datastore/job.html", {"job": job, "table": job.table})


@require_http_methods(["GET", "HEAD", "POST"])
def schema_page(request: HttpRequest, dataset: str, table: str) -> HttpResponse:
    """Staff editor of titles, descriptions, types and constraints."""
    found = get_visible_table(request, dataset, table)
    ensure_can_manage_table(request.user, found)
    fields = found.schema.get("fields", [])
    forms_ = []
    for f in fields:
        constraints = f.get("constraints") or {}
        initial = {
            "title": f.get("title", f["name"]),
            "description": f.get("description", ""),
            "type": f.get("type", "string"),
            "format": f.get("format", "default"),
            **{k: constraints.get(k) for k in ("required", "unique", "minimum", "maximum", "pattern")},
        }
        forms_.append((f, SchemaFieldForm(request.POST or None, prefix=f"f-{f['name']}", initial=initial)))
    problems: list[str] = []
    if request.method == "POST":
        if all(form.is_valid() for _f, form in forms_):
            edits = {}
            for f, form in forms_:
                edit = form.to_edit()
                if edit["type"] == f.get("type"):
                    edit.pop("type")
                    if edit["format"] == f.get("format", "default"):
                        edit.pop("format")
                edits[f["name"]] = edit
            try:
                services.update_schema(found, edits=edits, by=request.user)
            except InvalidInput as exc:
                problems = list(exc.details or [exc.message])
            else:
                messages.success(request, _("Schema saved."))
                return redirect("datastore:schema", dataset=dataset, table=table)
        else:
            problems = [_("Some fields need correcting.")]
    return render(request, "datastore/schema.html", {"table": found, "forms": forms_, "problems": problems})


@require_safe
def quality_page(request: HttpRequest, dataset: str, table: str) -> HttpResponse:
    """The quality report computed at the last load or schema change."""
    found = get_visible_table(request, dataset, table)
    ensure_can_manage_table(request.user, found)
    report = found.quality or {}
    titles = {f["name"]: f.get("title", f["name"]) for f in found.schema.get("fields", [])}
    missing = [
        {"column": titles.get(name, name), "count": v["count"], "percent": round(v["share"] * 100, 1)}
        for name, v in (report.get("missing") or {}).items()
    ]
    outliers = [
        {"column": titles.get(name, name), **v} for name, v in (report.get("outliers") or {}).items() if v["count"]
    ]
    return render(
        request,
        "datastore/quality.html",
        {"table": found, "report": report, "missing": missing, "outliers": outliers, "titles": titles},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def pii_page(request: HttpRequest, dataset: str, table: str) -> HttpResponse:
    """Review flagged columns: drop, mask or justify each one."""
    found = get_visible_table(request, dataset, table)
    ensure_can_manage_table(request.user, found)
    if request.method == "POST":
        form = PiiDecisionForm(request.POST)
        if form.is_valid():
            try:
                services.decide_pii(
                    found,
                    column=form.cleaned_data["column"],
                    action=form.cleaned_data["action"],
                    justification=form.cleaned_data.get("justification", ""),
                    by=request.user,
                )
            except InvalidInput as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Decision recorded."))
            return redirect("datastore:pii", dataset=dataset, table=table)
        messages.error(request, _("Choose a decision."))
    findings = PiiFinding.objects.filter(table=found)
    decisions = {d.column: d for d in found.pii_decisions.select_related("decided_by")}
    by_column: dict[str, dict[str, Any]] = {}
    for finding in findings:
        entry = by_column.setdefault(
            finding.column,
            {
                "column": finding.column,
                "findings": [],
                "decision": decisions.get(finding.column),
            },
        )
        entry["findings"].append(finding)
    return render(
        request,
        "datastore/pii.html",
        {
            "table": found,
            "columns": list(by_column.values()),
            "decided": [d for c, d in decisions.items() if c not in by_column],
            "pending": services.unresolved_pii(found),
        },
    )


@require_POST
def publish_page(request: HttpRequest, dataset: str, table: str) -> HttpResponse:
    """Publish or unpublish the table (editors)."""
    found = get_visible_table(request, dataset, table)
    ensure_can_manage_table(request.user, found)
    try:
        if request.POST.get("action") == "unpublish":
            services.unpublish_table(found, by=request.user)
            messages.success(request, _("The table is no longer public."))
        else:
            services.publish_table(found, by=request.user)
            messages.success(request, _("The table is published."))
    except Conflict as exc:
        messages.error(request, exc.message)
    return redirect(found.get_absolute_url())
