"""core/_field.html: every widget comes out as USWDS markup a person can see and operate."""

from __future__ import annotations

import re

from django import forms
from django.template.loader import render_to_string

from civicdata.core.templatetags.civic import apply_uswds_classes


class ChoicesForm(forms.Form):
    tactics = forms.MultipleChoiceField(
        label="Tactics",
        choices=[("a", "Interviews"), ("b", "Scope-a-thon")],
        widget=forms.CheckboxSelectMultiple,
        help_text="Pick any.",
    )
    decision = forms.ChoiceField(label="Decision", choices=[("k", "Keep"), ("d", "Drop")], widget=forms.RadioSelect)
    agree = forms.BooleanField(label="I agree", required=False)


def render(form: forms.Form) -> str:
    apply_uswds_classes(form)
    return render_to_string("core/_form.html", {"form": form})


def test_a_multiple_choice_field_is_a_fieldset_of_uswds_checkboxes_each_followed_by_its_label():
    html = render(ChoicesForm())
    group = re.search(r'<fieldset class="usa-fieldset"[^>]*>.*?Tactics.*?</fieldset>', html, re.S).group(0)
    assert '<legend class="usa-legend">Tactics' in group
    assert 'aria-describedby="id_tactics_helptext"' in group.split(">")[0]
    for index, label in enumerate(["Interviews", "Scope-a-thon"]):
        # The USWDS label draws the box for the off-screen input, so it must follow the input directly.
        pattern = (
            rf'<div class="usa-checkbox"><input [^>]*class="usa-checkbox__input"[^>]*id="id_tactics_{index}"[^>]*>'
            rf'<label class="usa-checkbox__label" for="id_tactics_{index}">{label}</label></div>'
        )
        assert re.search(pattern, group), group
    assert "aria-describedby" not in group.split("</legend>")[1]  # described once, on the fieldset


def test_radio_buttons_are_uswds_radios_in_a_fieldset():
    html = render(ChoicesForm())
    assert re.search(r'<legend class="usa-legend">Decision', html)
    assert re.search(
        r'<div class="usa-radio"><input [^>]*class="usa-radio__input"[^>]*id="id_decision_1"[^>]*>'
        r'<label class="usa-radio__label" for="id_decision_1">Drop</label></div>',
        html,
    )


def test_a_single_checkbox_keeps_its_uswds_label():
    html = render(ChoicesForm())
    assert re.search(r'class="usa-checkbox__input"[^>]*id="id_agree"', html)
    assert '<label class="usa-checkbox__label" for="id_agree">I agree</label>' in html
