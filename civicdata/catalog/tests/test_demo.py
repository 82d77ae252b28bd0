"""The catalog demo builds a believable city catalog on top of the accounts demo, offline."""

from __future__ import annotations

import io
import random

import pytest

from civicdata.accounts import demo as accounts_demo
from civicdata.catalog import demo
from civicdata.catalog.models import Dataset, HarvestRun, HarvestSource, PublisherSnapshot, UsageNote

pytestmark = pytest.mark.django_db


def test_demo_catalog_has_every_access_level_invalid_examples_and_a_working_file_harvest():
    """~50 datasets over several publishers, all access levels, some invalid, and a harvested file source."""
    accounts_demo.load(random.Random(1), io.StringIO())
    out = io.StringIO()
    demo.load(random.Random(2), out)
    assert 45 <= Dataset.objects.count() <= 70
    assert set(Dataset.objects.values_list("access_level", flat=True)) == {"public", "restricted public", "non-public"}
    assert Dataset.objects.filter(is_valid=False).count() >= 3
    assert Dataset.objects.values("publisher").distinct().count() >= 6
    source = HarvestSource.objects.get(slug="health-datajson")
    assert source.is_active
    run = HarvestRun.objects.filter(source=source, dry_run=False).get()
    assert run.created_count == 8
    assert UsageNote.objects.count() == 3
    assert PublisherSnapshot.objects.count() >= 15
    demo.load(random.Random(2), out)  # idempotent
    assert "already present" in out.getvalue()
