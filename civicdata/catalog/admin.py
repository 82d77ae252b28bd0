"""Back office for the catalog. Datasets, revisions, harvest sources and runs and usage notes are
read-only here: their writes go through the services (hashes, facets, revisions, publication state,
audit), which the staff pages use. The catalog settings have no page of their own and stay editable."""

from __future__ import annotations

from django.contrib import admin

from civicdata.catalog.models import (
    CatalogSettings,
    Dataset,
    DatasetRevision,
    DistributionFile,
    HarvestRun,
    HarvestSource,
    PublisherSettings,
    UsageNote,
)
from civicdata.core.admin import AuditedAdmin, ServiceGuardedAdmin


@admin.register(Dataset)
class DatasetAdmin(ServiceGuardedAdmin):
    list_display = ["title", "identifier", "publisher", "access_level", "is_published", "is_valid", "updated_at"]
    list_filter = ["access_level", "is_published", "is_valid", "publisher"]
    search_fields = ["title", "identifier"]
    list_select_related = ["publisher"]


@admin.register(DistributionFile)
class DistributionFileAdmin(ServiceGuardedAdmin):
    list_display = ["name", "dataset", "size", "media_type", "uploaded_at"]
    list_select_related = ["dataset"]


@admin.register(DatasetRevision)
class DatasetRevisionAdmin(ServiceGuardedAdmin):
    list_display = ["dataset", "number", "source", "author", "created_at"]
    list_select_related = ["dataset", "author"]


@admin.register(HarvestSource)
class HarvestSourceAdmin(ServiceGuardedAdmin):
    list_display = ["name", "publisher", "kind", "schedule", "is_active", "last_run_at"]


@admin.register(HarvestRun)
class HarvestRunAdmin(ServiceGuardedAdmin):
    list_display = ["created_at", "source", "publisher", "dry_run", "status", "created_count", "changed_count"]
    list_select_related = ["source", "publisher"]


@admin.register(UsageNote)
class UsageNoteAdmin(ServiceGuardedAdmin):
    list_display = ["title", "dataset", "author", "created_at"]


@admin.register(CatalogSettings)
class CatalogSettingsAdmin(AuditedAdmin):
    list_display = ["title", "profile", "updated_at"]


@admin.register(PublisherSettings)
class PublisherSettingsAdmin(AuditedAdmin):
    list_display = ["organization", "profile"]
