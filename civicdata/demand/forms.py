"""Forms of the demand pages: asking for data, commenting, reporting, triage, log import, priorities."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from civicdata.accounts.models import Affiliation, Organization
from civicdata.demand.logs import Role
from civicdata.demand.models import (
    DataRequest,
    DeclineReason,
    EmailMode,
    Level,
    LogKindChoice,
    ReportReason,
    RequestStatus,
)

ROLE_LABELS = {
    Role.TRACKING_NUMBER: _("Tracking number"),
    Role.RECEIVED_DATE: _("Received date"),
    Role.CLOSED_DATE: _("Closed date"),
    Role.DESCRIPTION: _("Subject or description"),
    Role.REQUESTER_NAME: _("Requester name (dropped: personal data)"),
    Role.REQUESTER_ORGANIZATION: _("Requester organisation"),
    Role.REQUESTER_TYPE: _("Requester type"),
    Role.DEPARTMENT: _("Department"),
    Role.STATUS: _("Status"),
    Role.COUNT: _("Count"),
    Role.IGNORE: _("Ignore this column"),
}


class RequestForm(forms.Form):
    """Step 1 and 2 of asking for data. `website` is a honeypot: people never see or fill it."""

    title = forms.CharField(label=_("What data do you need?"), max_length=200)
    description = forms.CharField(
        label=_("Details"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What should the data cover (places, years, level of detail)? Markdown is allowed."),
    )
    intended_use = forms.CharField(
        label=_("How will you use it?"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    requester_type = forms.ChoiceField(
        label=_("You are asking as"), required=False, choices=[("", _("Prefer not to say")), *Affiliation.choices]
    )
    publisher = forms.ModelChoiceField(
        label=_("Department (if you know it)"), required=False, queryset=Organization.objects.none()
    )
    topic = forms.CharField(label=_("Topic"), required=False, max_length=80)
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        from civicdata.accounts.models import PUBLISHER_TYPES

        self.fields["publisher"].queryset = Organization.objects.filter(org_type__in=PUBLISHER_TYPES).order_by("name")

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("What is wrong?"), choices=ReportReason.choices)
    note = forms.CharField(label=_("Anything to add?"), required=False, max_length=500)


def _request_by_number(number: int | None, *, exclude: DataRequest | None) -> DataRequest | None:
    """The request with this number (never the one being edited), or a validation error."""
    if number is None:
        return None
    found = DataRequest.objects.filter(pk=number, merged_into__isnull=True).first()
    if found is None or (exclude is not None and found.pk == exclude.pk):
        raise forms.ValidationError(_("There is no other open request number %(number)s.") % {"number": number})
    return found


class StatusForm(forms.Form):
    """Triage: the new status with what that status requires.

    Datasets are offered as a short list of likely matches (plus those already linked) with a
    free field for any other, and requests are named by number: a select listing every dataset or
    request would not scale to a real catalog.
    """

    to_status = forms.ChoiceField(label=_("New status"), choices=RequestStatus.choices)
    message = forms.CharField(
        label=_("Message to requester, voters and followers"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    target_date = forms.DateField(
        label=_("Target date (planned)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    datasets = forms.ModelMultipleChoiceField(
        label=_("Datasets that fulfil it (published, or planned: published automatically later)"),
        required=False,
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )
    other_datasets = forms.CharField(
        label=_("Other datasets (short names or identifiers, separated by commas)"), required=False
    )
    decline_reason = forms.ChoiceField(
        label=_("Reason (declined)"), required=False, choices=[("", "—"), *DeclineReason.choices]
    )
    duplicate_of = forms.IntegerField(
        label=_("Number of the request it duplicates (duplicate)"), required=False, min_value=1
    )
    available_url = forms.URLField(label=_("Where it is available (already available)"), required=False)
    decline_note = forms.CharField(
        label=_("Explanation (other)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: object, request_obj: DataRequest | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        from civicdata.catalog.models import Dataset
        from civicdata.demand.queries import matching_datasets

        self.request_obj = request_obj
        suggested: set[int] = set()
        if request_obj is not None:
            suggested = {d.pk for d in matching_datasets(f"{request_obj.title} {request_obj.description}", limit=10)}
            suggested |= set(request_obj.fulfilling_datasets.values_list("pk", flat=True))
        self.fields["datasets"].queryset = Dataset.objects.filter(pk__in=suggested, withdrawn_at__isnull=True)

    def clean_duplicate_of(self) -> DataRequest | None:
        return _request_by_number(self.cleaned_data.get("duplicate_of"), exclude=self.request_obj)

    def clean(self) -> dict:
        from django.db.models import Q

        from civicdata.catalog.models import Dataset

        data = super().clean()
        chosen = list(data.get("datasets") or [])
        names = [name.strip() for name in (data.get("other_datasets") or "").split(",") if name.strip()]
        if names:
            found = list(Dataset.objects.filter(Q(name__in=names) | Q(identifier__in=names), withdrawn_at__isnull=True))
            known = {d.name for d in found} | {d.identifier for d in found if d.identifier}
            unknown = [name for name in names if name not in known]
            if unknown:
                self.add_error("other_datasets", _("No dataset is called: %(names)s.") % {"names": ", ".join(unknown)})
            chosen += [d for d in found if d not in chosen]
        data["all_datasets"] = chosen
        return data


class AssignForm(forms.Form):
    assigned_publisher = forms.ModelChoiceField(
        label=_("Responsible publisher"), required=False, queryset=Organization.objects.none()
    )
    owner = forms.ModelChoiceField(label=_("Owner (staff member)"), required=False, queryset=None)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        from civicdata.accounts.models import PUBLISHER_TYPES

        self.fields["assigned_publisher"].queryset = Organization.objects.filter(org_type__in=PUBLISHER_TYPES).order_by(
            "name"
        )
        users = get_user_model().objects.filter(is_active=True)
        self.fields["owner"].queryset = users.filter(
            pk__in=users.filter(is_staff=True)
            .values("pk")
            .union(users.filter(memberships__role__in=["editor", "admin"]).values("pk"))
        ).order_by("email")


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class MergeForm(forms.Form):
    into = forms.IntegerField(label=_("Number of the request to merge into"), min_value=1)
    message = forms.CharField(label=_("Message to followers"), required=False)

    def __init__(self, *args: object, request_obj: DataRequest | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.request_obj = request_obj

    def clean_into(self) -> DataRequest | None:
        return _request_by_number(self.cleaned_data.get("into"), exclude=self.request_obj)


class PreferenceForm(forms.Form):
    email_mode = forms.ChoiceField(label=_("E-mail me about my requests"), choices=EmailMode.choices)


class LogUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of log"), choices=LogKindChoice.choices)
    source = forms.CharField(
        label=_("Source"), max_length=300, help_text=_("Agency or system, and where the file came from.")
    )
    file = forms.FileField(label=_("Log file (CSV or XLSX)"))


class MappingForm(forms.Form):
    """One role select per column of the uploaded log."""

    def __init__(self, *args: object, header: list[str], mapping: dict[int, str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        choices = [(role.value, ROLE_LABELS[role]) for role in Role]
        for index, name in enumerate(header):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=_("Column %(number)s: “%(name)s”") % {"number": index + 1, "name": name or "—"},
                choices=choices,
                initial=mapping.get(index, Role.IGNORE.value),
            )

    def mapping(self) -> dict[int, str]:
        return {int(name.removeprefix("col_")): value for name, value in self.cleaned_data.items()}


class WeightsForm(forms.Form):
    demand = forms.FloatField(label=_("Demand"), min_value=0)
    mission = forms.FloatField(label=_("Mission alignment"), min_value=0)
    effort = forms.FloatField(label=_("Effort (less is better)"), min_value=0)
    privacy = forms.FloatField(label=_("Privacy risk (less is better)"), min_value=0)
    security = forms.FloatField(label=_("Security risk (less is better)"), min_value=0)


class RatingForm(forms.Form):
    mission = forms.TypedChoiceField(label=_("Mission alignment"), choices=Level.choices, coerce=int)
    effort = forms.TypedChoiceField(label=_("Effort"), choices=Level.choices, coerce=int)
    privacy_risk = forms.TypedChoiceField(label=_("Privacy risk"), choices=Level.choices, coerce=int)
    security_risk = forms.TypedChoiceField(label=_("Security risk"), choices=Level.choices, coerce=int)
