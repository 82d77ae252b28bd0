from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "civicdata.catalog"
    label = "catalog"

    def ready(self) -> None:
        from civicdata.core.schedule import register_periodic_task

        register_periodic_task("civicdata.catalog.tasks.catalog_tick")
