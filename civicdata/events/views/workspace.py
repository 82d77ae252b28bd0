"""The organisers' pages: create an event or a series, edit it, and the planning workspace (purpose first,
capability check, partners, roles, tick tock, goals, then the follow-up: tracking sheet, lessons, report,
commitments and what the event produced). Every POST parses one form and calls one service."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from functools import wraps
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


def _back(event: Event, anchor: str) -> HttpResponse:
    return redirect(reverse("events:workspace", kwargs={"slug": event.slug}) + f"#{anchor}")


def _form_refused(request: HttpRequest, event: Event, form: Any, anchor: str) -> HttpResponse:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))
    return _back(event, anchor)


#: A workspace action: given the request, the organiser's event, the form's cleaned data (empty without a
#: form) and the address's other arguments, it calls one service and returns the message that says it worked.
Action = Callable[..., str]


def workspace_post(
    anchor: str, form: type[Any] | None = None, form_kwargs: Callable[[Event], dict[str, Any]] | None = None
) -> Callable[[Action], Callable[..., HttpResponse]]:
    """The one shape of every workspace POST: find the event the person organises (404 for a draft they
    may not see), check the form, run the action, then go back to the workspace section `anchor` with a
    success message, or with the form's or the service's reason (nothing is written: each service is one
    transaction). Raise InvalidInput in an action to refuse with a message."""

    def decorate(action: Action) -> Callable[..., HttpResponse]:
        @require_POST
        @wraps(action)
        def view(request: HttpRequest, slug: str, **kwargs: Any) -> HttpResponse:
            event = _organizer_event(request, slug)
            data: dict[str, Any] = {}
            if form is not None:
                bound = form(request.POST, **(form_kwargs(event) if form_kwargs else {}))
                if not bound.is_valid():
                    return _form_refused(request, event, bound, anchor)
                data = bound.cleaned_data
            try:
                success = action(request, event, data, **kwargs)
            except NotSignedIn:
                return redirect_to_login(request.get_full_path())
            except (Conflict, InvalidInput) as exc:
                messages.error(request, exc.message)
                return _back(event, anchor)
            messages.success(request, success)
            return _back(event, anchor)

        return view

    return decorate


def _done(request: HttpRequest) -> bool:
    return request.POST.get("done") == "1"


@workspace_post("status")
def event_publish(request: HttpRequest, event: Event, data: dict[str, Any]) -> str:
    services.publish_event(event, by=request.user)
    return _("Published: the event is on the events list and in the calendar feeds.")


@workspace_post("status")
def event_cancel(request: HttpRequest, event: Event, data: dict[str, Any]) -> str:
    services.cancel_event(event, by=request.user)
    return _("Cancelled. The page and subscribed calendars now show the event as cancelled.")


@workspace_post("status")
def event_complete(request: HttpRequest, event: Event, data: dict[str, Any]) -> str:
    services.complete_event(event, by=request.user)
    return _("Marked as held. Fill in the tracking sheet and the report.")


@workspace_post("capability", forms.CapabilityForm)
def save_capability(request: HttpRequest, event: Event, data: dict[str, Any]) -> str:
    services.save_plan(event, by=request.user, answers={name: data[name] or "" for name in services.PLAN_FIELDS})
    return _("Plan saved.")


def _partner_choices(event: Event) -> dict[str, Any]:
    return {"organizations": list(Organization.objects.exclude(pk=event.organization_id))}


@workspace_post("partners", forms.PartnerForm, _partner_choices)
def add_partner(request: HttpRequest, event: Event, data: dict[str, Any]) -> str:
    organization = Organization.objects.get(pk=data["organization"])  # the form allowed only these choices
    services.add_partner(event, by=request.user, organization=organization, contribution=data["contribution"])
    return _("Partner added.")


@workspace_post("partners")
def remove_partner(request: HttpRequest, event: Event, data: dict[str, Any], pk: int) -> str:
    row = get_object_or_404(PartnerContribution, event=event, pk=pk)
    services.remove_partner(event, by=request.user, organization=row.organization)
    return _("Partner removed.")


@workspace_post("roles", forms.RoleForm)
def save_role(request: HttpRequest, event: Event, data: dict[str, Any], pk: int | None = None) -> str:
    role = get_object_or_404(EventRole, event=event, pk=pk) if pk else None
    services.save_role(event, by=request.user, role=role, **data)
    return _("Role saved.")


@workspace_post("roles")
def remove_role(request: HttpRequest, event: Event, data: dict[str, Any], pk: int) -> str:
    services.remove_role(get_object_or_404(EventRole, event=event, pk=pk), by=request.user)
    return _("Role removed.")


@workspace_post("tasks", forms.TaskForm)
def add_task(request: HttpRequest, event: Event, data: dict[str, Any]) -> str:
    services.add_task(event, by=request.user, **data)
    return _("Task added.")


@workspace_post("tasks")
def task_done(request: HttpRequest, event: Event, data: dict[str, Any], pk: int) -> str:
    task = get_object_or_404(PlanningTask, event=event, pk=pk)
    services.set_task_done(task, by=request.user, done=_done(request))
    return _("Task ticked off.") if _done(request) else _("Task opened again.")


@workspace_post("goals", forms.GoalForm)
def save_goal(request: HttpRequest, event: Event, data: dict[str, Any], pk: int | None = None) -> str:
    goal = get_object_or_404(EventGoal, event=event, pk=pk) if pk else None
    services.set_goal(event, by=request.user, goal=goal, **data)
    return _("Goal saved.")


@workspace_post("goals", forms.ActualForm)
def goal_actual(request: HttpRequest, event: Event, data: dict[str, Any], pk: int) -> str:
    services.enter_actual(get_object_or_404(EventGoal, event=event, pk=pk), by=request.user, actual=data["actual"])
    return _("Actual saved.")


@workspace_post("goals")
def remove_goal(request: HttpRequest, event: Event, data: dict[str, Any], pk: int) -> str:
    services.remove_goal(get_object_or_404(EventGoal, event=event, pk=pk), by=request.user)
    return _("Goal removed.")


@workspace_post("tracking", forms.TrackingForm)
def save_tracking(request: HttpRequest, event: Event, data: dict[str, Any]) -> str:
    figures = {**data, "social_media": data["social_media"] or ""}
    services.save_tracking(event, by=request.user, figures=figures)
    return _("Tracking sheet saved.")


@workspace_post("tracking", forms.TrackingCountForm)
def set_tracking_count(request: HttpRequest, event: Event, data: dict[str, Any]) -> str:
    services.set_tracking_count(event, by=request.user, **data)
    return _("Tracking sheet saved.")


@require_safe
def tracking_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The post-event tracking sheet as CSV (counts only); each export is recorded in the audit log."""
    event = _organizer_event(request, slug)
    header, *rows = services.tracking_rows(event)
    response = HttpResponse(csv_text(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-tracking.csv"'
    record_write(actor=request.user, action="export_event_tracking", target=event)
    return response


@workspace_post("lessons", forms.LessonsForm)
def save_lessons(request: HttpRequest, event: Event, data: dict[str, Any]) -> str:
    services.save_lessons(event, by=request.user, lessons=data["lessons"])
    return _("Lessons saved.")


@workspace_post("report", forms.ReportForm)
def save_report(request: HttpRequest, event: Event, data: dict[str, Any]) -> str:
    publish = request.POST.get("publish") == "1"
    services.save_report(event, by=request.user, summary=data["summary"])
    if publish:
        services.publish_report(event, by=request.user)
    return _("Report published.") if publish else _("Report saved.")


@workspace_post("commitments", forms.CommitmentForm)
def add_commitment(request: HttpRequest, event: Event, data: dict[str, Any]) -> str:
    owner_user = None
    if data["owner_email"]:
        owner_user = get_user_model().objects.filter(email__iexact=data["owner_email"], is_active=True).first()
        if owner_user is None:
            raise InvalidInput(_("No account uses that e-mail address; leave it empty to remind the organiser."))
    services.add_commitment(
        event,
        by=request.user,
        description=data["description"],
        owner=data["owner"],
        due_on=data["due_on"],
        owner_user=owner_user,
    )
    return _("Commitment added; its owner is reminded until it is done.")


@workspace_post("commitments")
def commitment_done(request: HttpRequest, event: Event, data: dict[str, Any], pk: int) -> str:
    commitment = get_object_or_404(Commitment, event=event, pk=pk)
    services.set_commitment_done(commitment, by=request.user, done=_done(request))
    return _("Commitment done.") if _done(request) else _("Commitment opened again.")


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


@workspace_post("outcomes", forms.OutcomeForm)
def link_outcome(request: HttpRequest, event: Event, data: dict[str, Any]) -> str:
    target = find_outcome_target(data["kind"], data["reference"])
    if target is None:
        raise InvalidInput(_("Nothing found at that address or number."))
    services.link_outcome(event, by=request.user, kind=data["kind"], target=target)
    return _("Linked: the event page lists it.")


@workspace_post("outcomes")
def unlink_outcome(request: HttpRequest, event: Event, data: dict[str, Any], pk: int) -> str:
    services.unlink_outcome(get_object_or_404(EventOutcome, event=event, pk=pk), by=request.user)
    return _("Link removed.")


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
