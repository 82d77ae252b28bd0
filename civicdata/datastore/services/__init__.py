"""Every write of the Data API, one module per aggregate: tables and their versions (`tables.py`:
create, load, schema edits, publish, delete), tables made from files uploaded to the catalog
(`uploads.py`), personal-data decisions (`privacy.py`) and saved charts (`charts.py`). Import them from here."""

from civicdata.datastore.services.charts import delete_chart, save_chart
from civicdata.datastore.services.privacy import decide_pii, pii_blockers, unresolved_pii
from civicdata.datastore.services.tables import (
    create_table,
    delete_orphan_uploads,
    delete_table,
    fail_stopped_ingest_jobs,
    incoming_dir,
    publish_table,
    run_ingest_job,
    start_ingest,
    table_name_for,
    unpublish_table,
    update_schema,
)
from civicdata.datastore.services.uploads import load_distribution_file, publish_uploaded_tables

__all__ = [
    "create_table",
    "decide_pii",
    "delete_chart",
    "delete_orphan_uploads",
    "delete_table",
    "fail_stopped_ingest_jobs",
    "incoming_dir",
    "load_distribution_file",
    "pii_blockers",
    "publish_table",
    "publish_uploaded_tables",
    "run_ingest_job",
    "save_chart",
    "start_ingest",
    "table_name_for",
    "unpublish_table",
    "unresolved_pii",
    "update_schema",
]
