"""Forms of the community pages: quality reports, discussions, stories, reuses, announcements and the
moderation decisions. Datasets, projects and data requests are typed as their short names or numbers (one
per line or comma-separated), so the forms work without JavaScript however large the catalog is."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import EntryLicence, ImplementationStatus, ReportCategory, ReportStatus, ReuseKind

# --- data-quality reports and discussions ---------------------------------------------------------


class QualityReportForm(forms.Form):
    category = forms.ChoiceField(
        label=_("What kind of problem is it?"), choices=ReportCategory.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("What is wrong?"),
        help_text=_("Say where you saw it and what you expected. Do not include anyone's personal details."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    distribution = forms.TypedChoiceField(
        label=_("Which file or service?"), required=False, coerce=int, empty_value=None
    )
    column = forms.CharField(label=_("Column"), required=False, max_length=200)
    row = forms.CharField(label=_("Row"), required=False, max_length=300)

    def __init__(self, *args: object, distributions: list = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["distribution"].choices = [("", _("The whole dataset"))] + [
            (d.pk, d.title or d.format or d.media_type or _("Distribution")) for d in distributions
        ]


class AnswerReportForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Answer"),
        choices=[
            (ReportStatus.CONFIRMED, _("Confirm: there is a problem, we are working on it")),
            (ReportStatus.FIXED, _("Fixed")),
            (ReportStatus.WONT_FIX, _("Won't fix (say why)")),
            (ReportStatus.DUPLICATE, _("Duplicate of another report")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Message to the reporter"),
        help_text=_("Required for “won't fix”. Shown publicly with the report."),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    duplicate_of = forms.TypedChoiceField(label=_("Report it repeats"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: object, others: list = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["duplicate_of"].choices = [("", "—")] + [
            (r.pk, f"#{r.pk} {r.get_category_display()}") for r in others
        ]


class DiscussionForm(forms.Form):
    title = forms.CharField(label=_("Your question, in one line"), max_length=200)
    body = forms.CharField(
        label=_("Details"),
        help_text=_("You can use Markdown. Everyone can read this."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your answer"),
        help_text=_("You can use Markdown. Everyone can read this."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    as_publisher = forms.BooleanField(label=_("Answer as the publisher (official answer)"), required=False)


# --- linking datasets, projects and data requests by their short names or numbers -------------------

_SPLIT = re.compile(r"[\s,]+")
MAX_LINKED = 30


def _keys(text: str) -> list[str]:
    return list(dict.fromkeys(part for part in _SPLIT.split(text or "") if part))


def _public_datasets(text: str) -> list[Any]:
    from civicdata.catalog.models import PUBLIC_LEVELS, Dataset

    keys = _keys(text)
    if len(keys) > MAX_LINKED:
        raise forms.ValidationError(_("Link at most %(count)s datasets.") % {"count": MAX_LINKED})
    found = list(
        Dataset.objects.filter(Q(name__in=keys) | Q(identifier__in=keys)).filter(
            is_published=True, withdrawn_at__isnull=True, access_level__in=PUBLIC_LEVELS
        )
    )
    known = {d.name for d in found} | {d.identifier for d in found if d.identifier}
    missing = [key for key in keys if key not in known]
    if missing:
        raise forms.ValidationError(
            _("No public dataset has the short name %(names)s.") % {"names": ", ".join(missing[:5])}
        )
    return found


def _data_requests(text: str) -> list[Any]:
    from civicdata.demand.models import DataRequest

    keys = [key.lstrip("#") for key in _keys(text)]
    if any(not key.isdigit() for key in keys):
        raise forms.ValidationError(_("Data requests are given by their number, such as 12."))
    numbers = [int(key) for key in keys][:MAX_LINKED]
    found = list(DataRequest.objects.filter(pk__in=numbers, is_hidden=False))
    missing = sorted(set(numbers) - {r.pk for r in found})
    if missing:
        raise forms.ValidationError(
            _("No data request has the number %(numbers)s.") % {"numbers": ", ".join(map(str, missing[:5]))}
        )
    return found


DATASETS_HELP = _("The short name of each dataset (the last part of its address), one per line.")


# --- stories, reuses, announcements and moderation decisions --------------------------------------


class StoryForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary in one sentence"), max_length=300, required=False)
    body = forms.CharField(
        label=_("Story"),
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "Markdown. To show live data, put a Data API address in a block that starts with ```embed and "
            "ends with ``` — a table such as /api/data/<dataset>/<table>?limit=10, or a chart such as "
            "/data/<dataset>/<table>/chart/<number>.svg."
        ),
    )
    datasets = forms.CharField(
        label=_("Datasets used"), required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=DATASETS_HELP
    )
    projects = forms.CharField(
        label=_("Engagement projects"),
        required=False,
        help_text=_("The short name of each project, one per line."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    event_url = forms.URLField(label=_("Related event (address)"), required=False, assume_scheme="https")

    def clean_datasets(self) -> list[Any]:
        return _public_datasets(self.cleaned_data["datasets"])

    def clean_projects(self) -> list[Any]:
        from civicdata.projects.models import Project

        keys = _keys(self.cleaned_data["projects"])[:MAX_LINKED]
        found = list(Project.objects.filter(slug__in=keys))
        missing = sorted(set(keys) - {p.slug for p in found})
        if missing:
            raise forms.ValidationError(
                _("No project has the short name %(names)s.") % {"names": ", ".join(missing[:5])}
            )
        return found


class ReuseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("What kind of reuse is it?"), choices=ReuseKind.choices)
    url = forms.URLField(
        label=_("Link"), max_length=500, assume_scheme="https", help_text=_("Where people can see or use it.")
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What it is, who it helps, and how it uses the data."),
    )
    datasets = forms.CharField(
        label=_("Datasets used"), required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=DATASETS_HELP
    )
    data_requests = forms.CharField(
        label=_("Data requests it answers"),
        required=False,
        help_text=_("The number of each request, such as 12 (optional)."),
    )
    image = forms.FileField(
        label=_("Picture (optional)"),
        required=False,
        help_text=_("A screenshot or picture, JPEG, PNG, GIF or WebP, at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
    )
    image_alt = forms.CharField(
        label=_("Describe the picture for people who cannot see it"), max_length=300, required=False
    )

    def clean_datasets(self) -> list[Any]:
        return _public_datasets(self.cleaned_data["datasets"])

    def clean_data_requests(self) -> list[Any]:
        return _data_requests(self.cleaned_data["data_requests"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("image") and not (data.get("image_alt") or "").strip():
            self.add_error("image_alt", _("Describe the picture in a few words."))
        return data


class AnnouncementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Announcement"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown. Write [[short-name]] to link a dataset's page and its API."),
    )
    datasets = forms.CharField(
        label=_("Datasets"), required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=DATASETS_HELP
    )

    def clean_datasets(self) -> list[Any]:
        return _public_datasets(self.cleaned_data["datasets"])


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it declined?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The author receives this by e-mail."),
    )


def keys_of(items: Any) -> str:
    """The text a link field shows for objects already linked."""
    return "\n".join(getattr(item, "name", None) or getattr(item, "slug", None) or str(item.pk) for item in items)


# --- data challenges -------------------------------------------------------------------------------


class ChallengeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("The challenge"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown. The problem to solve, who it matters to, and what a good entry looks like."),
    )
    organization = forms.ModelChoiceField(label=_("Organisation running it"), queryset=None)
    use_case = forms.ModelChoiceField(
        label=_("Project use case it answers"),
        queryset=None,
        required=False,
        help_text=_("From an engagement project's Refine step. Choose this or a problem below."),
    )
    problem = forms.ModelChoiceField(
        label=_("Problem from a project's problem inventory"), queryset=None, required=False
    )
    datasets = forms.CharField(
        label=_("Datasets to use"), required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=DATASETS_HELP
    )
    criteria = forms.CharField(
        label=_("Judging rubric"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One criterion per line, then a bar and its weight, such as: Usefulness to residents | 3"),
    )
    judges = forms.CharField(
        label=_("Judges"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The e-mail address of each judge's account, one per line."),
    )
    blind_judging = forms.BooleanField(label=_("Blind judging: hide team names until the results"), required=False)
    public_vote = forms.BooleanField(label=_("Hold a public vote (one vote per account)"), required=False)
    publish_judge_scores = forms.BooleanField(
        label=_("Publish each judge's scores with the results (judges stay unnamed)"), required=False
    )
    opens_on = forms.DateField(
        label=_("Entries open on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    closes_on = forms.DateField(
        label=_("Entries close on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    results_on = forms.DateField(
        label=_("Results announced on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from civicdata.accounts.models import Organization
        from civicdata.projects.models import Problem, UseCase

        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.order_by("name")
        self.fields["use_case"].queryset = UseCase.objects.select_related("project").order_by("project__title", "title")
        self.fields["use_case"].label_from_instance = lambda u: f"{u.project.title}: {u.title}"
        self.fields["problem"].queryset = (
            Problem.objects.select_related("project").filter(status="visible").order_by("project__title", "title")
        )
        self.fields["problem"].label_from_instance = lambda p: f"{p.project.title}: {p.title}"

    def clean_datasets(self) -> list[Any]:
        return _public_datasets(self.cleaned_data["datasets"])

    def clean_criteria(self) -> list[tuple[str, int]]:
        rubric = []
        for line in self.cleaned_data["criteria"].splitlines():
            if not line.strip():
                continue
            name, _bar, weight = line.rpartition("|")
            if not _bar:
                name, weight = line, "1"
            if not name.strip() or not weight.strip().isdigit() or not 1 <= int(weight) <= 100:
                raise forms.ValidationError(
                    _("Write each criterion as its name, a bar and a weight from 1 to 100, such as: Impact | 3")
                )
            rubric.append((name.strip()[:120], int(weight)))
        if not rubric:
            raise forms.ValidationError(_("Give the judges at least one criterion."))
        return rubric

    def clean_judges(self) -> list[str]:
        emails = _keys(self.cleaned_data["judges"])
        for email in emails:
            if "@" not in email:
                raise forms.ValidationError(_("“%(value)s” is not an e-mail address.") % {"value": email[:80]})
        return emails

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("use_case") and not data.get("problem") and "use_case" not in self.errors:
            self.add_error("use_case", _("Choose the project use case or the problem this challenge is about."))
        return data


def rubric_text(challenge: Any) -> str:
    return "\n".join(f"{c.name} | {c.weight}" for c in challenge.criteria.all())


class EntryForm(forms.Form):
    team_name = forms.CharField(label=_("Team name"), max_length=120, help_text=_("Or your own name."))
    title = forms.CharField(label=_("Title of your entry"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What you made, who it helps and which data it uses. Markdown."),
    )
    links = forms.CharField(
        label=_("Links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Where to see your work (code, demo, slides), one address per line."),
    )
    licence = forms.ChoiceField(label=_("Licence of your entry"), choices=EntryLicence.choices)


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (seen only by staff)"),
        required=False,
        max_length=300,
        help_text=_("For example: I know the team."),
    )


class ImplementationForm(forms.Form):
    status = forms.ChoiceField(label=_("Where is the implementation?"), choices=ImplementationStatus.choices)
    note = forms.CharField(label=_("News for residents"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
