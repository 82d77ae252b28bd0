"""Forms for project pages. They only parse and validate input; services do the writing."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from civicdata.projects import assessment, method, worksheet
from civicdata.projects.models import (
    ActivityKind,
    ArtefactKind,
    ChampionLevel,
    Channel,
    Disposition,
    EvidenceKind,
    FeedbackSource,
    NoteKind,
    PartnershipKind,
    PlanSection,
    Sector,
    StakeholderKind,
    StepChoice,
    TacticChoice,
)


def _tactics(step: method.Step) -> list[tuple[str, str]]:
    labels = dict(TacticChoice.choices)
    return [(t.code, labels[t.code]) for t in method.TACTICS_BY_STEP[step]]


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}), required=False)


class ProjectSettingsForm(ProjectForm):
    problems_open = forms.BooleanField(label=_("Problem inventory accepts new entries"), required=False)


class StepRecordForm(forms.Form):
    action = forms.CharField(label=_("Action"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    engagement = forms.CharField(label=_("Engagement"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    collaborators = forms.CharField(label=_("Collaborators"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    result = forms.CharField(label=_("Result"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class AdvanceForm(forms.Form):
    override_reason = forms.CharField(
        label=_("Reason for overriding failing checks"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Only needed when some checks fail. The reason is shown in the public history."),
    )


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of evidence"), choices=EvidenceKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    source = forms.CharField(label=_("Source"), max_length=300, required=False)
    request_count = forms.IntegerField(label=_("Number of requests"), min_value=0, required=False)
    city_goal = forms.CharField(label=_("City goal (shared priority)"), max_length=300, required=False)
    community_priority = forms.CharField(
        label=_("Community priority (shared priority)"), max_length=300, required=False
    )
    partner_name = forms.CharField(label=_("Partner (valuable partner)"), max_length=200, required=False)
    partnership = forms.ChoiceField(
        label=_("Partnership"), choices=[("", "—"), *PartnershipKind.choices], required=False
    )


class RequestLogForm(forms.Form):
    file = forms.FileField(
        label=_("Request log (CSV)"), help_text=_("Needs a column named topic, category or subject.")
    )


class FindAssessmentForm(forms.Form):
    """One checkbox per criterion, grouped by Find tactic in the template."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for criterion in assessment.ALL_CRITERIA.values():
            self.fields[criterion.key] = forms.BooleanField(label=gettext(criterion.text), required=False)

    def groups(self) -> list[tuple[method.Tactic, list[forms.BoundField]]]:
        return [(t, [self[c.key] for c in assessment.FIND_CRITERIA[t.code]]) for t in method.FIND_TACTICS]


class FocusAreaForm(forms.Form):
    title = forms.CharField(label=_("Focus area"), max_length=200)
    rationale = forms.CharField(label=_("Why this focus area"), widget=forms.Textarea(attrs={"rows": 4}))
    tactic = forms.ChoiceField(
        label=_("Find tactic used"), choices=[("", "—"), *_tactics(method.Step.FIND)], required=False
    )
    evidence = forms.MultipleChoiceField(
        label=_("Supporting evidence"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: object, evidence_choices: list[tuple[int, str]] = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"].choices = [(str(pk), label) for pk, label in evidence_choices]


class ProblemForm(forms.Form):
    title = forms.CharField(label=_("Problem"), max_length=200)
    body = forms.CharField(label=_("Details"), widget=forms.Textarea(attrs={"rows": 4}), required=False)


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class ActivityForm(forms.Form):
    step = forms.ChoiceField(label=_("Step"), choices=StepChoice.choices)
    tactic = forms.ChoiceField(label=_("Tactic"), choices=TacticChoice.choices)
    kind = forms.ChoiceField(label=_("Kind of activity"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    held_on = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    location = forms.CharField(label=_("Place"), max_length=200, required=False)
    participants = forms.IntegerField(label=_("Participants"), min_value=0, required=False)


class StakeholderForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=StakeholderKind.choices)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    description = forms.CharField(label=_("Role or interest"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    consent_to_contact = forms.BooleanField(label=_("Agreed to be contacted"), required=False)
    email = forms.EmailField(label=_("E-mail (private)"), required=False)
    phone = forms.CharField(label=_("Phone (private)"), max_length=40, required=False)
    consent_to_list = forms.BooleanField(label=_("Agreed to be named publicly"), required=False)
    is_data_requester = forms.BooleanField(label=_("Has requested data"), required=False)


class NoteForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=NoteKind.choices)
    stakeholder = forms.TypedChoiceField(label=_("Stakeholder"), coerce=int, required=False, empty_value=None)
    summary = forms.CharField(label=_("Summary"), max_length=300)
    body = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args: object, stakeholders: list[tuple[int, str]] = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stakeholder"].choices = [("", "—"), *stakeholders]


class UseCaseForm(forms.Form):
    title = forms.CharField(label=_("Use case"), max_length=200)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    requesters = forms.MultipleChoiceField(
        label=_("Data requesters"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: object, stakeholders: list[tuple[int, str]] = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requesters"].choices = [(str(pk), name) for pk, name in stakeholders]


class PersonaForm(forms.Form):
    name = forms.CharField(label=_("Persona"), max_length=120)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class UserStoryForm(forms.Form):
    as_a = forms.CharField(label=_("As a"), max_length=200)
    i_want = forms.CharField(label=_("I want"), max_length=300)
    so_that = forms.CharField(label=_("so that"), max_length=300)


class DataNeedForm(forms.Form):
    description = forms.CharField(label=_("Data needed"), max_length=300)
    dataset_identifier = forms.CharField(
        label=_("Catalog dataset identifier"),
        max_length=300,
        required=False,
        help_text=_("Leave empty when the data is not released yet; it will be linked to a data request."),
    )
    demand_request_url = forms.CharField(label=_("Link to an existing data request"), max_length=300, required=False)
    open_request = forms.BooleanField(
        label=_("File a new data request in the demand queue"),
        required=False,
        help_text=_("For data that is not released yet and has no request."),
    )


WORKSHEET_LABELS = {
    "focus_area": _("Focus area"),
    "data_supply": _("Data supply"),
    "data_requesters": _("Data requesters"),
    "past_activities": _("Past activities"),
    "tactics": _("Tactics"),
    "next_steps": _("Next steps"),
    "potential_impacts": _("Potential impacts"),
}


class WorksheetForm(forms.Form):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for section in worksheet.WORKSHEET_SECTIONS:
            self.fields[section.key] = forms.CharField(
                label=WORKSHEET_LABELS[section.key],
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                help_text=" ".join(gettext(prompt) for prompt in section.prompts),
            )
        self.fields["tactic_codes"] = forms.MultipleChoiceField(
            label=_("Refine tactics for the pitch"),
            choices=_tactics(method.Step.REFINE),
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )


class SelectUseCaseForm(forms.Form):
    use_case = forms.TypedChoiceField(label=_("Use case to design for"), coerce=int)

    def __init__(self, *args: object, use_cases: list[tuple[int, str]] = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["use_case"].choices = list(use_cases)


class PlanForm(forms.Form):
    goal = forms.CharField(label=_("Goal"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    activities = forms.CharField(label=_("Activities"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    roles = forms.CharField(label=_("Roles"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    timeline = forms.CharField(label=_("Timeline"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    housed_by = forms.CharField(label=_("Who houses it"), max_length=300, required=False)
    sustained_by = forms.CharField(label=_("Who sustains it"), max_length=300, required=False)
    constraint_privacy = forms.CharField(
        label=_("Privacy constraints"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    constraint_security = forms.CharField(
        label=_("Security constraints"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    constraint_legal = forms.CharField(
        label=_("Legal constraints"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    constraint_technical = forms.CharField(
        label=_("Technical constraints"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    constraint_operational = forms.CharField(
        label=_("Operational constraints"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    note = forms.CharField(label=_("What changed in this version"), max_length=300, required=False)

    def constraints(self) -> dict[str, str]:
        return {c.value: self.cleaned_data.get(f"constraint_{c.value}", "") for c in method.AdoptionConstraint}


class CommentPeriodForm(forms.Form):
    opens_at = forms.DateTimeField(
        label=_("Comments open"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    closes_at = forms.DateTimeField(
        label=_("Comments close"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class PlanCommentForm(forms.Form):
    section = forms.ChoiceField(
        label=_("Part of the plan"), choices=[("", _("The whole plan")), *PlanSection.choices], required=False
    )
    body = forms.CharField(label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 4}))


class PlanFeedbackForm(PlanCommentForm):
    source = forms.ChoiceField(label=_("Heard at"), choices=FeedbackSource.choices)
    activity = forms.TypedChoiceField(
        label=_("Focus group or workshop (activity)"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: object, activities: list[tuple[int, str]] = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity"].choices = [("", "—"), *activities]


class DispositionForm(forms.Form):
    disposition = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Disposition.INCORPORATED, Disposition.INCORPORATED.label),
            (Disposition.NOT_INCORPORATED, Disposition.NOT_INCORPORATED.label),
        ],
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class InterventionForm(forms.Form):
    tactic = forms.ChoiceField(label=_("Implement tactic"), choices=_tactics(method.Step.IMPLEMENT))
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    data_url = forms.URLField(label=_("Link to the data"), required=False, assume_scheme="https")


class ReachForm(forms.Form):
    users_reached = forms.IntegerField(label=_("People reached"), min_value=0)


class ArtefactForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ArtefactKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https")


class MetricForm(forms.Form):
    name = forms.CharField(label=_("Outcome metric"), max_length=200)
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False)
    baseline = forms.DecimalField(label=_("Baseline"), max_digits=14, decimal_places=2)
    target = forms.DecimalField(label=_("Target"), max_digits=14, decimal_places=2)


class ActualForm(forms.Form):
    actual = forms.DecimalField(label=_("Actual value"), max_digits=14, decimal_places=2)


class ReportSummaryForm(forms.Form):
    summary = forms.CharField(label=_("Summary of results"), widget=forms.Textarea(attrs={"rows": 5}))


class ChampionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    title = forms.CharField(label=_("Job title"), max_length=200, required=False)
    level = forms.ChoiceField(label=_("Kind of champion"), choices=ChampionLevel.choices)
    channels = forms.MultipleChoiceField(
        label=_("Channels used"), choices=Channel.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    public_contact = forms.CharField(label=_("Public contact"), max_length=300, required=False)
    listed_publicly = forms.BooleanField(label=_("Show in the public directory"), required=False)
