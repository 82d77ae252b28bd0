"""Writes on people, organisations, memberships and API tokens. Staff writes are audited."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from civicdata.accounts import permissions
from civicdata.accounts.models import (
    PUBLISHER_TYPES,
    ApiToken,
    Membership,
    Organization,
    OrganizationKind,
    OrganizationType,
    Role,
    User,
    hash_token,
)
from civicdata.core.audit import record_write, snapshot
from civicdata.core.errors import Conflict, InvalidInput

TOKEN_PREFIX = "cd_"  # noqa: S105  (a public marker, not a secret)


def update_profile(user: User, *, display_name: str, affiliation: str, show_name_publicly: bool) -> User:
    """Change a person's own profile. Precondition: `user` is the signed-in person."""
    user.display_name = display_name.strip()[:120]
    user.affiliation = affiliation
    user.show_name_publicly = show_name_publicly
    user.save(update_fields=["display_name", "affiliation", "show_name_publicly"])
    return user


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
    staff, or an administrator of `parent` for a sub-organisation."""
    if parent is not None:
        permissions.ensure_can_manage_members(by, parent)
    else:
        permissions.ensure_site_staff(by)
    kind = OrganizationKind.PUBLISHER if org_type in PUBLISHER_TYPES else OrganizationKind.PARTNER
    if org_type not in OrganizationType.values:
        raise InvalidInput(_("Unknown organisation type."), code="invalid_org_type")
    if parent is not None and parent.kind != kind:
        raise InvalidInput(_("A publisher can only be part of another publisher."), code="invalid_parent")
    slug = slug or slugify(name)[:80]
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


def issue_api_token(user: User, *, name: str, days: int | None = 365) -> tuple[ApiToken, str]:
    """Create a personal API token; returns the record and the raw token, which is shown only once."""
    permissions.ensure_signed_in(user)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100] or "token",
        prefix=raw[:10],
        key_hash=hash_token(raw),
        expires_at=timezone.now() + timedelta(days=days) if days else None,
    )
    record_write(actor=user, action="issue_api_token", target=token, after={"name": token.name})
    return token, raw


def revoke_api_token(token: ApiToken, *, by: User) -> ApiToken:
    """Revoke a token. Precondition: the token's owner or site staff."""
    if token.user_id != by.pk:
        permissions.ensure_site_staff(by)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_write(actor=by, action="revoke_api_token", target=token)
    return token


def authenticate_token(raw: str) -> User | None:
    """The active person behind a raw token, or None; records when the token was last used."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(raw)).first()
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
