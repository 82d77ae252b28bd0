"""Memberships: who belongs to an organisation and with which role. Audited."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from civicdata.accounts import permissions
from civicdata.accounts.models import Membership, Organization, Role, User
from civicdata.core.audit import record_write, snapshot
from civicdata.core.errors import Conflict, InvalidInput


@transaction.atomic
def set_membership(organization: Organization, *, user: User, role: str, by: Any) -> Membership:
    """Add a person to an organisation or change their role. Precondition: administrator of the
    organisation or site staff."""
    permissions.ensure_can_manage_members(by, organization)
    if role not in Role.values:
        raise InvalidInput(_("Unknown role."), code="invalid_role")
    membership = Membership.objects.select_for_update().filter(user=user, organization=organization).first()
    before = snapshot(membership) if membership else None
    if membership is None:
        try:
            with transaction.atomic():
                membership = Membership.objects.create(user=user, organization=organization, role=role)
        except IntegrityError:
            raise Conflict(_("This person is already a member.")) from None
    else:
        membership.role = role
        membership.save(update_fields=["role"])
    record_write(actor=by, action="set_membership", target=membership, before=before, after=snapshot(membership))
    return membership


@transaction.atomic
def remove_membership(membership: Membership, *, by: Any) -> None:
    """Remove a person from an organisation. Precondition: administrator of it or site staff."""
    permissions.ensure_can_manage_members(by, membership.organization)
    before = snapshot(membership)
    record_write(actor=by, action="remove_membership", target=membership, before=before)
    membership.delete()
