"""Demand listens to the catalog's signals: views, downloads and searches that found nothing are counted,
and publishing a planned dataset fulfils its requests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps

from civicdata.accounts.tests.factories import make_organization, make_user
from civicdata.catalog import services as catalog_services
from civicdata.catalog import signals
from civicdata.catalog.models import Distribution
from civicdata.catalog.tests.factories import make_dataset
from civicdata.demand import services
from civicdata.demand.models import DemandItem, DemandKind, RequestStatus

pytestmark = pytest.mark.django_db


def test_views_and_downloads_on_the_catalog_count_as_usage(client):
    dataset = make_dataset(make_organization(), identifier="usage")
    distribution = Distribution.objects.get(dataset=dataset)
    client.get(dataset.get_absolute_url())
    client.get(dataset.get_absolute_url())
    client.post(f"/catalog/distributions/{distribution.pk}/download/")
    items = {item.kind: item.weight for item in DemandItem.objects.filter(dataset=dataset)}
    assert items == {DemandKind.VIEW: 2, DemandKind.DOWNLOAD: 1}


def test_a_catalog_search_that_found_nothing_counts_as_demand(client):
    client.get("/datasets/", {"q": "zebra crossings"})
    item = DemandItem.objects.get(kind=DemandKind.SEARCH)
    assert (item.text, item.language) == ("zebra crossings", "en")


def test_publishing_in_the_catalog_fulfils_the_planned_request(django_capture_on_commit_callbacks):
    staff = make_user(staff=True)
    draft = make_dataset(make_organization(), by=staff, published=False)
    request = services.create_request(by=make_user(), title="Bike counts", description="Per street")
    services.change_status(request, by=staff, to_status="planned", target_date=dt.date(2031, 1, 1), datasets=[draft])
    catalog_services.set_release_checklist(
        draft, by=staff, contact_reachable=True, privacy_reviewed=True, quality_reviewed=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.publish_dataset(draft, by=staff)
    request.refresh_from_db()
    assert request.status == RequestStatus.PUBLISHED


def test_receivers_are_connected_once_however_often_the_app_is_readied():
    catalog_signals = (
        signals.dataset_published,
        signals.dataset_viewed,
        signals.dataset_downloaded,
        signals.search_found_nothing,
    )
    before = [len(signal.receivers) for signal in catalog_signals]
    assert all(count >= 1 for count in before)
    apps.get_app_config("demand").ready()
    assert [len(signal.receivers) for signal in catalog_signals] == before
