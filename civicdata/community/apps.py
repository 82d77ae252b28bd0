from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "civicdata.community"
    label = "community"
    verbose_name = "Community"

    def ready(self) -> None:
        # Listeners for lower apps' signals and registries are connected here.
        pass
