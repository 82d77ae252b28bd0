"""Pages of live tables (editors of a publisher and site staff): connect a table or view of the office's
database to a dataset, see each live table's last copy, refresh it now, change its schedule or stop it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from civicdata.accounts import permissions as base_permissions
from civicdata.catalog.models import Dataset
from civicdata.core.errors import ActionRefused, Conflict, InvalidInput

from .. import live
from ..forms import LiveRefreshForm, LiveSourceForm
from ..models import LiveRefresh, LiveSource
from ..permissions import can_manage_table, ensure_can_manage_dataset
from ..services import live_sources as services


def _editable_organizations(request: HttpRequest) -> list:
    base_permissions.ensure_signed_in(request.user)
    organizations = base_permissions.editable_organizations(request.user)
    if not organizations and not base_permissions.is_site_staff(request.user):
        raise ActionRefused(_("Only editors of a publisher can connect database tables."), code="not_editor")
    return organizations


@require_http_methods(["GET", "HEAD"])
def live_tables(request: HttpRequest) -> HttpResponse:
    """The person's live tables, and where to connect a new one (a dataset is chosen first)."""
    organizations = _editable_organizations(request)
    chosen = request.GET.get("dataset", "").strip()
    datasets = Dataset.objects.filter(publisher__in=organizations).order_by("title")
    if chosen:
        if datasets.filter(name=chosen).exists() or base_permissions.is_site_staff(request.user):
            return redirect("datastore:live_connect", dataset=chosen)
        messages.error(request, _("Choose one of your datasets."))
    sources = [
        source
        for source in LiveSource.objects.select_related("table", "table__dataset", "table__dataset__publisher")
        if can_manage_table(request.user, source.table)
    ]
    context = {
        "sources": sources,
        "datasets": datasets.only("name", "title")[:1000],
        "refresh_choices": LiveRefresh.choices,
    }
    return render(request, "datastore/live_tables.html", context)


_RELATION_CODES = {"live.no_table"}


@require_http_methods(["GET", "HEAD", "POST"])
def live_connect(request: HttpRequest, dataset: str) -> HttpResponse:
    """Connect a table: "List tables" tries the connection and offers its tables; "Connect" saves it."""
    found = get_object_or_404(Dataset.objects.select_related("publisher"), name=dataset)
    ensure_can_manage_dataset(request.user, found)
    form = LiveSourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        listing = request.POST.get("action") == "list"
        try:
            if listing or not data["relation"]:
                relations = live.list_relations(live.check_connection_url(data["connection_url"]))
                form.offer_relations(relations)
                if not relations:
                    form.add_error("connection_url", _("The database has no table or view this account can read."))
                elif not listing:
                    form.add_error("relation", _("Choose the table or view to copy."))
            else:
                services.register_live_source(
                    found,
                    connection_url=data["connection_url"],
                    relation=data["relation"],
                    title=data["title"],
                    refresh=data["refresh"],
                    row_cap=data["row_cap"],
                    by=request.user,
                    site_url=request.build_absolute_uri("/"),
                )
                messages.success(
                    request,
                    _("%(name)s is connected. Its first copy is being made; the table appears when it is loaded.")
                    % {"name": data["relation"]},
                )
                return redirect("datastore:live_tables")
        except live.LiveSourceError as exc:
            form.add_error("relation" if exc.code in _RELATION_CODES else "connection_url", exc.message)
        except (InvalidInput, Conflict) as exc:
            form.add_error(None, exc.message)
    return render(request, "datastore/live_connect.html", {"dataset": found, "form": form})


def _source(request: HttpRequest, pk: int) -> LiveSource:
    base_permissions.ensure_signed_in(request.user)
    source = get_object_or_404(LiveSource.objects.select_related("table", "table__dataset__publisher"), pk=pk)
    if not can_manage_table(request.user, source.table):
        raise ActionRefused(_("Only editors of the dataset's publisher can change this live table."), code="not_editor")
    return source


@require_POST
def live_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    source = _source(request, pk)
    services.request_refresh(source, by=request.user)
    messages.success(request, _("A new copy of %(name)s is being made.") % {"name": source.relation})
    return redirect("datastore:live_tables")


@require_POST
def live_change(request: HttpRequest, pk: int) -> HttpResponse:
    source = _source(request, pk)
    form = LiveRefreshForm(request.POST)
    if form.is_valid():
        services.change_live_source(source, refresh=form.cleaned_data["refresh"], by=request.user)
        messages.success(request, _("The schedule of %(name)s is saved.") % {"name": source.relation})
    else:
        messages.error(request, _("Choose how often the table is copied."))
    return redirect("datastore:live_tables")


@require_POST
def live_delete(request: HttpRequest, pk: int) -> HttpResponse:
    source = _source(request, pk)
    services.delete_live_source(source, by=request.user)
    messages.success(
        request, _("%(name)s is no longer copied; the table keeps its last copy.") % {"name": source.relation}
    )
    return redirect("datastore:live_tables")
