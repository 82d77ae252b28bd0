"""The organisers' pages: create an event or a series, edit it, and the planning workspace (purpose first,
capability check, partners, roles, tick tock, goals, then the follow-up: tracking sheet, lessons, report,
commitments and what the event produced). Every POST parses one form and calls one service."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from civicdata.accounts.models import Organization
from civicdata.accounts.permissions import ensure_signed_in
from civicdata.catalog.models import Dataset
from civicdata.core.audit import record_write
from civicdata.core.errors import ActionRefused, Conflict, InvalidInput, NotSignedIn, add_to_form
from civicdata.core.spreadsheet import csv_text
from civicdata.demand.models import DataRequest
from civicdata.events import permissions, services
from civicdata.events import workspace_forms as forms
from civicdata.events.models import (
    Commitment,
    Event,
    EventGoal,
    EventOutcome,
    EventRole,
    EventSeries,
    OutcomeKind,
    PartnerContribution,
    PlanningTask,
)
from civicdata.projects.models import Activity, Problem, Project, UseCase


def _organizer_event(request: HttpRequest, slug: str) -> Event:
    event = get_object_or_404(Event.objects.select_related("organization", "series"), slug=slug)
    permissions.ensure_can_view(request.user, event)  # a draft stays "not found" for outsiders
    permissions.ensure_can_organise(request.user, event)
    return event


def _zone(event: Event) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(event.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _organizations(request: HttpRequest) -> list[Organization]:
    ensure_signed_in(request.user)
    organizations = permissions.organizing_organizations(request.user)
    if not organizations:
        raise ActionRefused(_("Only editors of an organisation can plan its events."), code="not_organiser")
    return organizations


def _chosen(organizations: list[Organization], pk: str) -> Organization:
    return next(org for org in organizations if str(org.pk) == pk)


@require_http_methods(["GET", "HEAD", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    """Start planning an event: it is saved as a draft with its type's goals, roles, tasks and run of show."""
    organizations = _organizations(request)
    series = list(EventSeries.objects.filter(organization__in=organizations))
    form = forms.EventForm(request.POST or None, organizations=organizations, series=series)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = services.create_event(
                organization=_chosen(organizations, data["organization"]),
                by=request.user,
                event_type=data["event_type"],
                title=data["title"],
                purpose=data["purpose"],
                description=data["description"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                time_zone=data["time_zone"],
                venue_name=data["venue_name"],
                address=data["address"],
                online_url=data["online_url"],
                capacity=data["capacity"],
                series=next((s for s in series if str(s.pk) == data["series"]), None),
                topic=data["topic"],
            )
        except InvalidInput as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Event created as a draft. Set its goals and tasks, then publish it."))
            return redirect("events:workspace", slug=event.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "events/event_form.html", {"form": form, "event": None}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def event_edit(request: HttpRequest, slug: str) -> HttpResponse:
    event = _organizer_event(request, slug)
    series = list(EventSeries.objects.filter(organization=event.organization))
    plan = services.plan_of(event)
    zone = _zone(event)
    initial = {
        "organization": str(event.organization_id),
        "event_type": event.event_type,
        "title": event.title,
        "purpose": event.purpose,
        "description": event.description,
        "starts_at": timezone.localtime(event.starts_at, zone),
        "ends_at": timezone.localtime(event.ends_at, zone),
        "time_zone": event.time_zone,
        "venue_name": event.venue_name,
        "address": event.address,
        "online_url": event.online_url,
        "capacity": event.capacity,
        "series": str(event.series_id or ""),
        "topic": plan.topic,
    }
    form = forms.EventForm(request.POST or None, initial=initial, organizations=[event.organization], series=series)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {name: data[name] for name in services.EDITABLE_FIELDS if name in data and name != "series"}
        changes["series"] = next((s for s in series if str(s.pk) == data["series"]), None)
        changes.pop("registration_open", None)
        try:
            services.update_event(event, by=request.user, changes=changes)
            if data["topic"] != plan.topic:
                services.save_plan(event, by=request.user, answers={"topic": data["topic"]})
        except InvalidInput as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Event saved."))
            return redirect("events:workspace", slug=event.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "events/event_form.html", {"form": form, "event": event}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def series_create(request: HttpRequest) -> HttpResponse:
    organizations = _organizations(request)
    form = forms.SeriesForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            series = services.create_series(
                organization=_chosen(organizations, data["organization"]),
                by=request.user,
                title=data["title"],
                description=data["description"],
            )
        except InvalidInput as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Series created. Choose it when you create or edit an event."))
            return redirect("events:series", slug=series.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "events/series_form.html", {"form": form}, status=status)


@require_safe
def workspace(request: HttpRequest, slug: str) -> HttpResponse:
    """The whole plan of one event on one page, purpose first."""
    event = _organizer_event(request, slug)
    plan = services.plan_of(event)
    today = timezone.localdate()
    tasks = list(event.tasks.all())
    partner_ids = set(event.contributions.values_list("organization_id", flat=True))
    candidates = [
        org
        for org in Organization.objects.exclude(pk=event.organization_id).order_by("name")
        if org.pk not in partner_ids
    ]
    outcomes = list(
        EventOutcome.objects.filter(event=event).select_related(
            "data_request", "problem__project", "use_case__project", "project", "dataset", "activity__project"
        )
    )
    linked_projects = [o.project for o in outcomes if o.kind == OutcomeKind.PROJECT]
    context = {
        "event": event,
        "plan": plan,
        "capability_form": forms.CapabilityForm(initial={name: getattr(plan, name) for name in services.PLAN_FIELDS}),
        "partners": list(event.contributions.select_related("organization")),
        "partner_form": forms.PartnerForm(organizations=candidates, auto_id="partner_%s") if candidates else None,
        "roles": list(event.roles.all()),
        "role_form": forms.RoleForm(auto_id="role_%s"),
        "tasks": tasks,
        "overdue": [task for task in tasks if task.is_overdue(today)],
        "today": today,
        "task_form": forms.TaskForm(auto_id="task_%s"),
        "goals": services.goal_actuals(event),
        "goal_form": forms.GoalForm(auto_id="goal_%s", initial={"mission_goal": plan.mission_goal[:300]}),
        "attendance": services.attendance_figures(event),
        "tracking_form": forms.TrackingForm(
            auto_id="tracking_%s", initial={name: getattr(plan, name) for name in services.TRACKING_FIELDS}
        ),
        "tracking_counts": list(event.tracking_counts.all()),
        "count_form": forms.TrackingCountForm(auto_id="count_%s"),
        "lessons_form": forms.LessonsForm(auto_id="lessons_%s", initial={"lessons": plan.lessons_learned}),
        "report_form": forms.ReportForm(auto_id="report_%s", initial={"summary": plan.report_summary}),
        "report_public": services.report_is_public(event),
        "commitments": list(event.commitments.select_related("owner_user")),
        "commitment_form": forms.CommitmentForm(auto_id="commitment_%s"),
        "outcomes": outcomes,
        "outcome_form": forms.OutcomeForm(auto_id="outcome_%s"),
        "linked_items": _linked_project_items(linked_projects),
        "is_past": event.ends_at < timezone.now(),
    }
    return render(request, "events/workspace.html", context)


def _linked_project_items(projects: list[Project]) -> list[dict[str, Any]]:
    """Problems, use cases and activities of the projects linked to the event, with the numbers staff
    type to link them."""
    if not projects:
        return []
    return [
        {
            "project": project,
            "problems": list(Problem.objects.filter(project=project).values_list("pk", "title")[:50]),
            "use_cases": list(UseCase.objects.filter(project=project).values_list("pk", "title")[:50]),
            "activities": list(Activity.objects.filter(project=project).values_list("pk", "title")[:50]),
        }
        for project in projects
    ]


def _act(request: HttpRequest, event: Event, action: Callable[[], Any], *, success: str, anchor: str) -> HttpResponse:
    """Run one service call for a POST; on refusal show the service's reason and go back (nothing was
    written: each service is one transaction)."""
    target = reverse("events:workspace", kwargs={"slug": event.slug}) + f"#{anchor}"
    try:
        action()
    except NotSignedIn:
        return redirect_to_login(request.get_full_path())
    except (Conflict, InvalidInput) as exc:
        messages.error(request, exc.message)
        return redirect(target)
    messages.success(request, success)
    return redirect(target)


def _form_refused(request: HttpRequest, event: Event, form: Any, anchor: str) -> HttpResponse:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))
    return redirect(reverse("events:workspace", kwargs={"slug": event.slug}) + f"#{anchor}")


@require_POST
def event_publish(request: HttpRequest, slug: str) -> HttpResponse:
    event = _organizer_event(request, slug)
    return _act(
        request,
        event,
        lambda: services.publish_event(event, by=request.user),
        success=_("Published: the event is on the events list and in the calendar feeds."),
        anchor="status",
    )


@require_POST
def event_cancel(request: HttpRequest, slug: str) -> HttpResponse:
    event = _organizer_event(request, slug)
    return _act(
        request,
        event,
        lambda: services.cancel_event(event, by=request.user),
        success=_("Cancelled. The page and subscribed calendars now show the event as cancelled."),
        anchor="status",
    )


@require_POST
def event_complete(request: HttpRequest, slug: str) -> HttpResponse:
    event = _organizer_event(request, slug)
    return _act(
        request,
        event,
        lambda: services.complete_event(event, by=request.user),
        success=_("Marked as held. Fill in the tracking sheet and the report."),
        anchor="status",
    )


@require_POST
def save_capability(request: HttpRequest, slug: str) -> HttpResponse:
    event = _organizer_event(request, slug)
    form = forms.CapabilityForm(request.POST)
    if not form.is_valid():
        return _form_refused(request, event, form, "capability")
    answers = {name: form.cleaned_data[name] or "" for name in services.PLAN_FIELDS}
    return _act(
        request,
        event,
        lambda: services.save_plan(event, by=request.user, answers=answers),
        success=_("Plan saved."),
        anchor="capability",
    )


@require_POST
def add_partner(request: HttpRequest, slug: str) -> HttpResponse:
    event = _organizer_event(request, slug)
    organizations = list(Organization.objects.exclude(pk=event.organization_id))
    form = forms.PartnerForm(request.POST, organizations=organizations)
    if not form.is_valid():
        return _form_refused(request, event, form, "partners")
    organization = _chosen(organizations, form.cleaned_data["organization"])
    return _act(
        request,
        event,
        lambda: services.add_partner(
            event, by=request.user, organization=organization, contribution=form.cleaned_data["contribution"]
        ),
        success=_("Partner added."),
        anchor="partners",
    )


@require_POST
def remove_partner(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _organizer_event(request, slug)
    row = get_object_or_404(PartnerContribution, event=event, pk=pk)
    return _act(
        request,
        event,
        lambda: services.remove_partner(event, by=request.user, organization=row.organization),
        success=_("Partner removed."),
        anchor="partners",
    )


@require_POST
def save_role(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    event = _organizer_event(request, slug)
    role = get_object_or_404(EventRole, event=event, pk=pk) if pk else None
    form = forms.RoleForm(request.POST)
    if not form.is_valid():
        return _form_refused(request, event, form, "roles")
    return _act(
        request,
        event,
        lambda: services.save_role(event, by=request.user, role=role, **form.cleaned_data),
        success=_("Role saved."),
        anchor="roles",
    )


@require_POST
def remove_role(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _organizer_event(request, slug)
    role = get_object_or_404(EventRole, event=event, pk=pk)
    return _act(
        request, event, lambda: services.remove_role(role, by=request.user), success=_("Role removed."), anchor="roles"
    )


@require_POST
def add_task(request: HttpRequest, slug: str) -> HttpResponse:
    event = _organizer_event(request, slug)
    form = forms.TaskForm(request.POST)
    if not form.is_valid():
        return _form_refused(request, event, form, "tasks")
    return _act(
        request,
        event,
        lambda: services.add_task(event, by=request.user, **form.cleaned_data),
        success=_("Task added."),
        anchor="tasks",
    )


@require_POST
def task_done(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _organizer_event(request, slug)
    task = get_object_or_404(PlanningTask, event=event, pk=pk)
    done = request.POST.get("done") == "1"
    return _act(
        request,
        event,
        lambda: services.set_task_done(task, by=request.user, done=done),
        success=_("Task ticked off.") if done else _("Task opened again."),
        anchor="tasks",
    )


@require_POST
def save_goal(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    event = _organizer_event(request, slug)
    goal = get_object_or_404(EventGoal, event=event, pk=pk) if pk else None
    form = forms.GoalForm(request.POST)
    if not form.is_valid():
        return _form_refused(request, event, form, "goals")
    return _act(
        request,
        event,
        lambda: services.set_goal(event, by=request.user, goal=goal, **form.cleaned_data),
        success=_("Goal saved."),
        anchor="goals",
    )


@require_POST
def goal_actual(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _organizer_event(request, slug)
    goal = get_object_or_404(EventGoal, event=event, pk=pk)
    form = forms.ActualForm(request.POST)
    if not form.is_valid():
        return _form_refused(request, event, form, "goals")
    return _act(
        request,
        event,
        lambda: services.enter_actual(goal, by=request.user, actual=form.cleaned_data["actual"]),
        success=_("Actual saved."),
        anchor="goals",
    )


@require_POST
def remove_goal(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _organizer_event(request, slug)
    goal = get_object_or_404(EventGoal, event=event, pk=pk)
    return _act(
        request, event, lambda: services.remove_goal(goal, by=request.user), success=_("Goal removed."), anchor="goals"
    )


@require_POST
def save_tracking(request: HttpRequest, slug: str) -> HttpResponse:
    event = _organizer_event(request, slug)
    form = forms.TrackingForm(request.POST)
    if not form.is_valid():
        return _form_refused(request, event, form, "tracking")
    figures = dict(form.cleaned_data)
    figures["social_media"] = figures["social_media"] or ""
    return _act(
        request,
        event,
        lambda: services.save_tracking(event, by=request.user, figures=figures),
        success=_("Tracking sheet saved."),
        anchor="tracking",
    )


@require_POST
def set_tracking_count(request: HttpRequest, slug: str) -> HttpResponse:
    event = _organizer_event(request, slug)
    form = forms.TrackingCountForm(request.POST)
    if not form.is_valid():
        return _form_refused(request, event, form, "tracking")
    return _act(
        request,
        event,
        lambda: services.set_tracking_count(event, by=request.user, **form.cleaned_data),
        success=_("Tracking sheet saved."),
        anchor="tracking",
    )


@require_safe
def tracking_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The post-event tracking sheet as CSV (counts only); each export is recorded in the audit log."""
    event = _organizer_event(request, slug)
    header, *rows = services.tracking_rows(event)
    response = HttpResponse(csv_text(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-tracking.csv"'
    record_write(actor=request.user, action="export_event_tracking", target=event)
    return response


@require_POST
def save_lessons(request: HttpRequest, slug: str) -> HttpResponse:
    event = _organizer_event(request, slug)
    form = forms.LessonsForm(request.POST)
    if not form.is_valid():
        return _form_refused(request, event, form, "lessons")
    return _act(
        request,
        event,
        lambda: services.save_lessons(event, by=request.user, lessons=form.cleaned_data["lessons"]),
        success=_("Lessons saved."),
        anchor="lessons",
    )


@require_POST
def save_report(request: HttpRequest, slug: str) -> HttpResponse:
    event = _organizer_event(request, slug)
    form = forms.ReportForm(request.POST)
    if not form.is_valid():
        return _form_refused(request, event, form, "report")
    publish = request.POST.get("publish") == "1"

    def act() -> None:
        services.save_report(event, by=request.user, summary=form.cleaned_data["summary"])
        if publish:
            services.publish_report(event, by=request.user)

    return _act(
        request,
        event,
        act,
        success=_("Report published.") if publish else _("Report saved."),
        anchor="report",
    )


@require_POST
def add_commitment(request: HttpRequest, slug: str) -> HttpResponse:
    event = _organizer_event(request, slug)
    form = forms.CommitmentForm(request.POST)
    if not form.is_valid():
        return _form_refused(request, event, form, "commitments")
    data = form.cleaned_data
    owner_user = None
    if data["owner_email"]:
        owner_user = get_user_model().objects.filter(email__iexact=data["owner_email"], is_active=True).first()
        if owner_user is None:
            messages.error(request, _("No account uses that e-mail address; leave it empty to remind the organiser."))
            return redirect(reverse("events:workspace", kwargs={"slug": event.slug}) + "#commitments")
    return _act(
        request,
        event,
        lambda: services.add_commitment(
            event,
            by=request.user,
            description=data["description"],
            owner=data["owner"],
            due_on=data["due_on"],
            owner_user=owner_user,
        ),
        success=_("Commitment added; its owner is reminded until it is done."),
        anchor="commitments",
    )


@require_POST
def commitment_done(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _organizer_event(request, slug)
    commitment = get_object_or_404(Commitment, event=event, pk=pk)
    done = request.POST.get("done") == "1"
    return _act(
        request,
        event,
        lambda: services.set_commitment_done(commitment, by=request.user, done=done),
        success=_("Commitment done.") if done else _("Commitment opened again."),
        anchor="commitments",
    )


def find_outcome_target(kind: str, reference: str) -> Any:
    """The record a staff member means by a page address or a number; None when nothing matches."""
    reference = reference.strip()
    path = reference.split("://", 1)[-1]
    path = "/" + path.split("/", 1)[1] if "://" in reference and "/" in path else path
    path = path.split("?", 1)[0]
    try:
        match = resolve(path if path.endswith("/") else path + "/")
    except Resolver404:
        match = None
    if kind == OutcomeKind.DATA_REQUEST:
        pk = match.kwargs.get("pk") if match and match.view_name == "demand:detail" else reference
        return DataRequest.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    if kind == OutcomeKind.PROJECT:
        slug = match.kwargs.get("slug") if match and match.view_name.startswith("projects:") else reference
        return Project.objects.filter(slug=slug).first()
    if kind == OutcomeKind.DATASET:
        key = match.kwargs.get("key") if match and match.view_name == "catalog:dataset" else reference
        return Dataset.objects.filter(identifier=key).first() or Dataset.objects.filter(name=key).first()
    model = {OutcomeKind.PROBLEM: Problem, OutcomeKind.USE_CASE: UseCase, OutcomeKind.ACTIVITY: Activity}.get(kind)
    if model is None or not reference.isdigit():
        return None
    return model.objects.filter(pk=int(reference)).first()


@require_POST
def link_outcome(request: HttpRequest, slug: str) -> HttpResponse:
    event = _organizer_event(request, slug)
    form = forms.OutcomeForm(request.POST)
    if not form.is_valid():
        return _form_refused(request, event, form, "outcomes")
    kind = form.cleaned_data["kind"]
    target = find_outcome_target(kind, form.cleaned_data["reference"])
    if target is None:
        messages.error(request, _("Nothing found at that address or number."))
        return redirect(reverse("events:workspace", kwargs={"slug": event.slug}) + "#outcomes")
    return _act(
        request,
        event,
        lambda: services.link_outcome(event, by=request.user, kind=kind, target=target),
        success=_("Linked: the event page lists it."),
        anchor="outcomes",
    )


@require_POST
def unlink_outcome(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _organizer_event(request, slug)
    outcome = get_object_or_404(EventOutcome, event=event, pk=pk)
    return _act(
        request,
        event,
        lambda: services.unlink_outcome(outcome, by=request.user),
        success=_("Link removed."),
        anchor="outcomes",
    )


@require_safe
def my_events(request: HttpRequest) -> HttpResponse:
    """The events of the organisations the person plans for, drafts included."""
    organizations = _organizations(request)
    events = (
        Event.objects.filter(organization__in=organizations).select_related("organization").order_by("-starts_at")[:200]
    )
    open_tasks = {
        row["event"]: row["n"]
        for row in PlanningTask.objects.filter(
            event__in=[e.pk for e in events], done_at__isnull=True, due_on__lt=timezone.localdate()
        )
        .values("event")
        .annotate(n=Count("pk"))
    }
    rows = [(event, open_tasks.get(event.pk, 0)) for event in events]
    return render(request, "events/manage.html", {"rows": rows})
