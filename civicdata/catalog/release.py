"""The release checklist: what the catalog computes from a dataset's record before it may be published
(license, contact point, description length, valid metadata, and the checks other apps register, such
as the datastore's personal-data review of every table), and the few items only a person can confirm."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicdata.catalog.choices import KNOWN_LICENSES, LICENSES, is_license_link
from civicdata.catalog.models import Dataset
from civicdata.catalog.registry import registered_release_checks


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One line of the checklist. `reasons` say what to do while it is not met."""

    key: str
    label: str
    met: bool
    reasons: tuple[str, ...] = ()
    manual: bool = False
    detail: str = ""


# Items a person confirms: the model field that stores each answer, and its label.
MANUAL_LABELS = {
    "contact_reachable": gettext_lazy("Someone reads the contact e-mail and will answer questions"),
    "privacy_reviewed": gettext_lazy("A person checked the files that are not tables for personal data"),
    "quality_reviewed": gettext_lazy("Data quality reviewed"),
}
MANUAL_ITEMS = {
    "contact_reachable": "checklist_contact",
    "privacy_reviewed": "checklist_privacy",
    "quality_reviewed": "checklist_quality",
}


def _license_item(dataset: Dataset) -> ChecklistItem:
    label = _("A license is chosen: one from the list, or a link to one")
    value = (dataset.license or "").strip()
    if not value:
        return ChecklistItem("license", label, False, (_("Choose a license on the edit page."),))
    if value in KNOWN_LICENSES:
        return ChecklistItem("license", label, True, detail=str(dict(LICENSES)[value]))
    if is_license_link(value):
        return ChecklistItem("license", label, True, detail=value)
    reason = _("The license “%(value)s” is not a link to a license: choose one from the list on the edit page.")
    return ChecklistItem("license", label, False, (reason % {"value": value[:200]},))


def _contact_item(dataset: Dataset) -> ChecklistItem:
    label = _("A contact point with a name and an e-mail address")
    reasons = []
    if not dataset.contact_name.strip():
        reasons.append(_("Give the name of a contact on the edit page."))
    email = dataset.contact_email.strip().removeprefix("mailto:")
    try:
        validate_email(email)
    except ValidationError:
        reasons.append(_("Give a valid contact e-mail address on the edit page."))
    return ChecklistItem("contact", label, not reasons, tuple(reasons))


def _description_item(dataset: Dataset) -> ChecklistItem:
    minimum = settings.CATALOG_DESCRIPTION_MIN_LENGTH
    label = _("A description of at least %(min)s characters") % {"min": minimum}
    length = len((dataset.description or "").strip())
    if length >= minimum:
        return ChecklistItem("description", label, True)
    reason = _("The description has %(count)s characters: write at least %(min)s on the edit page.")
    return ChecklistItem("description", label, False, (reason % {"count": length, "min": minimum},))


def _metadata_item(dataset: Dataset) -> ChecklistItem:
    label = _("The metadata is valid for the publisher's profile")
    if dataset.is_valid:
        return ChecklistItem("metadata", label, True)
    return ChecklistItem("metadata", label, False, (_("Fix the metadata problems listed on the edit page."),))


def computed_items(dataset: Dataset) -> list[ChecklistItem]:
    """What the catalog (and the apps above it) can tell from the record alone."""
    items = [_license_item(dataset), _contact_item(dataset), _description_item(dataset), _metadata_item(dataset)]
    if dataset.withdrawn_at is not None:
        reason = _("The dataset was withdrawn; restore it as a draft first.")
        items.append(ChecklistItem("withdrawn", _("The dataset is not withdrawn"), False, (reason,)))
    for index, (label, reasons) in enumerate(registered_release_checks(dataset)):
        items.append(ChecklistItem(f"registered-{index}", str(label or _("Other checks")), not reasons, tuple(reasons)))
    return items


def manual_items(dataset: Dataset) -> list[ChecklistItem]:
    """What only a person can know, with the answers recorded on the dataset."""
    reasons = {
        "contact_reachable": _("Confirm that someone reads the contact e-mail."),
        "privacy_reviewed": _("Confirm that the files were checked for personal data."),
        "quality_reviewed": _("Confirm that the data quality was reviewed."),
    }
    return [
        ChecklistItem(key, str(MANUAL_LABELS[key]), bool(getattr(dataset, attr)), (reasons[key],), manual=True)
        for key, attr in MANUAL_ITEMS.items()
    ]


def release_checklist(dataset: Dataset) -> list[ChecklistItem]:
    return [*computed_items(dataset), *manual_items(dataset)]


def unmet_reasons(dataset: Dataset) -> list[str]:
    """Every reason the dataset cannot be published yet, in checklist order (empty when it can)."""
    return [reason for item in release_checklist(dataset) if not item.met for reason in item.reasons]
