"""Shared helpers for project pages: turning service refusals into messages, and loading a project."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from civicdata.core.errors import ActionRefused, Conflict, InvalidInput, NotSignedIn
from civicdata.projects.models import Project


def get_project(slug: str) -> Project:
    return get_object_or_404(Project.objects.select_related("organization"), slug=slug)


def perform(request: HttpRequest, action: Callable[[], Any], *, success: str, next_url: str) -> HttpResponse:
    """Run one service call for a POST; on refusal show the service's reason and go back.

    Nothing is written when the service refuses, because every service runs in one transaction.
    """
    try:
        action()
    except NotSignedIn:
        return redirect_to_login(request.get_full_path())
    except (ActionRefused, Conflict, InvalidInput) as exc:
        messages.error(request, exc.message)
        return redirect(next_url)
    messages.success(request, success)
    return redirect(next_url)


def form_errors(request: HttpRequest, form: Any) -> None:
    """Report invalid form fields as one message (pages re-render forms where it matters)."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))
