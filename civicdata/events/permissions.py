"""Who may plan and see what about an event. Organisers are the editors and administrators of the event's
organisation or of one of its partners (or an organisation above either) and site staff; only they plan
the event, see registrants, answers and exports, and check people in. Everyone may read an event once it
is published, and a draft is "not found" for everyone else. Pages and the API ask these same functions."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from civicdata.accounts.models import Organization
from civicdata.accounts.permissions import can_edit_for, editable_organizations, ensure_signed_in, is_site_staff
from civicdata.core.errors import ActionRefused
from civicdata.events.models import Event, EventStatus


def can_organise(user: Any, event: Event) -> bool:
    """Editors or administrators of the event's organisation or of one of its partners, and site staff."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_site_staff(user) or can_edit_for(user, event.organization):
        return True
    return any(can_edit_for(user, partner) for partner in event.partners.all())


def ensure_can_organise(user: Any, event: Event) -> None:
    ensure_signed_in(user)
    if not can_organise(user, event):
        raise ActionRefused(
            _("Only the organisers from %(organization)s can plan this event.")
            % {"organization": event.organization.name},
            code="not_organiser",
        )


def organizing_organizations(user: Any) -> list[Organization]:
    """The organisations the person may create events for."""
    return editable_organizations(user)


def can_create_events(user: Any) -> bool:
    return bool(organizing_organizations(user))


def ensure_can_create_for(user: Any, organization: Organization) -> None:
    ensure_signed_in(user)
    if not can_edit_for(user, organization):
        raise ActionRefused(
            _("Only editors of %(organization)s can create its events.") % {"organization": organization.name},
            code="not_organiser",
        )


def can_view(user: Any, event: Event) -> bool:
    return event.status != EventStatus.DRAFT or can_organise(user, event)


def ensure_can_view(user: Any, event: Event) -> None:
    """A draft is answered as "not found", so its existence is not revealed."""
    if not can_view(user, event):
        raise Http404
