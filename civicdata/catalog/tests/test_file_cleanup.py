"""Uploaded distribution files do not outlive their distribution: removing the distribution, replacing its
link or deleting the dataset deletes the stored bytes once the change is committed (never on rollback), and
the hourly orphan sweep deletes what a crash left behind."""

from __future__ import annotations

import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from civicdata.accounts.tests.factories import make_member, make_organization
from civicdata.catalog import files, records, services, tasks
from civicdata.catalog.models import DistributionFile
from civicdata.catalog.tests.factories import make_dataset

pytestmark = pytest.mark.django_db

CSV = b"stop_id,name\n1,Main St\n"


@pytest.fixture
def parks():
    return make_organization("Parks", slug="parks")


@pytest.fixture
def editor(parks):
    return make_member(parks, role="editor")


def _upload(dataset, editor, name="racks.csv"):
    distribution = services.add_distribution_file(
        dataset, upload=SimpleUploadedFile(name, CSV), title=name, by=editor, site_url="https://data.example.org"
    )
    return DistributionFile.objects.get(distribution=distribution)


def _save_distributions(dataset, editor, keep):
    pod = records.dataset_pod(dataset)
    services.update_dataset(dataset, data={**pod, "distribution": keep(pod["distribution"])}, by=editor)


def test_removing_the_distribution_deletes_the_file_after_commit(parks, editor, django_capture_on_commit_callbacks):
    dataset = make_dataset(parks, published=False)
    stored = _upload(dataset, editor)
    path = files.stored_path(stored.key)
    with django_capture_on_commit_callbacks(execute=False) as pending:
        _save_distributions(dataset, editor, lambda dists: [d for d in dists if stored.key not in d["downloadURL"]])
    assert not DistributionFile.objects.filter(pk=stored.pk).exists()
    assert path.exists(), "the bytes wait for the commit"
    for callback in pending:
        callback()
    assert not path.exists()


def test_replacing_the_link_forgets_the_file_and_keeps_the_others(parks, editor, django_capture_on_commit_callbacks):
    """A distribution row reused for another link no longer serves the upload: its row and bytes go; a second
    upload on the same dataset stays."""
    dataset = make_dataset(parks, published=False, distribution=[])
    first, second = _upload(dataset, editor, "a.csv"), _upload(dataset, editor, "b.csv")

    def replace_first(dists):
        return [
            {**d, "downloadURL": "https://elsewhere.example.org/a.csv"} if first.key in d["downloadURL"] else d
            for d in dists
        ]

    with django_capture_on_commit_callbacks(execute=True):
        _save_distributions(dataset, editor, replace_first)
    assert list(DistributionFile.objects.values_list("key", flat=True)) == [second.key]
    assert not files.stored_path(first.key).exists()
    assert files.stored_path(second.key).read_bytes() == CSV


def test_a_rolled_back_removal_keeps_the_file(parks, editor, django_capture_on_commit_callbacks):
    dataset = make_dataset(parks, published=False)
    stored = _upload(dataset, editor)

    def remove_then_fail() -> None:
        with transaction.atomic():
            _save_distributions(dataset, editor, lambda dists: [])
            raise RuntimeError("stop")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        remove_then_fail()
    assert DistributionFile.objects.filter(pk=stored.pk).exists()
    assert files.stored_path(stored.key).read_bytes() == CSV


def test_deleting_the_dataset_deletes_its_files(parks, editor, django_capture_on_commit_callbacks):
    dataset = make_dataset(parks, published=False)
    stored = _upload(dataset, editor)
    with django_capture_on_commit_callbacks(execute=True):
        dataset.delete()
    assert not files.stored_path(stored.key).exists()


def test_the_orphan_sweep_deletes_old_unknown_files_only(parks, editor):
    """Files no row names are deleted once older than the grace period (an upload in progress is younger);
    files of live distributions and young strays stay. The hourly catalog tick runs the sweep."""
    dataset = make_dataset(parks, published=False)
    kept = _upload(dataset, editor)
    old_stray, young_stray = files.stored_path("ab" + "0" * 30), files.stored_path("cd" + "1" * 30)
    for path in (old_stray, young_stray):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"left behind")
    two_hours_ago = time.time() - 7200
    os.utime(old_stray, (two_hours_ago, two_hours_ago))
    os.utime(files.stored_path(kept.key), (two_hours_ago, two_hours_ago))

    result = tasks.catalog_tick.call(reschedule=False)
    assert result["orphan_files"] == 1
    assert not old_stray.exists()
    assert young_stray.exists()
    assert files.stored_path(kept.key).read_bytes() == CSV


def test_the_sweep_forgets_rows_whose_distribution_no_longer_serves_them(
    parks, editor, django_capture_on_commit_callbacks
):
    """A row left pointing at a distribution that downloads something else (written before this cleanup
    existed) is forgotten by the sweep, and its bytes deleted."""
    dataset = make_dataset(parks, published=False)
    stored = _upload(dataset, editor)
    type(stored.distribution).objects.filter(pk=stored.distribution_id).update(download_url="https://x.example.org/")
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_orphan_files()
    assert not DistributionFile.objects.filter(pk=stored.pk).exists()
    assert not files.stored_path(stored.key).exists()
