"""Every write to the catalog goes through these functions (see datasets.py and harvests.py).

Typed, keyword-explicit and verb-first; each names its preconditions and runs in one transaction.
"""

from civicdata.catalog.services.crawls import crawl_now, run_crawl, start_crawl, start_draft_from_finding
from civicdata.catalog.services.datasets import (
    add_usage_note,
    catalog_settings,
    create_dataset,
    delete_usage_note,
    harvest_file_dirs,
    profile_for,
    publish_dataset,
    record_dataset_view,
    record_distribution_download,
    record_link_result,
    release_blockers,
    restore_dataset,
    set_release_checklist,
    suggested_identifier,
    take_snapshot,
    update_catalog_settings,
    update_dataset,
    validate_dataset_pod,
    withdraw_dataset,
)
from civicdata.catalog.services.files import add_distribution_file, check_upload, delete_orphan_files, upload_limit_mb
from civicdata.catalog.services.harvest_runs import fail_stopped_harvest_runs, harvest_heartbeat
from civicdata.catalog.services.harvests import (
    approve_harvest_source,
    due_harvest_sources,
    import_catalog,
    import_catalog_from,
    import_uploaded_catalog,
    preview_uploaded_catalog,
    register_harvest_source,
    run_harvest,
)
from civicdata.catalog.services.pdf_forms import (
    create_pdf_form,
    delete_pdf_form,
    fill_pdf_form,
    read_form_fields,
    update_pdf_form,
)
from civicdata.catalog.services.publishers import import_catalog_per_publisher
from civicdata.core.errors import Conflict, InvalidInput

__all__ = [
    "Conflict",
    "InvalidInput",
    "add_distribution_file",
    "add_usage_note",
    "approve_harvest_source",
    "catalog_settings",
    "check_upload",
    "crawl_now",
    "create_dataset",
    "create_pdf_form",
    "delete_orphan_files",
    "delete_pdf_form",
    "delete_usage_note",
    "due_harvest_sources",
    "fail_stopped_harvest_runs",
    "fill_pdf_form",
    "harvest_file_dirs",
    "harvest_heartbeat",
    "import_catalog",
    "import_catalog_from",
    "import_catalog_per_publisher",
    "import_uploaded_catalog",
    "preview_uploaded_catalog",
    "profile_for",
    "publish_dataset",
    "read_form_fields",
    "record_dataset_view",
    "record_distribution_download",
    "record_link_result",
    "register_harvest_source",
    "release_blockers",
    "restore_dataset",
    "run_crawl",
    "run_harvest",
    "set_release_checklist",
    "start_crawl",
    "start_draft_from_finding",
    "suggested_identifier",
    "take_snapshot",
    "update_catalog_settings",
    "update_dataset",
    "update_pdf_form",
    "upload_limit_mb",
    "validate_dataset_pod",
    "withdraw_dataset",
]
