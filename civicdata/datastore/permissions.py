"""Who may see and change Data API tables, built on the shared permission layer.

Published tables of public datasets are open to everyone; loaded-but-unpublished tables only to
people who may edit for the dataset's publisher (and site staff)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from civicdata.accounts.permissions import can_edit_for, ensure_signed_in
from civicdata.core.errors import ActionRefused

from .models import DataTable, TableStatus


def can_manage_table(user: Any, table: DataTable) -> bool:
    return can_edit_for(user, table.dataset.publisher)


def can_manage_dataset(user: Any, dataset: Any) -> bool:
    return can_edit_for(user, dataset.publisher)


def is_public_table(table: DataTable) -> bool:
    return table.status == TableStatus.PUBLISHED and table.dataset.is_public_listing


def can_view_table(user: Any, table: DataTable) -> bool:
    return table.is_loaded and (is_public_table(table) or can_manage_table(user, table))


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
