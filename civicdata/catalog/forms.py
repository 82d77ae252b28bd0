"""Forms of the catalog's staff pages: dataset metadata (with distributions), release checklist,
harvest sources. `DatasetForm.to_pod` builds the POD v1.1 object the services store."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from civicdata.accounts.models import Organization
from civicdata.catalog.choices import FREQUENCIES, KNOWN_LICENSES, LANGUAGES, LICENSES, OTHER, is_license_link
from civicdata.catalog.models import AccessLevel, Dataset, HarvestKind, HarvestSchedule
from civicdata.catalog.release import MANUAL_LABELS
from civicdata.catalog.tools.validation.profiles import PROFILES

MAX_DISTRIBUTIONS = 10


def _split(text: str, *, sep: str = ",") -> list[str]:
    return [part.strip() for part in text.replace("\n", sep).split(sep) if part.strip()]


class DateOrTextInput(forms.TextInput):
    """A date picker for an empty or plain-date value; a text box for anything else the standard allows
    (a date-time, an interval), so an existing value is shown and saved back exactly as it was."""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        text = "" if value is None else str(value)
        context["widget"]["type"] = "date" if not text or _PLAIN_DATE.fullmatch(text) else "text"
        return context


_PLAIN_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date_field(label: str, *, required: bool = False, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=100, widget=DateOrTextInput(), help_text=help_text
    )


class DatasetForm(forms.Form):
    """The DCAT-US v1.1 fields a person edits; unknown members of the stored record are kept as they are.

    The fields the publisher's profile requires come first (`MAIN_FIELDS`), the rest on demand
    (`MORE_FIELDS`); the federal-only fields appear only under a federal profile or when the record
    already has them. Frequencies, licenses and languages are chosen in plain words and stored as the
    standard's values; a stored value that is not in a list stays selectable ("Other: …").
    """

    publisher = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("Publisher"))
    title = forms.CharField(label=_("Title"), max_length=500)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea,
        help_text=_("What the data is, who collects it and why; at least %(n)s characters before publishing."),
    )  # fmt: skip
    keyword = forms.CharField(label=_("Keywords"), help_text=_("Separate keywords with commas."))
    contact_name = forms.CharField(label=_("Contact name"), max_length=200)
    contact_email = forms.EmailField(label=_("Contact e-mail"))
    access_level = forms.ChoiceField(label=_("Who may see the data"), choices=AccessLevel.choices)
    modified = _date_field(_("Last update"), required=True)
    identifier = forms.CharField(label=_("Identifier"), max_length=1000, help_text=_("Unique in the catalog."))
    license = forms.ChoiceField(
        label=_("License"), required=False,
        choices=[("", _("Not chosen yet")), *LICENSES, (OTHER, _("Other (enter a link)"))],
        help_text=_("Open licenses from the Project Open Data list. Government works are public domain."),
    )  # fmt: skip
    license_other = forms.CharField(
        label=_("Link to another license"), required=False, max_length=2000,
        help_text=_("Only when you chose “Other”: the https:// address of the license text."),
    )  # fmt: skip
    bureau_code = forms.CharField(label=_("Bureau codes"), required=False, help_text=_("Federal only, e.g. 015:11"))
    program_code = forms.CharField(label=_("Program codes"), required=False, help_text=_("Federal only, e.g. 015:001"))
    # More details
    issued = _date_field(_("Release date"))
    temporal_start = _date_field(_("Time period: from"), help_text=_("First day the data covers."))
    temporal_end = _date_field(_("Time period: to"), help_text=_("Last day the data covers."))
    accrual_periodicity = forms.ChoiceField(
        label=_("How often it is updated"), required=False, choices=[("", _("Not said")), *FREQUENCIES]
    )
    spatial = forms.CharField(label=_("Spatial coverage"), required=False, max_length=2000)
    theme = forms.CharField(label=_("Categories"), required=False, help_text=_("Separate categories with commas."))
    language = forms.MultipleChoiceField(
        label=_("Languages of the data"), required=False, choices=LANGUAGES, widget=forms.CheckboxSelectMultiple
    )
    landing_page = forms.URLField(label=_("Landing page"), required=False, max_length=2000, assume_scheme="https")
    rights = forms.CharField(
        label=_("Rights"), required=False, max_length=255, widget=forms.Textarea(attrs={"rows": 2})
    )
    data_quality = forms.NullBooleanField(label=_("Meets information quality guidelines"), required=False)
    conforms_to = forms.URLField(label=_("Data standard (URL)"), required=False, assume_scheme="https")
    described_by = forms.URLField(label=_("Data dictionary (URL)"), required=False, assume_scheme="https")
    described_by_type = forms.CharField(label=_("Data dictionary media type"), required=False, max_length=100)
    is_part_of = forms.CharField(label=_("Collection (identifier)"), required=False, max_length=1000)
    references = forms.CharField(
        label=_("Related documents"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One URL per line."),
    )  # fmt: skip
    system_of_records = forms.URLField(label=_("System of records notice (URL)"), required=False, assume_scheme="https")
    primary_it_investment_uii = forms.CharField(label=_("Primary IT investment UII"), required=False, max_length=50)

    def __init__(
        self, *args: Any, publishers: list[Organization], profile: str = "non-federal-v1.1",
        dataset: Any = None, **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.dataset = dataset
        self.fields["publisher"].queryset = Organization.objects.filter(pk__in=[p.pk for p in publishers])
        self.fields["description"].help_text = self.fields["description"].help_text % {
            "n": settings.CATALOG_DESCRIPTION_MIN_LENGTH
        }
        spec = PROFILES.get(profile)
        self.federal = bool(spec and spec.federal)
        for name in FEDERAL_FIELDS:
            if self.federal:
                continue
            if not self.initial.get(name):
                del self.fields[name]
        if self.federal:
            for name in ("bureau_code", "program_code"):
                self.fields[name].required = True
        if dataset is None:
            self.fields["identifier"].required = False
            self.fields["identifier"].help_text = _("Unique in the catalog. Leave it blank to make one from the title.")
        self._keep_current_choice("access_level")
        self._keep_current_choice("accrual_periodicity")
        extra = [code for code in self.initial.get("language") or [] if code not in dict(LANGUAGES)]
        self.fields["language"].choices = [*LANGUAGES, *((code, code) for code in extra)]
        for index in range(MAX_DISTRIBUTIONS):
            required = False
            self.fields[f"dist_{index}_title"] = forms.CharField(
                label=_("File %(n)s: title") % {"n": index + 1}, required=required, max_length=500
            )
            self.fields[f"dist_{index}_url"] = forms.URLField(
                label=_("File %(n)s: link") % {"n": index + 1}, required=required, max_length=2000,
                assume_scheme="https",
            )  # fmt: skip
            self.fields[f"dist_{index}_kind"] = forms.ChoiceField(
                label=_("File %(n)s: kind of link") % {"n": index + 1},
                choices=[("download", _("Direct download")), ("access", _("Web page or API"))],
                required=False,
            )
            self.fields[f"dist_{index}_media_type"] = forms.CharField(
                label=_("File %(n)s: media type") % {"n": index + 1}, required=False, max_length=200,
                help_text=_("e.g. text/csv"),
            )  # fmt: skip
            self.fields[f"dist_{index}_format"] = forms.CharField(
                label=_("File %(n)s: format") % {"n": index + 1}, required=False, max_length=100
            )

    def _keep_current_choice(self, name: str) -> None:
        """Keep a stored value that is not one of the field's choices selectable, as "Other: value"."""
        current = self.initial.get(name)
        field = self.fields[name]
        if isinstance(current, str) and current and current not in {value for value, _label in field.choices}:
            field.choices = [*field.choices, (current, _("Other: %(value)s") % {"value": current})]

    def clean_identifier(self) -> str:
        identifier = self.cleaned_data["identifier"].strip()
        taken = Dataset.objects.filter(identifier=identifier)
        if self.dataset is not None:
            taken = taken.exclude(pk=self.dataset.pk)
        if identifier and taken.exists():
            raise forms.ValidationError(_("Another dataset already uses this identifier."), code="identifier_taken")
        return identifier

    def clean_license_other(self) -> str:
        link = self.cleaned_data["license_other"].strip()
        if self.data.get(self.add_prefix("license")) != OTHER:
            return link
        if not link:
            raise forms.ValidationError(_("Enter the link to the license, or choose one from the list."))
        # A stored value that is not a link is kept as it was; a new one must be a link.
        if not is_license_link(link) and link != self.initial.get("license_other"):
            raise forms.ValidationError(_("Enter a link that starts with https://."), code="license_link")
        return link

    def clean_temporal_end(self) -> str:
        end = self.cleaned_data["temporal_end"].strip()
        start = (self.cleaned_data.get("temporal_start") or "").strip()
        if end and not start:
            raise forms.ValidationError(_("Give the first day of the period too."), code="temporal_start")
        if start and end and _PLAIN_DATE.fullmatch(start) and _PLAIN_DATE.fullmatch(end) and end < start:
            raise forms.ValidationError(_("The period must end on or after its first day."), code="temporal_order")
        return end

    def clean_modified(self) -> str:
        return _check_date_text(self.cleaned_data["modified"], self.initial.get("modified"))

    def clean_issued(self) -> str:
        return _check_date_text(self.cleaned_data["issued"], self.initial.get("issued"))

    # The form only shows a few empty distribution rows beyond the existing ones (and every row with input).
    def visible_distribution_count(self) -> int:
        filled = [i for i in range(MAX_DISTRIBUTIONS) if any(self[f"dist_{i}_{s}"].value() for s in _DIST_TEXT)]
        return min(MAX_DISTRIBUTIONS, (max(filled) + 1 if filled else 0) + 2)

    def clean(self) -> dict[str, Any]:
        """A file row with a title, media type or format but no link is an error, never dropped silently."""
        cleaned = super().clean()
        for index in range(MAX_DISTRIBUTIONS):
            if f"dist_{index}_url" in self.errors:
                continue
            described = any((cleaned.get(f"dist_{index}_{suffix}") or "").strip() for suffix in _DIST_TEXT[1:])
            if described and not (cleaned.get(f"dist_{index}_url") or "").strip():
                self.add_error(
                    f"dist_{index}_url",
                    _(
                        "Give the link to this file, or clear its other boxes. To publish a file from your "
                        "computer, save first and use “Upload a file”."
                    ),
                )
        return cleaned

    @classmethod
    def initial_from_pod(cls, data: dict[str, Any], publisher: Organization | None) -> dict[str, Any]:
        """Form values for a stored POD object."""

        def joined(key: str, sep: str = ", ") -> str:
            value = data.get(key)
            return sep.join(v for v in value if isinstance(v, str)) if isinstance(value, list) else ""

        contact = data.get("contactPoint") if isinstance(data.get("contactPoint"), dict) else {}
        email = contact.get("hasEmail") if isinstance(contact.get("hasEmail"), str) else ""
        initial: dict[str, Any] = {
            "publisher": publisher.pk if publisher else None,
            "keyword": joined("keyword"),
            "theme": joined("theme"),
            "language": [v for v in data.get("language") or [] if isinstance(v, str)]
            if isinstance(data.get("language"), list)
            else [],
            "bureau_code": joined("bureauCode"),
            "program_code": joined("programCode"),
            "references": joined("references", "\n"),
            "contact_name": contact.get("fn", "") if isinstance(contact.get("fn"), str) else "",
            "contact_email": email.removeprefix("mailto:"),
            "data_quality": data.get("dataQuality") if isinstance(data.get("dataQuality"), bool) else None,
            "spatial": data.get("spatial") if isinstance(data.get("spatial"), str) else "",
        }
        for field, key in _TEXT_FIELDS.items():
            if isinstance(data.get(key), str):
                initial[field] = data[key]
        license = data.get("license")
        if isinstance(license, str) and license:
            known = license in KNOWN_LICENSES
            initial.update({"license": license} if known else {"license": OTHER, "license_other": license})
        temporal = data.get("temporal")
        if isinstance(temporal, str) and temporal:
            start, _sep, end = temporal.partition("/")
            initial.update(temporal_start=start, temporal_end=end)
        for index, dist in enumerate((data.get("distribution") or [])[:MAX_DISTRIBUTIONS]):
            if not isinstance(dist, dict):
                continue
            initial[f"dist_{index}_title"] = dist.get("title") or ""
            initial[f"dist_{index}_url"] = dist.get("downloadURL") or dist.get("accessURL") or ""
            initial[f"dist_{index}_kind"] = "download" if dist.get("downloadURL") else "access"
            initial[f"dist_{index}_media_type"] = dist.get("mediaType") or ""
            initial[f"dist_{index}_format"] = dist.get("format") or ""
        return initial

    def to_pod(self, existing: dict[str, Any] | None, publisher: Organization) -> dict[str, Any]:
        """The POD object after the edit: `existing` with the form's fields applied (others kept)."""
        data = dict(existing or {"@type": "dcat:Dataset"})
        cleaned = self.cleaned_data
        for field, key in _TEXT_FIELDS.items():
            if field not in self.fields:
                continue
            value = (cleaned.get(field) or "").strip()
            if value:
                data[key] = value
            else:
                data.pop(key, None)
        license = cleaned.get("license_other", "") if cleaned.get("license") == OTHER else cleaned.get("license", "")
        _put(data, "license", license.strip())
        start, end = cleaned.get("temporal_start", "").strip(), cleaned.get("temporal_end", "").strip()
        _put(data, "temporal", f"{start}/{end}" if end else start)
        languages = list(cleaned.get("language") or [])
        old_languages = data.get("language") if isinstance(data.get("language"), list) else []
        # The same languages in the stored order: checkboxes come back in the order of the list.
        _put(data, "language", old_languages if sorted(map(str, old_languages)) == sorted(languages) else languages)
        for field, key in _LIST_FIELDS.items():
            if field not in self.fields:
                continue
            values = _split(cleaned.get(field) or "", sep="\n" if field == "references" else ",")
            if values:
                data[key] = values
            else:
                data.pop(key, None)
        spatial = (cleaned.get("spatial") or "").strip()
        if spatial:
            data["spatial"] = spatial
        elif isinstance(data.get("spatial"), str):
            data.pop("spatial")
        if cleaned.get("data_quality") is None:
            data.pop("dataQuality", None)
        else:
            data["dataQuality"] = cleaned["data_quality"]
        contact = dict(data.get("contactPoint") or {"@type": "vcard:Contact"})
        contact["fn"] = cleaned["contact_name"].strip()
        contact["hasEmail"] = f"mailto:{cleaned['contact_email'].strip()}"
        data["contactPoint"] = contact
        if not isinstance(data.get("publisher"), dict) or data["publisher"].get("name") != publisher.name:
            data["publisher"] = publisher_object(publisher)
        old_dists = [d for d in (existing or {}).get("distribution") or [] if isinstance(d, dict)]
        dists: list[dict[str, Any]] = []
        for index in range(MAX_DISTRIBUTIONS):
            url = (cleaned.get(f"dist_{index}_url") or "").strip()
            if not url:
                continue
            dist = dict(old_dists[index]) if index < len(old_dists) else {"@type": "dcat:Distribution"}
            for key in ("downloadURL", "accessURL"):
                dist.pop(key, None)
            if cleaned.get(f"dist_{index}_kind") == "access":
                dist["accessURL"] = url
            else:
                dist["downloadURL"] = url
            for suffix, key in (("title", "title"), ("media_type", "mediaType"), ("format", "format")):
                value = (cleaned.get(f"dist_{index}_{suffix}") or "").strip()
                if value:
                    dist[key] = value
                else:
                    dist.pop(key, None)
            dists.append(dist)
        # Distributions beyond the form's rows (added by an upload or an import) are kept as they are.
        dists.extend(old_dists[MAX_DISTRIBUTIONS:])
        if dists:
            data["distribution"] = dists
        else:
            data.pop("distribution", None)
        return data


_DIST_TEXT = ("url", "title", "media_type", "format")


def _put(data: dict[str, Any], key: str, value: Any) -> None:
    if value:
        data[key] = value
    else:
        data.pop(key, None)


def _check_date_text(value: str, initial: Any) -> str:
    """A new or changed date must be a date (YYYY-MM-DD) or another ISO 8601 form the standard allows;
    a stored value comes back unchanged even if it is neither."""
    text = value.strip()
    if not text or text == initial or _PLAIN_DATE.fullmatch(text) or _ISO_LIKE.fullmatch(text):
        return text
    raise forms.ValidationError(_("Enter a date, e.g. 2026-01-31."), code="date")


_ISO_LIKE = re.compile(r"(R\d*/)?(P[\dYMWDTHS.]+|\d{4}(-\d{2}){0,2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?)(/\S+)?")
FEDERAL_FIELDS = ("bureau_code", "program_code", "system_of_records", "primary_it_investment_uii")
MAIN_FIELDS = (
    "publisher", "title", "description", "keyword", "contact_name", "contact_email", "access_level", "modified",
    "identifier", "license", "license_other", "bureau_code", "program_code",
)  # fmt: skip
MORE_FIELDS = (
    "issued", "temporal_start", "temporal_end", "accrual_periodicity", "spatial", "theme", "language",
    "landing_page", "rights", "data_quality", "conforms_to", "described_by", "described_by_type", "is_part_of",
    "references", "system_of_records", "primary_it_investment_uii",
)  # fmt: skip

_TEXT_FIELDS = {
    "identifier": "identifier",
    "title": "title",
    "description": "description",
    "modified": "modified",
    "access_level": "accessLevel",
    "rights": "rights",
    "accrual_periodicity": "accrualPeriodicity",
    "landing_page": "landingPage",
    "issued": "issued",
    "conforms_to": "conformsTo",
    "described_by": "describedBy",
    "described_by_type": "describedByType",
    "is_part_of": "isPartOf",
    "system_of_records": "systemOfRecords",
    "primary_it_investment_uii": "primaryITInvestmentUII",
}
_LIST_FIELDS = {
    "keyword": "keyword",
    "theme": "theme",
    "bureau_code": "bureauCode",
    "program_code": "programCode",
    "references": "references",
}


def publisher_object(publisher: Organization) -> dict[str, Any]:
    """The POD publisher object for an organisation, with its parents as `subOrganizationOf`."""
    obj: dict[str, Any] = {"@type": "org:Organization", "name": publisher.name}
    current = obj
    for ancestor in publisher.ancestors():
        parent = {"@type": "org:Organization", "name": ancestor.name}
        current["subOrganizationOf"] = parent
        current = parent
    return obj


class ReleaseChecklistForm(forms.Form):
    """The checklist items only a person can confirm (`civicdata.catalog.release` computes the others)."""

    contact_reachable = forms.BooleanField(label=MANUAL_LABELS["contact_reachable"], required=False)
    privacy_reviewed = forms.BooleanField(label=MANUAL_LABELS["privacy_reviewed"], required=False)
    quality_reviewed = forms.BooleanField(label=MANUAL_LABELS["quality_reviewed"], required=False)


class HarvestSourceForm(forms.Form):
    publisher = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("Publisher"))
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of source"), choices=HarvestKind.choices)
    url = forms.CharField(
        label=_("Address"), max_length=2000, help_text=_("https:// address of the data.json, CKAN site or 3.0 catalog.")
    )
    schedule = forms.ChoiceField(label=_("Schedule"), choices=HarvestSchedule.choices)
    create_publishers = forms.BooleanField(
        label=_("Create missing publishers"),
        required=False,
        help_text=_(
            "File each dataset under the publisher the source names, creating the ones this site does not "
            "have yet as departments of the publisher above. Without it every dataset goes to that publisher. "
            "Only its administrators can choose this."
        ),
    )

    def __init__(self, *args: Any, publishers: list[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["publisher"].queryset = Organization.objects.filter(pk__in=[p.pk for p in publishers])


class DistributionFileForm(forms.Form):
    """Upload a data file from the editor's computer as a new distribution of a dataset."""

    title = forms.CharField(
        label=_("Title of the file"),
        max_length=500,
        required=False,
        help_text=_("What residents see, e.g. “Bike racks, 2024”. Left blank, the file name is used."),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV, TSV, Excel (XLSX), JSON or GeoJSON."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.tsv,.tab,.xlsx,.json,.geojson"}),
    )


class CatalogUploadForm(forms.Form):
    """A one-off import of a data.json file from the coordinator's computer (dry run first)."""

    publisher = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("Publisher"))
    file = forms.FileField(
        label=_("data.json file"),
        help_text=_("A Project Open Data catalog (v1.1) saved on your computer."),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )

    def __init__(self, *args: Any, publishers: list[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["publisher"].queryset = Organization.objects.filter(pk__in=[p.pk for p in publishers])
