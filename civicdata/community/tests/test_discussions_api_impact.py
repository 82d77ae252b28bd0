"""Discussions (official answers, follows, moderation), the community API without reporters' data,
and the impact pages, CSV and JSON."""

from __future__ import annotations

import pytest

from civicdata.accounts.tests.factories import make_user
from civicdata.community import services
from civicdata.community.models import DiscussionFollow, DiscussionStatus
from civicdata.community.tests.quality_factories import publisher_with_dataset, report, resident
from civicdata.core.errors import ActionRefused

pytestmark = pytest.mark.django_db


def test_only_the_publishers_editors_answer_officially_and_follows_are_unique():
    _publisher, dataset, editor, _admin = publisher_with_dataset()
    asker = resident()
    discussion = services.start_discussion(dataset, by=asker, title="Units?", body="Are these metres?")
    with pytest.raises(ActionRefused):
        services.reply(discussion, by=resident(), body="I think so", as_publisher=True)
    post = services.reply(discussion, by=editor, body="Yes, metres.", as_publisher=True)
    discussion.refresh_from_db()
    assert post.is_official
    assert discussion.has_official_answer
    assert services.follow_discussion(discussion, by=editor) is False  # replying followed it already
    assert DiscussionFollow.objects.filter(discussion=discussion).count() == 2
    with pytest.raises(ActionRefused):
        services.set_discussion_status(discussion, by=resident(), status=DiscussionStatus.RESOLVED)
    assert services.set_discussion_status(discussion, by=asker, status="resolved").status == "resolved"


def test_flags_hide_a_post_and_moderators_decide_but_not_on_their_own(settings, client):
    settings.DEMAND_AUTO_HIDE_REPORTS = 2
    _publisher, dataset, _editor, _admin = publisher_with_dataset()
    author = resident()
    discussion = services.start_discussion(dataset, by=author, title="Spam", body="Buy cheap watches")
    post = discussion.posts.get()
    services.flag_post(post, by=resident())
    services.flag_post(post, by=resident())
    post.refresh_from_db()
    assert post.is_hidden
    assert "cheap watches" not in client.get(discussion.get_absolute_url()).content.decode()
    moderator = make_user(staff=True)
    own = services.start_discussion(dataset, by=moderator, title="Mine", body="text").posts.get()
    with pytest.raises(ActionRefused):
        services.moderate_post(own, by=moderator, outcome="removed")
    assert services.moderate_post(post, by=moderator, outcome="kept").is_hidden is False


def test_hostile_markdown_in_a_discussion_is_inert(client):
    _publisher, dataset, _editor, _admin = publisher_with_dataset()
    discussion = services.start_discussion(
        dataset, by=resident(), title="<b>x</b>", body='<script>alert(1)</script><a href="javascript:x()">y</a>'
    )
    html = client.get(discussion.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert '<a href="javascript' not in html
    assert "<b>x</b>" not in html


def test_the_api_lists_reports_without_the_reporter_and_creating_needs_sign_in(client):
    _publisher, dataset, _editor, _admin = publisher_with_dataset()
    reporter = resident(email="hidden.reporter@example.org")
    report(dataset, by=reporter)
    listing = client.get(f"/api/quality-reports/?dataset={dataset.name}")
    assert listing.status_code == 200
    (item,) = listing.json()["items"]
    assert "reporter" not in item
    assert "hidden.reporter" not in listing.content.decode()
    csv = client.get("/api/quality-reports/export.csv").content.decode()
    assert "hidden.reporter" not in csv
    assert dataset.name in csv
    payload = {"dataset": dataset.name, "category": "other", "description": "Typo in title."}
    assert client.post("/api/quality-reports/", payload, content_type="application/json").status_code == 401
    client.force_login(resident())
    created = client.post("/api/quality-reports/", payload, content_type="application/json")
    assert created.status_code == 201, created.content
    bad = client.post("/api/quality-reports/", {**payload, "category": "nope"}, content_type="application/json")
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "invalid_report"


def test_discussions_in_the_api(client):
    _publisher, dataset, editor, _admin = publisher_with_dataset()
    client.force_login(resident())
    asked = client.post(
        "/api/discussions/", {"dataset": dataset.name, "title": "Q", "body": "B"}, content_type="application/json"
    )
    assert asked.status_code == 201
    pk = asked.json()["id"]
    refused = client.post(
        f"/api/discussions/{pk}/messages", {"body": "A", "as_publisher": True}, content_type="application/json"
    )
    assert refused.status_code == 403
    client.force_login(editor)
    answered = client.post(
        f"/api/discussions/{pk}/messages", {"body": "A", "as_publisher": True}, content_type="application/json"
    )
    assert answered.json()["has_official_answer"] is True


def test_impact_pages_charts_csv_and_json_agree(client):
    publisher, dataset, editor, _admin = publisher_with_dataset()
    created = report(dataset)
    services.close_report(created, by=editor, outcome="fixed", note="Done.")
    page = client.get(f"/datasets/{dataset.name}/impact/").content.decode()
    assert "<svg" in page
    assert "Views and downloads by month" in page
    assert 'id="impact-figures"' in page
    csv = client.get(f"/datasets/{dataset.name}/impact.csv").content.decode()
    assert "quality_reports_fixed,Quality reports fixed,1" in csv
    assert "api_calls,Data API calls," in csv
    data = client.get(f"/api/impact/datasets/{dataset.name}").json()
    figures = {f["key"]: f["value"] for f in data["figures"]}
    assert figures["quality_reports"] == 1
    assert figures["quality_reports_fixed"] == 1
    org = client.get(f"/organizations/{publisher.slug}/impact/")
    assert org.status_code == 200
    org_csv = client.get(f"/organizations/{publisher.slug}/impact.csv").content.decode()
    assert "datasets,Datasets,1" in org_csv


def test_the_impact_page_in_spanish(client):
    _publisher, dataset, _editor, _admin = publisher_with_dataset()
    client.cookies["django_language"] = "es"
    html = client.get(f"/datasets/{dataset.name}/impact/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Visitas y descargas por mes" in html
