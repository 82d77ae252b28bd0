"""Counts for organisers: attendance, demographic groups, survey and feedback results. Only counts leave
this module, and a demographic group of fewer than five people is folded into "fewer than 5" so that
nobody can be picked out."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from civicdata.events.models import (
    Demographics,
    Event,
    Feedback,
    FeedbackSource,
    QuestionKind,
    RegistrationStatus,
    Role,
    Sector,
)

SMALLEST_GROUP = 5


@dataclass(frozen=True)
class Bars:
    """One chart's worth of counts: (label, count) pairs in display order."""

    title: str
    rows: list[tuple[str, int]]
    hidden: int = 0  # people in groups too small to show

    @property
    def total(self) -> int:
        return sum(count for _label, count in self.rows) + self.hidden


@dataclass(frozen=True)
class Attendance:
    registered: int
    waiting: int
    offered: int
    cancelled: int
    checked_in: int
    walk_ins: int


def attendance(event: Event) -> Attendance:
    counts = event.registrations.aggregate(
        registered=Count("pk", filter=Q(status=RegistrationStatus.REGISTERED, walk_in=False)),
        waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITLISTED)),
        offered=Count("pk", filter=Q(status=RegistrationStatus.OFFERED)),
        cancelled=Count("pk", filter=Q(status=RegistrationStatus.CANCELLED)),
        checked_in=Count("pk", filter=Q(checked_in_at__isnull=False)),
        walk_ins=Count("pk", filter=Q(walk_in=True)),
    )
    return Attendance(**counts)


def _suppressed(title: str, counter: Counter, labels: dict[str, str]) -> Bars:
    rows, hidden = [], 0
    for key, count in counter.most_common():
        if count < SMALLEST_GROUP:
            hidden += count
        else:
            rows.append((labels.get(key, key), count))
    return Bars(title=title, rows=rows, hidden=hidden)


def demographics(event: Event) -> list[Bars]:
    """Role, sector, affiliation and first-timers among those who consented and did not cancel, each
    group of fewer than five people counted only in the "fewer than 5" total."""
    answers = list(
        Demographics.objects.filter(registration__event=event)
        .exclude(registration__status=RegistrationStatus.CANCELLED)
        .values("role", "sector", "affiliation", "first_time")
    )
    if len(answers) < SMALLEST_GROUP:
        return []
    yes_no = {"True": _("Yes"), "False": _("No")}
    return [
        _suppressed(_("Role"), Counter(a["role"] for a in answers if a["role"]), dict(Role.choices)),
        _suppressed(_("Sector"), Counter(a["sector"] for a in answers if a["sector"]), dict(Sector.choices)),
        _suppressed(_("Affiliation"), Counter(a["affiliation"].casefold() for a in answers if a["affiliation"]), {}),
        _suppressed(
            _("First civicdata event"),
            Counter(str(a["first_time"]) for a in answers if a["first_time"] is not None),
            yes_no,
        ),
    ]


@dataclass(frozen=True)
class FeedbackSummary:
    count: int
    paper: int
    average: float | None
    ratings: Bars
    come_again: Bars
    comments: list[Feedback] = field(default_factory=list)


def feedback(event: Event) -> FeedbackSummary:
    rows = list(event.feedback.all())
    ratings = Counter(row.rating for row in rows)
    again = Counter(row.come_again for row in rows if row.come_again is not None)
    return FeedbackSummary(
        count=len(rows),
        paper=sum(1 for row in rows if row.source == FeedbackSource.PAPER),
        average=round(sum(row.rating for row in rows) / len(rows), 1) if rows else None,
        ratings=Bars(_("Overall rating"), [(f"{n} / 5", ratings.get(n, 0)) for n in range(5, 0, -1)]),
        come_again=Bars(_("Would come again"), [(_("Yes"), again.get(True, 0)), (_("No"), again.get(False, 0))]),
        comments=[row for row in rows if row.useful or row.improve],
    )


def survey(event: Event) -> list[tuple[object, Bars | list[str]]]:
    """For each survey question: bars for ratings and choices, the written answers for text questions."""
    questions = list(event.survey_questions.all())
    responses = [response.answers for response in event.survey_responses.all()]
    results: list[tuple[object, Bars | list[str]]] = []
    for question in questions:
        values = [answers[str(question.pk)] for answers in responses if str(question.pk) in answers]
        if question.kind == QuestionKind.TEXT:
            results.append((question, [str(value) for value in values]))
        elif question.kind == QuestionKind.RATING:
            counts = Counter(values)
            results.append((question, Bars(question.prompt, [(f"{n} / 5", counts.get(n, 0)) for n in range(5, 0, -1)])))
        else:
            counts = Counter(values)
            results.append(
                (
                    question,
                    Bars(question.prompt, [(choice, counts.get(choice, 0)) for choice in question.choice_list()]),
                )
            )
    return results
