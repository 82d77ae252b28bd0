"""Before the event: agenda topics and challenge ideas that registrants propose and vote on, and the short
pre-event survey written by the organisers."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from civicdata.core.errors import ActionRefused, InvalidInput
from civicdata.events import permissions
from civicdata.events.models import (
    AgendaTopic,
    Event,
    QuestionKind,
    Registration,
    RegistrationStatus,
    SurveyQuestion,
    SurveyResponse,
    TopicVote,
)

MAX_QUESTIONS = 8


def ensure_can_take_part(registration: Registration | None, event: Event) -> Registration:
    """Topics, votes and the survey are for people on the list (a seat, a waiting place or an offer)."""
    if registration is None or registration.event_id != event.pk or registration.status == RegistrationStatus.CANCELLED:
        raise ActionRefused(
            _("Register for this event to propose topics, vote and answer the survey."), code="not_registered"
        )
    return registration


def propose_topic(event: Event, *, registration: Registration | None, title: str, description: str = "") -> AgendaTopic:
    """Add a topic or challenge idea; the person who proposes it votes for it too."""
    registration = ensure_can_take_part(registration, event)
    title = " ".join(title.split())
    if not title:
        raise InvalidInput(
            _("Give the topic a title."), details=[{"field": "title", "message": _("Give the topic a title.")}]
        )
    with transaction.atomic():
        topic = AgendaTopic.objects.create(
            event=event, proposed_by=registration, title=title[:200], description=description.strip()[:2000]
        )
        vote_for_topic(topic, registration=registration)
    topic.refresh_from_db()
    return topic


def vote_for_topic(topic: AgendaTopic, *, registration: Registration | None) -> bool:
    """One vote per registration and topic; False when the vote was already there. The unique constraint
    decides races, and the count moves only when a row was inserted."""
    registration = ensure_can_take_part(registration, topic.event)
    try:
        with transaction.atomic():
            TopicVote.objects.create(topic=topic, registration=registration)
            AgendaTopic.objects.filter(pk=topic.pk).update(vote_count=F("vote_count") + 1)
    except IntegrityError:
        return False
    return True


def withdraw_vote(topic: AgendaTopic, *, registration: Registration | None) -> bool:
    registration = ensure_can_take_part(registration, topic.event)
    with transaction.atomic():
        deleted, _ignored = TopicVote.objects.filter(topic=topic, registration=registration).delete()
        if deleted:
            AgendaTopic.objects.filter(pk=topic.pk, vote_count__gt=0).update(vote_count=F("vote_count") - 1)
    return bool(deleted)


def choose_topic(topic: AgendaTopic, *, by: Any, chosen: bool = True) -> AgendaTopic:
    """Organisers mark a topic as chosen for the agenda (or take it off)."""
    permissions.ensure_can_organise(by, topic.event)
    AgendaTopic.objects.filter(pk=topic.pk).update(chosen=chosen)
    topic.chosen = chosen
    return topic


def add_survey_question(event: Event, *, by: Any, prompt: str, kind: str, choices: str = "") -> SurveyQuestion:
    """Organisers add a question to the short pre-event survey (at most eight)."""
    permissions.ensure_can_organise(by, event)
    prompt = " ".join(prompt.split())
    problems = []
    if not prompt:
        problems.append({"field": "prompt", "message": _("Write the question.")})
    if kind not in QuestionKind.values:
        problems.append({"field": "kind", "message": _("Choose the kind of answer.")})
    lines = [line.strip() for line in choices.splitlines() if line.strip()]
    if kind == QuestionKind.CHOICE and len(lines) < 2:
        problems.append({"field": "choices", "message": _("Give at least two choices, one a line.")})
    if event.survey_questions.count() >= MAX_QUESTIONS:
        problems.append({"field": "prompt", "message": _("A survey has at most eight questions.")})
    if problems:
        raise InvalidInput(problems[0]["message"], details=problems)
    return SurveyQuestion.objects.create(
        event=event,
        prompt=prompt[:300],
        kind=kind,
        choices="\n".join(lines) if kind == QuestionKind.CHOICE else "",
        position=event.survey_questions.count(),
    )


def remove_survey_question(question: SurveyQuestion, *, by: Any) -> None:
    permissions.ensure_can_organise(by, question.event)
    question.delete()


def clean_answers(questions: list[SurveyQuestion], raw: dict[str, Any]) -> dict[str, Any]:
    """Keep only answers that fit their question: ratings 1–5, a listed choice, text up to 1,000 characters."""
    answers: dict[str, Any] = {}
    for question in questions:
        value = raw.get(str(question.pk))
        if value in (None, ""):
            continue
        if question.kind == QuestionKind.RATING:
            try:
                number = int(value)
            except (TypeError, ValueError):
                continue
            if 1 <= number <= 5:
                answers[str(question.pk)] = number
        elif question.kind == QuestionKind.CHOICE:
            if value in question.choice_list():
                answers[str(question.pk)] = value
        else:
            answers[str(question.pk)] = str(value).strip()[:1000]
    return answers


def answer_survey(event: Event, *, registration: Registration | None, raw: dict[str, Any]) -> SurveyResponse:
    """Store (or replace) the person's survey answers. Only organisers ever see them, in aggregate."""
    registration = ensure_can_take_part(registration, event)
    answers = clean_answers(list(event.survey_questions.all()), raw)
    response, _created = SurveyResponse.objects.update_or_create(
        event=event, registration=registration, defaults={"answers": answers}
    )
    return response
