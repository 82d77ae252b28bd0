"""`civicdata projects checks <slug>`: print the exit checks of a project's current step.

Exits with status 1 while any check fails, so scripts can wait for a project to be ready to advance.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from civicdata.projects import services
from civicdata.projects.models import Project


class Command(BaseCommand):
    help = "Show the exit checks of an engagement project's current step (exit status 1 if any fails)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("slug", help="The project's short name, as in /projects/<slug>/.")

    def handle(self, *args: Any, **options: Any) -> None:
        project = Project.objects.select_related("organization").filter(slug=options["slug"]).first()
        if project is None:
            raise CommandError(f"No project with the short name {options['slug']!r}.")
        if project.is_completed:
            self.stdout.write(f"{project.title}: completed.")
            return
        checks = services.exit_report(project)
        self.stdout.write(f"{project.title}: {project.get_current_step_display()} step")
        for check in checks:
            mark = "ok  " if check["passed"] else "TODO"
            detail = f" — {check['detail']}" if check["detail"] else ""
            self.stdout.write(f"  [{mark}] {check['label']}{detail}")
        if not all(check["passed"] for check in checks):
            raise SystemExit(1)
