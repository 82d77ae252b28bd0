from django.apps import AppConfig


class DatastoreConfig(AppConfig):
    name = "civicdata.datastore"
    label = "datastore"

    def ready(self) -> None:
        # The catalog sits below the datastore and never imports it: the datastore registers with it.
        from django.utils.translation import gettext_lazy as _

        from civicdata.catalog import signals
        from civicdata.catalog.registry import (
            register_dataset_panel,
            register_distribution_links,
            register_file_handler,
            register_listing_stamp,
            register_release_check,
        )
        from civicdata.core.schedule import register_periodic_task
        from civicdata.core.workers import register_stopped_work_sweep
        from civicdata.datastore import receivers

        register_release_check(
            receivers.personal_data_release_check, label=_("Personal data decided for every table of the Data API")
        )
        register_dataset_panel(receivers.data_api_panel)
        register_stopped_work_sweep("civicdata.datastore.services.fail_stopped_ingest_jobs")
        register_stopped_work_sweep("civicdata.datastore.services.tools.sweep_stale_stashes")
        register_periodic_task("civicdata.datastore.tasks.live_tables_tick")
        register_periodic_task("civicdata.datastore.tasks.map_layers_tick")
        register_distribution_links(receivers.data_api_links)
        register_listing_stamp(receivers.data_api_stamp)
        register_file_handler(receivers.load_uploaded_file)
        signals.dataset_published.connect(
            receivers.publish_uploaded_tables, dispatch_uid="datastore.publish_uploaded_tables"
        )
