"""HEAD is answered wherever GET is: same status and headers, no body, on every app's pages and the API."""

from __future__ import annotations

from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory

from civicdata.accounts.models import Membership, Role, User
from civicdata.core.middleware import HeadAsGetMiddleware
from civicdata.datastore.tests.factories import published_table
from civicdata.demand.tests.factories import make_request
from civicdata.projects.tests.factories import make_org, make_project

# The public GET pages and API endpoints of each app; the crawl below adds every page they link to.
START_PATHS = (
    "/",
    "/datasets/",
    "/data.json",
    "/requests/",
    "/projects/",
    "/healthz",
    "/api/status",
    "/api/catalog/datasets",
    "/api/catalog/publishers",
    "/api/accounts/organizations",
    "/api/demand/requests",
    "/api/demand/statuses",
    "/api/projects/",
    "/api/openapi.json",
    "/api/3/action/package_list",
    "/accounts/login/",
    "/accounts/signup/",
)
SKIP_PREFIXES = ("/admin/", "/accounts/logout", "/i18n/", "/static/", "/media/")
PATH_LIMIT = 60


def links(html: str) -> list[str]:
    found = []
    for chunk in html.split('href="')[1:]:
        href = urldefrag(chunk.split('"', 1)[0].replace("&amp;", "&"))[0]
        if href.startswith("/") and not href.startswith("//") and not href.startswith(SKIP_PREFIXES):
            found.append(href)
    return found


@pytest.mark.django_db
def test_every_public_get_answers_head_with_the_same_status_and_no_body(client):
    table = published_table()
    data_request = make_request()
    organization = make_org()
    # An explicit address: the projects and accounts factories number their people separately.
    staff = User.objects.create_user("head-staff@example.org", "a-long-test-password")
    Membership.objects.create(user=staff, organization=organization, role=Role.EDITOR)
    project = make_project(organization, staff)
    starts = [
        *START_PATHS,
        table.dataset.get_absolute_url(),
        f"/api/catalog/datasets/{table.dataset.identifier}",
        f"/api/demand/requests/{data_request.pk}",
        f"/api/projects/{project.slug}",
        table.api_path,
    ]
    queue, seen, checked = deque(starts), set(starts), []
    while queue and len(checked) < PATH_LIMIT:
        path = queue.popleft()
        get = client.get(path)
        if get.streaming:
            # Read to the end: the test client releases a streamed response's resources (a Data API
            # query slot) only then, as a server does when the download finishes.
            b"".join(get.streaming_content)
        head = client.head(path)
        assert head.status_code == get.status_code, f"HEAD {path}: {head.status_code}, GET: {get.status_code}"
        body = b"".join(head.streaming_content) if head.streaming else head.content
        assert body == b"", f"HEAD {path} has a body"
        assert head.get("Content-Type") == get.get("Content-Type"), path
        checked.append(path)
        if get.status_code == 200 and "text/html" in get.get("Content-Type", "") and not get.streaming:
            for href in links(get.content.decode()):
                if urlsplit(href).path not in {urlsplit(s).path for s in seen}:
                    seen.add(href)
                    queue.append(href)
    assert len(checked) >= len(starts)


def test_head_drops_a_streamed_body_without_generating_it():
    produced = []

    def rows():
        produced.append("row")
        yield b"a,b\n"

    def view(request):
        assert request.method == "GET"
        return StreamingHttpResponse(rows(), content_type="text/csv")

    response = HeadAsGetMiddleware(view)(RequestFactory().head("/export.csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert b"".join(response.streaming_content) == b""
    assert produced == []


def test_head_keeps_the_length_get_would_have():
    response = HeadAsGetMiddleware(lambda request: HttpResponse(b"twelve bytes"))(RequestFactory().head("/x"))
    assert (response.content, response["Content-Length"]) == (b"", "12")


def test_other_methods_pass_through_unchanged():
    seen = []

    def view(request):
        seen.append(request.method)
        return HttpResponse(b"body")

    response = HeadAsGetMiddleware(view)(RequestFactory().post("/x"))
    assert (seen, response.content) == (["POST"], b"body")
