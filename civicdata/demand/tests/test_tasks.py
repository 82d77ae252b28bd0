import pytest
from django_tasks_db.models import DBTaskResult

from civicdata.core.schedule import periodic_tasks
from civicdata.demand.tasks import demand_daily_tick

pytestmark = pytest.mark.django_db


def test_daily_demand_tick_is_a_periodic_task():
    assert "civicdata.demand.tasks.demand_daily_tick" in periodic_tasks()


def test_daily_demand_tick_sends_digests_and_queues_tomorrow(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    assert demand_daily_tick.call(reschedule=True) == 0
    waiting = DBTaskResult.objects.get(task_path="civicdata.demand.tasks.demand_daily_tick")
    assert waiting.status == "READY"
    assert waiting.run_after > waiting.enqueued_at
