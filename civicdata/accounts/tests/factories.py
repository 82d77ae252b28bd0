"""Plain factory functions for people and organisations."""

from __future__ import annotations

import itertools

from civicdata.accounts.models import Membership, Organization, OrganizationKind, Role, User

_counter = itertools.count(1)


def make_user(email: str | None = None, *, staff: bool = False, superuser: bool = False, **extra: object) -> User:
    number = next(_counter)
    return User.objects.create_user(
        email or f"person{number}@example.org",
        "a-long-test-password",
        is_staff=staff or superuser,
        is_superuser=superuser,
        **extra,
    )


def make_organization(
    name: str | None = None, *, org_type: str = "department", parent: Organization | None = None, slug: str = ""
) -> Organization:
    number = next(_counter)
    name = name or f"Department {number}"
    kind = OrganizationKind.PUBLISHER if org_type in {"agency", "department", "bureau"} else OrganizationKind.PARTNER
    return Organization.objects.create(
        name=name, slug=slug or f"org-{number}", kind=kind, org_type=org_type, parent=parent
    )


def make_member(organization: Organization, *, role: str = Role.EDITOR, user: User | None = None) -> User:
    user = user or make_user()
    Membership.objects.create(user=user, organization=organization, role=role)
    return user
