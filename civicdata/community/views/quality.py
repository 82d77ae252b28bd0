"""Data-quality report pages: the list under each dataset and publisher, sending a report, one report
with the steward's answers, and the dataset-page panel with the quality score."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from civicdata.accounts.models import Organization
from civicdata.catalog.models import Dataset
from civicdata.catalog.publishing import organization_tree_ids
from civicdata.community import permissions, services
from civicdata.community.figures import _median_days
from civicdata.community.forms import AnswerReportForm, QualityReportForm
from civicdata.community.models import (
    OPEN_REPORT_STATUSES,
    Discussion,
    QualityReport,
    QualityReportFollow,
    ReportCategory,
    ReportStatus,
)
from civicdata.community.quality_score import dataset_score, score_datasets, score_from, table_figures
from civicdata.community.views._common import back, visible_dataset
from civicdata.core.errors import Conflict, InvalidInput, add_to_form
from civicdata.core.fragments import cached_fragment
from civicdata.datastore.models import DataTable

PAGE_SIZE = 25
ANSWER_IDS = "answer-%s"


@require_safe
def quality_list(request: HttpRequest, name: str) -> HttpResponse:
    """Every data-quality report about a dataset, newest first, with time-to-fix figures."""
    dataset = visible_dataset(request, name)
    reports = QualityReport.objects.filter(dataset=dataset)
    status = request.GET.get("status", "")
    shown = reports.filter(status=status) if status in ReportStatus.values else reports
    page = Paginator(shown.select_related("dataset"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "dataset": dataset,
        "page": page,
        "status": status,
        "statuses": ReportStatus.choices,
        **_figures(reports),
        "score": dataset_score(dataset),
        "can_handle": permissions.can_handle_report(request.user, dataset),
    }
    return render(request, "community/quality_list.html", context)


def _figures(reports: Any) -> dict[str, Any]:
    counts = dict(reports.order_by().values("status").annotate(n=Count("id")).values_list("status", "n"))
    fixed_pairs = list(reports.filter(status=ReportStatus.FIXED).values_list("created_at", "closed_at"))
    overdue = reports.filter(status__in=OPEN_REPORT_STATUSES, due_at__lt=timezone.now()).count()
    return {
        "counts": [(label, counts.get(value, 0)) for value, label in ReportStatus.choices],
        "total": sum(counts.values()),
        "median_days_to_fix": _median_days(fixed_pairs),
        "overdue": overdue,
    }


@require_safe
def publisher_quality(request: HttpRequest, slug: str) -> HttpResponse:
    """Every report about a publisher's datasets (with its sub-organisations), with time-to-fix figures."""
    publisher = get_object_or_404(Organization, slug=slug)
    ids = organization_tree_ids(publisher)
    reports = QualityReport.objects.filter(
        dataset__publisher_id__in=ids, dataset__is_published=True, dataset__withdrawn_at__isnull=True
    )
    status = request.GET.get("status", "")
    shown = reports.filter(status=status) if status in ReportStatus.values else reports
    page = Paginator(shown.select_related("dataset"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"publisher": publisher, "page": page, "status": status, "statuses": ReportStatus.choices}
    context.update(_figures(reports))
    return render(request, "community/quality_publisher.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def quality_new(request: HttpRequest, name: str) -> HttpResponse:
    """The "report a problem" form; links from a file, a Data API table, a column or a row fill in
    where the problem is (`?distribution=`, `?table=`, `?column=`, `?row=`)."""
    dataset = visible_dataset(request, name)
    distributions = list(dataset.distributions.order_by("position"))
    source = request.POST if request.method == "POST" else request.GET
    table = _table(dataset, source.get("table", ""))
    initial = {
        "distribution": source.get("distribution") or (table.distribution_id if table else None),
        "column": source.get("column", "")[:200],
        "row": source.get("row", "")[:300],
    }
    if request.method != "POST":
        form = QualityReportForm(initial=initial, distributions=distributions)
        return _render_new(request, dataset, form, table)
    form = QualityReportForm(request.POST, distributions=distributions)
    if form.is_valid():
        data = form.cleaned_data
        distribution = next((d for d in distributions if d.pk == data["distribution"]), None)
        try:
            report = services.report_problem(
                dataset,
                by=request.user,
                category=data["category"],
                description=data["description"],
                distribution=distribution,
                table=table,
                column=data["column"],
                row=data["row"],
            )
        except InvalidInput as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request, _("Thank you. Your report went to the people who look after this data; you will hear back.")
            )
            return HttpResponseRedirect(report.get_absolute_url())
    return _render_new(request, dataset, form, table, status=400)


def _table(dataset: Dataset, name: str) -> DataTable | None:
    if not name:
        return None
    return DataTable.objects.filter(dataset=dataset, name=name[:63]).first()


def _render_new(
    request: HttpRequest, dataset: Dataset, form: QualityReportForm, table: DataTable | None, *, status: int = 200
) -> HttpResponse:
    context = {"dataset": dataset, "form": form, "table": table}
    return render(request, "community/quality_new.html", context, status=status)


def _visible_report(request: HttpRequest, name: str, pk: int) -> QualityReport:
    dataset = visible_dataset(request, name)
    return get_object_or_404(
        QualityReport.objects.select_related("dataset__publisher", "table"), pk=pk, dataset=dataset
    )


@require_safe
def quality_report(request: HttpRequest, name: str, pk: int) -> HttpResponse:
    return render_report(request, _visible_report(request, name, pk))


def render_report(request: HttpRequest, report: QualityReport, *, status: int = 200, **bound: Any) -> HttpResponse:
    """One report and its history; the steward's answer form and, for a privacy concern, the
    administrators' one-step withdrawal. Nothing about the reporter is shown."""
    user = request.user
    can_handle = permissions.can_handle_report(user, report.dataset)
    context: dict[str, Any] = {
        "report": report,
        "dataset": report.dataset,
        "changes": list(report.changes.all()),
        "is_reporter": user.is_authenticated and report.reporter_id == user.pk,
        "is_following": user.is_authenticated and QualityReportFollow.objects.filter(report=report, user=user).exists(),
        "can_handle": can_handle,
        "can_withdraw": report.category == ReportCategory.PRIVACY
        and permissions.can_withdraw_table(user, report.dataset),
        "published_tables": [],
    }
    if context["can_withdraw"]:
        tables = DataTable.objects.filter(dataset=report.dataset, status="published")
        if report.table_id:
            tables = tables.filter(pk=report.table_id)
        context["published_tables"] = list(tables)
    if can_handle and report.is_open:
        others = QualityReport.objects.filter(dataset=report.dataset).exclude(pk=report.pk).order_by("-pk")[:50]
        context["answer_form"] = bound.get("answer_form") or AnswerReportForm(others=list(others), auto_id=ANSWER_IDS)
    return render(request, "community/quality_report.html", context, status=status)


@login_required
@require_POST
def quality_answer(request: HttpRequest, name: str, pk: int) -> HttpResponse:
    """The steward confirms or closes a report."""
    report = _visible_report(request, name, pk)
    permissions.ensure_can_handle_report(request.user, report.dataset)
    others = list(QualityReport.objects.filter(dataset=report.dataset).exclude(pk=report.pk).order_by("-pk")[:50])
    form = AnswerReportForm(request.POST, others=others, auto_id=ANSWER_IDS)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["outcome"] == ReportStatus.CONFIRMED:
                services.confirm_report(report, by=request.user, note=data["note"])
            else:
                original = next((r for r in others if r.pk == data["duplicate_of"]), None)
                services.close_report(
                    report, by=request.user, outcome=data["outcome"], note=data["note"], duplicate_of=original
                )
        except (InvalidInput, Conflict) as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Your answer is saved; the reporter and followers will hear about it."))
            return HttpResponseRedirect(report.get_absolute_url())
    return render_report(request, report, status=400, answer_form=form)


@login_required
@require_POST
def quality_follow(request: HttpRequest, name: str, pk: int) -> HttpResponse:
    report = _visible_report(request, name, pk)
    if request.POST.get("action") == "unfollow":
        services.unfollow_report(report, by=request.user)
        messages.info(request, _("You no longer follow this report."))
    else:
        services.follow_report(report, by=request.user)
        messages.success(request, _("You follow this report."))
    return back(request, report.get_absolute_url())


@login_required
@require_POST
def quality_withdraw(request: HttpRequest, name: str, pk: int) -> HttpResponse:
    """A publisher administrator takes the dataset's tables out of the Data API over a privacy concern."""
    report = _visible_report(request, name, pk)
    withdrawn = services.withdraw_tables_for_privacy(report, by=request.user)
    if withdrawn:
        messages.success(
            request,
            _("Taken out of the Data API while you review it: %(tables)s. Publish them again from each table's page.")
            % {"tables": ", ".join(t.name for t in withdrawn)},
        )
    else:
        messages.info(request, _("No published table to take out of the Data API."))
    return HttpResponseRedirect(report.get_absolute_url())


# --- what the community adds to other apps' pages --------------------------------------------------


def dataset_panel(request: HttpRequest, dataset: Dataset) -> str:
    """The dataset page's community panel: the quality score explained, "report a problem" (for the
    whole dataset or one file), open reports, discussions and the impact page. Two queries (the report
    and discussion counts; the files and loaded tables are read once for the whole page); the HTML
    is the same for everyone and kept by what it shows (`civicdata.core.fragments`)."""
    now = timezone.now()
    counts = _panel_counts(dataset, now)
    distributions = sorted(dataset.distributions.all(), key=lambda d: (d.position, d.pk))
    score = score_from(
        dataset,
        links=[d.link_status for d in distributions],
        tables=table_figures(dataset),
        overdue=counts["overdue"],
        now=now,
    )
    context = {
        "dataset": dataset,
        "score": score,
        "open_reports": counts["open_reports"],
        "discussions": counts["discussions"],
        "distributions": distributions,
    }
    parts = (
        dataset.name,
        tuple((i.key, i.label, i.points, i.maximum, i.explanation) for i in score.items),
        counts["open_reports"],
        counts["discussions"],
        tuple((d.pk, d.title, d.format) for d in distributions),
    )
    return cached_fragment(
        "community.quality_panel", parts, lambda: render_to_string("community/quality_panel.html", context)
    )


def _panel_counts(dataset: Dataset, now: Any) -> dict[str, int]:
    """Open reports, open reports past their answer date (two counts in one query), and discussions."""
    counts = QualityReport.objects.filter(dataset_id=dataset.pk, status__in=OPEN_REPORT_STATUSES).aggregate(
        open_reports=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now))
    )
    counts["discussions"] = Discussion.objects.filter(dataset_id=dataset.pk).count()
    return counts


def dashboard_panel(request: HttpRequest, publisher: Organization) -> str:
    """The publisher dashboard's quality panel: the average score and the lowest-scoring datasets."""
    datasets = list(
        Dataset.objects.filter(publisher_id__in=organization_tree_ids(publisher), withdrawn_at__isnull=True).only(
            "pk",
            "name",
            "title",
            "identifier",
            "publisher_id",
            "is_valid",
            "problem_count",
            "modified",
            "accrual_periodicity",
            "description",
            "keyword",
            "contact_email",
            "license",
            "temporal",
            "spatial",
            "theme",
            "described_by",
            "issued",
        )
    )
    scores = score_datasets(datasets)
    ranked = sorted(datasets, key=lambda d: (scores[d.pk].value, d.name))
    average = round(sum(s.value for s in scores.values()) / len(scores)) if scores else None
    context = {
        "publisher": publisher,
        "average": average,
        "lowest": [(d, scores[d.pk]) for d in ranked[:10]],
        "quality_url": reverse("community:publisher_quality", kwargs={"slug": publisher.slug}),
    }
    return render_to_string("community/quality_dashboard_panel.html", context, request=request)


def table_report_link(table: Any) -> str:
    """Where the Data API table page sends "report a problem" (it adds `&column=` or `&row=`)."""
    url = reverse("community:quality_new", kwargs={"name": table.dataset.name})
    return f"{url}?table={table.name}"
