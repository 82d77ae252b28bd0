"""Forms of the registration, check-in, agenda, survey and feedback pages (organisers' and attendees')."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from civicdata.events.models import QuestionKind, Role, Sector, SurveyQuestion

YES_NO = [("", _("Prefer not to say")), ("yes", _("Yes")), ("no", _("No"))]


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("Your e-mail address"), required=False, help_text=_("We send your ticket and the calendar entry here.")
    )
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example step-free access, captions, a sign language interpreter or a quiet room. Only the "
            "organisers see this."
        ),
    )
    demographics_consent = forms.BooleanField(
        label=_(
            "I agree to answer the optional questions below. My answers are kept apart from my name and the "
            "organisers see them only as totals, never for groups of fewer than 5 people."
        ),
        required=False,
    )
    role = forms.ChoiceField(
        label=_("Which describes you best? (optional)"),
        required=False,
        choices=[("", _("Prefer not to say")), *Role.choices],
    )
    sector = forms.ChoiceField(
        label=_("Where do you work or study? (optional)"),
        required=False,
        choices=[("", _("Prefer not to say")), *Sector.choices],
    )
    affiliation = forms.CharField(
        label=_("Organisation or group you belong to (optional)"), required=False, max_length=120
    )
    first_time = forms.ChoiceField(
        label=_("Is this your first civicdata event? (optional)"), required=False, choices=YES_NO
    )
    code_of_conduct = forms.BooleanField(
        label=_("I will follow the code of conduct: treat everyone with respect, and no harassment of any kind."),
        required=False,
    )

    def __init__(self, *args, guest: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if guest:
            self.fields["name"].required = True
            self.fields["email"].required = True
        else:
            del self.fields["name"]
            del self.fields["email"]

    def demographics(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("demographics_consent"):
            return None
        first = {"yes": True, "no": False}.get(data.get("first_time") or "")
        answers = {
            "role": data.get("role"),
            "sector": data.get("sector"),
            "affiliation": data.get("affiliation"),
            "first_time": first,
        }
        return answers if any(value not in ("", None) for value in answers.values()) else None


class WalkInForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address (optional)"), required=False)


class TopicForm(forms.Form):
    title = forms.CharField(label=_("Topic or challenge idea"), max_length=200)
    description = forms.CharField(
        label=_("Details (optional)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class QuestionForm(forms.Form):
    prompt = forms.CharField(label=_("Question"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=QuestionKind.choices)
    choices = forms.CharField(
        label=_("Choices, one a line (only for a list)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SurveyForm(forms.Form):
    """The organisers' questions, each one optional."""

    def __init__(self, *args, questions: list[SurveyQuestion], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for question in questions:
            key = str(question.pk)
            if question.kind == QuestionKind.RATING:
                self.fields[key] = forms.ChoiceField(
                    label=question.prompt,
                    required=False,
                    widget=forms.RadioSelect,
                    choices=[(str(n), str(n)) for n in range(1, 6)],
                )
            elif question.kind == QuestionKind.CHOICE:
                self.fields[key] = forms.ChoiceField(
                    label=question.prompt,
                    required=False,
                    widget=forms.RadioSelect,
                    choices=[(choice, choice) for choice in question.choice_list()],
                )
            else:
                self.fields[key] = forms.CharField(
                    label=question.prompt, required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
                )


class FeedbackForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("How was the event overall? (1 = poor, 5 = excellent)"),
        widget=forms.RadioSelect,
        choices=[(str(n), str(n)) for n in range(1, 6)],
    )
    useful = forms.CharField(
        label=_("What was most useful?"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    improve = forms.CharField(
        label=_("What should we do better next time?"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    come_again = forms.ChoiceField(
        label=_("Would you come to another event like this?"),
        required=False,
        widget=forms.RadioSelect,
        choices=[("yes", _("Yes")), ("no", _("No"))],
    )
