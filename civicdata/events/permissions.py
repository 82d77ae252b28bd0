"""Who may plan and see what about an event. Organisers are the editors and administrators of the event's
organisation (or an organisation above it) and site staff; everyone may read an event once it is
published, and a draft is "not found" for everyone else. Pages and the API ask these same functions."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from civicdata.accounts.models import Organization
from civicdata.accounts.permissions import can_edit_for, editable_organizations, ensure_signed_in
from civicdata.core.errors import ActionRefused
from civicdata.events.models import Event, EventStatus


def can_organize(user: Any, event: Event) -> bool:
    return can_edit_for(user, event.organization)


def ensure_can_organize(user: Any, event: Event) -> None:
    ensure_signed_in(user)
    if not can_organize(user, event):
        raise ActionRefused(
            _("Only the organisers from %(organization)s can plan this event.")
            % {"organization": event.organization.name},
            code="not_organizer",
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
            code="not_organizer",
        )


def can_view(user: Any, event: Event) -> bool:
    return event.status != EventStatus.DRAFT or can_organize(user, event)


def ensure_can_view(user: Any, event: Event) -> None:
    """A draft is answered as "not found", so its existence is not revealed."""
    if not can_view(user, event):
        raise Http404
