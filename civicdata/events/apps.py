from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "civicdata.events"
    label = "events"
    verbose_name = "Events"

    def ready(self) -> None:
        # Listeners for lower apps' signals and registries are connected here.
        pass
