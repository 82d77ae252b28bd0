"""The "Manage" menu and the staff home: each role reaches, by following links from the home page, exactly
the staff pages its permissions open, and "My work" lists what waits for the person."""

from __future__ import annotations

import random
import re
from collections import deque
from html import unescape
from io import StringIO
from urllib.parse import urldefrag, urlsplit

import pytest

from civicdata.accounts import demo as accounts_demo
from civicdata.accounts.models import User

pytestmark = pytest.mark.django_db

CITY_PUBLISHERS = ("city", "transportation", "traffic-ops", "police", "public-works", "housing", "health", "budget")
DEMAND_PAGES = {"/requests/triage/", "/requests/metrics/", "/requests/imports/", "/requests/release-queue/"}
PROJECT_PAGES = {"/projects/new/", "/projects/champions/manage/"}
EVENT_PAGES = {"/events/new/", "/events/mine/", "/events/new-series/"}
CATALOG_PAGES = {
    "/datasets/new/", "/catalog/harvest/", "/catalog/harvest/import/", "/catalog/validate/", "/catalog/merge/",
}  # fmt: skip
TOOLS = {"/catalog/validate/", "/catalog/merge/"}
COMMUNITY_REVIEW = {"/stories/review/", "/reuses/review/"}
NEWS = {"/news/new/"}


def dashboards(*slugs: str) -> set[str]:
    return {f"/publishers/{slug}/dashboard/" for slug in slugs}


# Every staff page of the demo city; the crawl only opens these (and the home page).
STAFF_PAGES = (
    {"/manage/", "/requests/moderation/", "/staff/", "/staff/audit/"}
    | CATALOG_PAGES
    | DEMAND_PAGES
    | PROJECT_PAGES
    | EVENT_PAGES
    | COMMUNITY_REVIEW
    | NEWS
    | dashboards(*CITY_PUBLISHERS)
)
EXPECTED = {
    # Editor of Transportation, which has the Traffic Operations Bureau under it.
    "editor@example.org": {"/manage/"}
    | CATALOG_PAGES
    | DEMAND_PAGES
    | PROJECT_PAGES
    | EVENT_PAGES
    | NEWS
    | dashboards("transportation", "traffic-ops"),
    # Administrator of the city, the root of every department.
    "coordinator@example.org": {"/manage/"}
    | CATALOG_PAGES
    | DEMAND_PAGES
    | PROJECT_PAGES
    | EVENT_PAGES
    | NEWS
    | dashboards(*CITY_PUBLISHERS),
    # Site staff: everything but the audit log, which is for site administrators.
    "staff@example.org": STAFF_PAGES - {"/staff/audit/"},
    # Administrator of the library, a partner: no datasets to publish and no demand staff pages (those
    # are for publishers' staff, issue 12), but the tools and projects.
    "librarian@example.org": {"/manage/"} | TOOLS | PROJECT_PAGES | EVENT_PAGES,
}


@pytest.fixture
def demo_people(db) -> None:
    accounts_demo.load(random.Random(1), StringIO())


def links(html: str) -> list[str]:
    found = []
    for href in re.findall(r'href="([^"]+)"', html):
        href = urldefrag(unescape(href))[0]
        if href.startswith("/") and not href.startswith("//"):
            found.append(urlsplit(href).path)
    return found


def crawl_staff_pages(client) -> dict[str, int]:
    """From the home page, follow links (never typing an address) into staff pages; their status codes."""
    home = client.get("/")
    assert home.status_code == 200
    reached: dict[str, int] = {}
    queue = deque(links(home.content.decode()))
    while queue:
        path = queue.popleft()
        if path in reached or path not in STAFF_PAGES:
            continue
        response = client.get(path)
        reached[path] = response.status_code
        if response.status_code == 200:
            queue.extend(links(response.content.decode()))
    return reached


@pytest.mark.parametrize("email", sorted(EXPECTED))
def test_each_role_reaches_every_staff_page_it_may_use_by_links(client, demo_people, email):
    client.force_login(User.objects.get(email=email))
    reached = crawl_staff_pages(client)
    assert set(reached) == EXPECTED[email]
    assert {path: status for path, status in reached.items() if status != 200} == {}


def test_a_resident_sees_no_manage_menu_and_reaches_no_staff_page(client, demo_people):
    client.force_login(User.objects.get(email="resident@example.org"))
    html = client.get("/").content.decode()
    assert "civic-manage" not in html
    assert ">Manage<" not in html
    assert crawl_staff_pages(client) == {}
    assert client.get("/manage/").status_code == 403


def test_a_visitor_sees_no_manage_menu(client, demo_people):
    assert "civic-manage" not in client.get("/").content.decode()
    assert client.get("/manage/").status_code in (302, 403)


def test_a_member_without_editing_rights_sees_no_manage_menu(client, demo_people):
    client.force_login(User.objects.get(email="member@example.org"))
    assert "civic-manage" not in client.get("/").content.decode()


def test_the_manage_menu_is_in_spanish_for_spanish_readers(client, demo_people):
    client.force_login(User.objects.get(email="editor@example.org"))
    html = client.get("/", headers={"accept-language": "es"}).content.decode()
    for spanish in ("Gestionar", "Nuevo conjunto de datos", "Mi trabajo", "Cola de clasificación"):
        assert spanish in html


def test_my_work_lists_what_waits_for_an_editor_with_links(client):
    from datetime import timedelta

    from django.utils import timezone

    from civicdata.accounts.tests.factories import make_member, make_organization
    from civicdata.catalog.models import Dataset, Distribution, HarvestRun
    from civicdata.catalog.tests.factories import make_dataset
    from civicdata.datastore import services as datastore_services
    from civicdata.datastore.models import IngestJob
    from civicdata.demand.tests.factories import make_request

    parks, other = make_organization("Parks"), make_organization("Elsewhere")
    editor = make_member(parks)
    draft = make_dataset(parks, published=False, title="Draft playgrounds")
    make_dataset(other, published=False, title="Someone else's draft")
    invalid = make_dataset(parks, title="Invalid trails")
    Dataset.objects.filter(pk=invalid.pk).update(is_valid=False, problem_count=2)
    broken = make_dataset(parks, title="Broken benches")
    Distribution.objects.filter(dataset=broken).update(link_status="broken")
    table = datastore_services.create_table(distribution=broken.distributions.first(), by=None, name="benches")
    failed_job = IngestJob.objects.create(table=table, source_kind="url", source="https://x.org/b.csv", status="failed")
    retried = datastore_services.create_table(distribution=invalid.distributions.first(), by=None, name="trails")
    earlier = timezone.now() - timedelta(hours=1)
    IngestJob.objects.create(table=retried, source_kind="url", source="a", status="failed", created_at=earlier)
    IngestJob.objects.create(table=retried, source_kind="url", source="b", status="succeeded")
    run = HarvestRun.objects.create(publisher=parks, origin="https://parks.example.org/data.json", status="failed")
    waiting = make_request(title="Playground inspections please", publisher=parks)

    client.force_login(editor)
    html = client.get("/manage/").content.decode()
    assert f'href="/catalog/datasets/{draft.name}/edit/"' in html
    assert "Someone else" not in html
    assert f'href="/catalog/datasets/{invalid.name}/edit/"' in html
    assert "2 metadata problems" in html
    assert f'href="/catalog/datasets/{broken.name}/edit/"' in html
    assert "1 broken link" in html
    assert f'href="/datastore/jobs/{failed_job.pk}/"' in html
    assert html.count("/datastore/jobs/") == 1  # the retried load succeeded later, so it is not listed
    assert f'href="/catalog/harvest/runs/{run.pk}/"' in html
    assert f'href="/requests/{waiting.pk}/"' in html
    assert f'href="/publishers/{parks.slug}/dashboard/"' in html
    assert f"/publishers/{other.slug}/" not in html


def test_my_work_says_plainly_when_nothing_waits(client):
    from civicdata.accounts.tests.factories import make_member, make_organization

    client.force_login(make_member(make_organization("Quiet office")))
    html = client.get("/manage/").content.decode()
    for sentence in (
        "No drafts.",
        "Nothing needs attention",
        "No request is waiting for a first answer.",
        "No table is loading and no load has failed.",
        "No harvest is running and none has failed.",
    ):
        assert sentence in html


def test_the_menu_walks_the_organisation_tree_once(demo_people, django_assert_max_num_queries):
    """The menu is on every page: for a city administrator (the deepest tree) it stays a handful of queries,
    and the remembered organisations do not outlive it."""
    from civicdata.site.manage import manage_links

    coordinator = User.objects.get(email="coordinator@example.org")
    with django_assert_max_num_queries(6):
        links = manage_links(coordinator)
    assert len(links) > 5
    assert not hasattr(coordinator, "_editable_organizations")
