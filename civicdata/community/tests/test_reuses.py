"""The reuse showcase: submission with a picture, moderation, publishers told only after publication,
featured reuses, the panels on dataset and request pages, the API and the CSV."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from civicdata.accounts.tests.factories import make_member, make_organization, make_user
from civicdata.catalog.tests.factories import make_dataset
from civicdata.community import services
from civicdata.community.models import ModerationState, Reuse
from civicdata.core.errors import InvalidInput

from .factories import make_reuse, png_bytes

pytestmark = pytest.mark.django_db


def test_a_resident_submits_a_reuse_with_a_picture_that_is_re_encoded(client):
    from PIL import Image

    dataset = make_dataset(make_organization())
    resident = make_user()
    client.force_login(resident)
    picture = SimpleUploadedFile("shot.jpg", png_bytes((2400, 1600), exif_gps=True), content_type="image/jpeg")
    response = client.post(
        reverse("community:reuse_new"),
        {
            "title": "Bus map",
            "kind": "visualization",
            "url": "https://example.com/map",
            "description": "A map.",
            "datasets": dataset.name,
            "image": picture,
            "image_alt": "A map of the city with red dots",
            "action": "submit",
        },
    )
    assert response.status_code == 302
    reuse = Reuse.objects.get(title="Bus map")
    assert reuse.state == ModerationState.UNDER_REVIEW
    stored = Image.open(io.BytesIO(bytes(reuse.image.data)))
    assert stored.format == "JPEG"
    assert max(stored.size) <= 1200
    assert 0x8825 not in stored.getexif()  # the location metadata is gone
    assert client.get(reverse("community:reuse_image", args=[reuse.pk]))["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("url", "javascript:alert(1)", "Enter a valid URL"),
        ("url", "ftp://example.com/x", "starting with https://"),
        ("image", SimpleUploadedFile("x.png", b"<svg onload=alert(1)>", content_type="image/png"), "not a picture"),
    ],
)
def test_bad_links_and_images_are_refused_and_nothing_typed_is_lost(client, field, value, message):
    client.force_login(make_user())
    data = {"title": "Kept title", "kind": "article", "url": "https://example.com", "description": "Kept text"}
    data[field] = value
    data["image_alt"] = "alt"
    response = client.post(reverse("community:reuse_new"), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert "Kept title" in page
    assert "Kept text" in page
    assert not Reuse.objects.exists()


def test_an_svg_or_a_huge_image_is_not_accepted():
    with pytest.raises(InvalidInput):
        services.prepare_image(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    with pytest.raises(InvalidInput):
        services.prepare_image(b"x" * (6 * 1024 * 1024))


def test_publishers_are_told_only_after_publication_in_their_language(django_capture_on_commit_callbacks):
    publisher = make_organization()
    editor = make_member(publisher)
    editor.language = "es"
    editor.save()
    dataset = make_dataset(publisher)
    reuse = make_reuse(datasets=(dataset,), published=False)
    assert not [m for m in mail.outbox if editor.email in m.to]
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_reuse(reuse, by=make_user(staff=True))
    to_editor = [m for m in mail.outbox if editor.email in m.to]
    assert len(to_editor) == 1
    assert "reutiliz" in to_editor[0].subject.lower()
    assert reuse.get_absolute_url() in to_editor[0].body


def test_decline_with_reason_and_featuring(client, django_capture_on_commit_callbacks):
    reuse = make_reuse(published=False)
    staff = make_user(staff=True)
    with pytest.raises(InvalidInput):
        services.set_featured(reuse, by=staff, featured=True)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("community:reuse_moderate", args=[reuse.pk]), {"action": "decline", "reason": "Link broken"}
        )
    reuse.refresh_from_db()
    assert reuse.state == ModerationState.DECLINED
    assert "Link broken" in mail.outbox[-1].body
    services.publish_reuse(reuse, by=staff)
    client.post(reverse("community:reuse_moderate", args=[reuse.pk]), {"action": "feature"})
    reuse.refresh_from_db()
    assert reuse.featured
    other = make_reuse(title="Second")
    listing = client.get(reverse("community:reuses")).content.decode()
    assert listing.index(reuse.title) < listing.index(other.title)


def test_panels_on_dataset_and_request_pages_and_organisation_filter(client, django_assert_max_num_queries):
    from civicdata.demand import services as demand

    publisher = make_organization()
    dataset = make_dataset(publisher)
    data_request = demand.create_request(by=make_user(), title="Bus delays", description="Need it")
    reuse = make_reuse(datasets=(dataset,), data_requests=[data_request])
    pending = make_reuse(datasets=(dataset,), published=False, title="Pending one")
    page = client.get(dataset.get_absolute_url()).content.decode()
    assert reuse.title in page
    assert pending.title not in page
    assert reuse.title in client.get(data_request.get_absolute_url()).content.decode()
    by_org = client.get(reverse("community:reuses"), {"organization": publisher.slug}).content.decode()
    assert reuse.title in by_org
    for _n in range(5):
        make_reuse(datasets=(dataset,))
    with django_assert_max_num_queries(8):
        client.get(reverse("community:reuses"))


def test_api_lists_published_reuses_and_accepts_submissions(client):
    dataset = make_dataset(make_organization())
    reuse = make_reuse(datasets=(dataset,))
    make_reuse(published=False, title="Hidden")
    items = client.get("/api/reuses/", {"dataset": dataset.name}).json()["items"]
    assert [item["id"] for item in items] == [reuse.pk]
    assert client.post("/api/reuses/", {}, content_type="application/json").status_code == 401
    client.force_login(make_user())
    from django.test import Client

    api = Client(enforce_csrf_checks=False)
    api.force_login(make_user())
    response = api.post(
        "/api/reuses/",
        {
            "title": "Client lib",
            "kind": "api_client",
            "description": "Python",
            "link": "https://pypi.org/x",
            "datasets": [dataset.name],
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["state"] == "under_review"
    bad = api.post(
        "/api/reuses/",
        {"title": "x", "description": "y", "link": "javascript:alert(1)"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "invalid_reuse"
    csv = b"".join(client.get(reverse("community:reuse_csv")).streaming_content).decode()
    assert reuse.title in csv
    assert "Hidden" not in csv


def test_impact_figures_count_only_published_reuses_and_stories():
    from civicdata.community import impact

    from .factories import make_story

    publisher = make_organization()
    dataset = make_dataset(publisher)
    make_reuse(datasets=(dataset,))
    make_reuse(datasets=(dataset,), published=False, title="Waiting")
    make_story(datasets=(dataset,))
    figures = {f.key: f.value for f in impact.dataset_impact(dataset)}
    assert figures["reuses"] == 1
    assert figures["stories"] == 1
    by_org = {f.key: f for f in impact.organization_impact(publisher)}
    assert by_org["reuses"].value == 1
    assert by_org["reuses"].link.endswith(f"?organization={publisher.slug}")
