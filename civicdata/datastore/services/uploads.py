"""Data API tables made from files uploaded to the catalog as distributions: queue their load, and
publish them with their dataset."""

from __future__ import annotations

from typing import Any

from django.core.files import File
from django.db import transaction

from civicdata.catalog.files import kind_for, stored_path
from civicdata.catalog.models import Dataset, Distribution, DistributionFile
from civicdata.datastore.models import DataTable, IngestJob, TableStatus
from civicdata.datastore.services.privacy import unresolved_pii
from civicdata.datastore.services.tables import create_table, publish_table, start_ingest, table_name_for


def _free_name(distribution: Distribution) -> str:
    base = table_name_for(distribution)[:36] or f"table_{distribution.position + 1}"
    candidate, counter = base, 2
    while DataTable.objects.filter(dataset_id=distribution.dataset_id, name=candidate).exists():
        candidate, counter = f"{base}_{counter}", counter + 1
    return candidate


def load_distribution_file(distribution: Distribution, *, by: Any, table: DataTable | None = None) -> IngestJob | None:
    """Queue a load of a distribution's uploaded file into `table` (by default the distribution's table,
    made when missing). Returns None when the distribution has no uploaded file the Data API reads.

    Preconditions: the caller checked that `by` may edit the dataset. The stored file is copied for the
    worker (the download stays as it is); the job is queued after commit (see `start_ingest`).
    """
    stored = DistributionFile.objects.filter(distribution=distribution).first()
    if stored is None or kind_for(stored.name) is None:
        return None
    if table is None:
        table = DataTable.objects.filter(distribution=distribution).order_by("id").first()
    if table is None:
        table = create_table(distribution=distribution, name=_free_name(distribution), by=by)
    with stored_path(stored.key).open("rb") as handle:
        return start_ingest(table, by=by, upload=File(handle, name=stored.name))


def publish_uploaded_tables(dataset: Dataset, *, by: Any) -> list[DataTable]:
    """Publish the loaded tables of `dataset` made from its uploaded files, skipping any whose personal
    data still awaits a decision. Tables loaded from web addresses keep their own publish button."""
    published = []
    tables = DataTable.objects.filter(
        dataset=dataset, status=TableStatus.READY, distribution__stored_file__isnull=False
    ).select_related("dataset")
    with transaction.atomic():
        for table in tables:
            if table.is_loaded and not unresolved_pii(table):
                published.append(publish_table(table, by=by))
    return published
