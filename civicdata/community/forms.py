"""Forms of the community pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from civicdata.community.models import ReportCategory, ReportStatus

# --- data-quality reports and discussions (helper f) ---------------------------------------------


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
