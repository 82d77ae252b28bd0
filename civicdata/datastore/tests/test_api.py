"""The Data API over HTTP: queries, paging, errors, downloads, SQL and the OpenAPI document."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from civicdata.accounts.tests.factories import make_member
from civicdata.datastore.models import TableStatus

from .factories import load_table, make_published_dataset, published_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def table():
    return published_table()


def get_json(client: Client, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    return json.loads(response.content)


def test_filters_sort_and_fields(client: Client, table, django_assert_max_num_queries) -> None:
    """Equality and operator filters combine; sort and fields shape the page."""
    with django_assert_max_num_queries(3):
        body = get_json(client, f"{table.api_path}?offense=LARCENY&shooting__lt=1&sort=-occurred&fields=incident")
    assert [r["incident"] for r in body["rows"]] == ["I-1", "I-3", "I-5"]
    assert [c["name"] for c in body["columns"]] == ["incident"]
    body = get_json(
        client, f"{table.api_path}?district__in=Roxbury,Dorchester&_shape=arrays&fields=incident&sort=incident"
    )
    assert body["rows"] == [["I-2"], ["I-3"], ["I-4"]]
    body = get_json(client, f"{table.api_path}?note__isnull=true&fields=incident")
    assert [r["incident"] for r in body["rows"]] == ["I-3"]
    body = get_json(client, f"{table.api_path}?q=south+larceny&fields=incident")
    assert [r["incident"] for r in body["rows"]] == ["I-1", "I-5"]
    body = get_json(client, f"{table.api_path}?occurred__gte=2021-03-01&fields=incident&sort=occurred")
    assert [r["incident"] for r in body["rows"]] == ["I-3", "I-2", "I-1"]


def test_cursor_paging_walks_every_row_once(client: Client, table) -> None:
    """Following `next` links with a multi-column sort returns each row exactly once."""
    url = f"{table.api_path}?sort=offense,-incident&limit=2&fields=incident,offense"
    seen = []
    while url:
        body = get_json(client, url)
        seen.extend(r["incident"] for r in body["rows"])
        url = body["next"]
    assert seen == ["I-2", "I-5", "I-3", "I-1", "I-4"]


def test_offset_paging_for_small_tables(client: Client, table) -> None:
    """offset works on small tables."""
    body = get_json(client, f"{table.api_path}?sort=incident&limit=2&offset=2&fields=incident")
    assert [r["incident"] for r in body["rows"]] == ["I-3", "I-4"]


def test_group_by_aggregates(client: Client, table) -> None:
    """group_by with count, sum and avg answers one row per group."""
    body = get_json(client, f"{table.api_path}?group_by=offense&sum=shooting&avg=lat&sort=-count")
    first = body["rows"][0]
    assert first["offense"] == "LARCENY"
    assert first["count"] == 3
    assert first["sum_shooting"] == 0


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("nope=1", "nope"),
        ("offense__like=x", "offense__like"),
        ("shooting=abc", "shooting"),
        ("sort=nope", "sort"),
        ("limit=20000", "limit"),
        ("sum=offense", "sum"),
        ("cursor=garbage", "cursor"),
    ],
)
def test_bad_parameters_list_valid_columns_and_operators(client: Client, table, query: str, param: str) -> None:
    """Every bad parameter answers 400 in the error envelope, with the valid columns and operators."""
    body = get_json(client, f"{table.api_path}?{query}", status=400)
    error = body["error"]
    assert error["code"] == "bad_parameter"
    assert error["details"]["param"] == param
    assert error["details"]["valid_columns"] == [
        "incident",
        "offense",
        "district",
        "shooting",
        "occurred",
        "lat",
        "long",
        "note",
    ]
    assert "gte" in error["details"]["valid_operators"]


def test_unpublished_table_is_hidden_from_the_public(client: Client) -> None:
    """A loaded but unpublished table is 404 for visitors and readable by the publisher's editors."""
    dataset = make_published_dataset()
    table, _job = load_table(dataset)
    assert table.status == TableStatus.READY
    assert client.get(table.api_path).status_code == 404
    editor = make_member(dataset.publisher)
    client.force_login(editor)
    assert client.get(table.api_path).status_code == 200


def test_csv_download_neutralises_formulas(client: Client, table) -> None:
    """The streamed CSV prefixes formula-like cells with an apostrophe and keeps numbers intact."""
    response = client.get(f"{table.api_path}.csv?sort=incident")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "incident"
    assert rows[1][7] == "'=cmd|' /C calc'!A0"
    assert rows[1][6] == "-71.06940877"
    assert len(rows) == 6


def test_xml_download_is_well_formed_for_any_cell(client: Client, table) -> None:
    """Markup and control characters in cells still give well-formed XML."""
    response = client.get(f"{table.api_path}.xml?sort=incident")
    root = ET.fromstring(b"".join(response.streaming_content))  # noqa: S314 - our own output
    notes = [row.findtext("note") for row in root.findall("row")]
    assert notes[1] == "<b>bold</b>"
    assert notes[4] == "control"


def test_geojson_download(client: Client, table) -> None:
    """Tables with latitude/longitude columns download as a FeatureCollection of points."""
    response = client.get(f"{table.api_path}.geojson?district=Roxbury&sort=incident")
    doc = json.loads(b"".join(response.streaming_content))
    assert doc["type"] == "FeatureCollection"
    assert len(doc["features"]) == 2
    assert doc["features"][0]["geometry"]["coordinates"] == [-71.06348926, 42.32103493]
    assert doc["features"][0]["properties"]["incident"] == "I-2"


def test_json_and_xlsx_downloads(client: Client, table) -> None:
    """The JSON download streams every row; the XLSX opens and neutralises formulas."""
    doc = json.loads(b"".join(client.get(f"{table.api_path}.json").streaming_content))
    assert len(doc["rows"]) == 5
    response = client.get(f"{table.api_path}.xlsx?sort=incident")
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[1][0] == "I-1"
    assert str(rows[1][7]).startswith("'=")


def test_table_schema_endpoint(client: Client, table) -> None:
    """The Table Schema is served as JSON with titles and types."""
    body = get_json(client, f"{table.api_path}/schema")
    assert {f["name"]: f["title"] for f in body["fields"]}["occurred"] == "Occurred"


def test_dataset_tables_listing(client: Client, table) -> None:
    """The dataset endpoint lists its tables with their columns and SQL names."""
    body = get_json(client, f"/api/data/{table.dataset.name}")
    assert body[0]["name"] == "incidents"
    assert body[0]["sql_name"] == table.relation


def test_openapi_lists_each_table_columns(client: Client, table) -> None:
    """The OpenAPI document names the published table and its column types."""
    doc = get_json(client, "/api/openapi.json")
    text = json.dumps(doc)
    assert f"{table.dataset.name}/incidents" in text
    operation = doc["paths"]["/api/data/{dataset}/{table}"]["get"]
    rows = operation["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["rows"]
    schema = rows["items"]["anyOf"][0]
    assert schema["properties"]["occurred"]["type"] == ["string", "null"]
    assert "without a time zone" in schema["properties"]["occurred"]["description"]
    assert schema["properties"]["shooting"]["type"] == ["integer", "null"]


def test_sql_endpoint_runs_one_select(client: Client, table) -> None:
    """POST and GET run a SELECT over published tables by their SQL name."""
    sql = f"SELECT district, count(*) AS n FROM {table.relation} GROUP BY 1 ORDER BY 2 DESC, 1"  # noqa: S608
    response = client.post("/api/data/sql", {"sql": sql}, content_type="application/json")
    assert response.status_code == 200
    assert json.loads(response.content)["rows"][0] == ["Roxbury", 2]
    body = get_json(client, "/api/data/sql?" + __import__("urllib.parse").parse.urlencode({"sql": sql}))
    assert body["columns"] == ["district", "n"]


@pytest.mark.parametrize(
    "sql",
    [
        "COPY (SELECT 1) TO '/tmp/x.csv'",
        "ATTACH '/tmp/x.duckdb' AS x",
        "INSTALL httpfs",
        "LOAD httpfs",
        "PRAGMA database_list",
        "SELECT 1; SELECT 2",
        "DROP TABLE data",
        "CREATE TABLE x AS SELECT 1",
        "SET memory_limit='8GB'",
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('/etc/passwd')",
        "SELECT * FROM glob('/*')",
        "SELECT * FROM 'https://example.com/x.csv'",
        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r",
    ],
)
def test_sql_endpoint_refuses_hostile_statements(client: Client, table, settings, sql: str) -> None:
    """Writes, file and network access, extensions, several statements and runaway queries fail with 400."""
    settings.DATASTORE_QUERY_TIMEOUT = 0.5
    response = client.post("/api/data/sql", {"sql": sql}, content_type="application/json")
    assert response.status_code == 400
    assert json.loads(response.content)["error"]["code"] in {"sql_rejected", "query_failed", "query_timeout"}


def test_sql_row_cap(client: Client, table, settings) -> None:
    """Results beyond the row cap are cut and flagged."""
    settings.DATASTORE_SQL_ROW_CAP = 3
    body = json.loads(
        client.post("/api/data/sql", {"sql": "SELECT * FROM range(100)"}, content_type="application/json").content
    )
    assert len(body["rows"]) == 3
    assert body["truncated"] is True


def test_busy_guard_answers_503(client: Client, table, settings) -> None:
    """When every query slot is taken the API answers 503 with Retry-After at once."""
    from civicdata.datastore import runtime

    settings.DATASTORE_MAX_CONCURRENT_QUERIES = 1
    guard = runtime.get_guard()
    guard.acquire()
    try:
        response = client.get(table.api_path)
    finally:
        guard.release()
    assert response.status_code == 503
    assert response["Retry-After"] == "2"


def test_dataset_listing_query_count(client: Client, django_assert_max_num_queries) -> None:
    """Listing a dataset's tables costs a fixed number of queries whatever the number of tables."""
    dataset = make_published_dataset()
    for name in ("one", "two", "three"):
        table, _job = load_table(dataset, name=name)
        from civicdata.datastore import services

        services.publish_table(table, by=None)
    with django_assert_max_num_queries(2):
        body = get_json(client, f"/api/data/{dataset.name}")
    assert [t["name"] for t in body] == ["one", "three", "two"]


def test_spanish_table_page(client: Client, table) -> None:
    """The table page speaks Spanish when asked."""
    response = client.get(table.get_absolute_url(), headers={"accept-language": "es"})
    assert "Filtrar y ordenar" in response.content.decode()


def test_geojson_keeps_the_sort_order(client: Client, table) -> None:
    """Sorted GeoJSON downloads list features in the requested order."""
    doc = json.loads(b"".join(client.get(f"{table.api_path}.geojson?sort=-incident").streaming_content))
    assert [f["properties"]["incident"] for f in doc["features"]] == ["I-5", "I-4", "I-3", "I-2", "I-1"]
