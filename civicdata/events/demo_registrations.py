"""Demo registrations, attendance and feedback for whatever events the events demo published (called by
the lead's demo after the demo events exist): an upcoming event full with a waiting list and one pending
offer, agenda topics with votes and a short survey; past events with check-ins, walk-ins, feedback (some
typed in from paper cards) and so certificates. Nobody is e-mailed."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db.models import Q
from django.utils import timezone

from civicdata.accounts.models import User
from civicdata.events import services
from civicdata.events.models import (
    Demographics,
    Event,
    EventStatus,
    Feedback,
    Registration,
    RegistrationStatus,
    Role,
    Sector,
)
from civicdata.events.services.registrations import new_check_in_code

FIRST_NAMES = ["Ana", "Luis", "Mei", "Thảo", "Omar", "Grace", "Jesús", "Nguyễn", "Priya", "Sam", "Lucía", "Wei"]
LAST_NAMES = ["Pérez", "Okafor", "Chen", "Trần", "Haddad", "Kim", "Morín", "Văn An", "Shah", "Reyes", "Lopez", "Li"]
TOPICS = [
    ("Eviction filings by neighbourhood", "Where are eviction filings rising, and which data would show why?"),
    ("Bus stop accessibility", "Which stops lack ramps or shelters, and can riders report them?"),
    ("Heat and tree cover", "Combine the tree inventory with summer heat readings."),
    ("311 response times", "How long do pothole and streetlight requests take in each ward?"),
]
COMMENTS = [
    ("Working with the city's analysts at the same table.", "Start on time and share the datasets beforehand."),
    ("The mentors explained the data dictionary clearly.", "More power sockets, please."),
    ("Meeting people from my own street.", "A Spanish-speaking table would help."),
    ("", "The room was too warm."),
]


def _people(rng: random.Random, count: int) -> list[dict[str, Any]]:
    residents = list(User.objects.filter(email__regex=r"^resident\d\d@example\.org$").order_by("email"))
    people: list[dict[str, Any]] = [{"user": user} for user in residents]
    number = 0
    while len(people) < count:
        number += 1
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        people.append({"name": name, "email": f"guest{number:03d}@example.org"})
    rng.shuffle(people)
    return people[:count]


def _organiser() -> User | None:
    return User.objects.filter(Q(is_staff=True) | Q(is_superuser=True), is_active=True).order_by("pk").first()


def _demographics(rng: random.Random) -> dict[str, Any]:
    return {
        "role": rng.choice(["resident", "resident", "technologist", "student", "government", "journalist"]),
        "sector": rng.choice(["public", "nonprofit", "private", "academic", "none"]),
        "affiliation": rng.choice(["Code for Port Alder", "Alder University", "", "Port Alder Public Library"]),
        "first_time": rng.random() < 0.4,
    }


def _fill_upcoming(event: Event, rng: random.Random, out: Any) -> None:
    if event.capacity is None:
        # The demo needs a full event; the lead's demo events may leave capacity empty.
        Event.objects.filter(pk=event.pk).update(capacity=24)
        event.refresh_from_db()
    people = _people(rng, event.capacity + 7)
    registrations = []
    for person in people:
        registration = services.register(
            event,
            user=person.get("user"),
            name=person.get("name", ""),
            email=person.get("email", ""),
            accepted_code_of_conduct=True,
            demographics=_demographics(rng) if rng.random() < 0.7 else None,
            accessibility_needs="Step-free access" if rng.random() < 0.08 else "",
            notify=False,
        )
        registrations.append(registration)
    seated = [r for r in registrations if r.status == RegistrationStatus.REGISTERED]
    services.cancel_registration(seated[-1], notify=False)  # the first person waiting is offered the seat
    voters = [r for r in registrations if r.status != RegistrationStatus.CANCELLED]
    for title, description in TOPICS:
        topic = services.propose_topic(event, registration=rng.choice(voters), title=title, description=description)
        for voter in rng.sample(voters, rng.randint(3, min(15, len(voters)))):
            services.vote_for_topic(topic, registration=voter)
    organiser = _organiser()
    if organiser is not None and not event.survey_questions.exists():
        level = services.add_survey_question(
            event, by=organiser, prompt="How comfortable are you with spreadsheets?", kind="rating"
        )
        track = services.add_survey_question(
            event, by=organiser, prompt="Which track interests you most?", kind="choice",
            choices="Housing\nTransport\nEnvironment",
        )  # fmt: skip
        for registration in rng.sample(voters, min(12, len(voters))):
            answers = {str(level.pk): str(rng.randint(1, 5)), str(track.pk): rng.choice(track.choice_list())}
            services.answer_survey(event, registration=registration, raw=answers)
    out.write(f"  {event.title}: full, {len(registrations) - event.capacity} waiting, one offer open\n")


def _fill_past(event: Event, rng: random.Random, organiser: User | None, out: Any) -> None:
    """Past events took registrations before they happened, so their rows are written as history."""
    if event.registrations.exists():
        return
    booked = event.starts_at - dt.timedelta(days=10)
    people = _people(rng, min(event.capacity or 30, 30))
    rows = []
    for index, person in enumerate(people):
        user = person.get("user")
        rows.append(
            Registration(
                event=event, user=user, name=person.get("name") or (user.display_name or user.email.split("@")[0]),
                email=person.get("email") or user.email, status=RegistrationStatus.REGISTERED,
                check_in_code=new_check_in_code(), code_of_conduct_accepted_at=booked,
                created_at=booked + dt.timedelta(minutes=index), updated_at=booked,
            )
        )  # fmt: skip
    Registration.objects.bulk_create(rows)
    saved = list(event.registrations.order_by("created_at", "id"))
    Demographics.objects.bulk_create(
        Demographics(registration=r, consented_at=booked, **_clean_demographics(_demographics(rng))) for r in saved[:20]
    )
    arrived = saved[: int(len(saved) * 0.8)]
    if organiser is not None:
        for registration in arrived:
            services.check_in(
                registration, by=organiser, now=event.starts_at + dt.timedelta(minutes=rng.randint(0, 40))
            )
        for number in range(3):
            services.register_walk_in(event, by=organiser, name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                                      email=f"walkin{event.pk}-{number}@example.org", now=event.starts_at)  # fmt: skip
    for registration in arrived[:12]:
        useful, improve = rng.choice(COMMENTS)
        services.give_feedback(event, registration=registration, rating=rng.choice([3, 4, 4, 5, 5]),
                               useful=useful, improve=improve, come_again=rng.random() < 0.85)  # fmt: skip
    if organiser is not None:
        for _card in range(6):
            useful, improve = rng.choice(COMMENTS)
            services.transcribe_card(event, by=organiser, rating=rng.choice([2, 4, 5]), useful=useful,
                                     improve=improve, come_again=rng.random() < 0.7)  # fmt: skip
    out.write(f"  {event.title}: {len(arrived)} checked in, {Feedback.objects.filter(event=event).count()} feedback\n")


def _clean_demographics(answers: dict[str, Any]) -> dict[str, Any]:
    return {
        "role": answers["role"] if answers["role"] in Role.values else "",
        "sector": answers["sector"] if answers["sector"] in Sector.values else "",
        "affiliation": answers["affiliation"],
        "first_time": answers["first_time"],
    }


def add_demo_registrations(rng: random.Random, out: Any) -> None:
    """Fill the published demo events: the first upcoming one (preferring one with a seat limit) gets a
    full house, a waiting list with one pending offer, topics with votes and a survey; each past one gets
    check-ins, walk-ins and feedback."""
    now = timezone.now()
    events = list(
        Event.objects.filter(status__in=[EventStatus.PUBLISHED, EventStatus.COMPLETED]).order_by("starts_at", "pk")
    )
    upcoming = [e for e in events if e.status == EventStatus.PUBLISHED and e.starts_at > now and e.registration_open]
    upcoming.sort(key=lambda e: e.capacity is None)
    if upcoming and not upcoming[0].registrations.exists():
        _fill_upcoming(upcoming[0], rng, out)
    organiser = _organiser()
    for event in [e for e in events if e.ends_at < now]:
        _fill_past(event, rng, organiser, out)
