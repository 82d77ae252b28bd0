"""Demo events (see `civicdata demo`): a past housing data jam with its published report (goals against
actuals, commitments half done, what it produced), the upcoming civic hackathon, the library's monthly
data training series and the housing data user group, whose meetings span two years so the series shows
year-over-year change."""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from typing import Any

from django.utils import timezone

from civicdata.accounts.models import Organization, User
from civicdata.catalog.models import Dataset
from civicdata.demand.models import DataRequest
from civicdata.events import services
from civicdata.events.models import (
    Event,
    EventGoal,
    GoalMetric,
    OutcomeKind,
    Registration,
    RegistrationStatus,
    TrackingDimension,
)
from civicdata.projects.models import Activity, Problem, Project

ZONE = "America/New_York"


def _at(days: int, hour: int) -> dt.datetime:
    """A time `days` from today at `hour` o'clock, in the city's time zone."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=zoneinfo.ZoneInfo(ZONE))


def _attend(event: Event, people: list[User], *, came: int, rng: random.Random) -> None:
    """Historical registrations of a past event: everyone registered, the first `came` checked in."""
    rows = []
    for n, person in enumerate(people):
        rows.append(
            Registration(
                event=event,
                user=person,
                name=person.display_name or person.email,
                email=person.email,
                status=RegistrationStatus.REGISTERED,
                checked_in_at=event.starts_at + dt.timedelta(minutes=rng.randint(0, 40)) if n < came else None,
                check_in_code=f"demo-{event.pk}-{person.pk}",
                created_at=event.starts_at - dt.timedelta(days=rng.randint(3, 20)),
            )
        )
    Registration.objects.bulk_create(rows)


def load(rng: random.Random, out: Any) -> None:
    """Load the demo events, then registrations, waiting list, votes, check-ins and feedback for them."""
    from civicdata.events.demo_registrations import add_demo_registrations

    _load_planning(rng, out)
    add_demo_registrations(rng, out)


def _load_planning(rng: random.Random, out: Any) -> None:
    orgs = {org.slug: org for org in Organization.objects.all()}
    coordinator = User.objects.get(email="coordinator@example.org")
    librarian = User.objects.get(email="librarian@example.org")
    residents = list(User.objects.filter(email__startswith="resident").exclude(email="resident@example.org"))
    residents.sort(key=lambda person: person.email)
    housing, city, library = orgs["housing"], orgs["city"], orgs["library"]

    # A past data jam, held, reported, with commitments half done.
    jam = services.create_event(
        organization=housing,
        by=coordinator,
        event_type="data_jam",
        title="Housing data jam",
        slug="housing-data-jam-2026",
        purpose="Find out which housing data residents and builders need to track affordable homes, and leave "
        "with commitments to build something with it.",
        description="A day with developers, tenant organisers and the housing department's data team.",
        starts_at=_at(-45, 9),
        ends_at=_at(-45, 17),
        time_zone=ZONE,
        venue_name="Port Alder Public Library, Central branch",
        address="100 Harbor Street, Port Alder",
        capacity=60,
        topic="housing",
        mission_goal="More affordable homes, tracked in the open.",
    )
    for partner, contribution in (
        (library, "Meeting room, Wi-Fi and outreach to library users"),
        (orgs["code-for-port-alder"], "Mentors and the starter code"),
        (orgs["alder-foundation"], "Lunch"),
    ):
        services.add_partner(jam, by=coordinator, organization=partner, contribution=contribution)
    services.save_plan(
        jam,
        by=coordinator,
        answers={
            "location_notes": "60 seats, step-free entrance on Harbor Street, quiet room on the second floor.",
            "leadership_support": "The housing director opens the day.",
            "champion": "Director of Housing and Community Development",
            "legal_questions": "Agreement with the library for the room; no procurement needed.",
            "logistics": "Food allowed in the meeting room only; projector and two microphones.",
            "support_email": "events@example.org",
            "support_monitors": "Olivia Coordinator, Pat Publisher",
        },
    )
    targets = {
        GoalMetric.REGISTRATIONS: 40,
        GoalMetric.ATTENDANCE: 30,
        GoalMetric.DATASETS_USED: 3,
        GoalMetric.COMMITMENTS: 5,
    }
    for goal in EventGoal.objects.filter(event=jam):
        services.set_goal(
            jam,
            by=coordinator,
            goal=goal,
            metric=goal.metric,
            target=targets.get(goal.metric),
            mission_goal=goal.mission_goal,
        )
    services.set_goal(
        jam,
        by=coordinator,
        metric=GoalMetric.MEDIA_MENTIONS,
        target=2,
        mission_goal="Residents hear about open housing data.",
    )
    services.publish_event(jam, by=coordinator)
    _attend(jam, residents[:34], came=27, rng=rng)
    services.complete_event(jam, by=coordinator)
    for task in jam.tasks.all():
        services.set_task_done(task, by=coordinator, done=True)
    services.save_tracking(
        jam,
        by=coordinator,
        figures={
            "online_participants": 12,
            "media_mentions": 3,
            "social_media": "41 posts, about 9,000 views",
            "unplanned_blog_posts": 2,
        },
    )
    for dimension, label, count in (
        (TrackingDimension.REGION, "Harbor district", 11),
        (TrackingDimension.REGION, "North side", 9),
        (TrackingDimension.REGION, "Outside the city", 7),
        (TrackingDimension.SECTOR, "Residents", 12),
        (TrackingDimension.SECTOR, "Non-profits", 8),
        (TrackingDimension.SECTOR, "Business", 4),
        (TrackingDimension.SECTOR, "Government", 3),
    ):
        services.set_tracking_count(jam, by=coordinator, dimension=dimension, label=label, count=count)
    today = timezone.localdate()
    commitments = (
        ("Publish building permits weekly instead of monthly", "Housing data team", -10, True),
        ("Open-source the affordable units map prototype", "Code for Port Alder", -5, True),
        ("Add eviction filings by neighbourhood to the catalog", "Housing data team", 20, False),
        ("Run a follow-up data walk with tenant groups", "Port Alder Public Library", 40, False),
    )
    for description, owner, days, done in commitments:
        commitment = services.add_commitment(
            jam, by=coordinator, description=description, owner=owner, due_on=today + dt.timedelta(days=days)
        )
        if done:
            services.set_commitment_done(commitment, by=coordinator, done=True)
    _link_demo_outcomes(jam, coordinator)
    services.save_lessons(
        jam,
        by=coordinator,
        lessons="Start the data tour earlier; two groups waited for Wi-Fi. Paper cards worked well.",
    )
    services.save_report(
        jam,
        by=coordinator,
        summary="Five groups worked on three housing datasets. Two prototypes: a map of affordable units and a "
        "permit tracker. Residents filed new data requests about evictions and rents.",
    )
    services.publish_report(jam, by=coordinator)

    # The upcoming hackathon (registrations, waiting list and agenda votes come with the registration demo).
    hackathon = services.create_event(
        organization=city,
        by=coordinator,
        event_type="hackathon",
        title="Port Alder civic hackathon",
        slug="civic-hackathon-2027",
        purpose="Build working prototypes with the city's transit, housing and 311 data, and meet the people who "
        "publish it.",
        starts_at=_at(40, 9),
        ends_at=_at(40, 18),
        time_zone=ZONE,
        venue_name="Port Alder State University, Innovation Hall",
        address="1 College Avenue, Port Alder",
        capacity=40,
        topic="civic technology",
        mission_goal="Residents and businesses use city data to solve everyday problems.",
    )
    services.add_partner(hackathon, by=coordinator, organization=orgs["alder-university"], contribution="The hall")
    services.add_partner(hackathon, by=coordinator, organization=orgs["code-for-port-alder"], contribution="Mentors")
    for goal in EventGoal.objects.filter(event=hackathon):
        target = {"registrations": 40, "attendance": 35, "first_time": 10, "projects_started": 6, "requests_filed": 5}
        services.set_goal(
            hackathon,
            by=coordinator,
            goal=goal,
            metric=goal.metric,
            target=target.get(goal.metric),
            mission_goal=goal.mission_goal,
        )
    services.publish_event(hackathon, by=coordinator)

    # The library's monthly training series: three held, three to come.
    training = services.create_series(
        organization=library,
        by=librarian,
        title="Data literacy Tuesdays",
        slug="data-literacy-tuesdays",
        description="Every month at the Central branch: a practical data skill in 90 minutes. No experience needed.",
    )
    topics = (
        "Finding city data",
        "Spreadsheets for beginners",
        "Making a chart",
        "Reading a map",
        "Asking for data",
        "Checking a number",
    )
    for n, title in enumerate(topics):
        days = -84 + 28 * n
        event = services.create_event(
            organization=library,
            by=librarian,
            event_type="training",
            title=f"Data literacy: {title}",
            purpose="Learn one practical data skill you can use the next day.",
            starts_at=_at(days, 18),
            ends_at=_at(days, 19) + dt.timedelta(minutes=30),
            time_zone=ZONE,
            venue_name="Port Alder Public Library, Central branch",
            address="100 Harbor Street, Port Alder",
            capacity=20,
            series=training,
            topic="data literacy",
        )
        services.publish_event(event, by=librarian)
        if days < 0:
            _attend(event, rng.sample(residents, 14), came=rng.randint(9, 14), rng=rng)
            services.complete_event(event, by=librarian)

    # The housing data user group: meetings last year and this year (year-over-year change).
    group = services.create_series(
        organization=housing,
        by=coordinator,
        title="Housing data user group",
        slug="housing-data-user-group",
        description="People who use the city's housing data meet every quarter to share work and ask the "
        "publishers for what would help.",
    )
    for days, came in ((-400, 6), (-310, 8), (-220, 9), (-130, 12), (-40, 15), (50, 0)):
        event = services.create_event(
            organization=housing,
            by=coordinator,
            event_type="user_group",
            title="Housing data user group",
            purpose="Share what we learned from the housing data and tell its publishers what would help.",
            starts_at=_at(days, 17),
            ends_at=_at(days, 19),
            time_zone=ZONE,
            venue_name="City Hall, room 204",
            address="1 Civic Plaza, Port Alder",
            series=group,
            topic="housing",
        )
        services.publish_event(event, by=coordinator)
        if days < 0:
            _attend(event, rng.sample(residents, came + 3), came=came, rng=rng)
            services.complete_event(event, by=coordinator)
    out.write(f"events: {Event.objects.count()} events, 2 series, the data jam's report published\n")


def _link_demo_outcomes(event: Event, by: User) -> None:
    """Link what the demo's other apps hold to the data jam, where they exist."""
    request = DataRequest.objects.filter(is_hidden=False).order_by("pk").first()
    if request is not None:
        services.link_outcome(event, by=by, kind=OutcomeKind.DATA_REQUEST, target=request)
    project = Project.objects.order_by("pk").first()
    if project is not None:
        services.link_outcome(event, by=by, kind=OutcomeKind.PROJECT, target=project)
        problem = Problem.objects.filter(project=project, status="visible").order_by("pk").first()
        if problem is not None:
            services.link_outcome(event, by=by, kind=OutcomeKind.PROBLEM, target=problem)
        activity = Activity.objects.filter(project=project).order_by("pk").first()
        if activity is not None:
            services.link_outcome(event, by=by, kind=OutcomeKind.ACTIVITY, target=activity)
    for dataset in Dataset.objects.filter(publisher__slug="housing").order_by("pk")[:5]:
        if dataset.is_public_listing:
            services.link_outcome(event, by=by, kind=OutcomeKind.DATASET, target=dataset)
