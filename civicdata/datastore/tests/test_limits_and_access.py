"""Issue 12: restricted-public rows stay with their publisher, byte caps on query answers, the SQL
sandbox says nothing about the server, exotic values serialise, binary files are not text, and saved
charts whose columns changed say so."""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.test import Client

from civicdata.accounts.tests.factories import make_member
from civicdata.datastore import services
from civicdata.datastore.ingest import IngestError, ingest_file
from civicdata.datastore.store import TableStore

from .factories import load_table, make_published_dataset, published_table

pytestmark = pytest.mark.django_db


def sql_get(client: Client, sql: str):
    return client.get("/api/data/sql?" + urlencode({"sql": sql}))


def restricted_table():
    dataset = make_published_dataset(accessLevel="restricted public")
    table, job = load_table(dataset)
    assert job.status == "succeeded", job.error
    for column in services.unresolved_pii(table):
        services.decide_pii(table, column=column, action="justify", justification="Public record.", by=None)
    return services.publish_table(table, by=None)


def test_restricted_public_rows_are_for_the_publisher_only(client: Client) -> None:
    """The catalog lists a restricted-public dataset, but its rows answer nobody outside the publisher."""
    table = restricted_table()
    for url in (table.get_absolute_url(), table.api_path, f"{table.api_path}.csv", f"{table.api_path}/schema"):
        assert client.get(url).status_code == 404, url
    refused = sql_get(client, f"select count(*) from {table.relation}")  # noqa: S608
    assert refused.status_code == 400  # the table is simply unknown to this person
    assert f"{table.dataset.name}/{table.name}" not in client.get("/api/openapi.json").content.decode()

    client.force_login(make_member(table.dataset.publisher))
    assert client.get(table.api_path).status_code == 200
    assert json.loads(sql_get(client, f"select count(*) from {table.relation}").content)["rows"] == [[5]]  # noqa: S608


def test_sql_answers_stop_at_the_byte_cap(client: Client, settings) -> None:
    """`repeat('x', 20000)` over 10,000 rows would be 200 MB; the answer stops at the cap and says so."""
    settings.DATASTORE_RESPONSE_MAX_MB = 1
    response = sql_get(client, "select repeat('x', 20000) as big from range(10000)")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["truncated"] is True
    assert body["truncated_by"] == "bytes"
    assert 0 < len(body["rows"]) < 60
    assert len(response.content) <= 1024 * 1024 + 4096
    assert body["byte_cap"] == 1024 * 1024


def test_a_table_page_over_the_byte_cap_asks_for_fewer_rows(client: Client, settings) -> None:
    table = published_table()
    settings.DATASTORE_RESPONSE_MAX_MB = 0
    response = client.get(table.api_path)
    assert response.status_code == 413
    error = json.loads(response.content)["error"]
    assert error["code"] == "response_too_large"
    assert "limit" in error["message"]


@pytest.mark.parametrize(
    "sql",
    [
        "select * from duckdb_databases()",
        "select * from duckdb_databases",
        "select * from duckdb_settings()",
        "select path from main.duckdb_databases",
        'select * from "duckdb_extensions"()',
        "select * from pragma_database_list",
        "select * from pg_settings",
        "select current_setting('temp_directory')",
        "select * from query('select * from duckdb_settings()')",
    ],
)
def test_functions_that_describe_the_server_are_refused(client: Client, sql: str) -> None:
    response = sql_get(client, sql)
    assert response.status_code == 400
    error = json.loads(response.content)["error"]
    assert error["code"] == "sql_rejected"
    assert "not available" in error["message"]


def test_error_messages_name_no_server_path(client: Client, settings) -> None:
    table = published_table()
    response = sql_get(client, f"select no_such_column from {table.relation}")  # noqa: S608
    assert response.status_code == 400
    message = json.loads(response.content)["error"]["message"]
    assert str(settings.DATA_DIR) not in message
    for probe in ("select * from src0.data", "select 1 from information_schema.schemata where 1/0 = 1"):
        text = sql_get(client, probe).content.decode()
        assert str(settings.DATA_DIR) not in text
        assert ".duckdb" not in text


def test_scrub_paths_hides_posix_and_windows_paths() -> None:
    from civicdata.datastore.guard import scrub_paths

    assert scrub_paths('Cannot open file "/srv/civicdata/var/tables/t_1.duckdb": x') == (
        'Cannot open file "[server file]": x'
    )
    assert "civicdata" not in scrub_paths(r"IO Error: C:\civicdata\var\t.duckdb is locked")
    assert scrub_paths("Division by zero") == "Division by zero"


def test_hugeint_uhugeint_and_timetz_results_serialise(client: Client) -> None:
    sql = (
        "select 170141183460469231731687303715884105727::hugeint as h, "
        "340282366920938463463374607431768211455::uhugeint as u, '12:00:00+02'::timetz as t, 7 as n"
    )
    response = sql_get(client, sql)
    assert response.status_code == 200, response.content[:300]
    row = json.loads(response.content)["rows"][0]
    hugeint, uhugeint = "170141183460469231731687303715884105727", "340282366920938463463374607431768211455"
    assert row == [hugeint, uhugeint, "12:00:00+02:00", 7]


def test_binary_junk_named_csv_is_not_text(tmp_path: Path) -> None:
    junk = tmp_path / "junk.csv"
    junk.write_bytes(bytes(range(256)) * 64)
    with pytest.raises(IngestError) as caught:
        ingest_file(junk, store=TableStore(tmp_path / "store"), relation="t")
    assert caught.value.code == "binary_not_data"
    assert "not text" in str(caught.value)
    assert "encoding" not in str(caught.value)


def test_a_legacy_encoded_file_is_still_text(tmp_path: Path) -> None:
    from civicdata.datastore.ingest.sources import looks_binary

    assert not looks_binary("name,city\nJosé,Bogotá\n".encode("cp1252"))
    assert not looks_binary(b"a\tb\r\n1\t2\r\n\x0c")
    assert not looks_binary("a,b\n1,2\n".encode("utf-16-le"))
    assert looks_binary(b"MZ\x90\x00\x03\x00\x00\x00")
    assert looks_binary(b"%PDF-1.7 a,b\n")
    # A UTF-8 BOM declares text: what breaks it later is a mix of encodings, not binary data.
    assert not looks_binary(b"\xef\xbb\xbfa,b\n" + bytes(range(32)) * 10)


def test_a_short_binary_file_named_csv_gets_the_one_refusal(tmp_path: Path) -> None:
    """A few bytes of a program renamed .csv are refused by the same check, code and message as a large one."""
    program = tmp_path / "tool.csv"
    program.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00")
    with pytest.raises(IngestError) as caught:
        ingest_file(program, store=TableStore(tmp_path / "store"), relation="t")
    assert caught.value.code == "binary_not_data"
    assert "not text" in str(caught.value)


def test_a_saved_chart_whose_columns_changed_says_so(client: Client) -> None:
    table = published_table()
    editor = make_member(table.dataset.publisher)
    chart = services.save_chart(table, title="By district", chart_type="bar", x="district", by=editor)
    assert client.get(chart.svg_url()).status_code == 200
    load_table(table.dataset, "code,amount\nA,1\nB,2\n", name=table.name, by=editor)
    table.refresh_from_db()
    assert "district" not in {f["name"] for f in table.schema["fields"]}

    image = client.get(chart.svg_url())
    assert image.status_code == 200
    assert image["X-Chart-State"] == "columns-changed"
    assert "columns changed" in image.content.decode()
    spec = client.get(chart.svg_url().replace(".svg", ".json"))
    assert spec.status_code == 409
    page = client.get(table.get_absolute_url())
    assert page.status_code == 200
    assert "can no longer be drawn" in page.content.decode()


def test_closing_the_store_waits_for_a_query_still_running_in_another_thread(tmp_path):
    """A request still reading a table (a web thread, or the live server of a browser test) when the store
    is closed: the close waits for that query instead of failing with DuckDB's "connection is busy"."""
    import threading

    from civicdata.datastore.tests.helpers import PEOPLE_CSV, load_text

    store, _result = load_text(tmp_path, PEOPLE_CSV)
    cursor = store.cursor("t")
    started, answers = threading.Event(), []

    def slow_query() -> None:
        started.set()
        # A query of a second or two (hashing 60 million numbers per row of the table).
        query = "SELECT count(*), sum(hash(r.range + d.id)) > 0 FROM data d, range(60000000) r"
        answers.append(cursor.execute(query).fetchone())

    worker = threading.Thread(target=slow_query)
    worker.start()
    started.wait()
    time.sleep(0.1)
    store.close()
    worker.join(timeout=60)
    assert answers == [(5 * 60000000, True)]
