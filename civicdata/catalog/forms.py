"""Forms of the catalog's staff pages: dataset metadata (with distributions), release checklist,
harvest sources. `DatasetForm.to_pod` builds the POD v1.1 object the services store."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from civicdata.accounts.models import Organization
from civicdata.catalog.models import AccessLevel, HarvestKind, HarvestSchedule

MAX_DISTRIBUTIONS = 10


def _split(text: str, *, sep: str = ",") -> list[str]:
    return [part.strip() for part in text.replace("\n", sep).split(sep) if part.strip()]


class DatasetForm(forms.Form):
    """The DCAT-US v1.1 fields a person edits; unknown members of the stored record are kept as they are."""

    publisher = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("Publisher"))
    identifier = forms.CharField(label=_("Identifier"), max_length=1000, help_text=_("Unique in the catalog."))
    title = forms.CharField(label=_("Title"), max_length=500)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea)
    keyword = forms.CharField(label=_("Keywords"), help_text=_("Separate keywords with commas."))
    modified = forms.CharField(label=_("Last update"), help_text=_("ISO 8601 date, e.g. 2026-01-31."))
    access_level = forms.ChoiceField(label=_("Access level"), choices=AccessLevel.choices)
    license = forms.CharField(label=_("License (URL)"), required=False, max_length=2000)
    rights = forms.CharField(
        label=_("Rights"), required=False, max_length=255, widget=forms.Textarea(attrs={"rows": 2})
    )
    contact_name = forms.CharField(label=_("Contact name"), max_length=200)
    contact_email = forms.EmailField(label=_("Contact e-mail"))
    spatial = forms.CharField(label=_("Spatial coverage"), required=False, max_length=2000)
    temporal = forms.CharField(label=_("Time period"), required=False, max_length=200)
    accrual_periodicity = forms.CharField(label=_("Frequency"), required=False, max_length=50)
    theme = forms.CharField(label=_("Categories"), required=False, help_text=_("Separate categories with commas."))
    landing_page = forms.URLField(label=_("Landing page"), required=False, max_length=2000, assume_scheme="https")
    issued = forms.CharField(label=_("Release date"), required=False, max_length=50)
    language = forms.CharField(label=_("Languages"), required=False, help_text=_("e.g. en-US, es"))
    bureau_code = forms.CharField(label=_("Bureau codes"), required=False, help_text=_("Federal only, e.g. 015:11"))
    program_code = forms.CharField(label=_("Program codes"), required=False, help_text=_("Federal only, e.g. 015:001"))
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

    def __init__(self, *args: Any, publishers: list[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["publisher"].queryset = Organization.objects.filter(pk__in=[p.pk for p in publishers])
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
            "language": joined("language"),
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
            value = (cleaned.get(field) or "").strip()
            if value:
                data[key] = value
            else:
                data.pop(key, None)
        for field, key in _LIST_FIELDS.items():
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
_TEXT_FIELDS = {
    "identifier": "identifier",
    "title": "title",
    "description": "description",
    "modified": "modified",
    "access_level": "accessLevel",
    "license": "license",
    "rights": "rights",
    "temporal": "temporal",
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
    "language": "language",
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
    license_chosen = forms.BooleanField(label=_("A license is chosen"), required=False)
    contact_reachable = forms.BooleanField(label=_("The contact point is reachable"), required=False)
    privacy_reviewed = forms.BooleanField(label=_("Privacy / personal data review signed off"), required=False)
    quality_reviewed = forms.BooleanField(label=_("Data quality reviewed"), required=False)


class HarvestSourceForm(forms.Form):
    publisher = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("Publisher"))
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of source"), choices=HarvestKind.choices)
    url = forms.CharField(
        label=_("Address"), max_length=2000, help_text=_("https:// address of the data.json, CKAN site or 3.0 catalog.")
    )
    schedule = forms.ChoiceField(label=_("Schedule"), choices=HarvestSchedule.choices)

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
