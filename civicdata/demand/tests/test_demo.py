"""The demand demo loads on top of the accounts demo and shows every status, logs and topics."""

import io
import random

import pytest

from civicdata.demand.models import DataRequest, DemandItem, DemandKind, LogImport, TopicSnapshot

pytestmark = pytest.mark.django_db


def test_demo_loads_requests_in_every_status_logs_and_topics():
    """Requests cover the statuses, both real logs are imported once, and topics exist."""
    from civicdata.accounts import demo as accounts_demo
    from civicdata.demand import demo

    out = io.StringIO()
    accounts_demo.load(random.Random("42-accounts"), out)
    demo.load(random.Random("42-demand"), out)
    statuses = set(DataRequest.objects.values_list("status", flat=True))
    assert {"new", "under_review", "planned", "declined"} <= statuses
    assert DataRequest.objects.filter(vote_count__gt=0).count() >= 10
    assert LogImport.objects.count() == 2
    assert DemandItem.objects.filter(kind=DemandKind.LOG_ROW).count() == 320 + 1200
    assert DemandItem.objects.filter(kind=DemandKind.LOG_ROW, requester_type="").count() < 320 + 1200
    snapshot = TopicSnapshot.objects.get()
    assert snapshot.k >= 10
    assert "imported 320 rows" in out.getvalue()
