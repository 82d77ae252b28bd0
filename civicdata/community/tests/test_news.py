"""Release announcements: dataset mentions become links, a draft appears when a dataset fulfils data
requests, and the news feed."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from civicdata.accounts.tests.factories import make_organization, make_user
from civicdata.catalog.tests.factories import make_dataset
from civicdata.community import services
from civicdata.community.models import Announcement, AnnouncementState
from civicdata.core.errors import ActionRefused

pytestmark = pytest.mark.django_db


def test_mentions_become_links_to_the_page_and_api():
    dataset = make_dataset(make_organization())
    staff = make_user(staff=True)
    item = services.create_announcement(
        by=staff, title="New data", body=f"See [[{dataset.name}]] and [[nope]].", publish=True
    )
    html = str(services.render_announcement(item.body))
    assert f'href="{dataset.get_absolute_url()}"' in html
    assert f"/api/catalog/datasets/{dataset.key}" in html
    assert "[[nope]]" in html
    assert list(item.datasets.all()) == [dataset]


def test_residents_cannot_post_news():
    with pytest.raises(ActionRefused):
        services.create_announcement(by=make_user(), title="x", body="y")


def test_publishing_a_dataset_that_fulfils_requests_drafts_an_announcement(django_capture_on_commit_callbacks):
    from civicdata.catalog import services as catalog
    from civicdata.demand import services as demand

    publisher = make_organization()
    dataset = make_dataset(publisher, published=False)
    staff = make_user(staff=True)
    data_request = demand.create_request(by=make_user(), title="Bus delays", description="Need it")
    import datetime as dt

    demand.change_status(
        data_request, by=staff, to_status="planned", target_date=dt.date(2030, 1, 1), datasets=[dataset]
    )
    catalog.set_release_checklist(
        dataset, by=staff, contact_reachable=True, privacy_reviewed=True, quality_reviewed=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        catalog.publish_dataset(dataset, by=staff)
    draft = Announcement.objects.get(drafted_automatically=True)
    assert draft.state == AnnouncementState.DRAFT
    assert list(draft.data_requests.all()) == [data_request]
    assert data_request.get_absolute_url() in draft.body


def test_news_feed_and_drafts_stay_private(client):
    staff = make_user(staff=True)
    published = services.create_announcement(by=staff, title="Published one", body="x", publish=True)
    draft = services.create_announcement(by=staff, title="Draft one", body="y")
    root = ET.fromstring(client.get(reverse("community:news_feed")).content)  # noqa: S314 (our own feed)
    titles = [
        e.find("{http://www.w3.org/2005/Atom}title").text for e in root.findall("{http://www.w3.org/2005/Atom}entry")
    ]
    assert titles == [published.title]
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get("/api/news/").json()["items"][0]["slug"] == published.slug
