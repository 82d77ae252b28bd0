from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "civicdata.core"
    label = "core"
    verbose_name = _("Site plumbing")

    def ready(self) -> None:
        from civicdata.core import checks  # noqa: F401  (registers system checks)
        from civicdata.core.schedule import register_periodic_task

        register_periodic_task("civicdata.core.tasks.sweep_task")
