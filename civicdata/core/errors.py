"""Exceptions that carry a plain-language reason to the person, shared by pages and the API."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied


class ActionRefused(PermissionDenied):
    """The person may not do this now; `message` says why (and when they can), `code` is stable."""

    status = 403

    def __init__(self, message: str, *, code: str = "forbidden") -> None:
        super().__init__(message)
        self.message = str(message)
        self.code = code


class NotSignedIn(ActionRefused):
    status = 401

    def __init__(self, message: str = "", *, code: str = "not_authenticated") -> None:
        super().__init__(message or "Sign in to do this.", code=code)


class Conflict(Exception):
    """The request collides with the current state (already voted, stale edit, duplicate)."""

    status = 409

    def __init__(self, message: str, *, code: str = "conflict") -> None:
        super().__init__(message)
        self.message = str(message)
        self.code = code


class InvalidInput(Exception):
    """Input that cannot be used, with the details a person needs to correct it."""

    status = 400

    def __init__(self, message: str, *, code: str = "invalid", details: object = None) -> None:
        super().__init__(message)
        self.message = str(message)
        self.code = code
        self.details = details


def add_to_form(form: Any, exc: InvalidInput | Conflict) -> None:
    """Show a service's refusal on the form it came from: at each field named in `details`
    (`[{"field": …, "message": …}]`), else once for the whole form."""
    details = getattr(exc, "details", None)
    placed = False
    if isinstance(details, list):
        for item in details:
            if isinstance(item, dict) and item.get("field") in form.fields:
                form.add_error(item["field"], item["message"])
                placed = True
    if not placed:
        form.add_error(None, exc.message)
