from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "civicdata.community"
    label = "community"
    verbose_name = "Community"

    def ready(self) -> None:
        # Listeners for lower apps' signals and registries are connected here.
        # Quality reports, quality score, discussions and impact (helper f).
        from civicdata.catalog.registry import register_dashboard_panel, register_dataset_panel
        from civicdata.community import figures
        from civicdata.community.impact import register_dataset_impact, register_organization_impact
        from civicdata.community.views import quality
        from civicdata.datastore.registry import register_report_link

        register_dataset_panel(quality.dataset_panel)
        register_dashboard_panel(quality.dashboard_panel)
        register_report_link(quality.table_report_link)
        register_dataset_impact(figures.dataset_figures)
        register_organization_impact(figures.organization_figures)
        # Stories, reuses and announcements (helper g).
        from civicdata.catalog import signals as catalog_signals
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
