"""Pages that draw on several apps: the home page, the staff home ("My work"), the staff overview
(background tasks) and the audit log."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django_tasks_db.models import DBTaskResult

from civicdata.accounts import permissions
from civicdata.catalog import permissions as catalog_permissions
from civicdata.catalog.models import Dataset, HarvestRun, LinkStatus, RunStatus
from civicdata.catalog.search import visible_datasets
from civicdata.core.errors import ActionRefused
from civicdata.core.models import AuditEntry
from civicdata.datastore.models import IngestJob, JobStatus
from civicdata.demand import permissions as demand_permissions
from civicdata.demand.models import OPEN_STATUSES
from civicdata.demand.queries import public_requests, triage_queue
from civicdata.events.models import Event, EventStatus
from civicdata.projects.models import Project, ProjectStatus
from civicdata.site.manage import manage_links

#: How many rows each list of "My work" shows; the linked tool has the rest.
MY_WORK_LIMIT = 20


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The front door: what the city publishes, what residents ask for, and where they can take part."""
    datasets = visible_datasets(include_all=False)
    open_requests = public_requests().filter(status__in=OPEN_STATUSES)
    active_projects = Project.objects.filter(status=ProjectStatus.ACTIVE)
    context = {
        "dataset_count": datasets.count(),
        "open_request_count": open_requests.count(),
        "project_count": active_projects.count(),
        "recent_datasets": datasets.select_related("publisher").order_by("-modified_at", "-pk")[:5],
        "top_requests": open_requests.order_by("-vote_count", "-created_at")[:5],
        "active_projects": active_projects.select_related("organization").order_by("-pk")[:3],
        "upcoming_events": Event.objects.filter(status=EventStatus.PUBLISHED, ends_at__gte=timezone.now())
        .select_related("organization")
        .order_by("starts_at", "pk")[:3],
    }
    return render(request, "site/home.html", context)


@require_safe
def my_work(request: HttpRequest) -> HttpResponse:
    """The staff home: the person's drafts, datasets needing attention, requests to triage, and table
    loads and harvests running or failed, limited to the publishers they edit."""
    permissions.ensure_signed_in(request.user)
    if not manage_links(request.user):
        raise ActionRefused(_("This page is for staff of an organisation."), code="not_staff")
    publishers = catalog_permissions.editable_publishers(request.user)
    datasets = Dataset.objects.filter(publisher__in=publishers).select_related("publisher")
    drafts = datasets.filter(is_published=False, withdrawn_at__isnull=True).order_by("-updated_at", "-pk")
    attention = (
        datasets.filter(Q(is_valid=False) | Q(distributions__link_status=LinkStatus.BROKEN))
        .annotate(broken_links=Count("distributions", filter=Q(distributions__link_status=LinkStatus.BROKEN)))
        .order_by("title", "pk")
    )
    # A failed load or harvest stays on the list until a later one of the same table or source succeeds.
    jobs = (
        IngestJob.objects.filter(table__dataset__publisher__in=publishers)
        .filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.FAILED])
        .exclude(table__jobs__status=JobStatus.SUCCEEDED, table__jobs__created_at__gt=F("created_at"))
        .select_related("table", "table__dataset")
        .order_by("-created_at", "-pk")
    )
    harvests = (
        HarvestRun.objects.filter(
            publisher__in=publishers, status__in=[RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.FAILED]
        )
        .exclude(source__runs__status=RunStatus.SUCCEEDED, source__runs__created_at__gt=F("created_at"))
        .select_related("source", "publisher")
        .order_by("-created_at", "-pk")
    )
    triage = (
        triage_queue(request.user).filter(first_response_at__isnull=True).order_by("created_at", "pk")
        if demand_permissions.can_use_staff_pages(request.user)
        else None
    )
    context = {
        "publishers": publishers,
        "drafts": drafts.distinct()[:MY_WORK_LIMIT],
        "attention": attention.distinct()[:MY_WORK_LIMIT],
        "triage": triage[:MY_WORK_LIMIT] if triage is not None else None,
        "jobs": jobs.distinct()[:MY_WORK_LIMIT],
        "harvests": harvests.distinct()[:MY_WORK_LIMIT],
    }
    return render(request, "site/my_work.html", context)


@require_safe
def staff(request: HttpRequest) -> HttpResponse:
    """Staff overview: recent and failed background tasks."""
    permissions.ensure_site_staff(request.user)
    results = DBTaskResult.objects.order_by("-enqueued_at")
    status_filter = request.GET.get("status", "")
    if status_filter:
        results = results.filter(status=status_filter)
    page = Paginator(results, 50).get_page(request.GET.get("page"))
    return render(request, "site/staff.html", {"page": page, "status_filter": status_filter})


@require_safe
def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit log of staff writes, for site admins; `?q=` filters by action or actor."""
    permissions.ensure_site_admin(request.user)
    entries = AuditEntry.objects.all()
    query = request.GET.get("q", "").strip()
    if query:
        entries = entries.filter(action__icontains=query) | entries.filter(actor_label__icontains=query)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "site/audit_log.html", {"page": page, "query": query})
