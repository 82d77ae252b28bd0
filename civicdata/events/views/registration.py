"""Registering for an event (signed in or as a guest), the person's ticket page (accept or decline an
offered seat, cancel), and the agenda topics and pre-event survey open to people on the list.

Guests have no account: their ticket link (sent by e-mail) is what lets them manage their place, and
opening it remembers the registration in the browser session for the agenda and survey pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdata.accounts.permissions import is_signed_in
from civicdata.core import ratelimit
from civicdata.core.errors import ActionRefused, Conflict, InvalidInput, add_to_form
from civicdata.core.printing import qr_svg
from civicdata.events import permissions, services
from civicdata.events.attendee_forms import RegistrationForm, SurveyForm, TopicForm
from civicdata.events.models import AgendaTopic, Event, EventStatus, Registration, RegistrationStatus
from civicdata.events.services.agenda import ensure_can_take_part
from civicdata.events.services.registrations import availability, registration_state

SESSION_KEY = "events_tickets"
GUEST_RATE = "20/h"


def public_event(slug: str) -> Event:
    event = get_object_or_404(Event.objects.select_related("organization"), slug=slug)
    if event.status == EventStatus.DRAFT:
        raise Http404
    return event


def remember_ticket(request: HttpRequest, registration: Registration) -> None:
    codes = [code for code in request.session.get(SESSION_KEY, []) if code != registration.check_in_code]
    request.session[SESSION_KEY] = [registration.check_in_code, *codes][:20]


def current_registration(request: HttpRequest, event: Event) -> Registration | None:
    """The person's registration for `event`: their account's, else one whose ticket this browser opened."""
    rows = event.registrations.exclude(status=RegistrationStatus.CANCELLED)
    if is_signed_in(request.user):
        found = rows.filter(user=request.user).first()
        if found:
            return found
    codes = request.session.get(SESSION_KEY, [])
    return rows.filter(check_in_code__in=codes).first() if codes else None


def check_in_url(request: HttpRequest, registration: Registration) -> str:
    return request.build_absolute_uri(
        reverse("events:scan", kwargs={"slug": registration.event.slug, "code": registration.check_in_code})
    )


def registration_box(request: HttpRequest, event: Event) -> dict:
    """What `events/_registration_box.html` shows on the event page."""
    open_now, reason = registration_state(event)
    return {
        "open": open_now,
        "reason": reason,
        "seats": availability(event) if event.capacity is not None else None,
        "mine": current_registration(request, event),
        "organiser": permissions.can_organise(request.user, event),
    }


def register(request: HttpRequest, slug: str) -> HttpResponse:
    event = public_event(slug)
    guest = not is_signed_in(request.user)
    mine = current_registration(request, event)
    if mine is not None:
        return redirect("events:ticket", slug=event.slug, code=mine.check_in_code)
    open_now, reason = registration_state(event)
    form = RegistrationForm(request.POST or None, guest=guest)
    status = 200
    if request.method == "POST" and open_now:
        if guest and not ratelimit.hit("event-register", ratelimit.client_address(request), GUEST_RATE).allowed:
            form.add_error(None, _("Too many registrations from this connection. Try again in an hour."))
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                registration = services.register(
                    event,
                    user=request.user,
                    name=data.get("name", ""),
                    email=data.get("email", ""),
                    language=get_language() or settings.LANGUAGE_CODE,
                    accessibility_needs=data["accessibility_needs"],
                    accepted_code_of_conduct=data["code_of_conduct"],
                    demographics=form.demographics(),
                )
            except (InvalidInput, Conflict) as exc:
                add_to_form(form, exc)
                status = 400
            else:
                remember_ticket(request, registration)
                if registration.status == RegistrationStatus.REGISTERED:
                    messages.success(request, _("You are registered. We have e-mailed your ticket."))
                else:
                    messages.info(request, _("The event is full: you are on the waiting list."))
                return redirect("events:ticket", slug=event.slug, code=registration.check_in_code)
        else:
            status = 400
    context = {
        "event": event,
        "form": form,
        "open": open_now,
        "reason": reason,
        "guest": guest,
        "seats": availability(event),
    }
    return render(request, "events/register.html", context, status=status)


def _ticket(slug: str, code: str) -> Registration:
    return get_object_or_404(
        Registration.objects.select_related("event", "event__organization"), event__slug=slug, check_in_code=code
    )


def ticket(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """The person's ticket: status, QR code for the door, offer answer, cancel, certificate."""
    registration = _ticket(slug, code)
    if registration.status != RegistrationStatus.CANCELLED:
        remember_ticket(request, registration)
    context = {
        "event": registration.event,
        "registration": registration,
        "qr": qr_svg(check_in_url(request, registration)),
        "position": _waiting_position(registration),
    }
    response = render(request, "events/ticket.html", context)
    response["Referrer-Policy"] = "no-referrer"  # the address is the ticket
    return response


def _waiting_position(registration: Registration) -> int | None:
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = registration.event.registrations.filter(
        status=RegistrationStatus.WAITLISTED, walk_in=False, created_at__lte=registration.created_at
    ).exclude(created_at=registration.created_at, pk__gt=registration.pk)
    return ahead.count()


@require_POST
def ticket_action(request: HttpRequest, slug: str, code: str, action: str) -> HttpResponse:
    registration = _ticket(slug, code)
    try:
        if action == "cancel":
            services.cancel_registration(registration)
            messages.success(request, _("Your registration is cancelled."))
        elif action == "accept":
            services.accept_offer(registration)
            messages.success(request, _("The seat is yours. We have e-mailed your ticket."))
        elif action == "decline":
            services.decline_offer(registration)
            messages.info(request, _("You declined the seat. It goes to the next person waiting."))
        else:
            raise Http404
    except Conflict as exc:
        messages.error(request, exc.message)
    return redirect("events:ticket", slug=slug, code=code)


def agenda(request: HttpRequest, slug: str) -> HttpResponse:
    """Proposed topics by votes; registrants propose and vote, organisers choose."""
    event = public_event(slug)
    mine = current_registration(request, event)
    topics = list(event.agenda_topics.all())
    voted = set(mine.topic_votes.values_list("topic_id", flat=True)) if mine else set()
    form = TopicForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.propose_topic(
                    event,
                    registration=mine,
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                )
            except InvalidInput as exc:
                add_to_form(form, exc)
                status = 400
            else:
                messages.success(request, _("Your topic is on the list, with your vote."))
                return redirect("events:agenda", slug=slug)
        else:
            status = 400
    context = {
        "event": event,
        "topics": topics,
        "voted": voted,
        "mine": mine,
        "form": form,
        "organiser": permissions.can_organise(request.user, event),
    }
    return render(request, "events/agenda.html", context, status=status)


@require_POST
def topic_action(request: HttpRequest, slug: str, pk: int, action: str) -> HttpResponse:
    event = public_event(slug)
    topic = get_object_or_404(AgendaTopic, event=event, pk=pk)
    mine = current_registration(request, event)
    if action == "vote":
        services.vote_for_topic(topic, registration=mine)
    elif action == "unvote":
        services.withdraw_vote(topic, registration=mine)
    elif action in ("choose", "unchoose"):
        services.choose_topic(topic, by=request.user, chosen=action == "choose")
    else:
        raise Http404
    return redirect(reverse("events:agenda", kwargs={"slug": slug}) + f"#topic-{topic.pk}")


def survey(request: HttpRequest, slug: str) -> HttpResponse:
    event = public_event(slug)
    mine = current_registration(request, event)
    try:
        ensure_can_take_part(mine, event)
    except ActionRefused:
        return render(request, "events/survey.html", {"event": event, "form": None}, status=403)
    questions = list(event.survey_questions.all())
    previous = mine.survey_responses.filter(event=event).first()
    initial = {key: str(value) for key, value in (previous.answers if previous else {}).items()}
    form = SurveyForm(request.POST or None, questions=questions, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.answer_survey(event, registration=mine, raw=form.cleaned_data)
        messages.success(request, _("Thank you. Your answers are saved and only the organisers see them."))
        return redirect("events:ticket", slug=slug, code=mine.check_in_code)
    return render(
        request,
        "events/survey.html",
        {"event": event, "form": form, "questions": questions},
        status=400 if request.method == "POST" else 200,
    )
