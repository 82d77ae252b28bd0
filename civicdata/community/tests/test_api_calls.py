"""API calls are counted per dataset in memory and written in batches, never one write per call; the
impact page and its CSV show them."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from civicdata.community import api_calls
from civicdata.community.models import ApiCallDay
from civicdata.datastore.tests.factories import published_table

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_counter():
    api_calls._take()
    yield
    api_calls._take()


@override_settings(COMMUNITY_API_CALLS_FLUSH_SECONDS=3600, COMMUNITY_API_CALLS_FLUSH_CALLS=3)
def test_calls_wait_in_memory_and_are_written_in_one_batch(client, django_assert_max_num_queries):
    table = published_table()
    dataset = table.dataset
    assert client.get(f"/api/data/{dataset.name}/{table.name}").status_code == 200
    assert client.get(f"/api/3/action/package_show?id={dataset.name}").status_code == 200
    assert client.get("/api/data/no-such-dataset/x").status_code == 404  # failures are not counted
    assert api_calls.pending_calls() == 2
    assert not ApiCallDay.objects.exists()  # nothing written yet
    assert client.get(f"/api/data/{dataset.name}").status_code == 200  # the third call fills the batch
    assert api_calls.pending_calls() == 0
    rows = {row.api: row.calls for row in ApiCallDay.objects.filter(dataset=dataset)}
    assert rows == {"data": 2, "ckan": 1}
    # a later batch adds to today's rows
    client.get(f"/api/3/action/package_show?id={dataset.uuid}")
    with django_assert_max_num_queries(4):
        assert api_calls.flush_api_calls() == 1
    assert ApiCallDay.objects.get(dataset=dataset, api="ckan").calls == 2

    page = client.get(reverse("community:dataset_impact", kwargs={"name": dataset.name})).content.decode()
    assert "API calls by month" in page
    csv = client.get(reverse("community:dataset_impact_csv", kwargs={"name": dataset.name})).content.decode()
    assert "api_calls,Data API calls,2" in csv
    assert "ckan_api_calls,CKAN API calls,2" in csv


def test_only_api_addresses_about_one_dataset_are_keys(rf):
    assert api_calls.key_for(rf.get("/api/data/sql")) is None
    assert api_calls.key_for(rf.get("/api/data/parks/trees")) == ("data", "dataset", "parks")
    assert api_calls.key_for(rf.get("/api/3/action/package_list")) is None
    assert api_calls.key_for(rf.get("/api/3/action/resource_show?id=abc")) == ("ckan", "resource", "abc")
