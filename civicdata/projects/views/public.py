"""Public project pages: the list, a project page, the problem inventory, the plan under comment,
interventions with their feedback channel, the champions directory and the programme view."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from civicdata.projects import forms, method, permissions, plandiff, programme, services
from civicdata.projects.models import (
    Champion,
    Disposition,
    Intervention,
    PlanComment,
    PlanSection,
    PlanVersion,
    Problem,
    ProblemStatus,
    Project,
    ProjectStatus,
    StepChoice,
    UseCase,
)
from civicdata.projects.views._common import form_errors, get_project, perform

PAGE_SIZE = 25


@require_safe
def project_list(request: HttpRequest) -> HttpResponse:
    """All projects, filterable by step; a fixed number of queries whatever the page size."""
    projects = Project.objects.select_related("organization").order_by("-updated_at", "-id")
    step = request.GET.get("step", "")
    if step == "completed":
        projects = projects.filter(status=ProjectStatus.COMPLETED)
    elif step in StepChoice.values:
        projects = projects.filter(current_step=step, status=ProjectStatus.ACTIVE)
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/list.html",
        {"page": page, "step": step, "steps": StepChoice.choices, "can_create": _can_create(request.user)},
    )


def _can_create(user: object) -> bool:
    from civicdata.accounts.permissions import editable_organizations, is_signed_in

    return is_signed_in(user) and bool(editable_organizations(user))


@require_safe
def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The public page: current step, what has been learned, how to take part, who is involved."""
    project = get_project(slug)
    records = {r.step: r for r in project.step_records.all()}
    focus = getattr(project, "focus_area", None) if hasattr(project, "focus_area") else None
    use_cases = list(
        UseCase.objects.filter(project=project).prefetch_related("personas", "stories", "data_needs__dataset")
    )
    plan = getattr(project, "plan", None) if hasattr(project, "plan") else None
    interventions = list(Intervention.objects.filter(project=project).prefetch_related("datasets", "artefacts"))
    champions = list(Champion.objects.filter(projects=project, listed_publicly=True))
    stakeholders = list(project.stakeholders.filter(consent_to_list=True).only("name", "sector", "kind"))
    events = list(project.events.all()[:15])
    evidence = list(project.evidence.all()[:10]) if focus is None else []
    top_problems = list(
        Problem.objects.filter(project=project, status=ProblemStatus.VISIBLE).order_by("-vote_count", "-id")[:5]
    )
    steps = [
        {
            "step": s,
            "definition": method.STEPS[s],
            "label": StepChoice(s.value).label,
            "record": records.get(s.value),
            "current": s.value == project.current_step and not project.is_completed,
            "done": records.get(s.value) is not None and records[s.value].left_at is not None,
        }
        for s in method.STEP_ORDER
    ]
    return render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "steps": steps,
            "focus": focus,
            "focus_evidence": list(focus.evidence.all()) if focus else [],
            "evidence": evidence,
            "use_cases": use_cases,
            "plan": plan,
            "interventions": [(i, permissions.feedback_channel_state(i)) for i in interventions],
            "champions": champions,
            "stakeholders": stakeholders,
            "events": events,
            "top_problems": top_problems,
            "inventory": permissions.problem_inventory_state(project),
            "comment_state": permissions.comment_period_state(plan),
            "can_edit": permissions.can_edit_project(request.user, project),
            "tactic_labels": dict(forms.TacticChoice.choices),
        },
    )


@require_safe
def problem_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The problem inventory, most-voted first, with the form to add one when it is open."""
    project = get_project(slug)
    problems = Problem.objects.filter(project=project, status=ProblemStatus.VISIBLE).order_by("-vote_count", "-id")
    page = Paginator(problems, PAGE_SIZE).get_page(request.GET.get("page"))
    voted: set[int] = set()
    if request.user.is_authenticated:
        ids = [p.pk for p in page]
        voted = set(Problem.objects.filter(pk__in=ids, votes__user=request.user).values_list("pk", flat=True))
    return render(
        request,
        "projects/problems.html",
        {
            "project": project,
            "page": page,
            "voted": voted,
            "inventory": permissions.problem_inventory_state(project),
            "form": forms.ProblemForm(),
        },
    )


@require_POST
def problem_create(request: HttpRequest, slug: str) -> HttpResponse:
    project = get_project(slug)
    form = forms.ProblemForm(request.POST)
    back = reverse("projects:problems", kwargs={"slug": slug})
    if not form.is_valid():
        form_errors(request, form)
        return redirect(back)
    return perform(
        request,
        lambda: services.post_problem(project, by=request.user, **form.cleaned_data),
        success=_("Thank you — your problem is in the inventory."),
        next_url=back,
    )


@require_safe
def problem_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project = get_project(slug)
    problem = get_object_or_404(Problem, project=project, pk=pk, status=ProblemStatus.VISIBLE)
    comments = list(problem.comments.select_related("author")[:200])
    return render(
        request,
        "projects/problem.html",
        {
            "project": project,
            "problem": problem,
            "comments": comments,
            "inventory": permissions.problem_inventory_state(project),
            "form": forms.CommentForm(),
            "has_voted": request.user.is_authenticated and problem.votes.filter(user=request.user).exists(),
        },
    )


@require_POST
def problem_vote(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project = get_project(slug)
    problem = get_object_or_404(Problem, project=project, pk=pk)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("projects:problems", kwargs={"slug": slug})
    if request.POST.get("withdraw"):
        return perform(
            request,
            lambda: services.withdraw_problem_vote(problem, by=request.user),
            success=_("Vote withdrawn."),
            next_url=back,
        )
    return perform(
        request, lambda: services.vote_for_problem(problem, by=request.user), success=_("Vote counted."), next_url=back
    )


@require_POST
def problem_comment(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project = get_project(slug)
    problem = get_object_or_404(Problem, project=project, pk=pk)
    back = reverse("projects:problem", kwargs={"slug": slug, "pk": pk})
    form = forms.CommentForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(back)
    return perform(
        request,
        lambda: services.comment_on_problem(problem, body=form.cleaned_data["body"], by=request.user),
        success=_("Comment added."),
        next_url=back,
    )


@require_safe
def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The intervention plan, its comment period, comments by section and the public change log."""
    project = get_project(slug)
    plan = getattr(project, "plan", None) if hasattr(project, "plan") else None
    if plan is None:
        raise Http404(_("This project has no plan yet."))
    comments = list(PlanComment.objects.filter(plan=plan).select_related("author", "activity"))
    sections = [
        {
            "key": key,
            "label": label,
            "text": services.plan_content(plan).get(key, "") if key != "stewardship" else "",
            "comments": [c for c in comments if c.section == key],
        }
        for key, label in PlanSection.choices
    ]
    versions = list(plan.versions.all())
    return render(
        request,
        "projects/plan.html",
        {
            "project": project,
            "plan": plan,
            "sections": sections,
            "constraints": [(c.value, (plan.constraints or {}).get(c.value, "")) for c in method.AdoptionConstraint],
            "general_comments": [c for c in comments if not c.section],
            "change_log": [c for c in comments if c.disposition != Disposition.PENDING],
            "versions": versions,
            "comment_state": permissions.comment_period_state(plan),
            "form": forms.PlanCommentForm(),
        },
    )


@require_POST
def plan_comment(request: HttpRequest, slug: str) -> HttpResponse:
    project = get_project(slug)
    plan = getattr(project, "plan", None) if hasattr(project, "plan") else None
    if plan is None:
        raise Http404
    form = forms.PlanCommentForm(request.POST)
    back = reverse("projects:plan", kwargs={"slug": slug})
    if not form.is_valid():
        form_errors(request, form)
        return redirect(back)
    return perform(
        request,
        lambda: services.comment_on_plan(plan, by=request.user, **form.cleaned_data),
        success=_("Thank you — your comment is recorded and will be answered in the change log."),
        next_url=back,
    )


@require_safe
def plan_version(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """One plan version compared with the one before it."""
    project = get_project(slug)
    version = get_object_or_404(PlanVersion, plan__project=project, number=number)
    previous = PlanVersion.objects.filter(plan=version.plan, number=number - 1).first()
    keys = list(version.content.keys())
    labels = {
        "goal": _("Goal"),
        "activities": _("Activities"),
        "roles": _("Roles"),
        "timeline": _("Timeline"),
        "housed_by": _("Who houses it"),
        "sustained_by": _("Who sustains it"),
    }
    for c in method.AdoptionConstraint:
        labels[f"constraint_{c.value}"] = _("Adoption constraint: %(kind)s") % {"kind": c.value}
    diffs = plandiff.diff_versions(previous.content if previous else {}, version.content, keys)
    return render(
        request,
        "projects/plan_version.html",
        {"project": project, "version": version, "previous": previous, "diffs": diffs, "labels": labels},
    )


@require_safe
def intervention_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project = get_project(slug)
    intervention = get_object_or_404(
        Intervention.objects.prefetch_related("datasets", "artefacts", "activities"), project=project, pk=pk
    )
    feedback = list(intervention.feedback.select_related("author")[:200])
    return render(
        request,
        "projects/intervention.html",
        {
            "project": project,
            "intervention": intervention,
            "feedback": feedback,
            "channel": permissions.feedback_channel_state(intervention),
            "form": forms.CommentForm(),
            "tactic": method.tactic(intervention.tactic),
        },
    )


@require_POST
def intervention_feedback(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project = get_project(slug)
    intervention = get_object_or_404(Intervention, project=project, pk=pk)
    back = reverse("projects:intervention", kwargs={"slug": slug, "pk": pk})
    form = forms.CommentForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(back)
    return perform(
        request,
        lambda: services.give_intervention_feedback(intervention, body=form.cleaned_data["body"], by=request.user),
        success=_("Thank you for your feedback."),
        next_url=back,
    )


@require_safe
def champions(request: HttpRequest) -> HttpResponse:
    """Opt-in public directory of data champions, grouped by level."""
    listed = (
        Champion.objects.filter(listed_publicly=True)
        .select_related("organization")
        .prefetch_related(Prefetch("projects", queryset=Project.objects.only("slug", "title")))
    )
    level = request.GET.get("level", "")
    if level:
        listed = listed.filter(level=level)
    from civicdata.projects.models import ChampionLevel, Channel

    return render(
        request,
        "projects/champions.html",
        {
            "champions": list(listed),
            "levels": ChampionLevel.choices,
            "level": level,
            "channel_labels": dict(Channel.choices),
        },
    )


@require_safe
def programme_view(request: HttpRequest) -> HttpResponse:
    """Programme overview: projects by step, time in step, collaborators, interventions, outcomes."""
    summary = programme.summarise()
    # The full table is in the CSV and the API; the page shows it 50 rows at a time.
    page = Paginator(programme.project_rows(), 50).get_page(request.GET.get("page"))
    step_labels = dict(StepChoice.choices)
    completed = str(ProjectStatus.COMPLETED.label)
    rows = [
        (row, completed if row.status == ProjectStatus.COMPLETED else step_labels.get(row.step, row.step))
        for row in page
    ]
    tactic_labels = dict(forms.TacticChoice.choices)
    return render(
        request,
        "projects/programme.html",
        {
            "summary": summary,
            "rows": rows,
            "page": page,
            "step_labels": dict(StepChoice.choices),
            "tactic_labels": tactic_labels,
            "sector_labels": dict(forms.Sector.choices),
        },
    )


@require_safe
def programme_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(programme.rows_to_csv(programme.project_rows()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="projects-programme.csv"'
    return response
