"""Who may do what in the catalog, built on the shared permission layer (civicdata.accounts.permissions).

Everyone reads the Public Data Listing. Editors of a publisher (or of an organisation above it) and
site staff see and change that publisher's datasets, its inventory and its harvest sources.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from civicdata.accounts import permissions as base
from civicdata.accounts.models import Organization
from civicdata.catalog.models import Dataset
from civicdata.core.errors import ActionRefused


def can_view_dataset(user: Any, dataset: Dataset) -> bool:
    """Public-listing datasets are for everyone; drafts, non-public and withdrawn ones for their editors.

    A withdrawn dataset's page stays visible (it says it was withdrawn) when it was once public.
    """
    if dataset.is_public_listing:
        return True
    if dataset.withdrawn_at is not None and dataset.published_at is not None and dataset.access_level != "non-public":
        return True
    return base.can_edit_for(user, dataset.publisher)


def ensure_can_view_dataset(user: Any, dataset: Dataset) -> None:
    """Raise 404 (not 403) so that the existence of non-public datasets is not revealed."""
    if not can_view_dataset(user, dataset):
        raise Http404(_("No dataset found."))


def can_edit_dataset(user: Any, dataset: Dataset) -> bool:
    return base.can_edit_for(user, dataset.publisher)


def ensure_can_edit_dataset(user: Any, dataset: Dataset) -> None:
    base.ensure_can_edit_for(user, dataset.publisher)


def ensure_can_edit_for(user: Any, publisher: Organization) -> None:
    base.ensure_can_edit_for(user, publisher)


def can_see_inventory(user: Any, publisher: Organization | None = None) -> bool:
    """The Enterprise Data Inventory (non-public datasets included): site staff, or the publisher's editors."""
    if publisher is None:
        return base.is_site_staff(user)
    return base.can_edit_for(user, publisher)


def ensure_can_see_inventory(user: Any, publisher: Organization | None = None) -> None:
    base.ensure_signed_in(user)
    if not can_see_inventory(user, publisher):
        raise ActionRefused(_("Only staff can read the Enterprise Data Inventory."), code="not_inventory_reader")


def ensure_can_see_dashboard(user: Any, publisher: Organization) -> None:
    base.ensure_can_edit_for(user, publisher)


def editable_publishers(user: Any) -> list[Organization]:
    """Publishers (not partners) the person may create datasets for."""
    return [org for org in base.editable_organizations(user) if org.kind == "publisher"]


def ensure_can_see_harvests_of(user: Any, publisher: Organization) -> None:
    """Harvest sources and runs of a publisher: its editors and site staff. Anyone else gets the same
    404 as for an id that does not exist, so ids reveal nothing (call `ensure_signed_in` first, before
    the lookup, so a signed-out editor is sent to sign in whatever the id)."""
    if not base.can_edit_for(user, publisher):
        raise Http404(_("No harvest found."))


def is_public_file(dataset: Dataset) -> bool:
    """Uploaded files of a published, not withdrawn dataset with access level "public" are for everyone."""
    return dataset.is_published and dataset.withdrawn_at is None and dataset.access_level == "public"


def can_download_file(user: Any, dataset: Dataset) -> bool:
    """An uploaded file follows its dataset: everyone once it is public (`is_public_file`); otherwise
    (drafts, restricted public, non-public, withdrawn) only the dataset's editors."""
    return is_public_file(dataset) or base.can_edit_for(user, dataset.publisher)


def ensure_can_download_file(user: Any, dataset: Dataset) -> None:
    """Raise 404 (not 403) so that the existence of files of non-public datasets is not revealed."""
    if not can_download_file(user, dataset):
        raise Http404(_("No file found."))


def can_manage_pdf_form(user: Any, form: Any) -> bool:
    """A PDF form (PDF Filler) is changed by its publisher's editors and site staff."""
    return base.can_edit_for(user, form.publisher)


def ensure_can_manage_pdf_form(user: Any, form: Any) -> None:
    """Raise 404 (not 403) so that unpublished forms' ids reveal nothing."""
    if not can_manage_pdf_form(user, form):
        raise Http404(_("No form found."))


def ensure_can_fill_pdf_form(user: Any, form: Any) -> None:
    """Published forms are for everyone; unpublished ones only for their editors (to try them)."""
    if not form.is_published and not can_manage_pdf_form(user, form):
        raise Http404(_("No form found."))
