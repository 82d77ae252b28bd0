"""Forms of the Data API pages: load a file, build a chart, edit the schema, decide on PII."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .charts import CHART_AGGREGATES, CHART_TYPES
from .models import LiveRefresh, PiiAction
from .schema import TYPES


class LoadForm(forms.Form):
    """Load a table from a file or web address. Without a distribution, the file is first added to the
    dataset as a new distribution (stored and served by the catalog)."""

    distribution = forms.ModelChoiceField(
        queryset=None,
        label=_("Distribution"),
        required=False,
        empty_label=_("A new file from your computer"),
        help_text=_("Which of the dataset's files or links the table is made from."),
    )
    title = forms.CharField(
        label=_("Title of the new file"),
        required=False,
        max_length=500,
        help_text=_("Only for a new file; left blank, the file name is used."),
    )
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
        help_text=_("Leave blank to use the distribution's own file or download URL."),
    )

    def __init__(self, *args: Any, dataset: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["distribution"].queryset = dataset.distributions.select_related("stored_file").order_by("position")
        self.fields["distribution"].label_from_instance = _distribution_label
        if not self.is_bound and dataset.distributions.exists():
            self.initial.setdefault("distribution", dataset.distributions.order_by("position").first().pk)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("file") and data.get("url"):
            raise forms.ValidationError(_("Give a file or a web address, not both."))
        distribution = data.get("distribution")
        if distribution is None:
            if "distribution" not in self.errors and not data.get("file"):
                self.add_error(
                    "file", _("Choose the file to add from your computer, or pick one of the dataset's files.")
                )
            if data.get("url"):
                self.add_error("url", _("A web address needs a distribution: add it as a link on the dataset first."))
            return data
        data["use_stored_file"] = False
        if not data.get("file") and not data.get("url"):
            if getattr(distribution, "stored_file", None) is not None:
                data["use_stored_file"] = True
            elif distribution.download_url:
                data["url"] = distribution.download_url
            else:
                raise forms.ValidationError(_("Choose a file or give a web address."))
        return data


def _distribution_label(distribution: Any) -> str:
    kind = distribution.format or distribution.media_type or ""
    uploaded = getattr(distribution, "stored_file", None) is not None
    parts = [str(distribution.title or distribution.format or _("File %(n)s") % {"n": distribution.position + 1})]
    if kind and kind != parts[0]:
        parts.append(kind)
    if uploaded:
        parts.append(str(_("uploaded file")))
    return " · ".join(parts)


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


class LiveSourceForm(forms.Form):
    """Connect a table or view of the office's database to a dataset ("List tables" first, then "Connect")."""

    connection_url = forms.CharField(
        label=_("Connection address of the database"),
        max_length=2000,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "off"}),
        help_text=_(
            "For example postgresql://reader:password@db.city.gov/permits (also mysql://, mssql:// or "
            "sqlite:///path). Use an account that can only read: civicdata stores the address encrypted."
        ),
    )
    relation = forms.CharField(
        label=_("Table or view"),
        required=False,
        max_length=255,
        help_text=_("Choose “List tables” to see the tables and views the account can read."),
    )
    title = forms.CharField(
        label=_("Title of the table"),
        required=False,
        max_length=500,
        help_text=_("Left blank, the table's name in the database is used."),
    )
    refresh = forms.ChoiceField(
        label=_("Copy it again"), choices=LiveRefresh.choices, initial=LiveRefresh.DAILY, widget=forms.RadioSelect
    )
    row_cap = forms.IntegerField(
        label=_("Most rows to copy"),
        required=False,
        min_value=1,
        help_text=_("Leave blank for the site's limit."),
    )

    def offer_relations(self, relations: list[str]) -> None:
        """After "List tables": the table box becomes a list to choose from."""
        field = self.fields["relation"]
        field.widget = forms.Select(choices=[("", _("Choose a table or view")), *((name, name) for name in relations)])
        field.help_text = ngettext("%(n)s table or view found.", "%(n)s tables and views found.", len(relations)) % {
            "n": len(relations)
        }
        # Validating the form made its bound field, which keeps the hint it had then: make it anew.
        self._bound_fields_cache.pop("relation", None)


class LiveRefreshForm(forms.Form):
    refresh = forms.ChoiceField(label=_("Copy it again"), choices=LiveRefresh.choices)
