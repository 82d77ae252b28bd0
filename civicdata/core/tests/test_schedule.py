import pytest
from django_tasks_db.models import DBTaskResult

from civicdata.core.schedule import PERIODIC_TASKS, ensure_periodic_tasks_queued

pytestmark = pytest.mark.django_db


def test_the_worker_queues_each_periodic_task_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    assert ensure_periodic_tasks_queued() == list(PERIODIC_TASKS)
    assert ensure_periodic_tasks_queued() == []
    assert DBTaskResult.objects.filter(task_path__in=PERIODIC_TASKS).count() == len(PERIODIC_TASKS)


def test_daily_demand_tick_sends_digests_and_queues_tomorrow(settings):
    from civicdata.demand.tasks import demand_daily_tick

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    assert demand_daily_tick.call(reschedule=True) == 0
    waiting = DBTaskResult.objects.get(task_path="civicdata.demand.tasks.demand_daily_tick")
    assert waiting.status == "READY"
    assert waiting.run_after > waiting.enqueued_at
