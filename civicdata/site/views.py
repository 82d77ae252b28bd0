"""Pages that draw on several apps: the home page, the staff overview (background tasks) and the audit log."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe
from django_tasks_db.models import DBTaskResult

from civicdata.accounts import permissions
from civicdata.catalog.search import visible_datasets
from civicdata.core.models import AuditEntry
from civicdata.demand.models import OPEN_STATUSES
from civicdata.demand.queries import public_requests
from civicdata.projects.models import Project, ProjectStatus


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
    }
    return render(request, "site/home.html", context)


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
