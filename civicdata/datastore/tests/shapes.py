"""The real U.S. Census block groups shapefile (../shared/realdata/gis) as a GeoJSON text, read with a
few lines of `struct` (polygons and their dBase attributes), so the map tests draw real outlines."""

from __future__ import annotations

import io
import json
import struct
import zipfile

from civicdata.core.testing import realdata_path

BLOCKGROUPS = "gis/census_blockgroups_shapefile.zip"


def _polygons(shp: bytes) -> list[list[list[list[float]]]]:
    """Each record's rings (type 5, Polygon) from the .shp bytes."""
    out, at = [], 100
    while at < len(shp):
        _number, words = struct.unpack(">ii", shp[at : at + 8])
        body = shp[at + 8 : at + 8 + 2 * words]
        at += 8 + 2 * words
        if struct.unpack("<i", body[:4])[0] != 5:
            out.append([])
            continue
        parts_n, points_n = struct.unpack("<ii", body[36:44])
        parts = [*struct.unpack(f"<{parts_n}i", body[44 : 44 + 4 * parts_n]), points_n]
        xy = struct.unpack(f"<{2 * points_n}d", body[44 + 4 * parts_n : 44 + 4 * parts_n + 16 * points_n])
        points = [[xy[2 * i], xy[2 * i + 1]] for i in range(points_n)]
        out.append([points[parts[i] : parts[i + 1]] for i in range(parts_n)])
    return out


def _records(dbf: bytes) -> list[dict[str, str]]:
    count, header, length = struct.unpack("<IHH", dbf[4:12])
    fields, at = [], 32
    while dbf[at] != 0x0D:
        name = dbf[at : at + 11].split(b"\0")[0].decode("ascii")
        fields.append((name, dbf[at + 16]))
        at += 32
    rows = []
    for i in range(count):
        record = dbf[header + i * length : header + (i + 1) * length]
        row, pos = {}, 1
        for name, size in fields:
            row[name] = record[pos : pos + size].decode("latin-1").strip()
            pos += size
        rows.append(row)
    return rows


def blockgroups_geojson(limit: int | None = None) -> str:
    """The block groups as a GeoJSON FeatureCollection (first `limit` of them)."""
    with zipfile.ZipFile(io.BytesIO(realdata_path(BLOCKGROUPS).read_bytes())) as archive:
        shp = archive.read("blockgroups.shp")
        dbf = archive.read("blockgroups.dbf")
    features = [
        {"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": rings}}
        for rings, props in zip(_polygons(shp), _records(dbf), strict=True)
        if rings
    ][:limit]
    return json.dumps({"type": "FeatureCollection", "features": features})
