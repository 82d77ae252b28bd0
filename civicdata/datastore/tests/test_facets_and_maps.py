"""What a table shows about its matching rows: the sentence in words with column titles, the facets
of low-cardinality columns, the area (`_bbox`) filter and the bounded GeoJSON behind the maps — at
service, page and API level."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from django.http import QueryDict
from django.test import Client
from django.utils import translation

from civicdata.datastore import services
from civicdata.datastore.maps import map_points
from civicdata.datastore.query import QueryError, TableInfo, parse_query
from civicdata.datastore.sentence import describe_rows
from civicdata.datastore.table_query import run_table_query

from .factories import load_table, make_published_dataset, published_table

TITLES = {"status": "Status", "ward": "Ward", "opened": "Date opened"}
TYPES = {"status": "string", "ward": "integer", "opened": "date"}
# Two rows located outside the Boston box, one row with no location at all.
FAR_CSV = (
    "Incident,Offense,District,Lat,Long\n"
    "F-1,LARCENY,South End,42.34,-71.07\n"
    "F-2,LARCENY,Roxbury,42.32,-71.06\n"
    "F-3,ASSAULT,Faraway,10.0,10.0\n"
    "F-4,ASSAULT,Faraway,,\n"
)


@pytest.fixture
def table():
    return published_table()


def _results_heading(html: str) -> str:
    return unescape(re.search(r'<h2 id="results" tabindex="-1">(.*?)</h2>', html, re.S)[1]).strip()


# -- the sentence -----------------------------------------------------------------------------


def test_sentence_names_columns_by_title_and_quotes_text_only() -> None:
    """Text values are quoted, numbers are not, the last condition joins with "and", sort reads in words."""
    params = [("status", "Open"), ("ward", "3"), ("sort", "-opened")]
    text = describe_rows(24, params, titles=TITLES, types=TYPES)
    assert text == "24 rows where Status is “Open” and Ward is 3, sorted by Date opened, descending"


def test_sentence_words_for_each_condition() -> None:
    """Comparisons read as words; dates use before/after; one row is singular; no filter is just a count."""
    params = [("ward__gte", "2"), ("opened__lt", "2024-01-01"), ("status__isnull", "true"), ("q", "pothole")]
    text = describe_rows(1, params, titles=TITLES, types=TYPES)
    assert text == (
        "1 row where Ward is at least 2, Date opened is before “2024-01-01”, Status is empty "
        "and any text contains “pothole”"
    )
    assert describe_rows(1500, [], titles=TITLES, types=TYPES) == "1,500 rows"


def test_sentence_in_spanish() -> None:
    """The sentence is translated, titles stay as the publisher wrote them."""
    with translation.override("es"):
        text = describe_rows(24, [("status", "Open"), ("ward", "3")], titles=TITLES, types=TYPES)
    assert text == "24 filas donde Status es “Open” y Ward es 3"


# -- the area filter ------------------------------------------------------------------------


def test_bbox_filter_needs_points_and_a_valid_box() -> None:
    """`_bbox` becomes a condition on the point columns; a bad box or a table without points is a 400."""
    info = TableInfo(types={"lat": "number", "lon": "number"}, point=('"lon"', '"lat"'))
    parsed = parse_query({"_bbox": "-71.1,42.3,-71.0,42.4"}, info)
    assert parsed.bbox == (-71.1, 42.3, -71.0, 42.4)
    assert parsed.where == ['("lon" BETWEEN ? AND ? AND "lat" BETWEEN ? AND ?)']
    assert parsed.params == [-71.1, -71.0, 42.3, 42.4]
    for bad in ("1,2,3", "a,b,c,d", "10,0,5,1", "0,-95,1,1"):
        with pytest.raises(QueryError) as exc:
            parse_query({"_bbox": bad}, info)
        assert exc.value.param == "_bbox"
    with pytest.raises(QueryError, match="no locations"):
        parse_query({"_bbox": "0,0,1,1"}, TableInfo(types={"name": "string"}))


@pytest.mark.django_db
def test_bbox_filters_the_page_the_api_and_the_csv(client: Client) -> None:
    """The same box keeps the same rows on the page, in the JSON and in the download."""
    dataset = make_published_dataset()
    table, job = load_table(dataset, FAR_CSV, name="far")
    assert job.status == "succeeded", job.error
    for column in services.unresolved_pii(table):
        services.decide_pii(table, column=column, action="justify", justification="Public.", by=None)
    table = services.publish_table(table, by=None)
    box = "_bbox=-71.2,42.2,-71.0,42.4"
    body = json.loads(client.get(f"{table.api_path}?{box}").content)
    assert body["matching_count"] == 2
    assert sorted(r["incident"] for r in body["rows"]) == ["F-1", "F-2"]
    csv_text = b"".join(client.get(f"{table.api_path}.csv?{box}").streaming_content).decode()
    assert "F-1" in csv_text
    assert "F-3" not in csv_text
    assert "F-4" not in csv_text
    html = client.get(f"{table.get_absolute_url()}?{box}").content.decode()
    assert _results_heading(html) == "2 rows where the location is inside the chosen map area"
    assert f"{table.api_path}.csv?_bbox=" in html


# -- facets -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_requested_facet_counts_matching_rows_most_common_first(table) -> None:
    """`_facet=district` lists each district's count among the rows matching the filters."""
    result = run_table_query(table, QueryDict("_facet=district"))
    assert result.error is None
    [facet] = result.facets
    assert [(v.value, v.count) for v in facet.values] == [("Roxbury", 2), ("South End", 2), ("Dorchester", 1)]
    filtered = run_table_query(table, QueryDict("_facet=district&offense=LARCENY"))
    assert [(v.value, v.count) for v in filtered.facets[0].values] == [("South End", 2), ("Roxbury", 1)]


@pytest.mark.django_db
def test_automatic_facets_skip_identifiers(table) -> None:
    """The page facets columns with a few repeated values, not identifiers (every value different)."""
    result = run_table_query(table, QueryDict(""), auto_facets=True)
    columns = [f.column for f in result.facets]
    assert "district" in columns
    assert "offense" in columns
    assert "incident" not in columns


@pytest.mark.django_db
def test_automatic_facets_leave_out_columns_with_many_values() -> None:
    """A column with more than 30 different values among the matching rows gets no facet."""
    rows = "\n".join(f"{i},{'even' if i % 2 else 'odd'},street {i % 40}" for i in range(80))
    wide = published_table("id,parity,street\n" + rows + "\n", name="wide")
    columns = [f.column for f in run_table_query(wide, QueryDict(""), auto_facets=True).facets]
    assert columns == ["parity"]


@pytest.mark.django_db
def test_unknown_facet_column_is_a_bad_parameter(client: Client, table) -> None:
    response = client.get(f"{table.api_path}?_facet=nope")
    assert response.status_code == 400
    assert "nope" in json.loads(response.content)["error"]["message"]


@pytest.mark.django_db
def test_api_returns_matching_count_and_requested_facets(client: Client, table) -> None:
    body = json.loads(client.get(f"{table.api_path}?offense=LARCENY&_facet=district,shooting").content)
    assert body["matching_count"] == 3
    assert body["row_count"] == 5
    facets = {f["column"]: f["values"] for f in body["facets"]}
    assert facets["district"] == [{"value": "South End", "count": 2}, {"value": "Roxbury", "count": 1}]
    assert facets["shooting"] == [{"value": 0, "count": 3}]


# -- the table page ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_table_page_says_which_rows_match_with_titles(client: Client, table) -> None:
    """A renamed column's title is used in the sentence, the active filters and the filter form."""
    services.update_schema(table, edits={"offense": {"title": "Kind of offence"}}, by=None)
    html = client.get(f"{table.get_absolute_url()}?offense=LARCENY&district=Roxbury").content.decode()
    assert _results_heading(html) == "1 row where Kind of offence is “LARCENY” and District is “Roxbury”"
    assert '<option value="offense">Kind of offence</option>' in html
    assert "Kind of offence is “LARCENY” — <a" in unescape(html)


@pytest.mark.django_db
def test_facet_links_add_and_remove_the_filter_and_land_on_the_results(client: Client, table) -> None:
    html = unescape(client.get(table.get_absolute_url()).content.decode())
    link = re.search(r'<a class="usa-link" href="(\?[^"]*district=Roxbury#results)">Roxbury</a> \(2\)', html)
    assert link, "the District facet links Roxbury with its count"
    filtered = unescape(client.get(table.get_absolute_url() + link[1].split("#")[0]).content.decode())
    assert _results_heading(filtered) == "2 rows where District is “Roxbury”"
    assert re.search(r"<strong>Roxbury</strong> \(2\) <a class=\"usa-link\" href=\"\?#results\">remove", filtered)


@pytest.mark.django_db
def test_area_form_turns_typed_edges_into_a_bbox_filter(client: Client, table) -> None:
    """Without JavaScript the four typed edges become `_bbox`, and the page lands on the results."""
    url = table.get_absolute_url()
    response = client.get(f"{url}?offense=LARCENY&west=-71.08&south=42.33&east=-71.0&north=42.35")
    assert response.status_code == 302
    assert response["Location"] == f"{url}?offense=LARCENY&_bbox=-71.08%2C42.33%2C-71.0%2C42.35#results"
    html = client.get(response["Location"].split("#")[0]).content.decode()
    assert _results_heading(unescape(html)).startswith("2 rows where Offense is “LARCENY” and the location")
    assert 'id="area-west" name="west" inputmode="decimal" aria-describedby="area-hint" value="-71.08"' in html
    cleared = client.get(f"{url}?_bbox=-71.08,42.33,-71.0,42.35&west=&south=&east=&north=")
    assert cleared["Location"] == f"{url}?#results"


@pytest.mark.django_db
def test_table_page_map_points_at_the_filtered_geojson(client: Client, table, settings) -> None:
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    html = unescape(client.get(f"{table.get_absolute_url()}?offense=LARCENY&sort=incident").content.decode())
    assert f'data-points="{table.api_path}/points?offense=LARCENY"' in html
    assert 'data-tiles="https://tiles.example.org/{z}/{x}/{y}.png"' in html
    assert "Filter to this area" in html
    assert "the table lists the same rows" in html


@pytest.mark.django_db
def test_table_without_points_has_no_map_or_area_form(client: Client) -> None:
    table = published_table("name,kind\na,x\nb,y\nc,x\n", name="plain")
    html = client.get(table.get_absolute_url()).content.decode()
    assert "data-civic-map" not in html
    assert 'id="area-form"' not in html


@pytest.mark.django_db
def test_spanish_table_page_sentence_and_facets(client: Client, table) -> None:
    html = unescape(
        client.get(f"{table.get_absolute_url()}?district=Roxbury", headers={"accept-language": "es"}).content.decode()
    )
    assert _results_heading(html) == "2 filas donde District es “Roxbury”"
    assert "Valores frecuentes" in html
    assert "Filtrar a esta zona" in html


# -- the points endpoint ----------------------------------------------------------------------


@pytest.mark.django_db
def test_points_endpoint_caps_features_and_says_so(client: Client, table, settings) -> None:
    settings.DATASTORE_MAP_MAX_POINTS = 2
    response = client.get(f"{table.api_path}/points")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    body = json.loads(response.content)
    assert body["type"] == "FeatureCollection"
    assert len(body["features"]) == 2
    assert body["capped"] is True
    assert body["located_count"] == 5
    assert body["feature_limit"] == 2
    first = body["features"][0]
    assert first["geometry"] == {"type": "Point", "coordinates": [-71.06940877, 42.33954199]}
    assert first["properties"]["label"] == "I-1"


@pytest.mark.django_db
def test_points_endpoint_follows_filters_and_the_box(client: Client, table) -> None:
    body = json.loads(client.get(f"{table.api_path}/points?offense=LARCENY&_bbox=-71.071,42.33,-71.0,42.35").content)
    assert body["located_count"] == 2
    assert body["capped"] is False
    assert sorted(f["properties"]["label"] for f in body["features"]) == ["I-1", "I-5"]


@pytest.mark.django_db
def test_points_endpoint_skips_rows_without_location_and_refuses_tables_without_points(client: Client) -> None:
    dataset = make_published_dataset()
    located, _job = load_table(dataset, FAR_CSV, name="far")
    assert map_points(located, QueryDict(""), cap=10).located_count == 3
    plain = published_table("name,kind\na,x\n", name="plain")
    response = client.get(f"{plain.api_path}/points")
    assert response.status_code == 400
    assert json.loads(response.content)["error"]["code"] == "not_geographic"


@pytest.mark.django_db
def test_dataset_page_shows_the_map_of_its_point_table(client: Client, table) -> None:
    """The catalog's dataset page gets the map through the datastore's dataset panel."""
    html = unescape(client.get(table.dataset.get_absolute_url()).content.decode())
    assert f'data-points="{table.api_path}/points"' in html
    assert f'data-area-url="{table.get_absolute_url()}"' in html
    assert "leaflet/leaflet.js" in html


# -- shapes (a GeoJSON upload's polygons and lines) -------------------------------------------


def _shape_table(limit: int | None = 40):
    from .shapes import blockgroups_geojson

    return published_table(blockgroups_geojson(limit), name="blockgroups", suffix=".geojson")


@pytest.mark.django_db
def test_shapes_endpoint_returns_real_polygons_with_the_filters_applied(client: Client) -> None:
    """The census block groups load as rows with a `geometry` column; the map endpoint serves their
    outlines as polygons, labelled by the first text column, and follows the table's filters."""
    table = _shape_table()
    body = json.loads(client.get(f"{table.api_path}/points").content)
    assert body["located_count"] == 40
    assert len(body["features"]) == 40
    first = body["features"][0]
    assert first["geometry"]["type"] == "Polygon"
    assert first["geometry"]["coordinates"][0][0] == [-122.420391, 37.863433]
    assert first["geometry"]["coordinates"][0][0] == first["geometry"]["coordinates"][0][-1]
    assert first["properties"]["label"] == "060750179029"
    filtered = json.loads(client.get(f"{table.api_path}/points?bkg_key=060750179029").content)
    assert [f["properties"]["label"] for f in filtered["features"]] == ["060750179029"]
    assert filtered["located_count"] == 1


@pytest.mark.django_db
def test_shapes_are_bounded_by_features_and_corners(client: Client, settings) -> None:
    """Few features allowed: the first ones and `capped`; few corners allowed: outlines are thinned
    (still closed rings) and the total stays within the budget."""
    table = _shape_table()
    settings.DATASTORE_MAP_MAX_POINTS = 5
    capped = json.loads(client.get(f"{table.api_path}/points").content)
    assert len(capped["features"]) == 5
    assert capped["capped"] is True
    assert capped["located_count"] == 40
    settings.DATASTORE_MAP_MAX_POINTS = 5000
    full = json.loads(client.get(f"{table.api_path}/points").content)
    full_corners = sum(len(r) for f in full["features"] for r in f["geometry"]["coordinates"])
    assert full["simplified"] is False
    settings.DATASTORE_MAP_MAX_VERTICES = 400
    thin = json.loads(client.get(f"{table.api_path}/points").content)
    corners = sum(len(r) for f in thin["features"] for r in f["geometry"]["coordinates"])
    assert full_corners > 400
    assert corners <= 400
    assert thin["simplified"] is True
    assert thin["vertex_limit"] == 400
    for feature in thin["features"]:
        for ring in feature["geometry"]["coordinates"]:
            assert len(ring) >= 4
            assert ring[0] == ring[-1]


@pytest.mark.django_db
def test_shape_table_page_and_dataset_page_show_the_shape_map_with_an_area_form(client: Client) -> None:
    """Shapes have a map (with the GeoJSON link as the no-JavaScript fallback and a list in words),
    and the area box, which keeps the shapes whose bounding box overlaps it (test_shape_area.py)."""
    table = _shape_table(5)
    html = unescape(client.get(f"{table.get_absolute_url()}?pop1990__gte=1000").content.decode())
    assert f'data-points="{table.api_path}/points?pop1990__gte=1000"' in html
    assert f'href="{table.api_path}/points?pop1990__gte=1000" type="application/geo+json"' in html
    assert "The shapes in words" in html
    assert 'id="area-form"' in html
    assert "smallest box around it" in html
    assert "Filter to this area" in html
    dataset_html = unescape(client.get(table.dataset.get_absolute_url()).content.decode())
    assert f'data-points="{table.api_path}/points"' in dataset_html
    assert "leaflet/leaflet.js" in dataset_html


def test_shape_reader_keeps_drawable_geometries_only() -> None:
    """Cells that are not GeoJSON geometries (or are out of range) are not drawn; WKT points are."""
    from civicdata.datastore.maps import _shape

    assert _shape("POINT (-71.06 42.33)", 10) == ({"type": "Point", "coordinates": [-71.06, 42.33]}, False)
    line = json.dumps({"type": "LineString", "coordinates": [[0, 0], [1, 1], [2, 2], [3, 3], [4, 4]]})
    assert _shape(line, 2) == ({"type": "LineString", "coordinates": [[0.0, 0.0], [4.0, 4.0]]}, True)
    for bad in ("not json", '{"type": "Feature"}', '{"type": "Polygon", "coordinates": "x"}', "[1, 2]"):
        assert _shape(bad, 10) == (None, False)
    assert _shape(json.dumps({"type": "Point", "coordinates": [500, 0]}), 10) == (None, False)
