"""Forms for sign-up extras and the profile."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from civicdata.accounts.models import Affiliation, User


class SignupForm(forms.Form):
    """Extra fields allauth adds to its sign-up form."""

    display_name = forms.CharField(label=_("Display name"), max_length=120, required=False)
    affiliation = forms.ChoiceField(
        label=_("Which describes you best? (optional)"),
        choices=[("", _("Prefer not to say")), *Affiliation.choices],
        required=False,
    )

    def signup(self, request: object, user: User) -> None:
        """allauth calls this after creating the account; the adapter has saved the fields already."""


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "affiliation", "show_name_publicly", "language"]


class TokenForm(forms.Form):
    name = forms.CharField(label=_("What will use this token?"), max_length=100)
