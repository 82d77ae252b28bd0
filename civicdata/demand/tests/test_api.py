"""The /api/demand/ endpoints: lists with bounded queries, detail, voting with token or session+CSRF."""

import pytest
from django.test import Client

from civicdata.accounts import services as account_services
from civicdata.demand import services
from civicdata.demand.tests.factories import make_request, make_user

pytestmark = pytest.mark.django_db


def test_list_and_detail(client, django_assert_max_num_queries):
    """The list pages with a cursor and shows vote counts; queries do not grow with the page size."""
    staff = make_user(staff=True)
    for number in range(30):
        req = make_request(by=staff, title=f"Item {number}")
    services.vote(req, by=make_user())
    with django_assert_max_num_queries(4):
        first = client.get("/api/demand/requests", {"limit": 20}).json()
    assert len(first["items"]) == 20
    second = client.get("/api/demand/requests", {"limit": 20, "cursor": first["next_cursor"]}).json()
    assert len(second["items"]) == 10
    assert second["next_cursor"] is None
    detail = client.get(f"/api/demand/requests/{req.pk}").json()
    assert detail["votes"] == 1
    assert detail["status"] == "new"


def test_vote_with_token_and_no_double_vote():
    """A personal token can vote; voting twice leaves one vote and says nothing changed."""
    req = make_request()
    voter = make_user()
    _token, raw = account_services.issue_api_token(voter, name="script")
    headers = {"Authorization": f"Bearer {raw}"}
    client = Client()
    first = client.post(f"/api/demand/requests/{req.pk}/vote", headers=headers).json()
    second = client.post(f"/api/demand/requests/{req.pk}/vote", headers=headers).json()
    assert (first["votes"], first["changed"], second["votes"], second["changed"]) == (1, True, 1, False)
    third = client.post(f"/api/demand/requests/{req.pk}/unvote", headers=headers).json()
    assert third["votes"] == 0


def test_session_vote_needs_csrf():
    """A signed-in browser session without the CSRF token cannot vote through the API."""
    req = make_request()
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user())
    response = client.post(f"/api/demand/requests/{req.pk}/vote")
    assert response.status_code in {401, 403}
    assert "error" in response.json()


def test_statuses_metrics_and_topics():
    """Statuses have counts, metrics are per publisher and topics are empty before analysis."""
    req = make_request()
    services.change_status(req, by=make_user(staff=True), to_status="under_review")
    statuses = {s["value"]: s["count"] for s in Client().get("/api/demand/statuses").json()}
    assert statuses["under_review"] == 1
    metrics = Client().get("/api/demand/metrics").json()
    assert metrics[0]["total"] == 1
    assert metrics[0]["median_days_to_first_response"] is not None
    assert Client().get("/api/demand/topics").json() == []
