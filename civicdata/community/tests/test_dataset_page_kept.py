"""The dataset page keeps its expensive panels (Data API preview, quality score, stories, reuses) as rendered
HTML (civicdata.core.fragments): every change they show appears on the very next view, nothing personal is
kept across people, and the page's queries stay bounded however much the dataset carries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from civicdata.accounts.models import Role
from civicdata.accounts.tests.factories import make_member
from civicdata.catalog import services as catalog_services
from civicdata.catalog.records import dataset_pod
from civicdata.community import services
from civicdata.community.models import QualityReport
from civicdata.community.quality_score import dataset_score
from civicdata.community.tests.factories import make_reuse, make_story
from civicdata.community.tests.quality_factories import report, resident
from civicdata.core import fragments
from civicdata.datastore import services as datastore_services
from civicdata.datastore.tests.factories import CRIME_CSV, load_table, published_table

pytestmark = pytest.mark.django_db

#: The dataset page's queries for an anonymous visitor with every panel showing something (measured:
#: 14, of which two are the view counters' updates); the old page ran 17 and the bound must not creep.
PAGE_QUERIES = 14


@pytest.fixture(autouse=True)
def _fresh_process_cache():
    fragments.clear_local()
    yield
    fragments.clear_local()


def page(client: Client, dataset) -> str:
    response = client.get(dataset.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_a_reloaded_table_shows_its_new_rows_on_the_next_view(client: Client) -> None:
    table = published_table()
    dataset = table.dataset
    assert "I-1" in page(client, dataset)
    load_table(dataset, CRIME_CSV.replace("I-1,", "Z-9,"), name=table.name)
    table.refresh_from_db()
    assert table.status == "published"
    html = page(client, dataset)
    assert "Z-9" in html
    assert "I-1" not in html


def test_a_new_chart_and_a_renamed_table_show_on_the_next_view(client: Client) -> None:
    table = published_table()
    dataset = table.dataset
    page(client, dataset)
    datastore_services.save_chart(table, title="Incidents by district", chart_type="bar", x="district", by=None)
    html = page(client, dataset)
    assert "Chart: Incidents by district" in html
    type(table).objects.filter(pk=table.pk).update(title="Crime incidents 2021")
    assert "Data preview: Crime incidents 2021" in page(client, dataset)


def test_a_metadata_edit_shows_in_the_quality_score_on_the_next_view(client: Client) -> None:
    table = published_table()
    dataset = table.dataset
    before = page(client, dataset)
    assert f"Quality score: {dataset_score(dataset).value} out of 100" in before
    data = dataset_pod(dataset)
    data.pop("keyword", None)
    data.pop("temporal", None)
    dataset, _problems = catalog_services.update_dataset(dataset, data=data, by=None)
    after = dataset_score(dataset)
    html = page(client, dataset)
    assert f"Quality score: {after.value} out of 100" in html
    metadata = next(item for item in after.items if item.key == "metadata")
    assert metadata.explanation in html


def test_a_broken_link_shows_in_the_quality_score_on_the_next_view(client: Client) -> None:
    table = published_table()
    dataset = table.dataset
    page(client, dataset)
    distribution = dataset.distributions.first()
    # The link checker writes with a bare UPDATE (the dataset's updated_at does not move).
    catalog_services.record_link_result(distribution, status_code=404, ok=False)
    html = page(client, dataset)
    links = next(item for item in dataset_score(dataset).items if item.key == "links")
    assert links.explanation.startswith("1 of ")
    assert links.explanation in html
    assert f"Quality score: {dataset_score(dataset).value} out of 100" in html


def test_new_reports_discussions_reuses_and_stories_show_on_the_next_view(client: Client) -> None:
    table = published_table()
    dataset = table.dataset
    html = page(client, dataset)
    assert "0 problem reports are open." in html
    assert "Questions and answers (0)" in html
    assert "Nobody has shared a reuse of this dataset yet." in html

    report(dataset)
    assert "1 problem report is open." in page(client, dataset)
    services.start_discussion(dataset, by=resident(), title="Why is March doubled?", body="Totals look off.")
    assert "Questions and answers (1)" in page(client, dataset)
    make_reuse(datasets=(dataset,), title="Late bus tracker")
    assert "Late bus tracker" in page(client, dataset)
    story = make_story(datasets=(dataset,))
    assert story.title in page(client, dataset)


def test_a_report_past_its_answer_date_lowers_the_score_without_any_write(client: Client) -> None:
    table = published_table()
    dataset = table.dataset
    created = report(dataset)
    QualityReport.objects.filter(pk=created.pk).update(due_at=timezone.now() + dt.timedelta(seconds=2))
    assert "0 open reports are past their answer date." in page(client, dataset)
    QualityReport.objects.filter(pk=created.pk).update(due_at=timezone.now() - dt.timedelta(seconds=1))
    html = page(client, dataset)
    assert "1 open reports are past their answer date." in html
    assert f"Quality score: {dataset_score(dataset).value} out of 100" in html


def test_the_kept_panels_follow_the_language(client: Client) -> None:
    table = published_table()
    dataset = table.dataset
    english = page(client, dataset)
    assert "Data quality" in english
    assert "Data preview:" in english
    spanish = Client(headers={"accept-language": "es"}).get(dataset.get_absolute_url()).content.decode()
    assert "Calidad de los datos" in spanish
    assert "Data quality" not in spanish
    assert "Data preview:" not in spanish


def test_editors_keep_their_buttons_and_visitors_never_get_them(client: Client) -> None:
    table = published_table()
    dataset = table.dataset
    editor = make_member(dataset.publisher, role=Role.EDITOR)
    anonymous = page(client, dataset)  # the panels are kept from this view
    assert "Load a table for the Data API" not in anonymous
    editor_client = Client()
    editor_client.force_login(editor)
    html = page(editor_client, dataset)
    assert "Load a table for the Data API" in html
    assert f"/datasets/{dataset.name}/edit/" in html
    # And the other way round: what the editor's view kept gives the next visitor no staff controls.
    fragments.clear_local()
    assert "Load a table for the Data API" not in page(Client(), dataset)


def test_the_page_queries_stay_bounded_and_do_not_grow_with_what_the_dataset_carries(client: Client) -> None:
    table = published_table()
    dataset = table.dataset
    report(dataset)
    make_reuse(datasets=(dataset,))
    make_story(datasets=(dataset,))
    page(client, dataset)
    with CaptureQueriesContext(connection) as first:
        page(client, dataset)
    assert len(first.captured_queries) <= PAGE_QUERIES, [q["sql"][:120] for q in first.captured_queries]
    load_table(dataset, CRIME_CSV, name="second")
    for _ in range(5):
        report(dataset)
        make_reuse(datasets=(dataset,))
        services.start_discussion(dataset, by=resident(), title="A question", body="What does this column mean?")
    page(client, dataset)
    with CaptureQueriesContext(connection) as more:
        page(client, dataset)
    assert len(more.captured_queries) <= len(first.captured_queries)


def test_a_shared_cache_hit_needs_no_rendering(client: Client, monkeypatch) -> None:
    """A second process (an empty process cache) takes the panels from the shared cache, without reading
    the table again."""
    from civicdata.datastore import preview

    table = published_table()
    page(client, table.dataset)
    fragments.clear_local()

    def fail(*args, **kwargs):
        raise AssertionError("the preview was read again")

    monkeypatch.setattr(preview, "first_rows", fail)
    assert "I-1" in page(client, table.dataset)
