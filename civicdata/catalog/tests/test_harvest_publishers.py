"""Harvest sources that create missing publishers: the same rules as `catalog import --create-publishers`
(existing publishers found by name or short name, missing ones created as departments under the source's
publisher, datasets naming none kept there), set on the staff page by an administrator of that publisher."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from civicdata.accounts.models import Organization, Role
from civicdata.accounts.tests.factories import make_member, make_organization
from civicdata.catalog import services
from civicdata.catalog.models import Dataset, HarvestRun, HarvestSchedule, HarvestSource
from civicdata.catalog.tests.factories import pod_catalog, pod_dataset
from civicdata.core.errors import ActionRefused, InvalidInput

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    return make_organization("City of Testville", org_type="agency", slug="city")


@pytest.fixture
def catalog_file(settings, tmp_path):
    settings.CATALOG_HARVEST_FILE_DIRS = [str(tmp_path)]
    path = tmp_path / "data.json"

    def write(*datasets: dict) -> Path:
        path.write_text(json.dumps(pod_catalog(*datasets)))
        return path

    return write


def _source(city, path: Path, *, create_publishers: bool = True) -> HarvestSource:
    source = services.register_harvest_source(
        publisher=city, name="County catalog", kind="datajson", url=path.as_uri(), schedule=HarvestSchedule.DAILY,
        by=None, create_publishers=create_publishers,
    )  # fmt: skip
    services.run_harvest(source, dry_run=True)
    return services.approve_harvest_source(source, by=None)


def test_a_harvest_files_datasets_under_the_publishers_it_names(city, catalog_file):
    """A dry run creates nothing and lists the publishers it would create; the real run creates them under the
    source's publisher, finds existing ones by name in any case, and keeps unnamed datasets with the source."""
    health = make_organization("Public Health Department", parent=city, slug="health")
    path = catalog_file(
        pod_dataset("a", publisher={"name": "public health department"}),
        pod_dataset("b", publisher={"name": "Parks and Recreation"}),
        pod_dataset("c", publisher={"name": "Parks and Recreation"}),
        pod_dataset("d", publisher={}),
    )
    source = _source(city, path)
    dry = HarvestRun.objects.filter(source=source, dry_run=True).order_by("pk").first()
    assert dry.summary["created_publishers"] == ["Parks and Recreation"]
    assert not Organization.objects.filter(name="Parks and Recreation").exists()
    assert not Dataset.objects.exists()

    run = services.run_harvest(source)
    assert run.status == "succeeded", run.error
    assert run.summary["created_publishers"] == ["Parks and Recreation"]
    parks = Organization.objects.get(name="Parks and Recreation")
    assert (parks.parent, parks.kind) == (city, "publisher")
    by_identifier = dict(Dataset.objects.values_list("identifier", "publisher_id"))
    assert by_identifier == {"a": health.pk, "b": parks.pk, "c": parks.pk, "d": city.pk}
    assert set(Dataset.objects.values_list("harvest_source", flat=True)) == {source.pk}

    # The second run finds the publisher it created instead of creating it again.
    again = services.run_harvest(source)
    assert again.summary["created_publishers"] == []
    assert Organization.objects.filter(name="Parks and Recreation").count() == 1
    assert Dataset.objects.count() == 4


def test_only_datasets_gone_from_the_whole_source_are_withdrawn(city, catalog_file):
    """Splitting a harvest by publisher withdraws what the source no longer lists, including the datasets of a
    publisher it no longer names, and nothing it still lists under another publisher."""
    path = catalog_file(
        pod_dataset("a", publisher={"name": "Parks and Recreation"}),
        pod_dataset("b", publisher={"name": "Parks and Recreation"}),
        pod_dataset("c", publisher={"name": "Fire Department"}),
    )
    source = _source(city, path)
    services.run_harvest(source)
    catalog_file(pod_dataset("a", publisher={"name": "Parks and Recreation"}))
    services.run_harvest(source)
    withdrawn = set(Dataset.objects.filter(withdrawn_at__isnull=False).values_list("identifier", flat=True))
    assert withdrawn == {"b", "c"}
    assert Dataset.objects.get(identifier="a").withdrawn_at is None


def test_without_the_option_every_dataset_goes_to_the_sources_publisher(city, catalog_file):
    path = catalog_file(pod_dataset("e", publisher={"name": "Fire Department"}))
    source = _source(city, path, create_publishers=False)
    run = services.run_harvest(source)
    assert "created_publishers" not in run.summary
    assert Dataset.objects.get(identifier="e").publisher == city
    assert not Organization.objects.filter(name="Fire Department").exists()


def test_the_option_needs_an_administrator_of_a_publisher(city, catalog_file):
    """An editor may register sources but not one that creates organisations; a partner cannot be a parent."""
    path = catalog_file(pod_dataset("a"))
    editor = make_member(city, role=Role.EDITOR)
    with pytest.raises(ActionRefused, match="Only administrators of City of Testville"):
        services.register_harvest_source(
            publisher=city, name="x", kind="datajson", url=path.as_uri(), schedule="manual", by=editor,
            create_publishers=True,
        )  # fmt: skip
    library = make_organization("Library", org_type="library", slug="library")
    with pytest.raises(InvalidInput, match="publisher can only be part of another publisher"):
        services.register_harvest_source(
            publisher=library, name="x", kind="datajson", url=path.as_uri(), schedule="manual", by=None,
            create_publishers=True,
        )  # fmt: skip
    assert not HarvestSource.objects.exists()


def test_the_staff_page_registers_a_source_that_creates_publishers(city, catalog_file):
    """The harvest sources page offers the box; an administrator's choice is kept and shown on the source page,
    and an editor's is refused at the field with everything typed kept."""
    path = catalog_file(pod_dataset("a"))
    data = {"publisher": city.pk, "name": "County catalog", "kind": "datajson", "url": path.as_uri(),
            "schedule": "manual", "create_publishers": "on"}  # fmt: skip
    editor = Client()
    editor.force_login(make_member(city, role=Role.EDITOR))
    page = editor.get(reverse("catalog:harvest_sources"))
    assert 'name="create_publishers"' in page.content.decode()
    refused = editor.post(reverse("catalog:harvest_sources"), data)
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "can let a source create publishers" in html
    assert path.as_uri() in html
    assert not HarvestSource.objects.exists()

    admin = Client()
    admin.force_login(make_member(city, role=Role.ADMIN))
    response = admin.post(reverse("catalog:harvest_sources"), data)
    source = HarvestSource.objects.get()
    assert response.status_code == 302
    assert source.create_publishers is True
    assert "Creates missing publishers" in admin.get(response["Location"]).content.decode()
