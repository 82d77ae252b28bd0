"""Tests of `civicdata catalog import`, `civicdata catalog harvest`, the harvest sources (CKAN, DCAT-US 3.0,
withdrawals), the link checker and the scheduled tick."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from civicdata.accounts.models import Organization
from civicdata.accounts.tests.factories import make_organization
from civicdata.catalog import linkcheck, services, tasks
from civicdata.catalog.demo import DEMO_FILE
from civicdata.catalog.ingest import sources
from civicdata.catalog.models import Dataset, Distribution, HarvestKind, HarvestSchedule, LinkStatus, PublisherSnapshot
from civicdata.catalog.tests.factories import make_dataset, pod_catalog, pod_dataset
from civicdata.core.fetch import FetchResponse
from civicdata.core.testing import realdata_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def health():
    return make_organization("Public Health Department", slug="health")


def test_import_command_loads_a_real_catalog(health, capsys):
    """`civicdata catalog import FILE --publisher SLUG` imports and summarises; a second run changes nothing."""
    path = realdata_path("datajson/federal_agencies_2025-02/fcc.data.json")
    call_command("catalog_import", str(path), "--publisher", "health")
    first = capsys.readouterr().out
    assert "new" in first
    count = Dataset.objects.count()
    assert count > 0
    call_command("catalog_import", str(path), "--publisher", "health")
    assert f"0 new, 0 changed, {count} unchanged" in capsys.readouterr().out


def test_import_command_reports_unreadable_input(health, tmp_path):
    """An HTML page or an error body instead of a catalog fails with a clear message and writes nothing."""
    page = tmp_path / "page.json"
    page.write_text("<!DOCTYPE html><html><title>Oops</title></html>")
    with pytest.raises(CommandError, match=r"(?i)web page|html"):
        call_command("catalog_import", str(page), "--publisher", "health")
    error = realdata_path("datajson/hhs/hhs.gov.data.2023-12-17.ERROR-RESPONSE.json")
    with pytest.raises(CommandError):
        call_command("catalog_import", str(error), "--publisher", "health")
    assert not Dataset.objects.exists()


def test_harvest_withdraws_datasets_gone_upstream(health, tmp_path, settings):
    """A dataset missing from the next harvest is withdrawn (kept), and restored when it comes back."""
    settings.CATALOG_HARVEST_FILE_DIRS = [str(tmp_path)]
    feed = tmp_path / "feed.json"
    a, b = pod_dataset("a"), pod_dataset("b")
    feed.write_text(json.dumps(pod_catalog(a, b)))
    source = services.register_harvest_source(
        publisher=health, name="Feed", kind=HarvestKind.DATAJSON, url=feed.as_uri(), schedule="daily", by=None
    )
    services.run_harvest(source, dry_run=True)
    services.approve_harvest_source(source, by=None)
    source.refresh_from_db()
    services.run_harvest(source)
    feed.write_text(json.dumps(pod_catalog(a)))
    run = services.run_harvest(source)
    assert run.withdrawn_count == 1
    gone = Dataset.objects.get(identifier="b")
    assert gone.withdrawn_at is not None
    assert not gone.is_published
    feed.write_text(json.dumps(pod_catalog(a, b)))
    run = services.run_harvest(source)
    assert run.changed_count == 1
    assert Dataset.objects.get(identifier="b").is_public_listing
    call_command("catalog_harvest", source.slug, "--dry-run")


def test_unapproved_source_cannot_run(health):
    """A real run needs approval after a dry run."""
    source = services.register_harvest_source(
        publisher=health, name="Demo", kind="datajson", url=DEMO_FILE.as_uri(), schedule="manual", by=None
    )
    with pytest.raises(services.InvalidInput):
        services.run_harvest(source)
    with pytest.raises(services.InvalidInput):
        services.approve_harvest_source(source, by=None)


def test_ckan_source_pages_through_package_search(health, monkeypatch):
    """A CKAN source is read with package_search paging and converted to POD datasets."""
    pages = []

    def fake_fetch(url, **kwargs):
        pages.append(url)
        start = int(url.split("start=")[1])
        results = [
            {"id": f"p{i}", "name": f"pkg-{i}", "title": f"Package {i}", "notes": "n", "tags": [{"name": "t"}],
             "organization": {"title": "Health"}, "resources": [{"url": "https://x/f.csv", "mimetype": "text/csv"}]}
            for i in range(start, min(start + sources.CKAN_PAGE_SIZE, 1500))
        ]  # fmt: skip
        body = json.dumps({"success": True, "result": {"count": 1500, "results": results}}).encode()
        return FetchResponse(url=url, status=200, body=body)

    monkeypatch.setattr(sources, "fetch", fake_fetch)
    doc = sources.load_document("https://ckan.example.org", kind="ckan")
    assert len(doc["dataset"]) == 1500
    assert len(pages) == 2
    assert "/api/3/action/package_search" in pages[0]


def test_dcat_us3_catalog_is_converted(health):
    """A DCAT-US 3.0 file is converted to v1.1 datasets on import."""
    path = realdata_path("datajson/datagov-harvester_fixtures/dcatus3_0.json")
    run = services.import_catalog_from(publisher=health, location=str(path), by=None, kind="dcat-us3")
    assert run.status == "succeeded", run.error
    assert Dataset.objects.filter(identifier="https://example.gov/datasets/one").exists()


def test_ssrf_addresses_are_refused_for_sources(health):
    """Harvest URLs pointing at loopback or metadata addresses fail through the SSRF-safe fetcher."""
    with pytest.raises(sources.SourceError):
        sources.load_document("http://169.254.169.254/latest/meta-data/")
    with pytest.raises(sources.SourceError):
        sources.load_document("http://127.0.0.1:1/data.json")


def test_link_checker_marks_broken_links_politely(health, monkeypatch):
    """The checker records working and broken links and waits between requests to the same host."""
    dataset = make_dataset(health, identifier="l1")
    make_dataset(health, identifier="l2")
    answers = iter([(True, 200), (False, 404)])
    monkeypatch.setattr(linkcheck, "probe", lambda url: next(answers))
    waits = []
    checked = linkcheck.check_links(limit=10, sleep=waits.append)
    assert checked == 2
    statuses = sorted(Distribution.objects.values_list("link_status", flat=True))
    assert statuses == [LinkStatus.BROKEN, LinkStatus.OK]
    assert len(waits) == 1
    assert Distribution.objects.filter(dataset=dataset).exists()


def test_tick_runs_due_harvests_and_snapshots(health, monkeypatch):
    """The scheduled tick starts due harvests, checks links and stores today's snapshot."""
    source = services.register_harvest_source(
        publisher=health, name="Demo", kind="datajson", url=DEMO_FILE.as_uri(), schedule=HarvestSchedule.DAILY,
        by=None,
    )  # fmt: skip
    services.run_harvest(source, dry_run=True)
    services.approve_harvest_source(source, by=None)
    monkeypatch.setattr(linkcheck, "probe", lambda url: (True, 200))
    tasks.catalog_tick.call(reschedule=False)
    assert Dataset.objects.filter(harvest_source=source).count() == 8
    assert PublisherSnapshot.objects.filter(publisher=health).exists()


def test_the_tick_is_a_periodic_task():
    """The worker keeps the catalog's tick queued (registered in CatalogConfig.ready())."""
    from civicdata.core.schedule import periodic_tasks

    assert "civicdata.catalog.tasks.catalog_tick" in periodic_tasks()


def test_import_can_create_the_publishers_the_catalog_names(tmp_path, capsys):
    """With --create-publishers each dataset is filed under the publisher it names: existing ones are found by
    name, missing ones are created under --publisher; a dry run creates nothing and says what it would."""
    city = make_organization("City of Testville", org_type="agency", slug="city")
    health = make_organization("Public Health Department", parent=city, slug="health")
    path = tmp_path / "data.json"
    path.write_text(
        json.dumps(
            pod_catalog(
                pod_dataset("a", publisher={"name": "public health department"}),
                pod_dataset("b", publisher={"name": "Parks and Recreation"}),
                pod_dataset("c", publisher={"name": "Parks and Recreation"}),
                pod_dataset("d", publisher={}),
            )
        )
    )
    call_command("catalog_import", str(path), "--publisher", "city", "--create-publishers", "--dry-run")
    assert "Would create publisher 'Parks and Recreation' under city." in capsys.readouterr().out
    assert not Dataset.objects.exists()
    assert not Organization.objects.filter(name="Parks and Recreation").exists()

    call_command("catalog_import", str(path), "--publisher", "city", "--create-publishers")
    assert "Created publisher 'Parks and Recreation' under city." in capsys.readouterr().out
    parks = Organization.objects.get(name="Parks and Recreation")
    assert (parks.parent, parks.kind) == (city, "publisher")
    by_identifier = dict(Dataset.objects.values_list("identifier", "publisher_id"))
    assert by_identifier == {"a": health.pk, "b": parks.pk, "c": parks.pk, "d": city.pk}

    # Without the flag every dataset goes to --publisher, as before.
    other = tmp_path / "other.json"
    other.write_text(json.dumps(pod_catalog(pod_dataset("e", publisher={"name": "Fire Department"}))))
    call_command("catalog_import", str(other), "--publisher", "city")
    assert Dataset.objects.get(identifier="e").publisher == city
    assert not Organization.objects.filter(name="Fire Department").exists()


def test_create_publishers_refuses_a_partner_parent(tmp_path):
    make_organization("Library", org_type="library", slug="library")
    path = tmp_path / "data.json"
    path.write_text(json.dumps(pod_catalog(pod_dataset("a", publisher={"name": "Roads"}))))
    with pytest.raises(CommandError, match="publisher can only be part of another publisher"):
        call_command("catalog_import", str(path), "--publisher", "library", "--create-publishers")
