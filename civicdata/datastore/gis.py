"""GIS files and services turned into a GeoJSON FeatureCollection in WGS 84 (longitude, latitude), which
the Data API loads with its geometry column (points as WKT, other shapes as GeoJSON geometry) so the
table's map works: zipped shapefiles (any projection, read with pyshp, reprojected with pyproj),
GeoPackage (sqlite3 and the GPKG binary geometry header), KML/KMZ (defusedxml) and ArcGIS REST
FeatureServer/MapServer layers paged through with the SSRF-safe fetcher.

Bounded like table loads: compressed and uncompressed sizes, the number of zip members and their
compression ratio (zip bombs), features, and coordinates. Errors are `InvalidInput` in plain language.
"""

from __future__ import annotations

import io
import itertools
import json
import sqlite3
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from civicdata.core.errors import InvalidInput

MAX_FEATURES = 200_000
MAX_COORDINATES = 5_000_000
MAX_ZIP_MEMBERS = 200
MAX_ZIP_RATIO = 100
SUFFIXES = (".zip", ".gpkg", ".kml", ".kmz")


def _limit() -> int:
    return int(settings.MAX_UPLOAD_BYTES)


def _fail(message: str, code: str) -> InvalidInput:
    return InvalidInput(message, code=code)


# -- reprojection --------------------------------------------------------------------------------


class Reprojector:
    """Coordinates from a source projection to WGS 84 (x = longitude, y = latitude)."""

    def __init__(self, crs: Any | None) -> None:
        self.transformer = None
        if crs is None:
            return
        from pyproj import CRS, Transformer
        from pyproj.exceptions import CRSError

        try:
            if isinstance(crs, int):  # an ArcGIS wkid: EPSG's, else Esri's own (102100, ...)
                try:
                    source = CRS.from_epsg(crs)
                except CRSError:
                    source = CRS.from_authority("ESRI", str(crs))
            else:
                source = crs if isinstance(crs, CRS) else CRS.from_user_input(crs)
        except CRSError as exc:
            raise _fail(
                _("The projection of the data could not be read (%(why)s).") % {"why": str(exc)[:120]}, "bad_projection"
            ) from None
        if source.equals(CRS.from_epsg(4326), ignore_axis_order=True):
            return
        try:
            self.transformer = Transformer.from_crs(source, CRS.from_epsg(4326), always_xy=True)
        except CRSError as exc:
            raise _fail(
                _("The projection of the data cannot be turned into longitude and latitude (%(why)s).")
                % {"why": str(exc)[:120]},
                "bad_projection",
            ) from None

    def point(self, x: float, y: float) -> list[float]:
        if self.transformer is not None:
            x, y = self.transformer.transform(x, y)
        if not (-180.0001 <= x <= 180.0001 and -90.0001 <= y <= 90.0001):
            raise _fail(
                _("A point ends up outside the globe (%(x)s, %(y)s): the projection given does not match the data.")
                % {"x": round(x, 3), "y": round(y, 3)},
                "bad_projection",
            )
        return [round(x, 7), round(y, 7)]


def _map_coords(coords: Any, project: Reprojector, counter: list[int]) -> Any:
    if coords and isinstance(coords[0], (int, float)):
        counter[0] += 1
        if counter[0] > MAX_COORDINATES:
            raise _fail(
                _("The shapes hold more than %(n)s points; simplify them or split the file.") % {"n": MAX_COORDINATES},
                "too_many_points",
            )
        return project.point(float(coords[0]), float(coords[1]))
    return [_map_coords(c, project, counter) for c in coords]


def reproject_geometry(geometry: dict | None, project: Reprojector, counter: list[int]) -> dict | None:
    if not geometry:
        return None
    if geometry.get("type") == "GeometryCollection":
        return {
            "type": "GeometryCollection",
            "geometries": [reproject_geometry(g, project, counter) for g in geometry.get("geometries", [])],
        }
    return {"type": geometry["type"], "coordinates": _map_coords(geometry.get("coordinates") or [], project, counter)}


def _json_value(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def feature_collection(features: Iterator[tuple[dict, dict | None]], project: Reprojector) -> bytes:
    """GeoJSON bytes of (properties, geometry) pairs, reprojected and bounded."""
    out = []
    counter = [0]
    for properties, geometry in features:
        if len(out) >= MAX_FEATURES:
            raise _fail(
                _("The file has more than %(n)s features; split it.") % {"n": MAX_FEATURES}, "too_many_features"
            )
        out.append(
            {
                "type": "Feature",
                "properties": {str(k): _json_value(v) for k, v in properties.items()},
                "geometry": reproject_geometry(geometry, project, counter),
            }
        )
    if not out:
        raise _fail(_("The file has no features."), "no_features")
    return json.dumps({"type": "FeatureCollection", "features": out}, ensure_ascii=False).encode()


# -- zip files (shapefiles, KMZ) -------------------------------------------------------------------


def open_zip(path: Path) -> zipfile.ZipFile:
    """A zip file checked against zip bombs: member count, total uncompressed size, ratio."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise _fail(_("The file is not a readable zip file."), "bad_zip") from None
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise _fail(_("The zip file holds more than %(n)s files.") % {"n": MAX_ZIP_MEMBERS}, "zip_too_many")
    total = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members) or 1
    if total > _limit() or total / packed > MAX_ZIP_RATIO:
        raise _fail(
            _("The zip file unpacks to %(mb)s MB, more than allowed (or it is a “zip bomb”).") % {"mb": total >> 20},
            "zip_too_large",
        )
    return archive


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as handle:
        data = handle.read(_limit() + 1)  # sizes in the header can lie; never read past the limit
    if len(data) > _limit():
        raise _fail(_("A file inside the zip is larger than allowed."), "zip_too_large")
    return data


def read_shapefile_zip(path: Path) -> bytes:
    """The first shapefile (.shp with its .dbf, .shx and .prj) in a zip, as GeoJSON in WGS 84."""
    import shapefile

    archive = open_zip(path)
    names = {n.lower(): n for n in archive.namelist() if not n.startswith("__MACOSX")}
    shp = next((n for n in sorted(names) if n.endswith(".shp")), None)
    if shp is None:
        raise _fail(_("The zip file holds no shapefile (.shp)."), "no_shapefile")
    stem = shp[:-4]
    if f"{stem}.dbf" not in names:
        raise _fail(_("The shapefile's attribute table (.dbf) is missing from the zip."), "no_dbf")
    parts = {
        ext: io.BytesIO(_read_member(archive, names[f"{stem}.{ext}"]))
        for ext in ("shp", "dbf", "shx")
        if f"{stem}.{ext}" in names
    }
    prj = _read_member(archive, names[f"{stem}.prj"]).decode("utf-8", "replace") if f"{stem}.prj" in names else None
    encoding = "utf-8"
    if f"{stem}.cpg" in names:
        encoding = _read_member(archive, names[f"{stem}.cpg"]).decode("ascii", "replace").strip() or "utf-8"
    try:
        reader = shapefile.Reader(
            shp=parts["shp"], dbf=parts["dbf"], shx=parts.get("shx"), encoding=encoding, encodingErrors="replace"
        )
    except (shapefile.ShapefileException, struct.error, LookupError, ValueError) as exc:
        raise _fail(
            _("The shapefile could not be read (%(why)s).") % {"why": str(exc)[:120]}, "bad_shapefile"
        ) from None
    if len(reader) > MAX_FEATURES:
        raise _fail(_("The file has more than %(n)s features; split it.") % {"n": MAX_FEATURES}, "too_many_features")
    project = Reprojector(prj) if prj else Reprojector(None)

    def features() -> Iterator[tuple[dict, dict | None]]:
        try:
            for record in reader.iterShapeRecords():
                shape = record.shape
                geometry = None if shape.shapeType == shapefile.NULL else shape.__geo_interface__
                yield record.record.as_dict(), geometry
        except (shapefile.ShapefileException, struct.error, ValueError) as exc:
            raise _fail(
                _("The shapefile could not be read (%(why)s).") % {"why": str(exc)[:120]}, "bad_shapefile"
            ) from None

    return feature_collection(features(), project)


# -- KML --------------------------------------------------------------------------------------------

_KML = "{http://www.opengis.net/kml/2.2}"


def _kml_coords(text: str | None) -> list[list[float]]:
    points = []
    for chunk in (text or "").split():
        parts = chunk.split(",")
        try:
            points.append([float(parts[0]), float(parts[1])])
        except (ValueError, IndexError):
            raise _fail(
                _("The KML has coordinates that are not numbers: “%(text)s”.") % {"text": chunk[:40]}, "bad_kml"
            ) from None
    return points


def _kml_geometry(element: Any, ns: str) -> dict | None:
    tag = element.tag.removeprefix(ns)
    if tag == "Point":
        coords = _kml_coords(element.findtext(f"{ns}coordinates"))
        return {"type": "Point", "coordinates": coords[0]} if coords else None
    if tag == "LineString":
        return {"type": "LineString", "coordinates": _kml_coords(element.findtext(f"{ns}coordinates"))}
    if tag == "Polygon":
        rings = [_kml_coords(element.findtext(f"{ns}outerBoundaryIs/{ns}LinearRing/{ns}coordinates"))]
        rings += [
            _kml_coords(r.findtext(f"{ns}LinearRing/{ns}coordinates")) for r in element.findall(f"{ns}innerBoundaryIs")
        ]
        return {"type": "Polygon", "coordinates": rings}
    if tag == "MultiGeometry":
        parts = [g for child in element if (g := _kml_geometry(child, ns))]
        return {"type": "GeometryCollection", "geometries": parts} if parts else None
    return None


def read_kml(data: bytes) -> bytes:
    """The Placemarks of a KML document (name, description, extended data, geometry) as GeoJSON."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        root = fromstring(data)
    except (ParseError, DefusedXmlException):
        raise _fail(
            _("The KML file is not readable XML (or it uses entities, which are refused)."), "bad_kml"
        ) from None
    ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""

    def features() -> Iterator[tuple[dict, dict | None]]:
        for placemark in root.iter(f"{ns}Placemark"):
            properties: dict[str, Any] = {
                "name": placemark.findtext(f"{ns}name") or "",
                "description": placemark.findtext(f"{ns}description") or "",
            }
            for item in placemark.iter(f"{ns}Data"):
                properties[item.get("name") or "value"] = item.findtext(f"{ns}value")
            for item in placemark.iter(f"{ns}SimpleData"):
                properties[item.get("name") or "value"] = item.text
            geometry = next((g for child in placemark if (g := _kml_geometry(child, ns))), None)
            yield properties, geometry

    return feature_collection(features(), Reprojector(None))


def read_kmz(path: Path) -> bytes:
    archive = open_zip(path)
    kml = next((n for n in archive.namelist() if n.lower().endswith(".kml")), None)
    if kml is None:
        raise _fail(_("The KMZ file holds no KML document."), "bad_kml")
    return read_kml(_read_member(archive, kml))


# -- GeoPackage -------------------------------------------------------------------------------------

_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


class _Wkb:
    """A reader of well-known binary geometry (2D, ISO and EWKB Z/M flags tolerated)."""

    def __init__(self, data: bytes, offset: int = 0) -> None:
        self.data, self.pos = data, offset

    def _unpack(self, fmt: str) -> tuple:
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.data):
            raise _fail(_("A geometry in the GeoPackage is cut short."), "bad_geometry")
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += size
        return values

    def geometry(self, depth: int = 0) -> dict:
        if depth > 8:
            raise _fail(_("A geometry in the GeoPackage nests too deeply."), "bad_geometry")
        order = "<" if self._unpack("B")[0] == 1 else ">"
        (code,) = self._unpack(f"{order}I")
        dims = 2
        if code & 0x80000000:
            dims += 1
        if code & 0x40000000:
            dims += 1
        if code & 0x20000000:
            self._unpack(f"{order}I")  # EWKB SRID
        code &= 0x0FFFFFFF
        base, iso = code % 1000, code // 1000
        dims += {1: 1, 2: 1, 3: 2}.get(iso, 0)

        def point() -> list[float]:
            return list(self._unpack(f"{order}{dims}d"))[:2]

        def points() -> list[list[float]]:
            (n,) = self._unpack(f"{order}I")
            if n > MAX_COORDINATES:
                raise _fail(_("A geometry in the GeoPackage is too large."), "bad_geometry")
            return [point() for _ in range(n)]

        def count() -> int:
            (n,) = self._unpack(f"{order}I")
            if n > MAX_COORDINATES:
                raise _fail(_("A geometry in the GeoPackage is too large."), "bad_geometry")
            return n

        if base == 1:
            return {"type": "Point", "coordinates": point()}
        if base == 2:
            return {"type": "LineString", "coordinates": points()}
        if base == 3:
            return {"type": "Polygon", "coordinates": [points() for _ in range(count())]}
        if base in (4, 5, 6):
            kind = {4: "MultiPoint", 5: "MultiLineString", 6: "MultiPolygon"}[base]
            return {"type": kind, "coordinates": [self.geometry(depth + 1)["coordinates"] for _ in range(count())]}
        if base == 7:
            return {"type": "GeometryCollection", "geometries": [self.geometry(depth + 1) for _ in range(count())]}
        raise _fail(
            _("The GeoPackage holds a kind of geometry the tool cannot read (code %(code)s).") % {"code": code},
            "bad_geometry",
        )


def gpkg_geometry(blob: bytes | None) -> dict | None:
    """GeoJSON geometry from a GeoPackage geometry blob (the "GP" header, then WKB)."""
    if not blob:
        return None
    if len(blob) < 8 or blob[:2] != b"GP":
        raise _fail(_("A geometry in the GeoPackage does not start with the GeoPackage header."), "bad_geometry")
    flags = blob[3]
    if flags & 0b10000:  # empty geometry
        return None
    envelope = _ENVELOPE_BYTES.get((flags >> 1) & 0b111)
    if envelope is None:
        raise _fail(_("A geometry in the GeoPackage has a bad header."), "bad_geometry")
    return _Wkb(bytes(blob), 8 + envelope).geometry()


def read_geopackage(path: Path) -> bytes:
    """The first feature table of a GeoPackage as GeoJSON in WGS 84."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error:
        raise _fail(_("The file is not a readable GeoPackage."), "bad_gpkg") from None
    try:
        db.execute("PRAGMA query_only = 1")
        try:
            found = db.execute(
                "SELECT c.table_name, g.column_name, s.definition, s.organization, s.organization_coordsys_id "
                "FROM gpkg_contents c JOIN gpkg_geometry_columns g ON g.table_name = c.table_name "
                "LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id "
                "WHERE c.data_type = 'features' ORDER BY c.table_name LIMIT 1"
            ).fetchone()
        except sqlite3.DatabaseError:
            raise _fail(_("The file is not a readable GeoPackage."), "bad_gpkg") from None
        if found is None:
            raise _fail(_("The GeoPackage has no feature table."), "no_features")
        table, column, definition, organization, code = found
        crs: Any = None
        if organization and str(organization).upper() == "EPSG" and code and int(code) > 0:
            crs = f"EPSG:{int(code)}"
        elif definition and definition.strip().lower() != "undefined":
            crs = definition
        project = Reprojector(crs)
        quoted = '"' + table.replace('"', '""') + '"'
        cursor = db.execute(f"SELECT * FROM {quoted} LIMIT {MAX_FEATURES + 1}")  # noqa: S608 (name from the file's own catalog, quoted)
        names = [d[0] for d in cursor.description]

        def features() -> Iterator[tuple[dict, dict | None]]:
            for row in cursor:
                values = dict(zip(names, row, strict=True))
                blob = values.pop(column, None)
                yield values, gpkg_geometry(blob)

        return feature_collection(features(), project)
    finally:
        db.close()


def convert_file(path: Path, name: str) -> bytes:
    """GeoJSON (WGS 84) from an uploaded GIS file, by its name's suffix."""
    suffix = Path(name).suffix.lower()
    if path.stat().st_size > _limit():
        raise _fail(_("The file is larger than the %(mb)s MB limit.") % {"mb": _limit() >> 20}, "file_too_large")
    if suffix == ".zip":
        return read_shapefile_zip(path)
    if suffix == ".gpkg":
        return read_geopackage(path)
    if suffix == ".kml":
        return read_kml(path.read_bytes())
    if suffix == ".kmz":
        return read_kmz(path)
    raise _fail(_("Upload a zipped shapefile (.zip), a GeoPackage (.gpkg) or KML (.kml, .kmz)."), "file_type")


# -- ArcGIS REST layers -----------------------------------------------------------------------------

MAX_PAGES = 500


def _esri_rings(rings: list) -> dict:
    """Esri polygon rings (outer rings clockwise, holes counter-clockwise) as GeoJSON."""
    polygons: list[list] = []
    for ring in rings:
        area = sum(x1 * y2 - x2 * y1 for (x1, y1, *_a), (x2, y2, *_b) in itertools.pairwise(ring))
        if area <= 0 or not polygons:  # clockwise: a new outer ring
            polygons.append([ring])
        else:
            polygons[-1].append(ring)
    polygons = [[[p[:2] for p in r] for r in poly] for poly in polygons]
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


def esri_geometry(geometry: dict | None) -> dict | None:
    """GeoJSON geometry from an ArcGIS REST (f=json) geometry."""
    if not geometry:
        return None
    if "x" in geometry:
        if geometry["x"] is None or geometry.get("y") is None:
            return None
        return {"type": "Point", "coordinates": [geometry["x"], geometry["y"]]}
    if "points" in geometry:
        return {"type": "MultiPoint", "coordinates": [p[:2] for p in geometry["points"]]}
    if "paths" in geometry:
        paths = [[p[:2] for p in path] for path in geometry["paths"]]
        return (
            {"type": "LineString", "coordinates": paths[0]}
            if len(paths) == 1
            else {"type": "MultiLineString", "coordinates": paths}
        )
    if "rings" in geometry:
        return _esri_rings(geometry["rings"])
    return None


def _fetch_json(url: str, params: dict) -> dict:
    from civicdata.core.fetch import FetchError, fetch

    try:
        response = fetch(f"{url}?{urlencode(params)}", max_bytes=_limit())
    except FetchError as exc:
        raise _fail(exc.message, "arcgis_fetch") from None
    if response.status >= 400:
        raise _fail(_("The map server answered %(status)s.") % {"status": response.status}, "arcgis_status")
    try:
        body = json.loads(response.body)
    except ValueError:
        raise _fail(
            _("The map server's answer is not JSON; is this the address of a layer?"), "arcgis_not_json"
        ) from None
    if isinstance(body, dict) and "error" in body:
        message = (body["error"] or {}).get("message") if isinstance(body["error"], dict) else str(body["error"])
        raise _fail(
            _("The map server reported an error: %(message)s") % {"message": str(message)[:200]}, "arcgis_error"
        )
    if not isinstance(body, dict):
        raise _fail(_("The map server's answer is not a layer description."), "arcgis_not_json")
    return body


def layer_url(url: str) -> str:
    """The layer address (…/FeatureServer/<n> or …/MapServer/<n>) without a trailing /query or query."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/").removesuffix("/query")
    segments = path.split("/")
    if len(segments) < 2 or segments[-2] not in ("FeatureServer", "MapServer") or not segments[-1].isdigit():
        raise _fail(
            _("Give the address of one layer, ending in /FeatureServer/<number> or /MapServer/<number>."), "arcgis_url"
        )
    return f"{parts.scheme}://{parts.netloc}{path}"


def read_arcgis_layer(url: str) -> tuple[str, bytes]:
    """(layer name, GeoJSON in WGS 84) of every feature of an ArcGIS REST layer, paged through with
    resultOffset/resultRecordCount in pages of the layer's maxRecordCount (asked in WGS 84; answers in
    another spatial reference are reprojected)."""
    base = layer_url(url)
    meta = _fetch_json(base, {"f": "json"})
    if meta.get("type") not in (None, "Feature Layer", "Table"):
        raise _fail(
            _("This address is a %(type)s, not a feature layer.") % {"type": str(meta.get("type"))[:40]}, "arcgis_url"
        )
    page_size = max(1, min(int(meta.get("maxRecordCount") or 1000), 2000))
    name = str(meta.get("name") or "layer")[:200]
    collected: list[tuple[dict, dict | None]] = []
    project: Reprojector | None = None
    offset = 0
    for _page in range(MAX_PAGES):
        params = {
            "where": "1=1",
            "outFields": "*",
            "returnGeometry": "true",
            "outSR": "4326",
            "f": "json",
            "resultOffset": offset,
            "resultRecordCount": page_size,
            "orderByFields": meta.get("objectIdField") or "",
        }
        page = _fetch_json(f"{base}/query", params)
        features = page.get("features")
        if not isinstance(features, list):
            raise _fail(_("The map server's answer has no features."), "arcgis_not_json")
        if project is None:
            reference = page.get("spatialReference") or {}
            wkid = reference.get("latestWkid") or reference.get("wkid")
            project = Reprojector(int(wkid) if wkid else (reference.get("wkt") or None))
        for feature in features:
            collected.append((feature.get("attributes") or {}, esri_geometry(feature.get("geometry"))))
            if len(collected) > MAX_FEATURES:
                raise _fail(_("The layer has more than %(n)s features.") % {"n": MAX_FEATURES}, "too_many_features")
        offset += len(features)
        if not features or (len(features) < page_size and not page.get("exceededTransferLimit")):
            break
    else:
        raise _fail(_("The layer has more pages than the tool reads."), "too_many_features")
    return name, feature_collection(iter(collected), project or Reprojector(None))
