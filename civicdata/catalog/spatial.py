"""Bounding boxes from the `spatial` field, for the map filter of dataset search.

`spatial` may be a named place ("Philadelphia, Pennsylvania"), a ``west,south,east,north`` string, or a
GeoJSON-like object. Only the last two have coordinates; named places yield no box.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

BBox = tuple[float, float, float, float]  # west, south, east, north in WGS 84 degrees


def _valid(box: BBox) -> BBox | None:
    west, south, east, north = box
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= 90 and -90 <= north <= 90):
        return None
    if south > north:
        return None
    return box


def parse_bbox_text(text: str) -> BBox | None:
    """A ``west,south,east,north`` string (commas or spaces) as a box, or None."""
    parts = text.replace(",", " ").split()
    if len(parts) != 4:
        return None
    try:
        west, south, east, north = (float(part) for part in parts)
    except ValueError:
        return None
    return _valid((west, south, east, north))


def _positions(coords: Any) -> Iterator[tuple[float, float]]:
    if isinstance(coords, (list, tuple)):
        if len(coords) >= 2 and all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in coords[:2]):
            yield float(coords[0]), float(coords[1])
        else:
            for item in coords:
                yield from _positions(item)


def _box_of(points: Iterable[tuple[float, float]]) -> BBox | None:
    xs: list[float] = []
    ys: list[float] = []
    for x, y in points:
        xs.append(x)
        ys.append(y)
    if not xs:
        return None
    return _valid((min(xs), min(ys), max(xs), max(ys)))


def bbox_of_spatial(spatial: Any) -> BBox | None:
    """The bounding box of a `spatial` value, or None when it names a place or cannot be read."""
    if spatial is None:
        return None
    if isinstance(spatial, str):
        text = spatial.strip()
        if text.startswith("{"):
            try:
                spatial = json.loads(text)
            except ValueError:
                return None
        else:
            return parse_bbox_text(text)
    if isinstance(spatial, dict):
        if isinstance(spatial.get("bbox"), list) and len(spatial["bbox"]) == 4:
            try:
                return _valid(tuple(float(v) for v in spatial["bbox"]))  # type: ignore[arg-type]
            except (TypeError, ValueError):
                return None
        if spatial.get("type") == "Feature":
            return bbox_of_spatial(spatial.get("geometry"))
        if spatial.get("type") == "FeatureCollection":
            boxes = [bbox_of_spatial(f) for f in spatial.get("features") or []]
            return _box_of(p for b in boxes if b for p in ((b[0], b[1]), (b[2], b[3])))
        if spatial.get("type") == "GeometryCollection":
            boxes = [bbox_of_spatial(g) for g in spatial.get("geometries") or []]
            return _box_of(p for b in boxes if b for p in ((b[0], b[1]), (b[2], b[3])))
        return _box_of(_positions(spatial.get("coordinates")))
    return None


def intersects(a: BBox, b: BBox) -> bool:
    """True when two boxes overlap (touching counts)."""
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]
