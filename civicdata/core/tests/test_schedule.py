import pytest
from django_tasks_db.models import DBTaskResult

from civicdata.core.schedule import ensure_periodic_tasks_queued, periodic_tasks, register_periodic_task

pytestmark = pytest.mark.django_db


def test_the_worker_queues_each_periodic_task_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    assert len(periodic_tasks()) >= 2  # the apps register theirs when Django starts
    assert ensure_periodic_tasks_queued() == list(periodic_tasks())
    assert ensure_periodic_tasks_queued() == []
    assert DBTaskResult.objects.filter(task_path__in=periodic_tasks()).count() == len(periodic_tasks())


def test_registering_a_task_twice_keeps_one_entry():
    path = periodic_tasks()[0]
    register_periodic_task(path)
    assert periodic_tasks().count(path) == 1
