"""allauth hooks: save the profile fields chosen at sign-up and keep demo e-mails readable."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.utils.translation import get_language_from_request


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=False)
        user.display_name = form.cleaned_data.get("display_name", "")
        user.affiliation = form.cleaned_data.get("affiliation", "")
        # E-mails and notifications are written in the language the person signed up in.
        user.language = get_language_from_request(request) or ""
        if commit:
            user.save()
        return user
