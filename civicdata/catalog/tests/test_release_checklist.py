"""The release checklist computes what it can from the record (license, contact point, description
length, valid metadata, registered checks); a person ticks only the rest; publishing through the page or
the API is refused with the list of what is missing."""

from __future__ import annotations

import pytest

from civicdata.accounts.services import issue_api_token
from civicdata.accounts.tests.factories import make_member, make_organization, make_user
from civicdata.catalog import records, registry, release, services
from civicdata.catalog.models import Dataset
from civicdata.catalog.tests.factories import make_dataset
from civicdata.core.errors import InvalidInput

pytestmark = pytest.mark.django_db


@pytest.fixture
def parks():
    return make_organization("Parks", slug="parks")


@pytest.fixture
def editor(parks):
    return make_member(parks)


def _draft(parks, **overrides) -> Dataset:
    return make_dataset(parks, published=False, **overrides)


def _ticked(dataset: Dataset) -> Dataset:
    return services.set_release_checklist(
        dataset, by=None, contact_reachable=True, privacy_reviewed=True, quality_reviewed=True
    )


def _item(dataset: Dataset, key: str) -> release.ChecklistItem:
    return next(item for item in release.computed_items(dataset) if item.key == key)


def test_a_license_from_the_list_or_a_link_is_met(parks):
    assert _item(_draft(parks), "license").met
    linked = _draft(parks, license="https://example.org/our-licence")
    assert _item(linked, "license").met


def test_no_license_or_a_license_that_is_not_a_link_is_not_met(parks):
    missing = _draft(parks)
    without = {k: v for k, v in records.dataset_pod(missing).items() if k != "license"}
    services.update_dataset(missing, data=without, by=None)
    missing.refresh_from_db()
    item = _item(missing, "license")
    assert not item.met
    assert item.reasons == ("Choose a license on the edit page.",)
    words = _draft(parks, license="Public Domain")
    assert not _item(words, "license").met
    assert "“Public Domain” is not a link" in _item(words, "license").reasons[0]


def test_contact_point_needs_a_name_and_a_valid_email(parks):
    assert _item(_draft(parks), "contact").met
    bad = _draft(parks, contactPoint={"@type": "vcard:Contact", "fn": "", "hasEmail": "mailto:not-an-address"})
    item = _item(bad, "contact")
    assert not item.met
    assert len(item.reasons) == 2


def test_description_length_follows_the_setting(parks, settings):
    dataset = _draft(parks, description="Too short.")
    item = _item(dataset, "description")
    assert not item.met
    assert "has 10 characters" in item.reasons[0]
    settings.CATALOG_DESCRIPTION_MIN_LENGTH = 5
    assert _item(dataset, "description").met


def test_invalid_metadata_is_not_met(parks):
    dataset = _draft(parks)
    services.update_dataset(dataset, data={**records.dataset_pod(dataset), "accessLevel": "secret"}, by=None)
    dataset.refresh_from_db()
    assert dataset.is_valid is False
    assert not _item(dataset, "metadata").met


def test_registered_checks_appear_under_their_label(parks):
    def embargo(dataset):
        return ["Embargoed until the council meeting."]

    registry.register_release_check(embargo, label="Not under embargo")
    try:
        dataset = _ticked(_draft(parks))
        items = {item.label: item for item in release.computed_items(dataset)}
        assert not items["Not under embargo"].met
        assert services.release_blockers(dataset) == ["Embargoed until the council meeting."]
    finally:
        registry.release_checks.unregister(embargo)


def test_the_checklist_form_has_only_what_a_machine_cannot_know(client, parks, editor):
    """The page shows computed items as done or not (no checkbox), and three boxes a person ticks."""
    dataset = _draft(parks, description="Short.")
    client.force_login(editor)
    html = client.get(f"/catalog/datasets/{dataset.name}/release/").content.decode()
    assert "Not yet:</strong> A description of at least 50 characters" in html
    assert "Done:</strong> A license is chosen" in html
    assert html.count('type="checkbox"') == 3
    assert "license_chosen" not in html


def test_publishing_through_the_page_is_refused_with_the_list(client, parks, editor):
    dataset = _ticked(_draft(parks, description="Short.", license="Public Domain"))
    client.force_login(editor)
    url = f"/catalog/datasets/{dataset.name}/release/"
    html = client.post(url, {"action": "publish"}, follow=True).content.decode()
    assert "cannot be published yet" in html
    assert "write at least 50 on the edit page" in html
    assert "is not a link to a license" in html
    dataset.refresh_from_db()
    assert not dataset.is_published


def test_publishing_through_the_api_is_refused_with_the_list(client, parks, editor):
    dataset = _ticked(_draft(parks, description="Short."))
    _token, raw = issue_api_token(editor, name="test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    checklist = client.get(f"/api/catalog/releases/{dataset.name}", **auth).json()
    assert checklist["can_publish"] is False
    assert {item["key"]: item["met"] for item in checklist["items"]}["description"] is False
    refused = client.post(f"/api/catalog/releases/{dataset.name}/publish", **auth)
    assert refused.status_code == 400
    body = refused.json()["error"]
    assert body["code"] == "release_checklist_incomplete"
    assert any("write at least 50" in detail for detail in body["details"])
    pod = {**records.dataset_pod(dataset), "description": "Every bench in the parks, with its material and year."}
    services.update_dataset(dataset, data=pod, by=editor)
    published = client.post(f"/api/catalog/releases/{dataset.name}/publish", **auth)
    assert published.status_code == 200
    assert published.json()["is_published"] is True


def test_only_editors_reach_the_release_api(client, parks):
    dataset = _draft(parks)
    _token, raw = issue_api_token(make_user(), name="test")
    response = client.post(f"/api/catalog/releases/{dataset.name}/publish", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 403
    assert client.post(f"/api/catalog/releases/{dataset.name}/publish").status_code == 401


def test_the_service_refuses_whatever_calls_it(parks):
    dataset = _draft(parks)
    with pytest.raises(InvalidInput) as refused:
        services.publish_dataset(dataset, by=None)
    assert refused.value.code == "release_checklist_incomplete"
    assert "Confirm that someone reads the contact e-mail." in refused.value.details
