"""`civicdata accounts list [--org SLUG]`: the organisation tree, or one organisation's members."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from civicdata.accounts.models import Membership, Organization


class Command(BaseCommand):
    help = (
        "List every organisation as a tree (short name, type, number of members), or with --org the members "
        "of one organisation and their roles. Exit status 1 on an unknown organisation."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--org", default="", help="Short name (slug) of an organisation: list its members.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["org"]:
            organization = Organization.objects.filter(slug=options["org"]).first()
            if organization is None:
                raise CommandError(f"No organisation with the short name {options['org']!r}.")
            members = Membership.objects.filter(organization=organization).select_related("user")
            for membership in members.order_by("user__email"):
                self.stdout.write(f"{membership.role:8} {membership.user.email}")
            if not members.exists():
                self.stdout.write(f"{organization.slug} has no members yet.")
            return
        organizations = list(Organization.objects.order_by("name"))
        counts: dict[int, int] = {}
        for org_id in Membership.objects.values_list("organization_id", flat=True):
            counts[org_id] = counts.get(org_id, 0) + 1
        children: dict[int | None, list[Organization]] = {}
        for organization in organizations:
            children.setdefault(organization.parent_id, []).append(organization)

        def show(parent_id: int | None, depth: int) -> None:
            for organization in children.get(parent_id, []):
                members = counts.get(organization.pk, 0)
                self.stdout.write(
                    f"{'  ' * depth}{organization.slug}  {organization.name} ({organization.org_type}, "
                    f"{members} member{'s' if members != 1 else ''})"
                )
                show(organization.pk, depth + 1)

        show(None, 0)
        if not organizations:
            self.stdout.write("No organisations yet: add one with `civicdata accounts create-org NAME`.")
