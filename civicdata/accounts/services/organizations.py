"""Organisations: publishers (agencies and their offices) and community partners. Audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from civicdata.accounts import permissions
from civicdata.accounts.models import PUBLISHER_TYPES, Organization, OrganizationKind, OrganizationType
from civicdata.core.audit import record_write, snapshot
from civicdata.core.errors import Conflict, InvalidInput


@transaction.atomic
def create_organization(
    *,
    by: Any,
    name: str,
    org_type: str,
    parent: Organization | None = None,
    slug: str = "",
    description: str = "",
    website: str = "",
    contact_email: str = "",
) -> Organization:
    """Create a publisher or community partner (its kind follows from its type). Precondition: site
    staff, or an administrator of `parent` for a sub-organisation; `by=None` is an operator at the
    command line (`civicdata accounts create-org`)."""
    if by is None:
        pass
    elif parent is not None:
        permissions.ensure_can_manage_members(by, parent)
    else:
        permissions.ensure_site_staff(by)
    if not name.strip():
        raise InvalidInput(_("Give the organisation a name."), code="invalid_name")
    kind = OrganizationKind.PUBLISHER if org_type in PUBLISHER_TYPES else OrganizationKind.PARTNER
    if org_type not in OrganizationType.values:
        raise InvalidInput(_("Unknown organisation type."), code="invalid_org_type")
    if parent is not None and parent.kind != kind:
        raise InvalidInput(_("A publisher can only be part of another publisher."), code="invalid_parent")
    slug = slug or slugify(name)[:80]
    if not slug:
        raise InvalidInput(_("Give a short name of letters, digits and hyphens."), code="invalid_slug")
    if Organization.objects.filter(slug=slug).exists():
        raise Conflict(_("An organisation with the short name %(slug)s already exists.") % {"slug": slug})
    organization = Organization.objects.create(
        name=name.strip(),
        slug=slug,
        kind=kind,
        org_type=org_type,
        parent=parent,
        description=description,
        website=website,
        contact_email=contact_email,
    )
    record_write(actor=by, action="create_organization", target=organization, after=snapshot(organization))
    return organization
