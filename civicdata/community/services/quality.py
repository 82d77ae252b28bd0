"""Data-quality reports: sending one, the steward's answers (confirm, fixed, won't fix, duplicate),
following, and taking a table out of the Data API over a privacy concern."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdata.accounts.models import Role
from civicdata.catalog.models import Dataset, Distribution
from civicdata.community import permissions
from civicdata.community.models import (
    OPEN_REPORT_STATUSES,
    QualityReport,
    QualityReportChange,
    QualityReportFollow,
    ReportCategory,
    ReportStatus,
)
from civicdata.community.services._notify import notify, organization_people, site_url
from civicdata.core.audit import record_write
from civicdata.core.errors import Conflict, InvalidInput
from civicdata.datastore.models import DataTable, TableStatus

MAX_DESCRIPTION = 5000


def report_problem(
    dataset: Dataset,
    *,
    by: Any,
    category: str,
    description: str,
    distribution: Distribution | None = None,
    table: DataTable | None = None,
    column: str = "",
    row: str = "",
) -> QualityReport:
    """Send a data-quality report to the dataset's steward; the reporter follows it.

    Preconditions: signed in and under the daily limit (permissions.ensure_can_report_problem); the
    distribution and table, when given, belong to the dataset. One transaction: report, first step and
    follow; the steward's e-mails (contact point and the publisher's editors) and, for a privacy
    concern, the publisher's administrators' alert go out after commit.
    """
    permissions.ensure_can_report_problem(by)
    errors = []
    if category not in ReportCategory.values:
        errors.append({"field": "category", "message": _("Choose what kind of problem it is.")})
    description = (description or "").strip()
    if not description:
        errors.append({"field": "description", "message": _("Say what is wrong, in a few words.")})
    elif len(description) > MAX_DESCRIPTION:
        errors.append({"field": "description", "message": _("Reports are limited to 5,000 characters.")})
    if distribution is not None and distribution.dataset_id != dataset.pk:
        errors.append({"field": "distribution", "message": _("This file is not part of the dataset.")})
    if table is not None and table.dataset_id != dataset.pk:
        errors.append({"field": "table", "message": _("This table is not part of the dataset.")})
    if errors:
        raise InvalidInput(errors[0]["message"], code="invalid_report", details=errors)
    now = timezone.now()
    due = now + dt.timedelta(days=int(settings.COMMUNITY_QUALITY_RESPONSE_DAYS))
    with transaction.atomic():
        report = QualityReport.objects.create(
            dataset=dataset,
            distribution=distribution,
            table=table,
            column=column.strip()[:200],
            row=row.strip()[:300],
            category=category,
            description=description,
            reporter=by,
            due_at=due,
            created_at=now,
            follower_count=1,
        )
        QualityReportFollow.objects.create(report=report, user=by, created_at=now)
        QualityReportChange.objects.create(report=report, to_status=ReportStatus.RECEIVED, by=by, created_at=now)
        _tell_steward(report)
    return report


def _tell_steward(report: QualityReport) -> None:
    dataset = report.dataset
    url = site_url(report.get_absolute_url())

    def texts() -> tuple[str, str]:
        subject = _("Problem reported in %(title)s") % {"title": dataset.title or dataset.name}
        body = "\n\n".join(
            [
                _("Someone reported a problem with “%(title)s”: %(category)s.")
                % {"title": dataset.title or dataset.name, "category": report.get_category_display()},
                report.description,
                _("Please answer by %(date)s: %(url)s")
                % {"date": timezone.localtime(report.due_at).date().isoformat(), "url": url},
            ]
        )
        return subject, body

    editors = organization_people(dataset.publisher, minimum=Role.EDITOR)
    notify(editors, texts, addresses=[dataset.contact_email] if dataset.contact_email else [])
    if report.category == ReportCategory.PRIVACY:
        admins = organization_people(dataset.publisher, minimum=Role.ADMIN)

        def alert() -> tuple[str, str]:
            subject = _("Privacy concern: %(title)s") % {"title": dataset.title or dataset.name}
            body = "\n\n".join(
                [
                    _(
                        "Someone thinks “%(title)s” shows personal information. You can take its tables out "
                        "of the Data API while you review it, in one step, from the report:"
                    )
                    % {"title": dataset.title or dataset.name},
                    url,
                    report.description,
                ]
            )
            return subject, body

        notify(admins, alert, urgent=True)


def _followers(report: QualityReport) -> list[Any]:
    return [f.user for f in report.follows.select_related("user").order_by("user_id")]


def _tell_followers(report: QualityReport, note: str) -> None:
    url = site_url(report.get_absolute_url())

    def texts() -> tuple[str, str]:
        subject = _("Your report about %(title)s: %(status)s") % {
            "title": report.dataset.title or report.dataset.name,
            "status": report.get_status_display(),
        }
        lines = [
            _("The report “%(category)s” about “%(title)s” is now: %(status)s.")
            % {
                "category": report.get_category_display(),
                "title": report.dataset.title or report.dataset.name,
                "status": report.get_status_display(),
            }
        ]
        if note:
            lines.append(note)
        lines.append(url)
        return subject, "\n\n".join(lines)

    notify(_followers(report), texts)


def _move(report: QualityReport, *, by: Any, to: str, note: str = "", **fields: Any) -> QualityReport:
    """Change the status under a row lock, record the step and the audit entry, tell the followers."""
    with transaction.atomic():
        locked = QualityReport.objects.select_for_update().select_related("dataset").get(pk=report.pk)
        if locked.status not in OPEN_REPORT_STATUSES:
            raise Conflict(_("This report is already closed."), code="report_closed")
        if to == ReportStatus.CONFIRMED and locked.status == ReportStatus.CONFIRMED:
            raise Conflict(_("This report is already confirmed."), code="already_confirmed")
        before = locked.status
        now = timezone.now()
        locked.status = to
        for name, value in fields.items():
            setattr(locked, name, value)
        if to == ReportStatus.CONFIRMED:
            locked.confirmed_at = now
        else:
            locked.closed_at = now
            locked.confirmed_at = locked.confirmed_at or now
        locked.save(update_fields=["status", "confirmed_at", "closed_at", *fields])
        QualityReportChange.objects.create(report=locked, from_status=before, to_status=to, note=note, by=by)
        record_write(
            actor=by, action=f"community.quality.{to}", target=locked, before={"status": before}, after={"status": to}
        )
        _tell_followers(locked, note)
    return locked


def confirm_report(report: QualityReport, *, by: Any, note: str = "") -> QualityReport:
    """The steward agrees there is a problem. Preconditions: an editor of the publisher; report received."""
    permissions.ensure_can_handle_report(by, report.dataset)
    return _move(report, by=by, to=ReportStatus.CONFIRMED, note=note.strip())


def close_report(
    report: QualityReport,
    *,
    by: Any,
    outcome: str,
    note: str = "",
    duplicate_of: QualityReport | None = None,
) -> QualityReport:
    """Close an open report as fixed, won't fix (a reason is required) or duplicate (of another report
    about the same dataset). Preconditions: an editor of the publisher."""
    permissions.ensure_can_handle_report(by, report.dataset)
    note = (note or "").strip()
    if outcome not in (ReportStatus.FIXED, ReportStatus.WONT_FIX, ReportStatus.DUPLICATE):
        raise InvalidInput(_("Choose fixed, won't fix or duplicate."), code="bad_outcome")
    fields: dict[str, Any] = {"resolution": note}
    if outcome == ReportStatus.WONT_FIX and not note:
        raise InvalidInput(
            _("Say why this will not be fixed; the reporter will read it."),
            code="reason_required",
            details=[{"field": "note", "message": _("Say why this will not be fixed; the reporter will read it.")}],
        )
    if outcome == ReportStatus.DUPLICATE:
        if duplicate_of is None or duplicate_of.pk == report.pk or duplicate_of.dataset_id != report.dataset_id:
            message = _("Choose another report about this dataset that this one repeats.")
            raise InvalidInput(
                message, code="duplicate_of_required", details=[{"field": "duplicate_of", "message": message}]
            )
        fields["duplicate_of"] = duplicate_of
    return _move(report, by=by, to=outcome, note=note, **fields)


def follow_report(report: QualityReport, *, by: Any) -> bool:
    """Follow a report to hear about its answers; False if already following."""
    permissions.ensure_signed_in(by)
    try:
        with transaction.atomic():
            QualityReportFollow.objects.create(report=report, user=by)
            QualityReport.objects.filter(pk=report.pk).update(follower_count=F("follower_count") + 1)
    except IntegrityError:
        return False
    return True


def unfollow_report(report: QualityReport, *, by: Any) -> bool:
    """Stop following a report; False if not following."""
    permissions.ensure_signed_in(by)
    with transaction.atomic():
        deleted, _ignored = QualityReportFollow.objects.filter(report=report, user=by).delete()
        if deleted:
            QualityReport.objects.filter(pk=report.pk, follower_count__gt=0).update(
                follower_count=F("follower_count") - 1
            )
    return bool(deleted)


def withdraw_tables_for_privacy(report: QualityReport, *, by: Any) -> list[DataTable]:
    """Take the dataset's published Data API tables (only the report's table when it names one) out of
    public view pending review, with the datastore's own unpublish service, and confirm the report.

    Preconditions: an administrator of the publisher; a privacy-concern report. The tables stay loaded
    for staff; publishing them again is the datastore's ordinary publish step after the review.
    """
    from civicdata.datastore import services as datastore_services

    permissions.ensure_can_withdraw_table(by, report.dataset)
    if report.category != ReportCategory.PRIVACY:
        raise InvalidInput(_("Only a privacy concern can take tables out of the Data API."), code="not_privacy")
    tables = DataTable.objects.filter(dataset=report.dataset, status=TableStatus.PUBLISHED)
    if report.table_id:
        tables = tables.filter(pk=report.table_id)
    with transaction.atomic():
        withdrawn = [datastore_services.unpublish_table(table, by=by) for table in tables.select_related("dataset")]
        QualityReport.objects.filter(pk=report.pk).update(table_withdrawn_at=timezone.now())
        record_write(
            actor=by,
            action="community.quality.withdraw_tables",
            target=report,
            after={"tables": [t.name for t in withdrawn]},
        )
        report.refresh_from_db()
        if report.status == ReportStatus.RECEIVED:
            report = _move(
                report,
                by=by,
                to=ReportStatus.CONFIRMED,
                note=_("The data is out of the Data API while the publisher reviews it."),
            )
    return withdrawn
