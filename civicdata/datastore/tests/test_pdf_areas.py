"""PDF tables read from a chosen area of each page (pdfplumber's crop): typed as four numbers in percent
or PDF points, checked (inside the page, a positive size) with errors that keep what was typed, on the
page and in the API. Tested on the real California WARN report (a 7-column ruled table of 37 rows on
page 1 of a 792 × 612 point landscape page)."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from civicdata.accounts.tests.factories import make_member, make_organization
from civicdata.catalog.tests.factories import make_dataset
from civicdata.core.errors import InvalidInput
from civicdata.datastore import pdftables
from civicdata.datastore.models import DataTable
from civicdata.datastore.tests.test_pdf_tables import WARN, needs_warn


@needs_warn
def test_the_top_half_of_a_real_report_gives_only_its_rows():
    whole = pdftables.find_tables(WARN, [1])
    top = pdftables.find_tables(WARN, [1], area=pdftables.parse_area("0, 0, 100, 50"))
    assert [len(t.rows) for t in whole] == [37]
    assert len(top) == 1
    assert 5 < len(top[0].rows) < 37
    assert top[0].rows[0][:4] == ["Notice Date", "Effective", "Received", "Company"]
    assert top[0].rows == [*whole[0].rows[: len(top[0].rows) - 1], top[0].rows[-1]]
    bottom = pdftables.find_tables(WARN, [1], area=pdftables.parse_area("0, 50, 100, 100"))
    assert bottom
    assert "Notice Date" not in bottom[0].rows[0]


@needs_warn
def test_an_area_in_points_is_the_same_as_in_percent():
    in_points = pdftables.find_tables(WARN, [1, 2], area=pdftables.parse_area("0, 0, 792, 306", "points"))
    in_percent = pdftables.find_tables(WARN, [1, 2], area=pdftables.parse_area("0, 0, 100, 50"))
    assert [t.rows for t in in_points] == [t.rows for t in in_percent]
    assert [t.page for t in in_points] == [1, 2]


@needs_warn
def test_an_area_in_points_outside_the_page_is_refused_with_its_size():
    area = pdftables.parse_area("0, 0, 800, 300", "points")
    with pytest.raises(InvalidInput, match="792 points wide and 612 points high") as caught:
        pdftables.check_area(WARN, [1], area)
    assert caught.value.code == "bad_area"
    with pytest.raises(InvalidInput, match="outside page 1"):
        pdftables.find_tables(WARN, [1], area=area)


@pytest.mark.parametrize(
    ("spec", "unit", "says"),
    [
        ("10, 20, 30", "percent", "four numbers"),
        ("a, b, c, d", "percent", "four numbers"),
        ("0, 0, 120, 50", "percent", "between 0 and 100"),
        ("-5, 0, 50, 50", "points", "negative"),
        ("50, 0, 50, 80", "percent", "no size"),
        ("0, 60, 100, 40", "percent", "no size"),
        ("0, 0, 10, 10", "inches", "percent or in points"),
        ("nan, 0, 10, 10", "percent", "four numbers"),
    ],
)
def test_bad_areas_get_clear_errors(spec, unit, says):
    with pytest.raises(InvalidInput, match=says) as caught:
        pdftables.parse_area(spec, unit)
    assert caught.value.code == "bad_area"


def test_no_area_means_the_whole_page():
    assert pdftables.parse_area("  ") is None


@pytest.fixture
def parks(db):
    return make_organization("Parks", slug="parks")


@pytest.fixture
def editor(parks):
    return make_member(parks)


def _post(client, dataset, *, area, unit="percent"):
    return client.post(
        "/catalog/tools/pdf-tables/",
        {
            "dataset": dataset.pk,
            "file": SimpleUploadedFile("warn.pdf", WARN.read_bytes(), content_type="application/pdf"),
            "pages": "1",
            "strategy": "auto",
            "area": area,
            "area_unit": unit,
        },
    )


@needs_warn
def test_the_page_reads_the_chosen_area_and_keeps_a_bad_one_typed(client, parks, editor):
    dataset = make_dataset(parks, published=False)
    client.force_login(editor)
    refused = _post(client, dataset, area="0, 0, 800, 300", unit="points")
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "792 points wide" in page
    assert 'value="0, 0, 800, 300"' in page
    assert re.search(r'<input[^>]*value="points"[^>]*checked', page)
    response = _post(client, dataset, area="0, 0, 100, 50")
    assert response.status_code == 302, response.content.decode()[:2000]
    review = client.get(response["Location"]).content.decode()
    assert "Only this area of each page was read" in review
    assert "0, 0, 100, 50 %" in review
    rows = re.search(r"Page 1, table 1: (\d+) rows, 7 columns", review)
    assert rows, review
    assert 5 < int(rows.group(1)) < 37


@needs_warn
def test_the_api_takes_an_area(client, parks, editor, django_capture_on_commit_callbacks):
    dataset = make_dataset(parks, published=False)
    client.force_login(editor)

    def send(address, **fields):
        data = {"dataset": dataset.name, "file": SimpleUploadedFile("warn.pdf", WARN.read_bytes()), "pages": "1"}
        return client.post(address, {**data, **fields})

    whole = send("/api/tools/pdf-tables/found").json()
    top = send("/api/tools/pdf-tables/found", area="0, 0, 100, 50").json()
    assert [t["rows"] for t in whole] == [37]
    assert 5 < top[0]["rows"] < 37
    bad = send("/api/tools/pdf-tables/found", area="0, 0, 100")
    assert bad.status_code == 400
    assert "four numbers" in bad.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        loaded = send("/api/tools/pdf-tables", title="Layoffs", area="0, 0, 792, 306", area_unit="points")
    assert loaded.status_code == 201, loaded.content
    assert DataTable.objects.get().row_count == top[0]["rows"] - 1
