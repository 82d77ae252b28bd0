"""The release queue's inputs set by staff: the priority weights and each candidate's ratings."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdata.core.audit import record_write
from civicdata.core.errors import InvalidInput
from civicdata.demand import permissions
from civicdata.demand.models import DataRequest, PriorityRating, PriorityWeights
from civicdata.demand.prioritisation import Weights


def save_priority_weights(
    *, by: Any, demand: float, mission: float, effort: float, privacy: float, security: float
) -> PriorityWeights:
    """Store new weights for the release queue (site staff). Invalid weights raise InvalidInput."""
    permissions.ensure_can_set_priorities(by)
    try:
        Weights(demand=demand, mission=mission, effort=effort, privacy=privacy, security=security)
    except ValueError as exc:
        raise InvalidInput(str(exc), code="bad_weights") from exc
    with transaction.atomic():
        row = PriorityWeights.objects.create(
            demand=demand, mission=mission, effort=effort, privacy=privacy, security=security, updated_by=by
        )
        record_write(
            actor=by,
            action="demand.priority_weights",
            target=row,
            after={"demand": demand, "mission": mission, "effort": effort, "privacy": privacy, "security": security},
        )
    return row


def rate_candidate(
    *,
    by: Any,
    dataset: Any = None,
    request: DataRequest | None = None,
    mission: int,
    effort: int,
    privacy_risk: int,
    security_risk: int,
) -> PriorityRating:
    """Record staff ratings (0-3) for a non-public dataset or a planned request."""
    permissions.ensure_can_set_priorities(by)
    if (dataset is None) == (request is None):
        raise InvalidInput(_("Rate either a dataset or a request."), code="bad_target")
    levels = (mission, effort, privacy_risk, security_risk)
    if any(level not in (0, 1, 2, 3) for level in levels):
        raise InvalidInput(_("Ratings go from 0 (none) to 3 (high)."), code="bad_level")
    values = {
        "mission": mission,
        "effort": effort,
        "privacy_risk": privacy_risk,
        "security_risk": security_risk,
        "updated_at": timezone.now(),
    }
    with transaction.atomic():
        if dataset is not None:
            rating, _created = PriorityRating.objects.update_or_create(dataset=dataset, defaults=values)
        else:
            rating, _created = PriorityRating.objects.update_or_create(request=request, defaults=values)
        record_write(
            actor=by, action="demand.rate", target=rating, after={k: v for k, v in values.items() if k != "updated_at"}
        )
    return rating
