"""Demo organisations and people for the fictional city of Port Alder. All people are synthetic."""

from __future__ import annotations

import random
from typing import Any

from allauth.account.models import EmailAddress

from civicdata.accounts.models import Membership, Organization, OrganizationKind, Role, User

DEMO_PASSWORD = "port-alder-demo"  # noqa: S105  (documented demo login, local profile only)

# (slug, name, org_type, parent slug, description)
ORGANIZATIONS = (
    ("city", "City of Port Alder", "agency", None, "The city government of Port Alder."),
    ("transportation", "Department of Transportation", "department", "city", "Streets, transit, parking."),
    ("traffic-ops", "Traffic Operations Bureau", "bureau", "transportation", "Signals, counts and crashes."),
    ("police", "Police Department", "department", "city", "Public safety and incident reporting."),
    ("public-works", "Department of Public Works", "department", "city", "Roads, trash, street trees."),
    ("housing", "Housing and Community Development", "department", "city", "Permits and affordable housing."),
    ("health", "Public Health Department", "department", "city", "Inspections and community health."),
    ("budget", "Office of Budget and Finance", "department", "city", "Budget, spending and contracts."),
    ("library", "Port Alder Public Library", "library", None, "Branches, data help and digital skills."),
    ("code-for-port-alder", "Code for Port Alder", "civic_tech", None, "Volunteer civic technologists."),
    ("alder-foundation", "Alder Valley Community Foundation", "nonprofit", None, "Local grant-maker."),
    ("alder-university", "Port Alder State University", "university", None, "Urban research centre."),
    ("alder-ledger", "The Alder Ledger", "media", None, "Local newsroom."),
    ("harbor-business", "Harbor Small Business Alliance", "business", None, "Neighbourhood businesses."),
)

# (e-mail, display name, affiliation, site staff, superuser, [(organisation slug, role)])
PEOPLE = (
    ("admin@example.org", "Site Administrator", "government", True, True, []),
    ("staff@example.org", "Sam Staff", "government", True, False, []),
    ("coordinator@example.org", "Olivia Coordinator", "government", False, False, [("city", Role.ADMIN)]),
    ("editor@example.org", "Eddie Editor", "government", False, False, [("transportation", Role.EDITOR)]),
    ("publisher@example.org", "Pat Publisher", "government", False, False, [("housing", Role.EDITOR)]),
    ("member@example.org", "Morgan Member", "government", False, False, [("public-works", Role.MEMBER)]),
    ("librarian@example.org", "Lee Librarian", "librarian", False, False, [("library", Role.ADMIN)]),
    ("hacker@example.org", "Casey Coder", "civic_technologist", False, False, [("code-for-port-alder", Role.EDITOR)]),
    ("journalist@example.org", "Jordan Reporter", "journalist", False, False, [("alder-ledger", Role.MEMBER)]),
    ("resident@example.org", "Riley Resident", "resident", False, False, []),
)

FIRST_NAMES = ("Ana", "Ben", "Chen", "Dara", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jade", "Kofi", "Lucia")
LAST_NAMES = ("Alvarez", "Brooks", "Castillo", "Diaz", "Evans", "Fischer", "Garcia", "Huang", "Ito", "Jones")
AFFILIATIONS = ("resident", "resident", "resident", "nonprofit", "journalist", "researcher", "business", "")


def _person(email: str, name: str, affiliation: str, *, staff: bool, superuser: bool, public: bool) -> User:
    user = User.objects.create_user(
        email,
        DEMO_PASSWORD,
        display_name=name,
        affiliation=affiliation,
        is_staff=staff,
        is_superuser=superuser,
        show_name_publicly=public,
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def load(rng: random.Random, stdout: Any) -> None:
    by_slug: dict[str, Organization] = {}
    for slug, name, org_type, parent, description in ORGANIZATIONS:
        kind = (
            OrganizationKind.PUBLISHER if org_type in {"agency", "department", "bureau"} else OrganizationKind.PARTNER
        )
        by_slug[slug] = Organization.objects.create(
            slug=slug,
            name=name,
            org_type=org_type,
            kind=kind,
            parent=by_slug.get(parent) if parent else None,
            description=description,
            contact_email=f"{slug}@example.org",
        )
    for email, name, affiliation, staff, superuser, memberships in PEOPLE:
        user = _person(email, name, affiliation, staff=staff, superuser=superuser, public=True)
        for slug, role in memberships:
            Membership.objects.create(user=user, organization=by_slug[slug], role=role)
    # Forty residents who vote, comment and take part; a few chose to show their names.
    for index in range(40):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        _person(
            f"resident{index + 1:02d}@example.org",
            f"{first} {last}",
            rng.choice(AFFILIATIONS),
            staff=False,
            superuser=False,
            public=rng.random() < 0.3,
        )
    stdout.write(f"  {len(ORGANIZATIONS)} organisations, {len(PEOPLE) + 40} people (password: {DEMO_PASSWORD})")
