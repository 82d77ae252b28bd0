"""Services: requests, votes, follows, comments, triage, merging, notifications, moderation."""

import datetime as dt

import pytest
from django.core import mail
from django.db import IntegrityError

from civicdata.accounts.tests.factories import make_member
from civicdata.core.errors import ActionRefused, Conflict, InvalidInput
from civicdata.demand import services
from civicdata.demand.models import (
    DataRequest,
    DemandItem,
    DemandKind,
    EmailMode,
    Notification,
    ReportOutcome,
    RequestStatus,
    StatusChange,
    Vote,
)
from civicdata.demand.tests.factories import make_organization, make_public_dataset, make_request, make_user

pytestmark = pytest.mark.django_db


def test_create_request_records_history_follow_and_demand():
    """A new request starts in `new`, is followed by its requester and counts as one demand item."""
    person = make_user()
    req = services.create_request(by=person, title="Bike counts", description="Per street, per hour")
    assert req.status == RequestStatus.NEW
    assert req.follower_count == 1
    assert req.follows.filter(user=person).exists()
    assert StatusChange.objects.get(request=req).to_status == RequestStatus.NEW
    assert DemandItem.objects.get(request=req).kind == DemandKind.REQUEST


def test_new_accounts_are_throttled(settings):
    """A new account may open only DEMAND_NEW_ACCOUNT_DAILY_REQUESTS requests a day."""
    settings.DEMAND_NEW_ACCOUNT_DAILY_REQUESTS = 2
    person = make_user()
    services.create_request(by=person, title="One", description="x")
    services.create_request(by=person, title="Two", description="x")
    with pytest.raises(ActionRefused) as refused:
        services.create_request(by=person, title="Three", description="x")
    assert refused.value.code == "throttled"


def test_one_person_one_vote_and_unvote():
    """Voting twice counts once; unvoting removes it; the counter follows the rows."""
    req = make_request()
    voter = make_user()
    assert services.vote(req, by=voter) is True
    assert services.vote(req, by=voter) is False
    req.refresh_from_db()
    assert req.vote_count == 1 == Vote.objects.filter(request=req).count()
    assert services.unvote(req, by=voter) is True
    assert services.unvote(req, by=voter) is False
    req.refresh_from_db()
    assert req.vote_count == 0


def test_database_refuses_a_second_vote_row():
    """Even bypassing the service, the unique constraint makes a double vote impossible."""
    req = make_request()
    voter = make_user()
    Vote.objects.create(request=req, voter=voter)
    with pytest.raises(IntegrityError):
        Vote.objects.create(request=req, voter=voter)


def test_closed_requests_take_no_votes():
    """Votes are refused once a request is declined."""
    req = make_request()
    staff = make_user(staff=True)
    services.change_status(req, by=staff, to_status="declined", decline_reason="not_held")
    with pytest.raises(ActionRefused):
        services.vote(req, by=make_user())


def test_status_rules_enforced():
    """Planned needs a date, published needs datasets, declined needs a reason and what it requires."""
    req = make_request()
    staff = make_user(staff=True)
    with pytest.raises(InvalidInput):
        services.change_status(req, by=staff, to_status="planned")
    with pytest.raises(InvalidInput):
        services.change_status(req, by=staff, to_status="published")
    with pytest.raises(InvalidInput):
        services.change_status(req, by=staff, to_status="declined")
    with pytest.raises(InvalidInput):
        services.change_status(req, by=staff, to_status="declined", decline_reason="already_available")
    with pytest.raises(InvalidInput):
        services.change_status(req, by=staff, to_status="declined", decline_reason="other")
    services.change_status(req, by=staff, to_status="declined", decline_reason="other", decline_note="Out of scope")
    req.refresh_from_db()
    assert req.status == "declined"
    assert req.closed_at is not None


def test_check_constraints_back_the_rules():
    """The database itself refuses a planned request without a target date."""
    req = make_request()
    with pytest.raises(IntegrityError):
        DataRequest.objects.filter(pk=req.pk).update(status=RequestStatus.PLANNED)


def test_only_triage_staff_change_status():
    """A resident cannot change a status; an editor of the request's department can."""
    department = make_organization()
    req = make_request(publisher=department)
    with pytest.raises(ActionRefused):
        services.change_status(req, by=make_user(), to_status="under_review")
    editor = make_member(department)
    services.change_status(req, by=editor, to_status="under_review")
    req.refresh_from_db()
    assert req.status == "under_review"
    assert req.first_response_at is not None


def test_bad_transition_is_a_conflict():
    """A published request cannot jump to planned."""
    req = make_request()
    staff = make_user(staff=True)
    dataset = make_public_dataset()
    services.change_status(req, by=staff, to_status="published", datasets=[dataset])
    with pytest.raises(Conflict):
        services.change_status(req, by=staff, to_status="planned", target_date=dt.date(2030, 1, 1))


def test_status_change_notifies_requester_voters_and_followers_with_dataset_links(settings):
    """Everyone involved gets an in-app notice with the dataset link; immediate mode e-mails at once."""
    requester = make_user()
    req = services.create_request(by=requester, title="Bike counts", description="Per street")
    voter, follower = make_user(), make_user()
    services.vote(req, by=voter)
    services.follow(req, by=follower)
    services.set_email_mode(user=voter, mode=EmailMode.IMMEDIATE)
    dataset = make_public_dataset("Bike counts 2024")
    mail.outbox.clear()
    with pytest.raises(InvalidInput):
        services.change_status(req, by=make_user(staff=True), to_status="published")
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        services.change_status(req, by=make_user(staff=True), to_status="published", datasets=[dataset])
    recipients = set(Notification.objects.filter(request=req).values_list("recipient_id", flat=True))
    assert recipients == {requester.pk, voter.pk, follower.pk}
    notice = Notification.objects.get(recipient=voter)
    assert notice.links[0]["title"] == "Bike counts 2024"
    assert notice.links[0]["url"] == dataset.get_absolute_url()
    assert [m.to for m in mail.outbox] == [[voter.email]]
    assert "Bike counts" in mail.outbox[0].body


def test_daily_digest_groups_updates_and_is_idempotent():
    """Daily mode sends one e-mail with all pending updates, and never the same update twice."""
    requester = make_user()
    req = services.create_request(by=requester, title="Trees", description="Street trees")
    staff = make_user(staff=True)
    services.change_status(req, by=staff, to_status="under_review")
    services.change_status(req, by=staff, to_status="planned", target_date=dt.date(2030, 1, 1))
    mail.outbox.clear()
    assert services.send_daily_digests() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].body.count("Trees") >= 2
    assert services.send_daily_digests() == 0


def test_email_mode_none_sends_nothing():
    """People who chose no e-mail still get in-app notices, never e-mails."""
    requester = make_user()
    services.set_email_mode(user=requester, mode=EmailMode.NONE)
    req = services.create_request(by=requester, title="Trees", description="Street trees")
    services.change_status(req, by=make_user(staff=True), to_status="under_review")
    mail.outbox.clear()
    assert services.send_daily_digests() == 0
    assert Notification.objects.filter(recipient=requester).count() == 1


def test_merge_carries_votes_and_followers_over_once():
    """A person who voted for both keeps one vote; the duplicate is declined as duplicate."""
    staff = make_user(staff=True)
    keep, dup = make_request(title="Bike lanes"), make_request(title="Bicycle lanes")
    both, only_dup = make_user(), make_user()
    services.vote(keep, by=both)
    services.vote(dup, by=both)
    services.vote(dup, by=only_dup)
    services.follow(dup, by=only_dup)
    services.merge_requests(dup, into=keep, by=staff)
    keep.refresh_from_db()
    dup.refresh_from_db()
    assert keep.vote_count == 2 == Vote.objects.filter(request=keep).count()
    assert keep.follows.filter(user=only_dup).exists()
    assert dup.status == "declined"
    assert dup.decline_reason == "duplicate"
    assert dup.merged_into == keep


def test_reports_auto_hide_and_moderators_cannot_judge_their_own(settings):
    """At the threshold the item hides; a moderator cannot decide on their own comment."""
    settings.DEMAND_AUTO_HIDE_REPORTS = 2
    moderator = make_user(staff=True)
    req = make_request(by=moderator)
    comment = services.add_comment(req, by=moderator, body="My own comment")
    first = services.report_content(by=make_user(), reason="spam", comment=comment)
    with pytest.raises(Conflict):
        services.report_content(by=first.reporter, reason="spam", comment=comment)
    services.report_content(by=make_user(), reason="offensive", comment=comment)
    comment.refresh_from_db()
    assert comment.is_hidden
    assert comment.report_count == 2
    with pytest.raises(ActionRefused) as refused:
        services.resolve_report(first, by=moderator, outcome="kept")
    assert refused.value.code == "own_content"
    other = make_user(staff=True)
    services.resolve_report(first, by=other, outcome="kept")
    comment.refresh_from_db()
    assert not comment.is_hidden
    assert set(comment.reports.values_list("outcome", flat=True)) == {ReportOutcome.KEPT}


def test_zero_result_searches_and_usage_are_counted_per_day_and_never_raise():
    """Repeated searches fold into one daily row; bad input is swallowed."""
    services.record_zero_result_search(query="  bike   lanes ")
    services.record_zero_result_search(query="Bike lanes")
    services.record_zero_result_search(query=None)  # type: ignore[arg-type]
    item = DemandItem.objects.get(kind=DemandKind.SEARCH)
    assert item.weight == 2
    assert item.text == "bike lanes"
    dataset = make_public_dataset()
    services.record_usage(dataset=dataset, kind="view")
    services.record_usage(dataset=dataset, kind="download")
    services.record_usage(dataset=object(), kind="view")
    assert DemandItem.objects.filter(dataset=dataset).count() == 2


def test_staff_comment_counts_as_first_response():
    """A comment from triage staff sets the first response time; a resident's does not."""
    req = make_request(by=make_user())
    services.add_comment(req, by=make_user(), body="Me too")
    req.refresh_from_db()
    assert req.first_response_at is None
    services.add_comment(req, by=make_user(staff=True), body="We are looking into it")
    req.refresh_from_db()
    assert req.first_response_at is not None
    assert req.comment_count == 2


def test_planned_request_closes_when_its_dataset_is_published():
    """Staff plan a request with a not-yet-public dataset; publishing it publishes the request and
    tells followers with the link."""
    from civicdata.catalog import services as catalog_services
    from civicdata.catalog.tests.factories import make_dataset

    staff = make_user(staff=True)
    requester = make_user()
    req = services.create_request(by=requester, title="Bike counts", description="Per street")
    draft = make_dataset(make_organization(), by=staff, published=False, title="Bike counts 2025")
    with pytest.raises(InvalidInput, match="public yet"):
        services.change_status(req, by=staff, to_status="published", datasets=[draft])
    services.change_status(req, by=staff, to_status="planned", target_date=dt.date(2031, 1, 1), datasets=[draft])
    assert services.dataset_published(dataset=draft) == []  # still a draft: nothing happens
    req.refresh_from_db()
    assert req.status == "planned"
    catalog_services.set_release_checklist(
        draft, by=staff, contact_reachable=True, privacy_reviewed=True, quality_reviewed=True
    )
    published = catalog_services.publish_dataset(draft, by=staff)
    services.dataset_published(dataset=published)
    req.refresh_from_db()
    assert req.status == "published"
    notice = Notification.objects.filter(recipient=requester).order_by("-pk").first()
    assert notice.links[0]["title"] == "Bike counts 2025"


def test_notification_emails_carry_the_site_name(settings):
    """The subject starts with the site's name and the signature names the site."""
    settings.SITE_NAME = "Port Alder Open Data"
    requester = make_user()
    req = services.create_request(by=requester, title="Bike lanes", description="Where")
    services.set_email_mode(user=requester, mode=EmailMode.IMMEDIATE)
    mail.outbox.clear()
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        services.change_status(req, by=make_user(staff=True), to_status="under_review")
    message = mail.outbox[0]
    assert message.subject.startswith("[Port Alder Open Data] ")
    assert "\n--\nPort Alder Open Data\n" in message.body
