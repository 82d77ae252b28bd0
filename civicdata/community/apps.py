from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "civicdata.community"
    label = "community"
    verbose_name = "Community"

    def ready(self) -> None:
        # Listeners for lower apps' signals and registries are connected here.
        from civicdata.catalog import signals as catalog_signals
        from civicdata.catalog.registry import register_dataset_panel
        from civicdata.community import impact, receivers
        from civicdata.demand.registry import register_request_panel

        register_dataset_panel(receivers.stories_panel)
        register_dataset_panel(receivers.reuses_panel)
        register_request_panel(receivers.reuses_request_panel)
        impact.register_dataset_impact(receivers.dataset_figures)
        impact.register_organization_impact(receivers.organization_figures)
        catalog_signals.dataset_published.connect(
            receivers.on_dataset_published, dispatch_uid="community.news.dataset_published"
        )
