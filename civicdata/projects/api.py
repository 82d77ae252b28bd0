"""API of the projects app, mounted at /api/projects/: read projects, the method, the programme and
champions; residents contribute where a step is open; staff advance steps under the same exit checks
as the pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from decimal import Decimal

from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from civicdata.accounts.auth import signed_in
from civicdata.core.pagination import paginate
from civicdata.projects import method, permissions, programme, services
from civicdata.projects.models import (
    Champion,
    Intervention,
    PlanComment,
    Problem,
    ProblemStatus,
    Project,
    ProjectStatus,
    UseCase,
)

router = Router()


class StepOut(Schema):
    code: str
    label: str
    action: str
    engagement: str
    collaborators: str
    result: str
    tactics: list[dict]


class ProjectSummaryOut(Schema):
    id: int
    slug: str
    title: str
    organization: str
    current_step: str
    status: str
    iteration: int
    summary: str
    url: str
    updated_at: dt.datetime


class ProjectPage(Schema):
    items: list[ProjectSummaryOut]
    next_cursor: str | None = None


class StepRecordOut(Schema):
    step: str
    action: str
    engagement: str
    collaborators: str
    result: str
    entered_at: dt.datetime
    left_at: dt.datetime | None


class CheckOut(Schema):
    code: str
    label: str
    passed: bool
    detail: str


class OpeningOut(Schema):
    open: bool
    message: str


class UseCaseOut(Schema):
    title: str
    summary: str
    selected: bool
    personas: list[str]
    user_stories: list[str]
    data_needs: list[dict]


class InterventionOut(Schema):
    id: int
    tactic: str
    title: str
    users_reached: int
    datasets: list[str]
    feedback: OpeningOut


class MetricOut(Schema):
    name: str
    unit: str
    baseline: Decimal
    target: Decimal
    actual: Decimal | None
    met: bool | None


class ProjectDetailOut(ProjectSummaryOut):
    previous_iteration: str | None
    steps: list[StepRecordOut]
    focus_area: dict | None
    use_cases: list[UseCaseOut]
    interventions: list[InterventionOut]
    metrics: list[MetricOut]
    overrides: list[dict]
    problem_inventory: OpeningOut
    comment_period: OpeningOut
    history: list[dict]


class AdvanceIn(Schema):
    override_reason: str = ""


class ProblemOut(Schema):
    id: int
    title: str
    body: str
    vote_count: int
    comment_count: int
    created_at: dt.datetime


class ProblemPage(Schema):
    items: list[ProblemOut]
    next_cursor: str | None = None


class ProblemIn(Schema):
    title: str
    body: str = ""


class TextIn(Schema):
    body: str


class PlanCommentIn(Schema):
    body: str
    section: str = ""


class PlanCommentOut(Schema):
    id: int
    section: str
    source: str
    body: str
    plan_version: int
    disposition: str
    disposition_reason: str


class PlanOut(Schema):
    use_case: str
    version: int
    goal: str
    activities: str
    roles: str
    timeline: str
    housed_by: str
    sustained_by: str
    adoption_constraints: dict
    comment_period: OpeningOut
    comments_open_at: dt.datetime | None
    comments_close_at: dt.datetime | None
    feedback: list[PlanCommentOut]


class ChampionOut(Schema):
    name: str
    title: str
    level: str
    organization: str
    channels: list[str]
    public_contact: str
    projects: list[str]


class CreatedOut(Schema):
    id: int


class ProgrammeSummaryOut(Schema):
    projects_by_step: dict[str, int]
    completed: int
    average_days_in_step: dict[str, float]
    collaborators_by_sector: dict[str, int]
    interventions_by_tactic: dict[str, int]
    outcomes_total: int
    outcomes_measured: int
    outcomes_met: int
    people_reached: int


class ProgrammeRowOut(Schema):
    slug: str
    title: str
    organization: str
    step: str
    status: str
    iteration: int
    days_in_current_step: float
    interventions: int
    stakeholders: int
    outcomes_met: int
    outcomes_total: int
    people_reached: int


class ProgrammeOut(Schema):
    summary: ProgrammeSummaryOut
    projects: list[ProgrammeRowOut]


def _summary(p: Project) -> dict:
    return {
        "id": p.pk,
        "slug": p.slug,
        "title": p.title,
        "organization": p.organization.name,
        "current_step": p.current_step,
        "status": p.status,
        "iteration": p.iteration,
        "summary": p.summary,
        "url": p.get_absolute_url(),
        "updated_at": p.updated_at,
    }


def _opening(o: permissions.Opening) -> dict:
    return {"open": o.open, "message": o.message}


@router.get("/", response=ProjectPage, summary="List projects")
def list_projects(request: HttpRequest, step: str = "", cursor: str | None = None, limit: int = 50) -> dict:
    """Projects newest first; `step` filters by current step (or `completed`)."""
    qs = Project.objects.select_related("organization")
    if step == "completed":
        qs = qs.filter(status=ProjectStatus.COMPLETED)
    elif step:
        qs = qs.filter(current_step=step, status=ProjectStatus.ACTIVE)
    page = paginate(qs, cursor=cursor, limit=limit)
    return {"items": [_summary(p) for p in page["items"]], "next_cursor": page["next_cursor"]}


@router.get("/method", response=list[StepOut], summary="The four steps and their tactics")
def get_method(request: HttpRequest) -> list[dict]:
    """Find, Refine, Design and Implement with their four components and tactics."""
    return [
        {
            "code": s.value,
            "label": d.label,
            "action": d.action,
            "engagement": d.engagement,
            "collaborators": d.collaborators,
            "result": d.result,
            "tactics": [{"code": t.code, "label": t.label, "summary": t.summary} for t in method.TACTICS_BY_STEP[s]],
        }
        for s, d in method.STEPS.items()
    ]


@router.get("/programme", response=ProgrammeOut, summary="Programme overview")
def get_programme(request: HttpRequest) -> dict:
    """Projects by step, average days per step, collaborators by sector, interventions by tactic,
    outcomes against targets, and one row per project."""
    summary = programme.summarise()
    return {"summary": asdict(summary), "projects": [asdict(row) for row in programme.project_rows()]}


@router.get("/champions", response=list[ChampionOut], summary="Public data champions")
def list_champions(request: HttpRequest) -> list[dict]:
    """Only champions who opted in to the public directory."""
    champions = (
        Champion.objects.filter(listed_publicly=True)
        .select_related("organization")
        .prefetch_related(Prefetch("projects", queryset=Project.objects.only("slug")))
    )
    return [
        {
            "name": c.name,
            "title": c.title,
            "level": c.level,
            "organization": c.organization.name,
            "channels": c.channels,
            "public_contact": c.public_contact,
            "projects": [p.slug for p in c.projects.all()],
        }
        for c in champions
    ]


def _project(slug: str) -> Project:
    return get_object_or_404(Project.objects.select_related("organization", "previous_iteration"), slug=slug)


@router.get("/{slug}", response=ProjectDetailOut, summary="One project")
def get_project(request: HttpRequest, slug: str) -> dict:
    """Public view of a project: step records, focus area, use cases, interventions, outcomes and history.
    Stakeholder contact details and staff notes are never included."""
    p = _project(slug)
    focus = getattr(p, "focus_area", None) if hasattr(p, "focus_area") else None
    plan = getattr(p, "plan", None) if hasattr(p, "plan") else None
    use_cases = UseCase.objects.filter(project=p).prefetch_related("personas", "stories", "data_needs__dataset")
    interventions = Intervention.objects.filter(project=p).prefetch_related("datasets")
    return {
        **_summary(p),
        "previous_iteration": p.previous_iteration.slug if p.previous_iteration else None,
        "steps": list(p.step_records.all()),
        "focus_area": {
            "title": focus.title,
            "rationale": focus.rationale,
            "tactic": focus.tactic,
            "evidence": [
                {"kind": e.kind, "title": e.title, "request_count": e.request_count} for e in focus.evidence.all()
            ],
        }
        if focus
        else None,
        "use_cases": [
            {
                "title": u.title,
                "summary": u.summary,
                "selected": u.selected,
                "personas": [x.name for x in u.personas.all()],
                "user_stories": [str(s) for s in u.stories.all()],
                "data_needs": [
                    {
                        "description": n.description,
                        "dataset": (n.dataset.identifier or n.dataset.name) if n.dataset else None,
                        "demand_request_url": n.request_url,
                    }
                    for n in u.data_needs.all()
                ],
            }
            for u in use_cases
        ],
        "interventions": [
            {
                "id": i.pk,
                "tactic": i.tactic,
                "title": i.title,
                "users_reached": i.users_reached,
                "datasets": [d.identifier or d.name for d in i.datasets.all()],
                "feedback": _opening(permissions.feedback_channel_state(i)),
            }
            for i in interventions
        ],
        "metrics": [
            {
                "name": m.name,
                "unit": m.unit,
                "baseline": m.baseline,
                "target": m.target,
                "actual": m.actual,
                "met": m.met,
            }
            for m in p.metrics.all()
        ],
        "overrides": [
            {"step": o.step, "checks": o.check_codes, "reason": o.reason, "at": o.created_at} for o in p.overrides.all()
        ],
        "problem_inventory": _opening(permissions.problem_inventory_state(p)),
        "comment_period": _opening(permissions.comment_period_state(plan)),
        "history": [
            {"kind": e.kind, "step": e.step, "message": e.message, "at": e.created_at} for e in p.events.all()[:50]
        ],
    }


@router.get("/{slug}/exit-checks", response=list[CheckOut], summary="Exit checks of the current step")
def get_exit_checks(request: HttpRequest, slug: str) -> list[dict]:
    """What must be done before the project may leave its current step."""
    p = _project(slug)
    if p.is_completed:
        return []
    return services.exit_report(p)


@router.post("/{slug}/advance", response=ProjectSummaryOut, auth=signed_in, summary="Move to the next step")
def advance(request: HttpRequest, slug: str, payload: AdvanceIn) -> dict:
    """Staff only. Refused with 409 while exit checks fail, unless `override_reason` (20+ characters)
    explains why; the reason is published in the project history."""
    p = services.advance_step(_project(slug), by=request.auth, override_reason=payload.override_reason)
    return _summary(p)


@router.get("/{slug}/problems", response=ProblemPage, summary="Problem inventory")
def list_problems(request: HttpRequest, slug: str, cursor: str | None = None, limit: int = 50) -> dict:
    """Visible problems, newest first."""
    p = _project(slug)
    page = paginate(Problem.objects.filter(project=p, status=ProblemStatus.VISIBLE), cursor=cursor, limit=limit)
    return page


@router.post("/{slug}/problems", response={201: ProblemOut}, auth=signed_in, summary="Add a problem")
def create_problem(request: HttpRequest, slug: str, payload: ProblemIn) -> tuple[int, Problem]:
    """Open while the project is in Find; otherwise 403 with the reason."""
    return Status(201, services.post_problem(_project(slug), title=payload.title, body=payload.body, by=request.auth))


@router.post("/{slug}/problems/{problem_id}/vote", response=ProblemOut, auth=signed_in, summary="Vote for a problem")
def vote_problem(request: HttpRequest, slug: str, problem_id: int) -> Problem:
    """One vote per person; a second vote answers 409."""
    problem = get_object_or_404(Problem, project__slug=slug, pk=problem_id, status=ProblemStatus.VISIBLE)
    return services.vote_for_problem(problem, by=request.auth)


@router.post(
    "/{slug}/problems/{problem_id}/comments", response={201: CreatedOut}, auth=signed_in, summary="Comment on a problem"
)
def comment_problem(request: HttpRequest, slug: str, problem_id: int, payload: TextIn) -> tuple[int, dict]:
    problem = get_object_or_404(Problem, project__slug=slug, pk=problem_id, status=ProblemStatus.VISIBLE)
    comment = services.comment_on_problem(problem, body=payload.body, by=request.auth)
    return Status(201, {"id": comment.pk})


def _plan(slug: str):
    p = _project(slug)
    plan = getattr(p, "plan", None) if hasattr(p, "plan") else None
    if plan is None:
        from django.http import Http404

        raise Http404("This project has no plan yet.")
    return plan


@router.get("/{slug}/plan", response=PlanOut, summary="Intervention plan and its feedback")
def get_plan(request: HttpRequest, slug: str) -> dict:
    """The plan, its comment period and every piece of feedback with its disposition (the change log)."""
    plan = _plan(slug)
    return {
        "use_case": plan.use_case.title,
        "version": plan.version,
        **{f: getattr(plan, f) for f in services.PLAN_FIELDS},
        "adoption_constraints": plan.constraints,
        "comment_period": _opening(permissions.comment_period_state(plan)),
        "comments_open_at": plan.comments_open_at,
        "comments_close_at": plan.comments_close_at,
        "feedback": list(PlanComment.objects.filter(plan=plan)),
    }


@router.post("/{slug}/plan/comments", response={201: CreatedOut}, auth=signed_in, summary="Comment on the plan")
def comment_plan(request: HttpRequest, slug: str, payload: PlanCommentIn) -> tuple[int, dict]:
    """Only during the comment period; afterwards 403 with the closing date in the message.
    `section` is one of goal, activities, roles, timeline, stewardship, constraints, or empty."""
    comment = services.comment_on_plan(_plan(slug), body=payload.body, section=payload.section, by=request.auth)
    return Status(201, {"id": comment.pk})


@router.post(
    "/{slug}/interventions/{intervention_id}/feedback",
    response={201: CreatedOut},
    auth=signed_in,
    summary="Give feedback on an intervention",
)
def intervention_feedback(request: HttpRequest, slug: str, intervention_id: int, payload: TextIn) -> tuple[int, dict]:
    """Open while the intervention's feedback channel is open."""
    intervention = get_object_or_404(Intervention, project__slug=slug, pk=intervention_id)
    fb = services.give_intervention_feedback(intervention, body=payload.body, by=request.auth)
    return Status(201, {"id": fb.pk})
