"""API behaviour: public reads with bounded queries, the same refusals as the pages for residents and
for skipping steps, and no private stakeholder data on the wire."""

import pytest

from civicdata.accounts.services import issue_api_token
from civicdata.projects import services
from civicdata.projects.tests import factories as f

pytestmark = pytest.mark.django_db


def _bearer(user) -> dict:
    _token, raw = issue_api_token(user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_list_is_paginated_and_bounded(client, django_assert_max_num_queries):
    """The list API pages with a cursor and its query count does not grow with the page size."""
    org = f.make_org()
    staff = f.make_staff(org)
    for i in range(12):
        f.make_project(org, staff, title=f"P{i}")
    with django_assert_max_num_queries(4):
        first = client.get("/api/projects/?limit=5").json()
    assert len(first["items"]) == 5
    assert first["next_cursor"]
    second = client.get(f"/api/projects/?limit=5&cursor={first['next_cursor']}").json()
    assert {p["slug"] for p in first["items"]}.isdisjoint({p["slug"] for p in second["items"]})


def test_method_lists_four_steps_and_twenty_tactics(client):
    """The method endpoint exposes steps and tactics as data."""
    data = client.get("/api/projects/method").json()
    assert [s["code"] for s in data] == ["find", "refine", "design", "implement"]
    assert sum(len(s["tactics"]) for s in data) == 20


def test_detail_hides_private_stakeholder_contact(client):
    """Contact details and unconsented names never appear in the public API."""
    project = f.make_project()
    staff = project.organization.memberships.get().user
    services.add_stakeholder(
        project,
        name="Secret Person",
        kind="person",
        sector="resident",
        email="secret@example.org",
        consent_to_contact=True,
        by=staff,
    )
    body = client.get(f"/api/projects/{project.slug}").content.decode()
    assert "secret@example.org" not in body
    assert "Secret Person" not in body
    assert client.get(f"/api/projects/{project.slug}").json()["problem_inventory"]["open"] is True


def test_advance_refused_without_checks_or_reason(client):
    """Skipping through the API is refused with 409 and the error envelope, as on the pages."""
    project = f.make_project()
    staff = project.organization.memberships.get().user
    response = client.post(
        f"/api/projects/{project.slug}/advance", {}, content_type="application/json", **_bearer(staff)
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "exit_checks_failed"
    ok = client.post(
        f"/api/projects/{project.slug}/advance",
        {"override_reason": "Focus area set by council resolution 12."},
        content_type="application/json",
        **_bearer(staff),
    )
    assert ok.status_code == 200
    assert ok.json()["current_step"] == "refine"


def test_resident_cannot_advance_through_api(client):
    """A resident's token gets 403, not a step change."""
    project = f.make_project()
    response = client.post(
        f"/api/projects/{project.slug}/advance",
        {"override_reason": "I would like to skip this please now."},
        content_type="application/json",
        **_bearer(f.make_user()),
    )
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.current_step == "find"


def test_problem_post_vote_and_duplicate_vote(client):
    """Residents post and vote through the API; a second vote is a 409."""
    project = f.make_project()
    headers = _bearer(f.make_user())
    created = client.post(
        f"/api/projects/{project.slug}/problems", {"title": "Dark bus stop"}, content_type="application/json", **headers
    )
    assert created.status_code == 201
    pid = created.json()["id"]
    assert client.post(f"/api/projects/{project.slug}/problems/{pid}/vote", **headers).json()["vote_count"] == 1
    assert client.post(f"/api/projects/{project.slug}/problems/{pid}/vote", **headers).status_code == 409
    listed = client.get(f"/api/projects/{project.slug}/problems").json()
    assert listed["items"][0]["title"] == "Dark bus stop"


def test_anonymous_write_is_401(client):
    """Writing without a token or session is refused."""
    project = f.make_project()
    response = client.post(f"/api/projects/{project.slug}/problems", {"title": "x"}, content_type="application/json")
    assert response.status_code == 401


def test_programme_and_champions_endpoints(client):
    """Programme totals and the opt-in champion list are available."""
    project = f.make_project()
    staff = project.organization.memberships.get().user
    services.save_champion(
        organization=project.organization,
        name="Open Olu",
        level="executive",
        listed_publicly=True,
        project_ids=[project.pk],
        by=staff,
    )
    prog = client.get("/api/projects/programme").json()
    assert prog["summary"]["projects_by_step"]["find"] == 1
    champs = client.get("/api/projects/champions").json()
    assert champs == [
        {
            "name": "Open Olu",
            "title": "",
            "level": "executive",
            "organization": project.organization.name,
            "channels": [],
            "public_contact": "",
            "projects": [project.slug],
        }
    ]


def test_exit_checks_endpoint(client):
    """The exit checks of the current step are readable."""
    project = f.make_project()
    checks = client.get(f"/api/projects/{project.slug}/exit-checks").json()
    assert {c["code"] for c in checks} >= {"find.evidence", "find.focus_area"}
    assert not any(c["passed"] for c in checks)


def test_problem_list_api_is_bounded(client, django_assert_max_num_queries):
    """Listing problems through the API does not query per problem."""
    from civicdata.projects.models import Problem

    project = f.make_project()
    Problem.objects.bulk_create([Problem(project=project, title=f"P{i}") for i in range(60)])
    with django_assert_max_num_queries(3):
        data = client.get(f"/api/projects/{project.slug}/problems?limit=50").json()
    assert len(data["items"]) == 50
    assert data["next_cursor"]
