"""Back-office views of demand records (read-mostly; changes go through the staff pages)."""

from __future__ import annotations

from django.contrib import admin

from civicdata.core.admin import AuditedAdmin
from civicdata.demand.models import DataRequest, DemandItem, LogImport, Report


@admin.register(DataRequest)
class DataRequestAdmin(AuditedAdmin):
    list_display = ("title", "status", "vote_count", "publisher", "created_at", "is_hidden")
    list_filter = ("status", "is_hidden")
    search_fields = ("title", "description")
    readonly_fields = ("vote_count", "follower_count", "comment_count", "report_count")


@admin.register(LogImport)
class LogImportAdmin(AuditedAdmin):
    list_display = ("filename", "kind", "source", "status", "imported_rows", "duplicate_rows", "created_at")
    exclude = ("content",)


@admin.register(DemandItem)
class DemandItemAdmin(AuditedAdmin):
    list_display = ("kind", "occurred_on", "weight", "source", "department")
    list_filter = ("kind",)
    search_fields = ("text",)


@admin.register(Report)
class ReportAdmin(AuditedAdmin):
    list_display = ("reason", "outcome", "created_at")
    list_filter = ("reason", "outcome")
