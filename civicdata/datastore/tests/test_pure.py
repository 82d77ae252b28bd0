"""Framework-free parts: query builder, SQL guard, writers, PII scan, quality, schema edits, charts."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import duckdb
import pytest

from civicdata.datastore import charts, formats, pii, quality
from civicdata.datastore.guard import Busy, Guard, QueryTimeout
from civicdata.datastore.query import QueryError, TableInfo, build_sql, fetch_page, parse_query
from civicdata.datastore.schema import SchemaError, apply_edits, build_schema
from civicdata.datastore.sql import SqlRejected, check_sql

from .helpers import PEOPLE_CSV, load_text

INFO = TableInfo(types={"id": "integer", "name": "string", "joined": "date", "score": "number"}, row_count=10)


def test_identifiers_are_quoted_and_values_bound() -> None:
    """A hostile value never reaches the SQL text; it is a bound parameter."""
    parsed = parse_query({"name": "x'; DROP TABLE data; --", "score__gte": "2"}, INFO)
    sql, params = build_sql(parsed)
    assert "DROP" not in sql
    assert params == ["x'; DROP TABLE data; --", 2.0]
    assert '"name" = ?' in sql


def test_unknown_column_error_lists_columns_and_operators() -> None:
    """Errors name the valid columns and operators."""
    with pytest.raises(QueryError) as info:
        parse_query({"nope__gt": "1"}, INFO)
    body = info.value.as_dict()
    assert body["valid_columns"] == ["id", "name", "joined", "score"]
    assert "startswith" in body["valid_operators"]


def test_typed_values_are_checked() -> None:
    """A date filter with a non-date value is a clear error."""
    with pytest.raises(QueryError, match="expected a date"):
        parse_query({"joined__gt": "yesterday"}, INFO)


def test_offset_refused_on_large_tables() -> None:
    """Large tables page with cursors only."""
    big = TableInfo(types=INFO.types, row_count=1_000_000, offset_max_rows=50_000)
    with pytest.raises(QueryError, match="cursor"):
        parse_query({"offset": "100"}, big)


def test_keyset_paging_with_nulls_and_ties(tmp_path: Path) -> None:
    """Cursor pages over a sort column with NULLs and ties return every row once, in order."""
    store, _result = load_text(tmp_path, "k,v\n" + "".join(f"{i % 3 if i % 4 else ''},{i}\n" for i in range(23)))
    cur = store.cursor("t")
    info = TableInfo(types={"k": "integer", "v": "integer"}, row_count=23, offset_max_rows=0)
    params: dict[str, str] = {"sort": "-k", "limit": "4"}
    seen: list[int] = []
    while True:
        page = fetch_page(cur, parse_query(params, info))
        seen.extend(row[1] for row in page.rows)
        if not page.next_cursor:
            break
        params["cursor"] = page.next_cursor
    expected = [
        v
        for _k, v in sorted(
            cur.execute("SELECT k, v FROM data").fetchall(), key=lambda r: (r[0] is None, -(r[0] or 0), r[1])
        )
    ]
    assert seen == expected


@pytest.mark.parametrize(
    "sql",
    [
        "COPY data TO 'x.csv'",
        "ATTACH 'x.db'",
        "INSTALL httpfs",
        "LOAD httpfs",
        "PRAGMA database_list",
        "SELECT 1; SELECT 2",
        "DELETE FROM data",
        "UPDATE data SET a = 1",
        "CREATE TABLE t AS SELECT 1",
        "SET threads = 8",
        "CALL pragma_version()",
        "EXPORT DATABASE 'x'",
        "",
        "SELEC 1",
    ],
)
def test_check_sql_accepts_only_one_select(sql: str) -> None:
    """Anything but exactly one SELECT is refused before it runs."""
    with pytest.raises(SqlRejected):
        check_sql(sql)


def test_check_sql_allows_select_with_cte() -> None:
    """A WITH … SELECT is one SELECT statement."""
    assert check_sql("WITH a AS (SELECT 1 AS x) SELECT x FROM a").startswith("WITH")


def test_guard_interrupts_long_queries() -> None:
    """The timer interrupts a runaway query and reports a timeout."""
    guard = Guard(timeout=0.3)
    cur = duckdb.connect().cursor()
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        guard.run(cur, "SELECT count(*) FROM range(100000000000) a")
    assert time.monotonic() - started < 5


def test_guard_refuses_when_full() -> None:
    """When every slot is taken, the next query is refused at once."""
    guard = Guard(max_concurrent=1, wait=0.01)
    guard.acquire()
    try:
        with pytest.raises(Busy):
            guard.acquire()
    finally:
        guard.release()
    assert guard._slots.acquire(blocking=False)


def test_guard_slots_are_released_by_closed_streams() -> None:
    """A download that stops early gives its slot back."""
    guard = Guard(max_concurrent=1)
    stream = guard.stream(duckdb.connect().cursor(), "SELECT * FROM range(100000)", seconds=10, batch=10)
    next(stream)
    stream.close()
    assert guard._slots.acquire(blocking=False)


def test_csv_neutralises_formulas_but_not_numbers() -> None:
    """Formula prefixes get an apostrophe; negative numbers stay numbers."""
    text = b"".join(formats.csv_stream(["a", "b"], [[("=1+1", -3.5), ("@SUM(A1)", 2), ("\tx", None)]])).decode()
    assert text.splitlines() == ["a,b", "'=1+1,-3.5", "'@SUM(A1),2", "'\tx,"]


def test_xml_is_well_formed_for_any_cell() -> None:
    """Control characters are dropped and markup escaped."""
    body = b"".join(formats.xml_stream(["a"], [[("x\x00\x1fy<&>",), (dt.date(2024, 1, 2),), (None,)]]))
    root = ET.fromstring(body)  # noqa: S314 - our own output
    assert [r.findtext("a") for r in root] == ["xy<&>", "2024-01-02", None]


def test_json_shapes() -> None:
    """Objects and arrays shapes carry the same rows."""
    rows = [[(1, dt.datetime(2024, 1, 2, 3, 4))]]  # noqa: DTZ001 - DuckDB TIMESTAMP values are naive
    objects = json.loads(b"".join(formats.json_stream(["n", "t"], rows)))
    arrays = json.loads(b"".join(formats.json_stream(["n", "t"], rows, shape="arrays")))
    assert objects["rows"] == [{"n": 1, "t": "2024-01-02T03:04:00"}]
    assert arrays["rows"] == [[1, "2024-01-02T03:04:00"]]


def test_pii_scan_flags_and_masks() -> None:
    """SSNs, e-mails and phones are found by value; names need a header hint; samples are masked."""
    found = {f.kind: f for f in pii.scan_column("x", "x", ["123-45-6789", "234-56-7890"])}
    assert "ssn" in found
    assert found["ssn"].samples[0] == "•••-••-••89"
    assert pii.scan_column("contact", "Contact", ["ana@example.org"])[0].kind == "email"
    assert [f.kind for f in pii.scan_column("district", "District", ["South End", "Back Bay"])] == []
    assert [f.kind for f in pii.scan_column("requester_name", "Requester", ["Ana Diaz", "Bo Li"])] == ["person_name"]
    assert [f.kind for f in pii.scan_column("dob", "DOB", ["1980-01-02"])] == ["date_of_birth"]


def test_quality_report(tmp_path: Path) -> None:
    """Duplicates, missing values and IQR outliers are counted."""
    body = "a,b\n" + "1,x\n" * 3 + "".join(f"{i},y{i}\n" for i in range(2, 20)) + "1000,\n"
    store, result = load_text(tmp_path, body)
    report = quality.quality_report(store.cursor("t"), build_schema(result))
    assert report["duplicate_rows"] == 2
    assert report["missing"]["b"]["count"] == 1
    assert report["outliers"]["a"]["count"] == 1


def test_the_word_null_stays_text_unless_the_column_is_typed(tmp_path: Path) -> None:
    """A text cell holding "null" or "N/A" keeps that text; in a number column they mean "no value" and are not
    counted as failed conversions; an empty cell is missing everywhere."""
    body = "surname,count\nnull,1\nN/A,null\nSmith,N/A\n,3\nLee,4\n"
    store, result = load_text(tmp_path, body)
    assert {f.name: f.type for f in result.fields} == {"surname": "string", "count": "integer"}
    assert result.cast_failures == {}
    rows = store.cursor("t").execute("SELECT surname, count FROM data").fetchall()
    assert rows == [("null", 1), ("N/A", None), ("Smith", None), (None, 3), ("Lee", 4)]
    schema = build_schema(result)
    assert schema["missingValues"] == [""]
    fields = {f["name"]: f for f in schema["fields"]}
    assert "missingValues" not in fields["surname"]
    assert "null" in fields["count"]["missingValues"]


def test_usual_range_of_a_non_negative_column_never_goes_below_its_smallest_value(tmp_path: Path) -> None:
    """A skewed column that is never negative (an area) gets a usual range starting at its smallest value,
    not a negative bound; a column with negative values keeps the plain 1.5 IQR bound."""
    areas = [1, 2, 3, 5, 8, 10, 12, 15, 20, 400, 500, 600, 9000]
    body = "area,delta\n" + "".join(f"{a},{a - 300}\n" for a in areas)
    store, result = load_text(tmp_path, body)
    report = quality.quality_report(store.cursor("t"), build_schema(result))
    assert report["outliers"]["area"]["low"] == 1
    assert report["outliers"]["area"]["high"] > 600
    assert report["outliers"]["delta"]["low"] < -299


def test_schema_edits_validate_and_report_retyping(tmp_path: Path) -> None:
    """Edits change titles and types; bad types and constraints are all reported."""
    _store, result = load_text(tmp_path, PEOPLE_CSV)
    schema = build_schema(result)
    new, retyped = apply_edits(schema, {"zip": {"type": "integer", "title": "ZIP code"}})
    assert retyped == ["zip"]
    assert {f["name"]: f["title"] for f in new["fields"]}["zip"] == "ZIP code"
    with pytest.raises(SchemaError) as info:
        apply_edits(schema, {"zip": {"type": "money"}, "id": {"constraints": {"pattern": "("}}})
    assert len(info.value.problems) == 2


def test_charts_aggregate_before_rendering(tmp_path: Path) -> None:
    """A bar chart of 1,000 rows ships only its groups to Vega-Lite and renders to SVG."""
    body = "district,n\n" + "".join(f"d{i % 4},{i}\n" for i in range(1000))
    store, result = load_text(tmp_path, body)
    schema = build_schema(result)
    spec = charts.make_chart(
        store.cursor("t"), charts.ChartRequest("bar", x="district", aggregate="sum", y="n"), schema
    )
    assert len(spec["data"]["values"]) == 4
    assert charts.render_svg(spec).startswith("<svg")
    with pytest.raises(charts.ChartError):
        charts.validate(charts.ChartRequest("line", x="district"), schema)


def test_store_swap_is_atomic_under_concurrent_readers(tmp_path: Path) -> None:
    """Readers opening the table during repeated swaps always see a complete version."""
    from civicdata.datastore.ingest import ingest_file

    store, _result = load_text(tmp_path, "a\n" + "1\n" * 1000)
    sums: list[int] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            sums.append(store.cursor("t").execute("SELECT sum(a) FROM data").fetchone()[0])

    reader = threading.Thread(target=read)
    reader.start()
    for n in range(2, 5):
        source = tmp_path / f"v{n}.csv"
        source.write_text("a\n" + f"{n}\n" * 1000)
        ingest_file(source, store=store, relation="t")
    stop.set()
    reader.join()
    assert set(sums) <= {1000, 2000, 3000, 4000}
    assert sums


def test_sql_built_csv_matches_the_python_writer() -> None:
    """CSV lines built in DuckDB quote and neutralise exactly like the Python writer."""
    cur = duckdb.connect()
    cur.execute("CREATE TABLE t (a VARCHAR, b DOUBLE)")
    values = [("=1+1", -3.5), ('say "hi", ok', 2.0), ("line\nbreak", None), (None, 1.0), ("-x", 0.5), ("plain", 3.0)]
    cur.executemany("INSERT INTO t VALUES (?, ?)", values)
    line = formats.csv_line_sql([('"a"', True), ('"b"', False)])
    rows = cur.execute(f"SELECT {line} FROM t ORDER BY rowid").fetchall()  # noqa: S608
    via_sql = b"".join(formats.csv_lines_stream(["a", "b"], [rows])).decode()
    via_python = b"".join(formats.csv_stream(["a", "b"], [values])).decode()
    assert via_sql == via_python


def test_the_outlier_check_of_a_large_table_fits_the_memory_limit(tmp_path: Path) -> None:
    """Exact quartiles of a 3,000,000-row table with four numeric columns need more memory than the store's
    limit allows (the load of a 1 GB CSV failed on it); above EXACT_QUARTILES_ROWS they are estimated, and the
    usual range stays close to the exact one."""
    connection = duckdb.connect(str(tmp_path / "big.duckdb"))
    connection.execute("SET memory_limit = '64MB'; SET threads = 1")
    connection.execute(
        "CREATE TABLE data AS SELECT i AS a, i % 1000 AS b, (i * 7) % 100003 AS c, i / 3.0 AS d "
        "FROM range(3000000) t(i)"
    )
    fields = [{"name": name, "type": "integer"} for name in "abcd"]
    with pytest.raises(duckdb.OutOfMemoryException):
        connection.execute("SELECT " + ", ".join(f"quantile_cont({n}, [0.25, 0.75])" for n in "abcd") + " FROM data")  # noqa: S608
    outliers = quality._outliers(connection.cursor(), fields, 3_000_000)
    assert outliers["a"]["count"] == 0
    assert abs(outliers["a"]["high"] - (2_250_000 + 1.5 * 1_500_000)) < 30_000  # exact: 4,499,999.25
    assert outliers["b"]["count"] == 0
