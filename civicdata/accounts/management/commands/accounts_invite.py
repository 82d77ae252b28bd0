"""`civicdata accounts invite EMAIL --org SLUG --role ROLE`: give a person a role, creating their account."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from civicdata.accounts import services
from civicdata.accounts.models import Organization, Role
from civicdata.core.errors import Conflict, InvalidInput


class Command(BaseCommand):
    help = (
        "Give the person with this e-mail a role in an organisation (member, editor, or admin — the "
        "administrator of the top organisation is the open-data coordinator). A new person gets an account "
        "and an e-mail telling them to choose a password. Running it again changes the role. Exit status 1 "
        "on an unknown organisation, role or a malformed e-mail address."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email", help="The person's e-mail address.")
        parser.add_argument("--org", required=True, help="Short name (slug) of the organisation.")
        parser.add_argument("--role", required=True, choices=Role.values, help="Role in the organisation.")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(slug=options["org"]).first()
        if organization is None:
            raise CommandError(f"No organisation with the short name {options['org']!r}.")
        try:
            membership, created = services.invite_member(
                organization, email=options["email"], role=options["role"], by=None
            )
        except (InvalidInput, Conflict) as exc:
            raise CommandError(exc.message) from None
        who = "new account, invitation e-mailed" if created else "existing account, told by e-mail"
        self.stdout.write(
            self.style.SUCCESS(f"{membership.user.email} is {membership.role} of {organization.slug} ({who}).")
        )
