"""A dataset received byte for byte as last time is known unchanged without repairing and hashing it again
(ingest/planning.py, `received_hash`). These tests check that the shortcut gives exactly the outcome of the
full path, that it is never taken when it could be wrong, and that it writes nothing for unchanged data."""

from __future__ import annotations

import copy
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from civicdata.accounts.tests.factories import make_organization, make_user
from civicdata.catalog import records, services
from civicdata.catalog.ingest import planning
from civicdata.catalog.models import Dataset, DatasetRevision, HarvestSource, RunStatus
from civicdata.catalog.tests.factories import pod_dataset
from civicdata.core.testing import realdata_path

pytestmark = pytest.mark.django_db

FCC = "datajson/federal_agencies_2025-02/fcc.data.json"
HEALTHDATA = "datajson/hhs/healthdata.gov.data.2021-08-01.json"


@pytest.fixture
def document() -> dict:
    return json.loads(realdata_path(FCC).read_bytes())


@pytest.fixture
def repairs_counted(monkeypatch) -> list[int]:
    """How many datasets went through the repairs (the full path) during the test."""
    calls = [0]
    real = planning.repair_dataset

    def counting(obj):
        calls[0] += 1
        return real(obj)

    monkeypatch.setattr(planning, "repair_dataset", counting)
    return calls


def _outcome(run) -> tuple:
    items = [{k: v for k, v in item.items() if k != "message"} for item in run.report]
    counts = (run.created_count, run.changed_count, run.unchanged_count, run.conflict_count, run.invalid_count)
    return counts, run.repaired_count, run.summary.get("repairs"), items


def _stored() -> list[tuple]:
    return sorted(Dataset.objects.values_list("identifier", "content_hash", "upstream_hash", "updated_at", "is_valid"))


def test_an_unchanged_reimport_skips_the_repairs_and_reports_what_the_full_path_reports(repairs_counted):
    # healthdata.gov's real catalog: some of its datasets need repairs (dates, lists), most do not.
    document = json.loads(realdata_path(HEALTHDATA).read_bytes())
    document["dataset"] = document["dataset"][:400]
    publisher = make_organization("HHS", slug="hhs")
    first = services.import_catalog(publisher=publisher, document=copy.deepcopy(document), by=make_user(staff=True))
    assert first.status == RunStatus.SUCCEEDED, first.error
    assert first.repaired_count > 0, "the real FCC catalog needs repairs; the test relies on it"
    repaired_first = repairs_counted[0]
    stored, revisions = _stored(), DatasetRevision.objects.count()

    again = services.import_catalog(publisher=publisher, document=copy.deepcopy(document), by=None)
    assert repairs_counted[0] == repaired_first, "no dataset is repaired again"
    assert again.unchanged_count == first.created_count
    assert (_stored(), DatasetRevision.objects.count()) == (stored, revisions)

    # The full path (no shortcut) on the same input gives the same run, item for item.
    planning._rules_digest.cache_clear()
    try:
        Dataset.objects.update(received_hash="")
        full = services.import_catalog(publisher=publisher, document=copy.deepcopy(document), by=None)
    finally:
        planning._rules_digest.cache_clear()
    assert repairs_counted[0] > repaired_first
    assert _outcome(again) == _outcome(full)
    assert again.repaired_count == first.repaired_count


def test_new_rules_take_the_full_path_once_then_the_shortcut_again(document, repairs_counted, monkeypatch):
    publisher = make_organization("FCC", slug="fcc")
    services.import_catalog(publisher=publisher, document=copy.deepcopy(document), by=None)
    stored, revisions = _stored(), DatasetRevision.objects.count()
    before = dict(Dataset.objects.values_list("identifier", "received_hash"))

    # Changed repair rules (a new release) make every received hash differ.
    monkeypatch.setattr(planning, "_rules_digest", lambda: b"rules of the next release")
    after_upgrade = repairs_counted[0]
    run = services.import_catalog(publisher=publisher, document=copy.deepcopy(document), by=None)
    assert repairs_counted[0] - after_upgrade == len(before), "every dataset repaired under the new rules"
    assert run.unchanged_count == len(before)
    assert run.changed_count == 0
    assert (_stored(), DatasetRevision.objects.count()) == (stored, revisions), "still unchanged: no revision"
    refreshed = dict(Dataset.objects.values_list("identifier", "received_hash"))
    assert all(refreshed[key] and refreshed[key] != value for key, value in before.items())

    settled = repairs_counted[0]
    services.import_catalog(publisher=publisher, document=copy.deepcopy(document), by=None)
    assert repairs_counted[0] == settled, "the next run of the same catalog takes the shortcut again"


def test_one_changed_dataset_is_rewritten_and_the_rest_are_skipped(document, repairs_counted):
    publisher = make_organization("FCC", slug="fcc")
    services.import_catalog(publisher=publisher, document=copy.deepcopy(document), by=None)
    changed = copy.deepcopy(document)
    target = next(d for d in changed["dataset"] if isinstance(d.get("identifier"), str))
    target["description"] = "Rewritten upstream."
    count = repairs_counted[0]
    run = services.import_catalog(publisher=publisher, document=changed, by=None)
    assert repairs_counted[0] - count == 1
    assert run.changed_count == 1
    dataset = Dataset.objects.get(identifier=target["identifier"])
    assert dataset.description == "Rewritten upstream."
    assert dataset.received_hash == planning.received_hash(target)

    # Back to the first version: the stored received hash is the new one, so it is compared in full again.
    run = services.import_catalog(publisher=publisher, document=copy.deepcopy(document), by=None)
    assert run.changed_count == 1
    assert Dataset.objects.get(pk=dataset.pk).description != "Rewritten upstream."


def test_a_local_edit_is_kept_when_the_source_sends_the_same_again(document):
    publisher = make_organization("FCC", slug="fcc")
    source = HarvestSource.objects.create(
        name="FCC", slug="fcc", publisher=publisher, url="https://www.fcc.gov/data.json", approved_at=timezone.now()
    )
    services.import_catalog(publisher=publisher, document=copy.deepcopy(document), by=None, source=source)
    dataset = Dataset.objects.exclude(identifier=None).first()
    data = records.dataset_pod(dataset)
    data["title"] = "Edited here"
    services.update_dataset(dataset, data=data, by=make_user(staff=True))
    run = services.import_catalog(publisher=publisher, document=copy.deepcopy(document), by=None, source=source)
    assert run.conflict_count == 0
    assert run.changed_count == 0
    assert Dataset.objects.get(pk=dataset.pk).title == "Edited here"


def test_a_withdrawn_dataset_sent_again_is_restored(document):
    publisher = make_organization("FCC", slug="fcc")
    staff = make_user(staff=True)
    services.import_catalog(publisher=publisher, document=copy.deepcopy(document), by=None)
    dataset = Dataset.objects.filter(is_published=True).first()
    services.withdraw_dataset(dataset, by=staff, reason="test")
    run = services.import_catalog(publisher=publisher, document=copy.deepcopy(document), by=None)
    assert run.changed_count == 1
    restored = Dataset.objects.get(pk=dataset.pk)
    assert restored.withdrawn_at is None
    assert restored.is_published


def test_the_same_bytes_for_another_publisher_are_a_conflict(document):
    fcc = make_organization("FCC", slug="fcc")
    other = make_organization("Other", slug="other")
    services.import_catalog(publisher=fcc, document=copy.deepcopy(document), by=None)
    run = services.import_catalog(publisher=other, document=copy.deepcopy(document), by=None)
    assert run.unchanged_count == 0
    assert run.conflict_count == fcc.datasets.count()


def test_the_received_hash_follows_key_order_and_content():
    first = {"identifier": "a", "title": "T"}
    assert planning.received_hash(first) == planning.received_hash({"identifier": "a", "title": "T"})
    assert planning.received_hash(first) != planning.received_hash({"title": "T", "identifier": "a"})
    assert planning.received_hash(first) != planning.received_hash({"identifier": "a", "title": "U"})
    assert planning.received_hash({"identifier": "a", "title": "\ud800"}) == ""


def test_the_run_page_pages_a_large_report_and_counts_the_quiet_datasets(client):
    publisher = make_organization("Parks", slug="parks")
    staff = make_user(staff=True)
    document = {"dataset": [pod_dataset(f"d{n:03}") for n in range(250)]}
    first = services.import_catalog(publisher=publisher, document=copy.deepcopy(document), by=staff)
    document["dataset"][7]["title"] = "Renamed upstream"
    again = services.import_catalog(publisher=publisher, document=document, by=staff)
    client.force_login(staff)

    page = client.get(reverse("catalog:harvest_run", args=[first.pk]))
    assert page.status_code == 200
    rows = page.content.decode().count('<th scope="row">')
    assert rows == 100, "a first import of 250 datasets is shown 100 to a page"
    assert "Page 1 of 3" in page.content.decode()
    last = client.get(reverse("catalog:harvest_run", args=[first.pk]), {"page": 3}).content.decode()
    assert last.count('<th scope="row">') == 50

    page = client.get(reverse("catalog:harvest_run", args=[again.pk])).content.decode()
    assert page.count('<th scope="row">') == 1
    assert "Renamed upstream" in page
    assert "249 unchanged datasets with no problem and no repair are counted above, not listed." in page
    spanish = client.get(reverse("catalog:harvest_run", args=[again.pk]), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "249 conjuntos de datos sin cambios" in spanish
