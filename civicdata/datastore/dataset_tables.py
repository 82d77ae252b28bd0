"""A dataset's tables loaded into the Data API, read once per dataset page: the datastore's preview panel
and the community's quality score both use them (without DuckDB, so this module is cheap to import)."""

from __future__ import annotations

from typing import Any

from civicdata.datastore.models import DataTable

_ATTRIBUTE = "_datastore_loaded_tables"


def loaded_tables(dataset: Any) -> list[DataTable]:
    """The dataset's loaded tables (version > 0, any status) with their charts, in two queries the first
    time and none after for the same dataset instance (one request's). Each table's `dataset` is this
    instance and its `distribution` comes from the instance's prefetched files when it has them."""
    found = getattr(dataset, _ATTRIBUTE, None)
    if found is None:
        prefetched = getattr(dataset, "_prefetched_objects_cache", {}).get("distributions")
        query = DataTable.objects.filter(dataset_id=dataset.pk, version__gt=0).prefetch_related("charts")
        if prefetched is None:
            query = query.select_related("distribution")
        found = list(query)
        files = {d.pk: d for d in prefetched} if prefetched is not None else {}
        for table in found:
            table.dataset = dataset
            if table.distribution_id in files:
                table.distribution = files[table.distribution_id]
        setattr(dataset, _ATTRIBUTE, found)
    return found
