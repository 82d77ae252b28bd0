from django.apps import AppConfig


class DatastoreConfig(AppConfig):
    name = "civicdata.datastore"
    label = "datastore"

    def ready(self) -> None:
        # The catalog sits below the datastore and never imports it: the datastore registers with it.
        from django.utils.translation import gettext_lazy as _

        from civicdata.catalog.registry import register_dataset_panel, register_release_check
        from civicdata.datastore import receivers

        register_release_check(
            receivers.personal_data_release_check, label=_("Personal data decided for every table of the Data API")
        )
        register_dataset_panel(receivers.data_api_panel)
