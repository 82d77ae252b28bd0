"""What the datastore adds to the catalog through the catalog's registries and signals (connected in
`DatastoreConfig.ready()`): personal data pending review blocks publication; the dataset page shows
the Data API panel (table previews, and the "Load a table" button for editors); published tables add
`accessURL`/`describedBy` to their distribution in the listings; a file uploaded to a dataset is loaded
into a table; publishing a dataset publishes the tables made from its uploaded files.

The datastore's services and previews load DuckDB, so they are imported on first use rather than when
Django starts."""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from civicdata.core.errors import Conflict, InvalidInput
from civicdata.datastore.permissions import can_manage_dataset

logger = logging.getLogger("civicdata.datastore")


def personal_data_release_check(dataset: Any) -> list[str]:
    """Tables loaded into the Data API may hold personal data that staff have not yet dropped, masked
    or justified (Project Open Data's PII checklist): each one is a reason not to publish yet."""
    from civicdata.datastore.services import pii_blockers

    return pii_blockers(dataset)


def data_api_panel(request: HttpRequest, dataset: Any) -> str:
    """The dataset page's Data API panel: a preview of every table the person may see, and for editors
    the button to load a table. Each table's preview is rendered once per version of what it shows and
    kept (`preview.preview_section`); the editors' button is added outside it."""
    from civicdata.datastore.preview import preview_sections

    context = {
        **preview_sections(dataset, request.user),
        "dataset": dataset,
        "can_load": can_manage_dataset(request.user, dataset),
    }
    return render_to_string("datastore/_dataset_panel.html", context, request=request)


def data_api_links(dataset_ids: Any) -> dict[tuple[int, int], dict[str, str]]:
    """For `/data.json` and the exports: each published table's distribution gets `accessURL` (the
    table's API), `describedBy` (its Frictionless Table Schema) and `describedByType`."""
    from civicdata.datastore.models import DataTable, TableStatus

    links: dict[tuple[int, int], dict[str, str]] = {}
    rows = (
        DataTable.objects.filter(dataset_id__in=list(dataset_ids), status=TableStatus.PUBLISHED, version__gt=0)
        .order_by("dataset_id", "name")
        .values_list("dataset_id", "distribution__position", "dataset__name", "name")
    )
    for dataset_id, position, dataset_name, table_name in rows:
        api = f"/api/data/{dataset_name}/{table_name}"
        links.setdefault(
            (dataset_id, position),
            {"accessURL": api, "describedBy": f"{api}/schema", "describedByType": "application/json"},
        )
    return links


def data_api_stamp() -> str:
    """Changes whenever a table is published or unpublished, so the listings' ETag follows the links."""
    from django.db.models import Count, Max

    from civicdata.datastore.models import DataTable, TableStatus

    figures = DataTable.objects.filter(status=TableStatus.PUBLISHED).aggregate(
        count=Count("id"), last=Max("published_at"), top=Max("id")
    )
    last = figures["last"].isoformat() if figures["last"] else "-"
    return f"data-api:{figures['count']}:{last}:{figures['top']}"


def load_uploaded_file(distribution: Any, *, by: Any) -> str:
    """A file an editor uploaded to the catalog is loaded into a new Data API table; the editor is sent
    to the load's progress page (or, when it cannot be queued, to the load page, which says why)."""
    from django.urls import reverse

    from civicdata.datastore.services import load_distribution_file

    try:
        job = load_distribution_file(distribution, by=by)
    except (InvalidInput, Conflict):
        logger.warning("could not queue a load of distribution %s", distribution.pk, exc_info=True)
        return reverse("datastore:load", kwargs={"dataset": distribution.dataset.name})
    return job.get_absolute_url() if job is not None else ""


def publish_uploaded_tables(sender: Any, dataset: Any, by: Any = None, **kwargs: Any) -> None:
    """When a dataset is published, its Data API tables made from files uploaded to it are published
    too (the release checklist has already required their personal-data review)."""
    from civicdata.datastore.services import publish_uploaded_tables as publish

    publish(dataset, by=by)
