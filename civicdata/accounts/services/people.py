"""Writes on a person's own profile."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from civicdata.accounts.models import User
from civicdata.core.errors import InvalidInput


def update_profile(
    user: User, *, display_name: str, affiliation: str, show_name_publicly: bool, language: str | None = None
) -> User:
    """Change a person's own profile (`language=None` keeps the language). Precondition: `user` is the
    signed-in person."""
    user.display_name = display_name.strip()[:120]
    user.affiliation = affiliation
    user.show_name_publicly = show_name_publicly
    fields = ["display_name", "affiliation", "show_name_publicly"]
    if language is not None:
        if language and language not in dict(settings.LANGUAGES):
            raise InvalidInput(_("Unknown language."), code="invalid_language")
        user.language = language
        fields.append("language")
    user.save(update_fields=fields)
    return user


def set_language(user: User, *, language: str) -> User:
    """Store the language a signed-in person chose with the site's language switch as their language for
    e-mails and notifications (InvalidInput for a language the site does not offer). Writes only when it
    changes. Precondition: `user` is the signed-in person."""
    if language not in dict(settings.LANGUAGES):
        raise InvalidInput(_("Unknown language."), code="invalid_language")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user
