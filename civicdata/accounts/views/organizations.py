"""Organisation pages: the list of publishers and partners, and one organisation."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from civicdata.accounts import permissions
from civicdata.accounts.models import Organization, OrganizationKind


def organization_list(request: HttpRequest) -> HttpResponse:
    organizations = Organization.objects.select_related("parent").annotate(member_count=Count("memberships"))
    return render(
        request,
        "accounts/organization_list.html",
        {
            "publishers": [org for org in organizations if org.kind == OrganizationKind.PUBLISHER],
            "partners": [org for org in organizations if org.kind == OrganizationKind.PARTNER],
        },
    )


def organization_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_object_or_404(Organization.objects.select_related("parent"), slug=slug)
    show_members = permissions.has_role(request.user, organization, minimum="member")
    members = organization.memberships.select_related("user") if show_members else []
    return render(
        request,
        "accounts/organization_detail.html",
        {
            "organization": organization,
            "ancestors": organization.ancestors(),
            "children": organization.children.all(),
            "members": members,
            "can_manage": permissions.can_manage_members(request.user, organization),
        },
    )
