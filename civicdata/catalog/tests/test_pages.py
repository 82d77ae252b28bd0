"""Tests of the catalog pages: dataset page (JSON-LD, counters), staff editing with validation, release
checklist, history, usage notes, the publisher dashboard and the harvest workflow."""

from __future__ import annotations

import json
import re

import pytest

from civicdata.accounts.tests.factories import make_member, make_organization, make_user
from civicdata.catalog import records, services
from civicdata.catalog.demo import DEMO_FILE
from civicdata.catalog.models import Dataset, Distribution, HarvestRun, HarvestSource
from civicdata.catalog.tests.factories import make_dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def parks():
    return make_organization("Parks", slug="parks")


@pytest.fixture
def editor(parks):
    return make_member(parks)


def test_dataset_page_has_json_ld_distributions_and_counts_views(client, parks):
    """The page shows the distribution, contact and license, embeds schema.org JSON-LD and counts the view."""
    dataset = make_dataset(parks, identifier="https://data.example.org/id/trees", title="Street trees </script>")
    response = client.get(dataset.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(match.group(1))
    assert data["@type"] == "Dataset"
    assert data["name"] == "Street trees </script>"
    assert "Data Desk" in html
    assert "creativecommons.org" in html
    dataset.refresh_from_db()
    assert dataset.view_count == 1


def test_download_counts_and_redirects_without_storing_the_visitor(client, parks):
    """POSTing to the download link counts it and redirects to the file."""
    dataset = make_dataset(parks, identifier="dl")
    dist = Distribution.objects.get(dataset=dataset)
    response = client.post(f"/catalog/distributions/{dist.pk}/download/")
    assert response.status_code == 302
    assert response["Location"] == dist.download_url
    dataset.refresh_from_db()
    assert dataset.download_count == 1
    assert client.get(f"/catalog/distributions/{dist.pk}/download/").status_code == 405


def test_non_public_and_draft_pages_are_hidden_from_the_public(client, parks, editor):
    """Anonymous visitors get 404 for drafts and non-public datasets; the publisher's editors see them."""
    draft = make_dataset(parks, identifier="draft", published=False)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(editor)
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_editor_creates_and_edits_a_dataset_with_validation(client, parks, editor):
    """The form creates a draft; saving shows schema problems; the revision history shows the diff."""
    client.force_login(editor)
    assert client.get("/datasets/new/").status_code == 200
    form = {
        "publisher": parks.pk,
        "identifier": "park-benches",
        "title": "Park benches",
        "description": "Every bench.",
        "keyword": "benches, parks",
        "modified": "2026-01-01",
        "access_level": "public",
        "contact_name": "Desk",
        "contact_email": "desk@example.org",
        "dist_0_url": "https://example.org/benches.csv",
        "dist_0_kind": "download",
        "dist_0_media_type": "text/csv",
        "dist_0_format": "CSV",
    }
    response = client.post("/datasets/new/", form)
    assert response.status_code == 302
    dataset = Dataset.objects.get(identifier="park-benches")
    assert dataset.is_published is False
    assert dataset.keyword == ["benches", "parks"]
    assert dataset.distributions.get().media_type == "text/csv"
    edit_url = f"/catalog/datasets/{dataset.name}/edit/"
    page = client.get(edit_url)
    assert "valid for this publisher" in page.content.decode()
    response = client.post(edit_url, {**form, "title": "Benches", "expected_hash": dataset.content_hash}, follow=True)
    assert "Saved" in response.content.decode()
    history = client.get(f"/catalog/datasets/{dataset.name}/history/").content.decode()
    assert "/title" in history


def test_stale_edit_is_refused(client, parks, editor):
    """Saving a form based on an old version reports the conflict instead of overwriting."""
    dataset = make_dataset(parks, identifier="x1", published=False)
    client.force_login(editor)
    response = client.post(
        f"/catalog/datasets/{dataset.name}/edit/",
        {
            "publisher": parks.pk, "identifier": "x1", "title": "T", "description": "D", "keyword": "k",
            "modified": "2026-01-01", "access_level": "public", "contact_name": "n", "contact_email": "a@b.org",
            "expected_hash": "0" * 64,
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()


def test_other_publishers_editors_cannot_edit(client, parks):
    """Editors only change their own publisher's datasets."""
    dataset = make_dataset(parks, identifier="mine")
    outsider = make_member(make_organization("Police", slug="police"))
    client.force_login(outsider)
    assert client.get(f"/catalog/datasets/{dataset.name}/edit/").status_code == 403


def test_release_checklist_gates_publishing(client, parks, editor):
    """Publishing through the page is refused until the checklist is complete."""
    dataset = make_dataset(parks, identifier="rel", published=False)
    client.force_login(editor)
    url = f"/catalog/datasets/{dataset.name}/release/"
    page = client.post(url, {"action": "publish"}, follow=True).content.decode()
    assert "cannot be published yet" in page
    client.post(
        url,
        {"action": "checklist", "contact_reachable": "on", "privacy_reviewed": "on", "quality_reviewed": "on"},
    )
    client.post(url, {"action": "publish"})
    dataset.refresh_from_db()
    assert dataset.is_published
    confirm = client.post(url, {"action": "withdraw", "reason": "superseded"})
    assert "Withdraw this dataset?" in confirm.content.decode()
    dataset.refresh_from_db()
    assert dataset.withdrawn_at is None, "the first press only asks for confirmation"
    client.post(url, {"action": "withdraw", "reason": "superseded", "confirm": "yes"})
    dataset.refresh_from_db()
    assert dataset.withdrawn_at is not None


def test_usage_note_is_rendered_sanitised(client, parks, editor):
    """Usage notes are Markdown rendered through the sanitiser: scripts never reach the page."""
    dataset = make_dataset(parks, identifier="n1")
    client.force_login(editor)
    client.post(f"/catalog/datasets/{dataset.name}/notes/", {"title": "Tip", "body": "**bold** <script>x()</script>"})
    html = client.get(dataset.get_absolute_url()).content.decode()
    assert "<strong>bold</strong>" in html
    assert "<script>x()" not in html


def test_dashboard_shows_levels_validity_and_stale(client, parks, editor, django_assert_max_num_queries):
    """The dashboard counts access levels, invalid datasets, missing fields and stale datasets."""
    make_dataset(parks, identifier="ok")
    make_dataset(parks, identifier="old", modified="2020-01-01", accrualPeriodicity="R/P1M")
    bad = make_dataset(parks, identifier="bad", published=False)
    services.update_dataset(bad, data={**records.dataset_pod(bad), "title": ""}, by=None)
    client.force_login(editor)
    # 20 for the catalog's own figures, plus the community's quality panel (organisation tree, datasets and
    # three for their scores, however many datasets there are).
    with django_assert_max_num_queries(25):
        html = client.get("/publishers/parks/dashboard/").content.decode()
    assert "overdue" in html
    assert "67% valid (2 of 3)" in html
    assert client.get("/publishers/parks/dashboard/").status_code == 200
    client.force_login(make_user())
    assert client.get("/publishers/parks/dashboard/").status_code == 403


def test_harvest_workflow_from_an_allowed_file(client, parks, editor):
    """Register a file source, preview a dry run, approve, harvest; the report lists every dataset."""
    client.force_login(editor)
    response = client.post(
        "/catalog/harvest/",
        {"publisher": parks.pk, "name": "Health file", "kind": "datajson", "url": DEMO_FILE.as_uri(),
         "schedule": "daily"},
    )  # fmt: skip
    source = HarvestSource.objects.get()
    assert response.status_code == 302
    response = client.post(f"/catalog/harvest/{source.slug}/", {"action": "dry_run"})
    run = HarvestRun.objects.get(dry_run=True)
    assert run.created_count == 8
    assert not Dataset.objects.exists()
    assert "Run report" in client.get(response["Location"]).content.decode()
    client.post(f"/catalog/harvest/{source.slug}/", {"action": "approve"})
    client.post(f"/catalog/harvest/{source.slug}/", {"action": "run"})
    assert Dataset.objects.filter(harvest_source=source).count() == 8


def test_file_sources_outside_the_allowed_folders_are_refused(client, parks, editor, tmp_path):
    """A file: address outside the demo folder and CATALOG_HARVEST_FILE_DIRS cannot be registered."""
    client.force_login(editor)
    secret = tmp_path / "passwd.json"
    secret.write_text("{}")
    client.post(
        "/catalog/harvest/",
        {"publisher": parks.pk, "name": "Bad", "kind": "datajson", "url": secret.as_uri(), "schedule": "manual"},
    )
    assert not HarvestSource.objects.exists()
