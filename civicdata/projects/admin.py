"""Back office for engagement projects. The step and status are read-only here: a project only moves
between steps through `services.advance_step`, which enforces the exit checks."""

from __future__ import annotations

from django.contrib import admin

from civicdata.core.admin import AuditedAdmin
from civicdata.projects.models import Champion, ExitOverride, Problem, Project, ProjectEvent


@admin.register(Project)
class ProjectAdmin(AuditedAdmin):
    list_display = ("title", "organization", "current_step", "status", "iteration", "updated_at")
    list_filter = ("current_step", "status")
    search_fields = ("title", "slug")
    readonly_fields = ("current_step", "status", "iteration", "previous_iteration", "completed_at", "users_reached")


@admin.register(Problem)
class ProblemAdmin(AuditedAdmin):
    list_display = ("title", "project", "status", "vote_count", "comment_count", "created_at")
    list_filter = ("status",)
    search_fields = ("title",)
    readonly_fields = ("vote_count", "comment_count", "author")


@admin.register(Champion)
class ChampionAdmin(AuditedAdmin):
    list_display = ("name", "organization", "level", "listed_publicly")
    list_filter = ("level", "listed_publicly")


class ReadOnlyAdmin(admin.ModelAdmin):
    """History records are evidence; nobody edits them after the fact."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ExitOverride)
class ExitOverrideAdmin(ReadOnlyAdmin):
    list_display = ("project", "step", "reason", "by", "created_at")


@admin.register(ProjectEvent)
class ProjectEventAdmin(ReadOnlyAdmin):
    list_display = ("project", "kind", "step", "created_at")
    list_filter = ("kind",)
