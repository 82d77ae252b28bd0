"""Back-office views of Data API records (read-mostly; loads and decisions go through the pages)."""

from __future__ import annotations

from django.contrib import admin

from civicdata.core.admin import AuditedAdmin

from .models import Chart, DataTable, IngestJob, PiiDecision, PiiFinding


@admin.register(DataTable)
class DataTableAdmin(AuditedAdmin):
    list_display = ("__str__", "status", "version", "row_count", "loaded_at")
    list_filter = ("status",)
    search_fields = ("name", "relation", "dataset__name", "dataset__title")
    readonly_fields = ("relation", "version", "row_count", "schema", "quality", "ingest_info", "loaded_at")
    raw_id_fields = ("distribution", "dataset")


@admin.register(IngestJob)
class IngestJobAdmin(AuditedAdmin):
    list_display = ("table", "source", "status", "progress", "created_at")
    list_filter = ("status", "source_kind")
    readonly_fields = ("error", "result", "progress", "stage")
    raw_id_fields = ("table", "created_by")


@admin.register(PiiFinding)
class PiiFindingAdmin(AuditedAdmin):
    list_display = ("table", "column", "kind", "share", "by_header")
    list_filter = ("kind",)
    raw_id_fields = ("table",)


@admin.register(PiiDecision)
class PiiDecisionAdmin(AuditedAdmin):
    list_display = ("table", "column", "action", "decided_by", "decided_at")
    raw_id_fields = ("table", "decided_by")


@admin.register(Chart)
class ChartAdmin(AuditedAdmin):
    list_display = ("title", "table", "chart_type", "created_at")
    raw_id_fields = ("table", "created_by")
