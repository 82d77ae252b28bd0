"""Files uploaded as distributions (stored, served at a stable address with ETag and ranges), the edit
form refusing a file row without a link, and the one-off import of an uploaded data.json."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from civicdata.accounts.tests.factories import make_member, make_organization, make_user
from civicdata.catalog import files, records, services
from civicdata.catalog.forms import DatasetForm
from civicdata.catalog.models import Dataset, DistributionFile, HarvestRun
from civicdata.catalog.tests.factories import make_dataset, pod_catalog, pod_dataset
from civicdata.core.errors import InvalidInput
from civicdata.core.testing import realdata_path

pytestmark = pytest.mark.django_db

CSV = b"stop_id,name,racks\n1,Main St,4\n2,Harbor Rd,2\n"


@pytest.fixture
def parks():
    return make_organization("Parks", slug="parks")


@pytest.fixture
def editor(parks):
    return make_member(parks, role="editor")


def upload(dataset, editor, *, name="Bike racks.csv", content=CSV, title="Bike racks"):
    return services.add_distribution_file(
        dataset,
        upload=SimpleUploadedFile(name, content, content_type="text/csv"),
        title=title,
        by=editor,
        site_url="https://data.example.org/",
    )


def test_an_uploaded_file_becomes_a_distribution_with_our_download_address(parks, editor):
    """The file is stored under DATA_DIR by key; the new distribution's downloadURL is the stable address."""
    dataset = make_dataset(parks, published=False)
    distribution = upload(dataset, editor)
    stored = DistributionFile.objects.get(distribution=distribution)
    assert stored.name == "Bike_racks.csv"
    assert stored.size == len(CSV)
    assert files.stored_path(stored.key).read_bytes() == CSV
    assert (
        distribution.download_url
        == f"https://data.example.org/datasets/{dataset.name}/files/{stored.key}/Bike_racks.csv"
    )
    pod = records.dataset_pod(Dataset.objects.get(pk=dataset.pk))
    added = pod["distribution"][-1]
    assert added == {
        "@type": "dcat:Distribution",
        "title": "Bike racks",
        "downloadURL": distribution.download_url,
        "mediaType": "text/csv",
        "format": "CSV",
    }
    # The earlier distribution is kept, and the change is a revision like any edit.
    assert len(pod["distribution"]) == 2
    assert dataset.revisions.count() == 2


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [("notes.exe", CSV, "file_type"), ("empty.csv", b"", "file_empty"), ("big.csv", b"x" * 2048, "file_too_large")],
)
def test_uploads_of_the_wrong_kind_empty_or_too_large_are_refused(parks, editor, settings, name, content, code):
    settings.MAX_UPLOAD_BYTES = 1024
    dataset = make_dataset(parks, published=False)
    with pytest.raises(InvalidInput) as refused:
        upload(dataset, editor, name=name, content=content)
    assert refused.value.code == code
    assert not DistributionFile.objects.exists()
    assert dataset.distributions.count() == 1


def test_the_upload_page_stores_the_file_and_says_so(client, parks, editor):
    dataset = make_dataset(parks, published=False)
    client.force_login(editor)
    page = client.get(f"/catalog/datasets/{dataset.name}/files/new/")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.content.decode()
    response = client.post(
        f"/catalog/datasets/{dataset.name}/files/new/",
        {"title": "", "file": SimpleUploadedFile("racks.csv", CSV, content_type="text/csv")},
        follow=True,
    )
    assert response.status_code == 200
    assert DistributionFile.objects.filter(dataset=dataset, name="racks.csv").exists()
    assert "racks.csv" in response.content.decode()


def test_the_upload_page_keeps_the_problem_at_the_field(client, parks, editor):
    dataset = make_dataset(parks, published=False)
    client.force_login(editor)
    response = client.post(
        f"/catalog/datasets/{dataset.name}/files/new/",
        {"title": "Notes", "file": SimpleUploadedFile("notes.pdf", b"%PDF", content_type="application/pdf")},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "notes.pdf" in html
    assert "is none of these" in html
    assert 'value="Notes"' in html


def test_only_editors_may_upload(client, parks):
    dataset = make_dataset(parks, published=False)
    client.force_login(make_user())
    response = client.post(
        f"/catalog/datasets/{dataset.name}/files/new/",
        {"file": SimpleUploadedFile("racks.csv", CSV)},
    )
    assert response.status_code == 403
    assert not DistributionFile.objects.exists()


# --- serving ---------------------------------------------------------------------------------------


@pytest.fixture
def public_file(parks, editor):
    dataset = make_dataset(parks)
    distribution = upload(dataset, editor)
    return DistributionFile.objects.select_related("dataset").get(distribution=distribution)


def test_a_public_file_is_served_with_type_name_etag_and_date(client, public_file):
    response = client.get(public_file.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == CSV
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"] == 'attachment; filename="Bike_racks.csv"'
    assert response["ETag"] == f'"{public_file.sha256[:40]}"'
    assert response["Last-Modified"]
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(len(CSV))
    assert response["X-Content-Type-Options"] == "nosniff"
    public_file.distribution.refresh_from_db()
    assert public_file.distribution.download_count == 1


def test_a_repeated_etag_or_date_gets_304(client, public_file):
    first = client.get(public_file.get_absolute_url())
    again = client.get(public_file.get_absolute_url(), headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    dated = client.get(public_file.get_absolute_url(), headers={"if-modified-since": first["Last-Modified"]})
    assert dated.status_code == 304
    other = client.get(public_file.get_absolute_url(), headers={"if-none-match": '"something-else"'})
    assert other.status_code == 200


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [("bytes=0-7", 0, 7), ("bytes=8-", 8, len(CSV) - 1), ("bytes=-5", len(CSV) - 5, len(CSV) - 1)],
)
def test_a_byte_range_gets_206_with_exactly_those_bytes(client, public_file, header, start, end):
    response = client.get(public_file.get_absolute_url(), headers={"range": header})
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == CSV[start : end + 1]
    assert response["Content-Range"] == f"bytes {start}-{end}/{len(CSV)}"
    assert response["Content-Length"] == str(end - start + 1)


def test_a_range_past_the_end_gets_416(client, public_file):
    response = client.get(public_file.get_absolute_url(), headers={"range": f"bytes={len(CSV) + 10}-"})
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(CSV)}"


def test_a_stale_if_range_gets_the_whole_file(client, public_file):
    response = client.get(
        public_file.get_absolute_url(), headers={"range": "bytes=0-3", "if-range": '"an-older-version"'}
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == CSV


def test_files_of_drafts_and_non_public_datasets_are_only_for_editors(client, parks, editor):
    draft = make_dataset(parks, published=False)
    closed = make_dataset(parks, accessLevel="non-public", rights="Personal data.")
    for dataset in (draft, closed):
        stored = DistributionFile.objects.get(distribution=upload(dataset, editor))
        assert client.get(stored.get_absolute_url()).status_code == 404
        client.force_login(editor)
        allowed = client.get(stored.get_absolute_url())
        assert allowed.status_code == 200
        assert allowed["Cache-Control"] == "private, no-cache"
        client.logout()


def test_a_wrong_file_name_or_dataset_is_not_found(client, public_file):
    url = public_file.get_absolute_url()
    assert client.get(url.replace("Bike_racks.csv", "other.csv")).status_code == 404
    assert client.get(url.replace(f"/datasets/{public_file.dataset.name}/", "/datasets/elsewhere/")).status_code == 404


def test_the_dataset_page_download_button_leads_to_the_stored_file(client, public_file):
    response = client.post(f"/catalog/distributions/{public_file.distribution.pk}/download/")
    assert response.status_code == 302
    assert response["Location"] == public_file.get_absolute_url()


# --- the edit form never drops a file row silently ------------------------------------------------


def test_a_file_row_without_a_link_is_a_field_error(client, parks, editor):
    """A title without a link used to vanish after “Saved. The metadata is valid.”; now it is an error."""
    dataset = make_dataset(parks, published=False)
    client.force_login(editor)
    form = DatasetForm(initial={}, publishers=[parks])
    data = {**DatasetForm.initial_from_pod(records.dataset_pod(dataset), parks)}
    data.update({"dist_1_title": "Bike racks", "dist_1_url": "", "dist_1_kind": "download"})
    data = {k: v for k, v in data.items() if v is not None and k in form.fields}
    response = client.post(f"/catalog/datasets/{dataset.name}/edit/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Give the link to this file" in html
    assert 'value="Bike racks"' in html
    assert dataset.distributions.count() == 1


def test_distributions_beyond_the_form_rows_are_kept_on_save(parks, editor):
    many = [
        {"@type": "dcat:Distribution", "downloadURL": f"https://x.example.org/{n}.csv", "mediaType": "text/csv"}
        for n in range(12)
    ]
    dataset = make_dataset(parks, published=False, distribution=many)
    existing = records.dataset_pod(dataset)
    form = DatasetForm(
        {**DatasetForm.initial_from_pod(existing, parks), "publisher": parks.pk}, publishers=[parks], dataset=dataset
    )
    assert form.is_valid(), form.errors
    assert len(form.to_pod(existing, parks)["distribution"]) == 12


# --- one-off import of an uploaded data.json ------------------------------------------------------


def catalog_file(*datasets, name="city.data.json"):
    return SimpleUploadedFile(name, json.dumps(pod_catalog(*datasets)).encode(), content_type="application/json")


def test_an_uploaded_data_json_is_previewed_then_imported(client, parks, editor):
    client.force_login(editor)
    page = client.get("/catalog/harvest/import/")
    assert page.status_code == 200
    response = client.post(
        "/catalog/harvest/import/",
        {"publisher": parks.pk, "file": catalog_file(pod_dataset("a"), pod_dataset("b"))},
    )
    preview = HarvestRun.objects.get()
    assert response["Location"] == f"/catalog/harvest/runs/{preview.pk}/"
    assert preview.dry_run
    assert preview.created_count == 2
    assert preview.upload_key
    assert not Dataset.objects.exists()
    report = client.get(response["Location"]).content.decode()
    assert "Import these datasets" in report
    assert "Uploaded file city.data.json" in report
    confirmed = client.post(f"/catalog/harvest/runs/{preview.pk}/import/")
    run = HarvestRun.objects.exclude(pk=preview.pk).get()
    assert confirmed["Location"] == f"/catalog/harvest/runs/{run.pk}/"
    assert not run.dry_run
    assert run.created_count == 2
    assert set(Dataset.objects.values_list("identifier", flat=True)) == {"a", "b"}
    # A second confirmation imports nothing more.
    again = client.post(f"/catalog/harvest/runs/{preview.pk}/import/", follow=True)
    assert "imported already" in again.content.decode()
    assert HarvestRun.objects.count() == 2


def test_an_unreadable_upload_gives_a_failed_preview_that_names_no_server_folder(client, parks, editor, settings):
    client.force_login(editor)
    bad = SimpleUploadedFile("broken.json", b'{"dataset": [', content_type="application/json")
    client.post("/catalog/harvest/import/", {"publisher": parks.pk, "file": bad})
    run = HarvestRun.objects.get()
    assert run.status == "failed"
    assert not run.upload_key
    html = client.get(f"/catalog/harvest/runs/{run.pk}/").content.decode()
    assert "Import these datasets" not in html
    assert str(settings.DATA_DIR) not in html
    assert "CATALOG_HARVEST_FILE_DIRS" not in html


def test_an_upload_over_the_catalog_limit_is_refused(parks, editor, settings):
    settings.CATALOG_MAX_BYTES = 100
    run = services.preview_uploaded_catalog(publisher=parks, upload=catalog_file(pod_dataset("a")), by=editor)
    assert run.status == "failed"
    assert "larger than" in run.error


def test_a_real_agency_catalog_can_be_uploaded_and_previewed(parks, editor):
    path = realdata_path("datajson/federal_agencies_2025-02/fcc.data.json")
    upload_file = SimpleUploadedFile("fcc.data.json", path.read_bytes(), content_type="application/json")
    run = services.preview_uploaded_catalog(publisher=parks, upload=upload_file, by=editor)
    assert run.status == "succeeded", run.error
    assert run.created_count > 10
    assert not Dataset.objects.exists()


def test_registering_a_server_file_outside_the_allowed_folders_names_no_setting(client, parks, editor, tmp_path):
    client.force_login(editor)
    response = client.post(
        "/catalog/harvest/",
        {"publisher": parks.pk, "name": "Local", "kind": "datajson", "url": str(tmp_path / "x.json"),
         "schedule": "manual"},
    )  # fmt: skip
    html = response.content.decode()
    assert "Import a data.json file" in html
    assert "CATALOG_HARVEST_FILE_DIRS" not in html


def test_with_a_proxy_in_front_the_file_is_handed_to_it(client, public_file, settings):
    """DOWNLOAD_OFFLOAD=x-accel-redirect: an empty answer naming the stored file under the proxy's internal
    location, with the same headers; the download still counts."""
    settings.DOWNLOAD_OFFLOAD = "x-accel-redirect"
    settings.DOWNLOAD_OFFLOAD_PREFIX = "/_civicdata/"
    response = client.get(public_file.get_absolute_url())
    assert response.status_code == 200
    assert response.content == b""
    stored = files.stored_path(public_file.key).relative_to(settings.DATA_DIR)
    assert response["X-Accel-Redirect"] == f"/_civicdata/{stored.as_posix()}"
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"] == 'attachment; filename="Bike_racks.csv"'
    assert response["ETag"] == f'"{public_file.sha256[:40]}"'
    public_file.distribution.refresh_from_db()
    assert public_file.distribution.download_count == 1
