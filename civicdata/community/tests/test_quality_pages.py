"""Quality pages: the dataset-page panel (bounded queries), the report form, a report's page without
the reporter's details, the public lists, the steward's answer, and the links on other apps' pages."""

from __future__ import annotations

import pytest

from civicdata.community.models import QualityReport, ReportStatus
from civicdata.community.quality_score import dataset_score
from civicdata.community.tests.quality_factories import publisher_with_dataset, report, resident
from civicdata.datastore.tests.factories import published_table

pytestmark = pytest.mark.django_db


def test_the_dataset_page_shows_the_score_and_report_a_problem_within_a_bounded_number_of_queries(
    client, django_assert_max_num_queries
):
    _publisher, dataset, _editor, _admin = publisher_with_dataset()
    for _ in range(5):
        report(dataset)
    with django_assert_max_num_queries(30):
        response = client.get(dataset.get_absolute_url())
    html = response.content.decode()
    assert f"/datasets/{dataset.name}/quality/new/" in html
    assert f"Quality score: {dataset_score(dataset).value} out of 100" in html
    assert f"/datasets/{dataset.name}/discussions/" in html


def test_the_panel_queries_do_not_grow_with_reports(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _publisher, dataset, _editor, _admin = publisher_with_dataset()
    report(dataset)
    with CaptureQueriesContext(connection) as few:
        client.get(dataset.get_absolute_url())
    for _ in range(10):
        report(dataset)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(dataset.get_absolute_url())


def test_signing_in_is_needed_and_a_refused_report_keeps_what_was_typed(client):
    _publisher, dataset, _editor, _admin = publisher_with_dataset()
    url = f"/datasets/{dataset.name}/quality/new/"
    assert client.get(url).status_code == 302
    client.force_login(resident())
    response = client.post(url, {"category": "", "description": "The totals for March look doubled."})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The totals for March look doubled." in html
    assert "usa-alert--error" in html
    assert not QualityReport.objects.exists()


def test_a_report_page_never_shows_who_sent_it_and_hostile_markdown_is_inert(client):
    _publisher, dataset, _editor, _admin = publisher_with_dataset()
    reporter = resident(email="someone.private@example.org")
    created = report(
        dataset, by=reporter, description="<script>alert(1)</script> [click](javascript:alert(2)) <img src=x onerror=y>"
    )
    html = client.get(created.get_absolute_url()).content.decode()
    assert "someone.private" not in html
    assert "<script>alert(1)" not in html
    assert 'href="javascript' not in html
    assert "<img src=x" not in html
    listing = client.get(f"/datasets/{dataset.name}/quality/").content.decode()
    assert f"#{created.pk}" in listing
    assert "someone.private" not in listing
    publisher_list = client.get(f"/organizations/{dataset.publisher.slug}/quality/").content.decode()
    assert f"#{created.pk}" in publisher_list


def test_the_steward_answers_through_the_page_and_wont_fix_needs_a_reason(client):
    _publisher, dataset, editor, _admin = publisher_with_dataset()
    created = report(dataset)
    client.force_login(editor)
    answer = f"/datasets/{dataset.name}/quality/{created.pk}/answer/"
    refused = client.post(answer, {"outcome": "wont_fix", "note": ""})
    assert refused.status_code == 400
    assert "Say why this will not be fixed" in refused.content.decode()
    assert client.post(answer, {"outcome": "confirmed", "note": "Checking."}).status_code == 302
    assert client.post(answer, {"outcome": "fixed", "note": "Fixed the feed."}).status_code == 302
    created.refresh_from_db()
    assert created.status == ReportStatus.FIXED


def test_a_resident_cannot_answer_reports(client):
    _publisher, dataset, _editor, _admin = publisher_with_dataset()
    created = report(dataset)
    client.force_login(resident())
    response = client.post(f"/datasets/{dataset.name}/quality/{created.pk}/answer/", {"outcome": "fixed"})
    assert response.status_code == 403
    assert "answer-outcome" not in client.get(created.get_absolute_url()).content.decode()


def test_the_data_api_table_page_links_to_a_report_anchored_to_a_column_or_a_row(client):
    table = published_table()
    html = client.get(table.get_absolute_url()).content.decode()
    base = f"/datasets/{table.dataset.name}/quality/new/?table={table.name}"
    assert base in html
    first, offense = table.schema["fields"][0]["name"], table.schema["fields"][1]["name"]
    assert f"{base}&amp;column={offense}" in html
    assert f"{base}&amp;row={first}%3DI-" in html
    client.force_login(resident())
    form = client.get(f"{base}&column={offense}").content.decode()
    assert f'value="{offense}"' in form
    response = client.post(
        f"/datasets/{table.dataset.name}/quality/new/",
        {"category": "wrong_values", "description": "LARCENY is misspelt.", "table": table.name, "column": offense},
    )
    assert response.status_code == 302
    created = QualityReport.objects.get()
    assert created.table == table
    assert created.column == offense


def test_the_publisher_dashboard_shows_quality_scores(client):
    publisher, dataset, editor, _admin = publisher_with_dataset()
    client.force_login(editor)
    html = client.get(f"/publishers/{publisher.slug}/dashboard/").content.decode()
    assert "Average quality score" in html
    assert dataset.title in html


def test_reports_about_a_draft_stay_private(client):
    _publisher, dataset, _editor, _admin = publisher_with_dataset(published=False)
    assert client.get(f"/datasets/{dataset.name}/quality/").status_code == 404


def test_the_report_lists_link_to_their_csv_and_a_publishers_csv_covers_its_departments(client):
    from civicdata.accounts.tests.factories import make_organization
    from civicdata.catalog.tests.factories import make_dataset

    publisher, dataset, _editor, _admin = publisher_with_dataset()
    department = make_organization("Parks office", org_type="bureau", parent=publisher)
    own = report(dataset, description="Own dataset report")
    below = report(make_dataset(department), description="Department dataset report")
    dataset_csv = f"/api/quality-reports/export.csv?dataset={dataset.name}"
    assert dataset_csv in client.get(f"/datasets/{dataset.name}/quality/").content.decode()
    publisher_csv = f"/api/quality-reports/export.csv?publisher={publisher.slug}"
    assert publisher_csv in client.get(f"/organizations/{publisher.slug}/quality/").content.decode()
    body = client.get(publisher_csv).content.decode()
    assert own.description in body
    assert below.description in body
    assert own.description in client.get(dataset_csv).content.decode()
    assert below.description not in client.get(dataset_csv).content.decode()


def test_the_dataset_page_with_every_community_part_runs_as_many_queries_when_busy(
    client, django_assert_max_num_queries
):
    """Stories, reuses, discussions and quality reports all join the dataset page: with many of each it
    runs no more queries than with one of each (bench/community_pages.py measures it at full size)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from civicdata.community import services
    from civicdata.community.tests.factories import make_reuse, make_story

    _publisher, dataset, editor, _admin = publisher_with_dataset()

    def add_one_of_each(n: int) -> None:
        make_story(datasets=(dataset,))
        make_reuse(datasets=(dataset,), title=f"Bus delay map {n}")
        report(dataset)
        discussion = services.start_discussion(dataset, by=resident(), title=f"Question {n}", body="Why?")
        services.reply(discussion, by=editor, body="Because.", as_publisher=True)

    add_one_of_each(0)
    client.get(dataset.get_absolute_url())  # warm the caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(dataset.get_absolute_url()).status_code == 200
    for n in range(1, 8):
        add_one_of_each(n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(dataset.get_absolute_url())
    html = response.content.decode()
    assert "Bus delay map 7" in html
    assert "Where the buses run late" in html
    assert f"/datasets/{dataset.name}/discussions/" in html
    assert "Quality score:" in html
