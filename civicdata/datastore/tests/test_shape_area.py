"""The area filter (`_bbox`) on tables of shapes (a GeoJSON upload's polygons): a row matches when its
shape's bounding box overlaps the area. Checked against boxes computed here from the real census block
groups, through the JSON API, the count, the facets, the map endpoint and the table page."""

from __future__ import annotations

import dataclasses
import json
from html import unescape

import pytest
from django.http import QueryDict
from django.test import Client
from django.utils import translation

from civicdata.datastore import runtime
from civicdata.datastore.query import build_count_sql, parse_query
from civicdata.datastore.shape_bounds import BOUNDS_TABLE, has_bounds

from .factories import published_table

# A box over Russian Hill and North Beach, San Francisco (among the first block groups of the file).
BOX = (-122.425, 37.799, -122.41, 37.806)


def _features(limit: int) -> list[dict]:
    from .shapes import blockgroups_geojson

    return json.loads(blockgroups_geojson(limit))["features"]


def _shape_table(limit: int = 60):
    from .shapes import blockgroups_geojson

    return published_table(blockgroups_geojson(limit), name="blockgroups", suffix=".geojson")


def _expected(limit: int, box: tuple[float, float, float, float]) -> set[str]:
    """Keys of the block groups whose outline's box overlaps `box`, computed from the GeoJSON."""
    west, south, east, north = box
    keys = set()
    for feature in _features(limit):
        corners = [p for ring in feature["geometry"]["coordinates"] for p in ring]
        xs, ys = [float(p[0]) for p in corners], [float(p[1]) for p in corners]
        if min(xs) <= east and max(xs) >= west and min(ys) <= north and max(ys) >= south:
            keys.add(feature["properties"]["BKG_KEY"])
    return keys


def _bbox(box: tuple[float, ...]) -> str:
    return ",".join(str(x) for x in box)


@pytest.mark.django_db
def test_api_keeps_the_shapes_whose_box_overlaps_the_area_with_count_and_facets(client: Client) -> None:
    table = _shape_table()
    expected = _expected(60, BOX)
    assert 0 < len(expected) < 60  # the box narrows the rows, and keeps some
    body = json.loads(client.get(f"{table.api_path}?_bbox={_bbox(BOX)}&fields=bkg_key&limit=100").content)
    assert {row["bkg_key"] for row in body["rows"]} == expected
    assert body["matching_count"] == len(expected)
    faceted = json.loads(client.get(f"{table.api_path}?_bbox={_bbox(BOX)}&_facet=mobilehome&limit=1").content)
    assert sum(v["count"] for v in faceted["facets"][0]["values"]) == len(expected)
    shapes = json.loads(client.get(f"{table.api_path}/points?_bbox={_bbox(BOX)}").content)
    assert {f["properties"]["label"] for f in shapes["features"]} == expected
    # The sea west of San Francisco: nothing there.
    empty = json.loads(client.get(f"{table.api_path}?_bbox=-123.5,37.0,-123.4,37.1").content)
    assert empty["matching_count"] == 0


@pytest.mark.django_db
def test_the_boxes_are_written_at_load_and_the_query_without_them_agrees() -> None:
    """The load writes the side table; a version file without it (written before) gets the same rows
    by reading the boxes out of the GeoJSON text in the query."""
    table = _shape_table()
    info = runtime.table_info(table)
    assert info.shape == '"geometry"'
    assert info.shape_bounds is True
    cur = runtime.open_cursor(table)
    assert cur.execute(f"SELECT count(*) FROM {BOUNDS_TABLE}").fetchone()[0] == 60  # noqa: S608
    counts = []
    for precomputed in (True, False):
        parsed = parse_query(QueryDict(f"_bbox={_bbox(BOX)}"), dataclasses.replace(info, shape_bounds=precomputed))
        sql, params = build_count_sql(parsed)
        assert ("_shape_bounds" in sql) is precomputed
        counts.append(cur.execute(sql, params).fetchone()[0])
    assert counts == [len(_expected(60, BOX))] * 2


@pytest.mark.django_db
def test_a_derived_version_writes_its_own_boxes() -> None:
    """Dropping, masking or re-typing columns writes a new version file (`store.derive`): it gets the
    boxes of its own rows."""
    table = _shape_table(20)
    store = runtime.get_store()
    version = store.derive(table.relation, table.version, '"bkg_key", "geometry"')
    cur = store.connection(store.version_path(table.relation, version)).cursor()
    rows = cur.execute(f"SELECT row_id, west, south, east, north FROM {BOUNDS_TABLE} ORDER BY row_id").fetchall()  # noqa: S608
    assert len(rows) == 20
    first = _features(20)[0]["geometry"]["coordinates"]
    xs = [float(p[0]) for ring in first for p in ring]
    ys = [float(p[1]) for ring in first for p in ring]
    assert rows[0] == (0, min(xs), min(ys), max(xs), max(ys))
    without = store.derive(table.relation, table.version, '"bkg_key"')
    cur = store.connection(store.version_path(table.relation, without)).cursor()
    assert not has_bounds(cur)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "es"])
def test_table_page_typed_area_filters_the_shapes_and_says_so(client: Client, language: str) -> None:
    """Without JavaScript: the typed Area form becomes `_bbox` in the address; the sentence says in
    words that the shapes touching the area are shown, judged by their boxes."""
    table = _shape_table()
    url = table.get_absolute_url()
    page = unescape(client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode())
    assert 'id="area-form"' in page
    west, south, east, north = BOX
    answer = client.get(url, {"west": west, "south": south, "east": east, "north": north})
    assert answer.status_code == 302
    assert answer["Location"] == f"{url}?_bbox={_bbox(BOX).replace(',', '%2C')}#results"
    html = unescape(client.get(answer["Location"], HTTP_ACCEPT_LANGUAGE=language).content.decode())
    count = len(_expected(60, BOX))
    with translation.override(language):
        if language == "es":
            assert f"{count} filas donde la forma toca la zona elegida en el mapa" in html
        else:
            assert (
                f"{count} rows where the shape touches the chosen map area (judged by the box around the shape)" in html
            )
    assert f'value="{west}"' in html  # the typed edges are kept in the form
