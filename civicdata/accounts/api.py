"""API for people and organisations: who am I, and the public list of organisations."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from civicdata.accounts.auth import signed_in
from civicdata.accounts.models import Organization

router = Router()


class OrganizationOut(Schema):
    slug: str
    name: str
    kind: str
    org_type: str
    parent: str | None
    website: str
    description: str


class MeOut(Schema):
    email: str
    display_name: str
    affiliation: str
    is_staff: bool
    organizations: list[dict]


def _organization(org: Organization) -> dict:
    return {
        "slug": org.slug,
        "name": org.name,
        "kind": org.kind,
        "org_type": org.org_type,
        "parent": org.parent.slug if org.parent_id else None,
        "website": org.website,
        "description": org.description,
    }


@router.get("/organizations", response=list[OrganizationOut], summary="List organisations")
def list_organizations(request: HttpRequest) -> list[dict]:
    """Publishers (with their parent, i.e. DCAT-US subOrganizationOf) and community partners."""
    return [_organization(org) for org in Organization.objects.select_related("parent")]


@router.get("/organizations/{slug}", response=OrganizationOut, summary="One organisation")
def get_organization(request: HttpRequest, slug: str) -> dict:
    return _organization(get_object_or_404(Organization.objects.select_related("parent"), slug=slug))


@router.get("/me", response=MeOut, auth=signed_in, summary="The signed-in person")
def me(request: HttpRequest) -> dict:
    user = request.auth
    return {
        "email": user.email,
        "display_name": user.display_name,
        "affiliation": user.affiliation,
        "is_staff": user.is_staff,
        "organizations": [
            {"slug": m.organization.slug, "role": m.role} for m in user.memberships.select_related("organization")
        ],
    }
