"""Feedback after the event (online, from registrants or by the event's feedback link), organisers'
results with charts, typing in paper cards, and the organisers' survey questions and results."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdata.core import ratelimit
from civicdata.core.errors import ActionRefused, Conflict, InvalidInput, add_to_form
from civicdata.events import aggregates, charts, permissions, services
from civicdata.events.attendee_forms import FeedbackForm, QuestionForm
from civicdata.events.models import SurveyQuestion
from civicdata.events.services.feedback import feedback_open, feedback_token, token_is_valid
from civicdata.events.views.registration import current_registration, public_event

LINK_RATE = "30/h"


def feedback(request: HttpRequest, slug: str) -> HttpResponse:
    event = public_event(slug)
    token = request.GET.get("k", "") or request.POST.get("k", "")
    by_link = bool(token) and token_is_valid(event, token)
    mine = current_registration(request, event)
    open_now, reason = feedback_open(event)
    if open_now and mine is None and not by_link:
        open_now, reason = (
            False,
            _("Use the feedback link you were given, or sign in with the account you registered with."),
        )
    form = FeedbackForm(request.POST or None)
    status = 200
    if request.method == "POST" and open_now:
        if (
            by_link
            and mine is None
            and not ratelimit.hit("event-feedback", ratelimit.client_address(request), LINK_RATE).allowed
        ):
            form.add_error(None, _("Too many answers from this connection. Try again in an hour."))
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                services.give_feedback(
                    event,
                    registration=mine,
                    rating=data["rating"],
                    useful=data["useful"],
                    improve=data["improve"],
                    come_again=data["come_again"] or None,
                    by_link=by_link,
                )
            except (InvalidInput, Conflict) as exc:
                add_to_form(form, exc)
                status = 400
            except ActionRefused as exc:
                form.add_error(None, exc.message)
                status = 403
            else:
                return render(request, "events/feedback_thanks.html", {"event": event})
        else:
            status = 400
    context = {"event": event, "form": form, "open": open_now, "reason": reason, "token": token if by_link else ""}
    return render(request, "events/feedback.html", context, status=status)


@login_required
def results(request: HttpRequest, slug: str) -> HttpResponse:
    """Organisers: feedback and survey results as charts, and the form to type in a paper card."""
    event = public_event(slug)
    permissions.ensure_can_organise(request.user, event)
    card_form = FeedbackForm(request.POST or None, auto_id="card_%s")
    status = 200
    if request.method == "POST":
        if card_form.is_valid():
            data = card_form.cleaned_data
            services.transcribe_card(
                event,
                by=request.user,
                rating=data["rating"],
                useful=data["useful"],
                improve=data["improve"],
                come_again=data["come_again"] or None,
            )
            messages.success(request, _("The card is saved. Type in the next one."))
            return redirect("events:results", slug=slug)
        status = 400
    summary = aggregates.feedback(event)
    survey = [
        (
            question,
            charts.bar_chart(result) if isinstance(result, aggregates.Bars) else None,
            result if isinstance(result, aggregates.Bars) else None,
            result if isinstance(result, list) else None,
        )
        for question, result in aggregates.survey(event)
    ]
    context = {
        "event": event,
        "summary": summary,
        "rating_chart": charts.bar_chart(summary.ratings),
        "again_chart": charts.bar_chart(summary.come_again),
        "survey": survey,
        "card_form": card_form,
        "feedback_link": request.build_absolute_uri(f"{event.get_absolute_url()}feedback/?k={feedback_token(event)}"),
    }
    return render(request, "events/results.html", context, status=status)


@login_required
@require_POST
def add_question(request: HttpRequest, slug: str) -> HttpResponse:
    event = public_event(slug)
    form = QuestionForm(request.POST, auto_id="q_%s")
    if form.is_valid():
        try:
            services.add_survey_question(event, by=request.user, **form.cleaned_data)
        except InvalidInput as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The question is added to the survey."))
    else:
        messages.error(request, _("Write the question and choose the kind of answer."))
    return redirect("events:registrants", slug=slug)


@login_required
@require_POST
def remove_question(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = public_event(slug)
    question = get_object_or_404(SurveyQuestion, event=event, pk=pk)
    if not permissions.can_organise(request.user, event):
        raise Http404
    services.remove_survey_question(question, by=request.user)
    return redirect("events:registrants", slug=slug)
