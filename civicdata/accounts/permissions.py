"""The permission layer: one set of functions used by pages, the API, admin actions and commands.

`can_*` answers yes or no; `ensure_*` raises ActionRefused with the reason a person should read.
Other apps build their own `permissions.py` on these."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.utils.translation import gettext as _

from civicdata.accounts.models import ROLE_RANK, Membership, Organization, Role
from civicdata.core.errors import ActionRefused, NotSignedIn


def is_signed_in(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def is_site_staff(user: Any) -> bool:
    return is_signed_in(user) and (user.is_staff or user.is_superuser)


def is_site_admin(user: Any) -> bool:
    return is_signed_in(user) and user.is_superuser


def role_in(user: Any, organization: Organization) -> str | None:
    """The strongest role the person holds in the organisation or any organisation above it."""
    if not is_signed_in(user):
        return None
    chain = [organization.pk, *(ancestor.pk for ancestor in organization.ancestors())]
    roles = Membership.objects.filter(user=user, organization_id__in=chain).values_list("role", flat=True)
    best = max(roles, key=lambda role: ROLE_RANK[Role(role)], default=None)
    return best


def has_role(user: Any, organization: Organization, minimum: Role) -> bool:
    if is_site_staff(user):
        return True
    role = role_in(user, organization)
    return role is not None and ROLE_RANK[Role(role)] >= ROLE_RANK[minimum]


def can_edit_for(user: Any, organization: Organization) -> bool:
    """Editors and administrators of the organisation (or a parent of it), and site staff."""
    return has_role(user, organization, Role.EDITOR)


def coordinated_roots(user: Any) -> list[Organization]:
    """The root publishers (no parent) whose coordinators include the person: editors and administrators
    of the city or agency at the top of a tree. Requests that name no department go to them."""
    return [org for org in editable_organizations(user) if org.parent_id is None and org.kind == "publisher"]


def can_manage_members(user: Any, organization: Organization) -> bool:
    return has_role(user, organization, Role.ADMIN)


def editable_organizations(user: Any) -> list[Organization]:
    """Organisations whose content the person may change (with their sub-organisations)."""
    remembered = getattr(user, "_editable_organizations", None)
    if remembered is not None:
        return list(remembered)
    if is_site_staff(user):
        return list(Organization.objects.all())
    if not is_signed_in(user):
        return []
    roots = list(
        Organization.objects.filter(memberships__user=user, memberships__role__in=[Role.EDITOR, Role.ADMIN]).distinct()
    )
    result = {org.pk: org for org in roots}
    frontier = [org.pk for org in roots]
    while frontier:
        children = list(Organization.objects.filter(parent_id__in=frontier).exclude(pk__in=result))
        result.update({child.pk: child for child in children})
        frontier = [child.pk for child in children]
    return sorted(result.values(), key=lambda org: org.name)


@contextmanager
def organizations_remembered(user: Any) -> Iterator[None]:
    """Inside the block, `editable_organizations(user)` walks the organisation tree once: for code that asks
    many permission functions about one person at once (the header's "Manage" menu)."""
    if user is None or hasattr(user, "_editable_organizations"):
        yield
        return
    user._editable_organizations = editable_organizations(user)
    try:
        yield
    finally:
        del user._editable_organizations


def ensure_signed_in(user: Any) -> None:
    if not is_signed_in(user):
        raise NotSignedIn(_("Sign in to do this."))


def ensure_can_edit_for(user: Any, organization: Organization) -> None:
    ensure_signed_in(user)
    if not can_edit_for(user, organization):
        raise ActionRefused(
            _("Only editors of %(organization)s can change this.") % {"organization": organization.name},
            code="not_editor",
        )


def ensure_can_manage_members(user: Any, organization: Organization) -> None:
    ensure_signed_in(user)
    if not can_manage_members(user, organization):
        raise ActionRefused(
            _("Only administrators of %(organization)s can manage its members.") % {"organization": organization.name},
            code="not_org_admin",
        )


def ensure_site_staff(user: Any) -> None:
    ensure_signed_in(user)
    if not is_site_staff(user):
        raise ActionRefused(_("Only site staff can see this page."), code="not_staff")


def ensure_site_admin(user: Any) -> None:
    ensure_signed_in(user)
    if not is_site_admin(user):
        raise ActionRefused(_("Only site administrators can see the audit log."), code="not_admin")
