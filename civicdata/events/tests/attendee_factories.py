"""Test data for registrations, check-in and feedback."""

from __future__ import annotations

import itertools
from typing import Any

from civicdata.accounts.models import Membership, Organization, Role, User
from civicdata.events import services
from civicdata.events.models import Event, Registration

_numbers = itertools.count(1)


def make_user(email: str | None = None, **extra: Any) -> User:
    return User.objects.create_user(email or f"attendee{next(_numbers)}@example.org", "pw-Example-123", **extra)


def make_organiser(organization: Organization) -> User:
    user = make_user(f"organiser{next(_numbers)}@example.org")
    Membership.objects.create(user=user, organization=organization, role=Role.EDITOR)
    return user


def register_guest(event: Event, name: str | None = None, **fields: Any) -> Registration:
    n = next(_numbers)
    values: dict[str, Any] = {
        "name": name or f"Guest {n}",
        "email": f"guest{n}@example.org",
        "accepted_code_of_conduct": True,
    }
    values.update(fields)
    return services.register(event, **values)
