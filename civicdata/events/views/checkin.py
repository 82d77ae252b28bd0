"""Organisers' pages: the registrant list with attendance and aggregate answers, the CSV export (audited),
and the door: check-in by scanning a ticket's QR code or by finding a name on a phone, plus walk-ins.
Each check-in is one POST."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from civicdata.core.errors import Conflict, InvalidInput, add_to_form
from civicdata.events import aggregates, charts, permissions, services
from civicdata.events.attendee_forms import QuestionForm, WalkInForm
from civicdata.events.models import Registration, RegistrationStatus
from civicdata.events.services.checkin import export_registrants
from civicdata.events.views.registration import public_event

SEARCH_LIMIT = 25


@login_required
@require_safe
def registrants(request: HttpRequest, slug: str) -> HttpResponse:
    event = public_event(slug)
    permissions.ensure_can_organise(request.user, event)
    rows = list(event.registrations.order_by("status", "created_at", "id"))
    groups = aggregates.demographics(event)
    context = {
        "event": event,
        "registrations": rows,
        "attendance": aggregates.attendance(event),
        "demographics": [(bars, charts.bar_chart(bars)) for bars in groups],
        "needs": [r for r in rows if r.accessibility_needs and r.status != RegistrationStatus.CANCELLED],
        "question_form": QuestionForm(auto_id="q_%s"),
        "questions": list(event.survey_questions.all()),
    }
    return render(request, "events/registrants.html", context)


@login_required
@require_safe
def registrants_csv(request: HttpRequest, slug: str) -> HttpResponse:
    event = public_event(slug)
    body = export_registrants(event, by=request.user)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-registrants.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def door(request: HttpRequest, slug: str) -> HttpResponse:
    """The phone page at the door: find a name, check in with one tap, add a walk-in."""
    event = public_event(slug)
    permissions.ensure_can_organise(request.user, event)
    query = " ".join(request.GET.get("q", "").split())[:100]
    found = []
    if query:
        found = list(
            event.registrations.exclude(status=RegistrationStatus.CANCELLED)
            .filter(name__icontains=query)
            .order_by("name", "id")[:SEARCH_LIMIT]
        )
    context = {
        "event": event,
        "query": query,
        "found": found,
        "attendance": aggregates.attendance(event),
        "walk_in_form": WalkInForm(auto_id="walkin_%s"),
    }
    return render(request, "events/door.html", context)


@login_required
def scan(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """Where a ticket's QR code leads: organisers see the person and check them in; anyone else is told
    this page is for the organisers at the door."""
    registration = get_object_or_404(Registration.objects.select_related("event"), event__slug=slug, check_in_code=code)
    permissions.ensure_can_organise(request.user, registration.event)
    return render(request, "events/scan.html", {"event": registration.event, "registration": registration})


@login_required
@require_POST
def check_in(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    registration = get_object_or_404(Registration.objects.select_related("event"), event__slug=slug, pk=pk)
    try:
        if request.POST.get("undo"):
            services.undo_check_in(registration, by=request.user)
            messages.info(request, _("Check-in of %(name)s taken back.") % {"name": registration.name})
        elif services.check_in(registration, by=request.user):
            messages.success(request, _("%(name)s is checked in.") % {"name": registration.name})
        else:
            messages.info(request, _("%(name)s was already checked in.") % {"name": registration.name})
    except Conflict as exc:
        messages.error(request, exc.message)
    back = request.POST.get("next", "")
    if back == "scan":
        return redirect("events:scan", slug=slug, code=registration.check_in_code)
    query = request.POST.get("q", "")
    return redirect(reverse("events:door", kwargs={"slug": slug}) + (f"?q={query}" if query else ""))


@login_required
@require_POST
def walk_in(request: HttpRequest, slug: str) -> HttpResponse:
    event = public_event(slug)
    permissions.ensure_can_organise(request.user, event)
    form = WalkInForm(request.POST, auto_id="walkin_%s")
    if form.is_valid():
        try:
            person = services.register_walk_in(
                event, by=request.user, name=form.cleaned_data["name"], email=form.cleaned_data["email"]
            )
        except (InvalidInput, Conflict) as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("%(name)s is registered as a walk-in and checked in.") % {"name": person.name})
            return redirect("events:door", slug=slug)
    context = {
        "event": event,
        "query": "",
        "found": [],
        "attendance": aggregates.attendance(event),
        "walk_in_form": form,
    }
    return render(request, "events/door.html", context, status=400)
