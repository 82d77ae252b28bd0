from django.apps import AppConfig


class DatastoreConfig(AppConfig):
    name = "civicdata.datastore"
    label = "datastore"

    def ready(self) -> None:
        # The catalog sits below the datastore and never imports it: the datastore registers with it.
        from civicdata.catalog.registry import register_dataset_panel, register_release_check
        from civicdata.core.workers import register_stopped_work_sweep
        from civicdata.datastore import receivers

        register_release_check(receivers.personal_data_release_check)
        register_dataset_panel(receivers.data_api_panel)
        register_stopped_work_sweep("civicdata.datastore.services.fail_stopped_ingest_jobs")
