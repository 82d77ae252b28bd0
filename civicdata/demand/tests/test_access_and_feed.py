"""Issue 12: demand staff are publishers' people, not partners'; the Atom feed never carries live HTML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from civicdata.accounts.models import Role
from civicdata.accounts.tests.factories import make_member, make_organization, make_user
from civicdata.core.errors import ActionRefused
from civicdata.demand import permissions, services
from civicdata.demand.models import RequestStatus

from .factories import make_request

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.mark.parametrize("role", [Role.EDITOR, Role.ADMIN])
def test_a_partner_organisation_is_not_demand_staff(role) -> None:
    library = make_organization("Library", org_type="library")
    librarian = make_member(library, role=role)
    assert not permissions.can_use_staff_pages(librarian)
    with pytest.raises(ActionRefused):
        services.compute_topics(by=librarian)


def test_a_publisher_editor_is_demand_staff() -> None:
    editor = make_member(make_organization(), role=Role.EDITOR)
    assert permissions.can_use_staff_pages(editor)
    assert services.compute_topics(by=editor).pk


def test_the_feed_summary_shows_a_staff_message_as_text(client) -> None:
    request = make_request()
    staff = make_user(staff=True)
    services.change_status(
        request, by=staff, to_status=RequestStatus.UNDER_REVIEW, message='&lt;img src=x onerror="alert(1)"&gt; soon'
    )
    response = client.get(reverse("demand:feed"))
    assert response.status_code == 200
    feed = ET.fromstring(response.content)  # noqa: S314 (our own feed)
    summaries = [entry.find(f"{ATOM}summary") for entry in feed.iter(f"{ATOM}entry")]
    html = next(s.text for s in summaries if s is not None and "soon" in (s.text or ""))
    assert "<img" not in html
    assert "&lt;img" in html
