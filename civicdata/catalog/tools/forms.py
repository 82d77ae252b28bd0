"""Forms of the validator and merger pages: a catalog comes from an upload, pasted text or a URL."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from civicdata.catalog.ingest.reading import ReadResult

from .inputs import read_from_text, read_from_upload, read_from_url, read_from_urls, too_many_sources
from .merging import RenameStyle
from .validation import PROFILES

PROFILE_CHOICES = [("", _("Detect from the catalog")), *((name, spec.label) for name, spec in PROFILES.items())]


class ValidateForm(forms.Form):
    """One catalog to check, given exactly one way."""

    upload = forms.FileField(label=_("Upload a data.json file"), required=False)
    text = forms.CharField(
        label=_("Or paste the JSON"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )
    url = forms.URLField(
        label=_("Or give its web address"),
        required=False,
        assume_scheme="https",
        help_text=_("For example https://www.example.gov/data.json"),
    )
    profile = forms.ChoiceField(label=_("Standard to check against"), choices=PROFILE_CHOICES, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        given = [name for name in ("upload", "text", "url") if data.get(name)]
        if len(given) != 1:
            raise forms.ValidationError(
                _("Give the catalog one way: upload a file, paste the JSON or enter a web address.")
            )
        return data

    def read(self) -> ReadResult:
        """Read the catalog the person gave (call after is_valid())."""
        data = self.cleaned_data
        if data.get("upload"):
            return read_from_upload(data["upload"], note_redaction=True)
        if data.get("text"):
            return read_from_text(data["text"], note_redaction=True)
        return read_from_url(data["url"], note_redaction=True)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that accepts several files at once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class MergeForm(forms.Form):
    """Component catalogs to merge, in priority order: uploads first, then web addresses."""

    uploads = MultipleFileField(label=_("Upload component data.json files"), required=False)
    urls = forms.CharField(
        label=_("Or list their web addresses, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
    )
    rename = forms.ChoiceField(
        label=_("When two different datasets share an identifier"),
        choices=[
            (RenameStyle.SUFFIX.value, _("keep the first and add the source name after the others' identifier")),
            (RenameStyle.PREFIX.value, _("keep the first and put the source name before the others' identifier")),
        ],
        initial=RenameStyle.SUFFIX.value,
    )
    profile = forms.ChoiceField(
        label=_("Standard to check the result against"), choices=PROFILE_CHOICES, required=False
    )

    def clean_urls(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data.get("urls", "").splitlines() if line.strip()]
        validator = forms.URLField(assume_scheme="https")
        return [validator.clean(line) for line in lines]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        count = len(data.get("uploads") or []) + len(data.get("urls") or [])
        if count < 1:
            raise forms.ValidationError(_("Give at least one catalog to merge."))
        refusal = too_many_sources(count)
        if refusal:
            raise forms.ValidationError(refusal)
        return data

    def read_all(self) -> list[tuple[str, ReadResult]]:
        """Read every component; names are the file names and addresses."""
        out = [(upload.name, read_from_upload(upload)) for upload in self.cleaned_data.get("uploads") or []]
        urls = self.cleaned_data.get("urls") or []
        out += list(zip(urls, read_from_urls(urls), strict=True))
        return out
