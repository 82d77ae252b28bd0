from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "civicdata.catalog"
    label = "catalog"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from civicdata.catalog import files
        from civicdata.catalog.models import DistributionFile
        from civicdata.core.schedule import register_periodic_task
        from civicdata.core.workers import register_stopped_work_sweep

        register_periodic_task("civicdata.catalog.tasks.catalog_tick")
        register_stopped_work_sweep("civicdata.catalog.services.fail_stopped_harvest_runs")
        post_delete.connect(files.delete_when_forgotten, sender=DistributionFile, dispatch_uid="catalog.delete_file")
