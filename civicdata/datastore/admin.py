"""Back-office views of Data API records, read-only: table status and versions, loads, personal-data
findings and decisions and charts change only through the services the pages call."""

from __future__ import annotations

from django.contrib import admin

from civicdata.core.admin import ServiceGuardedAdmin

from .models import Chart, DataTable, IngestJob, PiiDecision, PiiFinding


@admin.register(DataTable)
class DataTableAdmin(ServiceGuardedAdmin):
    list_display = ("__str__", "status", "version", "row_count", "loaded_at")
    list_filter = ("status",)
    search_fields = ("name", "relation", "dataset__name", "dataset__title")
    raw_id_fields = ("distribution", "dataset")


@admin.register(IngestJob)
class IngestJobAdmin(ServiceGuardedAdmin):
    list_display = ("table", "source", "status", "progress", "created_at")
    list_filter = ("status", "source_kind")
    raw_id_fields = ("table", "created_by")


@admin.register(PiiFinding)
class PiiFindingAdmin(ServiceGuardedAdmin):
    list_display = ("table", "column", "kind", "share", "by_header")
    list_filter = ("kind",)
    raw_id_fields = ("table",)


@admin.register(PiiDecision)
class PiiDecisionAdmin(ServiceGuardedAdmin):
    list_display = ("table", "column", "action", "decided_by", "decided_at")
    raw_id_fields = ("table", "decided_by")


@admin.register(Chart)
class ChartAdmin(ServiceGuardedAdmin):
    list_display = ("title", "table", "chart_type", "created_at")
    raw_id_fields = ("table", "created_by")
