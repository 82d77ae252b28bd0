"""`civicdata accounts create-org NAME [--parent SLUG] [--type TYPE] [--slug SLUG]`: add an organisation."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from civicdata.accounts import services
from civicdata.accounts.models import Organization, OrganizationType
from civicdata.core.errors import Conflict, InvalidInput


class Command(BaseCommand):
    help = (
        "Create an organisation: a publisher (agency, department, bureau) or a community partner (nonprofit, "
        "library, university, civic_tech, business, media), optionally under a parent. Prints its short name. "
        "Exit status 1 when it cannot be created (unknown parent, short name taken, type not allowed under it)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("name", help="The organisation's name, e.g. 'Department of Parks'.")
        parser.add_argument("--parent", default="", help="Short name (slug) of the organisation it is part of.")
        parser.add_argument(
            "--type",
            dest="org_type",
            choices=OrganizationType.values,
            default=None,
            help="Kind of organisation (default: agency at the top, department under a parent).",
        )
        parser.add_argument("--slug", default="", help="Short name used in addresses (default: from the name).")
        parser.add_argument("--website", default="", help="Its website.")
        parser.add_argument("--contact-email", default="", help="Public contact e-mail.")

    def handle(self, *args: Any, **options: Any) -> None:
        parent = None
        if options["parent"]:
            parent = Organization.objects.filter(slug=options["parent"]).first()
            if parent is None:
                raise CommandError(f"No organisation with the short name {options['parent']!r}.")
        org_type = options["org_type"] or (OrganizationType.DEPARTMENT if parent else OrganizationType.AGENCY)
        try:
            organization = services.create_organization(
                by=None,
                name=options["name"],
                org_type=org_type,
                parent=parent,
                slug=options["slug"],
                website=options["website"],
                contact_email=options["contact_email"],
            )
        except (InvalidInput, Conflict) as exc:
            raise CommandError(exc.message) from None
        under = f" under {parent.slug}" if parent else ""
        self.stdout.write(
            self.style.SUCCESS(f"Created {organization.slug} ({organization.get_org_type_display()}){under}.")
        )
