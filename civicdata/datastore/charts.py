"""Chart builder: validate a chart request against a table, aggregate in DuckDB, produce a Vega-Lite
spec with the (small) aggregated data inline, and render it to SVG or PNG on the server.

Raw rows never go to the renderer: bars are grouped (top 30), lines are bucketed (≤ 500 points) and
maps draw a fixed-size sample of points.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from .ingest.infer import point_expressions, quote_ident
from .schema import point_source
from .store import DATA_TABLE

CHART_TYPES = ("bar", "line", "map")
CHART_AGGREGATES = ("count", "sum", "avg", "min", "max")
MAX_BARS = 30
MAX_LINE_POINTS = 500
MAX_MAP_POINTS = 5000
VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"


class ChartError(ValueError):
    """The chart request does not fit the table (message names the valid choices)."""


@dataclass(frozen=True)
class ChartRequest:
    type: str
    x: str = ""
    y: str = ""
    aggregate: str = "count"
    title: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"type": self.type, "x": self.x, "y": self.y, "aggregate": self.aggregate, "title": self.title}


def validate(request: ChartRequest, schema: dict[str, Any]) -> ChartRequest:
    types = {f["name"]: f.get("type", "string") for f in schema.get("fields", [])}
    names = ", ".join(types)
    if request.type not in CHART_TYPES:
        raise ChartError(f"Chart type must be one of {', '.join(CHART_TYPES)}.")
    if request.aggregate not in CHART_AGGREGATES:
        raise ChartError(f"Aggregate must be one of {', '.join(CHART_AGGREGATES)}.")
    if request.type == "map":
        if point_source(schema) is None:
            raise ChartError("This table has no latitude/longitude or point column to map.")
        return request
    if request.x not in types:
        raise ChartError(f"Choose the x column among: {names}.")
    if request.aggregate != "count":
        if request.y not in types:
            raise ChartError(f"Choose the y column among: {names}.")
        if request.aggregate in ("sum", "avg") and types[request.y] not in ("integer", "number"):
            raise ChartError(f"{request.aggregate} needs a numeric y column; {request.y!r} is {types[request.y]}.")
    if request.type == "line" and types[request.x] not in ("date", "datetime", "integer", "number"):
        raise ChartError("A line chart needs a date, date-time or numeric x column.")
    return request


def _measure(request: ChartRequest) -> tuple[str, str]:
    if request.aggregate == "count":
        return "count(*)", "count"
    return f"{request.aggregate}({quote_ident(request.y)})", f"{request.aggregate}_{request.y}"


def chart_data(cur: duckdb.DuckDBPyConnection, request: ChartRequest, schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The aggregated rows the chart shows (a few hundred at most)."""
    types = {f["name"]: f.get("type", "string") for f in schema.get("fields", [])}
    if request.type == "map":
        source = point_source(schema) or {}
        if "latitude" in source:
            lon, lat = quote_ident(source["longitude"]), quote_ident(source["latitude"])
        else:
            lon, lat = point_expressions(source.get("format", "wkt"), source["point"])
        rows = cur.execute(
            f"SELECT lon, lat FROM (SELECT {lon} AS lon, {lat} AS lat FROM {DATA_TABLE}) "  # noqa: S608
            "WHERE lon BETWEEN -180 AND 180 AND lat BETWEEN -90 AND 90 AND NOT (lon = 0 AND lat = 0) "
            f"USING SAMPLE reservoir({MAX_MAP_POINTS} ROWS) REPEATABLE (1)"
        ).fetchall()
        return [{"longitude": a, "latitude": b} for a, b in rows]
    measure, label = _measure(request)
    x = quote_ident(request.x)
    if request.type == "bar":
        rows = cur.execute(
            f"SELECT CAST({x} AS VARCHAR) AS k, {measure} AS v FROM {DATA_TABLE} "  # noqa: S608
            f"WHERE {x} IS NOT NULL GROUP BY 1 ORDER BY v DESC NULLS LAST, k LIMIT {MAX_BARS}"
        ).fetchall()
        return [{request.x: k, label: v} for k, v in rows]
    if types[request.x] in ("date", "datetime"):
        low, high = cur.execute(f"SELECT min({x}), max({x}) FROM {DATA_TABLE}").fetchone()  # noqa: S608
        span = (high - low).days if low is not None and high is not None else 0
        unit = "day" if span <= 120 else "week" if span <= 3 * 365 else "month" if span <= 40 * 365 else "year"
        key = f"CAST(date_trunc('{unit}', {x}) AS DATE)"
    else:
        key = x
    rows = cur.execute(
        f"SELECT {key} AS k, {measure} AS v FROM {DATA_TABLE} WHERE {x} IS NOT NULL "  # noqa: S608
        f"GROUP BY 1 ORDER BY 1 LIMIT {MAX_LINE_POINTS}"
    ).fetchall()
    return [{request.x: k.isoformat() if hasattr(k, "isoformat") else k, label: v} for k, v in rows]


def build_spec(
    request: ChartRequest, schema: dict[str, Any], data: list[dict[str, Any]], *, width: int = 640
) -> dict[str, Any]:
    """A self-contained Vega-Lite spec (data inline, no external URLs)."""
    titles = {f["name"]: f.get("title") or f["name"] for f in schema.get("fields", [])}
    types = {f["name"]: f.get("type", "string") for f in schema.get("fields", [])}
    spec: dict[str, Any] = {
        "$schema": VEGA_LITE_SCHEMA,
        "width": width,
        "height": 360,
        "data": {"values": data},
        "config": {"font": "sans-serif", "view": {"stroke": None}},
    }
    if request.title:
        spec["title"] = request.title
    if request.type == "map":
        spec.update(
            {
                "projection": {"type": "mercator"},
                "mark": {"type": "circle", "size": 12, "opacity": 0.6},
                "encoding": {
                    "longitude": {"field": "longitude", "type": "quantitative"},
                    "latitude": {"field": "latitude", "type": "quantitative"},
                },
            }
        )
        return spec
    _, label = _measure(request)
    y_title = "Rows" if request.aggregate == "count" else f"{request.aggregate} of {titles.get(request.y, request.y)}"
    if request.type == "bar":
        spec["mark"] = {"type": "bar"}
        spec["encoding"] = {
            "y": {"field": request.x, "type": "nominal", "sort": "-x", "title": titles.get(request.x)},
            "x": {"field": label, "type": "quantitative", "title": y_title},
            "tooltip": [{"field": request.x}, {"field": label, "title": y_title}],
        }
    else:
        temporal = types.get(request.x) in ("date", "datetime")
        spec["mark"] = {"type": "line", "point": len(data) <= 60}
        spec["encoding"] = {
            "x": {
                "field": request.x,
                "type": "temporal" if temporal else "quantitative",
                "title": titles.get(request.x),
            },
            "y": {"field": label, "type": "quantitative", "title": y_title},
        }
    return spec


def render_svg(spec: dict[str, Any]) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(spec)


def render_png(spec: dict[str, Any], *, scale: float = 2.0) -> bytes:
    import vl_convert

    return vl_convert.vegalite_to_png(spec, scale=scale)


def make_chart(cur: duckdb.DuckDBPyConnection, request: ChartRequest, schema: dict[str, Any]) -> dict[str, Any]:
    """Validate, aggregate and return the Vega-Lite spec for a chart request."""
    validate(request, schema)
    return build_spec(request, schema, chart_data(cur, request, schema))


COLUMNS_CHANGED = "This chart's columns changed when the table was reloaded, so it can no longer be drawn."


def saved_request(chart: Any) -> ChartRequest:
    """The request a saved chart stands for."""
    return ChartRequest(type=chart.chart_type, x=chart.x, y=chart.y, aggregate=chart.aggregate, title=chart.title)


def columns_changed(chart: Any, schema: dict[str, Any]) -> bool:
    """True when a saved chart no longer fits its table (a reload renamed, removed or retyped a column)."""
    try:
        validate(saved_request(chart), schema)
    except ChartError:
        return True
    return False


def notice_spec(message: str, title: str = "") -> dict[str, Any]:
    """A chart-sized image that says `message` instead of a chart (for a saved chart that cannot be drawn)."""
    spec: dict[str, Any] = {
        "$schema": VEGA_LITE_SCHEMA,
        "width": 640,
        "height": 120,
        "data": {"values": [{"message": message}]},
        "mark": {"type": "text", "fontSize": 16, "limit": 620},
        "encoding": {"text": {"field": "message"}},
        "config": {"font": "sans-serif", "view": {"stroke": None}},
    }
    if title:
        spec["title"] = title
    return spec
