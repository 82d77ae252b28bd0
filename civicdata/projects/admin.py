"""Back office for engagement projects, read-only: a project only moves between steps through
`services.advance_step`, which enforces the exit checks, and problems, champions and the history are
written by the project services (counters, public events, audit)."""

from __future__ import annotations

from django.contrib import admin

from civicdata.core.admin import ServiceGuardedAdmin
from civicdata.projects.models import Champion, ExitOverride, Problem, Project, ProjectEvent


@admin.register(Project)
class ProjectAdmin(ServiceGuardedAdmin):
    list_display = ("title", "organization", "current_step", "status", "iteration", "updated_at")
    list_filter = ("current_step", "status")
    search_fields = ("title", "slug")


@admin.register(Problem)
class ProblemAdmin(ServiceGuardedAdmin):
    list_display = ("title", "project", "status", "vote_count", "comment_count", "created_at")
    list_filter = ("status",)
    search_fields = ("title",)


@admin.register(Champion)
class ChampionAdmin(ServiceGuardedAdmin):
    list_display = ("name", "organization", "level", "listed_publicly")
    list_filter = ("level", "listed_publicly")


@admin.register(ExitOverride)
class ExitOverrideAdmin(ServiceGuardedAdmin):
    list_display = ("project", "step", "reason", "by", "created_at")


@admin.register(ProjectEvent)
class ProjectEventAdmin(ServiceGuardedAdmin):
    list_display = ("project", "kind", "step", "created_at")
    list_filter = ("kind",)
