"""Writes on a person's own profile."""

from __future__ import annotations

from civicdata.accounts.models import User


def update_profile(user: User, *, display_name: str, affiliation: str, show_name_publicly: bool) -> User:
    """Change a person's own profile. Precondition: `user` is the signed-in person."""
    user.display_name = display_name.strip()[:120]
    user.affiliation = affiliation
    user.show_name_publicly = show_name_publicly
    user.save(update_fields=["display_name", "affiliation", "show_name_publicly"])
    return user
