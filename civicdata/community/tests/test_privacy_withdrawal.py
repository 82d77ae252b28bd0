"""A privacy concern lets the publisher's administrators take the dataset's tables out of the Data API
in one step, through the datastore's own unpublish service."""

from __future__ import annotations

import pytest

from civicdata.accounts.models import Role
from civicdata.accounts.tests.factories import make_member
from civicdata.community import services
from civicdata.community.models import ReportStatus
from civicdata.community.tests.quality_factories import report
from civicdata.core.errors import ActionRefused, InvalidInput
from civicdata.datastore.models import TableStatus
from civicdata.datastore.tests.factories import published_table

pytestmark = pytest.mark.django_db


def test_an_administrator_withdraws_the_table_and_the_report_is_confirmed(client):
    table = published_table()
    dataset = table.dataset
    admin = make_member(dataset.publisher, role=Role.ADMIN)
    concern = report(dataset, category="privacy", table=table, column="Note")
    assert client.get(f"/api/data/{dataset.name}/{table.name}").status_code == 200
    client.force_login(admin)
    response = client.post(f"/datasets/{dataset.name}/quality/{concern.pk}/withdraw/")
    assert response.status_code == 302
    table.refresh_from_db()
    concern.refresh_from_db()
    assert table.status == TableStatus.READY
    assert concern.table_withdrawn_at is not None
    assert concern.status == ReportStatus.CONFIRMED
    client.logout()
    assert client.get(f"/api/data/{dataset.name}/{table.name}").status_code == 404


def test_editors_who_are_not_administrators_cannot_withdraw_and_other_reports_cannot():
    table = published_table()
    dataset = table.dataset
    editor = make_member(dataset.publisher, role=Role.EDITOR)
    admin = make_member(dataset.publisher, role=Role.ADMIN)
    concern = report(dataset, category="privacy")
    with pytest.raises(ActionRefused):
        services.withdraw_tables_for_privacy(concern, by=editor)
    with pytest.raises(InvalidInput):
        services.withdraw_tables_for_privacy(report(dataset, category="wrong_values"), by=admin)
    table.refresh_from_db()
    assert table.status == TableStatus.PUBLISHED
