"""Helpers shared by the community pages about one dataset."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme

from civicdata.catalog.models import Dataset
from civicdata.catalog.permissions import ensure_can_view_dataset


def visible_dataset(request: HttpRequest, name: str) -> Dataset:
    """The dataset by its short name, if the person may see it (404 otherwise, as on its page)."""
    dataset = get_object_or_404(Dataset.objects.select_related("publisher"), name=name)
    ensure_can_view_dataset(request.user, dataset)
    return dataset


def back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    """Back to the page the form was on, if it is on this site; otherwise `default`."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(default)
