"""Who may do what with data requests: ask, vote, comment, triage, moderate, import logs.

`can_*` answers yes or no for templates; `ensure_*` raises ActionRefused with the reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdata.accounts.models import OrganizationKind
from civicdata.accounts.permissions import (
    can_edit_for,
    coordinated_roots,
    editable_organizations,
    is_signed_in,
    is_site_staff,
)
from civicdata.core.errors import ActionRefused, NotSignedIn

MODERATE_PERMISSION = "demand.moderate_demand"


def ensure_signed_in(user: Any) -> None:
    if not is_signed_in(user):
        raise NotSignedIn(_("Sign in to do this."))


def creation_limit(user: Any) -> int:
    """How many requests the person may open per 24 hours; new accounts get fewer."""
    new_days = int(getattr(settings, "DEMAND_NEW_ACCOUNT_DAYS", 7))
    joined = getattr(user, "date_joined", None) or timezone.now()
    if timezone.now() - joined < dt.timedelta(days=new_days):
        return int(getattr(settings, "DEMAND_NEW_ACCOUNT_DAILY_REQUESTS", 2))
    return int(getattr(settings, "DEMAND_DAILY_REQUESTS", 10))


def ensure_can_create_request(user: Any) -> None:
    """Signed in and under the daily limit (staff are not limited)."""
    from civicdata.demand.models import DataRequest

    ensure_signed_in(user)
    if is_site_staff(user):
        return
    since = timezone.now() - dt.timedelta(hours=24)
    recent = DataRequest.objects.filter(requester=user, created_at__gte=since).count()
    if recent >= creation_limit(user):
        raise ActionRefused(
            _("You have opened %(count)s requests in the last 24 hours, the most allowed for now. Try again tomorrow.")
            % {"count": recent},
            code="throttled",
        )


def can_vote(user: Any, request: Any) -> bool:
    return is_signed_in(user) and request.is_open and request.merged_into_id is None and not request.is_hidden


def ensure_can_vote(user: Any, request: Any) -> None:
    ensure_signed_in(user)
    if not can_vote(user, request):
        raise ActionRefused(_("Votes are closed for this request."), code="voting_closed")


def ensure_can_comment(user: Any, request: Any) -> None:
    ensure_signed_in(user)
    if request.is_hidden and not can_triage(user, request):
        raise ActionRefused(_("This request is hidden while moderators review it."), code="hidden")


def can_triage(user: Any, request: Any = None) -> bool:
    """Site staff, and editors of the request's department or assigned publisher; a request that names
    neither goes to the coordinators of the root organisation (so no request is outside every queue)."""
    if is_site_staff(user):
        return True
    if not is_signed_in(user) or request is None:
        return False
    if getattr(request, "publisher_id", None) is None and getattr(request, "assigned_publisher_id", None) is None:
        return bool(coordinated_roots(user))
    for organization in (getattr(request, "assigned_publisher", None), getattr(request, "publisher", None)):
        if organization is not None and can_edit_for(user, organization):
            return True
    return False


def ensure_can_triage(user: Any, request: Any) -> None:
    ensure_signed_in(user)
    if not can_triage(user, request):
        raise ActionRefused(_("Only staff of the responsible publisher can change this request."), code="not_staff")


def can_use_staff_pages(user: Any) -> bool:
    """Triage lists, metrics, log imports and topics: site staff and editors of a publisher (an agency,
    department or bureau). Community partners' editors and administrators are not demand staff: the
    request-log imports feed public analytics and topics span every publisher."""
    if is_site_staff(user):
        return True
    return is_signed_in(user) and any(org.kind == OrganizationKind.PUBLISHER for org in editable_organizations(user))


def ensure_can_use_staff_pages(user: Any) -> None:
    ensure_signed_in(user)
    if not can_use_staff_pages(user):
        raise ActionRefused(_("This page is for publisher staff."), code="not_staff")


def can_moderate(user: Any) -> bool:
    return is_site_staff(user) or (is_signed_in(user) and user.has_perm(MODERATE_PERMISSION))


def ensure_can_moderate(user: Any, target: Any = None) -> None:
    """Moderators only, and never on their own content."""
    ensure_signed_in(user)
    if not can_moderate(user):
        raise ActionRefused(_("Only moderators can do this."), code="not_moderator")
    owner_id = (
        getattr(target, "author_id", None) if hasattr(target, "author_id") else getattr(target, "requester_id", None)
    )
    if target is not None and owner_id == user.pk:
        raise ActionRefused(
            _("You cannot moderate your own content; another moderator will decide."), code="own_content"
        )


def ensure_can_import_logs(user: Any) -> None:
    """Staff pages users; `None` is the command line (`civicdata demand import-log`), run by operators."""
    if user is None:
        return
    ensure_can_use_staff_pages(user)


def ensure_can_set_priorities(user: Any) -> None:
    """Weights and ratings of the release queue: site staff only (they affect every publisher)."""
    ensure_signed_in(user)
    if not is_site_staff(user):
        raise ActionRefused(_("Only site staff can change the priority weights."), code="not_staff")


def can_see_request(user: Any, request: Any) -> bool:
    """Hidden requests stay visible to their author, triage staff and moderators."""
    if not request.is_hidden:
        return True
    return is_signed_in(user) and (request.requester_id == user.pk or can_triage(user, request) or can_moderate(user))


def can_decide_match(user: Any, dataset: Any) -> bool:
    """Confirm or reject a dataset suggested for a demand topic: site staff, and editors of the
    dataset's publisher (as triage: staff of the organisation responsible)."""
    if is_site_staff(user):
        return True
    publisher = getattr(dataset, "publisher", None)
    return is_signed_in(user) and publisher is not None and can_edit_for(user, publisher)


def ensure_can_decide_match(user: Any, dataset: Any) -> None:
    ensure_signed_in(user)
    if not can_decide_match(user, dataset):
        raise ActionRefused(
            _("Only staff of the dataset's publisher can confirm or reject this match."), code="not_staff"
        )
