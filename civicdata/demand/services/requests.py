"""Every write of the demand app: requests, votes, follows, comments, triage, moderation and
notifications. Log imports, topics and priorities live in `imports.py` and `analytics.py` and are
re-exported here so callers have one place to look.

Each function is keyword-explicit, runs in one transaction and raises `ActionRefused`,
`Conflict` or `InvalidInput` (from civicdata.core.errors) with a message a person can act on.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from civicdata.core.audit import record_write, snapshot
from civicdata.core.errors import Conflict, InvalidInput
from civicdata.core.text import plain_text
from civicdata.demand import permissions
from civicdata.demand.models import (
    CLOSED_STATUSES,
    Comment,
    DataRequest,
    DeclineReason,
    DemandItem,
    DemandKind,
    EmailMode,
    Follow,
    InternalNote,
    Notification,
    NotificationPreference,
    Report,
    ReportOutcome,
    RequestStatus,
    StatusChange,
    Vote,
)

logger = logging.getLogger(__name__)

# Which status may follow which; published and declined can be reopened for review.
TRANSITIONS: dict[str, set[str]] = {
    RequestStatus.NEW: {
        RequestStatus.UNDER_REVIEW,
        RequestStatus.PLANNED,
        RequestStatus.PUBLISHED,
        RequestStatus.DECLINED,
    },
    RequestStatus.UNDER_REVIEW: {RequestStatus.PLANNED, RequestStatus.PUBLISHED, RequestStatus.DECLINED},
    RequestStatus.PLANNED: {RequestStatus.UNDER_REVIEW, RequestStatus.PUBLISHED, RequestStatus.DECLINED},
    RequestStatus.PUBLISHED: {RequestStatus.UNDER_REVIEW},
    RequestStatus.DECLINED: {RequestStatus.UNDER_REVIEW},
}


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


# ---------------------------------------------------------------- requests


def create_request(
    *,
    by: Any,
    title: str,
    description: str,
    intended_use: str = "",
    requester_type: str = "",
    publisher: Any = None,
    topic: str = "",
) -> DataRequest:
    """Create a data request for a signed-in person, who then follows it automatically.

    Preconditions: the person may create requests now (throttling for new accounts, see
    permissions.ensure_can_create_request). One transaction: request, first status entry,
    follow and the demand item.
    """
    permissions.ensure_can_create_request(by)
    title, description = title.strip(), description.strip()
    if not title or not description:
        raise InvalidInput(_("Say what data you need and give some details."), code="missing_fields")
    now = timezone.now()
    with transaction.atomic():
        request = DataRequest.objects.create(
            title=title[:200],
            description=description,
            intended_use=intended_use.strip(),
            requester_type=requester_type,
            requester=by,
            publisher=publisher,
            topic=topic.strip()[:80],
            created_at=now,
            updated_at=now,
            follower_count=1,
        )
        Follow.objects.create(request=request, user=by, created_at=now)
        StatusChange.objects.create(request=request, from_status="", to_status=RequestStatus.NEW, by=by, created_at=now)
        DemandItem.objects.create(
            kind=DemandKind.REQUEST,
            text=f"{request.title}\n{request.description}",
            occurred_on=timezone.localdate(now),
            request=request,
            requester_type=requester_type,
            department=publisher.name if publisher else "",
            source="civicdata",
        )
    return request


def vote(request: DataRequest, *, by: Any) -> bool:
    """Add the person's vote; False when they had already voted (nothing changes).

    The unique constraint on (request, voter) decides races: of two concurrent votes by the same
    person exactly one is stored, and the counter moves only when a row was inserted.
    """
    permissions.ensure_can_vote(by, request)
    try:
        with transaction.atomic():
            vote_row = Vote.objects.create(request=request, voter=by)
            DataRequest.objects.filter(pk=request.pk).update(vote_count=F("vote_count") + 1)
            DemandItem.objects.create(**_vote_item_fields(request, vote_row))
    except IntegrityError:
        return False
    return True


def _vote_item_fields(request: DataRequest, vote_row: Vote) -> dict[str, Any]:
    """A vote as a demand signal: the request's text, the day, and the voter's affiliation (used
    only in aggregate statistics); who voted is not copied."""
    return {
        "kind": DemandKind.VOTE,
        "text": f"{request.title}\n{request.description}",
        "occurred_on": timezone.localdate(vote_row.created_at),
        "request_id": request.pk,
        "requester_type": getattr(vote_row.voter, "affiliation", "") or "",
        "source": "civicdata",
    }


def _sync_vote_items(request: DataRequest) -> None:
    """Rebuild a request's vote demand items from its vote rows (after a merge moved votes)."""
    DemandItem.objects.filter(kind=DemandKind.VOTE, request_id=request.pk).delete()
    votes = Vote.objects.filter(request_id=request.pk).select_related("voter")
    DemandItem.objects.bulk_create([DemandItem(**_vote_item_fields(request, v)) for v in votes], batch_size=1000)


def unvote(request: DataRequest, *, by: Any) -> bool:
    """Withdraw the person's vote; False when there was none."""
    permissions.ensure_signed_in(by)
    with transaction.atomic():
        deleted, _ignored = Vote.objects.filter(request=request, voter=by).delete()
        if deleted:
            DataRequest.objects.filter(pk=request.pk, vote_count__gt=0).update(vote_count=F("vote_count") - 1)
            # Vote items carry no voter, so withdrawing removes the newest one of this request.
            newest = DemandItem.objects.filter(kind=DemandKind.VOTE, request_id=request.pk).order_by("-pk").first()
            if newest is not None:
                newest.delete()
    return bool(deleted)


def follow(request: DataRequest, *, by: Any) -> bool:
    """Follow a request to be notified of its progress; False if already following."""
    permissions.ensure_signed_in(by)
    try:
        with transaction.atomic():
            Follow.objects.create(request=request, user=by)
            DataRequest.objects.filter(pk=request.pk).update(follower_count=F("follower_count") + 1)
    except IntegrityError:
        return False
    return True


def unfollow(request: DataRequest, *, by: Any) -> bool:
    """Stop following a request; False if not following."""
    permissions.ensure_signed_in(by)
    with transaction.atomic():
        deleted, _ignored = Follow.objects.filter(request=request, user=by).delete()
        if deleted:
            DataRequest.objects.filter(pk=request.pk, follower_count__gt=0).update(
                follower_count=F("follower_count") - 1
            )
    return bool(deleted)


def add_comment(request: DataRequest, *, by: Any, body: str) -> Comment:
    """Add a public comment. A comment by staff who can triage counts as the first response."""
    permissions.ensure_can_comment(by, request)
    body = body.strip()
    if not body:
        raise InvalidInput(_("The comment is empty."), code="empty_comment")
    if len(body) > 5000:
        raise InvalidInput(_("Comments are limited to 5,000 characters."), code="too_long")
    staff = permissions.can_triage(by, request)
    now = timezone.now()
    with transaction.atomic():
        comment = Comment.objects.create(request=request, author=by, body=body, is_staff_response=staff, created_at=now)
        updates: dict[str, Any] = {"comment_count": F("comment_count") + 1, "updated_at": now}
        DataRequest.objects.filter(pk=request.pk).update(**updates)
        if staff:
            DataRequest.objects.filter(pk=request.pk, first_response_at__isnull=True).update(first_response_at=now)
    return comment


# ---------------------------------------------------------------- triage


def change_status(
    request: DataRequest,
    *,
    by: Any,
    to_status: str,
    message: str = "",
    target_date: dt.date | None = None,
    decline_reason: str = "",
    decline_note: str = "",
    duplicate_of: DataRequest | None = None,
    available_url: str = "",
    datasets: Sequence[Any] = (),
) -> StatusChange:
    """Move a request to a new status and tell its requester, voters and followers.

    Preconditions: `by` may triage the request; the transition is allowed; planned needs a
    target date, published needs at least one fulfilling dataset, declined needs a reason (and
    the link or text that reason requires). One transaction; e-mails go out after commit.
    A planned request may already name the datasets that will fulfil it: when the catalog
    publishes one of them, `dataset_published` moves the request to published.
    """
    permissions.ensure_can_triage(by, request)
    return _apply_status_change(
        request,
        by=by,
        to_status=to_status,
        message=message,
        target_date=target_date,
        decline_reason=decline_reason,
        decline_note=decline_note,
        duplicate_of=duplicate_of,
        available_url=available_url,
        datasets=datasets,
    )


def _apply_status_change(
    request: DataRequest,
    *,
    by: Any,
    to_status: str,
    message: str,
    target_date: dt.date | None = None,
    decline_reason: str = "",
    decline_note: str = "",
    duplicate_of: DataRequest | None = None,
    available_url: str = "",
    datasets: Sequence[Any] = (),
) -> StatusChange:
    """change_status without the permission check (also used by the catalog hook, acting as the system)."""
    to_status = RequestStatus(to_status)
    if to_status not in TRANSITIONS[request.status] and to_status != request.status:
        raise Conflict(
            _("A request cannot go from %(old)s to %(new)s.")
            % {"old": request.get_status_display(), "new": to_status.label},
            code="bad_transition",
        )
    errors = _status_errors(
        request, to_status, target_date, decline_reason, decline_note, duplicate_of, available_url, datasets
    )
    if errors:
        raise InvalidInput(" ".join(errors), code="invalid_status_change", details=errors)
    now = timezone.now()
    with transaction.atomic():
        locked = DataRequest.objects.select_for_update().get(pk=request.pk)
        before = snapshot(locked)
        old = locked.status
        locked.status = to_status
        locked.target_date = target_date if to_status == RequestStatus.PLANNED else locked.target_date
        if to_status == RequestStatus.DECLINED:
            locked.decline_reason = decline_reason
            locked.decline_note = decline_note.strip()
            locked.duplicate_of = duplicate_of if decline_reason == DeclineReason.DUPLICATE else None
            locked.available_url = available_url if decline_reason == DeclineReason.ALREADY_AVAILABLE else ""
        else:
            locked.decline_reason, locked.decline_note, locked.available_url = "", "", ""
            locked.duplicate_of = None
        locked.updated_at = now
        if locked.first_response_at is None:
            locked.first_response_at = now
        locked.closed_at = now if to_status in CLOSED_STATUSES else None
        locked.save()
        if to_status in (RequestStatus.PUBLISHED, RequestStatus.PLANNED) and datasets:
            locked.fulfilling_datasets.set(datasets)
        change = StatusChange.objects.create(
            request=locked, from_status=old, to_status=to_status, by=by, message=message.strip(), created_at=now
        )
        record_write(actor=by, action="demand.change_status", target=locked, before=before, after=snapshot(locked))
        published = [d for d in datasets if getattr(d, "is_public_listing", True)]
        _notify_status_change(locked, change, published if to_status == RequestStatus.PUBLISHED else [])
    request.refresh_from_db()
    return change


def _status_errors(
    request: DataRequest,
    to_status: str,
    target_date: dt.date | None,
    reason: str,
    note: str,
    duplicate_of: DataRequest | None,
    available_url: str,
    datasets: Sequence[Any],
) -> list[str]:
    errors: list[str] = []
    if to_status == RequestStatus.PLANNED and target_date is None:
        errors.append(_("A planned request needs a target date."))
    if to_status == RequestStatus.PUBLISHED and not datasets:
        errors.append(_("Link the dataset or datasets that fulfil the request."))
    elif to_status == RequestStatus.PUBLISHED and not any(getattr(d, "is_public_listing", True) for d in datasets):
        errors.append(_("None of these datasets is public yet: plan the request with them instead."))
    if to_status == RequestStatus.DECLINED:
        if reason not in DeclineReason.values:
            errors.append(_("Choose why the request is declined."))
        elif reason == DeclineReason.DUPLICATE and (duplicate_of is None or duplicate_of.pk == request.pk):
            errors.append(_("Choose the request this one duplicates."))
        elif reason == DeclineReason.ALREADY_AVAILABLE and not available_url.strip().startswith(
            ("https://", "http://")
        ):
            errors.append(_("Give the link (http or https) where the data is already available."))
        elif reason == DeclineReason.OTHER and not note.strip():
            errors.append(_("Explain the reason."))
    return errors


def dataset_published(*, dataset: Any) -> list[DataRequest]:
    """Called by the catalog when a dataset becomes public: planned requests that named it as
    their fulfilment move to published, and everyone involved gets the link. Never raises."""
    moved: list[DataRequest] = []
    if not getattr(dataset, "is_public_listing", False):
        return moved
    try:
        waiting = DataRequest.objects.filter(status=RequestStatus.PLANNED, fulfilling_datasets=dataset)
        for request in waiting:
            linked = list(request.fulfilling_datasets.all())
            with override(settings.LANGUAGE_CODE):
                message = _("The data you asked for is now published.")
            _apply_status_change(request, by=None, to_status=RequestStatus.PUBLISHED, message=message, datasets=linked)
            moved.append(request)
    except Exception:  # the catalog's publish must not fail because of demand bookkeeping
        logger.exception("demand: could not close requests for a published dataset")
    return moved


def assign_request(request: DataRequest, *, by: Any, publisher: Any = None, owner: Any = None) -> DataRequest:
    """Assign the publisher responsible and the staff member who owns the follow-up (either may be None)."""
    permissions.ensure_can_triage(by, request)
    with transaction.atomic():
        before = snapshot(request, fields=["assigned_publisher", "owner"])
        DataRequest.objects.filter(pk=request.pk).update(
            assigned_publisher=publisher, owner=owner, updated_at=timezone.now()
        )
        request.refresh_from_db()
        record_write(
            actor=by,
            action="demand.assign",
            target=request,
            before=before,
            after=snapshot(request, fields=["assigned_publisher", "owner"]),
        )
    return request


def add_internal_note(request: DataRequest, *, by: Any, body: str) -> InternalNote:
    """Add a staff-only note to a request."""
    permissions.ensure_can_triage(by, request)
    if not body.strip():
        raise InvalidInput(_("The note is empty."), code="empty_note")
    with transaction.atomic():
        note = InternalNote.objects.create(request=request, author=by, body=body.strip())
        record_write(actor=by, action="demand.internal_note", target=request)
    return note


def merge_requests(duplicate: DataRequest, *, into: DataRequest, by: Any, message: str = "") -> DataRequest:
    """Merge a duplicate request into another: its votes and followers move over, once each.

    A person who voted for both keeps a single vote on the surviving request. The duplicate is
    declined with reason "duplicate" (which notifies its own followers) and points to `into`.
    """
    permissions.ensure_can_triage(by, duplicate)
    permissions.ensure_can_triage(by, into)
    if duplicate.pk == into.pk:
        raise InvalidInput(_("A request cannot be merged into itself."), code="merge_self")
    if into.merged_into_id is not None:
        raise Conflict(_("That request was itself merged; merge into the surviving one."), code="merge_chain")
    with transaction.atomic():
        existing_voters = set(Vote.objects.filter(request=into).values_list("voter_id", flat=True))
        new_votes = [
            Vote(request=into, voter_id=voter_id, created_at=created)
            for voter_id, created in Vote.objects.filter(request=duplicate).values_list("voter_id", "created_at")
            if voter_id not in existing_voters
        ]
        Vote.objects.bulk_create(new_votes, ignore_conflicts=True)
        existing_followers = set(Follow.objects.filter(request=into).values_list("user_id", flat=True))
        new_follows = [
            Follow(request=into, user_id=user_id)
            for user_id in Follow.objects.filter(request=duplicate).values_list("user_id", flat=True)
            if user_id not in existing_followers
        ]
        Follow.objects.bulk_create(new_follows, ignore_conflicts=True)
        _sync_vote_items(into)
        DataRequest.objects.filter(pk=into.pk).update(
            vote_count=Vote.objects.filter(request=into).count(),
            follower_count=Follow.objects.filter(request=into).count(),
            updated_at=timezone.now(),
        )
        if duplicate.status != RequestStatus.DECLINED:
            change_status(
                duplicate,
                by=by,
                to_status=RequestStatus.DECLINED,
                decline_reason=DeclineReason.DUPLICATE,
                duplicate_of=into,
                message=message,
            )
        DataRequest.objects.filter(pk=duplicate.pk).update(merged_into=into, duplicate_of=into)
        record_write(actor=by, action="demand.merge", target=duplicate, after={"merged_into": into.pk})
    into.refresh_from_db()
    duplicate.refresh_from_db()
    return into


# ---------------------------------------------------------------- notifications


def _recipients(request: DataRequest) -> list[Any]:
    from django.contrib.auth import get_user_model

    user_ids = set(Vote.objects.filter(request=request).values_list("voter_id", flat=True))
    user_ids |= set(Follow.objects.filter(request=request).values_list("user_id", flat=True))
    if request.requester_id:
        user_ids.add(request.requester_id)
    return list(get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("pk"))


def _notify_status_change(request: DataRequest, change: StatusChange, datasets: list[Any]) -> None:
    """In-app notices for everyone involved; immediate e-mails are sent once the transaction commits."""
    links = [{"title": str(d), "url": _dataset_url(d)} for d in datasets]
    recipients = _recipients(request)
    preferences = dict(NotificationPreference.objects.filter(user__in=recipients).values_list("user_id", "email_mode"))
    with override(settings.LANGUAGE_CODE):
        text = _("“%(title)s” is now %(status)s.") % {"title": request.title, "status": request.get_status_display()}
    if change.message:
        text = f"{text}\n\n{change.message}"
    notices = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                request=request,
                message=text,
                links=links,
                email_skipped=preferences.get(user.pk, EmailMode.DAILY) == EmailMode.NONE,
            )
            for user in recipients
        ]
    )
    immediate = [n for n in notices if preferences.get(n.recipient_id) == EmailMode.IMMEDIATE]
    if immediate:
        ids = [n.pk for n in immediate if n.pk]
        transaction.on_commit(lambda: _enqueue_emails(ids))


def _enqueue_emails(ids: list[int]) -> None:
    from civicdata.demand.tasks import email_notifications

    try:
        email_notifications.enqueue(ids)
    except Exception:  # no worker queue: send now rather than lose the notice
        logger.exception("demand: could not enqueue notification e-mails; sending inline")
        send_notification_emails(notification_ids=ids)


def _dataset_url(dataset: Any) -> str:
    try:
        return dataset.get_absolute_url()
    except Exception:  # a dataset without a page still gets a mention
        return ""


def _site_url(path: str) -> str:
    base = _setting("SITE_URL", "") or _setting("CIVICDATA_SITE_URL", "")
    return f"{str(base).rstrip('/')}{path}" if path.startswith("/") else path


def send_notification_emails(*, notification_ids: Iterable[int]) -> int:
    """E-mail each listed notification on its own (immediate mode); returns how many were sent."""
    sent = 0
    for notice in Notification.objects.filter(pk__in=list(notification_ids), emailed_at__isnull=True).select_related(
        "recipient", "request"
    ):
        body = _email_body([notice])
        subject = _("Update on your data request: %(title)s") % {"title": plain_text(notice.request.title, limit=80)}
        if _send(notice.recipient.email, subject, body):
            Notification.objects.filter(pk=notice.pk).update(emailed_at=timezone.now())
            sent += 1
    return sent


def send_daily_digests(*, now: dt.datetime | None = None) -> int:
    """Send one e-mail per person in daily mode with every notification not yet e-mailed.

    Run once a day by the `send_demand_digests` task; idempotent (already e-mailed notices are
    skipped). Returns the number of digests sent.
    """
    now = now or timezone.now()
    pending = (
        Notification.objects.filter(emailed_at__isnull=True, email_skipped=False)
        .exclude(recipient__demand_preference__email_mode__in=[EmailMode.IMMEDIATE, EmailMode.NONE])
        .select_related("recipient", "request")
        .order_by("recipient_id", "created_at")
    )
    by_user: dict[int, list[Notification]] = {}
    for notice in pending:
        by_user.setdefault(notice.recipient_id, []).append(notice)
    sent = 0
    for notices in by_user.values():
        subject = _("Your data requests: %(count)s updates") % {"count": len(notices)}
        if _send(notices[0].recipient.email, subject, _email_body(notices)):
            Notification.objects.filter(pk__in=[n.pk for n in notices]).update(emailed_at=now)
            sent += 1
    return sent


def _email_body(notices: list[Notification]) -> str:
    parts = []
    for notice in notices:
        lines = [plain_text(notice.message), _site_url(notice.request.get_absolute_url())]
        lines += [f"- {link['title']}: {_site_url(link['url'])}" for link in notice.links if link.get("url")]
        parts.append("\n".join(lines))
    footer = _("You get these e-mails because you asked for, voted for or follow these requests.")
    return "\n\n".join(parts) + "\n\n--\n" + footer + "\n" + _site_url("/requests/notifications/")


def _send(address: str, subject: str, body: str) -> bool:
    try:
        send_mail(subject, body, None, [address])
    except Exception:  # a mail outage must not lose the notice: it stays pending for the next run
        logger.exception("demand: e-mail to recipient failed")
        return False
    return True


def set_email_mode(*, user: Any, mode: str) -> NotificationPreference:
    """Choose how the person hears about their requests by e-mail."""
    permissions.ensure_signed_in(user)
    mode = EmailMode(mode)
    preference, _created = NotificationPreference.objects.update_or_create(user=user, defaults={"email_mode": mode})
    return preference


def mark_notifications_read(*, user: Any) -> int:
    """Mark all of a person's notifications read; returns how many changed."""
    permissions.ensure_signed_in(user)
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


# ---------------------------------------------------------------- moderation


def report_content(
    *, by: Any, reason: str, note: str = "", request: DataRequest | None = None, comment: Comment | None = None
) -> Report:
    """Report a request or a comment; at DEMAND_AUTO_HIDE_REPORTS reports it is hidden until a
    moderator looks. One report per person per item (a second raises Conflict)."""
    permissions.ensure_signed_in(by)
    target = comment if comment is not None else request
    if target is None:
        raise InvalidInput(_("Nothing to report."), code="no_target")
    threshold = int(_setting("DEMAND_AUTO_HIDE_REPORTS", 3))
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


# ---------------------------------------------------------------- demand signals from the catalog


def record_zero_result_search(*, query: str, language: str = "en") -> None:
    """Count a catalog search that found nothing, as demand. Cheap and never raises.

    Searches are counted per normalised query and day in one row, so a popular miss is one row.
    """
    try:
        if not isinstance(query, str):
            return
        text = " ".join(query.split())[:300]
        if len(text) < 2:
            return
        _bump_daily(DemandKind.SEARCH, text=text, key=text.casefold(), language=str(language)[:10])
    except Exception:  # demand recording must never break a search page
        logger.exception("demand: could not record a zero-result search")


def record_usage(*, dataset: Any, kind: str) -> None:
    """Count a dataset view or download, per dataset and day. Cheap and never raises."""
    try:
        item_kind = DemandKind.DOWNLOAD if kind == "download" else DemandKind.VIEW
        _bump_daily(item_kind, text=str(getattr(dataset, "title", ""))[:300], key=str(dataset.pk), dataset=dataset)
    except Exception:  # usage counting must never break a dataset page
        logger.exception("demand: could not record dataset usage")


def _bump_daily(kind: str, *, text: str, key: str, dataset: Any = None, language: str = "") -> None:
    import hashlib

    today = timezone.localdate()
    fingerprint = hashlib.sha256(f"{kind}\x1f{today.isoformat()}\x1f{key}".encode()).hexdigest()
    if DemandItem.objects.filter(fingerprint=fingerprint).update(weight=F("weight") + 1):
        return
    try:
        with transaction.atomic():
            DemandItem.objects.create(
                kind=kind,
                text=text,
                occurred_on=today,
                dataset=dataset,
                fingerprint=fingerprint,
                language=language,
                source="civicdata",
            )
    except IntegrityError:  # another request created today's row first
        DemandItem.objects.filter(fingerprint=fingerprint).update(weight=F("weight") + 1)


from civicdata.demand.analytics import (  # noqa: E402  (re-exported service entry points)
    UnmetTopic,
    compute_topics,
    list_unmet_topics,
    rate_candidate,
    save_priority_weights,
)
from civicdata.demand.imports import (  # noqa: E402
    cancel_log_import,
    confirm_log_import,
    import_log_file,
    start_log_import,
    update_log_mapping,
)

__all__ = [
    "UnmetTopic",
    "add_comment",
    "add_internal_note",
    "assign_request",
    "cancel_log_import",
    "change_status",
    "compute_topics",
    "confirm_log_import",
    "create_request",
    "dataset_published",
    "follow",
    "import_log_file",
    "list_unmet_topics",
    "mark_notifications_read",
    "merge_requests",
    "rate_candidate",
    "record_usage",
    "record_zero_result_search",
    "report_content",
    "resolve_report",
    "save_priority_weights",
    "send_daily_digests",
    "send_notification_emails",
    "set_email_mode",
    "start_log_import",
    "unfollow",
    "unvote",
    "update_log_mapping",
    "vote",
]
