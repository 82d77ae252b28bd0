"""Formula neutralising and the streaming CSV/XLSX writers every download shares."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest

from civicdata.core import spreadsheet


@pytest.mark.parametrize(
    "payload",
    ["=1+1", '=HYPERLINK("http://evil.example","x")', "+1", "-2", "@SUM(A1)", "\t=cmd", "\r=cmd", "=cmd|' /C calc'!A0"],
)
def test_formula_payloads_get_an_apostrophe(payload: str) -> None:
    """Text a spreadsheet would run as a formula is prefixed with an apostrophe, nothing else changes."""
    assert spreadsheet.neutralise(payload) == "'" + payload


@pytest.mark.parametrize("value", ["plain", " =1", "a=b", "", "'=already", 5, -3.5, None, True, dt.date(2024, 1, 2)])
def test_other_values_pass_unchanged(value: object) -> None:
    """Numbers, dates, empty cells and text that does not start like a formula are left alone."""
    assert spreadsheet.neutralise(value) == value


def test_csv_chunks_neutralise_cells_and_header_and_keep_numbers() -> None:
    """CSV is RFC 4180 with CRLF; text cells and header names are neutralised, numbers are not."""
    text = spreadsheet.csv_text(["=h", "b"], [("=1+1", -3.5), ('say "hi",\nthen', None)])
    assert text == '\'=h,b\r\n\'=1+1,-3.5\r\n"say ""hi"",\nthen",\r\n'


def test_csv_chunks_stream_lazily_in_fixed_row_counts() -> None:
    """The writer pulls rows as it goes and cuts a chunk every `rows_per_chunk` rows."""
    pulled: list[int] = []

    def rows():
        for i in range(10):
            pulled.append(i)
            yield (i,)

    chunks = spreadsheet.csv_chunks(["n"], rows(), rows_per_chunk=4)
    first = next(chunks)
    assert first == "n\r\n0\r\n1\r\n2\r\n3\r\n"
    assert len(pulled) == 4
    rest = list(chunks)
    assert rest == ["4\r\n5\r\n6\r\n7\r\n", "8\r\n9\r\n"]


def test_csv_of_no_rows_is_the_header() -> None:
    assert list(spreadsheet.csv_chunks(["a", "b"], [])) == ["a,b\r\n"]


def test_csv_replaces_lone_surrogates_so_chunks_encode() -> None:
    """A lone surrogate (found in real catalogs) cannot reach the UTF-8 encoder."""
    (chunk,) = spreadsheet.csv_chunks(["a"], [("bad \udcff end",)])
    assert chunk.encode("utf-8") == b"a\r\nbad ? end\r\n"


def test_csv_keeps_huge_cells_whole() -> None:
    """A very long cell (with line breaks) round-trips through the csv module."""
    big = "x" * 200_000 + "\n" + "y" * 10
    text = spreadsheet.csv_text(["a"], [(big,)])
    csv.field_size_limit(1 << 20)
    assert list(csv.reader(io.StringIO(text, newline=""))) == [["a"], [big]]


def test_xlsx_stores_text_as_inert_text(tmp_path) -> None:
    """Cells stay text (never formulas or links), formula-like text is neutralised, numbers and dates keep
    their type, and text longer than Excel's cell limit is cut to it."""
    path = tmp_path / "out.xlsx"
    path.write_bytes(
        b"".join(
            spreadsheet.xlsx_chunks(
                ["name", "n", "when"],
                [
                    ("=1+1", 2, dt.datetime(2024, 1, 2, 3, 4, tzinfo=dt.UTC)),
                    ("http://example.org", None, None),
                    ("z" * 40_000, -1.5, None),
                ],
                sheet="a" * 40,
            )
        )
    )
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["a" * 31]
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0] == ("name", "n", "when")
    assert rows[1][:2] == ("'=1+1", 2)
    assert rows[1][2].isoformat() == "2024-01-02T03:04:00"  # a real date cell, time zone removed
    assert book.active.cell(row=2, column=1).data_type == "s"
    assert rows[2] == ("http://example.org", None, None)
    assert book.active.cell(row=3, column=1).hyperlink is None
    assert len(rows[3][0]) == spreadsheet.XLSX_MAX_CHARS
    assert rows[3][1] == -1.5


def test_xlsx_refuses_more_rows_than_a_sheet_holds(monkeypatch) -> None:
    """Past the sheet's row limit the writer stops with a message pointing to CSV."""
    monkeypatch.setattr(spreadsheet, "XLSX_MAX_ROWS", 2)
    with pytest.raises(ValueError, match="download CSV"):
        b"".join(spreadsheet.xlsx_chunks(["a"], [(1,), (2,), (3,)]))
