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

from civicdata.accounts.permissions import ensure_signed_in
from civicdata.catalog import services as catalog_services
from civicdata.catalog.models import Dataset
from civicdata.core.errors import Conflict, InvalidInput

from .. import charts, runtime, services
from ..api import get_visible_table
from ..forms import ChartForm, LoadForm, PiiDecisionForm, SchemaFieldForm
from ..guard import Busy, QueryFailed, QueryTimeout
from ..maps import has_map
from ..models import Chart, DataTable, IngestJob, LiveRefresh, MapLayerSource, PiiFinding
from ..permissions import can_manage_table, ensure_can_manage_dataset, ensure_can_manage_table, ensure_can_see_job
from ..preview import map_context, table_columns
from ..query import AGGREGATES, BBOX_PARAM, OPERATORS
from ..registry import report_link
from ..schema import point_source
from ..sentence import OPERATOR_WORDS, describe_condition, describe_rows
from ..table_query import EXPORT_FORMATS, run_table_query

#: The area form's typed box (no JavaScript); the map's "Filter to this area" fills the same fields.
AREA_FIELDS = ("west", "south", "east", "north")

#: Parameters of the table page that are page controls, not filters.
PAGE_CONTROLS = (
    "add_col",
    "add_op",
    "add_value",
    "chart_type",
    "x",
    "y",
    "aggregate",
    "title",
    *AREA_FIELDS,
)
#: Where the page lands after a filter change: the sentence saying how many rows match.
RESULTS = "#results"


def _query_string(params: list[tuple[str, str]]) -> str:
    return "?" + urlencode(params) if params else "?"


def _without(request: HttpRequest, *names: str) -> list[tuple[str, str]]:
    return [(k, v) for k, values in request.GET.lists() for v in values if k not in names]


def _with_state(chart: Chart, table: DataTable) -> Chart:
    chart.columns_changed = charts.columns_changed(chart, table.schema)
    return chart


def _canonical_redirect(request: HttpRequest) -> HttpResponse | None:
    """The "add a filter" and "area" forms send their parts; turn them into canonical filter
    parameters (`col__op=value`, `_bbox=w,s,e,n`) and land on the results."""
    if request.GET.get("add_col"):
        params = _without(request, *PAGE_CONTROLS, "cursor", "offset")
        op = request.GET.get("add_op", "exact")
        key = request.GET["add_col"] if op == "exact" else f"{request.GET['add_col']}__{op}"
        params.append((key, request.GET.get("add_value", "")))
        return HttpResponseRedirect(request.path + _query_string(params) + RESULTS)
    if any(name in request.GET for name in AREA_FIELDS):
        params = _without(request, *PAGE_CONTROLS, BBOX_PARAM, "cursor", "offset")
        box = ",".join(request.GET.get(name, "").strip() for name in AREA_FIELDS)
        if box.strip(","):
            params.append((BBOX_PARAM, box))
        return HttpResponseRedirect(request.path + _query_string(params) + RESULTS)
    return None


def _area_labels() -> list[str]:
    return [
        _("West edge (longitude)"),
        _("South edge (latitude)"),
        _("East edge (longitude)"),
        _("North edge (latitude)"),
    ]


def _facet_links(request: HttpRequest, facets: list, titles: dict[str, str]) -> list[dict[str, Any]]:
    """Each facet value as a link that adds its filter, or removes it when it is already applied."""
    current = _without(request, "cursor", "offset")
    out = []
    for facet in facets:
        values = []
        for item in facet.values:
            param = item.filter_param(facet.column)
            selected = param in current
            params = [p for p in current if p != param] if selected else [*current, param]
            values.append(
                {
                    "label": _("(empty)") if item.value is None else item.value,
                    "count": item.count,
                    "selected": selected,
                    "href": _query_string(params) + RESULTS,
                }
            )
        out.append({"column": facet.column, "title": titles.get(facet.column, facet.column), "values": values})
    return out


@require_safe
def table_page(request: HttpRequest, dataset: str, table: str) -> HttpResponse:
    """Readable table with filter/sort controls and paging links that work without JavaScript: the
    sentence saying which rows match, facets of the low-cardinality columns, and a map for points."""
    found = get_visible_table(request, dataset, table)
    redirect_to = _canonical_redirect(request)
    if redirect_to is not None:
        return redirect_to
    columns = table_columns(found)
    titles = {c["name"]: c["title"] for c in columns}
    types = {c["name"]: c["type"] for c in columns}
    # The same query path as the JSON and CSV endpoints: same rows, count and errors.
    result = run_table_query(found, request.GET, default_limit=50, ignore=PAGE_CONTROLS, auto_facets=True)
    shapes = point_source(found.schema) is None and has_map(found.schema)
    filters = []
    for key, value in _without(request, *PAGE_CONTROLS, "cursor", "offset", "sort"):
        text = describe_condition(key, value, titles=titles, types=types, shapes=shapes)
        if text:
            remaining = [p for p in _without(request, "cursor", "offset") if p != (key, value)]
            filters.append({"text": text, "remove": _query_string(remaining) + RESULTS})
    current_sort = request.GET.get("sort", "")
    for c in columns:
        base = _without(request, "sort", "cursor", "offset")
        c["sort_asc"] = _query_string([*base, ("sort", c["name"])]) + RESULTS
        c["sort_desc"] = _query_string([*base, ("sort", f"-{c['name']}")]) + RESULTS
        c["sorted"] = (
            "ascending" if current_sort == c["name"] else "descending" if current_sort == f"-{c['name']}" else ""
        )
    has_points = point_source(found.schema) is not None
    downloads = [
        {"format": fmt.upper(), "url": result.download_url(fmt)}
        for fmt in EXPORT_FORMATS
        if fmt != "geojson" or has_points
    ]
    chart_form, chart_url = _chart_from_request(request, found, columns)
    sentence = (
        describe_rows(
            result.matching_count,
            _without(request, *PAGE_CONTROLS, "cursor", "offset"),
            titles=titles,
            types=types,
            grouped=result.grouped,
            shapes=shapes,
        )
        if result.matching_count is not None
        else None
    )
    box = result.query.bbox if result.query is not None else None
    context = {
        "table": found,
        "dataset": found.dataset,
        "columns": columns,
        "output_columns": result.columns,
        "rows": result.rows,
        "matching_count": result.matching_count,
        "sentence": sentence,
        "facets": _facet_links(request, result.facets, titles),
        "error": result.error.as_dict() if result.error else None,
        "filters": filters,
        "clear_link": (_query_string([("sort", current_sort)]) if current_sort else "?") + RESULTS,
        "q": request.GET.get("q", ""),
        "next_link": result.next_query,
        "first_link": result.first_query,
        "operators": [(o, OPERATOR_WORDS[o]) for o in OPERATORS],
        "aggregates": AGGREGATES,
        "downloads": downloads,
        "api_link": result.json_url,
        "chart_form": chart_form,
        "chart_url": chart_url,
        "saved_charts": [_with_state(chart, found) for chart in found.charts.all()],
        "can_manage": can_manage_table(request.user, found),
        # "Report a problem" links, offered by an app above the datastore (see datastore/registry.py).
        "report_url": report_link(found),
        "pending_pii": services.unresolved_pii(found) if can_manage_table(request.user, found) else [],
        "map_layer": MapLayerSource.objects.filter(table=found).first()
        if can_manage_table(request.user, found)
        else None,
        "refresh_choices": LiveRefresh.choices,
        "grouped": result.grouped,
        "hidden_params": _without(request, "q", "cursor", "offset", *PAGE_CONTROLS),
        "area_params": _without(request, BBOX_PARAM, "cursor", "offset", *PAGE_CONTROLS),
        "map": map_context(found, _without(request, "cursor", "offset", "sort", *PAGE_CONTROLS))
        if has_map(found.schema)
        else None,
        "area_fields": [
            {"name": name, "label": label, "value": box[i] if box else None}
            for i, (name, label) in enumerate(zip(AREA_FIELDS, _area_labels(), strict=True))
        ],
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


def _columns_changed_response(chart: Chart, ext: str) -> HttpResponse:
    """A saved chart whose columns a reload changed: an image that says so (embeds stay readable), or a
    409 for the JSON spec."""
    if ext == "json":
        return HttpResponse(charts.COLUMNS_CHANGED, status=409, content_type="text/plain; charset=utf-8")
    spec = charts.notice_spec(charts.COLUMNS_CHANGED, chart.title)
    if ext == "png":
        response = HttpResponse(charts.render_png(spec), content_type="image/png")
    else:
        response = HttpResponse(charts.render_svg(spec), content_type="image/svg+xml")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Chart-State"] = "columns-changed"
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
    if charts.columns_changed(chart, found.schema):
        response = _columns_changed_response(chart, ext)
    else:
        response = _chart_response(found, charts.saved_request(chart), ext)
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
    """Load a file (upload or web address) into a table of the dataset (editors). A file uploaded without
    choosing a distribution is first added to the dataset as a new distribution by the catalog."""
    found = get_object_or_404(Dataset.objects.select_related("publisher"), name=dataset)
    ensure_can_manage_dataset(request.user, found)
    form = LoadForm(request.POST or None, request.FILES or None, dataset=found)
    if request.method == "POST" and form.is_valid():
        try:
            job = _start_load(request, found, form.cleaned_data)
        except (InvalidInput, Conflict) as exc:
            form.add_error(None, exc.message)
        else:
            return redirect(job.get_absolute_url())
    chosen = request.FILES.get("file")
    if chosen is not None and not form.is_valid():
        # A browser cannot refill a file box: say so at the field rather than lose the choice quietly.
        form.add_error(
            "file", _("“%(name)s” was not loaded: choose it again after fixing the problems.") % {"name": chosen.name}
        )
    tables = DataTable.objects.filter(dataset=found).select_related("distribution")
    return render(
        request,
        "datastore/load.html",
        {
            "dataset": found,
            "form": form,
            "tables": tables,
            "max_mb": min(settings.DATASTORE_MAX_FILE_MB, catalog_services.upload_limit_mb()),
        },
    )


def _start_load(request: HttpRequest, dataset: Dataset, data: dict[str, Any]) -> IngestJob:
    distribution = data.get("distribution")
    if distribution is None:
        distribution = catalog_services.add_distribution_file(
            dataset,
            upload=data["file"],
            title=data.get("title") or "",
            by=request.user,
            site_url=request.build_absolute_uri("/"),
        )
        job = services.load_distribution_file(distribution, by=request.user)
        if job is None:
            raise InvalidInput(_("This kind of file cannot be loaded into a table."))
        return job
    name = data.get("name") or services.table_name_for(distribution)
    table = DataTable.objects.filter(dataset=dataset, name=name).first() or services.create_table(
        distribution=distribution, name=name, by=request.user
    )
    if data.get("use_stored_file"):
        job = services.load_distribution_file(distribution, by=request.user, table=table)
        if job is not None:
            return job
    return services.start_ingest(table, by=request.user, upload=data.get("file"), url=data.get("url") or "")


@require_safe
def job_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress of a load; htmx refreshes the status box, a meta refresh does it without JavaScript."""
    ensure_signed_in(request.user)
    job = get_object_or_404(
        IngestJob.objects.select_related("table", "table__dataset", "table__dataset__publisher"), pk=pk
    )
    ensure_can_see_job(request.user, job)
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
