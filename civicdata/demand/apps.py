from django.apps import AppConfig


class DemandConfig(AppConfig):
    name = "civicdata.demand"
    label = "demand"

    def ready(self) -> None:
        # The catalog sits below demand and never imports it: it sends signals and demand listens.
        from civicdata.catalog import signals
        from civicdata.core.schedule import register_periodic_task
        from civicdata.demand import receivers

        register_periodic_task("civicdata.demand.tasks.demand_daily_tick")

        signals.dataset_published.connect(receivers.on_dataset_published, dispatch_uid="demand.dataset_published")
        signals.dataset_viewed.connect(receivers.on_dataset_viewed, dispatch_uid="demand.dataset_viewed")
        signals.dataset_downloaded.connect(receivers.on_dataset_downloaded, dispatch_uid="demand.dataset_downloaded")
        signals.search_found_nothing.connect(
            receivers.on_search_found_nothing, dispatch_uid="demand.search_found_nothing"
        )
