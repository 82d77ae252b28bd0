"""A file uploaded to a dataset becomes a Data API table, and the published listings give its
distribution `accessURL`, `describedBy` and `describedByType` (valid against the official POD v1.1 schema)."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from civicdata.accounts.tests.factories import make_member, make_organization
from civicdata.catalog.models import DistributionFile
from civicdata.catalog.tests.factories import make_dataset
from civicdata.catalog.tests.test_publishing import FEDERAL, official_validator
from civicdata.datastore.models import DataTable, IngestJob, TableStatus

pytestmark = pytest.mark.django_db

CSV = b"stop_id,route,racks\n1,Red,4\n2,Blue,2\n3,Green,6\n"


@pytest.fixture
def parks():
    return make_organization("Parks", slug="parks")


@pytest.fixture
def editor(parks):
    return make_member(parks)


def upload_csv(client, dataset, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            f"/catalog/datasets/{dataset.name}/files/new/",
            {"title": "Bike racks", "file": SimpleUploadedFile("bike racks.csv", CSV, content_type="text/csv")},
        )


def test_an_upload_queues_a_table_load_and_lands_on_its_progress_page(
    client, parks, editor, django_capture_on_commit_callbacks
):
    dataset = make_dataset(parks, published=False, **FEDERAL)
    client.force_login(editor)
    response = upload_csv(client, dataset, django_capture_on_commit_callbacks)
    job = IngestJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    assert job.source == "bike_racks.csv"
    table = DataTable.objects.get()
    assert table.distribution.stored_file.name == "bike_racks.csv"
    assert table.row_count == 3
    assert table.status == TableStatus.READY
    page = client.get(job.get_absolute_url()).content.decode()
    assert "3 rows are now served" in page
    # The upload's copy for the worker is gone; the download stays.
    assert client.get(table.distribution.stored_file.get_absolute_url()).status_code == 200


def test_publishing_the_dataset_publishes_its_uploaded_table_and_data_json_links_it(
    client, parks, editor, django_capture_on_commit_callbacks
):
    from civicdata.catalog import services as catalog_services

    dataset = make_dataset(parks, published=False, **FEDERAL)
    client.force_login(editor)
    upload_csv(client, dataset, django_capture_on_commit_callbacks)
    before = client.get("/data.json")["ETag"]
    catalog_services.set_release_checklist(
        dataset, by=editor, contact_reachable=True, privacy_reviewed=True, quality_reviewed=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.publish_dataset(dataset, by=editor)
    table = DataTable.objects.get()
    assert table.status == TableStatus.PUBLISHED
    client.logout()
    response = client.get("/data.json")
    assert response["ETag"] != before
    doc = json.loads(b"".join(response.streaming_content))
    dist = doc["dataset"][0]["distribution"][-1]
    stored = DistributionFile.objects.get()
    assert dist["downloadURL"] == f"http://testserver{stored.get_absolute_url()}"
    assert dist["accessURL"] == f"http://testserver/api/data/{dataset.name}/{table.name}"
    assert dist["describedBy"] == f"http://testserver/api/data/{dataset.name}/{table.name}/schema"
    assert dist["describedByType"] == "application/json"
    # The first distribution (an outside link, no table) gets nothing added.
    assert "accessURL" not in doc["dataset"][0]["distribution"][0]
    errors = list(official_validator().iter_errors(doc))
    assert errors == [], [e.message for e in errors[:3]]
    # Each link answers: the rows, and the Table Schema.
    assert client.get(f"/api/data/{dataset.name}/{table.name}").status_code == 200
    schema = client.get(f"/api/data/{dataset.name}/{table.name}/schema").json()
    assert [f["name"] for f in schema["fields"]] == ["stop_id", "route", "racks"]
    # The dataset API and the per-distribution export carry the same links.
    api = client.get(f"/api/catalog/datasets/{dataset.identifier}").json()
    assert api["pod"]["distribution"][-1]["accessURL"] == dist["accessURL"]
    csv_export = b"".join(client.get("/catalog/export.csv?per=distribution").streaming_content).decode()
    assert dist["describedBy"] in csv_export


def test_an_unpublished_table_adds_no_links_and_changes_the_etag_back(
    client, parks, editor, django_capture_on_commit_callbacks
):
    from civicdata.datastore import services

    dataset = make_dataset(parks, **FEDERAL)
    client.force_login(editor)
    upload_csv(client, dataset, django_capture_on_commit_callbacks)
    table = DataTable.objects.get()
    services.publish_table(table, by=editor)
    published = client.get("/data.json")
    services.unpublish_table(table, by=editor)
    after = client.get("/data.json")
    assert after["ETag"] != published["ETag"]
    dist = json.loads(b"".join(after.streaming_content))["dataset"][0]["distribution"][-1]
    assert "accessURL" not in dist
    assert "describedBy" not in dist


def test_the_load_page_lists_the_distributions_and_takes_a_new_file(
    client, parks, editor, django_capture_on_commit_callbacks
):
    dataset = make_dataset(parks, published=False)
    client.force_login(editor)
    html = client.get(f"/data/{dataset.name}/load/").content.decode()
    assert "CSV file" in html  # the factory's distribution
    assert "A new file from your computer" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/data/{dataset.name}/load/",
            {"distribution": "", "title": "Racks", "file": SimpleUploadedFile("racks.csv", CSV)},
        )
    job = IngestJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    stored = DistributionFile.objects.get()
    assert stored.distribution.title == "Racks"
    assert job.table.distribution_id == stored.distribution_id


def test_the_load_page_says_when_a_chosen_file_was_not_loaded(client, parks, editor):
    dataset = make_dataset(parks, published=False)
    client.force_login(editor)
    response = client.post(
        f"/data/{dataset.name}/load/",
        {
            "distribution": dataset.distributions.get().pk,
            "url": "https://example.org/x.csv",
            "file": SimpleUploadedFile("racks.csv", CSV),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "not both" in html
    assert "“racks.csv” was not loaded: choose it again" in html
    assert not IngestJob.objects.exists()


def test_an_uploaded_distribution_is_reloaded_from_its_stored_file(
    client, parks, editor, django_capture_on_commit_callbacks
):
    dataset = make_dataset(parks, published=False)
    client.force_login(editor)
    upload_csv(client, dataset, django_capture_on_commit_callbacks)
    stored = DistributionFile.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/data/{dataset.name}/load/", {"distribution": stored.distribution_id})
    jobs = list(IngestJob.objects.order_by("id"))
    assert len(jobs) == 2
    assert jobs[1].source == "bike_racks.csv"
    assert jobs[1].table_id == jobs[0].table_id
