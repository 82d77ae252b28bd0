"""allauth hooks: save the profile fields chosen at sign-up and keep demo e-mails readable."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=False)
        user.display_name = form.cleaned_data.get("display_name", "")
        user.affiliation = form.cleaned_data.get("affiliation", "")
        if commit:
            user.save()
        return user
