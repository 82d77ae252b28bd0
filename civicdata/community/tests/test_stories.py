"""Data stories: writing, review, visibility, the dataset panel, the feed, the API and the CSV."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.core import mail
from django.urls import reverse

from civicdata.accounts.tests.factories import make_organization, make_user
from civicdata.catalog.tests.factories import make_dataset
from civicdata.community import services
from civicdata.community.models import ModerationState
from civicdata.core.errors import ActionRefused, InvalidInput

from .factories import make_story

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def test_a_resident_story_waits_for_review_and_is_hidden_until_published(client, django_capture_on_commit_callbacks):
    author = make_user()
    dataset = make_dataset(make_organization())
    client.force_login(author)
    response = client.post(
        reverse("community:story_new"),
        {
            "title": "Late buses",
            "summary": "Where",
            "body": "Text **bold**",
            "datasets": dataset.name,
            "action": "submit",
        },
    )
    story = author.community_stories.get()
    assert response.status_code == 302
    assert story.state == ModerationState.UNDER_REVIEW
    assert client.get(story.get_absolute_url()).status_code == 200  # the author sees it
    client.logout()
    assert client.get(story.get_absolute_url()).status_code == 404
    assert story.title not in client.get(dataset.get_absolute_url()).content.decode()

    staff = make_user(staff=True)
    client.force_login(staff)
    assert story.title in client.get(reverse("community:story_review")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("community:story_moderate", args=[story.slug]), {"action": "publish"})
    story.refresh_from_db()
    assert story.state == ModerationState.PUBLISHED
    assert mail.outbox
    assert author.email in mail.outbox[-1].to
    client.logout()
    assert client.get(story.get_absolute_url()).status_code == 200
    page = client.get(dataset.get_absolute_url()).content.decode()
    assert "Late buses" in page
    assert "Data stories" in page


def test_declining_needs_a_reason_which_the_author_receives(client, django_capture_on_commit_callbacks):
    story = make_story(published=False)
    staff = make_user(staff=True)
    client.force_login(staff)
    response = client.post(reverse("community:story_moderate", args=[story.slug]), {"action": "decline", "reason": " "})
    assert response.status_code == 400
    story.refresh_from_db()
    assert story.state == ModerationState.UNDER_REVIEW
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("community:story_moderate", args=[story.slug]), {"action": "decline", "reason": "Cite sources."}
        )
    story.refresh_from_db()
    assert story.state == ModerationState.DECLINED
    assert story.decline_reason == "Cite sources."
    assert "Cite sources." in mail.outbox[-1].body


def test_only_staff_moderate_and_only_the_author_edits(client):
    story = make_story(published=False)
    stranger = make_user()
    with pytest.raises(ActionRefused):
        services.publish_story(story, by=stranger)
    with pytest.raises(ActionRefused):
        services.update_story(story, by=stranger, title="x", body="y")
    with pytest.raises(ActionRefused):  # under review: even the author waits for the decision
        services.update_story(story, by=story.author, title="x", body="y")
    client.force_login(stranger)
    assert client.post(reverse("community:story_moderate", args=[story.slug]), {"action": "publish"}).status_code == 404
    assert client.get(reverse("community:story_review")).status_code == 403


def test_a_story_embedding_another_site_is_refused_with_what_was_typed_kept(client, settings):
    settings.SITE_URL = "https://data.portalder.example"
    client.force_login(make_user())
    body = "Look:\n\n```embed\nhttps://evil.example.net/api/data/a/b\n```\n"
    response = client.post(reverse("community:story_new"), {"title": "Mine", "body": body, "action": "submit"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Only this site" in page
    assert "evil.example.net/api/data/a/b" in page
    with pytest.raises(InvalidInput):
        services.create_story(author=make_user(), title="t", body=body)


def test_new_accounts_are_throttled(settings):
    settings.DEMAND_NEW_ACCOUNT_DAILY_REQUESTS = 1
    author = make_user()
    services.create_story(author=author, title="one", body="a")
    services.create_story(author=author, title="two", body="b")
    with pytest.raises(ActionRefused):
        services.create_story(author=author, title="three", body="c")


def test_feed_is_atom_with_published_stories_only(client):
    published = make_story()
    make_story(published=False)
    response = client.get(reverse("community:story_feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own feed)
    titles = [entry.find(f"{ATOM}title").text for entry in root.findall(f"{ATOM}entry")]
    assert titles == [published.title]


def test_api_and_csv_list_published_stories(client):
    dataset = make_dataset(make_organization())
    story = make_story(datasets=(dataset,), body="x\n\n```embed\n/api/data/a/b?limit=3\n```\n")
    make_story(published=False)
    body = client.get("/api/stories/").json()
    assert [item["slug"] for item in body["items"]] == [story.slug]
    assert body["items"][0]["embeds"] == ["/api/data/a/b?limit=3"]
    assert body["items"][0]["datasets"] == [dataset.name]
    assert client.get(f"/api/stories/{story.slug}").json()["title"] == story.title
    csv = b"".join(client.get(reverse("community:story_csv")).streaming_content).decode()
    assert story.title in csv
    assert "@" not in csv


def test_pages_are_in_spanish(client):
    story = make_story()
    client.cookies["django_language"] = "es"
    page = client.get(reverse("community:stories"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Historias con datos" in page
    assert story.title in page
