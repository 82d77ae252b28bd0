"""Every listing is valid: each real catalog in realdata/datajson is imported under a federal publisher, and
every record of /data.json, the publisher listing and the inventory passes the official v1.1 schema
(jsonschema). Datasets still invalid after the repairs are held back as "needs fixing", never listed."""

from __future__ import annotations

import json

import pytest

from civicdata.accounts.tests.factories import make_organization, make_user
from civicdata.catalog import services
from civicdata.catalog.ingest.planning import validate_datasets
from civicdata.catalog.ingest.reading import read_catalog_file
from civicdata.catalog.models import Dataset, Profile, PublisherSettings, RunStatus
from civicdata.catalog.tests.factories import make_dataset, pod_catalog, pod_dataset
from civicdata.catalog.tests.test_publishing import official_validator
from civicdata.core.testing import realdata_root

pytestmark = pytest.mark.django_db

FEDERAL = {"bureauCode": ["015:11"], "programCode": ["015:001"]}
# Catalogs bigger than this are sampled: every dataset that fails the schema as given (the ones the
# repairs and the hold-back are about) plus evenly spaced valid ones, so the test stays quick.
SAMPLE = 300


def _catalog_files() -> list[str]:
    root = realdata_root() / "datajson"
    if not root.exists():
        return []
    return sorted(str(path.relative_to(root)) for path in root.rglob("*.json"))


def _sampled(datasets: list) -> list:
    if len(datasets) <= SAMPLE:
        return datasets
    objects = [d for d in datasets if isinstance(d, dict)]
    invalid = set(validate_datasets(objects, profile=Profile.FEDERAL))
    keep = [i for i in range(len(objects)) if i in invalid]
    valid = [i for i in range(len(objects)) if i not in invalid]
    step = max(1, len(valid) // max(1, SAMPLE - len(keep)))
    keep.extend(valid[::step])
    return [objects[i] for i in sorted(set(keep))]


@pytest.fixture
def federal_publisher():
    publisher = make_organization("Agency", slug="agency", org_type="agency")
    PublisherSettings.objects.create(organization=publisher, profile=Profile.FEDERAL)
    return publisher


def _listing(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, url
    return json.loads(b"".join(response.streaming_content))


def _assert_valid(doc: dict) -> None:
    errors = list(official_validator().iter_errors(doc))
    assert errors == [], [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


@pytest.mark.parametrize("relative", _catalog_files() or ["(realdata absent)"])
def test_every_listing_of_an_imported_real_catalog_is_valid(relative, client, federal_publisher):
    """Import a real catalog; /data.json, the publisher listing and the inventory hold only valid records,
    and exactly the datasets that are valid after the repairs (the rest are held back as needs fixing)."""
    if relative == "(realdata absent)":
        pytest.skip("realdata/datajson not found (set CIVICDATA_REALDATA)")
    read = read_catalog_file(realdata_root() / "datajson" / relative)
    document = read.document
    if isinstance(document, dict) and isinstance(document.get("dataset"), list):
        document = {**document, "dataset": _sampled(document["dataset"])}
    run = services.import_catalog(publisher=federal_publisher, document=document, by=None, origin=relative)
    if not read.ok or run.status == RunStatus.FAILED:
        # Not a catalog (an error body, a schema file): nothing imported, nothing listed.
        assert not Dataset.objects.exists()
    written = [item for item in run.report if item["action"] == "new"]
    valid_ids = {item["identifier"] for item in written if item["valid"]}
    held = Dataset.objects.filter(needs_fixing=True)
    assert held.count() == run.held_back_count == sum(1 for item in written if not item["valid"])
    assert all(dataset.findings for dataset in held)
    assert not held.filter(is_published=True).exists()

    public = _listing(client, "/data.json")
    publisher_listing = _listing(client, "/publishers/agency/data.json")
    client.force_login(make_user(staff=True))
    inventory = _listing(client, "/catalog/inventory.json")
    for doc in (public, publisher_listing, inventory):
        _assert_valid(doc)
    assert {d["identifier"] for d in inventory["dataset"]} == valid_ids
    public_ids = {
        d["identifier"] for d in inventory["dataset"] if d.get("accessLevel") in ("public", "restricted public")
    }
    assert {d["identifier"] for d in public["dataset"]} == public_ids
    assert {d["identifier"] for d in publisher_listing["dataset"]} == public_ids


def test_healthdata_repairs_are_counted_and_make_datasets_valid(client, federal_publisher):
    """healthdata.gov's frequency terms and year ranges are repaired (counted per rule); what needs a guess
    is held back with its findings."""
    path = realdata_root() / "datajson/hhs/healthdata.gov.data.2021-08-01.json"
    if not path.exists():
        pytest.skip("realdata healthdata.gov catalog not found")
    document = read_catalog_file(path).document
    invalid = set(validate_datasets(document["dataset"], profile=Profile.FEDERAL))
    document = {**document, "dataset": [d for i, d in enumerate(document["dataset"]) if i in invalid]}
    run = services.import_catalog(publisher=federal_publisher, document=document, by=None)
    assert run.status == RunStatus.SUCCEEDED
    assert run.summary["repairs"]["frequency_term"] > 50
    assert run.summary["repairs"]["temporal_years"] > 0
    assert 0 < run.held_back_count < len(invalid)
    assert run.repaired_count >= len(invalid) - run.held_back_count
    assert len(_listing(client, "/data.json")["dataset"]) == len(invalid) - run.held_back_count


def test_held_back_dataset_is_nowhere_public_and_an_edit_releases_it(client, federal_publisher):
    """A dataset that needs fixing is on the staff page with its findings, not in search, exports or the CKAN
    API; saving a valid version publishes it again."""
    bad = pod_dataset("needs-a-date", title="Held back harbour data", **FEDERAL)
    bad["modified"] = "sometime in May"
    run = services.import_catalog(
        publisher=federal_publisher, document=pod_catalog(bad, pod_dataset("fine", **FEDERAL)), by=None
    )
    assert run.held_back_count == 1
    held = Dataset.objects.get(identifier="needs-a-date")
    assert held.needs_fixing
    assert not held.is_published
    assert held.findings[0]["field"] == "modified"
    assert b"needs-a-date" not in b"".join(client.get("/catalog/export.csv").streaming_content)
    assert "needs-a-date" not in client.get("/api/3/action/package_list").content.decode()
    assert "Held back harbour" not in client.get("/datasets/", {"q": "harbour"}).content.decode()

    editor = make_user(staff=True)
    client.force_login(editor)
    page = client.get("/publishers/agency/needs-fixing/").content.decode()
    assert "Held back harbour data" in page
    assert "modified" in page
    dashboard = client.get("/publishers/agency/dashboard/").content.decode()
    assert "1 dataset needs fixing" in dashboard

    fixed = {**bad, "modified": "2026-05-01"}
    services.update_dataset(held, data=fixed, by=editor)
    held.refresh_from_db()
    assert not held.needs_fixing
    assert held.is_published
    assert held.findings == []
    assert "needs-a-date" in {d["identifier"] for d in _listing(client, "/data.json")["dataset"]}


def test_an_edit_that_breaks_a_published_dataset_holds_it_back(federal_publisher):
    """Editing a published dataset into an invalid state takes it out of the listings instead of publishing it."""
    dataset = make_dataset(federal_publisher, identifier="was-fine", **FEDERAL)
    assert dataset.is_published
    broken = {**pod_dataset("was-fine", **FEDERAL), "accessLevel": "open"}
    services.update_dataset(dataset, data=broken, by=None)
    dataset.refresh_from_db()
    assert dataset.needs_fixing
    assert not dataset.is_published
    assert not dataset.is_public_listing


def test_v10_catalog_import_is_converted_and_valid(client, federal_publisher):
    """`catalog import` of a 2013 v1.0 catalog converts it: the listing holds v1.1 records, none with v1.0 fields."""
    path = realdata_root() / "pod-schema/v1.0/examples/catalog-sample.json"
    if not path.exists():
        pytest.skip("realdata v1.0 sample not found")
    run = services.import_catalog_from(publisher=federal_publisher, location=str(path), by=None)
    assert run.status == RunStatus.SUCCEEDED
    assert run.summary["conversion"]["mappings"]["publisher_object"] == 3
    listing = _listing(client, "/data.json")
    _assert_valid(listing)
    assert len(listing["dataset"]) == 3
    for record in listing["dataset"]:
        assert "mbox" not in record
        assert "webService" not in record
        assert "accessURL" not in record
        assert isinstance(record["publisher"], dict)
        assert all("/" in dist.get("mediaType", "x/y") for dist in record["distribution"])
