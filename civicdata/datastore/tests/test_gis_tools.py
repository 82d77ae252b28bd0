"""GIS formats into the Data API with geometry: zipped shapefiles made here with pyshp (in a State Plane
projection) and the real Census one, KML, GeoPackage, and ArcGIS REST layers served on loopback from
responses recorded from real county servers (../shared/realdata/gis)."""

from __future__ import annotations

import http.server
import io
import json
import sqlite3
import struct
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from civicdata.accounts.tests.factories import make_member, make_organization
from civicdata.catalog.models import DistributionFile
from civicdata.catalog.tests.factories import make_dataset
from civicdata.core.errors import InvalidInput
from civicdata.datastore import gis
from civicdata.datastore.models import DataTable, IngestJob

REALDATA = Path(__file__).resolve().parents[4] / "shared" / "realdata" / "gis"
CENSUS = REALDATA / "census_blockgroups_shapefile.zip"
ARCGIS = REALDATA / "arcgis-rest"
needs_realdata = pytest.mark.skipif(not REALDATA.is_dir(), reason="../shared/realdata/gis is not beside the repository")

# Two fire stations in Los Angeles, written in California State Plane zone 5 (US feet, EPSG:2229).
STATIONS = [("Station 1", 1, -118.2437, 34.0522), ("Station 27", 27, -118.3287, 34.0928)]


def shapefile_zip(*, projected: bool = True, prj: str | None = None) -> bytes:
    import shapefile
    from pyproj import CRS, Transformer

    to_feet = Transformer.from_crs(4326, 2229, always_xy=True)
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POINT) as writer:
        writer.field("NAME", "C", 40)
        writer.field("NUMBER", "N", 5)
        for name, number, lon, lat in STATIONS:
            x, y = to_feet.transform(lon, lat) if projected else (lon, lat)
            writer.point(x, y)
            writer.record(name, number)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("stations.shp", shp.getvalue())
        archive.writestr("stations.shx", shx.getvalue())
        archive.writestr("stations.dbf", dbf.getvalue())
        if prj is not None or projected:
            archive.writestr("stations.prj", prj if prj is not None else CRS.from_epsg(2229).to_wkt("WKT1_ESRI"))
    return out.getvalue()


def features(data: bytes) -> list[dict]:
    return json.loads(data)["features"]


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_projected_shapefile_comes_back_in_longitude_and_latitude(tmp_path):
    found = features(gis.read_shapefile_zip(_write(tmp_path, "s.zip", shapefile_zip())))
    assert [f["properties"]["NAME"] for f in found] == ["Station 1", "Station 27"]
    lon, lat = found[0]["geometry"]["coordinates"]
    assert lon == pytest.approx(-118.2437, abs=1e-5)
    assert lat == pytest.approx(34.0522, abs=1e-5)


def test_a_shapefile_without_prj_in_degrees_is_read_as_is(tmp_path):
    found = features(gis.read_shapefile_zip(_write(tmp_path, "s.zip", shapefile_zip(projected=False))))
    assert found[1]["geometry"] == {"type": "Point", "coordinates": [-118.3287, 34.0928]}


def test_a_bad_projection_gets_a_clear_error(tmp_path):
    with pytest.raises(InvalidInput, match="projection") as caught:
        gis.read_shapefile_zip(_write(tmp_path, "s.zip", shapefile_zip(prj="PROJCS[nonsense")))
    assert caught.value.code == "bad_projection"


def test_a_projected_shapefile_without_its_prj_is_refused_not_misplaced(tmp_path):
    data = shapefile_zip()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            if not name.endswith(".prj"):
                target.writestr(name, source.read(name))
    with pytest.raises(InvalidInput, match="outside the globe"):
        gis.read_shapefile_zip(_write(tmp_path, "s.zip", out.getvalue()))


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path, settings):
    settings.MAX_UPLOAD_BYTES = 1 << 20
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("stations.shp", b"\0" * (5 << 20))
    with pytest.raises(InvalidInput) as caught:
        gis.read_shapefile_zip(_write(tmp_path, "bomb.zip", out.getvalue()))
    assert caught.value.code == "zip_too_large"


@pytest.mark.parametrize(
    ("data", "code"),
    [(b"not a zip", "bad_zip"), (b"", "bad_zip")],
)
def test_broken_zips_get_clear_errors(tmp_path, data, code):
    with pytest.raises(InvalidInput) as caught:
        gis.read_shapefile_zip(_write(tmp_path, "x.zip", data))
    assert caught.value.code == code


def test_a_zip_without_a_shapefile_says_so(tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(InvalidInput, match="no shapefile"):
        gis.read_shapefile_zip(_write(tmp_path, "x.zip", out.getvalue()))


@needs_realdata
def test_the_real_census_block_groups_become_polygons_in_degrees():
    found = features(gis.read_shapefile_zip(CENSUS))
    assert len(found) > 100
    assert {f["geometry"]["type"] for f in found} <= {"Polygon", "MultiPolygon"}
    lon, lat = (
        found[0]["geometry"]["coordinates"][0][0][:2]
        if found[0]["geometry"]["type"] == "Polygon"
        else found[0]["geometry"]["coordinates"][0][0][0]
    )
    assert -180 <= lon <= -60
    assert 15 <= lat <= 72
    assert found[0]["properties"]


KML = b"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Placemark><name>Library</name><description>Main branch</description>
<ExtendedData><Data name="hours"><value>9-5</value></Data></ExtendedData>
<Point><coordinates>-122.27,37.80,0</coordinates></Point></Placemark>
<Placemark><name>Park</name><Polygon><outerBoundaryIs><LinearRing><coordinates>
-122.1,37.1 -122.2,37.1 -122.2,37.2 -122.1,37.1</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>
</Document></kml>"""


def test_kml_placemarks_keep_their_names_data_and_shapes():
    found = features(gis.read_kml(KML))
    assert found[0]["properties"] == {"name": "Library", "description": "Main branch", "hours": "9-5"}
    assert found[0]["geometry"] == {"type": "Point", "coordinates": [-122.27, 37.8]}
    assert found[1]["geometry"]["type"] == "Polygon"


def test_kml_with_entities_is_refused():
    bomb = b'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "aaaa">]><kml><Placemark><name>&a;</name></Placemark></kml>'
    with pytest.raises(InvalidInput) as caught:
        gis.read_kml(bomb)
    assert caught.value.code == "bad_kml"


def _gpkg_point(lon: float, lat: float, srs_id: int) -> bytes:
    header = b"GP" + bytes([0, 0b00000011]) + struct.pack("<i", srs_id) + struct.pack("<4d", lon, lon, lat, lat)
    return header + struct.pack("<BI2d", 1, 1, lon, lat)


def make_geopackage(path: Path, *, epsg: int = 4326, points=((-122.27, 37.8),)) -> Path:
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY, organization TEXT,
            organization_coordsys_id INTEGER, definition TEXT, description TEXT);
        CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT, identifier TEXT);
        CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, geometry_type_name TEXT,
            srs_id INTEGER, z INTEGER, m INTEGER);
        CREATE TABLE hydrants (fid INTEGER PRIMARY KEY, label TEXT, geom BLOB);
        INSERT INTO gpkg_contents VALUES ('hydrants', 'features', 'hydrants');
        """
    )
    db.execute("INSERT INTO gpkg_spatial_ref_sys VALUES ('x', ?, 'EPSG', ?, 'undefined', '')", (epsg, epsg))
    db.execute("INSERT INTO gpkg_geometry_columns VALUES ('hydrants', 'geom', 'POINT', ?, 0, 0)", (epsg,))
    for i, (x, y) in enumerate(points, start=1):
        db.execute("INSERT INTO hydrants VALUES (?, ?, ?)", (i, f"H{i}", _gpkg_point(x, y, epsg)))
    db.commit()
    db.close()
    return path


def test_a_geopackage_feature_table_is_read_with_its_geometry(tmp_path):
    found = features(gis.read_geopackage(make_geopackage(tmp_path / "h.gpkg")))
    assert found == [
        {
            "type": "Feature",
            "properties": {"fid": 1, "label": "H1"},
            "geometry": {"type": "Point", "coordinates": [-122.27, 37.8]},
        }
    ]


def test_a_projected_geopackage_is_reprojected(tmp_path):
    from pyproj import Transformer

    x, y = Transformer.from_crs(4326, 3857, always_xy=True).transform(-122.27, 37.8)
    found = features(gis.read_geopackage(make_geopackage(tmp_path / "h.gpkg", epsg=3857, points=[(x, y)])))
    assert found[0]["geometry"]["coordinates"] == pytest.approx([-122.27, 37.8], abs=1e-6)


def test_a_file_that_is_not_a_geopackage_says_so(tmp_path):
    with pytest.raises(InvalidInput):
        gis.read_geopackage(_write(tmp_path, "x.gpkg", b"not sqlite at all" * 10))


# -- ArcGIS REST on loopback ----------------------------------------------------------------------


class ArcGis(http.server.BaseHTTPRequestHandler):
    """One layer at /arcgis/rest/services/Parcels/FeatureServer/0 from a recorded county response, with
    a small maxRecordCount so that it takes several pages."""

    metadata: dict = {}
    features: dict = {}
    page_size = 4
    queries: list[dict] = []
    failing = False  # answer 500 to everything (a map server that is down)

    def do_GET(self):
        if type(self).failing:
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        parts = urlsplit(self.path)
        params = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if parts.path == "/arcgis/rest/services/Parcels/FeatureServer/0":
            body = {**type(self).metadata, "maxRecordCount": type(self).page_size}
        elif parts.path == "/arcgis/rest/services/Parcels/FeatureServer/0/query":
            type(self).queries.append(params)
            offset, count = int(params["resultOffset"]), int(params["resultRecordCount"])
            everything = type(self).features["features"]
            page = everything[offset : offset + min(count, type(self).page_size)]
            body = {
                **type(self).features,
                "features": page,
                "exceededTransferLimit": offset + len(page) < len(everything),
            }
        else:
            self.send_response(404)
            self.end_headers()
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def arcgis(settings) -> Iterator[str]:
    county = ARCGIS / "us-ca-tuolumne"
    ArcGis.metadata = json.loads((county / "us-ca-tuolumne-metadata.json").read_text())
    ArcGis.features = json.loads((county / "us-ca-tuolumne-0.json").read_text())
    ArcGis.queries = []
    ArcGis.failing = False
    settings.FETCH_ALLOWED_HOSTS = ["127.0.0.0/8"]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ArcGis)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/arcgis/rest/services/Parcels/FeatureServer/0"
    finally:
        server.shutdown()
        server.server_close()


@needs_realdata
def test_an_arcgis_layer_is_paged_through_and_reprojected(arcgis):
    name, data = gis.read_arcgis_layer(arcgis + "/query?where=1%3D1")
    found = features(data)
    assert len(found) == len(ArcGis.features["features"]) == 15
    assert [q["resultOffset"] for q in ArcGis.queries] == ["0", "4", "8", "12"]
    assert {q["resultRecordCount"] for q in ArcGis.queries} == {"4"}
    assert name == ArcGis.metadata["name"]
    ring = found[0]["geometry"]["coordinates"][0]
    assert all(-180 <= lon <= 180 and -90 <= lat <= 90 for lon, lat in ring)
    assert found[0]["properties"] == ArcGis.features["features"][0]["attributes"]


@pytest.mark.parametrize("url", ["http://example.org/arcgis/rest/services/x", "http://example.org/FeatureServer/zero"])
def test_an_address_that_is_not_a_layer_is_refused(url):
    with pytest.raises(InvalidInput, match="one layer"):
        gis.layer_url(url)


def test_private_addresses_are_refused_by_the_fetcher():
    with pytest.raises(InvalidInput) as caught:
        gis.read_arcgis_layer("http://127.0.0.1:9/arcgis/rest/services/x/MapServer/0")
    assert caught.value.code == "arcgis_fetch"


# -- the page ----------------------------------------------------------------------------------------


@pytest.fixture
def parks(db):
    return make_organization("Parks", slug="parks")


@pytest.fixture
def editor(parks):
    return make_member(parks)


def test_an_editor_loads_a_zipped_shapefile_with_its_map_geometry(
    client, parks, editor, django_capture_on_commit_callbacks
):
    dataset = make_dataset(parks, published=False)
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/catalog/tools/gis/",
            {
                "dataset": dataset.pk,
                "file": SimpleUploadedFile("fire stations.zip", shapefile_zip()),
                "title": "Fire stations",
            },
        )
    job = IngestJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    table = DataTable.objects.get()
    assert table.row_count == 2
    assert {f.name for f in DistributionFile.objects.filter(dataset=dataset)} == {
        "fire_stations.geojson",
        "fire_stations.zip",
    }
    page = client.get(table.get_absolute_url()).content.decode()
    assert "Station 27" in page


def test_a_bad_gis_upload_keeps_the_form_and_says_why(client, parks, editor):
    dataset = make_dataset(parks, published=False)
    client.force_login(editor)
    response = client.post("/catalog/tools/gis/", {"dataset": dataset.pk, "file": SimpleUploadedFile("x.zip", b"nope")})
    assert response.status_code == 200
    assert "not a readable zip file" in response.content.decode()
    assert not DistributionFile.objects.exists()


def test_the_api_loads_a_shapefile_and_a_pdf_table(client, parks, editor, django_capture_on_commit_callbacks):
    from civicdata.datastore.tests.test_pdf_tables import make_pdf

    dataset = make_dataset(parks, published=False)
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        shp = client.post(
            "/api/tools/gis", {"dataset": dataset.name, "file": SimpleUploadedFile("stations.zip", shapefile_zip())}
        )
    assert shp.status_code == 201, shp.content
    assert shp.json()["source_distribution"].endswith("/stations.zip")
    found = client.post(
        "/api/tools/pdf-tables/found", {"dataset": dataset.name, "file": SimpleUploadedFile("r.pdf", make_pdf(3))}
    )
    assert found.status_code == 200, found.content
    assert [(t["ref"], t["columns"], t["rows"]) for t in found.json()] == [("1-1", 3, 4)]
    with django_capture_on_commit_callbacks(execute=True):
        pdf = client.post(
            "/api/tools/pdf-tables",
            {
                "dataset": dataset.name,
                "file": SimpleUploadedFile("r.pdf", make_pdf(3)),
                "title": "Repairs",
                "tables": "1-1",
            },
        )
    assert pdf.status_code == 201, pdf.content
    assert sorted(DataTable.objects.values_list("row_count", flat=True)) == [2, 3]
    outsider = make_member(make_organization("Police", slug="police"))
    client.force_login(outsider)
    refused = client.post("/api/tools/gis", {"dataset": dataset.name, "layer_url": "http://example.org/x/MapServer/0"})
    assert refused.status_code == 403
