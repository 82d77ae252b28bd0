"""Registration endpoints of the events API: register and cancel as the signed-in person, organisers'
check-in and the audited CSV export."""

from __future__ import annotations

import pytest

from civicdata.core.models import AuditEntry
from civicdata.events.models import Registration
from civicdata.events.tests.attendee_factories import make_organiser, make_user, register_guest
from civicdata.events.tests.factories import make_event

pytestmark = pytest.mark.django_db


def test_register_and_cancel_as_the_signed_in_person(client):
    event = make_event(capacity=1)
    url = f"/api/events/{event.slug}/registration"
    assert client.post(url, {"accepted_code_of_conduct": True}, content_type="application/json").status_code == 401
    person = make_user()
    client.force_login(person)
    refused = client.post(url, {"accepted_code_of_conduct": False}, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["error"]["details"][0]["field"] == "code_of_conduct"
    created = client.post(url, {"accepted_code_of_conduct": True}, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["status"] == "registered"
    again = client.post(url, {"accepted_code_of_conduct": True}, content_type="application/json")
    assert again.status_code == 409
    assert client.get(url).json()["status"] == "registered"
    assert client.post(f"{url}/cancel").json()["status"] == "cancelled"
    assert client.get(url).status_code == 404


def test_check_in_endpoint_is_for_organisers(client):
    event = make_event()
    person = register_guest(event, name="Ana")
    url = f"/api/events/{event.slug}/check-in"
    client.force_login(make_user())
    assert client.post(url, {"code": person.check_in_code}, content_type="application/json").status_code == 403
    assert client.post(url, {"code": "nope"}, content_type="application/json").status_code == 403
    client.force_login(make_organiser(event.organization))
    first = client.post(url, {"code": person.check_in_code}, content_type="application/json").json()
    assert (first["name"], first["changed"]) == ("Ana", True)
    assert client.post(url, {"code": person.check_in_code}, content_type="application/json").json()["changed"] is False
    assert client.post(url, {"code": "nope"}, content_type="application/json").status_code == 404
    assert Registration.objects.get(pk=person.pk).checked_in_at is not None


def test_export_is_for_organisers_and_audited(client):
    event = make_event()
    register_guest(event, name="Ana")
    url = f"/api/events/{event.slug}/registrants.csv"
    client.force_login(make_user())
    assert client.get(url).status_code == 403
    client.force_login(make_organiser(event.organization))
    response = client.get(url)
    assert response.status_code == 200
    assert "Ana" in response.content.decode()
    assert AuditEntry.objects.filter(action="events.export_registrants").count() == 1
