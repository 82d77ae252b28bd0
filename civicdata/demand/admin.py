"""Back-office views of demand records, read-only: request status, triage, votes, moderation and log
imports change only through the services the staff pages call."""

from __future__ import annotations

from django.contrib import admin

from civicdata.core.admin import ServiceGuardedAdmin
from civicdata.demand.models import DataRequest, DemandItem, LogImport, Report


@admin.register(DataRequest)
class DataRequestAdmin(ServiceGuardedAdmin):
    list_display = ("title", "status", "vote_count", "publisher", "created_at", "is_hidden")
    list_filter = ("status", "is_hidden")
    search_fields = ("title", "description")


@admin.register(LogImport)
class LogImportAdmin(ServiceGuardedAdmin):
    list_display = ("filename", "kind", "source", "status", "imported_rows", "duplicate_rows", "created_at")
    exclude = ("content",)


@admin.register(DemandItem)
class DemandItemAdmin(ServiceGuardedAdmin):
    list_display = ("kind", "occurred_on", "weight", "source", "department")
    list_filter = ("kind",)
    search_fields = ("text",)


@admin.register(Report)
class ReportAdmin(ServiceGuardedAdmin):
    list_display = ("reason", "outcome", "created_at")
    list_filter = ("reason", "outcome")
