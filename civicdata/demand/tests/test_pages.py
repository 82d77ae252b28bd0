"""Pages: list with bounded queries, request page, two-step new request, votes with CSRF, moderation, feed."""

import pytest
from django.test import Client
from django.urls import reverse

from civicdata.demand import services
from civicdata.demand.models import DataRequest, Vote
from civicdata.demand.tests.factories import make_organization, make_request, make_user

pytestmark = pytest.mark.django_db


def _client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_list_page_queries_are_bounded(client, django_assert_max_num_queries):
    """The list costs the same handful of queries with 5 or 40 requests on the page."""
    department = make_organization(slug="parks")
    staff = make_user(staff=True)
    for number in range(40):
        req = make_request(by=staff, title=f"Parks data {number}", publisher=department, topic="Parks")
        services.vote(req, by=staff)
    viewer = make_user()
    client.force_login(viewer)
    # 12: two are the header's: whether the person has a "Manage" menu (civicdata/site/manage.py) and how many
    # of their notifications are unread (civicdata/site/templatetags/unread.py).
    with django_assert_max_num_queries(12):
        response = client.get(reverse("demand:list"), {"sort": "votes", "status": "open", "publisher": "parks"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 40
    assert b"Parks data" in response.content


def test_list_search_filters_and_sorts():
    """Search, status filter and the newest sort select and order the right requests."""
    staff = make_user(staff=True)
    old = make_request(by=staff, title="Tree inventory")
    new = make_request(by=staff, title="Tree planting plan")
    make_request(by=staff, title="Bus stops")
    services.vote(old, by=make_user())
    response = Client().get(reverse("demand:list"), {"q": "tree", "sort": "new"})
    assert [r.pk for r in response.context["page"]] == [new.pk, old.pk]
    response = Client().get(reverse("demand:list"), {"q": "tree", "sort": "votes"})
    assert next(r.pk for r in response.context["page"]) == old.pk


def test_hostile_text_renders_inert():
    """Script in a title, description or comment is escaped or stripped, never executed."""
    staff = make_user(staff=True)
    req = make_request(by=staff, title="<script>alert(1)</script>", description="<img src=x onerror=alert(1)> **bold**")
    services.add_comment(req, by=staff, body="[click](javascript:alert(1)) <script>bad()</script>")
    body = Client().get(req.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "<img src=x onerror" not in body
    assert 'href="javascript:' not in body
    assert "<strong>bold</strong>" in body


def test_new_request_two_steps_without_javascript():
    """Step 1 posts to a check page listing similar requests; only step 2 creates the request."""
    staff = make_user(staff=True)
    existing = make_request(by=staff, title="Bicycle lane counts")
    person = make_user()
    client = _client_for(person)
    data = {"title": "Counts of bicycle lanes", "description": "Per street", "step": "check"}
    response = client.post(reverse("demand:new"), data)
    assert response.status_code == 200
    assert response.context["step"] == 2
    assert existing in response.context["similar"]
    assert DataRequest.objects.count() == 1
    response = client.post(reverse("demand:new"), {**data, "step": "submit"})
    assert response.status_code == 302
    assert DataRequest.objects.filter(requester=person).count() == 1


def test_honeypot_stores_nothing():
    """A filled honeypot field pretends success and stores nothing."""
    client = _client_for(make_user())
    data = {"title": "Spam", "description": "Spam", "website": "http://spam.example", "step": "submit"}
    response = client.post(reverse("demand:new"), data)
    assert response.status_code == 302
    assert not DataRequest.objects.exists()


def test_votes_need_csrf_and_post():
    """A vote from another site (no CSRF token) is refused; GET never votes."""
    req = make_request()
    voter = make_user()
    client = Client(enforce_csrf_checks=True)
    client.force_login(voter)
    assert client.post(reverse("demand:vote", args=[req.pk])).status_code == 403
    assert client.get(reverse("demand:vote", args=[req.pk])).status_code == 405
    assert not Vote.objects.exists()
    plain = _client_for(voter)
    plain.post(reverse("demand:vote", args=[req.pk]))
    plain.post(reverse("demand:vote", args=[req.pk]))
    assert Vote.objects.filter(request=req).count() == 1
    plain.post(reverse("demand:vote", args=[req.pk]), {"action": "unvote"})
    assert not Vote.objects.exists()


def test_anonymous_cannot_ask_or_vote():
    """Asking and voting need an account: anonymous people are sent to sign in."""
    req = make_request()
    assert Client().get(reverse("demand:new")).status_code == 302
    assert Client().post(reverse("demand:vote", args=[req.pk])).status_code == 302


def test_staff_triage_from_the_request_page():
    """Staff see the triage forms and can plan a request with a target date."""
    staff = make_user(staff=True)
    req = make_request(by=make_user())
    client = _client_for(staff)
    assert b"Triage (staff)" in client.get(req.get_absolute_url()).content
    response = client.post(
        reverse("demand:triage_status", args=[req.pk]), {"to_status": "planned", "target_date": "2031-01-31"}
    )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == "planned"
    assert str(req.target_date) == "2031-01-31"


def test_residents_cannot_see_staff_pages():
    """Triage, imports and moderation are refused to residents."""
    client = _client_for(make_user())
    for name in ("demand:triage", "demand:imports", "demand:moderation", "demand:metrics"):
        assert client.get(reverse(name)).status_code == 403, name


def test_hidden_request_is_not_public(settings):
    """After enough reports a request disappears from the list and its page for others."""
    settings.DEMAND_AUTO_HIDE_REPORTS = 1
    req = make_request(by=make_user())
    services.report_content(by=make_user(), reason="spam", request=req)
    assert Client().get(req.get_absolute_url()).status_code == 404
    assert req not in Client().get(reverse("demand:list")).context["page"]


def test_staff_pages_render(django_assert_max_num_queries):
    """Triage, metrics, moderation, imports, release queue and analytics render for staff."""
    staff = make_user(staff=True)
    req = make_request(by=make_user())
    services.report_content(by=make_user(), reason="spam", request=req)
    client = _client_for(staff)
    for name in (
        "demand:triage",
        "demand:metrics",
        "demand:moderation",
        "demand:imports",
        "demand:release_queue",
        "demand:analytics",
        "demand:priorities",
        "demand:notifications",
    ):
        assert client.get(reverse(name)).status_code == 200, name


def test_atom_feed_and_csv():
    """The feed lists status changes; the CSV has every public request and no personal data."""
    person = make_user(email="secret-person@example.org")
    req = make_request(by=person, title="Noise complaints")
    services.change_status(req, by=make_user(staff=True), to_status="under_review", message="Checking")
    feed = Client().get(reverse("demand:feed"))
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert b"Noise complaints" in feed.content
    body = b"".join(Client().get(reverse("demand:csv")).streaming_content).decode()
    assert "Noise complaints" in body
    assert "secret-person" not in body


def test_pages_are_translated_to_spanish():
    """With Spanish chosen, headings, navigation and buttons of the list are in Spanish."""
    from pathlib import Path

    if not (Path(__file__).resolve().parents[1] / "locale/es/LC_MESSAGES/django.mo").exists():
        pytest.skip("translations not compiled (run `civicdata compile_translations`)")
    make_request()
    body = Client(headers={"accept-language": "es"}).get(reverse("demand:list")).content.decode()
    assert "Solicitudes de datos" in body
    assert "Pedir datos" in body
    assert "Más votos" in body


def test_csv_cells_cannot_become_formulas():
    """A title starting with "=" is written as text so a spreadsheet does not run it."""
    make_request(title='=HYPERLINK("http://evil.example")')
    body = b"".join(Client().get(reverse("demand:csv")).streaming_content).decode()
    assert "'=HYPERLINK" in body


def test_vote_redirect_stays_on_this_site():
    """The `next` field cannot send people to another site."""
    req = make_request()
    client = _client_for(make_user())
    response = client.post(reverse("demand:vote", args=[req.pk]), {"next": "/\\evil.example/"})
    assert response["Location"] == req.get_absolute_url()
    response = client.post(reverse("demand:vote", args=[req.pk]), {"next": "/requests/?sort=new", "action": "unvote"})
    assert response["Location"] == "/requests/?sort=new"


def test_priorities_page_shows_requests_and_datasets_with_bounded_queries(client, django_assert_max_num_queries):
    """Kickstart parity: open requests with votes beside published datasets, queries independent of size."""
    from civicdata.demand.tests.factories import make_public_dataset

    staff = make_user(staff=True)
    for number in range(20):
        make_request(by=staff, title=f"Transit request {number}")
    make_public_dataset("Transit stops")
    client.force_login(make_user())
    # 9: one is the header's count of unread notifications.
    with django_assert_max_num_queries(9):
        response = client.get(reverse("demand:priorities"), {"q": "transit"})
    assert len(response.context["requests"]) == 20
    assert [str(d) for d in response.context["datasets"]] == ["Transit stops"]


def test_unknown_department_filter_matches_nothing():
    """Filtering by a department that does not exist lists nothing (not the unassigned requests)."""
    make_request()
    response = Client().get(reverse("demand:list"), {"publisher": "no-such-department"})
    assert response.context["page"].paginator.count == 0


def test_triage_names_datasets_and_requests_without_giant_selects():
    """Staff publish with a dataset named by its short name and merge by request number."""
    from civicdata.demand.tests.factories import make_public_dataset

    staff = make_user(staff=True)
    client = _client_for(staff)
    dataset = make_public_dataset("Noise complaints 2024")
    req, dup = make_request(by=staff, title="Noise complaints"), make_request(by=staff, title="Noise data")
    page = client.get(req.get_absolute_url())
    assert "Noise complaints 2024" in page.content.decode()  # suggested as a likely match
    response = client.post(reverse("demand:triage_merge", args=[dup.pk]), {"into": str(req.pk)})
    assert response["Location"] == req.get_absolute_url()
    bad = client.post(
        reverse("demand:triage_status", args=[req.pk]),
        {"to_status": "published", "other_datasets": "no-such"},
        follow=True,
    )
    assert "No dataset is called: no-such." in bad.content.decode()
    client.post(
        reverse("demand:triage_status", args=[req.pk]), {"to_status": "published", "other_datasets": dataset.name}
    )
    req.refresh_from_db()
    assert req.status == "published"
    assert list(req.fulfilling_datasets.all()) == [dataset]
