"""Pages of the Data API: the table page without JavaScript, charts, loading and staff reviews."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from civicdata.accounts.tests.factories import make_member, make_user
from civicdata.datastore.models import Chart, DataTable, IngestJob, JobStatus, PiiDecision
from civicdata.datastore.preview import preview_context

from .factories import CRIME_CSV, load_table, make_published_dataset, published_table

pytestmark = pytest.mark.django_db


def test_table_page_filters_sorts_and_pages_without_javascript(client: Client, django_assert_max_num_queries) -> None:
    """Query-string filters, sort links and the next-page link all work as plain links."""
    table = published_table()
    url = table.get_absolute_url()
    with django_assert_max_num_queries(8):
        response = client.get(url + "?offense=LARCENY&sort=-incident&limit=2")
    assert response.status_code == 200
    html = response.content.decode()
    assert "I-5" in html
    assert "I-3" in html
    assert "I-1" not in html
    assert 'rel="next"' in html
    assert "&lt;b&gt;bold&lt;/b&gt;" not in html  # filtered out here, but never rendered raw
    assert "Add filter" in html


def test_cells_are_escaped(client: Client) -> None:
    """Markup in a cell is shown as text, not rendered."""
    table = published_table()
    html = client.get(table.get_absolute_url() + "?incident=I-2").content.decode()
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "<b>bold</b>" not in html


def test_add_filter_form_redirects_to_a_canonical_link(client: Client) -> None:
    """The filter builder (a GET form) becomes a `col__op=value` address."""
    table = published_table()
    response = client.get(table.get_absolute_url() + "?add_col=shooting&add_op=gte&add_value=1")
    assert response.status_code == 302
    assert response["Location"].endswith("?shooting__gte=1#results")


def test_bad_filter_shows_valid_columns(client: Client) -> None:
    """An unknown column gives a 400 page listing the valid columns and operators."""
    table = published_table()
    response = client.get(table.get_absolute_url() + "?nope=1")
    assert response.status_code == 400
    assert "offense" in response.content.decode()


def test_chart_builder_renders_svg(client: Client) -> None:
    """The chart builder shows an SVG aggregated in DuckDB, from a GET form."""
    table = published_table()
    page = client.get(table.get_absolute_url() + "?chart_type=bar&x=district&aggregate=count")
    assert "chart.svg?" in page.content.decode()
    svg = client.get(table.get_absolute_url() + "chart.svg?type=bar&x=district&aggregate=count")
    assert svg.status_code == 200
    assert svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content
    assert b"Roxbury" in svg.content


def test_saved_chart_is_embeddable_as_svg_and_png(client: Client) -> None:
    """Editors save a chart (POST with CSRF); anyone can fetch it as SVG or PNG."""
    table = published_table()
    editor = make_member(table.dataset.publisher)
    client.force_login(editor)
    response = client.post(
        reverse("datastore:chart_save", kwargs={"dataset": table.dataset.name, "table": table.name}),
        {"chart_type": "map", "aggregate": "count", "title": "Where"},
    )
    assert response.status_code == 302
    chart = Chart.objects.get(table=table)
    client.logout()
    assert client.get(chart.svg_url()).content.startswith(b"<svg")
    assert client.get(chart.png_url()).content.startswith(b"\x89PNG")


def test_visitors_cannot_save_charts(client: Client) -> None:
    """Saving a chart needs an editor of the publisher."""
    table = published_table()
    client.force_login(make_user())
    response = client.post(
        reverse("datastore:chart_save", kwargs={"dataset": table.dataset.name, "table": table.name}),
        {"chart_type": "bar", "x": "district", "aggregate": "count"},
    )
    assert response.status_code == 403
    assert not Chart.objects.exists()


def test_upload_runs_the_load_and_shows_progress(client: Client, django_capture_on_commit_callbacks) -> None:
    """An editor uploads a CSV; the task loads it and the job page reports the result."""
    dataset = make_published_dataset()
    client.force_login(make_member(dataset.publisher))
    upload = SimpleUploadedFile("crime.csv", CRIME_CSV.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("datastore:load", kwargs={"dataset": dataset.name}),
            {"distribution": dataset.distributions.first().pk, "name": "crime", "file": upload},
        )
    assert response.status_code == 302
    job = IngestJob.objects.get()
    assert job.status == JobStatus.SUCCEEDED
    page = client.get(response["Location"])
    assert "5 rows are now served" in page.content.decode()
    assert DataTable.objects.get(name="crime").row_count == 5


def test_job_page_polls_while_running(client: Client) -> None:
    """A running job's page has the htmx poll and a no-JavaScript refresh."""
    dataset = make_published_dataset()
    table, _job = load_table(dataset)
    job = IngestJob.objects.create(table=table, source_kind="path", source="/x.csv", status=JobStatus.RUNNING)
    client.force_login(make_member(dataset.publisher))
    html = client.get(job.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert 'http-equiv="refresh"' in html


def test_failed_job_names_row_and_column(client: Client) -> None:
    """A ragged file's job page lists the bad rows."""
    dataset = make_published_dataset()
    _table, job = load_table(dataset, "a,b\n1,2\n3\n")
    client.force_login(make_member(dataset.publisher))
    html = client.get(job.get_absolute_url()).content.decode()
    assert "Row 2" in html
    assert "still being served" in html


def test_staff_pages_need_an_editor(client: Client) -> None:
    """Schema, quality and privacy pages are for the publisher's editors only."""
    table = published_table()
    kwargs = {"dataset": table.dataset.name, "table": table.name}
    client.force_login(make_user())
    for name in ("datastore:schema", "datastore:quality", "datastore:pii"):
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 403
    client.force_login(make_member(table.dataset.publisher))
    for name in ("datastore:schema", "datastore:quality", "datastore:pii"):
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 200


def test_schema_page_saves_titles(client: Client) -> None:
    """The schema form changes a column title."""
    table = published_table()
    client.force_login(make_member(table.dataset.publisher))
    url = reverse("datastore:schema", kwargs={"dataset": table.dataset.name, "table": table.name})
    data = {}
    for f in table.schema["fields"]:
        prefix = f"f-{f['name']}"
        data.update({f"{prefix}-title": f["title"], f"{prefix}-type": f["type"], f"{prefix}-format": f["format"]})
    data["f-district-title"] = "Police district"
    assert client.post(url, data).status_code == 302
    table.refresh_from_db()
    assert {f["name"]: f["title"] for f in table.schema["fields"]}["district"] == "Police district"


def test_pii_page_records_a_decision(client: Client) -> None:
    """The review page lists masked samples and records a justification."""
    dataset = make_published_dataset()
    table, _job = load_table(dataset, "name,email\nAna Diaz,ana@example.org\n", name="people")
    client.force_login(make_member(dataset.publisher))
    url = reverse("datastore:pii", kwargs={"dataset": dataset.name, "table": table.name})
    html = client.get(url).content.decode()
    assert "ana@example.org" not in html
    assert "a••@e••••••.o••" in html
    client.post(url, {"column": "email", "action": "justify", "justification": "Shared mailbox of the office."})
    assert PiiDecision.objects.filter(table=table, column="email").exists()


def test_publish_is_refused_while_pii_is_pending(client: Client) -> None:
    """The publish button explains what is still to review."""
    dataset = make_published_dataset()
    table, _job = load_table(dataset, "name,email\nAna Diaz,ana@example.org\n", name="people")
    client.force_login(make_member(dataset.publisher))
    url = reverse("datastore:publish", kwargs={"dataset": dataset.name, "table": table.name})
    response = client.post(url, {"action": "publish"}, follow=True)
    assert "Review the possible personal data first" in response.content.decode()
    table.refresh_from_db()
    assert table.status == "ready"


def test_preview_context_for_the_dataset_page() -> None:
    """The preview gives first rows, column summaries and charts of visible tables."""
    table = published_table()
    context = preview_context(table.dataset, make_user())
    preview = context["datastore_previews"][0]
    assert len(preview["rows"]) == 5
    summary = {s["name"]: s for s in preview["summaries"]}
    assert summary["shooting"]["max"] == 1
    assert summary["note"]["missing"] == 1
    from django.template.loader import render_to_string

    html = render_to_string("datastore/_preview.html", context)
    assert "Column summaries" in html


def test_cli_load_command(tmp_path) -> None:
    """`civicdata datastore load FILE --dataset ID` loads and reports the row count."""
    import io

    dataset = make_published_dataset()
    source = tmp_path / "x.csv"
    source.write_text(CRIME_CSV)
    out = io.StringIO()
    call_command("datastore_load", str(source), dataset=dataset.identifier, table="crime", stdout=out)
    assert "Loaded 5 rows" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text("<!doctype html><html></html>")
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="web page"):
        call_command("datastore_load", str(bad), dataset=dataset.identifier, table="crime", stdout=out)


def test_demo_loads_real_tables_with_charts() -> None:
    """The demo loads both real city extracts, publishes them and saves at least one chart."""
    import random

    from civicdata.accounts.tests.factories import make_organization
    from civicdata.datastore import demo

    make_organization("Police", slug="police")
    make_organization("Housing", slug="housing")
    demo.load(random.Random(1), __import__("io").StringIO())
    tables = DataTable.objects.order_by("name")
    assert [t.name for t in tables] == ["incidents", "permits"]
    assert all(t.status == "published" for t in tables)
    assert tables[0].row_count == 1500
    assert Chart.objects.count() >= 1


def test_a_new_chart_is_landed_on(client: Client) -> None:
    """The chart builder sends the person to the chart it draws (below the form), and saving a chart lands on
    the saved chart, instead of the top of the page or the section heading above the form."""
    import re

    table = published_table()
    html = client.get(table.get_absolute_url() + "?chart_type=bar&x=district&aggregate=count").content.decode()
    builder = re.search(r'<form method="get" action="#([\w-]+)"[^>]*>(?:(?!</form>).)*name="chart_type"', html, re.S)
    assert builder, "no chart builder form with an anchor"
    target = builder.group(1)
    anchor = html.index(f'id="{target}"')
    assert anchor > builder.end(), "the anchor is above the builder, not on the new chart"
    assert "chart.svg?" in html[anchor : anchor + 600]

    client.force_login(make_member(table.dataset.publisher))
    response = client.post(
        reverse("datastore:chart_save", kwargs={"dataset": table.dataset.name, "table": table.name}),
        {"chart_type": "bar", "x": "district", "aggregate": "count", "title": "By district"},
    )
    chart = Chart.objects.get(table=table)
    assert response["Location"].endswith(f"#chart-{chart.pk}")
    assert f'id="chart-{chart.pk}"' in client.get(table.get_absolute_url()).content.decode()
