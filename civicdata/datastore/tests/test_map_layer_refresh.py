"""Tables made from ArcGIS REST layers are copied again on their schedule: due ones are refreshed as a
new version of the table, others are left alone, and a map server that fails leaves the last rows in
place with the reason shown to staff. The layer is the recorded county one served on loopback by
test_gis_tools' fake ArcGIS server."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from civicdata.accounts.tests.factories import make_member, make_organization
from civicdata.catalog.tests.factories import make_dataset
from civicdata.datastore.models import DataTable, IngestJob, MapLayerSource
from civicdata.datastore.services import tools
from civicdata.datastore.tasks import map_layers_tick
from civicdata.datastore.tests import test_gis_tools
from civicdata.datastore.tests.test_gis_tools import ArcGis, needs_realdata

pytestmark = needs_realdata
arcgis = test_gis_tools.arcgis  # the loopback map server fixture


@pytest.fixture
def parks(db):
    return make_organization("Parks", slug="parks")


@pytest.fixture
def editor(parks):
    return make_member(parks)


def load_layer(parks, editor, url, capture, refresh="daily") -> DataTable:
    dataset = make_dataset(parks, published=False)
    with capture(execute=True):
        result = tools.convert_gis(
            dataset=dataset, upload=None, layer_url=url, title="", by=editor,
            site_url="https://data.example.gov/", refresh=refresh,
        )  # fmt: skip
    table = result.job.table
    table.refresh_from_db()
    return table


def make_due(table: DataTable) -> None:
    MapLayerSource.objects.filter(table=table).update(next_refresh_at=timezone.now() - dt.timedelta(minutes=1))


def test_a_layer_loaded_with_a_schedule_remembers_it(parks, editor, arcgis, django_capture_on_commit_callbacks):
    before = timezone.now()
    table = load_layer(parks, editor, arcgis + "/query?where=1%3D1", django_capture_on_commit_callbacks)
    assert table.row_count == 15
    source = table.map_layer
    assert source.layer_url == arcgis  # the layer itself, not the query address
    assert source.refresh == "daily"
    assert before + dt.timedelta(days=1) <= source.next_refresh_at <= timezone.now() + dt.timedelta(days=1)
    manual = load_layer(parks, editor, arcgis, django_capture_on_commit_callbacks, refresh="manual")
    assert manual.map_layer.next_refresh_at is None


def test_due_layers_are_copied_again_and_others_are_not(parks, editor, arcgis, django_capture_on_commit_callbacks):
    due = load_layer(parks, editor, arcgis, django_capture_on_commit_callbacks)
    later = load_layer(parks, editor, arcgis, django_capture_on_commit_callbacks)
    manual = load_layer(parks, editor, arcgis, django_capture_on_commit_callbacks, refresh="manual")
    make_due(due)
    versions = {t.pk: t.version for t in (due, later, manual)}
    ArcGis.features = {**ArcGis.features, "features": ArcGis.features["features"][:9]}  # the county removed some
    ArcGis.queries = []
    with django_capture_on_commit_callbacks(execute=True):
        assert map_layers_tick.call(reschedule=False) == 1
    assert ArcGis.queries  # the layer was paged through again
    for table in (due, later, manual):
        table.refresh_from_db()
    assert due.row_count == 9
    assert due.version > versions[due.pk]
    assert (later.row_count, later.version) == (15, versions[later.pk])
    assert (manual.row_count, manual.version) == (15, versions[manual.pk])
    source = due.map_layer
    source.refresh_from_db()
    assert (source.last_features, source.last_error, source.refreshing) == (9, "", False)
    assert source.next_refresh_at > timezone.now() + dt.timedelta(hours=23)
    with django_capture_on_commit_callbacks(execute=True):
        assert map_layers_tick.call(reschedule=False) == 0  # no longer due


def test_a_failing_map_server_keeps_the_old_rows_and_says_why(
    parks, editor, arcgis, django_capture_on_commit_callbacks
):
    table = load_layer(parks, editor, arcgis, django_capture_on_commit_callbacks)
    good = table.map_layer.last_refreshed_at
    make_due(table)
    jobs = IngestJob.objects.count()
    ArcGis.failing = True
    with django_capture_on_commit_callbacks(execute=True):
        assert map_layers_tick.call(reschedule=False) == 1
    table.refresh_from_db()
    assert table.row_count == 15
    assert IngestJob.objects.count() == jobs  # nothing was loaded over the good rows
    source = table.map_layer
    source.refresh_from_db()
    assert "500" in source.last_error
    assert source.last_refreshed_at == good
    assert source.last_tried_at > good
    assert source.next_refresh_at > timezone.now()  # tried again at the next interval, not every tick
    assert not source.refreshing


def test_the_table_page_shows_the_layer_and_changes_its_schedule(
    client, parks, editor, arcgis, django_capture_on_commit_callbacks
):
    table = load_layer(parks, editor, arcgis, django_capture_on_commit_callbacks)
    MapLayerSource.objects.filter(table=table).update(last_error="The map server answered 500.")
    client.force_login(editor)
    page = client.get(table.get_absolute_url()).content.decode()
    assert "Copied from a map layer" in page
    assert "The map server answered 500." in page
    assert 'value="daily" selected' in page
    response = client.post(f"{table.get_absolute_url()}map-layer/", {"refresh": "weekly"})
    assert response.status_code == 302
    source = MapLayerSource.objects.get(table=table)
    assert source.refresh == "weekly"
    assert source.next_refresh_at == source.last_refreshed_at + dt.timedelta(days=7)
    client.post(f"{table.get_absolute_url()}map-layer/", {"refresh": "manual"})
    assert MapLayerSource.objects.get(table=table).next_refresh_at is None
    ArcGis.features = {**ArcGis.features, "features": ArcGis.features["features"][:3]}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{table.get_absolute_url()}map-layer/refresh/").status_code == 302
    table.refresh_from_db()
    assert table.row_count == 3
    assert client.get(f"{table.get_absolute_url()}map-layer/").status_code == 405  # no change on GET
    outsider = make_member(make_organization("Police", slug="police"))
    client.force_login(outsider)
    assert client.post(f"{table.get_absolute_url()}map-layer/", {"refresh": "hourly"}).status_code == 403
    assert MapLayerSource.objects.get(table=table).refresh == "manual"


def test_the_api_loads_a_layer_with_a_schedule_and_changes_it(
    client, parks, editor, arcgis, django_capture_on_commit_callbacks
):
    dataset = make_dataset(parks, published=False)
    client.force_login(editor)
    refused = client.post("/api/tools/gis", {"dataset": dataset.name, "layer_url": arcgis, "refresh": "monthly"})
    assert refused.status_code == 400
    assert "hourly" in refused.content.decode()
    assert not DataTable.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        loaded = client.post("/api/tools/gis", {"dataset": dataset.name, "layer_url": arcgis, "refresh": "hourly"})
    assert loaded.status_code == 201, loaded.content
    table = DataTable.objects.get()
    address = f"/api/tools/map-layers/{dataset.name}/{table.name}"
    shown = client.get(address).json()
    assert (shown["refresh"], shown["layer_url"], shown["last_error"]) == ("hourly", arcgis, "")
    changed = client.patch(address, {"refresh": "weekly"}, content_type="application/json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["refresh"] == "weekly"
    bad = client.patch(address, {"refresh": "sometimes"}, content_type="application/json")
    assert bad.status_code == 400
    ArcGis.failing = True
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{address}/refresh").status_code == 202
    after = client.get(address).json()
    assert "500" in after["last_error"]
    table.refresh_from_db()
    assert table.row_count == 15
    client.force_login(make_member(make_organization("Police", slug="police")))
    assert client.get(address).status_code == 403
