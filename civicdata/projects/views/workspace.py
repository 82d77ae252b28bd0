"""The staff workspace: one page per project showing the current step's work, exit checks and forms,
plus one POST endpoint per action. Every action parses a form and calls exactly one service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from civicdata.accounts.permissions import editable_organizations, ensure_signed_in
from civicdata.core.errors import ActionRefused
from civicdata.demand import logs as demand_logs
from civicdata.projects import assessment, catalog_links, exits, forms, method, permissions, services, worksheet
from civicdata.projects.models import (
    Activity,
    Champion,
    Intervention,
    OutcomeMetric,
    PlanComment,
    Problem,
    Stakeholder,
    StepRecord,
    UseCase,
)
from civicdata.projects.views._common import form_errors, get_project, perform


def _staff_project(request: HttpRequest, slug: str):
    project = get_project(slug)
    permissions.ensure_can_edit_project(request.user, project)
    return project


@require_http_methods(["GET", "HEAD", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    """Start a project for one of the organisations the person edits."""
    ensure_signed_in(request.user)
    orgs = editable_organizations(request.user)
    if not orgs:
        raise ActionRefused(_("Only staff of a city organisation can start a project."), code="not_project_staff")
    form = forms.ProjectForm(request.POST or None)
    choices = [(str(o.pk), o.name) for o in orgs]
    if request.method == "POST" and form.is_valid():
        org = next((o for o in orgs if str(o.pk) == request.POST.get("organization")), None)
        if org is None:
            messages.error(request, _("Choose an organisation you work for."))
        else:
            project = services.create_project(organization=org, by=request.user, **form.cleaned_data)
            messages.success(request, _("Project started in the Find step."))
            return redirect("projects:workspace", slug=project.slug)
    return render(request, "projects/new.html", {"form": form, "organizations": choices})


@require_safe
def workspace(request: HttpRequest, slug: str) -> HttpResponse:
    """Everything staff need for the current step on one page."""
    project = _staff_project(request, slug)
    step = project.current_step
    record = StepRecord.objects.filter(project=project, step=step).first()
    checks = services.exit_report(project) if not project.is_completed else []
    evidence = list(project.evidence.all())
    stakeholders = list(project.stakeholders.all())
    use_cases = list(
        UseCase.objects.filter(project=project).prefetch_related(
            "personas", "stories", "data_needs__dataset", "requesters"
        )
    )
    plan = getattr(project, "plan", None) if hasattr(project, "plan") else None
    feedback = list(PlanComment.objects.filter(plan=plan).select_related("activity")) if plan else []
    interventions = list(project.interventions.prefetch_related("artefacts", "datasets"))
    # Forms repeated per item get their own id prefix so every label points at exactly one field.
    for uc in use_cases:
        uc.persona_form = forms.PersonaForm(auto_id=f"uc{uc.pk}_persona_%s")
        uc.story_form = forms.UserStoryForm(auto_id=f"uc{uc.pk}_story_%s")
        uc.data_need_form = forms.DataNeedForm(auto_id=f"uc{uc.pk}_need_%s")
    for comment in feedback:
        comment.disposition_form = forms.DispositionForm(auto_id=f"fb{comment.pk}_%s")
    for iv in interventions:
        iv.reach_form = forms.ReachForm(auto_id=f"iv{iv.pk}_reach_%s")
        iv.artefact_form = forms.ArtefactForm(auto_id=f"iv{iv.pk}_artefact_%s")
    context: dict[str, Any] = {
        "project": project,
        "definition": method.STEPS[method.Step(step)],
        "checks": checks,
        "all_pass": all(c["passed"] for c in checks),
        "record_form": forms.StepRecordForm(
            initial={f: getattr(record, f) for f in ("action", "engagement", "collaborators", "result")}
            if record
            else None,
            auto_id="record_%s",
        ),
        "advance_form": forms.AdvanceForm(auto_id="advance_%s"),
        "settings_form": forms.ProjectSettingsForm(
            initial={"title": project.title, "summary": project.summary, "problems_open": project.problems_open},
            auto_id="settings_%s",
        ),
        "evidence": evidence,
        "stakeholders": stakeholders,
        "use_cases": use_cases,
        "activities": list(project.activities.all()),
        "notes": list(project.notes.select_related("stakeholder")),
        "plan": plan,
        "feedback": feedback,
        "interventions": interventions,
        "metrics": list(project.metrics.all()),
        "hidden_problems": Problem.objects.filter(project=project).exclude(status="visible").count(),
        "problems": list(Problem.objects.filter(project=project, status="visible").order_by("-vote_count", "-id")[:20]),
        "forms": _workspace_forms(project, evidence, stakeholders, use_cases, plan),
        "tactic_labels": dict(forms.TacticChoice.choices),
    }
    return render(request, "projects/workspace.html", context)


def _workspace_forms(project, evidence, stakeholders, use_cases, plan) -> dict[str, Any]:
    people = [(s.pk, s.name) for s in stakeholders]
    plan_initial = None
    if plan is not None:
        plan_initial = {f: getattr(plan, f) for f in services.PLAN_FIELDS}
        for c in method.AdoptionConstraint:
            plan_initial[f"constraint_{c.value}"] = (plan.constraints or {}).get(c.value, "")
    built = {
        "evidence": forms.EvidenceForm(),
        "request_log": forms.RequestLogForm(),
        "focus": forms.FocusAreaForm(evidence_choices=[(e.pk, e.title) for e in evidence]),
        "activity": forms.ActivityForm(initial={"step": project.current_step}),
        "stakeholder": forms.StakeholderForm(),
        "note": forms.NoteForm(stakeholders=people),
        "use_case": forms.UseCaseForm(stakeholders=people),
        "select_use_case": forms.SelectUseCaseForm(use_cases=[(u.pk, u.title) for u in use_cases]),
        "plan": forms.PlanForm(initial=plan_initial),
        "comment_period": forms.CommentPeriodForm(),
        "plan_feedback": forms.PlanFeedbackForm(
            activities=[(a.pk, a.title) for a in project.activities.all() if a.step == "design"]
        ),
        "intervention": forms.InterventionForm(),
        "metric": forms.MetricForm(),
        "actual": forms.ActualForm(),
        "report": forms.ReportSummaryForm(initial={"summary": project.report_summary}),
    }
    # Many forms share field names on this one page; give each its own id prefix.
    for key, form in built.items():
        form.auto_id = f"{key}_%s"
    return built


# ---------------------------------------------------------------- actions

Action = Callable[[HttpRequest, Any], Callable[[], Any] | None]


def _valid(request: HttpRequest, form: Any) -> dict[str, Any] | None:
    if form.is_valid():
        return form.cleaned_data
    form_errors(request, form)
    return None


def _keys(text: str) -> list[str]:
    return [k.strip() for k in text.replace("\n", ",").split(",") if k.strip()]


def _act_settings(request: HttpRequest, project: Any) -> Callable[[], Any] | None:
    data = _valid(request, forms.ProjectSettingsForm(request.POST))
    return data and (lambda: services.update_project(project, by=request.user, **data))


def _act_step_record(request: HttpRequest, project: Any) -> Callable[[], Any] | None:
    data = _valid(request, forms.StepRecordForm(request.POST))
    return data and (lambda: services.update_step_record(project, step=project.current_step, by=request.user, **data))


def _act_advance(request: HttpRequest, project: Any) -> Callable[[], Any] | None:
    data = _valid(request, forms.AdvanceForm(request.POST))
    return data and (lambda: services.advance_step(project, by=request.user, override_reason=data["override_reason"]))


def _act_iterate(request: HttpRequest, project: Any) -> Callable[[], Any] | None:
    return lambda: services.start_next_iteration(project, by=request.user)


def _act_evidence(request: HttpRequest, project: Any) -> Callable[[], Any] | None:
    data = _valid(request, forms.EvidenceForm(request.POST))
    return data and (lambda: services.add_evidence(project, by=request.user, **data))


def _act_request_log(request: HttpRequest, project: Any) -> Callable[[], Any] | None:
    form = forms.RequestLogForm(request.POST, request.FILES)
    data = _valid(request, form)
    if data is None:
        return None
    upload = data["file"]
    max_bytes, _max_rows = demand_logs.upload_limits()  # the same limit as demand's log import
    if upload.size > max_bytes:
        messages.error(request, _("The request log is larger than %(n)d MB.") % {"n": max_bytes // (1024 * 1024)})
        return None
    return lambda: services.import_request_log(project, filename=upload.name, data=upload.read(), by=request.user)


def _act_demand_topics(request: HttpRequest, project: Any) -> Callable[[], Any] | None:
    return lambda: services.import_demand_topics(project, by=request.user)


def _act_focus(request: HttpRequest, project: Any) -> Callable[[], Any] | None:
    form = forms.FocusAreaForm(request.POST, evidence_choices=list(project.evidence.values_list("pk", "title")))
    data = _valid(request, form)
    if data is None:
        return None
    ids = [int(i) for i in data.pop("evidence")]
    return lambda: services.choose_focus_area(project, evidence_ids=ids, by=request.user, **data)


def _act_hide_problem(request: HttpRequest, project: Any) -> Callable[[], Any] | None:
    problem = get_object_or_404(Problem, project=project, pk=request.POST.get("problem"))
    return lambda: services.hide_problem(problem, by=request.user)


def _act_promote_problem(request: HttpRequest, project: Any) -> Callable[[], Any] | None:
    problem = get_object_or_404(Problem, project=project, pk=request.POST.get("problem"))
    return lambda: services.promote_problem_to_evidence(problem, by=request.user)


def _act_withdraw_consent(request: HttpRequest, project: Any) -> Callable[[], Any] | None:
    person = get_object_or_404(Stakeholder, project=project, pk=request.POST.get("stakeholder"))
    return lambda: services.withdraw_stakeholder_consent(person, by=request.user)


def _act_activity(request: HttpRequest, project: Any) -> Callable[[], Any] | None:
    data = _valid(request, forms.ActivityForm(request.POST))
    if data is None:
        return None
    data["participants"] = data["participants"] or 0
    return lambda: services.add_activity(project, by=request.user, **data)


def _act_stakeholder(request: HttpRequest, project: Any) -> Callable[[], Any] | None:
    data = _valid(request, forms.StakeholderForm(request.POST))
    return data and (lambda: services.add_stakeholder(project, by=request.user, **data))


def _act_note(request: HttpRequest, project: Any) -> Callable[[], Any] | None:
    people = list(project.stakeholders.values_list("pk", "name"))
    data = _valid(request, forms.NoteForm(request.POST, stakeholders=people))
    if data is None:
        return None
    person = Stakeholder.objects.filter(project=project, pk=data.pop("stakeholder")).first()
    return lambda: services.add_stakeholder_note(project, stakeholder=person, by=request.user, **data)


def _act_use_case(request: HttpRequest, project: Any) -> Callable[[], Any] | None:
    people = list(project.stakeholders.values_list("pk", "name"))
    data = _valid(request, forms.UseCaseForm(request.POST, stakeholders=people))
    if data is None:
        return None
    ids = [int(i) for i in data.pop("requesters")]
    return lambda: services.add_use_case(project, requester_ids=ids, by=request.user, **data)


def _use_case(request: HttpRequest, project: Any) -> UseCase:
    return get_object_or_404(UseCase, project=project, pk=request.POST.get("use_case"))


def _act_persona(request: HttpRequest, project: Any) -> Callable[[], Any] | None:
    uc = _use_case(request, project)
    data = _valid(request, forms.PersonaForm(request.POST))
    return data and (lambda: services.add_persona(uc, by=request.user, **data))


def _act_story(request: HttpRequest, project: Any) -> Callable[[], Any] | None:
    uc = _use_case(request, project)
    data = _valid(request, forms.UserStoryForm(request.POST))
    if data is None:
        return None
    persona = uc.personas.first()
    return lambda: services.add_user_story(uc, persona=persona, by=request.user, **data)


def _act_data_need(request: HttpRequest, project: Any) -> Callable[[], Any] | None:
    uc = _use_case(request, project)
    data = _valid(request, forms.DataNeedForm(request.POST))
    if data is None:
        return None

    def run() -> Any:
        dataset = catalog_links.find_dataset(data["dataset_identifier"])
        return services.add_data_need(
            uc,
            description=data["description"],
            dataset=dataset,
            demand_request_url=data["demand_request_url"],
            open_request=data["open_request"],
            by=request.user,
        )

    return run


def _act_select_use_case(request: HttpRequest, project: Any) -> Callable[[], Any] | None:
    uc = _use_case(request, project)
    return lambda: services.select_use_case(project, use_case=uc, by=request.user)


def _act_plan(request: HttpRequest, project: Any) -> Callable[[], Any] | None:
    form = forms.PlanForm(request.POST)
    data = _valid(request, form)
    if data is None:
        return None
    fields = {f: data[f] for f in services.PLAN_FIELDS}
    return lambda: services.save_plan(
        project, constraints=form.constraints(), note=data["note"], by=request.user, **fields
    )


def _plan(project: Any):
    plan = getattr(project, "plan", None) if hasattr(project, "plan") else None
    if plan is None:
        raise Http404
    return plan


def _act_comment_period(request: HttpRequest, project: Any) -> Callable[[], Any] | None:
    plan = _plan(project)
    data = _valid(request, forms.CommentPeriodForm(request.POST))
    return data and (lambda: services.open_comment_period(plan, by=request.user, **data))


def _act_plan_feedback(request: HttpRequest, project: Any) -> Callable[[], Any] | None:
    plan = _plan(project)
    choices = list(Activity.objects.filter(project=project, step="design").values_list("pk", "title"))
    data = _valid(request, forms.PlanFeedbackForm(request.POST, activities=choices))
    if data is None:
        return None
    activity = Activity.objects.filter(project=project, pk=data.pop("activity") or 0).first()
    return lambda: services.record_plan_feedback(plan, activity=activity, by=request.user, **data)


def _act_dispose(request: HttpRequest, project: Any) -> Callable[[], Any] | None:
    comment = get_object_or_404(PlanComment, plan__project=project, pk=request.POST.get("comment"))
    data = _valid(request, forms.DispositionForm(request.POST))
    return data and (lambda: services.dispose_feedback(comment, by=request.user, **data))


def _act_intervention(request: HttpRequest, project: Any) -> Callable[[], Any] | None:
    data = _valid(request, forms.InterventionForm(request.POST))
    if data is None:
        return None
    keys = _keys(request.POST.get("datasets", ""))
    activity_ids = [int(i) for i in request.POST.getlist("activities") if i.isdigit()]

    def run() -> Any:
        datasets = catalog_links.find_datasets(keys)
        return services.add_intervention(project, datasets=datasets, activity_ids=activity_ids, by=request.user, **data)

    return run


def _intervention(request: HttpRequest, project: Any) -> Intervention:
    return get_object_or_404(Intervention, project=project, pk=request.POST.get("intervention"))


def _act_reach(request: HttpRequest, project: Any) -> Callable[[], Any] | None:
    iv = _intervention(request, project)
    data = _valid(request, forms.ReachForm(request.POST))
    return data and (lambda: services.record_users_reached(iv, by=request.user, **data))


def _act_artefact(request: HttpRequest, project: Any) -> Callable[[], Any] | None:
    iv = _intervention(request, project)
    data = _valid(request, forms.ArtefactForm(request.POST))
    return data and (lambda: services.add_artefact(iv, by=request.user, **data))


def _act_feedback_channel(request: HttpRequest, project: Any) -> Callable[[], Any] | None:
    iv = _intervention(request, project)
    return lambda: services.set_feedback_channel(iv, open_=request.POST.get("open") == "1", by=request.user)


def _act_metric(request: HttpRequest, project: Any) -> Callable[[], Any] | None:
    data = _valid(request, forms.MetricForm(request.POST))
    return data and (lambda: services.add_outcome_metric(project, by=request.user, **data))


def _act_actual(request: HttpRequest, project: Any) -> Callable[[], Any] | None:
    metric = get_object_or_404(OutcomeMetric, project=project, pk=request.POST.get("metric"))
    data = _valid(request, forms.ActualForm(request.POST))
    return data and (lambda: services.record_outcome(metric, by=request.user, **data))


def _act_report(request: HttpRequest, project: Any) -> Callable[[], Any] | None:
    data = _valid(request, forms.ReportSummaryForm(request.POST))
    return data and (lambda: services.write_report_summary(project, by=request.user, **data))


ACTIONS: dict[str, Action] = {
    "settings": _act_settings,
    "step-record": _act_step_record,
    "advance": _act_advance,
    "iterate": _act_iterate,
    "evidence": _act_evidence,
    "request-log": _act_request_log,
    "demand-topics": _act_demand_topics,
    "focus-area": _act_focus,
    "hide-problem": _act_hide_problem,
    "promote-problem": _act_promote_problem,
    "withdraw-consent": _act_withdraw_consent,
    "activity": _act_activity,
    "stakeholder": _act_stakeholder,
    "note": _act_note,
    "use-case": _act_use_case,
    "persona": _act_persona,
    "story": _act_story,
    "data-need": _act_data_need,
    "select-use-case": _act_select_use_case,
    "plan": _act_plan,
    "comment-period": _act_comment_period,
    "plan-feedback": _act_plan_feedback,
    "dispose": _act_dispose,
    "intervention": _act_intervention,
    "reach": _act_reach,
    "artefact": _act_artefact,
    "feedback-channel": _act_feedback_channel,
    "metric": _act_metric,
    "actual": _act_actual,
    "report": _act_report,
}


@require_POST
def workspace_action(request: HttpRequest, slug: str, action: str) -> HttpResponse:
    """Dispatch one workspace form to its service; refusals come back as messages."""
    project = _staff_project(request, slug)
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404
    back = reverse("projects:workspace", kwargs={"slug": project.slug})
    call = handler(request, project)
    if call is None:
        return redirect(back)
    if action == "iterate":
        holder: dict[str, Any] = {}

        def run() -> None:
            holder["new"] = call()

        response = perform(request, run, success=_("New iteration started."), next_url=back)
        if "new" in holder:
            return redirect("projects:workspace", slug=holder["new"].slug)
        return response
    return perform(request, call, success=_("Saved."), next_url=back)


@require_http_methods(["GET", "HEAD", "POST"])
def find_assessment(request: HttpRequest, slug: str) -> HttpResponse:
    """The Find criteria checklist and the tactics it recommends."""
    project = _staff_project(request, slug)
    saved = getattr(project, "find_assessment", None) if hasattr(project, "find_assessment") else None
    answers = saved.answers if saved else {}
    form = forms.FindAssessmentForm(request.POST or None, initial=answers)
    if request.method == "POST" and form.is_valid():
        chosen = {k: v for k, v in form.cleaned_data.items() if v}
        back = reverse("projects:find_assessment", kwargs={"slug": slug})
        return perform(
            request,
            lambda: services.save_find_assessment(project, answers=chosen, by=request.user),
            success=_("Self-assessment saved."),
            next_url=back,
        )
    return render(
        request,
        "projects/find_assessment.html",
        {
            "project": project,
            "form": form,
            "recommendations": assessment.recommend_find_tactics(answers),
            "tactic_labels": dict(forms.TacticChoice.choices),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def refine_worksheet(request: HttpRequest, slug: str) -> HttpResponse:
    """The Refine self-assessment worksheet and its printable pitch."""
    project = _staff_project(request, slug)
    saved = getattr(project, "worksheet", None) if hasattr(project, "worksheet") else None
    initial = dict(saved.answers) if saved else {}
    initial["tactic_codes"] = saved.tactic_codes if saved else []
    form = forms.WorksheetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        codes = data.pop("tactic_codes")
        back = reverse("projects:worksheet", kwargs={"slug": slug})
        return perform(
            request,
            lambda: services.save_worksheet(project, answers=data, tactic_codes=codes, by=request.user),
            success=_("Worksheet saved."),
            next_url=back,
        )
    answers = saved.answers if saved else {}
    codes = saved.tactic_codes if saved else []
    return render(
        request,
        "projects/worksheet.html",
        {
            "project": project,
            "form": form,
            "sections": [
                (s, forms.WORKSHEET_LABELS[s.key], answers.get(s.key, "")) for s in worksheet.WORKSHEET_SECTIONS
            ],
            "pitch": worksheet.build_pitch(answers, tactic_codes=codes, translate=gettext, conjunction=gettext("and")),
            "missing": worksheet.missing_sections(answers),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def champions_manage(request: HttpRequest) -> HttpResponse:
    """Staff add data champions for their organisations."""
    ensure_signed_in(request.user)
    orgs = editable_organizations(request.user)
    if not orgs:
        raise ActionRefused(_("Only staff of a city organisation can manage data champions."), code="not_project_staff")
    form = forms.ChampionForm(request.POST or None)
    if request.method == "POST":
        org = next((o for o in orgs if str(o.pk) == request.POST.get("organization")), None)
        data = _valid(request, form)
        back = reverse("projects:champions_manage")
        if org is None:
            messages.error(request, _("Choose an organisation you work for."))
            return redirect(back)
        if data is None:
            return redirect(back)
        ids = [int(i) for i in request.POST.getlist("projects") if i.isdigit()]
        return perform(
            request,
            lambda: services.save_champion(organization=org, project_ids=ids, by=request.user, **data),
            success=_("Champion saved."),
            next_url=back,
        )
    existing = Champion.objects.filter(organization__in=orgs).select_related("organization")
    from civicdata.projects.models import Project

    return render(
        request,
        "projects/champions_manage.html",
        {
            "form": form,
            "organizations": [(str(o.pk), o.name) for o in orgs],
            "champions": list(existing),
            "projects": list(Project.objects.filter(organization__in=orgs).only("pk", "title")),
            "now": timezone.now(),
            "checks_help": exits.CHECK_LABELS,
        },
    )
