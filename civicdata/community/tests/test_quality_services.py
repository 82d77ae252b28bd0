"""Data-quality report services: routing to the steward, the lifecycle, throttling, notices in the
reader's language and the privacy withdrawal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from civicdata.community import services
from civicdata.community.models import QualityReport, QualityReportFollow, ReportStatus
from civicdata.community.tests.quality_factories import publisher_with_dataset, report, resident
from civicdata.core.errors import ActionRefused, Conflict, InvalidInput, NotSignedIn
from civicdata.demand.models import EmailMode, NotificationPreference

pytestmark = pytest.mark.django_db


def test_a_report_goes_to_the_contact_point_and_the_publishers_editors_with_a_deadline(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.COMMUNITY_QUALITY_RESPONSE_DAYS = 4
    _publisher, dataset, editor, _admin = publisher_with_dataset()
    reporter = resident()
    with django_capture_on_commit_callbacks(execute=True):
        created = report(dataset, by=reporter)
    assert created.status == ReportStatus.RECEIVED
    assert abs((created.due_at - created.created_at) - dt.timedelta(days=4)) < dt.timedelta(seconds=1)
    assert QualityReportFollow.objects.filter(report=created, user=reporter).exists()
    recipients = {address for message in mailoutbox for address in message.to}
    assert editor.email in recipients
    assert "data@example.org" in recipients  # the contact point of the factory dataset
    assert reporter.email not in recipients


def test_a_privacy_concern_alerts_administrators_even_when_they_turned_email_off(
    mailoutbox, django_capture_on_commit_callbacks
):
    _publisher, dataset, _editor, admin = publisher_with_dataset()
    NotificationPreference.objects.create(user=admin, email_mode=EmailMode.NONE)
    with django_capture_on_commit_callbacks(execute=True):
        report(dataset, category="privacy", description="Names of victims in column Note.")
    alerts = [m for m in mailoutbox if admin.email in m.to and "Privacy concern" in m.subject]
    assert len(alerts) == 1


def test_notices_are_written_in_the_readers_language(mailoutbox, django_capture_on_commit_callbacks):
    _publisher, dataset, editor, _admin = publisher_with_dataset()
    reporter = resident(language="es")
    created = report(dataset, by=reporter)
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_report(created, by=editor, note="Lo revisamos.")
    (notice,) = [m for m in mailoutbox if reporter.email in m.to]
    assert "Confirmado" in notice.subject, notice.subject
    assert "Lo revisamos." in notice.body


def test_wont_fix_needs_a_reason_and_duplicate_needs_another_report_of_the_same_dataset():
    _publisher, dataset, editor, _admin = publisher_with_dataset()
    _other_publisher, other_dataset, _e, _a = publisher_with_dataset()
    first, second = report(dataset), report(dataset)
    elsewhere = report(other_dataset)
    with pytest.raises(InvalidInput) as refused:
        services.close_report(second, by=editor, outcome="wont_fix", note="  ")
    assert refused.value.code == "reason_required"
    with pytest.raises(InvalidInput):
        services.close_report(second, by=editor, outcome="duplicate", duplicate_of=elsewhere)
    with pytest.raises(InvalidInput):
        services.close_report(second, by=editor, outcome="duplicate", duplicate_of=second)
    closed = services.close_report(second, by=editor, outcome="duplicate", duplicate_of=first)
    assert closed.status == ReportStatus.DUPLICATE
    assert closed.duplicate_of == first
    with pytest.raises(Conflict):
        services.close_report(closed, by=editor, outcome="fixed")


def test_the_lifecycle_records_each_step_and_the_time_to_fix():
    _publisher, dataset, editor, _admin = publisher_with_dataset()
    created = report(dataset)
    services.confirm_report(created, by=editor)
    with pytest.raises(Conflict):
        services.confirm_report(created, by=editor)
    fixed = services.close_report(created, by=editor, outcome="fixed", note="Corrected the totals.")
    assert fixed.status == ReportStatus.FIXED
    assert fixed.closed_at is not None
    assert fixed.days_to_fix is not None
    assert [c.to_status for c in fixed.changes.all()] == ["received", "confirmed", "fixed"]


def test_only_the_datasets_stewards_answer_reports():
    _publisher, dataset, _editor, _admin = publisher_with_dataset()
    created = report(dataset)
    with pytest.raises(ActionRefused) as refused:
        services.confirm_report(created, by=resident())
    assert refused.value.code == "not_steward"
    _other, _ds, stranger_editor, _a = publisher_with_dataset()
    with pytest.raises(ActionRefused):
        services.close_report(created, by=stranger_editor, outcome="fixed")


def test_reports_are_throttled_like_data_requests(settings):
    settings.COMMUNITY_NEW_ACCOUNT_DAILY_REPORTS = 1
    _publisher, dataset, _editor, _admin = publisher_with_dataset()
    newcomer = resident()
    newcomer.date_joined = timezone.now()
    newcomer.save(update_fields=["date_joined"])
    report(dataset, by=newcomer)
    with pytest.raises(ActionRefused) as refused:
        report(dataset, by=newcomer)
    assert refused.value.code == "throttled"
    with pytest.raises(NotSignedIn):
        services.report_problem(dataset, by=None, category="other", description="x")


def test_bad_input_names_each_field():
    _publisher, dataset, _editor, _admin = publisher_with_dataset()
    with pytest.raises(InvalidInput) as refused:
        services.report_problem(dataset, by=resident(), category="nonsense", description=" ")
    assert {d["field"] for d in refused.value.details} == {"category", "description"}
    assert not QualityReport.objects.exists()


def test_following_is_unique():
    _publisher, dataset, _editor, _admin = publisher_with_dataset()
    created = report(dataset)
    someone = resident()
    assert services.follow_report(created, by=someone) is True
    assert services.follow_report(created, by=someone) is False
    created.refresh_from_db()
    assert created.follower_count == 2
    assert services.unfollow_report(created, by=someone) is True
    created.refresh_from_db()
    assert created.follower_count == 1
