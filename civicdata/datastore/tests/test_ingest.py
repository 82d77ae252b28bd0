"""Ingest: formats, encodings, header cleaning, type inference, bad input and atomic replacement."""

from __future__ import annotations

import codecs
import json
import zipfile
from pathlib import Path

import pytest

from civicdata.core.testing import realdata_path
from civicdata.datastore.ingest import IngestError, Limits, ingest_file
from civicdata.datastore.ingest.headers import clean_headers
from civicdata.datastore.ingest.infer import infer_column
from civicdata.datastore.ingest.sources import detect_encoding, sniff_delimiter
from civicdata.datastore.store import TableStore

from .helpers import PEOPLE_CSV, load_text, write


def rows(store: TableStore, relation: str = "t", sql: str = "SELECT * FROM data ORDER BY rowid") -> list[tuple]:
    return store.cursor(relation).execute(sql).fetchall()


def test_csv_types_are_inferred_and_values_cast(tmp_path: Path) -> None:
    """Integers, decimals, dates, booleans load typed; zero-padded codes stay text."""
    store, result = load_text(tmp_path, PEOPLE_CSV)
    types = {f.name: f.type for f in result.fields}
    assert types == {
        "id": "integer",
        "name": "string",
        "score": "number",
        "joined": "date",
        "active": "boolean",
        "zip": "string",
        "note": "string",
    }
    assert result.row_count == 5
    first = rows(store)[0]
    assert first[0] == 1
    assert first[2] == 3.5
    assert first[4] is True
    assert first[5] == "02134"
    assert rows(store)[2][2] is None  # empty cell is missing, not 0


def test_headers_are_cleaned_and_titles_kept() -> None:
    """Blank headers get column_N, duplicates a suffix, names become snake identifiers."""
    report = clean_headers(["  Permit  Number ", "", "Date", "date", "ÁREA (m²)", "rowid", "2020 total"])
    names = [c.name for c in report.columns]
    assert names == ["permit_number", "column_2", "date", "date_2", "area_m2", "rowid_col", "c_2020_total"]
    assert report.columns[0].title == "Permit Number"
    assert report.blank_positions == [2]
    assert report.duplicates == ["date"]


@pytest.mark.parametrize(
    ("name", "values", "expected"),
    [
        ("date_entered", ["1681189200000", "1698123600000"], ("datetime", "epoch_ms")),
        ("created", ["1681189200", "1698123600"], ("datetime", "epoch_s")),
        ("permit", ["2023023374", "2020047607"], ("integer", "default")),
        ("when", ["6/14/2021 19:49", "3/16/2021 3:25"], ("datetime", "%m/%d/%Y %H:%M")),
        ("stamp", ["2021-01-02T03:04:05Z", "2021-02-02T00:00:00+02:00"], ("datetime", "iso-tz")),
        ("location", ["(42.33, -71.06)", "(42.32, -71.05)"], ("geopoint", "lat-lon")),
        ("geometry", ["POINT (-86.79 36.13)", "POINT (-86.7 36.1)"], ("geopoint", "wkt")),
        ("flag", ["Y", "N", "y"], ("boolean", "default")),
        ("amount", ["1.5", "2", "-3e2"], ("number", "default")),
        ("code", ["007", "12"], ("string", "default")),
    ],
)
def test_type_inference(name: str, values: list[str], expected: tuple[str, str]) -> None:
    """Each value family is recognised with the format needed to cast it."""
    inferred = infer_column(name, values)
    assert (inferred.type, inferred.format) == expected


def test_delimiter_sniffing() -> None:
    """Semicolons, tabs and pipes are found from the agreement of row widths."""
    assert sniff_delimiter("a;b;c\n1;2,5;3\n4;5;6\n") == ";"
    assert sniff_delimiter("a\tb\n1\t2\n") == "\t"
    assert sniff_delimiter("a|b|c\n1|2|3\n") == "|"
    assert sniff_delimiter("a,b\n1,2\n") == ","


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252", "utf-16"])
def test_encodings_are_transcoded(tmp_path: Path, encoding: str) -> None:
    """UTF-8 with BOM, Windows-1252 and UTF-16 files load with their accents intact."""
    text = "name,city\nJosé,Málaga\n“Zoë”,Köln\n"
    source = tmp_path / "in.csv"
    source.write_bytes(text.encode(encoding))
    store = TableStore(tmp_path / "store")
    result = ingest_file(source, store=store, relation="t")
    assert [f.name for f in result.fields] == ["name", "city"]
    assert rows(store) == [("José", "Málaga"), ("“Zoë”", "Köln")]


def test_windows_1252_after_a_long_ascii_prefix(tmp_path: Path) -> None:
    """A legacy byte beyond the sniffed sample still loads (the whole file is validated)."""
    body = "".join(f"{i},plain\n" for i in range(200_000))
    source = tmp_path / "in.csv"
    source.write_bytes(("n,word\n" + body + "200000,caf\xe9\n").encode("latin-1"))
    store = TableStore(tmp_path / "store")
    result = ingest_file(source, store=store, relation="t")
    assert result.encoding == "cp1252"
    assert rows(store, sql="SELECT word FROM data WHERE n = 200000") == [("café",)]


def test_mixed_encodings_are_refused_with_the_line(tmp_path: Path) -> None:
    """UTF-8 text followed by a Windows-1252 byte is reported with its line number."""
    source = tmp_path / "in.csv"
    source.write_bytes("a,b\nJosé,1\n".encode() + b"Ren\xe9,2\n")
    with pytest.raises(IngestError) as info:
        ingest_file(source, store=TableStore(tmp_path / "s"), relation="t")
    assert info.value.code == "mixed_encoding"
    assert "Line 3" in info.value.message


def test_detect_encoding_for_utf16_without_bom(tmp_path: Path) -> None:
    """UTF-16 without a byte-order mark is recognised by its NUL bytes."""
    source = write(tmp_path / "x.csv", "a,b\n1,2\n", "utf-16-le")
    assert detect_encoding(source) == "utf-16-le"


def test_ragged_rows_name_row_and_column(tmp_path: Path) -> None:
    """Rows with too many or too few cells fail the load, naming the first bad row."""
    with pytest.raises(IngestError) as info:
        load_text(tmp_path, "a,b,c\n1,2,3\n4,5\n6,7,8,9\n")
    error = info.value
    assert error.code == "ragged_rows"
    assert error.row == 2
    assert "Row 2" in error.message
    assert len(error.details) == 2


def test_html_page_is_refused(tmp_path: Path) -> None:
    """A download link that serves a web page gives a clear message."""
    with pytest.raises(IngestError) as info:
        load_text(tmp_path, "<!DOCTYPE html><html><body>Not found</body></html>")
    assert info.value.code == "html_not_data"


def test_too_many_columns(tmp_path: Path) -> None:
    """A 5,000-column CSV is refused with the limit in the message."""
    header = ",".join(f"c{i}" for i in range(5000))
    with pytest.raises(IngestError) as info:
        load_text(tmp_path, header + "\n" + ",".join("1" for _ in range(5000)) + "\n")
    assert info.value.code == "too_many_columns"
    assert "2,000" in info.value.message


def test_oversize_file_is_refused(tmp_path: Path) -> None:
    """Files above the size limit are refused before reading."""
    with pytest.raises(IngestError) as info:
        load_text(tmp_path, PEOPLE_CSV, limits=Limits(max_file_bytes=10))
    assert info.value.code == "file_too_large"


def test_empty_file(tmp_path: Path) -> None:
    """An empty file is refused."""
    with pytest.raises(IngestError) as info:
        load_text(tmp_path, "")
    assert info.value.code == "empty_file"


def test_xlsx_loads_first_sheet(tmp_path: Path) -> None:
    """Spreadsheets are read with their typed cells."""
    import datetime as dt

    import xlsxwriter

    path = tmp_path / "book.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("permits")
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ["Permit", "Cost", "Issued"])
    for i in range(1, 4):
        sheet.write_row(i, 0, [f"P-{i}", i * 1000.5])
        sheet.write_datetime(i, 2, dt.datetime(2024, 1, i), date_format)  # noqa: DTZ001 - spreadsheet cells are naive
    book.close()
    store = TableStore(tmp_path / "s")
    result = ingest_file(path, store=store, relation="t")
    assert result.source_format == "xlsx"
    assert {f.name: f.type for f in result.fields}["cost"] == "number"
    assert rows(store)[0][:2] == ("P-1", 1000.5)


def test_xlsx_zip_bomb_is_refused_before_decompressing(tmp_path: Path) -> None:
    """A part that would expand far beyond its compressed size is refused from the zip directory."""
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 << 20))
    with pytest.raises(IngestError) as info:
        ingest_file(
            path, store=TableStore(tmp_path / "s"), relation="t", limits=Limits(xlsx_max_uncompressed_bytes=1 << 20)
        )
    assert info.value.code == "xlsx_too_large"
    with pytest.raises(IngestError) as info:
        ingest_file(path, store=TableStore(tmp_path / "s"), relation="t")
    assert info.value.code == "xlsx_zip_bomb"


def test_json_records(tmp_path: Path) -> None:
    """A JSON array of records loads with the union of keys; nested values become JSON text."""
    data = [{"id": 1, "name": "a", "tags": ["x"]}, {"id": 2, "extra": True}]
    store, result = load_text(tmp_path, json.dumps(data), name="in.json")
    assert [f.name for f in result.fields] == ["id", "name", "tags", "extra"]
    assert rows(store)[0] == (1, "a", '["x"]', None)


def test_json_that_is_not_records(tmp_path: Path) -> None:
    """An array of numbers is refused with the record number."""
    with pytest.raises(IngestError) as info:
        load_text(tmp_path, "[1, 2]", name="in.json")
    assert info.value.code == "json_not_records"


def test_geojson_points(tmp_path: Path) -> None:
    """GeoJSON features load their properties and a WKT point column."""
    doc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-71.06, 42.33]}, "properties": {"n": 1}},
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-71.05, 42.32]}, "properties": {"n": 2}},
        ],
    }
    store, result = load_text(tmp_path, json.dumps(doc), name="in.geojson")
    assert {f.name: (f.type, f.format) for f in result.fields}["geometry"] == ("geopoint", "wkt")
    assert rows(store)[0] == (1, "POINT (-71.06 42.33)")


def test_late_values_that_contradict_the_sample_keep_the_column_as_text(tmp_path: Path) -> None:
    """When row 6,000 holds text in a column sampled as integers, the column becomes text, no data lost."""
    body = "".join(f"{i},{i}\n" for i in range(6000)) + "6000,n/k\n"
    store, result = load_text(tmp_path, "id,code\n" + body, limits=Limits(sample_rows=5000))
    assert result.demoted_columns == ["code"]
    assert rows(store, sql="SELECT code FROM data WHERE id = 6000") == [("n/k",)]


def test_staff_types_are_applied_strictly_and_failures_counted(tmp_path: Path) -> None:
    """A staff-chosen type keeps bad cells as missing values and counts them for the quality report."""
    store, result = load_text(tmp_path, "id,code\n1,5\n2,x\n", overrides={"code": {"type": "integer"}})
    assert result.cast_failures == {"code": 1}
    assert rows(store, sql="SELECT * FROM _cast_failures") == [(2, "code")]


def test_failed_reload_keeps_previous_version_serving(tmp_path: Path) -> None:
    """A bad new file leaves the old table in place; a good one replaces it atomically."""
    store, first = load_text(tmp_path, "a,b\n1,2\n")
    bad = write(tmp_path / "bad.csv", "a,b\n1,2,3\n")
    with pytest.raises(IngestError):
        ingest_file(bad, store=store, relation="t")
    assert store.current_version("t") == first.version
    assert rows(store) == [(1, 2)]
    good = write(tmp_path / "good.csv", "a,b\n5,6\n7,8\n")
    second = ingest_file(good, store=store, relation="t")
    assert second.version > first.version
    assert rows(store) == [(5, 6), (7, 8)]
    assert len(store.versions("t")) <= 2


def test_reader_keeps_old_version_during_swap(tmp_path: Path) -> None:
    """A reader that opened the old version keeps reading it consistently after a swap."""
    store, _ = load_text(tmp_path, "a\n1\n2\n")
    old = store.cursor("t")
    ingest_file(write(tmp_path / "n.csv", "a\n9\n"), store=store, relation="t")
    assert old.execute("SELECT sum(a) FROM data").fetchone() == (3,)
    assert store.cursor("t").execute("SELECT sum(a) FROM data").fetchone() == (9,)


def test_progress_is_reported(tmp_path: Path) -> None:
    """The progress callback sees the stages in order, ending at 1.0."""
    seen: list[tuple[str, float]] = []
    load_text(tmp_path, PEOPLE_CSV, progress=lambda stage, f: seen.append((stage, f)))
    stages = [s for s, _ in seen]
    assert stages[0] == "checking"
    assert stages[-1] == "done"
    assert seen[-1][1] == 1.0


@pytest.mark.slow
def test_real_city_tables(tmp_path: Path) -> None:
    """Boston crime and Nashville permits load with their dates, epoch milliseconds and coordinates."""
    store = TableStore(tmp_path / "s")
    boston = ingest_file(
        realdata_path("city-csv/boston_crime_incidents_2021_sample7000.csv"), store=store, relation="boston"
    )
    assert boston.row_count == 7000
    assert boston.geo == ("lat", "long")
    kinds = {f.name: (f.type, f.format) for f in boston.fields}
    assert kinds["occurred_on_date"] == ("datetime", "%m/%d/%Y %H:%M")
    assert kinds["location"] == ("geopoint", "lat-lon")
    nashville = ingest_file(
        realdata_path("city-csv/nashville_building_permits_raw.csv"), store=store, relation="nashville"
    )
    assert nashville.row_count == 5996
    assert {f.name: f.format for f in nashville.fields}["date_entered"] == "epoch_ms"
    first = store.cursor("nashville").execute("SELECT date_entered FROM data LIMIT 1").fetchone()[0]
    assert first.year == 2023


def test_utf16_bom_detection(tmp_path: Path) -> None:
    """A UTF-16 BOM names the encoding."""
    source = tmp_path / "x.csv"
    source.write_bytes(codecs.BOM_UTF16_LE + "a\n1\n".encode("utf-16-le"))
    assert detect_encoding(source) == "utf-16"


@pytest.mark.parametrize(
    ("prefix", "row_end", "cell_break"),
    [
        ("", "\r\n", "\n"),  # what Excel writes: CRLF between rows, LF inside a cell
        ("\ufeff", "\r\n", "\n"),  # the same with Excel's "CSV UTF-8" BOM
        ("\ufeff", "\n", "\n"),
        ("", "\n", "\r\n"),
        ("", "\n", "\r"),  # old Mac line break inside the cell
    ],
)
def test_quoted_header_with_a_line_break_loads_every_row(
    tmp_path: Path, prefix: str, row_end: str, cell_break: str
) -> None:
    """A header cell holding a line break inside quotes (a wrapped title in a spreadsheet) is one header
    row: every data row loads and the title keeps its words."""
    header = f'"Permit{cell_break}Number",Status,"Fee{cell_break}(USD)"'
    text = prefix + row_end.join([header, "A-1,open,10", '"A-2","closed",20', ""])
    store, result = load_text(tmp_path, text)
    assert [(f.name, f.title) for f in result.fields] == [
        ("permit_number", "Permit Number"),
        ("status", "Status"),
        ("fee_usd", "Fee (USD)"),
    ]
    assert result.row_count == 2
    assert rows(store) == [("A-1", "open", 10), ("A-2", "closed", 20)]
