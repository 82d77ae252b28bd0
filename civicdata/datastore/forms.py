"""Forms of the Data API pages: load a file, build a chart, edit the schema, decide on PII."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .charts import CHART_AGGREGATES, CHART_TYPES
from .models import PiiAction
from .schema import TYPES


class LoadForm(forms.Form):
    distribution = forms.ModelChoiceField(queryset=None, label=_("Distribution"), empty_label=None)
    name = forms.SlugField(
        label=_("Table name"),
        required=False,
        max_length=40,
        help_text=_("Lowercase letters, digits and underscores; used in the API address. Leave blank for a default."),
    )
    file = forms.FileField(label=_("File to load"), required=False, help_text=_("CSV, TSV, XLSX, JSON or GeoJSON."))
    url = forms.URLField(
        label=_("Or a web address to fetch"),
        required=False,
        assume_scheme="https",
        help_text=_("Leave blank to use the distribution's download URL."),
    )

    def __init__(self, *args: Any, dataset: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["distribution"].queryset = dataset.distributions.all()
        self.fields["distribution"].label_from_instance = lambda d: str(d)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("file") and data.get("url"):
            raise forms.ValidationError(_("Give a file or a web address, not both."))
        distribution = data.get("distribution")
        if not data.get("file") and not data.get("url"):
            if distribution is not None and distribution.download_url:
                data["url"] = distribution.download_url
            else:
                raise forms.ValidationError(_("Choose a file or give a web address."))
        return data


class ChartForm(forms.Form):
    chart_type = forms.ChoiceField(label=_("Chart type"), choices=[])
    x = forms.ChoiceField(label=_("Category or time (x)"), required=False, choices=[])
    aggregate = forms.ChoiceField(label=_("Measure"), choices=[])
    y = forms.ChoiceField(label=_("Of column (y)"), required=False, choices=[])
    title = forms.CharField(label=_("Title"), required=False, max_length=200)

    def __init__(self, *args: Any, columns: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = {"bar": _("Bar"), "line": _("Line"), "map": _("Map of points")}
        self.fields["chart_type"].choices = [(t, labels[t]) for t in CHART_TYPES]
        agg_labels = {
            "count": _("Number of rows"),
            "sum": _("Sum"),
            "avg": _("Average"),
            "min": _("Minimum"),
            "max": _("Maximum"),
        }
        self.fields["aggregate"].choices = [(a, agg_labels[a]) for a in CHART_AGGREGATES]
        blank = [("", "—")]
        self.fields["x"].choices = blank + columns
        self.fields["y"].choices = blank + columns


class SchemaFieldForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    type = forms.ChoiceField(label=_("Type"), choices=[(t, t) for t in TYPES])
    format = forms.CharField(
        label=_("Format"), required=False, max_length=40, help_text=_("e.g. %m/%d/%Y for dates, or default")
    )
    required = forms.BooleanField(label=_("Required"), required=False)
    unique = forms.BooleanField(label=_("Unique"), required=False)
    minimum = forms.FloatField(label=_("Minimum"), required=False)
    maximum = forms.FloatField(label=_("Maximum"), required=False)
    pattern = forms.CharField(label=_("Pattern (regular expression)"), required=False, max_length=200)

    def to_edit(self) -> dict[str, Any]:
        data = self.cleaned_data
        constraints: dict[str, Any] = {}
        for key in ("required", "unique"):
            if data.get(key):
                constraints[key] = True
        for key in ("minimum", "maximum"):
            if data.get(key) is not None:
                value = data[key]
                constraints[key] = int(value) if float(value).is_integer() else value
        if data.get("pattern"):
            constraints["pattern"] = data["pattern"]
        return {
            "title": data["title"],
            "description": data.get("description", ""),
            "type": data["type"],
            "format": data.get("format") or "default",
            "constraints": constraints,
        }


class PiiDecisionForm(forms.Form):
    column = forms.CharField(widget=forms.HiddenInput)
    action = forms.ChoiceField(label=_("Decision"), choices=PiiAction.choices, widget=forms.RadioSelect)
    justification = forms.CharField(
        label=_("Justification (needed to keep the column)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
