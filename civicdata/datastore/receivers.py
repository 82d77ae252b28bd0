"""What the datastore adds to the catalog through the catalog's registries (connected in
`DatastoreConfig.ready()`): personal data pending review blocks publication, and the dataset page shows
the Data API panel (table previews, and the "Load a table" button for editors).

The datastore's services and previews load DuckDB, so they are imported on first use rather than when
Django starts."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from civicdata.datastore.permissions import can_manage_dataset


def personal_data_release_check(dataset: Any) -> list[str]:
    """Tables loaded into the Data API may hold personal data that staff have not yet dropped, masked
    or justified (Project Open Data's PII checklist): each one is a reason not to publish yet."""
    from civicdata.datastore.services import pii_blockers

    return pii_blockers(dataset)


def data_api_panel(request: HttpRequest, dataset: Any) -> str:
    """The dataset page's Data API panel: a preview of every table the person may see, and for editors
    the button to load a table."""
    from civicdata.datastore.preview import preview_context

    context = {
        **preview_context(dataset, request.user),
        "dataset": dataset,
        "can_load": can_manage_dataset(request.user, dataset),
    }
    return render_to_string("datastore/_dataset_panel.html", context, request=request)
