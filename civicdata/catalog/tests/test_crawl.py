"""The catalog completeness crawl against a small department web site served on loopback."""

from __future__ import annotations

import pytest

from civicdata.accounts.tests.factories import make_member, make_organization, make_user
from civicdata.catalog import crawl as crawling
from civicdata.catalog import services
from civicdata.catalog.models import CatalogCrawl, CrawlFinding, Dataset
from civicdata.catalog.tests.crawl_site import Site
from civicdata.catalog.tests.factories import make_dataset


def _quick(**kwargs) -> crawling.Budget:
    return crawling.Budget(delay=0, **kwargs)


def test_finds_data_files_on_every_reachable_page_and_reads_nothing_it_should_not(site):
    result = crawling.crawl([f"{site}/"], budget=_quick())
    found = {f.url.removeprefix(site): f for f in result.files}
    assert set(found) == {
        "http://elsewhere.invalid/files/partner.csv",
        "/reports/potholes-2026.csv",
        "/reports/budget.xlsx",
        "/reports/plan.pdf",
        "/files/trees.geojson",
    }
    assert found["/reports/budget.xlsx"].text == "Street budget (Excel)"
    assert found["/reports/budget.xlsx"].kind == "Excel"
    assert found["/files/trees.geojson"].found_on == f"{site}/reports/older/"
    # robots.txt keeps it out of /private/, it never leaves the host, and data files are not downloaded.
    assert "/private/" not in Site.requested
    assert not any(path.endswith((".csv", ".xlsx", ".pdf", ".geojson", ".png")) for path in Site.requested)
    assert (f"{site}/private/", "robots") in result.skipped
    assert (f"{site}/moved", "fetch.left_site") in result.skipped
    assert result.pages == 3
    assert result.stopped == ""


def test_stops_at_the_page_budget_and_waits_between_pages(site):
    waits: list[float] = []
    result = crawling.crawl([f"{site}/"], budget=crawling.Budget(max_pages=2, delay=0.5), sleep=waits.append)
    assert result.pages == 2
    assert result.stopped == "pages"
    assert waits == [0.5]


def test_links_are_bounded_and_only_http_links_count():
    html = '<a href="mailto:x@example.org">mail</a><a href="javascript:alert(1)">js</a><a href="data.csv">ok</a>'
    html += '<a href="/p.csv">' + "x" * 5000 + "</a>"
    links = crawling.page_links(html, page_url="https://city.example.org/data/")
    assert [url for url, _ in links] == ["https://city.example.org/data/data.csv", "https://city.example.org/p.csv"]
    assert len(links[1][1]) == crawling.MAX_LINK_TEXT


@pytest.mark.django_db(transaction=True)
def test_a_crawl_lists_what_the_catalog_misses_and_starts_a_draft_from_a_finding(site):
    publisher = make_organization()
    editor = make_member(publisher)
    make_dataset(
        publisher,
        distribution=[
            {
                "@type": "dcat:Distribution",
                "downloadURL": f"{site.upper()}/reports/budget.xlsx",
                "mediaType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "format": "XLSX",
                "title": "Street budget",
            }
        ],
    )
    run = services.start_crawl(publisher=publisher, start_urls=[f"{site}/"], by=editor)
    run.refresh_from_db()
    assert run.status == "done"
    missing = {f.url.removeprefix(site) for f in run.findings.filter(in_catalog=False)}
    assert "/reports/budget.xlsx" not in missing
    assert "/reports/potholes-2026.csv" in missing
    assert run.findings.get(url=f"{site}/reports/budget.xlsx").in_catalog

    finding = run.findings.get(url=f"{site}/reports/potholes-2026.csv")
    dataset = services.start_draft_from_finding(finding, by=editor)
    assert not dataset.is_published
    assert dataset.title == "Pothole repairs 2026"
    assert dataset.distributions.get().download_url == finding.url
    assert services.start_draft_from_finding(finding, by=editor).pk == dataset.pk
    assert Dataset.objects.filter(title="Pothole repairs 2026").count() == 1


@pytest.mark.django_db
def test_addresses_the_fetcher_refuses_are_refused_before_the_crawl_starts():
    publisher = make_organization()
    with pytest.raises(services.InvalidInput):
        services.start_crawl(publisher=publisher, start_urls=["http://169.254.169.254/latest/"], by=None)
    with pytest.raises(services.InvalidInput):
        services.start_crawl(publisher=publisher, start_urls=["  "], by=None)
    assert not CatalogCrawl.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_pages_for_the_editor_and_nobody_else(client, site):
    publisher = make_organization()
    editor = make_member(publisher)
    client.force_login(editor)
    page = client.get("/catalog/tools/crawl/")
    assert page.status_code == 200
    started = client.post("/catalog/tools/crawl/", {"publisher": publisher.pk, "start_urls": f"{site}/\n"})
    run = CatalogCrawl.objects.get()
    assert started["Location"] == f"/catalog/tools/crawl/{run.pk}/"
    detail = client.get(started["Location"]).content.decode()
    assert "Pothole repairs 2026" in detail
    assert "robots.txt" in detail
    finding = CrawlFinding.objects.get(url=f"{site}/reports/potholes-2026.csv")
    drafted = client.post(f"/catalog/tools/crawl/{run.pk}/findings/{finding.pk}/draft/")
    assert drafted["Location"].startswith("/catalog/datasets/")
    assert client.get(f"/catalog/tools/crawl/{run.pk}/findings/{finding.pk}/draft/").status_code == 405

    client.force_login(make_member(make_organization()))
    assert client.get(f"/catalog/tools/crawl/{run.pk}/").status_code == 404
    client.force_login(make_user())
    assert client.get("/catalog/tools/crawl/").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_api_starts_a_crawl_lists_findings_and_drafts(client, site):
    publisher = make_organization()
    client.force_login(make_member(publisher))
    started = client.post(
        "/api/tools/crawls",
        {"publisher": publisher.slug, "start_urls": [f"{site}/"]},
        content_type="application/json",
    )
    assert started.status_code == 201, started.content
    crawl_id = started.json()["id"]
    body = client.get(f"/api/tools/crawls/{crawl_id}").json()
    assert body["status"] == "done"
    urls = {f["url"].removeprefix(site) for f in body["findings"]}
    assert "/files/trees.geojson" in urls
    finding = next(f for f in body["findings"] if f["url"].endswith("trees.geojson"))
    draft = client.post(f"/api/tools/crawls/{crawl_id}/findings/{finding['id']}/draft")
    assert draft.status_code == 201
    assert draft.json()["edit_url"] == f"/catalog/datasets/{draft.json()['name']}/edit/"
    client.force_login(make_member(make_organization()))
    assert client.get(f"/api/tools/crawls/{crawl_id}").status_code == 404


@pytest.mark.django_db
def test_the_crawl_command_lists_the_files_the_catalog_misses_and_keeps_the_run(site):
    """`civicdata catalog crawl`: the same crawl in the command's own process, stored for the pages."""
    import io
    import json

    from django.core.management import call_command

    publisher = make_organization()
    make_dataset(
        publisher,
        distribution=[
            {
                "@type": "dcat:Distribution",
                "downloadURL": f"{site.upper()}/reports/budget.xlsx",
                "mediaType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "title": "Street budget",
            }
        ],
    )
    out = io.StringIO()
    call_command("catalog_crawl", f"{site}/", publisher=publisher.slug, stdout=out)
    text = out.getvalue()
    assert f"{site}/reports/potholes-2026.csv" in text
    assert "/reports/budget.xlsx" not in text  # catalogued: listed only with --all
    assert "data files not in the catalog" in text.splitlines()[-1]
    run = CatalogCrawl.objects.get()
    assert run.status == "done"
    assert run.findings.filter(in_catalog=False).exists()

    out = io.StringIO()
    call_command("catalog_crawl", f"{site}/", publisher=publisher.slug, all=True, format="json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["status"] == "done"
    assert report["pages_read"] >= 1
    by_url = {row["url"].removeprefix(site): row["in_catalog"] for row in report["files"]}
    assert by_url["/reports/budget.xlsx"] is True
    assert by_url["/reports/potholes-2026.csv"] is False


@pytest.mark.django_db
def test_the_crawl_command_refuses_an_unknown_publisher_and_a_blocked_address():
    from django.core.management import call_command
    from django.core.management.base import CommandError

    publisher = make_organization()
    with pytest.raises(CommandError, match="No publisher") as unknown:
        call_command("catalog_crawl", "https://example.org/", publisher="nobody")
    assert unknown.value.returncode == 2
    with pytest.raises(CommandError) as refused:
        call_command("catalog_crawl", "http://169.254.169.254/latest/", publisher=publisher.slug)
    assert refused.value.returncode == 2
    assert not CatalogCrawl.objects.exists()
