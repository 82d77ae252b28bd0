"""Who may see and change Data API tables, built on the shared permission layer.

Published tables of public datasets are open to everyone. Tables of "restricted public" datasets (the
catalog lists the dataset, the rows stay with its publisher), of non-public datasets and tables loaded
but not published are only for people who may edit for the dataset's publisher (and site staff): the
table page, the JSON and file downloads, the SQL endpoint and the OpenAPI columns all ask here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from civicdata.accounts.permissions import can_edit_for, editable_organizations, ensure_signed_in
from civicdata.core.errors import ActionRefused

from .models import DataTable, TableStatus

PUBLIC_ACCESS = "public"


def can_manage_table(user: Any, table: DataTable) -> bool:
    return can_edit_for(user, table.dataset.publisher)


def can_manage_dataset(user: Any, dataset: Any) -> bool:
    return can_edit_for(user, dataset.publisher)


def is_public_table(table: DataTable) -> bool:
    """Rows anyone may read: a published table of a listed dataset whose access level is "public"."""
    return (
        table.status == TableStatus.PUBLISHED
        and table.dataset.is_public_listing
        and table.dataset.access_level == PUBLIC_ACCESS
    )


def can_view_table(user: Any, table: DataTable) -> bool:
    return table.is_loaded and (is_public_table(table) or can_manage_table(user, table))


def visible_tables(user: Any, tables: Iterable[DataTable]) -> list[DataTable]:
    """The loaded tables among `tables` whose rows the person may read (for SQL and listings); the
    organisation tree is walked once, not once per table."""
    candidates = [table for table in tables if table.is_loaded]
    if not any(not is_public_table(table) for table in candidates):
        return candidates
    editable = {org.pk for org in editable_organizations(user)}
    return [table for table in candidates if is_public_table(table) or table.dataset.publisher_id in editable]


def ensure_can_manage_table(user: Any, table: DataTable) -> None:
    ensure_signed_in(user)
    if not can_manage_table(user, table):
        raise ActionRefused(
            _("Only editors of %(publisher)s can change this table.") % {"publisher": table.dataset.publisher},
            code="datastore.not_editor",
        )


def ensure_can_manage_dataset(user: Any, dataset: Any) -> None:
    ensure_signed_in(user)
    if not can_manage_dataset(user, dataset):
        raise ActionRefused(
            _("Only editors of %(publisher)s can load tables for this dataset.") % {"publisher": dataset.publisher},
            code="datastore.not_editor",
        )


def ensure_can_see_job(user: Any, job: Any) -> None:
    """A load's progress page: the table's editors. Anyone else gets the 404 a missing id gets."""
    if not can_manage_table(user, job.table):
        raise Http404(_("No load found."))
