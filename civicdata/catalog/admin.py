"""Back office for the catalog. Datasets, runs and revisions are read-only here: their writes must go
through the services (hashes, facets, revisions, audit), which the staff pages use."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from civicdata.catalog.models import (
    CatalogSettings,
    Dataset,
    DatasetRevision,
    HarvestRun,
    HarvestSource,
    PublisherSettings,
    UsageNote,
)
from civicdata.core.admin import AuditedAdmin


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Dataset)
class DatasetAdmin(ReadOnlyAdmin):
    list_display = ["title", "identifier", "publisher", "access_level", "is_published", "is_valid", "updated_at"]
    list_filter = ["access_level", "is_published", "is_valid", "publisher"]
    search_fields = ["title", "identifier"]
    list_select_related = ["publisher"]


@admin.register(DatasetRevision)
class DatasetRevisionAdmin(ReadOnlyAdmin):
    list_display = ["dataset", "number", "source", "author", "created_at"]
    list_select_related = ["dataset", "author"]


@admin.register(HarvestSource)
class HarvestSourceAdmin(ReadOnlyAdmin):
    list_display = ["name", "publisher", "kind", "schedule", "is_active", "last_run_at"]


@admin.register(HarvestRun)
class HarvestRunAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "source", "publisher", "dry_run", "status", "created_count", "changed_count"]
    list_select_related = ["source", "publisher"]


@admin.register(UsageNote)
class UsageNoteAdmin(ReadOnlyAdmin):
    list_display = ["title", "dataset", "author", "created_at"]


@admin.register(CatalogSettings)
class CatalogSettingsAdmin(AuditedAdmin):
    list_display = ["title", "profile", "updated_at"]


@admin.register(PublisherSettings)
class PublisherSettingsAdmin(AuditedAdmin):
    list_display = ["organization", "profile"]
