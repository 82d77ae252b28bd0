"""Planning, goals and follow-up: services, permissions, pages, feeds, JSON-LD, the report PDF and the API."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from civicdata.accounts.models import Membership, Role, User
from civicdata.core.audit import AuditEntry
from civicdata.core.errors import ActionRefused, Conflict, InvalidInput
from civicdata.events import services
from civicdata.events.models import (
    Event,
    EventGoal,
    EventStatus,
    GoalMetric,
    OutcomeKind,
    PlanningTask,
    Registration,
    RegistrationStatus,
)
from civicdata.events.tests.factories import make_event, make_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return make_org("housing-dept")


@pytest.fixture
def organiser(org):
    user = User.objects.create_user("organiser@example.org", "pw-organiser-1", display_name="Olga Organiser")
    Membership.objects.create(user=user, organization=org, role=Role.EDITOR)
    return user


@pytest.fixture
def outsider():
    return User.objects.create_user("outsider@example.org", "pw-outsider-1")


def _new_event(org, organiser, **fields):
    starts = fields.pop("starts_at", timezone.now() + dt.timedelta(days=30))
    values = {
        "organization": org,
        "by": organiser,
        "event_type": "data_jam",
        "title": "Housing; data\njam, 2027",
        "purpose": "Find which housing data residents need.",
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=6),
        "time_zone": "America/Chicago",
    }
    values.update(fields)
    return services.create_event(**values)


def _register(event, n, *, came=0, prefix="p"):
    for i in range(n):
        Registration.objects.create(
            event=event,
            name=f"Person {i}",
            email=f"{prefix}{i}@example.org",
            status=RegistrationStatus.REGISTERED,
            check_in_code=f"{prefix}-{event.pk}-{i}",
            checked_in_at=event.starts_at if i < came else None,
        )


# ---------------------------------------------------------------- services


def test_a_new_event_is_a_draft_with_its_types_goals_roles_tasks_and_run_of_show(org, organiser):
    event = _new_event(org, organiser)
    assert event.status == EventStatus.DRAFT
    assert set(event.goals.values_list("metric", flat=True)) == {
        "registrations",
        "attendance",
        "datasets_used",
        "commitments",
    }
    assert event.roles.filter(name="Facilitator").exists()
    assert "Welcome" in event.plan.run_of_show
    first = event.tasks.filter(days_before=56).get()
    assert first.due_on == timezone.localdate(event.starts_at) - dt.timedelta(days=56)
    assert AuditEntry.objects.filter(action="create_event", target_id=str(event.pk)).exists()


def test_moving_the_event_raises_sequence_and_moves_open_tasks_only(org, organiser):
    event = _new_event(org, organiser)
    done = event.tasks.order_by("pk").first()
    services.set_task_done(done, by=organiser, done=True)
    old_due = done.due_on
    later = event.starts_at + dt.timedelta(days=7)
    updated = services.update_event(
        event, by=organiser, changes={"starts_at": later, "ends_at": later + dt.timedelta(hours=2)}
    )
    assert updated.sequence == 1
    assert PlanningTask.objects.get(pk=done.pk).due_on == old_due
    other = updated.tasks.exclude(pk=done.pk).filter(days_before=42).get()
    assert other.due_on == timezone.localdate(later) - dt.timedelta(days=42)


def test_a_change_that_no_calendar_shows_keeps_the_sequence(org, organiser):
    event = _new_event(org, organiser)
    assert services.update_event(event, by=organiser, changes={"capacity": 30}).sequence == 0


def test_cancel_keeps_the_event_and_raises_sequence(org, organiser):
    event = services.publish_event(_new_event(org, organiser), by=organiser)
    cancelled = services.cancel_event(event, by=organiser)
    assert Event.objects.filter(pk=event.pk, status=EventStatus.CANCELLED).exists()
    assert cancelled.sequence == 2
    assert not cancelled.registration_open
    with pytest.raises(Conflict):
        services.publish_event(cancelled, by=organiser)


def test_only_organisers_may_create_or_change(org, organiser, outsider):
    with pytest.raises(ActionRefused):
        _new_event(org, outsider)
    event = _new_event(org, organiser)
    with pytest.raises(ActionRefused):
        services.update_event(event, by=outsider, changes={"title": "Mine now"})
    with pytest.raises(ActionRefused):
        services.set_goal(event, by=outsider, metric="attendance", target=3, mission_goal="x")


def test_bad_input_names_the_field(org, organiser):
    with pytest.raises(InvalidInput) as refused:
        _new_event(org, organiser, purpose="  ", time_zone="Mars/Olympus")
    fields = {problem["field"] for problem in refused.value.details}
    assert fields == {"purpose", "time_zone"}


def test_every_goal_states_its_mission_goal_and_one_goal_per_measure(org, organiser):
    event = _new_event(org, organiser)
    with pytest.raises(InvalidInput):
        services.set_goal(event, by=organiser, metric="media_mentions", target=2, mission_goal="")
    with pytest.raises(InvalidInput):
        services.set_goal(event, by=organiser, metric="attendance", target=2, mission_goal="Reach people")
    services.set_goal(event, by=organiser, metric="other", label="Ideas on the wall", target=20, mission_goal="Listen")
    services.set_goal(event, by=organiser, metric="other", label="Prototypes", target=3, mission_goal="Build")
    assert event.goals.filter(metric="other").count() == 2


def test_actuals_come_from_registrations_checkins_links_and_entries(org, organiser):
    event = _new_event(org, organiser, starts_at=timezone.now() - dt.timedelta(days=2))
    earlier = make_event(org, starts_at=timezone.now() - dt.timedelta(days=60))
    _register(earlier, 3, came=3)  # p0..p2 came before: not first-timers
    _register(event, 12, came=9)
    services.set_goal(event, by=organiser, metric="first_time", target=5, mission_goal="New faces")
    services.set_goal(event, by=organiser, metric="quality_reports", target=4, mission_goal="Better data")
    quality = event.goals.get(metric="quality_reports")
    services.enter_actual(quality, by=organiser, actual=6)
    services.add_commitment(
        event, by=organiser, description="Publish permits", owner="Housing", due_on=timezone.localdate()
    )
    results = {row.goal.metric: row for row in services.goal_actuals(event)}
    assert (results["registrations"].actual, results["registrations"].computed) == (12, True)
    assert results["attendance"].actual == 9
    assert results["first_time"].actual == 6
    assert results["commitments"].actual == 1
    assert (results["quality_reports"].actual, results["quality_reports"].computed, results["quality_reports"].met) == (
        6,
        False,
        True,
    )


def test_an_entered_figure_stands_in_when_no_records_exist(org, organiser):
    event = _new_event(org, organiser)
    goal = event.goals.get(metric="attendance")
    services.enter_actual(goal, by=organiser, actual=25)
    row = next(r for r in services.goal_actuals(event) if r.goal.metric == "attendance")
    assert (row.actual, row.computed) == (25, False)


def test_series_shows_year_over_year_change(org, organiser):
    series = services.create_series(organization=org, by=organiser, title="Housing user group")
    now = timezone.now()
    for years_ago, came in ((1, 4), (0, 6)):
        start = now.replace(month=3, day=10) - dt.timedelta(days=365 * years_ago)
        event = make_event(org, series=series, starts_at=start)
        _register(event, came, came=came, prefix=f"y{years_ago}-")
    years = services.series_years(series)
    assert [(y.attended, y.attended_change) for y in years] == [(4, None), (6, 50)]


def test_commitment_reminders_are_sent_in_the_owners_language_until_done(org, organiser):
    owner = User.objects.create_user("owner@example.org", "pw-owner-1", language="es")
    event = _new_event(org, organiser)
    commitment = services.add_commitment(
        event,
        by=organiser,
        description="Publicar permisos",
        owner="Vivienda",
        owner_user=owner,
        due_on=timezone.localdate(),
    )
    assert services.send_commitment_reminders() == 1
    assert mail.outbox[-1].to == ["owner@example.org"]
    assert "Vence pronto" in mail.outbox[-1].subject
    assert services.send_commitment_reminders() == 0  # not again within the week
    later = timezone.now() + dt.timedelta(days=8)
    assert services.send_commitment_reminders(now=later) == 1
    services.set_commitment_done(commitment, by=organiser, done=True)
    assert services.send_commitment_reminders(now=later + dt.timedelta(days=8)) == 0


def test_outcomes_link_once_and_hidden_records_stay_off_the_public_list(org, organiser):
    from civicdata.demand.models import DataRequest

    event = _new_event(org, organiser)
    visible = DataRequest.objects.create(title="Rents by block", description="Monthly rents")
    hidden = DataRequest.objects.create(title="Spam", description="spam", is_hidden=True)
    services.link_outcome(event, by=organiser, kind=OutcomeKind.DATA_REQUEST, target=visible)
    services.link_outcome(event, by=organiser, kind=OutcomeKind.DATA_REQUEST, target=hidden)
    with pytest.raises(Conflict):
        services.link_outcome(event, by=organiser, kind=OutcomeKind.DATA_REQUEST, target=visible)
    with pytest.raises(InvalidInput):
        services.link_outcome(event, by=organiser, kind=OutcomeKind.PROJECT, target=visible)
    assert [o.target for o in services.public_outcomes(event)] == [visible]


def test_report_needs_the_event_held_and_a_summary(org, organiser):
    event = services.publish_event(_new_event(org, organiser), by=organiser)
    with pytest.raises(Conflict):
        services.publish_report(event, by=organiser)
    event = services.complete_event(event, by=organiser)
    with pytest.raises(InvalidInput):
        services.publish_report(event, by=organiser)
    services.save_report(event, by=organiser, summary="Two prototypes.")
    services.publish_report(event, by=organiser)
    assert services.report_is_public(Event.objects.select_related("plan").get(pk=event.pk))


# ---------------------------------------------------------------- pages and permissions


def test_a_draft_is_not_found_for_others_and_visible_to_its_organisers(client, org, organiser, outsider):
    event = _new_event(org, organiser)
    assert client.get(event.get_absolute_url()).status_code == 404
    assert client.get(f"/events/{event.slug}/plan/").status_code in (302, 404)
    client.force_login(outsider)
    assert client.get(event.get_absolute_url()).status_code == 404
    assert client.get(f"/events/{event.slug}/plan/").status_code == 404
    client.force_login(organiser)
    assert client.get(event.get_absolute_url()).status_code == 200
    assert client.get(f"/events/{event.slug}/plan/").status_code == 200


def test_an_outsider_cannot_plan_a_published_event(client, org, organiser, outsider):
    event = services.publish_event(_new_event(org, organiser), by=organiser)
    client.force_login(outsider)
    assert client.get(f"/events/{event.slug}/plan/").status_code == 403
    response = client.post(f"/events/{event.slug}/plan/cancel/")
    assert response.status_code == 403
    assert Event.objects.get(pk=event.pk).status == EventStatus.PUBLISHED


def test_organiser_creates_an_event_through_the_form_and_a_bad_form_keeps_what_was_typed(client, org, organiser):
    client.force_login(organiser)
    data = {
        "organization": str(org.pk),
        "event_type": "hackathon",
        "title": "Transit hackathon",
        "purpose": "Build tools with bus data.",
        "starts_at": "2027-03-06T09:00",
        "ends_at": "2027-03-06T08:00",
        "time_zone": "America/New_York",
    }
    refused = client.post("/events/new/", data)
    assert refused.status_code == 400
    assert "Transit hackathon" in refused.content.decode()
    data["ends_at"] = "2027-03-06T17:00"
    response = client.post("/events/new/", data)
    event = Event.objects.get(title="Transit hackathon")
    assert response.status_code == 302
    assert response["Location"] == f"/events/{event.slug}/plan/"
    assert event.starts_at.isoformat() == "2027-03-06T14:00:00+00:00"  # 9:00 in New York


def test_workspace_posts_reach_their_services(client, org, organiser):
    event = _new_event(org, organiser)
    client.force_login(organiser)
    base = f"/events/{event.slug}/plan/"
    client.post(base + "tasks/", {"title": "Book the room", "owner": "Olga", "days_before": "20"})
    client.post(base + "goals/", {"metric": "media_mentions", "target": "3", "mission_goal": "Be heard"})
    client.post(base + "publish/")
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED
    assert event.tasks.filter(title="Book the room", owner="Olga").exists()
    assert event.goals.filter(metric="media_mentions", target=3).exists()
    page = client.get(base).content.decode()
    assert page.index(event.purpose) < page.index("Capability check")


def test_overdue_tasks_are_counted_on_the_workspace(client, org, organiser):
    event = _new_event(org, organiser, starts_at=timezone.now() + dt.timedelta(days=10))
    client.force_login(organiser)
    page = client.get(f"/events/{event.slug}/plan/").content.decode()
    overdue = PlanningTask.objects.filter(event=event, due_on__lt=timezone.localdate()).count()
    assert overdue > 0
    assert f"{overdue} tasks are overdue." in page


def test_events_list_filters_and_keeps_a_fixed_number_of_queries(client, org, organiser):
    library = make_org("library-branch")
    for n in range(3):
        make_event(org, title=f"Housing jam {n}")
    make_event(library, title="Library training", event_type="training")
    make_event(org, title="Secret draft", status=EventStatus.DRAFT)
    make_event(org, title="Old jam", starts_at=timezone.now() - dt.timedelta(days=30))
    page = client.get("/events/").content.decode()
    assert "Housing jam 0" in page
    assert "Secret draft" not in page
    assert "Old jam" not in page
    assert "Old jam" in client.get("/events/?when=past").content.decode()
    only = client.get("/events/?type=training").content.decode()
    assert "Library training" in only
    assert "Housing jam" not in only
    assert "Library training" in client.get("/events/?org=library-branch").content.decode()
    with CaptureQueriesContext(connection) as few:
        client.get("/events/")
    for n in range(10):
        make_event(org, title=f"More {n}")
    with CaptureQueriesContext(connection) as many:
        client.get("/events/")
    assert len(many) == len(few)


def test_the_list_is_in_spanish(client, org):
    make_event(org)
    page = client.get("/events/", headers={"accept-language": "es"}).content.decode()
    assert "Próximos" in page


def test_event_page_has_json_ld_that_hostile_text_cannot_break(client, org):
    event = make_event(org, title='</script><script>alert(1)</script> & "jam"', online_url="https://meet.example.org/x")
    html = client.get(event.get_absolute_url()).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(block)
    assert data["@type"] == "Event"
    assert data["name"] == event.title
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert "<script>alert" not in html


def _vevents(body: bytes) -> list:
    return Calendar.from_ical(body).walk("VEVENT")


def test_feeds_for_all_organisation_and_series(client, org, organiser):
    series = services.create_series(organization=org, by=organiser, title="Monthly training")
    partner = make_org("partner-lib")
    in_series = make_event(org, series=series, title="Training; one\nline")
    hosted = make_event(partner, title="Hosted elsewhere")
    hosted.partners.add(org)
    cancelled = make_event(org, status=EventStatus.CANCELLED, title="Called off")
    make_event(org, status=EventStatus.DRAFT, title="Not yet")
    everything = {str(e["SUMMARY"]): e for e in _vevents(client.get("/events/feed.ics").content)}
    assert set(everything) == {"Training; one\nline", "Hosted elsewhere", "Called off"}
    assert str(everything["Called off"]["STATUS"]) == "CANCELLED"
    org_feed = client.get(f"/organizations/{org.slug}/events.ics")
    assert org_feed["Content-Type"].startswith("text/calendar")
    assert {str(e["SUMMARY"]) for e in _vevents(org_feed.content)} == {
        "Training; one\nline",
        "Hosted elsewhere",
        "Called off",
    }
    series_feed = client.get(f"/events/series/{series.slug}/feed.ics").content
    assert [str(e["UID"]) for e in _vevents(series_feed)] == [f"{in_series.uid}@civicdata"]
    assert cancelled.slug in client.get("/events/feed.ics").content.decode().replace("\r\n ", "")


def test_report_html_and_pdf_read_back(client, org, organiser):
    pypdf = pytest.importorskip("pypdf")
    event = services.publish_event(
        _new_event(org, organiser, starts_at=timezone.now() - dt.timedelta(days=3)), by=organiser
    )
    _register(event, 10, came=7)
    services.complete_event(event, by=organiser)
    services.save_report(event, by=organiser, summary="Dos prototipos: mapa de viviendas y rastreador de permisos.")
    assert client.get(f"/events/{event.slug}/report/").status_code == 404  # not yet published
    services.publish_report(event, by=organiser)
    html = client.get(f"/events/{event.slug}/report/").content.decode()
    assert "Dos prototipos" in html
    assert "7 came" in html
    response = client.get(f"/events/{event.slug}/report.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages)
    assert "Find which housing data residents need." in text
    assert "Dos prototipos" in text
    assert "Attendance" in text


def test_tracking_csv_is_for_organisers_and_is_audited(client, org, organiser, outsider):
    event = services.publish_event(_new_event(org, organiser), by=organiser)
    services.set_tracking_count(event, by=organiser, dimension="sector", label="=HYPERLINK(1)", count=4)
    services.save_tracking(event, by=organiser, figures={"media_mentions": 3})
    client.force_login(outsider)
    assert client.get(f"/events/{event.slug}/plan/tracking.csv").status_code == 403
    client.force_login(organiser)
    body = client.get(f"/events/{event.slug}/plan/tracking.csv").content.decode()
    assert "'=HYPERLINK(1)" in body
    assert "Media mentions,3" in body
    assert AuditEntry.objects.filter(action="export_event_tracking").count() == 1


def test_link_outcome_by_page_address(client, org, organiser):
    from civicdata.demand.models import DataRequest

    event = _new_event(org, organiser)
    request = DataRequest.objects.create(title="Rents by block", description="Monthly rents")
    client.force_login(organiser)
    client.post(
        f"/events/{event.slug}/plan/outcomes/",
        {"kind": "data_request", "reference": f"https://x.example/requests/{request.pk}/"},
    )
    assert event.outcomes.get().data_request == request
    services.publish_event(event, by=organiser)
    assert "Rents by block" in client.get(event.get_absolute_url()).content.decode()


# ---------------------------------------------------------------- API


def test_api_lists_public_events_goals_attendance_and_report_without_personal_data(client, org, organiser):
    event = services.publish_event(
        _new_event(org, organiser, starts_at=timezone.now() - dt.timedelta(days=3)), by=organiser
    )
    make_event(org, status=EventStatus.DRAFT, slug="hidden-draft")
    _register(event, 5, came=4)
    listed = client.get("/api/events/").json()
    assert [item["slug"] for item in listed["items"]] == [event.slug]
    assert client.get("/api/events/hidden-draft").status_code == 404
    attendance = client.get(f"/api/events/{event.slug}/attendance").json()
    assert attendance == {"registered": 5, "waitlisted": 0, "checked_in": 4, "walk_ins": 0, "first_time": 4}
    goals = {g["metric"]: g for g in client.get(f"/api/events/{event.slug}/goals").json()}
    assert goals["attendance"]["actual"] == 4
    assert client.get(f"/api/events/{event.slug}/report").status_code == 404
    services.complete_event(event, by=organiser)
    services.save_report(event, by=organiser, summary="Made things.")
    services.publish_report(event, by=organiser)
    report = client.get(f"/api/events/{event.slug}/report")
    assert report.json()["what_was_made"] == "Made things."
    assert "@example.org" not in report.content.decode()
    csv_body = client.get("/api/events/goals.csv").content.decode()
    assert f"{event.slug},attendance" in csv_body
    assert "hidden-draft" not in client.get("/api/events/events.csv").content.decode()


def test_api_series_with_years(client, org, organiser):
    series = services.create_series(organization=org, by=organiser, title="Housing user group")
    make_event(org, series=series)
    assert [s["slug"] for s in client.get("/api/events/series/").json()] == [series.slug]
    detail = client.get(f"/api/events/series/{series.slug}").json()
    assert len(detail["events"]) == 1
    assert detail["years"][0]["events"] == 1


def test_demo_loads_a_reported_data_jam_and_the_hackathon():
    import random

    from civicdata.accounts import demo as accounts_demo
    from civicdata.events import demo

    accounts_demo.load(random.Random(1), io.StringIO())
    demo.load(random.Random(2), io.StringIO())
    jam = Event.objects.get(slug="housing-data-jam-2026")
    assert services.report_is_public(Event.objects.select_related("plan").get(pk=jam.pk))
    assert (
        jam.commitments.filter(done_at__isnull=False).count()
        == 2
        == jam.commitments.filter(done_at__isnull=True).count()
    )
    assert Event.objects.get(slug="civic-hackathon-2027").capacity == 40
    years = services.series_years(jam.organization.event_series.get(slug="housing-data-user-group"))
    assert len(years) >= 2
    assert any(year.attended_change is not None for year in years)
    assert EventGoal.objects.filter(event=jam, metric=GoalMetric.MEDIA_MENTIONS, target=2).exists()


def test_a_commitment_due_today_is_not_overdue_in_the_evening_when_utc_is_already_tomorrow(org, organiser):
    # 20:00 in New York (the site's time zone) is 01:00 the next day in UTC: the local date decides.
    evening = dt.datetime(2026, 12, 2, 1, 0, tzinfo=dt.UTC)
    owner = User.objects.create_user("late@example.org", "pw-owner-2", language="en")
    services.add_commitment(
        _new_event(org, organiser),
        by=organiser,
        description="Publish permits",
        owner="Housing",
        owner_user=owner,
        due_on=dt.date(2026, 12, 1),
    )
    assert services.send_commitment_reminders(now=evening) == 1
    assert mail.outbox[-1].subject.startswith("Due soon")
