"""Tests of catalog writes: dataset lifecycle, revisions, imports and harvests (incremental, conflicts,
withdrawals, all-or-nothing) and the lossless database round trip on real catalogs."""

from __future__ import annotations

import json

import pytest

from civicdata.accounts.tests.factories import make_organization, make_user
from civicdata.catalog import pod, records, services
from civicdata.catalog.ingest.repair import repair_dataset
from civicdata.catalog.models import Dataset, DatasetFacet, DatasetRevision, Distribution, RunStatus
from civicdata.catalog.services import harvests
from civicdata.catalog.tests.factories import make_dataset, pod_catalog, pod_dataset
from civicdata.core.errors import Conflict, InvalidInput
from civicdata.core.models import AuditEntry
from civicdata.core.testing import realdata_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def publisher():
    return make_organization("Parks Department", slug="parks")


@pytest.fixture
def staff():
    return make_user(staff=True)


def test_create_dataset_stores_fields_facets_revision_and_audit(publisher, staff):
    """A created dataset keeps its POD object, gets facets, a first revision and an audit entry."""
    data = pod_dataset("trees-1", theme=["Environment"])
    dataset = services.create_dataset(publisher=publisher, data=data, by=staff)
    assert records.dataset_pod(dataset) == data
    assert dataset.is_valid is True
    assert dataset.is_published is False
    facets = set(DatasetFacet.objects.filter(dataset=dataset).values_list("facet", "value"))
    assert ("keyword", "trees") in facets
    assert ("format", "CSV") in facets
    assert ("publisher", "parks") in facets
    assert ("theme", "Environment") in facets
    assert DatasetRevision.objects.filter(dataset=dataset, number=1).exists()
    assert AuditEntry.objects.filter(action="catalog.dataset.create").count() == 1


def test_duplicate_identifier_is_a_conflict(publisher, staff):
    """Two datasets cannot share an identifier."""
    services.create_dataset(publisher=publisher, data=pod_dataset("same"), by=staff)
    with pytest.raises(Conflict):
        services.create_dataset(publisher=publisher, data=pod_dataset("same"), by=staff)


def test_update_records_diff_and_rejects_stale_edits(publisher, staff):
    """An edit adds a revision whose diff names the changed field; an edit based on an old hash is refused."""
    dataset = services.create_dataset(publisher=publisher, data=pod_dataset("d1"), by=staff)
    old_hash = dataset.content_hash
    data = records.dataset_pod(dataset)
    old_title = data["title"]
    data["title"] = "Renamed"
    dataset, problems = services.update_dataset(dataset, data=data, by=staff, expected_hash=old_hash)
    assert problems == []
    assert dataset.title == "Renamed"
    revision = dataset.revisions.get(number=2)
    assert revision.diff == [{"op": "change", "path": "/title", "old": old_title, "new": "Renamed"}]
    with pytest.raises(Conflict):
        services.update_dataset(dataset, data={**data, "title": "Again"}, by=staff, expected_hash=old_hash)


def test_publish_requires_checklist_and_valid_metadata(publisher, staff):
    """Publishing is refused until the release checklist is complete; then it succeeds."""
    dataset = services.create_dataset(publisher=publisher, data=pod_dataset("d2"), by=staff)
    with pytest.raises(InvalidInput) as refused:
        services.publish_dataset(dataset, by=staff)
    assert len(refused.value.details) == 3, "the three items a person confirms"
    services.set_release_checklist(
        dataset, by=staff, contact_reachable=True, privacy_reviewed=True, quality_reviewed=True
    )
    dataset = services.publish_dataset(dataset, by=staff)
    assert dataset.is_published
    assert dataset.is_public_listing


def test_withdraw_keeps_the_dataset(publisher, staff):
    """Withdrawing unpublishes but never deletes."""
    dataset = make_dataset(publisher, by=staff)
    services.withdraw_dataset(dataset, by=staff, reason="superseded")
    dataset.refresh_from_db()
    assert dataset.withdrawn_at is not None
    assert not dataset.is_published
    assert Dataset.objects.filter(pk=dataset.pk).exists()


def test_import_is_incremental_and_reports_each_dataset(publisher, staff):
    """A second import of the same catalog rewrites nothing; a changed dataset is updated with a revision."""
    a, b = pod_dataset("a"), pod_dataset("b")
    run = services.import_catalog(publisher=publisher, document=pod_catalog(a, b), by=staff, origin="test")
    assert run.status == RunStatus.SUCCEEDED
    assert (run.created_count, run.changed_count, run.unchanged_count) == (2, 0, 0)
    stamp = Dataset.objects.get(identifier="a").updated_at
    b2 = {**b, "title": "B changed"}
    run = services.import_catalog(publisher=publisher, document=pod_catalog(a, b2), by=staff, origin="test")
    assert (run.created_count, run.changed_count, run.unchanged_count) == (0, 1, 1)
    assert Dataset.objects.get(identifier="a").updated_at == stamp
    assert Dataset.objects.get(identifier="b").title == "B changed"
    assert DatasetRevision.objects.filter(dataset__identifier="b").count() == 2
    # Unchanged datasets with nothing to say are counted, not listed.
    assert [(item["identifier"], item["action"]) for item in run.report] == [("b", "changed")]


def test_dry_run_writes_nothing(publisher, staff):
    """A dry run reports what would happen and leaves the catalog untouched."""
    run = services.import_catalog(publisher=publisher, document=pod_catalog(pod_dataset("x")), by=staff, dry_run=True)
    assert run.created_count == 1
    assert run.dry_run
    assert not Dataset.objects.exists()


def test_local_edits_are_never_silently_overwritten(publisher, staff):
    """When a harvested dataset was edited here and changed upstream, the run lists a conflict and keeps ours."""
    a = pod_dataset("a")
    services.import_catalog(publisher=publisher, document=pod_catalog(a), by=staff)
    dataset = Dataset.objects.get(identifier="a")
    services.update_dataset(dataset, data={**a, "title": "Local title"}, by=staff)
    run = services.import_catalog(publisher=publisher, document=pod_catalog({**a, "title": "Upstream"}), by=staff)
    assert run.conflict_count == 1
    assert Dataset.objects.get(identifier="a").title == "Local title"
    # Unchanged upstream keeps local edits without a conflict.
    run = services.import_catalog(publisher=publisher, document=pod_catalog(a), by=staff)
    assert run.unchanged_count == 1
    assert run.conflict_count == 0


def test_invalid_and_unidentified_datasets_are_reported(publisher, staff):
    """Invalid datasets are stored but flagged; datasets without identifier or duplicated are skipped."""
    bad = pod_dataset("bad")
    del bad["title"]
    no_id = pod_dataset()
    del no_id["identifier"]
    run = services.import_catalog(
        publisher=publisher, document=pod_catalog(bad, no_id, pod_dataset("dup"), pod_dataset("dup")), by=staff
    )
    actions = [item["action"] for item in run.report]
    assert actions == ["new", "skipped", "new", "skipped"]
    assert run.invalid_count == 3
    stored = Dataset.objects.get(identifier="bad")
    assert stored.is_valid is False
    assert "title" in stored.missing_fields


def test_import_is_all_or_nothing(publisher, staff, monkeypatch):
    """If writing fails part-way, nothing of the run stays in the database and the run explains why."""
    calls = {"n": 0}
    original = harvests._insert_facets

    def failing(rows):
        calls["n"] += 1
        if calls["n"] == 1:
            original(rows)
            raise RuntimeError("disk full")

    monkeypatch.setattr(harvests, "_insert_facets", failing)
    run = services.import_catalog(publisher=publisher, document=pod_catalog(pod_dataset("a")), by=staff)
    assert run.status == RunStatus.FAILED
    assert "disk full" in run.error
    assert not Dataset.objects.exists()
    assert not DatasetFacet.objects.exists()
    assert not Distribution.objects.exists()


def test_unreadable_document_fails_cleanly(publisher, staff):
    """A document without a dataset list produces a failed run and no datasets."""
    run = services.import_catalog(publisher=publisher, document={"error": True}, by=staff)
    assert run.status == RunStatus.FAILED
    assert "dataset" in run.error
    assert not Dataset.objects.exists()


REAL_CATALOGS = [
    "datajson/federal_agencies_2025-02/fcc.data.json",
    "datajson/federal_agencies_2025-02/usaid.data.json",
    "datajson/datagov-harvester_fixtures/dcatus_with_none.json",
    "datajson/ckanext-datajson_samples/collection-2-parent-4-children.data.json",
    "datajson/ckanext-datajson_samples/large-spatial.data.json",
    "datajson/dkan_fixtures/catalog-step-1.json",
    "datajson/catalog.data.gov_test_harvest_source/data.json",
]


@pytest.mark.parametrize("relative", REAL_CATALOGS)
def test_import_then_export_is_lossless_on_real_catalogs(relative, publisher, staff):
    """Every dataset of a real catalog comes back out of the database as equivalent JSON."""
    path = realdata_path(relative)
    run = services.import_catalog_from(publisher=publisher, location=str(path), by=staff)
    assert run.status == RunStatus.SUCCEEDED, run.error
    # Lone surrogates cannot be stored as UTF-8, and invalid values the v1.1 mapping makes unambiguous are
    # repaired on import (both documented); everything else comes back exactly.
    original = [
        repair_dataset(obj)[0] if isinstance(obj, dict) else obj
        for obj in pod.repair_surrogates(json.loads(path.read_bytes().decode("utf-8-sig")))["dataset"]
    ]
    exported = {obj["identifier"]: obj for obj in records.iter_pod(Dataset.objects.order_by("id"))}
    skipped = {item["index"] for item in run.report if item["action"] == "skipped"}
    kept = [obj for i, obj in enumerate(original) if i not in skipped]
    assert len(exported) == len(kept)
    for obj in kept:
        back = exported[obj["identifier"]]
        assert pod.json_equivalent(back, obj), pod.first_difference(back, obj)


def test_lone_surrogates_are_repaired_predictably():
    """A byte smuggled as a surrogate becomes its Windows-1252 character; other lone halves become U+FFFD."""
    assert pod.repair_surrogates({"t": "it\udc92s", "u": ["\ud800x"]}) == {"t": "it\u2019s", "u": ["\ufffdx"]}
    assert pod.repair_surrogates("\ud83d\ude00") == "\U0001f600"


def test_imported_datasets_are_searchable_and_the_trigger_comes_back(publisher, staff):
    """Bulk imports index datasets for full-text search; afterwards single saves are indexed again."""
    from civicdata.catalog.search import SearchQuery, search_datasets

    services.import_catalog(
        publisher=publisher, document=pod_catalog(pod_dataset("i1", title="Zeppelin docks")), by=staff
    )
    assert [d.identifier for d in search_datasets(SearchQuery(text="zeppelin")).datasets] == ["i1"]
    make_dataset(publisher, by=staff, identifier="i2", title="Zeppelin hangars")
    assert search_datasets(SearchQuery(text="hangars")).total == 1


def test_report_pointers_are_absolute_and_withdrawn_rows_are_not_checked(publisher, staff, tmp_path, settings):
    """A problem of the 3rd dataset points at /dataset/2 even when the datasets before it were unchanged and not
    re-checked; a withdrawn dataset's validity is "not checked" (None), not True."""
    from civicdata.catalog.models import HarvestKind, HarvestSchedule

    settings.CATALOG_HARVEST_FILE_DIRS = [str(tmp_path)]
    path = tmp_path / "data.json"
    first = [pod_dataset("a"), pod_dataset("b"), pod_dataset("gone")]
    path.write_text(json.dumps(pod_catalog(*first)))
    source = services.register_harvest_source(
        publisher=publisher, name="Src", kind=HarvestKind.DATAJSON, url=path.as_uri(),
        schedule=HarvestSchedule.MANUAL, by=staff,
    )  # fmt: skip
    services.run_harvest(source, by=staff, dry_run=True)
    services.approve_harvest_source(source, by=staff)
    source.refresh_from_db()
    services.run_harvest(source, by=staff)
    broken = pod_dataset("c")
    broken["accessLevel"] = "open to all"
    path.write_text(json.dumps(pod_catalog(first[0], first[1], broken)))
    run = services.run_harvest(source, by=staff)
    by_identifier = {item["identifier"]: item for item in run.report}
    assert [p["pointer"] for p in by_identifier["c"]["problems"]] == ["/dataset/2/accessLevel"]
    assert by_identifier["gone"]["action"] == "withdrawn"
    assert by_identifier["gone"]["valid"] is None
    assert "a" not in by_identifier, "unchanged and valid: counted, not listed"
    assert run.unchanged_count == 2
