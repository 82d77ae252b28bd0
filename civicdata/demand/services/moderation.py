"""Moderation: reporting a request or comment, automatic hiding, and a moderator's decision."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdata.core.audit import record_write
from civicdata.core.errors import Conflict, InvalidInput
from civicdata.demand import permissions
from civicdata.demand.models import Comment, DataRequest, Report, ReportOutcome


def report_content(
    *, by: Any, reason: str, note: str = "", request: DataRequest | None = None, comment: Comment | None = None
) -> Report:
    """Report a request or a comment; at DEMAND_AUTO_HIDE_REPORTS reports it is hidden until a
    moderator looks. One report per person per item (a second raises Conflict)."""
    permissions.ensure_signed_in(by)
    target = comment if comment is not None else request
    if target is None:
        raise InvalidInput(_("Nothing to report."), code="no_target")
    threshold = int(getattr(settings, "DEMAND_AUTO_HIDE_REPORTS", 3))
    model = Comment if comment is not None else DataRequest
    try:
        with transaction.atomic():
            report = Report.objects.create(
                reporter=by,
                request=None if comment is not None else request,
                comment=comment,
                reason=reason,
                note=note.strip()[:500],
            )
            model.objects.filter(pk=target.pk).update(report_count=F("report_count") + 1)
            model.objects.filter(pk=target.pk, report_count__gte=threshold).update(is_hidden=True)
    except IntegrityError:
        raise Conflict(_("You have already reported this."), code="already_reported") from None
    return report


def resolve_report(report: Report, *, by: Any, outcome: str) -> Report:
    """Decide a report: keep the item visible or hide it. All pending reports on the item close.

    Moderators cannot decide on their own content (ActionRefused).
    """
    target = report.comment if report.comment_id else report.request
    permissions.ensure_can_moderate(by, target)
    outcome = ReportOutcome(outcome)
    if outcome == ReportOutcome.PENDING:
        raise InvalidInput(_("Choose keep or hide."), code="bad_outcome")
    now = timezone.now()
    with transaction.atomic():
        siblings = Report.objects.filter(outcome=ReportOutcome.PENDING)
        siblings = (
            siblings.filter(comment=report.comment)
            if report.comment_id
            else siblings.filter(request=report.request, comment__isnull=True)
        )
        siblings.update(outcome=outcome, resolved_by=by, resolved_at=now)
        type(target).objects.filter(pk=target.pk).update(is_hidden=outcome == ReportOutcome.REMOVED)
        record_write(actor=by, action=f"demand.moderate.{outcome}", target=target)
    report.refresh_from_db()
    return report
