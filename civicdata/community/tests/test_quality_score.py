"""The quality score is deterministic and explained item by item."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from civicdata.community.models import QualityReport
from civicdata.community.quality_score import dataset_score
from civicdata.community.tests.quality_factories import publisher_with_dataset, report

pytestmark = pytest.mark.django_db


def test_each_item_is_scored_and_overdue_reports_cost_points():
    today = timezone.localdate().isoformat()
    _publisher, dataset, _editor, _admin = publisher_with_dataset(modified=today, accrualPeriodicity="R/P1M")
    score = dataset_score(dataset)
    items = {item.key: item for item in score.items}
    assert set(items) == {"metadata", "validator", "links", "freshness", "overdue_reports"}  # no table loaded
    assert items["freshness"].points == 20
    assert items["links"].points == 15
    assert items["overdue_reports"].points == 10
    before = score.value
    late = report(dataset)
    QualityReport.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(days=1))
    after = dataset_score(dataset)
    assert {i.key: i.points for i in after.items}["overdue_reports"] == 5
    assert after.value < before
    assert dataset_score(dataset).value == after.value  # the same records give the same score


def test_a_late_dataset_loses_the_freshness_points():
    _publisher, dataset, _editor, _admin = publisher_with_dataset(modified="2020-01-01", accrualPeriodicity="R/P1D")
    items = {item.key: item for item in dataset_score(dataset).items}
    assert items["freshness"].points == 0
