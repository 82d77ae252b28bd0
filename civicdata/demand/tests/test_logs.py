"""Reading, mapping and previewing demand logs (no database)."""

import io

import openpyxl
import pytest

from civicdata.demand.logs import (
    LogError,
    LogKind,
    Role,
    build_preview,
    infer_requester_type,
    kind_from_filename,
    normalise_header,
    parse_rows,
    propose_mapping,
    read_log,
    validate_mapping,
)
from civicdata.demand.tests.realdata import realdata_file

FOIA_DIR = "requests/usda_aphis_foia_logs_2010-2015"


def _roles(table, mapping):
    return {table.header[i]: role for i, role in mapping.items() if role is not Role.IGNORE}


def test_header_normalisation_matches_spacing_case_and_camel_case():
    """ "DATE      RECEIVED", "DateReceived" and "date_received" are the same header."""
    assert normalise_header("DATE      RECEIVED") == normalise_header("DateReceived")
    assert normalise_header("date_received") == "datereceived"
    assert normalise_header("Fecha de recepción") == "fechaderecepcion"


@pytest.mark.parametrize(
    "relative",
    ["2010/December.csv", "2011/June.csv", "2011/September.csv", "2013/March.csv"],
)
def test_changing_foia_headers_map_to_the_same_roles(relative):
    """The USDA logs renamed their columns over the years; every variant maps to the same roles."""
    path = realdata_file(f"{FOIA_DIR}/{relative}")
    table = read_log(path.read_bytes(), filename=path.name)
    roles = set(propose_mapping(table.header, kind=LogKind.FOIA).values())
    assert {
        Role.TRACKING_NUMBER,
        Role.RECEIVED_DATE,
        Role.DESCRIPTION,
        Role.CLOSED_DATE,
        Role.REQUESTER_NAME,
        Role.REQUESTER_ORGANIZATION,
    } <= roles


def test_all_usda_monthly_logs_preview_cleanly():
    """All 59 monthly logs read; nearly every row is importable and the personal name columns are dropped."""
    folder = realdata_file(FOIA_DIR)
    total = importable = 0
    for path in sorted(folder.glob("*/*.csv")):
        table = read_log(path.read_bytes(), filename=path.name)
        mapping = propose_mapping(table.header)
        assert not validate_mapping(mapping, table.header), path
        preview = build_preview(table, mapping, source="USDA APHIS FOIA log")
        assert preview.dropped_personal_columns, path
        total += preview.total_rows
        importable += preview.importable_rows
    assert total == 4281
    assert importable / total > 0.99


def test_la311_maps_service_request_columns():
    """The LA 311 export maps request type to description, created date and owner department."""
    path = realdata_file("requests/la311/MyLA311_2020_requests_seed.csv")
    table = read_log(path.read_bytes(), filename=path.name)
    mapping = propose_mapping(table.header, kind=LogKind.SERVICE_311)
    roles = _roles(table, mapping)
    assert roles["requesttype"] is Role.DESCRIPTION
    assert roles["createddate"] is Role.RECEIVED_DATE
    assert roles["owner"] is Role.DEPARTMENT
    preview = build_preview(table, mapping, source="LA 311")
    assert preview.total_rows == 10_000
    assert preview.problem_counts.get("bad_date", 0) == 0
    assert preview.sample[0].received_date.year == 2020


def test_ragged_rows_bad_dates_and_empty_descriptions_are_reported():
    """Problems are reported per row with line numbers; blocking ones keep rows out."""
    data = (
        b"Request ID,Received Date,Subject\n"
        b"A-1,2020-01-02,Budget data\n"
        b"A-2,not a date,Police data\n"
        b"A-3,2020-01-05,\n"
        b"A-4,2020-01-06,Parks,extra,values\n"
    )
    table = read_log(data, filename="log.csv")
    rows = list(parse_rows(table, propose_mapping(table.header), source="test"))
    codes = {row.tracking_number: [p.code for p in row.problems] for row in rows}
    assert codes == {
        "A-1": [],
        "A-2": ["bad_date"],
        "A-3": ["empty_description"],
        "A-4": ["ragged_row"],
    }
    assert [row.line for row in rows] == [2, 3, 4, 5]
    assert [row.importable for row in rows] == [True, False, False, True]


def test_windows_1252_file_is_decoded_and_mojibake_repaired():
    """A cp1252 file whose one damaged row ("CafÃ©", UTF-8 bytes kept inside it) reads right: that row's bytes
    are UTF-8, the other rows Windows-1252, and the line converted from Windows-1252 is named."""
    data = "Subject;Date received\nInformación de parques;03/02/2021\nCafÃ© permits;04/02/2021\n".encode("cp1252")
    table = read_log(data, filename="log.csv")
    rows = list(parse_rows(table, propose_mapping(table.header), source="x"))
    assert rows[0].description == "Información de parques"
    assert rows[1].description == "Café permits"
    assert rows[1].problems == ()
    assert table.repaired_lines == (2,)


def test_preamble_rows_before_the_header_are_skipped():
    """Agency titles above the header do not become the header."""
    data = b"City of Example public records log\nFY 2020\n\nCase #,Date Requested,Description\n1,1/2/2020,Trees\n"
    table = read_log(data, filename="log.csv")
    assert table.header == ["Case #", "Date Requested", "Description"]
    assert table.header_line == 4


def test_size_cap_and_non_tables_give_clear_errors():
    """Over-size, empty and binary files raise LogError with a readable message."""
    with pytest.raises(LogError, match="limit"):
        read_log(b"a,b\n" * 1000, filename="big.csv", max_bytes=100)
    with pytest.raises(LogError, match="empty"):
        read_log(b"   ", filename="e.csv")
    with pytest.raises(LogError, match="binary"):
        read_log(b"\x00\x01\x02\x03garbage", filename="x.csv")
    with pytest.raises(LogError, match="no data rows"):
        read_log(b"Subject,Date\n", filename="x.csv")
    with pytest.raises(LogError, match="damaged"):
        read_log(b"PK\x03\x04 not really a zip", filename="x.xlsx")


def test_row_cap():
    """Logs with more rows than allowed are refused rather than half read."""
    data = b"Subject\n" + b"x\n" * 50
    with pytest.raises(LogError, match="more than 10 rows"):
        read_log(data, filename="x.csv", max_rows=10)


def test_xlsx_logs_are_read_with_real_dates():
    """An XLSX log with date cells and numbers reads like the CSV equivalent."""
    import datetime as dt

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "Tracking Number",
            "Date Received",
            "Request Description",
            "Department",
            "Count",
        ]
    )
    sheet.append(
        [
            "R-1",
            dt.datetime(2021, 5, 4),  # noqa: DTZ001  (spreadsheet cells have no time zone)
            "Restaurant inspections",
            "Health",
            3,
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_log(buffer.getvalue(), filename="foia-2021.xlsx")
    assert table.file_format == "xlsx"
    [row] = parse_rows(table, propose_mapping(table.header), source="x")
    assert row.received_date == dt.date(2021, 5, 4)
    assert row.department == "Health"
    assert row.count == 3


def test_fingerprints_ignore_status_and_source_label():
    """Re-exported rows with a new status keep their fingerprint, and so does the same request under another
    source label; another request gets another fingerprint."""
    before = b"Request ID,Received,Subject,Status\nA-1,2020-01-02,Budget,open\n"
    after = b"Request ID,Received,Subject,Status\nA-1,2020-01-02,Budget ,closed\n"
    first = next(
        parse_rows(
            t := read_log(before, filename="a.csv"),
            propose_mapping(t.header),
            source="Clerk",
        )
    )
    second = next(
        parse_rows(
            t := read_log(after, filename="a.csv"),
            propose_mapping(t.header),
            source="Clerk",
        )
    )
    other = next(
        parse_rows(
            t := read_log(before, filename="a.csv"),
            propose_mapping(t.header),
            source="Police",
        )
    )
    assert first.fingerprint == second.fingerprint == other.fingerprint
    different = b"Request ID,Received,Subject,Status\nA-2,2020-01-02,Budget,open\n"
    third = next(parse_rows(t := read_log(different, filename="a.csv"), propose_mapping(t.header), source="Clerk"))
    assert third.fingerprint != first.fingerprint


def test_preview_counts_duplicates_within_a_file():
    """A row repeated in the same file is counted once and reported as a duplicate."""
    data = b"Subject,Date\nTrees,2020-01-01\nTrees,2020-01-01\nParks,2020-01-02\n"
    table = read_log(data, filename="x.csv")
    preview = build_preview(table, propose_mapping(table.header), source="s")
    assert (preview.total_rows, preview.importable_rows, preview.duplicate_rows) == (
        3,
        2,
        1,
    )


def test_mapping_validation_requires_a_description():
    """Without a description column the mapping is refused with a reason."""
    header = ["Date", "Status"]
    assert validate_mapping(propose_mapping(header), header) == ["Choose the column that describes what was requested."]


@pytest.mark.parametrize(
    ("organization", "expected"),
    [
        ("The Sacramento Bee", "journalist"),
        ("Harvard University", "researcher"),
        ("People for the Ethical Treatment of Animals (PETA)", "nonprofit"),
        ("Breakthrough Development Co. LLC", "business"),
        ("-", "resident"),
        ("", ""),
        ("Zorblax", "other"),
    ],
)
def test_requester_type_is_inferred_from_organisation(organization, expected):
    """Organisation names give an explainable requester type for analytics."""
    assert infer_requester_type(organization) == expected


def test_kind_from_filename():
    """The import command reads the log kind from the file name prefix."""
    assert kind_from_filename("foia-2020.csv") is LogKind.FOIA
    assert kind_from_filename("/tmp/311_export.xlsx") is LogKind.SERVICE_311
    assert kind_from_filename("search-log.csv") is LogKind.SEARCH
    assert kind_from_filename("export.csv") is None


def test_utf16_export_with_bom_is_read():
    """Spreadsheet programs save "Unicode text" as UTF-16 with a BOM; it reads like UTF-8."""
    data = "Subject\tDate received\nÁrboles urbanos\t2021-02-03\n".encode("utf-16")
    table = read_log(data, filename="log.txt")
    [row] = parse_rows(table, propose_mapping(table.header), source="x")
    assert row.description == "Árboles urbanos"
    assert str(row.received_date) == "2021-02-03"


def test_mixed_encodings_are_repaired_per_line():
    """A log pasted together from a UTF-8 and a Windows-1252 export reads right, and the preview names the
    converted lines; a UTF-8 line that went through Windows-1252 once (mojibake) is repaired too."""
    data = (
        "Request ID,Received,Subject\nA-1,2020-01-02,Café permits\n".encode()
        + "A-2,2020-01-03,Peña street repairs\n".encode("cp1252")
        + "A-3,2020-01-04,Ã‰cole lunches\n".encode()
    )
    table = read_log(data, filename="mixed.csv")
    subjects = [row[2] for row in table.rows]
    assert subjects == ["Café permits", "Peña street repairs", "École lunches"]
    assert table.repaired_lines == (3, 4)
    preview = build_preview(table, propose_mapping(table.header), source="s")
    assert any("lines 3, 4" in warning for warning in preview.warnings)
    assert "bad_encoding" not in preview.problem_counts


def test_lines_no_encoding_reads_are_refused_with_their_numbers():
    """Bytes Windows-1252 leaves undefined, in a Western file, make the log refused, naming the lines."""
    data = (
        "Request ID,Received,Subject\nA-1,2020-01-02,Café permits\n".encode()
        + "A-2,2020-01-03,Peña street repairs\n".encode("cp1252")
        + b"A-3,2020-01-04,Broken \x81\x8d bytes\n"
    )
    with pytest.raises(LogError, match="Lines 4 cannot be read"):
        read_log(data, filename="mixed.csv")


def test_windows_1252_names_are_not_read_as_another_code_page():
    """A short Windows-1252 table with a few accented names is read as Windows-1252 (charset-normalizer alone
    guesses Mac Central European or cp775 for some of them, which gave mojibake)."""
    from civicdata.core.tabular import decode_table, guess_encoding

    text = "permit,contact\nP1,ÁNGEL NÚÑEZ\nP2,Jesús Morin\nP3,LYNDI BLAKEY\nP4,Françoise\n"
    data = text.encode("cp1252")
    assert guess_encoding(data) == "cp1252"
    assert decode_table(data)[0] == text
    # Other scripts keep their own code page.
    assert guess_encoding("номер,заявитель\n1,Иван Петров\n2,Мария Иванова\n".encode("cp1251")) == "cp1251"
