"""The apps working together: a table loaded into the Data API shows on the catalog's dataset page,
flagged personal data holds back publication, and publishing a dataset closes the requests waiting for it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from civicdata.accounts.tests.factories import make_organization, make_user
from civicdata.catalog import services as catalog_services
from civicdata.catalog.tests.factories import make_dataset
from civicdata.core.errors import InvalidInput
from civicdata.datastore import services as datastore_services
from civicdata.datastore.tests.factories import load_table, published_table
from civicdata.demand import services as demand_services
from civicdata.demand.models import RequestStatus
from civicdata.demand.tests.factories import make_request

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE_CSV = "name,email,ward\nAna Diaz,ana@example.org,3\nBen Ito,ben@example.org,4\n"


def test_dataset_page_shows_the_table_preview(client):
    table = published_table()
    response = client.get(table.dataset.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Data preview:" in page
    assert table.api_path in page
    assert "LARCENY" in page


def test_personal_data_in_a_table_blocks_publishing_until_decided():
    staff = make_user(staff=True)
    dataset = make_dataset(make_organization(), by=staff, published=False)
    table, job = load_table(dataset, PEOPLE_CSV, name="people", by=staff)
    assert job.status == "succeeded", job.error
    flagged = datastore_services.unresolved_pii(table)
    assert "email" in flagged
    catalog_services.set_release_checklist(
        dataset, by=staff, contact_reachable=True, privacy_reviewed=True, quality_reviewed=True
    )
    with pytest.raises(InvalidInput) as refused:
        catalog_services.publish_dataset(dataset, by=staff)
    assert any("email" in reason for reason in refused.value.details)
    for column in flagged:
        datastore_services.decide_pii(table, column=column, action="drop", by=staff)
    assert catalog_services.publish_dataset(dataset, by=staff).is_published


def test_publishing_a_planned_dataset_fulfils_the_request_and_tells_voters():
    staff = make_user(staff=True)
    publisher = make_organization()
    dataset = make_dataset(publisher, by=staff, published=False)
    data_request = make_request(title="Tree canopy by ward")
    demand_services.change_status(
        data_request,
        by=staff,
        to_status=RequestStatus.PLANNED,
        target_date=timezone.localdate() + dt.timedelta(days=30),
        datasets=[dataset],
    )
    catalog_services.set_release_checklist(
        dataset, by=staff, contact_reachable=True, privacy_reviewed=True, quality_reviewed=True
    )
    catalog_services.publish_dataset(dataset, by=staff)
    data_request.refresh_from_db()
    assert data_request.status == RequestStatus.PUBLISHED
    assert list(data_request.fulfilling_datasets.all()) == [dataset]
