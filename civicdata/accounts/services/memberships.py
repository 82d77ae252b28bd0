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
    organisation or site staff; `by=None` is an operator at the command line."""
    if by is not None:
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


def invite_member(organization: Organization, *, email: str, role: str, by: Any) -> tuple[Membership, bool]:
    """Give the person with this e-mail a role in the organisation, creating their account if there is none
    (it has no password until they choose one), and e-mail them how to sign in. Returns the membership and
    whether the account is new. Precondition: as `set_membership`. One transaction; the e-mail goes after it."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput(_("%(email)s is not an e-mail address.") % {"email": email}, code="invalid_email") from None
    if role not in Role.values:
        raise InvalidInput(_("Unknown role."), code="invalid_role")
    with transaction.atomic():
        user = User.objects.filter(email=email).first()
        created = user is None
        if created:
            user = User.objects.create_user(email, None)
            record_write(actor=by, action="invite_person", target=user, after={"email": email})
        membership = set_membership(organization, user=user, role=role, by=by)
    transaction.on_commit(lambda: _send_invitation(membership, new_account=created))
    return membership, created


def _send_invitation(membership: Membership, *, new_account: bool) -> None:
    from django.conf import settings
    from django.core.mail import send_mail
    from django.urls import reverse
    from django.utils.translation import override

    base = settings.SITE_URL.rstrip("/")
    with override(membership.user.preferred_language):
        subject = _("You are now %(role)s for %(organization)s") % {
            "role": membership.get_role_display().lower(),
            "organization": membership.organization.name,
        }
        if new_account:
            step = _("Choose your password here, then sign in with this e-mail address: %(url)s") % {
                "url": base + reverse("account_reset_password")
            }
        else:
            step = _("Sign in as usual: %(url)s") % {"url": base + reverse("account_login")}
        body = f"{subject}.\n\n{step}\n"
    send_mail(subject, body, None, [membership.user.email])
