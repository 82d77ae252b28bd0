"""Tables freed from PDFs: found per page with pdfplumber, chosen, given a header, loaded into the Data API
with the PDF kept beside them. Real municipal PDFs from ../shared/realdata/pdf, and one made here from HTML
with WeasyPrint."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from civicdata.accounts.tests.factories import make_member, make_organization
from civicdata.catalog.models import DistributionFile
from civicdata.catalog.tests.factories import make_dataset
from civicdata.core.errors import InvalidInput
from civicdata.datastore import pdftables
from civicdata.datastore.models import DataTable, IngestJob

REALDATA = Path(__file__).resolve().parents[4] / "shared" / "realdata" / "pdf"
WARN = REALDATA / "WARN-Report-for-7-1-2015-to-03-25-2016.pdf"
needs_warn = pytest.mark.skipif(not WARN.is_file(), reason="../shared/realdata/pdf is not beside the repository")

HTML = """<html><body><h1>Street repairs</h1>
<table style="border-collapse: collapse">
<tr><th style="border:1px solid #000">Street</th><th style="border:1px solid #000">Potholes</th>
<th style="border:1px solid #000">Cost</th></tr>
{rows}
</table></body></html>"""


def make_pdf(rows: int = 5) -> bytes:
    from weasyprint import HTML as WeasyHTML

    cells = "".join(
        f'<tr><td style="border:1px solid #000">Main St {i}</td><td style="border:1px solid #000">{i * 3}</td>'
        f'<td style="border:1px solid #000">{i * 100}.50</td></tr>'
        for i in range(1, rows + 1)
    )
    return WeasyHTML(string=HTML.format(rows=cells)).write_pdf()


@pytest.fixture
def made_pdf(tmp_path) -> Path:
    path = tmp_path / "repairs.pdf"
    path.write_bytes(make_pdf())
    return path


def test_a_ruled_table_made_from_html_is_found_with_its_cells(made_pdf):
    tables = pdftables.find_tables(made_pdf, [1])
    assert len(tables) == 1
    assert tables[0].rows[0] == ["Street", "Potholes", "Cost"]
    assert tables[0].rows[2] == ["Main St 2", "6", "200.50"]
    header, rows = pdftables.combine(tables, header_row=1)
    assert header == ["Street", "Potholes", "Cost"]
    assert len(rows) == 5


def test_the_header_can_be_another_row_or_written_by_hand(made_pdf):
    tables = pdftables.find_tables(made_pdf, [1])
    header, rows = pdftables.combine(tables, header_row=2)
    assert header == ["Main St 1", "3", "100.50"]
    assert len(rows) == 4
    header, rows = pdftables.combine(tables, header_row=0, column_names="street, potholes ,cost")
    assert header == ["street", "potholes", "cost"]
    assert rows[0] == ["Street", "Potholes", "Cost"]
    with pytest.raises(InvalidInput, match="Give 3 column names"):
        pdftables.combine(tables, header_row=1, column_names="a,b")


@pytest.mark.parametrize(
    ("spec", "expected"),
    [("", [1, 2, 3]), ("2", [2]), ("1-2, 3", [1, 2, 3]), (" 3 - 3 ", [3])],
)
def test_pages_are_written_as_numbers_and_ranges(spec, expected):
    assert pdftables.parse_pages(spec, 3) == expected


@pytest.mark.parametrize("spec", ["0", "4", "2-1", "one", "1;2"])
def test_pages_outside_the_pdf_or_unreadable_are_refused(spec):
    with pytest.raises(InvalidInput):
        pdftables.parse_pages(spec, 3)


def test_too_many_pages_at_once_are_refused():
    with pytest.raises(InvalidInput, match="at most"):
        pdftables.parse_pages(f"1-{pdftables.MAX_PAGES + 1}", 500)


def test_a_file_that_is_not_a_pdf_gets_a_clear_error(tmp_path):
    path = tmp_path / "fake.pdf"
    path.write_bytes(b"name,value\n1,2\n")
    with pytest.raises(InvalidInput, match="could not be read as a PDF"):
        pdftables.page_count(path)


@needs_warn
def test_a_table_running_over_pages_of_a_real_report_becomes_one_table():
    tables = pdftables.find_tables(WARN, [1, 2])
    assert [t.page for t in tables] == [1, 2]
    header, rows = pdftables.combine(tables, header_row=1)
    assert header[:4] == ["Notice Date", "Effective", "Received", "Company"]
    assert len(header) == 7
    assert len(rows) == len(tables[0].rows) - 1 + len(tables[1].rows)
    assert any(row[3] == "Boeing Company" and row[4] == "Long Beach" for row in rows)
    assert all(re.fullmatch(r"\d\d/\d\d/\d{4}", row[0]) for row in rows)


# -- the pages --------------------------------------------------------------------------------------


@pytest.fixture
def parks(db):
    return make_organization("Parks", slug="parks")


@pytest.fixture
def editor(parks):
    return make_member(parks)


def _upload(client, dataset, data: bytes, *, name="repairs.pdf", pages=""):
    return client.post(
        "/catalog/tools/pdf-tables/",
        {
            "dataset": dataset.pk,
            "file": SimpleUploadedFile(name, data, content_type="application/pdf"),
            "pages": pages,
            "strategy": "auto",
        },
    )


def test_an_editor_loads_a_pdf_table_and_the_pdf_is_kept_beside_it(
    client, parks, editor, django_capture_on_commit_callbacks
):
    dataset = make_dataset(parks, published=False)
    client.force_login(editor)
    response = _upload(client, dataset, make_pdf(rows=4))
    assert response.status_code == 302, response.content.decode()[:2000]
    review = client.get(response["Location"])
    page = review.content.decode()
    assert "Page 1, table 1: 5 rows, 3 columns" in page
    assert "Main St 2" in page
    with django_capture_on_commit_callbacks(execute=True):
        loaded = client.post(
            response["Location"], {"tables": ["1-1"], "title": "Street repairs", "header_row": "1", "column_names": ""}
        )
    job = IngestJob.objects.get()
    assert loaded["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    table = DataTable.objects.get()
    assert table.row_count == 4
    stored = {f.name: f for f in DistributionFile.objects.filter(dataset=dataset)}
    assert set(stored) == {"Street_repairs.csv", "repairs.pdf"}
    assert stored["repairs.pdf"].media_type == "application/pdf"
    assert client.get(stored["repairs.pdf"].get_absolute_url()).status_code == 200
    rows = list(
        csv.reader(io.StringIO(client.get(stored["Street_repairs.csv"].get_absolute_url()).getvalue().decode()))
    )
    assert rows[0] == ["Street", "Potholes", "Cost"]
    assert rows[1] == ["Main St 1", "3", "100.50"]


def test_a_fake_pdf_is_refused_on_the_upload_page(client, parks, editor):
    dataset = make_dataset(parks, published=False)
    client.force_login(editor)
    response = _upload(client, dataset, b"%PDF-1.4 but not really")
    assert response.status_code == 200
    assert "could not be read as a PDF" in response.content.decode()
    assert not DistributionFile.objects.exists()


def test_someone_elses_upload_token_is_refused(client, parks, editor):
    dataset = make_dataset(parks, published=False)
    client.force_login(editor)
    location = _upload(client, dataset, make_pdf(rows=2))["Location"]
    other = make_member(parks)
    client.force_login(other)
    response = client.get(location)
    assert response.status_code == 400
    assert "upload the file again" in response.content.decode()


def test_people_who_edit_nothing_cannot_use_the_tool(client, parks):
    from civicdata.accounts.tests.factories import make_user

    client.force_login(make_user())
    assert client.get("/catalog/tools/pdf-tables/").status_code == 403
    client.logout()
    assert client.get("/catalog/tools/pdf-tables/").status_code in (302, 403)


def test_uploads_left_half_way_are_swept_after_a_day(settings):
    import os
    import time

    from civicdata.datastore.services import tools

    old = tools.stash_upload(SimpleUploadedFile("a.pdf", b"%PDF old"))
    new = tools.stash_upload(SimpleUploadedFile("b.pdf", b"%PDF new"))
    past = time.time() - tools.STASH_SECONDS - 60
    os.utime(tools.stashed_path(old), (past, past))
    assert tools.sweep_stale_stashes(None) == 0
    assert not tools.stashed_path(old).exists()
    assert tools.stashed_path(new).exists()
