"""Who may do what with an event. Organisers are the editors and administrators of the organising
organisation or of any partner organisation (with their parents), and site staff; only they see
registrants, answers and exports, and only they check people in."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from civicdata.accounts.permissions import can_edit_for, ensure_signed_in, is_site_staff
from civicdata.core.errors import ActionRefused
from civicdata.events.models import Event


def can_organise(user: Any, event: Event) -> bool:
    """Editors or administrators of the event's organisation or of one of its partners, and site staff."""
    if is_site_staff(user):
        return True
    if can_edit_for(user, event.organization):
        return True
    return any(can_edit_for(user, partner) for partner in event.partners.all())


def ensure_can_organise(user: Any, event: Event) -> None:
    ensure_signed_in(user)
    if not can_organise(user, event):
        raise ActionRefused(
            _("Only the organisers of %(event)s can do this.") % {"event": event.title}, code="not_organiser"
        )
