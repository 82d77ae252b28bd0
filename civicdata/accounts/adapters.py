"""allauth hooks: save the profile fields chosen at sign-up, and brand e-mails with the site's name
(`SITE_NAME`) and address (`SITE_URL`) rather than the host the request came to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language_from_request


@dataclass(frozen=True, slots=True)
class SiteName:
    """What allauth's e-mail templates read as `current_site`."""

    name: str
    domain: str


def site_for_emails() -> SiteName:
    return SiteName(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc or settings.SITE_URL)


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

    def format_email_subject(self, subject: str) -> str:
        return f"[{settings.SITE_NAME}] {subject}"

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        super().send_mail(template_prefix, email, {**context, "current_site": site_for_emails()})
