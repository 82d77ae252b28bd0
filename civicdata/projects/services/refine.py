"""Activities and Refine-step services: stakeholders, notes, use cases, personas, stories, data needs, worksheet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdata.core.audit import record_write, snapshot
from civicdata.core.errors import Conflict, InvalidInput
from civicdata.projects import method, permissions, worksheet
from civicdata.projects.models import (
    Activity,
    DataNeed,
    Persona,
    Project,
    RefineWorksheet,
    Stakeholder,
    StakeholderNote,
    StepChoice,
    UseCase,
    UserStory,
)
from civicdata.projects.services._common import (
    MAX_TEXT,
    _ensure_step,
    _ensure_tactic,
    _required,
    _touch,
)

# ---------------------------------------------------------------- activities, Refine


@transaction.atomic
def add_activity(
    project: Project,
    *,
    step: str,
    tactic: str,
    kind: str,
    title: str,
    description: str = "",
    held_on: dt.date | None = None,
    location: str = "",
    participants: int = 0,
    by: Any,
) -> Activity:
    """Record an activity that carried out a tactic of a step the project has reached."""
    permissions.ensure_can_edit_project(by, project)
    if method.step_index(step) > method.step_index(project.current_step):
        raise Conflict(_("The project has not reached this step yet."), code="step_not_reached")
    _ensure_tactic(step, tactic)
    activity = Activity.objects.create(
        project=project,
        step=step,
        tactic=tactic,
        kind=kind,
        title=_required(title, _("Title")),
        description=description,
        held_on=held_on,
        location=location,
        participants=max(0, int(participants or 0)),
    )
    _touch(project)
    record_write(actor=by, action="projects.activity.add", target=activity, after=snapshot(activity))
    return activity


@transaction.atomic
def add_stakeholder(
    project: Project,
    *,
    name: str,
    kind: str,
    sector: str,
    description: str = "",
    email: str = "",
    phone: str = "",
    consent_to_contact: bool = False,
    consent_to_list: bool = False,
    is_data_requester: bool = False,
    by: Any,
) -> Stakeholder:
    """Add a stakeholder. Contact details are refused unless the person agreed to be contacted."""
    permissions.ensure_can_edit_project(by, project)
    if (email or phone) and not consent_to_contact:
        raise InvalidInput(_("Keep contact details only for people who agreed to be contacted."), code="no_consent")
    stakeholder = Stakeholder.objects.create(
        project=project,
        name=_required(name, _("Name")),
        kind=kind,
        sector=sector,
        description=description,
        email=email,
        phone=phone,
        consent_to_contact=consent_to_contact,
        consent_to_list=consent_to_list,
        is_data_requester=is_data_requester,
    )
    record_write(actor=by, action="projects.stakeholder.add", target=stakeholder, after={"name": stakeholder.name})
    return stakeholder


@transaction.atomic
def withdraw_stakeholder_consent(stakeholder: Stakeholder, *, by: Any) -> Stakeholder:
    """The person no longer agrees to be contacted or named: their contact details are erased and
    their name leaves public pages. Notes stay, as they belong to the project's record."""
    permissions.ensure_can_edit_project(by, stakeholder.project)
    stakeholder.email = ""
    stakeholder.phone = ""
    stakeholder.consent_to_contact = False
    stakeholder.consent_to_list = False
    stakeholder.save(update_fields=["email", "phone", "consent_to_contact", "consent_to_list"])
    record_write(actor=by, action="projects.stakeholder.withdraw_consent", target=stakeholder)
    return stakeholder


@transaction.atomic
def add_stakeholder_note(
    project: Project,
    *,
    kind: str,
    summary: str,
    body: str = "",
    stakeholder: Stakeholder | None = None,
    activity: Activity | None = None,
    by: Any,
) -> StakeholderNote:
    """Keep interview or survey notes (staff only; never shown publicly)."""
    permissions.ensure_can_edit_project(by, project)
    for related in (stakeholder, activity):
        if related is not None and related.project_id != project.pk:
            raise InvalidInput(_("That record belongs to another project."))
    return StakeholderNote.objects.create(
        project=project,
        kind=kind,
        summary=_required(summary, _("Summary")),
        body=body,
        stakeholder=stakeholder,
        activity=activity,
    )


@transaction.atomic
def add_use_case(
    project: Project, *, title: str, summary: str = "", requester_ids: Iterable[int] = (), by: Any
) -> UseCase:
    """Add a use case during Refine, with its data requesters."""
    permissions.ensure_can_edit_project(by, project)
    _ensure_step(project, StepChoice.REFINE, StepChoice.DESIGN)
    use_case = UseCase.objects.create(project=project, title=_required(title, _("Title")), summary=summary)
    use_case.requesters.set(Stakeholder.objects.filter(project=project, pk__in=list(requester_ids)))
    _touch(project)
    record_write(actor=by, action="projects.use_case.add", target=use_case, after=snapshot(use_case))
    return use_case


@transaction.atomic
def add_persona(use_case: UseCase, *, name: str, description: str = "", by: Any) -> Persona:
    """Describe a kind of user for a use case."""
    permissions.ensure_can_edit_project(by, use_case.project)
    return Persona.objects.create(use_case=use_case, name=_required(name, _("Persona")), description=description)


@transaction.atomic
def add_user_story(
    use_case: UseCase, *, as_a: str, i_want: str, so_that: str, persona: Persona | None = None, by: Any
) -> UserStory:
    """Add 'As a … I want … so that …'; all three parts are required."""
    permissions.ensure_can_edit_project(by, use_case.project)
    if persona is not None and persona.use_case_id != use_case.pk:
        raise InvalidInput(_("That persona belongs to another use case."))
    return UserStory.objects.create(
        use_case=use_case,
        persona=persona,
        as_a=_required(as_a, _("As a"))[:200],
        i_want=_required(i_want, _("I want"))[:300],
        so_that=_required(so_that, _("so that"))[:300],
    )


@transaction.atomic
def add_data_need(
    use_case: UseCase,
    *,
    description: str,
    dataset: Any = None,
    demand_request_url: str = "",
    open_request: bool = False,
    by: Any,
) -> DataNeed:
    """Record data a use case needs: a catalog dataset, or unreleased data linked to a demand request.

    Without a dataset, the need links to the demand and prioritisation queue: with `open_request` a
    new data request is filed there (by `by`, for the project's organisation, in the same
    transaction); otherwise the given request link, or the demand app's page for asking for data.
    """
    permissions.ensure_can_edit_project(by, use_case.project)
    if demand_request_url and not demand_request_url.startswith(("https://", "http://", "/")):
        raise InvalidInput(_("The request link must be a web address."), code="bad_url")
    description = _required(description, _("Data needed"))
    request = None
    if dataset is None and open_request:
        from civicdata.demand.services import create_request

        request = create_request(
            by=by,
            title=description[:200],
            description=_("Needed for the use case “%(use_case)s” of the engagement project “%(project)s”.")
            % {"use_case": use_case.title, "project": use_case.project.title},
            intended_use=use_case.title,
            publisher=use_case.project.organization,
        )
    elif dataset is None and not demand_request_url:
        demand_request_url = _demand_request_link(description)
    need = DataNeed.objects.create(
        use_case=use_case,
        description=description,
        dataset=dataset,
        demand_request=request,
        demand_request_url=demand_request_url[:300],
    )
    return need


def _demand_request_link(description: str) -> str:
    from urllib.parse import urlencode

    from django.urls import NoReverseMatch, reverse

    for name in ("demand:request_new", "demand:new", "demand:index"):
        try:
            return reverse(name) + "?" + urlencode({"title": description[:120]})
        except NoReverseMatch:
            continue
    return ""


@transaction.atomic
def save_worksheet(
    project: Project, *, answers: Mapping[str, str], tactic_codes: list[str], by: Any
) -> RefineWorksheet:
    """Store the Refine self-assessment worksheet; its pitch is derived on display."""
    permissions.ensure_can_edit_project(by, project)
    clean = {k: (v or "").strip()[:MAX_TEXT] for k, v in answers.items()}
    try:
        worksheet.build_pitch(clean, tactic_codes=tactic_codes)
    except worksheet.WorksheetError as exc:
        raise InvalidInput(str(exc)) from exc
    obj, _created = RefineWorksheet.objects.update_or_create(
        project=project, defaults={"answers": clean, "tactic_codes": tactic_codes, "updated_at": timezone.now()}
    )
    record_write(actor=by, action="projects.worksheet", target=project, after=clean)
    return obj
