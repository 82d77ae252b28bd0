from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "civicdata.events"
    label = "events"
    verbose_name = "Events"

    def ready(self) -> None:
        # Listeners for lower apps' signals and registries are connected here.
        from civicdata.core.schedule import register_periodic_task

        # Commitment reminders after events (d).
        register_periodic_task("civicdata.events.tasks.events_daily_followup")
        register_periodic_task("civicdata.events.tasks.expire_registration_offers")
