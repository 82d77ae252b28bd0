"""Staff pages of the demand app: triage queue and actions, moderation queue, log imports, publisher
metrics, release queue with weights; and the public analytics page with its chart and CSV."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from civicdata.core.errors import Conflict, InvalidInput, add_to_form
from civicdata.demand import analytics, permissions, services
from civicdata.demand.forms import (
    AssignForm,
    LogUploadForm,
    MappingForm,
    MergeForm,
    NoteForm,
    RatingForm,
    StatusForm,
    WeightsForm,
)
from civicdata.demand.logs import Role
from civicdata.demand.models import (
    Comment,
    DataRequest,
    LogImport,
    LogImportStatus,
    Report,
    ReportOutcome,
    RequestStatus,
    Topic,
)
from civicdata.demand.queries import triage_queue
from civicdata.demand.services import log_imports
from civicdata.demand.views.public import FORM_IDS, csv_response, render_request_detail

# ---------------------------------------------------------------- triage


@login_required
@require_safe
def triage(request: HttpRequest) -> HttpResponse:
    """Open requests needing action: no first response first, then overdue targets, then by votes."""
    permissions.ensure_can_use_staff_pages(request.user)
    queue = triage_queue(request.user).select_related("publisher", "assigned_publisher", "owner")
    view = request.GET.get("view", "")
    today = timezone.localdate()
    if view == "unanswered":
        queue = queue.filter(first_response_at__isnull=True)
    elif view == "overdue":
        queue = queue.filter(status=RequestStatus.PLANNED, target_date__lt=today)
    elif view == "mine":
        queue = queue.filter(owner=request.user)
    queue = queue.order_by("first_response_at", "target_date", "-vote_count", "created_at")
    page = Paginator(queue, 50).get_page(request.GET.get("page"))
    return render(request, "demand/staff_triage.html", {"page": page, "view": view, "today": today})


def _triage_target(request: HttpRequest, pk: int) -> DataRequest:
    return get_object_or_404(DataRequest.objects.select_related("publisher", "assigned_publisher"), pk=pk)


@login_required
@require_POST
def triage_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the status. A change that cannot be made shows the page again with the error summary and
    every value typed (the message to residents included), not a redirect that loses them."""
    data_request = _triage_target(request, pk)
    permissions.ensure_can_triage(request.user, data_request)
    form = StatusForm(request.POST, request_obj=data_request, auto_id=FORM_IDS["status_form"])
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.change_status(
                data_request,
                by=request.user,
                to_status=data["to_status"],
                message=data["message"],
                target_date=data["target_date"],
                decline_reason=data["decline_reason"],
                decline_note=data["decline_note"],
                duplicate_of=data["duplicate_of"],
                available_url=data["available_url"],
                datasets=data["all_datasets"],
            )
        except (InvalidInput, Conflict) as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Status changed; the requester, voters and followers are told."))
            return HttpResponseRedirect(data_request.get_absolute_url() + "#triage")
    return render_request_detail(request, data_request, status=400, status_form=form)


@login_required
@require_POST
def triage_assign(request: HttpRequest, pk: int) -> HttpResponse:
    data_request = _triage_target(request, pk)
    permissions.ensure_can_triage(request.user, data_request)
    form = AssignForm(request.POST, auto_id=FORM_IDS["assign_form"])
    if form.is_valid():
        services.assign_request(
            data_request,
            by=request.user,
            publisher=form.cleaned_data["assigned_publisher"],
            owner=form.cleaned_data["owner"],
        )
        messages.success(request, _("Assignment saved."))
        return HttpResponseRedirect(data_request.get_absolute_url() + "#triage")
    return render_request_detail(request, data_request, status=400, assign_form=form)


@login_required
@require_POST
def triage_note(request: HttpRequest, pk: int) -> HttpResponse:
    data_request = _triage_target(request, pk)
    permissions.ensure_can_triage(request.user, data_request)
    form = NoteForm(request.POST, auto_id=FORM_IDS["note_form"])
    if form.is_valid():
        services.add_internal_note(data_request, by=request.user, body=form.cleaned_data["body"])
        messages.success(request, _("Note added."))
        return HttpResponseRedirect(data_request.get_absolute_url() + "#notes")
    return render_request_detail(request, data_request, status=400, note_form=form)


@login_required
@require_POST
def triage_merge(request: HttpRequest, pk: int) -> HttpResponse:
    data_request = _triage_target(request, pk)
    permissions.ensure_can_triage(request.user, data_request)
    form = MergeForm(request.POST, request_obj=data_request, auto_id=FORM_IDS["merge_form"])
    if form.is_valid():
        try:
            survivor = services.merge_requests(
                data_request, into=form.cleaned_data["into"], by=request.user, message=form.cleaned_data["message"]
            )
        except (InvalidInput, Conflict) as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Merged. Votes and followers were carried over."))
            return HttpResponseRedirect(survivor.get_absolute_url())
    return render_request_detail(request, data_request, status=400, merge_form=form)


@login_required
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    """Responsiveness per publisher: first response, time to fulfil, share fulfilled, decline reasons."""
    permissions.ensure_can_use_staff_pages(request.user)
    return render(request, "demand/staff_metrics.html", {"rows": analytics.publisher_metrics()})


# ---------------------------------------------------------------- moderation


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def moderation(request: HttpRequest) -> HttpResponse:
    """Pending reports, grouped by item; moderators keep or hide each item."""
    permissions.ensure_can_moderate(request.user)
    if request.method == "POST":
        report = get_object_or_404(Report.objects.select_related("request", "comment"), pk=request.POST.get("report"))
        services.resolve_report(report, by=request.user, outcome=request.POST.get("outcome", ""))
        messages.success(request, _("Decision recorded."))
        return HttpResponseRedirect(reverse("demand:moderation"))
    pending = (
        Report.objects.filter(outcome=ReportOutcome.PENDING)
        .select_related("request", "comment", "comment__request", "reporter")
        .order_by("created_at")[:200]
    )
    return render(request, "demand/staff_moderation.html", {"reports": pending, "own_id": request.user.pk})


# ---------------------------------------------------------------- log imports


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def imports_list(request: HttpRequest) -> HttpResponse:
    """Past imports and the upload form (step 1)."""
    permissions.ensure_can_import_logs(request.user)
    form = LogUploadForm()
    if request.method == "POST":
        form = LogUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            limit = log_imports.upload_limits()[0]
            if upload.size > limit:
                form.add_error("file", _("The file is larger than %(mb)s MB.") % {"mb": limit // 1_048_576})
            else:
                try:
                    log_import = services.start_log_import(
                        by=request.user,
                        kind=form.cleaned_data["kind"],
                        source=form.cleaned_data["source"],
                        filename=upload.name,
                        data=upload.read(),
                    )
                    return HttpResponseRedirect(reverse("demand:import_detail", args=[log_import.pk]))
                except InvalidInput as exc:
                    form.add_error("file", exc.message)
    past = LogImport.objects.select_related("created_by").defer("content")[:50]
    return render(
        request, "demand/staff_imports.html", {"form": form, "imports": past}, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 2 and 3: adjust the mapping, see the preview with problems, confirm or cancel."""
    permissions.ensure_can_import_logs(request.user)
    log_import = get_object_or_404(LogImport, pk=pk)
    if log_import.status != LogImportStatus.PENDING:
        return render(request, "demand/staff_import_done.html", {"log_import": log_import})
    table = log_imports.read_table(log_import)
    current = {int(k): v for k, v in log_import.mapping.items()}
    form = MappingForm(header=table.header, mapping=current)
    action = request.POST.get("action", "")
    if request.method == "POST":
        try:
            if action == "cancel":
                services.cancel_log_import(log_import, by=request.user)
                messages.info(request, _("Import cancelled; the file was discarded."))
                return HttpResponseRedirect(reverse("demand:imports"))
            form = MappingForm(request.POST, header=table.header, mapping=current)
            if form.is_valid():
                services.update_log_mapping(log_import, by=request.user, mapping=form.mapping())
                if action == "confirm":
                    done = services.confirm_log_import(log_import, by=request.user)
                    messages.success(
                        request,
                        _("Imported %(imported)s rows; %(duplicates)s already imported, %(skipped)s skipped.")
                        % {
                            "imported": done.imported_rows,
                            "duplicates": done.duplicate_rows,
                            "skipped": done.skipped_rows,
                        },
                    )
                    return HttpResponseRedirect(reverse("demand:import_detail", args=[done.pk]))
                return HttpResponseRedirect(reverse("demand:import_detail", args=[log_import.pk]))
        except (InvalidInput, Conflict) as exc:
            messages.error(request, exc.message)
    _table, preview = log_imports.preview(log_import)
    sample_columns = [
        (Role.TRACKING_NUMBER, _("Tracking number")),
        (Role.RECEIVED_DATE, _("Received")),
        (Role.DESCRIPTION, _("Description")),
        (Role.REQUESTER_TYPE, _("Requester type")),
        (Role.DEPARTMENT, _("Department")),
        (Role.STATUS, _("Status")),
    ]
    return render(
        request,
        "demand/staff_import_preview.html",
        {"log_import": log_import, "table": table, "form": form, "preview": preview, "sample_columns": sample_columns},
    )


# ---------------------------------------------------------------- analytics (public) and release queue


def _analytics_context() -> dict:
    snapshot = analytics.latest_snapshot()
    topics = list(snapshot.topics.all()) if snapshot else []
    return {
        "snapshot": snapshot,
        "topics": topics,
        "unmet": [t for t in topics if t.is_unmet],
        "requester_types": analytics.requester_type_totals(),
        "departments": analytics.department_totals(),
        "kinds": analytics.kind_totals(),
    }


@require_http_methods(["GET", "HEAD", "POST"])
def analytics_page(request: HttpRequest) -> HttpResponse:
    """Topics of all demand with volume, trend, requester types, departments, matching datasets."""
    if request.method == "POST":
        permissions.ensure_can_use_staff_pages(request.user)
        services.compute_topics(by=request.user)
        messages.success(request, _("Topics recomputed from all demand."))
        return HttpResponseRedirect(reverse("demand:analytics"))
    context = _analytics_context()
    context["can_recompute"] = permissions.can_use_staff_pages(request.user)
    context["decidable"] = _decidable(request.user, context["topics"]) if context["can_recompute"] else set()
    return render(request, "demand/analytics.html", context)


def _decidable(user: object, topics: list[Topic]) -> set[int]:
    """Ids of the suggested datasets this person may confirm or reject."""
    from civicdata.catalog.models import Dataset

    ids = {entry["id"] for topic in topics for entry in [*topic.matching_datasets, *topic.rejected_datasets]}
    datasets = Dataset.objects.filter(pk__in=ids).select_related("publisher")
    return {dataset.pk for dataset in datasets if permissions.can_decide_match(user, dataset)}


@login_required
@require_POST
def analytics_match(request: HttpRequest, pk: int, dataset_id: int) -> HttpResponse:
    """Confirm or reject a dataset suggested for a topic (`decision` is "confirm" or "reject")."""
    topic = get_object_or_404(Topic, pk=pk)
    decide = {"confirm": services.confirm_match, "reject": services.reject_match}.get(request.POST.get("decision", ""))
    back = HttpResponseRedirect(reverse("demand:analytics") + f"#topic-{topic.index}")
    if decide is None:
        messages.error(request, _("Choose whether to confirm or reject the match."))
        return back
    try:
        decision = decide(by=request.user, topic=topic, dataset_id=dataset_id, note=request.POST.get("note", ""))
    except (InvalidInput, Conflict) as exc:
        messages.error(request, exc.message)
        return back
    if decision.verdict == "confirmed":
        messages.success(request, _("Match confirmed: the dataset keeps answering this topic after every recompute."))
    else:
        messages.success(
            request, _("Match rejected: the dataset no longer counts for this topic and is not suggested again.")
        )
    return back


@require_safe
def analytics_trend_svg(request: HttpRequest) -> HttpResponse:
    """The monthly trend of the largest topics as an SVG image rendered on the server."""
    snapshot = analytics.latest_snapshot()
    topics = list(snapshot.topics.order_by("-volume", "index")[:6]) if snapshot else []
    svg = analytics.render_svg(analytics.trend_spec(topics, title=_("Demand per month, largest topics")))
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_safe
def analytics_csv(request: HttpRequest) -> HttpResponse:
    snapshot = analytics.latest_snapshot()
    topics = list(snapshot.topics.all()) if snapshot else []
    rows = (
        [
            t.index,
            t.label,
            t.volume,
            " ".join(term for term, _w in t.top_terms),
            "yes" if t.is_unmet else "no",
            "; ".join(d["title"] for d in t.matching_datasets),
            "; ".join(f"{k}={v}" for k, v in t.requester_types.items()),
            "; ".join(f"{k}={v}" for k, v in t.departments.items()),
        ]
        for t in topics
    )
    header = ["topic", "label", "volume", "top_terms", "unmet", "matching_datasets", "requester_types", "departments"]
    return csv_response("demand-topics.csv", header, rows)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def release_queue(request: HttpRequest) -> HttpResponse:
    """The ranked release queue with reasons; site staff edit weights and ratings here."""
    permissions.ensure_can_use_staff_pages(request.user)
    weights = analytics.current_weights()
    if request.method == "POST":
        if request.POST.get("action") == "rate":
            form = RatingForm(request.POST)
            target_kind, _sep, target_pk = request.POST.get("target", "").partition("-")
            if form.is_valid() and target_pk.isdigit():
                dataset = req = None
                if target_kind == "dataset":
                    from civicdata.catalog.models import Dataset

                    dataset = get_object_or_404(Dataset, pk=target_pk)
                else:
                    req = get_object_or_404(DataRequest, pk=target_pk)
                services.rate_candidate(by=request.user, dataset=dataset, request=req, **form.cleaned_data)
                messages.success(request, _("Ratings saved."))
        else:
            form = WeightsForm(request.POST)
            if form.is_valid():
                try:
                    services.save_priority_weights(by=request.user, **form.cleaned_data)
                    messages.success(request, _("Weights saved; the queue is re-ranked."))
                except InvalidInput as exc:
                    messages.error(request, exc.message)
            else:
                messages.error(request, _("Weights must be numbers of zero or more."))
        return HttpResponseRedirect(reverse("demand:release_queue"))
    queue = analytics.release_queue(weights)
    return render(
        request,
        "demand/staff_release_queue.html",
        {
            "queue": queue,
            "weights_form": WeightsForm(initial=weights.__dict__),
            "can_edit": permissions.can_use_staff_pages(request.user) and request.user.is_staff,
            "rating_form": RatingForm(),
        },
    )


@login_required
@require_safe
def comment_redirect(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment, pk=pk)
    return HttpResponseRedirect(comment.request.get_absolute_url() + f"#comment-{comment.pk}")
