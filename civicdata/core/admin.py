"""Back-office plumbing: every admin write lands in the audit log; models whose writes a service guards,
and the log itself, are read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from civicdata.core.audit import record_write, snapshot
from civicdata.core.models import AuditEntry


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletes are recorded with before/after values."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            before = None
            if change and obj.pk:
                previous = type(obj).objects.filter(pk=obj.pk).first()
                before = snapshot(previous) if previous else None
            super().save_model(request, obj, form, change)
            action = f"admin_{'change' if change else 'add'}_{obj._meta.model_name}"
            record_write(actor=request.user, action=action, target=obj, before=before, after=snapshot(obj))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            record_write(
                actor=request.user, action=f"admin_delete_{obj._meta.model_name}", target=obj, before=snapshot(obj)
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                record_write(
                    actor=request.user,
                    action=f"admin_delete_{obj._meta.model_name}",
                    target=obj,
                    before=snapshot(obj),
                )
            super().delete_queryset(request, queryset)


class ServiceGuardedAdmin(admin.ModelAdmin):
    """For a model whose writes go through a service that enforces rules the admin would skip (state
    transitions, personal-data review, counters, revisions, audit entries): staff can list and read
    records here, but cannot add, change or delete them. Admin actions may still call the services.
    """

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ServiceGuardedAdmin):
    list_display = ["created_at", "actor_label", "action", "target_type", "target_label"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_label", "action", "target_label", "target_id"]
    readonly_fields = [field.name for field in AuditEntry._meta.fields]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_active and request.user.is_superuser
